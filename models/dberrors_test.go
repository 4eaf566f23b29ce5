package models_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"kohorte/models"
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
