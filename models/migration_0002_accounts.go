package models

import (
	"time"

	"gorm.io/gorm"
)

// migrateAccounts creates users, their sessions, one-time tokens, API
// tokens, login attempts and the audit log.
func migrateAccounts(tx *gorm.DB) error {
	type user struct {
		ID                 uint   `gorm:"primaryKey"`
		Email              string `gorm:"size:254;not null;uniqueIndex"`
		DisplayName        string `gorm:"size:200;not null"`
		Role               string `gorm:"size:20;not null;check:chk_users_role,role IN ('admin','staff','juror','participant')"`
		Status             string `gorm:"size:20;not null;default:active;check:chk_users_status,status IN ('active','disabled')"`
		PasswordHash       string `gorm:"size:200;not null;default:''"`
		MustChangePassword bool   `gorm:"not null;default:false"`
		SearchText         string `gorm:"type:text;not null;default:''"`
		LastLoginAt        *time.Time
		CreatedAt          time.Time
		UpdatedAt          time.Time
	}
	type session struct {
		ID         uint   `gorm:"primaryKey"`
		TokenHash  string `gorm:"size:64;not null;uniqueIndex"`
		UserID     uint   `gorm:"not null;index"`
		User       user   `gorm:"constraint:OnDelete:CASCADE"`
		CreatedAt  time.Time
		LastSeenAt time.Time `gorm:"not null"`
		ExpiresAt  time.Time `gorm:"not null"`
	}
	type userToken struct {
		ID          uint      `gorm:"primaryKey"`
		UserID      uint      `gorm:"not null;index"`
		User        user      `gorm:"constraint:OnDelete:CASCADE"`
		Purpose     string    `gorm:"size:20;not null;check:chk_user_tokens_purpose,purpose IN ('invite','reset')"`
		TokenHash   string    `gorm:"size:64;not null;uniqueIndex"`
		ExpiresAt   time.Time `gorm:"not null"`
		UsedAt      *time.Time
		CreatedByID *uint
		CreatedBy   *user `gorm:"constraint:OnDelete:SET NULL"`
		CreatedAt   time.Time
	}
	type apiToken struct {
		ID         uint      `gorm:"primaryKey"`
		UserID     uint      `gorm:"not null;index"`
		User       user      `gorm:"constraint:OnDelete:CASCADE"`
		Name       string    `gorm:"size:100;not null"`
		Prefix     string    `gorm:"size:16;not null"`
		TokenHash  string    `gorm:"size:64;not null;uniqueIndex"`
		ExpiresAt  time.Time `gorm:"not null"`
		RevokedAt  *time.Time
		LastUsedAt *time.Time
		CreatedAt  time.Time
	}
	type loginAttempt struct {
		ID         uint      `gorm:"primaryKey"`
		Email      string    `gorm:"size:254;not null;index:idx_login_attempts_email_time"`
		ClientAddr string    `gorm:"size:64;not null;index:idx_login_attempts_client_time"`
		Success    bool      `gorm:"not null"`
		CreatedAt  time.Time `gorm:"not null;index:idx_login_attempts_email_time;index:idx_login_attempts_client_time"`
	}
	type auditEvent struct {
		ID         uint      `gorm:"primaryKey"`
		ActorID    *uint     `gorm:"index"`
		Actor      *user     `gorm:"constraint:OnDelete:SET NULL"`
		ActorEmail string    `gorm:"size:254;not null;default:''"`
		Action     string    `gorm:"size:64;not null;index"`
		ObjectType string    `gorm:"size:64;not null;default:''"`
		ObjectID   string    `gorm:"size:64;not null;default:''"`
		Before     string    `gorm:"type:text;not null;default:''"`
		After      string    `gorm:"type:text;not null;default:''"`
		ClientAddr string    `gorm:"size:64;not null;default:''"`
		RequestID  string    `gorm:"size:64;not null;default:''"`
		CreatedAt  time.Time `gorm:"not null;index"`
	}
	return tx.Migrator().CreateTable(&user{}, &session{}, &userToken{}, &apiToken{}, &loginAttempt{}, &auditEvent{})
}
