package frontend

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
	"kohorte/services/roster"
)

// documentView is one issued document as the pages list it.
type documentView struct {
	ID             uint
	Kind           models.DocumentKind
	Number         string
	Holder         string
	IssuedOn       models.Date
	Status         services.DocumentStatus
	RevokedOn      string
	RevokeReason   string
	SupersededBy   string
	OverrideReason string
	Name           string
	Course         string
	Cohort         string
	CohortID       uint
	// Current: neither revoked nor superseded, so it can be corrected or
	// revoked.
	Current bool
}

func toDocumentView(d services.DocumentRow) documentView {
	v := documentView{ID: d.ID, Kind: d.Kind, Number: d.Number, Holder: d.Holder, IssuedOn: d.IssuedOn, Status: d.Status,
		RevokeReason: d.RevokeReason, SupersededBy: d.SupersededBy, OverrideReason: d.OverrideReason,
		Name: d.LastName + ", " + d.FirstName, Course: d.Course, Cohort: d.Cohort, CohortID: d.CohortID,
		Current: d.Status == services.DocumentValid}
	if d.RevokedAt != nil {
		v.RevokedOn = d.RevokedAt.In(services.Berlin).Format("02.01.2006")
	}
	return v
}

// cohortDocumentRow is one person of the cohort's documents page.
type cohortDocumentRow struct {
	EnrollmentID uint
	Name         string
	Status       models.EnrollmentStatus
	Eligibility  services.RuleState
	Passes       bool
	Withdrawn    bool
	Documents    []documentView
	// HasCertificate, HasConfirmation: a current one is held.
	HasCertificate, HasConfirmation bool
}

// bulkSkipView is a person a bulk issue left out, and why.
type bulkSkipView struct {
	Holder string
	Reason *message
}

type cohortDocumentsPage struct {
	Cohort  cohortView
	Rows    []cohortDocumentRow
	Notice  *message
	Problem *message
	Skipped []bulkSkipView
}

func toCohortDocumentRow(r services.CohortDocumentRow) cohortDocumentRow {
	v := cohortDocumentRow{EnrollmentID: r.Enrollment.ID, Status: r.Enrollment.Status, Eligibility: r.Eligibility.State,
		Passes: r.Passes, Withdrawn: r.Enrollment.Status == models.EnrollmentWithdrawn}
	if p := r.Enrollment.Participant; p != nil {
		v.Name = p.LastName + ", " + p.FirstName
	}
	for _, d := range r.Documents {
		dv := toDocumentView(d)
		v.Documents = append(v.Documents, dv)
		if dv.Current && d.Kind == models.KindCertificate {
			v.HasCertificate = true
		}
		if dv.Current && d.Kind == models.KindConfirmation {
			v.HasConfirmation = true
		}
	}
	return v
}

// cohortDocumentsPage shows everyone of a cohort with where their
// certificate rules stand and their documents, and the forms to issue,
// correct and revoke.
func (ui *UI) cohortDocumentsPage(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	var notice *message
	switch c.Query("erledigt") {
	case "ausgestellt":
		notice = newMessage("DocumentIssued")
	case "widerrufen":
		notice = newMessage("DocumentRevokedNotice")
	}
	ui.showCohortDocuments(c, http.StatusOK, id, cohortDocumentsPage{Notice: notice})
}

func (ui *UI) showCohortDocuments(c *gin.Context, status int, id uint, page cohortDocumentsPage) {
	docs, err := ui.svc.Documents.Cohort(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	page.Cohort = toCohortView(docs.Cohort)
	for _, r := range docs.Rows {
		page.Rows = append(page.Rows, toCohortDocumentRow(r))
	}
	ui.render(c, status, "documents_cohort", page)
}

type issueForm struct {
	Enrollment     uint   `form:"enrollment" binding:"required,min=1,max=2147483647"`
	Kind           string `form:"kind" binding:"required,oneof=certificate confirmation"`
	Lang           string `form:"lang" binding:"omitempty,oneof=de en"`
	OverrideReason string `form:"override_reason" label:"FieldOverrideReason"`
}

// maxReasonFormBytes leaves room for a reason of 2,000 characters,
// percent-encoded.
const maxReasonFormBytes = 32 << 10

// issueDocument issues one person's certificate or confirmation and
// returns to their row.
func (ui *UI) issueDocument(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	var form issueForm
	errs, ok := ui.bindFormMax(c, &form, maxReasonFormBytes)
	if !ok {
		return
	}
	if errs != nil {
		ui.renderError(c, http.StatusBadRequest, "BadRequestTitle", "BadRequestText")
		return
	}
	in := services.IssueInput{Lang: form.Lang, OverrideReason: form.OverrideReason, VerifyBase: access.PublicURL(c, "")}
	issue := ui.svc.Documents.IssueCertificate
	if form.Kind == string(models.KindConfirmation) {
		issue = ui.svc.Documents.IssueConfirmation
	}
	if _, err := issue(c.Request.Context(), access.ActorOf(c), form.Enrollment, in); err != nil {
		ui.documentProblem(c, id, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kohorten/%d/dokumente?erledigt=ausgestellt#z%d", id, form.Enrollment))
}

// documentProblem shows a refused issue, correction or revocation on the
// cohort's page, or fails the request for any other error.
func (ui *UI) documentProblem(c *gin.Context, cohortID uint, err error) {
	var verr *services.ValidationError
	var refusal *services.Refusal
	switch {
	case errors.As(err, &verr) && len(verr.Fields) > 0:
		ui.showCohortDocuments(c, http.StatusUnprocessableEntity, cohortID, cohortDocumentsPage{Problem: serviceMessage(verr.Fields[0])})
	case errors.As(err, &refusal) && !errors.Is(err, services.ErrNotFound) && !errors.Is(err, services.ErrForbidden):
		ui.showCohortDocuments(c, http.StatusConflict, cohortID, cohortDocumentsPage{Problem: refusalMessage(err)})
	default:
		ui.fail(c, err)
	}
}

// issueAll issues the certificates of everyone eligible and says whom it
// skipped and why.
func (ui *UI) issueAll(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	var form struct {
		Lang string `form:"lang" binding:"omitempty,oneof=de en"`
	}
	if !ui.bindChoice(c, &form) {
		return
	}
	rep, err := ui.svc.Documents.IssueCohort(c.Request.Context(), access.ActorOf(c), id,
		services.IssueInput{Lang: form.Lang, VerifyBase: access.PublicURL(c, "")})
	if err != nil {
		ui.documentProblem(c, id, err)
		return
	}
	page := cohortDocumentsPage{Notice: newMessage("DocumentsIssuedAll", "Issued", len(rep.Issued), "Skipped", len(rep.Skipped))}
	for _, s := range rep.Skipped {
		page.Skipped = append(page.Skipped, bulkSkipView{Holder: s.Holder, Reason: codeMessage(s.Code, s.Params)})
	}
	ui.showCohortDocuments(c, http.StatusOK, id, page)
}

type reasonForm struct {
	Reason string `form:"reason" label:"FieldDocumentReason"`
}

// reissueDocument corrects a document with a new one that supersedes it.
func (ui *UI) reissueDocument(c *gin.Context) {
	ui.documentAction(c, func(actor services.Actor, doc uint, reason string) error {
		_, err := ui.svc.Documents.Reissue(c.Request.Context(), actor, doc, reason,
			services.IssueInput{VerifyBase: access.PublicURL(c, "")})
		return err
	}, "ausgestellt")
}

// revokeDocument records a revocation with its reason.
func (ui *UI) revokeDocument(c *gin.Context) {
	ui.documentAction(c, func(actor services.Actor, doc uint, reason string) error {
		_, err := ui.svc.Documents.Revoke(c.Request.Context(), actor, doc, reason)
		return err
	}, "widerrufen")
}

func (ui *UI) documentAction(c *gin.Context, act func(services.Actor, uint, string) error, done string) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	doc, ok := ui.pathNumber(c, "doc")
	if !ok {
		return
	}
	var form reasonForm
	if _, ok := ui.bindFormMax(c, &form, maxReasonFormBytes); !ok {
		return
	}
	if err := act(access.ActorOf(c), doc, form.Reason); err != nil {
		ui.documentProblem(c, id, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kohorten/%d/dokumente?erledigt=%s", id, done))
}

// downloadDocument sends a PDF as issued: staff any, a participant their
// own (the service decides), named after its holder and number.
func (ui *UI) downloadDocument(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	f, err := ui.svc.Documents.File(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	c.Header("Content-Disposition", roster.DocumentDisposition(f.LastName, f.FirstName, f.Number, false))
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/pdf", f.PDF)
}

type myDocumentsPage struct {
	Documents []documentView
}

// myDocumentsPage lists the reader's own certificates and confirmations.
func (ui *UI) myDocumentsPage(c *gin.Context) {
	rows, err := ui.svc.Documents.Mine(c.Request.Context(), access.ActorOf(c))
	if err != nil {
		ui.fail(c, err)
		return
	}
	page := myDocumentsPage{}
	for _, r := range rows {
		page.Documents = append(page.Documents, toDocumentView(r))
	}
	ui.render(c, http.StatusOK, "my_documents", page)
}

// registerForm is the register's filter, as its query.
type registerForm struct {
	Course uint   `form:"kurs" binding:"max=2147483647"`
	Cohort uint   `form:"kohorte" binding:"max=2147483647"`
	Kind   string `form:"art" binding:"omitempty,oneof=certificate confirmation"`
	Status string `form:"status" binding:"omitempty,oneof=valid revoked superseded"`
	Year   int    `form:"jahr" binding:"omitempty,min=2000,max=2999"`
	Search string `form:"suche" binding:"max=200"`
	Page   int    `form:"seite" binding:"omitempty,min=1,max=100000"`
}

func (f registerForm) filter() services.DocumentFilter {
	return services.DocumentFilter{CourseID: f.Course, CohortID: f.Cohort, Kind: models.DocumentKind(f.Kind),
		Status: services.DocumentStatus(f.Status), Year: f.Year, Search: f.Search}
}

// query is the filter as the export links repeat it.
func (f registerForm) query() string {
	q := url.Values{}
	add := func(k, v string) {
		if v != "" && v != "0" {
			q.Set(k, v)
		}
	}
	add("kurs", strconv.Itoa(int(f.Course)))
	add("kohorte", strconv.Itoa(int(f.Cohort)))
	add("art", f.Kind)
	add("status", f.Status)
	add("jahr", strconv.Itoa(f.Year))
	add("suche", f.Search)
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

type registerPage struct {
	Form      registerForm
	Query     string
	Documents []documentView
	Total     int64
	Page      int
	Pages     int
}

// registerPageSize is how many documents a page of the register shows.
const registerPageSize = 100

// registerPage lists the register, filtered, a page at a time.
func (ui *UI) registerPage(c *gin.Context) {
	var form registerForm
	if !ui.bindQuery(c, &form) {
		return
	}
	f := form.filter()
	page := max(form.Page, 1)
	f.Limit, f.Offset = registerPageSize, (page-1)*registerPageSize
	rows, total, err := ui.svc.Documents.List(c.Request.Context(), access.ActorOf(c), f)
	if err != nil {
		ui.fail(c, err)
		return
	}
	out := registerPage{Form: form, Query: form.query(), Total: total, Page: page,
		Pages: max(1, int((total+registerPageSize-1)/registerPageSize))}
	for _, r := range rows {
		out.Documents = append(out.Documents, toDocumentView(r))
	}
	ui.render(c, http.StatusOK, "documents", out)
}

func (ui *UI) registerCSV(c *gin.Context)  { ui.registerExport(c, false) }
func (ui *UI) registerXLSX(c *gin.Context) { ui.registerExport(c, true) }

// registerExport streams the register, filtered, as CSV or XLSX: rows go
// out as they are read, so its size costs no memory.
func (ui *UI) registerExport(c *gin.Context, xlsx bool) {
	var form registerForm
	if !ui.bindQuery(c, &form) {
		return
	}
	lang := roster.Lang(ui.langOf(c.Request))
	ext, contentType := ".csv", csvType
	if xlsx {
		ext, contentType = ".xlsx", xlsxType
	}
	c.Header("Content-Disposition", roster.ContentDisposition(roster.DocumentsFileName(lang), ext))
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Type", contentType)
	err := roster.WriteDocuments(c.Writer, xlsx, lang, func(write func(roster.DocumentLine) error) error {
		return ui.svc.Documents.EachDocument(c.Request.Context(), access.ActorOf(c), form.filter(), func(d services.DocumentRow) error {
			return write(toDocumentLine(d))
		})
	})
	switch {
	case err == nil:
	case !c.Writer.Written():
		c.Writer.Header().Del("Content-Disposition")
		ui.fail(c, err)
	default:
		// The file has begun: break the connection rather than end it, so
		// that the download counts as incomplete.
		panic(http.ErrAbortHandler)
	}
}

func toDocumentLine(d services.DocumentRow) roster.DocumentLine {
	return roster.DocumentLine{Number: d.Number, Kind: string(d.Kind), Status: string(d.Status), LastName: d.LastName,
		FirstName: d.FirstName, Holder: d.Holder, Course: d.Course, Cohort: d.Cohort, IssuedOn: d.IssuedOn.Time,
		RevokedOn: d.RevokedAt, Reason: d.RevokeReason, SupersededBy: d.SupersededBy, OverrideReason: d.OverrideReason}
}
