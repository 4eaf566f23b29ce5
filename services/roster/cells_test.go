package roster

import (
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("ä", n) }
	tests := []struct {
		field  Field
		raw    string
		want   string
		reason Reason // "" when valid
	}{
		{FieldFirstName, "  Zoë   Ćosić-Şahin\u00a0", "Zoë Ćosić-Şahin", ""},
		{FieldFirstName, "Zoe\u0308", "Zoë", ""}, // decomposed (macOS) → NFC
		{FieldFirstName, "Nguyễn", "Nguyễn", ""},
		{FieldFirstName, "Øyvind", "Øyvind", ""},
		{FieldLastName, "Ólafsdóttir", "Ólafsdóttir", ""},
		{FieldLastName, "عبد الله", "عبد الله", ""},
		{FieldLastName, "Светлана\tИванова", "Светлана Иванова", ""},
		{FieldLastName, "Anne-\nMarie", "Anne- Marie", ""},
		{FieldLastName, long(100), long(100), ""},
		{FieldLastName, long(101), long(101), ReasonTooLong},
		{FieldLastName, " \t ", "", ReasonRequired},
		{FieldLastName, "Mül\x00ler", "Mül\x00ler", ReasonInvalid},
		{FieldLastName, "M\uFFFDller", "M\uFFFDller", ReasonInvalid},
		{FieldLastName, "Anna \u202Enhoj", "Anna \u202Enhoj", ReasonInvalid},
		{FieldFirstName, "\u2066Anna\u2069", "\u2066Anna\u2069", ReasonInvalid},
		{FieldOrganisation, "Stadt\u200F Oldenburg", "Stadt\u200F Oldenburg", ReasonInvalid},
		{FieldEmail, " Anna.Schmidt@Example.ORG ", "anna.schmidt@example.org", ""},
		{FieldEmail, "a+kohorte@sub.example.de", "a+kohorte@sub.example.de", ""},
		{FieldEmail, "", "", ReasonRequired},
		{FieldEmail, "Anna <anna@example.org>", "anna <anna@example.org>", ReasonInvalid},
		{FieldEmail, "anna@localhost", "anna@localhost", ReasonInvalid},
		{FieldEmail, "anna@@example.org", "anna@@example.org", ReasonInvalid},
		{FieldEmail, "anna@example.org.", "anna@example.org.", ReasonInvalid},
		{FieldEmail, "anna example@example.org", "anna example@example.org", ReasonInvalid},
		{FieldEmail, "anna@example.org (privat)", "anna@example.org (privat)", ReasonInvalid},
		{FieldEmail, strings.Repeat("a", 64) + "@" + strings.Repeat("b", 187) + ".de", strings.Repeat("a", 64) + "@" + strings.Repeat("b", 187) + ".de", ReasonTooLong},
		{FieldOrganisation, "  Stadt  Oldenburg ", "Stadt Oldenburg", ""},
		{FieldOrganisation, "", "", ""},
		{FieldOrganisation, long(201), long(201), ReasonTooLong},
		{FieldNetworkType, "MINT Region", "mint_region", ""},
		{FieldNetworkType, "", "", ""},
		{FieldNetworkType, "Verein", "", ReasonInvalid},
		{FieldFederalState, " thüringen ", "TH", ""},
		{FieldFederalState, "", "", ""},
		{FieldFederalState, "Bayernn", "", ReasonInvalid},
		{FieldPhone, " +49 (0)441 / 123-45 ", "+49 (0)441 / 123-45", ""},
		{FieldPhone, "", "", ""},
		{FieldPhone, "0441 123456 ext. 7", "0441 123456 ext. 7", ReasonInvalid},
		{FieldPhone, strings.Repeat("1", 51), strings.Repeat("1", 51), ReasonTooLong},
	}
	for _, tt := range tests {
		got, p := normalize(tt.field, tt.raw)
		var reason Reason
		if p != nil {
			reason = p.reason
		}
		if got != tt.want {
			t.Errorf("normalize(%s, %q) = %q; want %q", tt.field, tt.raw, got, tt.want)
		}
		if reason != tt.reason {
			t.Errorf("normalize(%s, %q) reason %q; want %q", tt.field, tt.raw, reason, tt.reason)
		}
	}
}

func TestProblemMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		field Field
		raw   string
		want  string
	}{
		{FieldLastName, strings.Repeat("x", 101), `"` + strings.Repeat("x", 39) + `…" has 101 characters, at most 100 are allowed`},
		{FieldFederalState, "Bayernn", `"Bayernn" is not a German federal state`},
		{FieldEmail, "anna@localhost", `"anna@localhost" is not a valid e-mail address`},
		{FieldLastName, "M\uFFFDller", `"M�ller" contains an unreadable character (�): save the file as UTF-8 and try again`},
	}
	for _, tt := range tests {
		if _, p := normalize(tt.field, tt.raw); p == nil {
			t.Errorf("normalize(%s, %q) found no problem, want %s", tt.field, tt.raw, tt.want)
		} else if p.msg != tt.want {
			t.Errorf("normalize(%s, %q) message = %s, want %s", tt.field, tt.raw, p.msg, tt.want)
		}
	}
}
