package models

import "time"

// Course is a certificate programme such as "Netzwerkkoordinator:in zur
// Fachkräftesicherung (IHK)". Its rules decide who gets the certificate.
type Course struct {
	ID                   uint     `gorm:"primaryKey"`
	Title                string   `gorm:"size:300;not null"`
	CertificateTitle     string   `gorm:"size:300;not null"`
	Description          string   `gorm:"type:text;not null;default:''"`
	Topics               []string `gorm:"serializer:json;type:text;not null"`
	Format               string   `gorm:"size:50;not null;default:''"`
	DurationWeeks        int      `gorm:"not null"`
	CertificatePrefix    string   `gorm:"size:20;not null"`
	MinAttendancePercent int      `gorm:"not null"`
	ClosingRequired      bool     `gorm:"not null"`
	MinJuryPercent       int      `gorm:"not null"`
	// Teaching units (UE, 45 minutes) a new session of each kind gets.
	UnitsKickoff   int               `gorm:"not null;default:8"`
	UnitsWebinar   int               `gorm:"not null;default:2"`
	UnitsMentoring int               `gorm:"not null;default:1"`
	UnitsClosing   int               `gorm:"not null;default:8"`
	Issuers        []CourseIssuer    `gorm:"constraint:OnDelete:CASCADE"`
	Signatories    []CourseSignatory `gorm:"constraint:OnDelete:CASCADE"`
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// CourseIssuer is an organisation that issues the certificate, e.g. a
// foundation or an IHK, printed with its logo.
type CourseIssuer struct {
	ID              uint   `gorm:"primaryKey"`
	CourseID        uint   `gorm:"not null;index"`
	Position        int    `gorm:"not null"`
	Name            string `gorm:"size:200;not null"`
	City            string `gorm:"size:100;not null;default:''"`
	LogoContentType string `gorm:"size:50;not null;default:''"`
	Logo            []byte
}

// CourseSignatory signs the certificate.
type CourseSignatory struct {
	ID       uint   `gorm:"primaryKey"`
	CourseID uint   `gorm:"not null;index"`
	Position int    `gorm:"not null"`
	Name     string `gorm:"size:200;not null"`
	Function string `gorm:"size:200;not null;default:''"`
}

// CohortStatus is where a cohort stands; it only moves forward.
type CohortStatus string

// The cohort statuses in their order.
const (
	CohortPlanned   CohortStatus = "planned"
	CohortRunning   CohortStatus = "running"
	CohortCompleted CohortStatus = "completed"
	CohortArchived  CohortStatus = "archived"
)

// CohortStatuses lists the statuses in their order.
func CohortStatuses() []CohortStatus {
	return []CohortStatus{CohortPlanned, CohortRunning, CohortCompleted, CohortArchived}
}

// Next is the one status s may move to, or "" for the last. This is the
// cohort's whole state machine: the services enforce it and the pages
// offer it.
func (s CohortStatus) Next() CohortStatus {
	switch s {
	case CohortPlanned:
		return CohortRunning
	case CohortRunning:
		return CohortCompleted
	case CohortCompleted:
		return CohortArchived
	}
	return ""
}

// AcceptsEnrollments tells whether people can join or be imported into a
// cohort of status s: until it has been completed.
func (s CohortStatus) AcceptsEnrollments() bool {
	return s == CohortPlanned || s == CohortRunning
}

// Changeable tells whether anything in a cohort of status s may still
// change. What each status allows:
//
//   - planned and running: everything: the cohort's name, dates, places and
//     venue; enrolling, importing and re-enrolling people; withdrawals;
//     participant accounts.
//   - completed: the course is over, so nobody joins any more
//     (AcceptsEnrollments), but the course office still corrects the
//     cohort's data before the certificates print its dates, records a
//     withdrawal it learns of late (dated within the cohort), and gives
//     graduates accounts to fetch their certificates.
//   - archived: nothing; the cohort is a record of what happened.
func (s CohortStatus) Changeable() bool {
	return s != CohortArchived
}

// Cohort is one run of a course, e.g. "Frühjahr 2023". EnrolledCount is
// kept in the same transaction as every enrollment change, and the
// database refuses it above Capacity.
type Cohort struct {
	ID            uint         `gorm:"primaryKey"`
	CourseID      uint         `gorm:"not null;index"`
	Course        *Course      `gorm:"constraint:OnDelete:RESTRICT"`
	Name          string       `gorm:"size:100;not null"`
	StartDate     Date         `gorm:"not null"`
	EndDate       Date         `gorm:"not null"`
	Capacity      int          `gorm:"not null"`
	Venue         string       `gorm:"size:300;not null;default:''"`
	Status        CohortStatus `gorm:"size:20;not null"`
	EnrolledCount int          `gorm:"not null;default:0"`
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// NetworkType is the kind of regional network a participant coordinates.
type NetworkType string

// The network types.
const (
	NetworkMINTRegion           NetworkType = "mint_region"
	NetworkFachkraeftesicherung NetworkType = "fachkraeftesicherung"
	NetworkOther                NetworkType = "other"
)

// Participant is a person across cohorts: one person, many enrollments.
// Email is stored in lower case and unique.
type Participant struct {
	ID               uint        `gorm:"primaryKey"`
	FirstName        string      `gorm:"size:100;not null"`
	LastName         string      `gorm:"size:100;not null"`
	Email            string      `gorm:"size:254;not null;uniqueIndex"`
	Organisation     string      `gorm:"size:200;not null;default:''"`
	NetworkType      NetworkType `gorm:"size:30;not null;default:''"`
	FederalState     string      `gorm:"size:2;not null;default:''"`
	Phone            string      `gorm:"size:50;not null;default:''"`
	DirectoryConsent bool        `gorm:"not null;default:false"`
	// SearchText is names, e-mail and organisation folded for searching.
	SearchText string `gorm:"type:text;not null;default:''"`
	// SortName is the last and first name folded, so that "Öztürk" sorts
	// among the O on both engines.
	SortName  string `gorm:"size:210;not null;default:'';index"`
	UserID    *uint  `gorm:"uniqueIndex"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// EnrollmentStatus is where a participant stands in a cohort.
type EnrollmentStatus string

// The enrollment statuses.
const (
	EnrollmentEnrolled  EnrollmentStatus = "enrolled"
	EnrollmentCompleted EnrollmentStatus = "completed"
	EnrollmentNotPassed EnrollmentStatus = "not_passed"
	EnrollmentWithdrawn EnrollmentStatus = "withdrawn"
)

// Enrollment is a participant in a cohort, at most once per cohort.
type Enrollment struct {
	ID               uint             `gorm:"primaryKey"`
	CohortID         uint             `gorm:"not null;uniqueIndex:idx_enrollments_cohort_participant"`
	ParticipantID    uint             `gorm:"not null;uniqueIndex:idx_enrollments_cohort_participant;index"`
	Participant      *Participant     `gorm:"constraint:OnDelete:RESTRICT"`
	Status           EnrollmentStatus `gorm:"size:20;not null"`
	EnrolledAt       Date             `gorm:"not null"`
	WithdrawnAt      *Date
	WithdrawalReason string `gorm:"type:text;not null;default:''"`
	CreatedAt        time.Time
	UpdatedAt        time.Time
}
