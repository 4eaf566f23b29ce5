package services

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"kohorte/models"
)

// authCache keeps, for a moment, whom a session or an API token belongs
// to, so that a burst of requests with one cookie or token costs one query
// instead of one each: with it, authentication takes no round trip to the
// database on most requests, and the cheapest read one instead of two.
//
// Nothing it keeps outlives a change made through this process: any write
// to users, sessions or api_tokens empties it at once, and again when the
// write's transaction commits, so that a read made in between cannot bring
// the old row back. A change made by another process (a second instance,
// `kohorte admin`) is seen on PostgreSQL as soon as the database announces
// it (Services.WatchAuthChanges), and in any case once the entry is older
// than the time to live, a second by default (AccountsConfig.AuthCacheTTL):
// on SQLite, and while the announcements do not come through. The checks
// of expiry, idle time and status run on every request, cached or not.
type authCache struct {
	mu sync.Mutex
	// gen counts the flushes: an entry read before a flush is not stored.
	gen     uint64
	entries map[string]authEntry
}

// authEntry is a session or a token row with its user, as read at at.
type authEntry struct {
	gen     uint64
	at      time.Time
	session sessionUser
	token   tokenUser
}

// authCacheMax bounds the entries; a full cache starts again empty, which
// costs one query per session or token that is in use.
const authCacheMax = 10_000

func (c *authCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// get returns the entry for hash if it is younger than ttl at now.
func (c *authCache) get(hash string, now time.Time, ttl time.Duration) (authEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if !ok || e.gen != c.gen {
		return authEntry{}, false
	}
	age := now.Sub(e.at)
	return e, age >= 0 && age < ttl
}

// put stores e unless the cache was flushed since e's generation was
// taken, that is while its row was being read.
func (c *authCache) put(hash string, e authEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.gen != c.gen {
		return
	}
	if c.entries == nil || len(c.entries) >= authCacheMax {
		c.entries = make(map[string]authEntry)
	}
	c.entries[hash] = e
}

// seen notes that a session's last-seen time was written as at, which
// changes nobody's rights and so flushes nothing.
func (c *authCache) seen(hash string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if !ok || e.gen != c.gen {
		return
	}
	if e.session.SessionID != 0 {
		e.session.LastSeenAt = at
	} else {
		e.token.LastUsedAt = &at
	}
	c.entries[hash] = e
}

func (c *authCache) flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.entries = nil
}

var authCaches = struct {
	sync.Mutex
	byDB map[any]*authCache
}{byDB: map[any]*authCache{}}

// authCacheOf returns the one cache of the database behind db, and makes
// it with its watch on writes the first time. Every handle GORM derives
// from one opened database shares its callbacks, so that is the key: two
// sets of services on one database share the cache, as they share what it
// reflects.
func authCacheOf(db *gorm.DB) (*authCache, error) {
	authCaches.Lock()
	defer authCaches.Unlock()
	key := db.Callback()
	if c, ok := authCaches.byDB[key]; ok {
		return c, nil
	}
	c := &authCache{}
	if err := c.watch(db); err != nil {
		return nil, err
	}
	authCaches.byDB[key] = c
	return c, nil
}

// authTables are the tables whose rows the cache holds.
var authTables = []string{"users", "sessions", "api_tokens"}

// watch flushes the cache after every statement that changes an account,
// a session or a token, and once more after its transaction commits.
func (c *authCache) watch(db *gorm.DB) error {
	after := func(tx *gorm.DB) {
		if tx.Error != nil || !changesAuth(tx.Statement) {
			return
		}
		c.flush()
		if ctx := tx.Statement.Context; ctx != nil {
			if hooks := hooksOf(ctx); hooks != nil {
				hooks.fns = append(hooks.fns, c.flush)
			}
		}
	}
	cb := db.Callback()
	if err := cb.Update().After("gorm:update").Register("kohorte:auth_cache", after); err != nil {
		return err
	}
	if err := cb.Delete().After("gorm:delete").Register("kohorte:auth_cache", after); err != nil {
		return err
	}
	return cb.Raw().After("gorm:raw").Register("kohorte:auth_cache", after)
}

type quietAuthWrite struct{}

// quietly marks writes that change no one's rights, such as a session's
// last-seen time, so that they leave the cache as it is.
func quietly(ctx context.Context) context.Context {
	return context.WithValue(ctx, quietAuthWrite{}, true)
}

func changesAuth(st *gorm.Statement) bool {
	if st.Context != nil && st.Context.Value(quietAuthWrite{}) != nil {
		return false
	}
	for _, t := range authTables {
		if st.Table == t {
			return true
		}
	}
	// Raw statements carry no table: any that names one counts.
	if st.Table == "" && st.SQL.Len() > 0 {
		sql := strings.ToLower(st.SQL.String())
		for _, t := range authTables {
			if strings.Contains(sql, t) {
				return true
			}
		}
	}
	return false
}

// WatchAuthChanges empties the authentication cache whenever PostgreSQL
// announces that an account, a session or a token changed, through any
// instance or command, so that a logout or a revocation holds everywhere
// within moments rather than within the cache's time to live. It calls
// listening, when not nil, each time it starts listening; then and after a
// lost connection it empties the cache too, as announcements made in
// between are lost. It returns when ctx ends, and at once on SQLite or
// when the cache is off (AuthCacheTTL 0), as there is nothing to empty.
func (s *Services) WatchAuthChanges(ctx context.Context, log *slog.Logger, listening func()) {
	if s.Sessions.cfg.AuthCacheTTL <= 0 {
		return
	}
	cache := s.Sessions.cache
	models.Listen(ctx, s.db, models.AuthChannel, func() {
		cache.flush()
		if listening != nil {
			listening()
		}
	}, cache.flush, log)
}
