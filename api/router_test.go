package api_test

import (
	"bytes"
	"crypto/tls"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"gorm.io/gorm"

	"kohorte/api"
	"kohorte/api/apitest"
	"kohorte/models"
	"kohorte/models/dbtest"
	"kohorte/services"
)

type fixture struct {
	db     *gorm.DB
	engine *api.Router
	client *apitest.Client
	logs   *bytes.Buffer
	svc    *services.Services
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return newFixtureWith(t, func(*api.Deps) {})
}

func newFixtureWith(t testing.TB, configure func(*api.Deps)) *fixture {
	t.Helper()
	db := dbtest.Open(t)
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	svc, err := services.New(db, services.Options{Today: func() models.Date { return models.NewDate(2026, 11, 21) }})
	if err != nil {
		t.Fatal(err)
	}
	deps := api.Deps{
		Logger:   slog.New(slog.NewJSONHandler(logs, nil)),
		Metrics:  api.NewMetrics(sqlDB),
		Services: svc,
		Version:  "test",
	}
	configure(&deps)
	engine, err := api.NewRouter(deps)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{db: db, engine: engine, client: apitest.New(t, engine), logs: logs, svc: svc}
}

func TestOperationsEndpoints(t *testing.T) {
	f := newFixture(t)
	okBody := func(t *testing.T, r *apitest.Response) {
		if string(r.Body) != `{"status":"ok"}` {
			t.Errorf("body %s, want {\"status\":\"ok\"}", r.Body)
		}
	}
	f.client.Run(t, []apitest.Row{
		{Name: "healthz", Method: http.MethodGet, Path: "/healthz", Status: http.StatusOK, Check: okBody},
		{Name: "readyz", Method: http.MethodGet, Path: "/readyz", Status: http.StatusOK, Check: okBody},
		{Name: "version", Method: http.MethodGet, Path: "/api/v1/version", Status: http.StatusOK,
			Want: struct{ Name, Version string }{"Kohorte", "test"}},
	})
}

func TestReadyzFailsWhenDatabaseIsGone(t *testing.T) {
	f := newFixture(t)
	if err := models.Close(f.db); err != nil {
		t.Fatal(err)
	}
	r := f.client.Get("/readyz")
	if r.Status != http.StatusServiceUnavailable {
		t.Fatalf("GET /readyz with a closed database = %d, want 503", r.Status)
	}
	var p api.Problem
	r.JSON(t, &p)
	if p.Status != 503 {
		t.Fatalf("problem status %d, want 503: %+v", p.Status, p)
	}
	if p.RequestID == "" {
		t.Fatalf("problem %+v has no request ID", p)
	}
	if p.RequestID != r.Header.Get("X-Request-ID") {
		t.Fatalf("problem %+v does not carry the request ID %q", p, r.Header.Get("X-Request-ID"))
	}
}

func TestUnknownAPIRouteIsJSON404(t *testing.T) {
	f := newFixture(t)
	type notFound struct{ Instance, Title string }
	var rows []apitest.Row
	for _, q := range []struct{ name, path string }{
		{"under v1", "/api/v1/nothing"},
		{"under api", "/api/nothing"},
		{"api itself", "/api"},
	} {
		rows = append(rows, apitest.Row{Name: q.name, Method: http.MethodGet, Path: q.path, Status: http.StatusNotFound,
			Want: notFound{Instance: q.path, Title: "Not Found"},
			Check: func(t *testing.T, r *apitest.Response) {
				if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("Content-Type %q, want application/problem+json", ct)
				}
			}})
	}
	f.client.Run(t, rows)
}

func TestWrongMethodIs405WithAllow(t *testing.T) {
	f := newFixture(t)
	r := f.client.Send(http.MethodDelete, "/api/v1/version", nil)
	if r.Status != http.StatusMethodNotAllowed {
		t.Fatalf("DELETE /api/v1/version = %d, want 405", r.Status)
	}
	if got := r.Header.Get("Allow"); got != "GET" {
		t.Errorf("Allow = %q, want GET", got)
	}
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	f := newFixture(t)
	f.engine.GET("/test/panic", func(*gin.Context) { panic("boom") })
	f.client.AllowInternalErrors()
	want := map[string]string{
		"Content-Security-Policy": "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
	}
	for _, path := range []string{"/healthz", "/api/nothing", "/api/openapi.json", "/api/docs", "/api/docs/docs.css", "/metrics", "/test/panic"} {
		r := f.client.Get(path)
		for name, value := range want {
			if got := r.Header.Get(name); !strings.HasPrefix(got, value) {
				t.Errorf("GET %s (%d): %s = %q, want %q", path, r.Status, name, got, value)
			}
		}
		if r.Header.Get("Strict-Transport-Security") != "" {
			t.Errorf("GET %s over plain HTTP sent HSTS", path)
		}
	}
}

func TestHSTSOverTLS(t *testing.T) {
	f := newFixture(t)
	srv := httptest.NewTLSServer(f.engine)
	defer srv.Close()
	client := srv.Client()
	client.Transport.(*http.Transport).TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	for _, path := range []string{"/healthz", "/api/nothing"} {
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(got, "max-age=") {
			t.Errorf("GET %s over TLS: Strict-Transport-Security = %q", path, got)
		}
	}
}

func TestPanicBecomes500WithoutInternals(t *testing.T) {
	f := newFixture(t)
	f.engine.GET("/api/v1/test-panic", func(*gin.Context) { panic(errors.New("secret SQL: SELECT * FROM users")) })
	f.client.AllowInternalErrors()
	r := f.client.Get("/api/v1/test-panic")
	if r.Status != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", r.Status)
	}
	for _, secret := range []string{"secret", "goroutine"} {
		if bytes.Contains(r.Body, []byte(secret)) {
			t.Fatalf("500 body leaks internals (%q): %s", secret, r.Body)
		}
	}
	var p api.Problem
	r.JSON(t, &p)
	if p.RequestID == "" {
		t.Fatalf("500 problem lacks the request ID: %+v", p)
	}
	if p.RequestID != r.Header.Get("X-Request-ID") {
		t.Fatalf("500 problem's request ID %q is not the header's %q", p.RequestID, r.Header.Get("X-Request-ID"))
	}
	if !strings.Contains(f.logs.String(), p.RequestID) {
		t.Fatalf("panic not logged with its request ID %s:\n%s", p.RequestID, f.logs)
	}
	if !strings.Contains(f.logs.String(), "panic") {
		t.Fatalf("panic not logged as a panic:\n%s", f.logs)
	}
}

func TestAccessLogNamesRouteNotQuery(t *testing.T) {
	// httptest requests come from 192.0.2.1, here the trusted proxy.
	f := newFixtureWith(t, func(d *api.Deps) { d.TrustedProxies = []string{"192.0.2.1"} })
	req := httptest.NewRequest(http.MethodGet, "/healthz?token=topsecret", nil)
	req.Header.Set("X-Request-ID", "proxy-given-id-42")
	r := f.client.Do(req)
	if r.Header.Get("X-Request-ID") != "proxy-given-id-42" {
		t.Errorf("X-Request-ID = %q, want the one the proxy gave", r.Header.Get("X-Request-ID"))
	}
	logs := f.logs.String()
	for _, query := range []string{"topsecret", "token="} {
		if strings.Contains(logs, query) {
			t.Fatalf("access log carries the query string (%q):\n%s", query, logs)
		}
	}
	for _, want := range []string{`"request_id":"proxy-given-id-42"`, `"route":"/healthz"`, `"status":200`, `"duration_ms":`} {
		if !strings.Contains(logs, want) {
			t.Errorf("access log lacks %s:\n%s", want, logs)
		}
	}

	forged := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	forged.Header.Set("X-Request-ID", "bad id\nlevel=ERROR")
	got := f.client.Do(forged).Header.Get("X-Request-ID")
	if strings.ContainsAny(got, " \n") {
		t.Errorf("a forged request ID was passed through: %q", got)
	}
	if got == "" {
		t.Errorf("a request with a forged request ID got none")
	}
}

func TestMetricsCountRequests(t *testing.T) {
	f := newFixture(t)
	f.client.Get("/healthz")
	f.client.Get("/healthz")
	f.client.Get("/api/v1/nothing")
	body := string(f.client.Get("/metrics").Body)
	for _, want := range []string{
		`kohorte_http_requests_total{method="GET",route="/healthz",status="200"} 2`,
		`kohorte_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`kohorte_http_request_duration_seconds_count{method="GET",route="/healthz"} 2`,
		"go_goroutines ",
		"go_sql_max_open_connections",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func TestOpenAPIDocumentIsServedAndValid(t *testing.T) {
	f := newFixture(t)
	r := f.client.Get("/api/openapi.json")
	if r.Status != http.StatusOK {
		t.Fatalf("GET /api/openapi.json = %d, want 200", r.Status)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET /api/openapi.json: Content-Type %q, want application/json", ct)
	}
	for _, want := range []string{`"openapi":"3.0.3"`, `"/api/v1/version"`} {
		if !bytes.Contains(r.Body, []byte(want)) {
			t.Fatalf("served document lacks %s: %.200s", want, r.Body)
		}
	}
	page := f.client.Get("/api/docs")
	if page.Status != http.StatusOK {
		t.Fatalf("GET /api/docs = %d, want 200", page.Status)
	}
	for _, want := range []string{`<script src="/api/docs/swagger-ui-bundle.js">`, `<script src="/api/docs/docs.js">`, `href="/api/docs/swagger-ui.css"`} {
		if !bytes.Contains(page.Body, []byte(want)) {
			t.Fatalf("GET /api/docs: page lacks %s", want)
		}
	}
	for _, banned := range []string{"<script>", "style=", "http://", "https://"} {
		if bytes.Contains(page.Body, []byte(banned)) {
			t.Fatalf("reference page has inline code or external assets: %s", banned)
		}
	}
	if csp := page.Header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe") || !strings.Contains(csp, "default-src 'self'") {
		t.Fatalf("GET /api/docs: Content-Security-Policy %q", csp)
	}
	for file, kind := range map[string]string{"swagger-ui-bundle.js": "text/javascript", "docs.js": "text/javascript", "swagger-ui.css": "text/css", "docs.css": "text/css"} {
		r := f.client.Get("/api/docs/" + file)
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), kind) {
			t.Errorf("GET /api/docs/%s = %d %s, want 200 %s", file, r.Status, r.Header.Get("Content-Type"), kind)
		}
	}
	if r := f.client.Get("/api/docs/index.html"); r.Status != http.StatusNotFound {
		t.Errorf("GET /api/docs/index.html = %d, want 404", r.Status)
	}
}

func TestMetricsLabelUnknownMethodsAsOther(t *testing.T) {
	f := newFixture(t)
	for _, m := range []string{"FOO1", "FOO2"} {
		f.client.Do(httptest.NewRequest(m, "/api/v1/nothing", nil))
	}
	body := string(f.client.Get("/metrics").Body)
	if strings.Contains(body, "FOO1") {
		t.Fatalf("unknown methods became labels: FOO1 is one")
	}
	if !strings.Contains(body, `method="other"`) {
		t.Fatalf(`unknown methods are not counted as method="other"`)
	}
}

func TestRequestIDFromClientsIsNotTrusted(t *testing.T) {
	f := newFixture(t)
	req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	req.Header.Set("X-Request-ID", "planted-by-client-1")
	if got := f.client.Do(req).Header.Get("X-Request-ID"); got == "planted-by-client-1" {
		t.Fatal("a client's request ID was taken over")
	}
}
