package frontend

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
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
	es, err := ui.svc.Participants.MyEnrollments(c.Request.Context(), access.ActorOf(c))
	if err != nil {
		ui.fail(c, err)
		return
	}
	var page myCoursesPage
	for _, e := range es {
		row := myEnrollment{CohortName: e.Cohort.Name, StartDate: e.Cohort.StartDate, EndDate: e.Cohort.EndDate,
			Venue: e.Cohort.Venue, Status: e.Status, EnrolledAt: e.EnrolledAt, WithdrawnAt: e.WithdrawnAt}
		if e.Cohort.Course != nil {
			row.CourseTitle = e.Cohort.Course.Title
		}
		page.Enrollments = append(page.Enrollments, row)
	}
	ui.render(c, http.StatusOK, "my_courses", page)
}
