package api

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
)

// cohortSessionRequest creates a session; times are RFC 3339 instants, such as
// 2023-03-15T10:00:00+01:00 for 10:00 in Berlin.
type cohortSessionRequest struct {
	Kind      string     `json:"kind" binding:"required,oneof=kickoff webinar mentoring closing"`
	Title     string     `json:"title" binding:"required,max=200"`
	StartsAt  *time.Time `json:"starts_at" binding:"required"`
	EndsAt    *time.Time `json:"ends_at" binding:"required"`
	Location  string     `json:"location" binding:"max=300"`
	OnlineURL string     `json:"online_url" binding:"max=500"`
	Required  *bool      `json:"required"`
	Units     *int       `json:"units" binding:"omitempty,gte=0,lte=40"`
}

func (r cohortSessionRequest) toInput() services.SessionInput {
	in := services.SessionInput{Kind: models.SessionKind(r.Kind), Title: r.Title, Location: r.Location,
		OnlineURL: r.OnlineURL, Required: r.Required, Units: r.Units}
	if r.StartsAt != nil {
		in.StartsAt = *r.StartsAt
	}
	if r.EndsAt != nil {
		in.EndsAt = *r.EndsAt
	}
	return in
}

// sessionPatchRequest changes the fields it names.
type sessionPatchRequest struct {
	Kind      *string    `json:"kind" binding:"omitempty,oneof=kickoff webinar mentoring closing"`
	Title     *string    `json:"title" binding:"omitempty,max=200"`
	StartsAt  *time.Time `json:"starts_at"`
	EndsAt    *time.Time `json:"ends_at"`
	Location  *string    `json:"location" binding:"omitempty,max=300"`
	OnlineURL *string    `json:"online_url" binding:"omitempty,max=500"`
	Required  *bool      `json:"required"`
	Units     *int       `json:"units" binding:"omitempty,gte=0,lte=40"`
}

func (r sessionPatchRequest) toPatch() services.SessionPatch {
	p := services.SessionPatch{Title: r.Title, StartsAt: r.StartsAt, EndsAt: r.EndsAt, Location: r.Location,
		OnlineURL: r.OnlineURL, Required: r.Required, Units: r.Units}
	if r.Kind != nil {
		k := models.SessionKind(*r.Kind)
		p.Kind = &k
	}
	return p
}

type cohortSessionResponse struct {
	ID           uint       `json:"id"`
	CohortID     uint       `json:"cohort_id"`
	Kind         string     `json:"kind"`
	Title        string     `json:"title"`
	StartsAt     time.Time  `json:"starts_at"`
	EndsAt       time.Time  `json:"ends_at"`
	Location     string     `json:"location"`
	OnlineURL    string     `json:"online_url"`
	Required     bool       `json:"required"`
	Units        int        `json:"units"`
	Cancelled    bool       `json:"cancelled"`
	CancelledAt  *time.Time `json:"cancelled_at"`
	CancelReason string     `json:"cancel_reason"`
	Sequence     int        `json:"sequence"`
}

// toCohortSessionResponse shows times in Berlin, where the sessions take place.
func toCohortSessionResponse(s models.CohortSession) cohortSessionResponse {
	r := cohortSessionResponse{ID: s.ID, CohortID: s.CohortID, Kind: string(s.Kind), Title: s.Title,
		StartsAt: s.StartsAt.In(services.Berlin), EndsAt: s.EndsAt.In(services.Berlin), Location: s.Location,
		OnlineURL: s.OnlineURL, Required: s.Required, Units: s.Units, Cancelled: s.Cancelled(),
		CancelReason: s.CancelReason, Sequence: s.Sequence}
	if s.CancelledAt != nil {
		t := s.CancelledAt.In(services.Berlin)
		r.CancelledAt = &t
	}
	return r
}

func toSessionItems(ss []models.CohortSession) gin.H {
	items := make([]cohortSessionResponse, len(ss))
	for i, s := range ss {
		items[i] = toCohortSessionResponse(s)
	}
	return gin.H{"items": items}
}

func (h *handlers) listSessions(c *gin.Context) {
	if id, ok := h.pathID(c); ok {
		sched, err := h.svc.Schedule.ListSessions(c.Request.Context(), access.ActorOf(c), id)
		h.respondSessions(c, http.StatusOK, sched.Sessions, err)
	}
}

func (h *handlers) respondSessions(c *gin.Context, status int, ss []models.CohortSession, err error) {
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(status, toSessionItems(ss))
}

func (h *handlers) respondSession(c *gin.Context, status int, s models.CohortSession, err error) {
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(status, toCohortSessionResponse(s))
}

func (h *handlers) createSession(c *gin.Context) {
	id, ok := h.pathID(c)
	var req cohortSessionRequest
	if !ok || !h.bindJSON(c, &req) {
		return
	}
	s, err := h.svc.Schedule.CreateSession(c.Request.Context(), access.ActorOf(c), id, req.toInput())
	if err == nil {
		c.Header("Location", apiPath("/api/v1/sessions/%d", s.ID))
	}
	h.respondSession(c, http.StatusCreated, s, err)
}

func (h *handlers) getSession(c *gin.Context) {
	if id, ok := h.pathID(c); ok {
		s, err := h.svc.Schedule.GetSession(c.Request.Context(), access.ActorOf(c), id)
		h.respondSession(c, http.StatusOK, s, err)
	}
}

func (h *handlers) patchSession(c *gin.Context) {
	id, ok := h.pathID(c)
	var req sessionPatchRequest
	if !ok || !h.bindJSON(c, &req) {
		return
	}
	s, err := h.svc.Schedule.PatchSession(c.Request.Context(), access.ActorOf(c), id, req.toPatch())
	h.respondSession(c, http.StatusOK, s, err)
}

type cancelRequest struct {
	Reason string `json:"reason" binding:"required,max=1000"`
}

func (h *handlers) cancelSession(c *gin.Context) {
	id, ok := h.pathID(c)
	var req cancelRequest
	if !ok || !h.bindJSON(c, &req) {
		return
	}
	s, err := h.svc.Schedule.CancelSession(c.Request.Context(), access.ActorOf(c), id, req.Reason)
	h.respondSession(c, http.StatusOK, s, err)
}

// scheduleRequest lays out a schedule from the course's template; every
// field left out takes the default (webinars on Wednesday, 10:00–11:30,
// no mentoring slots).
type scheduleRequest struct {
	WebinarWeekday *int    `json:"webinar_weekday" binding:"omitempty,gte=0,lte=6"`
	WebinarStart   *string `json:"webinar_start" binding:"omitempty,max=5"`
	WebinarEnd     *string `json:"webinar_end" binding:"omitempty,max=5"`
	MentoringSlots int     `json:"mentoring_slots" binding:"gte=0,lte=100"`
	OnlineURL      string  `json:"online_url" binding:"max=500"`
}

func (r *scheduleRequest) toTemplate() services.ScheduleTemplate {
	tpl := services.DefaultScheduleTemplate()
	if r == nil {
		return tpl
	}
	if r.WebinarWeekday != nil {
		tpl.WebinarWeekday = time.Weekday(*r.WebinarWeekday)
	}
	if r.WebinarStart != nil {
		tpl.WebinarStart = *r.WebinarStart
	}
	if r.WebinarEnd != nil {
		tpl.WebinarEnd = *r.WebinarEnd
	}
	tpl.MentoringSlots, tpl.OnlineURL = r.MentoringSlots, r.OnlineURL
	return tpl
}

func (h *handlers) layOutSchedule(c *gin.Context) {
	id, ok := h.pathID(c)
	var req scheduleRequest
	if !ok || !h.bindJSON(c, &req) {
		return
	}
	sched, err := h.svc.Schedule.LayOutSchedule(c.Request.Context(), access.ActorOf(c), id, req.toTemplate())
	h.respondSessions(c, http.StatusCreated, sched.Sessions, err)
}

type cloneRequest struct {
	Name      string       `json:"name" binding:"required,max=100"`
	StartDate *models.Date `json:"start_date" binding:"required"`
}

func (h *handlers) cloneCohort(c *gin.Context) {
	id, ok := h.pathID(c)
	var req cloneRequest
	if !ok || !h.bindJSON(c, &req) {
		return
	}
	in := services.CloneInput{Name: req.Name}
	if req.StartDate != nil {
		in.StartDate = *req.StartDate
	}
	cohort, err := h.svc.Schedule.CloneCohort(c.Request.Context(), access.ActorOf(c), id, in)
	if err == nil {
		c.Header("Location", apiPath("/api/v1/cohorts/%d", cohort.ID))
	}
	h.respondCohort(c, http.StatusCreated, cohort, err)
}

// calendarResponse is the state of a private feed; url only in the answer
// that opened it, as the token is stored only as a hash.
type calendarResponse struct {
	Active    bool       `json:"active"`
	CreatedAt *time.Time `json:"created_at"`
	URL       string     `json:"url,omitempty"`
}

func (h *handlers) respondCalendar(c *gin.Context, status int, link services.CalendarLink, err error) {
	if err != nil {
		h.writeError(c, err)
		return
	}
	r := calendarResponse{Active: link.Active}
	if link.Active {
		t := link.CreatedAt.In(services.Berlin)
		r.CreatedAt = &t
	}
	if link.Token != "" {
		r.URL = CalendarURL(c, link.Token)
	}
	c.JSON(status, r)
}

// CalendarURL is the public address of the feed a token opens.
func CalendarURL(c *gin.Context, token string) string {
	return access.PublicURL(c, "/api/v1/calendars/"+token+".ics")
}

func (h *handlers) cohortCalendar(c *gin.Context) {
	if id, ok := h.pathID(c); ok {
		link, err := h.svc.Schedule.CohortCalendar(c.Request.Context(), access.ActorOf(c), id)
		h.respondCalendar(c, http.StatusOK, link, err)
	}
}

func (h *handlers) openCohortCalendar(c *gin.Context) {
	if id, ok := h.pathID(c); ok {
		link, err := h.svc.Schedule.OpenCohortCalendar(c.Request.Context(), access.ActorOf(c), id)
		h.respondCalendar(c, http.StatusOK, link, err)
	}
}

func (h *handlers) revokeCohortCalendar(c *gin.Context) {
	if id, ok := h.pathID(c); ok {
		h.respondNoContent(c, h.svc.Schedule.RevokeCohortCalendar(c.Request.Context(), access.ActorOf(c), id))
	}
}

func (h *handlers) respondNoContent(c *gin.Context, err error) {
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *handlers) mySessions(c *gin.Context) {
	ss, err := h.svc.Schedule.MySchedule(c.Request.Context(), access.ActorOf(c))
	h.respondSessions(c, http.StatusOK, ss, err)
}

func (h *handlers) myCalendar(c *gin.Context) {
	link, err := h.svc.Schedule.MyCalendar(c.Request.Context(), access.ActorOf(c))
	h.respondCalendar(c, http.StatusOK, link, err)
}

func (h *handlers) openMyCalendar(c *gin.Context) {
	link, err := h.svc.Schedule.OpenMyCalendar(c.Request.Context(), access.ActorOf(c))
	h.respondCalendar(c, http.StatusOK, link, err)
}

func (h *handlers) revokeMyCalendar(c *gin.Context) {
	h.respondNoContent(c, h.svc.Schedule.RevokeMyCalendar(c.Request.Context(), access.ActorOf(c)))
}

// calendarFeed answers a private feed to whoever holds its token: calendar
// apps send no login. The UIDs name the public host, or "kohorte" when no
// base URL is set, so that they stay the same however the feed is reached.
func (h *handlers) calendarFeed(c *gin.Context) {
	token := strings.TrimSuffix(c.Param("token"), ".ics")
	feed, err := h.svc.Schedule.Feed(c.Request.Context(), token, h.calendarDomain())
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "text/calendar; charset=utf-8", feed)
}

func (h *handlers) calendarDomain() string {
	if u, err := url.Parse(h.baseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "kohorte"
}
