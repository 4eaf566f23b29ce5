package services

import (
	"time"

	"gorm.io/gorm"

	"kohorte/models"
)

// Options configure the services.
type Options struct {
	// Accounts holds the limits of logins and sessions;
	// DefaultAccountsConfig when nil.
	Accounts *AccountsConfig
	// Today tells the current day where the courses take place; the UTC
	// day of Clock when nil.
	Today func() models.Date
	// Clock tells the current instant, for sessions that have started or
	// check-in codes; time.Now when nil.
	Clock func() time.Time
	// ImportSlots is how many uploaded lists are read at once;
	// DefaultImportSlots when zero or less.
	ImportSlots int
}

// Services are all of Kohorte's services on one database, built once at
// start and passed to the API and the pages.
type Services struct {
	db *gorm.DB

	Health *Health
	Audit  *Audit

	Sessions  *Sessions
	Users     *Users
	Passwords *Passwords
	Tokens    *Tokens

	Courses *Courses
	// Cohorts manages the runs of a course, their status and statistics.
	Cohorts *Cohorts
	// Enrollments puts people into cohorts, one by one or from a list,
	// withdraws them and exports the lists.
	Enrollments  *Enrollments
	Participants *Participants

	// Schedule plans a cohort's sessions and publishes its calendars.
	Schedule *Schedule
	// Attendance records who came, and explains who is eligible.
	Attendance *Attendance
	// Documents keeps the register of issued certificates and
	// confirmations and verifies them.
	Documents *Documents

	// Project groups, rubrics and juries: the staff side of scoring.
	Groups  *Groups
	Rubrics *Rubrics
	Jury    *Jury
	// Scoring lets jurors score project groups; Results forms, releases
	// and shows the jury's results.
	Scoring *Scoring
	Results *Results
}

// Sessions logs people in and out and authenticates their requests.
type Sessions struct{ *accounts }

// Users manages accounts, roles and invitations.
type Users struct{ *accounts }

// Passwords changes passwords and handles one-time password links.
type Passwords struct{ *accounts }

// Tokens manages API tokens.
type Tokens struct{ *accounts }

// Cohorts manages the runs of a course.
type Cohorts struct {
	db  *gorm.DB
	now func() models.Date
	// clock tells the instant, for the eligibility that completing a
	// cohort settles.
	clock func() time.Time
	// passes tells who passed the course; rulesHold when nil.
	passes func(Eligibility) bool
}

// Enrollments manages who is in which cohort.
type Enrollments struct {
	db  *gorm.DB
	now func() models.Date
	// importSlots holds a token for each list being read.
	importSlots chan struct{}
}

// New builds every service on db.
func New(db *gorm.DB, opts Options) (*Services, error) {
	cfg := DefaultAccountsConfig()
	if opts.Accounts != nil {
		cfg = *opts.Accounts
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Today == nil {
		clock := opts.Clock
		opts.Today = func() models.Date { return models.DateOf(clock().UTC()) }
	}
	acc, err := newAccounts(db, cfg)
	if err != nil {
		return nil, err
	}
	if opts.ImportSlots <= 0 {
		opts.ImportSlots = DefaultImportSlots
	}
	return build(db, acc, clocks{today: opts.Today, now: opts.Clock}, make(chan struct{}, opts.ImportSlots)), nil
}

// clocks are the services' two views of the time: the day where the
// courses take place, and the instant.
type clocks struct {
	today func() models.Date
	now   func() time.Time
}

func build(db *gorm.DB, acc *accounts, clk clocks, importSlots chan struct{}) *Services {
	today := clk.today
	return &Services{
		db:           db,
		Health:       &Health{db: db},
		Audit:        &Audit{db: db},
		Sessions:     &Sessions{acc},
		Users:        &Users{acc},
		Passwords:    &Passwords{acc},
		Tokens:       &Tokens{acc},
		Courses:      &Courses{db: db},
		Cohorts:      &Cohorts{db: db, now: today, clock: clk.now},
		Enrollments:  &Enrollments{db: db, now: today, importSlots: importSlots},
		Participants: &Participants{db: db, accounts: acc},
		Schedule:     &Schedule{db: db, today: today, now: clk.now},
		Attendance:   &Attendance{db: db, today: today, now: clk.now},
		Documents:    &Documents{db: db, today: today, now: clk.now},
		Groups:       &Groups{db: db},
		Rubrics:      &Rubrics{db: db},
		Jury:         &Jury{db: db, now: clk.now},
		Scoring:      &Scoring{db: db, now: clk.now},
		Results:      &Results{db: db, now: clk.now},
	}
}

// Warm does now what the first failed login would otherwise pay for, so
// that it takes as long as every later one.
func (s *Services) Warm() error {
	_, err := s.Sessions.dummyHash()
	return err
}

// on returns the services working in tx, for work that spans several of
// them in one transaction.
func (s *Services) on(tx *gorm.DB) *Services {
	acc := *s.Sessions.accounts
	acc.db = tx
	return build(tx, &acc, clocks{today: s.Cohorts.now, now: s.Schedule.now}, s.Enrollments.importSlots)
}
