package services_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kohorte/models"
	"kohorte/services/roster"
)

// BenchmarkExport measures exporting a cohort of 10,000 as the download
// does, streamed into a discarding writer, and as it was done before, whole
// into a buffer. Beside time and allocations it reports the heap in use
// above idle: at its peak during an export (sampled every millisecond) and
// after it, once collected. Run it with -benchtime=20x, once per engine.
func BenchmarkExport(b *testing.B) {
	c := newCohortEnv(b, 10000)
	bulkEnroll(b, c, 10000)
	ctx := context.Background()
	for _, xlsx := range []bool{false, true} {
		format := map[bool]string{false: "csv", true: "xlsx"}[xlsx]
		b.Run(format+"/streamed", func(b *testing.B) {
			measureHeap(b, func() error {
				ex, err := c.svc.Enrollments.OpenExport(ctx, c.admin, c.cohort.ID, nil)
				if err != nil {
					return err
				}
				defer ex.Close()
				return roster.WriteFrom(io.Discard, xlsx, roster.German, ex.Cohort.Name, ex.Each)
			})
		})
		b.Run(format+"/buffered", func(b *testing.B) {
			measureHeap(b, func() error {
				cohort, rows, err := c.svc.Enrollments.ExportRows(ctx, c.admin, c.cohort.ID, nil)
				if err != nil {
					return err
				}
				var buf bytes.Buffer
				if xlsx {
					return roster.WriteXLSX(&buf, cohort.Name, rows)
				}
				return roster.WriteCSV(&buf, rows)
			})
		})
	}
}

// measureHeap runs export b.N times and reports the heap in use above idle.
func measureHeap(b *testing.B, export func() error) {
	b.ReportAllocs()
	idle := heapInuse()
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	})
	for b.Loop() {
		if err := export(); err != nil {
			b.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	after := heapInuse()
	b.ReportMetric(mbAbove(peak.Load(), idle), "peak-MB-above-idle")
	b.ReportMetric(mbAbove(after, idle), "after-MB-above-idle")
}

func heapInuse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func mbAbove(v, idle uint64) float64 {
	return (float64(v) - float64(idle)) / (1 << 20)
}

// bulkEnroll enrolls size people into c's cohort, written in bulk.
func bulkEnroll(b *testing.B, c *cohortEnv, size int) {
	people := make([]models.Participant, size)
	for i := range people {
		people[i] = models.Participant{FirstName: "Person", LastName: fmt.Sprintf("Nr. %05d", i), Email: fmt.Sprintf("p%d@example.org", i),
			FederalState: "NI", Organisation: "Beispiel GmbH", SortName: fmt.Sprintf("nr %05d person", i)}
	}
	if err := c.db.CreateInBatches(&people, 200).Error; err != nil {
		b.Fatal(err)
	}
	enrollments := make([]models.Enrollment, size)
	for i, p := range people {
		enrollments[i] = models.Enrollment{CohortID: c.cohort.ID, ParticipantID: p.ID, Status: models.EnrollmentEnrolled, EnrolledAt: models.NewDate(2023, 3, 1)}
	}
	if err := c.db.CreateInBatches(&enrollments, 200).Error; err != nil {
		b.Fatal(err)
	}
}
