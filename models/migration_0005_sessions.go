package models

import (
	"time"

	"gorm.io/gorm"
)

// migrateSessions gives courses their teaching units per session kind and
// creates cohort sessions, attendance and the tokens of calendar feeds.
func migrateSessions(tx *gorm.DB) error {
	type course struct {
		ID             uint `gorm:"primaryKey"`
		UnitsKickoff   int  `gorm:"not null;default:8;check:chk_courses_units_kickoff,units_kickoff BETWEEN 0 AND 40"`
		UnitsWebinar   int  `gorm:"not null;default:2;check:chk_courses_units_webinar,units_webinar BETWEEN 0 AND 40"`
		UnitsMentoring int  `gorm:"not null;default:1;check:chk_courses_units_mentoring,units_mentoring BETWEEN 0 AND 40"`
		UnitsClosing   int  `gorm:"not null;default:8;check:chk_courses_units_closing,units_closing BETWEEN 0 AND 40"`
	}
	for _, f := range []string{"UnitsKickoff", "UnitsWebinar", "UnitsMentoring", "UnitsClosing"} {
		if err := tx.Migrator().AddColumn(&course{}, f); err != nil {
			return err
		}
	}
	type user struct {
		ID uint `gorm:"primaryKey"`
	}
	type cohort struct {
		ID uint `gorm:"primaryKey"`
	}
	type participant struct {
		ID uint `gorm:"primaryKey"`
	}
	type enrollment struct {
		ID uint `gorm:"primaryKey"`
	}
	type cohortSession struct {
		ID            uint      `gorm:"primaryKey"`
		CohortID      uint      `gorm:"not null;index:idx_cohort_sessions_cohort_start"`
		Cohort        cohort    `gorm:"constraint:OnDelete:RESTRICT"`
		Kind          string    `gorm:"size:20;not null;check:chk_cohort_sessions_kind,kind IN ('kickoff','webinar','mentoring','closing')"`
		Title         string    `gorm:"size:200;not null"`
		StartsAt      time.Time `gorm:"not null;index:idx_cohort_sessions_cohort_start"`
		EndsAt        time.Time `gorm:"not null;check:chk_cohort_sessions_times,ends_at > starts_at"`
		Location      string    `gorm:"size:300;not null;default:''"`
		OnlineURL     string    `gorm:"size:500;not null;default:''"`
		Required      bool      `gorm:"not null"`
		Units         int       `gorm:"not null;check:chk_cohort_sessions_units,units BETWEEN 0 AND 40"`
		CancelledAt   *time.Time
		CancelReason  string `gorm:"type:text;not null;default:''"`
		Sequence      int    `gorm:"not null;default:0"`
		CheckinSecret []byte
		CheckinOpen   bool `gorm:"not null;default:false"`
		CreatedAt     time.Time
		UpdatedAt     time.Time
	}
	type attendance struct {
		ID           uint          `gorm:"primaryKey"`
		SessionID    uint          `gorm:"not null;uniqueIndex:idx_attendances_session_enrollment"`
		Session      cohortSession `gorm:"foreignKey:SessionID;constraint:OnDelete:CASCADE"`
		EnrollmentID uint          `gorm:"not null;uniqueIndex:idx_attendances_session_enrollment;index"`
		Enrollment   enrollment    `gorm:"constraint:OnDelete:CASCADE"`
		Status       string        `gorm:"size:20;not null;check:chk_attendances_status,status IN ('present','absent','excused')"`
		Modality     string        `gorm:"size:20;not null;default:'';check:chk_attendances_modality,(status = 'present' AND modality IN ('on_site','remote')) OR (status <> 'present' AND modality = '')"`
		Note         string        `gorm:"size:500;not null;default:''"`
		RecordedByID *uint
		RecordedBy   *user     `gorm:"constraint:OnDelete:SET NULL"`
		RecordedAt   time.Time `gorm:"not null"`
		UpdatedAt    time.Time
	}
	type calendarToken struct {
		ID            uint         `gorm:"primaryKey"`
		TokenHash     []byte       `gorm:"not null;uniqueIndex"`
		CohortID      *uint        `gorm:"index"`
		Cohort        *cohort      `gorm:"constraint:OnDelete:CASCADE"`
		ParticipantID *uint        `gorm:"index"`
		Participant   *participant `gorm:"constraint:OnDelete:CASCADE"`
		CreatedByID   uint         `gorm:"not null"`
		CreatedBy     user         `gorm:"constraint:OnDelete:RESTRICT"`
		CreatedAt     time.Time
		RevokedAt     *time.Time
	}
	return tx.Migrator().CreateTable(&cohortSession{}, &attendance{}, &calendarToken{})
}
