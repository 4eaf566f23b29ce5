package services

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"
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

// searchPatterns turns a user's search term into one LIKE pattern per
// word over a search key: every word must match on its own, in any order,
// and punctuation between them counts for nothing, so "Ćosić-Şahin, Zoë"
// and "sahin cosic" both find "Zoë Ćosić-Şahin". The search key stays the
// stored column it always was.
func searchPatterns(term string) []string {
	words := strings.FieldsFunc(searchKey(term), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	})
	patterns := make([]string, len(words))
	for i, w := range words {
		patterns[i] = "%" + escapeLike(w) + "%"
	}
	return patterns
}

// whereSearch narrows q to the rows whose column holds every word of term.
func whereSearch(q *gorm.DB, column, term string) *gorm.DB {
	for _, p := range searchPatterns(term) {
		q = q.Where(column+" LIKE ? ESCAPE '\\'", p)
	}
	return q
}
