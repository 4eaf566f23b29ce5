package frontend

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
)

// sessionRow is one session as the schedule shows it, in Berlin time.
type sessionRow struct {
	ID           uint
	CohortID     uint
	CohortName   string
	Kind         models.SessionKind
	Title        string
	Date         models.Date
	Start, End   string
	Location     string
	OnlineURL    string
	Units        int
	Required     bool
	Cancelled    bool
	CancelReason string
}

func toSessionRow(s models.CohortSession) sessionRow {
	start, end := s.StartsAt.In(services.Berlin), s.EndsAt.In(services.Berlin)
	row := sessionRow{ID: s.ID, CohortID: s.CohortID, Kind: s.Kind, Title: s.Title, Date: models.DateOf(start),
		Start: start.Format("15:04"), End: end.Format("15:04"), Location: s.Location, OnlineURL: s.OnlineURL,
		Units: s.Units, Required: s.Required, Cancelled: s.Cancelled(), CancelReason: s.CancelReason}
	if s.Cohort != nil {
		row.CohortName = s.Cohort.Name
	}
	return row
}

func toSessionRows(ss []models.CohortSession) []sessionRow {
	rows := make([]sessionRow, len(ss))
	for i, s := range ss {
		rows[i] = toSessionRow(s)
	}
	return rows
}

// sessionForm is a session as its form sends it: a Berlin day with the
// start and end times of that day.
type sessionForm struct {
	Kind      string `form:"kind" label:"FieldSessionKind"`
	Title     string `form:"title" label:"FieldSessionTitle"`
	Date      string `form:"date" label:"FieldSessionDate"`
	Start     string `form:"starts_at" label:"FieldStartTime"`
	End       string `form:"ends_at" label:"FieldEndTime"`
	Location  string `form:"location" label:"FieldLocation"`
	OnlineURL string `form:"online_url" label:"FieldOnlineURL"`
	Units     string `form:"units" label:"FieldUnits"`
	Required  string `form:"required" label:"FieldRequired"`
}

func toSessionForm(s models.CohortSession) sessionForm {
	r := toSessionRow(s)
	f := sessionForm{Kind: string(s.Kind), Title: s.Title, Date: isoDate(r.Date), Start: r.Start, End: r.End,
		Location: s.Location, OnlineURL: s.OnlineURL, Units: strconv.Itoa(s.Units)}
	if s.Required {
		f.Required = "1"
	}
	return f
}

// toInput reads the form; a day or time that does not parse is reported
// here and leaves the instant zero, which the service then names too.
func (f sessionForm) toInput(r *formReader) services.SessionInput {
	day := r.date("date", f.Date)
	in := services.SessionInput{Kind: models.SessionKind(f.Kind), Title: f.Title, Location: f.Location, OnlineURL: f.OnlineURL,
		Units: r.optional("units", f.Units)}
	required := f.Required == "1"
	in.Required = &required
	at := func(field, raw string) time.Time {
		if strings.TrimSpace(raw) == "" || day.IsZero() {
			return time.Time{}
		}
		m, ok := services.ParseClock(raw)
		if !ok {
			r.errs = append(r.errs, fieldError{Field: field, Label: labelOfForm(r.form, field), Message: codeMessage(services.CodeScheduleTimeInvalid, nil)})
			return time.Time{}
		}
		return services.BerlinAt(day, m)
	}
	in.StartsAt, in.EndsAt = at("starts_at", f.Start), at("ends_at", f.End)
	if day.IsZero() && r.errs.For("date") == nil {
		r.errs = append(r.errs, fieldError{Field: "date", Label: "FieldSessionDate", Message: codeMessage(services.CodeRequired, nil)})
	}
	return in
}

// sessionFields is what the part "session-fields" draws.
type sessionFields struct {
	Form   sessionForm
	Errors formErrors
	Kinds  []string
}

func newSessionFields(form sessionForm, errs formErrors) sessionFields {
	kinds := make([]string, 0, 4)
	for _, k := range models.SessionKinds() {
		kinds = append(kinds, string(k))
	}
	return sessionFields{Form: form, Errors: errs, Kinds: kinds}
}

// templateForm lays out a schedule from the course's template.
type templateForm struct {
	Weekday   string `form:"webinar_weekday" label:"FieldWebinarWeekday"`
	Start     string `form:"webinar_start" label:"FieldWebinarStart"`
	End       string `form:"webinar_end" label:"FieldWebinarEnd"`
	Mentoring string `form:"mentoring_slots" label:"FieldMentoringSlots"`
	OnlineURL string `form:"online_url" label:"FieldOnlineURL"`
}

func defaultTemplateForm() templateForm {
	d := services.DefaultScheduleTemplate()
	return templateForm{Weekday: strconv.Itoa(int(d.WebinarWeekday)), Start: d.WebinarStart, End: d.WebinarEnd, Mentoring: "0"}
}

func (f templateForm) toTemplate(r *formReader) services.ScheduleTemplate {
	return services.ScheduleTemplate{WebinarWeekday: time.Weekday(r.required("webinar_weekday", f.Weekday)),
		WebinarStart: f.Start, WebinarEnd: f.End, MentoringSlots: r.required("mentoring_slots", f.Mentoring), OnlineURL: f.OnlineURL}
}

// cloneForm names a clone and its start.
type cloneForm struct {
	Name      string `form:"name" label:"FieldCohortName"`
	StartDate string `form:"start_date" label:"FieldStartDate"`
}

// sessionTable is what the part "session-table" draws; Staff links each
// session to its edit page.
type sessionTable struct {
	Rows  []sessionRow
	Staff bool
}

// calendarBox is what the part "calendar-link" draws: a feed and the
// address its forms post to.
type calendarBox struct {
	View   calendarView
	Action string
}

// calendarView is a private feed's state; URL only right after opening.
type calendarView struct {
	Active    bool
	CreatedAt time.Time
	URL       string
}

func toCalendarView(c *gin.Context, l services.CalendarLink) calendarView {
	v := calendarView{Active: l.Active, CreatedAt: l.CreatedAt}
	if l.Token != "" {
		v.URL = access.PublicURL(c, "/api/v1/calendars/"+l.Token+".ics")
	}
	return v
}

// schedulePage is a cohort's sessions with the forms that plan them.
type schedulePage struct {
	Cohort       cohortView
	Sessions     []sessionRow
	New          sessionFields
	Template     templateForm
	TemplateErrs formErrors
	Clone        cloneForm
	CloneErrs    formErrors
	Calendar     calendarView
	Weekdays     []option
	Table        sessionTable
	CalendarBox  calendarBox
	Notice       *message
	Problem      *message
	// Open names the folded section to show open.
	Open string
}

var scheduleNotices = map[string]string{
	"angelegt":    "SessionCreated",
	"vorlage":     "ScheduleLaidOut",
	"gespeichert": "SessionSaved",
	"abgesagt":    "SessionCancelledNotice",
	"widerrufen":  "CalendarRevoked",
}

func (ui *UI) schedulePage(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	page := schedulePage{}
	if n, ok := scheduleNotices[c.Query("erledigt")]; ok {
		page.Notice = newMessage(n)
	}
	ui.showSchedule(c, http.StatusOK, id, page)
}

// showSchedule loads the cohort's schedule and feed and renders the page
// around what page holds already.
func (ui *UI) showSchedule(c *gin.Context, status int, id uint, page schedulePage) {
	ctx, actor := c.Request.Context(), access.ActorOf(c)
	sched, err := ui.svc.Schedule.ListSessions(ctx, actor, id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	link, err := ui.svc.Schedule.CohortCalendar(ctx, actor, id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	page.Cohort, page.Sessions = toCohortView(sched.Cohort), toSessionRows(sched.Sessions)
	if page.Calendar.URL == "" {
		page.Calendar = toCalendarView(c, link)
	}
	if page.New.Kinds == nil {
		page.New = newSessionFields(sessionForm{Kind: string(models.SessionWebinar), Required: "1", Location: sched.Cohort.Venue}, nil)
	}
	if page.Template == (templateForm{}) {
		page.Template = defaultTemplateForm()
	}
	page.Weekdays = weekdayOptions()
	page.Table = sessionTable{Rows: page.Sessions, Staff: true}
	page.CalendarBox = calendarBox{View: page.Calendar, Action: fmt.Sprintf("/kohorten/%d/termine/kalender", id)}
	ui.render(c, status, "schedule", page)
}

// weekdayOptions are the days of the week, Monday first, by their numbers
// (0 is Sunday); the template translates them.
func weekdayOptions() []option {
	var out []option
	for _, d := range []int{1, 2, 3, 4, 5, 6, 0} {
		out = append(out, option{Value: strconv.Itoa(d)})
	}
	return out
}

func (ui *UI) createSession(c *gin.Context) {
	id, ok := ui.pathID(c)
	var form sessionForm
	errs, bound := ui.bindForm(c, &form)
	if !ok || !bound {
		return
	}
	r := formReader{form: &form, errs: errs}
	in := form.toInput(&r)
	if r.errs != nil {
		r.errs = r.errs.check(&form, in.Check())
	} else {
		_, err := ui.svc.Schedule.CreateSession(c.Request.Context(), access.ActorOf(c), id, in)
		if err == nil {
			c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kohorten/%d/termine?erledigt=angelegt", id))
			return
		}
		if m := invalidAction(err); m != nil {
			ui.showSchedule(c, http.StatusConflict, id, schedulePage{Problem: m})
			return
		}
		if r.errs = serviceFieldErrors(&form, err); r.errs == nil {
			ui.fail(c, err)
			return
		}
	}
	ui.showSchedule(c, http.StatusUnprocessableEntity, id, schedulePage{New: newSessionFields(form, r.errs), Open: "neu"})
}

func (ui *UI) layOutSchedule(c *gin.Context) {
	id, ok := ui.pathID(c)
	var form templateForm
	errs, bound := ui.bindForm(c, &form)
	if !ok || !bound {
		return
	}
	r := formReader{form: &form, errs: errs}
	tpl := form.toTemplate(&r)
	if r.errs == nil {
		_, err := ui.svc.Schedule.LayOutSchedule(c.Request.Context(), access.ActorOf(c), id, tpl)
		if err == nil {
			c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kohorten/%d/termine?erledigt=vorlage", id))
			return
		}
		if m := refusalOf(err); m != nil {
			ui.showSchedule(c, http.StatusConflict, id, schedulePage{Problem: m})
			return
		}
		if r.errs = serviceFieldErrors(&form, err); r.errs == nil {
			ui.fail(c, err)
			return
		}
	}
	ui.showSchedule(c, http.StatusUnprocessableEntity, id, schedulePage{Template: form, TemplateErrs: r.errs, Open: "vorlage"})
}

// refusalOf is the message of a refused action or conflict, else nil.
func refusalOf(err error) *message {
	if m := invalidAction(err); m != nil {
		return m
	}
	if services.KindOf(err) == services.CodeConflict {
		return refusalMessage(err)
	}
	return nil
}

func (ui *UI) cloneCohort(c *gin.Context) {
	id, ok := ui.pathID(c)
	var form cloneForm
	errs, bound := ui.bindForm(c, &form)
	if !ok || !bound {
		return
	}
	r := formReader{form: &form, errs: errs}
	in := services.CloneInput{Name: form.Name, StartDate: r.date("start_date", form.StartDate)}
	if r.errs == nil {
		cohort, err := ui.svc.Schedule.CloneCohort(c.Request.Context(), access.ActorOf(c), id, in)
		if err == nil {
			c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kohorten/%d/termine?erledigt=angelegt", cohort.ID))
			return
		}
		if r.errs = serviceFieldErrors(&form, err); r.errs == nil {
			ui.fail(c, err)
			return
		}
	}
	ui.showSchedule(c, http.StatusUnprocessableEntity, id, schedulePage{Clone: form, CloneErrs: r.errs, Open: "kopieren"})
}

func (ui *UI) openCohortCalendar(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	link, err := ui.svc.Schedule.OpenCohortCalendar(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	// The address is shown once, on this answer, as only its hash is kept.
	ui.showSchedule(c, http.StatusOK, id, schedulePage{Calendar: toCalendarView(c, link), Notice: newMessage("CalendarOpened")})
}

func (ui *UI) revokeCohortCalendar(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	if err := ui.svc.Schedule.RevokeCohortCalendar(c.Request.Context(), access.ActorOf(c), id); err != nil {
		ui.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kohorten/%d/termine?erledigt=widerrufen", id))
}

// sessionPage edits one session and offers to cancel it.
type sessionPage struct {
	Session    sessionRow
	Edit       sessionFields
	Reason     string
	ReasonErrs formErrors
	Problem    *message
}

func (ui *UI) sessionPage(c *gin.Context) {
	if id, ok := ui.pathID(c); ok {
		ui.showSession(c, http.StatusOK, id, sessionPage{})
	}
}

func (ui *UI) showSession(c *gin.Context, status int, id uint, page sessionPage) {
	s, err := ui.svc.Schedule.GetSession(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	page.Session = toSessionRow(s)
	if page.Edit.Kinds == nil {
		page.Edit = newSessionFields(toSessionForm(s), nil)
	}
	ui.render(c, status, "session", page)
}

func (ui *UI) updateSession(c *gin.Context) {
	id, ok := ui.pathID(c)
	var form sessionForm
	errs, bound := ui.bindForm(c, &form)
	if !ok || !bound {
		return
	}
	r := formReader{form: &form, errs: errs}
	in := form.toInput(&r)
	if r.errs != nil {
		r.errs = r.errs.check(&form, in.Check())
	} else {
		s, err := ui.svc.Schedule.UpdateSession(c.Request.Context(), access.ActorOf(c), id, in)
		if err == nil {
			c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kohorten/%d/termine?erledigt=gespeichert", s.CohortID))
			return
		}
		if m := invalidAction(err); m != nil {
			ui.showSession(c, http.StatusConflict, id, sessionPage{Problem: m})
			return
		}
		if r.errs = serviceFieldErrors(&form, err); r.errs == nil {
			ui.fail(c, err)
			return
		}
	}
	ui.showSession(c, http.StatusUnprocessableEntity, id, sessionPage{Edit: newSessionFields(form, r.errs)})
}

type cancelForm struct {
	Reason string `form:"reason" label:"FieldCancelReason"`
}

func (ui *UI) cancelSession(c *gin.Context) {
	id, ok := ui.pathID(c)
	var form cancelForm
	errs, bound := ui.bindForm(c, &form)
	if !ok || !bound {
		return
	}
	if errs == nil {
		s, err := ui.svc.Schedule.CancelSession(c.Request.Context(), access.ActorOf(c), id, form.Reason)
		if err == nil {
			c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kohorten/%d/termine?erledigt=abgesagt", s.CohortID))
			return
		}
		if m := invalidAction(err); m != nil {
			ui.showSession(c, http.StatusConflict, id, sessionPage{Problem: m})
			return
		}
		if errs = serviceFieldErrors(&form, err); errs == nil {
			ui.fail(c, err)
			return
		}
	}
	ui.showSession(c, http.StatusUnprocessableEntity, id, sessionPage{Reason: form.Reason, ReasonErrs: errs})
}

// mySchedule reads the reader's own sessions and feed for their page.
func (ui *UI) mySchedule(c *gin.Context, actor services.Actor) ([]sessionRow, calendarView, error) {
	ss, err := ui.svc.Schedule.MySchedule(c.Request.Context(), actor)
	if err != nil {
		return nil, calendarView{}, err
	}
	link, err := ui.svc.Schedule.MyCalendar(c.Request.Context(), actor)
	if services.KindOf(err) == services.CodeNotFound {
		// An account without a participant has no feed to offer.
		return toSessionRows(ss), calendarView{}, nil
	}
	return toSessionRows(ss), toCalendarView(c, link), err
}

func (ui *UI) openMyCalendar(c *gin.Context) {
	actor := access.ActorOf(c)
	link, err := ui.svc.Schedule.OpenMyCalendar(c.Request.Context(), actor)
	if err != nil {
		ui.fail(c, err)
		return
	}
	ui.showMyCourses(c, toCalendarView(c, link), newMessage("CalendarOpened"))
}

func (ui *UI) revokeMyCalendar(c *gin.Context) {
	if err := ui.svc.Schedule.RevokeMyCalendar(c.Request.Context(), access.ActorOf(c)); err != nil {
		ui.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/meine-kurse?erledigt=widerrufen")
}
