package services_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kohorte/models"
	"kohorte/services"
)

// newScheduleEnv is a cohort of the default course from Monday 6 March
// 2023; its last day is 29 May 2023 (start plus 12 weeks).
func newScheduleEnv(t *testing.T) *cohortEnv {
	t.Helper()
	e := newEnv(t)
	c := &cohortEnv{env: e}
	course, err := c.svc.Courses.CreateCourse(context.Background(), e.admin, courseInput())
	if err != nil {
		t.Fatal(err)
	}
	c.cohort, err = c.svc.Cohorts.CreateCohort(context.Background(), e.admin, course.ID,
		services.CohortInput{Name: "Frühjahr 2023", StartDate: models.NewDate(2023, 3, 6), Capacity: 16, Venue: "IHK Oldenburg"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func utc(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

// berlin is a Berlin wall-clock time.
func berlin(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, services.Berlin)
}

type laidOut struct {
	Kind     models.SessionKind
	Title    string
	Start    time.Time
	End      time.Time
	Required bool
	Units    int
	Location string
}

func summarise(ss []models.CohortSession) []laidOut {
	out := make([]laidOut, len(ss))
	for i, s := range ss {
		out[i] = laidOut{s.Kind, s.Title, s.StartsAt.UTC(), s.EndsAt.UTC(), s.Required, s.Units, s.Location}
	}
	return out
}

// The default schedule of a cohort from Monday 2023-03-06, worked out by
// hand: Wednesday webinars from week 2 (2023-03-15), 10:00 Berlin being
// 09:00 UTC before the change to summer time on 26 March and 08:00 UTC
// after it; the closing on Thursday and Friday of week 12 (22–28 May).
func TestDefaultScheduleDates(t *testing.T) {
	t.Parallel()
	c := newScheduleEnv(t)
	tpl := services.DefaultScheduleTemplate()
	tpl.MentoringSlots = 2
	got, err := c.svc.Schedule.LayOutSchedule(context.Background(), c.admin, c.cohort.ID, tpl)
	if err != nil {
		t.Fatal(err)
	}
	web := func(n, d int, m time.Month, h int) laidOut {
		return laidOut{models.SessionWebinar, fmt.Sprintf("Webinar %d", n), utc(2023, m, d, h, 0), utc(2023, m, d, h+1, 30), true, 2, ""}
	}
	want := []laidOut{
		{models.SessionKickoff, "Auftaktpräsenz", utc(2023, 3, 6, 9, 0), utc(2023, 3, 6, 15, 0), true, 8, "IHK Oldenburg"},
		web(1, 15, 3, 9), web(2, 22, 3, 9),
		{models.SessionMentoring, "Mentoring 1", utc(2023, 3, 22, 12, 0), utc(2023, 3, 22, 13, 0), false, 1, ""},
		web(3, 29, 3, 8),
		{models.SessionMentoring, "Mentoring 2", utc(2023, 3, 29, 11, 0), utc(2023, 3, 29, 12, 0), false, 1, ""},
		web(4, 5, 4, 8), web(5, 12, 4, 8), web(6, 19, 4, 8), web(7, 26, 4, 8), web(8, 3, 5, 8), web(9, 10, 5, 8), web(10, 17, 5, 8),
		{models.SessionClosing, "Abschlusspräsenz, Tag 1", utc(2023, 5, 25, 8, 0), utc(2023, 5, 25, 14, 0), true, 8, "IHK Oldenburg"},
		{models.SessionClosing, "Abschlusspräsenz, Tag 2", utc(2023, 5, 26, 8, 0), utc(2023, 5, 26, 14, 0), true, 8, "IHK Oldenburg"},
	}
	stored, err := c.svc.Schedule.ListSessions(context.Background(), c.admin, c.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, summarise(stored.Sessions)); diff != "" {
		t.Errorf("stored schedule (-want +got):\n%s", diff)
	}
	if len(got.Sessions) != len(want) {
		t.Errorf("laid out %d sessions, want %d", len(got.Sessions), len(want))
	}
	if n := c.countAudit(t, "session.created"); n != int64(len(want)) {
		t.Errorf("%d session.created events, want %d", n, len(want))
	}
	// A second layout would double the schedule.
	_, err = c.svc.Schedule.LayOutSchedule(context.Background(), c.admin, c.cohort.ID, tpl)
	if services.CodeOf(err) != services.CodeScheduleNotEmpty {
		t.Errorf("second layout: %v, want %s", err, services.CodeScheduleNotEmpty)
	}
}

func TestScheduleTemplateRefusals(t *testing.T) {
	t.Parallel()
	c := newScheduleEnv(t)
	tpl := services.ScheduleTemplate{WebinarWeekday: 9, WebinarStart: "25:00", WebinarEnd: "10:00", MentoringSlots: 10,
		OnlineURL: "javascript:alert(1)"}
	_, err := c.svc.Schedule.LayOutSchedule(context.Background(), c.admin, c.cohort.ID, tpl)
	want := []services.FieldError{
		{Field: "webinar_weekday", Code: services.CodeOutOfRange, Params: services.Params{"min": 0, "max": 6}},
		{Field: "webinar_start", Code: services.CodeScheduleTimeInvalid},
		{Field: "mentoring_slots", Code: services.CodeOutOfRange, Params: services.Params{"min": 0, "max": 9}},
		{Field: "online_url", Code: services.CodeSessionURLInvalid},
	}
	if diff := cmp.Diff(want, fieldCodes(t, err)); diff != "" {
		t.Errorf("refusals (-want +got):\n%s", diff)
	}
	// A cohort shorter than the course's twelve weeks cannot hold them.
	short, err := c.svc.Cohorts.CreateCohort(context.Background(), c.admin, c.cohort.CourseID, services.CohortInput{
		Name: "Kurz", StartDate: models.NewDate(2023, 3, 6), EndDate: models.NewDate(2023, 4, 30), Capacity: 5})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.svc.Schedule.LayOutSchedule(context.Background(), c.admin, short.ID, services.DefaultScheduleTemplate())
	if services.CodeOf(err) != services.CodeScheduleTooShort {
		t.Errorf("short cohort: %v", err)
	}
	if n := c.countAudit(t, "session.created"); n != 0 {
		t.Errorf("refused layouts wrote %d sessions", n)
	}
}

func webinarInput() services.SessionInput {
	return services.SessionInput{Kind: models.SessionWebinar, Title: "Webinar Netzwerkanalyse",
		StartsAt: berlin(2023, 3, 15, 10, 0), EndsAt: berlin(2023, 3, 15, 11, 30), OnlineURL: "https://meet.example.org/w1"}
}

func TestSessionCreateEditCancel(t *testing.T) {
	t.Parallel()
	c := newScheduleEnv(t)
	ctx := context.Background()
	s, err := c.svc.Schedule.CreateSession(ctx, c.admin, c.cohort.ID, webinarInput())
	if err != nil {
		t.Fatal(err)
	}
	// Units and required come from the course and the kind.
	if s.Units != 2 || !s.Required || s.Sequence != 0 || !s.StartsAt.Equal(utc(2023, 3, 15, 9, 0)) {
		t.Errorf("created %+v", s)
	}
	in := webinarInput()
	in.StartsAt, in.EndsAt = berlin(2023, 3, 29, 10, 0), berlin(2023, 3, 29, 12, 0)
	units, optional := 3, false
	in.Units, in.Required = &units, &optional
	s, err = c.svc.Schedule.UpdateSession(ctx, c.admin, s.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if s.Sequence != 1 || s.Units != 3 || s.Required || !s.StartsAt.Equal(utc(2023, 3, 29, 8, 0)) {
		t.Errorf("updated %+v", s)
	}
	_, err = c.svc.Schedule.CancelSession(ctx, c.admin, s.ID, "  ")
	if diff := cmp.Diff([]services.FieldError{{Field: "reason", Code: services.CodeRequired}}, fieldCodes(t, err)); diff != "" {
		t.Errorf("empty reason (-want +got):\n%s", diff)
	}
	s, err = c.svc.Schedule.CancelSession(ctx, c.admin, s.ID, "Referentin erkrankt")
	if err != nil {
		t.Fatal(err)
	}
	if !s.Cancelled() || s.CancelReason != "Referentin erkrankt" || s.Sequence != 2 {
		t.Errorf("cancelled %+v", s)
	}
	for name, err := range map[string]error{
		"edit":         second(c.svc.Schedule.UpdateSession(ctx, c.admin, s.ID, webinarInput())),
		"cancel again": second(c.svc.Schedule.CancelSession(ctx, c.admin, s.ID, "doppelt")),
	} {
		if !errors.Is(err, services.ErrSessionCancelled) {
			t.Errorf("%s a cancelled session: %v", name, err)
		}
	}
	got, _ := c.svc.Schedule.GetSession(ctx, c.admin, s.ID)
	if got.Sequence != 2 {
		t.Errorf("refused changes raised the sequence to %d", got.Sequence)
	}
	for action, want := range map[string]int64{"session.created": 1, "session.updated": 1, "session.cancelled": 1} {
		if n := c.countAudit(t, action); n != want {
			t.Errorf("%d %s events, want %d", n, action, want)
		}
	}
}

func second[T any](_ T, err error) error { return err }

// A session lies within the cohort's Berlin days, 6 March to 29 May 2023,
// and ends after it starts; each refusal names its field.
func TestSessionRefusals(t *testing.T) {
	t.Parallel()
	c := newScheduleEnv(t)
	ctx := context.Background()
	period := services.Params{"from": "06.03.2023", "to": "29.05.2023"}
	cases := []struct {
		name string
		edit func(*services.SessionInput)
		want []services.FieldError
	}{
		{"the evening before the first day", func(in *services.SessionInput) {
			in.StartsAt, in.EndsAt = berlin(2023, 3, 5, 23, 30), berlin(2023, 3, 6, 10, 0)
		}, []services.FieldError{{Field: "starts_at", Code: services.CodeSessionOutsideCohort, Params: period}}},
		{"into the day after the last", func(in *services.SessionInput) {
			in.StartsAt, in.EndsAt = berlin(2023, 5, 29, 22, 0), berlin(2023, 5, 30, 0, 30)
		}, []services.FieldError{{Field: "ends_at", Code: services.CodeSessionOutsideCohort, Params: period}}},
		{"ends as it starts", func(in *services.SessionInput) { in.EndsAt = in.StartsAt },
			[]services.FieldError{{Field: "ends_at", Code: services.CodeSessionEndNotAfterStart}}},
		{"no kind, title or times", func(in *services.SessionInput) {
			*in = services.SessionInput{Kind: "party"}
		}, []services.FieldError{
			{Field: "kind", Code: services.CodeNotOneOf, Params: services.Params{"allowed": "kickoff, webinar, mentoring, closing"}},
			{Field: "title", Code: services.CodeRequired},
			{Field: "starts_at", Code: services.CodeRequired}, {Field: "ends_at", Code: services.CodeRequired}}},
		{"a link that is no web address", func(in *services.SessionInput) { in.OnlineURL = "meet.example.org" },
			[]services.FieldError{{Field: "online_url", Code: services.CodeSessionURLInvalid}}},
	}
	for _, tc := range cases {
		in := webinarInput()
		tc.edit(&in)
		_, err := c.svc.Schedule.CreateSession(ctx, c.admin, c.cohort.ID, in)
		if diff := cmp.Diff(tc.want, fieldCodes(t, err)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
	// The last minute of the last day is still inside.
	in := webinarInput()
	in.StartsAt, in.EndsAt = berlin(2023, 5, 29, 22, 0), berlin(2023, 5, 30, 0, 0)
	if _, err := c.svc.Schedule.CreateSession(ctx, c.admin, c.cohort.ID, in); err != nil {
		t.Errorf("session up to midnight of the last day: %v", err)
	}
	if _, err := c.svc.Schedule.CreateSession(ctx, c.admin, 99999, webinarInput()); !errors.Is(err, services.ErrNotFound) {
		t.Errorf("unknown cohort: %v", err)
	}
}

func TestArchivedCohortRefusesScheduleChanges(t *testing.T) {
	t.Parallel()
	c := newScheduleEnv(t)
	ctx := context.Background()
	s, err := c.svc.Schedule.CreateSession(ctx, c.admin, c.cohort.ID, webinarInput())
	if err != nil {
		t.Fatal(err)
	}
	c.advance(t, models.CohortArchived)
	for name, err := range map[string]error{
		"create": second(c.svc.Schedule.CreateSession(ctx, c.admin, c.cohort.ID, webinarInput())),
		"edit":   second(c.svc.Schedule.UpdateSession(ctx, c.admin, s.ID, webinarInput())),
		"cancel": second(c.svc.Schedule.CancelSession(ctx, c.admin, s.ID, "x")),
		"layout": second(c.svc.Schedule.LayOutSchedule(ctx, c.admin, c.cohort.ID, services.DefaultScheduleTemplate())),
	} {
		if !errors.Is(err, services.ErrCohortArchived) {
			t.Errorf("%s in an archived cohort: %v", name, err)
		}
	}
	// Cloning only reads it.
	if _, err := c.svc.Schedule.CloneCohort(ctx, c.admin, c.cohort.ID, services.CloneInput{Name: "Neu", StartDate: models.NewDate(2024, 3, 4)}); err != nil {
		t.Errorf("clone an archived cohort: %v", err)
	}
}

// Cloning the cohort of 6 March 2023 to Monday 2 October 2023 shifts every
// day by 210 days and keeps Berlin times across the end of summer time
// on 29 October: 10:00 is 08:00 UTC on 11 October, 09:00 UTC on 1 November.
func TestCloneShiftsEveryDate(t *testing.T) {
	t.Parallel()
	c := newScheduleEnv(t)
	ctx := context.Background()
	if _, err := c.svc.Schedule.LayOutSchedule(ctx, c.admin, c.cohort.ID, services.DefaultScheduleTemplate()); err != nil {
		t.Fatal(err)
	}
	cancelled, _ := c.svc.Schedule.CreateSession(ctx, c.admin, c.cohort.ID, webinarInput())
	if _, err := c.svc.Schedule.CancelSession(ctx, c.admin, cancelled.ID, "entfällt"); err != nil {
		t.Fatal(err)
	}
	c.enroll(t, c.person(t, 1, "NI"))

	_, err := c.svc.Schedule.CloneCohort(ctx, c.admin, c.cohort.ID, services.CloneInput{StartDate: models.NewDate(2023, 10, 2)})
	if diff := cmp.Diff([]services.FieldError{{Field: "name", Code: services.CodeRequired}}, fieldCodes(t, err)); diff != "" {
		t.Errorf("clone without a name (-want +got):\n%s", diff)
	}
	_, err = c.svc.Schedule.CloneCohort(ctx, c.admin, c.cohort.ID, services.CloneInput{Name: "Frühjahr 2023", StartDate: models.NewDate(2023, 10, 2)})
	if diff := cmp.Diff([]services.FieldError{{Field: "name", Code: services.CodeCohortNameTaken}}, fieldCodes(t, err)); diff != "" {
		t.Errorf("clone with a taken name (-want +got):\n%s", diff)
	}
	clone, err := c.svc.Schedule.CloneCohort(ctx, c.admin, c.cohort.ID, services.CloneInput{Name: "Herbst 2023", StartDate: models.NewDate(2023, 10, 2)})
	if err != nil {
		t.Fatal(err)
	}
	if clone.StartDate != models.NewDate(2023, 10, 2) || clone.EndDate != models.NewDate(2023, 12, 25) ||
		clone.Capacity != 16 || clone.Venue != "IHK Oldenburg" || clone.Status != models.CohortPlanned || clone.EnrolledCount != 0 {
		t.Errorf("clone %+v", clone)
	}
	got, err := c.svc.Schedule.ListSessions(ctx, c.admin, clone.ID)
	if err != nil {
		t.Fatal(err)
	}
	ss := summarise(got.Sessions)
	if len(ss) != 13 {
		t.Fatalf("clone has %d sessions, want 13 (the cancelled one left out)", len(ss))
	}
	for i, want := range []struct{ start, end time.Time }{
		{utc(2023, 10, 2, 8, 0), utc(2023, 10, 2, 14, 0)},
		{utc(2023, 10, 11, 8, 0), utc(2023, 10, 11, 9, 30)},
		{utc(2023, 10, 18, 8, 0), utc(2023, 10, 18, 9, 30)},
		{utc(2023, 10, 25, 8, 0), utc(2023, 10, 25, 9, 30)},
		{utc(2023, 11, 1, 9, 0), utc(2023, 11, 1, 10, 30)},
	} {
		if !ss[i].Start.Equal(want.start) || !ss[i].End.Equal(want.end) {
			t.Errorf("session %d (%s): %v–%v, want %v–%v", i, ss[i].Title, ss[i].Start, ss[i].End, want.start, want.end)
		}
	}
	if last := ss[12]; last.Title != "Abschlusspräsenz, Tag 2" || !last.Start.Equal(utc(2023, 12, 22, 9, 0)) {
		t.Errorf("last session %+v, want day 2 of the closing on 22 December at 09:00 UTC", last)
	}
	var n int64
	c.db.Model(&models.Enrollment{}).Where("cohort_id = ?", clone.ID).Count(&n)
	if n != 0 {
		t.Errorf("the clone has %d enrollments", n)
	}
}

func TestCreateCohortWithScheduleIsAllOrNothing(t *testing.T) {
	t.Parallel()
	c := newScheduleEnv(t)
	ctx := context.Background()
	bad := services.DefaultScheduleTemplate()
	bad.WebinarStart = "zehn"
	in := services.CohortInput{Name: "Herbst 2023", StartDate: models.NewDate(2023, 9, 4), Capacity: 20}
	if _, err := c.svc.Schedule.CreateCohortWithSchedule(ctx, c.admin, c.cohort.CourseID, in, bad); err == nil {
		t.Fatal("a bad template was accepted")
	}
	var n int64
	c.db.Model(&models.Cohort{}).Count(&n)
	if n != 1 {
		t.Errorf("%d cohorts after a refused creation, want 1", n)
	}
	co, err := c.svc.Schedule.CreateCohortWithSchedule(ctx, c.admin, c.cohort.CourseID, in, services.DefaultScheduleTemplate())
	if err != nil {
		t.Fatal(err)
	}
	got, _ := c.svc.Schedule.ListSessions(ctx, c.admin, co.ID)
	if len(got.Sessions) != 13 {
		t.Errorf("%d sessions, want 13", len(got.Sessions))
	}
}

func TestOnlyStaffPlanSessions(t *testing.T) {
	t.Parallel()
	c := newScheduleEnv(t)
	ctx := context.Background()
	juror := services.Actor{UserID: 77, Role: models.RoleJuror}
	if _, err := c.svc.Schedule.CreateSession(ctx, juror, c.cohort.ID, webinarInput()); !errors.Is(err, services.ErrForbidden) {
		t.Errorf("juror creates a session: %v", err)
	}
	if _, err := c.svc.Schedule.ListSessions(ctx, juror, c.cohort.ID); !errors.Is(err, services.ErrForbidden) {
		t.Errorf("juror lists sessions: %v", err)
	}
}

// The demo gives each of its cohorts the template with two mentoring
// slots: 15 sessions. Frühjahr 2023 begins on Wednesday 5 April 2023 at
// 10:00 (08:00 UTC, summer time) and closes on Monday and Tuesday of its
// twelfth week, 26 and 27 June.
func TestDemoCohortsHaveASchedule(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.svc.LoadDemo(ctx, e.admin, services.DemoOptions{}); err != nil {
		t.Fatal(err)
	}
	cohorts, err := e.svc.Cohorts.ListCohorts(ctx, e.admin, services.CohortFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, co := range cohorts {
		sched, err := e.svc.Schedule.ListSessions(ctx, e.admin, co.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(sched.Sessions) != 15 {
			t.Errorf("%s: %d sessions, want 15", co.Name, len(sched.Sessions))
			continue
		}
		if co.Name != "Frühjahr 2023" {
			continue
		}
		first, last := sched.Sessions[0], sched.Sessions[14]
		if first.Kind != models.SessionKickoff || !first.StartsAt.Equal(utc(2023, 4, 5, 8, 0)) || first.Location != "IHK Oldenburg, Plenarsaal" {
			t.Errorf("kick-off %+v", first)
		}
		if last.Kind != models.SessionClosing || !last.StartsAt.Equal(utc(2023, 6, 27, 8, 0)) ||
			!sched.Sessions[13].StartsAt.Equal(utc(2023, 6, 26, 8, 0)) {
			t.Errorf("closing %+v, %+v", sched.Sessions[13], last)
		}
	}
}

// New dates of a cohort may not leave a session outside its period, a
// cancelled one neither: the schedule moves first. The cohort runs from
// 6 March to 29 May 2023, with a webinar on 15 March and a cancelled one
// on 24 May.
func TestCohortDatesKeepEverySessionInside(t *testing.T) {
	t.Parallel()
	c := newScheduleEnv(t)
	ctx := context.Background()
	if _, err := c.svc.Schedule.CreateSession(ctx, c.admin, c.cohort.ID, webinarInput()); err != nil {
		t.Fatal(err)
	}
	late := webinarInput()
	late.StartsAt, late.EndsAt = berlin(2023, 5, 24, 10, 0), berlin(2023, 5, 24, 11, 30)
	s, err := c.svc.Schedule.CreateSession(ctx, c.admin, c.cohort.ID, late)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.svc.Schedule.CancelSession(ctx, c.admin, s.ID, "Raum belegt"); err != nil {
		t.Fatal(err)
	}
	dates := func(start, end models.Date) services.CohortInput {
		return services.CohortInput{Name: c.cohort.Name, StartDate: start, EndDate: end, Capacity: 16, Venue: c.cohort.Venue}
	}
	for _, tc := range []struct {
		name       string
		start, end models.Date
		want       []services.FieldError
	}{
		{"later start", models.NewDate(2023, 3, 16), models.NewDate(2023, 5, 29), []services.FieldError{
			{Field: "start_date", Code: services.CodeCohortSessionsOutside, Params: map[string]any{"count": 1, "date": "15.03.2023"}}}},
		{"earlier end", models.NewDate(2023, 3, 6), models.NewDate(2023, 5, 23), []services.FieldError{
			{Field: "end_date", Code: services.CodeCohortSessionsOutside, Params: map[string]any{"count": 1, "date": "24.05.2023"}}}},
		{"both", models.NewDate(2023, 3, 20), models.NewDate(2023, 3, 31), []services.FieldError{
			{Field: "start_date", Code: services.CodeCohortSessionsOutside, Params: map[string]any{"count": 1, "date": "15.03.2023"}},
			{Field: "end_date", Code: services.CodeCohortSessionsOutside, Params: map[string]any{"count": 1, "date": "24.05.2023"}}}},
	} {
		_, err := c.svc.Cohorts.UpdateCohort(ctx, c.admin, c.cohort.ID, dates(tc.start, tc.end))
		if diff := cmp.Diff(tc.want, fieldCodes(t, err)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
	got, err := c.svc.Cohorts.GetCohort(ctx, c.admin, c.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.StartDate != c.cohort.StartDate || got.EndDate != c.cohort.EndDate || c.countAudit(t, "cohort.updated") != 0 {
		t.Errorf("a refused change was written: %s–%s, %d audited", got.StartDate, got.EndDate, c.countAudit(t, "cohort.updated"))
	}
	// The sessions' own days may be the first and the last.
	if _, err := c.svc.Cohorts.UpdateCohort(ctx, c.admin, c.cohort.ID, dates(models.NewDate(2023, 3, 15), models.NewDate(2023, 5, 24))); err != nil {
		t.Errorf("dates that keep both sessions inside: %v", err)
	}
}
