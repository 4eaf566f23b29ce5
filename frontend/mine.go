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
}

// myCoursesPage lists the cohorts of the participant linked to the
// reader's account; the service shows nobody else's.
func (ui *UI) myCoursesPage(c *gin.Context) {
	es, err := ui.myEnrollments(c, access.ActorOf(c))
	if err != nil {
		ui.fail(c, err)
		return
	}
	ui.render(c, http.StatusOK, "my_courses", myCoursesPage{Enrollments: es})
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
