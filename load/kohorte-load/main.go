// Command kohorte-load measures a running Kohorte on this machine: it
// starts the bare reference server on the same database, sends each
// journey's load in turn, and prints a Markdown table with each figure
// also as a ratio to the bare lookup, all from one run. See PERFORMANCE.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"time"

	"kohorte/load"
	"kohorte/models"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "kohorte-load:", err)
		os.Exit(1)
	}
}

type options struct {
	base, email, only, dbURL, dataDir string
	settings                          load.Settings
	rounds                            int
}

func parse(args []string, getenv func(string) string) (options, error) {
	var o options
	fs := flag.NewFlagSet("kohorte-load", flag.ContinueOnError)
	fs.StringVar(&o.base, "base", "http://127.0.0.1:8080", "the running Kohorte to measure (loopback only)")
	fs.StringVar(&o.email, "email", "admin@kohorte.local", "staff account to log in with; its password comes from KOHORTE_LOAD_PASSWORD")
	fs.StringVar(&o.dbURL, "database-url", getenv("DATABASE_URL"), "the database Kohorte uses, for the bare server (PostgreSQL URL; empty: SQLite in --data-dir)")
	fs.StringVar(&o.dataDir, "data-dir", "data", "Kohorte's data directory, when it uses SQLite")
	fs.StringVar(&o.only, "only", "", "comma-separated parts of journey names to run (default: all but the import; a part that no other journey's name contains picks it, e.g. --only import)")
	fs.IntVar(&o.settings.Rate, "rate", 0, "requests per second per journey; 0 saturates")
	fs.IntVar(&o.settings.Connections, "connections", 32, "connections per journey")
	fs.DurationVar(&o.settings.Duration, "duration", 10*time.Second, "how long each journey runs per round")
	fs.Uint64Var(&o.settings.MaxRequests, "max-requests", 0, "stop a journey after this many requests (0: only the duration bounds it)")
	fs.IntVar(&o.rounds, "rounds", 3, "rounds of all journeys, interleaved; each figure is the round with the median throughput")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.rounds < 1 || o.settings.Duration <= 0 || o.settings.Duration > 10*time.Minute {
		return o, errors.New("--rounds must be at least 1 and --duration between 0 and 10m")
	}
	return o, nil
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	o, err := parse(args, getenv)
	if err != nil {
		return err
	}
	bare, stopBare, err := startBare(ctx, o)
	if err != nil {
		return err
	}
	defer stopBare()
	site, err := load.Connect(ctx, o.base, o.email, getenv("KOHORTE_LOAD_PASSWORD"))
	if err != nil {
		return err
	}
	journeys := load.Pick(site.Journeys(bare), o.only)
	fmt.Fprintf(stdout, "%d people; big cohort %d with %d; %d connections, %s per journey, %d rounds\n\n",
		site.People, site.BigCohort, site.BigSize, o.settings.Connections, o.settings.Duration, o.rounds)
	results, err := measure(ctx, journeys, o)
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, load.Table(results, "bare lookup"))
	for _, r := range results {
		if r.Success < 1 {
			fmt.Fprintf(stdout, "\n%s: answers %v, errors %v", r.Name, r.Codes, r.Errors)
		}
		if r.During > 0 {
			fmt.Fprintf(stdout, "\n%s: the import took %.0f ms", r.Name, float64(r.During.Microseconds())/1000)
		}
	}
	return nil
}

// measure runs every journey once per round, in turn, so that a change in
// the machine's load falls on all of them alike.
func measure(ctx context.Context, journeys []load.Journey, o options) ([]load.Result, error) {
	rounds := make([][]load.Result, len(journeys))
	for range o.rounds {
		for i, j := range journeys {
			r, err := load.Run(ctx, j, o.settings)
			if err != nil {
				return nil, err
			}
			rounds[i] = append(rounds[i], r)
		}
	}
	out := make([]load.Result, len(journeys))
	for i, rs := range rounds {
		sort.Slice(rs, func(a, b int) bool { return rs[a].Throughput < rs[b].Throughput })
		out[i] = rs[len(rs)/2]
	}
	return out, nil
}

// startBare serves the bare reference on a free loopback port.
func startBare(ctx context.Context, o options) (string, func(), error) {
	db, err := models.Open(ctx, models.DBConfig{URL: o.dbURL, DataDir: o.dataDir, MaxOpenConns: o.settings.Connections,
		MaxIdleConns: o.settings.Connections, ConnMaxLifetime: time.Hour, SlowQuery: time.Hour}, slog.New(slog.DiscardHandler))
	if err != nil {
		return "", nil, fmt.Errorf("bare server: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		models.Close(db)
		return "", nil, err
	}
	srv := &http.Server{Handler: load.Bare(db), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close(); models.Close(db) }, nil
}
