package services_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"kohorte/models"
	"kohorte/services"
)

func TestLoadScaleGeneratesAConsistentRegion(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	res, err := e.svc.LoadScale(ctx, e.admin, 400)
	if err != nil {
		t.Fatal(err)
	}
	// 400 people: 400/200 = 2 courses, no cohort of 10,000 (one per 20,000),
	// and everyone enrolled once in a small cohort.
	if res.Courses != 2 || res.Participants != 400 || res.Enrollments != 400 {
		t.Fatalf("LoadScale(400) = %+v, want 2 courses, 400 participants, 400 enrollments", res)
	}
	var sessions int64
	e.db.Model(&models.CohortSession{}).Count(&sessions)
	if res.Sessions != 13*res.Cohorts || sessions != int64(res.Sessions) {
		t.Errorf("%d sessions reported, %d stored, want 13 for each of %d cohorts", res.Sessions, sessions, res.Cohorts)
	}
	if res.Cohorts < 400/30 || res.Cohorts > 400/8 {
		t.Errorf("%d cohorts for 400 people in cohorts of 8 to 30", res.Cohorts)
	}

	var cohorts []models.Cohort
	if err := e.db.Find(&cohorts).Error; err != nil {
		t.Fatal(err)
	}
	if len(cohorts) != res.Cohorts {
		t.Fatalf("%d cohorts stored, %d reported", len(cohorts), res.Cohorts)
	}
	today := models.DateOf(e.clock.Now())
	for _, c := range cohorts {
		checkScaledCohort(t, e, c, today)
	}

	list, total, err := e.svc.Participants.ListParticipants(ctx, e.admin, services.ParticipantFilter{Search: "cosic"})
	if err != nil {
		t.Fatal(err)
	}
	if total == 0 || !slices.ContainsFunc(list, func(p models.Participant) bool { return p.LastName == "Ćosić-Şahin" }) {
		t.Errorf("searching the generated people for cosic found %d: %+v", total, list)
	}
	for _, p := range list {
		if !strings.Contains(p.LastName, "Ćosić") {
			t.Errorf("searching for cosic found %s %s", p.FirstName, p.LastName)
		}
	}
	checkScaledNames(t, e)

	checkScaledJuries(t, e, res, cohorts)
	checkScaledCertificates(t, e, res)

	if _, err := e.svc.LoadScale(ctx, e.admin, 10); !errors.Is(err, services.ErrDemoLoaded) {
		t.Errorf("a second load: %v, want ErrDemoLoaded", err)
	}
}

// checkScaledNames checks that the generated people's names repeat rarely
// and that last names are many, as sorting and searching behave
// differently on a few names repeated. Names
// are drawn independently from the demo's 52 first and 52 last names, a
// fifth of first names and a third of last names double. Worked out for
// 400 people: 400 x 4/5 x 2/3 = 213 have both names single, drawn from
// 52 x 52 = 2,704 pairs, which repeats about 213^2 / (2 x 2,704) = 8 of
// them; the others hardly ever repeat: about 390 distinct full names. The
// 267 single last names take nearly all 52, the 133 double ones about 110
// more. Before, names repeated every 52nd person: 52 of each.
func checkScaledNames(t *testing.T, e *env) {
	t.Helper()
	var full, last int64
	err := e.db.Raw(`SELECT (SELECT COUNT(*) FROM (SELECT DISTINCT first_name, last_name FROM participants) AS f),
		(SELECT COUNT(DISTINCT last_name) FROM participants)`).Row().Scan(&full, &last)
	if err != nil {
		t.Fatal(err)
	}
	if full < 360 || last < 150 {
		t.Errorf("400 generated people have %d distinct full names and %d distinct last names, want at least 360 and 150", full, last)
	}
}

// checkScaledJuries checks the generated juries: 60 jurors who log in
// with the generating staff member's password; every running or completed
// cohort with open scoring, groups of its people and three jurors; in
// completed ones 3 sheets per group, submitted, and results that the
// services compute with no group pending.
func checkScaledJuries(t *testing.T, e *env, res services.ScaleResult, cohorts []models.Cohort) {
	t.Helper()
	ctx := context.Background()
	if res.Jurors != 60 {
		t.Errorf("%d jurors generated, want a pool of 60", res.Jurors)
	}
	if _, err := e.svc.Sessions.Login(ctx, "jury001@scale.example.org", adminPassword, client("10.0.0.9")); err != nil {
		t.Errorf("a generated juror cannot log in with the staff member's password: %v", err)
	}
	groups, sheets := 0, 0
	for _, c := range cohorts {
		if c.Status != models.CohortRunning && c.Status != models.CohortCompleted {
			continue
		}
		r, err := e.svc.Results.Cohort(ctx, e.admin, c.ID)
		if err != nil {
			t.Fatalf("results of %s: %v", c.Name, err)
		}
		if r.Jury.ScoringOpenAt == nil || len(r.Groups) == 0 || len(r.Rubric) != 4 {
			t.Errorf("cohort %s (%s): scoring open %v, %d groups, %d criteria; want open, groups, 4", c.Name, c.Status, r.Jury.ScoringOpenAt, len(r.Groups), len(r.Rubric))
		}
		groups += len(r.Groups)
		sheets += r.Submitted
		ended := c.Status == models.CohortCompleted
		if ended != r.Released() || ended && r.Submitted != 3*len(r.Groups) || !ended && r.Submitted != 0 {
			t.Errorf("cohort %s (%s): released %v, %d sheets for %d groups", c.Name, c.Status, r.Released(), r.Submitted, len(r.Groups))
		}
		for _, g := range r.Groups {
			if ended == g.Pending || len(g.Members) == 0 {
				t.Errorf("cohort %s group %s: pending %v with %d members", c.Name, g.Group.Name, g.Pending, len(g.Members))
			}
		}
	}
	if groups == 0 || groups != res.Groups || sheets != res.Sheets {
		t.Errorf("%d groups and %d sheets found, %d and %d reported", groups, sheets, res.Groups, res.Sheets)
	}
}

// checkScaledCertificates: 400 people give 400/200 = 2 certificates, each
// of a person who completed, verifiable by its token as valid.
func checkScaledCertificates(t *testing.T, e *env, res services.ScaleResult) {
	t.Helper()
	ctx := context.Background()
	var docs []models.IssuedDocument
	if err := e.db.Find(&docs).Error; err != nil {
		t.Fatal(err)
	}
	if res.Certificates != 2 || len(docs) != 2 {
		t.Fatalf("%d certificates reported, %d stored; want 2", res.Certificates, len(docs))
	}
	for _, d := range docs {
		v, err := e.svc.Documents.Verify(ctx, d.Token)
		if err != nil || v.Status != services.DocumentValid || v.Holder != d.Holder || v.Holder == "" {
			t.Errorf("certificate %s: %+v, %v; want valid, held by %q", d.Number, v, err, d.Holder)
		}
		var en models.Enrollment
		if err := e.db.Take(&en, d.EnrollmentID).Error; err != nil || en.Status != models.EnrollmentCompleted {
			t.Errorf("certificate %s of enrollment %d (%s): want a completed one", d.Number, d.EnrollmentID, en.Status)
		}
	}
}

// checkScaledCohort checks that a generated cohort could have come about
// through the services: size, counted places, statuses and dates agree.
func checkScaledCohort(t *testing.T, e *env, c models.Cohort, today models.Date) {
	t.Helper()
	var es []models.Enrollment
	if err := e.db.Where("cohort_id = ?", c.ID).Find(&es).Error; err != nil {
		t.Fatal(err)
	}
	if len(es) < 8 || len(es) > 30 || len(es) != c.Capacity {
		t.Errorf("cohort %s: %d people, capacity %d; want 8 to 30, all places", c.Name, len(es), c.Capacity)
	}
	placed := 0
	for _, en := range es {
		if en.EnrolledAt.After(today.Time) || en.WithdrawnAt != nil && (en.WithdrawnAt.After(today.Time) || en.WithdrawnAt.Before(en.EnrolledAt.Time)) {
			t.Errorf("cohort %s: enrolled %s, withdrawn %v, today %s", c.Name, en.EnrolledAt, en.WithdrawnAt, today)
		}
		switch en.Status {
		case models.EnrollmentWithdrawn:
			if c.Status == models.CohortPlanned {
				t.Errorf("cohort %s has not started but %d withdrew", c.Name, en.ID)
			}
			if en.WithdrawnAt == nil || en.WithdrawnAt.Before(c.StartDate.Time) || en.WithdrawnAt.After(c.EndDate.Time) {
				t.Errorf("cohort %s (%s–%s): withdrawn on %v", c.Name, c.StartDate, c.EndDate, en.WithdrawnAt)
			}
		case models.EnrollmentCompleted, models.EnrollmentNotPassed:
			placed++
			if c.Status != models.CohortCompleted && c.Status != models.CohortArchived {
				t.Errorf("cohort %s is %s but enrollment %d is %s", c.Name, c.Status, en.ID, en.Status)
			}
		default:
			placed++
		}
	}
	if c.EnrolledCount != placed {
		t.Errorf("cohort %s counts %d places, %d people hold one", c.Name, c.EnrolledCount, placed)
	}
	ended := c.EndDate.Before(today.Time)
	if ended != (c.Status == models.CohortCompleted || c.Status == models.CohortArchived) {
		t.Errorf("cohort %s ends %s, today %s, status %s", c.Name, c.EndDate, today, c.Status)
	}
}

func TestLoadScaleIsForStaffAndBounded(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	juror := services.Actor{UserID: 99, Role: models.RoleJuror}
	if _, err := e.svc.LoadScale(context.Background(), juror, 10); !errors.Is(err, services.ErrForbidden) {
		t.Errorf("a juror's load: %v, want ErrForbidden", err)
	}
	for _, n := range []int{0, 1_000_001} {
		if _, err := e.svc.LoadScale(context.Background(), e.admin, n); fieldCode(err, "scale") != services.CodeOutOfRange {
			t.Errorf("LoadScale(%d): %v, want out_of_range on scale", n, err)
		}
	}
	var n int64
	if err := e.db.Model(&models.Participant{}).Count(&n).Error; err != nil || n != 0 {
		t.Errorf("%d people after refused loads (%v), want 0", n, err)
	}
}

// BenchmarkLoadScale measures loading the 40,000-person region; run it
// with -benchtime=1x, once per engine.
func BenchmarkLoadScale(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		e := newEnv(b)
		b.StartTimer()
		if _, err := e.svc.LoadScale(context.Background(), e.admin, 40000); err != nil {
			b.Fatal(err)
		}
	}
}
