package services_test

import (
	"context"
	"errors"
	"fmt"
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

// countRows counts the rows of the tables a preview must not touch.
func countRows(t *testing.T, e *env) [3]int64 {
	t.Helper()
	var out [3]int64
	for i, table := range []string{"issued_documents", "document_counters", "audit_events"} {
		if err := e.db.Table(table).Count(&out[i]).Error; err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// A preview prints the course as it stands with the sample person and a
// number marked MUSTER (SAMPLE in English), and stores nothing: no
// document, no counter, no audit event.
func TestPreviewPrintsTheCourseForASamplePersonAndStoresNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	course, err := e.svc.Courses.CreateCourse(ctx, e.admin, courseInput())
	if err != nil {
		t.Fatal(err)
	}
	before := countRows(t, e)
	in := services.IssueInput{VerifyBase: "https://kohorte.example.org/"}
	for _, tc := range []struct {
		kind  models.DocumentKind
		lang  string
		wants []string
	}{
		{models.KindCertificate, "de", []string{"ZERTIFIKAT", "Zoë Ćosić-Şahin", "Netzwerkkoordinator:in zur", "Netzwerkmanagement",
			"Fachkräftesicherung in der Region", "Musterprojekt", "Nr. MUSTER-KOH-2026-0000", "https://kohorte.example.org/verify/MUSTER",
			"21.11.2026", "Dr. A. Beispiel"}},
		{models.KindConfirmation, "de", []string{"Teilnahmebescheinigung", "Zoë Ćosić-Şahin", "Musterkohorte", "Auftakt",
			"Abschlussveranstaltung", "Nr. MUSTER-KOH-T-2026-0000", "14"}},
		{models.KindCertificate, "en", []string{"CERTIFICATE", "Zoë Ćosić-Şahin", "SAMPLE-KOH-2026-0000", "/verify/SAMPLE"}},
	} {
		in.Lang = tc.lang
		f, err := e.svc.Documents.Preview(ctx, e.admin, course.ID, tc.kind, in)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.kind, tc.lang, err)
		}
		if f.FirstName != "Zoë" || f.LastName != "Ćosić-Şahin" || !strings.Contains(f.Number, "-0000") {
			t.Errorf("%s %s: file %s %s %s", tc.kind, tc.lang, f.FirstName, f.LastName, f.Number)
		}
		text := pdfText(t, f.PDF)
		for _, want := range tc.wants {
			if !strings.Contains(text, want) {
				t.Errorf("%s %s: %q not in\n%s", tc.kind, tc.lang, want, text)
			}
		}
	}
	if after := countRows(t, e); after != before {
		t.Errorf("documents, counters, audit events: %v before, %v after", before, after)
	}

	for _, tc := range []struct {
		name   string
		actor  services.Actor
		course uint
		want   error
	}{
		{"a participant", services.Actor{UserID: 9, Role: models.RoleParticipant}, course.ID, services.ErrForbidden},
		{"a juror", services.Actor{UserID: 9, Role: models.RoleJuror}, course.ID, services.ErrForbidden},
		{"an unknown course", e.admin, course.ID + 1000, services.ErrNotFound},
	} {
		if _, err := e.svc.Documents.Preview(ctx, tc.actor, tc.course, models.KindCertificate, services.IssueInput{}); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	var verr *services.ValidationError
	if _, err := e.svc.Documents.Preview(ctx, e.admin, course.ID, models.KindCertificate, services.IssueInput{Lang: "fr"}); !errors.As(err, &verr) {
		t.Errorf("an unknown language: %v", err)
	}
}

// A course whose 40 topics do not fit on its certificate is refused with
// a code, by its preview and by an issue alike, and the issue stores
// nothing; its confirmation, which lists no topics, previews.
func TestPreviewAndIssueRefuseACertificateThatDoesNotFit(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 16)
	ctx := context.Background()
	cohort, err := c.svc.Cohorts.GetCohort(ctx, c.admin, c.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	in := courseInput()
	for i := range 40 {
		in.Topics = append(in.Topics, fmt.Sprintf("Weiteres Thema Nummer %d mit einem längeren Titel", i+1))
	}
	if _, err := c.svc.Courses.UpdateCourse(ctx, c.admin, cohort.CourseID, in); err != nil {
		t.Fatal(err)
	}
	_, e, err := c.svc.Enrollments.CreateAndEnroll(ctx, c.admin, c.cohort.ID,
		services.ParticipantInput{FirstName: "Anna", LastName: "Muster", Email: "anna@example.org"}, models.NewDate(2023, 4, 1))
	if err != nil {
		t.Fatal(err)
	}
	before := countRows(t, c.env)
	var refusal *services.Refusal
	if _, err := c.svc.Documents.Preview(ctx, c.admin, cohort.CourseID, models.KindCertificate, services.IssueInput{}); !errors.As(err, &refusal) ||
		refusal.Code != services.CodeDocumentTooLong || !errors.Is(err, services.ErrInvalidAction) {
		t.Errorf("preview: %v", err)
	}
	if _, err := c.svc.Documents.IssueCertificate(ctx, c.admin, e.ID, services.IssueInput{OverrideReason: "x"}); !errors.As(err, &refusal) ||
		refusal.Code != services.CodeDocumentTooLong {
		t.Errorf("issue: %v", err)
	}
	if after := countRows(t, c.env); after != before {
		t.Errorf("documents, counters, audit events: %v before, %v after", before, after)
	}
	if _, err := c.svc.Documents.Preview(ctx, c.admin, cohort.CourseID, models.KindConfirmation, services.IssueInput{}); err != nil {
		t.Errorf("confirmation: %v", err)
	}
}
