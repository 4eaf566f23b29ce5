package frontend_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"kohorte/models"
	"kohorte/services"
)

func TestParticipantListSearchFiltersAndPages(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	for i := range 26 {
		s.person(fmt.Sprintf("Vorname%02d", i), fmt.Sprintf("Nachname%02d", i), fmt.Sprintf("tn%02d@kohorte.test", i), "NI")
	}
	if _, err := s.svc.Participants.CreateParticipant(context.Background(), s.admin, services.ParticipantInput{
		FirstName: "Ngozi", LastName: "Okafor", Email: "ngozi@beispiel.de", NetworkType: "fachkraeftesicherung", FederalState: "SL"}); err != nil {
		t.Fatal(err)
	}
	c := s.adminClient()

	r := c.get("/teilnehmende")
	expect(t, r, http.StatusOK, "27 Personen", "Seite 1 von 2", `hx-get="/teilnehmende"`,
		`<option value="NI">Niedersachsen</option>`, `<option value="mint_region">MINT-Region</option>`,
		`<a class="pager__next" href="/teilnehmende?seite=2" rel="next">`)
	if n := strings.Count(r.Body, `<a href="/teilnehmende/`); n != 25 {
		t.Errorf("page 1 lists %d people, want 25", n)
	}
	expect(t, c.get("/teilnehmende?land=SL"), http.StatusOK, "1 Person", "Okafor, Ngozi", "Saarland", "Fachkräftesicherung")
	expect(t, c.get("/teilnehmende?netzwerk=mint_region&suche=nachname2"), http.StatusOK, "6 Personen")
	r = c.get("/teilnehmende?sortierung=-email")
	expect(t, r, http.StatusOK, `aria-sort="descending"><a class="sort" href="/teilnehmende?sortierung=email">E-Mail-Adresse</a>`)
	if !strings.Contains(r.Body, "tn25@") {
		t.Error("descending by e-mail, page 1 does not start at tn25")
	}
	if strings.Contains(r.Body, "ngozi@") {
		t.Error("descending by e-mail, page 1 reaches ngozi")
	}
	expect(t, c.get("/teilnehmende?sortierung=passwort"), http.StatusBadRequest)
	expect(t, c.get("/teilnehmende?suche=niemand"), http.StatusOK, "0 Personen", "Niemand gefunden.")

	c.lang = "en"
	expect(t, c.get("/teilnehmende?land=SL"), http.StatusOK, "1 person", "Skilled labour network", "Saarland")
}

func TestParticipantCreateEditAndCohorts(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	course := s.course("Netzwerkkoordinator:in")
	spring := s.cohort(course.ID, "Frühjahr 2023", 16)
	autumn := s.cohort(course.ID, "Herbst 2023", 16)
	other := s.person("Jürgen", "Müller", "juergen@kohorte.test", "HB")
	c := s.adminClient()

	expect(t, c.get("/teilnehmende/neu"), http.StatusOK, `<option value="">– keine Angabe –</option>`,
		`<option value="TH">Thüringen</option>`, `<option value="other">Sonstiges</option>`, `(optional)`)
	r := c.post("/teilnehmende/neu", form("first_name", " ", "last_name", "Yılmaz", "email", "ayse@", "phone", "0441/abc",
		"network_type", "Weltall"))
	expect(t, r, http.StatusUnprocessableEntity,
		`<a href="#first_name">Vorname: Bitte füllen Sie dieses Feld aus.</a>`,
		`<a href="#email">E-Mail-Adresse: Bitte geben Sie eine gültige E-Mail-Adresse ein`,
		`<a href="#phone">Telefon: Bitte verwenden Sie nur Ziffern, Leerzeichen und &#43; ( ) / -.</a>`,
		`<a href="#network_type">Netzwerk: Bitte wählen Sie ein Netzwerk aus der Liste.</a>`,
		`<p class="field-error" id="phone-error">`, `value="Yılmaz"`)
	expect(t, c.post("/teilnehmende/neu", form("first_name", "J", "last_name", "M", "email", "Juergen@Kohorte.test")),
		http.StatusUnprocessableEntity, `<a href="#email">E-Mail-Adresse: Eine andere Person hat bereits diese E-Mail-Adresse.`)

	id := redirectID(t, c.post("/teilnehmende/neu", form("first_name", "Ayşe", "last_name", "Yılmaz", "email", "Ayse@Beispiel.de",
		"organisation", "Bildungsbüro Kiel", "network_type", "other", "federal_state", "SH", "phone", "+49 431 123",
		"directory_consent", "true")), "/teilnehmende/")
	page := fmt.Sprintf("/teilnehmende/%d", id)
	expect(t, c.get(page+"?erledigt=angelegt"), http.StatusOK, "Die Person wurde angelegt.", "<h1>Ayşe Yılmaz</h1>",
		"ayse@beispiel.de", "Bildungsbüro Kiel", "Schleswig-Holstein", "Sonstiges", "&#43;49 431 123",
		"Diese Person ist in keiner Kohorte eingeschrieben.", `<option value="SH" selected>Schleswig-Holstein</option>`,
		`id="directory_consent" name="directory_consent" type="checkbox" value="true" checked`, "Zugang einrichten")

	s.enroll(spring.ID, id)
	e := s.enroll(autumn.ID, id)
	s.enroll(autumn.ID, other.ID)
	if _, err := s.svc.Enrollments.Withdraw(context.Background(), s.admin, e.ID, models.Date{}, "Elternzeit"); err != nil {
		t.Fatal(err)
	}
	r = c.get(page)
	expect(t, r, http.StatusOK, fmt.Sprintf(`<a href="/kohorten/%d">Frühjahr 2023</a>`, spring.ID),
		fmt.Sprintf(`<a href="/kohorten/%d">Herbst 2023</a>`, autumn.ID), "Grund: Elternzeit", `<tr class="row--withdrawn">`)
	if strings.Contains(r.Body, "juergen@") {
		t.Error("the page lists another person's enrollment")
	}

	expect(t, c.post(page, form("first_name", "Ayşe", "last_name", "", "email", "ayse@beispiel.de")), http.StatusUnprocessableEntity,
		`<a href="#last_name">Nachname: Bitte füllen Sie dieses Feld aus.</a>`, "<h1>Ayşe Yılmaz</h1>", "Frühjahr 2023")
	expectRedirect(t, c.post(page, form("first_name", "Ayşe", "last_name", "Yılmaz-Demir", "email", "ayse@beispiel.de",
		"federal_state", "Hamburg")), page+"?erledigt=gespeichert")
	r = c.get(page + "?erledigt=gespeichert")
	expect(t, r, http.StatusOK, "Die Änderungen wurden gespeichert.", "Ayşe Yılmaz-Demir", "Hamburg")
	if strings.Contains(r.Body, `type="checkbox" value="true" checked`) {
		t.Error("the consent stayed after it was unticked")
	}
	expect(t, c.get("/teilnehmende/999"), http.StatusNotFound)
}

func TestParticipantAccess(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	cohort := s.cohort(s.course("Netzwerkkoordinator:in").ID, "Frühjahr 2023", 16)
	p := s.person("Zoë", "Ćosić-Şahin", "zoe@beispiel.de", "NI")
	s.enroll(cohort.ID, p.ID)
	c := s.adminClient()
	page := fmt.Sprintf("/teilnehmende/%d", p.ID)

	r := c.post(page+"/zugang", nil)
	expect(t, r, http.StatusOK, "Zugang eingerichtet", `readonly value="`+origin+`/passwort-setzen?token=`)
	link := regexp.MustCompile(`value="http://kohorte\.test(/passwort-setzen\?token=[^"]+)"`).FindStringSubmatch(r.Body)
	if link == nil {
		t.Fatal("no link on the page")
	}
	r = c.get(page)
	expect(t, r, http.StatusOK, "Diese Person hat einen Zugang.", "Zum Benutzerkonto")
	if strings.Contains(r.Body, "/passwort-setzen?token=") {
		t.Error("the link is shown a second time")
	}

	// The person sets a password and sees their own cohort.
	token, _ := url.QueryUnescape(strings.TrimPrefix(strings.ReplaceAll(link[1], "&amp;", "&"), "/passwort-setzen?token="))
	zoe := s.client()
	expectRedirect(t, zoe.post("/passwort-setzen", form("token", token, "password", password, "password_repeat", password)), "/")
	r = zoe.get("/")
	expect(t, r, http.StatusOK, `<a href="/meine-kurse" data-nav="my-courses">Meine Kurse</a>`)
	expect(t, zoe.get("/meine-kurse"), http.StatusOK, "Meine Kurse", "Netzwerkkoordinator:in", "<h2>Frühjahr 2023</h2>",
		"01.03.2023 – "+today().AddDays(365).German(), "IHK Oldenburg", `<span class="badge badge--enrolled">Eingeschrieben</span>`)
	expect(t, zoe.get(fmt.Sprintf("/kohorten/%d", cohort.ID)), http.StatusForbidden, "Kein Zugriff")

	// With the account in use, a second one, from a page that is out of
	// date, is refused with a reason.
	r = c.post(page+"/zugang", nil)
	expect(t, r, http.StatusConflict, "Zu dieser E-Mail-Adresse gibt es schon ein Konto, das benutzt wird.",
		"Diese Person hat einen Zugang.")
	if strings.Contains(r.Body, "/passwort-setzen?token=") {
		t.Error("a second link was made for an account in use")
	}

	// A participant without enrollments sees a friendly empty page.
	other, _ := s.loggedIn(models.RoleParticipant)
	expect(t, other.get("/meine-kurse"), http.StatusOK, "Sie sind noch in keine Kohorte eingeschrieben.")
	other.lang = "en"
	expect(t, other.get("/meine-kurse"), http.StatusOK, "My courses", "You are not enrolled in any cohort yet.")
}

func TestAccountForAStaffAddressIsRefused(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.user("chef@kohorte.test", "Chefin", models.RoleStaff)
	p := s.person("Chefin", "Selbst", "chef@kohorte.test", "")
	c := s.adminClient()
	expect(t, c.post(fmt.Sprintf("/teilnehmende/%d/zugang", p.ID), nil), http.StatusConflict,
		"Zu dieser E-Mail-Adresse gibt es schon ein Konto")
}

// statisticsExample is the worked example of the statistics: Zoë (NI) in
// spring and autumn, Jürgen (HB) in spring, Ayşe (no state) withdrawn
// from autumn. It returns the autumn cohort.
func (s *stack) statisticsExample() models.Cohort {
	s.t.Helper()
	course := s.course("Netzwerkkoordinator:in")
	spring := s.cohort(course.ID, "Frühjahr 2023", 16)
	autumn := s.cohort(course.ID, "Herbst 2023", 16)
	zoe := s.person("Zoë", "Ćosić-Şahin", "zoe@beispiel.de", "NI")
	s.enroll(spring.ID, zoe.ID)
	s.enroll(autumn.ID, zoe.ID)
	s.enroll(spring.ID, s.person("Jürgen", "Müller", "juergen@beispiel.de", "HB").ID)
	e := s.enroll(autumn.ID, s.person("Ayşe", "Yılmaz", "ayse@beispiel.de", "").ID)
	if _, err := s.svc.Enrollments.Withdraw(context.Background(), s.admin, e.ID, models.Date{}, ""); err != nil {
		s.t.Fatal(err)
	}
	return autumn
}

func TestStatisticsPage(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	autumn := s.statisticsExample()
	c := s.adminClient()

	// By hand: four enrollments started, three hold a place, three people
	// from two states; NI is 2 of 4 = 50 %.
	r := c.get("/statistik")
	expect(t, r, http.StatusOK, "Alle Kohorten zusammen.")
	page := collapse(r.Body)
	for _, want := range []string{
		"<dt>Begonnen</dt><dd>4</dd>", "<dt>Mit Platz</dt><dd>3</dd>", "<dt>Personen</dt><dd>3</dd>", "<dt>Bundesländer</dt><dd>2</dd>",
		"Alle Einschreibungen jedes Status, auch Ausgetretene.",
		`<th scope="row">Eingeschrieben<span class="hint">hat einen Platz; die Kohorte läuft oder ist noch nicht ausgewertet</span></th><td class="num" data-label="Einschreibungen">3</td><td class="num" data-label="Anteil an allen Begonnenen">75,0` + "\u00a0%</td>",
		"<caption>Nach Bundesland und Status</caption>",
		`<th scope="row">Niedersachsen</th><td class="num" data-label="Eingeschrieben">2</td><td class="num" data-label="Abgeschlossen">0</td><td class="num" data-label="Nicht bestanden">0</td><td class="num" data-label="Ausgetreten">0</td><td class="num" data-label="Begonnen">2</td><td class="num" data-label="Anteil an allen Begonnenen">50,0` + "\u00a0%</td>",
		`<th scope="row"><span class="muted">ohne Angabe</span></th><td class="num" data-label="Eingeschrieben">0</td><td class="num" data-label="Abgeschlossen">0</td><td class="num" data-label="Nicht bestanden">0</td><td class="num" data-label="Ausgetreten">1</td><td class="num" data-label="Begonnen">1</td><td class="num" data-label="Anteil an allen Begonnenen">25,0` + "\u00a0%</td>",
		`<th scope="row">Summe</th><td class="num" data-label="Eingeschrieben">3</td><td class="num" data-label="Abgeschlossen">0</td><td class="num" data-label="Nicht bestanden">0</td><td class="num" data-label="Ausgetreten">1</td><td class="num" data-label="Begonnen">4</td>`,
		`<a href="/statistik/export.csv" download>`, `<a href="/statistik/export.xlsx" download>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the statistics lack %s", want)
		}
	}
	r = c.get(fmt.Sprintf("/statistik?kohorte=%d", autumn.ID))
	expect(t, r, http.StatusOK, "Die Kohorte „Herbst 2023“", fmt.Sprintf(`href="/statistik/export.csv?kohorte=%d"`, autumn.ID),
		fmt.Sprintf(`<option value="%d" selected>Herbst 2023 · Netzwerkkoordinator:in</option>`, autumn.ID))
	page = collapse(r.Body)
	for _, want := range []string{"<dt>Begonnen</dt><dd>2</dd>", "<dt>Mit Platz</dt><dd>1</dd>", "<dt>Personen</dt><dd>2</dd>", "<dt>Bundesländer</dt><dd>1</dd>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the autumn cohort lacks %s", want)
		}
	}
	if strings.Contains(r.Body, "Bremen</th>") {
		t.Error("the autumn cohort counts Bremen")
	}
	expect(t, c.get("/statistik?kohorte=999"), http.StatusNotFound)
	expect(t, c.get("/statistik?kohorte=x"), http.StatusBadRequest)
	c.lang = "en"
	expect(t, c.get("/statistik"), http.StatusOK, "By federal state and status", "Holding a place", "75.0%",
		"Distinct persons among those who started.")
}

// collapse drops the white space between tags, so that a test can look for
// a table row whatever the template's indentation.
func collapse(html string) string {
	return regexp.MustCompile(`>\s+<`).ReplaceAllString(html, "><")
}

// TestStatisticsDownloads pins the files of the statistics page: the same
// numbers as the page, worked out by hand as in TestStatisticsPage, as
// German Excel reads CSV, and as a workbook with numbers in number cells.
func TestStatisticsDownloads(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	autumn := s.statisticsExample()
	c := s.adminClient()

	r := c.get("/statistik/export.csv")
	expect(t, r, http.StatusOK)
	want := "\ufeffAufschlüsselung;Wert;Eingeschrieben;Abgeschlossen;Nicht bestanden;Ausgetreten;Begonnen (alle Status);Anteil an allen Begonnenen (%);Verschiedene Personen;Bundesländer\r\n" +
		"Gesamt;Alle Kohorten;3;0;0;1;4;100,0;3;2\r\n" +
		"Bundesland;Niedersachsen;2;0;0;0;2;50,0;;\r\n" +
		"Bundesland;Bremen;1;0;0;0;1;25,0;;\r\n" +
		"Bundesland;ohne Angabe;0;0;0;1;1;25,0;;\r\n" +
		"Netzwerk;MINT-Region;3;0;0;1;4;100,0;;\r\n"
	if r.Body != want {
		t.Errorf("CSV:\n%q\nwant\n%q", r.Body, want)
	}
	if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if got := r.Header.Get("Content-Disposition"); !strings.Contains(got, `filename="kohorte-statistik-alle-kohorten.csv"`) {
		t.Errorf("Content-Disposition %q", got)
	}

	r = c.get(fmt.Sprintf("/statistik/export.xlsx?kohorte=%d", autumn.ID))
	expect(t, r, http.StatusOK)
	f, err := excelize.OpenReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows("Statistik")
	if err != nil {
		t.Fatal(err)
	}
	wantRows := [][]string{
		{"Aufschlüsselung", "Wert", "Eingeschrieben", "Abgeschlossen", "Nicht bestanden", "Ausgetreten", "Begonnen (alle Status)", "Anteil an allen Begonnenen (%)", "Verschiedene Personen", "Bundesländer"},
		{"Gesamt", "Herbst 2023", "1", "0", "0", "1", "2", "100.0", "2", "1"},
		{"Bundesland", "Niedersachsen", "1", "0", "0", "0", "1", "50.0"},
		{"Bundesland", "ohne Angabe", "0", "0", "0", "1", "1", "50.0"},
		{"Netzwerk", "MINT-Region", "1", "0", "0", "1", "2", "100.0"},
	}
	if diff := cmp.Diff(wantRows, rows); diff != "" {
		t.Errorf("XLSX rows (-want +got):\n%s", diff)
	}
	if typ, _ := f.GetCellType("Statistik", "G2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("started is a %v cell, want a number", typ)
	}

	c.lang = "en"
	r = c.get("/statistik/export.csv")
	if !strings.HasPrefix(r.Body, "\ufeffBreakdown;Value;Enrolled;Completed;Not passed;Withdrawn;Started (any status);Share of all who started (%);Distinct people;Federal states\r\nTotal;All cohorts;3;0;0;1;4;100.0;3;2\r\n") {
		t.Errorf("English CSV:\n%q", r.Body)
	}
	expect(t, c.get("/statistik/export.csv?kohorte=999"), http.StatusNotFound)
	expect(t, c.get("/statistik/export.xlsx?kohorte=x"), http.StatusBadRequest)
}

// A region keeps thousands of cohorts: the statistics page offers the 100
// newest to choose from and says where the older ones' figures are; an
// older one chosen by its link is still shown and selected.
func TestStatisticsPageOffersTheNewestCohorts(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	course := s.course("Netzwerkkoordinator:in")
	oldest := s.cohort(course.ID, "Kohorte 000", 16)
	for i := 1; i <= 100; i++ {
		s.cohort(course.ID, fmt.Sprintf("Kohorte %03d", i), 16)
	}
	c := s.adminClient()
	r := c.get("/statistik")
	expect(t, r, http.StatusOK, "Kohorte 100 · Netzwerkkoordinator:in", "Kohorte 001 · Netzwerkkoordinator:in",
		"Zur Wahl stehen die 100 neuesten Kohorten; die Zahlen einer älteren zeigt ihre Seite unter „Kohorten“.")
	if n := strings.Count(r.Body, "<option "); n != 101 || strings.Contains(r.Body, "Kohorte 000") {
		t.Errorf("%d choices (want all cohorts together and the 100 newest), the oldest offered: %v", n, strings.Contains(r.Body, "Kohorte 000"))
	}
	r = c.get(fmt.Sprintf("/statistik?kohorte=%d", oldest.ID))
	expect(t, r, http.StatusOK, "Die Kohorte „Kohorte 000“",
		fmt.Sprintf(`<option value="%d" selected>Kohorte 000 · Netzwerkkoordinator:in</option>`, oldest.ID))
}
