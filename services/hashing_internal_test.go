package services

import (
	"context"
	"errors"
	"testing"

	"kohorte/models"
	"kohorte/models/dbtest"
)

// TestNoConnectionWaitsForAHashingSlot pins that password work queues for
// a hashing slot without holding a database connection: with every slot
// taken, each wait must find no connection in use.
func TestNoConnectionWaitsForAHashingSlot(t *testing.T) {
	db := dbtest.Open(t)
	svc, err := New(db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const password = "Kohorte-Admin-2026!"
	if _, err := svc.Users.EnsureAdmin(ctx, "admin@example.org", password); err != nil {
		t.Fatal(err)
	}
	client := Actor{ClientAddr: "198.51.100.1"}
	login, err := svc.Sessions.Login(ctx, "admin@example.org", password, client)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := svc.Sessions.Authenticate(ctx, login.Token, client)
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	acc := svc.Sessions.accounts
	var held []int
	acc.queued = func() {
		held = append(held, sqlDB.Stats().InUse)
		<-acc.hashSlots // free one slot, so that the waiting hash goes on
	}
	steps := []struct {
		name string
		run  func() error
	}{
		{"change password", func() error {
			_, err := svc.Passwords.ChangePassword(ctx, admin, password, "Neues-Kennwort-77")
			return err
		}},
		{"set password by link", func() error {
			link, err := svc.Passwords.ResetLink(ctx, admin, admin.UserID)
			if err != nil {
				return err
			}
			_, err = svc.Passwords.SetPasswordWithToken(ctx, link.Token, "Drittes-Kennwort-3", client)
			return err
		}},
		{"login", func() error {
			_, err := svc.Sessions.Login(ctx, "admin@example.org", "Drittes-Kennwort-3", client)
			return err
		}},
	}
	for _, step := range steps {
		for len(acc.hashSlots) < cap(acc.hashSlots) {
			acc.hashSlots <- struct{}{}
		}
		before := len(held)
		if err := step.run(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if len(held) == before {
			t.Fatalf("%s: never waited for a hashing slot", step.name)
		}
		for _, n := range held[before:] {
			if n != 0 {
				t.Errorf("%s: %d database connections held while waiting for a hashing slot", step.name, n)
			}
		}
	}
}

// TestARefusedAttemptIsNotCountedWhenTheClientLeaves pins that a
// reservation refused by the throttle is taken back even when the client
// has gone meanwhile: a flood whose connections close must not leave
// refusals behind that count as failed guesses.
func TestARefusedAttemptIsNotCountedWhenTheClientLeaves(t *testing.T) {
	db := dbtest.Open(t)
	svc, err := New(db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	attempt := models.LoginAttempt{Email: "zoe@example.org", ClientAddr: "198.51.100.1", Purpose: models.AttemptLogin}
	_, err = svc.Sessions.accounts.reserve(ctx, attempt, func(uint) error {
		cancel() // the client closes its connection while the limit is checked
		return ErrTooManyTries
	})
	if !errors.Is(err, ErrTooManyTries) {
		t.Fatalf("reserve: %v, want ErrTooManyTries", err)
	}
	var n int64
	if err := db.Model(&models.LoginAttempt{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d attempts recorded after a refusal whose client left, want 0", n)
	}
}
