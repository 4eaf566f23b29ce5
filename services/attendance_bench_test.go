package services_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"

	"kohorte/models"
	"kohorte/services"
)

// BenchmarkGridAtScale reads the attendance grid of the running 500-person
// cohort of a region generated with `kohorte demo --scale 40000`, given as
// for BenchmarkListsAtScale; without one it is skipped.
//
//	KOHORTE_SCALE_DATABASE_URL=postgres://… go test -run X -bench GridAtScale ./services
func BenchmarkGridAtScale(b *testing.B) {
	cfg := models.DBConfig{URL: os.Getenv("KOHORTE_SCALE_DATABASE_URL"), DataDir: os.Getenv("KOHORTE_SCALE_DATA_DIR")}
	if cfg.URL == "" && cfg.DataDir == "" {
		b.Skip("set KOHORTE_SCALE_DATABASE_URL or KOHORTE_SCALE_DATA_DIR to a region generated with demo --scale")
	}
	ctx := context.Background()
	db, err := models.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { models.Close(db) })
	svc, err := services.New(db, services.Options{})
	if err != nil {
		b.Fatal(err)
	}
	admin := services.Actor{UserID: 1, Role: models.RoleAdmin}
	var mid models.Cohort
	if err := db.Where("name LIKE ?", "Laufend%").Order("id").Take(&mid).Error; err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		g, err := svc.Attendance.Grid(ctx, admin, mid.ID)
		if err != nil {
			b.Fatal(err)
		}
		if len(g.Rows) == 0 {
			b.Fatal("no rows")
		}
	}
}
