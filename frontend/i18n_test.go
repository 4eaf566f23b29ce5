package frontend

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/pelletier/go-toml/v2"
)

// messageIDs reads the IDs of one catalogue.
func messageIDs(t *testing.T, code string) map[string]bool {
	t.Helper()
	name := catalogueFile(code)
	data, err := fs.ReadFile(files, name)
	if err != nil {
		t.Fatal(err)
	}
	file, err := i18n.ParseMessageFileBytes(data, name, map[string]i18n.UnmarshalFunc{"toml": toml.Unmarshal})
	if err != nil {
		t.Fatal(err)
	}
	ids := make(map[string]bool, len(file.Messages))
	for _, m := range file.Messages {
		ids[m.ID] = true
	}
	return ids
}

// TestCataloguesHaveTheSameMessages keeps the languages in step: a message
// missing in one would make its pages fail to render.
func TestCataloguesHaveTheSameMessages(t *testing.T) {
	t.Parallel()
	langs := supportedLangs()
	want := messageIDs(t, langs[0].Code)
	if len(want) == 0 {
		t.Fatal("the default catalogue is empty")
	}
	for _, l := range langs[1:] {
		got := messageIDs(t, l.Code)
		for id := range want {
			if !got[id] {
				t.Errorf("%s lacks %s", catalogueFile(l.Code), id)
			}
		}
		for id := range got {
			if !want[id] {
				t.Errorf("%s lacks %s", catalogueFile(langs[0].Code), id)
			}
		}
	}
}

// TestTemplatesUseKnownMessages finds a typo in a message ID without
// rendering the page that holds it.
func TestTemplatesUseKnownMessages(t *testing.T) {
	t.Parallel()
	known := messageIDs(t, defaultLang)
	used := regexp.MustCompile(`\{\{-?\s*t\s+"([^"]+)"`)
	pages, err := fs.Glob(files, "templates/*/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range append(pages, "templates/layout.html") {
		src, err := fs.ReadFile(files, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllSubmatch(src, -1) {
			if !known[string(m[1])] {
				t.Errorf("%s uses unknown message %s", name, m[1])
			}
		}
	}
}

// TestDefaultLanguageComesFirst guards an assumption of loadBundle, which
// takes the bundle's fallback from the first language.
func TestDefaultLanguageComesFirst(t *testing.T) {
	t.Parallel()
	if first := supportedLangs()[0].Code; first != defaultLang {
		t.Errorf("first language %s, want the default %s", first, defaultLang)
	}
}

// TestCountMessagesHavePluralForms: a placeholder named Count picks the
// plural form, so a message that uses it needs the form "one" too, or it
// fails to render for a count of one.
func TestCountMessagesHavePluralForms(t *testing.T) {
	t.Parallel()
	for _, l := range supportedLangs() {
		name := catalogueFile(l.Code)
		data, err := fs.ReadFile(files, name)
		if err != nil {
			t.Fatal(err)
		}
		file, err := i18n.ParseMessageFileBytes(data, name, map[string]i18n.UnmarshalFunc{"toml": toml.Unmarshal})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range file.Messages {
			if strings.Contains(m.Other, ".Count") && m.One == "" {
				t.Errorf("%s: %s uses Count but has no form one", name, m.ID)
			}
		}
	}
}

func TestPluralForms(t *testing.T) {
	t.Parallel()
	bundle, err := loadBundle(files, supportedLangs())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang  string
		count int
		want  string
	}{
		{"de", 1, "Bitte warten Sie 1 Minute und"},
		{"de", 14, "Bitte warten Sie 14 Minuten und"},
		{"en", 1, "Please wait 1 minute, then"},
		{"en", 2, "Please wait 2 minutes, then"},
	} {
		got, err := translator(i18n.NewLocalizer(bundle, tc.lang))("LoginThrottled", "Count", tc.count)
		if err != nil {
			t.Errorf("%s, %d minutes: %v", tc.lang, tc.count, err)
		} else if !strings.Contains(got, tc.want) {
			t.Errorf("%s, %d minutes: %q; want %q", tc.lang, tc.count, got, tc.want)
		}
	}
}
