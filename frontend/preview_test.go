package frontend_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"kohorte/models"
	"kohorte/services"
)

// pdfText extracts a PDF's text with poppler's pdftotext, as a reader's
// software would.
func pdfText(t *testing.T, pdf string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext (Debian poppler-utils) is missing on CI")
		}
		t.Skip("pdftotext not installed (Debian poppler-utils)")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, []byte(pdf), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// From the course page staff open the preview, whose PDFs print the
// course for the sample person with a number marked MUSTER (SAMPLE in
// English); nothing is issued and no number taken. Participants and
// jurors are refused.
func TestCoursePreviewShowsTheDocumentsForASamplePerson(t *testing.T) {
	t.Parallel()
	s, db := newAttendanceStack(t)
	course := s.course("Netzwerkkoordinator:in")
	c := s.adminClient()
	page := fmt.Sprintf("/kurse/%d/vorschau", course.ID)

	expect(t, c.get(fmt.Sprintf("/kurse/%d", course.ID)), http.StatusOK, fmt.Sprintf(`href="%s"`, page), "Vorschau der Dokumente")
	expect(t, c.get(page), http.StatusOK, "Vorschau der Dokumente · Netzwerkkoordinator:in",
		page+"/zertifikat.pdf?sprache=de", page+"/zertifikat.pdf?sprache=en",
		page+"/bescheinigung.pdf?sprache=de", page+"/bescheinigung.pdf?sprache=en",
		"IHK Oldenburg (Oldenburg)", "Netzwerkarbeit · Fachkräftesicherung", "als MUSTER gekennzeichnet")

	for _, tc := range []struct {
		path, disposition string
		wants             []string
	}{
		{page + "/zertifikat.pdf", `inline; filename="Cosic-Sahin_Zoe_MUSTER-KOH-2026-0000.pdf"; filename*=UTF-8''%C4%86osi%C4%87-%C5%9Eahin_Zo%C3%AB_MUSTER-KOH-2026-0000.pdf`,
			[]string{"ZERTIFIKAT", "Zoë Ćosić-Şahin", "„Netzwerkkoordinator:in“", "Netzwerkarbeit", "IHK Oldenburg", "Nr. MUSTER-KOH-2026-0000"}},
		{page + "/bescheinigung.pdf?sprache=de", `inline; filename="Cosic-Sahin_Zoe_MUSTER-KOH-T-2026-0000.pdf"; filename*=UTF-8''%C4%86osi%C4%87-%C5%9Eahin_Zo%C3%AB_MUSTER-KOH-T-2026-0000.pdf`,
			[]string{"Teilnahmebescheinigung", "Zoë Ćosić-Şahin", "„Netzwerkkoordinator:in“", "Musterkohorte", "Nr. MUSTER-KOH-T-2026-0000"}},
		{page + "/zertifikat.pdf?sprache=en", `inline; filename="Cosic-Sahin_Zoe_SAMPLE-KOH-2026-0000.pdf"; filename*=UTF-8''%C4%86osi%C4%87-%C5%9Eahin_Zo%C3%AB_SAMPLE-KOH-2026-0000.pdf`,
			[]string{"CERTIFICATE", "Zoë Ćosić-Şahin", "“Netzwerkkoordinator:in”", "No. SAMPLE-KOH-2026-0000"}},
	} {
		r := c.get(tc.path)
		if r.Code != http.StatusOK || r.Header.Get("Content-Type") != "application/pdf" || r.Header.Get("Cache-Control") != "no-store" ||
			r.Header.Get("Content-Disposition") != tc.disposition {
			t.Errorf("%s: %d %v", tc.path, r.Code, r.Header)
			continue
		}
		text := pdfText(t, r.Body)
		for _, want := range tc.wants {
			if !strings.Contains(text, want) {
				t.Errorf("%s: %q not in\n%s", tc.path, want, text)
			}
		}
	}
	expect(t, c.get(page+"/zertifikat.pdf?sprache=fr"), http.StatusBadRequest)
	expect(t, c.get("/kurse/999999/vorschau/zertifikat.pdf"), http.StatusNotFound)
	var documents, counters int64
	db.Model(&models.IssuedDocument{}).Count(&documents)
	db.Model(&models.DocumentCounter{}).Count(&counters)
	if documents != 0 || counters != 0 {
		t.Errorf("after previews: %d documents, %d counters, want none", documents, counters)
	}

	participant := s.participantClient(s.person("Anna", "Muster", "anna@kohorte.test", "NI"))
	juror, _ := s.loggedIn(models.RoleJuror)
	for _, path := range []string{page, page + "/zertifikat.pdf", page + "/bescheinigung.pdf"} {
		for name, cl := range map[string]*client{"participant": participant, "juror": juror} {
			if r := cl.get(path); r.Code != http.StatusForbidden || strings.HasPrefix(r.Body, "%PDF") {
				t.Errorf("%s as %s: %d", path, name, r.Code)
			}
		}
	}
}

// A course whose topics do not fit on its certificate says so on the
// preview, in German, rather than failing.
func TestCoursePreviewSaysWhenTheCertificateDoesNotFit(t *testing.T) {
	t.Parallel()
	s, _ := newAttendanceStack(t)
	in := services.CourseInput{Title: "Netzwerkkoordinator:in", CertificateTitle: "Netzwerkkoordinator:in", CertificatePrefix: "KOH"}
	for i := range 40 {
		in.Topics = append(in.Topics, fmt.Sprintf("Weiteres Thema Nummer %d mit einem längeren Titel", i+1))
	}
	course, err := s.svc.Courses.CreateCourse(context.Background(), s.admin, in)
	if err != nil {
		t.Fatal(err)
	}
	c := s.adminClient()
	page := fmt.Sprintf("/kurse/%d/vorschau", course.ID)
	expect(t, c.get(page+"/zertifikat.pdf"), http.StatusConflict,
		"Der Text des Zertifikats passt nicht auf seine Seite; kürzen Sie die Inhalte oder Titel des Kurses.")
	if r := c.get(page + "/bescheinigung.pdf"); r.Code != http.StatusOK || !strings.HasPrefix(r.Body, "%PDF-") {
		t.Errorf("confirmation: %d", r.Code)
	}
}
