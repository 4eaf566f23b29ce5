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
	created, err := e.svc.Tokens.CreateAPIToken(ctx, e.admin, "Moodle-Anbindung", 30)
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
	if _, err := e.svc.Tokens.CreateAPIToken(ctx, actor, "token from token", 1); !errors.Is(err, services.ErrForbidden) {
		t.Fatalf("a token created another token: %v", err)
	}
	if err := e.svc.Tokens.RevokeAPIToken(ctx, e.admin, created.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Sessions.AuthenticateAPIToken(ctx, created.Token, client("x")); !errors.Is(err, services.ErrUnauthorized) {
		t.Fatalf("revoked token: %v", err)
	}

	short, _ := e.svc.Tokens.CreateAPIToken(ctx, e.admin, "kurz", 1)
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
	_, err := e.svc.Tokens.CreateAPIToken(ctx, e.admin, " ", 400)
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
	if _, err := e.svc.Tokens.CreateAPIToken(ctx, juror, "mine", 5); !errors.Is(err, services.ErrForbidden) {
		t.Fatalf("juror creates a token: %v", err)
	}
	staffUser := e.addUser(t, "office@example.org", models.RoleStaff, "Kursbuero-2026")
	res, _ = e.svc.Sessions.Login(ctx, "office@example.org", "Kursbuero-2026", client("x"))
	staff, _ := e.svc.Sessions.Authenticate(ctx, res.Token, client("x"))
	adminToken, _ := e.svc.Tokens.CreateAPIToken(ctx, e.admin, "admin's", 5)
	if err := e.svc.Tokens.RevokeAPIToken(ctx, staff, adminToken.ID); !errors.Is(err, services.ErrNotFound) {
		t.Fatalf("staff revokes the admin's token: %v", err)
	}
	staffToken, _ := e.svc.Tokens.CreateAPIToken(ctx, staff, "office", 5)
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
			tok, err := e.svc.Tokens.CreateAPIToken(ctx, staff, "Export", 30)
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
