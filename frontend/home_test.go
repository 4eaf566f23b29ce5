package frontend_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"kohorte/models"
	"kohorte/services"
)

// agendaCohort adds a cohort of course with the given days from today to
// its start and end, and moves it on to status.
func (s *stack) agendaCohort(courseID uint, name string, capacity, startIn, endIn int, status models.CohortStatus) models.Cohort {
	s.t.Helper()
	now := today()
	c, err := s.svc.Cohorts.CreateCohort(context.Background(), s.admin, courseID, services.CohortInput{
		Name: name, StartDate: now.AddDays(startIn), EndDate: now.AddDays(endIn), Capacity: capacity})
	if err != nil {
		s.t.Fatal(err)
	}
	for _, st := range []models.CohortStatus{models.CohortRunning, models.CohortCompleted, models.CohortArchived} {
		if c.Status == status {
			break
		}
		if c, err = s.svc.Cohorts.SetCohortStatus(context.Background(), s.admin, c.ID, st); err != nil {
			s.t.Fatal(err)
		}
	}
	return c
}

// TestStartPageOfStaff: staff see the running and planned cohorts, soonest
// first, each with what needs doing, and who holds a place but cannot log
// in yet; finished cohorts and people with an account are left out.
func TestStartPageOfStaff(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	course := s.course("Netzwerkkoordinator:in")
	soon := s.agendaCohort(course.ID, "Frühjahr", 16, 10, 94, models.CohortPlanned)
	begun := s.agendaCohort(course.ID, "Winter", 16, -3, 81, models.CohortPlanned)
	over := s.agendaCohort(course.ID, "Herbst", 16, -100, -5, models.CohortRunning)
	later := s.agendaCohort(course.ID, "Sommer", 16, 60, 144, models.CohortPlanned)
	done := s.agendaCohort(course.ID, "Vorjahr", 16, -400, -300, models.CohortPlanned)

	zoe := s.person("Zoë", "Ćosić-Şahin", "zoe@kohorte.test", "NI")
	jan := s.person("Jan", "Albers", "jan@kohorte.test", "HB")
	withAccount := s.person("Ayşe", "Yılmaz", "ayse@kohorte.test", "HH")
	formerly := s.person("Jürgen", "Müller", "juergen@kohorte.test", "NI")
	gone := s.person("Lena", "Brandt", "lena@kohorte.test", "NI")
	s.enroll(soon.ID, zoe.ID)
	s.enroll(over.ID, jan.ID)
	s.enroll(soon.ID, withAccount.ID)
	s.enroll(done.ID, formerly.ID)
	leaving := s.enroll(soon.ID, gone.ID)
	ctx := context.Background()
	if _, err := s.svc.Participants.CreateAccount(ctx, s.admin, withAccount.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Enrollments.Withdraw(ctx, s.admin, leaving.ID, today(), ""); err != nil {
		t.Fatal(err)
	}
	for _, st := range []models.CohortStatus{models.CohortRunning, models.CohortCompleted} {
		if _, err := s.svc.Cohorts.SetCohortStatus(ctx, s.admin, done.ID, st); err != nil {
			t.Fatal(err)
		}
	}

	staff, _ := s.loggedIn(models.RoleStaff)
	page := staff.get("/")
	expect(t, page, http.StatusOK,
		`<h1 id="home-heading">Was ansteht</h1>`,
		"Laufende und geplante Kohorten am "+today().German(),
		`<p class="due" data-due="complete">Ist seit 5 Tagen vorbei, steht aber noch auf „Läuft“: Kohorte abschließen.</p>`,
		`<p class="due" data-due="start">Hat vor 3 Tagen begonnen, steht aber noch auf „Geplant“: Kohorte starten.</p>`,
		`<p class="due" data-due="fill">Beginnt in 10 Tagen, und es sind noch Plätze frei.</p>`,
		"2 von 16 belegt",
		"2 Personen mit einem Platz in einer laufenden oder geplanten Kohorte können sich noch nicht anmelden",
		`<a href="/teilnehmende/`+itoa(jan.ID)+`">Jan Albers</a>`,
		`<a href="/teilnehmende/`+itoa(zoe.ID)+`">Zoë Ćosić-Şahin</a>`,
	)
	// Earliest start first; the finished cohort is not there.
	order := []uint{over.ID, begun.ID, soon.ID, later.ID}
	last := -1
	for _, id := range order {
		at := strings.Index(page.Body, `data-cohort="`+itoa(id)+`"`)
		if at < last {
			t.Errorf("cohort %d is out of order", id)
		}
		last = at
	}
	for _, absent := range []string{`data-cohort="` + itoa(done.ID) + `"`, "Ayşe", "Jürgen", "Lena", "Hier die ersten"} {
		if strings.Contains(page.Body, absent) {
			t.Errorf("the start page shows %q", absent)
		}
	}
	// A planned cohort far off needs nothing yet.
	card := page.Body[strings.Index(page.Body, `data-cohort="`+itoa(later.ID)+`"`):]
	if next := strings.Index(card, "</article>"); strings.Contains(card[:next], `class="due"`) {
		t.Errorf("the cohort starting in 60 days asks for something: %s", card[:next])
	}
}

// TestStartPageOfStaffWithNothingToDo says so instead of showing an empty
// list.
func TestStartPageOfStaffWithNothingToDo(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	expect(t, s.adminClient().get("/"), http.StatusOK, "Zurzeit läuft keine Kohorte, und keine ist geplant.")
}

// TestStartPageOfParticipant shows a participant their own cohorts and no
// one else's.
func TestStartPageOfParticipant(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	course := s.course("Netzwerkkoordinator:in")
	mine := s.cohort(course.ID, "Frühjahr 2023", 16)
	other := s.cohort(course.ID, "Herbst 2023", 16)
	zoe := s.person("Zoë", "Ćosić-Şahin", "zoe@kohorte.test", "NI")
	jan := s.person("Jan", "Albers", "jan@kohorte.test", "HB")
	s.enroll(mine.ID, zoe.ID)
	s.enroll(other.ID, jan.ID)
	inv, err := s.svc.Participants.CreateAccount(context.Background(), s.admin, zoe.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Passwords.SetPasswordWithToken(context.Background(), inv.Token, password, services.Actor{ClientAddr: "seed"}); err != nil {
		t.Fatal(err)
	}
	c := s.client()
	c.login("zoe@kohorte.test")
	page := c.get("/")
	expect(t, page, http.StatusOK, `<h1 id="home-heading">Meine Kurse</h1>`, "<h2>Frühjahr 2023</h2>", "01.03.2023", "Netzwerkkoordinator:in")
	for _, absent := range []string{"Herbst 2023", "Jan Albers", "Anwesenheitsquote", "Zertifikat nach", "Bewertung"} {
		if strings.Contains(page.Body, absent) {
			t.Errorf("the participant's start page shows %q", absent)
		}
	}

	// Without an enrollment the page says how one comes about.
	other2, _ := s.loggedIn(models.RoleParticipant)
	expect(t, other2.get("/"), http.StatusOK, "Sie sind noch in keine Kohorte eingeschrieben.")
}

// TestStartPageOfJuror says what a juror does and leads to their scoring.
func TestStartPageOfJuror(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	juror, _ := s.loggedIn(models.RoleJuror)
	page := juror.get("/")
	expect(t, page, http.StatusOK, `<h1 id="home-heading">Ihre Rolle: Jurymitglied</h1>`,
		"Als Jurymitglied bewerten Sie die Projektarbeiten",
		`<a class="button" href="/jury" data-testid="home-jury">Zur Bewertung</a>`,
		`<a href="/jury" data-nav="jury">Bewertung</a>`)
	if strings.Contains(page.Body, "noch nicht") {
		t.Error("the juror's start page still says scoring does not exist")
	}
	juror.lang = "en"
	expect(t, juror.get("/"), http.StatusOK, `href="/jury" data-testid="home-jury">Go to scoring</a>`)
}

// TestStartPagePromisesNothingUnbuilt: the page for visitors names only
// what Kohorte does today.
func TestStartPagePromisesNothingUnbuilt(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	for _, lang := range []string{"de", "en"} {
		c := s.client()
		c.lang = lang
		page := c.get("/")
		expect(t, page, http.StatusOK)
		for _, unbuilt := range []string{"Zertifikate ausstellen", "Anwesenheit", "bewerten", "Alumni", "QR", "Teilnahmebescheinigung",
			"attendance", "score", "alumni", "verify", "issue"} {
			if strings.Contains(page.Body, unbuilt) {
				t.Errorf("%s: the start page promises %q", lang, unbuilt)
			}
		}
	}
}
