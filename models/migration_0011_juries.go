package models

import (
	"time"

	"gorm.io/gorm"
)

// migrateJuries creates project groups, rubrics, juries, their conflicts of
// interest and score sheets. Points, maxima and steps are kept in
// hundredths of a point, so that a step of 0.5 or 0.25 is exact and sums
// never meet a rounding error.
func migrateJuries(tx *gorm.DB) error {
	type user struct {
		ID uint `gorm:"primaryKey"`
	}
	type cohort struct {
		ID uint `gorm:"primaryKey"`
	}
	type enrollment struct {
		ID uint `gorm:"primaryKey"`
	}
	type cohortSession struct {
		ID uint `gorm:"primaryKey"`
	}
	type projectGroup struct {
		ID           uint           `gorm:"primaryKey"`
		CohortID     uint           `gorm:"not null;uniqueIndex:idx_project_groups_cohort_name"`
		Cohort       cohort         `gorm:"constraint:OnDelete:RESTRICT"`
		Name         string         `gorm:"size:120;not null;uniqueIndex:idx_project_groups_cohort_name"`
		ProjectTitle string         `gorm:"size:300;not null;default:''"`
		Summary      string         `gorm:"type:text;not null;default:''"`
		SessionID    *uint          `gorm:"index"`
		Session      *cohortSession `gorm:"foreignKey:SessionID;constraint:OnDelete:SET NULL"`
		CreatedAt    time.Time
		UpdatedAt    time.Time
	}
	type groupMember struct {
		ID           uint         `gorm:"primaryKey"`
		GroupID      uint         `gorm:"not null;index"`
		Group        projectGroup `gorm:"foreignKey:GroupID;constraint:OnDelete:CASCADE"`
		EnrollmentID uint         `gorm:"not null;uniqueIndex"`
		Enrollment   enrollment   `gorm:"constraint:OnDelete:CASCADE"`
		CreatedAt    time.Time
	}
	type cohortJury struct {
		CohortID       uint   `gorm:"primaryKey;autoIncrement:false"`
		Cohort         cohort `gorm:"constraint:OnDelete:RESTRICT"`
		Aggregation    string `gorm:"size:10;not null;default:'mean';check:chk_cohort_juries_aggregation,aggregation IN ('mean','median')"`
		SpreadLimit    int    `gorm:"not null;default:20;check:chk_cohort_juries_spread,spread_limit BETWEEN 1 AND 100"`
		ShowJurorNames bool   `gorm:"not null;default:false"`
		ScoringOpenAt  *time.Time
		ReleasedAt     *time.Time
		ReleasedByID   *uint
		ReleasedBy     *user  `gorm:"constraint:OnDelete:RESTRICT"`
		ReleaseReason  string `gorm:"type:text;not null;default:''"`
		UpdatedAt      time.Time
	}
	type juror struct {
		ID            uint   `gorm:"primaryKey"`
		CohortID      uint   `gorm:"not null;uniqueIndex:idx_jurors_cohort_user"`
		Cohort        cohort `gorm:"constraint:OnDelete:RESTRICT"`
		UserID        uint   `gorm:"not null;uniqueIndex:idx_jurors_cohort_user;index"`
		User          user   `gorm:"constraint:OnDelete:RESTRICT"`
		AppointedByID uint   `gorm:"not null"`
		AppointedBy   user   `gorm:"constraint:OnDelete:RESTRICT"`
		CreatedAt     time.Time
	}
	type juryConflict struct {
		ID           uint         `gorm:"primaryKey"`
		GroupID      uint         `gorm:"not null;uniqueIndex:idx_jury_conflicts_group_user"`
		Group        projectGroup `gorm:"foreignKey:GroupID;constraint:OnDelete:CASCADE"`
		UserID       uint         `gorm:"not null;uniqueIndex:idx_jury_conflicts_group_user;index"`
		User         user         `gorm:"constraint:OnDelete:RESTRICT"`
		Reason       string       `gorm:"type:text;not null;default:''"`
		DeclaredByID uint         `gorm:"not null"`
		DeclaredBy   user         `gorm:"constraint:OnDelete:RESTRICT"`
		CreatedAt    time.Time
	}
	type scoreSheet struct {
		ID          uint         `gorm:"primaryKey"`
		GroupID     uint         `gorm:"not null;uniqueIndex:idx_score_sheets_group_juror"`
		Group       projectGroup `gorm:"foreignKey:GroupID;constraint:OnDelete:RESTRICT"`
		JurorID     uint         `gorm:"not null;uniqueIndex:idx_score_sheets_group_juror;index"`
		Juror       user         `gorm:"foreignKey:JurorID;constraint:OnDelete:RESTRICT"`
		Comment     string       `gorm:"type:text;not null;default:''"`
		Revision    int          `gorm:"not null;default:0"`
		SubmittedAt *time.Time
		CreatedAt   time.Time
		UpdatedAt   time.Time
	}
	type score struct {
		SheetID     uint            `gorm:"primaryKey;autoIncrement:false"`
		Sheet       scoreSheet      `gorm:"foreignKey:SheetID;constraint:OnDelete:CASCADE"`
		CriterionID uint            `gorm:"primaryKey;autoIncrement:false;index"`
		Criterion   juriesCriterion `gorm:"foreignKey:CriterionID;constraint:OnDelete:RESTRICT"`
		Points      int             `gorm:"column:points_hundredths;not null;check:chk_scores_points,points_hundredths >= 0"`
	}
	return tx.Migrator().CreateTable(&projectGroup{}, &groupMember{}, &juriesCriterion{},
		&cohortJury{}, &juror{}, &juryConflict{}, &scoreSheet{}, &score{})
}

// juriesCriterion is the migration's frozen copy of a rubric criterion,
// declared outside the function for its table name: GORM's plural of
// criterion would be "criterions".
type juriesCriterion struct {
	ID          uint          `gorm:"primaryKey"`
	CourseID    *uint         `gorm:"index"`
	Course      *juriesCourse `gorm:"constraint:OnDelete:CASCADE"`
	CohortID    *uint         `gorm:"index;check:chk_rubric_criteria_owner,(course_id IS NULL) <> (cohort_id IS NULL)"`
	Cohort      *juriesCohort `gorm:"constraint:OnDelete:RESTRICT"`
	Position    int           `gorm:"not null"`
	Name        string        `gorm:"size:120;not null"`
	Description string        `gorm:"type:text;not null;default:''"`
	Weight      int           `gorm:"not null;check:chk_rubric_criteria_weight,weight BETWEEN 1 AND 100"`
	MaxPoints   int           `gorm:"column:max_hundredths;not null;check:chk_rubric_criteria_max,max_hundredths BETWEEN 1 AND 100000"`
	Step        int           `gorm:"column:step_hundredths;not null;check:chk_rubric_criteria_step,step_hundredths BETWEEN 1 AND max_hundredths"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (juriesCriterion) TableName() string { return "rubric_criteria" }

type juriesCourse struct {
	ID uint `gorm:"primaryKey"`
}

func (juriesCourse) TableName() string { return "courses" }

type juriesCohort struct {
	ID uint `gorm:"primaryKey"`
}

func (juriesCohort) TableName() string { return "cohorts" }
