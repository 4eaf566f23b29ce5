package models

import (
	"time"

	"gorm.io/gorm"
)

// migrateDocuments creates the register of issued certificates and
// attendance confirmations, and their number counters.
func migrateDocuments(tx *gorm.DB) error {
	type user struct {
		ID uint `gorm:"primaryKey"`
	}
	type course struct {
		ID uint `gorm:"primaryKey"`
	}
	type enrollment struct {
		ID uint `gorm:"primaryKey"`
	}
	type issuedDocument struct {
		ID             uint            `gorm:"primaryKey"`
		Kind           string          `gorm:"size:20;not null;check:chk_issued_documents_kind,kind IN ('certificate','confirmation')"`
		Number         string          `gorm:"size:40;not null;uniqueIndex"`
		CourseID       uint            `gorm:"not null;index"`
		Course         course          `gorm:"constraint:OnDelete:RESTRICT"`
		EnrollmentID   uint            `gorm:"not null;index"`
		Enrollment     enrollment      `gorm:"constraint:OnDelete:RESTRICT"`
		Holder         string          `gorm:"size:210;not null"`
		Lang           string          `gorm:"size:2;not null;check:chk_issued_documents_lang,lang IN ('de','en')"`
		IssuedOn       time.Time       `gorm:"type:date;not null"`
		PDF            []byte          `gorm:"not null"`
		SHA256         string          `gorm:"size:64;not null;index"`
		Token          string          `gorm:"size:64;not null;uniqueIndex"`
		IssuedByID     uint            `gorm:"not null"`
		IssuedBy       user            `gorm:"constraint:OnDelete:RESTRICT"`
		OverrideReason string          `gorm:"type:text;not null;default:''"`
		SupersedesID   *uint           `gorm:"uniqueIndex"`
		Supersedes     *issuedDocument `gorm:"constraint:OnDelete:RESTRICT"`
		RevokedAt      *time.Time
		RevokeReason   string `gorm:"type:text;not null;default:''"`
		RevokedByID    *uint
		RevokedBy      *user `gorm:"constraint:OnDelete:RESTRICT"`
		CreatedAt      time.Time
	}
	type documentCounter struct {
		Prefix string `gorm:"primaryKey;size:20"`
		Kind   string `gorm:"primaryKey;size:20"`
		Year   int    `gorm:"primaryKey;autoIncrement:false"`
		Last   int    `gorm:"not null;check:chk_document_counters_last,last >= 0"`
	}
	return tx.Migrator().CreateTable(&issuedDocument{}, &documentCounter{})
}
