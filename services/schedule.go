package services

import (
	"time"

	"gorm.io/gorm"

	"kohorte/models"
)

// Schedule plans a cohort's sessions: laid out from the course's template,
// edited, cancelled, cloned with a cohort, and published as calendars.
type Schedule struct {
	db    *gorm.DB
	today func() models.Date
	now   func() time.Time
}
