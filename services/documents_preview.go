package services

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"kohorte/certificates"
	"kohorte/models"
)

// Preview renders a course's certificate or attendance confirmation as it
// would be issued today, from the course's current title, topics,
// issuers with their logos and signatories, for a sample person
// (certificates.SampleFirstName and SampleLastName) in a sample cohort
// that starts today and lasts the course's weeks. Its number and
// verification link carry the sample mark (MUSTER-KOH-2026-0000), so
// that no preview passes for an issued document. Nothing is stored and no
// number is taken. A certificate whose text does not fit on its page is
// refused with CodeDocumentTooLong, as its issue would be.
func (s *Documents) Preview(ctx context.Context, actor Actor, courseID uint, kind models.DocumentKind, in IssueInput) (DocumentFile, error) {
	if !actor.IsStaff() {
		return DocumentFile{}, ErrForbidden
	}
	lang, err := in.lang()
	if err != nil {
		return DocumentFile{}, err
	}
	if kind != models.KindCertificate && kind != models.KindConfirmation {
		return DocumentFile{}, invalid("kind", CodeNotOneOf, "allowed", "certificate, confirmation")
	}
	var course models.Course
	err = readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		course, err = loadCourse(tx, courseID)
		return err
	})
	if err != nil {
		return DocumentFile{}, err
	}
	l := certificates.Lang(lang)
	today := s.today()
	weeks := course.DurationWeeks
	if weeks < 1 {
		weeks = 12
	}
	from, to := today.Time, today.AddDays(7*weeks-1).Time
	number := certificates.SampleMark(l) + "-" + documentNumber(course.CertificatePrefix, kind, today.Year(), 0)
	verifyURL := strings.TrimSuffix(in.VerifyBase, "/") + "/verify/" + certificates.SampleMark(l)
	sc := issueScope{course: course}
	var pdf []byte
	if kind == models.KindCertificate {
		pdf, err = certificates.RenderCertificate(certificates.SampleCertificate(certificates.Certificate{Lang: l,
			Number: number, CertificateTitle: course.CertificateTitle, Course: course.Title, From: from, To: to,
			Topics: course.Topics, Place: placeOf(sc), IssuedOn: today.Time, Issuers: issuersOf(course),
			Signatories: signatoriesOf(course), VerifyURL: verifyURL}))
	} else {
		pdf, err = certificates.RenderConfirmation(certificates.SampleConfirmation(certificates.Confirmation{Lang: l,
			Number: number, Course: course.Title, From: from, To: to, Place: placeOf(sc), IssuedOn: today.Time,
			Issuers: issuersOf(course), Signatories: signatoriesOf(course), VerifyURL: verifyURL}))
	}
	if err != nil {
		return DocumentFile{}, renderRefusal(fmt.Errorf("preview %s of course %d: %w", kind, courseID, err))
	}
	return DocumentFile{Number: number, FirstName: certificates.SampleFirstName, LastName: certificates.SampleLastName, PDF: pdf}, nil
}
