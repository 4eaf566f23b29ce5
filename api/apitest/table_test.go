package apitest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// versionHandler answers GET /api/v1/version, naming in the version who
// called, and everything else with a problem.
func versionHandler(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/api/v1/version" {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusNotFound)
		json.NewEncoder(w).Encode(map[string]any{"type": "about:blank", "title": "Not Found", "status": 404, "code": "route.not_found", "instance": r.URL.Path})
		return
	}
	who := r.Header.Get("Authorization")
	if c, err := r.Cookie("session"); err == nil {
		who = "cookie " + c.Value
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"name": "Kohorte", "version": who, "go_version": "go1"})
}

func TestRunSendsRowsAsTheirCaller(t *testing.T) {
	type version struct{ Name, Version string }
	checked := false
	c := New(t, http.HandlerFunc(versionHandler))
	ok := c.Run(t, []Row{
		{Name: "anonymous", Method: http.MethodGet, Path: "/api/v1/version", Status: http.StatusOK,
			Want: version{Name: "Kohorte"}},
		{Name: "token", Token: "koh_x", Method: http.MethodGet, Path: "/api/v1/version", Status: http.StatusOK,
			Want: version{Name: "Kohorte", Version: "Bearer koh_x"}},
		{Name: "cookie", Cookie: &http.Cookie{Name: "session", Value: "s1"}, Method: http.MethodGet, Path: "/api/v1/version", Status: http.StatusOK,
			Want: version{Name: "Kohorte", Version: "cookie s1"}},
		{Name: "problem", Method: http.MethodGet, Path: "/api/v1/nothing", Status: http.StatusNotFound,
			Want: struct{ Title string }{"Not Found"},
			Check: func(t *testing.T, r *Response) {
				checked = true
				if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("Content-Type %q", ct)
				}
			}},
	})
	if !ok {
		t.Fatal("Run reported a failed row")
	}
	if !checked {
		t.Fatal("Run did not call the row's Check")
	}
}

func TestRowDiff(t *testing.T) {
	type item struct {
		ID   int
		Name string
	}
	body := []byte(`{"id":7,"name":"Zoë","extra":true}`)
	cases := []struct {
		name     string
		row      Row
		wantDiff string // a part of the diff; "" for none
	}{
		{"no want", Row{}, ""},
		{"equal", Row{Want: item{ID: 7, Name: "Zoë"}}, ""},
		{"differs", Row{Want: item{ID: 7, Name: "Zoe"}}, `"Zoe"`},
		{"ignored field", Row{Want: item{Name: "Zoë"}, Opts: []cmp.Option{cmpopts.IgnoreFields(item{}, "ID")}}, ""},
		{"pointer want", Row{Want: &item{ID: 7, Name: "Zoë"}}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			diff, err := tc.row.diff(body)
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantDiff == "" && diff != "" {
				t.Fatalf("unexpected diff:\n%s", diff)
			}
			if !strings.Contains(diff, tc.wantDiff) {
				t.Fatalf("diff lacks %q:\n%s", tc.wantDiff, diff)
			}
		})
	}
	if _, err := (Row{Want: item{}}).diff([]byte("not json")); err == nil {
		t.Fatal("a body that is not JSON decoded")
	}
}

func TestNonEmpty(t *testing.T) {
	var v struct{ A, B, C, D NonEmpty }
	if err := json.Unmarshal([]byte(`{"a":"x","b":"","c":null}`), &v); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(struct{ A, B, C, D NonEmpty }{A: true}, v); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	if err := json.Unmarshal([]byte(`{"a":3}`), &v); err == nil {
		t.Fatal("a number decoded as a string")
	}
}
