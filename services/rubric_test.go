package services_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kohorte/models"
	"kohorte/services"
)

func TestParsePoints(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"7,5", 750, true},
		{"7.5", 750, true},
		{" 10 ", 1000, true},
		{"0,25", 25, true},
		{"0", 0, true}, // a number; the rubric refuses it as not above 0
		{"1000", 100000, true},
		{"abc", 0, false},
		{"-1", 0, false},
		{"7,555", 0, false},
		{"+1", 0, false},
		{"1e3", 0, false},
		{",5", 0, false},
		{"7,5,0", 0, false},
		{"", 0, false},
	} {
		got, ok := services.ParsePoints(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParsePoints(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestFormatPoints(t *testing.T) {
	t.Parallel()
	for h, want := range map[int]string{750: "7,5", 1000: "10", 25: "0,25", 50: "0,5", 0: "0", 100000: "1000", 1005: "10,05"} {
		if got := services.FormatPoints(h); got != want {
			t.Errorf("FormatPoints(%d) = %q, want %q", h, got, want)
		}
	}
	if got := services.PointsDecimal(750); got != "7.5" {
		t.Errorf("PointsDecimal(750) = %q, want 7.5", got)
	}
}

type criterionRow struct {
	Position    int
	Name        string
	Weight, Max int
	Step        int
}

func criterionRows(cs []models.RubricCriterion) []criterionRow {
	out := make([]criterionRow, len(cs))
	for i, c := range cs {
		out[i] = criterionRow{c.Position, c.Name, c.Weight, c.MaxPoints, c.Step}
	}
	return out
}

// A new course has the four default criteria: 10 points in steps of 0.5,
// weights 25 + 30 + 25 + 20 = 100.
func TestNewCourseHasTheDefaultRubric(t *testing.T) {
	t.Parallel()
	g := newGroupsEnv(t)
	r, err := g.svc.Rubrics.GetCourseRubric(context.Background(), g.admin, g.cohort.CourseID)
	if err != nil {
		t.Fatal(err)
	}
	want := []criterionRow{
		{1, "Innovationsgrad", 25, 1000, 50},
		{2, "Fachliche Fundierung", 30, 1000, 50},
		{3, "Relevanz für die Netzwerkarbeit", 25, 1000, 50},
		{4, "Präsentation", 20, 1000, 50},
	}
	if diff := cmp.Diff(want, criterionRows(r.Criteria)); diff != "" {
		t.Errorf("default rubric (-want +got):\n%s", diff)
	}
}

func TestSetCourseRubricNamesRowAndField(t *testing.T) {
	t.Parallel()
	g := newGroupsEnv(t)
	ctx := context.Background()
	before := g.tables(t)
	_, err := g.svc.Rubrics.SetCourseRubric(ctx, g.admin, g.cohort.CourseID, []services.CriterionInput{
		{Name: "Gut", Weight: 10, MaxPoints: "7,5", Step: "0,5"},
		{Name: "", Weight: 0, MaxPoints: "abc", Step: "0,5"},
		{Name: "Krumm", Weight: 101, MaxPoints: "10", Step: "3"},
		{Name: "Zu viel", Weight: 5, MaxPoints: "1000,5", Step: "-1"},
	})
	want := []services.FieldError{
		{Field: "criteria[1].name", Code: services.CodeRequired},
		{Field: "criteria[1].weight", Code: services.CodeOutOfRange, Params: services.Params{"min": 1, "max": 100}},
		{Field: "criteria[1].max_points", Code: services.CodeRubricPointsInvalid},
		{Field: "criteria[2].weight", Code: services.CodeOutOfRange, Params: services.Params{"min": 1, "max": 100}},
		// 10 points are 1000 hundredths, not a multiple of 300.
		{Field: "criteria[2].max_points", Code: services.CodeRubricNotMultiple, Params: services.Params{"step": "3"}},
		{Field: "criteria[3].max_points", Code: services.CodeRubricPointsRange, Params: services.Params{"max": "1000"}},
		{Field: "criteria[3].step", Code: services.CodeRubricPointsInvalid},
	}
	if diff := cmp.Diff(want, fieldCodes(t, err)); diff != "" {
		t.Errorf("refusals (-want +got):\n%s", diff)
	}
	g.unchanged(t, before)

	r, err := g.svc.Rubrics.SetCourseRubric(ctx, g.admin, g.cohort.CourseID, []services.CriterionInput{
		{Name: "Wirkung", Description: "Was bleibt?", Weight: 60, MaxPoints: "7.5", Step: "0,25"},
		{Name: "Vortrag", Weight: 40, MaxPoints: "5", Step: "1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want2 := []criterionRow{{1, "Wirkung", 60, 750, 25}, {2, "Vortrag", 40, 500, 100}}
	if diff := cmp.Diff(want2, criterionRows(r.Criteria)); diff != "" {
		t.Errorf("saved (-want +got):\n%s", diff)
	}
	stored, _ := g.svc.Rubrics.GetCourseRubric(ctx, g.admin, g.cohort.CourseID)
	if diff := cmp.Diff(want2, criterionRows(stored.Criteria)); diff != "" {
		t.Errorf("stored (-want +got):\n%s", diff)
	}
	if n := g.countAudit(t, "rubric.updated"); n != 1 {
		t.Errorf("%d rubric.updated events, want 1", n)
	}
	if _, err := g.svc.Rubrics.SetCourseRubric(ctx, services.Actor{UserID: 5, Role: models.RoleJuror}, g.cohort.CourseID, nil); !errors.Is(err, services.ErrForbidden) {
		t.Errorf("juror edits the rubric: %v", err)
	}
}
