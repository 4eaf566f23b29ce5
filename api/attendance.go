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

type attendanceEntryRequest struct {
	EnrollmentID uint   `json:"enrollment_id" binding:"required,max=2147483647"`
	Status       string `json:"status" binding:"required,max=20"`
	Modality     string `json:"modality" binding:"max=20"`
	Note         string `json:"note" binding:"max=2000"`
}

type recordAttendanceRequest struct {
	Entries []attendanceEntryRequest `json:"entries" binding:"required,max=1000,dive"`
}

func (r recordAttendanceRequest) toEntries() []services.AttendanceEntry {
	out := make([]services.AttendanceEntry, len(r.Entries))
	for i, e := range r.Entries {
		out[i] = services.AttendanceEntry{EnrollmentID: e.EnrollmentID, Status: models.AttendanceStatus(e.Status),
			Modality: models.Modality(e.Modality), Note: e.Note}
	}
	return out
}

type recordAttendanceResponse struct {
	SessionID uint `json:"session_id"`
	Changed   int  `json:"changed"`
	Unchanged int  `json:"unchanged"`
}

type sessionBrief struct {
	ID        uint      `json:"id"`
	Kind      string    `json:"kind"`
	Title     string    `json:"title"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	Required  bool      `json:"required"`
	Cancelled bool      `json:"cancelled"`
}

func toSessionBriefs(ss []models.CohortSession) []sessionBrief {
	out := make([]sessionBrief, len(ss))
	for i, s := range ss {
		out[i] = sessionBrief{ID: s.ID, Kind: string(s.Kind), Title: s.Title, StartsAt: s.StartsAt, EndsAt: s.EndsAt,
			Required: s.Required, Cancelled: s.Cancelled()}
	}
	return out
}

type attendanceCellResponse struct {
	SessionID uint   `json:"session_id"`
	Expected  bool   `json:"expected"`
	Status    string `json:"status"`
	Modality  string `json:"modality"`
	Note      string `json:"note"`
}

type ruleLineResponse struct {
	Rule   string     `json:"rule"`
	State  string     `json:"state"`
	Reason string     `json:"reason"`
	Params ruleParams `json:"params"`
	Text   string     `json:"text"`
}

// ruleParams are a line's parameters: only those of its reason are set,
// in the order of their names, as a map would write them. A 500-person
// grid has some 2,000 lines, and encoding a map each was a fifth of its
// answer; the fields point at the line's own numbers.
type ruleParams struct {
	Attended  *int    `json:"attended,omitempty"`
	Date      *string `json:"date,omitempty"`
	Day       *int    `json:"day,omitempty"`
	Held      *int    `json:"held,omitempty"`
	Min       *int    `json:"min,omitempty"`
	Rate      *int    `json:"rate,omitempty"`
	Remaining *int    `json:"remaining,omitempty"`
	Share     *int    `json:"share,omitempty"`
}

func toRuleParams(l *services.RuleLine) ruleParams {
	var p ruleParams
	n := &l.Numbers
	for name := range l.EachParam() {
		switch name {
		case "attended":
			p.Attended = &n.Attended
		case "date":
			p.Date = &n.Date
		case "day":
			p.Day = &n.Day
		case "held":
			p.Held = &n.Held
		case "min":
			p.Min = &n.Min
		case "rate":
			p.Rate = &n.RateTenths
		case "remaining":
			p.Remaining = &n.Remaining
		case "share":
			p.Share = &n.ShareTenths
		}
	}
	return p
}

type attendanceCountResponse struct {
	Held       int `json:"held"`
	Attended   int `json:"attended"`
	Excused    int `json:"excused"`
	Remaining  int `json:"remaining"`
	RateTenths int `json:"rate_tenths"`
}

type eligibilityResponse struct {
	State string                  `json:"state"`
	Risk  string                  `json:"risk"`
	Count attendanceCountResponse `json:"count"`
	Lines []ruleLineResponse      `json:"lines"`
}

// lineTexts are the English texts of one answer's rule lines, each
// different line written once: a 500-person grid has some 2,000 lines
// and a few dozen different ones.
type lineTexts map[services.RuleLine]string

func (t lineTexts) of(l *services.RuleLine) string {
	text, ok := t[*l]
	if !ok {
		text = l.English()
		t[*l] = text
	}
	return text
}

func toEligibilityResponse(el services.Eligibility, texts lineTexts) eligibilityResponse {
	c := el.Count
	out := eligibilityResponse{State: string(el.State), Risk: string(el.Risk), Lines: make([]ruleLineResponse, len(el.Lines)),
		Count: attendanceCountResponse{Held: c.Held, Attended: c.Attended, Excused: c.Excused, Remaining: c.Remaining, RateTenths: c.RateTenths}}
	for i := range el.Lines {
		l := &el.Lines[i]
		out.Lines[i] = ruleLineResponse{Rule: l.Rule, State: string(l.State), Reason: string(l.Reason), Params: toRuleParams(l),
			Text: texts.of(l)}
	}
	return out
}

type attendanceRowResponse struct {
	EnrollmentID     uint                     `json:"enrollment_id"`
	ParticipantID    uint                     `json:"participant_id"`
	FirstName        string                   `json:"first_name"`
	LastName         string                   `json:"last_name"`
	EnrollmentStatus string                   `json:"enrollment_status"`
	Cells            []attendanceCellResponse `json:"cells"`
	Eligibility      eligibilityResponse      `json:"eligibility"`
}

func toAttendanceRow(r services.GridRow, texts lineTexts) attendanceRowResponse {
	out := attendanceRowResponse{EnrollmentID: r.Enrollment.ID, ParticipantID: r.Enrollment.ParticipantID,
		EnrollmentStatus: string(r.Enrollment.Status), Cells: make([]attendanceCellResponse, len(r.Cells)),
		Eligibility: toEligibilityResponse(r.Eligibility, texts)}
	if p := r.Enrollment.Participant; p != nil {
		out.FirstName, out.LastName = p.FirstName, p.LastName
	}
	for i, c := range r.Cells {
		out.Cells[i] = attendanceCellResponse{SessionID: c.SessionID, Expected: c.Expected, Status: string(c.Value.Status),
			Modality: string(c.Value.Modality), Note: c.Note}
	}
	return out
}

type attendanceGridResponse struct {
	CohortID   uint                    `json:"cohort_id"`
	CohortName string                  `json:"cohort_name"`
	Sessions   []sessionBrief          `json:"sessions"`
	Rows       []attendanceRowResponse `json:"rows"`
	AtRisk     []uint                  `json:"at_risk"`
}

func (h *handlers) attendanceGrid(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	g, err := h.svc.Attendance.Grid(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toGridResponse(g))
}

func toGridResponse(g services.AttendanceGrid) attendanceGridResponse {
	out := attendanceGridResponse{CohortID: g.Cohort.ID, CohortName: g.Cohort.Name, Sessions: toSessionBriefs(g.Sessions),
		Rows: make([]attendanceRowResponse, len(g.Rows)), AtRisk: []uint{}}
	texts := lineTexts{}
	for i, r := range g.Rows {
		out.Rows[i] = toAttendanceRow(r, texts)
	}
	for _, i := range g.AtRisk {
		out.AtRisk = append(out.AtRisk, g.Rows[i].Enrollment.ID)
	}
	return out
}

func (h *handlers) exportAttendance(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var q struct {
		Format string `form:"format" binding:"omitempty,oneof=csv xlsx"`
	}
	if !h.bindQuery(c, &q) {
		return
	}
	cohort, table, err := h.svc.Attendance.ExportTable(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		h.writeError(c, err)
		return
	}
	var buf bytes.Buffer
	lang := requestLang(c.Request)
	contentType, ext := csvType, "csv"
	if q.Format == "xlsx" {
		contentType, ext = xlsxType, "xlsx"
		err = roster.WriteAttendanceXLSX(&buf, lang, cohort.Name, table)
	} else {
		err = roster.WriteAttendanceCSV(&buf, lang, table)
	}
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.Header("Content-Disposition", roster.ContentDisposition(roster.AttendanceFileName(lang, cohort.Name), "."+ext))
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, contentType, buf.Bytes())
}

type sessionSheetRowResponse struct {
	EnrollmentID uint   `json:"enrollment_id"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name"`
	Status       string `json:"status"`
	Modality     string `json:"modality"`
	Note         string `json:"note"`
}

type sessionSheetResponse struct {
	Session sessionBrief              `json:"session"`
	Rows    []sessionSheetRowResponse `json:"rows"`
}

func (h *handlers) sessionAttendance(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	sh, err := h.svc.Attendance.Sheet(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		h.writeError(c, err)
		return
	}
	out := sessionSheetResponse{Session: toSessionBriefs([]models.CohortSession{sh.Session})[0], Rows: make([]sessionSheetRowResponse, len(sh.Rows))}
	for i, r := range sh.Rows {
		out.Rows[i] = sessionSheetRowResponse{EnrollmentID: r.Enrollment.ID, Status: string(r.Value.Status),
			Modality: string(r.Value.Modality), Note: r.Note}
		if p := r.Enrollment.Participant; p != nil {
			out.Rows[i].FirstName, out.Rows[i].LastName = p.FirstName, p.LastName
		}
	}
	c.JSON(http.StatusOK, out)
}

func (h *handlers) recordAttendance(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var req recordAttendanceRequest
	if !h.bindJSON(c, &req) {
		return
	}
	res, err := h.svc.Attendance.RecordSession(c.Request.Context(), access.ActorOf(c), id, req.toEntries())
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, recordAttendanceResponse{SessionID: id, Changed: res.Changed, Unchanged: res.Unchanged})
}

type myAttendanceResponse struct {
	CohortID   uint                  `json:"cohort_id"`
	CohortName string                `json:"cohort_name"`
	Sessions   []sessionBrief        `json:"sessions"`
	Row        attendanceRowResponse `json:"attendance"`
}

func (h *handlers) myAttendance(c *gin.Context) {
	mine, err := h.svc.Attendance.Mine(c.Request.Context(), access.ActorOf(c))
	if err != nil {
		h.writeError(c, err)
		return
	}
	items := make([]myAttendanceResponse, len(mine))
	for i, m := range mine {
		items[i] = myAttendanceResponse{CohortID: m.Cohort.ID, CohortName: m.Cohort.Name, Sessions: toSessionBriefs(m.Sessions), Row: toAttendanceRow(m.Row, lineTexts{})}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}
