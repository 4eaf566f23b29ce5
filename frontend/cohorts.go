package frontend

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
)

// defaultCapacity is what the cohort form proposes: cohorts have 16 to 20
// places.
const defaultCapacity = 20

// cohortStatuses are the statuses in their order, for the filter.
var cohortStatuses = models.CohortStatuses()

// cohortView is a cohort as the pages show it.
type cohortView struct {
	ID            uint
	Name          string
	CourseID      uint
	CourseTitle   string
	DurationWeeks int
	StartDate     models.Date
	EndDate       models.Date
	Capacity      int
	Enrolled      int
	Free          int
	Venue         string
	Status        models.CohortStatus
	// Next is the status the cohort can move to; "" when archived.
	Next models.CohortStatus
	// Open says whether the cohort still takes enrollments, Changeable
	// whether anything in it may change. They repeat the services' rules
	// only to offer the forms that can succeed.
	Open       bool
	Changeable bool
}

func toCohortView(c models.Cohort) cohortView {
	v := cohortView{ID: c.ID, Name: c.Name, CourseID: c.CourseID, StartDate: c.StartDate, EndDate: c.EndDate,
		Capacity: c.Capacity, Enrolled: c.EnrolledCount, Free: max(0, c.Capacity-c.EnrolledCount), Venue: c.Venue,
		Status: c.Status, Next: c.Status.Next(),
		Open: c.Status.AcceptsEnrollments(), Changeable: c.Status.Changeable()}
	if c.Course != nil {
		v.CourseTitle, v.DurationWeeks = c.Course.Title, c.Course.DurationWeeks
	}
	return v
}

// cohortForm is a cohort as its form sends it. Course is only read when a
// cohort is created; dates come as 2023-03-01 from the date inputs.
type cohortForm struct {
	Course    string `form:"course_id" label:"FieldCourse"`
	Name      string `form:"name" label:"FieldCohortName"`
	StartDate string `form:"start_date" label:"FieldStartDate"`
	EndDate   string `form:"end_date" label:"FieldEndDate"`
	Capacity  string `form:"capacity" label:"FieldCapacity"`
	Venue     string `form:"venue" label:"FieldVenue"`
	// WithSchedule lays out the course's schedule for a new cohort.
	WithSchedule string `form:"with_schedule" label:"FieldWithSchedule"`
}

// cohortFields is what the part "cohort-fields" draws: the inputs of a
// cohort inside a form of the page.
type cohortFields struct {
	Form    cohortForm
	Errors  formErrors
	EndHint *message
}

// newCohortFields explains the default end day with the course's
// duration, when the course is known.
func newCohortFields(form cohortForm, errs formErrors, weeks int) cohortFields {
	hint := newMessage("EndDateHint")
	if weeks > 0 {
		hint = newMessage("EndDateHintWeeks", "Count", weeks)
	}
	return cohortFields{Form: form, Errors: errs, EndHint: hint}
}

func toCohortForm(c models.Cohort) cohortForm {
	return cohortForm{Course: strconv.FormatUint(uint64(c.CourseID), 10), Name: c.Name, StartDate: isoDate(c.StartDate),
		EndDate: isoDate(c.EndDate), Capacity: strconv.Itoa(c.Capacity), Venue: c.Venue}
}

func (f cohortForm) toInput(r *formReader) services.CohortInput {
	return services.CohortInput{Name: f.Name, Venue: f.Venue, StartDate: r.date("start_date", f.StartDate),
		EndDate: r.date("end_date", f.EndDate), Capacity: r.required("capacity", f.Capacity)}
}

type cohortQuery struct {
	Status string `form:"status"`
	Course uint   `form:"kurs"`
	Page   int    `form:"seite"`
}

func (q cohortQuery) values() url.Values {
	v := url.Values{"status": {q.Status}}
	if q.Course != 0 {
		v.Set("kurs", strconv.FormatUint(uint64(q.Course), 10))
	}
	return v
}

type cohortsPage struct {
	Query    cohortQuery
	Statuses []models.CohortStatus
	Courses  []courseView
	Cohorts  []cohortView
	Pager    pager
}

func (ui *UI) cohortsPage(c *gin.Context) {
	var q cohortQuery
	if !ui.bindQuery(c, &q) {
		return
	}
	ctx, actor := c.Request.Context(), access.ActorOf(c)
	cohorts, total, err := ui.svc.Cohorts.ListCohortPage(ctx, actor, services.CohortFilter{CourseID: q.Course, Status: models.CohortStatus(q.Status), Page: servicePage(q.Page)})
	if err != nil {
		ui.fail(c, err)
		return
	}
	courses, err := ui.svc.Courses.ListCourses(ctx, actor)
	if err != nil {
		ui.fail(c, err)
		return
	}
	page := cohortsPage{Query: q, Statuses: cohortStatuses, Pager: newPager("/kohorten", q.values(), q.Page, total)}
	for _, co := range courses {
		page.Courses = append(page.Courses, courseView{ID: co.ID, Title: co.Title})
	}
	for _, co := range cohorts {
		page.Cohorts = append(page.Cohorts, toCohortView(co))
	}
	ui.render(c, http.StatusOK, "cohorts", page)
}

// newCohortPage is the page that creates a cohort of a course.
type newCohortPage struct {
	Fields  cohortFields
	Courses []courseView
}

func (ui *UI) newCohortPage(c *gin.Context) {
	form := cohortForm{Course: c.Query("kurs"), Capacity: strconv.Itoa(defaultCapacity), WithSchedule: "1"}
	ui.showNewCohort(c, http.StatusOK, newCohortPage{Fields: newCohortFields(form, nil, 0)})
}

func (ui *UI) showNewCohort(c *gin.Context, status int, page newCohortPage) {
	courses, err := ui.svc.Courses.ListCourses(c.Request.Context(), access.ActorOf(c))
	if err != nil {
		ui.fail(c, err)
		return
	}
	for _, co := range courses {
		page.Courses = append(page.Courses, courseView{ID: co.ID, Title: co.Title, DurationWeeks: co.DurationWeeks})
	}
	ui.render(c, status, "cohort_new", page)
}

func (ui *UI) createCohort(c *gin.Context) {
	var form cohortForm
	errs, ok := ui.bindForm(c, &form)
	if !ok {
		return
	}
	r := formReader{form: &form, errs: errs}
	in := form.toInput(&r)
	chooseCourse := formErrors{{Field: "course_id", Label: "FieldCourse", Message: newMessage("ErrChooseCourse")}}
	courseID, err := strconv.ParseUint(form.Course, 10, 32)
	if err != nil || courseID == 0 {
		r.errs = r.errs.merge(&form, chooseCourse)
	}
	if r.errs != nil {
		r.errs = r.errs.check(&form, in.Check())
	} else {
		var cohort models.Cohort
		if form.WithSchedule == "1" {
			cohort, err = ui.svc.Schedule.CreateCohortWithSchedule(c.Request.Context(), access.ActorOf(c), uint(courseID), in,
				services.DefaultScheduleTemplate())
		} else {
			cohort, err = ui.svc.Cohorts.CreateCohort(c.Request.Context(), access.ActorOf(c), uint(courseID), in)
		}
		switch {
		case err == nil:
			c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kohorten/%d?erledigt=angelegt", cohort.ID))
			return
		case errors.Is(err, services.ErrNotFound):
			r.errs = chooseCourse.check(&form, in.Check())
		case refusalOf(err) != nil:
			r.errs = formErrors{{Field: "with_schedule", Label: "FieldWithSchedule", Message: refusalOf(err)}}
		default:
			if r.errs = serviceFieldErrors(&form, err); r.errs == nil {
				ui.fail(c, err)
				return
			}
		}
	}
	ui.showNewCohort(c, http.StatusUnprocessableEntity, newCohortPage{Fields: newCohortFields(form, r.errs, 0)})
}

// enrollmentQuery is the query of a cohort page: the participant list's
// filters, the search for people to enroll, and what a redirect after a
// change reports.
type enrollmentQuery struct {
	Search string `form:"suche"`
	Status string `form:"status"`
	State  string `form:"land"`
	Sort   string `form:"sortierung"`
	Page   int    `form:"seite"`
	// Person searches the people to enroll.
	Person string `form:"person"`
	Done   string `form:"erledigt"`
	// The counts of an import, after it.
	Created  int `form:"neu"`
	Enrolled int `form:"eingeschrieben"`
	Skipped  int `form:"uebersprungen"`
	// All selects every person of the page for a bulk action; Count is
	// how many a bulk withdrawal withdrew.
	All   bool `form:"alle"`
	Count int  `form:"anzahl"`
}

// values are the list's filters, which its links keep.
func (q enrollmentQuery) values() url.Values {
	return url.Values{"suche": {q.Search}, "status": {q.Status}, "land": {q.State}, "sortierung": {q.Sort}}
}

// enrollmentSorts map the sort keys of the URL to those of the service,
// in the order of the table's columns.
var enrollmentSorts = []sortKey{
	{"name", "last_name"}, {"email", "email"}, {"bundesland", "federal_state"},
	{"eingeschrieben", "enrolled_at"}, {"status", "status"},
}

var enrollmentStatuses = []models.EnrollmentStatus{models.EnrollmentEnrolled, models.EnrollmentCompleted,
	models.EnrollmentNotPassed, models.EnrollmentWithdrawn}

// enrollmentRow is one person of a cohort's list.
type enrollmentRow struct {
	EnrollmentID  uint
	Selected      bool
	ParticipantID uint
	FirstName     string
	LastName      string
	Email         string
	Organisation  string
	NetworkType   string
	FederalState  string
	Status        models.EnrollmentStatus
	EnrolledAt    models.Date
	WithdrawnAt   *models.Date
	Reason        string
	Withdrawn     bool
}

func toEnrollmentRow(e models.Enrollment) enrollmentRow {
	row := enrollmentRow{EnrollmentID: e.ID, ParticipantID: e.ParticipantID, Status: e.Status, EnrolledAt: e.EnrolledAt,
		WithdrawnAt: e.WithdrawnAt, Reason: e.WithdrawalReason, Withdrawn: e.Status == models.EnrollmentWithdrawn}
	if p := e.Participant; p != nil {
		row.FirstName, row.LastName, row.Email, row.Organisation = p.FirstName, p.LastName, p.Email, p.Organisation
		row.NetworkType, row.FederalState = string(p.NetworkType), p.FederalState
	}
	return row
}

// cohortPage is a cohort with its participants and every form that
// changes them. Which of the folded sections is open follows what the
// reader did last.
type cohortPage struct {
	Cohort      cohortView
	Query       enrollmentQuery
	Statuses    []models.EnrollmentStatus
	States      []option
	Enrollments []enrollmentRow
	Pager       pager
	Sort        map[string]sortLink
	Stats       statsView
	// Found are the people the enroll search found, FoundMore whether it
	// found more than it shows.
	Found     []participantRow
	FoundMore bool
	// Edit is the form that changes the cohort, NewPerson the one that
	// adds a new person and enrolls them.
	Edit      cohortFields
	NewPerson participantFields
	Notice    *message
	Problem   *message
	// Open names the folded section to show open: "bearbeiten" or
	// "neu".
	Open   string
	edited bool
	// SelectAll and SelectNone reload the list with every box of the page
	// ticked or none, so that selecting works without script.
	SelectAll  string
	SelectNone string
}

// enrollSearchSize is how many people the enroll search shows; a longer
// list asks for a more precise search.
const enrollSearchSize = 10

// cohortNotices confirm a change after the redirect that follows it.
var cohortNotices = map[string]string{
	"angelegt":       "CohortCreated",
	"gespeichert":    "CohortSaved",
	"status":         "CohortStatusChanged",
	"eingeschrieben": "EnrollmentDone",
	"ausgetreten":    "WithdrawalDone",
}

func (ui *UI) cohortPage(c *gin.Context) {
	id, ok := ui.pathID(c)
	var q enrollmentQuery
	if !ok || !ui.bindQuery(c, &q) {
		return
	}
	page := cohortPage{Query: q}
	if notice, ok := cohortNotices[q.Done]; ok {
		page.Notice = newMessage(notice)
	}
	if q.Done == "ausgetreten-mehrere" {
		page.Notice = newMessage("WithdrawManyDone", "Count", q.Count)
	}
	if q.Done == "import" {
		page.Notice = newMessage("ImportDone", "Created", q.Created, "Count", q.Enrolled, "Skipped", q.Skipped)
	}
	ui.showCohort(c, http.StatusOK, id, page)
}

// showCohort loads a cohort's overview (the cohort, one page of its
// participants, its statistics) and, when asked, the people found to
// enroll, and renders its page around what page holds already.
func (ui *UI) showCohort(c *gin.Context, status int, id uint, page cohortPage) {
	ctx, actor := c.Request.Context(), access.ActorOf(c)
	sort, ok := serviceSort(page.Query.Sort, enrollmentSorts)
	if !ok {
		ui.renderError(c, http.StatusBadRequest, "BadRequestTitle", "BadRequestText")
		return
	}
	q := page.Query
	o, err := ui.svc.Cohorts.Overview(ctx, actor, id, services.EnrollmentFilter{
		Status: models.EnrollmentStatus(q.Status), FederalState: q.State, Search: q.Search, Sort: sort, Page: servicePage(q.Page)})
	if err != nil {
		ui.fail(c, err)
		return
	}
	if q.Person != "" {
		found, total, err := ui.svc.Participants.ListParticipants(ctx, actor, services.ParticipantFilter{
			Search: q.Person, Page: services.Page{Number: 1, Size: enrollSearchSize}})
		if err != nil {
			ui.fail(c, err)
			return
		}
		for _, p := range found {
			page.Found = append(page.Found, toParticipantRow(p))
		}
		page.FoundMore = total > int64(len(found))
	}
	path := fmt.Sprintf("/kohorten/%d", id)
	page.Cohort = toCohortView(o.Cohort)
	page.Statuses, page.States = enrollmentStatuses, federalStateOptions()
	page.Pager = newPager(path, q.values(), q.Page, o.Matching)
	page.Sort = sortLinks(path, q.values(), q.Sort, enrollmentSorts)
	page.Stats = toStatsView(o.Statistics, id)
	page.SelectAll, page.SelectNone = selectLinks(path, q)
	for _, e := range o.Enrollments {
		row := toEnrollmentRow(e)
		row.Selected = q.All
		page.Enrollments = append(page.Enrollments, row)
	}
	if !page.edited {
		page.Edit.Form = toCohortForm(o.Cohort)
	}
	page.Edit = newCohortFields(page.Edit.Form, page.Edit.Errors, page.Cohort.DurationWeeks)
	page.NewPerson.States, page.NewPerson.Networks = federalStateOptions(), networkTypeCodes()
	ui.render(c, status, "cohort", page)
}

func (ui *UI) updateCohort(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	var form cohortForm
	errs, ok := ui.bindForm(c, &form)
	if !ok {
		return
	}
	r := formReader{form: &form, errs: errs}
	in := form.toInput(&r)
	if r.errs != nil {
		r.errs = r.errs.check(&form, in.Check())
	} else {
		_, err := ui.svc.Cohorts.UpdateCohort(c.Request.Context(), access.ActorOf(c), id, in)
		if err == nil {
			c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kohorten/%d?erledigt=gespeichert", id))
			return
		}
		if m := invalidAction(err); m != nil {
			ui.showCohort(c, http.StatusConflict, id, cohortPage{Problem: m})
			return
		}
		if r.errs = serviceFieldErrors(&form, err); r.errs == nil {
			ui.fail(c, err)
			return
		}
	}
	ui.showCohort(c, http.StatusUnprocessableEntity, id, cohortPage{Edit: cohortFields{Form: form, Errors: r.errs},
		Open: "bearbeiten", edited: true})
}

type cohortStatusForm struct {
	Status string `form:"status" binding:"required"`
}

// advanceCohort moves a cohort to its next status. The button names the
// status it leads to, so that a second click on a page that is out of
// date is refused instead of moving the cohort two steps.
func (ui *UI) advanceCohort(c *gin.Context) {
	id, ok := ui.pathID(c)
	var form cohortStatusForm
	if !ok || !ui.bindChoice(c, &form) {
		return
	}
	_, err := ui.svc.Cohorts.SetCohortStatus(c.Request.Context(), access.ActorOf(c), id, models.CohortStatus(form.Status))
	if err == nil {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kohorten/%d?erledigt=status", id))
		return
	}
	if m := invalidAction(err); m != nil {
		ui.showCohort(c, http.StatusConflict, id, cohortPage{Problem: m})
		return
	}
	ui.fail(c, err)
}

// selectLinks are the addresses of the list's page as it is, with every
// box ticked and with none.
func selectLinks(path string, q enrollmentQuery) (all, none string) {
	v := url.Values{}
	for k, vs := range q.values() {
		if vs[0] != "" {
			v.Set(k, vs[0])
		}
	}
	if q.Page > 1 {
		v.Set("seite", strconv.Itoa(q.Page))
	}
	none = path + "#teilnehmende"
	if len(v) > 0 {
		none = path + "?" + v.Encode() + "#teilnehmende"
	}
	v.Set("alle", "1")
	return path + "?" + v.Encode() + "#teilnehmende", none
}
