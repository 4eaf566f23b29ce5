package roster

import (
	"testing"
)

func TestParseFederalState(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string // "" when not a federal state
	}{
		{"Thüringen", "TH"}, {"Thueringen", "TH"}, {"thuringen", "TH"}, {"THÜRINGEN", "TH"}, {"Thuringia", "TH"},
		{"Baden-Württemberg", "BW"}, {"Baden-Wuerttemberg", "BW"}, {"Baden Württemberg", "BW"}, {"BW", "BW"},
		{"Bayern", "BY"}, {"Bavaria", "BY"}, {"by", "BY"}, {"Freistaat Bayern", "BY"},
		{"Berlin", "BE"}, {"BE", "BE"}, {"Brandenburg", "BB"}, {"DE-BB", "BB"},
		{"Bremen", "HB"}, {"HB", "HB"}, {"Hamburg", "HH"}, {"de-hh", "HH"},
		{"Hessen", "HE"}, {"Hesse", "HE"},
		{"Mecklenburg-Vorpommern", "MV"}, {"Mecklenburg-Western Pomerania", "MV"}, {"MV", "MV"},
		{"Niedersachsen", "NI"}, {"Lower Saxony", "NI"}, {" NI ", "NI"}, {"DE-NI", "NI"},
		{"Nordrhein-Westfalen", "NW"}, {"North Rhine-Westphalia", "NW"}, {"NRW", "NW"}, {"NW", "NW"},
		{"Rheinland-Pfalz", "RP"}, {"Rhineland-Palatinate", "RP"},
		{"Saarland", "SL"}, {"SL", "SL"},
		{"Sachsen", "SN"}, {"Saxony", "SN"}, {"SN", "SN"},
		{"Sachsen-Anhalt", "ST"}, {"Saxony-Anhalt", "ST"}, {"ST", "ST"},
		{"Schleswig-Holstein", "SH"}, {"SH", "SH"},
		{"Bayernn", ""}, {"Deutschland", ""}, {"XX", ""}, {"DE", ""}, {"DE-XX", ""}, {"", ""}, {"Sachsen Anhalt Nord", ""},
	}
	for _, tt := range tests {
		code, ok := ParseFederalState(tt.in)
		if ok != (tt.want != "") {
			t.Errorf("ParseFederalState(%q) ok = %v; want %q", tt.in, ok, tt.want)
		} else if ok && code != tt.want {
			t.Errorf("ParseFederalState(%q) = %q; want %q", tt.in, code, tt.want)
		}
	}
}

func TestFederalStatesTable(t *testing.T) {
	t.Parallel()
	states := FederalStates()
	if len(states) != 16 {
		t.Fatalf("%d federal states", len(states))
	}
	seen := map[string]bool{}
	for _, s := range states {
		if seen[s.Code] {
			t.Errorf("code %s twice", s.Code)
		}
		seen[s.Code] = true
		for _, in := range []string{s.Name, s.Code, "DE-" + s.Code} {
			if code, ok := ParseFederalState(in); !ok {
				t.Errorf("ParseFederalState(%q) refused it; want %s", in, s.Code)
			} else if code != s.Code {
				t.Errorf("ParseFederalState(%q) = %q; want %s", in, code, s.Code)
			}
		}
		if name, ok := FederalStateName(s.Code); !ok {
			t.Errorf("FederalStateName(%s) does not know it", s.Code)
		} else if name != s.Name {
			t.Errorf("FederalStateName(%s) = %q; want %q", s.Code, name, s.Name)
		}
	}
	states[0].Name = "changed"
	if FederalStates()[0].Name != "Baden-Württemberg" {
		t.Error("FederalStates returns shared state")
	}
}

func TestParseNetworkType(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"mint_region", "mint_region"}, {"MINT-Region", "mint_region"}, {"MINT Region", "mint_region"}, {"mint", "mint_region"},
		{"fachkraeftesicherung", "fachkraeftesicherung"}, {"Fachkräftesicherung", "fachkraeftesicherung"},
		{"Fachkraeftesicherung", "fachkraeftesicherung"}, {"Fachkräftenetzwerk", "fachkraeftesicherung"},
		{"other", "other"}, {"Sonstiges", "other"}, {"Andere", "other"}, {"sonstige", "other"},
		{"Verein", ""}, {"", ""}, {"MINT-Region Nord", ""},
	}
	for _, tt := range tests {
		code, ok := ParseNetworkType(tt.in)
		if ok != (tt.want != "") {
			t.Errorf("ParseNetworkType(%q) ok = %v; want %q", tt.in, ok, tt.want)
		} else if ok && code != tt.want {
			t.Errorf("ParseNetworkType(%q) = %q; want %q", tt.in, code, tt.want)
		}
	}
	for _, n := range NetworkTypes() {
		if code, ok := ParseNetworkType(n.Label); !ok {
			t.Errorf("label %q does not parse", n.Label)
		} else if code != n.Code {
			t.Errorf("label %q parses to %q; want %q", n.Label, code, n.Code)
		}
		if label, _ := NetworkTypeLabel(n.Code); label != n.Label {
			t.Errorf("NetworkTypeLabel(%s) = %q", n.Code, label)
		}
	}
}

func TestStatusLabel(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]string{
		"enrolled": "Eingeschrieben", "completed": "Abgeschlossen", "not_passed": "Nicht bestanden", "withdrawn": "Ausgetreten",
	} {
		if got, ok := StatusLabel(code); !ok {
			t.Errorf("StatusLabel(%s) does not know it", code)
		} else if got != want {
			t.Errorf("StatusLabel(%s) = %q; want %q", code, got, want)
		}
	}
	if _, ok := StatusLabel("x"); ok {
		t.Error("unknown status has a label")
	}
}
