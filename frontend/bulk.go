package frontend

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/services"
)

// A cohort's list sends the ticked people as "ids", the ids of their
// enrollments, to the action a button names: a page that confirms their
// withdrawal, the export, or the creation of their accounts. "auswahl"
// tells that the list sent them, so that an empty selection is not taken
// for the whole list.

// selectionQuery is what the list's bulk form sends to a page by GET.
type selectionQuery struct {
	IDs       []uint `form:"ids"`
	Selection bool   `form:"auswahl"`
}

// personProblem is why one selected person stops a bulk action.
type personProblem struct {
	Name    string
	Message *message
}

// selectionProblems splits a refused bulk action into what is wrong with
// its fields, shown next to them, and what is wrong with each person.
func selectionProblems(form any, err error) (formErrors, []personProblem) {
	var verr *services.ValidationError
	if !errors.As(err, &verr) {
		return nil, nil
	}
	var fields services.ValidationError
	var people []personProblem
	for _, f := range verr.Fields {
		if !strings.HasPrefix(f.Field, "enrollment_ids") {
			fields.Fields = append(fields.Fields, f)
			continue
		}
		name, _ := f.Params["name"].(string)
		people = append(people, personProblem{Name: name, Message: codeMessage(f.Code, f.Params)})
	}
	return serviceFieldErrors(form, &fields), people
}

// withdrawManyPage confirms the withdrawal of several people with one day
// and one reason.
type withdrawManyPage struct {
	Cohort   cohortView
	People   []enrollmentRow
	IDs      []uint
	Form     withdrawForm
	Errors   formErrors
	Refusals []personProblem
	// Problem explains why nobody can withdraw; the page then shows no form.
	Problem *message
}

// withdrawManyTarget loads the cohort and the people a bulk withdrawal is
// about; it answers the request itself when that fails.
func (ui *UI) withdrawManyTarget(c *gin.Context, ids []uint) (withdrawManyPage, bool) {
	id, ok := ui.pathID(c)
	if !ok {
		return withdrawManyPage{}, false
	}
	ctx, actor := c.Request.Context(), access.ActorOf(c)
	cohort, err := ui.svc.Cohorts.GetCohort(ctx, actor, id)
	if err != nil {
		ui.fail(c, err)
		return withdrawManyPage{}, false
	}
	page := withdrawManyPage{Cohort: toCohortView(cohort), IDs: ids}
	if len(ids) == 0 {
		page.Problem = newMessage("BulkNoneSelected")
		return page, true
	}
	es, err := ui.svc.Enrollments.Selected(ctx, actor, id, ids)
	if _, page.Refusals = selectionProblems(&page.Form, err); err != nil && page.Refusals == nil {
		ui.fail(c, err)
		return page, false
	}
	for _, e := range es {
		page.People = append(page.People, toEnrollmentRow(e))
	}
	if !cohort.Status.Changeable() {
		page.Problem = codeMessage(services.CodeCohortArchived, nil)
	}
	return page, true
}

func (ui *UI) withdrawManyPage(c *gin.Context) {
	var q selectionQuery
	if !ui.bindQuery(c, &q) {
		return
	}
	page, ok := ui.withdrawManyTarget(c, q.IDs)
	if !ok {
		return
	}
	page.Form.Date = isoDate(ui.today())
	status := http.StatusOK
	switch {
	case !page.Cohort.Changeable:
		status = http.StatusConflict
	case page.Problem != nil || page.Refusals != nil:
		status = http.StatusUnprocessableEntity
	}
	ui.render(c, status, "withdraw_many", page)
}

type withdrawManyForm struct {
	IDs    []uint `form:"ids"`
	Date   string `form:"date" service:"withdrawn_at" label:"FieldWithdrawDate"`
	Reason string `form:"reason" label:"FieldWithdrawReason"`
}

// withdrawMany withdraws the selected people: all of them or, if any
// cannot withdraw, nobody, and the page names each who cannot.
func (ui *UI) withdrawMany(c *gin.Context) {
	var form withdrawManyForm
	errs, ok := ui.bindFormMax(c, &form, maxWithdrawFormBytes)
	if !ok {
		return
	}
	page, ok := ui.withdrawManyTarget(c, form.IDs)
	if !ok {
		return
	}
	page.Form = withdrawForm{Date: form.Date, Reason: form.Reason}
	r := formReader{form: &form, errs: errs}
	day := r.date("date", form.Date)
	status := http.StatusUnprocessableEntity
	// The service decides, even for an archived cohort whose page offers
	// no form: a request posted anyway is refused there.
	if r.errs == nil && len(form.IDs) > 0 {
		es, err := ui.svc.Enrollments.WithdrawMany(c.Request.Context(), access.ActorOf(c), page.Cohort.ID, form.IDs, day, form.Reason)
		switch {
		case err == nil:
			c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kohorten/%d?erledigt=ausgetreten-mehrere&anzahl=%d#teilnehmende", page.Cohort.ID, len(es)))
			return
		case invalidAction(err) != nil:
			status, page.Problem = http.StatusConflict, invalidAction(err)
		default:
			if r.errs, page.Refusals = selectionProblems(&form, err); r.errs == nil && page.Refusals == nil {
				ui.fail(c, err)
				return
			}
		}
	}
	page.Errors = r.errs
	ui.render(c, status, "withdraw_many", page)
}

// accountsPage shows the accounts a bulk action created, each with the
// one-time link to pass on, or why none could be created.
type accountsPage struct {
	Cohort   cohortView
	Created  []createdAccount
	Skipped  int
	Refusals []personProblem
	Problem  *message
}

type createdAccount struct {
	ParticipantID uint
	Name          string
	Email         string
	Link          passwordLink
}

type accountsForm struct {
	IDs []uint `form:"ids"`
}

// createAccounts invites the selected people to log in, as the button on
// a person's page does for one; those with an account are skipped.
func (ui *UI) createAccounts(c *gin.Context) {
	id, ok := ui.pathID(c)
	var form accountsForm
	if !ok || !ui.bindChoice(c, &form) {
		return
	}
	ctx, actor := c.Request.Context(), access.ActorOf(c)
	cohort, err := ui.svc.Cohorts.GetCohort(ctx, actor, id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	page := accountsPage{Cohort: toCohortView(cohort)}
	if len(form.IDs) == 0 {
		page.Problem = newMessage("BulkNoneSelected")
		ui.render(c, http.StatusUnprocessableEntity, "accounts_created", page)
		return
	}
	res, err := ui.svc.Participants.CreateAccounts(ctx, actor, id, form.IDs)
	switch {
	case err == nil:
		page.Skipped = res.Skipped
		for _, a := range res.Created {
			page.Created = append(page.Created, createdAccount{ParticipantID: a.Participant.ID,
				Name: a.Participant.FirstName + " " + a.Participant.LastName, Email: a.Participant.Email,
				Link: newPasswordLink(c, a.Token, a.ExpiresAt)})
		}
		ui.render(c, http.StatusOK, "accounts_created", page)
	case invalidAction(err) != nil:
		page.Problem = invalidAction(err)
		ui.render(c, http.StatusConflict, "accounts_created", page)
	default:
		if _, page.Refusals = selectionProblems(&form, err); page.Refusals == nil {
			ui.fail(c, err)
			return
		}
		ui.render(c, http.StatusUnprocessableEntity, "accounts_created", page)
	}
}

// exportSelection is the selection an export sends: none for the whole
// list, the ticked people's enrollments from the list's bulk form.
func (ui *UI) exportSelection(c *gin.Context) ([]uint, bool) {
	var q selectionQuery
	if !ui.bindQuery(c, &q) {
		return nil, false
	}
	if q.Selection && len(q.IDs) == 0 {
		ui.renderError(c, http.StatusUnprocessableEntity, "BulkNoneSelectedTitle", "BulkNoneSelected")
		return nil, false
	}
	return q.IDs, true
}
