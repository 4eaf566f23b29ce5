// Package models holds Kohorte's persistent data: the GORM structs, opening
// the database (SQLite or PostgreSQL) and the versioned migrations.
package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	"gorm.io/plugin/dbresolver"
)

// Engine names the database system behind a connection.
type Engine string

// The engines Kohorte runs on.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DBConfig says which database to open and how large its pool may grow.
type DBConfig struct {
	// URL selects PostgreSQL (postgres:// or postgresql://). Empty means the
	// embedded SQLite file kohorte.db in DataDir.
	URL     string
	DataDir string
	// MaxOpenConns and MaxIdleConns size a PostgreSQL pool; without
	// MaxOpenConns both are DefaultMaxConns.
	MaxOpenConns    int
	MaxIdleConns    int
	ConnMaxLifetime time.Duration
	ConnMaxIdleTime time.Duration
	// SlowQuery is the duration above which a statement is logged as slow.
	SlowQuery time.Duration
	// SQLiteMmap is how many bytes of an SQLite database each connection
	// reads through a memory map: 0 takes DefaultSQLiteMmap, a negative
	// value maps nothing.
	SQLiteMmap int64
}

// ErrBadURL marks a database URL that cannot be used, before any connection is tried.
var ErrBadURL = errors.New("invalid database URL")

// ErrUnreachable marks a database that could not be opened or did not answer.
var ErrUnreachable = errors.New("database unreachable")

// ConnectError says why a database could not be opened, in the driver's
// shortest words ("connection refused").
type ConnectError struct {
	Cause string
}

func (e *ConnectError) Error() string { return "database unreachable: " + e.Cause }

// Is makes a ConnectError match ErrUnreachable.
func (e *ConnectError) Is(target error) bool { return target == ErrUnreachable }

// EngineOf tells which engine a configuration selects, checking the URL's form.
func EngineOf(cfg DBConfig) (Engine, error) {
	if cfg.URL == "" {
		return SQLite, nil
	}
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return "", fmt.Errorf("%w: cannot parse it", ErrBadURL)
	}
	switch u.Scheme {
	case "postgres", "postgresql":
		if u.Host == "" {
			return "", fmt.Errorf("%w: no host in %s", ErrBadURL, Redact(cfg.URL))
		}
		return Postgres, nil
	default:
		return "", fmt.Errorf("%w: scheme %q is not supported, use postgres://", ErrBadURL, u.Scheme)
	}
}

// Redact returns a database URL with its password replaced, fit for messages and logs.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// SQLitePath is where the embedded database lives inside a data directory.
func SQLitePath(dataDir string) string {
	return filepath.Join(dataDir, "kohorte.db")
}

// Open connects to the configured database, checks that it answers and sets
// up the pool. The caller closes it with Close.
func Open(ctx context.Context, cfg DBConfig, log *slog.Logger) (*gorm.DB, error) {
	// Instances that open a new SQLite file together race to switch it to
	// WAL, a change SQLite refuses rather than waits for; the loser tries
	// again once the winner is done.
	for try := 1; ; try++ {
		db, err := openOnce(ctx, cfg, log)
		if err == nil || try == 10 || !strings.Contains(err.Error(), "SQLITE_BUSY") {
			return db, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(time.Duration(try) * 20 * time.Millisecond):
		}
	}
}

func openOnce(ctx context.Context, cfg DBConfig, log *slog.Logger) (*gorm.DB, error) {
	engine, err := EngineOf(cfg)
	if err != nil {
		return nil, err
	}
	gcfg := &gorm.Config{
		TranslateError: true,
		NowFunc:        func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
		// GORM logs a failed open itself; the caller reports it instead.
		Logger: logger.Discard,
	}
	log = log.With("component", "db")
	var dialector gorm.Dialector
	switch engine {
	case Postgres:
		dialector = postgres.Open(withConnectTimeout(cfg.URL))
	case SQLite:
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("create data directory %s: %w", cfg.DataDir, err)
		}
		dialector = sqlite.Open(sqliteDSN(SQLitePath(cfg.DataDir), cfg.mmap()))
	}
	db, err := gorm.Open(dialector, gcfg)
	if err != nil {
		return nil, &ConnectError{Cause: connectCause(err)}
	}
	db.Logger = newGormLogger(log, cfg.SlowQuery, engine)
	if err := configurePool(ctx, db, engine, cfg); err != nil {
		Close(db)
		return nil, err
	}
	if engine == SQLite {
		if err := addSQLiteReaders(db, cfg); err != nil {
			Close(db)
			return nil, err
		}
	}
	return db, nil
}

// sqliteReaders is how many connections read an SQLite database beside its
// one writer. WAL lets them read what was committed while a write goes on,
// so a list does not wait for a long import.
const sqliteReaders = 4

// readers holds each SQLite database's reader pool by its writer's, for
// Close.
var readers sync.Map // *sql.DB → *sql.DB

// addSQLiteReaders sends every read outside a transaction to a pool of
// read-only connections; writes and transactions stay on the writer.
func addSQLiteReaders(db *gorm.DB, cfg DBConfig) error {
	pool, err := sql.Open(sqlite.DriverName, sqliteReaderDSN(SQLitePath(cfg.DataDir), cfg.mmap()))
	if err != nil {
		return err
	}
	pool.SetMaxOpenConns(sqliteReaders)
	pool.SetMaxIdleConns(sqliteReaders)
	pool.SetConnMaxLifetime(0)
	if err := db.Use(dbresolver.Register(dbresolver.Config{Replicas: []gorm.Dialector{sqlite.Dialector{Conn: pool}}})); err != nil {
		pool.Close()
		return err
	}
	writer, err := db.DB()
	if err != nil {
		pool.Close()
		return err
	}
	readers.Store(writer, pool)
	return nil
}

// Reading sends what db runs next to the readers, where an engine has
// them: a transaction begun on it only reads, and must not wait for the
// writer.
func Reading(db *gorm.DB) *gorm.DB {
	return db.Clauses(dbresolver.Read)
}

// DefaultMaxConns is how many PostgreSQL connections a pool opens and
// keeps idle when its configuration names no size.
const DefaultMaxConns = 25

// DefaultSQLiteMmap is how much of an SQLite database every connection
// reads through a memory map unless told otherwise, instead of a system
// call for each page its own small cache lacks. The mapped pages are the
// operating system's page cache, shared by all connections: a search in
// 40,000 people, which reads some 700 rows from all over the table, took
// 10.3 ms unmapped and 4.9–7.0 ms mapped (see PERFORMANCE.md). Beyond this
// size the rest of the file is read as before. The price: a read that
// fails (a disk error, the file cut short by another program) ends the
// process instead of the request, and each connection's mapped pages
// count again in its resident size.
const DefaultSQLiteMmap = 256 << 20

// mmap is the mmap_size the connections are opened with.
func (c DBConfig) mmap() int64 {
	switch {
	case c.SQLiteMmap < 0:
		return 0
	case c.SQLiteMmap == 0:
		return DefaultSQLiteMmap
	}
	return c.SQLiteMmap
}

// sqliteReaderDSN opens connections that can only read: a write sent to
// one by mistake fails instead of taking the write lock. They begin
// transactions deferred, as readers, and keep the writer's journal mode.
func sqliteReaderDSN(path string, mmap int64) string {
	return "file:" + uriPath(path) + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=query_only(1)" +
		fmt.Sprintf("&_pragma=mmap_size(%d)", mmap) + "&_txlock=deferred"
}

// sqliteDSN puts the pragmas into the DSN so that every pooled connection gets
// them. _txlock=immediate takes the write lock at BEGIN, so that concurrent
// read-then-write transactions wait for each other instead of failing.
// The busy timeout comes first, so that the pragmas after it wait too.
func sqliteDSN(path string, mmap int64) string {
	return "file:" + uriPath(path) + "?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)" + fmt.Sprintf("&_pragma=mmap_size(%d)", mmap) + "&_txlock=immediate"
}

// uriPath escapes what a file: URI would read as its end or as an escape:
// unescaped, a data directory named "Kurse #2" opened the file "Kurse "
// without any of the pragmas that follow.
func uriPath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path)
}

// withConnectTimeout bounds the connection attempt so an unreachable host
// fails within seconds, unless the URL sets its own timeout. It also keeps
// statements unprepared on the server (pgx's cache_describe): a prepared
// statement's generic plan, chosen while a table was still small, kept
// scanning whole tables after a bulk import and made the next import's
// look-ups four times slower. Unprepared statements also pass through
// PgBouncer in transaction mode.
func withConnectTimeout(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	if !q.Has("connect_timeout") {
		q.Set("connect_timeout", "5")
	}
	if !q.Has("default_query_exec_mode") {
		q.Set("default_query_exec_mode", "cache_describe")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func configurePool(ctx context.Context, db *gorm.DB, engine Engine, cfg DBConfig) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	if engine == SQLite {
		// One connection makes SQLite's single writer explicit; WAL lets
		// other processes still read the file meanwhile.
		sqlDB.SetMaxOpenConns(1)
		sqlDB.SetMaxIdleConns(1)
		sqlDB.SetConnMaxLifetime(0)
	} else {
		open, idle := cfg.MaxOpenConns, cfg.MaxIdleConns
		if open <= 0 {
			// database/sql would read the zero sizes as no bound and no idle
			// connection kept: a new PostgreSQL backend for every statement,
			// which costs more than most statements do.
			open, idle = DefaultMaxConns, DefaultMaxConns
		}
		sqlDB.SetMaxOpenConns(open)
		sqlDB.SetMaxIdleConns(idle)
		sqlDB.SetConnMaxLifetime(cfg.ConnMaxLifetime)
		sqlDB.SetConnMaxIdleTime(cfg.ConnMaxIdleTime)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		return &ConnectError{Cause: connectCause(err)}
	}
	return nil
}

// connectCause shortens a driver's connection error to its last, most
// specific part ("connection refused", "database \"x\" does not exist").
func connectCause(err error) string {
	lines := strings.Split(strings.TrimSpace(err.Error()), "\n")
	msg := strings.TrimSpace(lines[len(lines)-1])
	for _, sep := range []string{"): ", "dial error: ", "server error: ", "FATAL: "} {
		if i := strings.LastIndex(msg, sep); i >= 0 {
			msg = msg[i+len(sep):]
		}
	}
	return strings.TrimSuffix(msg, "]")
}

// Close releases the database's connections, its readers' too.
func Close(db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	if pool, ok := readers.LoadAndDelete(sqlDB); ok {
		pool.(*sql.DB).Close()
	}
	return sqlDB.Close()
}

// EngineFor tells which engine an open handle talks to.
func EngineFor(db *gorm.DB) Engine {
	if db.Dialector.Name() == "postgres" {
		return Postgres
	}
	return SQLite
}

func newGormLogger(log *slog.Logger, slow time.Duration, engine Engine) logger.Interface {
	if slow <= 0 {
		slow = 500 * time.Millisecond
	}
	literals := singleQuoted
	if engine == SQLite {
		literals = quotedSQLite
	}
	return &gormLogger{log: log, slow: slow, literals: literals}
}

// Values rendered into a statement are quoted: with ' on PostgreSQL, with
// ' or " on SQLite, whose identifiers GORM quotes with backticks instead.
var (
	singleQuoted = regexp.MustCompile(`'(?:[^']|'')*'`)
	quotedSQLite = regexp.MustCompile(`'(?:[^']|'')*'|"(?:[^"\\]|\\.)*"`)
)

// gormLogger logs failed and slow statements. It renders a statement only
// when it logs it: GORM's own slog logger renders every statement, which
// cost a quarter of the CPU of a bulk import. Statements are logged without
// their parameters, which may be names and e-mail addresses.
type gormLogger struct {
	log      *slog.Logger
	slow     time.Duration
	literals *regexp.Regexp
}

func (l *gormLogger) LogMode(logger.LogLevel) logger.Interface { return l }

func (l *gormLogger) Info(ctx context.Context, msg string, args ...any) {
	l.log.InfoContext(ctx, fmt.Sprintf(msg, args...))
}

func (l *gormLogger) Warn(ctx context.Context, msg string, args ...any) {
	l.log.WarnContext(ctx, fmt.Sprintf(msg, args...))
}

func (l *gormLogger) Error(ctx context.Context, msg string, args ...any) {
	l.log.ErrorContext(ctx, fmt.Sprintf(msg, args...))
}

func (l *gormLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	elapsed := time.Since(begin)
	failed := err != nil && !errors.Is(err, gorm.ErrRecordNotFound)
	if !failed && elapsed <= l.slow {
		return
	}
	sql, rows := fc()
	// ParamsFilter keeps values out of most statements, but GORM's Scan
	// renders them anyway; blanking every literal catches all paths.
	sql = l.literals.ReplaceAllString(sql, "?")
	attrs := []any{"duration_ms", elapsed.Milliseconds(), "sql", sql, "rows", rows}
	if failed && refusedByConstraint(err) {
		// The service turns these into answers (409, 422); they are no fault.
		l.log.DebugContext(ctx, "statement refused by a constraint", append(attrs, "error", err)...)
		return
	}
	if failed {
		l.log.ErrorContext(ctx, "statement failed", append(attrs, "error", err)...)
		return
	}
	l.log.WarnContext(ctx, "slow statement", attrs...)
}

// ParamsFilter keeps parameter values out of the rendered statement.
func (l *gormLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}

func refusedByConstraint(err error) bool {
	return errors.Is(err, gorm.ErrDuplicatedKey) || errors.Is(err, gorm.ErrForeignKeyViolated) ||
		errors.Is(err, gorm.ErrCheckConstraintViolated)
}
