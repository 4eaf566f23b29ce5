package frontend_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kohorte/models"
	"kohorte/services"
)

// cohortState is what a refused request must leave as it was: the
// cohort and its list.
func (s *stack) cohortState(id uint) string {
	s.t.Helper()
	ctx := context.Background()
	c, err := s.svc.Cohorts.GetCohort(ctx, s.admin, id)
	if err != nil {
		s.t.Fatal(err)
	}
	es, _, err := s.svc.Enrollments.ListEnrollments(ctx, s.admin, id, services.EnrollmentFilter{Page: services.Page{Number: 1, Size: 100}})
	if err != nil {
		s.t.Fatal(err)
	}
	out := fmt.Sprintf("%s %s %s %d %s %d", c.Name, c.Venue, c.Status, c.Capacity, c.EndDate, c.EnrolledCount)
	for _, e := range es {
		out += fmt.Sprintf(" %d:%s:%v:%d", e.ID, e.Status, e.WithdrawnAt, e.Participant.UserID)
	}
	return out + fmt.Sprintf(" people=%d", s.participantCount())
}

func (s *stack) archive(id uint) {
	s.t.Helper()
	for _, st := range []models.CohortStatus{models.CohortRunning, models.CohortCompleted, models.CohortArchived} {
		if _, err := s.svc.Cohorts.SetCohortStatus(context.Background(), s.admin, id, st); err != nil {
			s.t.Fatal(err)
		}
	}
}

func TestArchivedCohortPageOffersNoChangesAndRefusesThem(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	cohort := s.cohort(s.course("Netzwerkkoordinator:in").ID, "Frühjahr 2023", 16)
	zoe := s.person("Zoë", "Ćosić-Şahin", "zoe@kohorte.test", "NI")
	juergen := s.person("Jürgen", "Müller", "juergen@kohorte.test", "HB")
	ez := s.enroll(cohort.ID, zoe.ID)
	ej := s.enroll(cohort.ID, juergen.ID)
	if _, err := s.svc.Enrollments.Withdraw(context.Background(), s.admin, ej.ID, models.Date{}, "Umzug"); err != nil {
		t.Fatal(err)
	}
	s.archive(cohort.ID)
	c := s.adminClient()
	page := fmt.Sprintf("/kohorten/%d", cohort.ID)

	r := c.get(page)
	expect(t, r, http.StatusOK, "Die Kohorte ist archiviert.", fmt.Sprintf(`name="ids" value="%d"`, ez.ID),
		`formaction="`+page+`/export.csv"`)
	for _, control := range []string{`id="bearbeiten"`, `action="` + page + `"`, page + "/austritt/", page + "/einschreiben",
		page + "/neu-einschreiben", page + "/import", page + "/zugaenge", `action="` + page + `/austritt"`} {
		if strings.Contains(r.Body, control) {
			t.Errorf("an archived cohort's page offers %s", control)
		}
	}

	before := s.cohortState(cohort.ID)
	const archived = "Die Kohorte ist archiviert: An ihr und ihren Einschreibungen lässt sich nichts mehr ändern."
	posts := []struct {
		path string
		form []string
	}{
		{page, []string{"name", "Frühjahr 2023", "start_date", "2023-03-01", "end_date", today().AddDays(365).String(), "capacity", "16", "venue", "Hamburg"}},
		{page + "/einschreiben", []string{"participant_id", itoa(juergen.ID)}},
		{page + "/neu-einschreiben", []string{"first_name", "Lena", "last_name", "Neu", "email", "lena@kohorte.test"}},
		{fmt.Sprintf("%s/austritt/%d", page, zoe.ID), []string{"date", today().String()}},
		{page + "/austritt", []string{"ids", itoa(ez.ID), "date", today().String()}},
		{page + "/zugaenge", []string{"ids", itoa(ez.ID)}},
	}
	for _, p := range posts {
		r := c.post(p.path, form(p.form...))
		if r.Code != http.StatusConflict || !strings.Contains(r.Body, archived) {
			t.Errorf("POST %s: status %d, want 409 saying the cohort is archived", p.path, r.Code)
		}
	}
	expect(t, c.get(fmt.Sprintf("%s/austritt/%d", page, zoe.ID)), http.StatusConflict, archived)
	if got := c.get(fmt.Sprintf("%s/austritt/%d", page, zoe.ID)); strings.Contains(got.Body, `name="date"`) {
		t.Error("the withdrawal page of an archived cohort offers its form")
	}
	expect(t, c.get(page+"/export.csv?auswahl=1&ids="+itoa(ez.ID)), http.StatusOK, "zoe@kohorte.test")
	if diff := cmp.Diff(before, s.cohortState(cohort.ID)); diff != "" {
		t.Fatalf("refused requests changed the cohort (-before +after):\n%s", diff)
	}
}

func TestBulkActionsOnACohortsList(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	course := s.course("Netzwerkkoordinator:in")
	cohort := s.cohort(course.ID, "Frühjahr 2023", 16)
	other := s.cohort(course.ID, "Herbst 2023", 16)
	zoe := s.person("Zoë", "Ćosić-Şahin", "zoe@kohorte.test", "NI")
	ez := s.enroll(cohort.ID, zoe.ID)
	ej := s.enroll(cohort.ID, s.person("Jürgen", "Müller", "juergen@kohorte.test", "HB").ID)
	ea := s.enroll(cohort.ID, s.person("Ayşe", "Yılmaz", "ayse@kohorte.test", "HH").ID)
	el := s.enroll(other.ID, s.person("Lena", "Neu", "lena@kohorte.test", "SH").ID)
	c := s.adminClient()
	page := fmt.Sprintf("/kohorten/%d", cohort.ID)

	// Selecting every person of the page works without script.
	r := c.get(page)
	expect(t, r, http.StatusOK, `<a href="`+page+`?alle=1#teilnehmende" data-select="all"`, `form="auswahl" name="ids"`)
	if n := strings.Count(r.Body, `" checked aria-label=`); n != 0 {
		t.Errorf("%d boxes ticked before selecting", n)
	}
	r = c.get(page + "?alle=1")
	expect(t, r, http.StatusOK, `data-select="none"`, "Auswahl aufheben")
	if n := strings.Count(r.Body, `" checked aria-label=`); n != 3 {
		t.Errorf("%d boxes ticked after selecting all, want 3", n)
	}

	// The withdrawal of several is confirmed on its own page.
	confirm := fmt.Sprintf("%s/austritt?auswahl=1&ids=%d&ids=%d", page, ez.ID, ej.ID)
	expect(t, c.get(confirm), http.StatusOK, "Ćosić-Şahin, Zoë", "Müller, Jürgen", fmt.Sprintf(`<input type="hidden" name="ids" value="%d">`, ej.ID),
		`value="`+today().String()+`"`, "2 Austritte bestätigen")
	expect(t, c.get(page+"/austritt?auswahl=1"), http.StatusUnprocessableEntity, "Wählen Sie in der Liste mindestens eine Person aus.")

	before := s.cohortState(cohort.ID)
	expect(t, c.post(page+"/austritt", form("ids", itoa(ez.ID), "ids", itoa(el.ID), "date", today().String())),
		http.StatusUnprocessableEntity, fmt.Sprintf("Die Einschreibung %d gehört nicht zu dieser Kohorte.", el.ID))
	expect(t, c.post(page+"/austritt", form("ids", itoa(ez.ID), "ids", itoa(ej.ID), "date", "2020-01-01")), http.StatusUnprocessableEntity,
		"<strong>Zoë Ćosić-Şahin</strong>: Das Austrittsdatum darf nicht vor dem Tag der Einschreibung ("+today().German()+") liegen.",
		"<strong>Jürgen Müller</strong>: Das Austrittsdatum darf nicht vor")
	expect(t, c.post(page+"/austritt", form("ids", itoa(ez.ID), "date", today().AddDays(366).String())), http.StatusUnprocessableEntity,
		`<a href="#date">Austrittsdatum: Das Austrittsdatum darf nicht nach dem letzten Tag der Kohorte (`+today().AddDays(365).German()+`) liegen.</a>`)
	if diff := cmp.Diff(before, s.cohortState(cohort.ID)); diff != "" {
		t.Fatalf("refused withdrawals changed the list (-before +after):\n%s", diff)
	}
	expectRedirect(t, c.post(page+"/austritt", form("ids", itoa(ez.ID), "ids", itoa(ej.ID), "date", today().String(), "reason", "Umzug")),
		page+"?erledigt=ausgetreten-mehrere&anzahl=2#teilnehmende")
	expect(t, c.get(page+"?erledigt=ausgetreten-mehrere&anzahl=2"), http.StatusOK, "2 Austritte wurden gespeichert.", "1 von 16 belegt")
	expect(t, c.post(page+"/austritt", form("ids", itoa(ea.ID), "ids", itoa(ez.ID), "date", today().String())), http.StatusUnprocessableEntity,
		"<strong>Zoë Ćosić-Şahin</strong>: Diese Person ist in der Kohorte nicht (mehr) eingeschrieben")

	// The export of a selection has the columns of the whole list.
	r = c.get(fmt.Sprintf("%s/export.csv?auswahl=1&ids=%d", page, ea.ID))
	expect(t, r, http.StatusOK, "ayse@kohorte.test")
	if all := c.get(page + "/export.csv"); strings.Contains(r.Body, "zoe@kohorte.test") ||
		strings.SplitN(r.Body, "\n", 2)[0] != strings.SplitN(all.Body, "\n", 2)[0] {
		t.Errorf("selection export:\n%s\nwhole list:\n%s", r.Body, all.Body)
	}
	expect(t, c.get(page+"/export.csv?auswahl=1"), http.StatusUnprocessableEntity, "Wählen Sie in der Liste mindestens eine Person aus.")
	expect(t, c.get(fmt.Sprintf("%s/export.xlsx?auswahl=1&ids=%d", page, el.ID)), http.StatusUnprocessableEntity, "nicht in dieser Kohorte eingeschrieben")

	// Accounts: who has one is skipped and counted.
	if _, err := s.svc.Participants.CreateAccount(context.Background(), s.admin, zoe.ID); err != nil {
		t.Fatal(err)
	}
	expect(t, c.post(page+"/zugaenge", form("ids", itoa(el.ID))), http.StatusUnprocessableEntity,
		fmt.Sprintf("Die Einschreibung %d gehört nicht zu dieser Kohorte.", el.ID))
	r = c.post(page+"/zugaenge", form("ids", itoa(ez.ID), "ids", itoa(ea.ID), "auswahl", "1"))
	expect(t, r, http.StatusOK, "1 Zugang wurde eingerichtet.", "1 ausgewählte Person hatte schon einen Zugang und wurde übersprungen.",
		"Ayşe Yılmaz", "/passwort-setzen?token=")
	if n := strings.Count(r.Body, "/passwort-setzen?token="); n != 1 {
		t.Errorf("%d links shown, want 1", n)
	}
}
