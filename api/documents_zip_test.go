package api_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kohorte/api/apitest"
	"kohorte/models"
)

// zipFile is an entry of a downloaded archive: its name and the SHA-256
// of its content.
type zipFile struct{ Name, SHA256 string }

func unzip(t *testing.T, b []byte) []zipFile {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a ZIP: %v", err)
	}
	var out []zipFile
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		if _, err := io.Copy(h, r); err != nil {
			t.Fatal(err)
		}
		r.Close()
		out = append(out, zipFile{f.Name, hex.EncodeToString(h.Sum(nil))})
	}
	return out
}

// Two people named Zoë Ćosić-Şahin: the first holds a certificate and a
// confirmation, the second's certificate is revoked. The cohort's ZIP
// holds the first one's two PDFs as the register keeps them, and not the
// revoked one; participants and jurors are refused.
func TestCohortDocumentsZipThroughTheAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	_, cohort := f.seedCourse(t, admin)
	person, first := f.seedEnrollment(t, admin, cohort, "zoe@example.org")
	_, second := f.seedEnrollment(t, admin, cohort, "zoe2@example.org")
	zoe := f.participantLogin(t, admin, person, "zoe@example.org", "Zertifikat-2026")
	f.addUser(t, admin, "jury@example.org", models.RoleJuror, "Bewertung-2026")
	juror := f.login(t, "jury@example.org", "Bewertung-2026")
	issue := func(enrollment uint, kind string) uint {
		var d struct{ ID uint }
		r := f.as(admin, http.MethodPost, "/api/v1/enrollments/"+strconv.Itoa(int(enrollment))+"/"+kind,
			map[string]any{"override_reason": "Projekt nachgereicht"})
		if r.Status != http.StatusCreated {
			t.Fatalf("issue %s: %d %s", kind, r.Status, r.Body)
		}
		r.JSON(t, &d)
		return d.ID
	}
	issue(first, "certificate")
	issue(first, "confirmation")
	revoked := issue(second, "certificate")
	if r := f.as(admin, http.MethodPost, "/api/v1/documents/"+strconv.Itoa(int(revoked))+"/revoke",
		map[string]any{"reason": "Irrtum"}); r.Status != http.StatusOK {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	sum := func(number string) string {
		var d models.IssuedDocument
		if err := f.db.Select("sha256").Where("number = ?", number).Take(&d).Error; err != nil {
			t.Fatal(err)
		}
		return d.SHA256
	}
	path := "/api/v1/cohorts/" + strconv.Itoa(int(cohort)) + "/documents.zip"

	f.client.Run(t, []apitest.Row{
		{Name: "staff get the valid documents", Cookie: admin, Method: http.MethodGet, Path: path, Status: http.StatusOK,
			Check: func(t *testing.T, r *apitest.Response) {
				want := `attachment; filename="dokumente-fruehjahr-2023.zip"; filename*=UTF-8''dokumente-Fr%C3%BChjahr-2023.zip`
				if got := r.Header.Get("Content-Disposition"); got != want {
					t.Errorf("Content-Disposition %s", got)
				}
				if r.Header.Get("Cache-Control") != "no-store" || r.Header.Get("Content-Type") != "application/zip" {
					t.Errorf("headers %v", r.Header)
				}
				wantFiles := []zipFile{
					{"Ćosić-Şahin_Zoë_KOH-2026-0001.pdf", sum("KOH-2026-0001")},
					{"Ćosić-Şahin_Zoë_KOH-T-2026-0001.pdf", sum("KOH-T-2026-0001")},
				}
				if diff := cmp.Diff(wantFiles, unzip(t, r.Body)); diff != "" {
					t.Errorf("files (-want +got):\n%s", diff)
				}
			}},
		{Name: "the holder is no staff", Cookie: zoe, Method: http.MethodGet, Path: path, Status: http.StatusForbidden},
		{Name: "nor is a juror", Cookie: juror, Method: http.MethodGet, Path: path, Status: http.StatusForbidden},
		{Name: "an unknown cohort", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/cohorts/999999/documents.zip",
			Status: http.StatusNotFound, Want: problemCode{"not_found"}},
	})
}
