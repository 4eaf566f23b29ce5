package api_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"kohorte/api/apitest"
	"kohorte/models"
)

// seedGroup adds a project group without members to cohort.
func (f *fixture) seedGroup(t *testing.T, staff *http.Cookie, cohort uint, name string) uint {
	t.Helper()
	var g struct{ ID uint }
	r := f.as(staff, http.MethodPost, "/api/v1/cohorts/"+strconv.Itoa(int(cohort))+"/groups", map[string]any{"name": name})
	if r.Status != http.StatusCreated {
		t.Fatalf("create group: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &g)
	return g.ID
}

type apiMember struct {
	EnrollmentID uint   `json:"enrollment_id"`
	LastName     string `json:"last_name"`
	Withdrawn    bool
}

type apiGroup struct {
	Name         string
	ProjectTitle string `json:"project_title"`
	SessionID    *uint  `json:"session_id"`
	Members      []apiMember
}

type apiCriterion struct {
	Name      string
	Weight    int
	MaxPoints float64 `json:"max_points"`
	Step      float64
}

type fieldParamsProblem struct {
	Code   string
	Errors []struct {
		Field  string
		Code   string
		Params map[string]any
	}
}

func TestGroupAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	_, cohort := f.seedCourse(t, admin)
	_, zoe := f.seedEnrollment(t, admin, cohort, "zoe@example.org")
	session := f.seedSession(t, admin, cohort)
	base := "/api/v1/cohorts/" + strconv.Itoa(int(cohort))
	a := f.seedGroup(t, admin, cohort, "Gruppe A")
	path := "/api/v1/groups/" + strconv.Itoa(int(a))
	f.client.Run(t, []apitest.Row{
		{Name: "a second group", Cookie: admin, Method: http.MethodPost, Path: base + "/groups",
			Body:   map[string]any{"name": "Gruppe B", "project_title": "Fachkräfte im Landkreis", "session_id": session},
			Status: http.StatusCreated, Want: apiGroup{Name: "Gruppe B", ProjectTitle: "Fachkräfte im Landkreis", SessionID: &session, Members: []apiMember{}}},
		{Name: "the name is taken", Cookie: admin, Method: http.MethodPost, Path: base + "/groups", Body: map[string]any{"name": "Gruppe A"},
			Status: http.StatusUnprocessableEntity, Want: invalidProblem{Code: "invalid_input", Errors: []fieldProblem{{"name", "group.name_taken"}}}},
		{Name: "a session of no cohort of ours", Cookie: admin, Method: http.MethodPatch, Path: path, Body: map[string]any{"session_id": 9999},
			Status: http.StatusUnprocessableEntity, Want: invalidProblem{Code: "invalid_input", Errors: []fieldProblem{{"session_id", "group.session_not_in_cohort"}}}},
		{Name: "members set", Cookie: admin, Method: http.MethodPut, Path: path + "/members", Body: map[string]any{"enrollment_ids": []uint{zoe}},
			Status: http.StatusOK, Want: apiGroup{Name: "Gruppe A", Members: []apiMember{{zoe, "Ćosić-Şahin", false}}}},
		{Name: "the same person in a second group", Cookie: admin, Method: http.MethodPut, Path: fmt.Sprintf("/api/v1/groups/%d/members", a+1),
			Body: map[string]any{"enrollment_ids": []uint{zoe}}, Status: http.StatusUnprocessableEntity,
			Want: fieldParamsProblem{Code: "invalid_input", Errors: []struct {
				Field  string
				Code   string
				Params map[string]any
			}{{"enrollment_ids[0]", "group.member_in_other_group", map[string]any{"name": "Zoë Ćosić-Şahin", "group": "Gruppe A"}}}}},
		{Name: "session set, then removed with null", Cookie: admin, Method: http.MethodPatch, Path: path, Body: map[string]any{"session_id": nil, "project_title": "Neu"},
			Status: http.StatusOK, Want: apiGroup{Name: "Gruppe A", ProjectTitle: "Neu", Members: []apiMember{{zoe, "Ćosić-Şahin", false}}}},
		{Name: "a session id that is no number", Cookie: admin, Method: http.MethodPatch, Path: path, Body: map[string]any{"session_id": "x"},
			Status: http.StatusUnprocessableEntity},
		{Name: "list", Cookie: admin, Method: http.MethodGet, Path: base + "/groups", Status: http.StatusOK,
			Want: struct{ Items []apiGroup }{[]apiGroup{
				{Name: "Gruppe A", ProjectTitle: "Neu", Members: []apiMember{{zoe, "Ćosić-Şahin", false}}},
				{Name: "Gruppe B", ProjectTitle: "Fachkräfte im Landkreis", SessionID: &session, Members: []apiMember{}}}}},
		{Name: "delete", Cookie: admin, Method: http.MethodDelete, Path: path, Status: http.StatusNoContent},
		{Name: "gone", Cookie: admin, Method: http.MethodGet, Path: path, Status: http.StatusNotFound},
	})
}

func TestRubricAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	course, _ := f.seedCourse(t, admin)
	path := "/api/v1/courses/" + strconv.Itoa(int(course)) + "/rubric"
	type rubric struct{ Criteria []apiCriterion }
	f.client.Run(t, []apitest.Row{
		{Name: "the default rubric", Cookie: admin, Method: http.MethodGet, Path: path, Status: http.StatusOK,
			Want: rubric{[]apiCriterion{{"Innovationsgrad", 25, 10, 0.5}, {"Fachliche Fundierung", 30, 10, 0.5},
				{"Relevanz für die Netzwerkarbeit", 25, 10, 0.5}, {"Präsentation", 20, 10, 0.5}}}},
		{Name: "points as text with a comma and as a number", Cookie: admin, Method: http.MethodPut, Path: path,
			Body: map[string]any{"criteria": []map[string]any{
				{"name": "Wirkung", "weight": 60, "max_points": "7,5", "step": 0.25},
				{"name": "Vortrag", "weight": 40, "max_points": 5, "step": "1"}}},
			Status: http.StatusOK, Want: rubric{[]apiCriterion{{"Wirkung", 60, 7.5, 0.25}, {"Vortrag", 40, 5, 1}}}},
		{Name: "errors name the row", Cookie: admin, Method: http.MethodPut, Path: path,
			Body: map[string]any{"criteria": []map[string]any{
				{"name": "Wirkung", "weight": 60, "max_points": "7,5", "step": "0,5"},
				{"name": "Vortrag", "weight": 40, "max_points": "7,555", "step": "2"}}},
			Status: http.StatusUnprocessableEntity, Want: invalidProblem{Code: "invalid_input", Errors: []fieldProblem{
				{"criteria[1].max_points", "rubric.points_invalid"}}}},
		{Name: "unchanged by the refusal", Cookie: admin, Method: http.MethodGet, Path: path, Status: http.StatusOK,
			Want: rubric{[]apiCriterion{{"Wirkung", 60, 7.5, 0.25}, {"Vortrag", 40, 5, 1}}}},
	})
}

type apiJury struct {
	Aggregation    string
	SpreadLimit    int  `json:"spread_limit"`
	ShowJurorNames bool `json:"show_juror_names"`
	Open           bool
	Jurors         []struct {
		UserID uint `json:"user_id"`
	}
	Conflicts []struct {
		GroupName    string `json:"group_name"`
		Reason       string
		SelfDeclared bool `json:"self_declared"`
	}
}

func TestJuryAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	_, cohort := f.seedCourse(t, admin)
	a := f.seedGroup(t, admin, cohort, "Gruppe A")
	b := f.seedGroup(t, admin, cohort, "Gruppe B")
	juror := f.addUser(t, admin, "jury@example.org", models.RoleJuror, "Bewertung-2026")
	jurorCookie := f.login(t, "jury@example.org", "Bewertung-2026")
	base := "/api/v1/cohorts/" + strconv.Itoa(int(cohort))
	groupA := "/api/v1/groups/" + strconv.Itoa(int(a))
	f.client.Run(t, []apitest.Row{
		{Name: "scoring cannot open without jurors", Cookie: admin, Method: http.MethodPost, Path: base + "/scoring/open",
			Status: http.StatusConflict, Want: invalidProblem{Code: "jury.no_jurors"}},
		{Name: "a juror not yet appointed declares nothing", Cookie: jurorCookie, Method: http.MethodPost, Path: "/api/v1/me/conflicts",
			Body: map[string]any{"group_id": b}, Status: http.StatusNotFound},
		{Name: "appoint", Cookie: admin, Method: http.MethodPost, Path: base + "/jurors", Body: map[string]any{"user_id": juror},
			Status: http.StatusCreated},
		{Name: "appoint the admin", Cookie: admin, Method: http.MethodPost, Path: base + "/jurors", Body: map[string]any{"user_id": 1},
			Status: http.StatusUnprocessableEntity, Want: invalidProblem{Code: "invalid_input", Errors: []fieldProblem{{"user_id", "jury.not_juror"}}}},
		{Name: "a conflict recorded by staff", Cookie: admin, Method: http.MethodPost, Path: groupA + "/conflicts",
			Body: map[string]any{"user_id": juror, "reason": "Kollegin"}, Status: http.StatusCreated},
		{Name: "a conflict declared by the juror", Cookie: jurorCookie, Method: http.MethodPost, Path: "/api/v1/me/conflicts",
			Body: map[string]any{"group_id": b}, Status: http.StatusCreated},
		{Name: "settings", Cookie: admin, Method: http.MethodPatch, Path: base + "/jury", Body: map[string]any{"aggregation": "median", "spread_limit": 15},
			Status: http.StatusOK},
		{Name: "the jury", Cookie: admin, Method: http.MethodGet, Path: base + "/jury", Status: http.StatusOK,
			Want: apiJury{Aggregation: "median", SpreadLimit: 15, Jurors: []struct {
				UserID uint `json:"user_id"`
			}{{juror}}, Conflicts: []struct {
				GroupName    string `json:"group_name"`
				Reason       string
				SelfDeclared bool `json:"self_declared"`
			}{{"Gruppe A", "Kollegin", false}, {"Gruppe B", "", true}}}},
		{Name: "a juror removes no conflict", Cookie: jurorCookie, Method: http.MethodDelete,
			Path: fmt.Sprintf("/api/v1/groups/%d/conflicts/%d", b, juror), Status: http.StatusForbidden},
		{Name: "staff remove it", Cookie: admin, Method: http.MethodDelete,
			Path: fmt.Sprintf("/api/v1/groups/%d/conflicts/%d", b, juror), Status: http.StatusNoContent},
		{Name: "open", Cookie: admin, Method: http.MethodPost, Path: base + "/scoring/open", Status: http.StatusOK},
		{Name: "open twice", Cookie: admin, Method: http.MethodPost, Path: base + "/scoring/open",
			Status: http.StatusConflict, Want: invalidProblem{Code: "jury.scoring_open"}},
		{Name: "remove the juror, who has no sheet", Cookie: admin, Method: http.MethodDelete,
			Path: fmt.Sprintf("%s/jurors/%d", base, juror), Status: http.StatusNoContent},
	})
	var criteria int64
	f.db.Model(&models.RubricCriterion{}).Where("cohort_id = ?", cohort).Count(&criteria)
	if criteria != 4 {
		t.Errorf("the cohort has %d criteria, want the course's 4", criteria)
	}
}

// juryFingerprint counts the rows of groups and juries a refused request
// must not change.
func (f *fixture) juryFingerprint(t *testing.T) string {
	t.Helper()
	out := ""
	for _, table := range []string{"project_groups", "group_members", "rubric_criteria", "cohort_juries", "jurors", "jury_conflicts"} {
		var n int64
		if err := f.db.Table(table).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		out += fmt.Sprintf("%s=%d ", table, n)
	}
	return out
}

// A juror declaring a conflict for a cohort they are not appointed to, or
// anyone but a juror calling the juror's route, is refused and nothing is
// written; the staff routes refuse jurors and participants.
func TestJuryAccessRows(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	_, cohort := f.seedCourse(t, admin)
	_, other := f.seedCourse(t, admin)
	mine := f.seedGroup(t, admin, cohort, "Gruppe A")
	theirs := f.seedGroup(t, admin, other, "Gruppe A")
	juror := f.addUser(t, admin, "jury@example.org", models.RoleJuror, "Bewertung-2026")
	f.addUser(t, admin, "tn@example.org", models.RoleParticipant, "Teilnahme-2026")
	jurorCookie := f.login(t, "jury@example.org", "Bewertung-2026")
	participant := f.login(t, "tn@example.org", "Teilnahme-2026")
	if r := f.as(admin, http.MethodPost, fmt.Sprintf("/api/v1/cohorts/%d/jurors", cohort), map[string]any{"user_id": juror}); r.Status != http.StatusCreated {
		t.Fatalf("appoint: %d %s", r.Status, r.Body)
	}
	before := f.juryFingerprint(t)
	f.client.Run(t, []apitest.Row{
		{Name: "a group of a cohort the juror is not appointed to", Cookie: jurorCookie, Method: http.MethodPost, Path: "/api/v1/me/conflicts",
			Body: map[string]any{"group_id": theirs}, Status: http.StatusNotFound},
		{Name: "a group that does not exist", Cookie: jurorCookie, Method: http.MethodPost, Path: "/api/v1/me/conflicts",
			Body: map[string]any{"group_id": 99999}, Status: http.StatusNotFound},
		{Name: "a participant declares", Cookie: participant, Method: http.MethodPost, Path: "/api/v1/me/conflicts",
			Body: map[string]any{"group_id": mine}, Status: http.StatusForbidden},
		{Name: "staff declare as a juror", Cookie: admin, Method: http.MethodPost, Path: "/api/v1/me/conflicts",
			Body: map[string]any{"group_id": mine}, Status: http.StatusForbidden},
		{Name: "the appointed juror reads the staff's jury page", Cookie: jurorCookie, Method: http.MethodGet,
			Path: fmt.Sprintf("/api/v1/cohorts/%d/jury", cohort), Status: http.StatusForbidden},
		{Name: "the juror records a conflict for someone", Cookie: jurorCookie, Method: http.MethodPost,
			Path: fmt.Sprintf("/api/v1/groups/%d/conflicts", mine), Body: map[string]any{"user_id": juror, "reason": "x"}, Status: http.StatusForbidden},
		{Name: "the juror edits a group", Cookie: jurorCookie, Method: http.MethodPatch,
			Path: fmt.Sprintf("/api/v1/groups/%d", mine), Body: map[string]any{"name": "B"}, Status: http.StatusForbidden},
		{Name: "a participant lists groups", Cookie: participant, Method: http.MethodGet,
			Path: fmt.Sprintf("/api/v1/cohorts/%d/groups", cohort), Status: http.StatusForbidden},
	})
	if after := f.juryFingerprint(t); after != before {
		t.Errorf("refused requests wrote: %s → %s", before, after)
	}
}
