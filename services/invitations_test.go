package services_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"kohorte/models"
	"kohorte/services"
)

func TestInvitationLinkIsSingleUseAndExpires(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	inv, err := e.svc.Users.Invite(ctx, e.admin, services.InviteInput{Email: " Zoe@Example.org", DisplayName: " Zoë Ćosić-Şahin ", Role: models.RoleParticipant})
	if err != nil {
		t.Fatal(err)
	}
	if inv.User.Email != "zoe@example.org" || inv.User.DisplayName != "Zoë Ćosić-Şahin" || len(inv.Token) < 22 {
		t.Fatalf("invitation %+v", inv)
	}
	// Two browsers redeem the link at the same moment: exactly one wins.
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.svc.Passwords.SetPasswordWithToken(ctx, inv.Token, "Mein-neues-Passwort", client("x"))
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, services.ErrTokenInvalid):
			t.Errorf("redeem: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d redemptions succeeded, want 1", won)
	}
	if _, err := e.svc.Sessions.Login(ctx, "zoe@example.org", "Mein-neues-Passwort", client("x")); err != nil {
		t.Fatalf("login with the new password: %v", err)
	}

	late, _ := e.svc.Users.Invite(ctx, e.admin, services.InviteInput{Email: "late@example.org", DisplayName: "Late", Role: models.RoleJuror})
	e.clock.Add(14*24*time.Hour + time.Second)
	if _, err := e.svc.Passwords.SetPasswordWithToken(ctx, late.Token, "Mein-neues-Passwort", client("x")); !errors.Is(err, services.ErrTokenInvalid) {
		t.Fatalf("link after 14 days: %v, want invalid", err)
	}
}

func TestInviteAgainReplacesTheLink(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	in := services.InviteInput{Email: "j@example.org", DisplayName: "Jury", Role: models.RoleJuror}
	first, _ := e.svc.Users.Invite(ctx, e.admin, in)
	second, err := e.svc.Users.Invite(ctx, e.admin, in)
	if err != nil || second.User.ID != first.User.ID {
		t.Fatalf("second invitation: %+v, %v", second, err)
	}
	if _, err := e.svc.Passwords.SetPasswordWithToken(ctx, first.Token, "Bewertung-2026", client("x")); !errors.Is(err, services.ErrTokenInvalid) {
		t.Fatalf("the replaced link still works: %v", err)
	}
	if _, err := e.svc.Passwords.SetPasswordWithToken(ctx, second.Token, "Bewertung-2026", client("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Users.Invite(ctx, e.admin, in); !errors.Is(err, services.ErrConflict) {
		t.Fatalf("inviting an address in use: %v, want conflict", err)
	}
}

func TestInviteValidatesEveryField(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, err := e.svc.Users.Invite(context.Background(), e.admin, services.InviteInput{Email: "not-an-address", DisplayName: "  ", Role: "king"})
	var verr *services.ValidationError
	if !errors.As(err, &verr) || len(verr.Fields) != 3 {
		t.Fatalf("Invite = %v, want three field errors", err)
	}
	var n int64
	e.db.Model(&models.User{}).Count(&n)
	if n != 1 {
		t.Fatalf("%d users after a refused invitation, want 1", n)
	}
}

func TestOnlyAdminsManageStaffAndAdmins(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	staffUser := e.addUser(t, "office@example.org", models.RoleStaff, "Kursbuero-2026")
	res, _ := e.svc.Sessions.Login(ctx, "office@example.org", "Kursbuero-2026", client("x"))
	staff, _ := e.svc.Sessions.Authenticate(ctx, res.Token, client("x"))

	if _, err := e.svc.Users.Invite(ctx, staff, services.InviteInput{Email: "p@example.org", DisplayName: "P", Role: models.RoleParticipant}); err != nil {
		t.Fatalf("staff invites a participant: %v", err)
	}
	for _, role := range []models.Role{models.RoleStaff, models.RoleAdmin} {
		if _, err := e.svc.Users.Invite(ctx, staff, services.InviteInput{Email: string(role) + "@example.org", DisplayName: "X", Role: role}); !errors.Is(err, services.ErrForbidden) {
			t.Errorf("staff invites %s: %v, want forbidden", role, err)
		}
	}
	if _, err := e.svc.Users.SetStatus(ctx, staff, e.admin.UserID, models.UserDisabled); !errors.Is(err, services.ErrForbidden) {
		t.Errorf("staff disables the admin: %v", err)
	}
	if _, err := e.svc.Users.ChangeRole(ctx, staff, staffUser.ID, models.RoleAdmin); !errors.Is(err, services.ErrForbidden) {
		t.Errorf("staff makes themselves admin: %v", err)
	}
	var admin models.User
	e.db.Take(&admin, e.admin.UserID)
	if admin.Status != models.UserActive {
		t.Fatal("a refused change was written")
	}
}

func TestTheLastAdminStays(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.svc.Users.ChangeRole(ctx, e.admin, e.admin.UserID, models.RoleStaff); !errors.Is(err, services.ErrInvalidAction) {
		t.Fatalf("demoting the only admin: %v", err)
	}
	if _, err := e.svc.Users.SetStatus(ctx, e.admin, e.admin.UserID, models.UserDisabled); !errors.Is(err, services.ErrInvalidAction) {
		t.Fatalf("disabling oneself: %v", err)
	}
}

func TestEnsureAdminOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	res, err := e.svc.Users.EnsureAdmin(context.Background(), "other@example.org", "")
	if err != nil || res.Created || res.OneTimePassword != "" {
		t.Fatalf("second EnsureAdmin = %+v, %v; want nothing created", res, err)
	}
}

func TestEnsureAdminWithOneTimePassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.db.Exec("DELETE FROM users")
	res, err := e.svc.Users.EnsureAdmin(ctx, "chef@example.org", "")
	if err != nil || !res.Created || len(res.OneTimePassword) < 16 {
		t.Fatalf("EnsureAdmin = %+v, %v", res, err)
	}
	login, err := e.svc.Sessions.Login(ctx, "chef@example.org", res.OneTimePassword, client("x"))
	if err != nil || !login.User.MustChangePassword {
		t.Fatalf("first login: %+v, %v; want must-change", login.User, err)
	}
}

func TestAuditListFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.addUser(t, "a@example.org", models.RoleJuror, "Bewertung-2026")
	e.svc.Sessions.Login(ctx, "a@example.org", "falsch-falsch", client("x"))
	audit := e.svc.Audit
	events, total, err := audit.List(ctx, e.admin, services.AuditFilter{Action: "login.*"})
	if err != nil {
		t.Fatal(err)
	}
	// The admin's login in newEnv, then the failed one.
	if total != 2 || len(events) != 2 || events[0].Action != "login.failed" {
		t.Fatalf("login.* = %d events %+v", total, events)
	}
	if _, _, err := audit.List(ctx, services.Actor{UserID: 5, Role: models.RoleJuror}, services.AuditFilter{}); !errors.Is(err, services.ErrForbidden) {
		t.Fatalf("a juror reads the audit log: %v", err)
	}
}

func TestAuditActionFilterTakesUnderscoreLiterally(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.svc.Tokens.CreateAPIToken(ctx, e.admin, "x", 1); err != nil {
		t.Fatal(err)
	}
	audit := e.svc.Audit
	// "api_token.*" must not match "apiXtoken…"; "login_succeeded" is no action.
	for filter, want := range map[string]int64{"api_token.*": 1, "login_succeeded": 0, "login.*": 1} {
		_, total, err := audit.List(ctx, e.admin, services.AuditFilter{Action: filter})
		if err != nil || total != want {
			t.Errorf("filter %q: %d events, %v; want %d", filter, total, err, want)
		}
	}
}

func TestPasswordTokenValidDoesNotUseTheLink(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	inv, err := e.svc.Users.Invite(ctx, e.admin, services.InviteInput{Email: "v@example.org", DisplayName: "V", Role: models.RoleJuror})
	if err != nil {
		t.Fatal(err)
	}
	if want := e.clock.Now().Add(14 * 24 * time.Hour); !inv.ExpiresAt.Equal(want) {
		t.Fatalf("ExpiresAt %s, want %s", inv.ExpiresAt, want)
	}
	for range 2 {
		if ok, err := e.svc.Passwords.PasswordTokenValid(ctx, inv.Token); !ok || err != nil {
			t.Fatalf("fresh link: %v, %v", ok, err)
		}
	}
	if ok, _ := e.svc.Passwords.PasswordTokenValid(ctx, "no-such-token"); ok {
		t.Fatal("an unknown token is valid")
	}
	if _, err := e.svc.Passwords.SetPasswordWithToken(ctx, inv.Token, "Bewertung-2026", client("x")); err != nil {
		t.Fatalf("the checked link no longer works: %v", err)
	}
	if ok, _ := e.svc.Passwords.PasswordTokenValid(ctx, inv.Token); ok {
		t.Fatal("a used link is valid")
	}
	link, err := e.svc.Passwords.ResetLink(ctx, e.admin, inv.User.ID)
	if err != nil || link.Purpose != models.PurposeReset || !link.ExpiresAt.Equal(e.clock.Now().Add(24*time.Hour)) {
		t.Fatalf("reset link %+v, %v", link, err)
	}
}

// Two admins stepping down at the same moment leave one of them admin.
func TestTwoAdminsCannotBothStepDown(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	second := e.addUser(t, "admin2@example.org", models.RoleAdmin, "Zweite-Admina-2026")
	res, _ := e.svc.Sessions.Login(ctx, "admin2@example.org", "Zweite-Admina-2026", client("x"))
	admin2, _ := e.svc.Sessions.Authenticate(ctx, res.Token, client("x"))
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, a := range []services.Actor{e.admin, admin2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.svc.Users.ChangeRole(ctx, a, a.UserID, models.RoleStaff)
		}()
	}
	wg.Wait()
	var admins int64
	e.db.Model(&models.User{}).Where("role = ? AND status = ?", models.RoleAdmin, models.UserActive).Count(&admins)
	if admins != 1 || (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("admins left %d, errors %v; want exactly one step-down refused", admins, errs)
	}
	failed := errs[0]
	if failed == nil {
		failed = errs[1]
	}
	if !errors.Is(failed, services.ErrLastAdmin) {
		t.Fatalf("refusal %v, want ErrLastAdmin", failed)
	}
	_ = second
}

func TestUpdateUserIsAllOrNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	staff, disabled := models.RoleStaff, models.UserDisabled
	// Demoting and disabling oneself at once: the disable is refused, so
	// the demotion must not happen either.
	_, err := e.svc.Users.UpdateUser(context.Background(), e.admin, e.admin.UserID, services.UserChange{Role: &staff, Status: &disabled})
	if !errors.Is(err, services.ErrInvalidAction) {
		t.Fatalf("UpdateUser = %v", err)
	}
	var u models.User
	e.db.Take(&u, e.admin.UserID)
	if u.Role != models.RoleAdmin || u.Status != models.UserActive {
		t.Fatalf("half applied: %s %s", u.Role, u.Status)
	}
}

func TestPasswordResetRequestsLookAlikeAndAreThrottled(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	for i, email := range []string{"admin@example.org", "nobody@example.org"} {
		if err := e.svc.Passwords.RequestReset(ctx, email, client("198.51.100.9")); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	var events []models.AuditEvent
	e.db.Where("action = ?", "user.password_reset_requested").Order("id").Find(&events)
	if len(events) != 2 || events[0].ObjectID != fmt.Sprint(e.admin.UserID) || events[1].ObjectID != "" || strings.Contains(events[1].After, "nobody") {
		t.Fatalf("events %+v", events)
	}
	for range 8 {
		e.svc.Passwords.RequestReset(ctx, "nobody@example.org", client("198.51.100.9"))
	}
	if err := e.svc.Passwords.RequestReset(ctx, "admin@example.org", client("198.51.100.9")); !errors.Is(err, services.ErrTooManyTries) {
		t.Fatalf("eleventh request: %v", err)
	}
}
