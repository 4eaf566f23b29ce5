package services

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"

	"kohorte/models"
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

// searchWords splits a user's search term into the folded words a search
// key must each contain: every word must match on its own, in any order,
// and punctuation between them counts for nothing, so "Ćosić-Şahin, Zoë"
// and "sahin cosic" both find "Zoë Ćosić-Şahin".
func searchWords(term string) []string {
	return strings.FieldsFunc(searchKey(term), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	})
}

// searchPatterns turns a user's search term into one LIKE pattern per
// word over a search key.
func searchPatterns(term string) []string {
	words := searchWords(term)
	patterns := make([]string, len(words))
	for i, w := range words {
		patterns[i] = likePattern(w)
	}
	return patterns
}

func likePattern(word string) string {
	return "%" + escapeLike(word) + "%"
}

// whereSearch narrows q to the rows whose column holds every word of term,
// with one LIKE pattern per word over the stored search key. It reads
// every row; participants, the table that grows, go through
// whereParticipantSearch instead.
func whereSearch(q *gorm.DB, column, term string) *gorm.DB {
	for _, p := range searchPatterns(term) {
		q = q.Where(column+" LIKE ? ESCAPE '\\'", p)
	}
	return q
}

// trigramLength is the shortest word a trigram index can find.
const trigramLength = 3

// whereParticipantSearch narrows q, which reads participants, to the
// people whose search key holds every word of term: the one place
// participant search is decided, on both engines. PostgreSQL answers the
// LIKE patterns from the trigram index on participants.search_text
// (migration 202612020006_search). SQLite cannot use an index for
// LIKE '%…%', so words of three letters or more are looked up in the FTS5
// trigram table participant_search, which matches substrings exactly as
// LIKE does; shorter words have no trigram and stay LIKE patterns, which
// then only test the rows the longer words found.
func whereParticipantSearch(q *gorm.DB, term string) *gorm.DB {
	const column = "participants.search_text"
	if q.Dialector.Name() == "postgres" {
		return whereSearch(q, column, term)
	}
	var phrases []string
	for _, w := range searchWords(term) {
		if utf8.RuneCountInString(w) < trigramLength {
			q = q.Where(column+" LIKE ? ESCAPE '\\'", likePattern(w))
			continue
		}
		// A word holds only letters and digits, so it needs no escaping
		// inside the quotes of an FTS5 phrase.
		phrases = append(phrases, `"`+w+`"`)
	}
	if len(phrases) > 0 {
		q = q.Where("participants.id IN (SELECT rowid FROM "+models.ParticipantSearchTable+
			" WHERE "+models.ParticipantSearchTable+" MATCH ?)", strings.Join(phrases, " AND "))
	}
	return q
}
