package frontend_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"kohorte/frontend/browsertest"
	"kohorte/models"
	"kohorte/services"
)

// TestBrowserCheckInFromThePhone: staff show the check-in of a closing
// day on a laptop; Anna opens the QR code's link on a 375-pixel phone, the
// code is filled in, one tap checks her in, and nothing scrolls sideways.
func TestBrowserCheckInFromThePhone(t *testing.T) {
	s, db := newAttendanceStack(t)
	srv := httptest.NewServer(s.handler)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	course := s.course("Netzwerkkoordinator:in")
	cohort := s.cohort(course.ID, "Frühjahr 2023", 16)
	p := s.person("Anna", "Muster", "anna@kohorte.test", "NI")
	e, err := s.svc.Enrollments.Enroll(ctx, s.admin, cohort.ID, p.ID, models.NewDate(2023, 3, 1))
	if err != nil {
		t.Fatal(err)
	}
	inv, err := s.svc.Participants.CreateAccount(ctx, s.admin, e.ParticipantID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Passwords.SetPasswordWithToken(ctx, inv.Token, password, services.Actor{ClientAddr: "seed"}); err != nil {
		t.Fatal(err)
	}
	closing := addSession(t, db, cohort.ID, models.SessionClosing, "Abschlusspräsenz Tag 1", time.Now().Add(-15*time.Minute), false)

	staff := browsertest.New(t)
	staff.Viewport(1280, 800)
	loginAs(t, staff, srv.URL, "admin@kohorte.test")
	staff.Navigate(fmt.Sprintf("%s/termine/%d/check-in", srv.URL, closing.ID))
	if status := staff.ClickAndWait("main form button[type=submit]"); status != http.StatusOK {
		t.Fatalf("open check-in: %d", status)
	}
	code := staff.Text(`[data-testid="checkin-code"]`)
	link := browsertest.Eval[string](staff, `document.querySelector(".checkin__link a").href`)
	if len(code) != 6 || !strings.HasSuffix(link, "?code="+code) {
		t.Fatalf("shown code %q, link %q", code, link)
	}
	if w := browsertest.Eval[float64](staff, `document.querySelector(".checkin__qr svg").getBoundingClientRect().width`); w < 200 {
		t.Errorf("the QR code is %v px wide; a phone across the room needs it larger", w)
	}

	phone := browsertest.New(t)
	phone.Viewport(375, 740)
	loginAs(t, phone, srv.URL, "anna@kohorte.test")
	if status := phone.Navigate(link); status != http.StatusOK {
		t.Fatalf("the QR code's link: %d", status)
	}
	if got := browsertest.Eval[string](phone, `document.querySelector("#code").value`); got != code {
		t.Errorf("code filled in: %q, want %q", got, code)
	}
	if wide := browsertest.Eval[bool](phone, `document.scrollingElement.scrollWidth > 375`); wide {
		t.Error("the check-in page scrolls sideways on a phone")
	}
	if status := phone.ClickAndWait("main form button[type=submit]"); status != http.StatusOK {
		t.Fatalf("check in: %d", status)
	}
	if got := phone.Text(`[data-testid="checkin-done"]`); !strings.Contains(got, "eingecheckt") {
		t.Errorf("after the tap: %q", got)
	}
	phone.NoConsoleErrors()
	staff.NoConsoleErrors()
}
