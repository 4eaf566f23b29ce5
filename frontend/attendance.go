package frontend

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/nicksnyder/go-i18n/v2/i18n"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
	"kohorte/services/roster"
)

// sessionHead is a session as the grid's header and the sheet show it.
// Day, Start and End are as in Berlin.
type sessionHead struct {
	ID         uint
	Title      string
	Kind       models.SessionKind
	Day        models.Date
	Start, End string
	Required   bool
	Cancelled  bool
}

func (ui *UI) toSessionHeads(ss []models.CohortSession) []sessionHead {
	out := make([]sessionHead, len(ss))
	for i, s := range ss {
		start, end := s.StartsAt.In(ui.zone), s.EndsAt.In(ui.zone)
		out[i] = sessionHead{ID: s.ID, Title: s.Title, Kind: s.Kind, Day: models.DateOf(start),
			Start: start.Format("15:04"), End: end.Format("15:04"), Required: s.Required, Cancelled: s.Cancelled()}
	}
	return out
}

// gridCell is one cell of the grid: what it holds and what a tap sets.
// A 500-person cohort's grid has thousands of cells, so a cell is one
// button of one form, carrying what it sets in its value, and its words
// are translated once per page (L), not once per cell.
type gridCell struct {
	Expected bool
	Key      string // present_on_site, …; "none" when nothing is recorded
	Set      string // "session.enrollment.value": what a tap sets
	Note     string
	L        *cellWords
}

// cellWords are a cell's mark, its value in words (its accessible name)
// and its title, which also says what a tap sets.
type cellWords struct{ Mark, Label, Title string }

// gridWords are what the rows of one page say, translated once per page:
// the cells' words by value key ("unexpected" is a cell outside the
// person's enrollment), and the eligibility lines, of which a cohort has
// a few dozen different ones among thousands.
type gridWords struct {
	cells map[string]*cellWords
	lines *lineTexts
}

func (ui *UI) gridWords(lang string) gridWords {
	loc := ui.locs[lang]
	tr := func(id string, data map[string]any) string {
		text, err := loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
		if err != nil {
			return id
		}
		return text
	}
	words := map[string]*cellWords{"unexpected": {Mark: "–", Label: tr("AttendanceNotExpected", nil)}}
	words["unexpected"].Title = words["unexpected"].Label
	for _, v := range append([]services.AttendanceValue{{}}, services.AttendanceValues()...) {
		key, label, mark := "none", tr("AttendanceNone", nil), "·"
		if v.Status != "" {
			key, label, mark = v.Key(), tr("AttendanceValue_"+v.Key(), nil), tr("AttendanceMark_"+v.Key(), nil)
		}
		next := tr("AttendanceSetTo", map[string]any{"Value": tr("AttendanceValue_"+v.Next().Key(), nil)})
		words[key] = &cellWords{Mark: mark, Label: label, Title: label + " · " + next}
	}
	return gridWords{cells: words, lines: &lineTexts{loc: loc, mark: decimalMarks[lang], seen: map[services.RuleLine]string{}}}
}

// lineTexts translates eligibility lines, each different line once.
type lineTexts struct {
	loc  *i18n.Localizer
	mark string
	seen map[services.RuleLine]string
}

func (t *lineTexts) text(l services.RuleLine) (string, error) {
	if text, ok := t.seen[l]; ok {
		return text, nil
	}
	m := lineMessage(l, t.mark)
	text, err := t.loc.Localize(&i18n.LocalizeConfig{MessageID: m.ID, TemplateData: m.Data})
	if err != nil {
		return "", err
	}
	t.seen[l] = text
	return text, nil
}

// eligibilityView is a participant's eligibility with its lines in the
// page's language.
type eligibilityView struct {
	State    services.RuleState
	Risk     services.Risk
	Held     int
	Attended int
	Excused  int
	Rate     string
	Lines    []ruleLineView
}

type ruleLineView struct {
	State services.RuleState
	Text  string
}

type gridRowView struct {
	EnrollmentID uint
	Name         string
	Status       models.EnrollmentStatus
	Cells        []gridCell
	Eligibility  eligibilityView
}

type attendancePage struct {
	Cohort   cohortView
	Sessions []sessionHead
	Rows     []gridRowView
	AtRisk   []gridRowView
	Problem  *message
}

// decimalMarks are how each language writes the rate's decimal.
var decimalMarks = map[string]string{"de": ",", "en": "."}

// toEligibilityView translates the services' lines: the reason names the
// catalogue's message, its parameters the placeholders.
func toEligibilityView(el services.Eligibility, lines *lineTexts) (eligibilityView, error) {
	v := eligibilityView{State: el.State, Risk: el.Risk, Held: el.Count.Held, Attended: el.Count.Attended,
		Excused: el.Count.Excused, Rate: services.FormatTenths(el.Count.RateTenths, lines.mark), Lines: make([]ruleLineView, len(el.Lines))}
	for i, l := range el.Lines {
		text, err := lines.text(l)
		if err != nil {
			return v, fmt.Errorf("eligibility line %s: %w", l.Reason, err)
		}
		v.Lines[i] = ruleLineView{State: l.State, Text: text}
	}
	return v, nil
}

// lineMessage is a line as a catalogue message, the rate written with
// the language's decimal mark.
func lineMessage(l services.RuleLine, mark string) *message {
	p := services.Params{}
	for k, val := range l.EachParam() {
		if k == "rate" || k == "share" {
			val = services.FormatTenths(val.(int), mark)
		}
		p[k] = val
	}
	return messageWith(reasonMessageID(l.Reason), p)
}

// reasonMessageID is the catalogue's message of a reason:
// eligibility.attendance.met is Eligibility_attendance_met.
func reasonMessageID(r services.Reason) string {
	return "Eligibility_" + strings.ReplaceAll(strings.TrimPrefix(string(r), "eligibility."), ".", "_")
}

// CellsHTML writes a row's cells. It is the one part of a page written in
// Go rather than as a template: a 500-person grid has 6,500 cells, and
// the template's escaping calls for each cell's five values made up most
// of the page's time. Every value is escaped here as the template would
// in a double-quoted attribute or text.
func (r gridRowView) CellsHTML() template.HTML {
	var b strings.Builder
	b.Grow(len(r.Cells) * 200)
	esc := html.EscapeString
	for _, c := range r.Cells {
		if !c.Expected {
			b.WriteString(`<td><span class="att att--unexpected" role="img" aria-label="` + esc(c.L.Label) + `" title="` +
				esc(c.L.Title) + `">` + esc(c.L.Mark) + "</span></td>")
			continue
		}
		title := c.L.Title
		if c.Note != "" {
			title += " · " + c.Note
		}
		b.WriteString(`<td><button class="att-cell att--` + esc(c.Key) + `" name="cell" value="` + esc(c.Set) +
			`" aria-label="` + esc(c.L.Label) + `" title="` + esc(title) + `">` + esc(c.L.Mark) + "</button></td>")
	}
	return template.HTML(b.String()) //nolint:gosec // every value above is escaped
}

func toGridRow(r services.GridRow, words gridWords) (gridRowView, error) {
	el, err := toEligibilityView(r.Eligibility, words.lines)
	v := gridRowView{EnrollmentID: r.Enrollment.ID, Status: r.Enrollment.Status, Eligibility: el, Cells: make([]gridCell, len(r.Cells))}
	if p := r.Enrollment.Participant; p != nil {
		v.Name = p.LastName + ", " + p.FirstName
	}
	enrollment := "." + strconv.FormatUint(uint64(r.Enrollment.ID), 10) + "."
	for i, c := range r.Cells {
		if !c.Expected {
			v.Cells[i] = gridCell{L: words.cells["unexpected"]}
			continue
		}
		value, key := services.AttendanceValue{}, "none"
		if c.Recorded {
			value, key = c.Value, c.Value.Key()
		}
		v.Cells[i] = gridCell{Expected: true, Key: key, Note: c.Note, L: words.cells[key],
			Set: strconv.FormatUint(uint64(c.SessionID), 10) + enrollment + value.Next().Key()}
	}
	return v, err
}

// attendancePage shows a cohort's grid: everyone × every session, with
// rates, eligibility and who is at risk.
func (ui *UI) attendancePage(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	ui.showAttendance(c, http.StatusOK, id, nil)
}

func (ui *UI) showAttendance(c *gin.Context, status int, id uint, problem *message) {
	g, err := ui.svc.Attendance.Grid(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	words := ui.gridWords(ui.langOf(c.Request))
	page := attendancePage{Cohort: toCohortView(g.Cohort), Sessions: ui.toSessionHeads(g.Sessions), Problem: problem,
		Rows: make([]gridRowView, len(g.Rows))}
	for i, r := range g.Rows {
		if page.Rows[i], err = toGridRow(r, words); err != nil {
			ui.fail(c, err)
			return
		}
	}
	for _, i := range g.AtRisk {
		page.AtRisk = append(page.AtRisk, page.Rows[i])
	}
	ui.render(c, status, "attendance", page)
}

// cellForm is a tap on a cell of the grid: "session.enrollment.value",
// the value it sets.
type cellForm struct {
	Cell string `form:"cell" binding:"required,max=60"`
}

// parseCell reads a cell's "session.enrollment.value".
func parseCell(s string) (session, enrollment uint, value services.AttendanceValue, ok bool) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return 0, 0, value, false
	}
	ids := [2]uint{}
	for i, p := range parts[:2] {
		n, err := strconv.ParseUint(p, 10, 31)
		if err != nil || n == 0 {
			return 0, 0, value, false
		}
		ids[i] = uint(n)
	}
	value, ok = services.ParseAttendanceValue(parts[2])
	return ids[0], ids[1], value, ok
}

// setCell records one cell. The cell carries the value to set, not
// "next", so a tap sent twice sets the same value twice and changes
// nothing the second time. The page's script asks for the row alone and
// swaps it in; without script the answer is the grid at the row.
func (ui *UI) setCell(c *gin.Context) {
	id, ok := ui.pathID(c)
	var form cellForm
	if !ok || !ui.bindChoice(c, &form) {
		return
	}
	session, enrollment, value, ok := parseCell(form.Cell)
	if !ok {
		ui.renderError(c, http.StatusBadRequest, "BadRequestTitle", "BadRequestText")
		return
	}
	_, err := ui.svc.Attendance.RecordSession(c.Request.Context(), access.ActorOf(c), session, []services.AttendanceEntry{
		{EnrollmentID: enrollment, Status: value.Status, Modality: value.Modality}})
	switch {
	case err == nil && c.GetHeader("HX-Request") == "true":
		ui.showGridRow(c, id, enrollment)
	case err == nil:
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kohorten/%d/anwesenheit#z%d", id, enrollment))
	case attendanceProblem(err) != nil:
		ui.showAttendance(c, http.StatusUnprocessableEntity, id, attendanceProblem(err))
	default:
		ui.fail(c, err)
	}
}

// showGridRow answers a tap from the page's script with the row alone.
func (ui *UI) showGridRow(c *gin.Context, cohortID, enrollmentID uint) {
	g, err := ui.svc.Attendance.GridRow(c.Request.Context(), access.ActorOf(c), cohortID, enrollmentID)
	if err != nil {
		ui.fail(c, err)
		return
	}
	row, err := toGridRow(g.Rows[0], ui.gridWords(ui.langOf(c.Request)))
	if err != nil {
		ui.fail(c, err)
		return
	}
	ui.renderPart(c, http.StatusOK, "attendance", "attendance-row", row)
}

// attendanceProblem is the message of a refused recording that the page
// explains in place: a refused entry, a cancelled session, an archived
// cohort.
func attendanceProblem(err error) *message {
	var verr *services.ValidationError
	if errors.As(err, &verr) && len(verr.Fields) > 0 {
		return serviceMessage(verr.Fields[0])
	}
	return invalidAction(err)
}

func (ui *UI) attendanceCSV(c *gin.Context) {
	ui.attendanceExport(c, ".csv", csvType, func(w io.Writer, lang roster.Lang, _ string, t roster.AttendanceTable) error {
		return roster.WriteAttendanceCSV(w, lang, t)
	})
}

func (ui *UI) attendanceXLSX(c *gin.Context) {
	ui.attendanceExport(c, ".xlsx", xlsxType, roster.WriteAttendanceXLSX)
}

func (ui *UI) attendanceExport(c *gin.Context, ext, contentType string, write func(io.Writer, roster.Lang, string, roster.AttendanceTable) error) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	cohort, table, err := ui.svc.Attendance.ExportTable(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	lang := roster.Lang(ui.langOf(c.Request))
	var buf bytes.Buffer
	if err := write(&buf, lang, cohort.Name, table); err != nil {
		ui.fail(c, fmt.Errorf("attendance export: %w", err))
		return
	}
	c.Header("Content-Disposition", roster.ContentDisposition(roster.AttendanceFileName(lang, cohort.Name), ext))
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, contentType, buf.Bytes())
}

// sheetRowView is one person on a session's sheet.
type sheetRowView struct {
	EnrollmentID uint
	Name         string
	Key          string
	Note         string
}

type sessionSheetPage struct {
	Cohort   cohortView
	Session  sessionHead
	Rows     []sheetRowView
	Values   []string
	Problems []*message
	Notice   *message
}

// attendanceValues are the choices of each row of the sheet.
var attendanceValues = []string{"present_on_site", "present_remote", "absent", "excused"}

// sessionSheetPage shows one session with everyone expected at it, to take
// its attendance in one form.
func (ui *UI) sessionSheetPage(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	var notice *message
	if c.Query("erledigt") != "" {
		n, _ := strconv.Atoi(c.Query("erledigt"))
		notice = newMessage("AttendanceSaved", "Count", n)
	}
	ui.showSheet(c, http.StatusOK, id, sessionSheetPage{Notice: notice}, nil)
}

// showSheet renders the sheet; sent, when given, holds the values of a
// refused form so that nothing typed is lost.
func (ui *UI) showSheet(c *gin.Context, status int, id uint, page sessionSheetPage, sent map[uint]services.AttendanceEntry) {
	sh, err := ui.svc.Attendance.Sheet(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	page.Cohort, page.Session, page.Values = toCohortView(sh.Cohort), ui.toSessionHeads([]models.CohortSession{sh.Session})[0], attendanceValues
	for _, r := range sh.Rows {
		v := sheetRowView{EnrollmentID: r.Enrollment.ID, Note: r.Note}
		if r.Recorded {
			v.Key = r.Value.Key()
		}
		if e, ok := sent[r.Enrollment.ID]; ok {
			v.Key, v.Note = services.AttendanceValue{Status: e.Status, Modality: e.Modality}.Key(), e.Note
		}
		if p := r.Enrollment.Participant; p != nil {
			v.Name = p.LastName + ", " + p.FirstName
		}
		page.Rows = append(page.Rows, v)
	}
	ui.render(c, status, "attendance_session", page)
}

// recordSheet records the whole sheet in one request. Each row sends its
// enrollment as "enrollment", its value as "value_<id>" and its note as
// "note_<id>"; a row left without a value is left as it is.
func (ui *UI) recordSheet(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	entries, ok := ui.readAttendanceSheet(c)
	if !ok {
		return
	}
	if len(entries) == 0 {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/termine/%d/anwesenheit?erledigt=0", id))
		return
	}
	res, err := ui.svc.Attendance.RecordSession(c.Request.Context(), access.ActorOf(c), id, entries)
	if err == nil {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/termine/%d/anwesenheit?erledigt=%d", id, res.Changed))
		return
	}
	var problems []*message
	var verr *services.ValidationError
	if errors.As(err, &verr) {
		for _, f := range verr.Fields {
			problems = append(problems, serviceMessage(f))
		}
	} else if m := invalidAction(err); m != nil {
		problems = append(problems, m)
	} else {
		ui.fail(c, err)
		return
	}
	sent := make(map[uint]services.AttendanceEntry, len(entries))
	for _, e := range entries {
		sent[e.EnrollmentID] = e
	}
	ui.showSheet(c, http.StatusUnprocessableEntity, id, sessionSheetPage{Problems: problems}, sent)
}

// readAttendanceSheet reads the sheet's form; anything a browser would not send
// (a value not offered, an id that is no number) is answered with 400.
func (ui *UI) readAttendanceSheet(c *gin.Context) ([]services.AttendanceEntry, bool) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxSheetBytes)
	if err := c.Request.ParseForm(); err != nil || len(c.Request.PostForm["enrollment"]) > services.MaxSelection {
		ui.renderError(c, http.StatusBadRequest, "BadRequestTitle", "BadRequestText")
		return nil, false
	}
	form := c.Request.PostForm
	var entries []services.AttendanceEntry
	for _, raw := range form["enrollment"] {
		eid, err := strconv.ParseUint(raw, 10, 32)
		key := form.Get("value_" + raw)
		value, known := services.ParseAttendanceValue(key)
		if err != nil || eid == 0 || (key != "" && !known) || services.StorableCode(form.Get("note_"+raw)) != "" {
			ui.renderError(c, http.StatusBadRequest, "BadRequestTitle", "BadRequestText")
			return nil, false
		}
		if key == "" {
			continue
		}
		entries = append(entries, services.AttendanceEntry{EnrollmentID: uint(eid), Status: value.Status,
			Modality: value.Modality, Note: form.Get("note_" + raw)})
	}
	return entries, true
}

// myCohortView is one of the reader's cohorts with their own attendance.
type myCohortView struct {
	CohortName string
	Sessions   []sessionHead
	Row        gridRowView
}

type myAttendancePage struct {
	Cohorts []myCohortView
}

// myAttendancePage shows a participant their own attendance and where
// they stand with the certificate, per cohort; nobody else's.
func (ui *UI) myAttendancePage(c *gin.Context) {
	mine, err := ui.svc.Attendance.Mine(c.Request.Context(), access.ActorOf(c))
	if err != nil {
		ui.fail(c, err)
		return
	}
	words := ui.gridWords(ui.langOf(c.Request))
	page := myAttendancePage{}
	for _, m := range mine {
		row, err := toGridRow(m.Row, words)
		if err != nil {
			ui.fail(c, err)
			return
		}
		page.Cohorts = append(page.Cohorts, myCohortView{CohortName: m.Cohort.Name, Sessions: ui.toSessionHeads(m.Sessions), Row: row})
	}
	ui.render(c, http.StatusOK, "my_attendance", page)
}

// maxSheetBytes bounds a session's sheet: a row with a note of 500
// characters is under 2 KiB, so this holds a large cohort's sheet.
const maxSheetBytes = 1 << 20
