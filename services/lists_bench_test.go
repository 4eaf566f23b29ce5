package services_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"kohorte/models"
	"kohorte/models/dbtest"
	"kohorte/services"
)

// BenchmarkListsAtScale reads the lists and the search on a region
// generated with `kohorte demo --scale 40000` (see PERFORMANCE.md), given
// by KOHORTE_SCALE_DATABASE_URL (PostgreSQL) or KOHORTE_SCALE_DATA_DIR
// (SQLite); without either it is skipped. Besides the mean it reports the
// 95th percentile of one call, the figure the targets name.
//
//	KOHORTE_SCALE_DATA_DIR=/tmp/region go test -run X -bench ListsAtScale ./services
func BenchmarkListsAtScale(b *testing.B) {
	db := dbtest.OpenScale(b)
	ctx := context.Background()
	svc, err := services.New(db, services.Options{})
	if err != nil {
		b.Fatal(err)
	}
	admin := services.Actor{UserID: 1, Role: models.RoleAdmin}
	var big models.Cohort
	if err := db.Order("enrolled_count DESC").Take(&big).Error; err != nil {
		b.Fatal(err)
	}
	page := func(n int) services.Page { return services.Page{Number: n, Size: 50} }
	for _, c := range []struct {
		name string
		read func() error
	}{
		// One round trip that does nothing: on a busy machine it shows how
		// much of each figure is waiting for the database to be scheduled.
		{"baseline/select-1", func() error {
			var n int
			return db.Raw("SELECT 1").Scan(&n).Error
		}},
		{"participants/page=1", func() error {
			_, _, err := svc.Participants.ListParticipants(ctx, admin, services.ParticipantFilter{Page: page(1)})
			return err
		}},
		{"participants/page=400", func() error {
			_, _, err := svc.Participants.ListParticipants(ctx, admin, services.ParticipantFilter{Page: page(400)})
			return err
		}},
		{"participants/page=800", func() error {
			_, _, err := svc.Participants.ListParticipants(ctx, admin, services.ParticipantFilter{Page: page(800)})
			return err
		}},
		{"search=Ćosić", func() error {
			_, _, err := svc.Participants.ListParticipants(ctx, admin, services.ParticipantFilter{Search: "Ćosić", Page: page(1)})
			return err
		}},
		{"big-cohort/page=1", func() error {
			_, _, err := svc.Enrollments.ListEnrollments(ctx, admin, big.ID, services.EnrollmentFilter{Page: page(1)})
			return err
		}},
		{"big-cohort/page=100", func() error {
			_, _, err := svc.Enrollments.ListEnrollments(ctx, admin, big.ID, services.EnrollmentFilter{Page: page(100)})
			return err
		}},
		{"big-cohort/page=200", func() error {
			_, _, err := svc.Enrollments.ListEnrollments(ctx, admin, big.ID, services.EnrollmentFilter{Page: page(200)})
			return err
		}},
		{"cohorts/page=1", func() error {
			_, _, err := svc.Cohorts.ListCohortPage(ctx, admin, services.CohortFilter{Page: page(1)})
			return err
		}},
		{"cohorts/page=43", func() error {
			_, _, err := svc.Cohorts.ListCohortPage(ctx, admin, services.CohortFilter{Page: page(43)})
			return err
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				if err := c.read(); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
}
