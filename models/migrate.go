package models

import (
	"context"
	"fmt"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// migrationLockKey is the PostgreSQL advisory lock that instances starting
// together take, so that only one of them migrates at a time.
const migrationLockKey = 4_711_2023

// Migrate applies all pending migrations in one transaction. On PostgreSQL it
// holds an advisory lock meanwhile; on SQLite the immediate transaction is
// the lock.
func Migrate(ctx context.Context, db *gorm.DB) error {
	return migrate(ctx, db, func(m *gormigrate.Gormigrate) error { return m.Migrate() })
}

// migrateTo applies the migrations up to and including id, so that a test
// can write rows as an earlier release did and then migrate them.
func migrateTo(ctx context.Context, db *gorm.DB, id string) error {
	return migrate(ctx, db, func(m *gormigrate.Gormigrate) error { return m.MigrateTo(id) })
}

func migrate(ctx context.Context, db *gorm.DB, run func(*gormigrate.Gormigrate) error) error {
	return db.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		if EngineFor(db) == Postgres {
			if err := conn.Exec("SELECT pg_advisory_lock(?)", migrationLockKey).Error; err != nil {
				return fmt.Errorf("take migration lock: %w", err)
			}
			defer conn.Exec("SELECT pg_advisory_unlock(?)", migrationLockKey)
		}
		m := gormigrate.New(conn, &gormigrate.Options{
			TableName:                 "schema_migrations",
			IDColumnName:              "id",
			IDColumnSize:              64,
			UseTransaction:            true,
			ValidateUnknownMigrations: true,
		}, migrations())
		if err := run(m); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		return nil
	})
}

// AppliedMigrations lists the IDs of the migrations recorded in the database, in order.
func AppliedMigrations(ctx context.Context, db *gorm.DB) ([]string, error) {
	var ids []string
	err := db.WithContext(ctx).Table("schema_migrations").Order("id").Pluck("id", &ids).Error
	return ids, err
}

// MigrationIDs lists the IDs of all migrations this build knows, in order.
func MigrationIDs() []string {
	ms := migrations()
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	return ids
}
