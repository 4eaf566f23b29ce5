package api

import (
	"encoding/json"
	"testing"

	"kohorte/services"
)

// TestRuleParamsWriteWhatTheLineCarries: for every reason, the answer's
// params are the line's Params, key for key and in the same order.
func TestRuleParamsWriteWhatTheLineCarries(t *testing.T) {
	t.Parallel()
	n := services.RuleNumbers{Attended: 9, Held: 11, RateTenths: 818, ShareTenths: 500, Min: 80, Remaining: 2, Day: 2, Date: "27.11.2026"}
	for _, r := range services.Reasons() {
		l := services.RuleLine{Reason: r, Numbers: n}
		want := l.Params()
		if want == nil {
			want = services.Params{}
		}
		wantJSON, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		got, err := json.Marshal(toRuleParams(&l))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(wantJSON) {
			t.Errorf("%s: %s, want %s", r, got, wantJSON)
		}
	}
	// Zeros are numbers like any other: nothing attended of nothing held.
	l := services.RuleLine{Reason: services.ReasonAttendanceNotMet, Numbers: services.RuleNumbers{Min: 80}}
	if got, _ := json.Marshal(toRuleParams(&l)); string(got) != `{"attended":0,"held":0,"min":80,"rate":0}` {
		t.Errorf("zeros: %s", got)
	}
}
