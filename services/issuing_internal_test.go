package services

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"kohorte/models"
)

// exceptJury passes whoever meets every rule but the jury's, which no
// one can meet until juries score: the stand-in for "every rule holds".
func exceptJury(el Eligibility) bool {
	for _, l := range el.Lines {
		if l.Rule != RuleJury && l.State != RuleMet {
			return false
		}
	}
	return true
}

var testIssue = IssueInput{VerifyBase: "https://kohorte.example.org"}

// issuingEnv is a register with a cohort whose two required sessions have
// been held: a webinar on 10 March 2023 and the closing day on 26 May.
type issuingEnv struct {
	*registerEnv
	webinar, closing models.CohortSession
}

func newIssuingEnv(t *testing.T, n int) *issuingEnv {
	t.Helper()
	env := &issuingEnv{registerEnv: newRegisterEnv(t, n)}
	env.docs.passes = exceptJury
	cohortID := env.enroll[0].CohortID
	env.webinar = env.session(t, cohortID, models.SessionWebinar, "Webinar 1: Netzwerke gestalten", time.Date(2023, 3, 10, 9, 0, 0, 0, Berlin))
	env.closing = env.session(t, cohortID, models.SessionClosing, "Abschlusspräsenz", time.Date(2023, 5, 26, 9, 0, 0, 0, Berlin))
	return env
}

func (e *issuingEnv) session(t *testing.T, cohortID uint, kind models.SessionKind, title string, at time.Time) models.CohortSession {
	t.Helper()
	s := models.CohortSession{CohortID: cohortID, Kind: kind, Title: title, StartsAt: at, EndsAt: at.Add(2 * time.Hour),
		Required: true, Units: 2}
	must(t, e.db.Create(&s).Error)
	return s
}

// attend records person i at s.
func (e *issuingEnv) attend(t *testing.T, i int, s models.CohortSession, status models.AttendanceStatus, m models.Modality) {
	t.Helper()
	must(t, e.db.Create(&models.Attendance{SessionID: s.ID, EnrollmentID: e.enroll[i].ID, Status: status, Modality: m,
		RecordedAt: s.StartsAt}).Error)
}

// passAll lets persons attend both sessions, on site.
func (e *issuingEnv) passAll(t *testing.T, persons ...int) {
	t.Helper()
	for _, i := range persons {
		e.attend(t, i, e.webinar, models.AttendancePresent, models.ModalityOnSite)
		e.attend(t, i, e.closing, models.AttendancePresent, models.ModalityOnSite)
	}
}

func (e *issuingEnv) status(t *testing.T, i int) models.EnrollmentStatus {
	t.Helper()
	var en models.Enrollment
	must(t, e.db.Take(&en, e.enroll[i].ID).Error)
	return en.Status
}

// pdfText extracts a PDF's text with poppler's pdftotext, as a reader's
// software would; skipped where poppler is missing, but never on CI.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext (Debian poppler-utils) is missing on CI")
		}
		t.Skip("pdftotext not installed (Debian poppler-utils)")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	must(t, os.WriteFile(path, pdf, 0o600))
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	must(t, err)
	return string(out)
}

func isRefusal(err error, code Code) bool {
	var r *Refusal
	return errors.As(err, &r) && r.Code == code
}

func fieldCode(err error, field string) Code {
	var verr *ValidationError
	if errors.As(err, &verr) {
		for _, f := range verr.Fields {
			if f.Field == field {
				return f.Code
			}
		}
	}
	return ""
}

func TestIssueCertificateNeedsEveryRuleOrAReason(t *testing.T) {
	env := newIssuingEnv(t, 2)
	ctx := context.Background()
	env.passAll(t, 0)
	// Person 1 came to the webinar but missed the closing day.
	env.attend(t, 1, env.webinar, models.AttendancePresent, models.ModalityRemote)
	env.attend(t, 1, env.closing, models.AttendanceAbsent, "")
	group := models.ProjectGroup{CohortID: env.enroll[0].CohortID, Name: "Gruppe 1", ProjectTitle: "MINT-Sommercamp für Mädchen"}
	must(t, env.db.Create(&group).Error)
	must(t, env.db.Create(&models.GroupMember{GroupID: group.ID, EnrollmentID: env.enroll[0].ID}).Error)

	if _, err := env.docs.IssueCertificate(ctx, Actor{UserID: 99, Role: models.RoleParticipant}, env.enroll[0].ID, testIssue); !errors.Is(err, ErrForbidden) {
		t.Errorf("a participant issued: %v", err)
	}
	if _, err := env.docs.IssueCertificate(ctx, env.staff, env.enroll[0].ID, IssueInput{Lang: "fr"}); fieldCode(err, "lang") != CodeNotOneOf {
		t.Errorf("lang fr: %v", err)
	}
	d, err := env.docs.IssueCertificate(ctx, env.staff, env.enroll[0].ID, testIssue)
	must(t, err)
	if d.Number != "KOH-2023-0001" || d.Holder != "Zoë Ćosić 0" || d.OverrideReason != "" || d.Lang != "de" {
		t.Errorf("issued %s to %q, override %q, lang %s", d.Number, d.Holder, d.OverrideReason, d.Lang)
	}
	if got := env.status(t, 0); got != models.EnrollmentCompleted {
		t.Errorf("after the certificate the enrollment is %s", got)
	}
	if _, err := env.docs.IssueCertificate(ctx, env.staff, env.enroll[0].ID, testIssue); !isRefusal(err, CodeDocumentAlreadyIssued) || !errors.Is(err, ErrConflict) {
		t.Errorf("a second certificate: %v", err)
	}

	_, err = env.docs.IssueCertificate(ctx, env.staff, env.enroll[1].ID, IssueInput{VerifyBase: testIssue.VerifyBase, OverrideReason: "  "})
	if fieldCode(err, "override_reason") != CodeDocumentNotEligible {
		t.Fatalf("closing day missed, no reason: %v", err)
	}
	over, err := env.docs.IssueCertificate(ctx, env.staff, env.enroll[1].ID,
		IssueInput{Lang: "en", VerifyBase: testIssue.VerifyBase, OverrideReason: "Krank am Abschlusstag, Ersatzleistung erbracht"})
	must(t, err)
	if over.Number != "KOH-2023-0002" || over.OverrideReason != "Krank am Abschlusstag, Ersatzleistung erbracht" {
		t.Errorf("override: %s, %q", over.Number, over.OverrideReason)
	}
	var audit models.AuditEvent
	must(t, env.db.Where("action = ? AND object_id = ?", "document.issued", fmt.Sprint(over.ID)).Take(&audit).Error)
	if !strings.Contains(audit.After, "Ersatzleistung") {
		t.Errorf("the override is not audited: %s", audit.After)
	}

	text := pdfText(t, d.PDF)
	for _, want := range []string{"Zoë Ćosić 0", "KOH-2023-0001", "MINT-Sommercamp für Mädchen", "https://kohorte.example.org/verify/" + d.Token} {
		if !strings.Contains(text, want) {
			t.Errorf("the certificate does not print %q:\n%s", want, text)
		}
	}
	if strings.Contains(pdfText(t, over.PDF), "MINT-Sommercamp") {
		t.Error("a person outside the group prints its project")
	}
}

// Until juries score, the jury rule is open for everyone: the real rule
// issues nobody's certificate without a reason.
func TestAnOpenJuryRuleNeedsAReason(t *testing.T) {
	env := newIssuingEnv(t, 1)
	env.docs.passes = nil
	env.passAll(t, 0)
	_, err := env.docs.IssueCertificate(context.Background(), env.staff, env.enroll[0].ID, testIssue)
	if fieldCode(err, "override_reason") != CodeDocumentNotEligible {
		t.Errorf("jury pending: %v", err)
	}
}

func TestBulkIssueReportsWhomItSkippedAndWhy(t *testing.T) {
	env := newIssuingEnv(t, 4)
	ctx := context.Background()
	env.passAll(t, 0, 1, 3)
	env.attend(t, 2, env.webinar, models.AttendanceAbsent, "")
	_, err := env.docs.IssueCertificate(ctx, env.staff, env.enroll[1].ID, testIssue)
	must(t, err)
	must(t, env.db.Model(&models.Enrollment{}).Where("id = ?", env.enroll[3].ID).
		Updates(map[string]any{"status": models.EnrollmentWithdrawn, "withdrawn_at": models.NewDate(2023, 5, 30)}).Error)

	rep, err := env.docs.IssueCohort(ctx, env.staff, env.enroll[0].CohortID, testIssue)
	must(t, err)
	// Person 1 took 0001 before, so person 0 takes 0002.
	if len(rep.Issued) != 1 || rep.Issued[0].EnrollmentID != env.enroll[0].ID || rep.Issued[0].Number != "KOH-2023-0002" {
		t.Fatalf("issued %+v", rep.Issued)
	}
	got := map[uint]Code{}
	for _, s := range rep.Skipped {
		got[s.EnrollmentID] = s.Code
	}
	want := map[uint]Code{env.enroll[1].ID: CodeDocumentAlreadyIssued, env.enroll[2].ID: CodeDocumentNotEligible,
		env.enroll[3].ID: CodeDocumentWithdrawn}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("skipped %v, want %v", got, want)
	}
	again, err := env.docs.IssueCohort(ctx, env.staff, env.enroll[0].CohortID, testIssue)
	must(t, err)
	if len(again.Issued) != 0 || len(again.Skipped) != 4 {
		t.Errorf("a second bulk issue: %d issued, %d skipped", len(again.Issued), len(again.Skipped))
	}
}

// A person who withdrew on 1 April gets a confirmation of the webinar
// they attended, remote, and not of a session after their withdrawal,
// even if someone recorded them there.
func TestConfirmationOfAWithdrawnPersonListsTheSessionsBefore(t *testing.T) {
	env := newIssuingEnv(t, 1)
	ctx := context.Background()
	env.attend(t, 0, env.webinar, models.AttendancePresent, models.ModalityRemote)
	env.attend(t, 0, env.closing, models.AttendancePresent, models.ModalityOnSite)
	must(t, env.db.Model(&models.Enrollment{}).Where("id = ?", env.enroll[0].ID).
		Updates(map[string]any{"status": models.EnrollmentWithdrawn, "withdrawn_at": models.NewDate(2023, 4, 1)}).Error)

	if _, err := env.docs.IssueCertificate(ctx, env.staff, env.enroll[0].ID, IssueInput{VerifyBase: "x", OverrideReason: "x"}); !isRefusal(err, CodeDocumentWithdrawn) {
		t.Errorf("a certificate for a withdrawn person: %v", err)
	}
	d, err := env.docs.IssueConfirmation(ctx, env.staff, env.enroll[0].ID, testIssue)
	must(t, err)
	if d.Number != "KOH-T-2023-0001" || d.Kind != models.KindConfirmation {
		t.Errorf("confirmation %s %s", d.Kind, d.Number)
	}
	if got := env.status(t, 0); got != models.EnrollmentWithdrawn {
		t.Errorf("a confirmation changed the enrollment to %s", got)
	}
	text := pdfText(t, d.PDF)
	if !strings.Contains(text, "Webinar 1: Netzwerke gestalten") || strings.Contains(text, "Abschlusspräsenz") {
		t.Errorf("the confirmation lists the wrong sessions:\n%s", text)
	}
}

func TestReissueSupersedesAndKeepsTheOld(t *testing.T) {
	env := newIssuingEnv(t, 1)
	ctx := context.Background()
	env.passAll(t, 0)
	old, err := env.docs.IssueCertificate(ctx, env.staff, env.enroll[0].ID, testIssue)
	must(t, err)
	must(t, env.db.Model(&models.Participant{}).Where("id = ?", env.enroll[0].ParticipantID).Update("last_name", "Ćosić-Şahin").Error)

	if _, err := env.docs.Reissue(ctx, env.staff, old.ID, " ", testIssue); fieldCode(err, "reason") != CodeRequired {
		t.Errorf("re-issue without a reason: %v", err)
	}
	if _, err := env.docs.Reissue(ctx, Actor{UserID: 99, Role: models.RoleJuror}, old.ID, "x", testIssue); !errors.Is(err, ErrForbidden) {
		t.Errorf("a juror re-issued: %v", err)
	}
	if _, err := env.docs.Reissue(ctx, env.staff, old.ID+100, "x", testIssue); !errors.Is(err, ErrNotFound) {
		t.Errorf("re-issue of no document: %v", err)
	}
	next, err := env.docs.Reissue(ctx, env.staff, old.ID, "Namensänderung", testIssue)
	must(t, err)
	if next.Number != "KOH-2023-0002" || next.Holder != "Zoë Ćosić-Şahin" || next.SupersedesID == nil || *next.SupersedesID != old.ID {
		t.Errorf("re-issued %s for %q superseding %v", next.Number, next.Holder, next.SupersedesID)
	}
	v, err := env.docs.Verify(ctx, old.Token)
	must(t, err)
	if v.Status != DocumentSuperseded || v.SupersededBy != "KOH-2023-0002" || v.Holder != "Zoë Ćosić 0" {
		t.Errorf("the old one verifies as %+v", v)
	}
	if _, err := env.docs.Reissue(ctx, env.staff, old.ID, "again", testIssue); !isRefusal(err, CodeDocumentSuperseded) {
		t.Errorf("re-issue of a superseded document: %v", err)
	}
	_, err = env.docs.Revoke(ctx, env.staff, next.ID, "Irrtum")
	must(t, err)
	if _, err := env.docs.Reissue(ctx, env.staff, next.ID, "again", testIssue); !isRefusal(err, CodeDocumentRevoked) {
		t.Errorf("re-issue of a revoked document: %v", err)
	}
	var n int64
	must(t, env.db.Model(&models.IssuedDocument{}).Count(&n).Error)
	if n != 2 {
		t.Errorf("%d documents in the register, want 2: nothing is deleted", n)
	}
}

func TestCompletingACohortSettlesEachEnrollment(t *testing.T) {
	for _, tc := range []struct {
		name   string
		passes func(Eligibility) bool
		want   []models.EnrollmentStatus
	}{
		// 0 attended both, 1 missed the closing day, 2 withdrew.
		{"every rule but the jury's", exceptJury,
			[]models.EnrollmentStatus{models.EnrollmentCompleted, models.EnrollmentNotPassed, models.EnrollmentWithdrawn}},
		// The jury's rule is open for 0, who stays enrolled until it is
		// decided; 1 has failed a rule whatever the jury says.
		{"the real rules", nil,
			[]models.EnrollmentStatus{models.EnrollmentEnrolled, models.EnrollmentNotPassed, models.EnrollmentWithdrawn}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newIssuingEnv(t, 3)
			env.passAll(t, 0)
			env.attend(t, 1, env.webinar, models.AttendancePresent, models.ModalityOnSite)
			must(t, env.db.Model(&models.Enrollment{}).Where("id = ?", env.enroll[2].ID).
				Updates(map[string]any{"status": models.EnrollmentWithdrawn, "withdrawn_at": models.NewDate(2023, 4, 1)}).Error)
			cohorts := &Cohorts{db: env.db, now: env.docs.today, clock: time.Now, passes: tc.passes}
			_, err := cohorts.SetCohortStatus(context.Background(), env.staff, env.enroll[0].CohortID, models.CohortCompleted)
			must(t, err)
			for i, want := range tc.want {
				if got := env.status(t, i); got != want {
					t.Errorf("person %d is %s, want %s", i, got, want)
				}
			}
		})
	}
}

// 100 requests at once for the ten people of one cohort (single issues,
// confirmations and bulk issues mixed) give each person one certificate
// and one confirmation: numbers 1 to 10 of each kind, once each.
func TestConcurrentIssuesNeverIssueTwice(t *testing.T) {
	env := newIssuingEnv(t, 10)
	env.docs.passes = func(Eligibility) bool { return true }
	ctx := context.Background()
	cohortID := env.enroll[0].CohortID
	var wg sync.WaitGroup
	errs := make([]error, 100)
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := env.enroll[i%10].ID
			switch i % 4 {
			case 0:
				_, errs[i] = env.docs.IssueCohort(ctx, env.staff, cohortID, testIssue)
			case 1:
				_, errs[i] = env.docs.IssueConfirmation(ctx, env.staff, id, testIssue)
			default:
				_, errs[i] = env.docs.IssueCertificate(ctx, env.staff, id, testIssue)
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil && !isRefusal(err, CodeDocumentAlreadyIssued) {
			t.Errorf("request %d: %v", i, err)
		}
	}
	var docs []models.IssuedDocument
	must(t, env.db.Omit("PDF").Order("number").Find(&docs).Error)
	var numbers []string
	per := map[string]int{}
	for _, d := range docs {
		numbers = append(numbers, d.Number)
		per[fmt.Sprint(d.Kind, d.EnrollmentID)]++
	}
	var want []string
	for i := 1; i <= 10; i++ {
		want = append(want, fmt.Sprintf("KOH-2023-%04d", i))
	}
	// Confirmations: 25 requests (i%4 == 1) for i%10 in 1, 5, 9, 3, 7,
	// so five people, KOH-T-2023-0001 to 0005.
	for i := 1; i <= 5; i++ {
		want = append(want, fmt.Sprintf("KOH-T-2023-%04d", i))
	}
	slices.Sort(want)
	if !slices.Equal(numbers, want) {
		t.Errorf("numbers %v\nwant %v", numbers, want)
	}
	for k, n := range per {
		if n != 1 {
			t.Errorf("%s holds %d documents", k, n)
		}
	}
}

func TestOnlyTheHolderAndStaffFetchADocument(t *testing.T) {
	env := newIssuingEnv(t, 2)
	ctx := context.Background()
	u := models.User{Email: "p0@example.org", DisplayName: "Zoë", Role: models.RoleParticipant}
	must(t, env.db.Create(&u).Error)
	must(t, env.db.Model(&models.Participant{}).Where("id = ?", env.enroll[0].ParticipantID).Update("user_id", u.ID).Error)
	own, err := env.docs.IssueConfirmation(ctx, env.staff, env.enroll[0].ID, testIssue)
	must(t, err)
	other, err := env.docs.IssueConfirmation(ctx, env.staff, env.enroll[1].ID, testIssue)
	must(t, err)
	holder := Actor{UserID: u.ID, Email: u.Email, Role: models.RoleParticipant}

	if f, err := env.docs.File(ctx, holder, own.ID); err != nil || f.Number != own.Number || f.LastName != "Ćosić 0" || len(f.PDF) == 0 {
		t.Errorf("own document: %v, %s %s", err, f.Number, f.LastName)
	}
	if _, err := env.docs.File(ctx, holder, other.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("another's document: %v", err)
	}
	if _, err := env.docs.File(ctx, Actor{UserID: env.staff.UserID, Role: models.RoleJuror}, own.ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("a juror: %v", err)
	}
	if f, err := env.docs.File(ctx, env.staff, other.ID); err != nil || f.Number != other.Number {
		t.Errorf("staff: %v", err)
	}
	mine, err := env.docs.Mine(ctx, holder)
	must(t, err)
	if len(mine) != 1 || mine[0].ID != own.ID {
		t.Errorf("own list %+v", mine)
	}
	if _, _, err := env.docs.List(ctx, holder, DocumentFilter{}); !errors.Is(err, ErrForbidden) {
		t.Errorf("a participant read the register: %v", err)
	}
}

// A bulk issue renders its certificates in chunks on every core: across
// three chunks the ten people still take 0001 to 0010 in the list's order,
// each PDF printing its own holder and number, each document and each
// completion audited once.
func TestBulkIssueAcrossChunksKeepsNumbersHoldersAndAudit(t *testing.T) {
	env := newIssuingEnv(t, 10)
	env.docs.passes = func(Eligibility) bool { return true }
	env.docs.chunk = 4
	rep, err := env.docs.IssueCohort(context.Background(), env.staff, env.enroll[0].CohortID, testIssue)
	must(t, err)
	if len(rep.Issued) != 10 || len(rep.Skipped) != 0 {
		t.Fatalf("issued %d, skipped %d", len(rep.Issued), len(rep.Skipped))
	}
	var stored []models.IssuedDocument
	must(t, env.db.Preload("Enrollment.Participant").Order("number").Find(&stored).Error)
	for i, d := range stored {
		want := fmt.Sprintf("KOH-2023-%04d", i+1)
		if d.Number != want || d.EnrollmentID != env.enroll[i].ID || rep.Issued[i].ID != d.ID || rep.Issued[i].Number != want {
			t.Errorf("document %d is %s (id %d), reported %s (id %d)", i, d.Number, d.ID, rep.Issued[i].Number, rep.Issued[i].ID)
		}
		sum := sha256.Sum256(d.PDF)
		text := pdfText(t, d.PDF)
		if hex.EncodeToString(sum[:]) != d.SHA256 || !strings.Contains(text, d.Number) ||
			!strings.Contains(text, d.Holder) || d.Holder != holderName(d.Enrollment.Participant) {
			t.Errorf("%s of %s: PDF does not print them, or its hash is wrong", d.Number, d.Holder)
		}
		var events []models.AuditEvent
		must(t, env.db.Where("object_type = ? AND object_id = ?", "document", fmt.Sprint(d.ID)).Find(&events).Error)
		if len(events) != 1 || events[0].Action != "document.issued" || !strings.Contains(events[0].After, d.Number) {
			t.Errorf("%s audited as %+v", d.Number, events)
		}
	}
	var completed, changes int64
	must(t, env.db.Model(&models.Enrollment{}).Where("status = ?", models.EnrollmentCompleted).Count(&completed).Error)
	must(t, env.db.Model(&models.AuditEvent{}).Where("action = ?", "enrollment.status_changed").Count(&changes).Error)
	if completed != 10 || changes != 10 {
		t.Errorf("%d completed, %d status changes audited; want 10 and 10", completed, changes)
	}
}

// Verification shows the course and cohort a document was issued under,
// as it prints them, even after both were renamed; a correction issued
// after the rename carries the new names, and the old document names it
// as its successor.
func TestVerificationShowsTheNamesADocumentWasIssuedUnder(t *testing.T) {
	env := newIssuingEnv(t, 1)
	ctx := context.Background()
	env.passAll(t, 0)
	first, err := env.docs.IssueCertificate(ctx, env.staff, env.enroll[0].ID, testIssue)
	must(t, err)
	must(t, env.db.Model(&models.Course{}).Where("id = ?", env.course.ID).Update("title", "Netzwerkmanager:in").Error)
	must(t, env.db.Model(&models.Cohort{}).Where("id = ?", env.enroll[0].CohortID).Update("name", "Frühling 2023").Error)

	v, err := env.docs.Verify(ctx, first.Token)
	must(t, err)
	if v.Course != "Netzwerkkoordinator:in" || v.Cohort != "Frühjahr 2023" || v.Status != DocumentValid {
		t.Errorf("after the renames the first certificate verifies as %q, %q, %s", v.Course, v.Cohort, v.Status)
	}
	second, err := env.docs.Reissue(ctx, env.staff, first.ID, "Name korrigiert", testIssue)
	must(t, err)
	v, err = env.docs.Verify(ctx, second.Token)
	must(t, err)
	if v.Course != "Netzwerkmanager:in" || v.Cohort != "Frühling 2023" || v.Status != DocumentValid {
		t.Errorf("the correction verifies as %q, %q, %s", v.Course, v.Cohort, v.Status)
	}
	v, err = env.docs.Verify(ctx, first.Token)
	must(t, err)
	if v.Status != DocumentSuperseded || v.SupersededBy != "KOH-2023-0002" || second.Number != "KOH-2023-0002" {
		t.Errorf("the first certificate verifies as %s by %q; the correction is %s", v.Status, v.SupersededBy, second.Number)
	}
}
