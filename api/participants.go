package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
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

type statisticsResponse struct {
	Participants   int64            `json:"participants"`
	ByStatus       map[string]int64 `json:"by_status"`
	ByFederalState map[string]int64 `json:"by_federal_state"`
	ByNetworkType  map[string]int64 `json:"by_network_type"`
}

func (h *handlers) statistics(c *gin.Context, cohortID uint) {
	st, err := h.svc.Cohorts.CohortStatistics(c.Request.Context(), access.ActorOf(c), cohortID)
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, statisticsResponse{Participants: st.Participants, ByStatus: st.ByStatus,
		ByFederalState: st.ByFederalState, ByNetworkType: st.ByNetworkType})
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
