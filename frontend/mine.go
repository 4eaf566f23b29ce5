package frontend

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
)

// myEnrollment is one of the reader's own cohorts.
type myEnrollment struct {
	CourseTitle string
	CohortName  string
	StartDate   models.Date
	EndDate     models.Date
	Venue       string
	Status      models.EnrollmentStatus
	EnrolledAt  models.Date
	WithdrawnAt *models.Date
}

type myCoursesPage struct {
	Enrollments []myEnrollment
	// Sessions are the reader's own schedule, Calendar their feed.
	Sessions []sessionRow
	Calendar calendarView
	// HasParticipant says whether the account belongs to a participant,
	// who can have a feed.
	HasParticipant bool
	Notice         *message
	Table          sessionTable
	CalendarBox    calendarBox
}

// myCoursesPage lists the cohorts of the participant linked to the
// reader's account, with their schedule; the service shows nobody else's.
func (ui *UI) myCoursesPage(c *gin.Context) {
	var notice *message
	if c.Query("erledigt") == "widerrufen" {
		notice = newMessage("CalendarRevoked")
	}
	ui.showMyCourses(c, calendarView{}, notice)
}

// showMyCourses renders the reader's own page; cal, when it holds an
// address, is the feed just opened.
func (ui *UI) showMyCourses(c *gin.Context, cal calendarView, notice *message) {
	actor := access.ActorOf(c)
	es, err := ui.myEnrollments(c, actor)
	if err != nil {
		ui.fail(c, err)
		return
	}
	sessions, link, err := ui.mySchedule(c, actor)
	if err != nil {
		ui.fail(c, err)
		return
	}
	if cal.URL == "" {
		cal = link
	}
	ui.render(c, http.StatusOK, "my_courses", myCoursesPage{Enrollments: es, Sessions: sessions, Calendar: cal,
		HasParticipant: len(es) > 0, Notice: notice, Table: sessionTable{Rows: sessions},
		CalendarBox: calendarBox{View: cal, Action: "/meine-kurse/kalender"}})
}

// myEnrollments reads the reader's own cohorts, newest first.
func (ui *UI) myEnrollments(c *gin.Context, actor services.Actor) ([]myEnrollment, error) {
	es, err := ui.svc.Participants.MyEnrollments(c.Request.Context(), actor)
	if err != nil {
		return nil, err
	}
	rows := make([]myEnrollment, 0, len(es))
	for _, e := range es {
		row := myEnrollment{CohortName: e.Cohort.Name, StartDate: e.Cohort.StartDate, EndDate: e.Cohort.EndDate,
			Venue: e.Cohort.Venue, Status: e.Status, EnrolledAt: e.EnrolledAt, WithdrawnAt: e.WithdrawnAt}
		if e.Cohort.Course != nil {
			row.CourseTitle = e.Cohort.Course.Title
		}
		rows = append(rows, row)
	}
	return rows, nil
}
