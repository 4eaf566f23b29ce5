package services

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"gorm.io/gorm"

	"kohorte/models"
)

// CalendarLink is the state of a private calendar feed: whether one is
// open and since when. The token itself is only known when it is created.
type CalendarLink struct {
	// Token is set only in the answer that created it.
	Token     string
	CreatedAt time.Time
	Active    bool
}

// ErrCalendarNotFound answers an unknown or revoked feed token, alike.
var ErrCalendarNotFound = notFound("calendar", "token")

func tokenDigest(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// CohortCalendar tells staff whether a cohort's feed is open.
func (s *Schedule) CohortCalendar(ctx context.Context, actor Actor, cohortID uint) (CalendarLink, error) {
	if !actor.IsStaff() {
		return CalendarLink{}, ErrForbidden
	}
	db := s.db.WithContext(ctx)
	if _, err := findCohort(db, cohortID); err != nil {
		return CalendarLink{}, err
	}
	return activeLink(db, "cohort_id = ?", cohortID)
}

func activeLink(tx *gorm.DB, where string, id uint) (CalendarLink, error) {
	var t models.CalendarToken
	err := tx.Where(where+" AND revoked_at IS NULL", id).Order("id DESC").Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return CalendarLink{}, nil
	}
	return CalendarLink{CreatedAt: t.CreatedAt, Active: err == nil}, err
}

// OpenCohortCalendar creates a cohort's feed token, revoking the one
// before: there is one link per cohort, shown once.
func (s *Schedule) OpenCohortCalendar(ctx context.Context, actor Actor, cohortID uint) (CalendarLink, error) {
	if !actor.IsStaff() {
		return CalendarLink{}, ErrForbidden
	}
	var link CalendarLink
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		if _, err := lockCohort(tx, cohortID); err != nil {
			return err
		}
		var err error
		link, err = s.openLink(tx, actor, models.CalendarToken{CohortID: &cohortID}, "cohort_id = ?", cohortID)
		return err
	})
	return link, err
}

// RevokeCohortCalendar ends a cohort's feed.
func (s *Schedule) RevokeCohortCalendar(ctx context.Context, actor Actor, cohortID uint) error {
	if !actor.IsStaff() {
		return ErrForbidden
	}
	return inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		if _, err := lockCohort(tx, cohortID); err != nil {
			return err
		}
		return s.revokeLinks(tx, actor, "cohort_id = ?", cohortID)
	})
}

// myParticipant is the participant linked to a participant's account.
func myParticipant(tx *gorm.DB, actor Actor) (models.Participant, error) {
	var p models.Participant
	if !actor.Is(models.RoleParticipant) {
		return p, ErrForbidden
	}
	err := tx.Where("user_id = ?", actor.UserID).Take(&p).Error
	return p, notFoundAs(err, "participant", actor.UserID)
}

// MyCalendar tells a participant whether their own feed is open.
func (s *Schedule) MyCalendar(ctx context.Context, actor Actor) (CalendarLink, error) {
	db := s.db.WithContext(ctx)
	p, err := myParticipant(db, actor)
	if err != nil {
		return CalendarLink{}, err
	}
	return activeLink(db, "participant_id = ?", p.ID)
}

// OpenMyCalendar creates the reader's own feed token, revoking the one
// before.
func (s *Schedule) OpenMyCalendar(ctx context.Context, actor Actor) (CalendarLink, error) {
	var link CalendarLink
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		p, err := myParticipant(tx, actor)
		if err != nil {
			return err
		}
		link, err = s.openLink(tx, actor, models.CalendarToken{ParticipantID: &p.ID}, "participant_id = ?", p.ID)
		return err
	})
	return link, err
}

// RevokeMyCalendar ends the reader's own feed.
func (s *Schedule) RevokeMyCalendar(ctx context.Context, actor Actor) error {
	return inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		p, err := myParticipant(tx, actor)
		if err != nil {
			return err
		}
		return s.revokeLinks(tx, actor, "participant_id = ?", p.ID)
	})
}

func (s *Schedule) openLink(tx *gorm.DB, actor Actor, t models.CalendarToken, where string, id uint) (CalendarLink, error) {
	if err := s.revokeLinks(tx, actor, where, id); err != nil {
		return CalendarLink{}, err
	}
	token, _ := newToken()
	t.TokenHash, t.CreatedByID = tokenDigest(token), actor.UserID
	if err := tx.Create(&t).Error; err != nil {
		return CalendarLink{}, err
	}
	if err := record(tx, actor, "calendar.opened", "calendar", t.ID, nil, calendarSnapshot(t)); err != nil {
		return CalendarLink{}, err
	}
	return CalendarLink{Token: token, CreatedAt: t.CreatedAt, Active: true}, nil
}

func (s *Schedule) revokeLinks(tx *gorm.DB, actor Actor, where string, id uint) error {
	var open []models.CalendarToken
	if err := tx.Where(where+" AND revoked_at IS NULL", id).Find(&open).Error; err != nil {
		return err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	for _, t := range open {
		if err := tx.Model(&t).Update("revoked_at", now).Error; err != nil {
			return err
		}
		if err := record(tx, actor, "calendar.revoked", "calendar", t.ID, calendarSnapshot(t), nil); err != nil {
			return err
		}
	}
	return nil
}

func calendarSnapshot(t models.CalendarToken) map[string]any {
	m := map[string]any{}
	if t.CohortID != nil {
		m["cohort_id"] = *t.CohortID
	}
	if t.ParticipantID != nil {
		m["participant_id"] = *t.ParticipantID
	}
	return m
}

// Feed is the iCalendar text of the feed a token opens, for anyone who
// holds the token; an unknown or revoked one is not found. domain makes
// the events' UIDs unique: session-<id>@<domain>.
func (s *Schedule) Feed(ctx context.Context, token, domain string) ([]byte, error) {
	var (
		name     string
		sessions []models.CohortSession
	)
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var t models.CalendarToken
		err := tx.Where("token_hash = ? AND revoked_at IS NULL", tokenDigest(token)).Take(&t).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrCalendarNotFound
		}
		if err != nil {
			return err
		}
		q := tx.Omit("checkin_secret").Preload("Cohort").Order("starts_at, id")
		switch {
		case t.CohortID != nil:
			var c models.Cohort
			if err := tx.Take(&c, *t.CohortID).Error; err != nil {
				return notFoundAs(err, "cohort", *t.CohortID)
			}
			name = "Kohorte: " + c.Name
			return q.Where("cohort_id = ?", *t.CohortID).Find(&sessions).Error
		case t.ParticipantID != nil:
			name = "Kohorte: Termine"
			return q.Where("cohort_id IN (?)", tx.Model(&models.Enrollment{}).Select("cohort_id").
				Where("participant_id = ? AND status <> ?", *t.ParticipantID, models.EnrollmentWithdrawn)).
				Find(&sessions).Error
		}
		return ErrCalendarNotFound
	})
	if err != nil {
		return nil, err
	}
	return []byte(icalendar(name, domain, sessions, s.now())), nil
}

// berlinTZID names the zone of every time in the feeds.
const berlinTZID = "Europe/Berlin"

// icalendar writes sessions as an iCalendar in Europe/Berlin. Each
// session keeps its UID, and its SEQUENCE rises with every change, so
// that calendar apps update an event instead of adding another.
func icalendar(name, domain string, sessions []models.CohortSession, now time.Time) string {
	cal := ics.NewCalendarFor("Kohorte")
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//Kohorte//Termine//DE")
	cal.SetXWRCalName(name)
	cal.SetXWRTimezone(berlinTZID)
	addBerlinZone(cal)
	for _, ss := range sessions {
		ev := cal.AddEvent(fmt.Sprintf("session-%d@%s", ss.ID, domain))
		ev.SetDtStampTime(now)
		ev.SetModifiedAt(ss.UpdatedAt)
		ev.SetSequence(ss.Sequence)
		ev.SetProperty(ics.ComponentPropertyDtStart, ss.StartsAt.In(Berlin).Format("20060102T150405"), ics.WithTZID(berlinTZID))
		ev.SetProperty(ics.ComponentPropertyDtEnd, ss.EndsAt.In(Berlin).Format("20060102T150405"), ics.WithTZID(berlinTZID))
		title := ss.Title
		if ss.Cohort != nil {
			title += " (" + ss.Cohort.Name + ")"
		}
		ev.SetSummary(title)
		if ss.Location != "" {
			ev.SetLocation(ss.Location)
		}
		var desc []string
		if ss.OnlineURL != "" {
			ev.SetURL(ss.OnlineURL)
			desc = append(desc, ss.OnlineURL)
		}
		ev.SetStatus(ics.ObjectStatusConfirmed)
		if ss.Cancelled() {
			ev.SetStatus(ics.ObjectStatusCancelled)
			desc = append([]string{"Abgesagt: " + ss.CancelReason}, desc...)
		}
		if len(desc) > 0 {
			ev.SetDescription(strings.Join(desc, "\n"))
		}
	}
	return cal.Serialize(ics.WithNewLineWindows)
}

// addBerlinZone describes Europe/Berlin as it has been since 1996: CET,
// with summer time from the last Sunday of March to the last Sunday of
// October.
func addBerlinZone(cal *ics.Calendar) {
	tz := cal.AddTimezone(berlinTZID)
	tz.AddProperty(ics.ComponentProperty("X-LIC-LOCATION"), berlinTZID)
	std := tz.AddStandard()
	std.AddProperty(ics.ComponentProperty("TZNAME"), "CET")
	std.AddProperty(ics.ComponentProperty("TZOFFSETFROM"), "+0200")
	std.AddProperty(ics.ComponentProperty("TZOFFSETTO"), "+0100")
	std.AddProperty(ics.ComponentPropertyDtStart, "19701025T030000")
	std.AddProperty(ics.ComponentPropertyRrule, "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU")
	day := &ics.Daylight{}
	day.AddProperty(ics.ComponentProperty("TZNAME"), "CEST")
	day.AddProperty(ics.ComponentProperty("TZOFFSETFROM"), "+0100")
	day.AddProperty(ics.ComponentProperty("TZOFFSETTO"), "+0200")
	day.AddProperty(ics.ComponentPropertyDtStart, "19700329T020000")
	day.AddProperty(ics.ComponentPropertyRrule, "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU")
	tz.Components = append(tz.Components, day)
}

// MySchedule returns the sessions of the reader's own cohorts (those they
// have not withdrawn from), cancelled ones included, by start.
func (s *Schedule) MySchedule(ctx context.Context, actor Actor) ([]models.CohortSession, error) {
	var sessions []models.CohortSession
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		p, err := myParticipant(tx, actor)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return tx.Omit("checkin_secret").Preload("Cohort").Order("starts_at, id").
			Where("cohort_id IN (?)", tx.Model(&models.Enrollment{}).Select("cohort_id").
				Where("participant_id = ? AND status <> ?", p.ID, models.EnrollmentWithdrawn)).
			Find(&sessions).Error
	})
	return sessions, err
}
