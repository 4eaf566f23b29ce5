package services_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"kohorte/models"
	"kohorte/services"
)

var berlinZone = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	return loc
}()

// at is an instant in Berlin.
func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, berlinZone)
}

// attendanceEnv is a cohort (course defaults: 80 %, closing required)
// starting on Monday 7 September 2026, with the services on a clock the
// test moves.
type attendanceEnv struct {
	*cohortEnv
	now      time.Time
	att      *services.Attendance
	sessions map[string]models.CohortSession
}

func newAttendanceEnv(t *testing.T) *attendanceEnv {
	t.Helper()
	e := newEnv(t)
	a := &attendanceEnv{cohortEnv: &cohortEnv{env: e}, sessions: map[string]models.CohortSession{}}
	course, err := e.svc.Courses.CreateCourse(context.Background(), e.admin, courseInput())
	if err != nil {
		t.Fatal(err)
	}
	a.cohort, err = e.svc.Cohorts.CreateCohort(context.Background(), e.admin, course.ID,
		services.CohortInput{Name: "Herbst 2026", StartDate: models.NewDate(2026, 9, 7), Capacity: 600})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := services.New(e.db, services.Options{Clock: func() time.Time { return a.now }})
	if err != nil {
		t.Fatal(err)
	}
	a.att = svc.Attendance
	return a
}

// session adds a session as a row, as the schedule would; the schedule's
// rules are not this test's.
func (a *attendanceEnv) session(t *testing.T, key string, kind models.SessionKind, start time.Time, minutes int, required, cancelled bool) {
	t.Helper()
	s := models.CohortSession{CohortID: a.cohort.ID, Kind: kind, Title: key, StartsAt: start.UTC(),
		EndsAt: start.Add(time.Duration(minutes) * time.Minute).UTC(), Required: required, Units: 2}
	if cancelled {
		c := start.Add(-72 * time.Hour).UTC()
		s.CancelledAt, s.CancelReason = &c, "Referentin erkrankt"
	}
	if err := a.db.Create(&s).Error; err != nil {
		t.Fatal(err)
	}
	a.sessions[key] = s
}

// defaultSchedule lays out the 12 weeks: kick-off, ten webinars on
// Tuesdays (weeks 2 to 11), a cancelled extra webinar, an optional
// mentoring slot and a two-day closing.
func (a *attendanceEnv) defaultSchedule(t *testing.T) {
	a.session(t, "K", models.SessionKickoff, at(2026, 9, 7, 10, 0), 420, true, false)
	for i := 0; i < 10; i++ {
		a.session(t, fmt.Sprintf("W%d", i+1), models.SessionWebinar, at(2026, 9, 15+7*i, 17, 0), 90, true, false)
	}
	a.session(t, "X", models.SessionWebinar, at(2026, 10, 8, 17, 0), 90, true, true)
	a.session(t, "M", models.SessionMentoring, at(2026, 10, 21, 16, 0), 60, false, false)
	a.session(t, "C1", models.SessionClosing, at(2026, 11, 26, 9, 0), 480, true, false)
	a.session(t, "C2", models.SessionClosing, at(2026, 11, 27, 9, 0), 420, true, false)
}

func (a *attendanceEnv) enroll(t *testing.T, first string, day models.Date) models.Enrollment {
	t.Helper()
	p, err := a.svc.Participants.CreateParticipant(context.Background(), a.admin, services.ParticipantInput{
		FirstName: first, LastName: "Muster", Email: first + "@example.org", FederalState: "NI", NetworkType: "MINT-Region"})
	if err != nil {
		t.Fatal(err)
	}
	e, err := a.svc.Enrollments.Enroll(context.Background(), a.admin, a.cohort.ID, p.ID, day)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// values: S present on site, R present remote, A absent, E excused.
var shorthand = map[rune]services.AttendanceEntry{
	'S': {Status: models.AttendancePresent, Modality: models.ModalityOnSite},
	'R': {Status: models.AttendancePresent, Modality: models.ModalityRemote},
	'A': {Status: models.AttendanceAbsent},
	'E': {Status: models.AttendanceExcused},
}

// record sets, per session key, each enrollment's value.
func (a *attendanceEnv) record(t *testing.T, key string, values map[uint]rune) services.RecordResult {
	t.Helper()
	var entries []services.AttendanceEntry
	for id, v := range values {
		e := shorthand[v]
		e.EnrollmentID = id
		entries = append(entries, e)
	}
	res, err := a.att.RecordSession(context.Background(), a.admin, a.sessions[key].ID, entries)
	if err != nil {
		t.Fatalf("record %s: %v", key, err)
	}
	return res
}

// recordPlan records a plan per person: one letter per session key in
// order, "-" for nothing recorded.
func (a *attendanceEnv) recordPlan(t *testing.T, keys []string, plan map[uint]string) {
	t.Helper()
	for i, key := range keys {
		values := map[uint]rune{}
		for id, letters := range plan {
			if r := rune(letters[i]); r != '-' {
				values[id] = r
			}
		}
		if len(values) > 0 {
			a.record(t, key, values)
		}
	}
}

type eligibilityNumbers struct {
	Held, Attended, Excused, Remaining, Rate int
	State                                    services.RuleState
	Risk                                     services.Risk
	Lines                                    []string
}

func numbersOf(el services.Eligibility) eligibilityNumbers {
	n := eligibilityNumbers{Held: el.Count.Held, Attended: el.Count.Attended, Excused: el.Count.Excused,
		Remaining: el.Count.Remaining, Rate: el.Count.RateTenths, State: el.State, Risk: el.Risk}
	for _, l := range el.Lines {
		n.Lines = append(n.Lines, l.English())
	}
	return n
}

func (a *attendanceEnv) eligibility(t *testing.T) map[uint]eligibilityNumbers {
	t.Helper()
	g, err := a.att.Grid(context.Background(), a.admin, a.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[uint]eligibilityNumbers{}
	for _, r := range g.Rows {
		out[r.Enrollment.ID] = numbersOf(r.Eligibility)
	}
	return out
}

// TestEligibilityOfACohortAgainstHandWorkedNumbers builds a cohort with its
// 12-week schedule and checks every participant's numbers, worked out by
// hand below.
//
// Sessions (Berlin): K kick-off 07.09.; W1–W10 webinars on Tuesdays 15.09.,
// 22.09., 29.09., 06.10., 13.10., 20.10., 27.10., 03.11., 10.11., 17.11.;
// X a webinar on 08.10. that was cancelled (counts for nobody); M optional
// mentoring 21.10. (counts for nobody's rate); C1, C2 the closing days
// 26.11. and 27.11. Required and not cancelled: K, W1–W10, C1, C2 = 13.
//
// First look: on 26.11. at 18:00, C1 is held and C2 still ahead. For
// someone enrolled throughout, 12 required sessions are held, 1 remains.
func TestEligibilityOfACohortAgainstHandWorkedNumbers(t *testing.T) {
	t.Parallel()
	a := newAttendanceEnv(t)
	a.defaultSchedule(t)
	anna := a.enroll(t, "Anna", models.NewDate(2026, 9, 1))
	bernd := a.enroll(t, "Bernd", models.NewDate(2026, 9, 1))
	carla := a.enroll(t, "Carla", models.NewDate(2026, 10, 5)) // late: from W4 on
	dieter := a.enroll(t, "Dieter", models.NewDate(2026, 9, 1))
	emil := a.enroll(t, "Emil", models.NewDate(2026, 9, 1))
	frieda := a.enroll(t, "Frieda", models.NewDate(2026, 9, 1))
	if _, err := a.svc.Enrollments.Withdraw(context.Background(), a.admin, dieter.ID, models.NewDate(2026, 10, 15), "Stellenwechsel"); err != nil {
		t.Fatal(err)
	}

	a.now = at(2026, 11, 26, 18, 0)
	keys := []string{"K", "W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8", "W9", "W10", "M", "C1"}
	a.recordPlan(t, keys, map[uint]string{
		//           K W1 W2 W3 W4 W5 W6 W7 W8 W9 W10 M C1
		anna.ID:   "SRRARRRERRRRS",
		bernd.ID:  "RRARRARERER-S", // remote kick-off, two excused
		carla.ID:  "----RRARRRR-S", // enrolled after W3
		dieter.ID: "SRRAAA-------", // withdrew after W5
		emil.ID:   "ARRRRRRAAAA-A",
		frieda.ID: "SRRRRRRRRRR--", // C1 never recorded
	})

	got := a.eligibility(t)
	want := map[uint]eligibilityNumbers{
		// Anna: held 12, excused W7 leaves 11; attended K, W1, W2, W4,
		// W5, W6, W8, W9, W10, C1 = 10. 10/11 = 90.90 % → 909 tenths ≥ 80 %.
		// C2 ahead: open. With C2 she has 11/12; missing it 10/12 = 83.3 %: no risk.
		anna.ID: {Held: 11, Attended: 10, Excused: 1, Remaining: 1, Rate: 909, State: services.RulePending, Lines: []string{
			"Attendance 10 of 11 required sessions = 90.9 % ≥ 80 %: met",
			"Closing day 1 (26.11.2026): present: met",
			"Closing day 2 (27.11.2026): still ahead: open",
			"Jury: not in a project group: open"}},
		// Bernd: held 12, excused W7 and W9 leave 10; attended K (remote),
		// W1, W3, W4, W6, W8, W10, C1 = 8. 8/10 = 80 % exactly: met
		// (800 = 800). Missing C2: 8/11 = 72.7 % < 80 %: one more miss.
		bernd.ID: {Held: 10, Attended: 8, Excused: 2, Remaining: 1, Rate: 800, State: services.RulePending, Risk: services.RiskOneMoreMiss, Lines: []string{
			"Attendance 8 of 10 required sessions = 80.0 % ≥ 80 %: met",
			"Closing day 1 (26.11.2026): present: met",
			"Closing day 2 (27.11.2026): still ahead: open",
			"Jury: not in a project group: open"}},
		// Carla, enrolled 05.10.: K, W1–W3 are before her time. Held W4–W10
		// (7) and C1 = 8; attended all but W6 = 7. 7/8 = 87.5 %. Missing C2:
		// 7/9 = 77.7 % < 80 %: one more miss.
		carla.ID: {Held: 8, Attended: 7, Remaining: 1, Rate: 875, State: services.RulePending, Risk: services.RiskOneMoreMiss, Lines: []string{
			"Attendance 7 of 8 required sessions = 87.5 % ≥ 80 %: met",
			"Closing day 1 (26.11.2026): present: met",
			"Closing day 2 (27.11.2026): still ahead: open",
			"Jury: not in a project group: open"}},
		// Dieter, withdrawn 15.10.: expected at K, W1–W5 (W5 13.10.) = 6;
		// attended 3 = 50 %; nothing remains for him, so not met. Both
		// closing days lie after his withdrawal. Withdrawn: on no risk list.
		dieter.ID: {Held: 6, Attended: 3, Rate: 500, State: services.RuleNotMet, Lines: []string{
			"Attendance 3 of 6 required sessions = 50.0 % < 80 %: not met",
			"Closing day 1 (26.11.2026): after the withdrawal: not met",
			"Closing day 2 (27.11.2026): after the withdrawal: not met",
			"Jury: not in a project group: open"}},
		// Emil: held 12, attended W1–W6 = 6 = 50 %. Even attending C2:
		// 7/13 = 53.8 % < 80 %: cannot reach it, so not met now.
		emil.ID: {Held: 12, Attended: 6, Remaining: 1, Rate: 500, State: services.RuleNotMet, Risk: services.RiskCannotReach, Lines: []string{
			"Attendance 6 of 12 required sessions = 50.0 % < 80 %: not met",
			"Closing day 1 (26.11.2026): absent: not met",
			"Closing day 2 (27.11.2026): still ahead: open",
			"Jury: not in a project group: open"}},
		// Frieda: held 12 including the unrecorded C1, which counts as
		// not attended: 11/12 = 91.66 % → 916. C1 unrecorded: not met.
		// Missing C2: 11/13 = 84.6 %: no risk.
		frieda.ID: {Held: 12, Attended: 11, Remaining: 1, Rate: 916, State: services.RuleNotMet, Lines: []string{
			"Attendance 11 of 12 required sessions = 91.6 % ≥ 80 %: met",
			"Closing day 1 (26.11.2026): not recorded: not met",
			"Closing day 2 (27.11.2026): still ahead: open",
			"Jury: not in a project group: open"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("eligibility on 26.11. (-want +got):\n%s", diff)
	}
	g, err := a.att.Grid(context.Background(), a.admin, a.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	var risk []string
	for _, i := range g.AtRisk {
		risk = append(risk, g.Rows[i].Enrollment.Participant.FirstName)
	}
	// Those who cannot reach it first, then those one miss away, by name.
	if diff := cmp.Diff([]string{"Emil", "Bernd", "Carla"}, risk); diff != "" {
		t.Errorf("at risk (-want +got):\n%s", diff)
	}

	// Second look, on 28.11. after C2: Anna, Bernd, Emil, Frieda came,
	// Carla did not.
	a.now = at(2026, 11, 28, 10, 0)
	a.record(t, "C2", map[uint]rune{anna.ID: 'S', bernd.ID: 'S', carla.ID: 'A', emil.ID: 'S', frieda.ID: 'S'})
	got = a.eligibility(t)
	// Bernd: 13 held less 2 excused = 11, attended 9: 81.81 % → "81.8 %".
	if diff := cmp.Diff(eligibilityNumbers{Held: 11, Attended: 9, Excused: 2, Rate: 818, State: services.RulePending, Lines: []string{
		"Attendance 9 of 11 required sessions = 81.8 % ≥ 80 %: met",
		"Closing day 1 (26.11.2026): present: met",
		"Closing day 2 (27.11.2026): present: met",
		"Jury: not in a project group: open"}}, got[bernd.ID]); diff != "" {
		t.Errorf("Bernd after the closing (-want +got):\n%s", diff)
	}
	// Carla: held 9, attended 7: 77.77 % → 777 < 80 %, nothing remains:
	// not met, and cannot reach it any more.
	if diff := cmp.Diff(eligibilityNumbers{Held: 9, Attended: 7, Rate: 777, State: services.RuleNotMet, Risk: services.RiskCannotReach, Lines: []string{
		"Attendance 7 of 9 required sessions = 77.7 % < 80 %: not met",
		"Closing day 1 (26.11.2026): present: met",
		"Closing day 2 (27.11.2026): absent: not met",
		"Jury: not in a project group: open"}}, got[carla.ID]); diff != "" {
		t.Errorf("Carla after the closing (-want +got):\n%s", diff)
	}

	// A look back to 01.10. at 12:00: K, W1, W2, W3 held. Anna has K, W1,
	// W2, absent W3: 3/4 = 75 % < 80 %, but 9 required sessions remain
	// (W4–W10, C1, C2): 12/13 is reachable, so open; missing one more still
	// leaves 11/13 = 84.6 %: no risk.
	a.now = at(2026, 10, 1, 12, 0)
	if diff := cmp.Diff(eligibilityNumbers{Held: 4, Attended: 3, Remaining: 9, Rate: 750, State: services.RulePending, Lines: []string{
		"Attendance 3 of 4 required sessions = 75.0 % < 80 %: open, 9 required sessions to come",
		"Closing day 1 (26.11.2026): still ahead: open",
		"Closing day 2 (27.11.2026): still ahead: open",
		"Jury: not in a project group: open"}}, a.eligibility(t)[anna.ID]); diff != "" {
		t.Errorf("Anna on 01.10. (-want +got):\n%s", diff)
	}
}

// fieldCodes lists a validation error's fields with their codes and params.
func attendanceFields(t *testing.T, err error) []string {
	t.Helper()
	var verr *services.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("got %v, want a validation error", err)
	}
	var out []string
	for _, f := range verr.Fields {
		out = append(out, fmt.Sprintf("%s %s %v", f.Field, f.Code, f.Params))
	}
	return out
}

func (a *attendanceEnv) attendanceRows(t *testing.T) int64 {
	t.Helper()
	var n int64
	if err := a.db.Model(&models.Attendance{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func (a *attendanceEnv) auditCount(t *testing.T) int64 {
	t.Helper()
	var n int64
	if err := a.db.Model(&models.AuditEvent{}).Where("action = ?", "attendance.recorded").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRecordingRefusesPeopleOutsideTheirEnrollmentAndWritesNothing(t *testing.T) {
	t.Parallel()
	a := newAttendanceEnv(t)
	a.defaultSchedule(t)
	anna := a.enroll(t, "Anna", models.NewDate(2026, 9, 1))
	carla := a.enroll(t, "Carla", models.NewDate(2026, 10, 5))
	a.now = at(2026, 11, 26, 18, 0)
	_, err := a.att.RecordSession(context.Background(), a.admin, a.sessions["K"].ID, []services.AttendanceEntry{
		{EnrollmentID: anna.ID, Status: models.AttendancePresent, Modality: models.ModalityOnSite},
		{EnrollmentID: carla.ID, Status: models.AttendanceAbsent},
		{EnrollmentID: 9999, Status: models.AttendanceAbsent},
	})
	want := []string{
		"entries[1].enrollment_id attendance.not_expected map[date:07.09.2026 name:Carla Muster]",
		"entries[2].enrollment_id enrollment.not_in_cohort map[id:9999]",
	}
	if diff := cmp.Diff(want, attendanceFields(t, err)); diff != "" {
		t.Errorf("refusal (-want +got):\n%s", diff)
	}
	if n := a.attendanceRows(t); n != 0 {
		t.Errorf("%d rows written by a refused request, want 0", n)
	}
	// Shape: a modality only with present, present needs one, one entry per person.
	_, err = a.att.RecordSession(context.Background(), a.admin, a.sessions["K"].ID, []services.AttendanceEntry{
		{EnrollmentID: anna.ID, Status: models.AttendancePresent},
		{EnrollmentID: anna.ID, Status: models.AttendanceAbsent, Modality: models.ModalityRemote},
		{EnrollmentID: carla.ID, Status: "late"},
	})
	want = []string{
		"entries[0].modality not_one_of map[allowed:on_site, remote]",
		"entries[1].enrollment_id attendance.duplicate map[index:0]",
		"entries[1].modality attendance.modality_present map[]",
		"entries[2].status not_one_of map[allowed:present, absent, excused]",
	}
	if diff := cmp.Diff(want, attendanceFields(t, err)); diff != "" {
		t.Errorf("refusal (-want +got):\n%s", diff)
	}
	// A session ahead takes excused absences only.
	a.now = at(2026, 9, 1, 12, 0)
	_, err = a.att.RecordSession(context.Background(), a.admin, a.sessions["W1"].ID, []services.AttendanceEntry{
		{EnrollmentID: anna.ID, Status: models.AttendanceAbsent}})
	if diff := cmp.Diff([]string{"entries[0].enrollment_id attendance.not_started map[date:15.09.2026]"}, attendanceFields(t, err)); diff != "" {
		t.Errorf("refusal (-want +got):\n%s", diff)
	}
	if _, err := a.att.RecordSession(context.Background(), a.admin, a.sessions["W1"].ID, []services.AttendanceEntry{
		{EnrollmentID: anna.ID, Status: models.AttendanceExcused, Note: "Urlaub"}}); err != nil {
		t.Errorf("an excused absence ahead: %v", err)
	}
	// A cancelled session takes nothing.
	a.now = at(2026, 11, 26, 18, 0)
	if _, err := a.att.RecordSession(context.Background(), a.admin, a.sessions["X"].ID, []services.AttendanceEntry{
		{EnrollmentID: anna.ID, Status: models.AttendanceAbsent}}); !errors.Is(err, services.ErrAttendanceSessionCancelled) {
		t.Errorf("recording a cancelled session: %v", err)
	}
	// Nobody but staff records.
	juror := services.Actor{UserID: 77, Role: models.RoleJuror}
	if _, err := a.att.RecordSession(context.Background(), juror, a.sessions["K"].ID, []services.AttendanceEntry{
		{EnrollmentID: anna.ID, Status: models.AttendanceAbsent}}); !errors.Is(err, services.ErrForbidden) {
		t.Errorf("a juror recorded attendance: %v", err)
	}
}

func TestRecordingTheSameAgainChangesNothingAndChangesAreAudited(t *testing.T) {
	t.Parallel()
	a := newAttendanceEnv(t)
	a.defaultSchedule(t)
	anna := a.enroll(t, "Anna", models.NewDate(2026, 9, 1))
	bernd := a.enroll(t, "Bernd", models.NewDate(2026, 9, 1))
	a.now = at(2026, 9, 8, 9, 0)
	entries := []services.AttendanceEntry{
		{EnrollmentID: anna.ID, Status: models.AttendancePresent, Modality: models.ModalityRemote, Note: " Zug verpasst "},
		{EnrollmentID: bernd.ID, Status: models.AttendanceAbsent},
	}
	res, err := a.att.RecordSession(context.Background(), a.admin, a.sessions["K"].ID, entries)
	if err != nil || res.Changed != 2 {
		t.Fatalf("first recording: %+v, %v", res, err)
	}
	res, err = a.att.RecordSession(context.Background(), a.admin, a.sessions["K"].ID, entries)
	if err != nil || res.Changed != 0 || res.Unchanged != 2 {
		t.Fatalf("the same again: %+v, %v; want nothing changed", res, err)
	}
	if n := a.auditCount(t); n != 2 {
		t.Errorf("%d audit events, want 2", n)
	}
	entries[1] = services.AttendanceEntry{EnrollmentID: bernd.ID, Status: models.AttendanceExcused, Note: "krank"}
	if res, err = a.att.RecordSession(context.Background(), a.admin, a.sessions["K"].ID, entries); err != nil || res.Changed != 1 {
		t.Fatalf("one change: %+v, %v", res, err)
	}
	var ev models.AuditEvent
	if err := a.db.Where("action = ?", "attendance.recorded").Order("id DESC").Take(&ev).Error; err != nil {
		t.Fatal(err)
	}
	wantID := fmt.Sprintf("%d/%d", a.sessions["K"].ID, bernd.ID)
	if ev.ObjectID != wantID || ev.Before != fmt.Sprintf(`{"enrollment_id":%d,"session_id":%d,"status":"absent"}`, bernd.ID, a.sessions["K"].ID) ||
		ev.After != fmt.Sprintf(`{"enrollment_id":%d,"note":"krank","session_id":%d,"status":"excused"}`, bernd.ID, a.sessions["K"].ID) {
		t.Errorf("audit event %s: %s → %s", ev.ObjectID, ev.Before, ev.After)
	}
	var stored models.Attendance
	if err := a.db.Where("enrollment_id = ?", anna.ID).Take(&stored).Error; err != nil {
		t.Fatal(err)
	}
	if stored.Note != "Zug verpasst" || stored.Modality != models.ModalityRemote || stored.RecordedByID == nil || *stored.RecordedByID != a.admin.UserID {
		t.Errorf("stored %+v", stored)
	}

	// An archived cohort keeps its attendance as it is.
	for _, st := range []models.CohortStatus{models.CohortRunning, models.CohortCompleted, models.CohortArchived} {
		if _, err := a.svc.Cohorts.SetCohortStatus(context.Background(), a.admin, a.cohort.ID, st); err != nil {
			t.Fatal(err)
		}
	}
	entries[0].Status, entries[0].Modality = models.AttendanceAbsent, ""
	if _, err := a.att.RecordSession(context.Background(), a.admin, a.sessions["K"].ID, entries); services.CodeOf(err) != services.CodeCohortArchived {
		t.Errorf("recording in an archived cohort: %v", err)
	}
}

// enrollRows enrolls size people with rows written in bulk, from 01.09.
func (a *attendanceEnv) enrollRows(t *testing.T, size int) []models.Enrollment {
	t.Helper()
	people := make([]models.Participant, size)
	for i := range people {
		people[i] = models.Participant{FirstName: "Person", LastName: fmt.Sprintf("Nr. %04d", i), Email: fmt.Sprintf("p%d@example.org", i), FederalState: "NI", SortName: fmt.Sprintf("nr %04d", i)}
	}
	if err := a.db.CreateInBatches(&people, 200).Error; err != nil {
		t.Fatal(err)
	}
	es := make([]models.Enrollment, size)
	for i, p := range people {
		es[i] = models.Enrollment{CohortID: a.cohort.ID, ParticipantID: p.ID, Status: models.EnrollmentEnrolled, EnrolledAt: models.NewDate(2026, 9, 1)}
	}
	if err := a.db.CreateInBatches(&es, 200).Error; err != nil {
		t.Fatal(err)
	}
	return es
}

// counted returns the attendance service on a handle that counts statements.
func (a *attendanceEnv) counted(t *testing.T) (*services.Attendance, *queryCounter) {
	t.Helper()
	counter := &queryCounter{Interface: logger.Discard}
	svc, err := services.New(a.db.Session(&gorm.Session{Logger: counter}), services.Options{Clock: func() time.Time { return a.now }})
	if err != nil {
		t.Fatal(err)
	}
	return svc.Attendance, counter
}

// TestRecordingThirtyCostsAsManyStatementsAsThree: the session, the
// cohort, the enrollments and their people, the stored rows, one upsert,
// one insert of audit events: 7, for 3 people as for 30.
func TestRecordingThirtyCostsAsManyStatementsAsThree(t *testing.T) {
	t.Parallel()
	counts := map[int]int64{}
	for _, size := range []int{3, 30} {
		a := newAttendanceEnv(t)
		a.defaultSchedule(t)
		es := a.enrollRows(t, size)
		a.now = at(2026, 9, 8, 9, 0)
		att, counter := a.counted(t)
		entries := make([]services.AttendanceEntry, len(es))
		for i, e := range es {
			entries[i] = services.AttendanceEntry{EnrollmentID: e.ID, Status: models.AttendancePresent, Modality: models.ModalityOnSite}
		}
		res, err := att.RecordSession(context.Background(), a.admin, a.sessions["K"].ID, entries)
		if err != nil || res.Changed != size {
			t.Fatalf("size %d: %+v, %v", size, res, err)
		}
		counts[size] = counter.n.Load()
		if n := a.attendanceRows(t); n != int64(size) {
			t.Errorf("size %d: %d rows", size, n)
		}
		if n := a.auditCount(t); n != int64(size) {
			t.Errorf("size %d: %d audit events", size, n)
		}
	}
	if counts[3] != 7 || counts[30] != 7 {
		t.Errorf("statements: %v, want 7 for both", counts)
	}
}

// TestGridCostsSevenQueriesForTenAndFiveHundred: the cohort with its
// course, its sessions, its enrollments, their people, their attendance,
// and for the jury rule the cohort's jury and its group memberships (no
// results are released here).
func TestGridCostsSevenQueriesForTenAndFiveHundred(t *testing.T) {
	t.Parallel()
	counts := map[int]int64{}
	for _, size := range []int{10, 500} {
		a := newAttendanceEnv(t)
		a.defaultSchedule(t)
		es := a.enrollRows(t, size)
		var rows []models.Attendance
		for _, s := range a.sessions {
			if s.Cancelled() {
				continue
			}
			for i, e := range es {
				st, mod := models.AttendancePresent, models.ModalityRemote
				if i%5 == 0 {
					st, mod = models.AttendanceAbsent, ""
				}
				rows = append(rows, models.Attendance{SessionID: s.ID, EnrollmentID: e.ID, Status: st, Modality: mod, RecordedAt: time.Now()})
			}
		}
		if err := a.db.CreateInBatches(&rows, 500).Error; err != nil {
			t.Fatal(err)
		}
		a.now = at(2026, 12, 1, 12, 0)
		att, counter := a.counted(t)
		g, err := att.Grid(context.Background(), a.admin, a.cohort.ID)
		if err != nil {
			t.Fatal(err)
		}
		counts[size] = counter.n.Load()
		if len(g.Rows) != size || len(g.Sessions) != 15 {
			t.Fatalf("size %d: %d rows × %d sessions", size, len(g.Rows), len(g.Sessions))
		}
		// Every fifth person missed all 13 required sessions; the others
		// attended all 13.
		if c := g.Rows[1].Eligibility.Count; c.Held != 13 || c.Attended != 13 {
			t.Errorf("size %d: row 1 counts %+v", size, c)
		}
		if len(g.AtRisk) != size/5 {
			t.Errorf("size %d: %d at risk, want %d", size, len(g.AtRisk), size/5)
		}
		// One row, as a tap on the grid reads it: the same row, in as
		// many queries.
		counter.n.Store(0)
		one, err := att.GridRow(context.Background(), a.admin, a.cohort.ID, g.Rows[1].Enrollment.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n := counter.n.Load(); n != counts[size] || len(one.Rows) != 1 {
			t.Errorf("size %d: one row took %d queries and gave %d rows", size, n, len(one.Rows))
		} else if diff := cmp.Diff(g.Rows[1].Eligibility, one.Rows[0].Eligibility); diff != "" {
			t.Errorf("size %d: the row alone differs from the grid's (-grid +row):\n%s", size, diff)
		}
	}
	if counts[10] != 7 || counts[500] != 7 {
		t.Errorf("queries: %v, want 7 for both", counts)
	}
}

func TestParticipantSeesOnlyTheirOwnAttendance(t *testing.T) {
	t.Parallel()
	a := newAttendanceEnv(t)
	a.defaultSchedule(t)
	anna := a.enroll(t, "Anna", models.NewDate(2026, 9, 1))
	bernd := a.enroll(t, "Bernd", models.NewDate(2026, 9, 1))
	a.now = at(2026, 9, 16, 9, 0)
	a.record(t, "K", map[uint]rune{anna.ID: 'R', bernd.ID: 'A'})
	a.record(t, "W1", map[uint]rune{anna.ID: 'E', bernd.ID: 'S'})
	inv, err := a.svc.Participants.CreateAccount(context.Background(), a.admin, anna.ParticipantID)
	if err != nil {
		t.Fatal(err)
	}
	me := services.Actor{UserID: inv.User.ID, Role: models.RoleParticipant}
	mine, err := a.att.Mine(context.Background(), me)
	if err != nil {
		t.Fatal(err)
	}
	if len(mine) != 1 || mine[0].Row.Enrollment.ID != anna.ID {
		t.Fatalf("mine: %+v", mine)
	}
	// K remote present, W1 excused: 1 of 1 held.
	if c := mine[0].Row.Eligibility.Count; c.Held != 1 || c.Attended != 1 || c.Excused != 1 {
		t.Errorf("Anna's counts %+v", c)
	}
	if v := mine[0].Row.Cells[0].Value; v.Key() != "present_remote" {
		t.Errorf("Anna's kick-off %+v", v)
	}
	for _, who := range []services.Actor{a.admin, {UserID: 99, Role: models.RoleJuror}} {
		if _, err := a.att.Mine(context.Background(), who); !errors.Is(err, services.ErrForbidden) {
			t.Errorf("%s read participants' own attendance: %v", who.Role, err)
		}
	}
	for _, who := range []services.Actor{me, {UserID: 99, Role: models.RoleJuror}} {
		if _, err := a.att.Grid(context.Background(), who, a.cohort.ID); !errors.Is(err, services.ErrForbidden) {
			t.Errorf("%s read the grid: %v", who.Role, err)
		}
		if _, err := a.att.GridRow(context.Background(), who, a.cohort.ID, anna.ID); !errors.Is(err, services.ErrForbidden) {
			t.Errorf("%s read a row of the grid: %v", who.Role, err)
		}
	}
	// A row of another cohort's enrollment, or of none, is not found.
	if _, err := a.att.GridRow(context.Background(), a.admin, a.cohort.ID, anna.ID+1000); !errors.Is(err, services.ErrNotFound) {
		t.Errorf("a row of nobody: %v", err)
	}
}

func TestClickCycleOrder(t *testing.T) {
	t.Parallel()
	var got []string
	v := services.AttendanceValue{}
	for range 5 {
		v = v.Next()
		got = append(got, v.Key())
	}
	if diff := cmp.Diff([]string{"present_on_site", "present_remote", "absent", "excused", "present_on_site"}, got); diff != "" {
		t.Errorf("cycle (-want +got):\n%s", diff)
	}
}
