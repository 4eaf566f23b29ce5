package services

import (
	"context"
	"math"

	"gorm.io/gorm"

	"kohorte/models"
)

// AgendaSoonDays is how far ahead the agenda looks for cohorts that start
// with places still free.
const AgendaSoonDays = 30

// AgendaListLimit bounds the people without an account that the agenda
// names; it counts them all.
const AgendaListLimit = 10

// Due is what needs doing next about a cohort.
type Due string

// What the agenda asks staff to do.
const (
	DueNothing  Due = ""
	DueStart    Due = "start"    // planned, and its first day has come
	DueComplete Due = "complete" // running, and its last day has passed
	DueFill     Due = "fill"     // planned, starts within AgendaSoonDays, places free
)

// AgendaCohort is a running or planned cohort with what needs doing.
type AgendaCohort struct {
	models.Cohort // with its course's title
	Due           Due
	// Days counts from today to the start (DueFill, or a planned cohort
	// without a task), from the start to today (DueStart) or from the end
	// to today (DueComplete).
	Days int
}

// Agenda is what the staff start page shows: every cohort that is running
// or still planned, soonest first, and the people holding a place in one
// of them who have no account yet.
type Agenda struct {
	Today               models.Date
	Cohorts             []AgendaCohort
	WithoutAccount      []models.Participant // the first AgendaListLimit, by name
	WithoutAccountCount int64
}

// Agenda reads the start page of staff in one read transaction and three
// queries, whatever the number of cohorts.
func (s *Cohorts) Agenda(ctx context.Context, actor Actor) (Agenda, error) {
	if !actor.IsStaff() {
		return Agenda{}, ErrForbidden
	}
	a := Agenda{Today: s.now()}
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var cs []models.Cohort
		err := tx.Preload("Course", func(db *gorm.DB) *gorm.DB { return db.Select("id", "title") }).
			Where("status IN ?", []models.CohortStatus{models.CohortPlanned, models.CohortRunning}).
			Order("start_date, id").Find(&cs).Error
		if err != nil {
			return err
		}
		for _, c := range cs {
			a.Cohorts = append(a.Cohorts, dueOf(c, a.Today))
		}
		return peopleWithoutAccount(tx, &a)
	})
	return a, err
}

// dueOf decides what needs doing about c on the day today.
func dueOf(c models.Cohort, today models.Date) AgendaCohort {
	ac := AgendaCohort{Cohort: c}
	switch {
	case c.Status == models.CohortRunning && today.After(c.EndDate.Time):
		ac.Due, ac.Days = DueComplete, daysBetween(c.EndDate, today)
	case c.Status == models.CohortRunning:
	case !today.Before(c.StartDate.Time):
		ac.Due, ac.Days = DueStart, daysBetween(c.StartDate, today)
	default:
		ac.Days = daysBetween(today, c.StartDate)
		if ac.Days <= AgendaSoonDays && c.EnrolledCount < c.Capacity {
			ac.Due = DueFill
		}
	}
	return ac
}

// daysBetween counts whole days from a to b; both are midnights.
func daysBetween(a, b models.Date) int {
	return int(math.Round(b.Sub(a.Time).Hours() / 24))
}

// peopleWithoutAccount fills in who holds a place in a running or planned
// cohort but cannot log in yet.
func peopleWithoutAccount(tx *gorm.DB, a *Agenda) error {
	scope := func() *gorm.DB {
		return tx.Model(&models.Participant{}).Where("participants.user_id IS NULL").
			Where(`EXISTS (SELECT 1 FROM enrollments JOIN cohorts ON cohorts.id = enrollments.cohort_id
				WHERE enrollments.participant_id = participants.id AND enrollments.status = ? AND cohorts.status IN ?)`,
				models.EnrollmentEnrolled, []models.CohortStatus{models.CohortPlanned, models.CohortRunning})
	}
	if err := scope().Count(&a.WithoutAccountCount).Error; err != nil {
		return err
	}
	return scope().Order("sort_name, id").Limit(AgendaListLimit).Find(&a.WithoutAccount).Error
}
