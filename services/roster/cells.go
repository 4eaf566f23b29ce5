package roster

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Maximum lengths in characters, as the database columns allow.
const (
	maxNameLen         = 100
	maxEmailLen        = 254
	maxOrganisationLen = 200
	maxPhoneLen        = 50
	maxShownValue      = 40 // characters of a bad value quoted in a message
)

// problem is why a cell is not acceptable.
type problem struct {
	reason Reason
	code   string
	max    int // for ReasonTooLong: the most characters allowed
	msg    string
}

func required() *problem {
	return &problem{reason: ReasonRequired, code: CodeRequired, msg: "required value is missing"}
}

func invalid(code, format string, args ...any) *problem {
	return &problem{reason: ReasonInvalid, code: code, msg: fmt.Sprintf(format, args...)}
}

func tooLong(max int, format string, args ...any) *problem {
	return &problem{reason: ReasonTooLong, code: CodeTooLong, max: max, msg: fmt.Sprintf(format, args...)}
}

// normalize turns a raw cell into the value kept for field f, or says why it
// cannot.
func normalize(f Field, raw string) (string, *problem) {
	switch f {
	case FieldFirstName, FieldLastName:
		return normalizeName(raw)
	case FieldEmail:
		return normalizeEmail(raw)
	case FieldOrganisation:
		return normalizeOrganisation(raw)
	case FieldNetworkType:
		return normalizeNetworkType(raw)
	case FieldFederalState:
		return normalizeFederalState(raw)
	case FieldPhone:
		return normalizePhone(raw)
	}
	return raw, nil
}

// cleanText trims s, collapses inner white space (including no-break
// spaces and line breaks) to one space and normalises to NFC.
func cleanText(s string) string {
	s = strings.TrimSpace(s)
	if strings.IndexFunc(s, isSpaceButBlank) >= 0 || strings.Contains(s, "  ") {
		s = strings.Join(strings.Fields(s), " ")
	}
	return norm.NFC.String(s)
}

func isSpaceButBlank(r rune) bool { return r != ' ' && unicode.IsSpace(r) }

// IsBidiControl reports whether r changes the direction of the text
// around it: the embeddings, overrides and isolates U+202A–U+202E and
// U+2066–U+2069, and the marks U+200E, U+200F and U+061C. On a certificate
// they can make a name display as something else.
func IsBidiControl(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return r == 0x200E || r == 0x200F || r == 0x061C
}

// checkText reports a text longer than maxLen characters or containing
// control characters or U+FFFD (the mark of a wrongly decoded file).
func checkText(s string, maxLen int) *problem {
	if n := utf8.RuneCountInString(s); n > maxLen {
		return tooLong(maxLen, "%q has %d characters, at most %d are allowed", shorten(s), n, maxLen)
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return invalid(CodeControlChars, "%q contains control characters", shorten(s))
	}
	if strings.ContainsFunc(s, IsBidiControl) {
		return invalid(CodeBidiControls, "%q contains characters that change the direction of text", shorten(s))
	}
	if strings.ContainsRune(s, utf8.RuneError) {
		return invalid(CodeUnreadable, "%q contains an unreadable character (�): save the file as UTF-8 and try again", shorten(s))
	}
	return nil
}

func normalizeName(raw string) (string, *problem) {
	s := cleanText(raw)
	if s == "" {
		return "", required()
	}
	return s, checkText(s, maxNameLen)
}

func normalizeOrganisation(raw string) (string, *problem) {
	s := cleanText(raw)
	return s, checkText(s, maxOrganisationLen)
}

func normalizeEmail(raw string) (string, *problem) {
	s := strings.ToLower(strings.TrimSpace(raw))
	switch {
	case s == "":
		return "", required()
	case utf8.RuneCountInString(s) > maxEmailLen:
		return s, tooLong(maxEmailLen, "%q is longer than %d characters", shorten(s), maxEmailLen)
	case !validEmail(s):
		return s, invalid(CodeEmailInvalid, "%q is not a valid e-mail address", shorten(s))
	}
	return s, nil
}

// validEmail accepts exactly an address (no display name, no comment, no
// angle brackets) whose domain has a dot.
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	return strings.Contains(domain, ".") && !strings.HasPrefix(domain, "[")
}

func normalizeNetworkType(raw string) (string, *problem) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", nil
	}
	if code, ok := ParseNetworkType(s); ok {
		return code, nil
	}
	return "", invalid(CodeNetworkTypeInvalid, "%q is not a known network type (MINT-Region, Fachkräftesicherung, Sonstiges)", shorten(s))
}

func normalizeFederalState(raw string) (string, *problem) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", nil
	}
	if code, ok := ParseFederalState(s); ok {
		return code, nil
	}
	return "", invalid(CodeFederalStateInvalid, "%q is not a German federal state", shorten(s))
}

func normalizePhone(raw string) (string, *problem) {
	s := cleanText(raw)
	if n := utf8.RuneCountInString(s); n > maxPhoneLen {
		return s, tooLong(maxPhoneLen, "%q has %d characters, at most %d are allowed", shorten(s), n, maxPhoneLen)
	}
	if strings.IndexFunc(s, notPhoneRune) >= 0 {
		return s, invalid(CodePhoneInvalid, "%q may contain only digits, spaces and + ( ) / -", shorten(s))
	}
	return s, nil
}

func notPhoneRune(r rune) bool {
	return !('0' <= r && r <= '9') && !strings.ContainsRune(" +()/-", r)
}

// shorten cuts s to maxShownValue characters for a message.
func shorten(s string) string {
	if utf8.RuneCountInString(s) <= maxShownValue {
		return s
	}
	r := []rune(s)
	return string(r[:maxShownValue-1]) + "…"
}
