package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzTextNeverAnswers500 sends one text, whatever its bytes, as a JSON
// field, a query parameter and a login address. Every answer must be a
// refusal or a success, never a 500: text no database can store (NUL,
// invalid UTF-8, a cut multi-byte character) is refused at the boundary.
// CI runs it for a bounded time on both engines; the seeds under
// testdata/fuzz run with every go test.
func FuzzTextNeverAnswers500(f *testing.F) {
	for _, seed := range []string{"Zoë Ćosić-Şahin", "\x00", "a\x00b", "\xff\xfe", "\xf0\x9f\x98", strings.Repeat("😀", 100),
		"\u202eevil", "%00", "100%_\\", ""} {
		f.Add(seed)
	}
	fx := newFixture(f)
	fx.seedAdmin(f)
	admin := fx.login(f, "admin@example.org", adminPass)
	f.Fuzz(func(t *testing.T, s string) {
		body, _ := json.Marshal(map[string]any{"title": s, "certificate_title": "Zertifikat", "description": s,
			"certificate_prefix": "KOH", "issuers": []map[string]string{{"name": "IHK", "city": "Oldenburg"}}})
		// json.Marshal replaces invalid UTF-8; a client that does not is sent too.
		raw := []byte(`{"title":"` + s + `","certificate_title":"Z","certificate_prefix":"KOH","issuers":[{"name":"IHK","city":"O"}]}`)
		for _, req := range []*http.Request{
			httptest.NewRequest(http.MethodPost, "/api/v1/courses", bytes.NewReader(body)),
			httptest.NewRequest(http.MethodPost, "/api/v1/courses", bytes.NewReader(raw)),
			httptest.NewRequest(http.MethodGet, "/api/v1/participants?search="+url.QueryEscape(s), nil),
			httptest.NewRequest(http.MethodGet, "/api/v1/audit-events?action="+url.QueryEscape(s), nil),
		} {
			req.Header.Set("Content-Type", "application/json")
			req.AddCookie(admin)
			expectNo500(t, fx, req)
		}
		login, _ := json.Marshal(map[string]string{"email": s, "password": "irrelevant-" + s})
		req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/login", bytes.NewReader(login))
		req.Header.Set("Content-Type", "application/json")
		expectNo500(t, fx, req)
	})
}

func expectNo500(t *testing.T, fx *fixture, req *http.Request) {
	t.Helper()
	rec := httptest.NewRecorder()
	fx.engine.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		t.Fatalf("%s %s answered %d: %s", req.Method, req.URL, rec.Code, rec.Body)
	}
}
