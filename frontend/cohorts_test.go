package frontend_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kohorte/models"
)

func TestCohortCreateEditAndStatus(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	course := s.course("Netzwerkkoordinator:in")
	c := s.adminClient()

	expect(t, c.get(fmt.Sprintf("/kohorten/neu?kurs=%d", course.ID)), http.StatusOK,
		fmt.Sprintf(`<option value="%d" selected>Netzwerkkoordinator:in (12 Wochen)</option>`, course.ID),
		`id="capacity" name="capacity" type="number" value="20"`, "Leer lassen: Die Kohorte endet nach der Dauer des Kurses.")

	r := c.post("/kohorten/neu", form("course_id", "", "name", "", "start_date", "2023-04-05", "end_date", "2023-04-01", "capacity", "0"))
	expect(t, r, http.StatusUnprocessableEntity,
		`<a href="#course_id">Kurs: Bitte wählen Sie den Kurs aus, zu dem die Kohorte gehört.</a>`)
	r = c.post("/kohorten/neu", form("course_id", itoa(course.ID), "name", "", "start_date", "2023-04-05", "end_date", "2023-04-01", "capacity", "0"))
	expect(t, r, http.StatusUnprocessableEntity,
		`<a href="#name">Name der Kohorte: Bitte füllen Sie dieses Feld aus.</a>`,
		`<a href="#end_date">Ende: Das Ende darf nicht vor dem Beginn liegen.</a>`,
		`<a href="#capacity">Plätze: Bitte geben Sie eine ganze Zahl von 1 bis 10000 ein.</a>`,
		`<p class="field-error" id="end_date-error">`, `value="2023-04-05"`)
	expect(t, c.post("/kohorten/neu", form("course_id", "999", "name", "X", "start_date", "2023-04-05", "capacity", "5")),
		http.StatusUnprocessableEntity, `<a href="#course_id">`)
	expect(t, c.post("/kohorten/neu", form("course_id", itoa(course.ID), "name", "X", "start_date", "5.4.2023", "capacity", "5")),
		http.StatusUnprocessableEntity, `<a href="#start_date">Beginn: Bitte geben Sie ein Datum ein`)

	// The end defaults to the start plus the course's twelve weeks.
	id := redirectID(t, c.post("/kohorten/neu", form("course_id", itoa(course.ID), "name", "Frühjahr 2023",
		"start_date", "2023-04-05", "capacity", "16", "venue", "IHK Oldenburg, Plenarsaal")), "/kohorten/")
	page := fmt.Sprintf("/kohorten/%d", id)
	expect(t, c.get(page+"?erledigt=angelegt"), http.StatusOK, "Die Kohorte wurde angelegt.",
		`<h1>Frühjahr 2023 <span class="badge badge--planned">Geplant</span></h1>`,
		"05.04.2023 – 28.06.2023", "IHK Oldenburg, Plenarsaal", "0 von 16 belegt", "16 frei",
		"Die Kohorte ist geplant. Wenn sie beginnt,", `<input type="hidden" name="status" value="running">`,
		"Kohorte starten", "In dieser Kohorte ist noch niemand eingeschrieben.", "Noch 16 Plätze frei.",
		"Leer lassen: Die Kohorte endet 12 Wochen nach Beginn")
	expect(t, c.post("/kohorten/neu", form("course_id", itoa(course.ID), "name", "Frühjahr 2023", "start_date", "2023-04-05", "capacity", "16")),
		http.StatusUnprocessableEntity, "Dieser Kurs hat schon eine Kohorte mit diesem Namen.")

	// Editing: fewer places than people enrolled is refused.
	for i := range 3 {
		s.enroll(id, s.person("Person", fmt.Sprint(i), fmt.Sprintf("p%d@kohorte.test", i), "NI").ID)
	}
	r = c.post(page, form("name", "Frühjahr 2023", "start_date", "2023-04-05", "end_date", "2023-06-28", "capacity", "2", "venue", ""))
	expect(t, r, http.StatusUnprocessableEntity, `<details class="panel disclosure section" id="bearbeiten" open>`,
		`<a href="#capacity">Plätze: Es sind schon 3 Personen eingeschrieben; weniger Plätze sind nicht möglich.</a>`)
	expectRedirect(t, c.post(page, form("name", "Frühjahr 2023 (Oldenburg)", "start_date", "2023-04-05", "end_date", "2023-07-05",
		"capacity", "18", "venue", "online")), page+"?erledigt=gespeichert")
	expect(t, c.get(page+"?erledigt=gespeichert"), http.StatusOK, "Die Änderungen an der Kohorte wurden gespeichert.",
		"Frühjahr 2023 (Oldenburg)", "05.04.2023 – 05.07.2023", "3 von 18 belegt")

	// The status moves one step at a time; a stale button is refused.
	expectRedirect(t, c.post(page+"/status", form("status", "running")), page+"?erledigt=status")
	expect(t, c.get(page+"?erledigt=status"), http.StatusOK, "Der Status der Kohorte wurde geändert.",
		`<span class="badge badge--running">Läuft</span>`, "Kohorte abschließen")
	expect(t, c.post(page+"/status", form("status", "running")), http.StatusConflict, "Dieser Statuswechsel ist nicht möglich.")
	expect(t, c.post(page+"/status", form("status", "archived")), http.StatusConflict, "Dieser Statuswechsel ist nicht möglich.")
	expect(t, c.post(page+"/status", form("status", "")), http.StatusBadRequest)
	expectRedirect(t, c.post(page+"/status", form("status", "completed")), page+"?erledigt=status")
	r = c.get(page)
	expect(t, r, http.StatusOK, "Diese Kohorte nimmt keine Einschreibungen mehr an.", "Kohorte archivieren")
	for _, offer := range []string{`action="` + page + `/import"`, `href="` + page + `/import"`} {
		if strings.Contains(r.Body, offer) {
			t.Errorf("a completed cohort offers the import: %s", offer)
		}
	}
	expectRedirect(t, c.post(page+"/status", form("status", "archived")), page+"?erledigt=status")
	expect(t, c.get(page), http.StatusOK, "Die Kohorte ist archiviert.")

	expect(t, c.get("/kohorten"), http.StatusOK, "1 Kohorte", "Frühjahr 2023 (Oldenburg)", "Archiviert")
	expect(t, c.get("/protokoll?objekttyp=cohort"), http.StatusOK, "Status der Kohorte geändert", "Kohorte angelegt",
		fmt.Sprintf(`<a href="/kohorten/%d">Frühjahr 2023 (Oldenburg)</a>`, id),
		`<li><span class="changes__field">Status:</span> Abgeschlossen → Archiviert</li>`)
	expect(t, c.get("/kohorten?status=planned"), http.StatusOK, "0 Kohorten", "Keine Kohorten gefunden.")
	expect(t, c.get(fmt.Sprintf("/kohorten?kurs=%d&status=archived", course.ID)), http.StatusOK, "1 Kohorte")
	expect(t, c.get("/kohorten?kurs=abc"), http.StatusBadRequest)
	expect(t, c.get("/kohorten/999"), http.StatusNotFound)
}

func TestCohortNeedsACourse(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	c := s.adminClient()
	expect(t, c.get("/kohorten/neu"), http.StatusOK, "Legen Sie zuerst einen Kurs an.", `href="/kurse/neu"`)
}

func TestEnrollmentListFiltersSortsAndPages(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	cohort := s.cohort(s.course("Netzwerkkoordinator:in").ID, "Frühjahr 2023", 40)
	states := []string{"NI", "HB", "BY"}
	for i := range 27 {
		s.enroll(cohort.ID, s.person(fmt.Sprintf("Vorname%02d", i), fmt.Sprintf("Nachname%02d", i),
			fmt.Sprintf("tn%02d@kohorte.test", i), states[i%3]).ID)
	}
	c := s.adminClient()
	page := fmt.Sprintf("/kohorten/%d", cohort.ID)

	r := c.get(page)
	expect(t, r, http.StatusOK, "27 Personen", "Seite 1 von 2", "Nachname00, Vorname00",
		`<th scope="col" aria-sort="ascending"><a class="sort" href="`+page+`?sortierung=-name">Name</a></th>`,
		`<a class="sort" href="`+page+`?sortierung=bundesland">Bundesland</a>`,
		`<a class="pager__next" href="`+page+`?seite=2" rel="next">`, `hx-get="`+page+`"`)
	if n := strings.Count(r.Body, "Austritt erfassen<span"); n != 25 {
		t.Errorf("page 1 lists %d enrollments, want 25", n)
	}
	r = c.get(page + "?sortierung=-name")
	expect(t, r, http.StatusOK, `<th scope="col" aria-sort="descending"><a class="sort" href="`+page+`">Name</a></th>`,
		`<a class="pager__next" href="`+page+`?seite=2&amp;sortierung=-name" rel="next">`)
	if strings.Index(r.Body, "Nachname26") > strings.Index(r.Body, "Nachname25") {
		t.Error("descending by name lists 25 before 26")
	}
	expect(t, c.get(page+"?land=HB&suche=nachname0"), http.StatusOK, "3 Personen", "Nachname01", "Nachname04", "Nachname07", "Bremen")
	expect(t, c.get(page+"?status=withdrawn"), http.StatusOK, "0 Personen", "Niemand passt zu diesen Filtern.")
	expect(t, c.get(page+"?sortierung=geheim"), http.StatusBadRequest)

	// Statistics of the cohort, by German state names.
	expect(t, c.get(page), http.StatusOK, "<caption>Nach Bundesland und Status</caption>", "Niedersachsen", "Bayern",
		`<meter class="bar" min="0" max="27" value="9" aria-hidden="true"></meter>`, "MINT-Region")
}

func TestEnrollWithdrawAndReenroll(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	cohort := s.cohort(s.course("Netzwerkkoordinator:in").ID, "Frühjahr 2023", 2)
	zoe := s.person("Zoë", "Ćosić-Şahin", "zoe@kohorte.test", "NI")
	s.person("Jürgen", "Müller", "juergen@kohorte.test", "HB")
	c := s.adminClient()
	page := fmt.Sprintf("/kohorten/%d", cohort.ID)

	// Searching finds people to enroll; without JavaScript it is a page.
	expect(t, c.get(page+"?person=%C4%86osi%C4%87"), http.StatusOK, "<strong>Zoë Ćosić-Şahin</strong>",
		fmt.Sprintf(`<input type="hidden" name="participant_id" value="%d">`, zoe.ID))
	expect(t, c.get(page+"?person=niemand"), http.StatusOK, "Niemand gefunden. Legen Sie die Person neu an.")
	expectRedirect(t, c.post(page+"/einschreiben", form("participant_id", itoa(zoe.ID))), page+"?erledigt=eingeschrieben")
	expect(t, c.get(page+"?erledigt=eingeschrieben"), http.StatusOK, "Die Einschreibung wurde gespeichert.",
		"Ćosić-Şahin, Zoë", "1 von 2 belegt", "Noch 1 Platz frei.")
	expect(t, c.post(page+"/einschreiben", form("participant_id", itoa(zoe.ID))), http.StatusConflict,
		"Diese Person ist bereits in dieser Kohorte eingeschrieben.")
	expect(t, c.post(page+"/einschreiben", form("participant_id", "abc")), http.StatusBadRequest)
	expect(t, c.post(page+"/einschreiben", form("participant_id", "999")), http.StatusNotFound)

	// A new person, with their mistakes shown at their inputs.
	r := c.post(page+"/neu-einschreiben", form("first_name", "Ayşe", "last_name", "", "email", "kein at", "federal_state", "XX"))
	expect(t, r, http.StatusUnprocessableEntity, `<details class="panel disclosure" id="neu" open>`,
		`<a href="#last_name">Nachname: Bitte füllen Sie dieses Feld aus.</a>`,
		`<a href="#email">E-Mail-Adresse: Bitte geben Sie eine gültige E-Mail-Adresse ein`,
		`<a href="#federal_state">Bundesland: Bitte wählen Sie ein Bundesland aus der Liste.</a>`,
		`<p class="field-error" id="email-error">`, `value="Ayşe"`)
	expect(t, c.post(page+"/neu-einschreiben", form("first_name", "Jürgen", "last_name", "Müller", "email", "JUERGEN@kohorte.test")),
		http.StatusUnprocessableEntity, "Eine andere Person hat bereits diese E-Mail-Adresse.")
	expectRedirect(t, c.post(page+"/neu-einschreiben", form("first_name", "Ayşe", "last_name", "Yılmaz", "email", "ayse@kohorte.test",
		"network_type", "fachkraeftesicherung", "federal_state", "HH", "directory_consent", "true")), page+"?erledigt=eingeschrieben")

	// Full: the page says so and offers no enrollment; a stale form is
	// refused with the reason.
	r = c.get(page)
	expect(t, r, http.StatusOK, "2 von 2 belegt", "Die Kohorte ist voll: Alle 2 Plätze sind belegt.", "Yılmaz, Ayşe")
	if strings.Contains(r.Body, `action="`+page+`/neu-einschreiben"`) {
		t.Error("a full cohort offers to enroll a new person")
	}
	juergen := s.person("Jörg", "Schäfer", "joerg@kohorte.test", "")
	expect(t, c.post(page+"/einschreiben", form("participant_id", itoa(juergen.ID))), http.StatusConflict,
		"Die Kohorte ist voll: Alle Plätze sind belegt.")
	// Creating and enrolling is one step: into a full cohort, nobody is created.
	r = c.post(page+"/neu-einschreiben", form("first_name", "Lena", "last_name", "Neu", "email", "lena@kohorte.test"))
	expect(t, r, http.StatusConflict, "Die Kohorte ist voll")
	if list := c.get("/teilnehmende?q=lena"); strings.Contains(list.Body, "lena@kohorte.test") {
		t.Error("a person was created for a full cohort")
	}

	// Withdrawing: a confirmation page with today as the default day.
	withdraw := fmt.Sprintf("%s/austritt/%d", page, zoe.ID)
	expect(t, c.get(withdraw), http.StatusOK, "Zoë Ćosić-Şahin tritt aus der Kohorte „Frühjahr 2023“ aus.",
		`id="date" name="date" type="date" value="`+today().String()+`"`, "Austritt bestätigen")
	expect(t, c.post(withdraw, form("date", "2020-01-01", "reason", "Umzug")), http.StatusUnprocessableEntity,
		`<a href="#date">Austrittsdatum: Das Austrittsdatum darf nicht vor dem Tag der Einschreibung (`+today().German()+`) liegen.</a>`,
		`>Umzug</textarea>`)
	expect(t, c.post(withdraw, form("date", today().String(), "reason", strings.Repeat("ü", 2001))), http.StatusUnprocessableEntity,
		"Bitte geben Sie höchstens 2000 Zeichen ein.")
	expectRedirect(t, c.post(withdraw, form("date", today().String(), "reason", "Stellenwechsel")), page+"?erledigt=ausgetreten")
	r = c.get(page + "?erledigt=ausgetreten")
	expect(t, r, http.StatusOK, "Der Austritt wurde gespeichert.", `<tr class="row--withdrawn">`,
		`<span class="badge badge--withdrawn">Ausgetreten</span>`, "ausgetreten am "+today().German(),
		"Grund: Stellenwechsel", "1 von 2 belegt", "Wieder einschreiben")
	expect(t, c.get(withdraw), http.StatusOK, "Diese Person ist in der Kohorte nicht (mehr) eingeschrieben")
	expect(t, c.post(withdraw, form("date", today().String())), http.StatusConflict, "nicht (mehr) eingeschrieben")
	expect(t, c.get(fmt.Sprintf("%s/austritt/%d", page, juergen.ID)), http.StatusNotFound)
	expect(t, c.get(page+"?status=withdrawn"), http.StatusOK, "1 Person", "Ćosić-Şahin")

	// Re-enrolling the same person keeps one record.
	expectRedirect(t, c.post(page+"/einschreiben", form("participant_id", itoa(zoe.ID))), page+"?erledigt=eingeschrieben")
	r = c.get(page)
	expect(t, r, http.StatusOK, "2 von 2 belegt")
	if strings.Contains(r.Body, `class="row--withdrawn"`) {
		t.Error("the re-enrolled person is still marked as withdrawn")
	}
	expect(t, c.get(page+"?status=withdrawn"), http.StatusOK, "0 Personen")
	expect(t, c.get("/protokoll?aktion=enrollment.*"), http.StatusOK, "Austritt", "Wieder eingeschrieben", "Stellenwechsel")

	c.lang = "en"
	expect(t, c.get(page), http.StatusOK, "2 of 2 taken", "The cohort is full: all 2 places are taken.", "Record withdrawal")
}

// TestCohortPagesAreClosedToOthers: without a login every route of
// courses, cohorts and participants leads to the login page; jurors and
// participants are refused. Only /meine-kurse is a participant's.
func TestCohortPagesAreClosedToOthers(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	course := s.course("Netzwerkkoordinator:in")
	cohort := s.cohort(course.ID, "Frühjahr 2023", 16)
	p := s.person("Zoë", "Ćosić-Şahin", "zoe@kohorte.test", "NI")
	e := s.enroll(cohort.ID, p.ID)
	juror, _ := s.loggedIn(models.RoleJuror)
	participant, _ := s.loggedIn(models.RoleParticipant)
	staff, _ := s.loggedIn(models.RoleStaff)

	k, co, tn := itoa(course.ID), itoa(cohort.ID), itoa(p.ID)
	routes := []struct{ method, path string }{
		{"GET", "/kurse"}, {"GET", "/kurse/neu"}, {"POST", "/kurse/neu"}, {"GET", "/kurse/" + k}, {"POST", "/kurse/" + k},
		{"GET", "/kurse/" + k + "/aussteller/1/logo"}, {"POST", "/kurse/" + k + "/aussteller/1/logo"},
		{"GET", "/kohorten"}, {"GET", "/kohorten/neu"}, {"POST", "/kohorten/neu"}, {"GET", "/kohorten/" + co},
		{"POST", "/kohorten/" + co}, {"POST", "/kohorten/" + co + "/status"}, {"POST", "/kohorten/" + co + "/einschreiben"},
		{"POST", "/kohorten/" + co + "/neu-einschreiben"}, {"GET", "/kohorten/" + co + "/austritt/" + tn},
		{"POST", "/kohorten/" + co + "/austritt/" + tn}, {"GET", "/kohorten/" + co + "/austritt?ids=" + itoa(e.ID)},
		{"POST", "/kohorten/" + co + "/austritt"}, {"POST", "/kohorten/" + co + "/zugaenge"},
		{"GET", "/kohorten/" + co + "/export.csv?auswahl=1&ids=" + itoa(e.ID)}, {"GET", "/kohorten/" + co + "/import"},
		{"POST", "/kohorten/" + co + "/import/vorschau"}, {"POST", "/kohorten/" + co + "/import"},
		{"GET", "/kohorten/" + co + "/export.csv"}, {"GET", "/kohorten/" + co + "/export.xlsx"},
		{"GET", "/import-vorlage.csv"}, {"GET", "/import-vorlage.xlsx"},
		{"GET", "/teilnehmende"}, {"GET", "/teilnehmende/neu"}, {"POST", "/teilnehmende/neu"}, {"GET", "/teilnehmende/" + tn},
		{"POST", "/teilnehmende/" + tn}, {"POST", "/teilnehmende/" + tn + "/zugang"}, {"GET", "/statistik"},
		{"GET", "/statistik/export.csv"}, {"GET", "/statistik/export.xlsx"},
	}
	values := form("title", "X", "status", "running", "participant_id", tn, "first_name", "X", "last_name", "Y",
		"email", "x@kohorte.test", "name", "X", "start_date", "2023-01-01", "capacity", "1", "date", "2023-03-02", "ids", itoa(e.ID))
	for _, rt := range routes {
		send := func(c *client) response {
			if rt.method == http.MethodPost {
				return c.post(rt.path, values)
			}
			return c.get(rt.path)
		}
		r := send(s.client())
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
			r := send(c)
			if r.Code != http.StatusForbidden {
				t.Errorf("%s %s %s: status %d, want 403", name, rt.method, rt.path, r.Code)
			}
			if !strings.Contains(r.Body, "Kein Zugriff") {
				t.Errorf("%s %s %s: not the refusal page", name, rt.method, rt.path)
			}
		}
	}
	// Nothing changed: the cohort is planned, with its one person.
	got, err := s.svc.Cohorts.GetCohort(t.Context(), s.admin, cohort.ID)
	if err != nil {
		t.Errorf("cohort after the refused requests: %v", err)
	} else {
		if got.Status != models.CohortPlanned {
			t.Errorf("cohort after the refused requests is %s, want planned", got.Status)
		}
		if got.EnrolledCount != 1 {
			t.Errorf("cohort after the refused requests counts %d enrolled, want 1", got.EnrolledCount)
		}
		if got.Name != "Frühjahr 2023" {
			t.Errorf("cohort after the refused requests is named %q, want Frühjahr 2023", got.Name)
		}
	}
	if n := s.participantCount(); n != 1 {
		t.Errorf("%d participants after the refused requests, want 1", n)
	}
	// Staff, not only admins, run courses; a participant's own page is
	// theirs alone.
	expect(t, staff.get("/kohorten/"+co), http.StatusOK, "Frühjahr 2023")
	expect(t, staff.get("/meine-kurse"), http.StatusForbidden, "Kein Zugriff")
	expect(t, juror.get("/meine-kurse"), http.StatusForbidden, "Kein Zugriff")
	expectRedirect(t, s.client().get("/meine-kurse"), "/anmelden?next=%2Fmeine-kurse")
}

// The cohort list pages like the other lists, 25 a page, newest start
// first, and the pager keeps the filters.
func TestCohortListPages(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	course := s.course("Netzwerkkoordinator:in")
	for i := range 27 {
		s.cohort(course.ID, fmt.Sprintf("Runde %02d", i), 10)
	}
	c := s.adminClient()
	r := c.get("/kohorten")
	expect(t, r, http.StatusOK, "27 Kohorten", "Seite 1 von 2", `<a class="pager__next" href="/kohorten?seite=2" rel="next">`)
	if n := strings.Count(r.Body, `<a href="/kohorten/`); n != 25 {
		t.Errorf("page 1 lists %d cohorts, want 25", n)
	}
	r = c.get(fmt.Sprintf("/kohorten?kurs=%d&seite=2", course.ID))
	expect(t, r, http.StatusOK, "27 Kohorten", "Seite 2 von 2",
		fmt.Sprintf(`<a class="pager__prev" href="/kohorten?kurs=%d" rel="prev">`, course.ID))
	if n := strings.Count(r.Body, `<a href="/kohorten/`); n != 2 {
		t.Errorf("page 2 lists %d cohorts, want 2", n)
	}
}
