package services

import (
	"time"

	"gorm.io/gorm"

	"kohorte/models"
)

// Attendance records who attended which session and explains, rule by
// rule, who is eligible for the certificate.
type Attendance struct {
	db    *gorm.DB
	today func() models.Date
	now   func() time.Time
}
