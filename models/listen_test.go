package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"

	"kohorte/models"
	"kohorte/models/dbtest"
)

// SQLite has no notifications: Listen says so at once instead of waiting.
func TestListenReturnsAtOnceOnSQLite(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t)
	if models.EngineFor(db) != models.SQLite {
		t.Skip("SQLite only; on PostgreSQL see TestAuthChangesAreAnnouncedButNotTheirUse")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	called := false
	if models.Listen(ctx, db, models.AuthChannel, func() { called = true }, func() { called = true }, dbtest.Logger(t)) {
		t.Error("Listen on SQLite returned true: it listened")
	}
	if called {
		t.Error("Listen on SQLite called back")
	}
}

// Every change to a user, a session or a token that can touch someone's
// rights is announced once per transaction; noting the use of a session
// or token, or a login's time, is not. Each step is followed by a marker
// notice: notices arrive in the order of their commits, so whatever the
// step announced arrives before the marker.
func TestAuthChangesAreAnnouncedButNotTheirUse(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t)
	if models.EngineFor(db) != models.Postgres {
		t.Skip("needs PostgreSQL: set " + dbtest.EnvURL)
	}
	ctx := context.Background()
	listener := listenTo(t, db)

	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	user := models.User{Email: "a@example.org", DisplayName: "A", Role: models.RoleStaff, Status: models.UserActive}
	other := models.User{Email: "b@example.org", DisplayName: "B", Role: models.RoleStaff, Status: models.UserActive}
	mustDo(t, db.Create(&user).Error, db.Create(&other).Error)
	sessions := []models.Session{
		{TokenHash: "s1", UserID: user.ID, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)},
		{TokenHash: "s2", UserID: user.ID, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)},
		{TokenHash: "s3", UserID: other.ID, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)},
	}
	token := models.APIToken{UserID: user.ID, Name: "t", Prefix: "p", TokenHash: "t1", ExpiresAt: now.Add(time.Hour)}
	mustDo(t, db.Create(&sessions).Error, db.Create(&token).Error)

	steps := []struct {
		name string
		do   func(tx *gorm.DB) error
		want int
	}{
		{"a session's use", func(tx *gorm.DB) error {
			return tx.Model(&models.Session{}).Where("id = ?", sessions[0].ID).Update("last_seen_at", now.Add(time.Minute)).Error
		}, 0},
		{"a token's use", func(tx *gorm.DB) error {
			return tx.Model(&token).Update("last_used_at", now.Add(time.Minute)).Error
		}, 0},
		{"a login's time", func(tx *gorm.DB) error {
			return tx.Model(&user).Update("last_login_at", now.Add(time.Minute)).Error
		}, 0},
		{"a session's expiry", func(tx *gorm.DB) error {
			return tx.Model(&models.Session{}).Where("id = ?", sessions[0].ID).Update("expires_at", now).Error
		}, 1},
		{"a token's revocation", func(tx *gorm.DB) error {
			return tx.Model(&token).Update("revoked_at", now).Error
		}, 1},
		{"a role", func(tx *gorm.DB) error {
			return tx.Model(&user).Update("role", models.RoleJuror).Error
		}, 1},
		{"a user's status", func(tx *gorm.DB) error {
			return tx.Model(&other).Update("status", models.UserDisabled).Error
		}, 1},
		{"two sessions ended in one statement", func(tx *gorm.DB) error {
			return tx.Where("user_id = ?", user.ID).Delete(&models.Session{}).Error
		}, 1},
		{"a session and a token in one transaction", func(tx *gorm.DB) error {
			return tx.Transaction(func(tx *gorm.DB) error {
				if err := tx.Delete(&models.Session{}, sessions[2].ID).Error; err != nil {
					return err
				}
				return tx.Delete(&token).Error
			})
		}, 1},
		{"emptying the tokens' table", func(tx *gorm.DB) error {
			return tx.Exec("TRUNCATE api_tokens").Error
		}, 1},
		{"a new session", func(tx *gorm.DB) error {
			return tx.Create(&models.Session{TokenHash: "s4", UserID: other.ID, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}).Error
		}, 0},
	}
	for _, s := range steps {
		if err := s.do(db.WithContext(ctx)); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := listener.noticesBeforeMarker(t); got != s.want {
			t.Errorf("%s: %d notices, want %d", s.name, got, s.want)
		}
	}
}

// authListener is a connection of the test's own on models.AuthChannel.
type authListener struct {
	conn *pgx.Conn
}

func listenTo(t *testing.T, db *gorm.DB) *authListener {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), db.Dialector.(*postgres.Dialector).Config.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	if _, err := conn.Exec(context.Background(), "LISTEN "+models.AuthChannel); err != nil {
		t.Fatal(err)
	}
	return &authListener{conn: conn}
}

// noticesBeforeMarker sends a marker notice and counts the notices that
// arrive before it.
func (l *authListener) noticesBeforeMarker(t *testing.T) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := l.conn.Exec(ctx, "SELECT pg_notify($1, 'marker')", models.AuthChannel); err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		note, err := l.conn.WaitForNotification(ctx)
		if err != nil {
			t.Fatalf("waiting for the marker: %v", err)
		}
		if note.Payload == "marker" {
			return n
		}
		n++
	}
}

func mustDo(t *testing.T, errs ...error) {
	t.Helper()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}
