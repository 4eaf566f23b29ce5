package services

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"kohorte/models"
	"kohorte/services/roster"
)

// StorableCode is the code of the rule that s breaks as text a database
// can store and compare, or "" if it breaks none: PostgreSQL takes neither
// bytes that are not UTF-8 (unreadable) nor NUL (a control character).
// The API and the pages check every input with it before any service sees
// it.
func StorableCode(s string) Code {
	switch {
	case !utf8.ValidString(s):
		return CodeUnreadable
	case strings.IndexByte(s, 0) >= 0:
		return CodeControlChars
	}
	return ""
}

// TextCode is the code of the rule that s breaks as a line of text that a
// page or a certificate shows, or "" if it breaks none: beyond
// StorableCode, it refuses every control character, which would break
// exports and certificates, and every character that changes the
// direction of text (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F,
// U+061C), which can make a name on a certificate read as another.
func TextCode(s string) Code {
	if code := StorableCode(s); code != "" {
		return code
	}
	return shownCode(s, unicode.IsControl)
}

// shownCode is the code of text that a page or a certificate shows: it
// must hold no control character (as isControl decides) and no character
// that changes the direction of the text around it.
func shownCode(s string, isControl func(rune) bool) Code {
	switch {
	case strings.ContainsFunc(s, isControl):
		return CodeControlChars
	case strings.ContainsFunc(s, roster.IsBidiControl):
		return CodeBidiControls
	}
	return ""
}

// ParagraphCode is TextCode for text of several lines, such as a
// description: line breaks and tabs are allowed.
func ParagraphCode(s string) Code {
	if code := StorableCode(s); code != "" {
		return code
	}
	return shownCode(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' })
}

// checkTerms checks search terms and filter values, given as pairs of
// field name and value; they are compared in the database, so they must be
// text it can hold.
func checkTerms(fieldsAndValues ...string) error {
	verr := &ValidationError{}
	for i := 0; i+1 < len(fieldsAndValues); i += 2 {
		if code := StorableCode(fieldsAndValues[i+1]); code != "" {
			verr.Add(fieldsAndValues[i], code)
		}
	}
	return verr.Err()
}

// cutChars returns s cut to at most n characters, never inside one.
func cutChars(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// checkDate refuses a given day outside the range models.Date accepts.
func checkDate(verr *ValidationError, field string, d models.Date) {
	if !d.IsZero() && !d.InRange() {
		verr.Add(field, CodeOutOfRange, "min", models.MinDate.String(), "max", models.MaxDate.String())
	}
}

// maxEmailChars is the longest e-mail address in characters, the size of
// every e-mail column.
const maxEmailChars = 254
