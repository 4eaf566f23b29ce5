package api_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"kohorte/frontend/browsertest"
)

// TestBrowserAPIDocs opens the reference in Chromium under the page's
// Content-Security-Policy: it must render with no error, show the getting
// started section with its Markdown rendered, the fields of a request body
// (enrollment's participant_id and enrolled_at, once defined inline), and
// the entry a problem's type links to.
func TestBrowserAPIDocs(t *testing.T) {
	f := newFixture(t)
	srv := httptest.NewServer(f.engine)
	t.Cleanup(srv.Close)
	b := browsertest.New(t)

	if status := b.Navigate(srv.URL + "/api/docs#/enrollments/enroll"); status != http.StatusOK {
		t.Fatalf("GET /api/docs = %d, want 200", status)
	}
	b.WaitUntil(`document.querySelector("#operations-enrollments-enroll .opblock-body") !== null`)
	b.WaitUntil(`document.querySelector("#operations-enrollments-enroll").innerText.includes("participant_id")`)
	body := browsertest.Eval[string](b, `document.querySelector("#operations-enrollments-enroll").innerText`)
	for _, want := range []string{"participant_id", "enrolled_at", "integer", "minimum: 1", "defaults to today", "example: 2023-03-01"} {
		if !strings.Contains(body, want) {
			t.Errorf("the enroll operation does not show %q:\n%s", want, body)
		}
	}
	headings := browsertest.Eval[[]string](b, `Array.from(document.querySelectorAll(".info h2")).map(h => h.innerText)`)
	if !containsAll(headings, "Getting started", "Problem types") {
		t.Errorf("the description's sections are %q, want Getting started and Problem types", headings)
	}
	if backticks := browsertest.Eval[int](b, "document.querySelector('.info').innerText.split('`').length - 1"); backticks != 0 {
		t.Errorf("the description shows %d backticks: Markdown is not rendered", backticks)
	}
	if code := browsertest.Eval[bool](b, `Array.from(document.querySelectorAll(".info code")).some(c => c.innerText === "cohort.full")`); !code {
		t.Error("`cohort.full` is not rendered as code in the list of problem types")
	}
	if !browsertest.Eval[bool](b, `document.getElementById("problem-cohort.full") !== null`) {
		t.Error("the problem type /api/docs#problem-cohort.full has no entry to link to")
	}
	b.NoConsoleErrors()
}

func containsAll(list []string, want ...string) bool {
	for _, w := range want {
		if !slices.Contains(list, w) {
			return false
		}
	}
	return true
}
