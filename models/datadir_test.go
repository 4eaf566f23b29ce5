package models_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"gorm.io/gorm"
	"gorm.io/plugin/dbresolver"

	"kohorte/models"
	"kohorte/models/dbtest"
)

// A data directory whose name holds the characters a file: URI treats
// specially keeps its database inside it, with every pragma applied.
func TestDataDirectoryWithURICharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Kurse #2 ?50% fertig")
	db, err := models.Open(context.Background(), models.DBConfig{DataDir: dir}, dbtest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer models.Close(db)
	if err := models.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "kohorte.db")); err != nil {
		t.Fatalf("the database is not in its directory: %v", err)
	}
	var fk int
	var mode string
	db.Raw("PRAGMA foreign_keys").Scan(&fk)
	db.Raw("PRAGMA journal_mode").Scan(&mode)
	if fk != 1 || mode != "wal" {
		t.Errorf("foreign_keys = %d, journal_mode = %q; the pragmas were lost", fk, mode)
	}
}

// Every SQLite connection, the writer and each reader, reads the database
// file through a memory map of the size configured, the default unless
// set, none when the size is negative.
func TestSQLiteConnectionsMapTheDatabaseFile(t *testing.T) {
	for _, tc := range []struct {
		set, want int64
	}{{0, models.DefaultSQLiteMmap}, {64 << 20, 64 << 20}, {-1, 0}} {
		db, err := models.Open(context.Background(), models.DBConfig{DataDir: t.TempDir(), SQLiteMmap: tc.set}, dbtest.Logger(t))
		if err != nil {
			t.Fatal(err)
		}
		for name, conn := range map[string]*gorm.DB{"writer": db.Clauses(dbresolver.Write), "reader": models.Reading(db)} {
			var size int64
			if err := conn.Raw("PRAGMA mmap_size").Scan(&size).Error; err != nil {
				t.Fatal(err)
			}
			if size != tc.want {
				t.Errorf("SQLiteMmap %d, %s: mmap_size = %d, want %d", tc.set, name, size, tc.want)
			}
		}
		models.Close(db)
	}
}

// A configuration that names no pool size keeps its connections between
// statements, as the server's does: the benchmarks opened their regions so
// and, on PostgreSQL, measured a new backend's start with every statement.
// SQLite's writer is always one connection.
func TestAPoolWithoutSizesKeepsItsConnections(t *testing.T) {
	cfg := dbtest.Config(t)
	cfg.MaxOpenConns, cfg.MaxIdleConns = 0, 0
	db, err := models.Open(context.Background(), cfg, dbtest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer models.Close(db)
	for range 3 {
		var one int
		if err := db.Raw("SELECT 1").Scan(&one).Error; err != nil || one != 1 {
			t.Fatalf("SELECT 1: %d, %v", one, err)
		}
	}
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	wantMax := models.DefaultMaxConns
	if models.EngineFor(db) == models.SQLite {
		wantMax = 1
	}
	s := sqlDB.Stats()
	if s.MaxOpenConnections != wantMax || s.OpenConnections != 1 || s.Idle != 1 || s.MaxIdleClosed != 0 {
		t.Errorf("after three statements: at most %d open, %d open, %d idle, %d closed for want of room; want at most %d, 1, 1, 0",
			s.MaxOpenConnections, s.OpenConnections, s.Idle, s.MaxIdleClosed, wantMax)
	}
}
