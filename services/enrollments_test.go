package services_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
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
	type outcome struct{ Enrolled, Full, Rows, Counter int64 }
	got := outcome{int64(ok.Load()), int64(full.Load()), rows, int64(c.enrolledCount(t))}
	if diff := cmp.Diff(outcome{16, 34, 16, 16}, got); diff != "" {
		t.Fatalf("50 enrollments into 16 places (-want +got):\n%s", diff)
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
	if err != nil {
		t.Fatalf("withdraw: %v", err)
	}
	if w.Status != models.EnrollmentWithdrawn {
		t.Fatalf("withdraw: status %s, want withdrawn", w.Status)
	}
	if w.WithdrawnAt.String() != "2023-04-26" {
		t.Fatalf("withdraw: withdrawn at %s, want 2023-04-26", w.WithdrawnAt)
	}
	if w.WithdrawalReason != "Jobwechsel" {
		t.Fatalf("withdraw: reason %q, want Jobwechsel", w.WithdrawalReason)
	}
	if c.enrolledCount(t) != 0 {
		t.Fatalf("counter %d after withdrawal, want 0", c.enrolledCount(t))
	}
	if _, err := c.svc.Enrollments.Withdraw(ctx, c.admin, e.ID, models.NewDate(2023, 4, 27), ""); !errors.Is(err, services.ErrInvalidAction) {
		t.Fatalf("withdrawing twice: %v", err)
	}
	again, err := c.svc.Enrollments.Enroll(ctx, c.admin, c.cohort.ID, a.ID, models.NewDate(2023, 5, 2))
	if err != nil {
		t.Fatalf("re-enroll: %v", err)
	}
	if again.ID != e.ID {
		t.Fatalf("re-enroll: enrollment %d, want the old one %d", again.ID, e.ID)
	}
	if again.WithdrawnAt != nil {
		t.Fatalf("re-enroll: still withdrawn at %s", again.WithdrawnAt)
	}
	if again.EnrolledAt.String() != "2023-05-02" {
		t.Fatalf("re-enroll: enrolled at %s, want 2023-05-02", again.EnrolledAt)
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

// enrollInBulk enrolls size people named "Nr. 0000" onwards in Lower
// Saxony, with rows written in bulk to keep the tests that need many fast;
// the enrollment rules are tested through the service above.
func (c *cohortEnv) enrollInBulk(t *testing.T, size int) {
	t.Helper()
	people := make([]models.Participant, size)
	for i := range people {
		people[i] = models.Participant{FirstName: "Person", LastName: fmt.Sprintf("Nr. %04d", i), Email: fmt.Sprintf("p%d@example.org", i), FederalState: "NI"}
	}
	if err := c.db.CreateInBatches(&people, 200).Error; err != nil {
		t.Fatal(err)
	}
	enrollments := make([]models.Enrollment, size)
	for i, p := range people {
		enrollments[i] = models.Enrollment{CohortID: c.cohort.ID, ParticipantID: p.ID, Status: models.EnrollmentEnrolled, EnrolledAt: models.NewDate(2023, 3, 1)}
	}
	if err := c.db.CreateInBatches(&enrollments, 200).Error; err != nil {
		t.Fatal(err)
	}
	if err := c.db.Model(&models.Cohort{}).Where("id = ?", c.cohort.ID).Update("enrolled_count", size).Error; err != nil {
		t.Fatal(err)
	}
}

// TestCohortOverviewCostsFiveQueriesForTenAndAThousand pins the cohort
// page's reads: the cohort with its course, one page of its list (count,
// page, participants) and its statistics (one read of the read model),
// whatever its size.
func TestCohortOverviewCostsFiveQueriesForTenAndAThousand(t *testing.T) {
	t.Parallel()
	for _, size := range []int{10, 1000} {
		c := newCohortEnv(t, size)
		c.enrollInBulk(t, size)
		counter := &queryCounter{Interface: logger.Discard}
		svc, err := services.New(c.db.Session(&gorm.Session{Logger: counter}), services.Options{})
		if err != nil {
			t.Fatal(err)
		}
		o, err := svc.Cohorts.Overview(context.Background(), c.admin, c.cohort.ID,
			services.EnrollmentFilter{Page: services.Page{Size: 50}})
		if err != nil {
			t.Fatal(err)
		}
		if n := counter.n.Load(); n != 5 {
			t.Errorf("size %d: %d queries, want 5", size, n)
		}
		if o.Cohort.Course == nil || o.Cohort.Course.Title == "" {
			t.Errorf("size %d: the cohort comes without its course", size)
		}
		if o.Matching != int64(size) {
			t.Errorf("size %d: %d matching, want %d", size, o.Matching, size)
		}
		if want := min(size, 50); len(o.Enrollments) != want {
			t.Errorf("size %d: page of %d, want %d", size, len(o.Enrollments), want)
		}
		if o.Enrollments[0].Participant == nil || o.Enrollments[0].Participant.LastName != "Nr. 0000" {
			t.Errorf("size %d: first row %+v, want Nr. 0000 with the participant", size, o.Enrollments[0].Participant)
		}
		if o.Statistics.People != int64(size) || o.Statistics.ByFederalState[0] != (services.GroupCounts{Code: "NI", StatusCounts: services.StatusCounts{Enrolled: int64(size)}}) {
			t.Errorf("size %d: statistics %+v, want %d people, all in NI", size, o.Statistics, size)
		}
	}
	if _, err := newCohortEnv(t, 1).svc.Cohorts.Overview(context.Background(), services.Actor{UserID: 9, Role: models.RoleJuror}, 1, services.EnrollmentFilter{}); !errors.Is(err, services.ErrForbidden) {
		t.Errorf("a juror read a cohort's overview: %v", err)
	}
}

func TestListingCostsTheSameQueriesForTenAndAThousand(t *testing.T) {
	t.Parallel()
	counts := map[int]int64{}
	for _, size := range []int{10, 1000} {
		c := newCohortEnv(t, size)
		ctx := context.Background()
		c.enrollInBulk(t, size)
		counter := &queryCounter{Interface: logger.Discard}
		svc, err := services.New(c.db.Session(&gorm.Session{Logger: counter}), services.Options{Today: func() models.Date { return models.NewDate(2023, 3, 1) }})
		if err != nil {
			t.Fatal(err)
		}
		list, total, err := svc.Enrollments.ListEnrollments(ctx, c.admin, c.cohort.ID, services.EnrollmentFilter{Page: services.Page{Size: services.MaxPageSize}})
		if err != nil {
			t.Fatal(err)
		}
		if int(total) != size {
			t.Fatalf("size %d: total %d", size, total)
		}
		if want := min(size, services.MaxPageSize); len(list) != want {
			t.Fatalf("size %d: page of %d, want %d", size, len(list), want)
		}
		if list[0].Participant == nil {
			t.Fatalf("size %d: the first enrollment comes without its participant", size)
		}
		if list[0].Participant.LastName != "Nr. 0000" {
			t.Fatalf("size %d: first participant %q, want Nr. 0000", size, list[0].Participant.LastName)
		}
		counts[size] = counter.n.Load()
	}
	// The cohort's existence, the count, the page and the page's participants.
	for _, size := range []int{10, 1000} {
		if counts[size] != 4 {
			t.Errorf("queries for %d: %d; want 4 (for 10: %d, for 1000: %d)", size, counts[size], counts[10], counts[1000])
		}
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
	if ok.Load() != 1 {
		t.Fatalf("%d re-enrollments succeeded, want 1", ok.Load())
	}
	if n := c.enrolledCount(t); n != 1 {
		t.Fatalf("counter %d after the re-enrollments, want 1", n)
	}
	if n := c.countAudit(t, "enrollment.reenrolled"); n != 1 {
		t.Fatalf("%d re-enrollments audited, want 1", n)
	}
}

func TestCreateAndEnrollIsOneStep(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 1)
	ctx := context.Background()
	p, e, err := c.svc.Enrollments.CreateAndEnroll(ctx, c.admin, c.cohort.ID, services.ParticipantInput{FirstName: "Zoë", LastName: "Ć", Email: "z@example.org"}, models.Date{})
	if err != nil {
		t.Fatalf("first: %v", err)
	}
	if e.ParticipantID != p.ID {
		t.Fatalf("first: enrollment of participant %d, want %d", e.ParticipantID, p.ID)
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
	if err != nil {
		t.Fatalf("FindEnrollment: %v", err)
	}
	if got.ID != e.ID {
		t.Fatalf("FindEnrollment: enrollment %d, want %d", got.ID, e.ID)
	}
	mine, err := c.svc.Participants.EnrollmentsOf(ctx, c.admin, p.ID)
	if err != nil {
		t.Fatalf("EnrollmentsOf: %v", err)
	}
	if len(mine) != 1 {
		t.Fatalf("EnrollmentsOf: %d enrollments, want 1: %+v", len(mine), mine)
	}
	if mine[0].Cohort.Name != "Frühjahr 2023" {
		t.Fatalf("EnrollmentsOf: cohort %q, want Frühjahr 2023", mine[0].Cohort.Name)
	}
}

// An enrollment day outside the years Kohorte takes is refused by field,
// whether the person is enrolled alone or created and enrolled at once.
func TestEnrollmentDayMustBeInRange(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 16)
	ctx := context.Background()
	p := c.person(t, 1, "NI")
	_, err := c.svc.Enrollments.Enroll(ctx, c.admin, c.cohort.ID, p.ID, models.NewDate(2150, 1, 1))
	var verr *services.ValidationError
	if !errors.As(err, &verr) || verr.Fields[0].Field != "enrolled_at" || verr.Fields[0].Code != services.CodeOutOfRange {
		t.Fatalf("enroll on 01.01.2150: %v, want enrolled_at out_of_range", err)
	}
	_, _, err = c.svc.Enrollments.CreateAndEnroll(ctx, c.admin, c.cohort.ID, services.ParticipantInput{
		FirstName: "Zoë", LastName: "Ćosić-Şahin", Email: "zoe@example.org"}, models.NewDate(1900, 1, 1))
	if !errors.As(err, &verr) || verr.Fields[0].Code != services.CodeOutOfRange {
		t.Fatalf("create and enroll on 01.01.1900: %v, want out_of_range", err)
	}
	if c.enrolledCount(t) != 0 {
		t.Fatal("a refused enrollment took a place")
	}
}

// Pages past the middle are read backwards from the end; put together,
// the pages must still be the whole list in order, each person once, in
// either direction and with the same names ordered by id.
func TestPagesPutTogetherAreTheWholeList(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 16)
	ctx := context.Background()
	for n := range 7 {
		// Two people share each name, so the order rests on the id too.
		p, err := c.svc.Participants.CreateParticipant(ctx, c.admin, services.ParticipantInput{
			FirstName: "Person", LastName: fmt.Sprintf("Nr. %d", n/2), Email: fmt.Sprintf("p%d@example.org", n)})
		if err != nil {
			t.Fatal(err)
		}
		c.enroll(t, p)
	}
	for _, sort := range []string{"", "-last_name", "status", "-enrolled_at"} {
		var people, enrolled []uint
		for page := 1; page <= 4; page++ {
			ps, total, err := c.svc.Participants.ListParticipants(ctx, c.admin, services.ParticipantFilter{Sort: sort, Page: services.Page{Number: page, Size: 2}})
			if err != nil && sort != "status" && sort != "-enrolled_at" {
				t.Fatal(err)
			}
			if err == nil {
				if total != 7 || len(ps) != min(2, 7-2*(page-1)) {
					t.Errorf("participants sorted %q, page %d: %d of %d", sort, page, len(ps), total)
				}
				for _, p := range ps {
					people = append(people, p.ID)
				}
			}
			es, total, err := c.svc.Enrollments.ListEnrollments(ctx, c.admin, c.cohort.ID, services.EnrollmentFilter{Sort: sort, Page: services.Page{Number: page, Size: 2}})
			if err != nil {
				t.Fatal(err)
			}
			if total != 7 || len(es) != min(2, 7-2*(page-1)) {
				t.Errorf("enrollments sorted %q, page %d: %d of %d", sort, page, len(es), total)
			}
			for _, e := range es {
				enrolled = append(enrolled, e.Participant.ID)
			}
		}
		all, _, err := c.svc.Enrollments.ListEnrollments(ctx, c.admin, c.cohort.ID, services.EnrollmentFilter{Sort: sort})
		if err != nil {
			t.Fatal(err)
		}
		var want []uint
		for _, e := range all {
			want = append(want, e.Participant.ID)
		}
		if !slices.Equal(enrolled, want) {
			t.Errorf("enrollments sorted %q: pages %v, whole list %v", sort, enrolled, want)
		}
		if people != nil && !slices.Equal(people, want) {
			t.Errorf("participants sorted %q: pages %v, whole list %v", sort, people, want)
		}
	}
}

// The cohort list pages like the others: newest start first, the same
// three statements (count, page, the page's courses) for any page, and
// the pages put together are the whole list.
func TestCohortPagesCostThreeQueriesAndMakeTheWholeList(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 16)
	ctx := context.Background()
	for i := range 11 {
		// Two cohorts start on each day, so the order rests on the id too.
		if _, err := c.svc.Cohorts.CreateCohort(ctx, c.admin, c.cohort.CourseID, services.CohortInput{
			Name: fmt.Sprintf("Runde %d", i), StartDate: models.NewDate(2024, 1, 1+i/2), Capacity: 10}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := c.svc.Cohorts.ListCohorts(ctx, c.admin, services.CohortFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 12 {
		t.Fatalf("%d cohorts, want 12", len(all))
	}
	counter := &queryCounter{Interface: logger.Discard}
	svc, err := services.New(c.db.Session(&gorm.Session{Logger: counter}), services.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var paged []string
	for page := 1; page <= 3; page++ {
		before := counter.n.Load()
		cs, total, err := svc.Cohorts.ListCohortPage(ctx, c.admin, services.CohortFilter{CourseID: c.cohort.CourseID, Page: services.Page{Number: page, Size: 5}})
		if err != nil {
			t.Fatal(err)
		}
		if n := counter.n.Load() - before; n != 3 {
			t.Errorf("page %d: %d queries, want 3", page, n)
		}
		if want := []int{5, 5, 2}[page-1]; total != 12 || len(cs) != want {
			t.Errorf("page %d: %d of %d, want %d of 12", page, len(cs), total, want)
		}
		for _, co := range cs {
			if co.Course == nil || co.Course.Title == "" {
				t.Errorf("page %d: %s comes without its course", page, co.Name)
			}
			paged = append(paged, co.Name)
		}
	}
	var want []string
	for _, co := range all {
		want = append(want, co.Name)
	}
	if !slices.Equal(paged, want) {
		t.Errorf("pages %v, whole list %v", paged, want)
	}
	if want[0] != "Runde 10" || want[1] != "Runde 9" || want[11] != "Frühjahr 2023" {
		t.Errorf("order %v, want Runde 10, Runde 9 … Frühjahr 2023", want)
	}
	if _, _, err := svc.Cohorts.ListCohortPage(ctx, services.Actor{UserID: 9, Role: models.RoleJuror}, services.CohortFilter{}); !errors.Is(err, services.ErrForbidden) {
		t.Errorf("a juror listed cohorts: %v", err)
	}
}

// The participant list costs its count and its page, on the first page as
// on the last, searched or not.
func TestParticipantPagesCostTwoQueries(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 30)
	ctx := context.Background()
	for n := range 30 {
		c.person(t, n, "NI")
	}
	counter := &queryCounter{Interface: logger.Discard}
	svc, err := services.New(c.db.Session(&gorm.Session{Logger: counter}), services.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []services.ParticipantFilter{
		{Page: services.Page{Number: 1, Size: 10}},
		{Page: services.Page{Number: 3, Size: 10}},
		{Search: "person nr 002", Page: services.Page{Number: 1, Size: 4}},
		{Search: "person nr 002", Page: services.Page{Number: 3, Size: 4}},
	} {
		before := counter.n.Load()
		ps, total, err := svc.Participants.ListParticipants(ctx, c.admin, f)
		if err != nil {
			t.Fatal(err)
		}
		if n := counter.n.Load() - before; n != 2 {
			t.Errorf("%+v: %d queries, want 2", f, n)
		}
		want, wantTotal := 10, int64(30)
		if f.Search != "" {
			want, wantTotal = []int{4, 0, 3}[f.Page.Number-1], 11 // Nr. 0002 and Nr. 0020 to Nr. 0029
		}
		if total != wantTotal || len(ps) != want {
			t.Errorf("%+v: %d of %d, want %d of %d", f, len(ps), total, want, wantTotal)
		}
	}
}

// A cohort's list sorts by a copy of each person's sort name kept on the
// enrollment (an index for big cohorts); a rename must move the person.
func TestCohortListFollowsARename(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 16)
	ctx := context.Background()
	var adler models.Participant
	for _, name := range []string{"Adler", "Öztürk", "Zander"} {
		p, err := c.svc.Participants.CreateParticipant(ctx, c.admin, services.ParticipantInput{FirstName: "Kim", LastName: name, Email: name + "@example.org"})
		if err != nil {
			t.Fatal(err)
		}
		c.enroll(t, p)
		if name == "Adler" {
			adler = p
		}
	}
	names := func() string {
		es, _, err := c.svc.Enrollments.ListEnrollments(ctx, c.admin, c.cohort.ID, services.EnrollmentFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range es {
			out = append(out, e.Participant.LastName)
		}
		return fmt.Sprint(out)
	}
	if got := names(); got != "[Adler Öztürk Zander]" {
		t.Errorf("before the rename: %s", got)
	}
	if _, err := c.svc.Participants.UpdateParticipant(ctx, c.admin, adler.ID, services.ParticipantInput{FirstName: "Kim", LastName: "Zimmer", Email: "Adler@example.org"}); err != nil {
		t.Fatal(err)
	}
	if got := names(); got != "[Öztürk Zander Zimmer]" {
		t.Errorf("after the rename: %s", got)
	}
}

// A page that offers cohorts to choose from reads the newest in one
// statement, with their courses' titles, and learns whether there are
// older ones without counting them.
func TestCohortChoicesCostOneQuery(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 16) // Frühjahr 2023, starting 5 April 2023
	ctx := context.Background()
	for i, start := range []models.Date{models.NewDate(2024, 4, 3), models.NewDate(2023, 9, 6), models.NewDate(2024, 4, 3)} {
		_, err := c.svc.Cohorts.CreateCohort(ctx, c.admin, c.cohort.CourseID,
			services.CohortInput{Name: fmt.Sprintf("Kohorte %d", i+1), StartDate: start, Capacity: 16})
		if err != nil {
			t.Fatal(err)
		}
	}
	counter := &queryCounter{Interface: logger.Discard}
	svc, err := services.New(c.db.Session(&gorm.Session{Logger: counter}), services.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Newest start first; of two on one day the later made.
	for _, tc := range []struct {
		n     int
		names []string
		more  bool
	}{
		{2, []string{"Kohorte 3", "Kohorte 1"}, true},
		{4, []string{"Kohorte 3", "Kohorte 1", "Kohorte 2", "Frühjahr 2023"}, false},
		{10, []string{"Kohorte 3", "Kohorte 1", "Kohorte 2", "Frühjahr 2023"}, false},
	} {
		before := counter.n.Load()
		choices, more, err := svc.Cohorts.Choices(ctx, c.admin, tc.n)
		if err != nil {
			t.Fatal(err)
		}
		if n := counter.n.Load() - before; n != 1 {
			t.Errorf("%d choices: %d queries, want 1", tc.n, n)
		}
		var names []string
		for _, ch := range choices {
			names = append(names, ch.Name)
			if ch.CourseTitle != courseInput().Title {
				t.Errorf("%s: course %q, want %q", ch.Name, ch.CourseTitle, courseInput().Title)
			}
		}
		if !slices.Equal(names, tc.names) || more != tc.more {
			t.Errorf("%d choices: %v, more %v; want %v, more %v", tc.n, names, more, tc.names, tc.more)
		}
	}
	if _, _, err := svc.Cohorts.Choices(ctx, services.Actor{UserID: 99, Role: models.RoleJuror}, 10); !errors.Is(err, services.ErrForbidden) {
		t.Errorf("a juror's choices: %v, want forbidden", err)
	}
}
