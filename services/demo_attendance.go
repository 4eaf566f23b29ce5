package services

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"kohorte/models"
)

// The demo gives each cohort the cases attendance must get right. The
// lead's wiring in loadDemoCohort calls demoTwists after the enrollments
// and before the cohort moves on (a completed cohort takes nobody new),
// lays out the schedule, and then calls demoAttendance.

// demoTwists lets the last person enrolled withdraw at the end of week 2,
// and a new person take the freed place at the start of week 3: a
// withdrawn and a late-enrolled case.
func demoTwists(ctx context.Context, actor Actor, s *Services, cohort models.Cohort, person *int, state string) error {
	var last models.Enrollment
	if err := s.db.WithContext(ctx).Where("cohort_id = ?", cohort.ID).Order("id DESC").Take(&last).Error; err != nil {
		return notFoundAs(err, "enrollment", 0)
	}
	if _, err := s.Enrollments.Withdraw(ctx, actor, last.ID, cohort.StartDate.AddDays(13), "Stellenwechsel"); err != nil {
		return fmt.Errorf("demo withdrawal: %w", err)
	}
	p, err := s.Participants.CreateParticipant(ctx, actor, demoPerson(*person, state))
	if err != nil {
		return err
	}
	*person++
	_, err = s.Enrollments.Enroll(ctx, actor, cohort.ID, p.ID, cohort.StartDate.AddDays(14))
	return err
}

// demoAttendance records attendance for every session of a cohort that
// has started and is not cancelled, one request per session as staff
// would, for everyone expected there: most attend, some join the kick-off
// from home, a few are excused or absent, the optional mentoring draws
// about a third.
func demoAttendance(ctx context.Context, actor Actor, s *Services, cohortID uint) error {
	var sessions []models.CohortSession
	var es []models.Enrollment
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Where("cohort_id = ? AND cancelled_at IS NULL AND starts_at <= ?", cohortID, s.Attendance.now()).
			Order("starts_at, id").Find(&sessions).Error; err != nil {
			return err
		}
		return tx.Where("cohort_id = ?", cohortID).Order("id").Find(&es).Error
	})
	if err != nil {
		return err
	}
	for j, session := range sessions {
		day := SessionDay(session)
		var entries []AttendanceEntry
		for i, e := range es {
			if !expects(e, day) {
				continue
			}
			if entry, ok := demoEntry(session.Kind, i, j); ok {
				entry.EnrollmentID = e.ID
				entries = append(entries, entry)
			}
		}
		if len(entries) == 0 {
			continue
		}
		if _, err := s.Attendance.RecordSession(ctx, actor, session.ID, entries); err != nil {
			return fmt.Errorf("demo attendance of session %d: %w", session.ID, err)
		}
	}
	return nil
}

// demoEntry is person i's attendance at the cohort's session j; false
// leaves it unrecorded (nobody takes attendance of who skipped mentoring).
func demoEntry(kind models.SessionKind, i, j int) (AttendanceEntry, bool) {
	onSite := AttendanceEntry{Status: models.AttendancePresent, Modality: models.ModalityOnSite}
	remote := AttendanceEntry{Status: models.AttendancePresent, Modality: models.ModalityRemote}
	excused := AttendanceEntry{Status: models.AttendanceExcused, Note: "Krankmeldung"}
	absent := AttendanceEntry{Status: models.AttendanceAbsent}
	switch kind {
	case models.SessionKickoff:
		switch {
		case i%6 == 1:
			remote.Note = "von zu Hause zugeschaltet"
			return remote, true
		case i%11 == 4:
			return excused, true
		}
		return onSite, true
	case models.SessionMentoring:
		return remote, (i+j)%3 == 0
	case models.SessionClosing:
		if i%13 == 5 && j%2 == 1 {
			return absent, true
		}
		return onSite, true
	}
	switch (i*7 + j*3) % 20 {
	case 0:
		return absent, true
	case 1:
		excused.Note = "Dienstreise"
		return excused, true
	}
	return remote, true
}
