package services

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorm.io/gorm"

	"kohorte/models"
	"kohorte/models/dbtest"
)

// TestStatisticsReadModelMatchesARecount pins the read model the
// statistics come from: after many mixed changes, made through services and
// straight in SQL (status changes, moves between cohorts, people who change
// state or network, deleted and new enrollments, a rolled-back
// transaction), every cohort and the whole agree exactly with a count from
// enrollments and participants.
func TestStatisticsReadModelMatchesARecount(t *testing.T) {
	t.Parallel()
	db := scaledRegion(t, 300)
	compareStatistics(t, db, "after loading")
	var cohorts, people []uint
	must(t, db.Model(&models.Cohort{}).Order("id").Pluck("id", &cohorts).Error)
	must(t, db.Model(&models.Participant{}).Order("id").Pluck("id", &people).Error)
	rnd := rand.New(rand.NewPCG(7, 11))
	for i := range 400 {
		change := mixedChanges[i%len(mixedChanges)]
		if err := change(db, rnd, cohorts, people); err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
	}
	compareStatistics(t, db, "after mixed changes")

	// A rolled-back transaction leaves the counts as they were.
	rollback := errors.New("roll back")
	err := db.Transaction(func(tx *gorm.DB) error {
		for _, change := range mixedChanges {
			if err := change(tx, rnd, cohorts, people); err != nil {
				return err
			}
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	compareStatistics(t, db, "after a rollback")
}

// scaledRegion is a database with LoadScale's region of people.
func scaledRegion(t testing.TB, people int) *gorm.DB {
	t.Helper()
	ctx := context.Background()
	db := dbtest.Open(t)
	svc, err := New(db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Users.EnsureAdmin(ctx, "admin@example.org", "a-long-enough-password-for-tests"); err != nil {
		t.Fatal(err)
	}
	var user models.User
	must(t, db.Where("email = ?", "admin@example.org").Take(&user).Error)
	admin := Actor{UserID: user.ID, Email: user.Email, Role: models.RoleAdmin}
	if _, err := svc.LoadScale(ctx, admin, people); err != nil {
		t.Fatal(err)
	}
	return db
}

// BenchmarkStatistics compares the read model with the recount it
// replaced, over all cohorts and for the biggest, at 40,000 people; run it
// with -benchtime=200x, once per engine.
func BenchmarkStatistics(b *testing.B) {
	db := scaledRegion(b, 40000)
	var big uint
	must(b, db.Table("enrollments").Select("cohort_id").Group("cohort_id").Order("COUNT(*) DESC, cohort_id").Limit(1).Scan(&big).Error)
	for _, c := range []struct {
		name   string
		cohort uint
	}{{"all", 0}, {"big cohort", big}} {
		for _, way := range []struct {
			name  string
			count func(*gorm.DB, uint) (Statistics, error)
		}{{"read model", countCohort}, {"recount", recountCohort}} {
			b.Run(c.name+"/"+way.name, func(b *testing.B) {
				for b.Loop() {
					if _, err := way.count(db, c.cohort); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func compareStatistics(t *testing.T, db *gorm.DB, when string) {
	t.Helper()
	var cohorts []uint
	must(t, db.Model(&models.Cohort{}).Order("id").Pluck("id", &cohorts).Error)
	for _, id := range append([]uint{0}, cohorts...) {
		fast, err := countCohort(db, id)
		must(t, err)
		slow, err := recountCohort(db, id)
		must(t, err)
		if diff := cmp.Diff(slow, fast); diff != "" {
			t.Errorf("%s, cohort %d: read model differs from a recount (-recount +read model):\n%s", when, id, diff)
		}
	}
}

var (
	testStatuses = []string{"enrolled", "completed", "not_passed", "withdrawn"}
	testStates   = []string{"", "NI", "HB", "BY", "SN", "BE"}
	testNetworks = []string{"", "mint_region", "fachkraeftesicherung"}
)

func pick[T any](rnd *rand.Rand, s []T) T { return s[rnd.IntN(len(s))] }

// anEnrollment returns a random enrollment, or ok false when there is none.
func anEnrollment(db *gorm.DB, rnd *rand.Rand) (models.Enrollment, bool, error) {
	var n int64
	if err := db.Model(&models.Enrollment{}).Count(&n).Error; err != nil || n == 0 {
		return models.Enrollment{}, false, err
	}
	var e models.Enrollment
	err := db.Order("id").Offset(rnd.IntN(int(n))).Take(&e).Error
	return e, err == nil, err
}

// notIn returns a person not in cohort, or 0.
func notIn(db *gorm.DB, rnd *rand.Rand, people []uint, cohort uint) (uint, error) {
	for range 20 {
		p := pick(rnd, people)
		var n int64
		if err := db.Model(&models.Enrollment{}).Where("cohort_id = ? AND participant_id = ?", cohort, p).Count(&n).Error; err != nil {
			return 0, err
		}
		if n == 0 {
			return p, nil
		}
	}
	return 0, nil
}

var mixedChanges = []func(db *gorm.DB, rnd *rand.Rand, cohorts, people []uint) error{
	// a status change
	func(db *gorm.DB, rnd *rand.Rand, _, _ []uint) error {
		e, ok, err := anEnrollment(db, rnd)
		if !ok {
			return err
		}
		return db.Model(&e).Update("status", pick(rnd, testStatuses)).Error
	},
	// a person moves or changes network, or both, through Save (all columns)
	func(db *gorm.DB, rnd *rand.Rand, _, people []uint) error {
		var p models.Participant
		if err := db.Take(&p, pick(rnd, people)).Error; err != nil {
			return err
		}
		p.FederalState = pick(rnd, testStates)
		if rnd.IntN(2) == 0 {
			p.NetworkType = models.NetworkType(pick(rnd, testNetworks))
		}
		return db.Save(&p).Error
	},
	// an enrollment is deleted
	func(db *gorm.DB, rnd *rand.Rand, _, _ []uint) error {
		e, ok, err := anEnrollment(db, rnd)
		if !ok {
			return err
		}
		return db.Delete(&e).Error
	},
	// someone is enrolled
	func(db *gorm.DB, rnd *rand.Rand, cohorts, people []uint) error {
		c := pick(rnd, cohorts)
		p, err := notIn(db, rnd, people, c)
		if p == 0 {
			return err
		}
		return db.Create(&models.Enrollment{CohortID: c, ParticipantID: p, Status: models.EnrollmentStatus(pick(rnd, testStatuses)),
			EnrolledAt: models.NewDate(2024, 1, 8)}).Error
	},
	// an enrollment moves to another cohort
	func(db *gorm.DB, rnd *rand.Rand, cohorts, _ []uint) error {
		e, ok, err := anEnrollment(db, rnd)
		if !ok {
			return err
		}
		c := pick(rnd, cohorts)
		var n int64
		if err := db.Model(&models.Enrollment{}).Where("cohort_id = ? AND participant_id = ?", c, e.ParticipantID).Count(&n).Error; err != nil || n > 0 {
			return err
		}
		return db.Model(&e).Update("cohort_id", c).Error
	},
	// an enrollment passes to another person
	func(db *gorm.DB, rnd *rand.Rand, _, people []uint) error {
		e, ok, err := anEnrollment(db, rnd)
		if !ok {
			return err
		}
		p, err := notIn(db, rnd, people, e.CohortID)
		if p == 0 {
			return err
		}
		return db.Model(&e).Update("participant_id", p).Error
	},
	// a whole cohort completes in one statement
	func(db *gorm.DB, rnd *rand.Rand, cohorts, _ []uint) error {
		return db.Exec("UPDATE enrollments SET status = ? WHERE cohort_id = ? AND status = ?",
			pick(rnd, testStatuses), pick(rnd, cohorts), "enrolled").Error
	},
	// everyone of a state changes network in one statement
	func(db *gorm.DB, rnd *rand.Rand, _, _ []uint) error {
		return db.Exec("UPDATE participants SET network_type = ?, federal_state = ? WHERE federal_state = ?",
			pick(rnd, testNetworks), pick(rnd, testStates), pick(rnd, testStates)).Error
	},
}

// TestConcurrentFirstEnrollmentsCountAPersonOnce pins the lock the
// PostgreSQL triggers take: two transactions enrolling the same person for
// the first time, into two cohorts at once, count them once. SQLite lets
// one writer in at a time, so the race cannot arise there.
func TestConcurrentFirstEnrollmentsCountAPersonOnce(t *testing.T) {
	t.Parallel()
	db := scaledRegion(t, 100)
	if models.EngineFor(db) != models.Postgres {
		t.Skip("SQLite serialises writers")
	}
	var cohorts []uint
	must(t, db.Model(&models.Cohort{}).Order("id").Limit(2).Pluck("id", &cohorts).Error)
	p := models.Participant{FirstName: "Neu", LastName: "Person", Email: "neu@example.org", FederalState: "HB"}
	must(t, db.Create(&p).Error)
	// Different statuses, so that the two share no row of counts whose
	// lock would order them anyway.
	enroll := func(tx *gorm.DB, cohort uint, status models.EnrollmentStatus) error {
		return tx.Create(&models.Enrollment{CohortID: cohort, ParticipantID: p.ID, Status: status,
			EnrolledAt: models.NewDate(2024, 1, 8)}).Error
	}
	first := db.Begin()
	must(t, first.Error)
	must(t, enroll(first, cohorts[0], models.EnrollmentEnrolled))
	second := make(chan error, 1)
	go func() {
		second <- db.Transaction(func(tx *gorm.DB) error { return enroll(tx, cohorts[1], models.EnrollmentCompleted) })
	}()
	// Wait until the second has either finished (the race would be lost)
	// or waits for the first's lock.
	var err error
	for done := false; !done; {
		select {
		case err = <-second:
			done = true
			second <- err
		default:
			var waiting int64
			must(t, db.Raw("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'").Scan(&waiting).Error)
			done = waiting > 0
		}
	}
	must(t, first.Commit().Error)
	must(t, <-second)
	compareStatistics(t, db, "after two first enrollments at once")
}
