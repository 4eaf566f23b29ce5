package frontend

import (
	"reflect"
	"strings"
	"testing"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"kohorte/services"
	"kohorte/services/roster"
)

// TestServiceCodesAreTranslated pins which catalogue message, with which
// placeholders, the pages show for the codes of the course, participant
// and account rules.
func TestServiceCodesAreTranslated(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		field string
		code  services.Code
		kv    []any
		id    string
		data  map[string]any
	}{
		{"title", services.CodeRequired, nil, "ErrRequired", nil},
		{"first_name", roster.CodeRequired, nil, "ErrRequired", nil},
		{"title", services.CodeTooLong, []any{"max", 300}, "ErrTooLong", map[string]any{"Max": 300}},
		{"last_name", roster.CodeTooLong, []any{"max", 100}, "ErrTooLong", map[string]any{"Max": 100}},
		{"email", roster.CodeTooLong, []any{"max", 254}, "ErrTooLong", map[string]any{"Max": 254}},
		{"capacity", services.CodeOutOfRange, []any{"min", 1, "max", 10000}, "ErrBetween", map[string]any{"Min": 1, "Max": 10000}},
		{"capacity", services.CodeCohortCapacityBelowEnroll, []any{"count", 3}, "ErrCapacityBelowEnrolled", map[string]any{"Count": 3}},
		{"certificate_prefix", services.CodeCoursePrefixChars, nil, "ErrPrefixChars", nil},
		{"end_date", services.CodeCohortEndBeforeStart, nil, "ErrEndBeforeStart", nil},
		{"name", services.CodeCohortNameTaken, nil, "ErrCohortNameTaken", nil},
		{"date", services.CodeWithdrawalBeforeEnroll, []any{"date", "01.03.2023"}, "ErrWithdrawBeforeEnrolled", map[string]any{"Date": "01.03.2023"}},
		{"email", services.CodeParticipantEmailTaken, nil, "ErrParticipantEmailTaken", nil},
		{"email", roster.CodeEmailInvalid, []any{"value", "kein at"}, "ErrEmail", nil},
		{"network_type", roster.CodeNetworkTypeInvalid, []any{"value", "Weltall"}, "ErrNetworkType", nil},
		{"federal_state", roster.CodeFederalStateInvalid, []any{"value", "XX"}, "ErrFederalState", nil},
		{"phone", roster.CodePhoneInvalid, []any{"value", "0441/abc"}, "ErrPhone", nil},
		{"organisation", roster.CodeControlChars, []any{"value", "a\tb"}, "ErrControlChars", nil},
		{"venue", services.CodeControlChars, nil, "ErrControlChars", nil},
		{"last_name", roster.CodeUnreadable, []any{"value", "M\uFFFDller"}, "ErrUnreadable", nil},
		{"logo", services.CodeLogoEmpty, nil, "ErrLogoEmpty", nil},
		{"logo", services.CodeLogoTooLarge, []any{"mb", 1}, "ErrLogoTooLarge", nil},
		{"logo", services.CodeLogoType, nil, "ErrLogoType", nil},
		{"name", services.CodeAPITokenNameLength, []any{"min", 1, "max", 100}, "ErrTokenName", nil},
		{"expires_in_days", services.CodeAPITokenDays, []any{"min", 1, "max", 366}, "ErrTokenDays", map[string]any{"Max": 366}},
		{"display_name", services.CodeRequired, nil, "ErrRequired", nil},
	} {
		verr := (&services.ValidationError{}).Add(tc.field, services.Code(tc.code), tc.kv...)
		got := serviceMessage(verr.Fields[0])
		if got.ID != tc.id {
			t.Errorf("%s %s: %s, want %s", tc.field, tc.code, got.ID, tc.id)
			continue
		}
		for k, v := range tc.data {
			if !reflect.DeepEqual(got.Data[k], v) {
				t.Errorf("%s %s: %s = %#v, want %#v", tc.field, tc.code, k, got.Data[k], v)
			}
		}
	}
}

// TestEveryCodeRendersInEveryLanguage renders the message of every code the
// services declare, with every parameter its English message names, in
// each language: a code without a message, or a message whose placeholder
// the code does not fill, fails here.
func TestEveryCodeRendersInEveryLanguage(t *testing.T) {
	t.Parallel()
	bundle, err := loadBundle(files, supportedLangs())
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range services.Codes() {
		if _, ok := codeMessages[code]; !ok {
			t.Errorf("code %s has no catalogue message", code)
			continue
		}
		msg := codeMessage(code, sampleParams(code))
		for _, l := range supportedLangs() {
			text, err := i18n.NewLocalizer(bundle, l.Code).Localize(&i18n.LocalizeConfig{
				MessageID: msg.ID, TemplateData: msg.Data, PluralCount: msg.Data["Count"]})
			switch {
			case err != nil:
				t.Errorf("%s in %s: %v", code, l.Code, err)
			case text == "" || strings.Contains(text, "<no value>"):
				t.Errorf("%s in %s renders %q", code, l.Code, text)
			}
		}
	}
	for _, code := range roster.Codes() {
		if _, ok := cellMessages[code]; !ok {
			t.Errorf("cell code %s has no catalogue message", code)
		}
	}
}

// sampleParams fills every parameter that code's English message names.
func sampleParams(code services.Code) services.Params {
	p := services.Params{}
	msg := code.English(nil)
	for {
		i := strings.IndexByte(msg, '{')
		j := strings.IndexByte(msg, '}')
		if i < 0 || j < i {
			return p
		}
		p[msg[i+1:j]] = 2
		msg = msg[j+1:]
	}
}

func TestTopicErrorsPointAtTheTopicsInput(t *testing.T) {
	t.Parallel()
	err := (&services.ValidationError{}).Add("topics[3]", services.CodeTooLong, "max", 300).
		Add("issuers[1].name", services.CodeRequired)
	errs := serviceFieldErrors(&courseForm{}, err)
	if len(errs) != 2 {
		t.Fatalf("field errors: %+v, want 2", errs)
	}
	if errs[0].Field != "topics" || errs[0].Label != "FieldTopics" {
		t.Errorf("first error at %s (%s), want topics (FieldTopics)", errs[0].Field, errs[0].Label)
	}
	if errs[1].Field != "issuers[1].name" || errs[1].Label != "FieldIssuer2Name" {
		t.Errorf("second error at %s (%s), want issuers[1].name (FieldIssuer2Name)", errs[1].Field, errs[1].Label)
	}
}
