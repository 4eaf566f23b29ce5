// Package dbtest gives each test a fresh, migrated database: SQLite in the
// test's temporary directory, or, when KOHORTE_TEST_DATABASE_URL is set, a
// PostgreSQL database of its own that is dropped when the test ends.
package dbtest

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"kohorte/models"
)

// EnvURL names the variable that points the tests at a PostgreSQL server.
const EnvURL = "KOHORTE_TEST_DATABASE_URL"

// Config returns the configuration of a fresh, empty database for t: a new
// SQLite directory, or a new PostgreSQL database created on the server that
// KOHORTE_TEST_DATABASE_URL names. Both are removed when t ends.
func Config(t testing.TB) models.DBConfig {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		return models.DBConfig{DataDir: t.TempDir()}
	}
	return models.DBConfig{URL: createPostgres(t, base), MaxOpenConns: 10, MaxIdleConns: 5}
}

// Open returns a fresh database with all migrations applied.
func Open(t testing.TB) *gorm.DB {
	t.Helper()
	db := OpenEmpty(t)
	if err := models.Migrate(context.Background(), db); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

// OpenEmpty returns a fresh database without any migration applied.
func OpenEmpty(t testing.TB) *gorm.DB {
	t.Helper()
	db, err := models.Open(context.Background(), Config(t), Logger(t))
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { models.Close(db) })
	return db
}

// Logger discards log output; tests assert on behaviour, not on log lines.
func Logger(testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func createPostgres(t testing.TB, base string) string {
	t.Helper()
	admin, err := models.Open(context.Background(), models.DBConfig{URL: base, MaxOpenConns: 2}, Logger(t))
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	name := "kohorte_test_" + strings.ToLower(rand.Text()[:12])
	if err := admin.Exec("CREATE DATABASE " + name).Error; err != nil {
		models.Close(admin)
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		defer models.Close(admin)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		// Cleanups run last-registered first, so the test's own handle is
		// closed by now; FORCE ends connections a test may have leaked.
		if err := admin.WithContext(ctx).Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").Error; err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	u.Path = "/" + name
	return u.String()
}

// The variables that point the benchmarks at a region generated with
// `kohorte demo --scale` (see PERFORMANCE.md): PostgreSQL or SQLite.
const (
	EnvScaleURL     = "KOHORTE_SCALE_DATABASE_URL"
	EnvScaleDataDir = "KOHORTE_SCALE_DATA_DIR"
)

// OpenScale opens the generated region that the scale variables name, or
// skips b without one. The region is read as it is, never migrated.
func OpenScale(b testing.TB) *gorm.DB {
	b.Helper()
	cfg := models.DBConfig{URL: os.Getenv(EnvScaleURL), DataDir: os.Getenv(EnvScaleDataDir)}
	if cfg.URL == "" && cfg.DataDir == "" {
		b.Skip("set " + EnvScaleURL + " or " + EnvScaleDataDir + " to a region generated with demo --scale")
	}
	db, err := models.Open(context.Background(), cfg, Logger(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { models.Close(db) })
	return db
}

// MidCohort is the region's running 500-person cohort, the attendance
// grid's measure.
func MidCohort(b testing.TB, db *gorm.DB) models.Cohort {
	b.Helper()
	var mid models.Cohort
	if err := db.Where("name LIKE ?", "Laufend%").Order("id").Take(&mid).Error; err != nil {
		b.Fatal(err)
	}
	return mid
}
