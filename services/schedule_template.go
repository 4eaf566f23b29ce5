package services

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"kohorte/models"
)

// ScheduleTemplate is how a cohort's weeks are laid out: the kick-off on
// the start day at the venue, a webinar each week from week 2 to the
// second-to-last on one weekday, optional mentoring slots, and a two-day
// closing on the last two working days of the last week. Times are Berlin
// wall-clock times written as 10:00.
type ScheduleTemplate struct {
	WebinarWeekday time.Weekday
	WebinarStart   string
	WebinarEnd     string
	// MentoringSlots are optional sessions on the webinar day at 13:00,
	// one a week from week 3 on.
	MentoringSlots int
	// OnlineURL is the link of the webinars and mentoring slots.
	OnlineURL string
}

// DefaultScheduleTemplate is what a course office plans most often:
// webinars on Wednesday from 10:00 to 11:30, no mentoring slots.
func DefaultScheduleTemplate() ScheduleTemplate {
	return ScheduleTemplate{WebinarWeekday: time.Wednesday, WebinarStart: "10:00", WebinarEnd: "11:30"}
}

// The fixed hours of the sessions in person and of mentoring, in minutes
// from midnight.
const (
	presenceStart  = 10 * 60
	presenceEnd    = 16 * 60
	mentoringStart = 13 * 60
	mentoringEnd   = 14 * 60
)

// ParseClock reads a wall-clock time such as 10:00 as minutes from
// midnight.
func ParseClock(s string) (int, bool) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || len(m) != 2 || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, false
	}
	return hh*60 + mm, true
}

// layOut returns the sessions of tpl for a cohort of course, or the
// template's problems.
func (tpl ScheduleTemplate) layOut(c models.Cohort, course models.Course) ([]models.CohortSession, error) {
	verr := &ValidationError{}
	weeks := course.DurationWeeks
	if tpl.WebinarWeekday < time.Sunday || tpl.WebinarWeekday > time.Saturday {
		verr.Add("webinar_weekday", CodeOutOfRange, "min", 0, "max", 6)
	}
	start, okStart := ParseClock(tpl.WebinarStart)
	end, okEnd := ParseClock(tpl.WebinarEnd)
	if !okStart {
		verr.Add("webinar_start", CodeScheduleTimeInvalid)
	}
	if !okEnd {
		verr.Add("webinar_end", CodeScheduleTimeInvalid)
	} else if okStart && end <= start {
		verr.Add("webinar_end", CodeSessionEndNotAfterStart)
	}
	maxSlots := max(0, weeks-3)
	if tpl.MentoringSlots < 0 || tpl.MentoringSlots > maxSlots {
		verr.Add("mentoring_slots", CodeOutOfRange, "min", 0, "max", maxSlots)
	}
	link := checkOnlineURL(verr, tpl.OnlineURL)
	if err := verr.Err(); err != nil {
		return nil, err
	}
	day := func(week int, wd time.Weekday) models.Date {
		first := c.StartDate.AddDays(7 * (week - 1))
		return first.AddDays((int(wd) - int(first.Weekday()) + 7) % 7)
	}
	at := func(kind models.SessionKind, title string, d models.Date, from, to int, place, online string) models.CohortSession {
		units, required := sessionDefaults(kind, course)
		return models.CohortSession{CohortID: c.ID, Kind: kind, Title: title, StartsAt: BerlinAt(d, from).UTC(),
			EndsAt: BerlinAt(d, to).UTC(), Location: place, OnlineURL: online, Required: required, Units: units}
	}
	out := []models.CohortSession{at(models.SessionKickoff, "Auftaktpräsenz", c.StartDate, presenceStart, presenceEnd, c.Venue, "")}
	for w := 2; w < weeks; w++ {
		out = append(out, at(models.SessionWebinar, fmt.Sprintf("Webinar %d", w-1), day(w, tpl.WebinarWeekday), start, end, "", link))
	}
	for i := 1; i <= tpl.MentoringSlots; i++ {
		out = append(out, at(models.SessionMentoring, fmt.Sprintf("Mentoring %d", i), day(i+2, tpl.WebinarWeekday),
			mentoringStart, mentoringEnd, "", link))
	}
	for i, d := range closingDays(c.StartDate, weeks) {
		out = append(out, at(models.SessionClosing, fmt.Sprintf("Abschlusspräsenz, Tag %d", i+1), d, presenceStart, presenceEnd, c.Venue, ""))
	}
	for _, s := range out {
		check := &ValidationError{}
		if checkSessionTimes(check, s.StartsAt, s.EndsAt, c); check.Err() != nil {
			return nil, refuse(ErrInvalidAction, CodeScheduleTooShort, "weeks", weeks)
		}
	}
	return out, nil
}

// closingDays are the last two working days (Monday to Friday) of the
// last week, in order: a closing on a weekend would find the venue shut.
func closingDays(start models.Date, weeks int) []models.Date {
	var days []models.Date
	for d := start.AddDays(7*weeks - 1); len(days) < 2; d = d.AddDays(-1) {
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			days = append([]models.Date{d}, days...)
		}
	}
	return days
}

// LayOutSchedule gives a cohort without sessions the schedule of tpl.
func (s *Schedule) LayOutSchedule(ctx context.Context, actor Actor, cohortID uint, tpl ScheduleTemplate) (CohortSchedule, error) {
	if !actor.IsStaff() {
		return CohortSchedule{}, ErrForbidden
	}
	var out CohortSchedule
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		cohort, course, err := changeableCohort(tx, cohortID)
		if err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&models.CohortSession{}).Where("cohort_id = ?", cohortID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return refuse(ErrConflict, CodeScheduleNotEmpty)
		}
		sessions, err := tpl.layOut(cohort, course)
		if err != nil {
			return err
		}
		if err := insertSessions(tx, actor, sessions); err != nil {
			return err
		}
		cohort.Course = &course
		out = CohortSchedule{Cohort: cohort, Sessions: sessions}
		return nil
	})
	return out, err
}

// insertSessions stores new sessions and their audit events, in batches.
func insertSessions(tx *gorm.DB, actor Actor, sessions []models.CohortSession) error {
	if len(sessions) == 0 {
		return nil
	}
	if err := tx.CreateInBatches(&sessions, 200).Error; err != nil {
		return err
	}
	events := make([]models.AuditEvent, len(sessions))
	for i, ss := range sessions {
		events[i] = auditEvent(actor, "session.created", "session", ss.ID, nil, sessionSnapshot(ss))
	}
	return tx.CreateInBatches(&events, 200).Error
}

// CreateCohortWithSchedule creates a cohort as Cohorts.CreateCohort does
// and lays out its schedule with tpl, all or nothing.
func (s *Schedule) CreateCohortWithSchedule(ctx context.Context, actor Actor, courseID uint, in CohortInput, tpl ScheduleTemplate) (models.Cohort, error) {
	if !actor.IsStaff() {
		return models.Cohort{}, ErrForbidden
	}
	var c models.Cohort
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		cohorts := &Cohorts{db: tx, now: s.today}
		if c, err = cohorts.CreateCohort(ctx, actor, courseID, in); err != nil {
			return err
		}
		_, err = (&Schedule{db: tx, today: s.today, now: s.now}).LayOutSchedule(ctx, actor, c.ID, tpl)
		return err
	})
	return c, err
}

// CloneInput names the new cohort of a clone and the day it starts.
type CloneInput struct {
	Name      string
	StartDate models.Date
}

// CloneCohort creates a planned cohort like another one, its settings and
// schedule with every day shifted by the same number of days to the new
// start; times stay Berlin wall-clock times, across summer time too.
// Cancelled sessions and enrollments are not copied.
func (s *Schedule) CloneCohort(ctx context.Context, actor Actor, id uint, in CloneInput) (models.Cohort, error) {
	if !actor.IsStaff() {
		return models.Cohort{}, ErrForbidden
	}
	var c models.Cohort
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		src, err := findCohort(tx, id)
		if err != nil {
			return err
		}
		sessions, err := sessionsOf(tx, id)
		if err != nil {
			return err
		}
		shift := 0
		if !in.StartDate.IsZero() && in.StartDate.InRange() {
			shift = int(in.StartDate.Sub(src.StartDate.Time).Hours() / 24)
		}
		cin := CohortInput{Name: in.Name, StartDate: in.StartDate, EndDate: src.EndDate.AddDays(shift),
			Capacity: src.Capacity, Venue: src.Venue}
		if in.StartDate.IsZero() || !in.StartDate.InRange() {
			cin.EndDate = models.Date{}
		}
		if c, err = (&Cohorts{db: tx, now: s.today}).CreateCohort(ctx, actor, src.CourseID, cin); err != nil {
			return err
		}
		var copies []models.CohortSession
		for _, ss := range sessions {
			if ss.Cancelled() {
				continue
			}
			copies = append(copies, models.CohortSession{CohortID: c.ID, Kind: ss.Kind, Title: ss.Title,
				StartsAt: shiftBerlin(ss.StartsAt, shift), EndsAt: shiftBerlin(ss.EndsAt, shift),
				Location: ss.Location, OnlineURL: ss.OnlineURL, Required: ss.Required, Units: ss.Units})
		}
		return insertSessions(tx, actor, copies)
	})
	return c, err
}

// shiftBerlin moves an instant by days, keeping its Berlin wall-clock time.
func shiftBerlin(t time.Time, days int) time.Time {
	l := t.In(Berlin)
	return time.Date(l.Year(), l.Month(), l.Day()+days, l.Hour(), l.Minute(), l.Second(), 0, Berlin).UTC()
}
