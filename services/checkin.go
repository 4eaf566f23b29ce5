package services

import (
	"context"
	"crypto/rand"
	"errors"
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
		// The cohort is locked before the session, as every change of a
		// cohort's sessions does, so that they wait for each other instead
		// of deadlocking.
		if err := tx.Select("cohort_id").Take(&session, sessionID).Error; err != nil {
			return notFoundAs(err, "session", sessionID)
		}
		cohort, err := lockCohort(tx, session.CohortID)
		if err != nil {
			return err
		}
		if session, err = checkinSession(tx, sessionID, true); err != nil {
			return err
		}
		if open {
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
// enrolled at the session's day is refused and nothing is written. Wrong
// codes are counted: after checkinMaxWrong of them in checkinWindow the
// participant waits, so that six digits cannot be guessed by trying.
func (s *Attendance) CheckIn(ctx context.Context, actor Actor, sessionID uint, code string) (RecordResult, error) {
	if !actor.Is(models.RoleParticipant) {
		return RecordResult{}, ErrForbidden
	}
	code = strings.TrimSpace(code)
	attempt, err := s.reserveCheckin(ctx, actor)
	if err != nil {
		return RecordResult{}, err
	}
	var res RecordResult
	err = inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		session, e, err := s.checkinTarget(tx, actor, sessionID)
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
		if err := tx.Model(&attempt).Update("success", true).Error; err != nil {
			return err
		}
		return s.markPresent(tx, actor, session, e, now, &res)
	})
	var verr *ValidationError
	if err != nil && !errors.As(err, &verr) {
		// Only a wrong code counts as a guess; a closed check-in or a
		// dropped connection does not.
		s.forgetAttempt(ctx, attempt)
	}
	return res, err
}

func (s *Attendance) forgetAttempt(ctx context.Context, attempt models.LoginAttempt) {
	cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	s.db.WithContext(cleanup).Delete(&attempt)
}

// checkinTarget reads the session and the actor's enrollment at it, the
// cohort locked first as every attendance change does. Someone not
// enrolled learns nothing of the session beyond that.
func (s *Attendance) checkinTarget(tx *gorm.DB, actor Actor, sessionID uint) (models.CohortSession, models.Enrollment, error) {
	var session models.CohortSession
	var e models.Enrollment
	if err := tx.Take(&session, sessionID).Error; err != nil {
		return session, e, notFoundAs(err, "session", sessionID)
	}
	cohort, err := lockCohort(tx, session.CohortID)
	if err != nil {
		return session, e, err
	}
	if e, err = checkinEnrollment(tx, actor, session); err != nil {
		return session, e, err
	}
	if err := requireChangeable(cohort); err != nil {
		return session, e, err
	}
	session, err = checkinSession(tx, sessionID, false)
	return session, e, err
}

// How many wrong check-in codes a participant may enter in a window.
const (
	checkinMaxWrong = 10
	checkinWindow   = 15 * time.Minute
)

// reserveCheckin counts the attempt as wrong before it is checked, as
// logins do, so that parallel guesses cannot slip past the limit; a
// successful check-in marks it right in its transaction.
func (s *Attendance) reserveCheckin(ctx context.Context, actor Actor) (models.LoginAttempt, error) {
	now := s.now()
	attempt := models.LoginAttempt{Purpose: models.AttemptCheckin, Email: actor.Email, ClientAddr: fmt.Sprint("user ", actor.UserID), CreatedAt: now}
	if err := s.db.WithContext(ctx).Create(&attempt).Error; err != nil {
		return attempt, err
	}
	var wrong int64
	err := s.db.WithContext(ctx).Model(&models.LoginAttempt{}).
		Where("purpose = ? AND client_addr = ? AND success = ? AND created_at > ? AND id <> ?",
			models.AttemptCheckin, attempt.ClientAddr, false, now.Add(-checkinWindow), attempt.ID).
		Count(&wrong).Error
	if err != nil {
		return attempt, err
	}
	if wrong >= checkinMaxWrong {
		s.forgetAttempt(ctx, attempt)
		return attempt, &ThrottledError{RetryAfter: checkinWindow}
	}
	return attempt, nil
}

// checkinEnrollment finds the actor's enrollment in the session's cohort,
// if they are expected on its day.
func checkinEnrollment(tx *gorm.DB, actor Actor, session models.CohortSession) (models.Enrollment, error) {
	var e models.Enrollment
	err := tx.Joins("JOIN participants ON participants.id = enrollments.participant_id").
		Where("participants.user_id = ? AND enrollments.cohort_id = ?", actor.UserID, session.CohortID).Take(&e).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return e, ErrCheckinNotExpected
	case err != nil:
		return e, err
	case !expects(e, SessionDay(session)):
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
