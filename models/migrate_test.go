package models_test

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"kohorte/models"
	"kohorte/models/dbtest"
)

func TestMigrateFromEmptyTwice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := dbtest.OpenEmpty(t)

	if err := models.Migrate(ctx, db); err != nil {
		t.Fatalf("first migrate: %v", err)
	}
	first, err := models.AppliedMigrations(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(first, models.MigrationIDs()) {
		t.Fatalf("applied %v, want %v", first, models.MigrationIDs())
	}
	var id models.Setting
	if err := db.First(&id, "key = ?", models.SettingInstallationID).Error; err != nil {
		t.Fatalf("installation id: %v", err)
	}
	if len(id.Value) < 20 {
		t.Fatalf("installation id %q is too short to be random", id.Value)
	}

	if err := models.Migrate(ctx, db); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	second, err := models.AppliedMigrations(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(second, first) {
		t.Fatalf("second run changed the applied list: %v, then %v", first, second)
	}
	var again models.Setting
	if err := db.First(&again, "key = ?", models.SettingInstallationID).Error; err != nil {
		t.Fatal(err)
	}
	if again.Value != id.Value {
		t.Fatalf("installation id changed from %q to %q", id.Value, again.Value)
	}
}

func TestMigrationIDsAreOrderedAndUnique(t *testing.T) {
	ids := models.MigrationIDs()
	if !slices.IsSorted(ids) {
		t.Fatalf("migration IDs out of order: %v", ids)
	}
	if len(slices.Compact(slices.Clone(ids))) != len(ids) {
		t.Fatalf("duplicate migration IDs: %v", ids)
	}
}

// Two instances starting together against one database must not both run
// the same migration.
func TestMigrateConcurrentInstances(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := dbtest.Config(t)
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			db, err := models.Open(ctx, cfg, dbtest.Logger(t))
			if err != nil {
				errs <- err
				return
			}
			defer models.Close(db)
			errs <- models.Migrate(ctx, db)
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatalf("concurrent migrate: %v", err)
		}
	}
	db, err := models.Open(ctx, cfg, dbtest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer models.Close(db)
	applied, err := models.AppliedMigrations(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(applied, models.MigrationIDs()) {
		t.Fatalf("applied %v, want %v", applied, models.MigrationIDs())
	}
	var n int64
	db.Model(&models.Setting{}).Where("key = ?", models.SettingInstallationID).Count(&n)
	if n != 1 {
		t.Fatalf("%d installation ids, want 1", n)
	}
}

func TestEngineOfRejectsBadURLs(t *testing.T) {
	cases := map[string]string{
		"mysql://root@localhost/x": `scheme "mysql" is not supported`,
		"postgres:///x":            "no host",
		"postgres://a b:%zz@h/x":   "cannot parse",
	}
	for raw, want := range cases {
		_, err := models.EngineOf(models.DBConfig{URL: raw})
		if err == nil {
			t.Errorf("EngineOf(%q) succeeded, want error containing %q", raw, want)
		} else if !strings.Contains(err.Error(), want) {
			t.Errorf("EngineOf(%q) = %v, want error containing %q", raw, err, want)
		}
	}
}

func TestRedactHidesPassword(t *testing.T) {
	got := models.Redact("postgres://kohorte:s3cret@db:5432/k?sslmode=disable&password=other")
	for _, secret := range []string{"s3cret", "other"} {
		if strings.Contains(got, secret) {
			t.Fatalf("Redact leaked the password %s: %s", secret, got)
		}
	}
	if !strings.Contains(got, "kohorte:xxxxx@db:5432/k") {
		t.Fatalf("Redact lost the rest of the URL: %s", got)
	}
}

// The database itself enforces what must never happen, whatever the code does.
func TestAccountConstraints(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t)
	u := models.User{Email: "zoe@example.org", DisplayName: "Zoë Ćosić-Şahin", Role: models.RoleStaff, Status: models.UserActive}
	if err := db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	cases := map[string]any{
		"duplicate e-mail":  &models.User{Email: "zoe@example.org", DisplayName: "x", Role: models.RoleJuror, Status: models.UserActive},
		"unknown role":      &models.User{Email: "a@example.org", DisplayName: "x", Role: "king", Status: models.UserActive},
		"unknown status":    &models.User{Email: "b@example.org", DisplayName: "x", Role: models.RoleJuror, Status: "sleeping"},
		"session of nobody": &models.Session{TokenHash: "h1", UserID: 9999, LastSeenAt: time.Now(), ExpiresAt: time.Now()},
	}
	for name, row := range cases {
		if err := db.Create(row).Error; err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	s := models.Session{TokenHash: "h2", UserID: u.ID, LastSeenAt: time.Now(), ExpiresAt: time.Now()}
	if err := db.Create(&s).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Delete(&u).Error; err != nil {
		t.Fatal(err)
	}
	var n int64
	db.Model(&models.Session{}).Where("user_id = ?", u.ID).Count(&n)
	if n != 0 {
		t.Errorf("deleting a user left %d sessions", n)
	}
}

// A failed statement is logged without the values it carried.
func TestDatabaseLogHasNoPersonalData(t *testing.T) {
	t.Parallel()
	var logs strings.Builder
	cfg := dbtest.Config(t)
	db, err := models.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer models.Close(db)
	if err := models.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	u := models.User{Email: "zoe.cosic@example.org", DisplayName: "Zoë", Role: models.RoleAdmin, Status: models.UserActive}
	if err := db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	dup := u
	dup.ID = 0
	if err := db.Create(&dup).Error; err == nil {
		t.Fatal("a duplicate e-mail was accepted")
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Fatalf("a refusal the service answers was logged as an error:\n%s", logs.String())
	}
	var n int
	if err := db.Raw("SELECT count(*) FROM no_such_table WHERE email = ?", "zoe.cosic@example.org").Scan(&n).Error; err == nil {
		t.Fatal("a query on a missing table succeeded")
	}
	if !strings.Contains(logs.String(), "statement failed") {
		t.Fatalf("log does not report the failed statement:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "zoe.cosic") {
		t.Fatalf("log carries a query argument:\n%s", logs.String())
	}
}
