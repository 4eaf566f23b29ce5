package frontend

import (
	"testing"
)

// Each page's set holds the layout, the page and the parts they call, and
// no other part: every call in every set finds its template, the
// attendance page has its row, and the login page has none of the grid's.
func TestEachPageHoldsOnlyThePartsItCalls(t *testing.T) {
	t.Parallel()
	ui := &UI{langs: supportedLangs()}
	pages, err := parsePages(files, ui.parseFuncs())
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) < 40 {
		t.Fatalf("%d pages parsed", len(pages))
	}
	for name, set := range pages {
		if set.Lookup("layout") == nil {
			t.Errorf("%s: no layout", name)
		}
		for _, tmpl := range set.Templates() {
			if tmpl.Tree == nil {
				continue
			}
			for _, called := range templateCalls(tmpl.Tree.Root) {
				if set.Lookup(called) == nil {
					t.Errorf("%s: %s calls %q, which the set lacks", name, tmpl.Name(), called)
				}
			}
		}
	}
	if pages["attendance"].Lookup("attendance-row") == nil {
		t.Error("the attendance page lacks its row")
	}
	if pages["login"].Lookup("attendance-row") != nil {
		t.Error("the login page carries the attendance grid's row")
	}
	shared, err := parseShared(files, ui.parseFuncs())
	if err != nil {
		t.Fatal(err)
	}
	all := 0
	for _, set := range pages {
		all += len(set.Templates())
	}
	every := len(shared.Templates()) * len(pages)
	t.Logf("%d templates in %d sets; with every part in each, %d", all, len(pages), every)
	if all > every/2 {
		t.Error("the sets hold more than half of what copies of every part would")
	}
}
