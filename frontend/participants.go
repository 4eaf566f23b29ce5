package frontend

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
)

// participantForm is a person as the forms send them. The service checks
// every field by the rules of an imported list.
type participantForm struct {
	FirstName        string `form:"first_name" label:"FieldFirstName"`
	LastName         string `form:"last_name" label:"FieldLastName"`
	Email            string `form:"email" label:"FieldEmail"`
	Phone            string `form:"phone" label:"FieldPhone"`
	Organisation     string `form:"organisation" label:"FieldOrganisation"`
	NetworkType      string `form:"network_type" label:"FieldNetworkType"`
	FederalState     string `form:"federal_state" label:"FieldFederalState"`
	DirectoryConsent bool   `form:"directory_consent" label:"FieldDirectoryConsent"`
}

func (f participantForm) toInput() services.ParticipantInput {
	return services.ParticipantInput{FirstName: f.FirstName, LastName: f.LastName, Email: f.Email,
		Organisation: f.Organisation, NetworkType: f.NetworkType, FederalState: f.FederalState, Phone: f.Phone,
		DirectoryConsent: f.DirectoryConsent}
}

func toParticipantForm(p models.Participant) participantForm {
	return participantForm{FirstName: p.FirstName, LastName: p.LastName, Email: p.Email, Organisation: p.Organisation,
		NetworkType: string(p.NetworkType), FederalState: p.FederalState, Phone: p.Phone, DirectoryConsent: p.DirectoryConsent}
}

// participantFields is what the part "participant-fields" draws: the inputs
// of a person, without the form around them, which differs by page.
type participantFields struct {
	Form     participantForm
	Errors   formErrors
	States   []option
	Networks []string
}

func newParticipantFields(form participantForm, errs formErrors) participantFields {
	return participantFields{Form: form, Errors: errs, States: federalStateOptions(), Networks: networkTypeCodes()}
}

// participantRow is one person of a list.
type participantRow struct {
	ID           uint
	FirstName    string
	LastName     string
	Email        string
	Organisation string
	NetworkType  string
	FederalState string
	Phone        string
	Consent      bool
	HasAccount   bool
	AccountID    uint
	CreatedAt    time.Time
}

func toParticipantRow(p models.Participant) participantRow {
	row := participantRow{ID: p.ID, FirstName: p.FirstName, LastName: p.LastName, Email: p.Email,
		Organisation: p.Organisation, NetworkType: string(p.NetworkType), FederalState: p.FederalState, Phone: p.Phone,
		Consent: p.DirectoryConsent, HasAccount: p.UserID != nil, CreatedAt: p.CreatedAt}
	if p.UserID != nil {
		row.AccountID = *p.UserID
	}
	return row
}

type participantQuery struct {
	Search  string `form:"suche"`
	State   string `form:"land"`
	Network string `form:"netzwerk"`
	Sort    string `form:"sortierung"`
	Page    int    `form:"seite"`
}

func (q participantQuery) values() url.Values {
	return url.Values{"suche": {q.Search}, "land": {q.State}, "netzwerk": {q.Network}, "sortierung": {q.Sort}}
}

// participantSorts map the sort keys of the URL to the service's, in the
// order of the list's columns.
var participantSorts = []sortKey{
	{"name", "last_name"}, {"email", "email"}, {"organisation", "organisation"},
	{"bundesland", "federal_state"}, {"angelegt", "created_at"},
}

type participantsPage struct {
	Query        participantQuery
	States       []option
	Networks     []string
	Participants []participantRow
	Pager        pager
	Sort         map[string]sortLink
}

func (ui *UI) participantsPage(c *gin.Context) {
	var q participantQuery
	if !ui.bindQuery(c, &q) {
		return
	}
	sort, ok := serviceSort(q.Sort, participantSorts)
	if !ok {
		ui.renderError(c, http.StatusBadRequest, "BadRequestTitle", "BadRequestText")
		return
	}
	people, total, err := ui.svc.Participants.ListParticipants(c.Request.Context(), access.ActorOf(c), services.ParticipantFilter{
		Search: q.Search, FederalState: q.State, NetworkType: q.Network, Sort: sort, Page: servicePage(q.Page)})
	if err != nil {
		ui.fail(c, err)
		return
	}
	page := participantsPage{Query: q, States: federalStateOptions(), Networks: networkTypeCodes(),
		Pager: newPager("/teilnehmende", q.values(), q.Page, total),
		Sort:  sortLinks("/teilnehmende", q.values(), q.Sort, participantSorts)}
	for _, p := range people {
		page.Participants = append(page.Participants, toParticipantRow(p))
	}
	ui.render(c, http.StatusOK, "participants", page)
}

type newParticipantPage struct {
	Fields participantFields
}

func (ui *UI) newParticipantPage(c *gin.Context) {
	ui.render(c, http.StatusOK, "participant_new", newParticipantPage{Fields: newParticipantFields(participantForm{}, nil)})
}

func (ui *UI) createParticipant(c *gin.Context) {
	var form participantForm
	errs, ok := ui.bindForm(c, &form)
	if !ok {
		return
	}
	if errs == nil {
		p, err := ui.svc.Participants.CreateParticipant(c.Request.Context(), access.ActorOf(c), form.toInput())
		if err == nil {
			c.Redirect(http.StatusSeeOther, fmt.Sprintf("/teilnehmende/%d?erledigt=angelegt", p.ID))
			return
		}
		if errs = serviceFieldErrors(&form, err); errs == nil {
			ui.fail(c, err)
			return
		}
	}
	ui.render(c, http.StatusUnprocessableEntity, "participant_new", newParticipantPage{Fields: newParticipantFields(form, errs)})
}

// personEnrollment is one cohort of a person, on their page.
type personEnrollment struct {
	Cohort      cohortView
	Status      models.EnrollmentStatus
	EnrolledAt  models.Date
	WithdrawnAt *models.Date
	Reason      string
}

// participantPage is a person with the form that changes them, their
// cohorts and their access to Kohorte.
type participantPage struct {
	Person      participantRow
	Fields      participantFields
	Enrollments []personEnrollment
	Notice      *message
	Problem     *message
	// Link is the one-time link of a new account, shown once.
	Link   *passwordLink
	edited bool
}

var participantNotices = map[string]string{
	"angelegt":    "ParticipantCreated",
	"gespeichert": "ParticipantSaved",
}

func (ui *UI) participantPage(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	var page participantPage
	if notice, ok := participantNotices[c.Query("erledigt")]; ok {
		page.Notice = newMessage(notice)
	}
	ui.showParticipant(c, http.StatusOK, id, page)
}

func (ui *UI) showParticipant(c *gin.Context, status int, id uint, page participantPage) {
	ctx, actor := c.Request.Context(), access.ActorOf(c)
	p, err := ui.svc.Participants.GetParticipant(ctx, actor, id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	if page.Enrollments, err = ui.enrollmentsOf(c, p); err != nil {
		ui.fail(c, err)
		return
	}
	page.Person = toParticipantRow(p)
	if !page.edited {
		page.Fields = newParticipantFields(toParticipantForm(p), nil)
	}
	ui.render(c, status, "participant", page)
}

// enrollmentsOf lists a person's cohorts, newest first.
func (ui *UI) enrollmentsOf(c *gin.Context, p models.Participant) ([]personEnrollment, error) {
	es, err := ui.svc.Participants.EnrollmentsOf(c.Request.Context(), access.ActorOf(c), p.ID)
	if err != nil {
		return nil, err
	}
	out := make([]personEnrollment, len(es))
	for i, e := range es {
		out[i] = personEnrollment{Cohort: toCohortView(e.Cohort), Status: e.Status, EnrolledAt: e.EnrolledAt,
			WithdrawnAt: e.WithdrawnAt, Reason: e.WithdrawalReason}
	}
	return out, nil
}

func (ui *UI) updateParticipant(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	var form participantForm
	errs, ok := ui.bindForm(c, &form)
	if !ok {
		return
	}
	if errs == nil {
		_, err := ui.svc.Participants.UpdateParticipant(c.Request.Context(), access.ActorOf(c), id, form.toInput())
		if err == nil {
			c.Redirect(http.StatusSeeOther, fmt.Sprintf("/teilnehmende/%d?erledigt=gespeichert", id))
			return
		}
		if errs = serviceFieldErrors(&form, err); errs == nil {
			ui.fail(c, err)
			return
		}
	}
	ui.showParticipant(c, http.StatusUnprocessableEntity, id, participantPage{Fields: newParticipantFields(form, errs), edited: true})
}

// createAccount gives a person a participant account and shows its
// one-time link once, as the invitation of a user does.
func (ui *UI) createAccount(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	inv, err := ui.svc.Participants.CreateAccount(c.Request.Context(), access.ActorOf(c), id)
	switch {
	case err == nil:
		link := newPasswordLink(c, inv.Token, inv.ExpiresAt)
		ui.showParticipant(c, http.StatusOK, id, participantPage{Link: &link})
	case errors.Is(err, services.ErrConflict):
		ui.showParticipant(c, http.StatusConflict, id, participantPage{Problem: accountConflict(err)})
	default:
		ui.fail(c, err)
	}
}

// accountConflict explains why a person cannot get an account: their
// address belongs to a staff or jury account, or to one in use.
func accountConflict(err error) *message {
	if services.CodeOf(err) == services.CodeParticipantAccountRole {
		return refusalMessage(err)
	}
	return newMessage("ErrAccountExists")
}
