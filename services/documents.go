package services

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"kohorte/certificates"
	"kohorte/models"
)

// Documents keeps the register of issued certificates and attendance
// confirmations: numbers without gaps, the PDFs as issued, revocation and
// supersession, and the public verification.
type Documents struct {
	db    *gorm.DB
	today func() models.Date
	now   func() time.Time
	// passes tells who passed the course; rulesHold when nil. Tests put
	// another rule here while no jury can pass anyone yet.
	passes func(Eligibility) bool
	// chunk is how many certificates a bulk issue renders at once;
	// bulkChunk when 0. Tests make it small to cross chunks.
	chunk int
}

// DocumentStatus is what verification answers about a document.
type DocumentStatus string

// The statuses a verifier can meet.
const (
	DocumentValid      DocumentStatus = "valid"
	DocumentRevoked    DocumentStatus = "revoked"
	DocumentSuperseded DocumentStatus = "superseded"
)

// Verification is everything a verifier learns of a document, and no more.
type Verification struct {
	Holder       string
	Kind         models.DocumentKind
	Number       string
	Course       string
	Cohort       string
	IssuedOn     models.Date
	Status       DocumentStatus
	RevokedAt    *time.Time
	RevokeReason string
	// SupersededBy is the number of the document that replaced this one.
	SupersededBy string
	SHA256       string
}

// issueRequest is one document to put into the register: render gets the
// number and verification URL the document prints.
type issueRequest struct {
	Kind           models.DocumentKind
	Enrollment     models.Enrollment
	Course         models.Course
	CohortName     string
	Holder         string
	Lang           string
	IssuedOn       models.Date
	VerifyBase     string
	OverrideReason string
	Supersedes     *uint
	Render         func(number, verifyURL string) ([]byte, error)
}

// tokenBytes is the verification token's randomness: 256 bits, far more
// than anyone can guess or enumerate.
const tokenBytes = 32

func newVerificationToken() string {
	b := make([]byte, tokenBytes)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// issueDocument numbers, renders and stores one document in tx. The number
// comes from the counter row of the course's prefix, kind and year, raised in
// this transaction: concurrent issuers wait for each other on that row, so
// numbers are unique and without gaps, and a rolled-back issue gives its
// number back.
func issueDocument(tx *gorm.DB, actor Actor, r issueRequest) (models.IssuedDocument, error) {
	seq, err := reserveDocumentNumbers(tx, r.Course.CertificatePrefix, r.Kind, r.IssuedOn.Year(), 1)
	if err != nil {
		return models.IssuedDocument{}, err
	}
	doc, err := renderDocument(actor, r, documentNumber(r.Course.CertificatePrefix, r.Kind, r.IssuedOn.Year(), seq))
	if err != nil {
		return doc, err
	}
	if err := tx.Create(&doc).Error; err != nil {
		return doc, err
	}
	if r.Supersedes != nil {
		if err := tx.Model(&models.IssuedDocument{}).Where("id = ?", *r.Supersedes).
			Update("superseded_by", doc.Number).Error; err != nil {
			return doc, err
		}
	}
	return doc, saveEvent(tx, issuedEvent(actor, r, doc))
}

// renderDocument renders r under number with a new verification token and
// returns the register's row for it, not yet stored.
func renderDocument(actor Actor, r issueRequest, number string) (models.IssuedDocument, error) {
	token := newVerificationToken()
	pdf, err := r.Render(number, strings.TrimSuffix(r.VerifyBase, "/")+"/verify/"+token)
	if err != nil {
		return models.IssuedDocument{}, renderRefusal(fmt.Errorf("render %s: %w", number, err))
	}
	sum := sha256.Sum256(pdf)
	return models.IssuedDocument{
		Kind: r.Kind, Number: number, CourseID: r.Course.ID, EnrollmentID: r.Enrollment.ID,
		CourseTitle: r.Course.Title, CohortName: r.CohortName, Holder: r.Holder, Lang: r.Lang, IssuedOn: r.IssuedOn, PDF: pdf, SHA256: hex.EncodeToString(sum[:]),
		Token: token, IssuedByID: actor.UserID, OverrideReason: r.OverrideReason, SupersedesID: r.Supersedes,
	}, nil
}

// issuedEvent is the audit event of a stored document.
func issuedEvent(actor Actor, r issueRequest, doc models.IssuedDocument) models.AuditEvent {
	after := map[string]any{"number": doc.Number, "kind": r.Kind, "enrollment_id": r.Enrollment.ID, "holder": r.Holder, "sha256": doc.SHA256}
	if r.OverrideReason != "" {
		after["override_reason"] = r.OverrideReason
	}
	if r.Supersedes != nil {
		after["supersedes_id"] = *r.Supersedes
	}
	return auditEvent(actor, "document.issued", "document", doc.ID, nil, after)
}

// renderRefusal names a rendering error staff can mend, a course whose
// text does not fit on its certificate, with its code.
func renderRefusal(err error) error {
	if errors.Is(err, certificates.ErrTextTooLong) {
		return refuse(ErrInvalidAction, CodeDocumentTooLong)
	}
	return err
}

// reserveDocumentNumbers raises the counter of prefix, kind and year by n
// and returns the last of the n numbers it reserved, creating the counter
// at its first use.
func reserveDocumentNumbers(tx *gorm.DB, prefix string, kind models.DocumentKind, year, n int) (int, error) {
	if err := tx.Exec(`INSERT INTO document_counters (prefix, kind, year, last) VALUES (?, ?, ?, 0)
		ON CONFLICT (prefix, kind, year) DO NOTHING`, prefix, kind, year).Error; err != nil {
		return 0, err
	}
	var last int
	err := tx.Raw(`UPDATE document_counters SET last = last + ?
		WHERE prefix = ? AND kind = ? AND year = ? RETURNING last`, n, prefix, kind, year).Scan(&last).Error
	if err == nil && last < n {
		err = errors.New("document counter not raised")
	}
	return last, err
}

// documentNumber prints a number as KOH-2023-0016 for a certificate and
// KOH-T-2023-0016 for an attendance confirmation (Teilnahmebescheinigung).
func documentNumber(prefix string, kind models.DocumentKind, year, seq int) string {
	if kind == models.KindConfirmation {
		prefix += "-T"
	}
	return fmt.Sprintf("%s-%d-%04d", prefix, year, seq)
}

// Verify answers the public verification of token. Unknown tokens are
// not found, like any other id.
func (s *Documents) Verify(ctx context.Context, token string) (Verification, error) {
	if len(token) != base64.RawURLEncoding.EncodedLen(tokenBytes) {
		return Verification{}, notFound("document", "token")
	}
	return s.verification(ctx, "token = ?", token)
}

// VerifyPDF tells whether pdf is byte for byte a document of the register;
// a single changed byte makes it one Kohorte never issued.
func (s *Documents) VerifyPDF(ctx context.Context, pdf []byte) (Verification, error) {
	sum := sha256.Sum256(pdf)
	v, err := s.verification(ctx, "sha256 = ?", hex.EncodeToString(sum[:]))
	if errors.Is(err, ErrNotFound) {
		return v, refuse(ErrNotFound, CodeDocumentNotIssued)
	}
	return v, err
}

// verification reads what the public may know of one document in a
// single statement: the public page is the register's busiest read.
func (s *Documents) verification(ctx context.Context, where string, arg any) (Verification, error) {
	var row struct {
		Holder       string
		Kind         models.DocumentKind
		Number       string
		IssuedOn     models.Date
		RevokedAt    *time.Time
		RevokeReason string
		SHA256       string
		Cohort       string
		Course       string
		SupersededBy *string
	}
	// One row, no joins: the names are kept on the document (migration
	// 0012), as planning the joins cost PostgreSQL more than the lookup.
	err := s.db.WithContext(ctx).Model(&models.IssuedDocument{}).
		Select("holder, kind, number, issued_on, revoked_at, revoke_reason, sha256, cohort_name AS cohort, course_title AS course, superseded_by").
		Where(where, arg).Take(&row).Error
	if err != nil {
		return Verification{}, notFoundAs(err, "document", 0)
	}
	v := Verification{Holder: row.Holder, Kind: row.Kind, Number: row.Number, Course: row.Course, Cohort: row.Cohort,
		IssuedOn: row.IssuedOn, Status: DocumentValid, RevokedAt: row.RevokedAt, RevokeReason: row.RevokeReason, SHA256: row.SHA256}
	if row.SupersededBy != nil {
		v.Status, v.SupersededBy = DocumentSuperseded, *row.SupersededBy
	}
	if row.RevokedAt != nil {
		v.Status = DocumentRevoked
	}
	return v, nil
}

// Revoke records that a document no longer holds, with the day and why.
// It stays in the register, so that its verification says "revoked".
func (s *Documents) Revoke(ctx context.Context, actor Actor, id uint, reason string) (models.IssuedDocument, error) {
	if !actor.IsStaff() {
		return models.IssuedDocument{}, ErrForbidden
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return models.IssuedDocument{}, invalid("reason", CodeRequired)
	}
	var d models.IssuedDocument
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Omit("PDF").Clauses(lockForUpdate()).Take(&d, id).Error; err != nil {
			return notFoundAs(err, "document", id)
		}
		if d.RevokedAt != nil {
			return refuse(ErrInvalidAction, CodeDocumentRevoked)
		}
		now := s.now().UTC().Truncate(time.Microsecond)
		d.RevokedAt, d.RevokeReason, d.RevokedByID = &now, reason, &actor.UserID
		if err := tx.Model(&d).Select("RevokedAt", "RevokeReason", "RevokedByID").Updates(&d).Error; err != nil {
			return err
		}
		return record(tx, actor, "document.revoked", "document", d.ID, nil, map[string]any{"number": d.Number, "reason": reason})
	})
	return d, err
}
