package services

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"kohorte/models"
)

// The attendance of a generated region: of the sessions held, most are
// attended (the presence days on site, the webinars remote), some missed,
// some excused.
const (
	scaleAbsentPerCent  = 8
	scaleExcusedPerCent = 6
	scaleAttendanceSink = 2000 // rows generated before they are written
)

// attendance generates the attendance of every enrollment at every
// session held in its time, for the sessions the data set has; none when
// it has none. Rows are written in batches as they are generated, so
// memory stays flat at hundreds of thousands of rows.
func (g *scaleGen) attendance(tx *gorm.DB, now time.Time) (int, error) {
	var sessions []models.CohortSession
	if err := tx.Select("id", "cohort_id", "kind", "starts_at").
		Where("cancelled_at IS NULL AND starts_at <= ?", now).Order("cohort_id, starts_at, id").Find(&sessions).Error; err != nil {
		return 0, fmt.Errorf("sessions: %w", err)
	}
	if len(sessions) == 0 {
		return 0, nil
	}
	byCohort := map[uint][]models.CohortSession{}
	for _, s := range sessions {
		byCohort[s.CohortID] = append(byCohort[s.CohortID], s)
	}
	var es []models.Enrollment
	if err := tx.Select("id", "cohort_id", "enrolled_at", "withdrawn_at").Order("cohort_id, id").Find(&es).Error; err != nil {
		return 0, fmt.Errorf("enrollments: %w", err)
	}
	// PostgreSQL binds many parameters cheaply, so its statements carry
	// more rows; SQLite's driver slows down with each one it binds.
	batch := scaleBatch
	if tx.Dialector.Name() == "postgres" {
		batch = 1000
	}
	recorded := now.UTC().Truncate(time.Microsecond)
	rows := make([]models.Attendance, 0, scaleAttendanceSink)
	total := 0
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		if err := tx.CreateInBatches(rows, batch).Error; err != nil {
			return fmt.Errorf("attendance: %w", err)
		}
		total += len(rows)
		rows = rows[:0]
		return nil
	}
	for _, e := range es {
		for _, s := range byCohort[e.CohortID] {
			if !expects(e, SessionDay(s)) {
				continue
			}
			rows = append(rows, g.attendanceRow(s, e.ID, recorded))
			if len(rows) == cap(rows) {
				if err := flush(); err != nil {
					return total, err
				}
			}
		}
	}
	return total, flush()
}

func (g *scaleGen) attendanceRow(s models.CohortSession, enrollmentID uint, recorded time.Time) models.Attendance {
	a := models.Attendance{SessionID: s.ID, EnrollmentID: enrollmentID, RecordedAt: recorded, UpdatedAt: recorded,
		Status: models.AttendancePresent, Modality: models.ModalityRemote}
	switch roll := g.rnd.IntN(100); {
	case roll < scaleAbsentPerCent:
		a.Status, a.Modality = models.AttendanceAbsent, ""
	case roll < scaleAbsentPerCent+scaleExcusedPerCent:
		a.Status, a.Modality = models.AttendanceExcused, ""
	case s.Kind.InPerson() && roll < 95:
		a.Modality = models.ModalityOnSite
	}
	return a
}
