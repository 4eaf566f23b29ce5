package frontend

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
)

// BenchmarkAttendancePage renders the attendance grid page of the running
// 500-person cohort of a generated region (see PERFORMANCE.md): the read
// and the page together; skipped without KOHORTE_SCALE_DATABASE_URL or
// KOHORTE_SCALE_DATA_DIR.
func BenchmarkAttendancePage(b *testing.B) {
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
	ui, err := New(Options{Services: svc, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	var mid models.Cohort
	if err := db.Where("name LIKE ?", "Laufend%").Order("id").Take(&mid).Error; err != nil {
		b.Fatal(err)
	}
	id := strconv.FormatUint(uint64(mid.ID), 10)
	var size int
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(rec)
		c.Request = httptest.NewRequest(http.MethodGet, "/kohorten/"+id+"/anwesenheit", nil)
		c.Params = gin.Params{{Key: "id", Value: id}}
		access.SetActor(c, services.Actor{UserID: 1, Role: models.RoleAdmin})
		ui.attendancePage(c)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
		size = rec.Body.Len()
	}
	b.ReportMetric(float64(size), "bytes/page")
}
