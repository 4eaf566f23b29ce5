package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"kohorte/api/apitest"
)

// seedSession adds a webinar on 15 March 2023 to cohort (1–24 May 2023).
func (f *fixture) seedSession(t *testing.T, staff *http.Cookie, cohort uint) uint {
	t.Helper()
	var s struct{ ID uint }
	r := f.as(staff, http.MethodPost, "/api/v1/cohorts/"+strconv.Itoa(int(cohort))+"/sessions", map[string]any{
		"kind": "webinar", "title": "Webinar 1", "starts_at": "2023-03-15T10:00:00+01:00", "ends_at": "2023-03-15T11:30:00+01:00",
		"online_url": "https://meet.example.org/w1"})
	if r.Status != http.StatusCreated {
		t.Fatalf("create session: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &s)
	return s.ID
}

// participantLogin gives the enrolled participant an account and logs in.
func (f *fixture) participantLogin(t *testing.T, admin *http.Cookie, participant uint, email, password string) *http.Cookie {
	t.Helper()
	var inv struct {
		PasswordLink string `json:"password_link"`
	}
	r := f.as(admin, http.MethodPost, "/api/v1/participants/"+strconv.Itoa(int(participant))+"/account", nil)
	if r.Status != http.StatusCreated {
		t.Fatalf("account: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &inv)
	token := inv.PasswordLink[strings.Index(inv.PasswordLink, "token=")+6:]
	f.client.Send(http.MethodPost, "/api/v1/auth/set-password", map[string]string{"token": token, "password": password})
	return f.login(t, email, password)
}

type apiSession struct {
	Title     string
	Kind      string
	StartsAt  string `json:"starts_at"`
	EndsAt    string `json:"ends_at"`
	Units     int
	Required  bool
	Cancelled bool
	Sequence  int
}

type fieldProblem struct {
	Field string
	Code  string
}

type invalidProblem struct {
	Code   string
	Errors []fieldProblem
}

func TestSessionAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	_, cohort := f.seedCourse(t, admin)
	base := "/api/v1/cohorts/" + strconv.Itoa(int(cohort))
	id := f.seedSession(t, admin, cohort)
	path := "/api/v1/sessions/" + strconv.Itoa(int(id))
	f.client.Run(t, []apitest.Row{
		{Name: "the webinar, shown in Berlin time, units from the course", Cookie: admin, Method: http.MethodGet, Path: path,
			Status: http.StatusOK, Want: apiSession{Title: "Webinar 1", Kind: "webinar", StartsAt: "2023-03-15T10:00:00+01:00",
				EndsAt: "2023-03-15T11:30:00+01:00", Units: 2, Required: true}},
		{Name: "moved after the change to summer time", Cookie: admin, Method: http.MethodPatch, Path: path,
			Body:   map[string]any{"starts_at": "2023-03-29T08:00:00Z", "ends_at": "2023-03-29T09:30:00Z"},
			Status: http.StatusOK, Want: apiSession{Title: "Webinar 1", Kind: "webinar", StartsAt: "2023-03-29T10:00:00+02:00",
				EndsAt: "2023-03-29T11:30:00+02:00", Units: 2, Required: true, Sequence: 1}},
		{Name: "before the cohort's first day", Cookie: admin, Method: http.MethodPost, Path: base + "/sessions",
			Body:   map[string]any{"kind": "kickoff", "title": "Auftakt", "starts_at": "2023-02-28T10:00:00+01:00", "ends_at": "2023-03-01T16:00:00+01:00"},
			Status: http.StatusUnprocessableEntity, Want: invalidProblem{Code: "invalid_input",
				Errors: []fieldProblem{{Field: "starts_at", Code: "session.outside_cohort"}}}},
		{Name: "an unknown kind", Cookie: admin, Method: http.MethodPost, Path: base + "/sessions",
			Body:   map[string]any{"kind": "party", "title": "x", "starts_at": "2023-03-15T10:00:00+01:00", "ends_at": "2023-03-15T11:00:00+01:00"},
			Status: http.StatusUnprocessableEntity},
		{Name: "ends before it starts", Cookie: admin, Method: http.MethodPatch, Path: path,
			Body:   map[string]any{"ends_at": "2023-03-29T07:00:00Z"},
			Status: http.StatusUnprocessableEntity, Want: invalidProblem{Code: "invalid_input",
				Errors: []fieldProblem{{Field: "ends_at", Code: "session.end_not_after_start"}}}},
		{Name: "cancel without a reason", Cookie: admin, Method: http.MethodPost, Path: path + "/cancel",
			Body: map[string]any{}, Status: http.StatusUnprocessableEntity},
		{Name: "cancel", Cookie: admin, Method: http.MethodPost, Path: path + "/cancel",
			Body: map[string]any{"reason": "Referentin erkrankt"}, Status: http.StatusOK,
			Want: struct {
				Cancelled    bool
				CancelReason string `json:"cancel_reason"`
				Sequence     int
			}{true, "Referentin erkrankt", 2}},
		{Name: "a cancelled session stays cancelled", Cookie: admin, Method: http.MethodPatch, Path: path,
			Body: map[string]any{"title": "Neu"}, Status: http.StatusConflict, Want: struct{ Code string }{"session.cancelled"}},
		{Name: "a schedule for a cohort with sessions", Cookie: admin, Method: http.MethodPost, Path: base + "/schedule",
			Body: map[string]any{}, Status: http.StatusConflict, Want: struct{ Code string }{"schedule.not_empty"}},
		{Name: "unknown session", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/sessions/999999", Status: http.StatusNotFound},
	})
}

// A cohort created with a schedule has one; a clone has it shifted, and
// a participant reads their own schedule and feed and nobody else's.
func TestScheduleCloneAndCalendarAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	course, cohort := f.seedCourse(t, admin)
	var created struct{ ID uint }
	r := f.as(admin, http.MethodPost, "/api/v1/courses/"+strconv.Itoa(int(course))+"/cohorts", map[string]any{
		"name": "Frühjahr 2024", "start_date": "2024-03-04", "capacity": 16, "venue": "IHK Oldenburg",
		"schedule": map[string]any{"webinar_weekday": 2, "webinar_start": "14:00", "webinar_end": "15:30", "mentoring_slots": 1}})
	if r.Status != http.StatusCreated {
		t.Fatalf("create with schedule: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &created)
	var list struct{ Items []apiSession }
	f.as(admin, http.MethodGet, "/api/v1/cohorts/"+strconv.Itoa(int(created.ID))+"/sessions", nil).JSON(t, &list)
	if len(list.Items) != 14 || list.Items[1].StartsAt != "2024-03-12T14:00:00+01:00" || list.Items[1].Kind != "webinar" {
		t.Fatalf("laid out %d sessions, second %+v; want 14 with Webinar 1 on Tuesday 12 March 2024 at 14:00", len(list.Items), list.Items)
	}
	var clone struct {
		ID        uint
		StartDate string `json:"start_date"`
	}
	r = f.as(admin, http.MethodPost, "/api/v1/cohorts/"+strconv.Itoa(int(created.ID))+"/clone", map[string]any{"name": "Herbst 2024", "start_date": "2024-09-02"})
	if r.Status != http.StatusCreated {
		t.Fatalf("clone: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &clone)
	f.as(admin, http.MethodGet, "/api/v1/cohorts/"+strconv.Itoa(int(clone.ID))+"/sessions", nil).JSON(t, &list)
	if len(list.Items) != 14 || list.Items[1].StartsAt != "2024-09-10T14:00:00+02:00" {
		t.Errorf("clone: %d sessions, second %+v", len(list.Items), list.Items[1])
	}

	// Zoë is in the first cohort, Ali in the clone.
	zoe, _ := f.seedEnrollment(t, admin, cohort, "zoe@example.org")
	f.seedSession(t, admin, cohort)
	me := f.participantLogin(t, admin, zoe, "zoe@example.org", "Kalender-Zoe-2024")
	var feed struct{ URL string }
	r = f.as(me, http.MethodPost, "/api/v1/me/calendar", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("open own feed: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &feed)
	feedPath := feed.URL[strings.Index(feed.URL, "/api/v1/calendars/"):]
	var staffFeed struct{ URL string }
	f.as(admin, http.MethodPost, "/api/v1/cohorts/"+strconv.Itoa(int(clone.ID))+"/calendar", nil).JSON(t, &staffFeed)
	f.client.Run(t, []apitest.Row{
		{Name: "own schedule", Cookie: me, Method: http.MethodGet, Path: "/api/v1/me/sessions", Status: http.StatusOK,
			Want: struct{ Items []struct{ Title string } }{Items: []struct{ Title string }{{"Webinar 1"}}}},
		{Name: "own feed, without a login", Method: http.MethodGet, Path: feedPath, Status: http.StatusOK,
			Check: func(t *testing.T, r *apitest.Response) {
				body := string(r.Body)
				if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/calendar") || strings.Count(body, "BEGIN:VEVENT") != 1 ||
					!strings.Contains(body, "BEGIN:VTIMEZONE") || !strings.Contains(body, "DTSTART;TZID=Europe/Berlin:20230315T100000") {
					t.Errorf("feed:\n%s", body)
				}
			}},
		{Name: "a cohort's schedule is staff's", Cookie: me, Method: http.MethodGet, Path: "/api/v1/cohorts/" + strconv.Itoa(int(clone.ID)) + "/sessions",
			Status: http.StatusForbidden},
		{Name: "a cohort's feed link is staff's", Cookie: me, Method: http.MethodPost, Path: "/api/v1/cohorts/" + strconv.Itoa(int(clone.ID)) + "/calendar",
			Status: http.StatusForbidden},
		{Name: "a made-up token", Method: http.MethodGet, Path: "/api/v1/calendars/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics", Status: http.StatusNotFound},
		{Name: "staff see the cohort feed is open", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/cohorts/" + strconv.Itoa(int(clone.ID)) + "/calendar",
			Status: http.StatusOK, Want: struct{ Active bool }{true}},
		{Name: "revoke own feed", Cookie: me, Method: http.MethodDelete, Path: "/api/v1/me/calendar", Status: http.StatusNoContent},
		{Name: "revoked feed", Method: http.MethodGet, Path: feedPath, Status: http.StatusNotFound},
		{Name: "own feed closed", Cookie: me, Method: http.MethodGet, Path: "/api/v1/me/calendar", Status: http.StatusOK,
			Want: struct{ Active bool }{false}},
		{Name: "the staff feed still works", Method: http.MethodGet, Path: staffFeed.URL[strings.Index(staffFeed.URL, "/api/v1/calendars/"):],
			Status: http.StatusOK},
	})
}
