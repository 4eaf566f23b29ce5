package frontend_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"kohorte/api"
	"kohorte/frontend"
	"kohorte/models"
	"kohorte/models/dbtest"
	"kohorte/services"
)

// password is every seeded user's password; it passes the policy.
const password = "Lange Nächte am Rhein 2026"

// origin is where the tests pretend Kohorte runs.
const origin = "http://kohorte.test"

// stack is Kohorte as it runs, on a fresh database: the router of package
// api with its authentication and cross-origin checks, and the UI in it.
type stack struct {
	t       *testing.T
	handler http.Handler
	svc     *services.Services
	// admin acts for the first admin when the tests seed through services.
	admin services.Actor
}

// newStack returns a stack whose first admin, admin@kohorte.test, has
// password.
func newStack(t *testing.T) *stack {
	t.Helper()
	s := newEmptyStack(t)
	ctx := context.Background()
	if _, err := s.svc.Users.EnsureAdmin(ctx, "admin@kohorte.test", password); err != nil {
		t.Fatal(err)
	}
	res, err := s.svc.Sessions.Login(ctx, "admin@kohorte.test", password, services.Actor{ClientAddr: "seed"})
	if err != nil {
		t.Fatal(err)
	}
	s.admin = actorOf(res.User)
	return s
}

// newEmptyStack returns a stack without any account.
func newEmptyStack(t *testing.T) *stack {
	t.Helper()
	db := dbtest.Open(t)
	svc, err := services.New(db, services.Options{Today: today})
	if err != nil {
		t.Fatal(err)
	}
	ui, err := frontend.New(frontend.Options{Version: "dev", Services: svc})
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	router, err := api.NewRouter(api.Deps{
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Metrics:  api.NewMetrics(sqlDB),
		Services: svc,
		UI:       ui,
		Version:  "dev",
	})
	if err != nil {
		t.Fatal(err)
	}
	return &stack{t: t, handler: router, svc: svc}
}

// today is the services' clock, as serve.go sets it: the day in the
// course offices' zone.
func today() models.Date {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	return models.DateOf(time.Now().In(berlin))
}

func actorOf(u models.User) services.Actor {
	return services.Actor{UserID: u.ID, Email: u.Email, Role: u.Role}
}

// invite creates an account without a password and returns it with the
// token of its invitation link.
func (s *stack) invite(email, name string, role models.Role) (models.User, string) {
	s.t.Helper()
	inv, err := s.svc.Users.Invite(context.Background(), s.admin, services.InviteInput{Email: email, DisplayName: name, Role: role})
	if err != nil {
		s.t.Fatal(err)
	}
	return inv.User, inv.Token
}

// user creates an account that can log in with password.
func (s *stack) user(email, name string, role models.Role) models.User {
	s.t.Helper()
	_, token := s.invite(email, name, role)
	res, err := s.svc.Passwords.SetPasswordWithToken(context.Background(), token, password, services.Actor{ClientAddr: "seed"})
	if err != nil {
		s.t.Fatal(err)
	}
	return res.User
}

// client is one browser: it keeps its cookies and does not follow
// redirects, so that tests see each answer.
type client struct {
	s    *stack
	jar  *cookiejar.Jar
	lang string
	// header is sent with every request.
	header http.Header
}

func (s *stack) client() *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		s.t.Fatal(err)
	}
	return &client{s: s, jar: jar, header: http.Header{}}
}

// response is one answer, its body read.
type response struct {
	Code   int
	Header http.Header
	Body   string
}

func (c *client) get(path string) response {
	c.s.t.Helper()
	return c.do(httptest.NewRequest(http.MethodGet, origin+path, nil))
}

func (c *client) post(path string, form url.Values) response {
	c.s.t.Helper()
	req := httptest.NewRequest(http.MethodPost, origin+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *client) do(req *http.Request) response {
	u, _ := url.Parse(origin)
	for _, ck := range c.jar.Cookies(u) {
		req.AddCookie(ck)
	}
	if c.lang != "" {
		req.AddCookie(&http.Cookie{Name: "kohorte_lang", Value: c.lang})
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	c.s.handler.ServeHTTP(rec, req)
	c.jar.SetCookies(u, rec.Result().Cookies())
	return response{Code: rec.Code, Header: rec.Header(), Body: rec.Body.String()}
}

// session returns the session cookie's value; "" without one.
func (c *client) session() string {
	u, _ := url.Parse(origin)
	for _, ck := range c.jar.Cookies(u) {
		if ck.Name == "kohorte_session" {
			return ck.Value
		}
	}
	return ""
}

// login logs in through the form and fails the test unless it succeeds.
func (c *client) login(email string) response {
	c.s.t.Helper()
	r := c.post("/anmelden", url.Values{"email": {email}, "password": {password}})
	if r.Code != http.StatusSeeOther {
		c.s.t.Fatalf("login %s: status %d\n%s", email, r.Code, r.Body)
	}
	return r
}

// loggedIn returns a client logged in as a new user with role.
func (s *stack) loggedIn(role models.Role) (*client, models.User) {
	s.t.Helper()
	email := string(role) + "@kohorte.test"
	u := s.user(email, "Test "+string(role), role)
	c := s.client()
	c.login(email)
	return c, u
}

func (s *stack) adminClient() *client {
	s.t.Helper()
	c := s.client()
	c.login("admin@kohorte.test")
	return c
}

// expect checks a response's status and that its body holds each of wants.
func expect(t *testing.T, r response, status int, wants ...string) {
	t.Helper()
	if r.Code != status {
		t.Errorf("status = %d, want %d", r.Code, status)
	}
	for _, want := range wants {
		if !strings.Contains(r.Body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("body:\n%s", r.Body)
		t.FailNow()
	}
	for _, problem := range frontend.CSPProblems(r.Body) {
		t.Errorf("page breaks the Content-Security-Policy: %s", problem)
	}
}

// expectRedirect checks a 303 to location.
func expectRedirect(t *testing.T, r response, location string) {
	t.Helper()
	if r.Code != http.StatusSeeOther {
		t.Fatalf("status %d, want 303 to %q", r.Code, location)
	}
	if got := r.Header.Get("Location"); got != location {
		t.Fatalf("Location %q, want %q", got, location)
	}
}

func itoa(id uint) string { return strconv.FormatUint(uint64(id), 10) }
