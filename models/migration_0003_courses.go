package models

import (
	"time"

	"gorm.io/gorm"
)

// migrateCourses creates courses with their issuers and signatories,
// cohorts, participants and enrollments.
func migrateCourses(tx *gorm.DB) error {
	type user struct {
		ID uint `gorm:"primaryKey"`
	}
	type course struct {
		ID                   uint   `gorm:"primaryKey"`
		Title                string `gorm:"size:300;not null"`
		CertificateTitle     string `gorm:"size:300;not null"`
		Description          string `gorm:"type:text;not null;default:''"`
		Topics               string `gorm:"type:text;not null"`
		Format               string `gorm:"size:50;not null;default:''"`
		DurationWeeks        int    `gorm:"not null;check:chk_courses_duration,duration_weeks BETWEEN 1 AND 104"`
		CertificatePrefix    string `gorm:"size:20;not null"`
		MinAttendancePercent int    `gorm:"not null;check:chk_courses_attendance,min_attendance_percent BETWEEN 0 AND 100"`
		ClosingRequired      bool   `gorm:"not null"`
		MinJuryPercent       int    `gorm:"not null;check:chk_courses_jury,min_jury_percent BETWEEN 0 AND 100"`
		CreatedAt            time.Time
		UpdatedAt            time.Time
	}
	type courseIssuer struct {
		ID              uint   `gorm:"primaryKey"`
		CourseID        uint   `gorm:"not null;index"`
		Course          course `gorm:"constraint:OnDelete:CASCADE"`
		Position        int    `gorm:"not null"`
		Name            string `gorm:"size:200;not null"`
		City            string `gorm:"size:100;not null;default:''"`
		LogoContentType string `gorm:"size:50;not null;default:''"`
		Logo            []byte
	}
	type courseSignatory struct {
		ID       uint   `gorm:"primaryKey"`
		CourseID uint   `gorm:"not null;index"`
		Course   course `gorm:"constraint:OnDelete:CASCADE"`
		Position int    `gorm:"not null"`
		Name     string `gorm:"size:200;not null"`
		Function string `gorm:"size:200;not null;default:''"`
	}
	type cohort struct {
		ID            uint      `gorm:"primaryKey"`
		CourseID      uint      `gorm:"not null;uniqueIndex:idx_cohorts_course_name"`
		Course        course    `gorm:"constraint:OnDelete:RESTRICT"`
		Name          string    `gorm:"size:100;not null;uniqueIndex:idx_cohorts_course_name"`
		StartDate     time.Time `gorm:"type:date;not null"`
		EndDate       time.Time `gorm:"type:date;not null;check:chk_cohorts_dates,end_date >= start_date"`
		Capacity      int       `gorm:"not null;check:chk_cohorts_capacity,capacity BETWEEN 1 AND 10000"`
		Venue         string    `gorm:"size:300;not null;default:''"`
		Status        string    `gorm:"size:20;not null;check:chk_cohorts_status,status IN ('planned','running','completed','archived')"`
		EnrolledCount int       `gorm:"not null;default:0;check:chk_cohorts_enrolled,enrolled_count >= 0 AND enrolled_count <= capacity"`
		CreatedAt     time.Time
		UpdatedAt     time.Time
	}
	type participant struct {
		ID               uint   `gorm:"primaryKey"`
		FirstName        string `gorm:"size:100;not null"`
		LastName         string `gorm:"size:100;not null"`
		Email            string `gorm:"size:254;not null;uniqueIndex"`
		Organisation     string `gorm:"size:200;not null;default:''"`
		NetworkType      string `gorm:"size:30;not null;default:'';check:chk_participants_network,network_type IN ('','mint_region','fachkraeftesicherung','other')"`
		FederalState     string `gorm:"size:2;not null;default:'';check:chk_participants_state,federal_state IN ('','BW','BY','BE','BB','HB','HH','HE','MV','NI','NW','RP','SL','SN','ST','SH','TH')"`
		Phone            string `gorm:"size:50;not null;default:''"`
		DirectoryConsent bool   `gorm:"not null;default:false"`
		SearchText       string `gorm:"type:text;not null;default:''"`
		SortName         string `gorm:"size:210;not null;default:'';index"`
		UserID           *uint  `gorm:"uniqueIndex"`
		User             *user  `gorm:"constraint:OnDelete:SET NULL"`
		CreatedAt        time.Time
		UpdatedAt        time.Time
	}
	type enrollment struct {
		ID               uint        `gorm:"primaryKey"`
		CohortID         uint        `gorm:"not null;uniqueIndex:idx_enrollments_cohort_participant"`
		Cohort           cohort      `gorm:"constraint:OnDelete:RESTRICT"`
		ParticipantID    uint        `gorm:"not null;uniqueIndex:idx_enrollments_cohort_participant;index"`
		Participant      participant `gorm:"constraint:OnDelete:RESTRICT"`
		Status           string      `gorm:"size:20;not null;check:chk_enrollments_status,status IN ('enrolled','completed','not_passed','withdrawn')"`
		EnrolledAt       time.Time   `gorm:"type:date;not null"`
		WithdrawnAt      *time.Time  `gorm:"type:date"`
		WithdrawalReason string      `gorm:"type:text;not null;default:''"`
		CreatedAt        time.Time
		UpdatedAt        time.Time
	}
	return tx.Migrator().CreateTable(&course{}, &courseIssuer{}, &courseSignatory{}, &cohort{}, &participant{}, &enrollment{})
}
