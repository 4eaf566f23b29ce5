package models_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"kohorte/models"
	"kohorte/models/dbtest"
)

func TestIsUnavailableKnowsALostDatabaseFromAFault(t *testing.T) {
	t.Parallel()
	_, refused := pgconn.Connect(context.Background(), "postgres://nobody@127.0.0.1:1/x?connect_timeout=2")
	if refused == nil {
		t.Fatal("connecting to port 1 succeeded")
	}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", refused, true},
		{"bad connection, wrapped", fmt.Errorf("list courses: %w", driver.ErrBadConn), true},
		{"server shutting down", &pgconn.PgError{Code: "57P01"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"too many clients", &pgconn.PgError{Code: "53300"}, true},
		{"closed pool", errors.New("sql: database is closed"), true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"not found", gorm.ErrRecordNotFound, false},
		{"nil", nil, false},
	} {
		if got := models.IsUnavailable(tc.err); got != tc.want {
			t.Errorf("%s: IsUnavailable = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// A PostgreSQL server with no connection to spare refuses at connecting,
// with its own error inside the connection error: the request is not at
// fault, and 503 says to try again.
func TestIsUnavailableWhenPostgreSQLHasNoConnectionToSpare(t *testing.T) {
	t.Parallel()
	base := os.Getenv(dbtest.EnvURL)
	if base == "" {
		t.Skip("needs PostgreSQL: set " + dbtest.EnvURL)
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	role := fmt.Sprintf("kohorte_test_full_%d", time.Now().UnixNano())
	if _, err := admin.Exec(ctx, "CREATE ROLE "+role+" LOGIN CONNECTION LIMIT 0"); err != nil {
		t.Fatal(err)
	}
	defer admin.Exec(ctx, "DROP ROLE "+role)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(role)
	_, full := pgconn.Connect(ctx, u.String())
	var pgErr *pgconn.PgError
	if !errors.As(full, &pgErr) || pgErr.Code != "53300" {
		t.Fatalf("connecting as a role without connections: %v, want SQLSTATE 53300", full)
	}
	if !models.IsUnavailable(full) {
		t.Errorf("IsUnavailable(%v) = false, want true", full)
	}
}
