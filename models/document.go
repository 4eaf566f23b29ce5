package models

import "time"

// DocumentKind is what an issued document certifies.
type DocumentKind string

// The document kinds.
const (
	KindCertificate  DocumentKind = "certificate"
	KindConfirmation DocumentKind = "confirmation"
)

// IssuedDocument is a certificate or attendance confirmation as it was
// issued: the PDF's bytes as rendered then, their SHA-256, and a random
// verification token. Nothing in it is ever rendered again or deleted: a
// revocation records its date and reason, and a correction issues a new
// document that supersedes this one, so a verifier can always tell a
// revoked or superseded document from a forged one.
type IssuedDocument struct {
	ID           uint         `gorm:"primaryKey"`
	Kind         DocumentKind `gorm:"size:20;not null"`
	Number       string       `gorm:"size:40;not null;uniqueIndex"`
	CourseID     uint         `gorm:"not null;index"`
	EnrollmentID uint         `gorm:"not null;index"`
	Enrollment   *Enrollment  `gorm:"constraint:OnDelete:RESTRICT"`
	Holder       string       `gorm:"size:210;not null"`
	// CourseTitle and CohortName are the names the document was issued
	// under, which verification shows even after a rename.
	CourseTitle string `gorm:"size:300;not null;default:''"`
	CohortName  string `gorm:"size:100;not null;default:''"`
	Lang        string `gorm:"size:2;not null"`
	IssuedOn    Date   `gorm:"not null"`
	PDF         []byte `gorm:"not null"`
	SHA256      string `gorm:"size:64;not null;index"`
	Token       string `gorm:"size:64;not null;uniqueIndex"`
	IssuedByID  uint   `gorm:"not null"`
	// OverrideReason is why staff issued a certificate despite a rule
	// that did not hold; empty when every rule held.
	OverrideReason string `gorm:"type:text;not null;default:''"`
	SupersedesID   *uint  `gorm:"uniqueIndex"`
	// SupersededBy is the number of the document that replaced this one,
	// set in the transaction that issues it.
	SupersededBy *string `gorm:"size:40"`
	RevokedAt    *time.Time
	RevokeReason string `gorm:"type:text;not null;default:''"`
	RevokedByID  *uint
	CreatedAt    time.Time
}

// DocumentCounter hands out the document numbers of one prefix, kind and
// year without gaps: the issuing transaction raises Last and uses it.
// Keyed by the printed prefix, not the course, so that two courses with
// the same prefix, or a course whose prefix changed, never print one
// number twice.
type DocumentCounter struct {
	Prefix string       `gorm:"primaryKey;size:20"`
	Kind   DocumentKind `gorm:"primaryKey;size:20"`
	Year   int          `gorm:"primaryKey;autoIncrement:false"`
	Last   int          `gorm:"not null"`
}
