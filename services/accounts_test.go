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

	"github.com/google/go-cmp/cmp"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"kohorte/models"
	"kohorte/models/dbtest"
	"kohorte/services"
)

// clock is a settable time for tests of timeouts.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type env struct {
	db    *gorm.DB
	svc   *services.Services
	clock *clock
	admin services.Actor
}

const adminPassword = "Kohorte-Admin-2026!"

func newEnv(t testing.TB) *env {
	t.Helper()
	db := dbtest.Open(t)
	clk := &clock{now: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)}
	cfg := services.DefaultAccountsConfig()
	cfg.Now = clk.Now
	svc, err := services.New(db, services.Options{Accounts: &cfg, Today: func() models.Date { return models.DateOf(clk.Now()) }})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{db: db, svc: svc, clock: clk}
	if _, err := svc.Users.EnsureAdmin(context.Background(), "admin@example.org", adminPassword); err != nil {
		t.Fatal(err)
	}
	res, err := svc.Sessions.Login(context.Background(), "admin@example.org", adminPassword, client("10.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	e.admin, err = svc.Sessions.Authenticate(context.Background(), res.Token, client("10.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func client(addr string) services.Actor {
	return services.Actor{ClientAddr: addr, RequestID: "req-test"}
}

// addUser invites a user and sets their password through the link, as a
// real person would.
func (e *env) addUser(t *testing.T, email string, role models.Role, password string) models.User {
	t.Helper()
	ctx := context.Background()
	inv, err := e.svc.Users.Invite(ctx, e.admin, services.InviteInput{Email: email, DisplayName: "Person " + email, Role: role})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Passwords.SetPasswordWithToken(ctx, inv.Token, password, client("10.0.0.2")); err != nil {
		t.Fatal(err)
	}
	return inv.User
}

func (e *env) countAudit(t testing.TB, action string) int64 {
	t.Helper()
	var n int64
	if err := e.db.Model(&models.AuditEvent{}).Where("action = ?", action).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestLoginOpensSessionAndAudits(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	res, err := e.svc.Sessions.Login(ctx, "  ADMIN@Example.org ", adminPassword, client("192.0.2.7"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Token) != 43 {
		t.Fatalf("token has %d characters, want 43 (256 bits)", len(res.Token))
	}
	var stored int64
	e.db.Model(&models.Session{}).Where("token_hash = ?", res.Token).Count(&stored)
	if stored != 0 {
		t.Fatal("the session token is stored in clear")
	}
	actor, err := e.svc.Sessions.Authenticate(ctx, res.Token, client("192.0.2.7"))
	if err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	if actor.Email != "admin@example.org" {
		t.Fatalf("Authenticate: e-mail %q, want admin@example.org", actor.Email)
	}
	if actor.Role != models.RoleAdmin {
		t.Fatalf("Authenticate: role %s, want admin", actor.Role)
	}
	var ev models.AuditEvent
	e.db.Where("action = ?", "login.succeeded").Order("id DESC").Take(&ev)
	type origin struct{ ClientAddr, ActorEmail, RequestID string }
	if diff := cmp.Diff(origin{"192.0.2.7", "admin@example.org", "req-test"}, origin{ev.ClientAddr, ev.ActorEmail, ev.RequestID}); diff != "" {
		t.Fatalf("audit event (-want +got):\n%s", diff)
	}
}

func TestLoginFailuresLookTheSame(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	u := e.addUser(t, "juror@example.org", models.RoleJuror, "Bewertung-2026")
	if _, err := e.svc.Users.SetStatus(ctx, e.admin, u.ID, models.UserDisabled); err != nil {
		t.Fatal(err)
	}
	e.svc.Users.Invite(ctx, e.admin, services.InviteInput{Email: "new@example.org", DisplayName: "Neu", Role: models.RoleParticipant})
	cases := map[string][2]string{
		"wrong password": {"admin@example.org", "not-the-password"},
		"unknown e-mail": {"nobody@example.org", adminPassword},
		"disabled":       {"juror@example.org", "Bewertung-2026"},
		"no password":    {"new@example.org", ""},
	}
	for name, c := range cases {
		_, err := e.svc.Sessions.Login(ctx, c[0], c[1], client("198.51.100."+fmt.Sprint(len(name))))
		if !errors.Is(err, services.ErrInvalidCredentials) {
			t.Errorf("%s: %v, want the invalid-credentials error", name, err)
		} else if err.Error() != services.ErrInvalidCredentials.Error() {
			t.Errorf("%s: %q, want the one invalid-credentials message %q", name, err, services.ErrInvalidCredentials)
		}
	}
	if n := e.countAudit(t, "login.failed"); n != 4 {
		t.Errorf("%d failed logins audited, want 4", n)
	}
	var ev models.AuditEvent
	e.db.Where("action = ?", "login.failed").Take(&ev)
	if ev.After == "" {
		t.Errorf("failed login event has no after: %+v", ev)
	}
	if ev.Before != "" {
		t.Errorf("failed login event has a before: %+v", ev)
	}
}

// Ten failures lock the account for the rest of the 15-minute window:
// the eleventh attempt is refused even with the right password.
func TestLoginThrottlePerAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	// Nine failures from each address keep every address below its own
	// limit; fifty in all lock the account from everywhere.
	for i := range services.DefaultAccountsConfig().MaxAccountFailures {
		e.clock.Add(12 * time.Second)
		_, err := e.svc.Sessions.Login(ctx, "admin@example.org", "wrong password", client(fmt.Sprintf("203.0.113.%d", i/9)))
		if !errors.Is(err, services.ErrInvalidCredentials) {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	// The first failure was at 09:00:12; the window ends at 09:15:12. It is 09:10.
	_, err := e.svc.Sessions.Login(ctx, "admin@example.org", adminPassword, client("203.0.113.99"))
	var th *services.ThrottledError
	if !errors.As(err, &th) {
		t.Fatalf("right password during the lock: %v, want a *ThrottledError", err)
	}
	if !errors.Is(err, services.ErrTooManyTries) {
		t.Fatalf("right password during the lock: %v, want ErrTooManyTries", err)
	}
	if th.RetryAfter != 5*time.Minute+12*time.Second {
		t.Errorf("RetryAfter = %s, want 5m12s", th.RetryAfter)
	}
	e.clock.Add(5*time.Minute + 13*time.Second)
	if _, err := e.svc.Sessions.Login(ctx, "admin@example.org", adminPassword, client("203.0.113.99")); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

func TestLoginThrottlePerClientAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	for i := range services.DefaultAccountsConfig().MaxAddressFailures {
		e.svc.Sessions.Login(ctx, fmt.Sprintf("guess%d@example.org", i), "whatever-it-is", client("203.0.113.5"))
	}
	_, err := e.svc.Sessions.Login(ctx, "admin@example.org", adminPassword, client("203.0.113.5"))
	if !errors.Is(err, services.ErrTooManyTries) {
		t.Fatalf("a try after the address's limit: %v, want throttled", err)
	}
	if _, err := e.svc.Sessions.Login(ctx, "admin@example.org", adminPassword, client("203.0.113.6")); err != nil {
		t.Fatalf("another address is not locked: %v", err)
	}
}

func TestSessionIdleAndAbsoluteTimeouts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	res, _ := e.svc.Sessions.Login(ctx, "admin@example.org", adminPassword, client("x"))
	e.clock.Add(29 * time.Minute)
	if _, err := e.svc.Sessions.Authenticate(ctx, res.Token, client("x")); err != nil {
		t.Fatalf("after 29 idle minutes: %v", err)
	}
	e.clock.Add(31 * time.Minute)
	if _, err := e.svc.Sessions.Authenticate(ctx, res.Token, client("x")); !errors.Is(err, services.ErrUnauthorized) {
		t.Fatalf("after 31 idle minutes: %v, want unauthorized", err)
	}

	busy, _ := e.svc.Sessions.Login(ctx, "admin@example.org", adminPassword, client("x"))
	for elapsed := 20 * time.Minute; elapsed < 12*time.Hour; elapsed += 20 * time.Minute {
		e.clock.Add(20 * time.Minute)
		if _, err := e.svc.Sessions.Authenticate(ctx, busy.Token, client("x")); err != nil {
			t.Fatalf("busy session ended after %s: %v", elapsed, err)
		}
	}
	e.clock.Add(20 * time.Minute)
	if _, err := e.svc.Sessions.Authenticate(ctx, busy.Token, client("x")); !errors.Is(err, services.ErrUnauthorized) {
		t.Fatalf("busy session still valid 12h after login: %v", err)
	}
}

func TestSessionsEndOnPasswordChangeDisableAndRoleChange(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	u := e.addUser(t, "staff@example.org", models.RoleStaff, "Kursbuero-2026")
	login := func() string {
		res, err := e.svc.Sessions.Login(ctx, "staff@example.org", "Kursbuero-2026", client("x"))
		if err != nil {
			t.Fatal(err)
		}
		return res.Token
	}
	alive := func(token string) bool {
		_, err := e.svc.Sessions.Authenticate(ctx, token, client("x"))
		return err == nil
	}

	a, b := login(), login()
	actor, _ := e.svc.Sessions.Authenticate(ctx, a, client("x"))
	fresh, err := e.svc.Passwords.ChangePassword(ctx, actor, "Kursbuero-2026", "Neues-Kennwort-77")
	if err != nil {
		t.Fatal(err)
	}
	if alive(a) {
		t.Fatal("after password change: the first old session is alive")
	}
	if alive(b) {
		t.Fatal("after password change: the second old session is alive")
	}
	if !alive(fresh.Token) {
		t.Fatal("after password change: the new session is not alive")
	}
	if _, err := e.svc.Passwords.ChangePassword(ctx, actor, "wrong", "Anderes-Kennwort-1"); err == nil {
		t.Fatal("password changed without the current one")
	}

	c, _ := e.svc.Sessions.Login(ctx, "staff@example.org", "Neues-Kennwort-77", client("x"))
	if _, err := e.svc.Users.ChangeRole(ctx, e.admin, u.ID, models.RoleJuror); err != nil {
		t.Fatal(err)
	}
	if alive(c.Token) {
		t.Fatal("a session opened before the role change survived it")
	}
	if alive(fresh.Token) {
		t.Fatal("the session of the password change survived a role change")
	}
	d, _ := e.svc.Sessions.Login(ctx, "staff@example.org", "Neues-Kennwort-77", client("x"))
	if _, err := e.svc.Users.SetStatus(ctx, e.admin, u.ID, models.UserDisabled); err != nil {
		t.Fatal(err)
	}
	if alive(d.Token) {
		t.Fatal("session survived disabling")
	}
}

func TestLogoutEndsOnlyThatSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	a, _ := e.svc.Sessions.Login(ctx, "admin@example.org", adminPassword, client("x"))
	b, _ := e.svc.Sessions.Login(ctx, "admin@example.org", adminPassword, client("x"))
	actor, _ := e.svc.Sessions.Authenticate(ctx, a.Token, client("x"))
	if err := e.svc.Sessions.Logout(ctx, a.Token, actor); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Sessions.Authenticate(ctx, a.Token, client("x")); err == nil {
		t.Fatal("logged-out session still works")
	}
	if _, err := e.svc.Sessions.Authenticate(ctx, b.Token, client("x")); err != nil {
		t.Fatalf("the other session ended too: %v", err)
	}
}

func TestPruneKeepsWhatStillCounts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	live, _ := e.svc.Sessions.Login(ctx, "admin@example.org", adminPassword, client("x"))
	e.svc.Sessions.Login(ctx, "admin@example.org", "wrong-wrong", client("x"))
	e.clock.Add(25 * time.Minute)
	if _, err := e.svc.Sessions.Authenticate(ctx, live.Token, client("x")); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(10 * time.Minute)
	// The sessions of newEnv and of the first login are 35 minutes idle;
	// live was used 10 minutes ago.
	n, err := e.svc.Sessions.Prune(ctx)
	if err != nil {
		t.Fatalf("Prune: %v", err)
	}
	if n != 1 {
		t.Fatalf("Prune = %d; want the one idle session", n)
	}
	if _, err := e.svc.Sessions.Authenticate(ctx, live.Token, client("x")); err != nil {
		t.Fatalf("prune ended a live session: %v", err)
	}
	e.clock.Add(25 * time.Hour)
	if n, _ := e.svc.Sessions.Prune(ctx); n != 4 {
		t.Fatalf("a day later Prune removed %d rows, want 4 (live session and three login attempts)", n)
	}
}

// Parallel guesses must not get more password checks than the limit.
func TestParallelGuessesAreThrottledToo(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	var checked, throttled atomic.Int32
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.svc.Sessions.Login(ctx, "admin@example.org", "falsch-falsch", client("203.0.113.40"))
			switch {
			case errors.Is(err, services.ErrInvalidCredentials):
				checked.Add(1)
			case errors.Is(err, services.ErrTooManyTries):
				throttled.Add(1)
			default:
				t.Errorf("login: %v", err)
			}
		}()
	}
	wg.Wait()
	if checked.Load() > 10 {
		t.Fatalf("%d passwords checked, %d throttled; want at most 10 checked", checked.Load(), throttled.Load())
	}
	if checked.Load()+throttled.Load() != 40 {
		t.Fatalf("%d passwords checked, %d throttled; want 40 answers in all", checked.Load(), throttled.Load())
	}
}

func TestIPv6ClientsAreThrottledByTheirPrefix(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	for i := range 10 {
		e.svc.Sessions.Login(ctx, "admin@example.org", "whatever-it-is", client(fmt.Sprintf("2001:db8:1:2::%x", i+1)))
	}
	if _, err := e.svc.Sessions.Login(ctx, "admin@example.org", adminPassword, client("2001:db8:1:2:ffff::1")); !errors.Is(err, services.ErrTooManyTries) {
		t.Fatalf("another address of the same /64: %v, want throttled", err)
	}
	if _, err := e.svc.Sessions.Login(ctx, "admin@example.org", adminPassword, client("2001:db8:1:3::1")); err != nil {
		t.Fatalf("another /64: %v", err)
	}
}

func TestFailedLoginAuditKeepsOnlyAddresses(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.svc.Sessions.Login(context.Background(), "Mein Passwort 123", "x", client("x"))
	var ev models.AuditEvent
	e.db.Where("action = ?", "login.failed").Take(&ev)
	if strings.Contains(ev.After, "Passwort") {
		t.Fatalf("the audit log kept what was typed as e-mail: %s", ev.After)
	}
}

// Every request with a cookie is authenticated: one query, no write, and
// none at all while the instance remembers the session (AuthCacheTTL).
func TestAuthenticateCostsOneQuery(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	res, _ := e.svc.Sessions.Login(ctx, "admin@example.org", adminPassword, client("x"))
	counter := &queryCounter{Interface: logger.Discard}
	cfg := services.DefaultAccountsConfig()
	cfg.Now = e.clock.Now
	svc, err := services.New(e.db.Session(&gorm.Session{Logger: counter}), services.Options{Accounts: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	actor, err := svc.Sessions.Authenticate(ctx, res.Token, client("x"))
	if err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	if actor.Email != "admin@example.org" {
		t.Fatalf("Authenticate: e-mail %q, want admin@example.org", actor.Email)
	}
	if actor.SessionID == 0 {
		t.Fatalf("Authenticate: no session ID: %+v", actor)
	}
	if actor.DisplayName != "Administrator" {
		t.Fatalf("Authenticate: display name %q, want Administrator", actor.DisplayName)
	}
	if n := counter.n.Load(); n != 1 {
		t.Fatalf("%d queries, want 1", n)
	}
	again, err := svc.Sessions.Authenticate(ctx, res.Token, client("y"))
	if err != nil {
		t.Fatalf("Authenticate again: %v", err)
	}
	if n := counter.n.Load(); n != 1 {
		t.Fatalf("%d queries after the second request, want still 1", n)
	}
	if again.SessionID != actor.SessionID || again.Email != actor.Email || again.ClientAddr != "y" {
		t.Fatalf("from the cache: %+v, want the session of %+v from client y", again, actor)
	}
	e.clock.Add(cfg.AuthCacheTTL)
	if _, err := svc.Sessions.Authenticate(ctx, res.Token, client("x")); err != nil {
		t.Fatalf("Authenticate after the cache's time: %v", err)
	}
	if n := counter.n.Load(); n != 2 {
		t.Fatalf("%d queries once the entry is %s old, want 2", n, cfg.AuthCacheTTL)
	}
}

// Every request with an API token is authenticated: one query for the
// token and its user together, and no write while last-used is fresh.
func TestAuthenticateAPITokenCostsOneQuery(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	tok, err := e.svc.Tokens.CreateAPIToken(ctx, e.admin, services.APITokenRequest{Name: "CRM", Days: 30, CurrentPassword: adminPassword})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Sessions.AuthenticateAPIToken(ctx, tok.Token, client("x")); err != nil {
		t.Fatalf("first use: %v", err)
	}
	// Past the cache's time, within last-used's minute.
	e.clock.Add(services.DefaultAccountsConfig().AuthCacheTTL)
	counter := &queryCounter{Interface: logger.Discard}
	cfg := services.DefaultAccountsConfig()
	cfg.Now = e.clock.Now
	svc, err := services.New(e.db.Session(&gorm.Session{Logger: counter}), services.Options{Accounts: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	actor, err := svc.Sessions.AuthenticateAPIToken(ctx, tok.Token, client("x"))
	if err != nil {
		t.Fatalf("AuthenticateAPIToken: %v", err)
	}
	if actor.Email != "admin@example.org" || actor.DisplayName != "Administrator" || actor.Role != models.RoleAdmin || actor.APITokenID != tok.ID {
		t.Fatalf("AuthenticateAPIToken: %+v", actor)
	}
	if n := counter.n.Load(); n != 1 {
		t.Fatalf("%d queries, want 1", n)
	}
	if again, err := svc.Sessions.AuthenticateAPIToken(ctx, tok.Token, client("x")); err != nil || again.APITokenID != tok.ID {
		t.Fatalf("AuthenticateAPIToken again: %+v, %v", again, err)
	}
	if n := counter.n.Load(); n != 1 {
		t.Fatalf("%d queries after the second request, want still 1 (from the cache)", n)
	}
}

func TestBusySessionOutlivesAShortIdleTimeout(t *testing.T) {
	t.Parallel()
	for _, idle := range []time.Duration{time.Minute, 90 * time.Second, 30 * time.Minute} {
		t.Run(idle.String(), func(t *testing.T) {
			t.Parallel()
			db := dbtest.Open(t)
			clk := &clock{now: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)}
			cfg := services.DefaultAccountsConfig()
			cfg.Now, cfg.IdleTimeout = clk.Now, idle
			svc, err := services.New(db, services.Options{Accounts: &cfg})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if _, err := svc.Users.EnsureAdmin(ctx, "admin@example.org", adminPassword); err != nil {
				t.Fatal(err)
			}
			res, err := svc.Sessions.Login(ctx, "admin@example.org", adminPassword, client("x"))
			if err != nil {
				t.Fatal(err)
			}
			step := idle / 3
			for elapsed := step; elapsed <= 3*idle; elapsed += step {
				clk.Add(step)
				if _, err := svc.Sessions.Authenticate(ctx, res.Token, client("x")); err != nil {
					t.Fatalf("session used every %s ended after %s: %v", step, elapsed, err)
				}
			}
			clk.Add(idle)
			if _, err := svc.Sessions.Authenticate(ctx, res.Token, client("x")); !errors.Is(err, services.ErrUnauthorized) {
				t.Fatalf("after %s idle: %v, want unauthorized", idle, err)
			}
		})
	}
}

func TestWrongCurrentPasswordsAreThrottledLikeLogins(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.addUser(t, "staff@example.org", models.RoleStaff, "Kursbuero-2026")
	res, err := e.svc.Sessions.Login(ctx, "staff@example.org", "Kursbuero-2026", client("203.0.113.30"))
	if err != nil {
		t.Fatal(err)
	}
	actor, err := e.svc.Sessions.Authenticate(ctx, res.Token, client("203.0.113.30"))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var checked, throttled atomic.Int32
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.svc.Passwords.ChangePassword(ctx, actor, "geraten-geraten", "Neues-Kennwort-77")
			switch {
			case currentWrong(err):
				checked.Add(1)
			case errors.Is(err, services.ErrTooManyTries):
				throttled.Add(1)
			default:
				t.Errorf("change password: %v", err)
			}
		}()
	}
	wg.Wait()
	if checked.Load() > 10 || checked.Load()+throttled.Load() != 40 {
		t.Fatalf("%d current passwords checked, %d throttled; want at most 10 checked of 40", checked.Load(), throttled.Load())
	}
	// Parallel attempts refused while others were still pending leave no
	// trace; one after another, the guesses fill the limit exactly.
	for checked.Load() < 20 {
		_, err := e.svc.Passwords.ChangePassword(ctx, actor, "geraten-geraten", "Neues-Kennwort-77")
		if errors.Is(err, services.ErrTooManyTries) {
			break
		}
		if !currentWrong(err) {
			t.Fatalf("change password: %v", err)
		}
		checked.Add(1)
	}
	if checked.Load() != 10 {
		t.Fatalf("%d current passwords checked in all, want 10", checked.Load())
	}
	if _, err := e.svc.Passwords.ChangePassword(ctx, actor, "Kursbuero-2026", "Neues-Kennwort-77"); !errors.Is(err, services.ErrTooManyTries) {
		t.Fatalf("right current password during the lock: %v, want throttled", err)
	}
	e.clock.Add(16 * time.Minute)
	if _, err := e.svc.Passwords.ChangePassword(ctx, actor, "Kursbuero-2026", "Neues-Kennwort-77"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

// currentWrong reports whether err refuses the current password.
func currentWrong(err error) bool {
	var verr *services.ValidationError
	return errors.As(err, &verr) && len(verr.Fields) == 1 && verr.Fields[0].Code == services.CodePasswordCurrentWrong
}

func TestOneTypoProneColleagueLocksNobodyElseBehindTheAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.addUser(t, "kolleg@example.org", models.RoleStaff, "Kursbuero-2026")
	const office = "203.0.113.80"
	for i := range 10 {
		if _, err := e.svc.Sessions.Login(ctx, "kolleg@example.org", "vertippt", client(office)); !errors.Is(err, services.ErrInvalidCredentials) {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	if _, err := e.svc.Sessions.Login(ctx, "kolleg@example.org", "Kursbuero-2026", client(office)); !errors.Is(err, services.ErrTooManyTries) {
		t.Fatalf("the same account from the same address: %v, want throttled", err)
	}
	if _, err := e.svc.Sessions.Login(ctx, "admin@example.org", adminPassword, client(office)); err != nil {
		t.Fatalf("another account behind the same address: %v", err)
	}
	if _, err := e.svc.Sessions.Login(ctx, "kolleg@example.org", "Kursbuero-2026", client("198.51.100.80")); err != nil {
		t.Fatalf("the same account from another address: %v", err)
	}
}

func TestLoginLimitsAcrossAddressesAndAccounts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	cfg := services.DefaultAccountsConfig()
	// One account, guessed from many addresses, nine tries each.
	for i := range cfg.MaxAccountFailures {
		e.svc.Sessions.Login(ctx, "admin@example.org", "geraten", client(fmt.Sprintf("192.0.2.%d", i/9)))
	}
	if _, err := e.svc.Sessions.Login(ctx, "admin@example.org", adminPassword, client("198.51.100.1")); !errors.Is(err, services.ErrTooManyTries) {
		t.Fatalf("after %d failures across addresses: %v, want throttled", cfg.MaxAccountFailures, err)
	}
	// One address, guessing many accounts, known and unknown alike.
	for i := range cfg.MaxAddressFailures {
		e.svc.Sessions.Login(ctx, fmt.Sprintf("person%d@example.org", i/9), "geraten", client("203.0.113.90"))
	}
	for _, email := range []string{"nobody@example.org", "admin@example.org"} {
		if _, err := e.svc.Sessions.Login(ctx, email, "geraten", client("203.0.113.90")); !errors.Is(err, services.ErrTooManyTries) {
			t.Fatalf("%s after %d failures from one address: %v, want throttled", email, cfg.MaxAddressFailures, err)
		}
	}
}
