package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"testing"

	"kohorte/models"
	"kohorte/services"
)

// BenchmarkGridResponse splits the attendance grid's API answer for the
// running 500-person cohort of a generated region (see PERFORMANCE.md) into
// its read and its encoding; skipped without KOHORTE_SCALE_DATABASE_URL or
// KOHORTE_SCALE_DATA_DIR.
func BenchmarkGridResponse(b *testing.B) {
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
	var mid models.Cohort
	if err := db.Where("name LIKE ?", "Laufend%").Order("id").Take(&mid).Error; err != nil {
		b.Fatal(err)
	}
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
