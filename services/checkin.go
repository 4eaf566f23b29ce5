package services

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"kohorte/models"
)

// checkinEarly is how long before a session's start check-in opens, so
// that people arriving early can check in at the door.
const checkinEarly = 30 * time.Minute

// Refusals of the self check-in.
var (
	ErrCheckinNotInPerson = refuse(ErrInvalidAction, CodeCheckinNotInPerson)
	ErrCheckinClosed      = refuse(ErrInvalidAction, CodeCheckinClosed)
	ErrCheckinNotExpected = refuse(ErrForbidden, CodeCheckinNotExpected)
)

// CheckinPath is the page a participant's phone opens from the QR code
// shown at a session, with the code filled in.
func CheckinPath(sessionID uint, code string) string {
	return fmt.Sprintf("/check-in/%d?code=%s", sessionID, code)
}

// CheckinCode is the code staff show at a session, and until when it is
// shown before the next one.
type CheckinCode struct {
	Session    models.CohortSession
	Code       string
	ShownUntil time.Time
}

// OpenCheckin lets participants check in at a presence session with the
// code staff show. The session's secret is made on first opening and kept,
// so a code shown by one instance is accepted by every other.
func (s *Attendance) OpenCheckin(ctx context.Context, actor Actor, sessionID uint) (CheckinCode, error) {
	return s.setCheckin(ctx, actor, sessionID, true)
}

// CloseCheckin ends the check-in; codes are refused afterwards.
func (s *Attendance) CloseCheckin(ctx context.Context, actor Actor, sessionID uint) error {
	_, err := s.setCheckin(ctx, actor, sessionID, false)
	return err
}

func (s *Attendance) setCheckin(ctx context.Context, actor Actor, sessionID uint, open bool) (CheckinCode, error) {
	if !actor.IsStaff() {
		return CheckinCode{}, ErrForbidden
	}
	var session models.CohortSession
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		if session, err = checkinSession(tx, sessionID, true); err != nil {
			return err
		}
		if open {
			cohort, err := lockCohort(tx, session.CohortID)
			if err != nil {
				return err
			}
			if err := requireChangeable(cohort); err != nil {
				return err
			}
		}
		if session.CheckinOpen == open {
			return nil
		}
		if len(session.CheckinSecret) == 0 {
			session.CheckinSecret = make([]byte, 32)
			rand.Read(session.CheckinSecret)
		}
		session.CheckinOpen = open
		if err := tx.Model(&session).Select("CheckinOpen", "CheckinSecret").Updates(&session).Error; err != nil {
			return err
		}
		action := "session.checkin_closed"
		if open {
			action = "session.checkin_opened"
		}
		return record(tx, actor, action, "session", session.ID, nil, map[string]any{"title": session.Title})
	})
	if err != nil || !open {
		return CheckinCode{}, err
	}
	return s.codeOf(session), nil
}

// checkinSession reads a session that can have a check-in: in person and
// not cancelled.
func checkinSession(tx *gorm.DB, id uint, lock bool) (models.CohortSession, error) {
	var session models.CohortSession
	q := tx
	if lock {
		q = q.Clauses(lockForUpdate())
	}
	if err := q.Take(&session, id).Error; err != nil {
		return session, notFoundAs(err, "session", id)
	}
	switch {
	case !session.Kind.InPerson():
		return session, ErrCheckinNotInPerson
	case session.Cancelled():
		return session, ErrAttendanceSessionCancelled
	}
	return session, nil
}

// CurrentCheckinCode is the code to show now at an open check-in.
func (s *Attendance) CurrentCheckinCode(ctx context.Context, actor Actor, sessionID uint) (CheckinCode, error) {
	if !actor.IsStaff() {
		return CheckinCode{}, ErrForbidden
	}
	var session models.CohortSession
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		session, err = checkinSession(tx, sessionID, false)
		return err
	})
	if err != nil {
		return CheckinCode{}, err
	}
	if !session.CheckinOpen {
		return CheckinCode{Session: session}, ErrCheckinClosed
	}
	return s.codeOf(session), nil
}

func (s *Attendance) codeOf(session models.CohortSession) CheckinCode {
	now := s.now()
	step := now.Truncate(CheckinStep)
	return CheckinCode{Session: session, Code: checkinCode(session.CheckinSecret, now), ShownUntil: step.Add(CheckinStep)}
}

// CheckIn marks the participant actor present on site at a session when
// code is the one shown there now (or a moment ago), while the check-in is
// open, from half an hour before the start to the end. Checking in again
// changes nothing; a code of another session, a stale one, or someone not
// enrolled at the session's day is refused and nothing is written.
func (s *Attendance) CheckIn(ctx context.Context, actor Actor, sessionID uint, code string) (RecordResult, error) {
	if !actor.Is(models.RoleParticipant) {
		return RecordResult{}, ErrForbidden
	}
	code = strings.TrimSpace(code)
	var res RecordResult
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		session, err := checkinSession(tx, sessionID, false)
		if err != nil {
			return err
		}
		res.Session = session
		now := s.now()
		switch {
		case !session.CheckinOpen:
			return ErrCheckinClosed
		case now.Before(session.StartsAt.Add(-checkinEarly)) || now.After(session.EndsAt):
			return refuse(ErrInvalidAction, CodeCheckinOutsideSession,
				"from", session.StartsAt.Add(-checkinEarly).In(attendanceZone()).Format("15:04"),
				"to", session.EndsAt.In(attendanceZone()).Format("15:04"))
		case !checkinCodeValid(session.CheckinSecret, code, now):
			return invalid("code", CodeCheckinCodeInvalid)
		}
		e, err := checkinEnrollment(tx, actor, session)
		if err != nil {
			return err
		}
		return s.markPresent(tx, actor, session, e, now, &res)
	})
	return res, err
}

// checkinEnrollment finds the actor's enrollment in the session's cohort,
// if they are expected on its day.
func checkinEnrollment(tx *gorm.DB, actor Actor, session models.CohortSession) (models.Enrollment, error) {
	var e models.Enrollment
	err := tx.Joins("JOIN participants ON participants.id = enrollments.participant_id").
		Where("participants.user_id = ? AND enrollments.cohort_id = ?", actor.UserID, session.CohortID).Take(&e).Error
	if err != nil || !expects(e, SessionDay(session)) {
		return e, ErrCheckinNotExpected
	}
	return e, nil
}

// markPresent stores present on site, keeping a note staff wrote, and
// audits the change; the same mark again writes nothing.
func (s *Attendance) markPresent(tx *gorm.DB, actor Actor, session models.CohortSession, e models.Enrollment, now time.Time, res *RecordResult) error {
	var stored []models.Attendance
	if err := tx.Where("session_id = ? AND enrollment_id = ?", session.ID, e.ID).Find(&stored).Error; err != nil {
		return err
	}
	entry := AttendanceEntry{EnrollmentID: e.ID, Status: models.AttendancePresent, Modality: models.ModalityOnSite}
	if len(stored) == 1 {
		entry.Note = stored[0].Note
	}
	rows, events := attendanceChanges(actor, session, []AttendanceEntry{entry}, stored, now.UTC().Truncate(time.Microsecond))
	res.Changed, res.Unchanged = len(rows), 1-len(rows)
	if len(rows) == 0 {
		return nil
	}
	err := tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "session_id"}, {Name: "enrollment_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"status", "modality", "note", "recorded_by_id", "recorded_at", "updated_at"}),
	}).Create(&rows).Error
	if err != nil {
		return err
	}
	events[0].Action = "attendance.checked_in"
	return tx.Create(&events).Error
}
