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
	n := services.RuleNumbers{Attended: 9, Held: 11, RateTenths: 818, ShareTenths: 500, Min: 80, Remaining: 2, Day: 2, Date: "27.11.2026"}
	for _, r := range services.Reasons() {
		for _, l := range supportedLangs() {
			m := lineMessage(services.RuleLine{Reason: r, Numbers: n}, decimalMarks[l.Code])
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

// The grid's cells are written in Go, not by the template: a note is what
// staff typed, and it must come out as text inside its attribute.
func TestGridCellsEscapeWhatTheyShow(t *testing.T) {
	words := &cellWords{Mark: "V", Label: "Anwesend vor Ort", Title: `Anwesend "vor Ort" · Setzen auf: A&B`}
	row := gridRowView{Cells: []gridCell{
		{Expected: true, Key: "present_on_site", Set: "7.9.present_remote", Note: `"><script>alert(1)</script>`, L: words},
		{L: &cellWords{Mark: "–", Label: "<nicht erwartet>", Title: "x"}},
	}}
	got := string(row.CellsHTML())
	for _, want := range []string{
		`<td><button class="att-cell att--present_on_site" name="cell" value="7.9.present_remote" aria-label="Anwesend vor Ort" ` +
			`title="Anwesend &#34;vor Ort&#34; · Setzen auf: A&amp;B · &#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">V</button></td>`,
		`<td><span class="att att--unexpected" role="img" aria-label="&lt;nicht erwartet&gt;" title="x">–</span></td>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("cells:\n%s\nwant to contain\n%s", got, want)
		}
	}
	if strings.Contains(got, "<script") {
		t.Errorf("a note's markup reached the page: %s", got)
	}
}
