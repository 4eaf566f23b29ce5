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

// seedSessionRow adds a webinar of the cohort on 07.03.2023 as a row, as the
// schedule would; the schedule's own rules are tested with it.
func (f *fixture) seedSessionRow(t *testing.T, cohort uint) uint {
	t.Helper()
	start := time.Date(2023, 3, 7, 16, 0, 0, 0, time.UTC)
	s := models.CohortSession{CohortID: cohort, Kind: models.SessionWebinar, Title: "Webinar 1", StartsAt: start,
		EndsAt: start.Add(90 * time.Minute), Required: true, Units: 2}
	if err := f.db.Create(&s).Error; err != nil {
		t.Fatal(err)
	}
	return s.ID
}

func TestAttendanceAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	_, cohort := f.seedCourse(t, admin)
	zoe, zoeEnr := f.seedEnrollment(t, admin, cohort, "zoe@example.org")
	ayse, ayseEnr := f.seedEnrollment(t, admin, cohort, "ayse@example.org")
	session := f.seedSessionRow(t, cohort)
	sessionPath := "/api/v1/sessions/" + strconv.Itoa(int(session)) + "/attendance"
	gridPath := "/api/v1/cohorts/" + strconv.Itoa(int(cohort)) + "/attendance"
	entries := map[string]any{"entries": []map[string]any{
		{"enrollment_id": zoeEnr, "status": "present", "modality": "remote"},
		{"enrollment_id": ayseEnr, "status": "excused", "note": "krank"},
	}}
	type field struct {
		Field, Code string
	}
	type line struct{ Reason, Text string }
	type count struct{ Held, Attended, Excused int }
	type elig struct {
		State string
		Count count
		Lines []line
	}
	type sheetRow struct {
		EnrollmentID           uint `json:"enrollment_id"`
		Status, Modality, Note string
	}
	type row struct {
		EnrollmentID uint `json:"enrollment_id"`
		Eligibility  elig
	}
	f.client.Run(t, []apitest.Row{
		{Name: "record", Cookie: admin, Method: http.MethodPut, Path: sessionPath, Body: entries,
			Status: http.StatusOK, Want: map[string]any{"session_id": float64(session), "changed": float64(2), "unchanged": float64(0)}},
		{Name: "the same again", Cookie: admin, Method: http.MethodPut, Path: sessionPath, Body: entries,
			Status: http.StatusOK, Want: map[string]any{"session_id": float64(session), "changed": float64(0), "unchanged": float64(2)}},
		{Name: "someone of no cohort", Cookie: admin, Method: http.MethodPut, Path: sessionPath,
			Body:   map[string]any{"entries": []map[string]any{{"enrollment_id": 999, "status": "absent"}}},
			Status: http.StatusUnprocessableEntity,
			Want:   struct{ Errors []field }{[]field{{"entries[0].enrollment_id", "enrollment.not_in_cohort"}}}},
		{Name: "unknown session", Cookie: admin, Method: http.MethodPut, Path: "/api/v1/sessions/99999/attendance", Body: entries,
			Status: http.StatusNotFound},
		{Name: "grid", Cookie: admin, Method: http.MethodGet, Path: gridPath, Status: http.StatusOK,
			Want: struct{ Rows []row }{[]row{
				{EnrollmentID: zoeEnr, Eligibility: elig{State: "pending", Count: count{Held: 1, Attended: 1}, Lines: []line{
					{"eligibility.attendance.met", "Attendance 1 of 1 required sessions = 100.0 % ≥ 80 %: met"},
					{"eligibility.closing.none", "Closing: no closing day planned yet: open"},
					{"eligibility.jury.no_group", "Jury: not in a project group: open"}}}},
				{EnrollmentID: ayseEnr, Eligibility: elig{State: "pending", Count: count{Excused: 1}, Lines: []line{
					{"eligibility.attendance.none_held", "Attendance: no required session held yet: open"},
					{"eligibility.closing.none", "Closing: no closing day planned yet: open"},
					{"eligibility.jury.no_group", "Jury: not in a project group: open"}}}},
			}}},
		{Name: "sheet", Cookie: admin, Method: http.MethodGet, Path: sessionPath, Status: http.StatusOK,
			Want: struct{ Rows []sheetRow }{[]sheetRow{{zoeEnr, "present", "remote", ""}, {ayseEnr, "excused", "", "krank"}}}},
	})
	r := f.as(admin, http.MethodGet, gridPath+"/export?format=csv", nil)
	if r.Status != http.StatusOK || !strings.HasPrefix(string(r.Body), "\xEF\xBB\xBFNachname;Vorname;Status;Webinar 1 (07.03.2023, 17:00–18:30);") ||
		!strings.Contains(string(r.Body), "anwesend (online);0;1;1;0;1;0;100,0;offen;") {
		t.Errorf("csv export: %d %q", r.Status, r.Body)
	}
	if r := f.as(admin, http.MethodGet, gridPath+"/export?format=xlsx", nil); r.Status != http.StatusOK || !strings.HasPrefix(string(r.Body), "PK") {
		t.Errorf("xlsx export: %d", r.Status)
	}

	// Each participant sees their own row, nobody else's, and no staff route.
	me := f.participantLogin(t, admin, zoe, "zoe@example.org", "Teilnahme-2026")
	other := f.participantLogin(t, admin, ayse, "ayse@example.org", "Teilnahme-2026")
	type mine struct {
		CohortName string `json:"cohort_name"`
		Attendance row
	}
	f.client.Run(t, []apitest.Row{
		{Name: "own attendance", Cookie: me, Method: http.MethodGet, Path: "/api/v1/me/attendance", Status: http.StatusOK,
			Want: struct{ Items []mine }{[]mine{{CohortName: "Frühjahr 2023", Attendance: row{EnrollmentID: zoeEnr,
				Eligibility: elig{State: "pending", Count: count{Held: 1, Attended: 1}, Lines: []line{
					{"eligibility.attendance.met", "Attendance 1 of 1 required sessions = 100.0 % ≥ 80 %: met"},
					{"eligibility.closing.none", "Closing: no closing day planned yet: open"},
					{"eligibility.jury.no_group", "Jury: not in a project group: open"}}}}}}}},
		{Name: "the other's own", Cookie: other, Method: http.MethodGet, Path: "/api/v1/me/attendance", Status: http.StatusOK,
			Want: struct{ Items []mine }{[]mine{{CohortName: "Frühjahr 2023", Attendance: row{EnrollmentID: ayseEnr,
				Eligibility: elig{State: "pending", Count: count{Excused: 1}, Lines: []line{
					{"eligibility.attendance.none_held", "Attendance: no required session held yet: open"},
					{"eligibility.closing.none", "Closing: no closing day planned yet: open"},
					{"eligibility.jury.no_group", "Jury: not in a project group: open"}}}}}}}},
		{Name: "the grid", Cookie: me, Method: http.MethodGet, Path: gridPath, Status: http.StatusForbidden},
		{Name: "the sheet", Cookie: me, Method: http.MethodGet, Path: sessionPath, Status: http.StatusForbidden},
		{Name: "recording", Cookie: me, Method: http.MethodPut, Path: sessionPath, Body: entries, Status: http.StatusForbidden},
	})
}
