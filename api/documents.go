package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
	"kohorte/services/roster"
)

type issueRequest struct {
	Lang           string `json:"lang" binding:"omitempty,oneof=de en"`
	OverrideReason string `json:"override_reason" binding:"max=2000"`
}

type reissueRequest struct {
	Lang   string `json:"lang" binding:"omitempty,oneof=de en"`
	Reason string `json:"reason" binding:"required,max=2000"`
}

type revokeRequest struct {
	Reason string `json:"reason" binding:"required,max=2000"`
}

// documentResponse is one document of the register, without its PDF.
type documentResponse struct {
	ID             uint       `json:"id"`
	Kind           string     `json:"kind"`
	Number         string     `json:"number"`
	Holder         string     `json:"holder"`
	IssuedOn       string     `json:"issued_on"`
	Status         string     `json:"status"`
	RevokedAt      *time.Time `json:"revoked_at,omitempty"`
	RevokeReason   string     `json:"revoke_reason,omitempty"`
	SupersededBy   string     `json:"superseded_by,omitempty"`
	SupersedesID   *uint      `json:"supersedes_id,omitempty"`
	OverrideReason string     `json:"override_reason,omitempty"`
	EnrollmentID   uint       `json:"enrollment_id"`
	SHA256         string     `json:"sha256,omitempty"`
	// VerifyURL is the document's verification page at the address this
	// request reached: the token is the one printed on the PDF and in its
	// QR code, the address is where Kohorte answers now.
	VerifyURL string `json:"verify_url"`
}

// verifyURL is where a document's verification page answers.
func verifyURL(base, token string) string { return base + "/verify/" + token }

func toDocumentResponse(d models.IssuedDocument, base string) documentResponse {
	out := documentResponse{ID: d.ID, Kind: string(d.Kind), Number: d.Number, Holder: d.Holder, IssuedOn: d.IssuedOn.String(),
		Status: string(services.DocumentValid), RevokedAt: d.RevokedAt, RevokeReason: d.RevokeReason, SupersedesID: d.SupersedesID,
		OverrideReason: d.OverrideReason, EnrollmentID: d.EnrollmentID, SHA256: d.SHA256, VerifyURL: verifyURL(base, d.Token)}
	if d.RevokedAt != nil {
		out.Status = string(services.DocumentRevoked)
	}
	return out
}

// registerRowResponse is a line of the register with its course and cohort.
type registerRowResponse struct {
	documentResponse
	CohortID  uint   `json:"cohort_id"`
	Cohort    string `json:"cohort"`
	CourseID  uint   `json:"course_id"`
	Course    string `json:"course"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
}

func toRegisterRow(r services.DocumentRow, base string) registerRowResponse {
	return registerRowResponse{
		documentResponse: documentResponse{ID: r.ID, Kind: string(r.Kind), Number: r.Number, Holder: r.Holder,
			IssuedOn: r.IssuedOn.String(), Status: string(r.Status), RevokedAt: r.RevokedAt, RevokeReason: r.RevokeReason,
			SupersededBy: r.SupersededBy, OverrideReason: r.OverrideReason, EnrollmentID: r.EnrollmentID,
			VerifyURL: verifyURL(base, r.Token)},
		CohortID: r.CohortID, Cohort: r.Cohort, CourseID: r.CourseID, Course: r.Course, FirstName: r.FirstName, LastName: r.LastName}
}

func toRegisterRows(rows []services.DocumentRow, base string) []registerRowResponse {
	out := make([]registerRowResponse, len(rows))
	for i, r := range rows {
		out[i] = toRegisterRow(r, base)
	}
	return out
}

// issueInput is what the request asks, with the address the
// verification link points to.
func issueInput(c *gin.Context, lang, override string) services.IssueInput {
	return services.IssueInput{Lang: lang, OverrideReason: override, VerifyBase: access.PublicURL(c, "")}
}

func (h *handlers) issueCertificate(c *gin.Context) {
	h.issue(c, h.svc.Documents.IssueCertificate)
}

func (h *handlers) issueConfirmation(c *gin.Context) {
	h.issue(c, h.svc.Documents.IssueConfirmation)
}

type issueFunc func(ctx context.Context, actor services.Actor, enrollmentID uint, in services.IssueInput) (models.IssuedDocument, error)

func (h *handlers) issue(c *gin.Context, issue issueFunc) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var req issueRequest
	if !h.bindJSON(c, &req) {
		return
	}
	d, err := issue(c.Request.Context(), access.ActorOf(c), id, issueInput(c, req.Lang, req.OverrideReason))
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.Header("Location", "/api/v1/documents/"+strconv.Itoa(int(d.ID))+"/pdf")
	c.JSON(http.StatusCreated, toDocumentResponse(d, access.PublicURL(c, "")))
}

type bulkSkipResponse struct {
	EnrollmentID uint            `json:"enrollment_id"`
	Holder       string          `json:"holder"`
	Code         string          `json:"code"`
	Params       services.Params `json:"params"`
	Text         string          `json:"text"`
}

type bulkIssueResponse struct {
	Issued  []documentResponse `json:"issued"`
	Skipped []bulkSkipResponse `json:"skipped"`
}

func (h *handlers) issueCohortCertificates(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var req issueRequest
	if !h.bindJSON(c, &req) {
		return
	}
	rep, err := h.svc.Documents.IssueCohort(c.Request.Context(), access.ActorOf(c), id, issueInput(c, req.Lang, ""))
	if err != nil {
		h.writeError(c, err)
		return
	}
	out := bulkIssueResponse{Issued: make([]documentResponse, len(rep.Issued)), Skipped: make([]bulkSkipResponse, len(rep.Skipped))}
	for i, d := range rep.Issued {
		out.Issued[i] = toDocumentResponse(d, access.PublicURL(c, ""))
	}
	for i, s := range rep.Skipped {
		p := s.Params
		if p == nil {
			p = services.Params{}
		}
		out.Skipped[i] = bulkSkipResponse{EnrollmentID: s.EnrollmentID, Holder: s.Holder, Code: string(s.Code), Params: p,
			Text: s.Code.English(s.Params)}
	}
	c.JSON(http.StatusOK, out)
}

func (h *handlers) reissueDocument(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var req reissueRequest
	if !h.bindJSON(c, &req) {
		return
	}
	d, err := h.svc.Documents.Reissue(c.Request.Context(), access.ActorOf(c), id, req.Reason, issueInput(c, req.Lang, ""))
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.Header("Location", "/api/v1/documents/"+strconv.Itoa(int(d.ID))+"/pdf")
	c.JSON(http.StatusCreated, toDocumentResponse(d, access.PublicURL(c, "")))
}

func (h *handlers) revokeDocument(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var req revokeRequest
	if !h.bindJSON(c, &req) {
		return
	}
	d, err := h.svc.Documents.Revoke(c.Request.Context(), access.ActorOf(c), id, req.Reason)
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toDocumentResponse(d, access.PublicURL(c, "")))
}

type registerQuery struct {
	pageQuery
	CourseID uint   `form:"course_id" binding:"lte=2147483647"`
	CohortID uint   `form:"cohort_id" binding:"lte=2147483647"`
	Kind     string `form:"kind" binding:"omitempty,oneof=certificate confirmation"`
	Status   string `form:"status" binding:"omitempty,oneof=valid revoked superseded"`
	Year     int    `form:"year" binding:"omitempty,min=2000,max=2999"`
	Search   string `form:"search" binding:"max=200"`
}

func (q registerQuery) filter() services.DocumentFilter {
	return services.DocumentFilter{CourseID: q.CourseID, CohortID: q.CohortID, Kind: models.DocumentKind(q.Kind),
		Status: services.DocumentStatus(q.Status), Year: q.Year, Search: q.Search}
}

func (h *handlers) listDocuments(c *gin.Context) {
	var q registerQuery
	if !h.bindQuery(c, &q) {
		return
	}
	page := q.page()
	f := q.filter()
	f.Limit, f.Offset = page.Size, (page.Number-1)*page.Size
	rows, total, err := h.svc.Documents.List(c.Request.Context(), access.ActorOf(c), f)
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, listResponse[registerRowResponse]{Items: toRegisterRows(rows, access.PublicURL(c, "")), Total: total, Page: page.Number, PageSize: page.Size})
}

func (h *handlers) myDocuments(c *gin.Context) {
	rows, err := h.svc.Documents.Mine(c.Request.Context(), access.ActorOf(c))
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": toRegisterRows(rows, access.PublicURL(c, ""))})
}

// downloadDocument sends a PDF as it was issued, named after its holder
// and number; never kept in a cache, for it carries personal data.
func (h *handlers) downloadDocument(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	f, err := h.svc.Documents.File(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		c.Header("Cache-Control", "no-store")
		h.writeError(c, err)
		return
	}
	c.Header("Content-Disposition", roster.DocumentDisposition(f.LastName, f.FirstName, f.Number, false))
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/pdf", f.PDF)
}
