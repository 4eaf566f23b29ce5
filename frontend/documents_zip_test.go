package frontend_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kohorte/models"
	"kohorte/services"
)

// Anna holds a certificate and a confirmation, Bernd's certificate is
// revoked: the cohort's ZIP, linked from its documents page, holds Anna's
// two PDFs byte for byte as the register keeps them, and not Bernd's.
// A participant or juror is refused.
func TestCohortDocumentsZipHoldsTheValidPDFs(t *testing.T) {
	t.Parallel()
	s, db := newAttendanceStack(t)
	course := s.course("Netzwerkkoordinator:in")
	cohort := s.cohort(course.ID, "Frühjahr 2023", 16)
	ctx := context.Background()
	anna := s.person("Anna", "Muster", "anna@kohorte.test", "NI")
	bernd := s.person("Bernd", "Öztürk", "bernd@kohorte.test", "NI")
	enroll := func(p models.Participant) models.Enrollment {
		e, err := s.svc.Enrollments.Enroll(ctx, s.admin, cohort.ID, p.ID, models.NewDate(2023, 3, 1))
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	ea, eb := enroll(anna), enroll(bernd)
	in := services.IssueInput{OverrideReason: "Projekt nachgereicht", VerifyBase: "https://kohorte.example.org"}
	if _, err := s.svc.Documents.IssueCertificate(ctx, s.admin, ea.ID, in); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Documents.IssueConfirmation(ctx, s.admin, ea.ID, in); err != nil {
		t.Fatal(err)
	}
	revoked, err := s.svc.Documents.IssueCertificate(ctx, s.admin, eb.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Documents.Revoke(ctx, s.admin, revoked.ID, "Irrtum"); err != nil {
		t.Fatal(err)
	}
	sum := func(number string) string {
		var d models.IssuedDocument
		if err := db.Select("sha256").Where("number = ?", number).Take(&d).Error; err != nil {
			t.Fatal(err)
		}
		return d.SHA256
	}
	c := s.adminClient()
	page := fmt.Sprintf("/kohorten/%d/dokumente", cohort.ID)
	expect(t, c.get(page), http.StatusOK, fmt.Sprintf(`href="%s.zip"`, page), "Gültige Dokumente als ZIP")

	r := c.get(page + ".zip")
	if r.Code != http.StatusOK || r.Header.Get("Content-Type") != "application/zip" || r.Header.Get("Cache-Control") != "no-store" ||
		r.Header.Get("Content-Disposition") != `attachment; filename="dokumente-fruehjahr-2023.zip"; filename*=UTF-8''dokumente-Fr%C3%BChjahr-2023.zip` {
		t.Fatalf("zip: %d %v", r.Code, r.Header)
	}
	zr, err := zip.NewReader(bytes.NewReader([]byte(r.Body)), int64(len(r.Body)))
	if err != nil {
		t.Fatal(err)
	}
	type entry struct{ Name, SHA256 string }
	var got []entry
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		if _, err := io.Copy(h, rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
		got = append(got, entry{f.Name, hex.EncodeToString(h.Sum(nil))})
	}
	want := []entry{{"Muster_Anna_KOH-2026-0001.pdf", sum("KOH-2026-0001")}, {"Muster_Anna_KOH-T-2026-0001.pdf", sum("KOH-T-2026-0001")}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}

	for _, refused := range []response{s.participantClient(anna).get(page + ".zip"), func() response {
		juror, _ := s.loggedIn(models.RoleJuror)
		return juror.get(page + ".zip")
	}()} {
		if refused.Code != http.StatusForbidden || refused.Header.Get("Content-Disposition") != "" {
			t.Errorf("refused: %d %v", refused.Code, refused.Header)
		}
	}
	expect(t, c.get("/kohorten/999999/dokumente.zip"), http.StatusNotFound)
}
