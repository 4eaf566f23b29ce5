package frontend

import (
	"reflect"
	"testing"

	"kohorte/services"
)

// TestServiceMessagesAreTranslated pins the English messages of the
// course and participant services that the UI translates: a service that
// rewords one makes this test fail instead of the page falling back to a
// generic message.
func TestServiceMessagesAreTranslated(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		field, msg, id string
		data           map[string]any
	}{
		{"title", "is required", "ErrRequired", nil},
		{"first_name", "required value is missing", "ErrRequired", nil},
		{"title", "must be at most 300 characters long", "ErrTooLong", map[string]any{"Max": 300}},
		{"last_name", `"Xxxxx" has 120 characters, at most 100 are allowed`, "ErrTooLong", map[string]any{"Max": 100}},
		{"email", `"x@y.de" is longer than 254 characters`, "ErrTooLong", map[string]any{"Max": 254}},
		{"capacity", "must be between 1 and 10000", "ErrBetween", map[string]any{"Min": 1, "Max": 10000}},
		{"capacity", "must be at least the 3 participants enrolled", "ErrCapacityBelowEnrolled", map[string]any{"Count": 3}},
		{"certificate_prefix", "may only hold the letters A to Z and digits", "ErrPrefixChars", nil},
		{"end_date", "must not be before the start date", "ErrEndBeforeStart", nil},
		{"name", "another cohort of this course has this name", "ErrCohortNameTaken", nil},
		{"date", "must not be before the enrollment day 01.03.2023", "ErrWithdrawBeforeEnrolled", map[string]any{"Date": "01.03.2023"}},
		{"email", "another participant has this e-mail address", "ErrParticipantEmailTaken", nil},
		{"email", `"kein at" is not a valid e-mail address`, "ErrEmail", nil},
		{"network_type", `"Weltall" is not a known network type (MINT-Region, Fachkräftesicherung, Sonstiges)`, "ErrNetworkType", nil},
		{"federal_state", `"XX" is not a German federal state`, "ErrFederalState", nil},
		{"phone", `"0441/abc" may contain only digits, spaces and + ( ) / -`, "ErrPhone", nil},
		{"organisation", `"a\tb" contains control characters`, "ErrControlChars", nil},
		{"venue", "must not contain control characters", "ErrControlChars", nil},
		{"last_name", `"M�ller" contains an unreadable character (�): save the file as UTF-8 and try again`, "ErrUnreadable", nil},
		{"logo", "is empty", "ErrLogoEmpty", nil},
		{"logo", "must be at most 1 MB", "ErrLogoTooLarge", nil},
		{"logo", "must be a PNG or JPEG image", "ErrLogoType", nil},
		// The account pages' own translations still win.
		{"name", "must be 1 to 100 characters long", "ErrTokenName", nil},
		{"expires_in_days", "must be between 1 and 366", "ErrTokenDays", nil},
		{"display_name", "is required", "ErrRequired", nil},
	} {
		got := serviceMessage(services.FieldError{Field: tc.field, Message: tc.msg})
		if got.ID != tc.id {
			t.Errorf("%s %q: %s, want %s", tc.field, tc.msg, got.ID, tc.id)
			continue
		}
		for k, v := range tc.data {
			if !reflect.DeepEqual(got.Data[k], v) {
				t.Errorf("%s %q: %s = %#v, want %#v", tc.field, tc.msg, k, got.Data[k], v)
			}
		}
	}
}

func TestTopicErrorsPointAtTheTopicsInput(t *testing.T) {
	t.Parallel()
	err := (&services.ValidationError{}).Add("topics[3]", "must be at most 300 characters long").
		Add("issuers[1].name", "is required")
	errs := serviceFieldErrors(&courseForm{}, err)
	if len(errs) != 2 {
		t.Fatalf("%d field errors, want 2: %+v", len(errs), errs)
	}
	for i, want := range []struct{ field, label string }{{"topics", "FieldTopics"}, {"issuers[1].name", "FieldIssuer2Name"}} {
		if errs[i].Field != want.field {
			t.Errorf("field error %d names field %q, want %q", i, errs[i].Field, want.field)
		}
		if errs[i].Label != want.label {
			t.Errorf("field error %d has label %q, want %q", i, errs[i].Label, want.label)
		}
	}
}
