package services

import (
	"context"
	"net/url"
	"strings"
	"time"
	// Sessions are entered and shown in Europe/Berlin, on machines that
	// may have no zone database.
	_ "time/tzdata"

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

// Berlin is the zone in which sessions take place: their times are entered
// and shown there, and a cohort's days are Berlin days.
var Berlin = mustLoadZone("Europe/Berlin")

func mustLoadZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("kohorte needs the zone " + name + ": " + err.Error())
	}
	return loc
}

// Maximum lengths of a session's texts, as the columns hold them.
const (
	maxSessionTitle    = 200
	maxSessionLocation = 300
	maxSessionURL      = 500
	maxCancelReason    = 1000
	// maxSessionUnits bounds a session's teaching units, as the database does.
	maxSessionUnits = 40
)

// SessionInput is what staff set on a session. Units and Required left
// nil take the course's units for the kind and the kind's default
// (mentoring is optional, everything else required).
type SessionInput struct {
	Kind      models.SessionKind
	Title     string
	StartsAt  time.Time
	EndsAt    time.Time
	Location  string
	OnlineURL string
	Required  *bool
	Units     *int
}

// ErrSessionCancelled refuses a change to a cancelled session.
var ErrSessionCancelled = refuse(ErrInvalidAction, CodeSessionCancelled)

// sessionDefaults are what a kind brings when the input leaves it open.
func sessionDefaults(kind models.SessionKind, course models.Course) (units int, required bool) {
	switch kind {
	case models.SessionKickoff:
		return course.UnitsKickoff, true
	case models.SessionWebinar:
		return course.UnitsWebinar, true
	case models.SessionMentoring:
		return course.UnitsMentoring, false
	}
	return course.UnitsClosing, true
}

// apply checks in against the cohort and sets it on s.
func (in SessionInput) apply(s *models.CohortSession, cohort models.Cohort, course models.Course) error {
	verr := &ValidationError{}
	if !in.Kind.Valid() {
		verr.Add("kind", CodeNotOneOf, "allowed", "kickoff, webinar, mentoring, closing")
	}
	s.Kind = in.Kind
	s.Title = requireText(verr, "title", in.Title, maxSessionTitle)
	s.Location = optionalText(verr, "location", in.Location, maxSessionLocation)
	s.OnlineURL = checkOnlineURL(verr, in.OnlineURL)
	checkSessionTimes(verr, in.StartsAt, in.EndsAt, cohort)
	s.StartsAt, s.EndsAt = in.StartsAt.UTC(), in.EndsAt.UTC()
	units, required := sessionDefaults(in.Kind, course)
	if in.Required != nil {
		required = *in.Required
	}
	s.Required = required
	if in.Units != nil {
		units = *in.Units
		if units < 0 || units > maxSessionUnits {
			verr.Add("units", CodeOutOfRange, "min", 0, "max", maxSessionUnits)
		}
	}
	s.Units = units
	return verr.Err()
}

// Check reports every problem of the input that needs no database.
func (in SessionInput) Check() error {
	far := models.Cohort{StartDate: models.MinDate, EndDate: models.MaxDate}
	return in.apply(&models.CohortSession{}, far, models.Course{})
}

func checkOnlineURL(verr *ValidationError, raw string) string {
	s := strings.TrimSpace(raw)
	if s == "" {
		return ""
	}
	if len([]rune(s)) > maxSessionURL {
		verr.Add("online_url", CodeTooLong, "max", maxSessionURL)
		return s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || TextCode(s) != "" ||
		strings.ContainsAny(s, " \t") {
		verr.Add("online_url", CodeSessionURLInvalid)
	}
	return s
}

// checkSessionTimes refuses a session that does not end after it starts
// or that leaves its cohort's period: from the first Berlin day's start to
// the last Berlin day's end.
func checkSessionTimes(verr *ValidationError, start, end time.Time, c models.Cohort) {
	if start.IsZero() {
		verr.Add("starts_at", CodeRequired)
	}
	if end.IsZero() {
		verr.Add("ends_at", CodeRequired)
	}
	if start.IsZero() || end.IsZero() {
		return
	}
	if !end.After(start) {
		verr.Add("ends_at", CodeSessionEndNotAfterStart)
	}
	first, after := berlinMidnight(c.StartDate), berlinMidnight(c.EndDate.AddDays(1))
	if start.Before(first) || !start.Before(after) {
		verr.Add("starts_at", CodeSessionOutsideCohort, "from", c.StartDate.German(), "to", c.EndDate.German())
	} else if end.After(after) {
		verr.Add("ends_at", CodeSessionOutsideCohort, "from", c.StartDate.German(), "to", c.EndDate.German())
	}
}

// berlinMidnight is the instant a Berlin day begins.
func berlinMidnight(d models.Date) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, Berlin)
}

// BerlinAt is the instant of a wall-clock time on a Berlin day; minutes
// count from midnight.
func BerlinAt(d models.Date, minutes int) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), minutes/60, minutes%60, 0, 0, Berlin)
}

// CohortSchedule is a cohort with its sessions in the order they meet.
type CohortSchedule struct {
	Cohort   models.Cohort
	Sessions []models.CohortSession
}

// ListSessions returns a cohort with its sessions, cancelled ones included,
// by start.
func (s *Schedule) ListSessions(ctx context.Context, actor Actor, cohortID uint) (CohortSchedule, error) {
	if !actor.IsStaff() {
		return CohortSchedule{}, ErrForbidden
	}
	var out CohortSchedule
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		if out.Cohort, err = findCohort(tx, cohortID); err != nil {
			return err
		}
		out.Sessions, err = sessionsOf(tx, cohortID)
		return err
	})
	return out, err
}

func sessionsOf(tx *gorm.DB, cohortID uint) ([]models.CohortSession, error) {
	var ss []models.CohortSession
	err := tx.Omit("checkin_secret").Where("cohort_id = ?", cohortID).Order("starts_at, id").Find(&ss).Error
	return ss, err
}

// GetSession returns one session.
func (s *Schedule) GetSession(ctx context.Context, actor Actor, id uint) (models.CohortSession, error) {
	if !actor.IsStaff() {
		return models.CohortSession{}, ErrForbidden
	}
	var ss models.CohortSession
	err := s.db.WithContext(ctx).Omit("checkin_secret").Take(&ss, id).Error
	return ss, notFoundAs(err, "session", id)
}

// CreateSession adds a session to a cohort that is not archived.
func (s *Schedule) CreateSession(ctx context.Context, actor Actor, cohortID uint, in SessionInput) (models.CohortSession, error) {
	if !actor.IsStaff() {
		return models.CohortSession{}, ErrForbidden
	}
	ss := models.CohortSession{CohortID: cohortID}
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		cohort, course, err := changeableCohort(tx, cohortID)
		if err != nil {
			return err
		}
		if err := in.apply(&ss, cohort, course); err != nil {
			return err
		}
		if err := tx.Create(&ss).Error; err != nil {
			return err
		}
		return record(tx, actor, "session.created", "session", ss.ID, nil, sessionSnapshot(ss))
	})
	return ss, err
}

// changeableCohort locks a cohort that may change, and reads its course.
func changeableCohort(tx *gorm.DB, cohortID uint) (models.Cohort, models.Course, error) {
	cohort, err := lockCohort(tx, cohortID)
	if err != nil {
		return cohort, models.Course{}, err
	}
	if err := requireChangeable(cohort); err != nil {
		return cohort, models.Course{}, err
	}
	var course models.Course
	err = tx.Take(&course, cohort.CourseID).Error
	return cohort, course, notFoundAs(err, "course", cohort.CourseID)
}

// UpdateSession changes a session that is not cancelled, in a cohort that
// is not archived, and raises its sequence so that calendars update it.
func (s *Schedule) UpdateSession(ctx context.Context, actor Actor, id uint, in SessionInput) (models.CohortSession, error) {
	return s.changeSession(ctx, actor, id, "session.updated", func(ss *models.CohortSession, cohort models.Cohort, course models.Course) error {
		return in.apply(ss, cohort, course)
	})
}

// SessionPatch changes some fields of a session; nil leaves one as it is.
type SessionPatch struct {
	Kind      *models.SessionKind
	Title     *string
	StartsAt  *time.Time
	EndsAt    *time.Time
	Location  *string
	OnlineURL *string
	Required  *bool
	Units     *int
}

// over returns the input that is s changed by p.
func (p SessionPatch) over(s models.CohortSession) SessionInput {
	in := SessionInput{Kind: s.Kind, Title: s.Title, StartsAt: s.StartsAt, EndsAt: s.EndsAt, Location: s.Location,
		OnlineURL: s.OnlineURL, Required: &s.Required, Units: &s.Units}
	set(&in.Kind, p.Kind)
	set(&in.Title, p.Title)
	set(&in.StartsAt, p.StartsAt)
	set(&in.EndsAt, p.EndsAt)
	set(&in.Location, p.Location)
	set(&in.OnlineURL, p.OnlineURL)
	if p.Required != nil {
		in.Required = p.Required
	}
	if p.Units != nil {
		in.Units = p.Units
	}
	return in
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// PatchSession is UpdateSession for the fields p sets.
func (s *Schedule) PatchSession(ctx context.Context, actor Actor, id uint, p SessionPatch) (models.CohortSession, error) {
	return s.changeSession(ctx, actor, id, "session.updated", func(ss *models.CohortSession, cohort models.Cohort, course models.Course) error {
		return p.over(*ss).apply(ss, cohort, course)
	})
}

// CancelSession calls a session off with a reason. It stays in the
// schedule and in calendars as cancelled, and counts for nobody.
func (s *Schedule) CancelSession(ctx context.Context, actor Actor, id uint, reason string) (models.CohortSession, error) {
	return s.changeSession(ctx, actor, id, "session.cancelled", func(ss *models.CohortSession, _ models.Cohort, _ models.Course) error {
		verr := &ValidationError{}
		r := strings.TrimSpace(reason)
		switch {
		case r == "":
			verr.Add("reason", CodeRequired)
		case len([]rune(r)) > maxCancelReason:
			verr.Add("reason", CodeTooLong, "max", maxCancelReason)
		case ParagraphCode(r) != "":
			verr.Add("reason", ParagraphCode(r))
		}
		now := s.now().UTC().Truncate(time.Microsecond)
		ss.CancelledAt, ss.CancelReason = &now, r
		return verr.Err()
	})
}

func (s *Schedule) changeSession(ctx context.Context, actor Actor, id uint, action string,
	change func(*models.CohortSession, models.Cohort, models.Course) error) (models.CohortSession, error) {
	if !actor.IsStaff() {
		return models.CohortSession{}, ErrForbidden
	}
	var ss models.CohortSession
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Omit("checkin_secret").Take(&ss, id).Error; err != nil {
			return notFoundAs(err, "session", id)
		}
		// The cohort's lock orders concurrent changes to its sessions.
		cohort, course, err := changeableCohort(tx, ss.CohortID)
		if err != nil {
			return err
		}
		if err := tx.Omit("checkin_secret").Take(&ss, id).Error; err != nil {
			return notFoundAs(err, "session", id)
		}
		if ss.Cancelled() {
			return ErrSessionCancelled
		}
		before := sessionSnapshot(ss)
		if err := change(&ss, cohort, course); err != nil {
			return err
		}
		ss.Sequence++
		err = tx.Model(&ss).Select("kind", "title", "starts_at", "ends_at", "location", "online_url", "required",
			"units", "cancelled_at", "cancel_reason", "sequence", "updated_at").Updates(&ss).Error
		if err != nil {
			return err
		}
		return record(tx, actor, action, "session", ss.ID, before, sessionSnapshot(ss))
	})
	return ss, err
}

func sessionSnapshot(s models.CohortSession) map[string]any {
	m := map[string]any{"cohort_id": s.CohortID, "kind": s.Kind, "title": s.Title,
		"starts_at": s.StartsAt.UTC().Format(time.RFC3339), "ends_at": s.EndsAt.UTC().Format(time.RFC3339),
		"location": s.Location, "online_url": s.OnlineURL, "required": s.Required, "units": s.Units,
		"sequence": s.Sequence}
	if s.CancelledAt != nil {
		m["cancelled_at"] = s.CancelledAt.UTC().Format(time.RFC3339)
		m["cancel_reason"] = s.CancelReason
	}
	return m
}
