package services_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"kohorte/models"
	"kohorte/services"
)

func TestAPITokenLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	created, err := e.svc.Tokens.CreateAPIToken(ctx, e.admin, services.APITokenRequest{Name: "Moodle-Anbindung", Days: 30, CurrentPassword: adminPassword})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(created.Token, "koh_") {
		t.Fatalf("token %q lacks the koh_ prefix", created.Token)
	}
	if len(created.Token) != 47 {
		t.Fatalf("token %q has %d characters, want 47", created.Token, len(created.Token))
	}
	var stored models.APIToken
	e.db.Take(&stored, created.ID)
	if strings.Contains(stored.TokenHash, created.Token[4:]) {
		t.Fatalf("stored hash holds the token: %+v", stored)
	}
	if stored.Prefix != created.Token[:12] {
		t.Fatalf("stored prefix %q, want %q", stored.Prefix, created.Token[:12])
	}
	actor, err := e.svc.Sessions.AuthenticateAPIToken(ctx, created.Token, client("x"))
	if err != nil {
		t.Fatalf("AuthenticateAPIToken: %v", err)
	}
	if actor.UserID != e.admin.UserID {
		t.Fatalf("AuthenticateAPIToken: user %d, want the admin %d", actor.UserID, e.admin.UserID)
	}
	if actor.APITokenID != created.ID {
		t.Fatalf("AuthenticateAPIToken: token %d, want %d", actor.APITokenID, created.ID)
	}
	if _, err := e.svc.Tokens.CreateAPIToken(ctx, actor, services.APITokenRequest{Name: "token from token", Days: 1, CurrentPassword: adminPassword}); !errors.Is(err, services.ErrForbidden) {
		t.Fatalf("a token created another token: %v", err)
	}
	if err := e.svc.Tokens.RevokeAPIToken(ctx, e.admin, created.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Sessions.AuthenticateAPIToken(ctx, created.Token, client("x")); !errors.Is(err, services.ErrUnauthorized) {
		t.Fatalf("revoked token: %v", err)
	}

	short, _ := e.svc.Tokens.CreateAPIToken(ctx, e.admin, services.APITokenRequest{Name: "kurz", Days: 1, CurrentPassword: adminPassword})
	e.clock.Add(24 * time.Hour)
	if _, err := e.svc.Sessions.AuthenticateAPIToken(ctx, short.Token, client("x")); !errors.Is(err, services.ErrUnauthorized) {
		t.Fatalf("expired token: %v", err)
	}
	if n := e.countAudit(t, "api_token.created"); n != 2 {
		t.Fatalf("%d token creations audited, want 2", n)
	}
}

func TestAPITokenRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	_, err := e.svc.Tokens.CreateAPIToken(ctx, e.admin, services.APITokenRequest{Name: " ", Days: 400, CurrentPassword: adminPassword})
	var verr *services.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("bad name and days: %v, want a validation error", err)
	}
	if len(verr.Fields) != 2 {
		t.Fatalf("bad name and days: %d field errors, want 2: %v", len(verr.Fields), err)
	}
	e.addUser(t, "jury@example.org", models.RoleJuror, "Bewertung-2026")
	res, _ := e.svc.Sessions.Login(ctx, "jury@example.org", "Bewertung-2026", client("x"))
	juror, _ := e.svc.Sessions.Authenticate(ctx, res.Token, client("x"))
	if _, err := e.svc.Tokens.CreateAPIToken(ctx, juror, services.APITokenRequest{Name: "mine", Days: 5, CurrentPassword: "Bewertung-2026"}); !errors.Is(err, services.ErrForbidden) {
		t.Fatalf("juror creates a token: %v", err)
	}
	staffUser := e.addUser(t, "office@example.org", models.RoleStaff, "Kursbuero-2026")
	res, _ = e.svc.Sessions.Login(ctx, "office@example.org", "Kursbuero-2026", client("x"))
	staff, _ := e.svc.Sessions.Authenticate(ctx, res.Token, client("x"))
	adminToken, _ := e.svc.Tokens.CreateAPIToken(ctx, e.admin, services.APITokenRequest{Name: "admin's", Days: 5, CurrentPassword: adminPassword})
	if err := e.svc.Tokens.RevokeAPIToken(ctx, staff, adminToken.ID); !errors.Is(err, services.ErrNotFound) {
		t.Fatalf("staff revokes the admin's token: %v", err)
	}
	staffToken, _ := e.svc.Tokens.CreateAPIToken(ctx, staff, services.APITokenRequest{Name: "office", Days: 5, CurrentPassword: "Kursbuero-2026"})
	if _, err := e.svc.Users.SetStatus(ctx, e.admin, staffUser.ID, models.UserDisabled); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Sessions.AuthenticateAPIToken(ctx, staffToken.Token, client("x")); !errors.Is(err, services.ErrUnauthorized) {
		t.Fatalf("token of a disabled user: %v", err)
	}
}

func TestAPITokensEndForGoodOnDisableAndRoleChange(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		there services.UserChange
		back  services.UserChange
	}{
		{"disabled and enabled again", services.UserChange{Status: ptr(models.UserDisabled)}, services.UserChange{Status: ptr(models.UserActive)}},
		{"staff to juror and back", services.UserChange{Role: ptr(models.RoleJuror)}, services.UserChange{Role: ptr(models.RoleStaff)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			ctx := context.Background()
			u := e.addUser(t, "staff@example.org", models.RoleStaff, "Kursbuero-2026")
			res, err := e.svc.Sessions.Login(ctx, "staff@example.org", "Kursbuero-2026", client("x"))
			if err != nil {
				t.Fatal(err)
			}
			staff, err := e.svc.Sessions.Authenticate(ctx, res.Token, client("x"))
			if err != nil {
				t.Fatal(err)
			}
			tok, err := e.svc.Tokens.CreateAPIToken(ctx, staff, services.APITokenRequest{Name: "Export", Days: 30, CurrentPassword: "Kursbuero-2026"})
			if err != nil {
				t.Fatal(err)
			}
			for _, ch := range []services.UserChange{tc.there, tc.back} {
				if _, err := e.svc.Users.UpdateUser(ctx, e.admin, u.ID, ch); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := e.svc.Sessions.AuthenticateAPIToken(ctx, tok.Token, client("x")); !errors.Is(err, services.ErrUnauthorized) {
				t.Fatalf("token after the change and back: %v, want unauthorized", err)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// A stolen session alone must not mint a token: creating one asks for the
// owner's password, and wrong guesses there count like failed logins.
func TestCreatingAnAPITokenRequiresTheCurrentPassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.addUser(t, "office@example.org", models.RoleStaff, "Kursbuero-2026")
	res, err := e.svc.Sessions.Login(ctx, "office@example.org", "Kursbuero-2026", client("198.51.100.4"))
	if err != nil {
		t.Fatal(err)
	}
	staff, err := e.svc.Sessions.Authenticate(ctx, res.Token, client("198.51.100.4"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Tokens.CreateAPIToken(ctx, staff, services.APITokenRequest{Name: "Export", Days: 30})
	if code := fieldCode(err, "current_password"); code != services.CodeRequired {
		t.Fatalf("no password: %v, want current_password %s", err, services.CodeRequired)
	}
	for i := range 10 {
		_, err := e.svc.Tokens.CreateAPIToken(ctx, staff, services.APITokenRequest{Name: "Export", Days: 30, CurrentPassword: "geraten"})
		if !currentWrong(err) {
			t.Fatalf("guess %d: %v, want current_password %s", i+1, err, services.CodePasswordCurrentWrong)
		}
	}
	_, err = e.svc.Tokens.CreateAPIToken(ctx, staff, services.APITokenRequest{Name: "Export", Days: 30, CurrentPassword: "Kursbuero-2026"})
	if !errors.Is(err, services.ErrTooManyTries) {
		t.Fatalf("right password after 10 wrong guesses: %v, want throttled", err)
	}
	if _, err := e.svc.Sessions.Login(ctx, "office@example.org", "Kursbuero-2026", client("198.51.100.4")); !errors.Is(err, services.ErrTooManyTries) {
		t.Fatalf("login after 10 wrong guesses at the token form: %v, want throttled", err)
	}
	var n int64
	e.db.Model(&models.APIToken{}).Count(&n)
	if n != 0 {
		t.Fatalf("%d tokens stored after refusals, want 0", n)
	}
	e.clock.Add(16 * time.Minute)
	if _, err := e.svc.Tokens.CreateAPIToken(ctx, staff, services.APITokenRequest{Name: "Export", Days: 30, CurrentPassword: "Kursbuero-2026"}); err != nil {
		t.Fatalf("right password after the window: %v", err)
	}
}

func TestRevokeAllAPITokensEndsOnlyTheActorsActiveOnes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.addUser(t, "office@example.org", models.RoleStaff, "Kursbuero-2026")
	res, _ := e.svc.Sessions.Login(ctx, "office@example.org", "Kursbuero-2026", client("x"))
	staff, _ := e.svc.Sessions.Authenticate(ctx, res.Token, client("x"))
	mine := func(name string, days int) services.NewAPIToken {
		t.Helper()
		tok, err := e.svc.Tokens.CreateAPIToken(ctx, staff, services.APITokenRequest{Name: name, Days: days, CurrentPassword: "Kursbuero-2026"})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	a, b, revoked, short := mine("A", 30), mine("B", 30), mine("schon widerrufen", 30), mine("abgelaufen", 1)
	if err := e.svc.Tokens.RevokeAPIToken(ctx, staff, revoked.ID); err != nil {
		t.Fatal(err)
	}
	admins, err := e.svc.Tokens.CreateAPIToken(ctx, e.admin, services.APITokenRequest{Name: "Admin", Days: 30, CurrentPassword: adminPassword})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Add(25 * time.Hour)
	n, err := e.svc.Tokens.RevokeAllAPITokens(ctx, staff)
	if err != nil {
		t.Fatal(err)
	}
	// A and B; the revoked and the expired one were no longer active.
	if n != 2 {
		t.Fatalf("%d tokens revoked, want 2", n)
	}
	for _, tok := range []services.NewAPIToken{a, b, short} {
		if _, err := e.svc.Sessions.AuthenticateAPIToken(ctx, tok.Token, client("x")); !errors.Is(err, services.ErrUnauthorized) {
			t.Fatalf("token %s after revoke all: %v, want unauthorized", tok.Name, err)
		}
	}
	if _, err := e.svc.Sessions.AuthenticateAPIToken(ctx, admins.Token, client("x")); err != nil {
		t.Fatalf("the admin's token after the staff member revoked theirs: %v", err)
	}
	if got := e.countAudit(t, "api_token.revoked_all"); got != 1 {
		t.Fatalf("%d revoke-all entries audited, want 1", got)
	}
	if n, err := e.svc.Tokens.RevokeAllAPITokens(ctx, staff); err != nil || n != 0 {
		t.Fatalf("revoke all again: %d, %v; want 0 and no error", n, err)
	}
	if got := e.countAudit(t, "api_token.revoked_all"); got != 1 {
		t.Fatalf("%d revoke-all entries audited after a second call that ended nothing, want 1", got)
	}
}

// fieldCode is the code of err's error for field, or "" if it has none.
func fieldCode(err error, field string) services.Code {
	var verr *services.ValidationError
	if errors.As(err, &verr) {
		for _, f := range verr.Fields {
			if f.Field == field {
				return f.Code
			}
		}
	}
	return ""
}
