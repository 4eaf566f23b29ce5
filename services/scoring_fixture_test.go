package services_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"kohorte/models"
	"kohorte/services"
)

// juryEnv is a cohort whose jury is set up by inserting rows, as the
// groups and jury services would: four groups, three jurors, one
// conflict, a rubric copied for the cohort and scoring open. The course
// keeps its default jury threshold of 50 %.
type juryEnv struct {
	*cohortEnv
	now      time.Time
	rubric   []models.RubricCriterion
	groups   []models.ProjectGroup
	jurors   []services.Actor
	members  map[uint][]models.Enrollment
	other    models.Cohort
	otherGrp models.ProjectGroup
}

// The rubric, by hand: weights 3, 2, 1, 2 (Σ 8); maxima 10, 20, 5 and 10
// points; steps 0.5, 1, 0.5, 0.5. A sheet's share is
// (3·a/10 + 2·b/20 + 1·c/5 + 2·d/10) / 8.
var testRubric = []models.RubricCriterion{
	{Position: 1, Name: "Innovationsgrad", Weight: 3, MaxPoints: 1000, Step: 50},
	{Position: 2, Name: "Fachliche Fundierung", Weight: 2, MaxPoints: 2000, Step: 100},
	{Position: 3, Name: "Relevanz für die Netzwerkarbeit", Weight: 1, MaxPoints: 500, Step: 50},
	{Position: 4, Name: "Präsentation", Weight: 2, MaxPoints: 1000, Step: 50},
}

func newJuryEnv(t testing.TB) *juryEnv {
	t.Helper()
	e := newEnv(t)
	j := &juryEnv{cohortEnv: &cohortEnv{env: e}, now: time.Date(2023, 6, 30, 10, 0, 0, 0, time.UTC), members: map[uint][]models.Enrollment{}}
	ctx := context.Background()
	course, err := e.svc.Courses.CreateCourse(ctx, e.admin, courseInput())
	if err != nil {
		t.Fatal(err)
	}
	j.cohort, err = e.svc.Cohorts.CreateCohort(ctx, e.admin, course.ID,
		services.CohortInput{Name: "Frühjahr 2023", StartDate: models.NewDate(2023, 4, 5), Capacity: 40})
	if err != nil {
		t.Fatal(err)
	}
	j.other, err = e.svc.Cohorts.CreateCohort(ctx, e.admin, course.ID,
		services.CohortInput{Name: "Herbst 2023", StartDate: models.NewDate(2023, 9, 5), Capacity: 40})
	if err != nil {
		t.Fatal(err)
	}
	opened := j.now.Add(-time.Hour)
	j.create(t, &models.CohortJury{CohortID: j.cohort.ID, Aggregation: models.AggregateMean, SpreadLimit: 20, ScoringOpenAt: &opened})
	j.create(t, &models.CohortJury{CohortID: j.other.ID, Aggregation: models.AggregateMean, SpreadLimit: 20, ScoringOpenAt: &opened})
	for _, c := range testRubric {
		c.CohortID = &j.cohort.ID
		j.create(t, &c)
		j.rubric = append(j.rubric, c)
	}
	for i, name := range []string{"Gruppe 1", "Gruppe 2", "Gruppe 3", "Gruppe 4"} {
		g := models.ProjectGroup{CohortID: j.cohort.ID, Name: name, ProjectTitle: fmt.Sprintf("Projekt %d", i+1)}
		j.create(t, &g)
		j.groups = append(j.groups, g)
		for k := range 2 {
			en := j.enroll(t, fmt.Sprintf("g%dm%d", i+1, k+1), j.cohort.ID)
			j.create(t, &models.GroupMember{GroupID: g.ID, EnrollmentID: en.ID})
			j.members[g.ID] = append(j.members[g.ID], en)
		}
	}
	j.otherGrp = models.ProjectGroup{CohortID: j.other.ID, Name: "Andere Gruppe"}
	j.create(t, &j.otherGrp)
	for i := range 3 {
		u := models.User{Email: fmt.Sprintf("juror%d@example.org", i+1), DisplayName: fmt.Sprintf("Jurorin %d", i+1), Role: models.RoleJuror}
		j.create(t, &u)
		j.create(t, &models.Juror{CohortID: j.cohort.ID, UserID: u.ID, AppointedByID: e.admin.UserID})
		j.jurors = append(j.jurors, services.Actor{UserID: u.ID, Email: u.Email, DisplayName: u.DisplayName, Role: models.RoleJuror})
	}
	// Juror 3 is conflicted with group 2.
	j.create(t, &models.JuryConflict{GroupID: j.groups[1].ID, UserID: j.jurors[2].UserID, Reason: "Kollegin", DeclaredByID: e.admin.UserID})
	return j
}

func (j *juryEnv) create(t testing.TB, v any) {
	t.Helper()
	if err := j.db.Create(v).Error; err != nil {
		t.Fatalf("create %T: %v", v, err)
	}
}

// enroll creates a participant and enrolls them; login ties them to an
// account so that they can ask for their own group's result.
func (j *juryEnv) enroll(t testing.TB, key string, cohortID uint) models.Enrollment {
	t.Helper()
	p := models.Participant{FirstName: "Person", LastName: key, Email: key + "@example.org", FederalState: "NI"}
	j.create(t, &p)
	en := models.Enrollment{CohortID: cohortID, ParticipantID: p.ID, Status: models.EnrollmentEnrolled, EnrolledAt: models.NewDate(2023, 4, 5)}
	j.create(t, &en)
	return en
}

// participantActor makes an account for an enrollment's participant.
func (j *juryEnv) participantActor(t testing.TB, en models.Enrollment) services.Actor {
	t.Helper()
	u := models.User{Email: fmt.Sprintf("account%d@example.org", en.ParticipantID), DisplayName: "Teilnehmerin", Role: models.RoleParticipant}
	j.create(t, &u)
	if err := j.db.Model(&models.Participant{}).Where("id = ?", en.ParticipantID).Update("user_id", u.ID).Error; err != nil {
		t.Fatal(err)
	}
	return services.Actor{UserID: u.ID, Email: u.Email, Role: models.RoleParticipant}
}

// services returns the services on the test's clock, counting statements.
func (j *juryEnv) services(t testing.TB) (*services.Services, *queryCounter) {
	t.Helper()
	counter := &queryCounter{Interface: logger.Discard}
	svc, err := services.New(j.db.Session(&gorm.Session{Logger: counter}), services.Options{Clock: func() time.Time { return j.now }})
	if err != nil {
		t.Fatal(err)
	}
	return svc, counter
}

// pts turns points per criterion, in the rubric's order and in whole
// points with halves, into the entries of a sheet.
func (j *juryEnv) pts(points ...float64) []services.PointsEntry {
	out := make([]services.PointsEntry, len(points))
	for i, p := range points {
		out[i] = services.PointsEntry{CriterionID: j.rubric[i].ID, Points: int(p*100 + 0.5)}
	}
	return out
}

// score saves and submits a full sheet of juror i for group g.
func (j *juryEnv) score(t testing.TB, svc *services.Services, juror, group int, comment string, points ...float64) {
	t.Helper()
	ctx := context.Background()
	if _, err := svc.Scoring.SaveDraft(ctx, j.jurors[juror], j.groups[group].ID, services.SheetInput{Comment: comment, Points: j.pts(points...)}); err != nil {
		t.Fatalf("juror %d group %d: save: %v", juror+1, group+1, err)
	}
	if _, err := svc.Scoring.Submit(ctx, j.jurors[juror], j.groups[group].ID); err != nil {
		t.Fatalf("juror %d group %d: submit: %v", juror+1, group+1, err)
	}
}

// scoreAll scores the four groups as the key test works them out:
//
//	group 1: J1 8/16/4/8 = 80 %, J2 9/18/4,5/9 = 90 %, J3 7/14/3,5/7 = 70 %;
//	         mean 80 %, spread 20 points: at the limit, not flagged.
//	group 2: J1 5,5/10/2,5/5 = (1,65+1+0,5+1)/8 = 51,875 %,
//	         J2 4,5/10/2,5/5 = (1,35+1+0,5+1)/8 = 48,125 %; mean exactly
//	         50 %: passes. J3 is conflicted; the full-marks sheet that a
//	         row gives them anyway is ignored.
//	group 3: J1 4/8/2/4 = 40 %, J2 5/6/1/3 = (1,5+0,6+0,2+0,6)/8 = 36,25 %,
//	         J3 1/2/0,5/1 = 10 %; mean 86,25/3 = 28,75 %: fails; spread 30
//	         points > 20: flagged.
//	group 4: only a draft of J1: pending.
func (j *juryEnv) scoreAll(t testing.TB, svc *services.Services) {
	t.Helper()
	j.score(t, svc, 0, 0, "Sehr überzeugend.", 8, 16, 4, 8)
	j.score(t, svc, 1, 0, "Stark in der Umsetzung.", 9, 18, 4.5, 9)
	j.score(t, svc, 2, 0, "", 7, 14, 3.5, 7)
	j.score(t, svc, 0, 1, "Knapp.", 5.5, 10, 2.5, 5)
	j.score(t, svc, 1, 1, "Grenzfall.", 4.5, 10, 2.5, 5)
	j.score(t, svc, 0, 2, "", 4, 8, 2, 4)
	j.score(t, svc, 1, 2, "", 5, 6, 1, 3)
	j.score(t, svc, 2, 2, "Zu wenig Bezug.", 1, 2, 0.5, 1)
	if _, err := svc.Scoring.SaveDraft(context.Background(), j.jurors[0], j.groups[3].ID, services.SheetInput{Points: j.pts(3)}); err != nil {
		t.Fatal(err)
	}
	// A sheet of the conflicted juror 3 for group 2, written straight into
	// the table (as if it existed before the conflict was recorded).
	submitted := j.now
	sheet := models.ScoreSheet{GroupID: j.groups[1].ID, JurorID: j.jurors[2].UserID, Revision: 2, SubmittedAt: &submitted, Comment: "Befangen"}
	j.create(t, &sheet)
	for _, p := range j.pts(10, 20, 5, 10) {
		j.create(t, &models.Score{SheetID: sheet.ID, CriterionID: p.CriterionID, Points: p.Points})
	}
}

func (j *juryEnv) count(t testing.TB, model any, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := j.db.Model(model).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}
