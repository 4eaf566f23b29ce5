package models

import "time"

// SettingInstallationID names the random identity of a Kohorte installation,
// written once by the first migration.
const SettingInstallationID = "installation_id"

// Setting is one instance-wide configuration value kept in the database, so
// that all instances sharing the database see the same.
type Setting struct {
	Key       string `gorm:"primaryKey;size:100"`
	Value     string `gorm:"type:text;not null"`
	UpdatedAt time.Time
}
