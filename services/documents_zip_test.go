package services_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kohorte/models"
	"kohorte/services"
	"kohorte/services/roster"
)

// zipEntry is a file of an archive as a test compares it.
type zipEntry struct {
	Name   string
	Method uint16
	SHA256 string
}

// readZip opens an archive as any unzip tool would and lists its files.
func readZip(t testing.TB, b []byte) []zipEntry {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a ZIP: %v", err)
	}
	var out []zipEntry
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		if _, err := io.Copy(h, r); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		r.Close()
		out = append(out, zipEntry{Name: f.Name, Method: f.Method, SHA256: hex.EncodeToString(h.Sum(nil))})
	}
	return out
}

// archiveEnv is a cohort with Zoë and Anna enrolled.
type archiveEnv struct {
	*cohortEnv
	zoe, anna models.Enrollment
}

func newArchiveEnv(t testing.TB) *archiveEnv {
	t.Helper()
	c := newCohortEnv(t, 16)
	e := &archiveEnv{cohortEnv: c}
	ctx := context.Background()
	enroll := func(first, last, email string) models.Enrollment {
		_, en, err := c.svc.Enrollments.CreateAndEnroll(ctx, c.admin, c.cohort.ID,
			services.ParticipantInput{FirstName: first, LastName: last, Email: email}, models.NewDate(2023, 4, 1))
		if err != nil {
			t.Fatal(err)
		}
		return en
	}
	e.anna = enroll("Anna", "Muster", "anna@example.org")
	e.zoe = enroll("Zoë", "Ćosić-Şahin", "zoe@example.org")
	return e
}

// archive writes the cohort's ZIP as actor and tells whether it began.
func (e *archiveEnv) archive(actor services.Actor, cohortID uint) (name string, b []byte, err error) {
	var buf bytes.Buffer
	err = e.svc.Documents.CohortArchive(context.Background(), actor, cohortID, roster.German, func(n string) io.Writer {
		name = n
		return &buf
	})
	return name, buf.Bytes(), err
}

func (e *archiveEnv) sum(t testing.TB, number string) string {
	t.Helper()
	var d models.IssuedDocument
	if err := e.db.Select("sha256").Where("number = ?", number).Take(&d).Error; err != nil {
		t.Fatal(err)
	}
	return d.SHA256
}

// Zoë holds a certificate and a confirmation that was corrected; Anna's
// certificate was revoked. The ZIP holds Zoë's certificate and her
// corrected confirmation, the PDFs byte for byte as the register keeps
// them, and neither the revoked nor the superseded document.
func TestCohortArchiveHoldsTheValidDocumentsAsIssued(t *testing.T) {
	t.Parallel()
	e := newArchiveEnv(t)
	ctx := context.Background()
	in := services.IssueInput{OverrideReason: "Projekt nachgereicht", VerifyBase: "https://kohorte.example.org"}
	if _, err := e.svc.Documents.IssueCertificate(ctx, e.admin, e.zoe.ID, in); err != nil {
		t.Fatal(err)
	}
	anna, err := e.svc.Documents.IssueCertificate(ctx, e.admin, e.anna.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	conf, err := e.svc.Documents.IssueConfirmation(ctx, e.admin, e.zoe.ID, services.IssueInput{VerifyBase: in.VerifyBase})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Documents.Revoke(ctx, e.admin, anna.ID, "Irrtum"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Documents.Reissue(ctx, e.admin, conf.ID, "Namensänderung", services.IssueInput{}); err != nil {
		t.Fatal(err)
	}

	name, b, err := e.archive(e.admin, e.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	if name != "dokumente Frühjahr 2023" {
		t.Errorf("archive named %q", name)
	}
	want := []zipEntry{
		{Name: "Ćosić-Şahin_Zoë_KOH-2026-0001.pdf", Method: zip.Store, SHA256: e.sum(t, "KOH-2026-0001")},
		{Name: "Ćosić-Şahin_Zoë_KOH-T-2026-0002.pdf", Method: zip.Store, SHA256: e.sum(t, "KOH-T-2026-0002")},
	}
	if diff := cmp.Diff(want, readZip(t, b)); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
}

// Only staff get the archive, of a cohort that exists; a refusal comes
// before the first byte.
func TestCohortArchiveRefusesBeforeItBegins(t *testing.T) {
	t.Parallel()
	e := newArchiveEnv(t)
	for _, tc := range []struct {
		name   string
		actor  services.Actor
		cohort uint
		want   error
	}{
		{"a participant", services.Actor{UserID: 99, Role: models.RoleParticipant}, e.cohort.ID, services.ErrForbidden},
		{"a juror", services.Actor{UserID: 99, Role: models.RoleJuror}, e.cohort.ID, services.ErrForbidden},
		{"an unknown cohort", e.admin, e.cohort.ID + 1000, services.ErrNotFound},
	} {
		name, b, err := e.archive(tc.actor, tc.cohort)
		if !errors.Is(err, tc.want) || name != "" || len(b) != 0 {
			t.Errorf("%s: err %v, began %q with %d bytes", tc.name, err, name, len(b))
		}
	}
	// A cohort without documents is an empty archive, not an error.
	_, b, err := e.archive(e.admin, e.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := readZip(t, b); len(got) != 0 {
		t.Errorf("entries of an empty cohort: %v", got)
	}
}

// peakHeap is a sink that notes the largest heap in use while an archive
// is written to it, looking every few megabytes.
type peakHeap struct {
	written, next int64
	peak          uint64
}

func (p *peakHeap) Write(b []byte) (int, error) {
	p.written += int64(len(b))
	if p.written >= p.next {
		p.sample()
		p.next = p.written + 1<<20
	}
	return len(b), nil
}

func (p *peakHeap) sample() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	p.peak = max(p.peak, m.HeapAlloc)
}

// BenchmarkCohortArchive1000 writes a cohort's ZIP of 1,000 stored PDFs
// (one rendered certificate's bytes, inserted in bulk) and reports the
// peak heap above the heap before, which must stay far below the
// archive's size.
func BenchmarkCohortArchive1000(b *testing.B) {
	e := newArchiveEnv(b)
	ctx := context.Background()
	first, err := e.svc.Documents.IssueCertificate(ctx, e.admin, e.zoe.ID,
		services.IssueInput{OverrideReason: "Benchmark", VerifyBase: "https://kohorte.example.org"})
	if err != nil {
		b.Fatal(err)
	}
	if err := e.db.Take(&first, first.ID).Error; err != nil {
		b.Fatal(err)
	}
	const n = 1000
	people := make([]models.Participant, n-1)
	for i := range people {
		people[i] = models.Participant{FirstName: "Person", LastName: fmt.Sprintf("Nr. %04d", i),
			Email: fmt.Sprintf("bench%d@example.org", i), SortName: fmt.Sprintf("nr %04d person", i)}
	}
	if err := e.db.CreateInBatches(&people, 200).Error; err != nil {
		b.Fatal(err)
	}
	enrollments := make([]models.Enrollment, len(people))
	for i, p := range people {
		enrollments[i] = models.Enrollment{CohortID: e.cohort.ID, ParticipantID: p.ID, Status: models.EnrollmentCompleted,
			EnrolledAt: models.NewDate(2023, 4, 1)}
	}
	if err := e.db.CreateInBatches(&enrollments, 200).Error; err != nil {
		b.Fatal(err)
	}
	docs := make([]models.IssuedDocument, len(enrollments))
	for i, en := range enrollments {
		docs[i] = models.IssuedDocument{Kind: models.KindCertificate, Number: fmt.Sprintf("KOH-2026-%04d", i+2),
			CourseID: first.CourseID, EnrollmentID: en.ID, Holder: "Person", Lang: "de", IssuedOn: first.IssuedOn,
			PDF: first.PDF, SHA256: first.SHA256, Token: fmt.Sprintf("%043d", i), IssuedByID: first.IssuedByID}
	}
	if err := e.db.CreateInBatches(&docs, 20).Error; err != nil {
		b.Fatal(err)
	}
	docs = nil

	var sink *peakHeap
	var base runtime.MemStats
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&base)
		sink = &peakHeap{peak: base.HeapAlloc}
		err := e.svc.Documents.CohortArchive(ctx, e.admin, e.cohort.ID, roster.German, func(string) io.Writer { return sink })
		if err != nil {
			b.Fatal(err)
		}
		sink.sample()
	}
	if want := int64(n) * int64(len(first.PDF)); sink.written < want {
		b.Fatalf("archive of %d bytes, want at least %d", sink.written, want)
	}
	b.ReportMetric(float64(sink.peak-base.HeapAlloc)/1e6, "peak-heap-MB")
	b.ReportMetric(float64(sink.written)/1e6, "archive-MB")
	if !strings.HasPrefix(string(first.PDF), "%PDF-") {
		b.Fatal("the stored certificate is no PDF")
	}
}
