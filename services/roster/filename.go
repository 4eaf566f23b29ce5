package roster

import (
	"fmt"
	"strings"
	"unicode"
)

// ContentDisposition is the header of a download named after name, with
// ext such as ".csv": a plain ASCII file name for every browser, and the
// name as written, in UTF-8 after RFC 5987, for those that read it.
func ContentDisposition(name, ext string) string {
	return fmt.Sprintf(`attachment; filename="%s%s"; filename*=UTF-8''%s%s`,
		asciiFileName(name), ext, rfc5987(fileName(name)), ext)
}

// umlauts are spelled out as German does without them.
var umlauts = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue", "ß", "ss")

// asciiFileName makes a file name of lower-case letters, digits and
// hyphens: "Herbst/Winter 2020/21" becomes "herbst-winter-2020-21". Other
// letters lose their accents where they have a plain base letter and are
// dropped otherwise.
func asciiFileName(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(umlauts.Replace(name)) {
		r = plainLetter(r)
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			hyphen = false
		case unicode.IsLetter(r):
			// A letter without a plain form, such as "ł" or "中", is left
			// out rather than turned into a hyphen.
		default:
			hyphen = true
		}
	}
	if b.Len() == 0 {
		return "kohorte"
	}
	return b.String()
}

// plainLetters are the base letters of accented Latin letters common in
// names, for file names only.
var plainLetters = map[rune]rune{
	'à': 'a', 'á': 'a', 'â': 'a', 'ã': 'a', 'å': 'a', 'ą': 'a', 'ç': 'c', 'ć': 'c', 'č': 'c', 'è': 'e', 'é': 'e',
	'ê': 'e', 'ë': 'e', 'ę': 'e', 'ě': 'e', 'ğ': 'g', 'ì': 'i', 'í': 'i', 'î': 'i', 'ï': 'i', 'ı': 'i', 'ł': 'l',
	'ñ': 'n', 'ń': 'n', 'ň': 'n', 'ò': 'o', 'ó': 'o', 'ô': 'o', 'õ': 'o', 'ø': 'o', 'ř': 'r', 'ś': 's', 'š': 's',
	'ş': 's', 'ù': 'u', 'ú': 'u', 'û': 'u', 'ů': 'u', 'ý': 'y', 'ź': 'z', 'ż': 'z', 'ž': 'z',
}

func plainLetter(r rune) rune {
	if p, ok := plainLetters[r]; ok {
		return p
	}
	return r
}

// fileName keeps name as written but replaces what file systems refuse
// and turns spaces into hyphens, so that the name reads like the ASCII
// one: "kohorte-Frühjahr-2023".
func fileName(name string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || strings.ContainsRune(`/\:*?"<>|`, r) || unicode.IsControl(r) {
			return '-'
		}
		return r
	}, name)
}

// rfc5987 percent-encodes s as the value of an extended parameter such as
// filename*: every byte outside the attr-char set of RFC 5987.
func rfc5987(s string) string {
	const attrChar = "!#$&+-.^_`|~"
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(attrChar, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// DocumentDisposition names the download of an issued document
// Nachname_Vorname_KOH-2023-0016.pdf: in the plain parameter with the
// letters spelled in ASCII, in filename* (RFC 6266) as the name is
// written. inline shows it in the browser instead of saving it.
func DocumentDisposition(lastName, firstName, number string, inline bool) string {
	kind := "attachment"
	if inline {
		kind = "inline"
	}
	var ascii []string
	for _, p := range []string{lastName, firstName, number} {
		if a := asciiNamePart(p); a != "" {
			ascii = append(ascii, a)
		}
	}
	return fmt.Sprintf(`%s; filename="%s.pdf"; filename*=UTF-8''%s`, kind,
		strings.Join(ascii, "_"), rfc5987(DocumentFileName(lastName, firstName, number)))
}

// DocumentFileName is the name of an issued document's file as written,
// Ćosić-Şahin_Zoë_KOH-2023-0016.pdf: the name of its download and of its
// entry in a cohort's ZIP.
func DocumentFileName(lastName, firstName, number string) string {
	utf := make([]string, 0, 3)
	for _, p := range []string{lastName, firstName, number} {
		if u := strings.Trim(fileName(strings.TrimSpace(p)), "-."); u != "" {
			utf = append(utf, u)
		}
	}
	return strings.Join(utf, "_") + ".pdf"
}

// asciiNamePart keeps a name's case but spells it in ASCII letters,
// digits and hyphens: "Ćosić-Şahin" becomes "Cosic-Sahin", "Zoë" "Zoe".
func asciiNamePart(s string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range umlauts.Replace(s) {
		lower := unicode.ToLower(r)
		if p := plainLetter(lower); p != lower {
			if unicode.IsUpper(r) {
				p = unicode.ToUpper(p)
			}
			r = p
		}
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			hyphen = false
		case unicode.IsLetter(r):
		default:
			hyphen = true
		}
	}
	return b.String()
}
