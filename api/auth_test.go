package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kohorte/api"
	"kohorte/api/apitest"
	"kohorte/models"
)

const adminPass = "Kohorte-Admin-2026!"

// seedAdmin creates the first admin through the service.
func (f *fixture) seedAdmin(t testing.TB) {
	t.Helper()
	if _, err := f.svc.Users.EnsureAdmin(context.Background(), "admin@example.org", adminPass); err != nil {
		t.Fatal(err)
	}
}

// login logs in through the API and returns the session cookie.
func (f *fixture) login(t testing.TB, email, password string) *http.Cookie {
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
	if !cookie.HttpOnly {
		t.Errorf("cookie %+v lacks HttpOnly", cookie)
	}
	if cookie.SameSite != http.SameSiteLaxMode {
		t.Errorf("cookie %+v lacks SameSite=Lax", cookie)
	}
	if cookie.Path != "/" {
		t.Errorf("cookie %+v lacks Path=/", cookie)
	}
	f.client.Run(t, []apitest.Row{
		{Name: "me", Cookie: cookie, Method: http.MethodGet, Path: "/api/v1/me",
			Status: http.StatusOK, Want: struct{ Email, Role string }{"admin@example.org", "admin"}},
		{Name: "logout", Cookie: cookie, Method: http.MethodPost, Path: "/api/v1/auth/logout", Status: http.StatusNoContent,
			Check: func(t *testing.T, r *apitest.Response) {
				if got := r.Header.Get("Clear-Site-Data"); got != `"storage"` {
					t.Errorf("Clear-Site-Data %q, want \"storage\"", got)
				}
			}},
		{Name: "me after logout", Cookie: cookie, Method: http.MethodGet, Path: "/api/v1/me", Status: http.StatusUnauthorized,
			Check: func(t *testing.T, r *apitest.Response) {
				if r.Header.Get("WWW-Authenticate") == "" {
					t.Error("401 without WWW-Authenticate")
				}
				if got := r.Header.Get("Clear-Site-Data"); got != "" {
					t.Errorf("an ended session's request clears the device (%q): an unsent draft would be lost", got)
				}
			}},
	})
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
		if err != nil {
			t.Fatalf("Retry-After = %q, want a number of seconds: %v", r.Header.Get("Retry-After"), err)
		}
		if secs < 800 || secs > 900 {
			t.Fatalf("Retry-After = %d, want about 900 seconds", secs)
		}
	}
	// The lock holds for this account from this client only: another
	// account behind the same address is still answered.
	other := f.client.Send(http.MethodPost, "/api/v1/auth/login", map[string]string{"email": "nobody@example.org", "password": "falsch-1"})
	if other.Status != http.StatusUnauthorized {
		t.Fatalf("another account from the locked client: %d, want 401", other.Status)
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
	if known.Status != unknown.Status {
		t.Fatalf("status for a known address %d, for an unknown one %d", known.Status, unknown.Status)
	}
	if diff := cmp.Diff(strip(known.Body), strip(unknown.Body)); diff != "" {
		t.Fatalf("bodies for a known and an unknown address differ (-known +unknown):\n%s", diff)
	}
}

func TestInviteSetPasswordAndDisable(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	id := f.addUser(t, admin, "juror@example.org", models.RoleJuror, "Bewertung-2026")
	juror := f.login(t, "juror@example.org", "Bewertung-2026")
	if !f.client.Run(t, []apitest.Row{
		{Name: "juror me", Cookie: juror, Method: http.MethodGet, Path: "/api/v1/me", Status: http.StatusOK},
		{Name: "disable", Cookie: admin, Method: http.MethodPatch, Path: "/api/v1/users/" + strconv.Itoa(int(id)),
			Body: map[string]string{"status": "disabled"}, Status: http.StatusOK},
		{Name: "disabled user's open session", Cookie: juror, Method: http.MethodGet, Path: "/api/v1/me", Status: http.StatusUnauthorized},
	}) {
		t.FailNow()
	}
	var events struct {
		Items []struct{ Action, Before, After string }
		Total int
	}
	f.as(admin, http.MethodGet, "/api/v1/audit-events?action=user.disabled", nil).JSON(t, &events)
	if events.Total != 1 {
		t.Fatalf("audit of the disable: %d events, want 1: %+v", events.Total, events)
	}
	if !strings.Contains(events.Items[0].Before, `"status":"active"`) {
		t.Errorf("audit of the disable: before lacks \"status\":\"active\": %+v", events.Items[0])
	}
	if !strings.Contains(events.Items[0].After, `"status":"disabled"`) {
		t.Errorf("audit of the disable: after lacks \"status\":\"disabled\": %+v", events.Items[0])
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
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad query: status %d, want 422: %s", r.Status, r.Body)
	}
	for _, field := range []string{`"field":"page_size"`, `"field":"role"`} {
		if !strings.Contains(string(r.Body), field) {
			t.Errorf("bad query: problem lacks %s: %s", field, r.Body)
		}
	}
}

func TestAPITokenActsAsItsOwner(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	r := f.as(admin, http.MethodPost, "/api/v1/tokens", map[string]any{"name": "Export", "expires_in_days": 30, "current_password": adminPass})
	var created struct {
		ID    uint
		Token string
	}
	r.JSON(t, &created)
	if r.Status != http.StatusCreated {
		t.Fatalf("create token: status %d, want 201: %s", r.Status, r.Body)
	}
	if !strings.HasPrefix(created.Token, "koh_") {
		t.Fatalf("create token: %q lacks the koh_ prefix", created.Token)
	}
	f.client.Run(t, []apitest.Row{
		{Name: "list users with the token", Token: created.Token, Method: http.MethodGet, Path: "/api/v1/users", Status: http.StatusOK},
		{Name: "forged token", Token: "koh_forged", Method: http.MethodGet, Path: "/api/v1/users", Status: http.StatusUnauthorized},
	})
	f.as(admin, http.MethodDelete, "/api/v1/tokens/"+strconv.Itoa(int(created.ID)), nil)
	f.client.Run(t, []apitest.Row{
		{Name: "revoked token", Token: created.Token, Method: http.MethodGet, Path: "/api/v1/users", Status: http.StatusUnauthorized},
	})
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
	if len(cookies) != 1 {
		t.Fatalf("cookies over TLS: %d, want 1: %+v", len(cookies), cookies)
	}
	type cookie struct {
		Name             string
		Secure, HttpOnly bool
		Path             string
	}
	got := cookie{cookies[0].Name, cookies[0].Secure, cookies[0].HttpOnly, cookies[0].Path}
	if diff := cmp.Diff(cookie{"__Host-kohorte_session", true, true, "/"}, got); diff != "" {
		t.Fatalf("cookie over TLS (-want +got):\n%s", diff)
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

// A session alone does not mint a token: the owner's password is asked for
// again, and revoke-all ends every token of the caller at once.
func TestCreatingATokenReauthenticatesAndRevokeAllEndsThem(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	before := f.fingerprint(t)
	f.client.Run(t, []apitest.Row{
		{Name: "without the password", Cookie: admin, Method: http.MethodPost, Path: "/api/v1/tokens",
			Body: map[string]any{"name": "Export", "expires_in_days": 30}, Status: http.StatusUnprocessableEntity,
			Check: fieldCodeIs("current_password", "required")},
		{Name: "with a wrong password", Cookie: admin, Method: http.MethodPost, Path: "/api/v1/tokens",
			Body: map[string]any{"name": "Export", "expires_in_days": 30, "current_password": "geraten"}, Status: http.StatusUnprocessableEntity,
			Check: fieldCodeIs("current_password", "password.current_wrong")},
	})
	if after := f.fingerprint(t); after != before {
		// The wrong guess is counted in login_attempts, which the fingerprint leaves out.
		t.Fatalf("refused token requests changed data: %s → %s", before, after)
	}
	var tokens [2]struct{ Token string }
	for i := range tokens {
		r := f.as(admin, http.MethodPost, "/api/v1/tokens", map[string]any{"name": "Export", "expires_in_days": 30, "current_password": adminPass})
		if r.Status != http.StatusCreated {
			t.Fatalf("create token %d: status %d: %s", i+1, r.Status, r.Body)
		}
		r.JSON(t, &tokens[i])
	}
	f.client.Run(t, []apitest.Row{
		{Name: "revoke all", Cookie: admin, Method: http.MethodPost, Path: "/api/v1/tokens/revoke-all",
			Status: http.StatusOK, Want: map[string]any{"revoked": float64(2)}},
		{Name: "first token after revoke all", Token: tokens[0].Token, Method: http.MethodGet, Path: "/api/v1/users", Status: http.StatusUnauthorized},
		{Name: "second token after revoke all", Token: tokens[1].Token, Method: http.MethodGet, Path: "/api/v1/users", Status: http.StatusUnauthorized},
	})
}

// fieldCodeIs checks that a problem names field with code.
func fieldCodeIs(field, code string) func(t *testing.T, r *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		var p struct {
			Errors []struct{ Field, Code string }
		}
		r.JSON(t, &p)
		for _, e := range p.Errors {
			if e.Field == field {
				if e.Code != code {
					t.Errorf("%s: code %q, want %q", field, e.Code, code)
				}
				return
			}
		}
		t.Errorf("no error for %s in %s", field, r.Body)
	}
}

func TestUserListShowsOpenResetRequests(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	zoe := f.addUser(t, admin, "zoe@example.org", models.RoleJuror, "Bewertung-2026")
	f.addUser(t, admin, "mehmet@example.org", models.RoleJuror, "Bewertung-2026")
	for _, email := range []string{"zoe@example.org", "nobody@example.org"} {
		if r := f.client.Send(http.MethodPost, "/api/v1/auth/password-reset", map[string]string{"email": email}); r.Status != http.StatusAccepted {
			t.Fatalf("request for %s: %d %s", email, r.Status, r.Body)
		}
	}
	type item struct {
		ID               uint
		Email            string
		ResetRequestedAt *time.Time `json:"reset_requested_at"`
	}
	var list struct {
		Items []item
		Total int
	}
	f.as(admin, http.MethodGet, "/api/v1/users?reset_requested=true", nil).JSON(t, &list)
	if list.Total != 1 || len(list.Items) != 1 || list.Items[0].ID != zoe || list.Items[0].ResetRequestedAt == nil {
		t.Fatalf("open requests: %+v, want zoe alone with a time", list)
	}
	f.as(admin, http.MethodGet, "/api/v1/users", nil).JSON(t, &list)
	asked := map[string]bool{}
	for _, u := range list.Items {
		asked[u.Email] = u.ResetRequestedAt != nil
	}
	if diff := cmp.Diff(map[string]bool{"admin@example.org": false, "zoe@example.org": true, "mehmet@example.org": false}, asked); diff != "" {
		t.Fatalf("reset_requested_at (-want +got):\n%s", diff)
	}
	if r := f.as(admin, http.MethodPost, "/api/v1/users/"+strconv.Itoa(int(zoe))+"/password-link", nil); r.Status != http.StatusCreated {
		t.Fatalf("password link: %d %s", r.Status, r.Body)
	}
	f.as(admin, http.MethodGet, "/api/v1/users?reset_requested=true", nil).JSON(t, &list)
	if list.Total != 0 {
		t.Fatalf("after the link: %+v, want no open request", list)
	}
	if r := f.as(admin, http.MethodGet, "/api/v1/users?reset_requested=vielleicht", nil); r.Status != http.StatusBadRequest && r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("reset_requested=vielleicht: %d", r.Status)
	}
}
