package frontend_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"kohorte/models"
	"kohorte/services"
)

// staffRoutes are every staff page and form, with a valid object where the
// path needs one.
func staffRoutes(userID uint) []struct{ method, path string } {
	u := fmt.Sprint(userID)
	return []struct{ method, path string }{
		{http.MethodGet, "/benutzer"},
		{http.MethodGet, "/benutzer/einladen"},
		{http.MethodPost, "/benutzer/einladen"},
		{http.MethodGet, "/benutzer/" + u},
		{http.MethodPost, "/benutzer/" + u + "/rolle"},
		{http.MethodPost, "/benutzer/" + u + "/status"},
		{http.MethodPost, "/benutzer/" + u + "/passwort-link"},
		{http.MethodGet, "/protokoll"},
		{http.MethodGet, "/api-tokens"},
		{http.MethodPost, "/api-tokens"},
		{http.MethodPost, "/api-tokens/1/widerrufen"},
		{http.MethodPost, "/api-tokens/alle-widerrufen"},
		{http.MethodGet, "/statistik/export.csv"},
		{http.MethodGet, "/statistik/export.xlsx"},
		{http.MethodGet, "/import-vorlage.csv"},
		{http.MethodGet, "/import-vorlage.xlsx"},
	}
}

func send(c *client, method, path string) response {
	if method == http.MethodPost {
		return c.post(path, url.Values{"role": {"admin"}, "status": {"disabled"}, "name": {"x"}, "expires_in_days": {"1"},
			"email": {"x@kohorte.test"}, "display_name": {"X"}})
	}
	return c.get(path)
}

// TestStaffPagesAreClosedToOthers: without a login every staff route leads
// to the login page, and jurors and participants are refused, with nothing
// changed.
func TestStaffPagesAreClosedToOthers(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	juror, ju := s.loggedIn(models.RoleJuror)
	participant, _ := s.loggedIn(models.RoleParticipant)
	for _, rt := range staffRoutes(ju.ID) {
		r := send(s.client(), rt.method, rt.path)
		want := "/anmelden?next=" + url.QueryEscape(rt.path)
		if rt.method == http.MethodPost {
			want = "/anmelden"
		}
		if r.Code != http.StatusSeeOther {
			t.Errorf("anonymous %s %s: status %d, want 303", rt.method, rt.path, r.Code)
		}
		if got := r.Header.Get("Location"); got != want {
			t.Errorf("anonymous %s %s: Location %q, want %q", rt.method, rt.path, got, want)
		}
		for name, c := range map[string]*client{"juror": juror, "participant": participant} {
			r := send(c, rt.method, rt.path)
			if r.Code != http.StatusForbidden {
				t.Errorf("%s %s %s: status %d, want 403", name, rt.method, rt.path, r.Code)
			}
			if !strings.Contains(r.Body, "Kein Zugriff") {
				t.Errorf("%s %s %s: not the refusal page", name, rt.method, rt.path)
			}
		}
	}
	// The juror still is a juror and still logged in.
	u, err := s.svc.Users.GetUser(context.Background(), s.admin, ju.ID)
	if err != nil {
		t.Errorf("juror after the refused requests: %v", err)
	} else {
		if u.Role != models.RoleJuror {
			t.Errorf("juror after the refused requests has role %s", u.Role)
		}
		if u.Status != models.UserActive {
			t.Errorf("juror after the refused requests is %s, want active", u.Status)
		}
	}
	expect(t, juror.get("/passwort"), http.StatusOK)
}

func TestUserListSearchFilterAndPages(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	for i := range 27 {
		s.invite(fmt.Sprintf("tn%02d@kohorte.test", i), fmt.Sprintf("Teilnehmerin %02d", i), models.RoleParticipant)
	}
	s.invite("jury@kohorte.test", "Jonas Jury", models.RoleJuror)
	c := s.adminClient()

	r := c.get("/benutzer")
	expect(t, r, http.StatusOK, "29 Konten", "Seite 1 von 2",
		`<a class="pager__next" href="/benutzer?seite=2" rel="next">`,
		`<label for="suche">Name oder E-Mail-Adresse</label>`, `hx-get="/benutzer"`)
	if n := strings.Count(r.Body, `<a href="/benutzer/`); n != 25 {
		t.Errorf("page 1 lists %d users, want 25", n)
	}
	expect(t, c.get("/benutzer?rolle=participant&seite=2"), http.StatusOK, "27 Konten", "Seite 2 von 2",
		`<a class="pager__prev" href="/benutzer?rolle=participant" rel="prev">`, "Teilnehmerin 26")
	r = c.get("/benutzer?suche=JURY")
	expect(t, r, http.StatusOK, "1 Konto", "Jonas Jury", "Eingeladen")
	if strings.Contains(r.Body, "Teilnehmerin") {
		t.Error("the search for JURY lists participants")
	}
	expect(t, c.get("/benutzer?status=disabled"), http.StatusOK, "0 Konten", "Keine Konten gefunden")
	expect(t, c.get("/benutzer?seite=abc"), http.StatusBadRequest)
}

func TestInviteShowsTheLinkOnce(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	c := s.adminClient()
	expect(t, c.get("/benutzer/einladen"), http.StatusOK,
		`<option value="admin">Administrator:in</option>`, `<option value="participant" selected>Teilnehmer:in</option>`)

	r := c.post("/benutzer/einladen", url.Values{"email": {"Maria@Beispiel.de"}, "display_name": {"Maria Muster"}, "role": {"juror"}})
	expires := time.Now().Add(14 * 24 * time.Hour).In(berlin(t)).Format("02.01.2006")
	expect(t, r, http.StatusOK, "Einladung erstellt", "Maria Muster (maria@beispiel.de) ist als Jurymitglied eingeladen",
		`readonly value="`+origin+`/passwort-setzen?token=`, "Gültig bis "+expires)

	link := regexp.MustCompile(`value="http://kohorte\.test(/passwort-setzen\?token=[^"]+)"`).FindStringSubmatch(r.Body)
	if link == nil {
		t.Fatal("no link on the page")
	}
	token, _ := url.QueryUnescape(strings.TrimPrefix(link[1], "/passwort-setzen?token="))
	invitee := s.client()
	expect(t, invitee.get(link[1]), http.StatusOK, "Passwort festlegen")
	expectRedirect(t, invitee.post("/passwort-setzen", url.Values{"token": {token}, "password": {password}, "password_repeat": {password}}), "/")
	expect(t, invitee.get("/"), http.StatusOK, "maria@beispiel.de")
}

func TestInviteFormErrors(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.user("vergeben@kohorte.test", "Vera Vergeben", models.RoleParticipant)
	c := s.adminClient()
	expect(t, c.post("/benutzer/einladen", url.Values{"email": {"kein at"}, "display_name": {""}, "role": {"juror"}}),
		http.StatusUnprocessableEntity,
		`<a href="#display_name">Name: Bitte füllen Sie dieses Feld aus.</a>`, `value="kein at"`)
	expect(t, c.post("/benutzer/einladen", url.Values{"email": {"kein at"}, "display_name": {"Kim"}, "role": {"juror"}}),
		http.StatusUnprocessableEntity, `<a href="#email">E-Mail-Adresse: Bitte geben Sie eine gültige E-Mail-Adresse ein`)
	expect(t, c.post("/benutzer/einladen", url.Values{"email": {"vergeben@kohorte.test"}, "display_name": {"Vera"}, "role": {"juror"}}),
		http.StatusConflict, "Für diese E-Mail-Adresse gibt es bereits ein Konto.")
}

func TestStaffInvitesOnlyJurorsAndParticipants(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	c, _ := s.loggedIn(models.RoleStaff)
	r := c.get("/benutzer/einladen")
	expect(t, r, http.StatusOK, `<option value="juror">`, `<option value="participant" selected>`)
	for _, role := range []string{"admin", "staff"} {
		if strings.Contains(r.Body, `value="`+role+`"`) {
			t.Errorf("staff are offered to invite %s", role)
		}
	}
	expect(t, c.post("/benutzer/einladen", url.Values{"email": {"boss@kohorte.test"}, "display_name": {"Boss"}, "role": {"admin"}}),
		http.StatusForbidden, "Kein Zugriff")
}

func TestChangeRoleAndDisable(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	juror, ju := s.loggedIn(models.RoleJuror)
	c := s.adminClient()
	page := fmt.Sprintf("/benutzer/%d", ju.ID)

	expect(t, c.get(page), http.StatusOK, "Test juror", "juror@kohorte.test", `<option value="juror" selected>Jurymitglied</option>`)
	expectRedirect(t, c.post(page+"/rolle", url.Values{"role": {"participant"}}), page+"?erledigt=rolle")
	expect(t, c.get(page+"?erledigt=rolle"), http.StatusOK, "Die Rolle wurde geändert.", `<option value="participant" selected>`)
	expectRedirect(t, juror.get("/passwort"), "/anmelden?next=%2Fpasswort")

	juror.login("juror@kohorte.test")
	expectRedirect(t, c.post(page+"/status", url.Values{"status": {"disabled"}}), page+"?erledigt=status")
	expect(t, c.get(page), http.StatusOK, "Gesperrt", "Wieder freischalten", "Für ein gesperrtes Konto")
	expectRedirect(t, juror.get("/passwort"), "/anmelden?next=%2Fpasswort")
	expect(t, juror.post("/anmelden", url.Values{"email": {"juror@kohorte.test"}, "password": {password}}), http.StatusUnauthorized)
	expect(t, c.post(page+"/passwort-link", nil), http.StatusConflict, "Das Konto ist gesperrt.")

	expectRedirect(t, c.post(page+"/status", url.Values{"status": {"active"}}), page+"?erledigt=status")
	juror.login("juror@kohorte.test")

	expect(t, c.post(page+"/status", url.Values{"status": {"verschwunden"}}), http.StatusBadRequest)
	expect(t, c.post(page+"/rolle", url.Values{"role": {"kaiser"}}), http.StatusUnprocessableEntity, "Bitte wählen Sie eine Rolle aus der Liste.")
}

func TestTheLastAdminStays(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	c := s.adminClient()
	page := fmt.Sprintf("/benutzer/%d", s.admin.UserID)
	r := c.get(page)
	expect(t, r, http.StatusOK, "Ihr eigenes Konto können Sie nicht sperren.")
	if strings.Contains(r.Body, "Konto sperren</button>") {
		t.Error("the admin is offered to disable their own account")
	}
	expect(t, c.post(page+"/status", url.Values{"status": {"disabled"}}), http.StatusConflict, "Ihr eigenes Konto können Sie nicht sperren.")
	expect(t, c.post(page+"/rolle", url.Values{"role": {"staff"}}), http.StatusConflict,
		"Es muss immer mindestens ein aktives Konto mit der Rolle Administrator:in geben.")
}

func TestStaffCannotChangeAdmins(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	c, _ := s.loggedIn(models.RoleStaff)
	page := fmt.Sprintf("/benutzer/%d", s.admin.UserID)
	r := c.get(page)
	expect(t, r, http.StatusOK, "Nur Administrator:innen können")
	if strings.Contains(r.Body, `action="`+page+`/rolle"`) {
		t.Error("staff are offered to change an admin's role")
	}
	for _, path := range []string{"/rolle", "/status", "/passwort-link"} {
		expect(t, c.post(page+path, url.Values{"role": {"juror"}, "status": {"disabled"}}), http.StatusForbidden, "Kein Zugriff")
	}
}

func TestPasswordLinkForAUser(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	u := s.user("tn@kohorte.test", "Toni Teilnehmer", models.RoleParticipant)
	c := s.adminClient()
	r := c.post(fmt.Sprintf("/benutzer/%d/passwort-link", u.ID), nil)
	expires := time.Now().Add(24 * time.Hour).In(berlin(t)).Format("02.01.2006")
	expect(t, r, http.StatusOK, "Neuer Passwort-Link", origin+"/passwort-setzen?token=", "Gültig bis "+expires)
	if again := c.get(fmt.Sprintf("/benutzer/%d", u.ID)); strings.Contains(again.Body, "/passwort-setzen?token=") {
		t.Error("the link is shown a second time")
	}
}

func berlin(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestAuditLogListsLogins(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.client().post("/anmelden", url.Values{"email": {"admin@kohorte.test"}, "password": {"falsch und falsch"}})
	c := s.adminClient()
	s.invite("tn@kohorte.test", "Toni", models.RoleParticipant)

	r := c.get("/protokoll?aktion=login.*")
	expect(t, r, http.StatusOK, "Anmeldung fehlgeschlagen", "<code class=\"code\">login.failed</code>",
		"<code class=\"code\">login.succeeded</code>", "192.0.2.1", "admin@kohorte.test",
		`<li><span class="changes__field">E-Mail:</span> admin@kohorte.test</li>`)
	if !regexp.MustCompile(`<td data-label="Zeit" class="nowrap">\d\d\.\d\d\.\d{4} \d\d:\d\d</td>`).MatchString(r.Body) {
		t.Error("no time in the form 21.11.2026 09:15")
	}
	if strings.Contains(r.Body, "user.invited") {
		t.Error("the filter login.* lets user.invited through")
	}
	first := strings.Index(r.Body, "login.succeeded</code>")
	if failed := strings.Index(r.Body, "login.failed</code>"); failed < first {
		t.Error("the log is not newest first")
	}
	expect(t, c.get("/protokoll?objekttyp=user"), http.StatusOK, "Eingeladen", `<a href="/benutzer/`)
	c.lang = "en"
	expect(t, c.get("/protokoll"), http.StatusOK, "Failed login", "Audit log")
}

func TestAPITokenIsShownOnce(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	c, _ := s.loggedIn(models.RoleStaff)
	expect(t, c.get("/api-tokens"), http.StatusOK, "Sie haben noch keine Tokens.", `value="90"`)

	r := c.post("/api-tokens", url.Values{"name": {"Website"}, "expires_in_days": {"30"}, "current_password": {password}})
	expect(t, r, http.StatusOK, "Token „Website“ erstellt", `id="new-token" class="copy__field" type="text" readonly value="koh_`)
	token := regexp.MustCompile(`value="(koh_[^"]+)"`).FindStringSubmatch(r.Body)[1]

	r = c.get("/api-tokens")
	expect(t, r, http.StatusOK, "Website", token[:12]+"…", "Gültig")
	if strings.Contains(r.Body, token) {
		t.Error("the token is shown a second time")
	}

	req, _ := http.NewRequest(http.MethodGet, origin+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if me := c.do(req); me.Code != http.StatusOK {
		t.Errorf("GET /api/v1/me with the new token: %d", me.Code)
	}

	id := regexp.MustCompile(`action="/api-tokens/(\d+)/widerrufen"`).FindStringSubmatch(r.Body)[1]
	expectRedirect(t, c.post("/api-tokens/"+id+"/widerrufen", nil), "/api-tokens?erledigt=widerrufen")
	expect(t, c.get("/api-tokens?erledigt=widerrufen"), http.StatusOK, "Das Token wurde widerrufen", "Widerrufen</span>")

	expect(t, c.post("/api-tokens", url.Values{"name": {""}, "expires_in_days": {"400"}, "current_password": {password}}), http.StatusUnprocessableEntity,
		`<a href="#name">Bezeichnung: Bitte geben Sie eine Bezeichnung mit 1 bis 100 Zeichen ein.</a>`,
		`<a href="#expires_in_days">Gültigkeit in Tagen: Bitte geben Sie eine Zahl von 1 bis 366 ein.</a>`)
	expect(t, c.post("/api-tokens", url.Values{"name": {"CRM"}, "expires_in_days": {"400"}, "current_password": {password}}), http.StatusUnprocessableEntity,
		"Bitte geben Sie eine Zahl von 1 bis 366 ein.", `value="CRM"`)
}

func TestCreatingATokenAsksForThePasswordAndAllCanBeRevokedFromThePasswordPage(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	c, _ := s.loggedIn(models.RoleStaff)

	r := c.post("/api-tokens", url.Values{"name": {"Website"}, "expires_in_days": {"30"}, "current_password": {"geraten"}})
	expect(t, r, http.StatusUnprocessableEntity,
		`<a href="#current_password">Aktuelles Passwort: Das ist nicht Ihr aktuelles Passwort.</a>`, `value="Website"`)
	if strings.Contains(r.Body, `value="geraten"`) {
		t.Error("the form shows the wrong password again")
	}
	expect(t, c.get("/api-tokens"), http.StatusOK, "Sie haben noch keine Tokens.")

	for _, name := range []string{"Website", "CRM"} {
		r := c.post("/api-tokens", url.Values{"name": {name}, "expires_in_days": {"30"}, "current_password": {password}})
		expect(t, r, http.StatusOK, "Token „"+name+"“ erstellt")
	}
	expect(t, c.get("/passwort"), http.StatusOK, "Ihre API-Tokens", "Website", "CRM", "Alle Tokens widerrufen")

	expectRedirect(t, c.post("/api-tokens/alle-widerrufen", url.Values{"zurueck": {"passwort"}}),
		"/passwort?erledigt=alle-widerrufen&anzahl=2")
	r = c.get("/passwort?erledigt=alle-widerrufen&anzahl=2")
	expect(t, r, http.StatusOK, "2 Tokens widerrufen.")
	if strings.Contains(r.Body, "Alle Tokens widerrufen") {
		t.Error("the password page still offers to revoke all after every token was revoked")
	}
	if r := c.get("/api-tokens"); strings.Contains(r.Body, `<span class="badge">`) || strings.Count(r.Body, "Widerrufen</span>") != 2 {
		t.Error("a token is still valid after revoking all")
	}
	expectRedirect(t, c.post("/api-tokens/alle-widerrufen", nil), "/api-tokens?erledigt=alle-widerrufen&anzahl=0")
	c.lang = "en"
	expect(t, c.get("/api-tokens?erledigt=alle-widerrufen&anzahl=0"), http.StatusOK, "0 tokens revoked")
}

func TestOthersTokensCannotBeRevokedByStaff(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	tok, err := s.svc.Tokens.CreateAPIToken(context.Background(), s.admin, services.APITokenRequest{Name: "Admin", Days: 10, CurrentPassword: password})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := s.loggedIn(models.RoleStaff)
	expect(t, c.post(fmt.Sprintf("/api-tokens/%d/widerrufen", tok.ID), nil), http.StatusNotFound)
	tokens, err := s.svc.Tokens.ListAPITokens(context.Background(), s.admin)
	if err != nil {
		t.Fatalf("the admin's tokens after staff tried to revoke one: %v", err)
	}
	if len(tokens) != 1 {
		t.Fatalf("the admin has %d tokens after staff tried to revoke one, want 1: %+v", len(tokens), tokens)
	}
	if tokens[0].RevokedAt != nil {
		t.Errorf("staff revoked the admin's token: %+v", tokens[0])
	}
}
