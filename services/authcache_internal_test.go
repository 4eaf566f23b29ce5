package services

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"kohorte/models"
	"kohorte/models/dbtest"
)

// A row read while a flush happens must not be stored: it may be the row
// the flush was for.
func TestAuthCacheDropsWhatWasReadAcrossAFlush(t *testing.T) {
	var c authCache
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	gen := c.generation()
	c.flush()
	c.put("h", authEntry{gen: gen, at: now, session: sessionUser{SessionID: 1}})
	if _, ok := c.get("h", now, time.Second); ok {
		t.Fatal("an entry read before a flush was kept")
	}
	c.put("h", authEntry{gen: c.generation(), at: now, session: sessionUser{SessionID: 1}})
	if _, ok := c.get("h", now.Add(time.Second-1), time.Second); !ok {
		t.Fatal("a fresh entry was not kept")
	}
	if _, ok := c.get("h", now.Add(time.Second), time.Second); ok {
		t.Fatal("an entry a second old was served with a time to live of a second")
	}
}

// Inside a transaction the flush comes at the statement, before the
// commit: a request between the two still reads the old row and may cache
// it. The flush after the commit removes it.
func TestAuthCacheIsFlushedAgainWhenTheTransactionCommits(t *testing.T) {
	db := dbtest.Open(t)
	c, err := authCacheOf(db)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	u := models.User{Email: "a@example.org", DisplayName: "A", Role: models.RoleStaff, Status: models.UserActive}
	if err := db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	err = inTransaction(context.Background(), db, func(tx *gorm.DB) error {
		if err := tx.Model(&u).Update("status", models.UserDisabled).Error; err != nil {
			return err
		}
		// What a concurrent request would store between statement and commit.
		c.put("h", authEntry{gen: c.generation(), at: now, session: sessionUser{SessionID: 1, User: u}})
		if _, ok := c.get("h", now, time.Second); !ok {
			t.Fatal("the stand-in for a concurrent read was not stored")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.get("h", now, time.Second); ok {
		t.Fatal("an entry stored before the commit survived it")
	}
}
