package services

import (
	"context"
	"testing"

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
