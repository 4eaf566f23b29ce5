package services_test

import (
	"context"
	"testing"
	"time"

	"kohorte/models"
	"kohorte/services"
)

// Reads go on while a write transaction is open, as during a long import:
// on SQLite too, where one connection writes and others read. They see
// what was committed before the write began, not what it has written yet.
func TestReadsDoNotWaitForAnOpenWrite(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 16)
	ctx := context.Background()
	c.person(t, 1, "NI")

	write := c.db.Begin()
	if write.Error != nil {
		t.Fatal(write.Error)
	}
	defer write.Rollback()
	pending := models.Participant{FirstName: "Ida", LastName: "Ilić", Email: "ida@example.org"}
	if err := write.Create(&pending).Error; err != nil {
		t.Fatal(err)
	}

	type read struct {
		people int64
		err    error
	}
	done := make(chan read, 1)
	go func() {
		var r read
		_, r.people, r.err = c.svc.Participants.ListParticipants(ctx, c.admin, services.ParticipantFilter{})
		if r.err == nil {
			_, r.err = c.svc.Cohorts.Overview(ctx, c.admin, c.cohort.ID, services.EnrollmentFilter{})
		}
		done <- r
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatal(r.err)
		}
		if r.people != 1 {
			t.Errorf("the list counts %d people during the write, want the 1 committed before it", r.people)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the reads waited for the open write transaction")
	}
}
