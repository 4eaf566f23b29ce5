package services_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"kohorte/models"
	"kohorte/services"
)

// cohortEnv has a course with one cohort of the given capacity.
type cohortEnv struct {
	*env
	cohort models.Cohort
}

func newCohortEnv(t testing.TB, capacity int) *cohortEnv {
	t.Helper()
	e := newEnv(t)
	c := &cohortEnv{env: e}
	course, err := c.svc.Courses.CreateCourse(context.Background(), e.admin, courseInput())
	if err != nil {
		t.Fatal(err)
	}
	c.cohort, err = c.svc.Cohorts.CreateCohort(context.Background(), e.admin, course.ID,
		services.CohortInput{Name: "Frühjahr 2023", StartDate: models.NewDate(2023, 4, 5), Capacity: capacity})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *cohortEnv) person(t *testing.T, n int, state string) models.Participant {
	t.Helper()
	p, err := c.svc.Participants.CreateParticipant(context.Background(), c.admin, services.ParticipantInput{
		FirstName: "Person", LastName: fmt.Sprintf("Nr. %04d", n), Email: fmt.Sprintf("p%d@example.org", n),
		FederalState: state, NetworkType: "MINT-Region"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (c *cohortEnv) enrolledCount(t testing.TB) int {
	t.Helper()
	var co models.Cohort
	if err := c.db.Take(&co, c.cohort.ID).Error; err != nil {
		t.Fatal(err)
	}
	return co.EnrolledCount
}

func TestFiftyConcurrentEnrollmentsFillSixteenPlaces(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 16)
	people := make([]models.Participant, 50)
	for i := range people {
		people[i] = c.person(t, i, "NI")
	}
	var ok, full atomic.Int32
	var wg sync.WaitGroup
	for _, p := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.svc.Enrollments.Enroll(context.Background(), c.admin, c.cohort.ID, p.ID, models.NewDate(2023, 3, 20))
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, services.ErrCohortFull):
				full.Add(1)
			default:
				t.Errorf("enroll %d: %v", p.ID, err)
			}
		}()
	}
	wg.Wait()
	var rows int64
	c.db.Model(&models.Enrollment{}).Where("cohort_id = ?", c.cohort.ID).Count(&rows)
	if ok.Load() != 16 || full.Load() != 34 || rows != 16 || c.enrolledCount(t) != 16 {
		t.Fatalf("enrolled %d, full %d, rows %d, counter %d; want 16, 34, 16, 16", ok.Load(), full.Load(), rows, c.enrolledCount(t))
	}
}

func TestWithdrawFreesThePlaceAndReenrollKeepsOneRecord(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 1)
	ctx := context.Background()
	a, b := c.person(t, 1, "HB"), c.person(t, 2, "SL")
	e, err := c.svc.Enrollments.Enroll(ctx, c.admin, c.cohort.ID, a.ID, models.NewDate(2023, 3, 20))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.svc.Enrollments.Enroll(ctx, c.admin, c.cohort.ID, a.ID, models.NewDate(2023, 3, 21)); !errors.Is(err, services.ErrAlreadyEnrolled) {
		t.Fatalf("second enrollment: %v", err)
	}
	if _, err := c.svc.Enrollments.Enroll(ctx, c.admin, c.cohort.ID, b.ID, models.NewDate(2023, 3, 21)); !errors.Is(err, services.ErrCohortFull) {
		t.Fatalf("beyond capacity: %v", err)
	}
	if _, err := c.svc.Enrollments.Withdraw(ctx, c.admin, e.ID, models.NewDate(2023, 3, 19), "Krankheit"); err == nil {
		t.Fatal("withdrawn before the enrollment day")
	}
	w, err := c.svc.Enrollments.Withdraw(ctx, c.admin, e.ID, models.NewDate(2023, 4, 26), " Jobwechsel ")
	if err != nil || w.Status != models.EnrollmentWithdrawn || w.WithdrawnAt.String() != "2023-04-26" || w.WithdrawalReason != "Jobwechsel" {
		t.Fatalf("withdraw: %+v, %v", w, err)
	}
	if c.enrolledCount(t) != 0 {
		t.Fatalf("counter %d after withdrawal, want 0", c.enrolledCount(t))
	}
	if _, err := c.svc.Enrollments.Withdraw(ctx, c.admin, e.ID, models.NewDate(2023, 4, 27), ""); !errors.Is(err, services.ErrInvalidAction) {
		t.Fatalf("withdrawing twice: %v", err)
	}
	again, err := c.svc.Enrollments.Enroll(ctx, c.admin, c.cohort.ID, a.ID, models.NewDate(2023, 5, 2))
	if err != nil || again.ID != e.ID || again.WithdrawnAt != nil || again.EnrolledAt.String() != "2023-05-02" {
		t.Fatalf("re-enroll: %+v, %v", again, err)
	}
	for action, want := range map[string]int64{"enrollment.created": 1, "enrollment.withdrawn": 1, "enrollment.reenrolled": 1} {
		if n := c.countAudit(t, action); n != want {
			t.Errorf("%s audited %d times, want %d", action, n, want)
		}
	}
}

func TestCompletedCohortTakesNoEnrollments(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 16)
	ctx := context.Background()
	c.svc.Cohorts.SetCohortStatus(ctx, c.admin, c.cohort.ID, models.CohortRunning)
	c.svc.Cohorts.SetCohortStatus(ctx, c.admin, c.cohort.ID, models.CohortCompleted)
	if _, err := c.svc.Enrollments.Enroll(ctx, c.admin, c.cohort.ID, c.person(t, 1, "NI").ID, models.Date{}); !errors.Is(err, services.ErrInvalidAction) {
		t.Fatalf("enroll into a completed cohort: %v", err)
	}
}

// queryCounter counts the SQL statements a GORM session runs.
type queryCounter struct {
	logger.Interface
	n atomic.Int64
}

func (q *queryCounter) Trace(context.Context, time.Time, func() (string, int64), error) { q.n.Add(1) }

func TestListingCostsTheSameQueriesForTenAndAThousand(t *testing.T) {
	t.Parallel()
	counts := map[int]int64{}
	for _, size := range []int{10, 1000} {
		c := newCohortEnv(t, size)
		ctx := context.Background()
		ids := make([]uint, size)
		people := make([]models.Participant, size)
		for i := range people {
			people[i] = models.Participant{FirstName: "Person", LastName: fmt.Sprintf("Nr. %04d", i), Email: fmt.Sprintf("p%d@example.org", i), FederalState: "NI"}
		}
		// Bulk rows keep this test fast; the enrollment rules are tested above.
		if err := c.db.CreateInBatches(&people, 200).Error; err != nil {
			t.Fatal(err)
		}
		for i, p := range people {
			ids[i] = p.ID
		}
		enrollments := make([]models.Enrollment, size)
		for i, id := range ids {
			enrollments[i] = models.Enrollment{CohortID: c.cohort.ID, ParticipantID: id, Status: models.EnrollmentEnrolled, EnrolledAt: models.NewDate(2023, 3, 1)}
		}
		if err := c.db.CreateInBatches(&enrollments, 200).Error; err != nil {
			t.Fatal(err)
		}
		counter := &queryCounter{Interface: logger.Discard}
		svc, err := services.New(c.db.Session(&gorm.Session{Logger: counter}), services.Options{Today: func() models.Date { return models.NewDate(2023, 3, 1) }})
		if err != nil {
			t.Fatal(err)
		}
		list, total, err := svc.Enrollments.ListEnrollments(ctx, c.admin, c.cohort.ID, services.EnrollmentFilter{Page: services.Page{Size: services.MaxPageSize}})
		if err != nil {
			t.Fatal(err)
		}
		if int(total) != size || len(list) != min(size, services.MaxPageSize) || list[0].Participant == nil || list[0].Participant.LastName != "Nr. 0000" {
			t.Fatalf("size %d: total %d, page %d", size, total, len(list))
		}
		counts[size] = counter.n.Load()
	}
	// The cohort's existence, the count, the page and the page's participants.
	if counts[10] != counts[1000] || counts[10] != 4 {
		t.Fatalf("queries for 10: %d, for 1000: %d; want 4 each", counts[10], counts[1000])
	}
}

// Several requests re-enrolling one withdrawn person take one place.
func TestConcurrentReenrollmentTakesOnePlace(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 16)
	ctx := context.Background()
	p := c.person(t, 1, "NI")
	e, err := c.svc.Enrollments.Enroll(ctx, c.admin, c.cohort.ID, p.ID, models.NewDate(2023, 3, 20))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.svc.Enrollments.Withdraw(ctx, c.admin, e.ID, models.NewDate(2023, 4, 20), "Pause"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var ok atomic.Int32
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.svc.Enrollments.Enroll(ctx, c.admin, c.cohort.ID, p.ID, models.NewDate(2023, 5, 2))
			if err == nil {
				ok.Add(1)
			} else if !errors.Is(err, services.ErrAlreadyEnrolled) {
				t.Errorf("re-enroll: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 || c.enrolledCount(t) != 1 || c.countAudit(t, "enrollment.reenrolled") != 1 {
		t.Fatalf("%d re-enrollments succeeded, counter %d; want 1 and 1", ok.Load(), c.enrolledCount(t))
	}
}

func TestCreateAndEnrollIsOneStep(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 1)
	ctx := context.Background()
	p, e, err := c.svc.Enrollments.CreateAndEnroll(ctx, c.admin, c.cohort.ID, services.ParticipantInput{FirstName: "Zoë", LastName: "Ć", Email: "z@example.org"}, models.Date{})
	if err != nil || e.ParticipantID != p.ID {
		t.Fatalf("first: %+v %+v %v", p, e, err)
	}
	if _, _, err := c.svc.Enrollments.CreateAndEnroll(ctx, c.admin, c.cohort.ID, services.ParticipantInput{FirstName: "Lena", LastName: "Neu", Email: "l@example.org"}, models.Date{}); !errors.Is(err, services.ErrCohortFull) {
		t.Fatalf("into a full cohort: %v", err)
	}
	var n int64
	c.db.Model(&models.Participant{}).Count(&n)
	if n != 1 {
		t.Fatalf("%d participants; the refused one was created", n)
	}
	got, err := c.svc.Enrollments.FindEnrollment(ctx, c.admin, c.cohort.ID, p.ID)
	if err != nil || got.ID != e.ID {
		t.Fatalf("FindEnrollment: %+v %v", got, err)
	}
	mine, err := c.svc.Participants.EnrollmentsOf(ctx, c.admin, p.ID)
	if err != nil || len(mine) != 1 || mine[0].Cohort.Name != "Frühjahr 2023" {
		t.Fatalf("EnrollmentsOf: %+v %v", mine, err)
	}
}
