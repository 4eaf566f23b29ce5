package api_test

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"kohorte/api/apitest"
	"kohorte/models"
)

// pdfText extracts a PDF's text with poppler's pdftotext, as a reader's
// software would.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext (Debian poppler-utils) is missing on CI")
		}
		t.Skip("pdftotext not installed (Debian poppler-utils)")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// Staff preview a course's certificate and confirmation, printed for the
// sample person with a number marked as a sample; nothing is stored and
// no number taken. Participants are refused.
func TestCoursePreviewThroughTheAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	course, cohort := f.seedCourse(t, admin)
	person, _ := f.seedEnrollment(t, admin, cohort, "zoe@example.org")
	zoe := f.participantLogin(t, admin, person, "zoe@example.org", "Zertifikat-2026")
	base := "/api/v1/courses/" + strconv.Itoa(int(course)) + "/preview/"
	pdf := func(disposition string, wants ...string) func(*testing.T, *apitest.Response) {
		return func(t *testing.T, r *apitest.Response) {
			if got := r.Header.Get("Content-Disposition"); got != disposition {
				t.Errorf("Content-Disposition %s", got)
			}
			if r.Header.Get("Cache-Control") != "no-store" || r.Header.Get("Content-Type") != "application/pdf" {
				t.Errorf("headers %v", r.Header)
			}
			text := pdfText(t, r.Body)
			for _, want := range wants {
				if !strings.Contains(text, want) {
					t.Errorf("%q not in\n%s", want, text)
				}
			}
		}
	}
	f.client.Run(t, []apitest.Row{
		{Name: "the certificate", Cookie: admin, Method: http.MethodGet, Path: base + "certificate", Status: http.StatusOK,
			Check: pdf(`inline; filename="Cosic-Sahin_Zoe_MUSTER-KOH-2026-0000.pdf"; filename*=UTF-8''%C4%86osi%C4%87-%C5%9Eahin_Zo%C3%AB_MUSTER-KOH-2026-0000.pdf`,
				"Netzwerkkoordinator:in zur", "Zoë Ćosić-Şahin", "Nr. MUSTER-KOH-2026-0000", "Netzwerkmanagement", "/verify/MUSTER")},
		{Name: "the confirmation in English", Cookie: admin, Method: http.MethodGet, Path: base + "confirmation?lang=en", Status: http.StatusOK,
			Check: pdf(`inline; filename="Cosic-Sahin_Zoe_SAMPLE-KOH-T-2026-0000.pdf"; filename*=UTF-8''%C4%86osi%C4%87-%C5%9Eahin_Zo%C3%AB_SAMPLE-KOH-T-2026-0000.pdf`,
				"Confirmation of attendance", "Zoë Ćosić-Şahin", "cohort Sample", "No. SAMPLE-KOH-T-2026-0000")},
		{Name: "an unknown language", Cookie: admin, Method: http.MethodGet, Path: base + "certificate?lang=fr",
			Status: http.StatusUnprocessableEntity},
		{Name: "an unknown course", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/courses/999999/preview/certificate",
			Status: http.StatusNotFound, Want: problemCode{"not_found"}},
		{Name: "a participant", Cookie: zoe, Method: http.MethodGet, Path: base + "certificate", Status: http.StatusForbidden},
		{Name: "a participant's confirmation", Cookie: zoe, Method: http.MethodGet, Path: base + "confirmation", Status: http.StatusForbidden},
	})
	var documents, counters int64
	f.db.Model(&models.IssuedDocument{}).Count(&documents)
	f.db.Model(&models.DocumentCounter{}).Count(&counters)
	if documents != 0 || counters != 0 {
		t.Errorf("after previews: %d documents, %d counters, want none", documents, counters)
	}
}
