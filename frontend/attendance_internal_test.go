package frontend

import (
	"strings"
	"testing"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"kohorte/services"
)

// TestEveryReasonRendersInEveryLanguage renders each eligibility reason
// with the parameters its lines carry, in each language: the lines are
// built from codes and numbers, never from English text.
func TestEveryReasonRendersInEveryLanguage(t *testing.T) {
	t.Parallel()
	bundle, err := loadBundle(files, supportedLangs())
	if err != nil {
		t.Fatal(err)
	}
	p := services.Params{"attended": 9, "held": 11, "rate": 818, "share": 500, "min": 80, "remaining": 2, "day": 2, "date": "27.11.2026"}
	for _, r := range services.Reasons() {
		for _, l := range supportedLangs() {
			v := toEligibilityView(services.Eligibility{Lines: []services.RuleLine{{Reason: r, Params: p}}}, l.Code)
			m := v.Lines[0].Text
			text, err := i18n.NewLocalizer(bundle, l.Code).Localize(&i18n.LocalizeConfig{MessageID: m.ID, TemplateData: m.Data})
			switch {
			case err != nil:
				t.Errorf("%s in %s: %v", r, l.Code, err)
			case text == "" || strings.Contains(text, "<no value>"):
				t.Errorf("%s in %s renders %q", r, l.Code, text)
			}
			if r == services.ReasonAttendanceMet && l.Code == "de" && text != "Anwesenheit 9 von 11 Pflichtterminen = 81,8 % ≥ 80 %: erfüllt" {
				t.Errorf("German line %q", text)
			}
		}
	}
}
