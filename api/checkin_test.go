package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"kohorte/api/apitest"
	"kohorte/models"
)

// seedPresenceNow adds a closing day of the cohort that is going on now,
// as a row, and a webinar at the same time.
func (f *fixture) seedPresenceNow(t *testing.T, cohort uint) (closing, webinar uint) {
	t.Helper()
	start := time.Now().UTC().Add(-10 * time.Minute).Truncate(time.Second)
	ids := make([]uint, 2)
	for i, kind := range []models.SessionKind{models.SessionClosing, models.SessionWebinar} {
		s := models.CohortSession{CohortID: cohort, Kind: kind, Title: string(kind), StartsAt: start,
			EndsAt: start.Add(3 * time.Hour), Required: true, Units: 8, Location: "IHK Oldenburg"}
		if err := f.db.Create(&s).Error; err != nil {
			t.Fatal(err)
		}
		ids[i] = s.ID
	}
	return ids[0], ids[1]
}

func TestSelfCheckInThroughTheAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	course, cohort := f.seedCourse(t, admin)
	zoe, zoeEnr := f.seedEnrollment(t, admin, cohort, "zoe@example.org")
	var second struct{ ID uint }
	f.as(admin, http.MethodPost, "/api/v1/courses/"+strconv.Itoa(int(course))+"/cohorts",
		map[string]any{"name": "Herbst 2023", "start_date": "2023-03-01", "capacity": 16}).JSON(t, &second)
	other := second.ID
	ida, _ := f.seedEnrollment(t, admin, other, "ida@example.org")
	zoeCookie := f.participantLogin(t, admin, zoe, "zoe@example.org", "Teilnahme-2026")
	idaCookie := f.participantLogin(t, admin, ida, "ida@example.org", "Teilnahme-2026")
	closing, webinar := f.seedPresenceNow(t, cohort)
	path := "/api/v1/sessions/" + strconv.Itoa(int(closing)) + "/checkin"

	var shown struct {
		Code string
		URL  string
	}
	r := f.as(admin, http.MethodPost, path, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("open: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &shown)
	if !strings.HasSuffix(shown.URL, "/check-in/"+strconv.Itoa(int(closing))+"?code="+shown.Code) {
		t.Errorf("QR link %q", shown.URL)
	}
	wrong := []byte(shown.Code)
	wrong[0] = '0' + (wrong[0]-'0'+1)%10
	type field struct{ Field, Code string }
	type problem struct{ Code string }
	checkin := func(code string) map[string]any { return map[string]any{"session_id": closing, "code": code} }
	f.client.Run(t, []apitest.Row{
		{Name: "a webinar has none", Cookie: admin, Method: http.MethodPost, Path: "/api/v1/sessions/" + strconv.Itoa(int(webinar)) + "/checkin",
			Status: http.StatusConflict, Want: problem{"checkin.not_in_person"}},
		{Name: "a wrong code", Cookie: zoeCookie, Method: http.MethodPost, Path: "/api/v1/me/checkin", Body: checkin(string(wrong)),
			Status: http.StatusUnprocessableEntity, Want: struct{ Errors []field }{[]field{{"code", "checkin.code_invalid"}}}},
		{Name: "someone of another cohort", Cookie: idaCookie, Method: http.MethodPost, Path: "/api/v1/me/checkin", Body: checkin(shown.Code),
			Status: http.StatusForbidden, Want: problem{"checkin.not_expected"}},
		{Name: "staff do not check in", Cookie: admin, Method: http.MethodPost, Path: "/api/v1/me/checkin", Body: checkin(shown.Code),
			Status: http.StatusForbidden},
		{Name: "check in", Cookie: zoeCookie, Method: http.MethodPost, Path: "/api/v1/me/checkin", Body: checkin(shown.Code),
			Status: http.StatusOK, Want: map[string]any{"session_id": float64(closing), "status": "present", "modality": "on_site", "changed": true}},
		{Name: "again changes nothing", Cookie: zoeCookie, Method: http.MethodPost, Path: "/api/v1/me/checkin", Body: checkin(shown.Code),
			Status: http.StatusOK, Want: map[string]any{"session_id": float64(closing), "status": "present", "modality": "on_site", "changed": false}},
		{Name: "staff read the code", Cookie: admin, Method: http.MethodGet, Path: path, Status: http.StatusOK},
		{Name: "a participant cannot", Cookie: zoeCookie, Method: http.MethodGet, Path: path, Status: http.StatusForbidden},
		{Name: "close", Cookie: admin, Method: http.MethodDelete, Path: path, Status: http.StatusNoContent},
		{Name: "closed: no code", Cookie: admin, Method: http.MethodGet, Path: path, Status: http.StatusConflict,
			Want: problem{"checkin.closed"}},
		{Name: "closed: no check-in", Cookie: zoeCookie, Method: http.MethodPost, Path: "/api/v1/me/checkin", Body: checkin(shown.Code),
			Status: http.StatusConflict, Want: problem{"checkin.closed"}},
	})
	var rows []models.Attendance
	f.db.Where("session_id = ?", closing).Find(&rows)
	if len(rows) != 1 || rows[0].EnrollmentID != zoeEnr || rows[0].Status != models.AttendancePresent || rows[0].Modality != models.ModalityOnSite {
		t.Errorf("attendance after the check-ins: %+v", rows)
	}
}
