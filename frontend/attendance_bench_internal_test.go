package frontend

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/models/dbtest"
	"kohorte/services"
)

// BenchmarkAttendancePage renders the attendance grid page of the running
// 500-person cohort of a generated region (see PERFORMANCE.md): the read
// and the page together; skipped without one (see dbtest.OpenScale).
func BenchmarkAttendancePage(b *testing.B) {
	db := dbtest.OpenScale(b)
	svc, err := services.New(db, services.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ui, err := New(Options{Services: svc, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	mid := dbtest.MidCohort(b, db)
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
