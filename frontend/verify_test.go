package frontend_test

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

	"kohorte/models"
)

func TestVerificationPageByLinkAndByUpload(t *testing.T) {
	t.Parallel()
	s, db := newAttendanceStack(t)
	course := s.course("Netzwerkkoordinator:in")
	cohort := s.cohort(course.ID, "Frühjahr 2023", 16)
	p := s.person("Zoë", "Ćosić-Şahin", "zoe@kohorte.test", "SL")
	e, err := s.svc.Enrollments.Enroll(t.Context(), s.admin, cohort.ID, p.ID, models.NewDate(2023, 3, 1))
	if err != nil {
		t.Fatal(err)
	}
	pdf := []byte("%PDF-1.4 as issued")
	sum := sha256.Sum256(pdf)
	token := strings.Repeat("Q", 43)
	doc := models.IssuedDocument{Kind: models.KindCertificate, Number: "KOH-2023-0016", CourseID: course.ID, EnrollmentID: e.ID,
		CourseTitle: course.Title, CohortName: cohort.Name, Holder: "Zoë Ćosić-Şahin", Lang: "de", IssuedOn: models.NewDate(2023, 9, 21), PDF: pdf, SHA256: hex.EncodeToString(sum[:]),
		Token: token, IssuedByID: s.admin.UserID}
	if err := db.Create(&doc).Error; err != nil {
		t.Fatal(err)
	}
	anyone := s.client()
	r := anyone.get("/verify/" + token)
	expect(t, r, http.StatusOK, "Gültig: Dieses Dokument wurde so von uns ausgestellt.", "Zertifikat", "KOH-2023-0016",
		"Zoë Ćosić-Şahin", "Frühjahr 2023", "21.09.2023", doc.SHA256)
	if got := r.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control of the page, which shows the visitor's navigation: %q", got)
	}
	if strings.Contains(r.Body, "zoe@kohorte.test") {
		t.Error("the verification page shows the holder's e-mail")
	}
	expect(t, anyone.get("/verify/"+strings.Repeat("R", 43)), http.StatusNotFound)

	upload := func(content []byte) response {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		part, _ := w.CreateFormFile("file", "zertifikat.pdf")
		part.Write(content)
		w.Close()
		req := httptest.NewRequest(http.MethodPost, origin+"/verify", &body)
		req.Header.Set("Content-Type", w.FormDataContentType())
		return anyone.do(req)
	}
	if rec := upload(pdf); rec.Code != http.StatusOK || !strings.Contains(rec.Body, "KOH-2023-0016") {
		t.Errorf("the issued file: %d", rec.Code)
	}
	changed := bytes.Clone(pdf)
	changed[5] = '2'
	if rec := upload(changed); rec.Code != http.StatusOK || !strings.Contains(rec.Body, "kein von uns ausgestelltes Dokument") ||
		strings.Contains(rec.Body, "KOH-2023-0016") {
		t.Errorf("one byte changed: %d", rec.Code)
	}

	now := time.Now().UTC()
	if err := db.Model(&doc).Updates(map[string]any{"revoked_at": now, "revoke_reason": "Name falsch geschrieben"}).Error; err != nil {
		t.Fatal(err)
	}
	expect(t, anyone.get("/verify/"+token), http.StatusOK, "Widerrufen am", "Name falsch geschrieben")
}
