package models

import (
	"crypto/rand"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// migrations is append-only: a migration that has shipped is never edited.
// Each one declares frozen copies of the structs it creates or changes, so
// that later edits to the live models cannot change what it does.
func migrations() []*gormigrate.Migration {
	return []*gormigrate.Migration{
		{ID: "202611210001_settings", Migrate: migrateSettings},
		{ID: "202611210002_accounts", Migrate: migrateAccounts},
		{ID: "202611210003_courses", Migrate: migrateCourses},
		{ID: "202612020004_attempt_purpose", Migrate: migrateAttemptPurpose},
		{ID: "202612020005_sessions", Migrate: migrateSessions},
		{ID: "202612020006_search", Migrate: migrateSearch},
		{ID: "202612020007_statistics", Migrate: migrateStatistics},
		{ID: "202612020010_documents", Migrate: migrateDocuments},
		{ID: "202612020011_juries", Migrate: migrateJuries},
		{ID: "202612030012_document_names", Migrate: migrateDocumentNames},
		{ID: "202612030013_auth_notify", Migrate: migrateAuthNotify},
	}
}

// migrateSettings creates the instance-wide key/value settings and records
// the installation's identity.
func migrateSettings(tx *gorm.DB) error {
	type setting struct {
		Key       string `gorm:"primaryKey;size:100"`
		Value     string `gorm:"type:text;not null"`
		UpdatedAt time.Time
	}
	if err := tx.Migrator().CreateTable(&setting{}); err != nil {
		return err
	}
	return tx.Create(&setting{
		Key:       SettingInstallationID,
		Value:     rand.Text(),
		UpdatedAt: time.Now().UTC(),
	}).Error
}
