package api_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"kohorte/api/apitest"
)

// seedEnrollment creates a participant and enrolls them in cohort.
func (f *fixture) seedEnrollment(t *testing.T, staff *http.Cookie, cohort uint, email string) (participantID, enrollmentID uint) {
	t.Helper()
	var p struct{ ID uint }
	r := f.as(staff, http.MethodPost, "/api/v1/participants", map[string]any{
		"first_name": "Zoë", "last_name": "Ćosić-Şahin", "email": email, "federal_state": "Saarland", "network_type": "MINT-Region"})
	if r.Status != http.StatusCreated {
		t.Fatalf("create participant: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &p)
	var e struct{ ID uint }
	r = f.as(staff, http.MethodPost, "/api/v1/cohorts/"+strconv.Itoa(int(cohort))+"/enrollments", map[string]any{"participant_id": p.ID})
	if r.Status != http.StatusCreated {
		t.Fatalf("enroll: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &e)
	return p.ID, e.ID
}

// upload sends file as the multipart field "file".
func (f *fixture) upload(cookie *http.Cookie, path, name, content string) *apitest.Response {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, _ := w.CreateFormFile("file", name)
	part.Write([]byte(content))
	w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.AddCookie(cookie)
	return f.client.Do(req)
}

func TestEnrollWithdrawAndList(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	_, cohort := f.seedCourse(t, admin)
	person, enrollment := f.seedEnrollment(t, admin, cohort, "zoe@example.org")
	base := "/api/v1/cohorts/" + strconv.Itoa(int(cohort))

	if r := f.as(admin, http.MethodPost, base+"/enrollments", map[string]any{"participant_id": person}); r.Status != http.StatusConflict {
		t.Fatalf("second enrollment: %d %s", r.Status, r.Body)
	}
	r := f.as(admin, http.MethodPost, "/api/v1/enrollments/"+strconv.Itoa(int(enrollment))+"/withdraw",
		map[string]any{"withdrawn_at": "2026-11-21", "reason": "Jobwechsel"})
	if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"withdrawal_reason":"Jobwechsel"`) {
		t.Fatalf("withdraw: %d %s", r.Status, r.Body)
	}
	var list struct {
		Items []struct {
			Status      string
			Participant struct {
				FederalState string `json:"federal_state"`
				NetworkType  string `json:"network_type"`
			}
		}
		Total int
	}
	f.as(admin, http.MethodGet, base+"/enrollments?status=withdrawn&federal_state=Saarland", nil).JSON(t, &list)
	if list.Total != 1 || list.Items[0].Participant.FederalState != "SL" || list.Items[0].Participant.NetworkType != "mint_region" {
		t.Fatalf("list %+v", list)
	}
	if r := f.as(admin, http.MethodGet, base+"/enrollments?federal_state=Atlantis", nil); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown state filter: %d", r.Status)
	}
	if r := f.as(admin, http.MethodGet, base+"/enrollments?sort=password", nil); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown sort: %d", r.Status)
	}
	var stats struct {
		ByStatus map[string]int `json:"by_status"`
	}
	f.as(admin, http.MethodGet, base+"/statistics", nil).JSON(t, &stats)
	if stats.ByStatus["withdrawn"] != 1 {
		t.Fatalf("statistics %+v", stats)
	}
}

const importCSV = "\ufeffVorname;Nachname;E-Mail;Bundesland;Netzwerk\r\n" +
	"Jürgen;Müller;jm@example.org;Bayern;Fachkräftesicherung\r\n" +
	"Ayşe;Yılmaz;ay@example.org;NI;MINT-Region\r\n"

func TestImportPreviewCommitAndExport(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	_, cohort := f.seedCourse(t, admin)
	base := "/api/v1/cohorts/" + strconv.Itoa(int(cohort))

	bad := f.upload(admin, base+"/import", "liste.csv", importCSV+"Max;;kaputt;Bayernn;\r\n")
	if bad.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad list: %d %s", bad.Status, bad.Body)
	}
	for _, want := range []string{`"row":4,"column":"Nachname"`, `"row":4,"column":"E-Mail"`, `"row":4,"column":"Bundesland"`} {
		if !strings.Contains(string(bad.Body), want) {
			t.Errorf("problem lacks %s: %s", want, bad.Body)
		}
	}
	var count struct{ Total int }
	f.as(admin, http.MethodGet, "/api/v1/participants", nil).JSON(t, &count)
	if count.Total != 0 {
		t.Fatalf("a refused import left %d participants", count.Total)
	}

	var preview struct {
		New  int
		Rows []struct{ Outcome string }
	}
	f.upload(admin, base+"/import/preview", "liste.csv", importCSV).JSON(t, &preview)
	if preview.New != 2 || preview.Rows[0].Outcome != "new" {
		t.Fatalf("preview %+v", preview)
	}
	ok := f.upload(admin, base+"/import", "liste.csv", importCSV)
	if ok.Status != http.StatusCreated || string(ok.Body) != `{"created":2,"enrolled":2,"skipped":0}` {
		t.Fatalf("import: %d %s", ok.Status, ok.Body)
	}

	csv := f.as(admin, http.MethodGet, base+"/export", nil)
	if csv.Status != 200 || !strings.HasPrefix(string(csv.Body), "\ufeffNachname;Vorname;E-Mail") || !strings.Contains(string(csv.Body), "Müller;Jürgen;jm@example.org") {
		t.Fatalf("CSV export: %d %q", csv.Status, csv.Body)
	}
	if cd := csv.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="kohorte-fruehjahr-2023.csv"`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	xlsx := f.as(admin, http.MethodGet, base+"/export?format=xlsx", nil)
	if xlsx.Status != 200 || !bytes.HasPrefix(xlsx.Body, []byte("PK\x03\x04")) {
		t.Fatalf("XLSX export: %d", xlsx.Status)
	}
}

func TestImportRefusesLargeAndLegacyFiles(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	_, cohort := f.seedCourse(t, admin)
	base := "/api/v1/cohorts/" + strconv.Itoa(int(cohort))
	big := f.upload(admin, base+"/import/preview", "liste.csv", strings.Repeat("x", 6<<20))
	if big.Status != http.StatusRequestEntityTooLarge || !strings.Contains(string(big.Body), "5 MB") {
		t.Fatalf("6 MB file: %d %s", big.Status, big.Body)
	}
	legacy := f.upload(admin, base+"/import/preview", "liste.xls", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
	if legacy.Status != http.StatusUnprocessableEntity || !strings.Contains(string(legacy.Body), `"field":"file"`) {
		t.Fatalf("old Excel file: %d %s", legacy.Status, legacy.Body)
	}
}

func TestParticipantSeesOnlyOwnEnrollments(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	_, cohort := f.seedCourse(t, admin)
	zoe, _ := f.seedEnrollment(t, admin, cohort, "zoe@example.org")
	f.seedEnrollment(t, admin, cohort, "other@example.org")
	var inv struct {
		PasswordLink string `json:"password_link"`
		User         struct{ Role string }
	}
	r := f.as(admin, http.MethodPost, "/api/v1/participants/"+strconv.Itoa(int(zoe))+"/account", nil)
	r.JSON(t, &inv)
	if r.Status != http.StatusCreated || inv.User.Role != "participant" {
		t.Fatalf("account: %d %s", r.Status, r.Body)
	}
	token := inv.PasswordLink[strings.Index(inv.PasswordLink, "token=")+6:]
	f.client.Send(http.MethodPost, "/api/v1/auth/set-password", map[string]string{"token": token, "password": "Teilnahme-2026"})
	me := f.login(t, "zoe@example.org", "Teilnahme-2026")
	var mine struct {
		Items []struct {
			CohortName  string `json:"cohort_name"`
			CourseTitle string `json:"course_title"`
		}
	}
	f.as(me, http.MethodGet, "/api/v1/me/enrollments", nil).JSON(t, &mine)
	if len(mine.Items) != 1 || mine.Items[0].CohortName != "Frühjahr 2023" || mine.Items[0].CourseTitle == "" {
		t.Fatalf("own enrollments %+v", mine)
	}
	if r := f.as(me, http.MethodGet, "/api/v1/participants/"+strconv.Itoa(int(zoe)), nil); r.Status != http.StatusForbidden {
		t.Fatalf("participant reads the staff participant route: %d", r.Status)
	}
}
