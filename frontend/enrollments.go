package frontend

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
)

type enrollForm struct {
	Participant uint `form:"participant_id" binding:"required"`
}

// enroll puts a known person into the cohort, or back into it after they
// withdrew; the service keeps one record per person and cohort.
func (ui *UI) enroll(c *gin.Context) {
	id, ok := ui.pathID(c)
	var form enrollForm
	if !ok || !ui.bindChoice(c, &form) {
		return
	}
	_, err := ui.svc.Enrollments.Enroll(c.Request.Context(), access.ActorOf(c), id, form.Participant, models.Date{})
	if err == nil {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kohorten/%d?erledigt=eingeschrieben", id))
		return
	}
	if m := enrollProblem(err); m != nil {
		ui.showCohort(c, http.StatusConflict, id, cohortPage{Problem: m})
		return
	}
	ui.fail(c, err)
}

// enrollProblem explains a refused enrollment; nil for errors the page
// cannot explain.
func enrollProblem(err error) *message {
	if errors.Is(err, services.ErrCohortFull) || errors.Is(err, services.ErrAlreadyEnrolled) {
		return refusalMessage(err)
	}
	return invalidAction(err)
}

// createAndEnroll adds a new person and enrolls them in one step of the
// course office. They are two service calls: if the enrollment fails, for
// example because the last place went a moment ago, the person stays and
// the page says so.
func (ui *UI) createAndEnroll(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	var form participantForm
	errs, ok := ui.bindForm(c, &form)
	if !ok {
		return
	}
	ctx, actor := c.Request.Context(), access.ActorOf(c)
	if errs == nil {
		_, _, err := ui.svc.Enrollments.CreateAndEnroll(ctx, actor, id, form.toInput(), models.Date{})
		if err == nil {
			c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kohorten/%d?erledigt=eingeschrieben", id))
			return
		}
		if m := enrollProblem(err); m != nil {
			// Nobody was created: the person and the enrollment are one step.
			ui.showCohort(c, http.StatusConflict, id, cohortPage{NewPerson: participantFields{Form: form}, Open: "neu", Problem: m})
			return
		}
		if errs = serviceFieldErrors(&form, err); errs == nil {
			ui.fail(c, err)
			return
		}
	}
	ui.showCohort(c, http.StatusUnprocessableEntity, id, cohortPage{NewPerson: participantFields{Form: form, Errors: errs}, Open: "neu"})
}

type withdrawForm struct {
	Date   string `form:"date" service:"withdrawn_at" label:"FieldWithdrawDate"`
	Reason string `form:"reason" label:"FieldWithdrawReason"`
}

// withdrawPage asks to confirm a withdrawal, with its day and reason.
type withdrawPage struct {
	Cohort     cohortView
	Person     participantRow
	EnrolledAt models.Date
	Form       withdrawForm
	Errors     formErrors
	// Problem explains why the person cannot withdraw; the page then
	// shows no form.
	Problem *message
}

// withdrawTarget loads the cohort, the person and their enrollment that a
// withdrawal page is about; it answers the request itself when one is
// missing.
func (ui *UI) withdrawTarget(c *gin.Context) (withdrawPage, models.Enrollment, bool) {
	id, ok := ui.pathID(c)
	if !ok {
		return withdrawPage{}, models.Enrollment{}, false
	}
	pid, ok := ui.pathNumber(c, "participant")
	if !ok {
		return withdrawPage{}, models.Enrollment{}, false
	}
	ctx, actor := c.Request.Context(), access.ActorOf(c)
	cohort, err := ui.svc.Cohorts.GetCohort(ctx, actor, id)
	if err != nil {
		ui.fail(c, err)
		return withdrawPage{}, models.Enrollment{}, false
	}
	p, err := ui.svc.Participants.GetParticipant(ctx, actor, uint(pid))
	if err != nil {
		ui.fail(c, err)
		return withdrawPage{}, models.Enrollment{}, false
	}
	e, err := ui.svc.Enrollments.FindEnrollment(ctx, actor, id, p.ID)
	if err != nil {
		ui.fail(c, err)
		return withdrawPage{}, models.Enrollment{}, false
	}
	page := withdrawPage{Cohort: toCohortView(cohort), Person: toParticipantRow(p), EnrolledAt: e.EnrolledAt}
	if e.Status != models.EnrollmentEnrolled {
		page.Problem = newMessage("ErrNotEnrolled")
	}
	return page, e, true
}

func (ui *UI) withdrawPage(c *gin.Context) {
	page, _, ok := ui.withdrawTarget(c)
	if !ok {
		return
	}
	page.Form.Date = isoDate(ui.today())
	status := http.StatusOK
	if !page.Cohort.Changeable {
		status, page.Problem = http.StatusConflict, codeMessage(services.CodeCohortArchived, nil)
	}
	ui.render(c, status, "withdraw", page)
}

// maxWithdrawFormBytes leaves room for a reason of 2,000 characters,
// percent-encoded, so that a long one is refused with the service's
// message and not as a malformed request.
const maxWithdrawFormBytes = 32 << 10

func (ui *UI) withdraw(c *gin.Context) {
	var form withdrawForm
	errs, ok := ui.bindFormMax(c, &form, maxWithdrawFormBytes)
	if !ok {
		return
	}
	page, e, ok := ui.withdrawTarget(c)
	if !ok {
		return
	}
	r := formReader{form: &form, errs: errs}
	day := r.date("date", form.Date)
	status := http.StatusUnprocessableEntity
	if r.errs != nil {
		r.errs = r.errs.check(&form, services.CheckWithdrawal(form.Reason))
	} else if page.Problem == nil {
		_, err := ui.svc.Enrollments.Withdraw(c.Request.Context(), access.ActorOf(c), e.ID, day, form.Reason)
		switch {
		case err == nil:
			c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kohorten/%d?erledigt=ausgetreten", e.CohortID))
			return
		case invalidAction(err) != nil:
			status, page.Problem = http.StatusConflict, invalidAction(err)
		default:
			if r.errs = serviceFieldErrors(&form, err); r.errs == nil {
				ui.fail(c, err)
				return
			}
		}
	}
	if page.Problem != nil {
		status = http.StatusConflict
	}
	page.Form, page.Errors = form, r.errs
	ui.render(c, status, "withdraw", page)
}
