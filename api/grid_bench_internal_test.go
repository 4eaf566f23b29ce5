package api

import (
	"context"
	"encoding/json"
	"io"
	"testing"

	"kohorte/models"
	"kohorte/models/dbtest"
	"kohorte/services"
)

// BenchmarkGridResponse splits the attendance grid's API answer for the
// running 500-person cohort of a generated region (see PERFORMANCE.md) into
// its read and its encoding; skipped without one (see dbtest.OpenScale).
func BenchmarkGridResponse(b *testing.B) {
	db := dbtest.OpenScale(b)
	svc, err := services.New(db, services.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	mid := dbtest.MidCohort(b, db)
	admin := services.Actor{UserID: 1, Role: models.RoleAdmin}
	g, err := svc.Attendance.Grid(ctx, admin, mid.ID)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("read", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := svc.Attendance.Grid(ctx, admin, mid.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := json.NewEncoder(io.Discard).Encode(toGridResponse(g)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
