package services_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"kohorte/models"
	"kohorte/services"
)

// TestFourGroupCohortToVerifiedCertificates takes the cohort of the jury
// tests to certificates. Every one of its eight people attends every
// session, except "g1m2", absent from every webinar. Released with a
// reason (group 4 is still pending), the results decide with attendance:
//
//	g1m1: group 1, 80 %, attended all      → certificate KOH-2023-0001
//	g1m2: group 1, but 1 of 10 webinars…   → skipped: not eligible
//	g2m1, g2m2: group 2, exactly 50 %      → KOH-2023-0002, -0003
//	g3m1, g3m2: group 3, 28,75 % < 50 %    → skipped: not eligible
//	g4m1, g4m2: group 4 pending             → skipped: not eligible
//
// The numbers follow the cohort's list (by last name). Each PDF prints its
// holder's name, verifies by its token (in one statement) and by its
// bytes, and a PDF with one byte changed is not one of ours.
func TestFourGroupCohortToVerifiedCertificates(t *testing.T) {
	t.Parallel()
	j := newJuryEnv(t)
	svc, counter := j.services(t)
	ctx := context.Background()
	j.scoreAll(t, svc)
	sched, err := svc.Schedule.LayOutSchedule(ctx, j.admin, j.cohort.ID, services.DefaultScheduleTemplate())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sched.Sessions {
		var entries []services.AttendanceEntry
		for _, g := range j.groups {
			for _, en := range j.members[g.ID] {
				e := services.AttendanceEntry{EnrollmentID: en.ID, Status: models.AttendancePresent, Modality: models.ModalityOnSite}
				if s.Kind == models.SessionWebinar {
					e.Modality = models.ModalityRemote
					if g.ID == j.groups[0].ID && en.ID == j.members[g.ID][1].ID {
						e = services.AttendanceEntry{EnrollmentID: en.ID, Status: models.AttendanceAbsent}
					}
				}
				entries = append(entries, e)
			}
		}
		if _, err := svc.Attendance.RecordSession(ctx, j.admin, s.ID, entries); err != nil {
			t.Fatalf("session %s: %v", s.Title, err)
		}
	}
	if _, err := svc.Results.Release(ctx, j.admin, j.cohort.ID, "Gruppe 4 präsentiert im Herbst"); err != nil {
		t.Fatal(err)
	}
	rep, err := svc.Documents.IssueCohort(ctx, j.admin, j.cohort.ID, services.IssueInput{VerifyBase: "https://kohorte.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	var issued []string
	for _, d := range rep.Issued {
		issued = append(issued, holderKey(t, j, d.EnrollmentID)+" "+d.Number)
	}
	if got, want := strings.Join(issued, ", "), "g1m1 KOH-2023-0001, g2m1 KOH-2023-0002, g2m2 KOH-2023-0003"; got != want {
		t.Fatalf("issued %s; want %s", got, want)
	}
	var skipped []string
	for _, s := range rep.Skipped {
		skipped = append(skipped, holderKey(t, j, s.EnrollmentID)+" "+string(s.Code))
	}
	if got, want := strings.Join(skipped, ", "), "g1m2 document.not_eligible, g3m1 document.not_eligible, g3m2 document.not_eligible, "+
		"g4m1 document.not_eligible, g4m2 document.not_eligible"; got != want {
		t.Fatalf("skipped %s; want %s", got, want)
	}
	for _, d := range rep.Issued {
		f, err := svc.Documents.File(ctx, j.admin, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		holder := "Person " + holderKey(t, j, d.EnrollmentID)
		if text := pdfTextOf(t, f.PDF); !strings.Contains(text, holder) || !strings.Contains(text, d.Number) {
			t.Errorf("%s: the PDF's text lacks %q or the number:\n%s", d.Number, holder, text)
		}
		var stored models.IssuedDocument
		if err := j.db.Take(&stored, d.ID).Error; err != nil {
			t.Fatal(err)
		}
		before := counter.n.Load()
		v, err := svc.Documents.Verify(ctx, stored.Token)
		if err != nil || v.Status != services.DocumentValid || v.Holder != holder || v.Number != d.Number {
			t.Errorf("verifying %s by its token: %+v, %v", d.Number, v, err)
		}
		if n := counter.n.Load() - before; n != 1 {
			t.Errorf("verifying %s took %d statements, want 1", d.Number, n)
		}
		if v, err := svc.Documents.VerifyPDF(ctx, f.PDF); err != nil || v.Number != d.Number {
			t.Errorf("verifying %s by its bytes: %+v, %v", d.Number, v, err)
		}
		changed := append([]byte(nil), f.PDF...)
		changed[len(changed)/2] ^= 1
		if _, err := svc.Documents.VerifyPDF(ctx, changed); !errors.Is(err, services.ErrNotFound) {
			t.Errorf("%s with one byte changed: %v, want not issued (not found)", d.Number, err)
		}
	}
}

// holderKey is the last name the jury fixture gave an enrollment's person.
func holderKey(t *testing.T, j *juryEnv, enrollmentID uint) string {
	t.Helper()
	var p models.Participant
	err := j.db.Joins("JOIN enrollments e ON e.participant_id = participants.id").Where("e.id = ?", enrollmentID).Take(&p).Error
	if err != nil {
		t.Fatal(err)
	}
	return p.LastName
}

// pdfTextOf extracts a PDF's text with poppler's pdftotext, as a reader's
// software would; skipped where poppler is missing, but never on CI.
func pdfTextOf(t *testing.T, pdf []byte) string {
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
		t.Fatal(err)
	}
	return string(out)
}
