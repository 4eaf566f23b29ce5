// Package apitest sends requests to Kohorte's HTTP handler in tests and
// checks every response against the embedded OpenAPI document, so that the
// document cannot drift from the code. Client.Run sends a table of
// requests (Rows) and compares each answer with the row's expected status
// and value, reporting differences with cmp.Diff.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"kohorte/api"
)

// Client sends requests straight to a handler, without a network.
type Client struct {
	t      testing.TB
	h      http.Handler
	doc    *openapi3.T
	router routers.Router
	// allow500 lets a test provoke an internal error on purpose.
	allow500 bool
}

// AllowInternalErrors lets the client receive 500 answers; by default
// every 500 fails the test, since the document's "default" response would
// accept it and a 500 always means a bug.
func (c *Client) AllowInternalErrors() { c.allow500 = true }

// Response is a recorded answer with its body read.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// readCSVAsText makes the validator read CSV bodies as the text the
// document types them as: its own decoder splits on commas, which a German
// Excel file (";" between cells, "," as decimal mark) has inside cells.
var readCSVAsText = sync.OnceFunc(func() {
	openapi3filter.RegisterBodyDecoder("text/csv", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/calendar", openapi3filter.PlainBodyDecoder)
})

// New returns a client for h that fails t on any response the OpenAPI
// document does not describe.
func New(t testing.TB, h http.Handler) *Client {
	t.Helper()
	readCSVAsText()
	doc, err := api.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("build OpenAPI router: %v", err)
	}
	return &Client{t: t, h: h, doc: doc, router: router}
}

// Get sends a GET request for path.
func (c *Client) Get(path string) *Response {
	c.t.Helper()
	return c.Do(httptest.NewRequest(http.MethodGet, path, nil))
}

// Send sends a request with a JSON body (nil for none).
func (c *Client) Send(method, path string, body any) *Response {
	c.t.Helper()
	return c.DoWith(method, path, body, nil)
}

// DoWith sends a request with a JSON body (nil for none), letting edit add
// headers or cookies first.
func (c *Client) DoWith(method, path string, body any, edit func(*http.Request)) *Response {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if edit != nil {
		edit(req)
	}
	return c.Do(req)
}

// Do serves req and checks the response against the document.
func (c *Client) Do(req *http.Request) *Response {
	c.t.Helper()
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	resp := &Response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	if resp.Status == http.StatusInternalServerError && !c.allow500 {
		c.t.Errorf("%s %s answered 500: %s", req.Method, req.URL.Path, resp.Body)
	}
	if err := checkHeaders(req, resp); err != nil {
		c.t.Errorf("%s %s answered %d: %v", req.Method, req.URL.Path, resp.Status, err)
	}
	if err := c.Check(req, resp); err != nil {
		c.t.Errorf("%s %s answered %d, which the OpenAPI document does not allow: %v\nbody: %s",
			req.Method, req.URL.Path, resp.Status, err, resp.Body)
	}
	return resp
}

// Check validates one response. A documented route must answer as
// documented; an undocumented path under /api/v1 or of the operations
// endpoints may only answer with a problem; other paths (pages, files) are
// not part of the document.
func (c *Client) Check(req *http.Request, resp *Response) error {
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		if !c.governed(req.URL.Path) && !errors.Is(err, routers.ErrMethodNotAllowed) {
			return nil
		}
		return c.checkProblem(resp)
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 resp.Status,
		Header:                 resp.Header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	}
	input.SetBodyBytes(resp.Body)
	return openapi3filter.ValidateResponse(context.Background(), input)
}

// checkHeaders holds every answer of the API to the headers its status
// requires: a 201 says where the new object is (Location), and a 401 how to
// authenticate (WWW-Authenticate, RFC 9110).
func checkHeaders(req *http.Request, resp *Response) error {
	if !strings.HasPrefix(req.URL.Path, "/api/") {
		return nil
	}
	switch {
	case resp.Status == http.StatusCreated && resp.Header.Get("Location") == "":
		return errors.New("201 without Location")
	case resp.Status == http.StatusUnauthorized && resp.Header.Get("WWW-Authenticate") == "":
		return errors.New("401 without WWW-Authenticate")
	}
	return nil
}

func (c *Client) governed(path string) bool {
	return strings.HasPrefix(path, "/api/v1/") || path == "/api/v1" ||
		path == "/healthz" || path == "/readyz"
}

func (c *Client) checkProblem(resp *Response) error {
	if resp.Status < 400 {
		return errors.New("path is not in the OpenAPI document")
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		return errors.New("error answered as " + ct + ", not application/problem+json")
	}
	var body any
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		return err
	}
	return c.doc.Components.Schemas["Problem"].Value.VisitJSON(body)
}

// JSON decodes the response body into v, failing the test if it cannot.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}
