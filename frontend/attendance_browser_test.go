package frontend_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"kohorte/frontend/browsertest"
	"kohorte/models"
)

// TestBrowserGridCyclesInPlaceOnATablet: on a tablet, a tap on a cell of
// the grid steps its value on in place (the row, with its rate, is swapped
// in), the targets are big enough for a finger, and without script the
// same tap works as a form post.
func TestBrowserGridCyclesInPlaceOnATablet(t *testing.T) {
	s, db := newAttendanceStack(t)
	srv := httptest.NewServer(s.handler)
	t.Cleanup(srv.Close)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	course := s.course("Netzwerkkoordinator:in")
	cohort := s.cohort(course.ID, "Frühjahr 2023", 16)
	p := s.person("Anna", "Muster", "anna@kohorte.test", "NI")
	e, err := s.svc.Enrollments.Enroll(context.Background(), s.admin, cohort.ID, p.ID, models.NewDate(2023, 3, 1))
	if err != nil {
		t.Fatal(err)
	}
	w1 := addSession(t, db, cohort.ID, models.SessionWebinar, "Webinar 1", time.Date(2023, 3, 7, 17, 0, 0, 0, berlin), false)
	b := browsertest.New(t)
	b.Viewport(1024, 768)
	loginAs(t, b, srv.URL, "admin@kohorte.test")
	page := fmt.Sprintf("%s/kohorten/%d/anwesenheit", srv.URL, cohort.ID)
	if status := b.Navigate(page); status != http.StatusOK {
		t.Fatalf("grid: %d", status)
	}
	cell := fmt.Sprintf(`#z%d button[value^="%d.%d."]`, e.ID, w1.ID, e.ID)
	next := fmt.Sprintf(`document.querySelector(%q).value.split(".")[2]`, cell)
	focused := fmt.Sprintf(`document.activeElement === document.querySelector(%q)`, cell)
	size := browsertest.Eval[[]float64](b, fmt.Sprintf(`(() => { const r = document.querySelector(%q).getBoundingClientRect(); return [r.width, r.height]; })()`, cell))
	if size[0] < 44 || size[1] < 44 {
		t.Errorf("a cell's button is %v px, want at least 44×44 for a finger", size)
	}
	b.Click(cell)
	b.WaitUntil(next + ` === "present_remote"`)
	if !browsertest.Eval[bool](b, focused) {
		t.Error("after the tap the focus left the cell")
	}
	if got := b.Text(fmt.Sprintf("#z%d td.num", e.ID)); got == "" || got[:5] != "100,0" {
		t.Errorf("rate after the tap: %q", got)
	}
	if url := browsertest.Eval[string](b, "location.href"); url != page {
		t.Errorf("the tap left the page for %s", url)
	}
	b.Click(cell)
	b.WaitUntil(next + ` === "absent"`)
	b.NoConsoleErrors()

	b.DisableScripts()
	b.Reload()
	if status := b.ClickAndWait(cell); status != http.StatusOK {
		t.Fatalf("tap without script: %d", status)
	}
	if got := browsertest.Eval[string](b, next); got != "excused" {
		t.Errorf("after a tap without script the next value is %q, want excused", got)
	}
}
