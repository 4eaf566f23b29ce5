package models_test

import (
	"context"
	"net/url"
	"os"
	"testing"

	"kohorte/models"
	"kohorte/models/dbtest"
)

// BenchmarkPointLookupByExecMode compares how PostgreSQL statements are
// sent: described and planned anew each time, prepared once per connection
// with a custom plan each time, or prepared with PostgreSQL's own choice of
// a generic plan. Run with KOHORTE_TEST_DATABASE_URL set and -count 6,
// and compare with benchstat.
func BenchmarkPointLookupByExecMode(b *testing.B) {
	if os.Getenv(dbtest.EnvURL) == "" {
		b.Skip("PostgreSQL only")
	}
	cfg := dbtest.Config(b)
	setup, err := models.Open(context.Background(), cfg, dbtest.Logger(b))
	if err != nil {
		b.Fatal(err)
	}
	defer models.Close(setup)
	if err := models.Migrate(context.Background(), setup); err != nil {
		b.Fatal(err)
	}
	const people = 40000
	if err := setup.Exec(`INSERT INTO participants (first_name, last_name, email, created_at, updated_at)
		SELECT 'Vorname', 'Name ' || i, 'p' || i || '@example.org', now(), now() FROM generate_series(1, ?) AS i`, people).Error; err != nil {
		b.Fatal(err)
	}
	if err := setup.Exec("ANALYZE participants").Error; err != nil {
		b.Fatal(err)
	}
	for _, mode := range []struct{ name, query string }{
		{"describe", "default_query_exec_mode=cache_describe"},
		{"prepared-custom", "default_query_exec_mode=cache_statement&plan_cache_mode=force_custom_plan"},
		{"prepared-auto", "default_query_exec_mode=cache_statement&plan_cache_mode=auto"},
	} {
		b.Run(mode.name, func(b *testing.B) {
			u, _ := url.Parse(cfg.URL)
			u.RawQuery = mode.query
			c := cfg
			c.URL, c.MaxOpenConns, c.MaxIdleConns = u.String(), 32, 32
			db, err := models.Open(context.Background(), c, dbtest.Logger(b))
			if err != nil {
				b.Fatal(err)
			}
			defer models.Close(db)
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				id := 1
				for pb.Next() {
					var p models.Participant
					if err := db.First(&p, id).Error; err != nil {
						b.Error(err)
						return
					}
					id = id%people + 1
				}
			})
		})
	}
}
