package models

import "time"

// Role decides what a user may do. The four roles are fixed by the domain.
type Role string

// The roles, from most to least powerful.
const (
	RoleAdmin       Role = "admin"
	RoleStaff       Role = "staff"
	RoleJuror       Role = "juror"
	RoleParticipant Role = "participant"
)

// Roles lists every role, most powerful first.
var Roles = []Role{RoleAdmin, RoleStaff, RoleJuror, RoleParticipant}

// UserStatus says whether a user may log in.
type UserStatus string

// A disabled user keeps their records but cannot log in.
const (
	UserActive   UserStatus = "active"
	UserDisabled UserStatus = "disabled"
)

// User is an account. Email is stored trimmed and in lower case, so that the
// unique index makes addresses unique regardless of case.
type User struct {
	ID                 uint       `gorm:"primaryKey"`
	Email              string     `gorm:"size:254;not null;uniqueIndex"`
	DisplayName        string     `gorm:"size:200;not null"`
	Role               Role       `gorm:"size:20;not null"`
	Status             UserStatus `gorm:"size:20;not null;default:active"`
	PasswordHash       string     `gorm:"size:200;not null;default:''"`
	MustChangePassword bool       `gorm:"not null;default:false"`
	// SearchText is the name and e-mail folded for searching.
	SearchText  string `gorm:"type:text;not null;default:''"`
	LastLoginAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Session is a logged-in browser. Only the SHA-256 of its token is stored,
// so a copy of the database does not let anyone log in.
type Session struct {
	ID         uint   `gorm:"primaryKey"`
	TokenHash  string `gorm:"size:64;not null;uniqueIndex"`
	UserID     uint   `gorm:"not null;index"`
	CreatedAt  time.Time
	LastSeenAt time.Time `gorm:"not null"`
	ExpiresAt  time.Time `gorm:"not null"`
}

// TokenPurpose says what a one-time user token is for.
type TokenPurpose string

// One-time token purposes.
const (
	PurposeInvite TokenPurpose = "invite"
	PurposeReset  TokenPurpose = "reset"
)

// UserToken is a one-time link to set a password: an invitation or a reset.
type UserToken struct {
	ID          uint         `gorm:"primaryKey"`
	UserID      uint         `gorm:"not null;index"`
	Purpose     TokenPurpose `gorm:"size:20;not null"`
	TokenHash   string       `gorm:"size:64;not null;uniqueIndex"`
	ExpiresAt   time.Time    `gorm:"not null"`
	UsedAt      *time.Time
	CreatedByID *uint
	CreatedAt   time.Time
}

// APIToken lets an integration act as the user who created it.
type APIToken struct {
	ID         uint      `gorm:"primaryKey"`
	UserID     uint      `gorm:"not null;index"`
	Name       string    `gorm:"size:100;not null"`
	Prefix     string    `gorm:"size:16;not null"`
	TokenHash  string    `gorm:"size:64;not null;uniqueIndex"`
	ExpiresAt  time.Time `gorm:"not null"`
	RevokedAt  *time.Time
	LastUsedAt *time.Time
	CreatedAt  time.Time
}

// LoginAttempt records one try to log in, or one request for a password
// reset, for throttling. Email is the address as tried, whether or not an
// account has it.
type LoginAttempt struct {
	ID         uint           `gorm:"primaryKey"`
	Purpose    AttemptPurpose `gorm:"size:20;not null;default:'login'"`
	Email      string         `gorm:"size:254;not null;index:idx_login_attempts_email_time"`
	ClientAddr string         `gorm:"size:64;not null;index:idx_login_attempts_client_time"`
	Success    bool           `gorm:"not null"`
	CreatedAt  time.Time      `gorm:"not null;index:idx_login_attempts_email_time;index:idx_login_attempts_client_time"`
}

// AttemptPurpose says what a LoginAttempt tried.
type AttemptPurpose string

const (
	// AttemptLogin is a login, or a check of the current password of a
	// logged-in user, which counts like one.
	AttemptLogin AttemptPurpose = "login"
	// AttemptReset is a request for a password reset link.
	AttemptReset AttemptPurpose = "reset"
	// AttemptCheckin is a check-in code entered at a presence session;
	// ClientAddr names the user, as each one's guesses are counted.
	AttemptCheckin AttemptPurpose = "checkin"
)

// AuditEvent records one change, or one login, with who did it and how the
// object looked before and after. It is written in the same transaction as
// the change.
type AuditEvent struct {
	ID         uint      `gorm:"primaryKey"`
	ActorID    *uint     `gorm:"index"`
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
