package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/services"
	"kohorte/services/roster"
)

// readSheet parses the uploaded file of the multipart field "file". On
// failure it answers and returns nil.
func (h *handlers) readSheet(c *gin.Context) *roster.Sheet {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, roster.DefaultMaxBytes+64<<10)
	fh, err := c.FormFile("file")
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeProblem(c, http.StatusRequestEntityTooLarge, services.CodeImportTooLarge, "The file is too large: at most 5 MB are allowed.", nil)
		return nil
	case err != nil:
		h.writeError(c, (&services.ValidationError{}).Add("file", services.CodeImportFileMissing))
		return nil
	}
	f, err := fh.Open()
	if err != nil {
		h.writeError(c, err)
		return nil
	}
	defer f.Close()
	sheet, err := h.svc.Enrollments.ReadList(access.ActorOf(c), f, fh.Filename)
	if err != nil {
		h.writeSheetError(c, err)
		return nil
	}
	return sheet
}

// writeSheetError answers a list that was not read: 413 for a file over
// the size or row limit, 422 naming the field "file" for one that cannot be
// read (a workbook that unpacks to too much among them, however small the
// upload), and the domain's answer for a refusal to read at all (503 with
// Retry-After while the import slots are taken).
func (h *handlers) writeSheetError(c *gin.Context, err error) {
	var tooLarge *roster.TooLargeError
	switch {
	case errors.Is(err, services.ErrUnavailable) || errors.Is(err, services.ErrForbidden):
		h.writeError(c, err)
	case errors.As(err, &tooLarge) && tooLarge.Kind != roster.LimitUnpacked:
		code, _ := services.SheetCode(err)
		writeProblem(c, http.StatusRequestEntityTooLarge, code, upperFirst(err.Error())+".", nil)
	default:
		h.writeError(c, services.SheetError(err))
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

type importRowJSON struct {
	Line          int               `json:"line"`
	Outcome       string            `json:"outcome"`
	ParticipantID *uint             `json:"participant_id"`
	FirstName     string            `json:"first_name"`
	LastName      string            `json:"last_name"`
	Email         string            `json:"email"`
	Organisation  string            `json:"organisation"`
	NetworkType   string            `json:"network_type"`
	FederalState  string            `json:"federal_state"`
	Phone         string            `json:"phone"`
	Errors        []importErrorJSON `json:"errors"`
}

type importErrorJSON struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Field   string `json:"field"`
	Reason  string `json:"reason"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

type importPreviewResponse struct {
	Format         string          `json:"format"`
	Encoding       string          `json:"encoding"`
	IgnoredColumns []string        `json:"ignored_columns"`
	New            int             `json:"new"`
	Existing       int             `json:"existing"`
	Skipped        int             `json:"skipped"`
	Errors         int             `json:"errors"`
	FreeSeats      int             `json:"free_seats"`
	Problem        string          `json:"problem"`
	ProblemCode    string          `json:"problem_code,omitempty"`
	Rows           []importRowJSON `json:"rows"`
}

func toImportPreview(p services.ImportPreview) importPreviewResponse {
	r := importPreviewResponse{Format: p.Sheet.Format, Encoding: p.Sheet.Encoding, IgnoredColumns: p.Sheet.IgnoredColumns,
		New: p.New, Existing: p.Existing, Skipped: p.Skipped, Errors: p.Errors, FreeSeats: p.FreeSeats,
		Rows: make([]importRowJSON, len(p.Rows))}
	if p.Problem != nil {
		r.Problem, r.ProblemCode = p.Problem.Message(), string(p.Problem.Code)
	}
	if r.IgnoredColumns == nil {
		r.IgnoredColumns = []string{}
	}
	for i, row := range p.Rows {
		v := row.Person
		r.Rows[i] = importRowJSON{Line: row.Line, Outcome: string(row.Outcome), FirstName: v.FirstName, LastName: v.LastName,
			Email: v.Email, Organisation: v.Organisation, NetworkType: v.NetworkType, FederalState: v.FederalState, Phone: v.Phone,
			Errors: importErrors(row.Errors)}
		if row.ParticipantID != 0 {
			id := row.ParticipantID
			r.Rows[i].ParticipantID = &id
		}
	}
	return r
}

func importErrors(errs []roster.CellError) []importErrorJSON {
	out := make([]importErrorJSON, len(errs))
	for i, e := range errs {
		out[i] = importErrorJSON{Row: e.Line, Column: e.Column, Field: string(e.Field), Reason: string(e.Reason), Code: e.Code, Message: e.Message}
	}
	return out
}

func (h *handlers) previewImport(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	sheet := h.readSheet(c)
	if sheet == nil {
		return
	}
	p, err := h.svc.Enrollments.PreviewImport(c.Request.Context(), access.ActorOf(c), id, sheet)
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toImportPreview(p))
}

type importResultResponse struct {
	Created  int `json:"created"`
	Enrolled int `json:"enrolled"`
	Skipped  int `json:"skipped"`
}

// commitImport imports all rows or none. A refused list is answered with
// one problem entry per wrong cell, naming row, column and reason.
func (h *handlers) commitImport(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	sheet := h.readSheet(c)
	if sheet == nil {
		return
	}
	res, err := h.svc.Enrollments.CommitImport(c.Request.Context(), access.ActorOf(c), id, sheet)
	if err != nil {
		h.writeError(c, err)
		return
	}
	created(c, apiPath("/api/v1/cohorts/%d/enrollments", id), importResultResponse{Created: res.Created, Enrolled: res.Enrolled, Skipped: res.Skipped})
}

func writeImportProblem(c *gin.Context, p services.ImportPreview) {
	var fields []FieldError
	for _, row := range p.Rows {
		for _, e := range row.Errors {
			fields = append(fields, FieldError{Field: string(e.Field), Code: e.Code, Params: services.CellParams(e),
				Message: e.Error(), Row: e.Line, Column: e.Column})
		}
	}
	if p.Problem != nil && p.Errors == 0 {
		writeProblem(c, http.StatusConflict, p.Problem.Code, "Nothing was imported: "+p.Problem.Message()+".", nil)
		return
	}
	detail := fmt.Sprintf("Nothing was imported: %d rows have errors.", p.Errors)
	if p.Problem != nil {
		detail += " Also, " + p.Problem.Message() + "."
	}
	invalidInput(c, detail, fields)
}

type exportQuery struct {
	Format string `form:"format" binding:"omitempty,oneof=csv xlsx"`
	// IDs selects enrollments of the cohort; none exports all.
	IDs []uint `form:"ids" binding:"max=1000,dive,min=1,max=2147483647"`
}

// exportCohort sends a cohort's participant list as CSV (the default) or XLSX.
func (h *handlers) exportCohort(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var q exportQuery
	if !h.bindQuery(c, &q) {
		return
	}
	ex, err := h.svc.Enrollments.OpenExport(c.Request.Context(), access.ActorOf(c), id, q.IDs)
	if err != nil {
		h.writeError(c, err)
		return
	}
	defer ex.Close()
	contentType, ext := csvType, "csv"
	if q.Format == "xlsx" {
		contentType, ext = xlsxType, "xlsx"
	}
	c.Header("Content-Disposition", roster.ContentDisposition("kohorte-"+ex.Cohort.Name, "."+ext))
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Type", contentType)
	c.Status(http.StatusOK)
	err = roster.WriteFrom(c.Writer, q.Format == "xlsx", requestLang(c.Request), ex.Cohort.Name, ex.Each)
	if err == nil {
		return
	}
	if !c.Writer.Written() {
		// Nothing was sent yet: the error can still be answered cleanly.
		c.Writer.Header().Del("Content-Disposition")
		c.Writer.Header().Del("Content-Type")
		h.writeError(c, err)
		return
	}
	// The status and part of the file have gone out: a problem now would
	// end up inside the file. Breaking the connection tells the client that
	// the download failed, rather than leaving it with a file cut short.
	h.log.WarnContext(c.Request.Context(), "export broke off after it began", "request_id", requestID(c),
		"route", routeOf(c), "cohort", id, "err", err)
	panic(http.ErrAbortHandler)
}
