package frontend_test

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kohorte/models"
	"kohorte/services"
)

// goodCSV is a list as a course office keeps it in German Excel: ';',
// German headers, a column Kohorte does not know.
const goodCSV = "Vorname;Nachname;E-Mail;Organisation;Netzwerk;Bundesland;Bemerkung\r\n" +
	"Zoë;Ćosić-Şahin;zoe@beispiel.de;MINT-Region Oldenburg;MINT-Region;NI;kommt später\r\n" +
	"Jürgen;Müller;JUERGEN@beispiel.de;Wirtschaftsförderung Bremen;Fachkräftesicherung;Bremen;\r\n"

// badCSV mixes good rows with a wrong address, a missing last name, an
// unknown state and a duplicate.
const badCSV = "Vorname;Nachname;E-Mail;Bundesland\r\n" +
	"Zoë;Ćosić-Şahin;zoe@beispiel.de;NI\r\n" +
	"Ayşe;Yılmaz;kein-at;HH\r\n" +
	"Mateusz;;mateusz@beispiel.de;Bayern\r\n" +
	"Søren;Østergaard;soeren@beispiel.de;Atlantis\r\n" +
	"Zoe;Cosic;ZOE@beispiel.de;NI\r\n"

func TestImportPreviewShowsEveryProblemAndImportsNothing(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	cohort := s.cohort(s.course("Netzwerkkoordinator:in").ID, "Frühjahr 2023", 16)
	c := s.adminClient()
	page := fmt.Sprintf("/kohorten/%d/import", cohort.ID)

	expect(t, c.get(page), http.StatusOK, "Liste importieren", `accept=".csv,.xlsx,`, "höchstens 5 MB",
		"Windows-1252", "UTF-8 (mit oder ohne BOM)", "Semikolon, Komma oder Tabulator", "<th scope=\"row\">Vorname</th>",
		`formaction="`+page+`/vorschau"`, `hx-post="`+page+`/vorschau"`, `hx-encoding="multipart/form-data"`)

	r := c.upload(page+"/vorschau", "datei", "liste.csv", []byte(badCSV))
	expect(t, r, http.StatusOK, "Vorschau", "liste.csv", "CSV · UTF-8 · getrennt durch Semikolon",
		"4 Zeilen haben Fehler.",
		"Zeile 3, Spalte „E-Mail“: „kein-at“ ist keine gültige E-Mail-Adresse.",
		"Zeile 4, Spalte „Nachname“: Pflichtangabe fehlt.",
		"Zeile 5, Spalte „Bundesland“: „Atlantis“ ist kein deutsches Bundesland.",
		"Zeile 6, Spalte „E-Mail“: „zoe@beispiel.de“ steht schon in Zeile 2",
		`<span class="badge badge--outcome-new">Neu</span>`, `<span class="badge badge--outcome-error">Fehler</span>`,
		"Ćosić-Şahin, Zoë", "Niedersachsen")
	if strings.Contains(r.Body, "Alles in Ordnung") {
		t.Error("a list with errors is offered for import")
	}
	r = c.upload(page, "datei", "liste.csv", []byte(badCSV))
	expect(t, r, http.StatusUnprocessableEntity, "Import abgelehnt", "Es wurde nichts importiert.",
		"Zeile 3, Spalte „E-Mail“: „kein-at“ ist keine gültige E-Mail-Adresse.")
	if n := s.participantCount(); n != 0 {
		t.Fatalf("%d participants after a refused import, want 0", n)
	}

	// A good list: without JavaScript the preview asks for the file again;
	// through htmx the file stays chosen and the button submits it.
	r = c.upload(page+"/vorschau", "datei", "liste.csv", []byte(goodCSV))
	expect(t, r, http.StatusOK, "Alles in Ordnung: 2 Personen werden eingeschrieben. Wählen Sie oben dieselbe Datei",
		"Erkannte Spalten: „Vorname“, „Nachname“, „E-Mail“, „Organisation“, „Netzwerk“, „Bundesland“. Ignoriert: „Bemerkung“.",
		"Fachkräftesicherung", "Bremen")
	c.header.Set("HX-Request", "true")
	expect(t, c.upload(page+"/vorschau", "datei", "liste.csv", []byte(goodCSV)), http.StatusOK,
		"Alles in Ordnung: 2 Personen werden eingeschrieben.", `<button class="button" type="submit" form="import-form">Importieren</button>`)
	c.header.Del("HX-Request")
	if n := s.participantCount(); n != 0 {
		t.Fatalf("%d participants after previews, want 0", n)
	}

	r = c.upload(page, "datei", "liste.csv", []byte(goodCSV))
	expectRedirect(t, r, fmt.Sprintf("/kohorten/%d?erledigt=import&neu=2&eingeschrieben=2&uebersprungen=0", cohort.ID))
	expect(t, c.get(r.Header.Get("Location")), http.StatusOK,
		"Import abgeschlossen: 2 Personen eingeschrieben, davon 2 neu angelegt. 0 übersprungen", "Müller, Jürgen", "juergen@beispiel.de")

	// Again: both are known and enrolled, so nothing changes.
	expect(t, c.upload(page+"/vorschau", "datei", "liste.csv", []byte(goodCSV)), http.StatusOK,
		`<span class="badge badge--outcome-already_enrolled">Schon eingeschrieben</span>`, "Alles in Ordnung: 0 Personen")
}

func TestImportXLSX(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	cohort := s.cohort(s.course("Netzwerkkoordinator:in").ID, "Frühjahr 2023", 16)
	known := s.person("Søren", "Østergaard", "soeren@beispiel.de", "SH")
	c := s.adminClient()
	page := fmt.Sprintf("/kohorten/%d/import", cohort.ID)

	f := excelize.NewFile()
	rows := [][]any{
		{"First name", "Last name", "E-mail address", "Federal state", "Network type", "Phone"},
		{"Nguyễn Thị", "Lan", "lan@beispiel.de", "Thuringia", "MINT", "+49 441 123"},
		{"Søren", "Østergaard", "SOEREN@beispiel.de", "SH", "", ""},
	}
	for i, row := range rows {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}

	expect(t, c.upload(page+"/vorschau", "datei", "Teilnehmende.xlsx", buf.Bytes()), http.StatusOK,
		"Excel-Arbeitsmappe", "Lan, Nguyễn Thị", "Thüringen", `<span class="badge badge--outcome-existing">Bereits bekannt</span>`,
		"Alles in Ordnung: 2 Personen")
	expectRedirect(t, c.upload(page, "datei", "Teilnehmende.xlsx", buf.Bytes()),
		fmt.Sprintf("/kohorten/%d?erledigt=import&neu=1&eingeschrieben=2&uebersprungen=0", cohort.ID))
	expect(t, c.get(fmt.Sprintf("/teilnehmende/%d", known.ID)), http.StatusOK, "Frühjahr 2023", "Eingeschrieben")
}

func TestImportRefusesFilesItCannotRead(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	cohort := s.cohort(s.course("Netzwerkkoordinator:in").ID, "Frühjahr 2023", 1)
	c := s.adminClient()
	page := fmt.Sprintf("/kohorten/%d/import", cohort.ID)

	expect(t, c.upload(page+"/vorschau", "anders", "x.csv", []byte(goodCSV)), http.StatusOK,
		`<a href="#datei">Teilnehmerliste: Bitte wählen Sie eine Datei aus.</a>`, `id="datei-error"`)
	expect(t, c.upload(page, "anders", "x.csv", []byte(goodCSV)), http.StatusUnprocessableEntity, "Bitte wählen Sie eine Datei aus.")
	expect(t, c.upload(page+"/vorschau", "datei", "alt.xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest")), http.StatusOK,
		"Alte Excel-Dateien (.xls) können nicht gelesen werden.")
	expect(t, c.upload(page+"/vorschau", "datei", "liste.csv", []byte("Name;Telefon;Mail;Mail-Adresse\r\nMüller;1;a@b.de;a@b.de\r\n")),
		http.StatusOK, "Die Kopfzeile (Zeile 1) passt nicht:", "Es fehlen Pflichtspalten: „Vorname“",
		"Diese Spalten bedeuten alle „E-Mail“; behalten Sie eine davon: „Mail“, „Mail-Adresse“")
	expect(t, c.upload(page+"/vorschau", "datei", "leer.csv", nil), http.StatusOK, "Die Datei ist leer oder hat keine Kopfzeile")
	expect(t, c.upload(page+"/vorschau", "datei", "gross.csv", bytes.Repeat([]byte("a;b;c\r\n"), 6<<20/7)), http.StatusOK,
		"Die Datei ist zu groß: Erlaubt sind höchstens 5 MB.")
	expect(t, c.upload(page, "datei", "riesig.csv", bytes.Repeat([]byte("a;b;c\r\n"), 7<<20/7)), http.StatusUnprocessableEntity,
		"Die Datei ist zu groß: Erlaubt sind höchstens 5 MB.")

	// Two people for one free place: the whole list is refused.
	expect(t, c.upload(page+"/vorschau", "datei", "liste.csv", []byte(goodCSV)), http.StatusOK,
		"Die Liste würde 2 Personen einschreiben, frei sind aber nur 1 Plätze.")
	expect(t, c.upload(page, "datei", "liste.csv", []byte(goodCSV)), http.StatusUnprocessableEntity,
		"Die Liste würde 2 Personen einschreiben", "Es wurde nichts importiert.")
	if n := s.participantCount(); n != 0 {
		t.Errorf("%d participants after refused imports, want 0", n)
	}

	c.lang = "en"
	expect(t, c.upload(page+"/vorschau", "datei", "liste.csv", []byte(badCSV)), http.StatusOK,
		"Row 3, column “E-Mail”: “kein-at” is not a valid e-mail address.", "Known already")
}

func TestExportCSVAndXLSX(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	course := s.course("Netzwerkkoordinator:in")
	cohort := s.cohort(course.ID, "Frühjahr 2023", 16)
	zoe := s.person("Zoë", "Ćosić-Şahin", "zoe@beispiel.de", "NI")
	s.enroll(cohort.ID, zoe.ID)
	s.enroll(cohort.ID, s.person("Jürgen", "Müller", "juergen@beispiel.de", "HB").ID)
	c := s.adminClient()
	page := fmt.Sprintf("/kohorten/%d", cohort.ID)
	expect(t, c.post(fmt.Sprintf("%s/austritt/%d", page, zoe.ID), form("date", today().String(), "reason", "Umzug")), http.StatusSeeOther)

	r := c.get(page + "/export.csv")
	if r.Code != http.StatusOK {
		t.Fatalf("GET export.csv: status %d, want 200", r.Code)
	}
	if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Fatalf("GET export.csv: Content-Type %q, want text/csv; charset=utf-8", ct)
	}
	wantDisposition := `attachment; filename="kohorte-fruehjahr-2023.csv"; filename*=UTF-8''kohorte-Fr%C3%BChjahr-2023.csv`
	if got := r.Header.Get("Content-Disposition"); got != wantDisposition {
		t.Errorf("Content-Disposition = %q, want %q", got, wantDisposition)
	}
	if r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", r.Header.Get("Cache-Control"))
	}
	for _, want := range []string{
		"\ufeffNachname;Vorname;E-Mail;Organisation;Netzwerk;Bundesland;Telefon;Status;Eingeschrieben am;Ausgetreten am;Austrittsgrund\r\n",
		"Ćosić-Şahin;Zoë;zoe@beispiel.de;MINT-Region Ćosić-Şahin;MINT-Region;Niedersachsen;;Ausgetreten;" + today().German() + ";" + today().German() + ";Umzug\r\n",
		"Müller;Jürgen;juergen@beispiel.de;",
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the CSV lacks %q:\n%s", want, r.Body)
		}
	}
	if !strings.HasPrefix(r.Body, "\ufeff") {
		t.Error("the CSV has no byte order mark, so Excel would misread its umlauts")
	}

	r = c.get(page + "/export.xlsx")
	if r.Code != http.StatusOK {
		t.Fatalf("GET export.xlsx: status %d, want 200", r.Code)
	}
	if ct, want := r.Header.Get("Content-Type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"; ct != want {
		t.Fatalf("GET export.xlsx: Content-Type %q, want %s", ct, want)
	}
	if got := r.Header.Get("Content-Disposition"); !strings.Contains(got, `filename="kohorte-fruehjahr-2023.xlsx"`) {
		t.Errorf("Content-Disposition = %q", got)
	}
	f, err := excelize.OpenReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	// The order of the names follows the database's collation, which
	// differs between the engines for "Ć".
	if len(rows) != 3 {
		t.Errorf("XLSX has %d rows, want 3: %q", len(rows), rows)
	} else {
		if rows[0][0] != "Nachname" {
			t.Errorf("XLSX header starts with %q, want Nachname: %q", rows[0][0], rows[0])
		}
		if !slices.ContainsFunc(rows[1:], func(row []string) bool {
			return len(row) == 11 && row[0] == "Ćosić-Şahin" && row[5] == "Niedersachsen" && row[7] == "Ausgetreten" && row[10] == "Umzug"
		}) {
			t.Errorf("XLSX lacks Ćosić-Şahin, Niedersachsen, withdrawn for Umzug: %q", rows)
		}
	}
	if name := f.GetSheetName(0); name != "Frühjahr 2023" {
		t.Errorf("sheet name %q, want the cohort's", name)
	}
	expect(t, c.get("/kohorten/999/export.csv"), http.StatusNotFound)
}

func TestDownloadNames(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	course := s.course("Netzwerkkoordinator:in")
	c := s.adminClient()
	for name, want := range map[string]string{
		"Herbst/Winter 2020/21": `attachment; filename="kohorte-herbst-winter-2020-21.csv"; filename*=UTF-8''kohorte-Herbst-Winter-2020-21.csv`,
		"Łódź „Ost“ ÄÖÜß":       `attachment; filename="kohorte-lodz-ost-aeoeuess.csv"; filename*=UTF-8''kohorte-%C5%81%C3%B3d%C5%BA-%E2%80%9EOst%E2%80%9C-%C3%84%C3%96%C3%9C%C3%9F.csv`,
	} {
		cohort := s.cohort(course.ID, name, 5)
		r := c.get(fmt.Sprintf("/kohorten/%d/export.csv", cohort.ID))
		if got := r.Header.Get("Content-Disposition"); got != want {
			t.Errorf("%s: Content-Disposition = %q, want %q", name, got, want)
		}
	}
}

func TestImportIsForOpenCohortsOnly(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	cohort := s.cohort(s.course("Netzwerkkoordinator:in").ID, "Frühjahr 2023", 16)
	for _, st := range []models.CohortStatus{models.CohortRunning, models.CohortCompleted} {
		if _, err := s.svc.Cohorts.SetCohortStatus(t.Context(), s.admin, cohort.ID, st); err != nil {
			t.Fatal(err)
		}
	}
	c := s.adminClient()
	page := fmt.Sprintf("/kohorten/%d/import", cohort.ID)
	r := c.get(page)
	expect(t, r, http.StatusOK, "Diese Kohorte nimmt keine Einschreibungen mehr an.")
	if strings.Contains(r.Body, `type="file"`) {
		t.Error("a completed cohort offers the upload")
	}
	expect(t, c.upload(page, "datei", "liste.csv", []byte(goodCSV)), http.StatusUnprocessableEntity,
		"Diese Kohorte nimmt keine Einschreibungen mehr an.", "Es wurde nichts importiert.")
}

// TestImportTemplatesAndExportsImportAgain: the templates on the import
// page are taken as they are and with rows typed in, and a list exported
// in English (statuses "Withdrawn", networks "Skilled labour network")
// imports into another cohort as the same people.
func TestImportTemplatesAndExportsImportAgain(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	course := s.course("Netzwerkkoordinator:in")
	spring := s.cohort(course.ID, "Frühjahr 2023", 16)
	autumn := s.cohort(course.ID, "Herbst 2023", 16)
	c := s.adminClient()
	page := fmt.Sprintf("/kohorten/%d/import", spring.ID)
	expect(t, c.get(page), http.StatusOK, `<a href="/import-vorlage.xlsx" download>Excel-Vorlage (XLSX)</a>`,
		`<a href="/import-vorlage.csv" download>CSV-Vorlage</a>`)

	r := c.get("/import-vorlage.csv")
	const header = "\ufeffNachname;Vorname;E-Mail;Organisation;Netzwerk;Bundesland;Telefon\r\n"
	if r.Code != http.StatusOK || r.Body != header {
		t.Fatalf("CSV template: %d %q, want %q", r.Code, r.Body, header)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="kohorte-importvorlage.csv"`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	expect(t, c.upload(page+"/vorschau", "datei", "kohorte-importvorlage.csv", []byte(r.Body)), http.StatusOK,
		"Erkannte Spalten: „Vorname“, „Nachname“, „E-Mail“, „Organisation“, „Netzwerk“, „Bundesland“, „Telefon“.</p>",
		"Die Datei enthält keine Datenzeilen.")
	filled := r.Body + "Ćosić-Şahin;Zoë;zoe@beispiel.de;MINT-Region Oldenburg;Fachkräftesicherung;Niedersachsen;+49 441 1\r\n"
	expectRedirect(t, c.upload(page, "datei", "kohorte-importvorlage.csv", []byte(filled)),
		fmt.Sprintf("/kohorten/%d?erledigt=import&neu=1&eingeschrieben=1&uebersprungen=0", spring.ID))

	c.lang = "en"
	r = c.get("/import-vorlage.xlsx")
	f, err := excelize.OpenReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatalf("the XLSX template does not open: %v", err)
	}
	sheet := f.GetSheetName(0)
	if got, _ := f.GetRows(sheet); !slices.Equal(got[0], []string{"Last name", "First name", "E-mail", "Organisation", "Network type", "Federal state", "Phone"}) || len(got) != 1 {
		t.Errorf("English XLSX template %q", got)
	}
	row := []any{"Müller", "Jürgen", "juergen@beispiel.de", "Wirtschaftsförderung Bremen", "Skilled labour network", "Bremen", ""}
	if err := f.SetSheetRow(sheet, "A2", &row); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	f.Close()
	expectRedirect(t, c.upload(page, "datei", "import-template.xlsx", buf.Bytes()),
		fmt.Sprintf("/kohorten/%d?erledigt=import&neu=1&eingeschrieben=1&uebersprungen=0", spring.ID))

	// Zoë withdraws; the English export says so as the English pages do,
	// and reads back as the same two people.
	found, _, err := s.svc.Participants.ListParticipants(t.Context(), s.admin, services.ParticipantFilter{Search: "zoe"})
	if err != nil || len(found) != 1 {
		t.Fatalf("Zoë: %v %v", found, err)
	}
	expect(t, c.post(fmt.Sprintf("/kohorten/%d/austritt/%d", spring.ID, found[0].ID), form("date", today().String(), "reason", "Umzug")), http.StatusSeeOther)
	r = c.get(fmt.Sprintf("/kohorten/%d/export.csv", spring.ID))
	for _, want := range []string{
		"\ufeffLast name;First name;E-mail;Organisation;Network type;Federal state;Phone;Status;Enrolled on;Withdrawn on;Reason for withdrawal\r\n",
		"Ćosić-Şahin;Zoë;zoe@beispiel.de;MINT-Region Oldenburg;Skilled labour network;Niedersachsen;'+49 441 1;Withdrawn;",
		"Müller;Jürgen;juergen@beispiel.de;Wirtschaftsförderung Bremen;Skilled labour network;Bremen;;Enrolled;",
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the English export lacks %q:\n%s", want, r.Body)
		}
	}
	expectRedirect(t, c.upload(fmt.Sprintf("/kohorten/%d/import", autumn.ID), "datei", "export.csv", []byte(r.Body)),
		fmt.Sprintf("/kohorten/%d?erledigt=import&neu=0&eingeschrieben=2&uebersprungen=0", autumn.ID))
	for _, p := range []string{"zoe@beispiel.de", "juergen@beispiel.de"} {
		if !strings.Contains(c.get(fmt.Sprintf("/kohorten/%d", autumn.ID)).Body, p) {
			t.Errorf("%s is not in the autumn cohort after importing the export", p)
		}
	}
}
