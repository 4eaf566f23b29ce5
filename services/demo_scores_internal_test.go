package services

import (
	"context"
	"fmt"
	"testing"
	"time"

	"kohorte/models"
	"kohorte/models/dbtest"
)

// TestDemoScoresSubmitsEverySheetAndReleases: three groups, two jurors,
// one conflict: 3 × 2 − 1 = 5 sheets, all submitted, and the results
// released without a reason.
func TestDemoScoresSubmitsEverySheetAndReleases(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t)
	s, err := New(db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	admin := internalAdmin(t, s)
	course, err := s.Courses.CreateCourse(ctx, admin, demoCourse())
	if err != nil {
		t.Fatal(err)
	}
	cohort, err := s.Cohorts.CreateCohort(ctx, admin, course.ID, CohortInput{Name: "Frühjahr 2023", StartDate: models.NewDate(2023, 4, 5), Capacity: 16})
	if err != nil {
		t.Fatal(err)
	}
	create := func(v any) {
		t.Helper()
		if err := db.Create(v).Error; err != nil {
			t.Fatal(err)
		}
	}
	opened := time.Now().UTC()
	create(&models.CohortJury{CohortID: cohort.ID, Aggregation: models.AggregateMean, SpreadLimit: 20, ScoringOpenAt: &opened})
	for i, c := range []models.RubricCriterion{{Name: "Innovationsgrad", Weight: 3, MaxPoints: 1000, Step: 50}, {Name: "Präsentation", Weight: 1, MaxPoints: 500, Step: 100}} {
		c.CohortID, c.Position = &cohort.ID, i+1
		create(&c)
	}
	var groups []models.ProjectGroup
	for i := range 3 {
		g := models.ProjectGroup{CohortID: cohort.ID, Name: fmt.Sprintf("Gruppe %d", i+1)}
		create(&g)
		groups = append(groups, g)
	}
	var jurors []models.User
	for i := range 2 {
		u := models.User{Email: fmt.Sprintf("jury%d@example.org", i), DisplayName: "Jury", Role: models.RoleJuror}
		create(&u)
		create(&models.Juror{CohortID: cohort.ID, UserID: u.ID, AppointedByID: admin.UserID})
		jurors = append(jurors, u)
	}
	create(&models.JuryConflict{GroupID: groups[0].ID, UserID: jurors[1].ID, DeclaredByID: admin.UserID})
	if err := demoScores(ctx, admin, s, cohort.ID); err != nil {
		t.Fatal(err)
	}
	var sheets []models.ScoreSheet
	if err := db.Preload("Scores").Find(&sheets).Error; err != nil {
		t.Fatal(err)
	}
	if len(sheets) != 5 {
		t.Fatalf("%d sheets, want 5", len(sheets))
	}
	for _, sh := range sheets {
		if sh.SubmittedAt == nil || len(sh.Scores) != 2 {
			t.Errorf("sheet %+v: want submitted with 2 scores", sh)
		}
	}
	r, err := s.Results.Cohort(ctx, admin, cohort.ID)
	if err != nil || !r.Released() || r.Jury.ReleaseReason != "" {
		t.Fatalf("results %+v, %v: want released without a reason", r.Jury, err)
	}
}
