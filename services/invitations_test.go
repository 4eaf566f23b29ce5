package services_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
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
	if inv.User.Email != "zoe@example.org" {
		t.Fatalf("invitation for %q, want zoe@example.org", inv.User.Email)
	}
	if inv.User.DisplayName != "Zoë Ćosić-Şahin" {
		t.Fatalf("invitation names %q, want Zoë Ćosić-Şahin", inv.User.DisplayName)
	}
	if len(inv.Token) < 22 {
		t.Fatalf("invitation token %q is shorter than 22 characters", inv.Token)
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
	if err != nil {
		t.Fatalf("second invitation: %v", err)
	}
	if second.User.ID != first.User.ID {
		t.Fatalf("second invitation is for user %d, want the first's %d", second.User.ID, first.User.ID)
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
	if !errors.As(err, &verr) {
		t.Fatalf("Invite = %v, want a validation error", err)
	}
	if len(verr.Fields) != 3 {
		t.Fatalf("Invite = %v: %d field errors, want three", err, len(verr.Fields))
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
	if err != nil {
		t.Fatalf("second EnsureAdmin: %v", err)
	}
	if res.Created {
		t.Fatalf("second EnsureAdmin = %+v; created an admin", res)
	}
	if res.OneTimePassword != "" {
		t.Fatalf("second EnsureAdmin = %+v; gave a one-time password", res)
	}
}

func TestEnsureAdminWithOneTimePassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.db.Exec("DELETE FROM users")
	res, err := e.svc.Users.EnsureAdmin(ctx, "chef@example.org", "")
	if err != nil {
		t.Fatalf("EnsureAdmin: %v", err)
	}
	if !res.Created {
		t.Fatalf("EnsureAdmin = %+v; created no admin", res)
	}
	if len(res.OneTimePassword) < 16 {
		t.Fatalf("EnsureAdmin = %+v; one-time password shorter than 16 characters", res)
	}
	login, err := e.svc.Sessions.Login(ctx, "chef@example.org", res.OneTimePassword, client("x"))
	if err != nil {
		t.Fatalf("first login: %v", err)
	}
	if !login.User.MustChangePassword {
		t.Fatalf("first login: %+v; want must-change", login.User)
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
	if total != 2 {
		t.Fatalf("login.* = %d events in all, want 2", total)
	}
	if len(events) != 2 {
		t.Fatalf("login.* = %d events listed, want 2: %+v", len(events), events)
	}
	if events[0].Action != "login.failed" {
		t.Fatalf("login.*: first event %q, want login.failed", events[0].Action)
	}
	if _, _, err := audit.List(ctx, services.Actor{UserID: 5, Role: models.RoleJuror}, services.AuditFilter{}); !errors.Is(err, services.ErrForbidden) {
		t.Fatalf("a juror reads the audit log: %v", err)
	}
}

func TestAuditActionFilterTakesUnderscoreLiterally(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.svc.Tokens.CreateAPIToken(ctx, e.admin, services.APITokenRequest{Name: "x", Days: 1, CurrentPassword: adminPassword}); err != nil {
		t.Fatal(err)
	}
	audit := e.svc.Audit
	// "api_token.*" must not match "apiXtoken…"; "login_succeeded" is no action.
	for filter, want := range map[string]int64{"api_token.*": 1, "login_succeeded": 0, "login.*": 1} {
		_, total, err := audit.List(ctx, e.admin, services.AuditFilter{Action: filter})
		if err != nil {
			t.Errorf("filter %q: %v", filter, err)
		} else if total != want {
			t.Errorf("filter %q: %d events; want %d", filter, total, want)
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
		ok, err := e.svc.Passwords.PasswordTokenValid(ctx, inv.Token)
		if err != nil {
			t.Fatalf("fresh link: %v", err)
		}
		if !ok {
			t.Fatal("fresh link is not valid")
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
	if err != nil {
		t.Fatalf("reset link: %v", err)
	}
	if link.Purpose != models.PurposeReset {
		t.Fatalf("reset link for %s, want reset", link.Purpose)
	}
	if want := e.clock.Now().Add(24 * time.Hour); !link.ExpiresAt.Equal(want) {
		t.Fatalf("reset link expires %s, want %s", link.ExpiresAt, want)
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
	if admins != 1 {
		t.Fatalf("admins left %d, want 1", admins)
	}
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("errors %v; want exactly one step-down refused", errs)
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
	if u.Role != models.RoleAdmin {
		t.Fatalf("half applied: role %s, want admin", u.Role)
	}
	if u.Status != models.UserActive {
		t.Fatalf("half applied: status %s, want active", u.Status)
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
	if len(events) != 2 {
		t.Fatalf("%d events, want 2: %+v", len(events), events)
	}
	if events[0].ObjectID != fmt.Sprint(e.admin.UserID) {
		t.Fatalf("first event is about %q, want the admin %d", events[0].ObjectID, e.admin.UserID)
	}
	if events[1].ObjectID != "" {
		t.Fatalf("event for an unknown address names object %q", events[1].ObjectID)
	}
	if strings.Contains(events[1].After, "nobody") {
		t.Fatalf("event for an unknown address records it: %s", events[1].After)
	}
	for range 8 {
		e.svc.Passwords.RequestReset(ctx, "nobody@example.org", client("198.51.100.9"))
	}
	if err := e.svc.Passwords.RequestReset(ctx, "admin@example.org", client("198.51.100.9")); !errors.Is(err, services.ErrTooManyTries) {
		t.Fatalf("eleventh request: %v", err)
	}
}

func TestParallelPasswordResetRequestsKeepTheLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	var accepted, throttled atomic.Int32
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := e.svc.Passwords.RequestReset(ctx, "admin@example.org", client("198.51.100.77"))
			switch {
			case err == nil:
				accepted.Add(1)
			case errors.Is(err, services.ErrTooManyTries):
				throttled.Add(1)
			default:
				t.Errorf("request: %v", err)
			}
		}()
	}
	wg.Wait()
	if accepted.Load() > 10 || accepted.Load()+throttled.Load() != 100 {
		t.Fatalf("%d accepted, %d throttled; want at most 10 accepted of 100", accepted.Load(), throttled.Load())
	}
	if n := e.countAudit(t, "user.password_reset_requested"); n != int64(accepted.Load()) {
		t.Fatalf("%d requests recorded, %d accepted", n, accepted.Load())
	}
	if err := e.svc.Passwords.RequestReset(ctx, "admin@example.org", client("198.51.100.78")); err != nil {
		t.Fatalf("another address: %v", err)
	}
}

func TestPasswordLinksEndWhenPasswordStatusOrRoleChanges(t *testing.T) {
	t.Parallel()
	const password = "Kursbuero-2026"
	cases := []struct {
		name   string
		change func(e *env, u models.User) error
	}{
		{"password changed by its owner", func(e *env, u models.User) error {
			res, err := e.svc.Sessions.Login(context.Background(), u.Email, password, client("x"))
			if err != nil {
				return err
			}
			actor, err := e.svc.Sessions.Authenticate(context.Background(), res.Token, client("x"))
			if err != nil {
				return err
			}
			_, err = e.svc.Passwords.ChangePassword(context.Background(), actor, password, "Neues-Kennwort-77")
			return err
		}},
		{"password set through another link", func(e *env, u models.User) error {
			other, err := e.svc.Passwords.ResetLink(context.Background(), e.admin, u.ID)
			if err != nil {
				return err
			}
			// The reset link replaced the first one already; redeeming
			// it must still end every other open link.
			_, err = e.svc.Passwords.SetPasswordWithToken(context.Background(), other.Token, "Neues-Kennwort-77", client("x"))
			return err
		}},
		{"account disabled and enabled again", func(e *env, u models.User) error {
			if _, err := e.svc.Users.SetStatus(context.Background(), e.admin, u.ID, models.UserDisabled); err != nil {
				return err
			}
			_, err := e.svc.Users.SetStatus(context.Background(), e.admin, u.ID, models.UserActive)
			return err
		}},
		{"role changed", func(e *env, u models.User) error {
			_, err := e.svc.Users.ChangeRole(context.Background(), e.admin, u.ID, models.RoleJuror)
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			ctx := context.Background()
			u := e.addUser(t, "staff@example.org", models.RoleStaff, password)
			link, err := e.svc.Passwords.ResetLink(ctx, e.admin, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			// An invitation link of the same user, issued by hand as an
			// older release did, must end too.
			invite := models.UserToken{UserID: u.ID, Purpose: models.PurposeInvite, TokenHash: strings.Repeat("a", 64),
				ExpiresAt: e.clock.Now().Add(time.Hour), CreatedAt: e.clock.Now()}
			if err := e.db.Create(&invite).Error; err != nil {
				t.Fatal(err)
			}
			if err := tc.change(e, u); err != nil {
				t.Fatal(err)
			}
			if ok, err := e.svc.Passwords.PasswordTokenValid(ctx, link.Token); err != nil || ok {
				t.Fatalf("reset link still valid: %v, %v", ok, err)
			}
			if _, err := e.svc.Passwords.SetPasswordWithToken(ctx, link.Token, "Uebernommen-2026", client("y")); !errors.Is(err, services.ErrTokenInvalid) {
				t.Fatalf("redeeming the reset link: %v, want ErrTokenInvalid", err)
			}
			var open int64
			e.db.Model(&models.UserToken{}).Where("user_id = ? AND used_at IS NULL AND expires_at > ?", u.ID, e.clock.Now()).Count(&open)
			if open != 0 {
				t.Fatalf("%d one-time links of the user still open", open)
			}
		})
	}
}
