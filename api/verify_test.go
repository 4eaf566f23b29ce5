package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"kohorte/api/apitest"
	"kohorte/models"
)

// registerDocument puts an issued document straight into the register;
// issuing itself is the services' to test.
func (f *fixture) registerDocument(t *testing.T, enrollment, course uint, number, token string, pdf []byte) models.IssuedDocument {
	t.Helper()
	sum := sha256.Sum256(pdf)
	// Issuing keeps the names the document was issued under on it.
	var names struct{ Course, Cohort string }
	f.db.Raw(`SELECT co.title AS course, c.name AS cohort FROM enrollments e JOIN cohorts c ON c.id = e.cohort_id
		JOIN courses co ON co.id = c.course_id WHERE e.id = ?`, enrollment).Scan(&names)
	d := models.IssuedDocument{Kind: models.KindCertificate, Number: number, CourseID: course, EnrollmentID: enrollment,
		CourseTitle: names.Course, CohortName: names.Cohort, Holder: "Zoë Ćosić-Şahin", Lang: "de", IssuedOn: models.NewDate(2023, 9, 21), PDF: pdf,
		SHA256: hex.EncodeToString(sum[:]), Token: token, IssuedByID: 1}
	if err := f.db.Create(&d).Error; err != nil {
		t.Fatal(err)
	}
	return d
}

func (f *fixture) postPDF(pdf []byte, multipartForm bool) *apitest.Response {
	body, ct := bytes.NewReader(pdf), "application/pdf"
	if multipartForm {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		part, _ := w.CreateFormFile("file", "zertifikat.pdf")
		part.Write(pdf)
		w.Close()
		body, ct = bytes.NewReader(buf.Bytes()), w.FormDataContentType()
	}
	req := httptest.NewRequest(http.MethodPost, "/api/v1/verify", body)
	req.Header.Set("Content-Type", ct)
	return f.client.Do(req)
}

func TestAnyoneVerifiesADocumentByTokenOrByItsBytes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	course, cohort := f.seedCourse(t, admin)
	_, enrollment := f.seedEnrollment(t, admin, cohort, "zoe@example.org")
	valid := strings.Repeat("A", 43)
	pdf := []byte("%PDF-1.4 issued bytes")
	doc := f.registerDocument(t, enrollment, course, "KOH-2023-0001", valid, pdf)
	revokedToken := strings.Repeat("B", 43)
	revoked := f.registerDocument(t, enrollment, course, "KOH-2023-0002", revokedToken, []byte("%PDF-1.4 other bytes"))
	at := time.Date(2023, 10, 2, 9, 30, 0, 0, time.UTC)
	if err := f.db.Model(&revoked).Updates(map[string]any{"revoked_at": at, "revoke_reason": "Name falsch geschrieben"}).Error; err != nil {
		t.Fatal(err)
	}

	var cohortName string
	f.db.Model(&models.Cohort{}).Select("name").Where("id = ?", cohort).Scan(&cohortName)
	var courseTitle string
	f.db.Model(&models.Course{}).Select("title").Where("id = ?", course).Scan(&courseTitle)
	want := map[string]any{"holder": "Zoë Ćosić-Şahin", "kind": "certificate", "number": "KOH-2023-0001",
		"course": courseTitle, "cohort": cohortName, "issued_on": "2023-09-21", "status": "valid", "sha256": doc.SHA256}
	cache := func(want string) func(*testing.T, *apitest.Response) {
		return func(t *testing.T, r *apitest.Response) {
			if got := r.Header.Get("Cache-Control"); got != want {
				t.Errorf("Cache-Control = %q, want %q", got, want)
			}
		}
	}
	f.client.Run(t, []apitest.Row{
		{Name: "valid, without login", Method: http.MethodGet, Path: "/api/v1/verify/" + valid,
			Status: http.StatusOK, Want: want, Check: cache("public, max-age=300")},
		{Name: "revoked, with date and reason", Method: http.MethodGet, Path: "/api/v1/verify/" + revokedToken,
			Status: http.StatusOK, Check: func(t *testing.T, r *apitest.Response) {
				cache("no-cache")(t, r)
				var v map[string]any
				r.JSON(t, &v)
				if v["status"] != "revoked" || v["revoke_reason"] != "Name falsch geschrieben" || v["revoked_at"] != "2023-10-02T09:30:00Z" {
					t.Errorf("revoked document: %v", v)
				}
			}},
		{Name: "unknown token", Method: http.MethodGet, Path: "/api/v1/verify/" + strings.Repeat("C", 43),
			Status: http.StatusNotFound, Check: cache("no-store")},
		{Name: "a token too short", Method: http.MethodGet, Path: "/api/v1/verify/" + valid[:20], Status: http.StatusNotFound},
	})

	if r := f.postPDF(pdf, false); r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"number":"KOH-2023-0001"`) {
		t.Errorf("the issued bytes as body: %d %s", r.Status, r.Body)
	}
	if r := f.postPDF(pdf, true); r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"status":"valid"`) {
		t.Errorf("the issued bytes as a form: %d %s", r.Status, r.Body)
	}
	changed := bytes.Clone(pdf)
	changed[9] = 'X'
	if r := f.postPDF(changed, true); r.Status != http.StatusNotFound || !strings.Contains(string(r.Body), `"code":"document.not_issued"`) {
		t.Errorf("one byte changed: %d %s", r.Status, r.Body)
	}
	if r := f.postPDF(nil, false); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"field":"file"`) {
		t.Errorf("no file: %d %s", r.Status, r.Body)
	}
	if r := f.postPDF(bytes.Repeat([]byte("x"), 10<<20+1), false); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"code":"too_large"`) {
		t.Errorf("too large: %d %.300s", r.Status, r.Body)
	}
}
