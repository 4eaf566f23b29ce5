package frontend

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/errhttp"
	"kohorte/services"
	"kohorte/services/roster"
)

// importField is the name of the file input of the import form.
const importField = "datei"

// maxImportBody bounds an upload: the largest list the parser takes and
// room for the multipart envelope. A larger body is cut off before it is
// read; one between the two limits reaches the parser, which names its
// limit.
const maxImportBody = roster.DefaultMaxBytes + 1<<20

// maxPreviewRows bounds the rows a preview lists, so that a list of
// thousands stays a page a browser can show. Rows with errors are always
// listed; the counts above the table cover every row.
const maxPreviewRows = 500

// importPage is the import form with, after a check or a refused import,
// what the file holds.
type importPage struct {
	Cohort  cohortView
	Preview *previewView
	// Problem is why the file as a whole cannot be read; Header details a
	// header row that cannot be mapped.
	Problem *message
	Header  *headerProblem
	Errors  formErrors
	// Refused says that an import was tried and nothing was imported.
	Refused bool
	// KeptFile says that the browser still holds the chosen file: the
	// preview came through htmx, and the page around it stayed.
	KeptFile bool
	MaxMB    int64
	MaxRows  int
	Fields   []roster.Field
}

// previewView is what importing a file would do, row by row.
type previewView struct {
	FileName  string
	Format    string
	Encoding  string
	Separator string
	Columns   []string
	Ignored   []string
	Rows      []previewRow
	// Hidden counts the rows left out of the table.
	Hidden    int
	Total     int
	New       int
	Existing  int
	Skipped   int
	Errors    int
	FreeSeats int
	Problem   *message
	OK        bool
}

type previewRow struct {
	Line    int
	Outcome services.RowOutcome
	Person  roster.Person
	Errors  []cellProblem
}

// cellProblem is one bad cell: the column as the file names it and why.
type cellProblem struct {
	Column  string
	Message *message
}

// headerProblem details a header row that cannot be mapped: the required
// columns it lacks, and columns that all mean the same field.
type headerProblem struct {
	Line       int
	Missing    []roster.Field
	Duplicates []duplicateColumns
}

type duplicateColumns struct {
	Field   roster.Field
	Columns []string
}

// importTarget loads the cohort an import page is about and the limits it
// explains.
func (ui *UI) importTarget(c *gin.Context) (importPage, uint, bool) {
	id, ok := ui.pathID(c)
	if !ok {
		return importPage{}, 0, false
	}
	cohort, err := ui.svc.Cohorts.GetCohort(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		ui.fail(c, err)
		return importPage{}, 0, false
	}
	return importPage{Cohort: toCohortView(cohort), MaxMB: roster.DefaultMaxBytes >> 20, MaxRows: roster.DefaultMaxRows,
		Fields: importFields}, id, true
}

// importFields are the columns the help lists, required ones first.
var importFields = []roster.Field{roster.FieldFirstName, roster.FieldLastName, roster.FieldEmail,
	roster.FieldOrganisation, roster.FieldNetworkType, roster.FieldFederalState, roster.FieldPhone}

func (ui *UI) importPage(c *gin.Context) {
	page, _, ok := ui.importTarget(c)
	if !ok {
		return
	}
	ui.render(c, http.StatusOK, "import", page)
}

// previewImport shows what importing the uploaded file would do and
// changes nothing. It answers 200 whatever the file holds: the preview is a
// report, and htmx, which loads it into the page, swaps in only successful
// answers.
func (ui *UI) previewImport(c *gin.Context) {
	page, id, ok := ui.importTarget(c)
	if !ok {
		return
	}
	page.KeptFile = c.GetHeader("HX-Request") == "true"
	sheet, name, ok := ui.readSheet(c, &page)
	if !ok {
		return
	}
	if sheet != nil {
		preview, err := ui.svc.Enrollments.PreviewImport(c.Request.Context(), access.ActorOf(c), id, sheet)
		if err != nil {
			ui.fail(c, err)
			return
		}
		page.Preview = toPreviewView(preview, name)
	}
	ui.render(c, http.StatusOK, "import", page)
}

// commitImport imports the uploaded file: every row or, if any is wrong or
// the places do not suffice, none. A refused import shows the same preview
// as a check, with the reasons.
func (ui *UI) commitImport(c *gin.Context) {
	page, id, ok := ui.importTarget(c)
	if !ok {
		return
	}
	sheet, name, ok := ui.readSheet(c, &page)
	if !ok {
		return
	}
	if sheet == nil {
		ui.render(c, http.StatusUnprocessableEntity, "import", page)
		return
	}
	res, err := ui.svc.Enrollments.CommitImport(c.Request.Context(), access.ActorOf(c), id, sheet)
	var refused *services.ImportError
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kohorten/%d?erledigt=import&neu=%d&eingeschrieben=%d&uebersprungen=%d",
			id, res.Created, res.Enrolled, res.Skipped))
	case errors.As(err, &refused):
		page.Preview, page.Refused = toPreviewView(refused.Preview, name), true
		ui.render(c, http.StatusUnprocessableEntity, "import", page)
	case errors.Is(err, services.ErrCohortFull):
		page.Problem, page.Refused = newMessage("ErrCohortFull"), true
		ui.render(c, http.StatusConflict, "import", page)
	default:
		ui.fail(c, err)
	}
}

// readSheet reads the uploaded list. A file that cannot be read as a list
// gives a nil sheet and the reason in page; ok is false when the request
// was answered already.
func (ui *UI) readSheet(c *gin.Context, page *importPage) (sheet *roster.Sheet, name string, ok bool) {
	f, name, err := openUpload(c, importField, maxImportBody)
	switch {
	case errors.Is(err, errBodyTooLarge):
		page.Problem = newMessage("ImportTooLarge", "MB", page.MaxMB)
		return nil, "", true
	case errors.Is(err, errNoFile):
		page.Errors = formErrors{{Field: importField, Label: "FieldImportFile", Message: newMessage("ErrNoFile")}}
		return nil, "", true
	case err != nil:
		ui.renderError(c, http.StatusBadRequest, "BadRequestTitle", "BadRequestText")
		return nil, "", false
	}
	defer f.Close()
	sheet, err = ui.svc.Enrollments.ReadList(access.ActorOf(c), f, name)
	var busy *services.BusyError
	switch {
	case errors.As(err, &busy):
		c.Header("Retry-After", strconv.Itoa(errhttp.RetryAfter(err)))
		page.Problem = codeMessage(services.CodeImportBusy, nil)
		ui.render(c, http.StatusServiceUnavailable, "import", *page)
		return nil, name, false
	case errors.Is(err, services.ErrForbidden):
		ui.fail(c, err)
		return nil, name, false
	case err != nil:
		page.Problem, page.Header = parseProblem(err)
		return nil, name, true
	}
	return sheet, name, true
}

// parseProblem explains why a file cannot be read as a list, by the code
// the services give it; a header that cannot be mapped is also detailed.
func parseProblem(err error) (*message, *headerProblem) {
	msg := codeMessage(services.SheetCode(err))
	var header *roster.HeaderError
	if errors.As(err, &header) {
		return msg, toHeaderProblem(header)
	}
	return msg, nil
}

func toHeaderProblem(e *roster.HeaderError) *headerProblem {
	h := &headerProblem{Line: e.Line, Missing: e.Missing}
	for _, f := range importFields {
		if cols, ok := e.Duplicates[f]; ok {
			h.Duplicates = append(h.Duplicates, duplicateColumns{Field: f, Columns: cols})
		}
	}
	return h
}

// separatorNames name the separators of a CSV file for the preview.
var separatorNames = map[rune]string{';': "ImportSeparatorSemicolon", ',': "ImportSeparatorComma", '\t': "ImportSeparatorTab"}

func toPreviewView(p services.ImportPreview, name string) *previewView {
	v := &previewView{FileName: name, Total: len(p.Rows), New: p.New, Existing: p.Existing, Skipped: p.Skipped,
		Errors: p.Errors, FreeSeats: p.FreeSeats, OK: p.OK()}
	if s := p.Sheet; s != nil {
		v.Format, v.Encoding, v.Separator, v.Ignored = s.Format, s.Encoding, separatorNames[s.Separator], s.IgnoredColumns
		for _, f := range importFields {
			if col, ok := s.Columns[f]; ok {
				v.Columns = append(v.Columns, col)
			}
		}
	}
	switch {
	case p.Problem == nil:
	case p.Problem.Code == services.CodeCohortClosed:
		v.Problem = newMessage("ImportProblemClosed")
	default:
		v.Problem = refusalMessage(p.Problem)
	}
	v.Rows, v.Hidden = previewRows(p.Rows)
	return v
}

// previewRows picks the rows the table lists: every row with an error and,
// up to maxPreviewRows in all, the others in file order.
func previewRows(rows []services.ImportRow) ([]previewRow, int) {
	budget := maxPreviewRows
	for _, r := range rows {
		if r.Outcome == services.RowError {
			budget--
		}
	}
	out := make([]previewRow, 0, min(len(rows), maxPreviewRows))
	for _, r := range rows {
		if r.Outcome != services.RowError {
			if budget <= 0 {
				continue
			}
			budget--
		}
		row := previewRow{Line: r.Line, Outcome: r.Outcome, Person: r.Person}
		for _, e := range r.Errors {
			row.Errors = append(row.Errors, cellProblem{Column: e.Column, Message: cellMessage(e)})
		}
		out = append(out, row)
	}
	return out, len(rows) - len(out)
}

// cellMessages name the catalogue message of each code a cell's problem
// may have; they quote the value, which a form's message need not.
var cellMessages = map[string]string{
	roster.CodeRequired:            "ImportErrRequired",
	roster.CodeTooLong:             "ImportErrTooLong",
	roster.CodeDuplicateEmail:      "ImportErrDuplicate",
	roster.CodeRowMalformed:        "ImportErrMalformed",
	roster.CodeEmailInvalid:        "ImportErrEmail",
	roster.CodeNetworkTypeInvalid:  "ImportErrNetworkType",
	roster.CodeFederalStateInvalid: "ImportErrFederalState",
	roster.CodePhoneInvalid:        "ImportErrPhone",
	roster.CodeUnreadable:          "ImportErrUnreadable",
	roster.CodeControlChars:        "ImportErrControl",
	roster.CodeBidiControls:        "ImportErrBidi",
}

// cellMessage translates why a cell was refused, by its code.
func cellMessage(e roster.CellError) *message {
	id, ok := cellMessages[e.Code]
	if !ok {
		return newMessage("ErrInvalid")
	}
	return messageWith(id, services.CellParams(e))
}
