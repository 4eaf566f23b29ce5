package services

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// searchFolder spells letters the way people type them when they search:
// lower case, without accents, ß as ss. "Ćosić-Şahin" and "cosic-sahin"
// then match on both engines; SQLite's LOWER() folds ASCII letters only.
var searchFolder = strings.NewReplacer("ß", "ss", "ẞ", "ss", "æ", "ae", "œ", "oe", "ø", "o", "ł", "l", "đ", "d", "ı", "i", "ħ", "h", "þ", "th")

// searchKey folds the parts into the text a search term is matched against.
func searchKey(parts ...string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(strings.Join(parts, " "))) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(searchFolder.Replace(b.String()))
}

// searchPattern turns a user's search term into a LIKE pattern over a
// search key, with LIKE's wildcards in the term taken literally.
func searchPattern(term string) string {
	return "%" + escapeLike(searchKey(strings.TrimSpace(term))) + "%"
}
