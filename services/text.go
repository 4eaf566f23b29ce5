package services

import (
	"strings"
	"unicode"
	"unicode/utf8"
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
// exports and certificates.
func TextCode(s string) Code {
	if code := StorableCode(s); code != "" {
		return code
	}
	if strings.ContainsFunc(s, unicode.IsControl) {
		return CodeControlChars
	}
	return ""
}

// ParagraphCode is TextCode for text of several lines, such as a
// description: line breaks and tabs are allowed.
func ParagraphCode(s string) Code {
	if code := StorableCode(s); code != "" {
		return code
	}
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }) {
		return CodeControlChars
	}
	return ""
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

// maxEmailChars is the longest e-mail address in characters, the size of
// every e-mail column.
const maxEmailChars = 254
