package models

import "time"

// SessionKind is what a dated event of a cohort is.
type SessionKind string

// The session kinds. A two-day closing is two sessions of kind closing,
// one per day.
const (
	SessionKickoff   SessionKind = "kickoff"
	SessionWebinar   SessionKind = "webinar"
	SessionMentoring SessionKind = "mentoring"
	SessionClosing   SessionKind = "closing"
)

// SessionKinds lists the kinds in the order a cohort meets them.
func SessionKinds() []SessionKind {
	return []SessionKind{SessionKickoff, SessionWebinar, SessionMentoring, SessionClosing}
}

// Valid tells whether k is one of the session kinds.
func (k SessionKind) Valid() bool {
	for _, v := range SessionKinds() {
		if k == v {
			return true
		}
	}
	return false
}

// InPerson tells whether sessions of kind k meet at the venue, so that a
// participant can check in on site.
func (k SessionKind) InPerson() bool {
	return k == SessionKickoff || k == SessionClosing
}

// CohortSession is a dated event of a cohort (a Termin): a kick-off, a
// webinar, a mentoring slot or one day of the closing. Times are instants
// (stored in UTC, shown in Europe/Berlin). A cancelled session stays, so
// that calendars learn of the cancellation, but counts for nobody.
// Sequence rises with every change, as iCalendar's SEQUENCE.
type CohortSession struct {
	ID           uint        `gorm:"primaryKey"`
	CohortID     uint        `gorm:"not null;index:idx_cohort_sessions_cohort_start"`
	Cohort       *Cohort     `gorm:"constraint:OnDelete:RESTRICT"`
	Kind         SessionKind `gorm:"size:20;not null"`
	Title        string      `gorm:"size:200;not null"`
	StartsAt     time.Time   `gorm:"not null;index:idx_cohort_sessions_cohort_start"`
	EndsAt       time.Time   `gorm:"not null"`
	Location     string      `gorm:"size:300;not null;default:''"`
	OnlineURL    string      `gorm:"size:500;not null;default:''"`
	Required     bool        `gorm:"not null"`
	Units        int         `gorm:"not null"`
	CancelledAt  *time.Time
	CancelReason string `gorm:"type:text;not null;default:''"`
	Sequence     int    `gorm:"not null;default:0"`
	// CheckinSecret keys the codes of the self check-in, so that any
	// instance can check a code without shared state.
	CheckinSecret []byte
	// CheckinOpen is set while staff show the check-in code.
	CheckinOpen bool `gorm:"not null;default:false"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Cancelled tells whether the session was called off.
func (s CohortSession) Cancelled() bool { return s.CancelledAt != nil }

// AttendanceStatus is how a participant attended one session.
type AttendanceStatus string

// The attendance statuses.
const (
	AttendancePresent AttendanceStatus = "present"
	AttendanceAbsent  AttendanceStatus = "absent"
	AttendanceExcused AttendanceStatus = "excused"
)

// Modality is how someone present attended.
type Modality string

// The modalities; only present carries one.
const (
	ModalityOnSite Modality = "on_site"
	ModalityRemote Modality = "remote"
)

// Attendance is one participant (by enrollment) at one session, at most
// one row per pair. RecordedByID is the staff member, or the participant
// themselves after a self check-in.
type Attendance struct {
	ID           uint             `gorm:"primaryKey"`
	SessionID    uint             `gorm:"not null;uniqueIndex:idx_attendances_session_enrollment"`
	Session      *CohortSession   `gorm:"constraint:OnDelete:CASCADE"`
	EnrollmentID uint             `gorm:"not null;uniqueIndex:idx_attendances_session_enrollment;index"`
	Enrollment   *Enrollment      `gorm:"constraint:OnDelete:CASCADE"`
	Status       AttendanceStatus `gorm:"size:20;not null"`
	Modality     Modality         `gorm:"size:20;not null;default:''"`
	Note         string           `gorm:"size:500;not null;default:''"`
	RecordedByID *uint
	RecordedAt   time.Time `gorm:"not null"`
	UpdatedAt    time.Time
}

// CalendarToken is the secret in a private iCalendar feed URL: for a
// cohort (staff) or for one participant. Only its SHA-256 is stored;
// revoking it ends the feed.
type CalendarToken struct {
	ID            uint   `gorm:"primaryKey"`
	TokenHash     []byte `gorm:"not null;uniqueIndex"`
	CohortID      *uint  `gorm:"index"`
	ParticipantID *uint  `gorm:"index"`
	CreatedByID   uint   `gorm:"not null"`
	CreatedAt     time.Time
	RevokedAt     *time.Time
}
