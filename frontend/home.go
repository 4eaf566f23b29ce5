package frontend

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
)

// homePage is the start page. View says whose: "guest" (nobody logged in,
// or someone who must first replace a generated password), "staff",
// "juror" or "participant"; only that view's fields are filled in.
type homePage struct {
	View        string
	Agenda      services.Agenda
	SoonDays    int
	Enrollments []myEnrollment
}

// home shows each role what it can do now: staff what needs doing next,
// participants their courses, jurors the way to their scoring.
func (ui *UI) home(c *gin.Context) {
	actor := access.ActorOf(c)
	page := homePage{View: "guest", SoonDays: services.AgendaSoonDays}
	var err error
	switch {
	case actor.IsAnonymous() || actor.MustChangePassword:
	case actor.IsStaff():
		page.View = "staff"
		page.Agenda, err = ui.svc.Cohorts.Agenda(c.Request.Context(), actor)
	case actor.Is(models.RoleParticipant):
		page.View = "participant"
		page.Enrollments, err = ui.myEnrollments(c, actor)
	case actor.Is(models.RoleJuror):
		page.View = "juror"
	}
	if err != nil {
		ui.fail(c, err)
		return
	}
	ui.render(c, http.StatusOK, "home", page)
}
