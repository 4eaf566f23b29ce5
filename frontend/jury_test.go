package frontend_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gorm.io/gorm"

	"kohorte/models"
	"kohorte/services"
)

// juryFixture is a cohort with three project groups and two jurors'
// accounts, built through the services. The course's rubric is two
// criteria of at most 10 points in steps of 0,5, weighted 3 and 1, so a
// sheet's share is (3·Inhalt + Präsentation) / 40.
type juryFixture struct {
	s      *stack
	db     *gorm.DB
	cohort models.Cohort
	groups []models.ProjectGroup // Gruppe A, Gruppe B, Gruppe C
	jana   models.User
	jonas  models.User
}

func newJuryFixture(t *testing.T) *juryFixture {
	t.Helper()
	s, db := newAttendanceStack(t)
	f := &juryFixture{s: s, db: db}
	ctx := context.Background()
	course := s.course("Netzwerkkoordinator:in")
	_, err := s.svc.Rubrics.SetCourseRubric(ctx, s.admin, course.ID, []services.CriterionInput{
		{Name: "Inhalt", Weight: 3, MaxPoints: "10", Step: "0,5"},
		{Name: "Präsentation", Weight: 1, MaxPoints: "10", Step: "0,5"},
	})
	if err != nil {
		t.Fatal(err)
	}
	f.cohort = s.cohort(course.ID, "Frühjahr 2023", 16)
	for i, g := range []struct{ name, project, first string }{
		{"Gruppe A", "Lotsenprojekt", "Anna"}, {"Gruppe B", "Wegweiser", "Bernd"}, {"Gruppe C", "Brückenbau", "Clara"},
	} {
		p := s.person(g.first, "Muster", strings.ToLower(g.first)+"@kohorte.test", "NI")
		en := s.enroll(f.cohort.ID, p.ID)
		group, err := s.svc.Groups.CreateGroup(ctx, s.admin, f.cohort.ID, services.GroupInput{Name: g.name, ProjectTitle: g.project})
		if err != nil {
			t.Fatalf("group %d: %v", i, err)
		}
		if _, err := s.svc.Groups.SetMembers(ctx, s.admin, group.ID, []uint{en.ID}); err != nil {
			t.Fatal(err)
		}
		f.groups = append(f.groups, group)
	}
	f.jana = s.user("jana@kohorte.test", "Jana Jurorin", models.RoleJuror)
	f.jonas = s.user("jonas@kohorte.test", "Jonas Juror", models.RoleJuror)
	return f
}

func (f *juryFixture) count(t *testing.T, model any, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := f.db.Model(model).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// jury reads the cohort's jury settings row; CohortID 0 when it has none.
func (f *juryFixture) jury(t *testing.T) models.CohortJury {
	t.Helper()
	var j models.CohortJury
	if err := f.db.Where("cohort_id = ?", f.cohort.ID).Limit(1).Find(&j).Error; err != nil {
		t.Fatal(err)
	}
	return j
}

// Staff appoint jurors and record a conflict of interest on the jury page,
// change its settings and open scoring; refusals are shown translated and
// write nothing.
func TestJuryPageAppointsRecordsConflictsAndOpensScoring(t *testing.T) {
	t.Parallel()
	f := newJuryFixture(t)
	c := f.s.adminClient()
	page := fmt.Sprintf("/kohorten/%d/jury", f.cohort.ID)
	groupB := f.groups[1]

	expect(t, c.get(fmt.Sprintf("/kohorten/%d", f.cohort.ID)), http.StatusOK, `href="`+page+`"`,
		fmt.Sprintf(`href="/kohorten/%d/ergebnisse"`, f.cohort.ID))
	expect(t, c.get(page), http.StatusOK, "Jury · Frühjahr 2023", "Nicht geöffnet",
		"Noch niemand ist in die Jury dieser Kohorte berufen.", "Jana Jurorin (jana@kohorte.test)", "Jonas Juror (jonas@kohorte.test)",
		`<option value="mean" selected>Mittelwert</option>`, `name="spread_limit" type="number" value="20"`,
		"Inhalt", "Präsentation", "Der Bewertungsbogen des Kurses")

	// Without jurors scoring cannot open; nothing is frozen.
	expect(t, c.post(page+"/oeffnen", url.Values{"bestaetigt": {"1"}}), http.StatusConflict,
		"Die Kohorte hat keine Jury. Berufen Sie Jurymitglieder, bevor die Bewertung öffnet.")
	if j := f.jury(t); j.ScoringOpenAt != nil {
		t.Errorf("refused opening opened scoring at %v", j.ScoringOpenAt)
	}
	if n := f.count(t, &models.RubricCriterion{}, "cohort_id = ?", f.cohort.ID); n != 0 {
		t.Errorf("refused opening froze %d criteria", n)
	}

	expectRedirect(t, c.post(page+"/berufen", url.Values{"user_id": {itoa(f.jana.ID)}}), page+"?erledigt=berufen#jurorinnen")
	expectRedirect(t, c.post(page+"/berufen", url.Values{"user_id": {itoa(f.jonas.ID)}}), page+"?erledigt=berufen#jurorinnen")
	// Staff are no jurors: refused by its code, nobody more appointed.
	expect(t, c.post(page+"/berufen", url.Values{"user_id": {itoa(f.s.admin.UserID)}}), http.StatusUnprocessableEntity,
		"Bitte wählen Sie ein aktives Konto mit der Rolle Juror:in.")
	expect(t, c.post(page+"/berufen", url.Values{"user_id": {itoa(f.jana.ID)}}), http.StatusConflict,
		"Diese Person ist schon in die Jury dieser Kohorte berufen.")
	if n := f.count(t, &models.Juror{}, "cohort_id = ?", f.cohort.ID); n != 2 {
		t.Errorf("%d jurors, want 2", n)
	}
	r := c.get(page + "?erledigt=berufen")
	expect(t, r, http.StatusOK, "Das Jurymitglied wurde berufen.", fmt.Sprintf(`data-testid="juror-%d"`, f.jana.ID),
		fmt.Sprintf(`data-testid="juror-%d"`, f.jonas.ID), "jonas@kohorte.test", "Es gibt kein weiteres aktives Konto")

	// A conflict needs a reason.
	conflict := url.Values{"user_id": {itoa(f.jonas.ID)}, "group_id": {itoa(groupB.ID)}}
	expect(t, c.post(page+"/befangenheit", conflict), http.StatusUnprocessableEntity,
		`<a href="#reason">Begründung: Bitte füllen Sie dieses Feld aus.</a>`)
	if n := f.count(t, &models.JuryConflict{}, "group_id = ?", groupB.ID); n != 0 {
		t.Errorf("refused conflict wrote %d rows", n)
	}
	conflict.Set("reason", "Betreut die Gruppe als Mentor")
	expectRedirect(t, c.post(page+"/befangenheit", conflict), page+"?erledigt=befangenheit#befangenheiten")
	expect(t, c.post(page+"/befangenheit", conflict), http.StatusConflict, "Diese Befangenheit ist schon erfasst.")
	r = c.get(page + "?erledigt=befangenheit")
	expect(t, r, http.StatusOK, "Die Befangenheit wurde erfasst.", fmt.Sprintf(`data-testid="conflict-%d-%d"`, groupB.ID, f.jonas.ID),
		"Betreut die Gruppe als Mentor", "Befangenheit von Jonas Juror für Gruppe B entfernen?")

	// Settings: a word is no limit; then the median, 25 points, names shown.
	expect(t, c.post(page+"/einstellungen", url.Values{"aggregation": {"median"}, "spread_limit": {"viel"}}),
		http.StatusUnprocessableEntity, "Grenze für Uneinigkeit in Prozentpunkten: Bitte geben Sie eine ganze Zahl ein.")
	expect(t, c.post(page+"/einstellungen", url.Values{"aggregation": {"median"}, "spread_limit": {"101"}}),
		http.StatusUnprocessableEntity, "Grenze für Uneinigkeit in Prozentpunkten")
	if j := f.jury(t); j.CohortID != 0 {
		t.Errorf("refused settings were written: %+v", j)
	}
	expectRedirect(t, c.post(page+"/einstellungen", url.Values{"aggregation": {"median"}, "spread_limit": {"25"}, "show_juror_names": {"1"}}),
		page+"?erledigt=gespeichert#einstellungen")
	if j := f.jury(t); j.Aggregation != models.AggregateMedian || j.SpreadLimit != 25 || !j.ShowJurorNames {
		t.Errorf("settings %+v, want median, 25, names shown", j)
	}
	expect(t, c.get(page), http.StatusOK, `<option value="median" selected>Median</option>`, `value="25"`,
		`name="show_juror_names" value="1" checked`)

	expectRedirect(t, c.post(page+"/oeffnen", url.Values{"bestaetigt": {"1"}}), page+"?erledigt=geoeffnet#bewertung")
	if n := f.count(t, &models.RubricCriterion{}, "cohort_id = ?", f.cohort.ID); n != 2 {
		t.Errorf("opening froze %d criteria, want 2", n)
	}
	expect(t, c.get(page+"?erledigt=geoeffnet"), http.StatusOK, "Die Bewertung ist geöffnet.", "Die Bewertung ist seit ",
		"Die eingefrorene Kopie dieser Kohorte.")
	expect(t, c.post(page+"/oeffnen", url.Values{"bestaetigt": {"1"}}), http.StatusConflict,
		"Die Bewertung dieser Kohorte ist schon geöffnet.")

	expectRedirect(t, c.post(page+"/befangenheit/entfernen", url.Values{"user_id": {itoa(f.jonas.ID)}, "group_id": {itoa(groupB.ID)}}),
		page+"?erledigt=befangenheit-entfernt#befangenheiten")
	if n := f.count(t, &models.JuryConflict{}, "group_id = ?", groupB.ID); n != 0 {
		t.Errorf("%d conflicts left, want 0", n)
	}
	expectRedirect(t, c.post(fmt.Sprintf("%s/%d/abberufen", page, f.jonas.ID), url.Values{"bestaetigt": {"1"}}),
		page+"?erledigt=abberufen#jurorinnen")
	expect(t, c.get(page+"?erledigt=abberufen"), http.StatusOK, "Das Jurymitglied wurde abberufen.", "Jonas Juror (jonas@kohorte.test)")

	juror := f.s.client()
	juror.login("jana@kohorte.test")
	expect(t, juror.get(page), http.StatusForbidden)
	expect(t, juror.post(page+"/oeffnen", nil), http.StatusForbidden)
}

// In English the jury page and its refusals speak English.
func TestJuryPageInEnglish(t *testing.T) {
	t.Parallel()
	f := newJuryFixture(t)
	c := f.s.adminClient()
	c.lang = "en"
	page := fmt.Sprintf("/kohorten/%d/jury", f.cohort.ID)
	expect(t, c.get(page), http.StatusOK, "Jury · Frühjahr 2023", "Open scoring", "Conflicts of interest", "Maximum points")
	r := c.post(page+"/oeffnen", url.Values{"bestaetigt": {"1"}})
	expect(t, r, http.StatusConflict, "Appoint")
	if strings.Contains(r.Body, "Berufen Sie") {
		t.Errorf("English page shows the German refusal")
	}
}
