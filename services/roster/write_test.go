package roster

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func sampleExport() []ExportRow {
	withdrawn := time.Date(2023, 4, 15, 23, 30, 0, 0, time.FixedZone("CEST", 2*3600))
	return []ExportRow{
		{LastName: "Ćosić-Şahin", FirstName: "Zoë", Email: "zoe@example.org", Organisation: `Stadt Oldenburg; Amt für "Wirtschaft"`,
			NetworkType: "mint_region", FederalState: "NI", Phone: "+49 441 123456", Status: "enrolled", EnrolledAt: day(2023, 3, 1)},
		{LastName: "Müller", FirstName: "Jürgen", Email: "j.mueller@example.org", Organisation: `=HYPERLINK("http://x")`,
			NetworkType: "fachkraeftesicherung", FederalState: "TH", Status: "withdrawn", EnrolledAt: day(2023, 3, 1),
			WithdrawnAt: &withdrawn, WithdrawalReason: "Jobwechsel\nneue Stelle"},
		{LastName: "@Anna", FirstName: "-Ben", Email: "x@example.org", NetworkType: "other", FederalState: "XX", Status: "not_passed"},
	}
}

func TestWriteCSV(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, sampleExport()); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFFNachname;Vorname;E-Mail;Organisation;Netzwerk;Bundesland;Telefon;Status;Eingeschrieben am;Ausgetreten am;Austrittsgrund\r\n" +
		`Ćosić-Şahin;Zoë;zoe@example.org;"Stadt Oldenburg; Amt für ""Wirtschaft""";MINT-Region;Niedersachsen;'+49 441 123456;Eingeschrieben;01.03.2023;;` + "\r\n" +
		`Müller;Jürgen;j.mueller@example.org;"'=HYPERLINK(""http://x"")";Fachkräftesicherung;Thüringen;;Ausgetreten;01.03.2023;15.04.2023;"Jobwechsel` + "\r\n" + `neue Stelle"` + "\r\n" +
		`'@Anna;'-Ben;x@example.org;;Sonstiges;XX;;Nicht bestanden;;;` + "\r\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestWriteXLSX(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, "Frühjahr 2023", sampleExport()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const sheet = "Frühjahr 2023"
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{sheet}) {
		t.Fatalf("sheets = %q", got)
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Nachname", "Vorname", "E-Mail", "Organisation", "Netzwerk", "Bundesland", "Telefon", "Status", "Eingeschrieben am", "Ausgetreten am", "Austrittsgrund"},
		{"Ćosić-Şahin", "Zoë", "zoe@example.org", `Stadt Oldenburg; Amt für "Wirtschaft"`, "MINT-Region", "Niedersachsen", "+49 441 123456", "Eingeschrieben", "01.03.2023"},
		{"Müller", "Jürgen", "j.mueller@example.org", `=HYPERLINK("http://x")`, "Fachkräftesicherung", "Thüringen", "", "Ausgetreten", "01.03.2023", "15.04.2023", "Jobwechsel\nneue Stelle"},
		{"@Anna", "-Ben", "x@example.org", "", "Sonstiges", "XX", "", "Nicht bestanden"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows =\n%q\nwant\n%q", rows, want)
	}
	// Dates are numbers (Excel serial days), not text.
	for cell, serial := range map[string]string{"I2": "44986", "J3": "45031"} {
		if v, _ := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true}); v != serial {
			t.Errorf("%s raw = %q, want %s", cell, v, serial)
		}
	}
	// The formula-like text is a string cell, not a formula.
	if formula, _ := f.GetCellFormula(sheet, "D3"); formula != "" {
		t.Errorf("D3 has formula %q", formula)
	}
	styleID, _ := f.GetCellStyle(sheet, "A1")
	if style, err := f.GetStyle(styleID); err != nil {
		t.Errorf("header style: %v", err)
	} else if style.Font == nil {
		t.Errorf("header style = %+v has no font; want bold", style)
	} else if !style.Font.Bold {
		t.Errorf("header font = %+v; want bold", style.Font)
	}
	panes, _ := f.GetPanes(sheet)
	if !panes.Freeze {
		t.Errorf("panes = %+v, want them frozen", panes)
	}
	if panes.YSplit != 1 {
		t.Errorf("panes split at row %d, want 1", panes.YSplit)
	}
	if panes.TopLeftCell != "A2" {
		t.Errorf("panes start at %s, want A2", panes.TopLeftCell)
	}
	if w, _ := f.GetColWidth(sheet, "C"); w != 32 {
		t.Errorf("width of E-Mail column = %v", w)
	}
}

// An export imports again, in either language: the headers map back to
// fields, the other columns are reported as ignored, labels (German and
// English network types) become codes again.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	rows := exportRows(40)
	rows[3].Organisation = "=1+2"
	rows[4].LastName = "-Strich"
	writers := map[string]func(*bytes.Buffer) error{
		"export.csv":     func(b *bytes.Buffer) error { return WriteCSV(b, rows) },
		"export.xlsx":    func(b *bytes.Buffer) error { return WriteXLSX(b, "Kohorte", rows) },
		"export-en.csv":  func(b *bytes.Buffer) error { return WriteCSVIn(b, English, rows) },
		"export-en.xlsx": func(b *bytes.Buffer) error { return WriteXLSXIn(b, English, "Cohort", rows) },
	}
	ignored := map[bool][]string{
		false: {"Status", "Eingeschrieben am", "Ausgetreten am", "Austrittsgrund"},
		true:  {"Status", "Enrolled on", "Withdrawn on", "Reason for withdrawal"},
	}
	for name, write := range writers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := write(&buf); err != nil {
				t.Fatal(err)
			}
			sh := parseBytes(t, buf.Bytes(), name)
			english := strings.Contains(name, "-en")
			if want := ignored[english]; !reflect.DeepEqual(sh.IgnoredColumns, want) {
				t.Errorf("ignored = %q, want %q", sh.IgnoredColumns, want)
			}
			if len(sh.Columns) != 7 {
				t.Errorf("%d columns %v, want 7", len(sh.Columns), sh.Columns)
			}
			if got, want := sh.Columns[FieldNetworkType], ExportHeaders(map[bool]Lang{false: German, true: English}[english])[4]; got != want {
				t.Errorf("network column %q, want %q", got, want)
			}
			if len(sh.Rows) != len(rows) {
				t.Fatalf("%d rows, want %d", len(sh.Rows), len(rows))
			}
			for i, r := range sh.Rows {
				want := Person{
					FirstName: rows[i].FirstName, LastName: rows[i].LastName, Email: rows[i].Email,
					Organisation: rows[i].Organisation, NetworkType: rows[i].NetworkType,
					FederalState: rows[i].FederalState, Phone: rows[i].Phone,
				}
				if r.Line != i+2 {
					t.Errorf("row %d: line %d, want %d", i, r.Line, i+2)
				}
				if !r.Valid() {
					t.Errorf("row %d: errors %v", i, r.Errors)
				}
				if r.Values != want {
					t.Errorf("row %d:\n got %+v\nwant %+v", i, r.Values, want)
				}
			}
		})
	}
}

func TestSanitizeSheetName(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Frühjahr 2023", "Frühjahr 2023"},
		{"Herbst/Winter 2020/21", "Herbst-Winter 2020-21"},
		{"Frühjahr 2023 / Gruppe [A]: Teilnehmende Liste", "Frühjahr 2023 - Gruppe -A-- Tei"},
		{"'Zitat'", "Zitat"},
		{"   ", "Teilnehmende"},
		{"", "Teilnehmende"},
		{strings.Repeat("😀", 20), strings.Repeat("😀", 15)},
	}
	for _, tt := range tests {
		if got := sanitizeSheetName(tt.in); got != tt.want {
			t.Errorf("sanitizeSheetName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
