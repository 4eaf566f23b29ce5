package apitest_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"kohorte/api/apitest"
)

// The checker must reject what the document does not describe; otherwise
// every API test would pass whatever the handlers answer.
func TestCheckRejectsUndocumentedAnswers(t *testing.T) {
	cases := []struct {
		name, path  string
		status      int
		contentType string
		body        string
	}{
		{"wrong field value", "/healthz", 200, "application/json", `{"status":"broken"}`},
		{"extra field", "/healthz", 200, "application/json", `{"status":"ok","db":"x"}`},
		{"undocumented status", "/api/v1/version", 201, "application/json", `{"name":"Kohorte","version":"1","go_version":"go"}`},
		{"undocumented path", "/api/v1/secret", 200, "application/json", `{}`},
		{"error not as problem", "/api/v1/secret", 404, "text/plain", `not found`},
		{"problem missing title", "/api/v1/secret", 404, "application/problem+json", `{"type":"about:blank","status":404}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := apitest.New(t, nil)
			req := httptest.NewRequest(http.MethodGet, tc.path, nil)
			resp := &apitest.Response{Status: tc.status, Header: http.Header{"Content-Type": {tc.contentType}}, Body: []byte(tc.body)}
			if err := c.Check(req, resp); err == nil {
				t.Fatalf("Check accepted %d %s for %s", tc.status, tc.body, tc.path)
			}
		})
	}
}

func TestCheckAcceptsDocumentedAnswers(t *testing.T) {
	c := apitest.New(t, nil)
	req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	resp := &apitest.Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"status":"ok"}`)}
	if err := c.Check(req, resp); err != nil {
		t.Fatal(err)
	}
	page := httptest.NewRequest(http.MethodGet, "/some/page", nil)
	if err := c.Check(page, &apitest.Response{Status: 200, Header: http.Header{"Content-Type": {"text/html"}}}); err != nil {
		t.Fatalf("a UI page is not the API's business: %v", err)
	}
}
