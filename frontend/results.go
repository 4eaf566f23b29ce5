package frontend

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/errhttp"
	"kohorte/services"
	"kohorte/services/roster"
)

// jurorSheetRow is where one juror stands with one group. State is
// submitted, draft, empty or conflicted.
type jurorSheetRow struct {
	Name    string
	State   string
	Share   float64
	SheetID uint
}

// groupResultRow is one group's line of the results page. State is
// passed, failed or pending; a pending group has no rank and no share.
type groupResultRow struct {
	ID       uint
	Name     string
	Project  string
	Members  string
	State    string
	Rank     int
	Share    float64
	Disputed bool
	// Spread is max − min share in percentage points, written in the
	// page's language.
	Spread              string
	Means               []string
	Jurors              []jurorSheetRow
	Expected, Submitted int
}

type resultsPage struct {
	Cohort        cohortView
	Aggregation   string
	SpreadLimit   int
	MinPercent    int
	Open          bool
	ReleasedAt    *time.Time
	ReleasedBy    string
	ReleaseReason string
	Expected      int
	Submitted     int
	Missing       int
	Criteria      []string
	Groups        []groupResultRow
	Release       releaseForm
	ReleaseErrs   formErrors
	ReopenErrs    formErrors
	Notice        *message
	Problem       *message
}

// releaseForm releases the results; the reason is needed only while
// sheets are missing, which the service decides.
type releaseForm struct {
	Reason string `form:"reason" label:"results_field_release_reason"`
}

var resultsNotices = map[string]string{
	"freigegeben": "results_notice_released",
	"geoeffnet":   "results_notice_reopened",
}

func toGroupResultRow(g services.GroupResult, lang roster.Lang, points func(int) string) groupResultRow {
	row := groupResultRow{ID: g.Group.ID, Name: g.Group.Name, Project: g.Group.ProjectTitle, State: "failed", Rank: g.Rank,
		Share: float64(g.ResultTenths) / 10, Disputed: g.Disputed, Spread: roster.FormatShare(lang, float64(g.SpreadTenths)/10),
		Expected: g.Expected, Submitted: g.Submitted}
	switch {
	case g.Pending:
		row.State = "pending"
	case g.Passed:
		row.State = "passed"
	}
	names := make([]string, len(g.Members))
	for i, m := range g.Members {
		names[i] = m.FirstName + " " + m.LastName
	}
	row.Members = strings.Join(names, ", ")
	for _, cm := range g.Criteria {
		if cm.Counted == 0 {
			row.Means = append(row.Means, "–")
		} else {
			row.Means = append(row.Means, points(cm.Hundredths))
		}
	}
	for _, js := range g.Jurors {
		r := jurorSheetRow{Name: js.Name, State: string(js.State), SheetID: js.SheetID, Share: float64(js.ShareTenths) / 10}
		if js.Conflicted {
			r.State = "conflicted"
		}
		row.Jurors = append(row.Jurors, r)
	}
	return row
}

// resultsPage shows a cohort's results for staff: per group its rank,
// share, criterion means and each juror's sheet, the disagreement flag,
// and the forms that reopen a sheet and release the results.
func (ui *UI) resultsPage(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	var page resultsPage
	if n, ok := resultsNotices[c.Query("erledigt")]; ok {
		page.Notice = newMessage(n)
	}
	ui.showResults(c, http.StatusOK, id, page)
}

func (ui *UI) showResults(c *gin.Context, status int, id uint, page resultsPage) {
	r, err := ui.svc.Results.Cohort(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	page.Cohort = toCohortView(r.Cohort)
	page.Aggregation, page.SpreadLimit, page.MinPercent = string(r.Jury.Aggregation), r.Jury.SpreadLimit, r.MinPercent
	page.Open = r.Jury.ScoringOpenAt != nil
	page.ReleasedAt, page.ReleasedBy, page.ReleaseReason = r.Jury.ReleasedAt, r.ReleasedBy, r.Jury.ReleaseReason
	page.Expected, page.Submitted, page.Missing = r.Expected, r.Submitted, r.Expected-r.Submitted
	for _, cr := range r.Rubric {
		page.Criteria = append(page.Criteria, cr.Name)
	}
	points, lang := ui.pointsFormatter(c), roster.Lang(ui.langOf(c.Request))
	for _, g := range r.Groups {
		page.Groups = append(page.Groups, toGroupResultRow(g, lang, points))
	}
	ui.render(c, status, "results", page)
}

// resultsProblem shows a refused release or reopening on the results
// page, or fails the request for any other error.
func (ui *UI) resultsProblem(c *gin.Context, id uint, err error, page resultsPage) {
	var refusal *services.Refusal
	if errors.As(err, &refusal) && !errors.Is(err, services.ErrNotFound) && !errors.Is(err, services.ErrForbidden) {
		page.Problem = refusalMessage(err)
		ui.showResults(c, errhttp.Status(err), id, page)
		return
	}
	ui.fail(c, err)
}

// releaseResults releases the results to the groups; before every sheet
// is in, the service asks for a reason.
func (ui *UI) releaseResults(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	var form releaseForm
	errs, ok := ui.bindFormMax(c, &form, maxReasonFormBytes)
	if !ok {
		return
	}
	var err error
	if errs == nil {
		_, err = ui.svc.Results.Release(c.Request.Context(), access.ActorOf(c), id, form.Reason)
	}
	if errs := errs.check(&form, err); errs != nil {
		ui.showResults(c, http.StatusUnprocessableEntity, id, resultsPage{Release: form, ReleaseErrs: errs})
		return
	}
	if err != nil {
		ui.resultsProblem(c, id, err, resultsPage{Release: form})
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kohorten/%d/ergebnisse?erledigt=freigegeben#freigabe", id))
}

// reopenSheet unlocks a submitted sheet for its juror, with a reason the
// service keeps in the audit log.
func (ui *UI) reopenSheet(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	sheet, ok := ui.pathNumber(c, "sheet")
	if !ok {
		return
	}
	var form struct {
		Reason string `form:"reason"`
	}
	if _, ok := ui.bindFormMax(c, &form, maxReasonFormBytes); !ok {
		return
	}
	err := ui.svc.Scoring.SheetInCohort(c.Request.Context(), access.ActorOf(c), id, sheet)
	if err == nil {
		_, err = ui.svc.Scoring.Reopen(c.Request.Context(), access.ActorOf(c), sheet, form.Reason)
	}
	var verr *services.ValidationError
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kohorten/%d/ergebnisse?erledigt=geoeffnet", id))
	case errors.As(err, &verr) && len(verr.Fields) > 0:
		// The reason belongs to one sheet's form: the summary links to it.
		field := fmt.Sprintf("reopen-%d", sheet)
		errs := formErrors{{Field: field, Label: "results_field_reopen_reason", Message: serviceMessage(verr.Fields[0])}}
		ui.showResults(c, http.StatusUnprocessableEntity, id, resultsPage{ReopenErrs: errs})
	default:
		ui.resultsProblem(c, id, err, resultsPage{})
	}
}

func (ui *UI) resultsCSV(c *gin.Context)  { ui.resultsExport(c, false) }
func (ui *UI) resultsXLSX(c *gin.Context) { ui.resultsExport(c, true) }

// resultsExport sends the results as CSV or XLSX, headed in the page's
// language: each counted sheet by juror and criterion, then each group's
// result. Everything that can refuse is read before the first byte; a
// failure after it breaks the connection, so that no half file is kept.
func (ui *UI) resultsExport(c *gin.Context, xlsx bool) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	cohort, table, err := ui.svc.Results.ExportTable(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	lang := roster.Lang(ui.langOf(c.Request))
	ext, contentType := ".csv", csvType
	if xlsx {
		ext, contentType = ".xlsx", xlsxType
	}
	c.Header("Content-Disposition", roster.ContentDisposition(roster.ResultsFileName(lang, cohort.Name), ext))
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Type", contentType)
	c.Status(http.StatusOK)
	if xlsx {
		err = roster.WriteResultsXLSX(c.Writer, lang, cohort.Name, table)
	} else {
		err = roster.WriteResultsCSV(c.Writer, lang, table)
	}
	switch {
	case err == nil:
	case !c.Writer.Written():
		c.Writer.Header().Del("Content-Disposition")
		c.Writer.Header().Del("Content-Type")
		ui.fail(c, fmt.Errorf("results export of cohort %d: %w", id, err))
	default:
		ui.log.WarnContext(c.Request.Context(), "export broke off after it began", "route", c.FullPath(),
			"request_id", access.ActorOf(c).RequestID, "cohort", id, "err", err)
		panic(http.ErrAbortHandler)
	}
}
