package services

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"gorm.io/gorm"

	"kohorte/models"
	"kohorte/models/dbtest"
)

// TestWorkAfterCommitRunsOnlyOnceCommitted pins afterCommit on both
// engines: work runs after the outermost commit, sees what the transaction
// wrote, keeps its order, and is dropped with a rollback, also with the
// rollback of a nested transaction alone.
func TestWorkAfterCommitRunsOnlyOnceCommitted(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t)
	ctx := context.Background()
	var ran []string
	seen := func(key string) func() {
		return func() {
			var n int64
			if err := db.Model(&models.Setting{}).Where("key = ?", key).Count(&n).Error; err != nil || n != 1 {
				t.Errorf("work after %s ran before its row was visible: %d, %v", key, n, err)
			}
			ran = append(ran, key)
		}
	}
	setting := func(key string) models.Setting {
		return models.Setting{Key: key, Value: "x", UpdatedAt: time.Now().UTC()}
	}
	err := inTransaction(ctx, db, func(tx *gorm.DB) error {
		s := setting("a")
		if err := tx.Create(&s).Error; err != nil {
			return err
		}
		afterCommit(tx, seen("a"))
		if len(ran) != 0 {
			t.Error("work ran inside the transaction")
		}
		inner := inTransaction(ctx, tx, func(tx *gorm.DB) error {
			s := setting("b")
			if err := tx.Create(&s).Error; err != nil {
				return err
			}
			afterCommit(tx, seen("b"))
			return nil
		})
		if inner != nil || len(ran) != 0 {
			t.Errorf("nested commit: %v, ran %v before the outer commit", inner, ran)
		}
		rolledBack := inTransaction(ctx, tx, func(tx *gorm.DB) error {
			afterCommit(tx, func() { ran = append(ran, "dropped") })
			return errors.New("roll back the savepoint")
		})
		if rolledBack == nil {
			t.Error("the nested transaction did not fail")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "b"}; !slices.Equal(ran, want) {
		t.Fatalf("ran %v, want %v", ran, want)
	}
	ran = nil
	err = inTransaction(ctx, db, func(tx *gorm.DB) error {
		afterCommit(tx, func() { ran = append(ran, "rolled back") })
		return errors.New("roll back")
	})
	if err == nil || len(ran) != 0 {
		t.Fatalf("after a rollback: %v, ran %v", err, ran)
	}
}

// A transaction on the root handle is never nested, even when its context
// comes from inside another: its work runs after its own commit.
func TestWorkAfterCommitOfARootTransactionRunsAtItsCommit(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t)
	ctx := context.WithValue(context.Background(), hooksKey{}, &commitHooks{})
	ran := false
	err := inTransaction(ctx, db, func(tx *gorm.DB) error {
		afterCommit(tx, func() { ran = true })
		return nil
	})
	if err != nil || !ran {
		t.Fatalf("root transaction: %v, work ran: %v", err, ran)
	}
}
