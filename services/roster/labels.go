package roster

// Lang is the language an export or template is written in: the language
// of the request, so that a file reads as the page it came from. Both
// languages' headers and labels are read back by Parse.
type Lang string

// The languages of exports; any other value writes German.
const (
	German  Lang = "de"
	English Lang = "en"
)

// labels are the words of one language in a file.
type labels struct {
	headers [len(exportWidths)]string
	// status and network are written as the UI shows them (its catalogue
	// keys EnrollmentStatus_* and Network_*); a test holds them equal.
	status, network map[string]string
}

var labelsOf = map[Lang]labels{
	German: {
		headers: [...]string{"Nachname", "Vorname", "E-Mail", "Organisation", "Netzwerk", "Bundesland", "Telefon",
			"Status", "Eingeschrieben am", "Ausgetreten am", "Austrittsgrund"},
		status: map[string]string{"enrolled": "Eingeschrieben", "completed": "Abgeschlossen",
			"not_passed": "Nicht bestanden", "withdrawn": "Ausgetreten"},
		network: map[string]string{"mint_region": "MINT-Region", "fachkraeftesicherung": "Fachkräftesicherung", "other": "Sonstiges"},
	},
	English: {
		headers: [...]string{"Last name", "First name", "E-mail", "Organisation", "Network type", "Federal state", "Phone",
			"Status", "Enrolled on", "Withdrawn on", "Reason for withdrawal"},
		status: map[string]string{"enrolled": "Enrolled", "completed": "Completed",
			"not_passed": "Not passed", "withdrawn": "Withdrawn"},
		network: map[string]string{"mint_region": "MINT region", "fachkraeftesicherung": "Skilled labour network", "other": "Other"},
	},
}

// labelsFor returns the words of lang, German for any language it does
// not know.
func labelsFor(lang Lang) labels {
	if l, ok := labelsOf[lang]; ok {
		return l
	}
	return labelsOf[German]
}

// StatusLabelIn returns the label of an enrollment status as the UI shows
// it in lang ("enrolled" → "Eingeschrieben", "Enrolled").
func StatusLabelIn(lang Lang, code string) (string, bool) {
	l, ok := labelsFor(lang).status[code]
	return l, ok
}

// NetworkTypeLabelIn returns the label of a network type in lang.
func NetworkTypeLabelIn(lang Lang, code string) (string, bool) {
	l, ok := labelsFor(lang).network[code]
	return l, ok
}

// ExportHeaders returns the headers of a cohort's list in lang, in column
// order.
func ExportHeaders(lang Lang) []string {
	h := labelsFor(lang).headers
	return h[:]
}
