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
	BigCourse uint // its course, where the import journey adds a cohort
	// ImportSize is how many people the import journey imports;
	// DefaultImportSize unless set.
	ImportSize int
	// MidCohort is the cohort nearest to 500 people, for the attendance
	// grid; MidSession one of its sessions held, and MidEntries the
	// attendance of 30 people expected there, as one request records it.
	MidCohort  uint
	MidSize    int
	MidSession uint
	MidEntries []map[string]any
	// Drafts are score sheets that jurors of the data set save, each their
	// own, as at a closing day; JurorView is the first juror's view of
	// their cohort. Both are empty when no cohort's scoring is open.
	Drafts    []vegeta.Target
	JurorView vegeta.Target
	// VerifyToken is a valid certificate's verification token, for the
	// public verification; empty when the data set has none. DocCohort
	// and DocCourse are its cohort (for the ZIP of its documents) and
	// course (for the preview, rendered on each request).
	VerifyToken          string
	DocCohort, DocCourse uint
	// cohorts are the ids of the cohorts not archived, for finding juries.
	cohorts []uint
}

// wantJurors is how many jurors save drafts at once in the draft journey.
const wantJurors = 30

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
	if err := s.findMidSession(ctx); err != nil {
		return nil, err
	}
	if err := s.findCertificate(ctx); err != nil {
		return nil, err
	}
	return s, s.findJurors(ctx, password)
}

// findCertificate takes the token of the newest valid certificate from
// the link the register gives.
func (s *Site) findCertificate(ctx context.Context) error {
	var list struct {
		Items []struct {
			VerifyURL string `json:"verify_url"`
			CohortID  uint   `json:"cohort_id"`
			CourseID  uint   `json:"course_id"`
		} `json:"items"`
	}
	if _, err := s.call(ctx, http.MethodGet, "/api/v1/documents?kind=certificate&status=valid&page_size=1", nil, &list); err != nil {
		return fmt.Errorf("documents: %w", err)
	}
	if len(list.Items) > 0 {
		d := list.Items[0]
		_, s.VerifyToken, _ = strings.Cut(d.VerifyURL, "/verify/")
		s.DocCohort, s.DocCourse = d.CohortID, d.CourseID
	}
	return nil
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
				CourseID      uint   `json:"course_id"`
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
				s.BigCohort, s.BigSize, s.BigCourse = c.ID, c.EnrolledCount, c.CourseID
			}
			// An archived cohort takes no attendance: the recording journey
			// needs one that is still open.
			if c.Status != "archived" && nearer(c.EnrolledCount, s.MidSize, midSize) {
				s.MidCohort, s.MidSize = c.ID, c.EnrolledCount
			}
			if c.Status != "archived" {
				s.cohorts = append(s.cohorts, c.ID)
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

// findJurors looks through the open cohorts for juries whose scoring is
// open, logs in up to wantJurors of their jurors (the data set gives them
// the staff member's password) and prepares a draft of each for a group
// they may score. A data set without open scoring leaves the jury
// journeys out.
func (s *Site) findJurors(ctx context.Context, password string) error {
	seen := map[string]bool{}
	for _, cohort := range s.cohorts {
		var jury struct {
			ScoringOpenAt *time.Time `json:"scoring_open_at"`
			Jurors        []struct {
				Email string `json:"email"`
			} `json:"jurors"`
		}
		if _, err := s.call(ctx, http.MethodGet, fmt.Sprintf("/api/v1/cohorts/%d/jury", cohort), nil, &jury); err != nil {
			return fmt.Errorf("jury: %w", err)
		}
		if jury.ScoringOpenAt == nil {
			continue
		}
		for _, j := range jury.Jurors {
			if seen[j.Email] {
				continue
			}
			seen[j.Email] = true
			if err := s.addDraft(ctx, cohort, j.Email, password); err != nil {
				return err
			}
			if len(s.Drafts) == wantJurors {
				return nil
			}
		}
	}
	return nil
}

// addDraft logs a juror in and prepares their draft for the first group
// they may score in the cohort that is not submitted: every criterion at
// its first step above nothing, and a comment.
func (s *Site) addDraft(ctx context.Context, cohort uint, email, password string) error {
	juror := &Site{Base: s.Base}
	if err := juror.login(ctx, email, password); err != nil {
		return fmt.Errorf("juror %s: %w", email, err)
	}
	path := fmt.Sprintf("/api/v1/cohorts/%d/scoring", cohort)
	var view struct {
		Rubric []struct {
			ID   uint        `json:"id"`
			Step json.Number `json:"step"`
		} `json:"rubric"`
		Groups []struct {
			ID    uint `json:"id"`
			Sheet struct {
				State string `json:"state"`
			} `json:"sheet"`
		} `json:"groups"`
	}
	if _, err := juror.call(ctx, http.MethodGet, path, nil, &view); err != nil {
		return fmt.Errorf("juror's view: %w", err)
	}
	header := http.Header{"Cookie": {juror.Cookie}, "Origin": {s.Base}, "Content-Type": {"application/json"}}
	if len(s.Drafts) == 0 {
		s.JurorView = vegeta.Target{Method: http.MethodGet, URL: s.Base + path, Header: header}
	}
	for _, g := range view.Groups {
		if g.Sheet.State == "submitted" {
			continue
		}
		points := make([]map[string]any, len(view.Rubric))
		for i, c := range view.Rubric {
			step, err := pointsHundredths(c.Step)
			if err != nil {
				return err
			}
			points[i] = map[string]any{"criterion_id": c.ID, "points_hundredths": step}
		}
		body, err := json.Marshal(map[string]any{"comment": "Überzeugende Vernetzung der Betriebe vor Ort.", "points": points})
		if err != nil {
			return err
		}
		s.Drafts = append(s.Drafts, vegeta.Target{Method: http.MethodPut, URL: fmt.Sprintf("%s/api/v1/groups/%d/sheet", s.Base, g.ID),
			Header: header, Body: body})
		return nil
	}
	return nil
}

// pointsHundredths reads a decimal such as 0.5 as hundredths, 50.
func pointsHundredths(n json.Number) (int, error) {
	f, err := n.Float64()
	if err != nil {
		return 0, fmt.Errorf("points %q: %w", n, err)
	}
	return int(f*100 + 0.5), nil
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
	if s.VerifyToken != "" {
		js = append(js,
			Get("verify a certificate (API, no login)", s.Base+"/api/v1/verify/"+s.VerifyToken, nil),
			Get("verify a certificate (page, no login)", s.Base+"/verify/"+s.VerifyToken, nil),
			Get("a cohort's documents as ZIP", fmt.Sprintf("%s/api/v1/cohorts/%d/documents.zip", s.Base, s.DocCohort), s.bearer()),
			Get("certificate preview (rendered)", fmt.Sprintf("%s/api/v1/courses/%d/preview/certificate", s.Base, s.DocCourse), s.bearer()),
		)
	}
	if len(s.Drafts) > 0 {
		js = append(js,
			Journey{Name: "juror's view of a cohort (API)", Target: s.JurorView},
			Journey{Name: fmt.Sprintf("draft saves, %d jurors", len(s.Drafts)), Target: s.Drafts[0], More: s.Drafts[1:]},
		)
	}
	size := s.ImportSize
	if size <= 0 {
		size = DefaultImportSize
	}
	return append(js, s.duringImport(size))
}
