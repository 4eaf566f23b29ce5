package frontend_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kohorte/frontend/browsertest"
	"kohorte/models"
	"kohorte/services"
)

// browserCSV is the list the browser test uploads.
const browserCSV = "Vorname;Nachname;E-Mail;Bundesland;Netzwerk\r\n" +
	"Zoë;Ćosić-Şahin;zoe@beispiel.de;Niedersachsen;MINT-Region\r\n" +
	"Jürgen;Müller;juergen@beispiel.de;HB;Fachkräftesicherung\r\n" +
	"Ayşe;Yılmaz;ayse@beispiel.de;Hamburg;Sonstiges\r\n"

// writeFile writes content to a file of the test's own directory and
// returns its absolute path, as the browser's file input needs it.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestBrowserCourseToWithdrawal walks the course office's first day:
// a course, a cohort, the participant list imported through the file
// input with its preview, and a withdrawal.
func TestBrowserCourseToWithdrawal(t *testing.T) {
	s, srv := newServer(t)
	s.user("staff@kohorte.test", "Sam Staff", models.RoleStaff)
	b := browsertest.New(t)
	loginAs(t, b, srv.URL, "staff@kohorte.test")

	b.Navigate(srv.URL + "/kurse/neu")
	b.Type("#title", "Netzwerkkoordinator:in zur Fachkräftesicherung (IHK)")
	b.Type("#certificate_title", "Netzwerkkoordinator:in zur Fachkräftesicherung")
	b.Type("#certificate_prefix", "NKF")
	b.Type(`[id="issuers[0].name"]`, "IHK Oldenburg")
	if status := b.ClickAndWait("main form button[type=submit]"); status != http.StatusOK {
		t.Fatalf("create the course: status %d", status)
	}
	if got := b.Text(".alert--success"); !strings.Contains(got, "Der Kurs wurde angelegt.") {
		t.Fatalf("after creating the course: %q", got)
	}

	// The new-cohort form is open on a course without cohorts. A date
	// input takes keys in the browser's locale, so the test sets its
	// value as a date picker would.
	// The cohort began a week ago, so that today's withdrawal lies within it.
	start := today().AddDays(-7)
	b.Type("#name", "Frühjahr 2023")
	browsertest.Eval[string](b, `document.querySelector("#start_date").value = "`+start.String()+`"`)
	b.Type("#venue", "IHK Oldenburg, Plenarsaal")
	if status := b.ClickAndWait(`form[action="/kohorten/neu"] button[type=submit]`); status != http.StatusOK {
		t.Fatalf("create the cohort: status %d", status)
	}
	if got := b.Text("h1"); !strings.HasPrefix(got, "Frühjahr 2023") {
		t.Fatalf("cohort page heading %q", got)
	}
	if got := b.Text(".facts"); !strings.Contains(got, start.German()+" – "+start.AddDays(84).German()) {
		t.Errorf("the cohort's dates: %q, want the end twelve weeks after the start", got)
	}

	// Import: the preview comes into the page, the file stays chosen,
	// and the button below the preview imports it.
	b.ClickAndWait(`.page-head a[href$="/import"]`)
	b.Upload("#datei", writeFile(t, "Teilnehmende Frühjahr.csv", browserCSV))
	browsertest.Eval[int](b, "window.kohorteTestMarker = 1")
	b.Click(`button[formaction$="/import/vorschau"]`)
	b.WaitUntil(`document.querySelector("#import-preview .panel--next") !== null`)
	preview := b.Text("#import-preview")
	for _, want := range []string{"Alles in Ordnung: 3 Personen werden eingeschrieben.", "Ćosić-Şahin, Zoë", "Teilnehmende Frühjahr.csv"} {
		if !strings.Contains(preview, want) {
			t.Errorf("preview lacks %q: %q", want, preview)
		}
	}
	if !browsertest.Eval[bool](b, "window.kohorteTestMarker === 1") {
		t.Error("the preview loaded the page again, so the chosen file is lost")
	}
	if status := b.ClickAndWait(`#import-preview button[form="import-form"]`); status != http.StatusOK {
		t.Fatalf("import: status %d", status)
	}
	if got := b.Text(".alert--success"); !strings.Contains(got, "Import abgeschlossen: 3 Personen eingeschrieben, davon 3 neu angelegt.") {
		t.Errorf("after the import: %q", got)
	}
	list := b.Text("#enrollment-results")
	for _, want := range []string{"3 Personen", "Yılmaz, Ayşe", "Bremen"} {
		if !strings.Contains(list, want) {
			t.Errorf("participant list lacks %q: %q", want, list)
		}
	}

	// Withdrawal with a reason, confirmed on its own page.
	b.ClickAndWait(`#enrollment-results tr:has(a[href^="/teilnehmende/"]) a[href*="/austritt/"]`)
	who := b.Text(".facts dd")
	b.Type("#reason", "Stellenwechsel")
	if status := b.ClickAndWait("main form button[type=submit]"); status != http.StatusOK {
		t.Fatalf("withdraw: status %d", status)
	}
	if got := b.Text(".alert--success"); !strings.Contains(got, "Der Austritt wurde gespeichert.") {
		t.Errorf("after the withdrawal: %q", got)
	}
	row := b.Text("#enrollment-results tr.row--withdrawn")
	for _, want := range []string{"Ausgetreten", "Grund: Stellenwechsel", "ausgetreten am " + today().German()} {
		if !strings.Contains(row, want) {
			t.Errorf("withdrawn row lacks %q: %q", want, row)
		}
	}
	if first, last, _ := strings.Cut(who, " "); !strings.Contains(row, last+", "+first) {
		t.Errorf("the withdrawn row is not %s's: %q", who, row)
	}
	if got := b.Text(".facts"); !strings.Contains(got, "2 von 20 belegt") {
		t.Errorf("places after the withdrawal: %q", got)
	}
	b.NoConsoleErrors()
}

// TestBrowserCoursePagesFitAPhone opens the course, cohort and
// participant pages with realistic content at every width of fitWidths,
// and checks that none is wider than the screen and no table sticks out of
// its box. With -screenshots it saves each on a phone and on a laptop.
func TestBrowserCoursePagesFitAPhone(t *testing.T) {
	s, srv := newServer(t)
	ids := seedDemoCohort(t, s)
	inv, err := s.svc.Participants.CreateAccount(context.Background(), s.admin, ids.person)
	if err != nil {
		t.Fatal(err)
	}

	b := browsertest.New(t)
	open := func(name, path string) {
		t.Helper()
		b.Viewport(360, 740)
		if status := b.Navigate(srv.URL + path); status != http.StatusOK {
			t.Errorf("GET %s = %d", path, status)
		}
		checkWidth(t, b, name)
	}
	loginAs(t, b, srv.URL, "admin@kohorte.test")
	open("courses", "/kurse")
	open("course", fmt.Sprintf("/kurse/%d", ids.course))
	open("cohorts", "/kohorten")
	open("cohort", fmt.Sprintf("/kohorten/%d", ids.cohort))
	open("cohort-search", fmt.Sprintf("/kohorten/%d?person=ma#einschreiben", ids.cohort))
	open("withdraw", fmt.Sprintf("/kohorten/%d/austritt/%d", ids.cohort, ids.person))
	open("participants", "/teilnehmende")
	open("participant", fmt.Sprintf("/teilnehmende/%d", ids.person))
	open("statistics", "/statistik")
	open("course-new", "/kurse/neu")
	open("cohort-new", fmt.Sprintf("/kohorten/neu?kurs=%d", ids.course))

	open("import", fmt.Sprintf("/kohorten/%d/import", ids.cohort))
	b.Upload("#datei", writeFile(t, "liste.csv", badCSV))
	b.Click(`button[formaction$="/import/vorschau"]`)
	b.WaitUntil(`document.querySelector("#import-preview table") !== null`)
	checkWidth(t, b, "import-preview")
	b.NoConsoleErrors()

	// A participant's own page, after they set their password. On a phone
	// the logout button is in the menu.
	b.Click(".menu__button")
	b.ClickAndWait(`[data-nav="logout"]`)
	b.Navigate(srv.URL + "/passwort-setzen?token=" + inv.Token)
	b.Type("#password", password)
	b.Type("#password_repeat", password)
	b.ClickAndWait("main form button[type=submit]")
	open("my-courses", "/meine-kurse")
	b.NoConsoleErrors()
}

type demoIDs struct {
	course, cohort, person uint
}

// seedDemoCohort fills a course with a cohort of sixteen people from
// several federal states, one of whom withdrew, and a second cohort.
func seedDemoCohort(t *testing.T, s *stack) demoIDs {
	t.Helper()
	ctx := context.Background()
	course, err := s.svc.Courses.CreateCourse(ctx, s.admin, services.CourseInput{
		Title: "Netzwerkkoordinator:in zur Fachkräftesicherung (IHK)", CertificateTitle: "Netzwerkkoordinator:in zur Fachkräftesicherung",
		Description: "Zertifikatslehrgang für Koordinatorinnen und Koordinatoren regionaler Netzwerke.", Format: "Blended Learning",
		CertificatePrefix: "NKF", Topics: []string{"Netzwerkmanagement", "Fachkräftesicherung in der Region", "Projektmanagement"},
		Issuers: []services.IssuerInput{{Name: "Stiftung Bildung und Wirtschaft", City: "Berlin"}, {Name: "IHK Oldenburg", City: "Oldenburg"}},
		Signatories: []services.SignatoryInput{{Name: "Dr. Friederike Janßen", Function: "Vorständin"},
			{Name: "Malte Brüning", Function: "Hauptgeschäftsführer"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.svc.Courses.SetIssuerLogo(ctx, s.admin, course.ID, 2, png); err != nil {
		t.Fatal(err)
	}
	cohort, err := s.svc.Cohorts.CreateCohort(ctx, s.admin, course.ID, services.CohortInput{Name: "Frühjahr 2023",
		StartDate: models.NewDate(2023, 4, 5), Capacity: 18, Venue: "IHK Oldenburg, Plenarsaal"})
	if err != nil {
		t.Fatal(err)
	}
	s.cohort(course.ID, "Herbst/Winter 2020/21", 20)
	first := []string{"Zoë", "Jürgen", "Ayşe", "Mateusz", "Nguyễn Thị", "Fatima", "Søren", "Ioanna", "Oleksandr", "Lucía",
		"Björn", "Aleksandra", "Mehmet", "Chiara", "Dragana", "Kwame"}
	last := []string{"Ćosić-Şahin", "Müller", "Yılmaz", "Wiśniewski", "Lan", "Haddad", "Østergaard", "Papadopoulou",
		"Kovalenko", "García Márquez", "Ågren", "Nowak", "Demir", "Esposito", "Petrović", "Mensah"}
	states := []string{"NI", "HB", "HH", "SL", "BY", "NW", "SH"}
	networks := []string{"mint_region", "fachkraeftesicherung", "other"}
	var ids demoIDs
	for i := range first {
		p, err := s.svc.Participants.CreateParticipant(ctx, s.admin, services.ParticipantInput{FirstName: first[i], LastName: last[i],
			Email: fmt.Sprintf("person%02d@beispiel.de", i), Organisation: "Wirtschaftsförderung Landkreis Oldenburg",
			NetworkType: networks[i%3], FederalState: states[i%len(states)]})
		if err != nil {
			t.Fatal(err)
		}
		e, err := s.svc.Enrollments.Enroll(ctx, s.admin, cohort.ID, p.ID, models.NewDate(2023, 3, 20))
		if err != nil {
			t.Fatal(err)
		}
		if i == 3 {
			if _, err := s.svc.Enrollments.Withdraw(ctx, s.admin, e.ID, models.NewDate(2023, 5, 2), "Stellenwechsel in eine andere Region"); err != nil {
				t.Fatal(err)
			}
		}
		if i == 0 {
			ids.person = p.ID
		}
	}
	ids.course, ids.cohort = course.ID, cohort.ID
	return ids
}

// TestBrowserDemoPagesFit opens the staff pages of the demo, whose
// addresses are longer than the other tests' and whose cohorts are full, at
// every width of fitWidths: no page scrolls sideways and no table sticks
// out of its box.
func TestBrowserDemoPagesFit(t *testing.T) {
	s, srv := newServer(t)
	ctx := context.Background()
	demo, err := s.svc.LoadDemo(ctx, s.admin, services.DemoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cohorts, err := s.svc.Cohorts.ListCohorts(ctx, s.admin, services.CohortFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cohorts) != demo.Cohorts {
		t.Fatalf("%d cohorts listed, the demo made %d", len(cohorts), demo.Cohorts)
	}

	b := browsertest.New(t)
	open := func(name, path string) {
		t.Helper()
		if status := b.Navigate(srv.URL + path); status != http.StatusOK {
			t.Errorf("GET %s = %d", path, status)
		}
		checkWidth(t, b, name)
	}
	loginAs(t, b, srv.URL, "admin@kohorte.test")
	open("demo-start", "/")
	open("demo-course", fmt.Sprintf("/kurse/%d", demo.CourseID))
	open("demo-cohorts", "/kohorten")
	for _, c := range cohorts {
		open(fmt.Sprintf("demo-cohort-%d", c.ID), fmt.Sprintf("/kohorten/%d", c.ID))
	}
	open("demo-participants", "/teilnehmende")
	open("demo-statistics", "/statistik")
	open("demo-audit", "/protokoll")
	b.NoConsoleErrors()
}

// TestBrowserStartPagesFit opens the start page of each role with its
// content, at every width of fitWidths.
func TestBrowserStartPagesFit(t *testing.T) {
	s, srv := newServer(t)
	ids := seedDemoCohort(t, s)
	s.user("juror@kohorte.test", "Jana Jury", models.RoleJuror)
	inv, err := s.svc.Participants.CreateAccount(context.Background(), s.admin, ids.person)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Passwords.SetPasswordWithToken(context.Background(), inv.Token, password, services.Actor{ClientAddr: "seed"}); err != nil {
		t.Fatal(err)
	}
	b := browsertest.New(t)
	for _, tc := range []struct{ role, email string }{
		{"nobody", ""}, {"staff", "admin@kohorte.test"}, {"juror", "juror@kohorte.test"}, {"participant", inv.User.Email},
	} {
		if tc.email != "" {
			loginAs(t, b, srv.URL, tc.email)
		} else {
			b.Navigate(srv.URL + "/")
		}
		checkWidth(t, b, "start-"+tc.role)
		if tc.email != "" {
			b.Click(".menu__button")
			b.ClickAndWait(`[data-nav="logout"]`)
		}
	}
	b.NoConsoleErrors()
}
