package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"kohorte/models"
)

// juryRows sets up a cohort's jury as rows, as the groups helper's
// services would: scoring open, a one-criterion rubric (10 points, step
// 0.5), groups g1 and g2, juror a appointed and conflicted with g2.
type juryRows struct {
	cohort, criterion uint
	g1, g2            models.ProjectGroup
}

func (f *fixture) seedJury(t *testing.T, cohort, juror, admin uint, e1, e2 uint) juryRows {
	t.Helper()
	create := func(v any) {
		t.Helper()
		if err := f.db.Create(v).Error; err != nil {
			t.Fatal(err)
		}
	}
	opened := time.Now().UTC()
	create(&models.CohortJury{CohortID: cohort, Aggregation: models.AggregateMean, SpreadLimit: 20, ScoringOpenAt: &opened})
	c := models.RubricCriterion{CohortID: &cohort, Position: 1, Name: "Innovationsgrad", Weight: 1, MaxPoints: 1000, Step: 50}
	create(&c)
	j := juryRows{cohort: cohort, criterion: c.ID, g1: models.ProjectGroup{CohortID: cohort, Name: "G1"}, g2: models.ProjectGroup{CohortID: cohort, Name: "G2"}}
	create(&j.g1)
	create(&j.g2)
	create(&models.GroupMember{GroupID: j.g1.ID, EnrollmentID: e1})
	create(&models.GroupMember{GroupID: j.g2.ID, EnrollmentID: e2})
	create(&models.Juror{CohortID: cohort, UserID: juror, AppointedByID: admin})
	create(&models.JuryConflict{GroupID: j.g2.ID, UserID: juror, DeclaredByID: admin})
	return j
}

func id(v uint) string { return strconv.Itoa(int(v)) }

// TestJuryAccessByObject: an appointed juror scores only the groups they
// have no conflict with; a juror not appointed reaches nothing of the
// cohort; a participant sees only their own group's result and only once
// it is released. Refused requests write nothing.
func TestJuryAccessByObject(t *testing.T) {
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	jurorID := f.addUser(t, admin, "jury@example.org", models.RoleJuror, "Bewertung-2026")
	f.addUser(t, admin, "fremd@example.org", models.RoleJuror, "Bewertung-2027")
	juror, stranger := f.login(t, "jury@example.org", "Bewertung-2026"), f.login(t, "fremd@example.org", "Bewertung-2027")
	_, cohort := f.seedCourse(t, admin)
	p1, e1 := f.seedEnrollment(t, admin, cohort, "eins@example.org")
	_, e2 := f.seedEnrollment(t, admin, cohort, "zwei@example.org")
	member := f.participantLogin(t, admin, p1, "eins@example.org", "Teilnahme-2026")
	j := f.seedJury(t, cohort, jurorID, 1, e1, e2)
	sheet := func(points int) map[string]any {
		return map[string]any{"comment": "Gut", "points": []map[string]any{{"criterion_id": j.criterion, "points_hundredths": points}}}
	}
	sheets := func() int64 {
		var n int64
		f.db.Model(&models.ScoreSheet{}).Count(&n)
		return n
	}

	var view struct {
		Groups []struct{ ID uint }
	}
	f.as(juror, http.MethodGet, "/api/v1/cohorts/"+id(cohort)+"/scoring", nil).JSON(t, &view)
	if len(view.Groups) != 1 || view.Groups[0].ID != j.g1.ID {
		t.Errorf("the juror's view lists %+v, want G1 alone", view.Groups)
	}
	refused := []struct {
		name   string
		caller *http.Cookie
		method string
		path   string
		body   any
	}{
		{"conflicted group's sheet", juror, http.MethodGet, "/api/v1/groups/" + id(j.g2.ID) + "/sheet", nil},
		{"conflicted group's draft", juror, http.MethodPut, "/api/v1/groups/" + id(j.g2.ID) + "/sheet", sheet(500)},
		{"conflicted group's submit", juror, http.MethodPost, "/api/v1/groups/" + id(j.g2.ID) + "/sheet/submit", nil},
		{"not appointed: the cohort", stranger, http.MethodGet, "/api/v1/cohorts/" + id(cohort) + "/scoring", nil},
		{"not appointed: a draft", stranger, http.MethodPut, "/api/v1/groups/" + id(j.g1.ID) + "/sheet", sheet(500)},
		{"not appointed: a submit", stranger, http.MethodPost, "/api/v1/groups/" + id(j.g1.ID) + "/sheet/submit", nil},
	}
	for _, r := range refused {
		if got := f.as(r.caller, r.method, r.path, r.body); got.Status != http.StatusNotFound {
			t.Errorf("%s: %d %s, want 404", r.name, got.Status, got.Body)
		}
	}
	if n := sheets(); n != 0 {
		t.Fatalf("refused requests wrote %d sheets", n)
	}

	if r := f.as(juror, http.MethodPut, "/api/v1/groups/"+id(j.g1.ID)+"/sheet", sheet(725)); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(string(r.Body), "score.off_step") {
		t.Errorf("7.25 points in steps of 0.5: %d %s", r.Status, r.Body)
	}
	if r := f.as(juror, http.MethodPut, "/api/v1/groups/"+id(j.g1.ID)+"/sheet", sheet(750)); r.Status != http.StatusOK {
		t.Fatalf("draft: %d %s", r.Status, r.Body)
	}
	// The juror's cohorts count what is left: G1 alone (G2 conflicted), its
	// sheet a draft, none submitted.
	var progress struct {
		Items []struct{ ID, Groups, Drafts, Submitted int }
	}
	f.as(juror, http.MethodGet, "/api/v1/me/jury", nil).JSON(t, &progress)
	if len(progress.Items) != 1 || progress.Items[0].ID != int(cohort) || progress.Items[0].Groups != 1 ||
		progress.Items[0].Drafts != 1 || progress.Items[0].Submitted != 0 {
		t.Errorf("the juror's cohorts: %+v, want cohort %d with 1 group, 1 draft, 0 submitted", progress.Items, cohort)
	}
	if r := f.as(juror, http.MethodPost, "/api/v1/groups/"+id(j.g1.ID)+"/sheet/submit", nil); r.Status != http.StatusOK {
		t.Fatalf("submit: %d %s", r.Status, r.Body)
	}
	if r := f.as(juror, http.MethodPost, "/api/v1/groups/"+id(j.g1.ID)+"/sheet/submit", nil); r.Status != http.StatusConflict ||
		!strings.Contains(string(r.Body), "score.submitted") {
		t.Errorf("second submit: %d %s", r.Status, r.Body)
	}

	type mine struct {
		Items []struct {
			GroupID  uint `json:"group_id"`
			Released bool
			Result   *struct {
				State        string
				ResultTenths *int `json:"result_tenths"`
				Sheets       []struct {
					JurorName string `json:"juror_name"`
					Comment   string
				}
			}
		}
	}
	var before mine
	f.as(member, http.MethodGet, "/api/v1/me/group-result", nil).JSON(t, &before)
	if len(before.Items) != 1 || before.Items[0].GroupID != j.g1.ID || before.Items[0].Released || before.Items[0].Result != nil {
		t.Errorf("before release: %+v", before)
	}
	// 1 of the 1 sheet owed is in: G2's juror is conflicted, so nothing is missing.
	if r := f.as(admin, http.MethodPost, "/api/v1/cohorts/"+id(cohort)+"/results/release", map[string]any{}); r.Status != http.StatusOK {
		t.Fatalf("release: %d %s", r.Status, r.Body)
	}
	var after mine
	f.as(member, http.MethodGet, "/api/v1/me/group-result", nil).JSON(t, &after)
	if len(after.Items) != 1 || after.Items[0].Result == nil || after.Items[0].Result.State != "passed" ||
		*after.Items[0].Result.ResultTenths != 750 || after.Items[0].Result.Sheets[0].JurorName != "" ||
		after.Items[0].Result.Sheets[0].Comment != "Gut" {
		t.Errorf("after release: %+v", after)
	}
	if r := f.as(admin, http.MethodPost, "/api/v1/sheets/1/reopen", map[string]any{"reason": "zu spät"}); r.Status != http.StatusConflict ||
		!strings.Contains(string(r.Body), "score.released") {
		t.Errorf("reopen after release: %d %s", r.Status, r.Body)
	}
	r := f.as(admin, http.MethodGet, "/api/v1/cohorts/"+id(cohort)+"/results/export?format=csv", nil)
	if r.Status != http.StatusOK || !strings.Contains(string(r.Body), "G1;;Person jury@example.org;7,5;75;;;") {
		t.Errorf("export: %d %s", r.Status, r.Body)
	}
}
