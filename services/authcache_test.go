package services_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"kohorte/models"
	"kohorte/models/dbtest"
	"kohorte/services"
)

// cachedEnv is an env whose services count their queries, so that a test
// can see that a session or token was in the cache before it changed.
type cachedEnv struct {
	*env
	svc     *services.Services
	counter *queryCounter
}

func newCachedEnv(t *testing.T) *cachedEnv {
	t.Helper()
	e := newEnv(t)
	counter := &queryCounter{Interface: logger.Discard}
	cfg := services.DefaultAccountsConfig()
	cfg.Now = e.clock.Now
	svc, err := services.New(e.db.Session(&gorm.Session{Logger: counter}), services.Options{Accounts: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	return &cachedEnv{env: e, svc: svc, counter: counter}
}

// warm authenticates token twice and fails unless the second request was
// answered from the cache.
func (c *cachedEnv) warm(t *testing.T, token string, api bool) {
	t.Helper()
	auth := c.svc.Sessions.Authenticate
	if api {
		auth = c.svc.Sessions.AuthenticateAPIToken
	}
	ctx := context.Background()
	if _, err := auth(ctx, token, client("x")); err != nil {
		t.Fatalf("before the change: %v", err)
	}
	before := c.counter.n.Load()
	if _, err := auth(ctx, token, client("x")); err != nil {
		t.Fatalf("before the change, again: %v", err)
	}
	if n := c.counter.n.Load() - before; n != 0 {
		t.Fatalf("the second request made %d queries: not from the cache", n)
	}
}

// A change made through this instance applies to the very next request,
// whatever the cache holds.
func TestCachedSessionsAndTokensEndWithTheirChange(t *testing.T) {
	t.Parallel()
	c := newCachedEnv(t)
	ctx := context.Background()
	u := c.addUser(t, "staff@example.org", models.RoleStaff, "Kursbuero-2026")
	login := func() string {
		t.Helper()
		res, err := c.svc.Sessions.Login(ctx, "staff@example.org", "Kursbuero-2026", client("x"))
		if err != nil {
			t.Fatal(err)
		}
		return res.Token
	}
	refused := func(what, token string, api bool) {
		t.Helper()
		auth := c.svc.Sessions.Authenticate
		if api {
			auth = c.svc.Sessions.AuthenticateAPIToken
		}
		if _, err := auth(ctx, token, client("x")); !errors.Is(err, services.ErrUnauthorized) {
			t.Fatalf("after %s: %v, want unauthorized", what, err)
		}
	}

	s := login()
	c.warm(t, s, false)
	actor, _ := c.svc.Sessions.Authenticate(ctx, s, client("x"))
	if err := c.svc.Sessions.Logout(ctx, s, actor); err != nil {
		t.Fatal(err)
	}
	refused("logout", s, false)

	tok, err := c.svc.Tokens.CreateAPIToken(ctx, c.admin, services.APITokenRequest{Name: "CRM", Days: 30, CurrentPassword: adminPassword})
	if err != nil {
		t.Fatal(err)
	}
	c.warm(t, tok.Token, true)
	if err := c.svc.Tokens.RevokeAPIToken(ctx, c.admin, tok.ID); err != nil {
		t.Fatal(err)
	}
	refused("revoking the token", tok.Token, true)

	s = login()
	c.warm(t, s, false)
	if _, err := c.svc.Users.ChangeRole(ctx, c.admin, u.ID, models.RoleJuror); err != nil {
		t.Fatal(err)
	}
	refused("a role change", s, false)
	s = login()
	c.warm(t, s, false)
	if a, _ := c.svc.Sessions.Authenticate(ctx, s, client("x")); a.Role != models.RoleJuror {
		t.Fatalf("new session's role %q, want juror", a.Role)
	}
	if _, err := c.svc.Users.SetStatus(ctx, c.admin, u.ID, models.UserDisabled); err != nil {
		t.Fatal(err)
	}
	refused("disabling the account", s, false)
}

// A second instance on the same database learns of a change only when its
// entry is AuthCacheTTL old: the window the README names.
func TestAnotherInstanceSeesAChangeOnceItsEntryIsOld(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := dbtest.Config(t)
	clk := &clock{now: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)}
	acfg := services.DefaultAccountsConfig()
	acfg.Now = clk.Now
	here, there := newInstance(t, cfg, acfg), newInstance(t, cfg, acfg)
	if _, err := here.Users.EnsureAdmin(ctx, "admin@example.org", adminPassword); err != nil {
		t.Fatal(err)
	}

	res, err := here.Sessions.Login(ctx, "admin@example.org", adminPassword, client("x"))
	if err != nil {
		t.Fatal(err)
	}
	actor, err := there.Sessions.Authenticate(ctx, res.Token, client("x"))
	if err != nil {
		t.Fatalf("on the other instance: %v", err)
	}
	if err := here.Sessions.Logout(ctx, res.Token, actor); err != nil {
		t.Fatal(err)
	}
	if _, err := here.Sessions.Authenticate(ctx, res.Token, client("x")); !errors.Is(err, services.ErrUnauthorized) {
		t.Fatalf("here, after logout: %v, want unauthorized", err)
	}
	clk.Add(acfg.AuthCacheTTL - time.Nanosecond)
	if _, err := there.Sessions.Authenticate(ctx, res.Token, client("x")); err != nil {
		t.Fatalf("there, within the cache's time: %v; the entry was not cached", err)
	}
	clk.Add(time.Nanosecond)
	if _, err := there.Sessions.Authenticate(ctx, res.Token, client("x")); !errors.Is(err, services.ErrUnauthorized) {
		t.Fatalf("there, %s after logout: %v, want unauthorized", acfg.AuthCacheTTL, err)
	}
}

// newInstance is one Kohorte process on the database of cfg, with a
// connection pool of its own.
func newInstance(t *testing.T, cfg models.DBConfig, acfg services.AccountsConfig) *services.Services {
	t.Helper()
	ctx := context.Background()
	db, err := models.Open(ctx, cfg, dbtest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { models.Close(db) })
	if err := models.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	svc, err := services.New(db, services.Options{Accounts: &acfg})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// On PostgreSQL another instance hears of a change as soon as it is
// committed: with an hour to live and a clock that stands still, only the
// announcement can end its cached entry. When it loses its listening
// connection it listens again and forgets what it had cached, as the
// announcements made in between are lost. On SQLite there is nothing to
// listen to, and watching returns at once.
func TestAnotherInstanceOnPostgreSQLHearsOfAChangeAtOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := dbtest.Config(t)
	clk := &clock{now: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)}
	acfg := services.DefaultAccountsConfig()
	acfg.Now, acfg.AuthCacheTTL = clk.Now, time.Hour
	here, there := newInstance(t, cfg, acfg), newInstance(t, cfg, acfg)
	listening := watchAuthChanges(t, there)
	if cfg.URL == "" {
		select {
		case <-listening.done:
			return
		case <-time.After(10 * time.Second):
			t.Fatal("watching for changes on SQLite did not return")
		}
	}
	listening.next(t)
	if _, err := here.Users.EnsureAdmin(ctx, "admin@example.org", adminPassword); err != nil {
		t.Fatal(err)
	}
	login := func() string {
		t.Helper()
		res, err := here.Sessions.Login(ctx, "admin@example.org", adminPassword, client("x"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := there.Sessions.Authenticate(ctx, res.Token, client("x")); err != nil {
			t.Fatalf("on the other instance: %v", err)
		}
		return res.Token
	}
	logout := func(token string) {
		t.Helper()
		actor, err := here.Sessions.Authenticate(ctx, token, client("x"))
		if err == nil {
			err = here.Sessions.Logout(ctx, token, actor)
		}
		if err != nil {
			t.Fatal(err)
		}
	}

	first := login()
	logout(first)
	refusedSoon(t, there, first)

	second := login()
	endListening(t, cfg.URL)
	logout(second)
	listening.next(t)
	if _, err := there.Sessions.Authenticate(ctx, second, client("x")); !errors.Is(err, services.ErrUnauthorized) {
		t.Fatalf("after listening again: %v, want unauthorized", err)
	}

	third := login()
	logout(third)
	refusedSoon(t, there, third)
}

// endListening ends the listening connection from the server's side, as a
// restart of PostgreSQL or a dropped network would.
func endListening(t *testing.T, url string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var ended int
	err = conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = 'kohorte listener' AND datname = current_database()`).Scan(&ended)
	if err != nil || ended != 1 {
		t.Fatalf("ending the listening connection: %d ended, %v", ended, err)
	}
}

// authWatch is a running Services.WatchAuthChanges.
type authWatch struct {
	started chan struct{}
	done    chan struct{}
}

func watchAuthChanges(t *testing.T, svc *services.Services) *authWatch {
	t.Helper()
	w := &authWatch{started: make(chan struct{}, 8), done: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		defer close(w.done)
		svc.WatchAuthChanges(ctx, dbtest.Logger(t), func() { w.started <- struct{}{} })
	}()
	t.Cleanup(func() { cancel(); <-w.done })
	return w
}

// next waits until the watch (again) listens.
func (w *authWatch) next(t *testing.T) {
	t.Helper()
	select {
	case <-w.started:
	case <-time.After(30 * time.Second):
		t.Fatal("the instance did not start listening")
	}
}

// refusedSoon fails unless svc refuses token within a few seconds: far
// sooner than the hour the entry has to live.
func refusedSoon(t *testing.T, svc *services.Services, token string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := svc.Sessions.Authenticate(context.Background(), token, client("x"))
		if errors.Is(err, services.ErrUnauthorized) {
			return
		}
		if err != nil || time.Now().After(deadline) {
			t.Fatalf("the other instance still accepts the session: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// With AuthCacheTTL 0 every request asks the database.
func TestAuthCacheCanBeTurnedOff(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	res, _ := e.svc.Sessions.Login(ctx, "admin@example.org", adminPassword, client("x"))
	counter := &queryCounter{Interface: logger.Discard}
	cfg := services.DefaultAccountsConfig()
	cfg.Now, cfg.AuthCacheTTL = e.clock.Now, 0
	svc, err := services.New(e.db.Session(&gorm.Session{Logger: counter}), services.Options{Accounts: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := svc.Sessions.Authenticate(ctx, res.Token, client("x")); err != nil {
			t.Fatal(err)
		}
	}
	if n := counter.n.Load(); n != 3 {
		t.Fatalf("%d queries for 3 requests, want 3", n)
	}
}

// holdSessions locks every session in a transaction, as a long write
// holds SQLite's one writer, until the returned function ends it.
func holdSessions(t *testing.T, db *gorm.DB) (release func()) {
	t.Helper()
	locked, end, ended := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		ended <- db.Transaction(func(tx *gorm.DB) error {
			if err := tx.Model(&models.Session{}).Where("id > 0").Update("expires_at", gorm.Expr("expires_at")).Error; err != nil {
				close(locked)
				return err
			}
			close(locked)
			<-end
			return nil
		})
	}()
	<-locked
	return func() {
		t.Helper()
		close(end)
		if err := <-ended; err != nil {
			t.Fatal(err)
		}
	}
}

// authenticateSoon authenticates token and tells whether the answer came
// within two seconds: twenty times what a request waits for a busy
// database, and well below SQLite's own wait for its lock (10 s), which
// the request would otherwise sit out.
func authenticateSoon(svc *services.Services, token string) (answered bool, err error) {
	done := make(chan error, 1)
	go func() {
		_, err := svc.Sessions.Authenticate(context.Background(), token, client("x"))
		done <- err
	}()
	select {
	case err := <-done:
		return true, err
	case <-time.After(2 * time.Second):
		return false, nil
	}
}

// A request waits for a busy database only briefly, whether it notes that
// its session was used or deletes one that has run out: on SQLite a long
// import holds the one writer for seconds, and every such request queued
// behind it. A session that ran out is still refused, and the request
// after the lock deletes it.
func TestSessionsDoNotWaitForABusyDatabase(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		later time.Duration
		want  error // the answer during the lock and after it
	}{
		{"noting its use", time.Minute, nil},                    // last-seen is due to be noted
		{"ending it", 13 * time.Hour, services.ErrUnauthorized}, // past any session's lifetime
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			ctx := context.Background()
			res, err := e.svc.Sessions.Login(ctx, "admin@example.org", adminPassword, client("x"))
			if err != nil {
				t.Fatal(err)
			}
			actor, err := e.svc.Sessions.Authenticate(ctx, res.Token, client("x"))
			if err != nil {
				t.Fatal(err)
			}
			e.clock.Add(tc.later)
			release := holdSessions(t, e.db)
			if answered, err := authenticateSoon(e.svc, res.Token); !answered {
				t.Error("the request waited for the transaction that held the sessions")
			} else if !errors.Is(err, tc.want) {
				t.Errorf("while the sessions were locked: %v, want %v", err, tc.want)
			}
			release()
			if _, err := e.svc.Sessions.Authenticate(ctx, res.Token, client("x")); !errors.Is(err, tc.want) {
				t.Fatalf("after the lock: %v, want %v", err, tc.want)
			}
			var left int64
			if err := e.db.Model(&models.Session{}).Where("id = ?", actor.SessionID).Count(&left).Error; err != nil || (left == 0) != (tc.want != nil) {
				t.Errorf("after the lock: %d rows of the session, %v; want it deleted only once refused", left, err)
			}
		})
	}
}
