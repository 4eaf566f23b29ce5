package api

import (
	"crypto/subtle"
	"database/sql"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"kohorte/services"
)

// Metrics holds Kohorte's Prometheus registry and the HTTP instruments in it.
type Metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics creates a registry with the Go runtime, process and database
// pool collectors and Kohorte's request metrics. Each server gets its own
// registry, so that tests can run several servers in one process.
func NewMetrics(db *sql.DB) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kohorte_http_requests_total",
			Help: "HTTP requests answered, by method, route pattern and status code.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "kohorte_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by method and route pattern.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
	}
	reg.MustRegister(
		m.requests, m.duration,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(db, "kohorte"),
	)
	return m
}

func (m *Metrics) instrument(c *gin.Context) {
	start := time.Now()
	c.Next()
	route, method := routeOf(c), methodLabel(c.Request.Method)
	m.requests.WithLabelValues(method, route, strconv.Itoa(c.Writer.Status())).Inc()
	m.duration.WithLabelValues(method, route).Observe(time.Since(start).Seconds())
}

// methodLabel keeps the label set small: a client can send any word as a
// method, and each would become a new time series.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}

// Handler serves the registry in Prometheus' text format. With a token,
// only a request that sends it as a Bearer token is answered; any other
// gets 401, so that the numbers of a public server stay with its operator.
func (m *Metrics) Handler(token string) http.Handler {
	h := promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
	if token == "" {
		return h
	}
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="kohorte-metrics"`)
			w.Header().Set("Content-Type", problemJSON)
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"type":"about:blank","title":"Unauthorized","status":401,"code":%q,"detail":"Send the metrics token."}`, services.CodeUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}
