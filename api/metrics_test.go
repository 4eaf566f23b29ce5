package api_test

import (
	"net/http"
	"strings"
	"testing"

	"kohorte/api"
)

// With a token, /metrics answers only the scraper that sends it.
func TestMetricsTokenIsRequiredWhenSet(t *testing.T) {
	t.Parallel()
	const token = "scrape-me-if-you-can-2026"
	f := newFixtureWith(t, func(d *api.Deps) { d.MetricsToken = token })
	for _, tc := range []struct {
		name, auth string
		want       int
	}{
		{"no token", "", http.StatusUnauthorized},
		{"wrong token", "Bearer scrape-me-if-you-can-2025", http.StatusUnauthorized},
		{"token without Bearer", token, http.StatusUnauthorized},
		{"the token", "Bearer " + token, http.StatusOK},
	} {
		req, _ := http.NewRequest(http.MethodGet, "/metrics", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		r := f.client.Do(req)
		if r.Status != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, r.Status, tc.want)
			continue
		}
		if tc.want == http.StatusOK && !strings.Contains(string(r.Body), "kohorte_http_requests_total") {
			t.Errorf("%s: the body holds no request metrics", tc.name)
		}
		if tc.want == http.StatusUnauthorized && r.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: 401 without WWW-Authenticate", tc.name)
		}
	}
}

// Metrics served on a listener of their own are not on the application's.
func TestMetricsElsewhereLeaveTheApplication(t *testing.T) {
	t.Parallel()
	f := newFixtureWith(t, func(d *api.Deps) { d.MetricsElsewhere = true })
	if r := f.client.Get("/metrics"); r.Status != http.StatusNotFound {
		t.Fatalf("GET /metrics = %d, want 404", r.Status)
	}
}
