package services

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"kohorte/models"
)

// Attendance records who attended which session and explains, rule by
// rule, who is eligible for the certificate.
type Attendance struct {
	db    *gorm.DB
	today func() models.Date
	now   func() time.Time
}

// MaxAttendanceNote is the longest note on one attendance, in characters.
const MaxAttendanceNote = 500

// Refusals of recording attendance.
var (
	ErrAttendanceSessionCancelled = refuse(ErrInvalidAction, CodeAttendanceSessionCancelled)
)

// attendanceZone is where the courses take place: a session belongs to
// the Berlin day it starts on, which is compared with the enrollment and
// withdrawal days. The zone database is embedded by the binary.
var attendanceZone = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.UTC
	}
	return loc
})

// SessionDay is the Berlin day a session starts on.
func SessionDay(s models.CohortSession) models.Date {
	return models.DateOf(s.StartsAt.In(attendanceZone()))
}

// expects tells whether e is expected at a session on day: from the
// enrollment day to the withdrawal day, both included.
func expects(e models.Enrollment, day models.Date) bool {
	if day.Before(e.EnrolledAt.Time) {
		return false
	}
	return e.WithdrawnAt == nil || !day.After(e.WithdrawnAt.Time)
}

// AttendanceEntry is one participant's attendance at a session as staff
// set it. Modality goes with present only.
type AttendanceEntry struct {
	EnrollmentID uint
	Status       models.AttendanceStatus
	Modality     models.Modality
	Note         string
}

// AttendanceValue is a status with its modality, as the grid cycles it.
type AttendanceValue struct {
	Status   models.AttendanceStatus
	Modality models.Modality
}

// attendanceCycle is the order a click on the grid steps through.
var attendanceCycle = []AttendanceValue{
	{models.AttendancePresent, models.ModalityOnSite},
	{models.AttendancePresent, models.ModalityRemote},
	{models.AttendanceAbsent, ""},
	{models.AttendanceExcused, ""},
}

// Next is the value a click on a cell holding v sets: present on site,
// present remote, absent, excused, and round again; an empty cell starts
// with present on site.
func (v AttendanceValue) Next() AttendanceValue {
	for i, c := range attendanceCycle {
		if c == v {
			return attendanceCycle[(i+1)%len(attendanceCycle)]
		}
	}
	return attendanceCycle[0]
}

// Key names the value in one word, as the grid's forms send it:
// present_on_site, present_remote, absent, excused.
func (v AttendanceValue) Key() string {
	if v.Status == models.AttendancePresent {
		return string(v.Status) + "_" + string(v.Modality)
	}
	return string(v.Status)
}

// AttendanceValues lists the values in the order a click steps through.
func AttendanceValues() []AttendanceValue { return slices.Clone(attendanceCycle) }

// ParseAttendanceValue reads a value named by Key.
func ParseAttendanceValue(key string) (AttendanceValue, bool) {
	for _, c := range attendanceCycle {
		if c.Key() == key {
			return c, true
		}
	}
	return AttendanceValue{}, false
}

// RecordResult says what one recording changed.
type RecordResult struct {
	Session models.CohortSession
	// Changed counts the entries that differed from what was stored;
	// Unchanged those that did not and were left alone.
	Changed, Unchanged int
}

// RecordSession sets the attendance of many participants at one session
// in one transaction and a fixed number of statements, whatever their
// number: the session, its cohort, the enrollments, the stored rows, one
// upsert and one insert of audit events. An entry equal to what is stored
// writes nothing; every change is audited with before and after. If any
// entry is refused, nothing is written.
func (s *Attendance) RecordSession(ctx context.Context, actor Actor, sessionID uint, entries []AttendanceEntry) (RecordResult, error) {
	if !actor.IsStaff() {
		return RecordResult{}, ErrForbidden
	}
	entries, verr := checkEntries(entries)
	if err := verr.Err(); err != nil {
		return RecordResult{}, err
	}
	var res RecordResult
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		res, err = s.recordTx(tx, actor, sessionID, entries)
		return err
	})
	return res, err
}

// checkEntries checks the shape of each entry and trims its note.
func checkEntries(entries []AttendanceEntry) ([]AttendanceEntry, *ValidationError) {
	verr := &ValidationError{}
	switch {
	case len(entries) == 0:
		return nil, verr.Add("entries", CodeTooFew, "min", 1)
	case len(entries) > MaxSelection:
		return nil, verr.Add("entries", CodeTooMany, "max", MaxSelection)
	}
	seen := make(map[uint]int, len(entries))
	out := make([]AttendanceEntry, len(entries))
	for i, e := range entries {
		field := fmt.Sprintf("entries[%d]", i)
		e.Note = strings.TrimSpace(e.Note)
		out[i] = e
		if prev, dup := seen[e.EnrollmentID]; dup {
			verr.Add(field+".enrollment_id", CodeAttendanceDuplicate, "index", prev)
		}
		seen[e.EnrollmentID] = i
		switch e.Status {
		case models.AttendancePresent:
			if e.Modality != models.ModalityOnSite && e.Modality != models.ModalityRemote {
				verr.Add(field+".modality", CodeNotOneOf, "allowed", "on_site, remote")
			}
		case models.AttendanceAbsent, models.AttendanceExcused:
			if e.Modality != "" {
				verr.Add(field+".modality", CodeAttendanceModalityPresent)
			}
		default:
			verr.Add(field+".status", CodeNotOneOf, "allowed", "present, absent, excused")
		}
		if utf8.RuneCountInString(e.Note) > MaxAttendanceNote {
			verr.Add(field+".note", CodeTooLong, "max", MaxAttendanceNote)
		} else if code := TextCode(e.Note); code != "" {
			verr.Add(field+".note", code)
		}
	}
	return out, verr
}

func (s *Attendance) recordTx(tx *gorm.DB, actor Actor, sessionID uint, entries []AttendanceEntry) (RecordResult, error) {
	res := RecordResult{}
	if err := tx.Take(&res.Session, sessionID).Error; err != nil {
		return res, notFoundAs(err, "session", sessionID)
	}
	// Recordings of one cohort take turns with its other changes, such as
	// withdrawals that move the days someone is expected.
	cohort, err := lockCohort(tx, res.Session.CohortID)
	if err != nil {
		return res, err
	}
	if err := requireChangeable(cohort); err != nil {
		return res, err
	}
	if res.Session.Cancelled() {
		return res, ErrAttendanceSessionCancelled
	}
	ids := make([]uint, len(entries))
	for i, e := range entries {
		ids[i] = e.EnrollmentID
	}
	var es []models.Enrollment
	if err := tx.Preload("Participant").Where("cohort_id = ? AND id IN ?", cohort.ID, ids).Find(&es).Error; err != nil {
		return res, err
	}
	if err := s.checkExpected(res.Session, entries, es); err != nil {
		return res, err
	}
	var stored []models.Attendance
	if err := tx.Where("session_id = ? AND enrollment_id IN ?", sessionID, ids).Find(&stored).Error; err != nil {
		return res, err
	}
	rows, events := attendanceChanges(actor, res.Session, entries, stored, s.now().UTC().Truncate(time.Microsecond))
	res.Changed, res.Unchanged = len(rows), len(entries)-len(rows)
	if len(rows) == 0 {
		return res, nil
	}
	err = tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "session_id"}, {Name: "enrollment_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"status", "modality", "note", "recorded_by_id", "recorded_at", "updated_at"}),
	}).Create(&rows).Error
	if err != nil {
		return res, err
	}
	return res, tx.Create(&events).Error
}

// checkExpected refuses entries for enrollments of another cohort and for
// people not expected at the session, naming each.
func (s *Attendance) checkExpected(session models.CohortSession, entries []AttendanceEntry, es []models.Enrollment) error {
	byID := make(map[uint]models.Enrollment, len(es))
	for _, e := range es {
		byID[e.ID] = e
	}
	day := SessionDay(session)
	verr := &ValidationError{}
	for i, entry := range entries {
		field := fmt.Sprintf("entries[%d].enrollment_id", i)
		e, ok := byID[entry.EnrollmentID]
		switch {
		case !ok:
			verr.Add(field, CodeEnrollmentNotInCohort, "id", entry.EnrollmentID)
		case !expects(e, day):
			verr.Add(field, CodeAttendanceNotExpected, "name", fullName(e.Participant), "date", day.German())
		case entry.Status != models.AttendanceExcused && session.StartsAt.After(s.now()):
			verr.Add(field, CodeAttendanceNotStarted, "date", day.German())
		}
	}
	return verr.Err()
}

func fullName(p *models.Participant) string {
	if p == nil {
		return ""
	}
	return p.FirstName + " " + p.LastName
}

// attendanceChanges returns the rows that differ from what is stored and
// one audit event for each.
func attendanceChanges(actor Actor, session models.CohortSession, entries []AttendanceEntry, stored []models.Attendance, now time.Time) ([]models.Attendance, []models.AuditEvent) {
	old := make(map[uint]models.Attendance, len(stored))
	for _, a := range stored {
		old[a.EnrollmentID] = a
	}
	var recordedBy *uint
	if !actor.IsAnonymous() {
		id := actor.UserID
		recordedBy = &id
	}
	var rows []models.Attendance
	var events []models.AuditEvent
	for _, e := range entries {
		prev, had := old[e.EnrollmentID]
		if had && prev.Status == e.Status && prev.Modality == e.Modality && prev.Note == e.Note {
			continue
		}
		row := models.Attendance{SessionID: session.ID, EnrollmentID: e.EnrollmentID, Status: e.Status,
			Modality: e.Modality, Note: e.Note, RecordedByID: recordedBy, RecordedAt: now, UpdatedAt: now}
		rows = append(rows, row)
		var before any
		if had {
			before = attendanceSnapshot(prev)
		}
		events = append(events, auditEvent(actor, "attendance.recorded", "attendance",
			fmt.Sprintf("%d/%d", session.ID, e.EnrollmentID), before, attendanceSnapshot(row)))
	}
	return rows, events
}

func attendanceSnapshot(a models.Attendance) map[string]any {
	m := map[string]any{"session_id": a.SessionID, "enrollment_id": a.EnrollmentID, "status": a.Status}
	if a.Modality != "" {
		m["modality"] = a.Modality
	}
	if a.Note != "" {
		m["note"] = a.Note
	}
	return m
}
