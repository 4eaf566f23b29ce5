package frontend

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

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

// gridCell is one cell of the grid: what it holds and what a click sets.
type gridCell struct {
	SessionID uint
	Expected  bool
	Recorded  bool
	Key       string // present_on_site, …; "" when nothing is recorded
	Next      string
	Note      string
}

// eligibilityView is a participant's eligibility with its lines as
// messages of the page's language.
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
	Text  *message
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

// toEligibilityView turns the services' lines into catalogue messages:
// the reason names the message, its parameters its placeholders; the rate
// is written with the language's decimal mark.
func toEligibilityView(el services.Eligibility, lang string) eligibilityView {
	mark := decimalMarks[lang]
	v := eligibilityView{State: el.State, Risk: el.Risk, Held: el.Count.Held, Attended: el.Count.Attended,
		Excused: el.Count.Excused, Rate: services.FormatTenths(el.Count.RateTenths, mark)}
	for _, l := range el.Lines {
		p := services.Params{}
		for k, val := range l.Params {
			if k == "rate" || k == "share" {
				val = services.FormatTenths(val.(int), mark)
			}
			p[k] = val
		}
		v.Lines = append(v.Lines, ruleLineView{State: l.State, Text: messageWith(reasonMessageID(l.Reason), p)})
	}
	return v
}

// reasonMessageID is the catalogue's message of a reason:
// eligibility.attendance.met is Eligibility_attendance_met.
func reasonMessageID(r services.Reason) string {
	return "Eligibility_" + strings.ReplaceAll(strings.TrimPrefix(string(r), "eligibility."), ".", "_")
}

func toGridRow(r services.GridRow, lang string) gridRowView {
	v := gridRowView{EnrollmentID: r.Enrollment.ID, Status: r.Enrollment.Status,
		Eligibility: toEligibilityView(r.Eligibility, lang)}
	if p := r.Enrollment.Participant; p != nil {
		v.Name = p.LastName + ", " + p.FirstName
	}
	for _, c := range r.Cells {
		cell := gridCell{SessionID: c.SessionID, Expected: c.Expected, Recorded: c.Recorded, Note: c.Note}
		value := services.AttendanceValue{}
		if c.Recorded {
			value, cell.Key = c.Value, c.Value.Key()
		}
		cell.Next = value.Next().Key()
		v.Cells = append(v.Cells, cell)
	}
	return v
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
	lang := ui.langOf(c.Request)
	page := attendancePage{Cohort: toCohortView(g.Cohort), Sessions: ui.toSessionHeads(g.Sessions), Problem: problem}
	for _, r := range g.Rows {
		page.Rows = append(page.Rows, toGridRow(r, lang))
	}
	for _, i := range g.AtRisk {
		page.AtRisk = append(page.AtRisk, page.Rows[i])
	}
	ui.render(c, status, "attendance", page)
}

// cellForm is a click on a cell of the grid: the value it sets.
type cellForm struct {
	Session    uint   `form:"session" binding:"required,min=1,max=2147483647"`
	Enrollment uint   `form:"enrollment" binding:"required,min=1,max=2147483647"`
	Value      string `form:"value" binding:"required,oneof=present_on_site present_remote absent excused"`
}

// setCell records one cell and returns to the grid at its row. The form
// carries the value to set, not "next", so a click sent twice sets the
// same value twice and changes nothing the second time.
func (ui *UI) setCell(c *gin.Context) {
	id, ok := ui.pathID(c)
	var form cellForm
	if !ok || !ui.bindChoice(c, &form) {
		return
	}
	value, _ := services.ParseAttendanceValue(form.Value)
	_, err := ui.svc.Attendance.RecordSession(c.Request.Context(), access.ActorOf(c), form.Session, []services.AttendanceEntry{
		{EnrollmentID: form.Enrollment, Status: value.Status, Modality: value.Modality}})
	if err == nil {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kohorten/%d/anwesenheit#z%d", id, form.Enrollment))
		return
	}
	if m := attendanceProblem(err); m != nil {
		ui.showAttendance(c, http.StatusUnprocessableEntity, id, m)
		return
	}
	ui.fail(c, err)
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
	lang := ui.langOf(c.Request)
	page := myAttendancePage{}
	for _, m := range mine {
		page.Cohorts = append(page.Cohorts, myCohortView{CohortName: m.Cohort.Name, Sessions: ui.toSessionHeads(m.Sessions), Row: toGridRow(m.Row, lang)})
	}
	ui.render(c, http.StatusOK, "my_attendance", page)
}

// maxSheetBytes bounds a session's sheet: a row with a note of 500
// characters is under 2 KiB, so this holds a large cohort's sheet.
const maxSheetBytes = 1 << 20
