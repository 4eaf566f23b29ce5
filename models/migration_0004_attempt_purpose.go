package models

import (
	"gorm.io/gorm"
)

// migrateAttemptPurpose lets login_attempts count more than logins: each
// row says what was tried, so that requests for a password reset are
// reserved and counted as logins are.
func migrateAttemptPurpose(tx *gorm.DB) error {
	type loginAttempt struct {
		Purpose string `gorm:"size:20;not null;default:'login'"`
	}
	return tx.Migrator().AddColumn(&loginAttempt{}, "Purpose")
}
