package frontend

import (
	"testing"
)

func TestNumberFormatter(t *testing.T) {
	t.Parallel()
	de, en := numberFormatter("."), numberFormatter(",")
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1.000", 10000: "10.000", -1234567: "-1.234.567"} {
		if got := de(n); got != want {
			t.Errorf("de(%d) = %q, want %q", n, got, want)
		}
	}
	if got := en(10000); got != "10,000" {
		t.Errorf("en(10000) = %q", got)
	}
}

func TestInputRefusesUnknownNames(t *testing.T) {
	t.Parallel()
	if _, err := newInput(nil, "id", "x", "label", "L", "colour", "red"); err == nil {
		t.Error("an unknown name was accepted")
	}
	if _, err := newInput(nil, "id", "x", "label", "L", "max", "300"); err == nil {
		t.Error("a max given as text was accepted")
	}
	if _, err := newInput(nil, "id", "x"); err == nil {
		t.Error("an input without a label was accepted")
	}
	v, err := newInput(formErrors{{Field: "x", Message: newMessage("ErrRequired")}}, "id", "x", "label", "L", "hint", "H")
	if err != nil {
		t.Fatalf("input with hint and error: %v", err)
	}
	if v.Error == nil {
		t.Errorf("input with hint and error has no error: %+v", v)
	}
	if got := v.DescribedBy(); got != "x-hint x-error" {
		t.Errorf("input with hint and error is described by %q, want x-hint x-error", got)
	}
}

func TestServiceSortAndLinks(t *testing.T) {
	t.Parallel()
	keys := []sortKey{{"name", "last_name"}, {"bundesland", "federal_state"}}
	for in, want := range map[string]string{"": "", "name": "last_name", "-bundesland": "-federal_state"} {
		got, ok := serviceSort(in, keys)
		if !ok {
			t.Errorf("serviceSort(%q) refused it; want %q", in, want)
		} else if got != want {
			t.Errorf("serviceSort(%q) = %q; want %q", in, got, want)
		}
	}
	if _, ok := serviceSort("-passwort", keys); ok {
		t.Error("an unknown sort was accepted")
	}
	links := sortLinks("/p", map[string][]string{"suche": {"a"}, "seite": {"3"}, "sortierung": {"name"}}, "name", keys)
	want := map[string]sortLink{
		"name":       {Href: "/p?sortierung=-name&suche=a", Order: "ascending"},
		"bundesland": {Href: "/p?sortierung=bundesland&suche=a"},
	}
	for k, w := range want {
		if links[k] != w {
			t.Errorf("link %s = %+v, want %+v", k, links[k], w)
		}
	}
	if got := sortLinks("/p", nil, "-name", keys)["name"]; got != (sortLink{Href: "/p", Order: "descending"}) {
		t.Errorf("descending by name, the name link is %+v", got)
	}
}
