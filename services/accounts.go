package services

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"kohorte/models"
	"kohorte/services/roster"
)

// AccountsConfig holds the security limits of accounts and sessions.
type AccountsConfig struct {
	// IdleTimeout ends a session that has not been used for this long.
	IdleTimeout time.Duration
	// Lifetime ends a session this long after login, however busy.
	Lifetime time.Duration
	// MaxFailures failed logins for one account from one client address
	// within FailureWindow lock further attempts of that account from that
	// address until the window has passed. MaxAccountFailures for one
	// account from any addresses lock the account everywhere, and
	// MaxAddressFailures from one address for any accounts lock the
	// address: higher limits, so that one person's typos lock neither their
	// colleagues behind the same address nor, from afar, their account.
	MaxFailures        int
	MaxAccountFailures int
	MaxAddressFailures int
	FailureWindow      time.Duration
	// InviteLifetime and ResetLifetime bound the one-time password links.
	InviteLifetime time.Duration
	ResetLifetime  time.Duration
	// AuthCacheTTL is how long an instance goes on trusting a session or
	// an API token it has checked, for changes made by another process;
	// changes made through this one apply at once. 0 checks every request
	// in the database.
	AuthCacheTTL time.Duration
	// Now is the clock; tests set it to move time.
	Now func() time.Time
}

// DefaultAccountsConfig is what Kohorte runs with unless configured otherwise.
func DefaultAccountsConfig() AccountsConfig {
	return AccountsConfig{
		IdleTimeout:        30 * time.Minute,
		Lifetime:           12 * time.Hour,
		MaxFailures:        10,
		MaxAccountFailures: 50,
		MaxAddressFailures: 100,
		FailureWindow:      15 * time.Minute,
		InviteLifetime:     14 * 24 * time.Hour,
		ResetLifetime:      24 * time.Hour,
		AuthCacheTTL:       time.Second,
		Now:                time.Now,
	}
}

// accounts is what the account services share: the database, the limits,
// and the slots that bound how many passwords are hashed at once.
type accounts struct {
	db  *gorm.DB
	cfg AccountsConfig
	// dummyHash is verified against when an e-mail is unknown, so that
	// unknown and known addresses take the same time to refuse. It is
	// made once, when first needed or by Services.Warm.
	dummyHash func() (string, error)
	// hashSlots bounds how many passwords are hashed at once.
	hashSlots chan struct{}
	// queued, when set, is called when a hash has to wait for a slot;
	// tests use it to see what is held while waiting.
	queued func()
	// cache remembers recently checked sessions and tokens.
	cache *authCache
}

// newAccounts returns what the account services share, on db.
func newAccounts(db *gorm.DB, cfg AccountsConfig) (*accounts, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	dummy := sync.OnceValues(func() (string, error) { return hashPassword("not a password of anyone") })
	cache, err := authCacheOf(db)
	if err != nil {
		return nil, fmt.Errorf("auth cache: %w", err)
	}
	return &accounts{db: db, cfg: cfg, dummyHash: dummy, hashSlots: make(chan struct{}, runtime.NumCPU()), cache: cache}, nil
}

func (a *accounts) now() time.Time { return a.cfg.Now().UTC() }

// ErrInvalidCredentials is the one answer to a wrong e-mail, a wrong
// password, a disabled account or one without a password.
var ErrInvalidCredentials = refuse(ErrUnauthorized, CodeLoginInvalid)

// ThrottledError refuses a login attempt while too many have failed.
type ThrottledError struct {
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed logins; try again in %s", e.RetryAfter.Round(time.Second))
}

// Is makes a ThrottledError match ErrTooManyTries.
func (e *ThrottledError) Is(target error) bool { return target == ErrTooManyTries }

// normalizeEmail trims and lower-cases an address and checks its form by
// the rule participants' addresses follow too.
func normalizeEmail(raw string) (string, bool) {
	return roster.NormalizeEmail(raw)
}

// LoginResult is a new session: its token goes into the cookie, once.
type LoginResult struct {
	Token string
	User  models.User
}

// Login checks an e-mail and password and opens a new session.
func (a *Sessions) Login(ctx context.Context, rawEmail, password string, client Actor) (LoginResult, error) {
	email := strings.ToLower(strings.TrimSpace(rawEmail))
	if code := StorableCode(email); code != "" {
		// Refused before the throttle, which stores the address.
		return LoginResult{}, (&ValidationError{}).Add("email", code).Err()
	}
	email = cutChars(email, maxEmailChars)
	attempt, err := a.reserveAttempt(ctx, email, throttleKey(client.ClientAddr))
	if err != nil {
		return LoginResult{}, err
	}
	user, ok, err := a.checkPassword(ctx, email, password)
	if err != nil {
		return LoginResult{}, err
	}
	if !ok {
		return LoginResult{}, a.recordFailure(ctx, email, client)
	}
	var res LoginResult
	err = inTransaction(ctx, a.db, func(tx *gorm.DB) error {
		token, err := a.openSession(tx, user.ID)
		if err != nil {
			return err
		}
		now := a.now()
		if err := tx.Model(&user).Update("last_login_at", now).Error; err != nil {
			return err
		}
		user.LastLoginAt = &now
		if err := tx.Model(&attempt).Update("success", true).Error; err != nil {
			return err
		}
		res = LoginResult{Token: token, User: user}
		return record(tx, actorOf(user, client), "login.succeeded", "user", user.ID, nil, nil)
	})
	return res, err
}

// reserveAttempt records a login attempt as failed before the password
// is checked, then counts; see reserve.
func (a *accounts) reserveAttempt(ctx context.Context, email, key string) (models.LoginAttempt, error) {
	attempt := models.LoginAttempt{Purpose: models.AttemptLogin, Email: email, ClientAddr: key}
	return a.reserve(ctx, attempt, func(own uint) error { return a.checkThrottle(ctx, email, key, own) })
}

// reserve records attempt before check counts, and removes it again when
// check refuses. Because every attempt is committed before it counts, the
// n-th of any number of parallel attempts sees at least n-1 others, so no
// more than the limit ever get through in a window, on any engine. A
// refused attempt is removed, so that hammering on a lock does not
// prolong it.
func (a *accounts) reserve(ctx context.Context, attempt models.LoginAttempt, check func(own uint) error) (models.LoginAttempt, error) {
	attempt.CreatedAt = a.now()
	if err := a.db.WithContext(ctx).Create(&attempt).Error; err != nil {
		return attempt, err
	}
	err := check(attempt.ID)
	if err != nil {
		// Taken back even if the client has left meanwhile: otherwise every
		// refusal of a flood whose connections close would stay behind and
		// count as a failed guess.
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		a.db.WithContext(cleanup).Delete(&attempt)
	}
	return attempt, err
}

// throttleKey is the client address as throttling counts it: an IPv6
// client owns its whole /64, so the prefix counts, not the address.
func throttleKey(addr string) string {
	ip := net.ParseIP(addr)
	if ip == nil || ip.To4() != nil {
		return truncate(addr, 64)
	}
	return (&net.IPNet{IP: ip.Mask(net.CIDRMask(64, 128)), Mask: net.CIDRMask(64, 128)}).String()
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// checkPassword finds the active user with email and checks password,
// taking as long for unknown addresses as for known ones.
func (a *accounts) checkPassword(ctx context.Context, email, password string) (models.User, bool, error) {
	var user models.User
	err := a.db.WithContext(ctx).Where("email = ?", email).Take(&user).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return user, false, err
	}
	hash := user.PasswordHash
	if hash == "" {
		if hash, err = a.dummyHash(); err != nil {
			return user, false, err
		}
	}
	var match bool
	verr := a.hashing(ctx, func() (err error) {
		match, err = verifyPassword(hash, password)
		return err
	})
	if verr != nil {
		return user, false, fmt.Errorf("user %d: %w", user.ID, verr)
	}
	ok := err == nil && user.PasswordHash != "" && user.Status == models.UserActive && match
	return user, ok, nil
}

// hashPassword hashes a new password in one of the hashing slots.
func (a *accounts) hashPassword(ctx context.Context, password string) (hash string, err error) {
	err = a.hashing(ctx, func() error {
		hash, err = hashPassword(password)
		return err
	})
	return hash, err
}

// hashing runs f, which hashes a password, once one of the few hashing
// slots is free: each hash takes 19 MiB, so a flood of logins must queue
// rather than exhaust memory. Nobody may wait here inside a transaction:
// a waiting request would hold a database connection, and a flood of them
// would starve every other request of connections.
func (a *accounts) hashing(ctx context.Context, f func() error) error {
	select {
	case a.hashSlots <- struct{}{}:
	default:
		if a.queued != nil {
			a.queued()
		}
		select {
		case a.hashSlots <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	defer func() { <-a.hashSlots }()
	return f()
}

func (a *accounts) recordFailure(ctx context.Context, email string, client Actor) error {
	tried := email
	if _, ok := normalizeEmail(email); !ok {
		// People type their password into the e-mail field; staff read
		// the audit log.
		tried = "(not an e-mail address)"
	}
	err := inTransaction(ctx, a.db, func(tx *gorm.DB) error {
		return record(tx, client, "login.failed", "login", "", nil, map[string]string{"email": tried})
	})
	if err != nil {
		return err
	}
	return ErrInvalidCredentials
}

// checkThrottle refuses when too many other logins failed within the
// window: MaxFailures for this account from this client address (its /64
// for IPv6), MaxAccountFailures for this account from anywhere, both since
// the account's last success, or MaxAddressFailures from this address for
// any account. Known and unknown e-mails count alike. own is the attempt
// being checked.
func (a *accounts) checkThrottle(ctx context.Context, email, key string, own uint) error {
	since := a.now().Add(-a.cfg.FailureWindow)
	db := a.db.WithContext(ctx)
	var lastSuccess models.LoginAttempt
	err := db.Where("purpose = ? AND email = ? AND success = ? AND created_at > ?", models.AttemptLogin, email, true, since).
		Order("created_at DESC").Limit(1).Find(&lastSuccess).Error
	if err != nil {
		return err
	}
	// Failures count after the last success by order of recording, not by
	// time: a clock may give both the same instant.
	failed := func() *gorm.DB {
		return db.Where("purpose = ? AND success = ? AND id <> ?", models.AttemptLogin, false, own)
	}
	for _, c := range []struct {
		q     *gorm.DB
		limit int
	}{
		{failed().Where("email = ? AND client_addr = ? AND created_at > ? AND id > ?", email, key, since, lastSuccess.ID), a.cfg.MaxFailures},
		{failed().Where("email = ? AND created_at > ? AND id > ?", email, since, lastSuccess.ID), a.accountLimit()},
		{failed().Where("client_addr = ? AND created_at > ?", key, since), a.addressLimit()},
	} {
		if err := a.overLimit(c.q, c.limit); err != nil {
			return err
		}
	}
	return nil
}

// accountLimit and addressLimit are the higher limits, five and ten times
// MaxFailures where not configured.
func (a *accounts) accountLimit() int {
	if a.cfg.MaxAccountFailures > 0 {
		return a.cfg.MaxAccountFailures
	}
	return 5 * a.cfg.MaxFailures
}

func (a *accounts) addressLimit() int {
	if a.cfg.MaxAddressFailures > 0 {
		return a.cfg.MaxAddressFailures
	}
	return 10 * a.cfg.MaxFailures
}

// overLimit refuses when q finds limit or more attempts, until the oldest
// of the limit newest has left the window.
func (a *accounts) overLimit(q *gorm.DB, limit int) error {
	var times []time.Time
	err := q.Model(&models.LoginAttempt{}).Order("created_at DESC").Limit(limit).Pluck("created_at", &times).Error
	if err != nil {
		return err
	}
	if len(times) < limit {
		return nil
	}
	wait := times[len(times)-1].Add(a.cfg.FailureWindow).Sub(a.now())
	return &ThrottledError{RetryAfter: max(wait, time.Second)}
}

// openSession stores a new session for userID and returns its token.
func (a *accounts) openSession(tx *gorm.DB, userID uint) (string, error) {
	token, hash := newToken()
	now := a.now()
	s := models.Session{TokenHash: hash, UserID: userID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(a.cfg.Lifetime)}
	if err := tx.Create(&s).Error; err != nil {
		return "", fmt.Errorf("open session: %w", err)
	}
	return token, nil
}

// Authenticate finds the user behind a session token. A session that is
// idle too long, past its lifetime or whose user is disabled is ended.
func (a *Sessions) Authenticate(ctx context.Context, token string, client Actor) (Actor, error) {
	if token == "" {
		return client, ErrUnauthorized
	}
	hash := hashToken(token)
	su, err := a.sessionOf(ctx, hash)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return client, ErrUnauthorized
	}
	if err != nil {
		return client, err
	}
	now := a.now()
	if !now.Before(su.ExpiresAt) || !now.Before(su.LastSeenAt.Add(a.cfg.IdleTimeout)) || su.Status != models.UserActive {
		a.endStale(ctx, su.SessionID)
		return client, ErrUnauthorized
	}
	// Writing on every request would make each page view a write, so
	// last-seen is refreshed only when it is somewhat old; see refreshAfter.
	if now.Sub(su.LastSeenAt) >= a.refreshAfter() {
		if err := a.touch(ctx, hash, &models.Session{}, su.SessionID, "last_seen_at", now); err != nil {
			return client, err
		}
	}
	actor := actorOf(su.User, client)
	actor.SessionID = su.SessionID
	return actor, nil
}

// sessionOf reads the session with the token hash and its user together,
// in one query, or takes them from the cache.
func (a *accounts) sessionOf(ctx context.Context, hash string) (sessionUser, error) {
	if e, ok := a.cache.get(hash, a.now(), a.cfg.AuthCacheTTL); ok && e.session.SessionID != 0 {
		return e.session, nil
	}
	gen := a.cache.generation()
	var su sessionUser
	err := a.db.WithContext(ctx).Table("sessions").
		Select("sessions.id AS session_id, sessions.last_seen_at, sessions.expires_at, users.*").
		Joins("JOIN users ON users.id = sessions.user_id").
		Where("sessions.token_hash = ?", hash).Take(&su).Error
	if err == nil && a.cfg.AuthCacheTTL > 0 {
		a.cache.put(hash, authEntry{gen: gen, at: a.now(), session: su})
	}
	return su, err
}

// touchWait bounds how long a request waits to note that its session or
// token was used. The note matters less than the request: on SQLite it
// needs the one writer, which a long import holds for seconds, and every
// request that found the note due would queue behind it.
const touchWait = 100 * time.Millisecond

// touch writes now into column of the session or token row id. The cache
// learns it first, so that the requests that follow do not try too; when
// the database is too busy to take it within touchWait, a later request
// notes the use instead.
func (a *accounts) touch(ctx context.Context, hash string, model any, id uint, column string, now time.Time) error {
	a.cache.seen(hash, now)
	wait, cancel := context.WithTimeout(quietly(ctx), touchWait)
	defer cancel()
	err := a.db.WithContext(wait).Model(model).Where("id = ?", id).Update(column, now).Error
	if err != nil && errors.Is(wait.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
		return nil
	}
	return err
}

// endStale deletes a session that has run out, waiting for the database
// no longer than touchWait: the answer is no either way, and the hourly
// pruning (Prune) removes what is left behind when it is too busy. On
// PostgreSQL a delete given up on costs its pool connection, which pgx
// closes, as a given-up touch does; that takes a lock held on the
// sessions, which only a long write holds.
func (a *accounts) endStale(ctx context.Context, id uint) {
	wait, cancel := context.WithTimeout(ctx, touchWait)
	defer cancel()
	a.db.WithContext(wait).Delete(&models.Session{}, id)
}

// refreshAfter is how old a session's last-seen may grow before a request
// refreshes it: a tenth of the idle timeout, and at most a minute. A fixed
// interval would end busy sessions whenever the idle timeout is not much
// longer than it; a tenth costs an idle timeout at most a tenth of itself.
func (a *accounts) refreshAfter() time.Duration {
	return min(a.cfg.IdleTimeout/10, time.Minute)
}

// sessionUser is a session row read together with its user.
type sessionUser struct {
	SessionID   uint
	LastSeenAt  time.Time
	ExpiresAt   time.Time
	models.User `gorm:"embedded"`
}

// tokenUser is an API token row read together with its user.
type tokenUser struct {
	TokenID     uint
	ExpiresAt   time.Time
	RevokedAt   *time.Time
	LastUsedAt  *time.Time
	models.User `gorm:"embedded"`
}

// Logout ends the session with token; an unknown token is no error.
func (a *Sessions) Logout(ctx context.Context, token string, actor Actor) error {
	return inTransaction(ctx, a.db, func(tx *gorm.DB) error {
		res := tx.Where("token_hash = ?", hashToken(token)).Delete(&models.Session{})
		if res.Error != nil || res.RowsAffected == 0 || actor.IsAnonymous() {
			return res.Error
		}
		return record(tx, actor, "logout", "user", actor.UserID, nil, nil)
	})
}

// endSessions ends every session of userID, inside the caller's transaction.
func endSessions(tx *gorm.DB, userID uint) error {
	return tx.Where("user_id = ?", userID).Delete(&models.Session{}).Error
}

// endLinks ends every open one-time password link of userID, inside the
// caller's transaction: a link issued before the password, the status or
// the role changed must not outlive the change.
func (a *accounts) endLinks(tx *gorm.DB, userID uint) error {
	now := a.now()
	return tx.Model(&models.UserToken{}).Where("user_id = ? AND used_at IS NULL AND expires_at > ?", userID, now).
		Update("expires_at", now).Error
}

func actorOf(u models.User, client Actor) Actor {
	return Actor{UserID: u.ID, Email: u.Email, DisplayName: u.DisplayName, Role: u.Role, ClientAddr: client.ClientAddr, RequestID: client.RequestID,
		MustChangePassword: u.MustChangePassword}
}

// Prune deletes what no longer counts: ended sessions, login attempts past
// the throttling window and one-time links expired a week ago. Every
// instance may run it; deleting twice is harmless.
func (a *Sessions) Prune(ctx context.Context) (int64, error) {
	now := a.now()
	db := a.db.WithContext(ctx)
	var total int64
	for _, q := range []*gorm.DB{
		db.Where("expires_at <= ? OR last_seen_at <= ?", now, now.Add(-a.cfg.IdleTimeout)).Delete(&models.Session{}),
		db.Where("created_at < ?", now.Add(-24*time.Hour-a.cfg.FailureWindow)).Delete(&models.LoginAttempt{}),
		db.Where("expires_at < ?", now.Add(-7*24*time.Hour)).Delete(&models.UserToken{}),
	} {
		if q.Error != nil {
			return total, q.Error
		}
		total += q.RowsAffected
	}
	return total, nil
}

// AuthenticateAPIToken finds the user behind a bearer token. Revoked,
// expired and malformed tokens, and those of disabled users, are refused.
func (a *Sessions) AuthenticateAPIToken(ctx context.Context, token string, client Actor) (Actor, error) {
	if !strings.HasPrefix(token, apiTokenPrefix) {
		return client, ErrUnauthorized
	}
	hash := hashToken(token)
	tu, err := a.tokenOf(ctx, hash)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return client, ErrUnauthorized
	}
	if err != nil {
		return client, err
	}
	now, user := a.now(), tu.User
	if tu.RevokedAt != nil || !now.Before(tu.ExpiresAt) || user.Status != models.UserActive || !(user.Role == models.RoleAdmin || user.Role == models.RoleStaff) {
		return client, ErrUnauthorized
	}
	if tu.LastUsedAt == nil || now.Sub(*tu.LastUsedAt) > time.Minute {
		if err := a.touch(ctx, hash, &models.APIToken{}, tu.TokenID, "last_used_at", now); err != nil {
			return client, err
		}
	}
	actor := actorOf(user, client)
	actor.APITokenID = tu.TokenID
	return actor, nil
}

// tokenOf reads the API token with the hash and its user together, in one
// query, or takes them from the cache.
func (a *accounts) tokenOf(ctx context.Context, hash string) (tokenUser, error) {
	if e, ok := a.cache.get(hash, a.now(), a.cfg.AuthCacheTTL); ok && e.token.TokenID != 0 {
		return e.token, nil
	}
	gen := a.cache.generation()
	var tu tokenUser
	err := a.db.WithContext(ctx).Table("api_tokens").
		Select("api_tokens.id AS token_id, api_tokens.expires_at, api_tokens.revoked_at, api_tokens.last_used_at, users.*").
		Joins("JOIN users ON users.id = api_tokens.user_id").
		Where("api_tokens.token_hash = ?", hash).Take(&tu).Error
	if err == nil && a.cfg.AuthCacheTTL > 0 {
		a.cache.put(hash, authEntry{gen: gen, at: a.now(), token: tu})
	}
	return tu, err
}
