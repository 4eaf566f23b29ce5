package frontend

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestEveryConfirmationWorksWithoutScript: a form whose button asks first
// (data-confirm) also carries the box that asks without JavaScript, and
// lets the browser check it (no novalidate); and the actions that cannot
// be undone all ask.
func TestEveryConfirmationWorksWithoutScript(t *testing.T) {
	t.Parallel()
	form := regexp.MustCompile(`(?s)<form\b[^>]*>.*?</form>`)
	pages, err := fs.Glob(files, "templates/*/*.html")
	if err != nil {
		t.Fatal(err)
	}
	asking := map[string]bool{}
	action := regexp.MustCompile(`action="([^"]*)"`)
	for _, name := range pages {
		src, err := fs.ReadFile(files, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range form.FindAllString(string(src), -1) {
			if !strings.Contains(f, "data-confirm=") {
				continue
			}
			head := f[:strings.Index(f, ">")]
			if strings.Contains(head, "novalidate") {
				t.Errorf("%s: a form that asks first is novalidate, so its box would not stop it: %s", name, head)
			}
			if !strings.Contains(f, `{{- template "confirm-check"`) {
				t.Errorf("%s: a form that asks first has no confirm-check: %s", name, head)
			}
			if m := action.FindStringSubmatch(head); m != nil {
				asking[m[1]] = true
			}
		}
	}
	for _, want := range []string{"/kohorten/{{$id}}/status", "/api-tokens/{{.ID}}/widerrufen", "/api-tokens/alle-widerrufen",
		"/benutzer/{{.User.ID}}/rolle", "/benutzer/{{.User.ID}}/status", "/benutzer/{{.User.ID}}/passwort-link",
		"/jury/kohorten/{{$page.Cohort.ID}}/befangenheit", "/jury/gruppen/{{.GroupID}}"} {
		if !asking[want] {
			t.Errorf("the form to %s does not ask first", want)
		}
	}
}
