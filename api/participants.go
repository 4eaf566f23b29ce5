package api

import (
	"bytes"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
	"kohorte/services/roster"
)

type participantRequest struct {
	FirstName        string `json:"first_name" binding:"required,max=100"`
	LastName         string `json:"last_name" binding:"required,max=100"`
	Email            string `json:"email" binding:"required,max=254"`
	Organisation     string `json:"organisation" binding:"max=200"`
	NetworkType      string `json:"network_type" binding:"max=50"`
	FederalState     string `json:"federal_state" binding:"max=50"`
	Phone            string `json:"phone" binding:"max=50"`
	DirectoryConsent bool   `json:"directory_consent"`
}

func (r participantRequest) toInput() services.ParticipantInput {
	return services.ParticipantInput{FirstName: r.FirstName, LastName: r.LastName, Email: r.Email,
		Organisation: r.Organisation, NetworkType: r.NetworkType, FederalState: r.FederalState, Phone: r.Phone,
		DirectoryConsent: r.DirectoryConsent}
}

type participantResponse struct {
	ID               uint      `json:"id"`
	FirstName        string    `json:"first_name"`
	LastName         string    `json:"last_name"`
	Email            string    `json:"email"`
	Organisation     string    `json:"organisation"`
	NetworkType      string    `json:"network_type"`
	FederalState     string    `json:"federal_state"`
	Phone            string    `json:"phone"`
	DirectoryConsent bool      `json:"directory_consent"`
	HasAccount       bool      `json:"has_account"`
	CreatedAt        time.Time `json:"created_at"`
}

func toParticipantResponse(p models.Participant) participantResponse {
	return participantResponse{ID: p.ID, FirstName: p.FirstName, LastName: p.LastName, Email: p.Email,
		Organisation: p.Organisation, NetworkType: string(p.NetworkType), FederalState: p.FederalState, Phone: p.Phone,
		DirectoryConsent: p.DirectoryConsent, HasAccount: p.UserID != nil, CreatedAt: p.CreatedAt}
}

type participantListQuery struct {
	pageQuery
	Search       string `form:"search" binding:"max=200"`
	FederalState string `form:"federal_state" binding:"max=50"`
	NetworkType  string `form:"network_type" binding:"max=50"`
	Sort         string `form:"sort" binding:"max=30"`
}

func (h *handlers) listParticipants(c *gin.Context) {
	var q participantListQuery
	if !h.bindQuery(c, &q) || !h.checkCodes(c, q.FederalState, q.NetworkType) {
		return
	}
	page := q.page()
	ps, total, err := h.svc.Participants.ListParticipants(c.Request.Context(), access.ActorOf(c), services.ParticipantFilter{
		Search: q.Search, FederalState: q.FederalState, NetworkType: q.NetworkType, Sort: q.Sort, Page: page})
	if err != nil {
		h.writeError(c, err)
		return
	}
	items := make([]participantResponse, len(ps))
	for i, p := range ps {
		items[i] = toParticipantResponse(p)
	}
	c.JSON(http.StatusOK, listResponse[participantResponse]{Items: items, Total: total, Page: page.Number, PageSize: page.Size})
}

func (h *handlers) createParticipant(c *gin.Context) {
	var req participantRequest
	if !h.bindJSON(c, &req) {
		return
	}
	p, err := h.svc.Participants.CreateParticipant(c.Request.Context(), access.ActorOf(c), req.toInput())
	if err != nil {
		h.writeError(c, err)
		return
	}
	created(c, apiPath("/api/v1/participants/%d", p.ID), toParticipantResponse(p))
}

func (h *handlers) getParticipant(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	p, err := h.svc.Participants.GetParticipant(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toParticipantResponse(p))
}

func (h *handlers) updateParticipant(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var req participantRequest
	if !h.bindJSON(c, &req) {
		return
	}
	p, err := h.svc.Participants.UpdateParticipant(c.Request.Context(), access.ActorOf(c), id, req.toInput())
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toParticipantResponse(p))
}

type enrollmentResponse struct {
	ID               uint                `json:"id"`
	CohortID         uint                `json:"cohort_id"`
	Status           string              `json:"status"`
	EnrolledAt       models.Date         `json:"enrolled_at"`
	WithdrawnAt      *models.Date        `json:"withdrawn_at"`
	WithdrawalReason string              `json:"withdrawal_reason"`
	Participant      participantResponse `json:"participant"`
}

func toEnrollmentResponse(e models.Enrollment) enrollmentResponse {
	r := enrollmentResponse{ID: e.ID, CohortID: e.CohortID, Status: string(e.Status), EnrolledAt: e.EnrolledAt,
		WithdrawnAt: e.WithdrawnAt, WithdrawalReason: e.WithdrawalReason}
	if e.Participant != nil {
		r.Participant = toParticipantResponse(*e.Participant)
	}
	return r
}

type enrollmentListQuery struct {
	pageQuery
	Status       string `form:"status" binding:"omitempty,oneof=enrolled completed not_passed withdrawn"`
	FederalState string `form:"federal_state" binding:"max=50"`
	Search       string `form:"search" binding:"max=200"`
	Sort         string `form:"sort" binding:"max=30"`
}

func (h *handlers) listEnrollments(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var q enrollmentListQuery
	if !h.bindQuery(c, &q) || !h.checkCodes(c, q.FederalState, "") {
		return
	}
	page := q.page()
	es, total, err := h.svc.Enrollments.ListEnrollments(c.Request.Context(), access.ActorOf(c), id, services.EnrollmentFilter{
		Status: models.EnrollmentStatus(q.Status), FederalState: q.FederalState, Search: q.Search, Sort: q.Sort, Page: page})
	if err != nil {
		h.writeError(c, err)
		return
	}
	items := make([]enrollmentResponse, len(es))
	for i, e := range es {
		items[i] = toEnrollmentResponse(e)
	}
	c.JSON(http.StatusOK, listResponse[enrollmentResponse]{Items: items, Total: total, Page: page.Number, PageSize: page.Size})
}

type enrollRequest struct {
	ParticipantID uint         `json:"participant_id" binding:"required,lte=2147483647"`
	EnrolledAt    *models.Date `json:"enrolled_at"`
}

func (h *handlers) enroll(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var req enrollRequest
	if !h.bindJSON(c, &req) {
		return
	}
	var day models.Date
	if req.EnrolledAt != nil {
		day = *req.EnrolledAt
	}
	e, err := h.svc.Enrollments.Enroll(c.Request.Context(), access.ActorOf(c), id, req.ParticipantID, day)
	if err != nil {
		h.writeError(c, err)
		return
	}
	created(c, apiPath("/api/v1/cohorts/%d/enrollments", id), toEnrollmentResponse(e))
}

type withdrawRequest struct {
	WithdrawnAt *models.Date `json:"withdrawn_at"`
	Reason      string       `json:"reason" binding:"max=2000"`
}

func (h *handlers) withdraw(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var req withdrawRequest
	if !h.bindJSON(c, &req) {
		return
	}
	var day models.Date
	if req.WithdrawnAt != nil {
		day = *req.WithdrawnAt
	}
	e, err := h.svc.Enrollments.Withdraw(c.Request.Context(), access.ActorOf(c), id, day, req.Reason)
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toEnrollmentResponse(e))
}

// selectionRequest names enrollments of one cohort for a bulk action.
type selectionRequest struct {
	EnrollmentIDs []uint `json:"enrollment_ids" binding:"dive,min=1,max=2147483647"`
}

type withdrawManyRequest struct {
	selectionRequest
	WithdrawnAt *models.Date `json:"withdrawn_at"`
	Reason      string       `json:"reason" binding:"max=2000"`
}

// withdrawMany withdraws several people of a cohort at once: all or none.
func (h *handlers) withdrawMany(c *gin.Context) {
	id, ok := h.pathID(c)
	var req withdrawManyRequest
	if !ok || !h.bindJSON(c, &req) {
		return
	}
	var day models.Date
	if req.WithdrawnAt != nil {
		day = *req.WithdrawnAt
	}
	es, err := h.svc.Enrollments.WithdrawMany(c.Request.Context(), access.ActorOf(c), id, req.EnrollmentIDs, day, req.Reason)
	if err != nil {
		h.writeError(c, err)
		return
	}
	items := make([]enrollmentResponse, len(es))
	for i, e := range es {
		items[i] = toEnrollmentResponse(e)
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

type createdAccountResponse struct {
	ParticipantID uint `json:"participant_id"`
	passwordLinkResponse
}

type accountsResponse struct {
	Created []createdAccountResponse `json:"created"`
	Skipped int                      `json:"skipped"`
}

// createAccounts invites several people of a cohort to log in; those with
// an account already are skipped.
func (h *handlers) createAccounts(c *gin.Context) {
	id, ok := h.pathID(c)
	var req selectionRequest
	if !ok || !h.bindJSON(c, &req) {
		return
	}
	res, err := h.svc.Participants.CreateAccounts(c.Request.Context(), access.ActorOf(c), id, req.EnrollmentIDs)
	if err != nil {
		h.writeError(c, err)
		return
	}
	out := accountsResponse{Created: make([]createdAccountResponse, len(res.Created)), Skipped: res.Skipped}
	for i, a := range res.Created {
		out.Created[i] = createdAccountResponse{ParticipantID: a.Participant.ID, passwordLinkResponse: passwordLinkResponse{
			User: toUserResponse(a.User), PasswordLink: passwordLink(c, a.Token), ExpiresAt: a.ExpiresAt}}
	}
	c.JSON(http.StatusOK, out)
}

// statusCountsResponse counts enrollments by status; started is their sum,
// everyone who began whatever became of them.
type statusCountsResponse struct {
	Enrolled  int64 `json:"enrolled"`
	Completed int64 `json:"completed"`
	NotPassed int64 `json:"not_passed"`
	Withdrawn int64 `json:"withdrawn"`
	Started   int64 `json:"started"`
}

type groupCountsResponse struct {
	Code string `json:"code"`
	statusCountsResponse
}

type statisticsResponse struct {
	Total          statusCountsResponse  `json:"total"`
	ByStatus       map[string]int64      `json:"by_status"`
	ByFederalState []groupCountsResponse `json:"by_federal_state"`
	ByNetworkType  []groupCountsResponse `json:"by_network_type"`
	People         int64                 `json:"people"`
	FederalStates  int                   `json:"federal_states"`
}

func toStatusCountsResponse(c services.StatusCounts) statusCountsResponse {
	return statusCountsResponse{Enrolled: c.Enrolled, Completed: c.Completed, NotPassed: c.NotPassed, Withdrawn: c.Withdrawn, Started: c.Started()}
}

func toGroupCountsResponses(groups []services.GroupCounts) []groupCountsResponse {
	out := make([]groupCountsResponse, len(groups))
	for i, g := range groups {
		out[i] = groupCountsResponse{Code: g.Code, statusCountsResponse: toStatusCountsResponse(g.StatusCounts)}
	}
	return out
}

func toStatisticsResponse(st services.Statistics) statisticsResponse {
	return statisticsResponse{Total: toStatusCountsResponse(st.Total), ByStatus: st.Total.ByStatus(),
		ByFederalState: toGroupCountsResponses(st.ByFederalState), ByNetworkType: toGroupCountsResponses(st.ByNetworkType),
		People: st.People, FederalStates: st.FederalStates}
}

type statisticsQuery struct {
	Format string `form:"format" binding:"omitempty,oneof=json csv xlsx"`
}

// statistics answers JSON, or with format=csv or xlsx the same numbers as
// the file the statistics page offers, in the language Accept-Language
// prefers.
func (h *handlers) statistics(c *gin.Context, cohortID uint) {
	var q statisticsQuery
	if !h.bindQuery(c, &q) {
		return
	}
	st, err := h.svc.Cohorts.CohortStatistics(c.Request.Context(), access.ActorOf(c), cohortID)
	if err != nil {
		h.writeError(c, err)
		return
	}
	if q.Format == "" || q.Format == "json" {
		c.JSON(http.StatusOK, toStatisticsResponse(st))
		return
	}
	lang := requestLang(c.Request)
	table := st.Table(roster.AllCohorts(lang))
	var buf bytes.Buffer
	contentType, ext := csvType, ".csv"
	if q.Format == "xlsx" {
		contentType, ext = xlsxType, ".xlsx"
		err = roster.WriteStatisticsXLSX(&buf, lang, table)
	} else {
		err = roster.WriteStatisticsCSV(&buf, lang, table)
	}
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.Header("Content-Disposition", roster.ContentDisposition(roster.StatisticsFileName(lang, table.Scope), ext))
	c.Data(http.StatusOK, contentType, buf.Bytes())
}

func (h *handlers) overallStatistics(c *gin.Context) { h.statistics(c, 0) }

func (h *handlers) cohortStatistics(c *gin.Context) {
	if id, ok := h.pathID(c); ok {
		h.statistics(c, id)
	}
}

func (h *handlers) createParticipantAccount(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	inv, err := h.svc.Participants.CreateAccount(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		h.writeError(c, err)
		return
	}
	created(c, apiPath("/api/v1/users/%d", inv.User.ID), passwordLinkResponse{User: toUserResponse(inv.User), PasswordLink: passwordLink(c, inv.Token), ExpiresAt: inv.ExpiresAt})
}

type myEnrollmentResponse struct {
	ID          uint         `json:"id"`
	Status      string       `json:"status"`
	EnrolledAt  models.Date  `json:"enrolled_at"`
	WithdrawnAt *models.Date `json:"withdrawn_at"`
	CohortID    uint         `json:"cohort_id"`
	CohortName  string       `json:"cohort_name"`
	CourseTitle string       `json:"course_title"`
	StartDate   models.Date  `json:"start_date"`
	EndDate     models.Date  `json:"end_date"`
}

func (h *handlers) myEnrollments(c *gin.Context) {
	es, err := h.svc.Participants.MyEnrollments(c.Request.Context(), access.ActorOf(c))
	if err != nil {
		h.writeError(c, err)
		return
	}
	items := make([]myEnrollmentResponse, len(es))
	for i, e := range es {
		items[i] = myEnrollmentResponse{ID: e.ID, Status: string(e.Status), EnrolledAt: e.EnrolledAt, WithdrawnAt: e.WithdrawnAt,
			CohortID: e.CohortID, CohortName: e.Cohort.Name, StartDate: e.Cohort.StartDate, EndDate: e.Cohort.EndDate}
		if e.Cohort.Course != nil {
			items[i].CourseTitle = e.Cohort.Course.Title
		}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// checkCodes refuses filter values that name no federal state or network
// type, rather than ignoring them and listing everyone.
func (h *handlers) checkCodes(c *gin.Context, federalState, networkType string) bool {
	if err := services.CheckFilterCodes(federalState, networkType); err != nil {
		h.writeError(c, err)
		return false
	}
	return true
}
