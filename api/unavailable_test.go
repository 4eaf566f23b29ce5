package api_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"kohorte/api"
	"kohorte/frontend"
	"kohorte/models"
	"kohorte/services"
)

// A database that goes away is no fault of the request: the API answers
// 503 with Retry-After and a code the client may act on, and a page says
// the same in HTML, rather than 500.
func TestLostDatabaseIsA503WithRetryAfter(t *testing.T) {
	t.Parallel()
	f := newFixtureWith(t, func(d *api.Deps) {
		ui, err := frontend.New(frontend.Options{Services: d.Services})
		if err != nil {
			t.Fatal(err)
		}
		d.UI = ui
	})
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	if err := models.Close(f.db); err != nil {
		t.Fatal(err)
	}
	r := f.as(admin, http.MethodGet, "/api/v1/courses", nil)
	if r.Status != http.StatusServiceUnavailable {
		t.Fatalf("GET /api/v1/courses without a database: %d %s, want 503", r.Status, r.Body)
	}
	if got := r.Header.Get("Retry-After"); got != "5" {
		t.Errorf("Retry-After %q, want 5", got)
	}
	var p api.Problem
	r.JSON(t, &p)
	if p.Code != string(services.CodeDatabaseUnavailable) {
		t.Errorf("code %q, want %s", p.Code, services.CodeDatabaseUnavailable)
	}
	req, _ := http.NewRequest(http.MethodGet, "/kurse", nil)
	req.AddCookie(admin)
	page := f.client.Do(req)
	if page.Status != http.StatusServiceUnavailable {
		t.Fatalf("GET /kurse without a database: %d, want 503", page.Status)
	}
	if ct := page.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("the page answered %s, want HTML", ct)
	}
	if page.Header.Get("Retry-After") != "5" {
		t.Errorf("the page's Retry-After %q, want 5", page.Header.Get("Retry-After"))
	}
}

// Two imports of the same new people into two cohorts race for the
// participants' unique e-mail addresses on PostgreSQL; whichever loses
// gets 409 with a code to retry on, never 500, and retrying succeeds.
func TestConcurrentImportsOfTheSamePeopleConflictCleanly(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	course, first := f.seedCourse(t, admin)
	cohorts := []uint{first}
	for i := range 2 * 3 {
		var c struct{ ID uint }
		r := f.as(admin, http.MethodPost, "/api/v1/courses/"+strconv.Itoa(int(course))+"/cohorts",
			map[string]any{"name": fmt.Sprintf("Runde %d", i), "start_date": "2023-03-01", "capacity": 16})
		if r.Status != http.StatusCreated {
			t.Fatalf("create cohort: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &c)
		cohorts = append(cohorts, c.ID)
	}
	for round := range 3 {
		list := "\ufeffVorname;Nachname;E-Mail\r\n"
		for i := range 12 {
			list += fmt.Sprintf("Zoë;Ćosić %d;r%d-p%d@example.org\r\n", i, round, i)
		}
		pair := cohorts[2*round+1 : 2*round+3]
		statuses := make([]int, 2)
		codes := make([]string, 2)
		var wg sync.WaitGroup
		for i, cohort := range pair {
			wg.Go(func() {
				r := f.upload(admin, "/api/v1/cohorts/"+strconv.Itoa(int(cohort))+"/import", "liste.csv", list)
				statuses[i] = r.Status
				if r.Status == http.StatusConflict {
					var p api.Problem
					r.JSON(t, &p)
					codes[i] = p.Code
				}
			})
		}
		wg.Wait()
		for i, status := range statuses {
			switch {
			case status == http.StatusConflict && codes[i] != string(services.CodeConcurrentChange):
				t.Errorf("round %d: 409 with code %q, want %s", round, codes[i], services.CodeConcurrentChange)
			case status == http.StatusConflict:
				r := f.upload(admin, "/api/v1/cohorts/"+strconv.Itoa(int(pair[i]))+"/import", "liste.csv", list)
				if r.Status != http.StatusCreated {
					t.Errorf("round %d: the retry answered %d %s, want 201", round, r.Status, r.Body)
				}
			case status != http.StatusCreated:
				t.Errorf("round %d: import answered %d, want 201 or 409", round, status)
			}
		}
	}
}
