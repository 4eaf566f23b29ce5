package frontend_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"kohorte/models"
)

func TestLoginPage(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	r := s.client().get("/anmelden?next=/benutzer%3Fseite%3D2")
	expect(t, r, http.StatusOK,
		"<title>Anmelden · Kohorte</title>",
		`<input type="hidden" name="next" value="/benutzer?seite=2">`,
		`autocomplete="username"`, `autocomplete="current-password"`,
		`<label for="email">E-Mail-Adresse</label>`,
		`<a href="/passwort-vergessen">`)
}

func TestLoginRedirectsToNext(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	c := s.client()
	r := c.post("/anmelden", url.Values{"email": {"ADMIN@kohorte.test "}, "password": {password}, "next": {"/benutzer?seite=2"}})
	expectRedirect(t, r, "/benutzer?seite=2")
	if c.session() == "" {
		t.Fatal("no session cookie after login")
	}
	expect(t, c.get("/benutzer"), http.StatusOK, "admin@kohorte.test")
}

func TestLoginNextCannotLeaveTheSite(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	for _, next := range []string{"//evil.example", "https://evil.example/", `/\evil.example`, "/\t/evil.example", "javascript:alert(1)", ""} {
		r := s.client().post("/anmelden", url.Values{"email": {"admin@kohorte.test"}, "password": {password}, "next": {next}})
		expectRedirect(t, r, "/")
	}
}

func TestLoginRotatesTheSession(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	c := s.adminClient()
	first := c.session()
	expect(t, c.get("/anmelden"), http.StatusOK, "Sie sind bereits als admin@kohorte.test angemeldet.")
	c.login("admin@kohorte.test")
	if c.session() == first {
		t.Fatal("the session token stayed the same across logins")
	}
	old := s.client()
	u, _ := url.Parse(origin)
	old.jar.SetCookies(u, []*http.Cookie{{Name: "kohorte_session", Value: first}})
	expectRedirect(t, old.get("/passwort"), "/anmelden?next=%2Fpasswort")
}

func TestLoginFailureIsOneGenericAnswer(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.user("juror@kohorte.test", "Jana Jury", models.RoleJuror)
	for _, email := range []string{"juror@kohorte.test", "nobody@kohorte.test"} {
		r := s.client().post("/anmelden", url.Values{"email": {email}, "password": {"wrong password 123"}})
		expect(t, r, http.StatusUnauthorized,
			"E-Mail-Adresse oder Passwort ist falsch.",
			`value="`+email+`"`)
		if strings.Contains(r.Body, "wrong password 123") {
			t.Error("the page repeats the password")
		}
	}
}

func TestLoginFormErrorsLinkToTheFields(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	r := s.client().post("/anmelden", url.Values{"email": {"admin@kohorte.test"}})
	expect(t, r, http.StatusUnprocessableEntity,
		`<div class="error-summary" role="alert"`,
		`<a href="#password">Passwort: Bitte füllen Sie dieses Feld aus.</a>`,
		`aria-invalid="true" aria-describedby="password-error"`,
		`<p class="field-error" id="password-error">`)
}

// TestLoginThrottling: after ten failures the eleventh attempt is refused
// with 429, and so is the right password while the lock lasts.
func TestLoginThrottling(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.user("juror@kohorte.test", "Jana Jury", models.RoleJuror)
	c := s.client()
	wrong := url.Values{"email": {"juror@kohorte.test"}, "password": {"wrong password 123"}}
	for i := range 10 {
		if r := c.post("/anmelden", wrong); r.Code != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d, want 401", i+1, r.Code)
		}
	}
	for _, pw := range []string{"wrong password 123", password} {
		r := c.post("/anmelden", url.Values{"email": {"juror@kohorte.test"}, "password": {pw}})
		expect(t, r, http.StatusTooManyRequests, "Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie 15 Minuten")
		if secs, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil {
			t.Errorf("Retry-After = %q, want a number of seconds: %v", r.Header.Get("Retry-After"), err)
		} else if secs < 14*60 || secs > 15*60 {
			t.Errorf("Retry-After = %d, want about 900 seconds", secs)
		}
	}
	if c.session() != "" {
		t.Error("a throttled login opened a session")
	}
	c.lang = "en"
	expect(t, c.post("/anmelden", wrong), http.StatusTooManyRequests, "Please wait 15 minutes, then try again.")
}

func TestLogout(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	c := s.adminClient()
	r := c.post("/abmelden", nil)
	expectRedirect(t, r, "/")
	if c.session() != "" {
		t.Error("the session cookie survived the logout")
	}
	if got := r.Header.Get("Clear-Site-Data"); got != `"storage"` {
		t.Errorf("Clear-Site-Data %q, want \"storage\": a shared device keeps the jurors' copies", got)
	}
	expectRedirect(t, c.get("/passwort"), "/anmelden?next=%2Fpasswort")
	expect(t, c.get("/"), http.StatusOK, `data-nav="login"`)
}

func TestLogoutNeedsALogin(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	expectRedirect(t, s.client().post("/abmelden", nil), "/anmelden")
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	c, _ := s.loggedIn(models.RoleJuror)
	other := s.client()
	other.login("juror@kohorte.test")

	expect(t, c.get("/passwort"), http.StatusOK, `autocomplete="new-password"`, "Mindestens 10 Zeichen.")
	const newPassword = "Ein ganz neues Passwort"
	for _, tc := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"current_password": {"falsch falsch"}, "password": {newPassword}, "password_repeat": {newPassword}},
			"Aktuelles Passwort: Das ist nicht Ihr aktuelles Passwort."},
		{url.Values{"password": {newPassword}, "password_repeat": {newPassword}},
			`<a href="#current_password">Aktuelles Passwort: `},
		{url.Values{"current_password": {password}, "password": {newPassword}, "password_repeat": {"etwas anderes"}},
			"Die beiden Passwörter stimmen nicht überein."},
		{url.Values{"current_password": {password}, "password": {"kurz"}, "password_repeat": {"kurz"}},
			"Neues Passwort: Das Passwort muss mindestens 10 Zeichen lang sein."},
		{url.Values{"current_password": {password}, "password": {"password123"}, "password_repeat": {"password123"}},
			"gehört zu den am häufigsten benutzten"},
	} {
		expect(t, c.post("/passwort", tc.form), http.StatusUnprocessableEntity, tc.want)
	}

	before := c.session()
	r := c.post("/passwort", url.Values{"current_password": {password}, "password": {newPassword}, "password_repeat": {newPassword}})
	expect(t, r, http.StatusOK, "Passwort geändert")
	if c.session() == "" {
		t.Error("the password change left no session")
	} else if c.session() == before {
		t.Error("the password change did not hand out a new session")
	}
	expect(t, c.get("/passwort"), http.StatusOK)
	expectRedirect(t, other.get("/passwort"), "/anmelden?next=%2Fpasswort")
	r = s.client().post("/anmelden", url.Values{"email": {"juror@kohorte.test"}, "password": {newPassword}})
	expectRedirect(t, r, "/")
}

// TestMustChangePassword: a first admin with a generated password may only
// replace it; every other page leads there.
func TestMustChangePassword(t *testing.T) {
	t.Parallel()
	s := newEmptyStack(t)
	first, err := s.svc.Users.EnsureAdmin(context.Background(), "first@kohorte.test", "")
	if err != nil {
		t.Fatalf("EnsureAdmin: %v", err)
	}
	if first.OneTimePassword == "" {
		t.Fatalf("EnsureAdmin gave no one-time password: %+v", first)
	}
	c := s.client()
	r := c.post("/anmelden", url.Values{"email": {"first@kohorte.test"}, "password": {first.OneTimePassword}, "next": {"/benutzer"}})
	expectRedirect(t, r, "/passwort")
	page := c.get("/passwort")
	expect(t, page, http.StatusOK, "legen Sie bitte ein eigenes Passwort fest")
	// The one-time password was just typed to log in; it is not asked for again.
	if strings.Contains(page.Body, `name="current_password"`) {
		t.Error("the forced change asks for the one-time password again")
	}
	for _, path := range []string{"/benutzer", "/benutzer/1", "/protokoll", "/api-tokens"} {
		expectRedirect(t, c.get(path), "/passwort")
	}
	expectRedirect(t, c.post("/api-tokens", url.Values{"name": {"x"}, "expires_in_days": {"1"}}), "/passwort")
	if home := c.get("/"); strings.Contains(home.Body, `data-nav="users"`) {
		t.Error("the navigation offers user management before the password is changed")
	}

	r = c.post("/passwort", url.Values{"password": {password}, "password_repeat": {password}})
	expect(t, r, http.StatusOK, "Passwort geändert")
	expect(t, c.get("/benutzer"), http.StatusOK, "first@kohorte.test")
	expect(t, c.get("/passwort"), http.StatusOK, `name="current_password"`)
}

func TestSetPasswordWithLink(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	_, token := s.invite("neu@kohorte.test", "Nele Neu", models.RoleParticipant)
	c := s.client()
	link := "/passwort-setzen?token=" + url.QueryEscape(token)
	expect(t, c.get(link), http.StatusOK,
		`<input type="hidden" name="token" value="`+token+`">`,
		`<form class="form" method="post" action="/passwort-setzen" novalidate>`)

	form := url.Values{"token": {token}, "password": {"kurz"}, "password_repeat": {"kurz"}}
	expect(t, c.post("/passwort-setzen", form), http.StatusUnprocessableEntity,
		"mindestens 10 Zeichen", `name="token" value="`+token+`"`)

	form = url.Values{"token": {token}, "password": {password}, "password_repeat": {password}}
	expectRedirect(t, c.post("/passwort-setzen", form), "/")
	expect(t, c.get("/passwort"), http.StatusOK, "neu@kohorte.test")

	// The link works once.
	expect(t, s.client().post("/passwort-setzen", form), http.StatusGone, "Link ungültig oder abgelaufen", "Kursleitung")
	form.Set("token", "not-a-token")
	expect(t, s.client().post("/passwort-setzen", form), http.StatusGone, "Link ungültig oder abgelaufen")
	expect(t, s.client().get("/passwort-setzen"), http.StatusNotFound, "Link ungültig oder abgelaufen")
}

func TestForgotPasswordRevealsNothing(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	expect(t, s.client().get("/passwort-vergessen"), http.StatusOK, `autocomplete="email"`)
	var pages []string
	for _, email := range []string{"admin@kohorte.test", "nobody@kohorte.test"} {
		r := s.client().post("/passwort-vergessen", url.Values{"email": {email}})
		expect(t, r, http.StatusOK, "Wenn ein Konto mit dieser Adresse existiert, meldet sich die Kursleitung")
		pages = append(pages, r.Body)
	}
	if pages[0] != pages[1] {
		t.Error("known and unknown addresses get different pages")
	}
	expect(t, s.client().post("/passwort-vergessen", url.Values{"email": {"kein at"}}), http.StatusUnprocessableEntity,
		`<a href="#email">E-Mail-Adresse: Bitte geben Sie eine gültige E-Mail-Adresse ein`)
}

func TestCrossSiteFormIsRefused(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	c := s.client()
	c.header.Set("Sec-Fetch-Site", "cross-site")
	r := c.post("/anmelden", url.Values{"email": {"admin@kohorte.test"}, "password": {password}})
	expect(t, r, http.StatusForbidden, "Anfrage abgelehnt", "von einer anderen Website")
	if c.session() != "" {
		t.Error("a cross-site login opened a session")
	}
}

func TestServiceErrorsShowNoInternals(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	c := s.adminClient()
	expect(t, c.get("/benutzer/999999"), http.StatusNotFound, "Seite nicht gefunden")
	expect(t, c.get("/benutzer/abc"), http.StatusNotFound, "Seite nicht gefunden")
	expect(t, c.post("/api-tokens/999999/widerrufen", nil), http.StatusNotFound, "Seite nicht gefunden")
}
