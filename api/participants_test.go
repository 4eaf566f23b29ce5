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
	r = f.as(staff, http.MethodPost, "/api/v1/cohorts/"+strconv.Itoa(int(cohort))+"/enrollments",
		map[string]any{"participant_id": p.ID, "enrolled_at": "2023-02-15"})
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

	type participant struct {
		FederalState string `json:"federal_state"`
		NetworkType  string `json:"network_type"`
	}
	type listed struct{ Participant participant }
	type list struct {
		Items []listed
		Total int
	}
	type byStatus struct {
		Withdrawn int `json:"withdrawn"`
	}
	type statistics struct {
		ByStatus byStatus `json:"by_status"`
	}
	f.client.Run(t, []apitest.Row{
		{Name: "second enrollment", Cookie: admin, Method: http.MethodPost, Path: base + "/enrollments",
			Body: map[string]any{"participant_id": person}, Status: http.StatusConflict},
		{Name: "withdraw", Cookie: admin, Method: http.MethodPost, Path: "/api/v1/enrollments/" + strconv.Itoa(int(enrollment)) + "/withdraw",
			Body:   map[string]any{"withdrawn_at": "2023-04-20", "reason": "Jobwechsel"},
			Status: http.StatusOK, Want: struct {
				WithdrawalReason string `json:"withdrawal_reason"`
			}{"Jobwechsel"}},
		{Name: "withdrawn in Saarland", Cookie: admin, Method: http.MethodGet, Path: base + "/enrollments?status=withdrawn&federal_state=Saarland",
			Status: http.StatusOK, Want: list{Total: 1, Items: []listed{{Participant: participant{FederalState: "SL", NetworkType: "mint_region"}}}}},
		{Name: "unknown state filter", Cookie: admin, Method: http.MethodGet, Path: base + "/enrollments?federal_state=Atlantis",
			Status: http.StatusUnprocessableEntity},
		{Name: "unknown sort", Cookie: admin, Method: http.MethodGet, Path: base + "/enrollments?sort=password",
			Status: http.StatusUnprocessableEntity},
		{Name: "statistics", Cookie: admin, Method: http.MethodGet, Path: base + "/statistics",
			Status: http.StatusOK, Want: statistics{ByStatus: byStatus{Withdrawn: 1}}},
	})
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
	f.client.Run(t, []apitest.Row{
		{Name: "no participants after a refused import", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/participants",
			Status: http.StatusOK, Want: struct{ Total int }{0}},
	})

	var preview struct {
		New  int
		Rows []struct{ Outcome string }
	}
	f.upload(admin, base+"/import/preview", "liste.csv", importCSV).JSON(t, &preview)
	if preview.New != 2 {
		t.Fatalf("preview counts %d new, want 2: %+v", preview.New, preview)
	}
	if preview.Rows[0].Outcome != "new" {
		t.Fatalf("preview row 1 outcome %q, want new: %+v", preview.Rows[0].Outcome, preview)
	}
	ok := f.upload(admin, base+"/import", "liste.csv", importCSV)
	if ok.Status != http.StatusCreated {
		t.Fatalf("import: status %d, want 201: %s", ok.Status, ok.Body)
	}
	if want := `{"created":2,"enrolled":2,"skipped":0}`; string(ok.Body) != want {
		t.Fatalf("import: body %s, want %s", ok.Body, want)
	}

	f.client.Run(t, []apitest.Row{
		{Name: "CSV export", Cookie: admin, Method: http.MethodGet, Path: base + "/export", Status: http.StatusOK,
			Check: func(t *testing.T, csv *apitest.Response) {
				if !strings.HasPrefix(string(csv.Body), "\ufeffNachname;Vorname;E-Mail") {
					t.Errorf("CSV export lacks the BOM and header row: %q", csv.Body)
				}
				if !strings.Contains(string(csv.Body), "Müller;Jürgen;jm@example.org") {
					t.Errorf("CSV export lacks the imported row: %q", csv.Body)
				}
				if cd := csv.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="kohorte-fruehjahr-2023.csv"`) {
					t.Errorf("Content-Disposition %q", cd)
				}
			}},
		{Name: "XLSX export", Cookie: admin, Method: http.MethodGet, Path: base + "/export?format=xlsx", Status: http.StatusOK,
			Check: func(t *testing.T, xlsx *apitest.Response) {
				if !bytes.HasPrefix(xlsx.Body, []byte("PK\x03\x04")) {
					t.Errorf("XLSX export is not a zip file: %.20q", xlsx.Body)
				}
			}},
	})
}

func TestImportRefusesLargeAndLegacyFiles(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	_, cohort := f.seedCourse(t, admin)
	base := "/api/v1/cohorts/" + strconv.Itoa(int(cohort))
	big := f.upload(admin, base+"/import/preview", "liste.csv", strings.Repeat("x", 6<<20))
	if big.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("6 MB file: status %d, want 413: %s", big.Status, big.Body)
	}
	if !strings.Contains(string(big.Body), "5 MB") {
		t.Fatalf("6 MB file: problem does not name the 5 MB limit: %s", big.Body)
	}
	legacy := f.upload(admin, base+"/import/preview", "liste.xls", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
	if legacy.Status != http.StatusUnprocessableEntity {
		t.Fatalf("old Excel file: status %d, want 422: %s", legacy.Status, legacy.Body)
	}
	if !strings.Contains(string(legacy.Body), `"field":"file"`) {
		t.Fatalf("old Excel file: problem does not name the field file: %s", legacy.Body)
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
	if r.Status != http.StatusCreated {
		t.Fatalf("account: status %d, want 201: %s", r.Status, r.Body)
	}
	if inv.User.Role != "participant" {
		t.Fatalf("account: role %q, want participant: %s", inv.User.Role, r.Body)
	}
	token := inv.PasswordLink[strings.Index(inv.PasswordLink, "token=")+6:]
	f.client.Send(http.MethodPost, "/api/v1/auth/set-password", map[string]string{"token": token, "password": "Teilnahme-2026"})
	me := f.login(t, "zoe@example.org", "Teilnahme-2026")
	type own struct {
		CohortName  string           `json:"cohort_name"`
		CourseTitle apitest.NonEmpty `json:"course_title"`
	}
	f.client.Run(t, []apitest.Row{
		{Name: "own enrollments", Cookie: me, Method: http.MethodGet, Path: "/api/v1/me/enrollments",
			Status: http.StatusOK, Want: struct{ Items []own }{Items: []own{{CohortName: "Frühjahr 2023", CourseTitle: true}}}},
		{Name: "staff participant route", Cookie: me, Method: http.MethodGet, Path: "/api/v1/participants/" + strconv.Itoa(int(zoe)),
			Status: http.StatusForbidden},
	})
}

// bulkError is one entry of a bulk action's problem.
type bulkError struct {
	Field  string
	Code   string
	Params map[string]any
}

type bulkProblem struct {
	Code   string
	Errors []bulkError
}

func TestBulkActionsOnACohort(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	course, cohort := f.seedCourse(t, admin)
	_, zoe := f.seedEnrollment(t, admin, cohort, "zoe@example.org")
	_, ayse := f.seedEnrollment(t, admin, cohort, "ayse@example.org")
	var other struct{ ID uint }
	f.as(admin, http.MethodPost, "/api/v1/courses/"+strconv.Itoa(int(course))+"/cohorts",
		map[string]any{"name": "Herbst 2023", "start_date": "2023-09-01", "capacity": 16}).JSON(t, &other)
	_, elsewhere := f.seedEnrollment(t, admin, other.ID, "juergen@example.org")
	base := "/api/v1/cohorts/" + strconv.Itoa(int(cohort))
	id := func(n uint) string { return strconv.Itoa(int(n)) }

	before := f.fingerprint(t)
	f.client.Run(t, []apitest.Row{
		{Name: "another cohort's enrollment", Cookie: admin, Method: http.MethodPost, Path: base + "/enrollments/withdraw",
			Body: map[string]any{"enrollment_ids": []uint{zoe, elsewhere}, "withdrawn_at": "2023-04-20"}, Status: http.StatusUnprocessableEntity,
			Want: bulkProblem{Code: "invalid_input", Errors: []bulkError{{Field: "enrollment_ids[1]", Code: "enrollment.not_in_cohort",
				Params: map[string]any{"id": float64(elsewhere)}}}}},
		{Name: "today is after the cohort's end", Cookie: admin, Method: http.MethodPost, Path: base + "/enrollments/withdraw",
			Body: map[string]any{"enrollment_ids": []uint{zoe}}, Status: http.StatusUnprocessableEntity,
			Want: bulkProblem{Code: "invalid_input", Errors: []bulkError{{Field: "withdrawn_at", Code: "withdrawal.after_end",
				Params: map[string]any{"date": "24.05.2023"}}}}},
		{Name: "nobody selected", Cookie: admin, Method: http.MethodPost, Path: base + "/enrollments/withdraw",
			Body: map[string]any{"withdrawn_at": "2023-04-20"}, Status: http.StatusUnprocessableEntity,
			Want: bulkProblem{Code: "invalid_input", Errors: []bulkError{{Field: "enrollment_ids", Code: "too_few",
				Params: map[string]any{"min": float64(1)}}}}},
		{Name: "export with another cohort's id", Cookie: admin, Method: http.MethodGet, Path: base + "/export?ids=" + id(zoe) + "&ids=" + id(elsewhere),
			Status: http.StatusUnprocessableEntity},
		{Name: "accounts with another cohort's id", Cookie: admin, Method: http.MethodPost, Path: base + "/enrollments/accounts",
			Body: map[string]any{"enrollment_ids": []uint{elsewhere}}, Status: http.StatusUnprocessableEntity},
	})
	if after := f.fingerprint(t); after != before {
		t.Fatalf("refused bulk actions changed data: %s → %s", before, after)
	}

	exported := f.as(admin, http.MethodGet, base+"/export?ids="+id(ayse), nil)
	if exported.Status != http.StatusOK || !strings.Contains(string(exported.Body), "ayse@example.org") || strings.Contains(string(exported.Body), "zoe@example.org") {
		t.Fatalf("export of one: %d %s", exported.Status, exported.Body)
	}
	type created struct {
		ParticipantID uint             `json:"participant_id"`
		PasswordLink  apitest.NonEmpty `json:"password_link"`
	}
	type accounts struct {
		Created []created
		Skipped int
	}
	type withdrawn struct {
		Status      string
		WithdrawnAt string `json:"withdrawn_at"`
	}
	f.client.Run(t, []apitest.Row{
		{Name: "accounts for both", Cookie: admin, Method: http.MethodPost, Path: base + "/enrollments/accounts",
			Body: map[string]any{"enrollment_ids": []uint{zoe, ayse}}, Status: http.StatusOK,
			Want: accounts{Created: []created{{1, true}, {2, true}}}},
		{Name: "again: both have one", Cookie: admin, Method: http.MethodPost, Path: base + "/enrollments/accounts",
			Body: map[string]any{"enrollment_ids": []uint{zoe, ayse}}, Status: http.StatusOK,
			Want: accounts{Created: []created{}, Skipped: 2}},
		{Name: "withdraw both", Cookie: admin, Method: http.MethodPost, Path: base + "/enrollments/withdraw",
			Body: map[string]any{"enrollment_ids": []uint{zoe, ayse}, "withdrawn_at": "2023-04-20", "reason": "Umzug"}, Status: http.StatusOK,
			Want: struct{ Items []withdrawn }{[]withdrawn{{"withdrawn", "2023-04-20"}, {"withdrawn", "2023-04-20"}}}},
		{Name: "archive: running", Cookie: admin, Method: http.MethodPost, Path: base + "/status", Body: map[string]string{"status": "running"}, Status: http.StatusOK},
		{Name: "archive: completed", Cookie: admin, Method: http.MethodPost, Path: base + "/status", Body: map[string]string{"status": "completed"}, Status: http.StatusOK},
		{Name: "archive: archived", Cookie: admin, Method: http.MethodPost, Path: base + "/status", Body: map[string]string{"status": "archived"}, Status: http.StatusOK},
		{Name: "an archived cohort's venue", Cookie: admin, Method: http.MethodPut, Path: base,
			Body:   map[string]any{"name": "Frühjahr 2023", "start_date": "2023-03-01", "capacity": 16, "venue": "Hamburg"},
			Status: http.StatusConflict, Want: bulkProblem{Code: "cohort.archived"}},
		{Name: "re-enroll in an archived cohort", Cookie: admin, Method: http.MethodPost, Path: base + "/enrollments",
			Body: map[string]any{"participant_id": 1, "enrolled_at": "2023-04-21"}, Status: http.StatusConflict, Want: bulkProblem{Code: "cohort.archived"}},
		{Name: "accounts through an archived cohort", Cookie: admin, Method: http.MethodPost, Path: base + "/enrollments/accounts",
			Body: map[string]any{"enrollment_ids": []uint{zoe}}, Status: http.StatusConflict, Want: bulkProblem{Code: "cohort.archived"}},
	})
	imported := f.upload(admin, base+"/import", "liste.csv", importCSV)
	if imported.Status != http.StatusConflict || !strings.Contains(string(imported.Body), `"code":"cohort.archived"`) {
		t.Fatalf("import into an archived cohort: %d %s", imported.Status, imported.Body)
	}
}
