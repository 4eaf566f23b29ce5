package services

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"slices"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"kohorte/models"
)

// This file holds what every service does with a transaction: run one,
// hang work on its commit, lock, read one row by id, order and search.
// Helpers take the transaction as tx and never reach for a service's db.

// commitHooks collects the work a transaction hands on to its commit.
type commitHooks struct{ fns []func() }

type hooksKey struct{}

// inTransaction runs f in a transaction on db. Work that f schedules with
// afterCommit runs once the transaction has committed, in the order it was
// scheduled, and never if it rolls back. A transaction inside another
// passes its work on to the outer one when it succeeds, so nothing runs
// before the outermost commit; a transaction on the root handle is never
// inside another, whatever its context holds.
func inTransaction(ctx context.Context, db *gorm.DB, f func(tx *gorm.DB) error) error {
	var outer *commitHooks
	if _, nested := db.Statement.ConnPool.(gorm.TxCommitter); nested && db.Statement.Context != nil {
		// db is itself a transaction: its work waits for its commit.
		outer = hooksOf(db.Statement.Context)
	}
	hooks := &commitHooks{}
	if err := db.WithContext(context.WithValue(ctx, hooksKey{}, hooks)).Transaction(f); err != nil {
		return err
	}
	if outer != nil {
		outer.fns = append(outer.fns, hooks.fns...)
		return nil
	}
	for _, fn := range hooks.fns {
		fn()
	}
	return nil
}

// readTransaction runs f in a transaction that only reads, so that what
// a page shows is one moment's state: the list and its count agree. On
// PostgreSQL that takes a repeatable-read snapshot; on SQLite it runs on a
// reader, whose transaction sees one moment of the WAL while the writer
// goes on.
func readTransaction(ctx context.Context, db *gorm.DB, f func(tx *gorm.DB) error) error {
	var opts *sql.TxOptions
	if db.Dialector.Name() == "postgres" {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	return models.Reading(db.WithContext(ctx)).Transaction(f, opts)
}

// afterCommit schedules fn to run once the transaction tx belongs to has
// committed, such as sending an e-mail about what it wrote. tx must come
// from inTransaction; anything else is a programming error.
func afterCommit(tx *gorm.DB, fn func()) {
	hooks := hooksOf(tx.Statement.Context)
	if hooks == nil {
		panic("afterCommit outside inTransaction")
	}
	hooks.fns = append(hooks.fns, fn)
}

func hooksOf(ctx context.Context) *commitHooks {
	hooks, _ := ctx.Value(hooksKey{}).(*commitHooks)
	return hooks
}

// participantOf reads one participant.
func participantOf(tx *gorm.DB, id uint) (*models.Participant, error) {
	var p models.Participant
	if err := tx.Take(&p, id).Error; err != nil {
		return nil, notFoundAs(err, "participant", id)
	}
	return &p, nil
}

// lockForUpdate locks the rows a transaction reads on PostgreSQL; SQLite's
// immediate transactions hold the whole database already.
func lockForUpdate() clause.Expression {
	return clause.Locking{Strength: "UPDATE"}
}

// lockUser reads a user for update, so that concurrent changes to one
// account apply one after the other.
func lockUser(tx *gorm.DB, id uint) (models.User, error) {
	var u models.User
	err := tx.Clauses(lockForUpdate()).Take(&u, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, notFound("user", id)
	}
	return u, err
}

// notFoundAs turns GORM's not-found into the domain's, naming the object.
func notFoundAs(err error, kind string, id uint) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return notFound(kind, id)
	}
	return err
}

// orderBy turns a sort parameter into an ORDER BY clause from a fixed list,
// so that no client text reaches the SQL.
func orderBy(sort string, allowed map[string]string, fallback, idColumn string) (string, error) {
	if sort == "" {
		sort = fallback
	}
	dir := " ASC"
	if strings.HasPrefix(sort, "-") {
		sort, dir = sort[1:], " DESC"
	}
	col, ok := allowed[sort]
	if !ok {
		keys := slices.Sorted(maps.Keys(allowed))
		return "", invalid("sort", CodeNotOneOf, "allowed", strings.Join(keys, ", "))
	}
	return col + dir + ", " + idColumn + dir, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func lockCohort(tx *gorm.DB, id uint) (models.Cohort, error) {
	var c models.Cohort
	err := tx.Clauses(lockForUpdate()).Take(&c, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return c, notFound("cohort", id)
	}
	return c, err
}

// courseOf reads the course a cohort belongs to, without its issuers and
// signatories, as the cohort's answer shows it.
func courseOf(tx *gorm.DB, id uint) (*models.Course, error) {
	var course models.Course
	if err := tx.Take(&course, id).Error; err != nil {
		return nil, notFoundAs(err, "course", id)
	}
	return &course, nil
}

// findCohort reads one cohort with its course.
func findCohort(tx *gorm.DB, id uint) (models.Cohort, error) {
	var c models.Cohort
	// Joined rather than preloaded: one statement instead of two, on
	// every page of a cohort.
	err := tx.Joins("Course").Take(&c, id).Error
	return c, notFoundAs(err, "cohort", id)
}
