package services

import (
	"maps"
	"regexp"
	"slices"
	"testing"
)

// TestEveryReasonListsTheParamsItsLineShows: each reason names its
// parameters, in alphabetical order as the API writes them, and its
// English line uses none that it does not carry.
func TestEveryReasonListsTheParamsItsLineShows(t *testing.T) {
	t.Parallel()
	placeholder := regexp.MustCompile(`\{(\w+)\}`)
	for reason, msg := range reasonMessages {
		names, ok := reasonParams[reason]
		if !ok {
			t.Errorf("%s has no parameters listed", reason)
		}
		if !slices.IsSorted(names) {
			t.Errorf("%s: parameters %v are not in alphabetical order", reason, names)
		}
		for _, m := range placeholder.FindAllStringSubmatch(msg, -1) {
			if !slices.Contains(names, m[1]) {
				t.Errorf("%s shows {%s}, which it does not carry", reason, m[1])
			}
		}
	}
	if len(reasonParams) != len(reasonMessages) {
		t.Errorf("%d reasons with parameters, %d with messages", len(reasonParams), len(reasonMessages))
	}
}

// TestEnglishLinesWriteTheirNumbers: the English text and the parameters
// come from the same numbers, a rate with its decimal point.
func TestEnglishLinesWriteTheirNumbers(t *testing.T) {
	t.Parallel()
	n := RuleNumbers{Attended: 9, Held: 11, RateTenths: 818, Min: 80, Remaining: 2, ShareTenths: 287, Day: 2, Date: "27.11.2026"}
	cases := []struct {
		reason Reason
		want   string
		params Params
	}{
		{ReasonAttendanceOpen, "Attendance 9 of 11 required sessions = 81.8 % < 80 %: open, 2 required sessions to come",
			Params{"attended": 9, "held": 11, "min": 80, "rate": 818, "remaining": 2}},
		{ReasonClosingAhead, "Closing day 2 (27.11.2026): still ahead: open", Params{"day": 2, "date": "27.11.2026"}},
		{ReasonJuryNotMet, "Jury: group result 28.7 % < 80 %: not met", Params{"min": 80, "share": 287}},
		{ReasonClosingOptional, "Closing: not required by this course: met", nil},
	}
	for _, c := range cases {
		l := RuleLine{Reason: c.reason, Numbers: n}
		if got := l.English(); got != c.want {
			t.Errorf("%s: %q, want %q", c.reason, got, c.want)
		}
		if got := l.Params(); !maps.Equal(got, c.params) {
			t.Errorf("%s: params %v, want %v", c.reason, got, c.params)
		}
	}
}
