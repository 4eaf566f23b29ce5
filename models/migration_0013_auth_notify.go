package models

import (
	"gorm.io/gorm"
)

// AuthChannel is the PostgreSQL notification channel on which every change
// to an account, a session or an API token is announced, so that each
// instance can empty its authentication cache at once (see Listen).
const AuthChannel = "kohorte_auth"

// migrateAuthNotify makes PostgreSQL announce on AuthChannel, at the
// commit, any update or deletion of a user, a session or an API token, and
// the emptying of their tables, whichever instance or command made it.
// Updates that change nothing but the time a session or token was last
// used, or a user last logged in, are left out: they change no one's
// rights, and a session notes its use once a minute. SQLite has no
// notifications: there the cache's time to live alone bounds what another
// process's change takes to show.
func migrateAuthNotify(tx *gorm.DB) error {
	if EngineFor(tx) != Postgres {
		return nil
	}
	for _, s := range authNotifyPostgres {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	return nil
}

// authNotifyPostgres compares whole rows minus the columns named in the
// trigger's arguments, so that a column added later counts without a new
// trigger. pg_notify sends one notice per transaction however many rows
// it touched.
var authNotifyPostgres = []string{
	`CREATE FUNCTION notify_auth_change() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		IF TG_OP = 'UPDATE' AND to_jsonb(OLD) - TG_ARGV = to_jsonb(NEW) - TG_ARGV THEN
			RETURN NULL;
		END IF;
		PERFORM pg_notify('` + AuthChannel + `', '');
		RETURN NULL;
	END $$`,
	`CREATE TRIGGER users_notify_auth AFTER UPDATE OR DELETE ON users
		FOR EACH ROW EXECUTE FUNCTION notify_auth_change('last_login_at', 'updated_at')`,
	`CREATE TRIGGER sessions_notify_auth AFTER UPDATE OR DELETE ON sessions
		FOR EACH ROW EXECUTE FUNCTION notify_auth_change('last_seen_at')`,
	`CREATE TRIGGER api_tokens_notify_auth AFTER UPDATE OR DELETE ON api_tokens
		FOR EACH ROW EXECUTE FUNCTION notify_auth_change('last_used_at')`,
	// Emptying a table by hand ends every session in it as surely.
	`CREATE TRIGGER users_notify_auth_truncate AFTER TRUNCATE ON users
		FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_change()`,
	`CREATE TRIGGER sessions_notify_auth_truncate AFTER TRUNCATE ON sessions
		FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_change()`,
	`CREATE TRIGGER api_tokens_notify_auth_truncate AFTER TRUNCATE ON api_tokens
		FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_change()`,
}
