package roster

import (
	"bytes"
	"testing"
)

// FuzzParseCSV checks that no input makes Parse panic, and that what it
// returns is consistent: rows in increasing line order below the limit, every
// error on its own row.
func FuzzParseCSV(f *testing.F) {
	seeds := []string{
		"Vorname;Nachname;E-Mail\nAnna;Muster;anna@example.org\n",
		bomUTF8 + "First name,Last name,Email,State\n\"A, B\",\"C\nD\",x@y.de,Bavaria\n",
		"Vorname\tNachname\tE-Mail\tTelefon\r\nA\tB\ta@b.de\t+49 (0)1\r\n",
		"\n;;;\nVorname;Nachname;E-Mail;Bundesland;Netzwerk\nA;B;a@b.de;DE-NI;MINT\nA;B;A@B.DE;Bayernn;x\n",
		"Vorname;Nachname;E-Mail\nA;Sch\"midt;a@b.de\n\"open;x\n",
		"Name;Name;Mail\n",
		"\xFF\xFEV\x00o\x00r\x00",
		"M\xfcller;J\xfcrgen\n",
		"PK\x03\x04",
		"\"",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	limits := Limits{MaxBytes: 1 << 16, MaxRows: 50}
	f.Fuzz(func(t *testing.T, data []byte) {
		sh, err := Parse(bytes.NewReader(data), "fuzz.csv", limits)
		if err != nil {
			return
		}
		if len(sh.Rows) > limits.MaxRows {
			t.Fatalf("%d rows over the limit", len(sh.Rows))
		}
		last := 0
		for _, r := range sh.Rows {
			if r.Line <= last {
				t.Fatalf("line %d after %d", r.Line, last)
			}
			last = r.Line
			for _, e := range r.Errors {
				if e.Line != r.Line {
					t.Fatalf("error %+v names line %d, but is on row %d", e, e.Line, r.Line)
				}
				if e.Message == "" {
					t.Fatalf("error %+v on row %d has no message", e, r.Line)
				}
			}
		}
	})
}

// FuzzParseXLSX mutates a small workbook: excelize must not make Parse
// panic on a damaged file.
func FuzzParseXLSX(f *testing.F) {
	f.Add(xlsxBytes(f, sheetSpec{name: "Blatt1", rows: [][]any{
		{"Vorname", "Nachname", "E-Mail", "Telefon"},
		{"Zoë", "Ćosić-Şahin", "zoe@example.org", 4944112345},
	}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Parse(bytes.NewReader(data), "fuzz.xlsx", Limits{MaxBytes: 1 << 16, MaxRows: 50})
	})
}
