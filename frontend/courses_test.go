package frontend_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"kohorte/models"
)

// courseForm is a complete, valid course form.
func courseForm(title string) []string {
	return []string{"title", title, "certificate_title", "Zertifikat " + title, "description", "Zwölf Wochen.",
		"topics", "Netzwerkarbeit\r\n\r\nFachkräftesicherung\r\n", "format", "Blended Learning", "duration_weeks", "10",
		"certificate_prefix", "nko", "min_attendance_percent", "75", "closing_required", "true", "min_jury_percent", "60",
		"issuers[0].name", "Stiftung Bildung", "issuers[0].city", "Berlin",
		"issuers[1].name", "IHK Oldenburg", "issuers[1].city", "Oldenburg",
		"signatories[0].name", "Dr. Jana Çelik", "signatories[0].function", "Geschäftsführerin"}
}

func TestCourseCreateAndEdit(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	c := s.adminClient()

	expect(t, c.get("/kurse"), http.StatusOK, "Noch keine Kurse.", `<a class="button" href="/kurse/neu">Neuer Kurs</a>`)
	expect(t, c.get("/kurse/neu"), http.StatusOK, `id="duration_weeks" name="duration_weeks" type="number" value="12"`,
		`id="min_attendance_percent" name="min_attendance_percent" type="number" value="80"`,
		`id="closing_required" name="closing_required" type="checkbox" value="true" checked`, `value="50"`)

	// Every problem is named in the summary and next to its input, and
	// the form keeps what was typed.
	bad := form("title", "", "certificate_title", "Zertifikat", "certificate_prefix", "KOH-1", "duration_weeks", "zwölf",
		"min_attendance_percent", "180", "issuers[1].name", "IHK Oldenburg")
	r := c.post("/kurse/neu", bad)
	expect(t, r, http.StatusUnprocessableEntity,
		`<a href="#duration_weeks">Dauer in Wochen: Bitte geben Sie eine ganze Zahl ein.</a>`,
		`id="duration_weeks-error"`, `value="zwölf"`, `aria-invalid="true"`)
	bad.Set("duration_weeks", "12")
	r = c.post("/kurse/neu", bad)
	expect(t, r, http.StatusUnprocessableEntity,
		`<a href="#title">Titel des Kurses: Bitte füllen Sie dieses Feld aus.</a>`,
		`<p class="field-error" id="title-error">`,
		`<a href="#certificate_prefix">Präfix der Zertifikatsnummern: Bitte verwenden Sie nur die Buchstaben A bis Z und Ziffern`,
		`<a href="#min_attendance_percent">Mindestanwesenheit in %: Bitte geben Sie eine ganze Zahl von 0 bis 100 ein.</a>`,
		// An empty issuer row before a filled one is refused, not moved.
		// The link is percent-encoded; browsers decode a fragment before
		// they look for its id.
		`<a href="#issuers%5b0%5d.name">Aussteller 1: Name: Bitte füllen Sie dieses Feld aus.</a>`,
		`value="IHK Oldenburg"`, `value="KOH-1"`)

	id := redirectID(t, c.post("/kurse/neu", form(courseForm("Netzwerkkoordinator:in (IHK)")...)), "/kurse/")
	page := fmt.Sprintf("/kurse/%d", id)
	expect(t, c.get(page+"?erledigt=angelegt"), http.StatusOK, "Der Kurs wurde angelegt.",
		"<h1>Netzwerkkoordinator:in (IHK)</h1>", "10 Wochen", `<code class="code code--plain">NKO</code>`,
		"Anwesenheit mindestens 75 %, Jurybewertung mindestens 60 %. Die Abschlusspräsenz ist Pflicht.",
		">Netzwerkarbeit\nFachkräftesicherung</textarea>", `value="Dr. Jana Çelik"`,
		"Dieser Kurs hat noch keine Kohorten.", "Stiftung Bildung", "Noch kein Logo")

	// Unchecking the closing rule and dropping the second issuer.
	edit := form(courseForm("Netzwerkkoordinator:in (IHK)")...)
	edit.Del("closing_required")
	edit.Set("issuers[1].name", "")
	edit.Set("issuers[1].city", "")
	expectRedirect(t, c.post(page, edit), page+"?erledigt=gespeichert")
	r = c.get(page + "?erledigt=gespeichert")
	expect(t, r, http.StatusOK, "Die Änderungen am Kurs wurden gespeichert.", `id="closing_required" name="closing_required" type="checkbox" value="true" aria-describedby`)
	for _, old := range []string{"Die Abschlusspräsenz ist Pflicht.", `value="IHK Oldenburg"`} {
		if strings.Contains(r.Body, old) {
			t.Errorf("the edit did not take: the page still shows %s", old)
		}
	}
	edit.Set("title", "")
	expect(t, c.post(page, edit), http.StatusUnprocessableEntity, `<a href="#title">Titel des Kurses: Bitte füllen Sie dieses Feld aus.</a>`,
		"<h1>Netzwerkkoordinator:in (IHK)</h1>")

	s.cohort(id, "Frühjahr 2023", 16)
	expect(t, c.get("/kurse"), http.StatusOK, "Netzwerkkoordinator:in (IHK)", "Blended Learning", "1 Kohorte")
	expect(t, c.get(page), http.StatusOK, `<a href="/kohorten/`, "Frühjahr 2023", "0 von 16 belegt", "Geplant")
	expect(t, c.get("/kurse/999"), http.StatusNotFound, "Seite nicht gefunden")
	expect(t, c.get("/kurse/abc"), http.StatusNotFound)

	c.lang = "en"
	expect(t, c.get(page), http.StatusOK, "Edit course", "Certificate number prefix", "Planned")
}

// png is the smallest PNG the service recognises: its signature.
var png = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 64)...)

func TestIssuerLogo(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	course := s.course("Netzwerkkoordinator:in")
	c := s.adminClient()
	page := fmt.Sprintf("/kurse/%d", course.ID)
	logo := page + "/aussteller/1/logo"

	expect(t, c.get(logo), http.StatusNotFound)
	expectRedirect(t, c.upload(logo, "logo", "logo.png", png), page+"?erledigt=logo#logos")
	r := c.get(page + "?erledigt=logo")
	expect(t, r, http.StatusOK, "Das Logo wurde gespeichert.", `<img src="`+logo+`?v=`, `alt="Logo von IHK Oldenburg"`, "Logo ersetzen")

	got := c.get(logo)
	if got.Code != http.StatusOK {
		t.Errorf("GET logo: status %d, want 200", got.Code)
	}
	if ct := got.Header.Get("Content-Type"); ct != "image/png" {
		t.Errorf("GET logo: Content-Type %q, want image/png", ct)
	}
	if got.Body != string(png) {
		t.Errorf("GET logo: %d bytes that are not the uploaded %d", len(got.Body), len(png))
	}
	req := newRequest(http.MethodGet, logo)
	req.Header.Set("If-None-Match", got.Header.Get("ETag"))
	if again := c.do(req); again.Code != http.StatusNotModified {
		t.Errorf("GET logo with its ETag: %d, want 304", again.Code)
	}

	expect(t, c.upload(logo, "logo", "logo.gif", []byte("GIF89a....")), http.StatusUnprocessableEntity,
		"Das ist kein PNG- oder JPEG-Bild.", `id="logo-1-error"`)
	expect(t, c.upload(logo, "logo", "gross.png", append(png, make([]byte, 1<<20)...)), http.StatusUnprocessableEntity,
		"Das Logo ist größer als 1 MB.")
	expect(t, c.upload(logo, "anders", "logo.png", png), http.StatusUnprocessableEntity, "Bitte wählen Sie eine Datei aus.")
	expect(t, c.upload(page+"/aussteller/4/logo", "logo", "logo.png", png), http.StatusNotFound)
	expect(t, c.upload(page+"/aussteller/2/logo", "logo", "logo.png", png), http.StatusNotFound)

	// The logo is for staff only, like the course.
	juror, _ := s.loggedIn(models.RoleJuror)
	expect(t, juror.get(logo), http.StatusForbidden, "Kein Zugriff")
	course, err := s.svc.Courses.GetCourse(context.Background(), s.admin, course.ID)
	if err != nil {
		t.Fatalf("stored logo: %v", err)
	}
	if !bytes.Equal(course.Issuers[0].Logo, png) {
		t.Errorf("stored logo: %d bytes that are not the uploaded %d", len(course.Issuers[0].Logo), len(png))
	}
}
