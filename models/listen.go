package models

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

// Listener settings: how long a quiet connection waits before it makes
// sure the server is still there, and how long it waits between tries
// after losing it.
const (
	listenCheckEvery = time.Minute
	listenCheckWait  = 10 * time.Second
	listenRetryFirst = time.Second
	listenRetryMax   = 30 * time.Second
)

// Listen keeps a connection of its own, outside db's pool, listening on a
// PostgreSQL notification channel, and calls changed for each
// notification until ctx ends. Each time it starts listening, the first
// time and after a lost connection, it calls listening: what was notified
// while nobody listened is lost, so the caller should take that as a
// change too. It returns true when ctx ends, and false at once when it
// cannot listen: on SQLite, which has no notifications, or on a PostgreSQL
// database that was not opened from a URL (Open always uses one). It needs
// a direct connection: behind a pooler in transaction mode (PgBouncer) it
// would listen on a server connection that others share.
func Listen(ctx context.Context, db *gorm.DB, channel string, listening, changed func(), log *slog.Logger) bool {
	d, ok := db.Dialector.(*postgres.Dialector)
	if !ok || d.Config == nil || d.Config.DSN == "" {
		return false
	}
	cfg, err := pgx.ParseConfig(d.Config.DSN)
	if err != nil {
		log.Error("cannot listen for changes", "channel", channel, "err", err)
		return false
	}
	cfg.RuntimeParams["application_name"] = "kohorte listener"
	wait := listenRetryFirst
	for {
		began := time.Now()
		err := listenOnce(ctx, cfg, channel, listening, changed)
		if ctx.Err() != nil {
			return true
		}
		if time.Since(began) > listenRetryMax {
			wait = listenRetryFirst
		}
		log.Warn("stopped listening for changes; trying again", "channel", channel, "err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return true
		case <-time.After(wait):
		}
		wait = min(2*wait, listenRetryMax)
	}
}

// listenOnce connects, listens and passes notifications on until the
// connection fails or ctx ends.
func listenOnce(ctx context.Context, cfg *pgx.ConnConfig, channel string, listening, changed func()) error {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() {
		closing, cancel := context.WithTimeout(context.WithoutCancel(ctx), listenCheckWait)
		defer cancel()
		conn.Close(closing)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return err
	}
	listening()
	for {
		err := waitForNotification(ctx, conn)
		if err != nil {
			return err
		}
		changed()
	}
}

// waitForNotification returns when a notification arrives. A connection
// that stays quiet is pinged now and then, so that one the network
// dropped without a word is noticed and replaced.
func waitForNotification(ctx context.Context, conn *pgx.Conn) error {
	for {
		quiet, cancel := context.WithTimeout(ctx, listenCheckEvery)
		_, err := conn.WaitForNotification(quiet)
		cancel()
		if err == nil || ctx.Err() != nil || !pgconn.Timeout(err) {
			return err
		}
		check, cancel := context.WithTimeout(ctx, listenCheckWait)
		err = conn.Ping(check)
		cancel()
		if err != nil {
			return err
		}
	}
}
