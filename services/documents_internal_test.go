package services

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"kohorte/models"
	"kohorte/models/dbtest"
)

type registerEnv struct {
	db     *gorm.DB
	docs   *Documents
	staff  Actor
	course models.Course
	enroll []models.Enrollment
}

// newRegisterEnv writes a course (prefix KOH), a cohort and n enrolled
// people straight into a fresh database.
func newRegisterEnv(t testing.TB, n int) *registerEnv {
	t.Helper()
	db := dbtest.Open(t)
	u := models.User{Email: "staff@example.org", DisplayName: "Staff", Role: models.RoleStaff}
	must(t, db.Create(&u).Error)
	course := models.Course{Title: "Netzwerkkoordinator:in", CertificateTitle: "Netzwerkkoordinator:in (IHK)", Topics: []string{},
		DurationWeeks: 12, CertificatePrefix: "KOH", MinAttendancePercent: 80, ClosingRequired: true, MinJuryPercent: 50}
	must(t, db.Create(&course).Error)
	cohort := models.Cohort{CourseID: course.ID, Name: "Frühjahr 2023", StartDate: models.NewDate(2023, 3, 6),
		EndDate: models.NewDate(2023, 5, 26), Capacity: 1000, Status: models.CohortRunning}
	must(t, db.Create(&cohort).Error)
	env := &registerEnv{db: db, course: course,
		staff: Actor{UserID: u.ID, Email: u.Email, Role: models.RoleStaff},
		docs:  &Documents{db: db, today: func() models.Date { return models.NewDate(2023, 9, 21) }, now: time.Now}}
	for i := range n {
		p := models.Participant{FirstName: "Zoë", LastName: fmt.Sprintf("Ćosić %d", i), Email: fmt.Sprintf("p%d@example.org", i)}
		must(t, db.Create(&p).Error)
		e := models.Enrollment{CohortID: cohort.ID, ParticipantID: p.ID, Status: models.EnrollmentEnrolled, EnrolledAt: cohort.StartDate}
		must(t, db.Create(&e).Error)
		env.enroll = append(env.enroll, e)
	}
	return env
}

// issue puts a document for enrollment i into the register; its PDF is a
// stand-in that prints the number and URL it was given.
func (e *registerEnv) issue(i int, kind models.DocumentKind, supersedes *uint) (models.IssuedDocument, error) {
	var doc models.IssuedDocument
	err := inTransaction(context.Background(), e.db, func(tx *gorm.DB) error {
		var err error
		doc, err = issueDocument(tx, e.staff, issueRequest{
			Kind: kind, Enrollment: e.enroll[i], Course: e.course, CohortName: "Frühjahr 2023", Holder: fmt.Sprintf("Zoë Ćosić %d", i), Lang: "de",
			IssuedOn: models.NewDate(2023, 9, 21), VerifyBase: "https://kohorte.example.org/", Supersedes: supersedes,
			Render: func(number, url string) ([]byte, error) { return []byte("%PDF " + number + " " + url), nil },
		})
		return err
	})
	return doc, err
}

// 100 requests at once, one per person, take the numbers 1 to 100 of
// 2023 exactly once each; confirmations count on their own.
func TestConcurrentIssuesTakeEveryNumberOnce(t *testing.T) {
	env := newRegisterEnv(t, 100)
	var wg sync.WaitGroup
	numbers := make([]string, 100)
	errs := make([]error, 100)
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := env.issue(i, models.KindCertificate, nil)
			numbers[i], errs[i] = d.Number, err
		}()
	}
	wg.Wait()
	must(t, errors.Join(errs...))
	slices.Sort(numbers)
	for i, n := range numbers {
		if want := fmt.Sprintf("KOH-2023-%04d", i+1); n != want {
			t.Fatalf("numbers[%d] = %s, want %s (all: %v)", i, n, want, numbers)
		}
	}
	c, err := env.issue(0, models.KindConfirmation, nil)
	must(t, err)
	if c.Number != "KOH-T-2023-0001" {
		t.Errorf("first confirmation = %s", c.Number)
	}
	var rows int64
	must(t, env.db.Model(&models.IssuedDocument{}).Count(&rows).Error)
	if rows != 101 {
		t.Errorf("%d documents stored, want 101", rows)
	}
}

// A failed issue gives its number back: the next one has no gap.
func TestARolledBackIssueLeavesNoGap(t *testing.T) {
	env := newRegisterEnv(t, 2)
	_, err := env.issue(0, models.KindCertificate, nil)
	must(t, err)
	boom := errors.New("renderer failed")
	err = inTransaction(context.Background(), env.db, func(tx *gorm.DB) error {
		_, err := issueDocument(tx, env.staff, issueRequest{Kind: models.KindCertificate, Enrollment: env.enroll[1], Course: env.course,
			Holder: "x", Lang: "de", IssuedOn: models.NewDate(2023, 9, 21),
			Render: func(string, string) ([]byte, error) { return nil, boom }})
		return err
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	d, err := env.issue(1, models.KindCertificate, nil)
	must(t, err)
	if d.Number != "KOH-2023-0002" {
		t.Errorf("after a failed issue the next number is %s, want KOH-2023-0002", d.Number)
	}
}

func TestVerificationTellsValidRevokedSupersededAndForged(t *testing.T) {
	env := newRegisterEnv(t, 1)
	ctx := context.Background()
	old, err := env.issue(0, models.KindCertificate, nil)
	must(t, err)
	if len(old.Token) != 43 || string(old.PDF) != "%PDF KOH-2023-0001 https://kohorte.example.org/verify/"+old.Token {
		t.Fatalf("token %q, pdf %q", old.Token, old.PDF)
	}
	v, err := env.docs.Verify(ctx, old.Token)
	must(t, err)
	want := Verification{Holder: "Zoë Ćosić 0", Kind: models.KindCertificate, Number: "KOH-2023-0001", Course: "Netzwerkkoordinator:in",
		Cohort: "Frühjahr 2023", IssuedOn: models.NewDate(2023, 9, 21), Status: DocumentValid, SHA256: old.SHA256}
	if v != want {
		t.Errorf("verify = %+v\nwant %+v", v, want)
	}
	if v, err := env.docs.VerifyPDF(ctx, old.PDF); err != nil || v.Number != old.Number {
		t.Errorf("the issued bytes: %+v, %v", v, err)
	}
	forged := slices.Clone(old.PDF)
	forged[len(forged)-1] ^= 1
	if _, err := env.docs.VerifyPDF(ctx, forged); !errors.Is(err, refuse(ErrNotFound, CodeDocumentNotIssued)) {
		t.Errorf("one changed byte: err = %v", err)
	}
	// The last character changed: "A" unless the token ends in "A", which
	// one in 16 does (its last character carries four bits).
	last := "A"
	if strings.HasSuffix(old.Token, "A") {
		last = "B"
	}
	for _, token := range []string{"", "x", old.Token[:len(old.Token)-1] + last, old.Token + "A"} {
		if _, err := env.docs.Verify(ctx, token); !errors.Is(err, ErrNotFound) {
			t.Errorf("token %q: err = %v", token, err)
		}
	}

	corrected, err := env.issue(0, models.KindCertificate, &old.ID)
	must(t, err)
	if v, _ := env.docs.Verify(ctx, old.Token); v.Status != DocumentSuperseded || v.SupersededBy != corrected.Number {
		t.Errorf("after a correction the old one is %+v", v)
	}
	if _, err := env.issue(0, models.KindCertificate, &old.ID); err == nil {
		t.Error("a document was superseded twice")
	}

	var verr *ValidationError
	if _, err := env.docs.Revoke(ctx, env.staff, corrected.ID, "  "); !errors.As(err, &verr) || verr.Fields[0].Field != "reason" {
		t.Errorf("revoke without reason: %v", err)
	}
	if _, err := env.docs.Revoke(ctx, Actor{UserID: 99, Role: models.RoleParticipant}, corrected.ID, "x"); !errors.Is(err, ErrForbidden) {
		t.Errorf("a participant revoked: %v", err)
	}
	_, err = env.docs.Revoke(ctx, env.staff, corrected.ID, "Name falsch geschrieben")
	must(t, err)
	v, err = env.docs.Verify(ctx, corrected.Token)
	must(t, err)
	if v.Status != DocumentRevoked || v.RevokeReason != "Name falsch geschrieben" || v.RevokedAt == nil {
		t.Errorf("revoked: %+v", v)
	}
	if _, err := env.docs.Revoke(ctx, env.staff, corrected.ID, "again"); !errors.Is(err, refuse(ErrInvalidAction, CodeDocumentRevoked)) {
		t.Errorf("second revoke: %v", err)
	}
	var n int64
	must(t, env.db.Model(&models.AuditEvent{}).Where("action IN ?", []string{"document.issued", "document.revoked"}).Count(&n).Error)
	if n != 3 {
		t.Errorf("%d audit events, want 3 (two issues, one revocation)", n)
	}
}

// Two courses printing the same prefix share its numbers: the second
// course's first certificate is KOH-2023-0002, not a second 0001.
func TestCoursesWithOnePrefixNeverPrintOneNumberTwice(t *testing.T) {
	env := newRegisterEnv(t, 1)
	_, err := env.issue(0, models.KindCertificate, nil)
	must(t, err)
	other := models.Course{Title: "Zweiter Lehrgang", CertificateTitle: "Zweiter (IHK)", Topics: []string{}, DurationWeeks: 12,
		CertificatePrefix: "KOH", MinAttendancePercent: 80, MinJuryPercent: 50}
	must(t, env.db.Create(&other).Error)
	env.course = other
	d, err := env.issue(0, models.KindCertificate, nil)
	must(t, err)
	if d.Number != "KOH-2023-0002" {
		t.Errorf("the other course's first number is %s, want KOH-2023-0002", d.Number)
	}
}
