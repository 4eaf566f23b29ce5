package services

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"gorm.io/gorm"

	"kohorte/models"
)

// ScaleResult says what LoadScale generated.
type ScaleResult struct {
	Courses      int
	Cohorts      int
	Participants int
	Enrollments  int
	// Sessions are the cohorts' schedules, each the course's template.
	Sessions int
	// Attendance counts the attendance generated for the sessions the
	// data set has; none without sessions.
	Attendance int
	// Groups, Jurors and Sheets are the juries' project groups, the
	// jurors' pool and the submitted score sheets.
	Groups, Jurors, Sheets int
	// Certificates are issued to some who completed, to verify.
	Certificates int
}

// The shape of a generated data set, as a whole IHK region keeps it over
// years: a course per 200 people, small cohorts of 8 to 30 that hold
// everyone once, and per 20,000 people one cohort of 10,000 and one of 500
// drawn from all of them again.
const (
	scalePeoplePerCourse   = 200
	scaleMinCohort         = 8
	scaleMaxCohort         = 30
	scaleBigCohort         = 10000
	scaleMidCohort         = 500 // the attendance grid's measure
	scalePeoplePerBig      = 20000
	scaleWithdrawnPerCent  = 8
	scaleNotPassedPerCent  = 4
	scaleFirstYear         = 2015
	scaleBatch             = 100 // rows per statement: the SQLite driver binds in time square to the parameters
	scaleMaxPeople         = 1_000_000
	scaleWithdrawalReason  = "Stellenwechsel"
	scaleArchiveAfterYears = 3
)

// LoadScale fills an empty database with people generated data of the
// shape a region collects over years, for measuring Kohorte at scale. It
// writes in batches, bypassing the per-row rules that the generated rows
// meet by construction, in one transaction, records one audit event, and
// then has the database gather statistics on what it loaded, as its
// autovacuum would later, and SQLite merge its search index. The same
// seed gives the same data.
func (s *Services) LoadScale(ctx context.Context, actor Actor, people int) (ScaleResult, error) {
	if !actor.IsStaff() {
		return ScaleResult{}, ErrForbidden
	}
	if people < 1 || people > scaleMaxPeople {
		return ScaleResult{}, invalid("scale", CodeOutOfRange, "min", 1, "max", scaleMaxPeople)
	}
	var res ScaleResult
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&models.Course{}).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrDemoLoaded
		}
		g := &scaleGen{rnd: newScaleRand(people), names: newNameRand(people), today: s.Cohorts.now(), now: s.Attendance.now()}
		err := models.LoadInBulk(tx, func() error {
			var err error
			res, err = g.load(tx, actor, people)
			return err
		})
		if err != nil {
			return err
		}
		return record(tx, actor, "demo.scale_loaded", "", "", nil, res)
	})
	if err != nil {
		return res, err
	}
	// The region is in; what follows only makes reading it faster, so a
	// failure of one step does not keep the other from running.
	merged := models.OptimizeSearch(ctx, s.db)
	if merged != nil {
		merged = fmt.Errorf("the region is loaded, but merging its search index failed: %w", merged)
	}
	return res, errors.Join(merged, vacuumAnalyze(ctx, s.db, "courses", "course_issuers", "course_signatories", "cohorts", "participants", "enrollments",
		"cohort_sessions", "attendances", "statistics_counts", "users", "rubric_criteria", "cohort_juries", "jurors",
		"project_groups", "group_members", "score_sheets", "scores", "issued_documents", "document_counters"))
}

// vacuumAnalyze is analyze that on PostgreSQL also vacuums, which marks
// the pages just written all-visible: only then can the lists' index-only
// scans skip the table (without it, walking 20,000 index entries fetches
// 20,000 rows too). Autovacuum does the same later; a bulk load should not
// wait for it. VACUUM cannot run in a transaction, hence after the load.
func vacuumAnalyze(ctx context.Context, db *gorm.DB, tables ...string) error {
	if db.Dialector.Name() != "postgres" {
		return analyze(ctx, db, tables...)
	}
	for _, t := range tables {
		if err := db.WithContext(ctx).Exec("VACUUM (ANALYZE) " + t).Error; err != nil {
			return fmt.Errorf("vacuum %s: %w", t, err)
		}
	}
	return nil
}

// newScaleRand is the generator's source: the same size gives the same data.
func newScaleRand(people int) *rand.Rand { return rand.New(rand.NewPCG(uint64(people), 2023)) }

// newNameRand is the source of the people's names, apart from the rest, so
// that how names are drawn changes nothing else in the data set.
func newNameRand(people int) *rand.Rand { return rand.New(rand.NewPCG(uint64(people), 52)) }

// analyze gathers the planner's statistics on tables just loaded in bulk:
// without them, PostgreSQL without a recent autovacuum plans as if they
// were empty.
func analyze(ctx context.Context, db *gorm.DB, tables ...string) error {
	for _, t := range tables {
		if err := db.WithContext(ctx).Exec("ANALYZE " + t).Error; err != nil {
			return fmt.Errorf("analyze %s: %w", t, err)
		}
	}
	return nil
}

// scaleGen generates one data set.
type scaleGen struct {
	rnd, names *rand.Rand
	today      models.Date
	now        time.Time
}

func (g *scaleGen) load(tx *gorm.DB, actor Actor, people int) (ScaleResult, error) {
	courses := g.courses(max(1, people/scalePeoplePerCourse))
	if err := tx.CreateInBatches(courses, 100).Error; err != nil {
		return ScaleResult{}, fmt.Errorf("courses: %w", err)
	}
	persons := g.people(people)
	if err := tx.CreateInBatches(persons, scaleBatch).Error; err != nil {
		return ScaleResult{}, fmt.Errorf("participants: %w", err)
	}
	cohorts, members := g.cohorts(courses, persons)
	perCohort := g.enrollments(cohorts, members, persons)
	if err := tx.CreateInBatches(cohorts, scaleBatch).Error; err != nil {
		return ScaleResult{}, fmt.Errorf("cohorts: %w", err)
	}
	var enrollments []models.Enrollment
	enrolled := 0
	for ci, es := range perCohort {
		for i := range es {
			es[i].CohortID = cohorts[ci].ID
		}
		enrollments = append(enrollments, es...)
		enrolled += len(es)
	}
	if err := tx.CreateInBatches(enrollments, scaleBatch).Error; err != nil {
		return ScaleResult{}, fmt.Errorf("enrollments: %w", err)
	}
	// The rows written carry their ids; each cohort's share of them in turn.
	for ci, from := range perCohort {
		perCohort[ci], enrollments = enrollments[:len(from)], enrollments[len(from):]
	}
	sessions, err := scaleSessions(courses, cohorts)
	if err != nil {
		return ScaleResult{}, err
	}
	if err := tx.CreateInBatches(sessions, scaleBatch).Error; err != nil {
		return ScaleResult{}, fmt.Errorf("sessions: %w", err)
	}
	// Attendance comes last: it needs the sessions, laid out just before.
	attended, err := g.attendance(tx, g.now)
	if err != nil {
		return ScaleResult{}, err
	}
	juries, err := g.juries(tx, actor, courses, cohorts, perCohort)
	if err != nil {
		return ScaleResult{}, err
	}
	issued, err := g.certificates(tx, actor, courses, cohorts, perCohort, persons)
	if err != nil {
		return ScaleResult{}, err
	}
	return ScaleResult{Courses: len(courses), Cohorts: len(cohorts), Participants: len(persons), Enrollments: enrolled,
		Sessions: len(sessions), Attendance: attended, Groups: juries.groups, Jurors: juries.jurors, Sheets: juries.sheets, Certificates: issued}, nil
}

// scaleSessions lays out every cohort's schedule from the default
// template, as staff creating the cohort would.
func scaleSessions(courses []models.Course, cohorts []models.Cohort) ([]models.CohortSession, error) {
	byID := make(map[uint]models.Course, len(courses))
	for _, c := range courses {
		byID[c.ID] = c
	}
	tpl := DefaultScheduleTemplate()
	tpl.OnlineURL = "https://meet.example.org/kohorte"
	out := make([]models.CohortSession, 0, 13*len(cohorts))
	for _, c := range cohorts {
		ss, err := tpl.layOut(c, byID[c.CourseID])
		if err != nil {
			return nil, fmt.Errorf("schedule of cohort %s: %w", c.Name, err)
		}
		out = append(out, ss...)
	}
	return out, nil
}

func (g *scaleGen) courses(n int) []models.Course {
	out := make([]models.Course, n)
	base := demoCourse()
	for i := range out {
		c := models.Course{Description: base.Description, Topics: base.Topics, Format: base.Format,
			DurationWeeks: 12, MinAttendancePercent: 80, ClosingRequired: true, MinJuryPercent: 50,
			UnitsKickoff: 8, UnitsWebinar: 2, UnitsMentoring: 1, UnitsClosing: 8,
			CertificatePrefix: fmt.Sprintf("K%03d", i%1000)}
		c.Title = fmt.Sprintf("%s – %s %d", base.Title, demoPlaces[states[i%len(states)]], i+1)
		c.CertificateTitle = base.CertificateTitle
		for j, is := range base.Issuers {
			c.Issuers = append(c.Issuers, models.CourseIssuer{Position: j, Name: is.Name, City: is.City})
		}
		for j, sg := range base.Signatories {
			c.Signatories = append(c.Signatories, models.CourseSignatory{Position: j, Name: sg.Name, Function: sg.Function})
		}
		out[i] = c
	}
	return out
}

// states are the Länder the generated people come from, all sixteen.
var states = []string{"BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST", "SH", "TH"}

func (g *scaleGen) people(n int) []models.Participant {
	out := make([]models.Participant, n)
	for i := range out {
		first, last := g.name()
		in := demoPersonNamed(i, states[g.rnd.IntN(len(states))], first, last)
		p := models.Participant{FirstName: in.FirstName, LastName: in.LastName, Email: in.Email,
			Organisation: in.Organisation, NetworkType: models.NetworkType(in.NetworkType), FederalState: in.FederalState,
			DirectoryConsent: g.rnd.IntN(2) == 0}
		p.SearchText, p.SortName = participantSearchKey(p), participantSortName(p)
		out[i] = p
	}
	return out
}

// name draws a first and a last name independently, some of them double:
// among 40,000 people about 20,000 distinct full names and 2,500 last names,
// where the demo's lists alone repeat every 52nd person. Sorting and
// searching behave differently on a few names repeated.
func (g *scaleGen) name() (first, last string) {
	first, last = g.pick(demoFirst), g.pick(demoLast)
	if g.names.IntN(5) == 0 {
		first = double(first, g.pick(demoFirst))
	}
	if g.names.IntN(3) == 0 {
		last = double(last, g.pick(demoLast))
	}
	return first, last
}

// double joins two names with a hyphen, unless one of them is double
// already or both are the same.
func double(a, b string) string {
	if a == b || strings.Contains(a, "-") || strings.Contains(b, "-") {
		return a
	}
	return a + "-" + b
}

func (g *scaleGen) pick(names []string) string { return names[g.names.IntN(len(names))] }

// cohorts cuts the people into small cohorts in turn, then draws the big
// ones from everyone; members holds each cohort's people by index.
func (g *scaleGen) cohorts(courses []models.Course, persons []models.Participant) ([]models.Cohort, [][]int) {
	var out []models.Cohort
	var members [][]int
	years := g.today.Year() - scaleFirstYear + 1
	for next := 0; next < len(persons); {
		size, rest := scaleMinCohort+g.rnd.IntN(scaleMaxCohort-scaleMinCohort+1), len(persons)-next
		switch {
		case rest <= scaleMaxCohort:
			size = rest
		case rest-size < scaleMinCohort:
			size = rest - scaleMinCohort // leaves a last cohort of the smallest size
		}
		out = append(out, g.cohort(courses, len(out), size, years))
		members = append(members, seq(next, size))
		next += size
	}
	for range len(persons) / scalePeoplePerBig {
		out = append(out, g.cohort(courses, len(out), min(scaleBigCohort, len(persons)), years))
		members = append(members, g.rnd.Perm(len(persons))[:min(scaleBigCohort, len(persons))])
		out = append(out, g.runningCohort(courses, len(out), scaleMidCohort))
		members = append(members, g.rnd.Perm(len(persons))[:scaleMidCohort])
	}
	return out, members
}

func seq(from, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = from + i
	}
	return out
}

// cohort is cohort number i of a course, in spring or autumn of a year
// between the first and next year; its status follows from the dates.
func (g *scaleGen) cohort(courses []models.Course, i, size, years int) models.Cohort {
	year := scaleFirstYear + g.rnd.IntN(years+1)
	season, month := "Frühjahr", time.March
	if g.rnd.IntN(2) == 1 {
		season, month = "Herbst", time.September
	}
	start := models.NewDate(year, month, 1+g.rnd.IntN(28))
	end := start.AddDays(7 * 12)
	c := models.Cohort{CourseID: courses[i%len(courses)].ID, Name: fmt.Sprintf("%s %d (%d)", season, year, i+1),
		StartDate: start, EndDate: end, Capacity: size, Venue: "IHK, Plenarsaal", Status: models.CohortPlanned}
	switch {
	case end.Before(g.today.AddDays(-365 * scaleArchiveAfterYears).Time):
		c.Status = models.CohortArchived
	case end.Before(g.today.Time):
		c.Status = models.CohortCompleted
	case !start.After(g.today.Time):
		c.Status = models.CohortRunning
	}
	return c
}

// runningCohort is a cohort in its seventh week today, so that half of
// its sessions have been held and attendance is being taken.
func (g *scaleGen) runningCohort(courses []models.Course, i, size int) models.Cohort {
	start := g.today.AddDays(-6 * 7)
	return models.Cohort{CourseID: courses[i%len(courses)].ID, Name: fmt.Sprintf("Laufend %d (%d)", start.Year(), i+1),
		StartDate: start, EndDate: start.AddDays(7*12 - 1), Capacity: size, Venue: "IHK, Plenarsaal", Status: models.CohortRunning}
}

// enrollments enrols each cohort's people a few weeks before the start;
// some withdrew during the cohort, and in ended cohorts the others passed
// or, a few, did not. It counts each cohort's places as it goes.
func (g *scaleGen) enrollments(cohorts []models.Cohort, members [][]int, persons []models.Participant) [][]models.Enrollment {
	out := make([][]models.Enrollment, len(cohorts))
	for ci := range cohorts {
		c := &cohorts[ci]
		out[ci] = make([]models.Enrollment, len(members[ci]))
		for i, pi := range members[ci] {
			e := models.Enrollment{ParticipantID: persons[pi].ID, Status: models.EnrollmentEnrolled,
				EnrolledAt: g.notAfterToday(c.StartDate.AddDays(-7 - g.rnd.IntN(28)))}
			g.outcome(c, &e)
			if holdsPlace(e.Status) {
				c.EnrolledCount++
			}
			out[ci][i] = e
		}
	}
	return out
}

func (g *scaleGen) outcome(c *models.Cohort, e *models.Enrollment) {
	ended := c.Status == models.CohortCompleted || c.Status == models.CohortArchived
	switch roll := g.rnd.IntN(100); {
	case roll < scaleWithdrawnPerCent && c.Status != models.CohortPlanned:
		day := g.notAfterToday(c.StartDate.AddDays(g.rnd.IntN(7 * 12)))
		e.Status, e.WithdrawnAt, e.WithdrawalReason = models.EnrollmentWithdrawn, &day, scaleWithdrawalReason
	case !ended:
	case roll < scaleWithdrawnPerCent+scaleNotPassedPerCent:
		e.Status = models.EnrollmentNotPassed
	default:
		e.Status = models.EnrollmentCompleted
	}
}

// notAfterToday keeps generated days out of the future: nobody enrolled or
// withdrew on a day that has not come.
func (g *scaleGen) notAfterToday(d models.Date) models.Date {
	if d.After(g.today.Time) {
		return g.today
	}
	return d
}
