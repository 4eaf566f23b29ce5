package services

import (
	"context"
	"testing"
	"time"

	"kohorte/models"
	"kohorte/models/dbtest"
)

// internalAdmin is the first admin, as an actor, on a fresh database.
func internalAdmin(t *testing.T, s *Services) Actor {
	t.Helper()
	if _, err := s.Users.EnsureAdmin(context.Background(), "admin@example.org", "Kohorte-Demo-2026!"); err != nil {
		t.Fatal(err)
	}
	var u models.User
	if err := s.db.Where("email = ?", "admin@example.org").Take(&u).Error; err != nil {
		t.Fatal(err)
	}
	return Actor{UserID: u.ID, Email: u.Email, Role: models.RoleAdmin}
}

// demoScheduleRows writes a 12-week schedule as rows, as the schedule branch
// will lay it out: kick-off, ten webinars, a cancelled one, a mentoring
// slot and two closing days.
func demoScheduleRows(t *testing.T, s *Services, cohort models.Cohort) {
	t.Helper()
	berlin := attendanceZone()
	start := time.Date(cohort.StartDate.Year(), cohort.StartDate.Month(), cohort.StartDate.Day(), 10, 0, 0, 0, berlin)
	add := func(kind models.SessionKind, at time.Time, required, cancelled bool) {
		row := models.CohortSession{CohortID: cohort.ID, Kind: kind, Title: string(kind), StartsAt: at.UTC(), EndsAt: at.Add(2 * time.Hour).UTC(), Required: required, Units: 2}
		if cancelled {
			c := at.UTC()
			row.CancelledAt = &c
		}
		if err := s.db.Create(&row).Error; err != nil {
			t.Fatal(err)
		}
	}
	add(models.SessionKickoff, start, true, false)
	for w := 1; w <= 10; w++ {
		add(models.SessionWebinar, start.AddDate(0, 0, 7*w+1), true, false)
	}
	add(models.SessionWebinar, start.AddDate(0, 0, 7*4+3), true, true)
	add(models.SessionMentoring, start.AddDate(0, 0, 7*5+2), false, false)
	add(models.SessionClosing, start.AddDate(0, 0, 7*11+3), true, false)
	add(models.SessionClosing, start.AddDate(0, 0, 7*11+4), true, false)
}

func TestDemoAttendanceCoversTheCases(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t)
	s, err := New(db, Options{Today: func() models.Date { return models.NewDate(2026, 11, 21) }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	admin := internalAdmin(t, s)
	course, err := s.Courses.CreateCourse(ctx, admin, demoCourse())
	if err != nil {
		t.Fatal(err)
	}
	dc := demoCohorts[2]
	cohort, err := s.Cohorts.CreateCohort(ctx, admin, course.ID, CohortInput{Name: dc.name, StartDate: dc.start, EndDate: dc.end, Capacity: dc.size, Venue: dc.venue})
	if err != nil {
		t.Fatal(err)
	}
	person := 0
	for i := range dc.size {
		p, err := s.Participants.CreateParticipant(ctx, admin, demoPerson(person, dc.states[i%len(dc.states)]))
		if err != nil {
			t.Fatal(err)
		}
		person++
		if _, err := s.Enrollments.Enroll(ctx, admin, cohort.ID, p.ID, dc.start.AddDays(-14+i%7)); err != nil {
			t.Fatal(err)
		}
	}
	if err := demoTwists(ctx, admin, s, cohort, &person, "NI"); err != nil {
		t.Fatal(err)
	}
	demoScheduleRows(t, s, cohort)
	if err := demoAttendance(ctx, admin, s, cohort.ID); err != nil {
		t.Fatal(err)
	}
	g, err := s.Attendance.Grid(ctx, admin, cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	var remoteKickoff, excused, withdrawn, late, eligibleSoFar int
	for _, r := range g.Rows {
		if r.Cells[0].Recorded && r.Cells[0].Value.Modality == models.ModalityRemote {
			remoteKickoff++
		}
		for _, c := range r.Cells {
			if c.Recorded && c.Value.Status == models.AttendanceExcused {
				excused++
			}
			if c.Recorded && !c.Expected {
				t.Errorf("%s has attendance at a session outside their enrollment", r.Enrollment.Participant.LastName)
			}
		}
		switch {
		case r.Enrollment.Status == models.EnrollmentWithdrawn:
			withdrawn++
			// Kick-off and the webinar of week 1 lie before the withdrawal.
			if n := recordedCells(r.Cells); n != 2 {
				t.Errorf("the withdrawn person has %d records, want 2", n)
			}
		case r.Enrollment.EnrolledAt.After(dc.start.Time):
			late++
			if r.Cells[0].Expected || r.Cells[1].Expected || !r.Cells[2].Expected {
				t.Errorf("the late person is expected at %v", r.Cells[:3])
			}
		}
		if r.Eligibility.State != RuleNotMet {
			eligibleSoFar++
		}
	}
	if remoteKickoff == 0 || excused == 0 || withdrawn != 1 || late != 1 {
		t.Errorf("remote kick-off %d, excused %d, withdrawn %d, late %d", remoteKickoff, excused, withdrawn, late)
	}
	if eligibleSoFar < len(g.Rows)/2 {
		t.Errorf("only %d of %d on track: the demo should mostly pass", eligibleSoFar, len(g.Rows))
	}
}

func recordedCells(cells []AttendanceCell) int {
	n := 0
	for _, c := range cells {
		if c.Recorded {
			n++
		}
	}
	return n
}

// TestScaleAttendanceForEverySessionHeld: the generator lays out every
// cohort's schedule and writes one attendance row per enrollment and
// session held in its time, in batches.
func TestScaleAttendanceForEverySessionHeld(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t)
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	s, err := New(db, Options{Today: func() models.Date { return models.DateOf(now) }, Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	admin := internalAdmin(t, s)
	res, err := s.LoadScale(context.Background(), admin, 400)
	if err != nil {
		t.Fatal(err)
	}
	var sessions []models.CohortSession
	var es []models.Enrollment
	if err := db.Where("cancelled_at IS NULL AND starts_at <= ?", now).Find(&sessions).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Find(&es).Error; err != nil {
		t.Fatal(err)
	}
	// Worked out apart from the generator: every pair of an enrollment
	// and a session of its cohort held between enrollment and withdrawal.
	want := 0
	for _, e := range es {
		for _, sess := range sessions {
			day := SessionDay(sess)
			if sess.CohortID == e.CohortID && !day.Before(e.EnrolledAt.Time) && (e.WithdrawnAt == nil || !day.After(e.WithdrawnAt.Time)) {
				want++
			}
		}
	}
	var stored int64
	if err := db.Model(&models.Attendance{}).Count(&stored).Error; err != nil {
		t.Fatal(err)
	}
	if want == 0 || res.Attendance != want || stored != int64(want) {
		t.Errorf("generated %d, stored %d, want %d", res.Attendance, stored, want)
	}
	var absent int64
	db.Model(&models.Attendance{}).Where("status = ?", models.AttendanceAbsent).Count(&absent)
	if absent == 0 || absent > stored/5 {
		t.Errorf("%d of %d absent, want a few", absent, stored)
	}
}
