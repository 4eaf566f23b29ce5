package models_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

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
