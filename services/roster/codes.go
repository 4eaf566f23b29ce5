package roster

import (
	"slices"
	"strings"
)

// FederalState is one of the 16 Länder: its ISO 3166-2:DE code without the
// "DE-" prefix and its German name.
type FederalState struct {
	Code string
	Name string
}

// federalStates is in the order of the German names, the order a form lists
// them in.
var federalStates = [...]FederalState{
	{"BW", "Baden-Württemberg"},
	{"BY", "Bayern"},
	{"BE", "Berlin"},
	{"BB", "Brandenburg"},
	{"HB", "Bremen"},
	{"HH", "Hamburg"},
	{"HE", "Hessen"},
	{"MV", "Mecklenburg-Vorpommern"},
	{"NI", "Niedersachsen"},
	{"NW", "Nordrhein-Westfalen"},
	{"RP", "Rheinland-Pfalz"},
	{"SL", "Saarland"},
	{"SN", "Sachsen"},
	{"ST", "Sachsen-Anhalt"},
	{"SH", "Schleswig-Holstein"},
	{"TH", "Thüringen"},
}

// FederalStates returns the 16 Länder ordered by German name. The slice is a
// fresh copy the caller may keep or change.
func FederalStates() []FederalState {
	return slices.Clone(federalStates[:])
}

// federalStateAliases are the names accepted besides the German name and
// the code: English names, official long forms and common abbreviations.
var federalStateAliases = map[string][]string{
	"BW": {"Baden-Wurttemberg"},
	"BY": {"Bavaria", "Freistaat Bayern", "Free State of Bavaria"},
	"HB": {"Freie Hansestadt Bremen"},
	"HH": {"Freie und Hansestadt Hamburg"},
	"HE": {"Hesse"},
	"MV": {"Mecklenburg-Western Pomerania", "Mecklenburg-West Pomerania", "Mecklenburg-Vorpommern"},
	"NI": {"Lower Saxony"},
	"NW": {"North Rhine-Westphalia", "NRW"},
	"RP": {"Rhineland-Palatinate"},
	"SN": {"Saxony", "Freistaat Sachsen", "Free State of Saxony"},
	"ST": {"Saxony-Anhalt"},
	"TH": {"Thuringia", "Freistaat Thüringen", "Free State of Thuringia"},
}

// federalStateIndex maps folded names (German, English, long forms, with and
// without umlauts) to codes. Read-only after package initialisation.
var federalStateIndex = buildIndex(federalStateNames())

func federalStateNames() map[string][]string {
	names := make(map[string][]string, len(federalStates))
	for _, s := range federalStates {
		names[s.Code] = append([]string{s.Name}, federalStateAliases[s.Code]...)
	}
	return names
}

// ParseFederalState recognises a federal state by German name ("Thüringen",
// "Thueringen", "thuringen"), English name ("Thuringia"), ISO 3166-2:DE code
// ("TH", "DE-TH") or a common abbreviation ("NRW"), ignoring case, spaces and
// hyphens. It returns the two-letter code.
func ParseFederalState(s string) (code string, ok bool) {
	key := foldKey(s)
	if len(key) == 4 && strings.HasPrefix(key, "de") {
		key = key[2:]
	}
	if len(key) == 2 {
		code = strings.ToUpper(key)
		_, ok = FederalStateName(code)
		return code, ok
	}
	code, ok = federalStateIndex[key]
	return code, ok
}

// FederalStateName returns the German name of a federal state code.
func FederalStateName(code string) (string, bool) {
	for _, s := range federalStates {
		if s.Code == code {
			return s.Name, true
		}
	}
	return "", false
}

// NetworkType is a kind of regional network: its code and German label.
type NetworkType struct {
	Code  string
	Label string
}

var networkTypes = [...]NetworkType{
	{"mint_region", "MINT-Region"},
	{"fachkraeftesicherung", "Fachkräftesicherung"},
	{"other", "Sonstiges"},
}

// NetworkTypes returns the network types with their German labels, as a
// fresh copy.
func NetworkTypes() []NetworkType {
	return slices.Clone(networkTypes[:])
}

var networkTypeIndex = buildIndex(map[string][]string{
	"mint_region": {"mint_region", "MINT-Region", "MINT", "MINT-Regionen", "MINT-Netzwerk"},
	"fachkraeftesicherung": {"fachkraeftesicherung", "Fachkräftesicherung", "Fachkräftenetzwerk",
		"Fachkräftesicherungsnetzwerk", "Netzwerk Fachkräftesicherung", "Skilled workers", "Skilled labour",
		"Skilled labour network"},
	"other": {"other", "Sonstiges", "Sonstige", "Andere", "Anderes", "Other", "Others"},
})

// ParseNetworkType recognises a network type by code ("mint_region") or by
// German or English label ("MINT-Region", "MINT Region",
// "Fachkräftesicherung", "Fachkräftenetzwerk", "Sonstiges", "Andere"),
// ignoring case, spaces and hyphens. It returns the code.
func ParseNetworkType(s string) (code string, ok bool) {
	code, ok = networkTypeIndex[foldKey(s)]
	return code, ok
}

// NetworkTypeLabel returns the German label of a network type code.
func NetworkTypeLabel(code string) (string, bool) {
	for _, n := range networkTypes {
		if n.Code == code {
			return n.Label, true
		}
	}
	return "", false
}

// StatusLabel returns the German label of an enrollment status code
// ("enrolled" → "Eingeschrieben").
func StatusLabel(code string) (string, bool) {
	return StatusLabelIn(German, code)
}
