package load

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

func TestRunLoadsOnlyThisMachineAndStopsByItself(t *testing.T) {
	ctx := context.Background()
	for _, u := range []string{"http://example.org/", "http://10.0.0.1:8080/", "http://[2001:db8::1]/"} {
		if _, err := Run(ctx, Get("remote", u, nil), Settings{Duration: time.Second}); err == nil {
			t.Errorf("Run(%s) loaded another host", u)
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	if _, err := Run(ctx, Get("endless", srv.URL, nil), Settings{}); err == nil {
		t.Error("Run without a duration started a load that would not stop")
	}
	r, err := Run(ctx, Get("ten", srv.URL, nil), Settings{Connections: 2, Duration: time.Minute, MaxRequests: 10})
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests != 10 || r.Success != 1 {
		t.Errorf("ten requests: %d sent, success %.2f", r.Requests, r.Success)
	}
}

func TestTableGivesEachThroughputAsARatioToTheBareLookup(t *testing.T) {
	table := Table([]Result{
		{Name: "bare lookup", Requests: 100, Throughput: 20000, P50: time.Millisecond, Success: 1},
		{Name: "participant by id (token)", Requests: 50, Throughput: 5000, P99: 12500 * time.Microsecond, Success: 0.5},
	}, "bare lookup")
	for _, want := range []string{
		"| bare lookup | 100 | 20000 | 1.00× | 1.0 ms |",
		"| participant by id (token) | 50 | 5000 | 0.25× | 0.0 ms | 0.0 ms | 12.5 ms | 50.0 % |",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
}

// A journey of several requests sends them in turn, as 30 jurors each
// save their own sheet, and refuses to start if any leaves this machine.
func TestRunSendsEveryTargetOfAJourneyInTurn(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.URL.Path]++
		mu.Unlock()
	}))
	defer srv.Close()
	j := Get("three", srv.URL+"/a", nil)
	for _, p := range []string{"/b", "/c"} {
		j.More = append(j.More, vegeta.Target{Method: http.MethodGet, URL: srv.URL + p})
	}
	// Nine requests over three targets: three each.
	if _, err := Run(context.Background(), j, Settings{Connections: 1, Duration: time.Minute, MaxRequests: 9}); err != nil {
		t.Fatal(err)
	}
	if seen["/a"] != 3 || seen["/b"] != 3 || seen["/c"] != 3 {
		t.Errorf("requests per target: %v, want 3 each", seen)
	}
	j.More = append(j.More, vegeta.Target{Method: http.MethodGet, URL: "http://example.org/"})
	if _, err := Run(context.Background(), j, Settings{Duration: time.Second}); err == nil {
		t.Error("a journey with a remote target among its requests was run")
	}
}

// A journey with a write beside it starts the write with the load, stops
// the load when the write ends, and fails when the write fails.
func TestRunStopsTheLoadWhenTheWriteBesideItEnds(t *testing.T) {
	var mu sync.Mutex
	seen := 0
	enough := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if seen++; seen == 5 {
			close(enough)
		}
	}))
	defer srv.Close()
	j := Get("beside", srv.URL, nil)
	j.During = func(context.Context) error {
		<-enough
		return nil
	}
	// Without the write's end the load would run for an hour.
	r, err := Run(context.Background(), j, Settings{Connections: 1, Rate: 200, Duration: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests < 5 || r.During <= 0 {
		t.Errorf("%d requests, the write took %s; want at least 5 and its time", r.Requests, r.During)
	}

	j.During = func(context.Context) error { return errors.New("refused") }
	if _, err := Run(context.Background(), j, Settings{Connections: 1, Rate: 200, Duration: time.Hour}); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("a failed write: %v, want its error", err)
	}
}

func TestPickRunsAJourneyThatChangesDataOnlyWhenNamedByItself(t *testing.T) {
	journeys := []Journey{{Name: "bare lookup"}, {Name: "participants, first page"}, {Name: "participants, last page"},
		{Name: "participants, first page, during a 10000-row import", OptIn: true}}
	for _, tc := range []struct {
		only string
		want []string
	}{
		{"", []string{"bare lookup", "participants, first page", "participants, last page"}},
		{"first page", []string{"participants, first page"}},
		{"participants", []string{"participants, first page", "participants, last page"}},
		{"import", []string{"participants, first page, during a 10000-row import"}},
		{"bare, import", []string{"bare lookup", "participants, first page, during a 10000-row import"}},
		{"during a 10000-row", []string{"participants, first page, during a 10000-row import"}},
	} {
		var got []string
		for _, j := range Pick(journeys, tc.only) {
			got = append(got, j.Name)
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("Pick(%q) = %q, want %q", tc.only, got, tc.want)
		}
	}
}
