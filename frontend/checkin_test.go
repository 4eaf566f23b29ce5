package frontend_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"kohorte/models"
	"kohorte/services"
)

// Staff open the check-in of a closing day that is going on and show the
// code; Anna enters it on her phone and is present on site; staff close it.
func TestCheckInPages(t *testing.T) {
	t.Parallel()
	s, db := newAttendanceStack(t)
	course := s.course("Netzwerkkoordinator:in")
	cohort := s.cohort(course.ID, "Frühjahr 2023", 16)
	ctx := context.Background()
	p := s.person("Anna", "Muster", "anna@kohorte.test", "NI")
	e, err := s.svc.Enrollments.Enroll(ctx, s.admin, cohort.ID, p.ID, models.NewDate(2023, 3, 1))
	if err != nil {
		t.Fatal(err)
	}
	closing := addSession(t, db, cohort.ID, models.SessionClosing, "Abschlusspräsenz Tag 1", time.Now().Add(-15*time.Minute), false)
	staffPage := fmt.Sprintf("/termine/%d/check-in", closing.ID)
	c := s.adminClient()
	expect(t, c.get(staffPage), http.StatusOK, "Check-in: Abschlusspräsenz Tag 1", "Check-in öffnen")
	expectRedirect(t, c.post(staffPage+"/oeffnen", url.Values{}), staffPage)
	r := c.get(staffPage)
	expect(t, r, http.StatusOK, `<meta http-equiv="refresh"`, "<svg", "Check-in schließen")
	m := regexp.MustCompile(`data-testid="checkin-code">(\d{6})<`).FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no code shown:\n%s", r.Body)
	}
	code := m[1]

	inv, err := s.svc.Participants.CreateAccount(ctx, s.admin, e.ParticipantID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Passwords.SetPasswordWithToken(ctx, inv.Token, password, services.Actor{ClientAddr: "seed"}); err != nil {
		t.Fatal(err)
	}
	anna := s.client()
	anna.login("anna@kohorte.test")
	page := fmt.Sprintf("/check-in/%d", closing.ID)
	expect(t, anna.get(page+"?code="+code), http.StatusOK, `value="`+code+`"`, `inputmode="numeric"`)
	wrong := fmt.Sprintf("%06d", (atoi(code)+1)%1_000_000)
	expect(t, anna.post(page, url.Values{"code": {wrong}}), http.StatusUnprocessableEntity,
		"Das ist nicht der Code, der gerade bei diesem Termin angezeigt wird.", `aria-invalid="true"`)
	expectRedirect(t, anna.post(page, url.Values{"code": {code}}), page+"?erledigt=ja")
	expect(t, anna.get(page+"?erledigt=ja"), http.StatusOK, "Sie sind eingecheckt: anwesend vor Ort.")
	expectRedirect(t, anna.post(page, url.Values{"code": {code}}), page+"?erledigt=schon")
	if r := c.get(staffPage); r.Code != http.StatusOK {
		t.Fatalf("staff page: %d", r.Code)
	}
	expect(t, anna.get(staffPage), http.StatusForbidden)

	var a models.Attendance
	if err := db.Where("session_id = ? AND enrollment_id = ?", closing.ID, e.ID).Take(&a).Error; err != nil ||
		a.Status != models.AttendancePresent || a.Modality != models.ModalityOnSite {
		t.Errorf("attendance %+v, %v", a, err)
	}
	expectRedirect(t, c.post(staffPage+"/schliessen", url.Values{}), staffPage)
	expect(t, c.get(staffPage), http.StatusOK, "Check-in öffnen")
	expect(t, anna.post(page, url.Values{"code": {code}}), http.StatusUnprocessableEntity, "Der Check-in für diesen Termin ist nicht geöffnet.")
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}
