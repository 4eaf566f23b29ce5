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

// groupMembers reads each group of a cohort with its members' first
// names, by group name, from the service: what the database holds.
func (s *stack) groupMembers(cohortID uint) map[string][]string {
	s.t.Helper()
	list, err := s.svc.Groups.ListGroups(context.Background(), s.admin, cohortID)
	if err != nil {
		s.t.Fatal(err)
	}
	out := map[string][]string{}
	for _, g := range list.Groups {
		names := []string{}
		for _, m := range g.Members {
			names = append(names, m.FirstName)
		}
		out[g.Name] = names
	}
	return out
}

// Staff add a group with its presenting session, choose its members and
// see them on the cohort's groups page; a person of another group, a
// withdrawn one and a taken name are refused by name, and nothing is
// written; a group is edited and deleted.
func TestGroupPagesCreateMembersRefuseEditDelete(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	course := s.course("Netzwerkkoordinator:in")
	cohort := s.cohort(course.ID, "Frühjahr 2023", 16)
	closing, err := s.svc.Schedule.CreateSession(ctx, s.admin, cohort.ID, services.SessionInput{Kind: models.SessionClosing,
		Title: "Abschlusspräsenz", StartsAt: services.BerlinAt(models.NewDate(2023, 5, 25), 600),
		EndsAt: services.BerlinAt(models.NewDate(2023, 5, 25), 960)})
	if err != nil {
		t.Fatal(err)
	}
	anna := s.enroll(cohort.ID, s.person("Anna", "Muster", "anna@kohorte.test", "NI").ID)
	bernd := s.enroll(cohort.ID, s.person("Bernd", "Öztürk", "bernd@kohorte.test", "HB").ID)
	carla := s.enroll(cohort.ID, s.person("Carla", "Schmidt", "carla@kohorte.test", "NI").ID)
	if _, err := s.svc.Enrollments.Withdraw(ctx, s.admin, carla.ID, today(), "Umzug"); err != nil {
		t.Fatal(err)
	}
	c := s.adminClient()
	page := fmt.Sprintf("/kohorten/%d/gruppen", cohort.ID)

	expect(t, c.get(fmt.Sprintf("/kohorten/%d", cohort.ID)), http.StatusOK, `href="`+page+`">Projektgruppen</a>`)
	expect(t, c.get(page), http.StatusOK, "Projektgruppen · Frühjahr 2023", "0 Gruppen · 0 von 2 Teilnehmenden in einer Gruppe",
		"Noch keine Projektgruppen.", fmt.Sprintf(`<option value="%d">Abschlusspräsenz, 25.05.2023 10:00–16:00</option>`, closing.ID))

	// A group needs a name; then it is added with its session.
	expect(t, c.post(page, form("name", " ", "project_title", "Fachkräfte-Radar")), http.StatusUnprocessableEntity,
		`<a href="#name">Name der Gruppe: Bitte füllen Sie dieses Feld aus.</a>`, `value="Fachkräfte-Radar"`)
	if got := s.groupMembers(cohort.ID); len(got) != 0 {
		t.Fatalf("a refused group was written: %v", got)
	}
	north := redirectID(t, c.post(page, form("name", "Gruppe Nord", "project_title", "Fachkräfte-Radar",
		"summary", "Ein Lagebild der Fachkräfte im Nordwesten.", "session_id", itoa(closing.ID))), page+"/")
	northPage := fmt.Sprintf("%s/%d", page, north)
	expect(t, c.get(northPage+"?erledigt=angelegt"), http.StatusOK, "Die Gruppe ist angelegt.", "0 Mitglieder",
		`id="mitglied-`+itoa(anna.ID)+`" name="mitglied" type="checkbox" value="`+itoa(anna.ID)+`">`)
	expectRedirect(t, c.post(northPage+"/mitglieder", form("mitglied", itoa(anna.ID), "mitglied", itoa(bernd.ID))),
		northPage+"?erledigt=mitglieder#mitglieder")
	expect(t, c.get(page), http.StatusOK, "1 Gruppe · 2 von 2 Teilnehmenden in einer Gruppe", "Gruppe Nord", "Fachkräfte-Radar",
		"Ein Lagebild der Fachkräfte im Nordwesten.", "Abschlusspräsenz, 25.05.2023 10:00–16:00", "2 Mitglieder",
		"<li>Muster, Anna</li>", "<li>Öztürk, Bernd</li>")

	// A second group cannot take Anna, who is in the first, nor Carla, who
	// withdrew, nor the first group's name; each refusal writes nothing.
	south := redirectID(t, c.post(page, form("name", "Gruppe Süd", "session_id", "")), page+"/")
	southPage := fmt.Sprintf("%s/%d", page, south)
	expect(t, c.get(southPage), http.StatusOK, "Muster, Anna <span class=\"badge badge--muted\">in der Gruppe „Gruppe Nord“</span>",
		"Schmidt, Carla <span class=\"badge badge--withdrawn\">Ausgetreten</span>", "noch offen")
	before := map[string][]string{"Gruppe Nord": {"Anna", "Bernd"}, "Gruppe Süd": {}}
	expect(t, c.post(southPage+"/mitglieder", form("mitglied", itoa(anna.ID))), http.StatusUnprocessableEntity,
		fmt.Sprintf(`<a href="#mitglied-%d">Mitglieder: Anna Muster ist schon Mitglied der Gruppe „Gruppe Nord“.</a>`, anna.ID),
		fmt.Sprintf(`id="mitglied-%d" name="mitglied" type="checkbox" value="%d" checked aria-invalid="true"`, anna.ID, anna.ID))
	if d := cmp.Diff(before, s.groupMembers(cohort.ID)); d != "" {
		t.Errorf("a refused member list was written (-want +got):\n%s", d)
	}
	expect(t, c.post(southPage+"/mitglieder", form("mitglied", itoa(carla.ID))), http.StatusUnprocessableEntity,
		"Mitglieder: Carla Schmidt ist aus der Kohorte ausgetreten und kann keiner Gruppe beitreten.")
	if d := cmp.Diff(before, s.groupMembers(cohort.ID)); d != "" {
		t.Errorf("a withdrawn member was written (-want +got):\n%s", d)
	}
	expect(t, c.post(southPage, form("name", "Gruppe Nord", "project_title", "Lernorte")), http.StatusUnprocessableEntity,
		`<a href="#name">Name der Gruppe: Eine andere Gruppe dieser Kohorte hat schon diesen Namen.</a>`)
	expect(t, c.get(page), http.StatusOK, "2 Gruppen", "Gruppe Süd", "noch offen")

	// Editing sets the session; moving Bernd needs him out of the north.
	expectRedirect(t, c.post(southPage, form("name", "Gruppe Süd", "project_title", "Lernorte", "session_id", itoa(closing.ID))),
		southPage+"?erledigt=gespeichert")
	expectRedirect(t, c.post(northPage+"/mitglieder", form("mitglied", itoa(anna.ID))), northPage+"?erledigt=mitglieder#mitglieder")
	expectRedirect(t, c.post(southPage+"/mitglieder", form("mitglied", itoa(bernd.ID))), southPage+"?erledigt=mitglieder#mitglieder")
	expect(t, c.get(southPage+"?erledigt=gespeichert"), http.StatusOK, "Die Gruppe ist gespeichert.", "Lernorte",
		"Abschlusspräsenz, 25.05.2023 10:00–16:00", "1 Mitglied", "<li>Öztürk, Bernd</li>")
	if d := cmp.Diff(map[string][]string{"Gruppe Nord": {"Anna"}, "Gruppe Süd": {"Bernd"}}, s.groupMembers(cohort.ID)); d != "" {
		t.Errorf("members (-want +got):\n%s", d)
	}

	// Deleting asks first; a group is reached only under its own cohort.
	expect(t, c.get(southPage), http.StatusOK, `data-confirm="Die Gruppe „Gruppe Süd“ löschen? Das lässt sich nicht rückgängig machen."`,
		`<input type="checkbox" name="bestaetigt" value="1" required>`)
	other := s.cohort(course.ID, "Herbst 2023", 16)
	expect(t, c.get(fmt.Sprintf("/kohorten/%d/gruppen/%d", other.ID, south)), http.StatusNotFound)
	expect(t, c.post(fmt.Sprintf("/kohorten/%d/gruppen/%d/loeschen", other.ID, south), form("bestaetigt", "1")), http.StatusNotFound)
	expectRedirect(t, c.post(southPage+"/loeschen", form("bestaetigt", "1")), page+"?erledigt=geloescht")
	expect(t, c.get(page+"?erledigt=geloescht"), http.StatusOK, "Die Gruppe ist gelöscht.", "1 Gruppe · 1 von 2 Teilnehmenden in einer Gruppe")
	if d := cmp.Diff(map[string][]string{"Gruppe Nord": {"Anna"}}, s.groupMembers(cohort.ID)); d != "" {
		t.Errorf("after deleting (-want +got):\n%s", d)
	}

	expectRedirect(t, c.post("/sprache", form("lang", "en", "next", page)), page)
	expect(t, c.get(page), http.StatusOK, "Project groups · Frühjahr 2023", "1 group · 1 of 2 participants in a group",
		"1 member", "Presentation session", "Abschlusspräsenz, 25 May 2023 10:00–16:00")
	expect(t, c.post(northPage+"/mitglieder", form("mitglied", itoa(carla.ID))), http.StatusUnprocessableEntity,
		"Members: Carla Schmidt has withdrawn from the cohort and cannot join a group.")

	juror, _ := s.loggedIn(models.RoleJuror)
	expect(t, juror.get(page), http.StatusForbidden)
	expect(t, juror.post(page, form("name", "Gruppe West")), http.StatusForbidden)
}

// A group a juror has begun a sheet for is not deleted, and an archived
// cohort's groups take no change; the page says why and nothing changes.
func TestGroupPagesRefuseDeletingScoredGroupsAndChangingArchived(t *testing.T) {
	t.Parallel()
	s, db := newAttendanceStack(t)
	ctx := context.Background()
	course := s.course("Netzwerkkoordinator:in")
	cohort := s.cohort(course.ID, "Frühjahr 2023", 16)
	anna := s.enroll(cohort.ID, s.person("Anna", "Muster", "anna@kohorte.test", "NI").ID)
	g, err := s.svc.Groups.CreateGroup(ctx, s.admin, cohort.ID, services.GroupInput{Name: "Gruppe Nord"})
	if err != nil {
		t.Fatal(err)
	}
	_, juror := s.loggedIn(models.RoleJuror)
	// A draft sheet, as the scoring service writes it once scoring is open.
	if err := db.Create(&models.ScoreSheet{GroupID: g.ID, JurorID: juror.ID}).Error; err != nil {
		t.Fatal(err)
	}
	c := s.adminClient()
	page := fmt.Sprintf("/kohorten/%d/gruppen", cohort.ID)
	groupPage := fmt.Sprintf("%s/%d", page, g.ID)
	expect(t, c.post(groupPage+"/loeschen", form("bestaetigt", "1")), http.StatusConflict,
		"Für diese Gruppe gibt es schon Bewertungsbögen (1); sie kann nicht mehr gelöscht werden.")
	if d := cmp.Diff(map[string][]string{"Gruppe Nord": {}}, s.groupMembers(cohort.ID)); d != "" {
		t.Errorf("groups (-want +got):\n%s", d)
	}

	for _, st := range []models.CohortStatus{models.CohortRunning, models.CohortCompleted, models.CohortArchived} {
		if _, err := s.svc.Cohorts.SetCohortStatus(ctx, s.admin, cohort.ID, st); err != nil {
			t.Fatal(err)
		}
	}
	r := c.get(groupPage)
	expect(t, r, http.StatusOK, "Gruppe Nord", "0 Mitglieder")
	if strings.Contains(r.Body, `action="`+groupPage+`/mitglieder"`) || strings.Contains(r.Body, "Gruppe löschen") {
		t.Error("an archived cohort's group offers its forms")
	}
	expect(t, c.post(page, form("name", "Gruppe Süd")), http.StatusConflict, "Die Kohorte ist archiviert")
	expect(t, c.post(groupPage+"/mitglieder", form("mitglied", itoa(anna.ID))), http.StatusConflict, "Die Kohorte ist archiviert")
	expect(t, c.post(groupPage, form("name", "Gruppe West")), http.StatusConflict, "Die Kohorte ist archiviert")
	if d := cmp.Diff(map[string][]string{"Gruppe Nord": {}}, s.groupMembers(cohort.ID)); d != "" {
		t.Errorf("an archived cohort's groups changed (-want +got):\n%s", d)
	}
}
