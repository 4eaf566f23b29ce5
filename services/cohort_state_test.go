package services_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kohorte/models"
	"kohorte/services"
	"kohorte/services/roster"
)

// advance moves the test cohort to status, one step at a time.
func (c *cohortEnv) advance(t *testing.T, status models.CohortStatus) {
	t.Helper()
	for s := models.CohortPlanned; s != status; s = s.Next() {
		if _, err := c.svc.Cohorts.SetCohortStatus(context.Background(), c.admin, c.cohort.ID, s.Next()); err != nil {
			t.Fatal(err)
		}
	}
}

// enroll enrolls p in the test cohort on 20.03.2023, before it starts.
func (c *cohortEnv) enroll(t *testing.T, p models.Participant) models.Enrollment {
	t.Helper()
	e, err := c.svc.Enrollments.Enroll(context.Background(), c.admin, c.cohort.ID, p.ID, models.NewDate(2023, 3, 20))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// state is everything a refused change must leave as it was.
type state struct {
	Cohort      models.Cohort
	Enrollments []models.Enrollment
	People      int64
	Users       int64
	Audit       int64
}

func (c *cohortEnv) state(t *testing.T) state {
	t.Helper()
	var s state
	c.db.Take(&s.Cohort, c.cohort.ID)
	c.db.Order("id").Find(&s.Enrollments)
	c.db.Model(&models.Participant{}).Count(&s.People)
	c.db.Model(&models.User{}).Count(&s.Users)
	c.db.Model(&models.AuditEvent{}).Count(&s.Audit)
	return s
}

// fieldCodes lists the field, code and parameters of a validation error.
func fieldCodes(t *testing.T, err error) []services.FieldError {
	t.Helper()
	var verr *services.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("want a validation error, got %v", err)
	}
	out := make([]services.FieldError, len(verr.Fields))
	for i, f := range verr.Fields {
		out[i] = services.FieldError{Field: f.Field, Code: f.Code, Params: f.Params}
	}
	return out
}

func TestArchivedCohortRefusesEveryChange(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 16)
	ctx := context.Background()
	enrolled, withdrawn, other := c.person(t, 1, "NI"), c.person(t, 2, "HB"), c.person(t, 3, "BY")
	e := c.enroll(t, enrolled)
	w := c.enroll(t, withdrawn)
	if _, err := c.svc.Enrollments.Withdraw(ctx, c.admin, w.ID, models.NewDate(2023, 4, 20), "Umzug"); err != nil {
		t.Fatal(err)
	}
	c.advance(t, models.CohortArchived)
	before := c.state(t)

	changes := map[string]func() error{
		"edit venue": func() error {
			_, err := c.svc.Cohorts.UpdateCohort(ctx, c.admin, c.cohort.ID, services.CohortInput{Name: "Frühjahr 2023",
				StartDate: models.NewDate(2023, 4, 5), Capacity: 16, Venue: "IHK Oldenburg"})
			return err
		},
		"enroll": func() error {
			_, err := c.svc.Enrollments.Enroll(ctx, c.admin, c.cohort.ID, other.ID, models.NewDate(2023, 4, 20))
			return err
		},
		"re-enroll": func() error {
			_, err := c.svc.Enrollments.Enroll(ctx, c.admin, c.cohort.ID, withdrawn.ID, models.NewDate(2023, 4, 21))
			return err
		},
		"create and enroll": func() error {
			_, _, err := c.svc.Enrollments.CreateAndEnroll(ctx, c.admin, c.cohort.ID,
				services.ParticipantInput{FirstName: "Zoë", LastName: "Ćosić-Şahin", Email: "zoe@example.org"}, models.NewDate(2023, 4, 20))
			return err
		},
		"withdraw": func() error {
			_, err := c.svc.Enrollments.Withdraw(ctx, c.admin, e.ID, models.NewDate(2023, 4, 20), "")
			return err
		},
		"withdraw many": func() error {
			_, err := c.svc.Enrollments.WithdrawMany(ctx, c.admin, c.cohort.ID, []uint{e.ID}, models.NewDate(2023, 4, 20), "")
			return err
		},
		"create accounts": func() error {
			_, err := c.svc.Participants.CreateAccounts(ctx, c.admin, c.cohort.ID, []uint{e.ID})
			return err
		},
		"import": func() error {
			_, err := c.svc.Enrollments.CommitImport(ctx, c.admin, c.cohort.ID, sheetOf(t, goodList))
			return err
		},
	}
	for name, change := range changes {
		err := change()
		if services.CodeOf(err) != services.CodeCohortArchived || !errors.Is(err, services.ErrInvalidAction) {
			t.Errorf("%s: got %v, want %s", name, err, services.CodeCohortArchived)
		}
	}
	p, err := c.svc.Enrollments.PreviewImport(ctx, c.admin, c.cohort.ID, sheetOf(t, goodList))
	if err != nil || p.Problem == nil || p.Problem.Code != services.CodeCohortArchived {
		t.Errorf("import preview: problem %v, error %v; want %s", p.Problem, err, services.CodeCohortArchived)
	}
	if diff := cmp.Diff(before, c.state(t)); diff != "" {
		t.Fatalf("refused changes wrote (-before +after):\n%s", diff)
	}
}

// A completed cohort takes nobody new, but its data may still be corrected,
// a late withdrawal recorded and graduates given accounts.
func TestCompletedCohortTakesCorrectionsButNobodyNew(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 16)
	ctx := context.Background()
	a, b := c.person(t, 1, "NI"), c.person(t, 2, "HB")
	ea, eb := c.enroll(t, a), c.enroll(t, b)
	if _, err := c.svc.Enrollments.Withdraw(ctx, c.admin, eb.ID, models.NewDate(2023, 4, 20), ""); err != nil {
		t.Fatal(err)
	}
	c.advance(t, models.CohortCompleted)
	if _, err := c.svc.Cohorts.UpdateCohort(ctx, c.admin, c.cohort.ID, services.CohortInput{Name: "Frühjahr 2023",
		StartDate: models.NewDate(2023, 4, 5), Capacity: 16, Venue: "IHK Oldenburg"}); err != nil {
		t.Errorf("correct the venue: %v", err)
	}
	if _, err := c.svc.Enrollments.Enroll(ctx, c.admin, c.cohort.ID, b.ID, models.NewDate(2023, 4, 21)); services.CodeOf(err) != services.CodeCohortClosed {
		t.Errorf("re-enroll: got %v, want %s", err, services.CodeCohortClosed)
	}
	res, err := c.svc.Participants.CreateAccounts(ctx, c.admin, c.cohort.ID, []uint{ea.ID})
	if err != nil || len(res.Created) != 1 {
		t.Errorf("accounts: %+v, %v", res, err)
	}
	if _, err := c.svc.Enrollments.Withdraw(ctx, c.admin, ea.ID, models.NewDate(2023, 6, 28), "erst jetzt gemeldet"); err != nil {
		t.Errorf("late withdrawal on the last day: %v", err)
	}
}

// The cohort runs from 05.04.2023 for twelve weeks to 28.06.2023; the
// person enrolled on 20.03.2023 and the clock says 21.11.2026.
func TestWithdrawalDayLiesBetweenEnrollmentAndTheCohortsEnd(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 16)
	ctx := context.Background()
	e := c.enroll(t, c.person(t, 1, "NI"))
	before := c.state(t)
	cases := []struct {
		name string
		day  models.Date
		want []services.FieldError
	}{
		{"today, after the end", models.Date{}, []services.FieldError{{Field: "withdrawn_at", Code: services.CodeWithdrawalAfterEnd, Params: services.Params{"date": "28.06.2023"}}}},
		{"the day after the end", models.NewDate(2023, 6, 29), []services.FieldError{{Field: "withdrawn_at", Code: services.CodeWithdrawalAfterEnd, Params: services.Params{"date": "28.06.2023"}}}},
		{"before the enrollment", models.NewDate(2023, 3, 19), []services.FieldError{{Field: "withdrawn_at", Code: services.CodeWithdrawalBeforeEnroll, Params: services.Params{"date": "20.03.2023"}}}},
	}
	for _, tc := range cases {
		_, err := c.svc.Enrollments.Withdraw(ctx, c.admin, e.ID, tc.day, "")
		if diff := cmp.Diff(tc.want, fieldCodes(t, err)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
	if diff := cmp.Diff(before, c.state(t)); diff != "" {
		t.Fatalf("refused withdrawals wrote (-before +after):\n%s", diff)
	}
	// Cancelling before the kick-off is a withdrawal too.
	if _, err := c.svc.Enrollments.Withdraw(ctx, c.admin, e.ID, models.NewDate(2023, 3, 25), "abgesagt"); err != nil {
		t.Fatalf("withdraw before the start: %v", err)
	}
}

func TestWithdrawManyIsAllOrNothingAndNamesEachRefusal(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 16)
	ctx := context.Background()
	a, b, gone := c.enroll(t, c.person(t, 1, "NI")), c.enroll(t, c.person(t, 2, "HB")), c.enroll(t, c.person(t, 3, "BY"))
	if _, err := c.svc.Enrollments.Withdraw(ctx, c.admin, gone.ID, models.NewDate(2023, 4, 20), ""); err != nil {
		t.Fatal(err)
	}
	elsewhere, err := c.svc.Cohorts.CreateCohort(ctx, c.admin, c.cohort.CourseID, services.CohortInput{Name: "Herbst 2023",
		StartDate: models.NewDate(2023, 9, 1), Capacity: 16})
	if err != nil {
		t.Fatal(err)
	}
	x, err := c.svc.Enrollments.Enroll(ctx, c.admin, elsewhere.ID, c.person(t, 4, "TH").ID, models.NewDate(2023, 8, 1))
	if err != nil {
		t.Fatal(err)
	}
	before := c.state(t)
	_, err = c.svc.Enrollments.WithdrawMany(ctx, c.admin, c.cohort.ID, []uint{a.ID, gone.ID, x.ID, b.ID}, models.NewDate(2023, 5, 2), "Stellenwechsel")
	want := []services.FieldError{
		{Field: "enrollment_ids[2]", Code: services.CodeEnrollmentNotInCohort, Params: services.Params{"id": x.ID}},
		{Field: "enrollment_ids[1]", Code: services.CodeEnrollmentNotEnrolled, Params: services.Params{"id": gone.ID, "name": "Person Nr. 0003"}},
	}
	if diff := cmp.Diff(want, fieldCodes(t, err)); diff != "" {
		t.Errorf("refusal (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(before, c.state(t)); diff != "" {
		t.Fatalf("a refused list wrote (-before +after):\n%s", diff)
	}

	got, err := c.svc.Enrollments.WithdrawMany(ctx, c.admin, c.cohort.ID, []uint{a.ID, b.ID, a.ID}, models.NewDate(2023, 5, 2), " Stellenwechsel ")
	if err != nil {
		t.Fatal(err)
	}
	var withdrawn, events int64
	c.db.Model(&models.Enrollment{}).Where("cohort_id = ? AND status = ? AND withdrawn_at = ? AND withdrawal_reason = ?",
		c.cohort.ID, models.EnrollmentWithdrawn, models.NewDate(2023, 5, 2), "Stellenwechsel").Count(&withdrawn)
	c.db.Model(&models.AuditEvent{}).Where("action = ?", "enrollment.withdrawn").Count(&events)
	type outcome struct{ Returned, Withdrawn, Counter, Events int64 }
	if diff := cmp.Diff(outcome{2, 2, 0, 3}, outcome{int64(len(got)), withdrawn, int64(c.enrolledCount(t)), events}); diff != "" {
		t.Fatalf("withdraw two (-want +got):\n%s", diff)
	}
}

func TestCreateAccountsSkipsThoseWhoHaveOne(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 16)
	ctx := context.Background()
	pa, pb := c.person(t, 1, "NI"), c.person(t, 2, "HB")
	a, b := c.enroll(t, pa), c.enroll(t, pb)
	if _, err := c.svc.Participants.CreateAccount(ctx, c.admin, pa.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.svc.Participants.CreateAccounts(ctx, c.admin, c.cohort.ID, []uint{b.ID, a.ID + b.ID + 100}); services.CodeOf(err) != services.CodeInvalidInput {
		t.Fatalf("an unknown id: %v", err)
	}
	var linked int64
	c.db.Model(&models.Participant{}).Where("user_id IS NOT NULL").Count(&linked)
	if linked != 1 {
		t.Fatalf("a refused list linked %d people, want the 1 from before", linked)
	}
	res, err := c.svc.Participants.CreateAccounts(ctx, c.admin, c.cohort.ID, []uint{a.ID, b.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Created) != 1 || res.Created[0].Participant.ID != pb.ID || res.Created[0].Token == "" || res.Skipped != 1 {
		t.Fatalf("got %+v, want one account for person 2 and one skipped", res)
	}
	var p models.Participant
	c.db.Take(&p, pb.ID)
	if p.UserID == nil || *p.UserID != res.Created[0].User.ID {
		t.Fatalf("person 2 linked to %v, want user %d", p.UserID, res.Created[0].User.ID)
	}
}

func TestExportSelection(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 16)
	ctx := context.Background()
	a, _, b := c.enroll(t, c.person(t, 1, "NI")), c.enroll(t, c.person(t, 2, "HB")), c.enroll(t, c.person(t, 3, "BY"))
	_, rows, err := c.svc.Enrollments.ExportRows(ctx, c.admin, c.cohort.ID, []uint{b.ID, a.ID})
	if err != nil {
		t.Fatal(err)
	}
	var emails []string
	for _, r := range rows {
		emails = append(emails, r.Email)
	}
	if diff := cmp.Diff([]string{"p1@example.org", "p3@example.org"}, emails); diff != "" {
		t.Errorf("selection (-want +got):\n%s", diff)
	}
	_, _, err = c.svc.Enrollments.ExportRows(ctx, c.admin, c.cohort.ID, []uint{a.ID, b.ID + 100})
	want := []services.FieldError{{Field: "ids[1]", Code: services.CodeEnrollmentNotInCohort, Params: services.Params{"id": b.ID + 100}}}
	if diff := cmp.Diff(want, fieldCodes(t, err)); diff != "" {
		t.Errorf("another id (-want +got):\n%s", diff)
	}
}

// An export streams its rows in name order, and gives its connection back
// whether it was read to the end, closed unread or refused.
func TestExportStreamsInNameOrderAndGivesItsConnectionBack(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 40)
	ctx := context.Background()
	var want []string
	for n := 30; n >= 1; n-- {
		c.enroll(t, c.person(t, n, "NI"))
		want = append([]string{fmt.Sprintf("Nr. %04d", n)}, want...)
	}
	sqlDB, err := c.db.DB()
	if err != nil {
		t.Fatal(err)
	}
	inUse := func(when string) {
		t.Helper()
		if n := sqlDB.Stats().InUse; n != 0 {
			t.Fatalf("%s: %d connections still in use", when, n)
		}
	}

	ex, err := c.svc.Enrollments.OpenExport(ctx, c.admin, c.cohort.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = ex.Each(func(r roster.ExportRow) error {
		got = append(got, r.LastName)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if err := ex.Close(); err != nil {
		t.Fatalf("Close after Each: %v", err)
	}
	inUse("after reading an export")

	ex, err = c.svc.Enrollments.OpenExport(ctx, c.admin, c.cohort.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := ex.Close(); err != nil {
		t.Fatalf("Close unread: %v", err)
	}
	inUse("after closing an export unread")

	if _, err := c.svc.Enrollments.OpenExport(ctx, c.admin, c.cohort.ID, []uint{1 << 30}); err == nil {
		t.Fatal("a selection of another cohort's enrollment was exported")
	}
	inUse("after a refused selection")
}
