package services_test

import (
	"context"
	"testing"

	"kohorte/models"
	"kohorte/models/dbtest"
	"kohorte/services"
)

// BenchmarkGridAtScale reads the attendance grid of the running 500-person
// cohort of a region generated with `kohorte demo --scale 40000`; without
// one it is skipped (see dbtest.OpenScale).
//
//	KOHORTE_SCALE_DATABASE_URL=postgres://… go test -run X -bench GridAtScale ./services
func BenchmarkGridAtScale(b *testing.B) {
	db := dbtest.OpenScale(b)
	svc, err := services.New(db, services.Options{})
	if err != nil {
		b.Fatal(err)
	}
	admin := services.Actor{UserID: 1, Role: models.RoleAdmin}
	mid := dbtest.MidCohort(b, db)
	b.ReportAllocs()
	for b.Loop() {
		g, err := svc.Attendance.Grid(context.Background(), admin, mid.ID)
		if err != nil {
			b.Fatal(err)
		}
		if len(g.Rows) == 0 {
			b.Fatal("no rows")
		}
	}
}
