package load

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Site is a running Kohorte as the journeys need it: logged in as staff
// with a session and an API token, and the ids of the objects to read.
type Site struct {
	Base      string
	Cookie    string
	Token     string
	Person    uint // a participant, for the point lookups
	People    int64
	BigCohort uint // the cohort with the most people
	BigSize   int
	// MidCohort is the cohort nearest to 500 people, for the attendance
	// grid; MidSession one of its sessions held, and MidEntries the
	// attendance of 30 people expected there, as one request records it.
	MidCohort  uint
	MidSize    int
	MidSession uint
	MidEntries []map[string]any
}

// Connect logs in to the Kohorte at base, creates an API token for the
// harness and finds the objects the journeys read.
func Connect(ctx context.Context, base, email, password string) (*Site, error) {
	if err := loopbackOnly(base); err != nil {
		return nil, err
	}
	s := &Site{Base: strings.TrimSuffix(base, "/")}
	if err := s.login(ctx, email, password); err != nil {
		return nil, err
	}
	if err := s.createToken(ctx, password); err != nil {
		return nil, err
	}
	if err := s.findPeople(ctx); err != nil {
		return nil, err
	}
	if err := s.findBigCohort(ctx); err != nil {
		return nil, err
	}
	return s, s.findMidSession(ctx)
}

func (s *Site) login(ctx context.Context, email, password string) error {
	res, err := s.call(ctx, http.MethodPost, "/api/v1/auth/login", map[string]string{"email": email, "password": password}, nil)
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	for _, c := range res.Cookies() {
		if strings.HasSuffix(c.Name, "kohorte_session") {
			s.Cookie = c.Name + "=" + c.Value
		}
	}
	if s.Cookie == "" {
		return fmt.Errorf("login: no session cookie")
	}
	return nil
}

func (s *Site) createToken(ctx context.Context, password string) error {
	var tok struct {
		Token string `json:"token"`
	}
	body := map[string]any{"name": "Lasttest " + time.Now().Format(time.DateTime), "expires_in_days": 1, "current_password": password}
	if _, err := s.call(ctx, http.MethodPost, "/api/v1/tokens", body, &tok); err != nil {
		return fmt.Errorf("API token: %w", err)
	}
	s.Token = tok.Token
	return nil
}

func (s *Site) findPeople(ctx context.Context) error {
	var list struct {
		Items []struct {
			ID uint `json:"id"`
		} `json:"items"`
		Total int64 `json:"total"`
	}
	if _, err := s.call(ctx, http.MethodGet, "/api/v1/participants?page_size=1", nil, &list); err != nil {
		return fmt.Errorf("participants: %w", err)
	}
	if len(list.Items) == 0 {
		return fmt.Errorf("participants: none; load data first, e.g. kohorte demo --scale 40000")
	}
	s.Person, s.People = list.Items[0].ID, list.Total
	return nil
}

// findBigCohort looks through every page of the cohort list for the
// cohort with the most people.
func (s *Site) findBigCohort(ctx context.Context) error {
	for page := 1; ; page++ {
		var list struct {
			Items []struct {
				ID            uint   `json:"id"`
				EnrolledCount int    `json:"enrolled_count"`
				Status        string `json:"status"`
			} `json:"items"`
			Total int `json:"total"`
		}
		if _, err := s.call(ctx, http.MethodGet, fmt.Sprintf("/api/v1/cohorts?page_size=200&page=%d", page), nil, &list); err != nil {
			return fmt.Errorf("cohorts: %w", err)
		}
		for _, c := range list.Items {
			if c.EnrolledCount > s.BigSize {
				s.BigCohort, s.BigSize = c.ID, c.EnrolledCount
			}
			// An archived cohort takes no attendance: the recording journey
			// needs one that is still open.
			if c.Status != "archived" && nearer(c.EnrolledCount, s.MidSize, midSize) {
				s.MidCohort, s.MidSize = c.ID, c.EnrolledCount
			}
		}
		if len(list.Items) == 0 || page*200 >= list.Total {
			break
		}
	}
	if s.BigCohort == 0 {
		return fmt.Errorf("cohorts: none with people")
	}
	return nil
}

const midSize = 500

// nearer tells whether n is nearer to want than best is.
func nearer(n, best, want int) bool {
	d := func(x int) int { return max(x-want, want-x) }
	return best == 0 || d(n) < d(best)
}

// findMidSession picks the last session held of the mid-sized cohort that
// is not cancelled, and 30 people expected there, for the recording
// journey; a data set without sessions leaves both out.
func (s *Site) findMidSession(ctx context.Context) error {
	var sessions struct {
		Items []struct {
			ID        uint      `json:"id"`
			StartsAt  time.Time `json:"starts_at"`
			Cancelled bool      `json:"cancelled"`
		} `json:"items"`
	}
	if s.MidCohort == 0 {
		return nil
	}
	if _, err := s.call(ctx, http.MethodGet, fmt.Sprintf("/api/v1/cohorts/%d/sessions", s.MidCohort), nil, &sessions); err != nil {
		return fmt.Errorf("sessions: %w", err)
	}
	for _, ss := range sessions.Items {
		if !ss.Cancelled && ss.StartsAt.Before(time.Now()) {
			s.MidSession = ss.ID
		}
	}
	if s.MidSession == 0 {
		return nil
	}
	var sheet struct {
		Rows []struct {
			EnrollmentID uint `json:"enrollment_id"`
		} `json:"rows"`
	}
	if _, err := s.call(ctx, http.MethodGet, fmt.Sprintf("/api/v1/sessions/%d/attendance", s.MidSession), nil, &sheet); err != nil {
		return fmt.Errorf("attendance sheet: %w", err)
	}
	for _, r := range sheet.Rows[:min(30, len(sheet.Rows))] {
		s.MidEntries = append(s.MidEntries, map[string]any{"enrollment_id": r.EnrollmentID, "status": "present", "modality": "remote"})
	}
	return nil
}

// call sends one request as the logged-in staff member and decodes a JSON
// answer into out, if given.
func (s *Site) call(ctx context.Context, method, path string, body, out any) (*http.Response, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.Base+path, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", s.Base)
	if s.Cookie != "" {
		req.Header.Set("Cookie", s.Cookie)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return res, err
	}
	if res.StatusCode >= 300 {
		return res, fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, data)
	}
	if out != nil {
		return res, json.Unmarshal(data, out)
	}
	return res, nil
}

func (s *Site) bearer() http.Header {
	return http.Header{"Authorization": {"Bearer " + s.Token}}
}

func (s *Site) cookie() http.Header {
	return http.Header{"Cookie": {s.Cookie}}
}

// Journeys are the requests that issue 10's targets name, against s; bare
// is the reference server's address, empty to leave it out.
func (s *Site) Journeys(bare string) []Journey {
	lastPage := max(1, (s.People+49)/50)
	big := fmt.Sprint(s.BigCohort)
	var js []Journey
	if bare != "" {
		js = append(js, Get("bare lookup", fmt.Sprintf("%s%s%d", strings.TrimSuffix(bare, "/"), BarePath, s.Person), nil))
	}
	js = append(js,
		Get("healthz", s.Base+"/healthz", nil),
		Get("participant by id (token)", fmt.Sprintf("%s/api/v1/participants/%d", s.Base, s.Person), s.bearer()),
		Get("participant by id (cookie)", fmt.Sprintf("%s/api/v1/participants/%d", s.Base, s.Person), s.cookie()),
		Get("statistics (API)", s.Base+"/api/v1/statistics", s.bearer()),
		Get("statistics (page)", s.Base+"/statistik", s.cookie()),
		Get("cohort statistics (API)", s.Base+"/api/v1/cohorts/"+big+"/statistics", s.bearer()),
		Get("participants, first page", s.Base+"/api/v1/participants", s.bearer()),
		Get("participants, last page", fmt.Sprintf("%s/api/v1/participants?page=%d", s.Base, lastPage), s.bearer()),
		Get("search Ćosić", s.Base+"/api/v1/participants?search="+url.QueryEscape("Ćosić"), s.bearer()),
		Get("big cohort, last page of people", fmt.Sprintf("%s/api/v1/cohorts/%s/enrollments?page=%d", s.Base, big, max(1, (s.BigSize+49)/50)), s.bearer()),
		Get("big cohort page", s.Base+"/kohorten/"+big, s.cookie()),
		Get("big cohort export CSV", s.Base+"/api/v1/cohorts/"+big+"/export?format=csv", s.bearer()),
		Get("big cohort export XLSX", s.Base+"/api/v1/cohorts/"+big+"/export?format=xlsx", s.bearer()),
	)
	if s.MidSession != 0 {
		mid := fmt.Sprint(s.MidCohort)
		body, _ := json.Marshal(map[string]any{"entries": s.MidEntries})
		header := s.bearer()
		header.Set("Content-Type", "application/json")
		js = append(js,
			Get(fmt.Sprintf("attendance grid, %d people (API)", s.MidSize), s.Base+"/api/v1/cohorts/"+mid+"/attendance", s.bearer()),
			Get(fmt.Sprintf("attendance grid, %d people (page)", s.MidSize), s.Base+"/kohorten/"+mid+"/anwesenheit", s.cookie()),
			Journey{Name: fmt.Sprintf("record a session, %d people", len(s.MidEntries)), Target: vegeta.Target{
				Method: http.MethodPut, URL: fmt.Sprintf("%s/api/v1/sessions/%d/attendance", s.Base, s.MidSession), Header: header, Body: body}},
		)
	}
	return js
}
