package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/glebarez/go-sqlite"
	"github.com/jackc/pgx/v5/pgconn"
)

// SQLite result codes of a database that is busy with another writer for
// longer than the busy timeout.
const (
	sqliteBusy   = 5
	sqliteLocked = 6
)

// IsUnavailable reports whether err means the database cannot be reached
// or cannot serve now: a lost or refused connection, a server shutting
// down, a closed pool, or SQLite busy past its timeout. Such a failure is
// not the request's fault, and the same request may succeed later.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	var connErr *pgconn.ConnectError
	var netErr net.Error
	var liteErr *sqlite.Error
	switch {
	case errors.As(err, &connErr):
		// Whatever the server answered, it took no connection: "too many
		// clients" (53300) among others.
		return true
	case errors.As(err, &pgErr):
		// Class 08 is a connection exception; 57P01–57P03 a server that is
		// shutting down or not yet accepting connections; 53300 one that
		// has no connection to spare.
		return strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "57P0") || pgErr.Code == "53300"
	case errors.As(err, &netErr):
		return true
	case errors.As(err, &liteErr):
		return liteErr.Code()&0xff == sqliteBusy || liteErr.Code()&0xff == sqliteLocked
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, context.DeadlineExceeded):
		return true
	}
	var closed interface{ SafeToRetry() bool }
	if errors.As(err, &closed) && closed.SafeToRetry() {
		return true
	}
	// database/sql reports a closed pool by an unexported error.
	return err.Error() == "sql: database is closed"
}
