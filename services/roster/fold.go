package roster

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldKey reduces s to lower-case letters and digits without diacritics, so
// that "Thüringen", "THURINGEN", "E-Mail:" and "email" fold to the same key
// as their counterparts. ß becomes "ss"; everything else is dropped.
func foldKey(s string) string {
	if isASCII(s) {
		return foldASCII(s)
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'ß' || r == 'ẞ':
			b.WriteString("ss")
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func foldASCII(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			b = append(b, c)
		case 'A' <= c && c <= 'Z':
			b = append(b, c+'a'-'A')
		}
	}
	return string(b)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// umlautDigraphs spells ä, ö, ü as ae, oe, ue ("Thüringen" → "Thueringen").
var umlautDigraphs = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue")

// foldKeys returns the keys under which a name is found: folded as written
// and with umlauts spelled as digraphs.
func foldKeys(name string) []string {
	a, b := foldKey(name), foldKey(umlautDigraphs.Replace(name))
	if a == b {
		return []string{a}
	}
	return []string{a, b}
}

// buildIndex maps the folded keys of each alias to its value. It panics on a
// key claimed by two values: the tables are fixed, so that is a programming
// error caught by any test.
func buildIndex[V comparable](aliases map[V][]string) map[string]V {
	idx := make(map[string]V)
	for v, names := range aliases {
		for _, name := range names {
			for _, k := range foldKeys(name) {
				if old, ok := idx[k]; ok && old != v {
					panic("roster: alias " + name + " is ambiguous")
				}
				idx[k] = v
			}
		}
	}
	return idx
}
