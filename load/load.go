// Package load measures Kohorte from outside: named journeys, each a
// request sent again and again to a running server on loopback, at a fixed
// rate or at saturation, bounded in requests and time. A bare Gin + GORM
// server with one point lookup runs in the same harness, so that every
// figure can be given as a ratio to it, measured in one run.
package load

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Journey is one named request, sent as its own load.
type Journey struct {
	Name string
	// Target is the request; its URL is absolute.
	Target vegeta.Target
	// More are further requests sent in turn with Target, as when 30
	// jurors each save their own sheet.
	More []vegeta.Target
	// During, when set, is a write that the load runs beside: it starts
	// with the load, and the load stops when it ends.
	During func(context.Context) error
	// OptIn journeys change the data set, and run only when named.
	OptIn bool
}

// targets are the journey's requests, Target first.
func (j Journey) targets() []vegeta.Target { return append([]vegeta.Target{j.Target}, j.More...) }

// Settings bound one load.
type Settings struct {
	// Rate is requests per second; 0 sends as fast as Connections allow.
	Rate        int
	Connections int
	Duration    time.Duration
	// MaxRequests stops a load early; 0 sends for the whole Duration.
	MaxRequests uint64
}

// Result is what one journey measured.
type Result struct {
	Name       string
	Requests   uint64
	Throughput float64 // successful requests per second
	P50        time.Duration
	P95        time.Duration
	P99        time.Duration
	Success    float64 // share of answers 2xx or 3xx
	// Codes counts answers by status; 0 means no answer.
	Codes map[string]int
	// Errors are the distinct transport errors and unexpected statuses.
	Errors []string
	// During is how long the journey's write beside the load took.
	During time.Duration
}

// Run sends one journey's load and measures it. It refuses any target
// that is not on a loopback address: the harness never loads another host.
func Run(ctx context.Context, j Journey, s Settings) (Result, error) {
	for _, t := range j.targets() {
		if err := loopbackOnly(t.URL); err != nil {
			return Result{}, fmt.Errorf("%s: %w", j.Name, err)
		}
	}
	if s.Duration <= 0 {
		return Result{}, fmt.Errorf("%s: a load needs a duration, so that it stops by itself", j.Name)
	}
	conns := max(s.Connections, 1)
	attacker := vegeta.NewAttacker(
		vegeta.Connections(conns), vegeta.MaxConnections(conns),
		vegeta.Workers(uint64(conns)), vegeta.MaxWorkers(uint64(conns)),
		vegeta.KeepAlive(true), vegeta.Redirects(vegeta.NoFollow), vegeta.Timeout(30*time.Second))
	targeter := vegeta.NewStaticTargeter(j.targets()...)
	if s.MaxRequests > 0 {
		targeter = atMost(targeter, s.MaxRequests)
	}
	var m vegeta.Metrics
	results := attacker.Attack(targeter, vegeta.Rate{Freq: s.Rate, Per: time.Second}, s.Duration, j.Name)
	during := runBeside(ctx, j.During, attacker)
	for res := range results {
		if res.Error == vegeta.ErrNoTargets.Error() {
			continue // the end of atMost's targets, not an answer
		}
		m.Add(res)
		if ctx.Err() != nil {
			attacker.Stop()
		}
	}
	m.Close()
	r := resultOf(j.Name, &m)
	if during != nil {
		d := <-during
		if d.err != nil {
			return r, fmt.Errorf("%s: %w", j.Name, d.err)
		}
		r.During = d.took
	}
	return r, ctx.Err()
}

type besideResult struct {
	took time.Duration
	err  error
}

// runBeside starts write, if any, and stops the attack when it ends.
func runBeside(ctx context.Context, write func(context.Context) error, attacker *vegeta.Attacker) <-chan besideResult {
	if write == nil {
		return nil
	}
	done := make(chan besideResult, 1)
	go func() {
		start := time.Now()
		err := write(ctx)
		done <- besideResult{took: time.Since(start), err: err}
		attacker.Stop()
	}()
	return done
}

// atMost hands out n targets and then none, which ends the attack: counting
// answers instead would let the requests already in flight run over.
func atMost(t vegeta.Targeter, n uint64) vegeta.Targeter {
	var handed atomic.Uint64
	return func(tgt *vegeta.Target) error {
		if handed.Add(1) > n {
			return vegeta.ErrNoTargets
		}
		return t(tgt)
	}
}

func resultOf(name string, m *vegeta.Metrics) Result {
	return Result{Name: name, Requests: m.Requests, Throughput: m.Throughput,
		P50: m.Latencies.P50, P95: m.Latencies.P95, P99: m.Latencies.P99,
		Success: m.Success, Codes: m.StatusCodes, Errors: m.Errors}
}

// loopbackOnly refuses a URL whose host is not this machine.
func loopbackOnly(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	switch h := u.Hostname(); h {
	case "127.0.0.1", "::1", "localhost":
		return nil
	default:
		return fmt.Errorf("%s is not a loopback address; the harness loads only this machine", h)
	}
}

// Pick keeps the journeys whose names contain one of the comma-separated
// parts of only, or all but the opt-in ones when only is empty. A part
// that an ordinary journey's name contains never picks an opt-in one:
// each run of those changes the data set, so "first page" must not also
// import 10,000 people.
func Pick(journeys []Journey, only string) []Journey {
	var parts []string
	for p := range strings.SplitSeq(only, ",") {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	ordinary := func(p string) bool {
		return slices.ContainsFunc(journeys, func(j Journey) bool { return !j.OptIn && strings.Contains(j.Name, p) })
	}
	picked := func(j Journey) bool {
		if len(parts) == 0 {
			return !j.OptIn
		}
		return slices.ContainsFunc(parts, func(p string) bool {
			return strings.Contains(j.Name, p) && (!j.OptIn || !ordinary(p))
		})
	}
	var out []Journey
	for _, j := range journeys {
		if picked(j) {
			out = append(out, j)
		}
	}
	return out
}

// Get is a GET journey with the given headers.
func Get(name, rawURL string, header http.Header) Journey {
	return Journey{Name: name, Target: vegeta.Target{Method: http.MethodGet, URL: rawURL, Header: header}}
}

// Table writes results as a Markdown table, with each throughput also as a
// ratio to the journey named base.
func Table(results []Result, base string) string {
	var ref float64
	if i := slices.IndexFunc(results, func(r Result) bool { return r.Name == base }); i >= 0 {
		ref = results[i].Throughput
	}
	var b strings.Builder
	b.WriteString("| journey | requests | req/s | × bare | p50 | p95 | p99 | ok |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range results {
		ratio := "–"
		if ref > 0 {
			ratio = fmt.Sprintf("%.2f×", r.Throughput/ref)
		}
		fmt.Fprintf(&b, "| %s | %d | %.0f | %s | %s | %s | %s | %.1f %% |\n", r.Name, r.Requests, r.Throughput, ratio,
			ms(r.P50), ms(r.P95), ms(r.P99), 100*r.Success)
	}
	return b.String()
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}
