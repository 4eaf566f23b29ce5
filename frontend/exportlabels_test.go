package frontend

import (
	"io/fs"
	"testing"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/pelletier/go-toml/v2"

	"kohorte/models"
	"kohorte/services/roster"
)

// TestExportsLabelAsThePagesDo: a file's status and network labels are the
// words the pages show in the same language ("Eingeschrieben", not
// "enrolled"), so a course office finds in Excel what it saw on screen.
func TestExportsLabelAsThePagesDo(t *testing.T) {
	t.Parallel()
	for _, l := range supportedLangs() {
		data, err := fs.ReadFile(files, catalogueFile(l.Code))
		if err != nil {
			t.Fatal(err)
		}
		file, err := i18n.ParseMessageFileBytes(data, catalogueFile(l.Code), map[string]i18n.UnmarshalFunc{"toml": toml.Unmarshal})
		if err != nil {
			t.Fatal(err)
		}
		shown := map[string]string{}
		for _, m := range file.Messages {
			shown[m.ID] = m.Other
		}
		lang := roster.Lang(l.Code)
		for _, status := range enrollmentStatuses {
			if got, _ := roster.StatusLabelIn(lang, string(status)); got != shown["EnrollmentStatus_"+string(status)] {
				t.Errorf("%s: status %s exports as %q, the pages show %q", l.Code, status, got, shown["EnrollmentStatus_"+string(status)])
			}
		}
		for _, n := range []models.NetworkType{models.NetworkMINTRegion, models.NetworkFachkraeftesicherung, models.NetworkOther} {
			if got, _ := roster.NetworkTypeLabelIn(lang, string(n)); got != shown["Network_"+string(n)] {
				t.Errorf("%s: network %s exports as %q, the pages show %q", l.Code, n, got, shown["Network_"+string(n)])
			}
		}
	}
}
