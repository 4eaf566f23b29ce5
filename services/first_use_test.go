package services_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"kohorte/models"
	"kohorte/services"
)

var operator = services.Actor{ClientAddr: "command line"}

// TestResetByOperatorEndsLoginsAndLinks: the new one-time password logs in
// and must be changed; the sessions and open links from before end, and the
// audit log names the command line.
func TestResetByOperatorEndsLoginsAndLinks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	staff := e.addUser(t, "staff@example.org", models.RoleStaff, "Staff-Passwort-2026")
	before, err := e.svc.Sessions.Login(ctx, "staff@example.org", "Staff-Passwort-2026", client("x"))
	if err != nil {
		t.Fatal(err)
	}
	link, err := e.svc.Passwords.ResetLink(ctx, e.admin, staff.ID)
	if err != nil {
		t.Fatal(err)
	}

	password, err := e.svc.Passwords.ResetByOperator(ctx, " Staff@Example.org ", operator)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Sessions.Authenticate(ctx, before.Token, client("x")); !errors.Is(err, services.ErrUnauthorized) {
		t.Errorf("the session from before: %v, want it ended", err)
	}
	if ok, _ := e.svc.Passwords.PasswordTokenValid(ctx, link.Token); ok {
		t.Error("the reset link from before still works")
	}
	if _, err := e.svc.Sessions.Login(ctx, "staff@example.org", "Staff-Passwort-2026", client("x")); !errors.Is(err, services.ErrInvalidCredentials) {
		t.Errorf("login with the old password: %v, want refused", err)
	}
	res, err := e.svc.Sessions.Login(ctx, "staff@example.org", password, client("x"))
	if err != nil {
		t.Fatalf("login with the one-time password: %v", err)
	}
	if !res.User.MustChangePassword {
		t.Error("the one-time password need not be changed")
	}
	var ev models.AuditEvent
	if err := e.db.Where("action = ?", "user.password_reset_by_operator").Take(&ev).Error; err != nil {
		t.Fatal(err)
	}
	if ev.ClientAddr != "command line" || ev.ActorID != nil || ev.ObjectID != fmt.Sprint(staff.ID) {
		t.Errorf("audit event %+v, want the command line as actor and the user as object", ev)
	}
}

// TestResetByOperatorRefusesAndChangesNothing: an unknown address and a
// disabled account are refused, and the disabled account's password stays.
func TestResetByOperatorRefusesAndChangesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	u := e.addUser(t, "weg@example.org", models.RoleJuror, "Juror-Passwort-2026")
	if _, err := e.svc.Users.SetStatus(ctx, e.admin, u.ID, models.UserDisabled); err != nil {
		t.Fatal(err)
	}
	var hashBefore models.User
	e.db.Take(&hashBefore, u.ID)
	if _, err := e.svc.Passwords.ResetByOperator(ctx, "niemand@example.org", operator); !errors.Is(err, services.ErrNotFound) {
		t.Errorf("unknown address: %v, want not found", err)
	}
	if _, err := e.svc.Passwords.ResetByOperator(ctx, "weg@example.org", operator); !errors.Is(err, services.ErrAccountDisabled) {
		t.Errorf("disabled account: %v, want account disabled", err)
	}
	var after models.User
	e.db.Take(&after, u.ID)
	if after.PasswordHash != hashBefore.PasswordHash || after.MustChangePassword || after.Status != models.UserDisabled {
		t.Errorf("the disabled account changed: %+v", after)
	}
	if n := e.countAudit(t, "user.password_reset_by_operator"); n != 0 {
		t.Errorf("%d audit events for refused resets, want 0", n)
	}
}

// TestLoginByLinkIsTheLastLogin: setting the password through an
// invitation logs the person in, so it is their last login.
func TestLoginByLinkIsTheLastLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	inv, err := e.svc.Users.Invite(ctx, e.admin, services.InviteInput{Email: "neu@example.org", DisplayName: "Neu", Role: models.RoleJuror})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Add(time.Hour)
	res, err := e.svc.Passwords.SetPasswordWithToken(ctx, inv.Token, "Mein-neues-Passwort", client("x"))
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	var stored models.User
	if err := e.db.Take(&stored, inv.User.ID).Error; err != nil {
		t.Fatal(err)
	}
	if stored.LastLoginAt == nil || !stored.LastLoginAt.Equal(want) {
		t.Errorf("stored last login %v, want %v", stored.LastLoginAt, want)
	}
	if res.User.LastLoginAt == nil || !res.User.LastLoginAt.Equal(want) {
		t.Errorf("returned last login %v, want %v", res.User.LastLoginAt, want)
	}
}

// TestForcedChangeNeedsNoCurrentPassword: right after a login with a
// one-time password, the new password is set without typing the one-time
// password again; the change is audited, and a locked account stays locked.
// Without a password to change, the current one is asked for as always.
func TestForcedChangeNeedsNoCurrentPassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.addUser(t, "staff@example.org", models.RoleStaff, "Staff-Passwort-2026")
	password, err := e.svc.Passwords.ResetByOperator(ctx, "staff@example.org", operator)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.svc.Sessions.Login(ctx, "staff@example.org", password, client("x"))
	if err != nil {
		t.Fatal(err)
	}
	actor, err := e.svc.Sessions.Authenticate(ctx, res.Token, client("x"))
	if err != nil {
		t.Fatal(err)
	}
	changed, err := e.svc.Passwords.ChangePassword(ctx, actor, "", "Eigenes-Passwort-2026")
	if err != nil {
		t.Fatalf("forced change without the one-time password: %v", err)
	}
	if changed.User.MustChangePassword {
		t.Error("the password must still be changed")
	}
	if n := e.countAudit(t, "user.password_changed"); n != 1 {
		t.Errorf("%d password_changed events, want 1", n)
	}
	actor, err = e.svc.Sessions.Authenticate(ctx, changed.Token, client("x"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Passwords.ChangePassword(ctx, actor, "", "Noch-ein-Passwort-2026")
	var verr *services.ValidationError
	if !errors.As(err, &verr) || verr.Fields[0].Field != "current_password" || verr.Fields[0].Code != services.CodeRequired {
		t.Errorf("normal change without the current password: %v, want current_password required", err)
	}
}

// TestForcedChangeStaysThrottled: while the account is locked by failed
// logins, the forced change is refused too.
func TestForcedChangeStaysThrottled(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.addUser(t, "staff@example.org", models.RoleStaff, "Staff-Passwort-2026")
	password, err := e.svc.Passwords.ResetByOperator(ctx, "staff@example.org", operator)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.svc.Sessions.Login(ctx, "staff@example.org", password, client("x"))
	if err != nil {
		t.Fatal(err)
	}
	actor, err := e.svc.Sessions.Authenticate(ctx, res.Token, client("x"))
	if err != nil {
		t.Fatal(err)
	}
	for range services.DefaultAccountsConfig().MaxFailures {
		e.svc.Sessions.Login(ctx, "staff@example.org", "falsch-falsch-falsch", client("x"))
	}
	if _, err := e.svc.Passwords.ChangePassword(ctx, actor, "", "Eigenes-Passwort-2026"); !errors.Is(err, services.ErrTooManyTries) {
		t.Errorf("forced change while locked: %v, want too many tries", err)
	}
}

// TestForcedChangeRecordsNoLogin: the forced change checks no password, so
// it must not count as a successful login, which would clear the
// account's failed ones.
func TestForcedChangeRecordsNoLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.addUser(t, "staff@example.org", models.RoleStaff, "Staff-Passwort-2026")
	password, err := e.svc.Passwords.ResetByOperator(ctx, "staff@example.org", operator)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.svc.Sessions.Login(ctx, "staff@example.org", password, client("x"))
	if err != nil {
		t.Fatal(err)
	}
	actor, err := e.svc.Sessions.Authenticate(ctx, res.Token, client("x"))
	if err != nil {
		t.Fatal(err)
	}
	attempts := func() (ok, failed int64) {
		e.db.Model(&models.LoginAttempt{}).Where("email = ? AND success = ?", "staff@example.org", true).Count(&ok)
		e.db.Model(&models.LoginAttempt{}).Where("email = ? AND success = ?", "staff@example.org", false).Count(&failed)
		return ok, failed
	}
	okBefore, failedBefore := attempts()
	if _, err := e.svc.Passwords.ChangePassword(ctx, actor, "", "Eigenes-Passwort-2026"); err != nil {
		t.Fatal(err)
	}
	if ok, failed := attempts(); ok != okBefore || failed != failedBefore {
		t.Errorf("the forced change left %d successful and %d failed attempts, want %d and %d", ok, failed, okBefore, failedBefore)
	}
}
