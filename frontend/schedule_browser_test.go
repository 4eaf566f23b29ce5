package frontend_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"kohorte/frontend/browsertest"
)

// TestBrowserScheduleAddAndCancel: staff add a session through the form
// (date and time inputs as the browser fills them), find it in the
// schedule, cancel it with a reason and open the cohort's calendar link.
func TestBrowserScheduleAddAndCancel(t *testing.T) {
	s, srv := newServer(t)
	cohort := s.cohort(s.course("Netzwerkkoordinator:in").ID, "Frühjahr 2023", 16)
	page := fmt.Sprintf("%s/kohorten/%d/termine", srv.URL, cohort.ID)
	b := browsertest.New(t)
	loginAs(t, b, srv.URL, "admin@kohorte.test")
	if status := b.Navigate(page); status != http.StatusOK {
		t.Fatalf("schedule page: %d", status)
	}
	b.Click("#neu > summary")
	b.Type("#title", "Webinar Netzwerkanalyse")
	// Date and time inputs take their values in ISO form, whatever the
	// browser's language shows.
	browsertest.Eval[bool](b, `(document.getElementById("date").value = "2023-04-04", document.getElementById("starts_at").value = "10:00",
		document.getElementById("ends_at").value = "11:30", true)`)
	if status := b.ClickAndWait("#neu button[type=submit]"); status != http.StatusOK {
		t.Fatalf("add session: %d", status)
	}
	if got := b.Text("main"); !strings.Contains(got, "Der Termin ist angelegt.") || !strings.Contains(got, "04.04.2023") ||
		!strings.Contains(got, "10:00–11:30") {
		t.Fatalf("after adding:\n%s", got)
	}
	if status := b.ClickAndWait(`a[href^="/termine/"]`); status != http.StatusOK {
		t.Fatalf("session page: %d", status)
	}
	b.Type("#reason", "Referentin erkrankt")
	if status := b.ClickAndWait(`form[action$="/absagen"] button[type=submit]`); status != http.StatusOK {
		t.Fatalf("cancel: %d", status)
	}
	if got := b.Text("main"); !strings.Contains(got, "Abgesagt") || !strings.Contains(got, "Referentin erkrankt") {
		t.Errorf("after cancelling:\n%s", got)
	}
	if status := b.ClickAndWait(`form[action$="/termine/kalender"] button[type=submit]`); status != http.StatusOK {
		t.Fatalf("open the feed: %d", status)
	}
	if url := browsertest.Eval[string](b, `document.getElementById("calendar-link").value`); !strings.Contains(url, "/api/v1/calendars/") {
		t.Errorf("calendar link %q", url)
	}
	b.NoConsoleErrors()
}
