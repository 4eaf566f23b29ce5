package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"kohorte/api"
	"kohorte/api/apitest"
	"kohorte/models"
)

const adminPass = "Kohorte-Admin-2026!"

// seedAdmin creates the first admin through the service.
func (f *fixture) seedAdmin(t *testing.T) {
	t.Helper()
	if _, err := f.svc.Users.EnsureAdmin(context.Background(), "admin@example.org", adminPass); err != nil {
		t.Fatal(err)
	}
}

// login logs in through the API and returns the session cookie.
func (f *fixture) login(t *testing.T, email, password string) *http.Cookie {
	t.Helper()
	r := f.client.Send(http.MethodPost, "/api/v1/auth/login", map[string]string{"email": email, "password": password})
	if r.Status != http.StatusOK {
		t.Fatalf("login %s: %d %s", email, r.Status, r.Body)
	}
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "kohorte_session" && c.Value != "" {
			return c
		}
	}
	t.Fatalf("login %s set no session cookie: %v", email, r.Header["Set-Cookie"])
	return nil
}

// as sends a JSON request with a session cookie.
func (f *fixture) as(cookie *http.Cookie, method, path string, body any) *apitest.Response {
	return f.client.DoWith(method, path, body, func(r *http.Request) {
		if cookie != nil {
			r.AddCookie(cookie)
		}
	})
}

// addUser invites a user as the admin and sets the password through the link.
func (f *fixture) addUser(t *testing.T, admin *http.Cookie, email string, role models.Role, password string) uint {
	t.Helper()
	r := f.as(admin, http.MethodPost, "/api/v1/users", map[string]string{"email": email, "display_name": "Person " + email, "role": string(role)})
	if r.Status != http.StatusCreated {
		t.Fatalf("invite %s: %d %s", email, r.Status, r.Body)
	}
	var inv struct {
		User         struct{ ID uint }
		PasswordLink string `json:"password_link"`
	}
	r.JSON(t, &inv)
	token := inv.PasswordLink[strings.Index(inv.PasswordLink, "token=")+len("token="):]
	set := f.client.Send(http.MethodPost, "/api/v1/auth/set-password", map[string]string{"token": token, "password": password})
	if set.Status != http.StatusOK {
		t.Fatalf("set password %s: %d %s", email, set.Status, set.Body)
	}
	return inv.User.ID
}

func TestLoginMeLogout(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	cookie := f.login(t, "Admin@Example.org", adminPass)
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" {
		t.Errorf("cookie %+v lacks HttpOnly, SameSite=Lax or Path=/", cookie)
	}
	var me struct{ Email, Role string }
	r := f.as(cookie, http.MethodGet, "/api/v1/me", nil)
	r.JSON(t, &me)
	if r.Status != 200 || me.Email != "admin@example.org" || me.Role != "admin" {
		t.Fatalf("me = %d %+v", r.Status, me)
	}
	if r := f.as(cookie, http.MethodPost, "/api/v1/auth/logout", nil); r.Status != http.StatusNoContent {
		t.Fatalf("logout = %d", r.Status)
	}
	if r := f.as(cookie, http.MethodGet, "/api/v1/me", nil); r.Status != http.StatusUnauthorized || r.Header.Get("WWW-Authenticate") == "" {
		t.Fatalf("me after logout = %d", r.Status)
	}
}

func TestLoginRotatesTheSessionToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	first := f.login(t, "admin@example.org", adminPass)
	r := f.as(first, http.MethodPost, "/api/v1/auth/login", map[string]string{"email": "admin@example.org", "password": adminPass})
	second := (&http.Response{Header: r.Header}).Cookies()[0]
	if second.Value == first.Value {
		t.Fatal("login kept the old token")
	}
	if r := f.as(first, http.MethodGet, "/api/v1/me", nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("old session after a new login: %d, want 401", r.Status)
	}
}

func TestElevenWrongPasswordsGive429(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	for i := 1; i <= 10; i++ {
		r := f.client.Send(http.MethodPost, "/api/v1/auth/login", map[string]string{"email": "admin@example.org", "password": "falsch-" + strconv.Itoa(i)})
		if r.Status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i, r.Status)
		}
	}
	for _, pw := range []string{"falsch-11", adminPass} {
		r := f.client.Send(http.MethodPost, "/api/v1/auth/login", map[string]string{"email": "admin@example.org", "password": pw})
		if r.Status != http.StatusTooManyRequests {
			t.Fatalf("password %q during the lock: %d, want 429", pw, r.Status)
		}
		secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
		if err != nil || secs < 800 || secs > 900 {
			t.Fatalf("Retry-After = %q, want about 900 seconds", r.Header.Get("Retry-After"))
		}
	}
	// The lock holds for the client address too, whatever e-mail it tries.
	other := f.client.Send(http.MethodPost, "/api/v1/auth/login", map[string]string{"email": "nobody@example.org", "password": "falsch-1"})
	if other.Status != http.StatusTooManyRequests {
		t.Fatalf("another address from the locked client: %d, want 429", other.Status)
	}
}

func TestUnknownAndKnownAddressesAnswerAlike(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	known := f.client.Send(http.MethodPost, "/api/v1/auth/login", map[string]string{"email": "admin@example.org", "password": "falsch-falsch"})
	unknown := f.client.Send(http.MethodPost, "/api/v1/auth/login", map[string]string{"email": "nobody@example.org", "password": "falsch-falsch"})
	strip := func(b []byte) string {
		s := string(b)
		return s[:strings.Index(s, `"request_id"`)]
	}
	if known.Status != unknown.Status || strip(known.Body) != strip(unknown.Body) {
		t.Fatalf("known: %d %s\nunknown: %d %s", known.Status, known.Body, unknown.Status, unknown.Body)
	}
}

func TestInviteSetPasswordAndDisable(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	id := f.addUser(t, admin, "juror@example.org", models.RoleJuror, "Bewertung-2026")
	juror := f.login(t, "juror@example.org", "Bewertung-2026")
	if r := f.as(juror, http.MethodGet, "/api/v1/me", nil); r.Status != 200 {
		t.Fatalf("juror me: %d", r.Status)
	}
	r := f.as(admin, http.MethodPatch, "/api/v1/users/"+strconv.Itoa(int(id)), map[string]string{"status": "disabled"})
	if r.Status != 200 {
		t.Fatalf("disable: %d %s", r.Status, r.Body)
	}
	if r := f.as(juror, http.MethodGet, "/api/v1/me", nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("disabled user's open session: %d, want 401", r.Status)
	}
	var events struct {
		Items []struct{ Action, Before, After string }
		Total int
	}
	f.as(admin, http.MethodGet, "/api/v1/audit-events?action=user.disabled", nil).JSON(t, &events)
	if events.Total != 1 || !strings.Contains(events.Items[0].Before, `"status":"active"`) || !strings.Contains(events.Items[0].After, `"status":"disabled"`) {
		t.Fatalf("audit of the disable: %+v", events)
	}
}

func TestValidationNamesFields(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	r := f.as(admin, http.MethodPost, "/api/v1/users", map[string]string{"email": "kaputt", "display_name": " ", "role": "participant"})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("invite with bad input: %d", r.Status)
	}
	for _, field := range []string{`"field":"email"`, `"field":"display_name"`} {
		if !strings.Contains(string(r.Body), field) {
			t.Errorf("problem lacks %s: %s", field, r.Body)
		}
	}
	r = f.as(admin, http.MethodGet, "/api/v1/users?page_size=500&role=king", nil)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"field":"page_size"`) || !strings.Contains(string(r.Body), `"field":"role"`) {
		t.Fatalf("bad query: %d %s", r.Status, r.Body)
	}
}

func TestAPITokenActsAsItsOwner(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	r := f.as(admin, http.MethodPost, "/api/v1/tokens", map[string]any{"name": "Export", "expires_in_days": 30})
	var created struct {
		ID    uint
		Token string
	}
	r.JSON(t, &created)
	if r.Status != http.StatusCreated || !strings.HasPrefix(created.Token, "koh_") {
		t.Fatalf("create token: %d %s", r.Status, r.Body)
	}
	bearer := func(token string) *apitest.Response {
		return f.client.DoWith(http.MethodGet, "/api/v1/users", nil, func(r *http.Request) {
			r.Header.Set("Authorization", "Bearer "+token)
		})
	}
	if r := bearer(created.Token); r.Status != 200 {
		t.Fatalf("list users with the token: %d %s", r.Status, r.Body)
	}
	if r := bearer("koh_forged"); r.Status != http.StatusUnauthorized {
		t.Fatalf("forged token: %d", r.Status)
	}
	f.as(admin, http.MethodDelete, "/api/v1/tokens/"+strconv.Itoa(int(created.ID)), nil)
	if r := bearer(created.Token); r.Status != http.StatusUnauthorized {
		t.Fatalf("revoked token: %d", r.Status)
	}
}

func TestCrossSiteStateChangeIsRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	r := f.client.DoWith(http.MethodPost, "/api/v1/auth/login", map[string]string{"email": "admin@example.org", "password": adminPass}, func(r *http.Request) {
		r.Header.Set("Sec-Fetch-Site", "cross-site")
		r.Header.Set("Origin", "https://evil.example")
	})
	if r.Status != http.StatusForbidden {
		t.Fatalf("cross-site login: %d, want 403", r.Status)
	}
	var n int64
	f.db.Model(&models.Session{}).Count(&n)
	if n != 0 {
		t.Fatalf("a cross-site request opened %d sessions", n)
	}
}

func TestSessionCookieOverTLSIsHostPrefixedAndSecure(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	srv := httptest.NewTLSServer(f.engine)
	defer srv.Close()
	resp, err := srv.Client().Post(srv.URL+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"email":"admin@example.org","password":"`+adminPass+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cookies := resp.Cookies()
	if len(cookies) != 1 || cookies[0].Name != "__Host-kohorte_session" || !cookies[0].Secure || !cookies[0].HttpOnly || cookies[0].Path != "/" {
		t.Fatalf("cookies over TLS: %+v", cookies)
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/me", nil)
	req.AddCookie(cookies[0])
	me, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	me.Body.Close()
	if me.StatusCode != 200 {
		t.Fatalf("me with the secure cookie: %d", me.StatusCode)
	}
}

// Only a trusted proxy may say the client used HTTPS.
func TestForwardedProtoNeedsTrustedProxy(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	if r := f.client.Do(req); r.Header.Get("Strict-Transport-Security") != "" {
		t.Fatal("an untrusted client's X-Forwarded-Proto was believed")
	}
	trusted := newFixtureWith(t, func(d *api.Deps) { d.TrustedProxies = []string{"192.0.2.0/24"} })
	req = httptest.NewRequest(http.MethodGet, "/healthz", nil) // RemoteAddr 192.0.2.1
	req.Header.Set("X-Forwarded-Proto", "https")
	if r := trusted.client.Do(req); r.Header.Get("Strict-Transport-Security") == "" {
		t.Fatal("a trusted proxy's X-Forwarded-Proto was ignored")
	}
}

// Links passed on use the configured public address, not the Host header.
func TestPasswordLinkUsesTheBaseURL(t *testing.T) {
	t.Parallel()
	f := newFixtureWith(t, func(d *api.Deps) { d.BaseURL = "https://kohorte.example.org" })
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	r := f.client.DoWith(http.MethodPost, "/api/v1/users", map[string]string{"email": "j@example.org", "display_name": "J", "role": "juror"},
		func(r *http.Request) {
			r.AddCookie(admin)
			r.Host = "evil.example"
		})
	if !strings.Contains(string(r.Body), `"password_link":"https://kohorte.example.org/passwort-setzen?token=`) {
		t.Fatalf("invitation: %d %s", r.Status, r.Body)
	}
}
