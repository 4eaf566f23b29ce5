package services_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"kohorte/models"
	"kohorte/services"
)

// requested names the users of open requests, in their order.
func requested(t *testing.T, e *env, actor services.Actor) []string {
	t.Helper()
	reqs, err := e.svc.Users.ResetRequests(context.Background(), actor)
	if err != nil {
		t.Fatal(err)
	}
	var emails []string
	for _, r := range reqs {
		if r.RequestedAt.IsZero() {
			t.Errorf("request of %s has no time", r.User.Email)
		}
		emails = append(emails, r.User.Email)
	}
	return emails
}

func expectRequested(t *testing.T, e *env, actor services.Actor, want ...string) {
	t.Helper()
	if got := requested(t, e, actor); !equalStrings(got, want) {
		t.Fatalf("open requests %v, want %v", got, want)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestResetRequestsStayOpenUntilAnswered(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	const pw = "Lange Nächte am Rhein 2026"
	juror := e.addUser(t, "zoe@example.org", models.RoleJuror, pw)
	e.addUser(t, "staff@example.org", models.RoleStaff, pw)
	res, err := e.svc.Sessions.Login(ctx, "staff@example.org", pw, client("10.0.0.3"))
	if err != nil {
		t.Fatal(err)
	}
	staff, err := e.svc.Sessions.Authenticate(ctx, res.Token, client("10.0.0.3"))
	if err != nil {
		t.Fatal(err)
	}
	expectRequested(t, e, e.admin)

	for _, email := range []string{"zoe@example.org", "nobody@example.org", "staff@example.org"} {
		if err := e.svc.Passwords.RequestReset(ctx, email, client("198.51.100.9")); err != nil {
			t.Fatal(err)
		}
	}
	// The unknown address shows nowhere; staff see only whom they may help.
	expectRequested(t, e, e.admin, "zoe@example.org", "staff@example.org")
	expectRequested(t, e, staff, "zoe@example.org")

	// A link answers the request; asking again opens a new one.
	if _, err := e.svc.Passwords.ResetLink(ctx, staff, juror.ID); err != nil {
		t.Fatal(err)
	}
	expectRequested(t, e, e.admin, "staff@example.org")
	if err := e.svc.Passwords.RequestReset(ctx, "ZOE@example.org", client("198.51.100.9")); err != nil {
		t.Fatal(err)
	}
	expectRequested(t, e, e.admin, "staff@example.org", "zoe@example.org")

	// Logging in answers it too: the person needs no link any more.
	if _, err := e.svc.Sessions.Login(ctx, "staff@example.org", pw, client("10.0.0.4")); err != nil {
		t.Fatal(err)
	}
	expectRequested(t, e, e.admin, "zoe@example.org")

	// Setting a password through the link answers it.
	link, err := e.svc.Passwords.ResetLink(ctx, e.admin, juror.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Passwords.RequestReset(ctx, "zoe@example.org", client("198.51.100.9")); err != nil {
		t.Fatal(err)
	}
	expectRequested(t, e, e.admin, "zoe@example.org")
	if _, err := e.svc.Passwords.SetPasswordWithToken(ctx, link.Token, "Ein ganz neues Passwort 7", client("10.0.0.5")); err != nil {
		t.Fatal(err)
	}
	expectRequested(t, e, e.admin)

	// A request older than a week is no longer open.
	if err := e.svc.Passwords.RequestReset(ctx, "zoe@example.org", client("198.51.100.9")); err != nil {
		t.Fatal(err)
	}
	expectRequested(t, e, e.admin, "zoe@example.org")
	if err := e.db.Model(&models.AuditEvent{}).Where("action = ?", "user.password_reset_requested").
		Update("created_at", time.Now().UTC().Add(-services.ResetRequestOpenFor-time.Minute)).Error; err != nil {
		t.Fatal(err)
	}
	expectRequested(t, e, e.admin)

	if _, err := e.svc.Users.ResetRequests(ctx, services.Actor{UserID: juror.ID, Role: models.RoleJuror}); !errors.Is(err, services.ErrForbidden) {
		t.Fatalf("a juror reads the requests: %v", err)
	}
}

func TestUserListFiltersOpenResetRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.addUser(t, "zoe@example.org", models.RoleJuror, "Lange Nächte am Rhein 2026")
	e.addUser(t, "mehmet@example.org", models.RoleJuror, "Lange Nächte am Rhein 2026")
	if err := e.svc.Passwords.RequestReset(ctx, "mehmet@example.org", client("198.51.100.9")); err != nil {
		t.Fatal(err)
	}
	users, total, err := e.svc.Users.ListUsers(ctx, e.admin, services.UserFilter{ResetRequested: true, Page: services.Page{Number: 1, Size: 50}})
	if err != nil {
		t.Fatal(err)
	}
	if total != 1 || len(users) != 1 || users[0].Email != "mehmet@example.org" {
		t.Fatalf("filtered list: %d, %+v; want mehmet alone", total, users)
	}
}
