package roster

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"
)

func TestParseCSVEncodingsAndSeparators(t *testing.T) {
	t.Parallel()
	semi := "Nachname;Vorname;E-Mail;Bundesland;Netzwerk\n" +
		"Müller;Jürgen;J.Mueller@Example.org;Thüringen;Fachkräftesicherung\n"
	comma := strings.ReplaceAll(semi, ";", ",")
	tab := strings.ReplaceAll(semi, ";", "\t")
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(strings.ReplaceAll(tab, "\n", "\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{{Line: 2, Values: Person{
		FirstName: "Jürgen", LastName: "Müller", Email: "j.mueller@example.org",
		FederalState: "TH", NetworkType: "fachkraeftesicherung",
	}}}
	tests := []struct {
		name     string
		data     []byte
		encoding string
		sep      rune
	}{
		{"utf-8 semicolon", []byte(semi), "utf-8", ';'},
		{"utf-8 with BOM, comma", []byte(bomUTF8 + comma), "utf-8-bom", ','},
		{"windows-1252 semicolon", win1252(t, semi), "windows-1252", ';'},
		{"windows-1252 CRLF", win1252(t, strings.ReplaceAll(semi, "\n", "\r\n")), "windows-1252", ';'},
		{"utf-8 tab", []byte(tab), "utf-8", '\t'},
		{"utf-16 tab (Excel Unicode text)", []byte(utf16), "utf-16le", '\t'},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sh := parseBytes(t, tt.data, "teilnehmende.csv")
			if sh.Format != "csv" {
				t.Errorf("format %q, want csv", sh.Format)
			}
			if sh.Encoding != tt.encoding {
				t.Errorf("encoding %q, want %q", sh.Encoding, tt.encoding)
			}
			if sh.Separator != tt.sep {
				t.Errorf("separator %q, want %q", sh.Separator, tt.sep)
			}
			if !reflect.DeepEqual(sh.Rows, want) {
				t.Errorf("rows = %+v\nwant   %+v", sh.Rows, want)
			}
			wantCols := map[Field]string{
				FieldLastName: "Nachname", FieldFirstName: "Vorname", FieldEmail: "E-Mail",
				FieldFederalState: "Bundesland", FieldNetworkType: "Netzwerk",
			}
			if !reflect.DeepEqual(sh.Columns, wantCols) {
				t.Errorf("columns = %v, want %v", sh.Columns, wantCols)
			}
		})
	}
}

// Line numbers are Excel's row numbers: a line break inside quotes does not
// start a row, a blank line does.
func TestParseCSVQuotingAndLineNumbers(t *testing.T) {
	t.Parallel()
	data := csvText(
		`Vorname,Nachname,E-Mail,Organisation`,
		`"Anna","Schmidt, geb. Weber",anna@example.org,"Stadt Oldenburg; Amt für ""Wirtschaft"""`,
		`Ben,Becker,ben@example.org,"Landkreis Ammerland`,
		`Stabsstelle Fachkräfte"`,
		`Carla,,carla@example.org,`,
		``,
		`,,,`,
		`Dora, Dietrich, dora@example.org, "Verein ""MINT, Nord"""`,
	)
	sh := parseBytes(t, []byte(data), "liste.csv")
	want := []Row{
		{Line: 2, Values: Person{FirstName: "Anna", LastName: "Schmidt, geb. Weber", Email: "anna@example.org", Organisation: `Stadt Oldenburg; Amt für "Wirtschaft"`}},
		{Line: 3, Values: Person{FirstName: "Ben", LastName: "Becker", Email: "ben@example.org", Organisation: "Landkreis Ammerland Stabsstelle Fachkräfte"}},
		{Line: 4, Values: Person{FirstName: "Carla", Email: "carla@example.org"}, Errors: []CellError{{
			Line: 4, Column: "Nachname", Field: FieldLastName, Reason: ReasonRequired, Code: CodeRequired, Message: "required value is missing",
		}}},
		{Line: 7, Values: Person{FirstName: "Dora", LastName: "Dietrich", Email: "dora@example.org", Organisation: `Verein "MINT, Nord"`}},
	}
	if sh.Separator != ',' {
		t.Errorf("separator = %q, want ','", sh.Separator)
	}
	if !reflect.DeepEqual(sh.Rows, want) {
		t.Errorf("rows =\n%+v\nwant\n%+v", sh.Rows, want)
	}
	if got := sh.Rows[2].Errors[0].Error(); got != `row 4, column "Nachname": required value is missing` {
		t.Errorf("error = %s", got)
	}
}

func TestParseCSVHeaderAfterBlankLines(t *testing.T) {
	t.Parallel()
	sh := parseBytes(t, []byte(csvText("", ";;;", "Vorname;Nachname;E-Mail", "A;B;a@example.org")), "x.csv")
	if len(sh.Rows) != 1 {
		t.Errorf("rows = %+v; want one", sh.Rows)
	} else if sh.Rows[0].Line != 4 {
		t.Errorf("row at line %d; want 4", sh.Rows[0].Line)
	}
	if sh.Separator != ';' {
		t.Errorf("separator %q; want ';'", sh.Separator)
	}
}

// A "sep=" line, which Excel hides, names the separator and is no row.
// Without it this header would tie, three ',' against three ';'.
func TestParseCSVSepLine(t *testing.T) {
	t.Parallel()
	data := "sep=,\r\nVorname,Nachname,E-Mail,Hinweis; Ort; Datum; Zeit\r\nA,B,a@example.org,x; y; z; w\r\n"
	sh := parseBytes(t, []byte(data), "x.csv")
	want := []Row{{Line: 2, Values: Person{FirstName: "A", LastName: "B", Email: "a@example.org"}}}
	if sh.Separator != ',' {
		t.Errorf("separator %q, want ','", sh.Separator)
	}
	if !reflect.DeepEqual(sh.Rows, want) {
		t.Errorf("rows %+v, want %+v", sh.Rows, want)
	}
	if ignored := []string{"Hinweis; Ort; Datum; Zeit"}; !reflect.DeepEqual(sh.IgnoredColumns, ignored) {
		t.Errorf("ignored %q, want %q", sh.IgnoredColumns, ignored)
	}
	if sep := detectSeparator([]byte(data[len("sep=,\r\n"):])); sep != ';' {
		t.Errorf("without sep= line: %q, want ';'", sep)
	}
}

// A file with three good and two bad rows yields five rows and exactly the
// two expected errors.
func TestParseCSVReportsEveryBadRow(t *testing.T) {
	t.Parallel()
	data := csvText(
		"Vorname;Nachname;E-Mail;Bundesland;Telefon",
		"Anna;Schmidt;anna@example.org;Niedersachsen;0441 123456",
		"Ben;Becker;ben@example.org;Bayernn;",
		"Carla;Conrad;carla@example.org;DE-SL;+49 (0)681 / 12-34",
		"Dora;Dietrich;dora@example.org;Thueringen;",
		"Emil;Engel;ANNA@example.org;;",
	)
	sh := parseBytes(t, []byte(data), "x.csv")
	if len(sh.Rows) != 5 {
		t.Fatalf("got %d rows, want 5", len(sh.Rows))
	}
	wantErrs := []CellError{
		{Line: 3, Column: "Bundesland", Field: FieldFederalState, Reason: ReasonInvalid, Code: CodeFederalStateInvalid, Value: "Bayernn",
			Message: `"Bayernn" is not a German federal state`},
		{Line: 6, Column: "E-Mail", Field: FieldEmail, Reason: ReasonDuplicate, Code: CodeDuplicateEmail, Value: "anna@example.org", FirstLine: 2,
			Message: `"anna@example.org" already appears in row 2`},
	}
	if got := sh.Errors(); !reflect.DeepEqual(got, wantErrs) {
		t.Errorf("errors =\n%+v\nwant\n%+v", got, wantErrs)
	}
	wantText := []string{
		`row 3, column "Bundesland": "Bayernn" is not a German federal state`,
		`row 6, column "E-Mail": "anna@example.org" already appears in row 2`,
	}
	for i, e := range sh.Errors() {
		if e.Error() != wantText[i] {
			t.Errorf("Error() = %s, want %s", e.Error(), wantText[i])
		}
	}
	wantStates := []string{"NI", "", "SL", "TH", ""}
	for i, r := range sh.Rows {
		if r.Values.FederalState != wantStates[i] {
			t.Errorf("row %d: state %q, want %q", i, r.Values.FederalState, wantStates[i])
		}
		if r.Line != i+2 {
			t.Errorf("row %d: line %d, want %d", i, r.Line, i+2)
		}
		if want := i != 1 && i != 4; r.Valid() != want {
			t.Errorf("row %d: valid %v, want %v", i, r.Valid(), want)
		}
	}
	if p := sh.Rows[2].Values.Phone; p != "+49 (0)681 / 12-34" {
		t.Errorf("phone = %q", p)
	}
}

// One row with a problem in every column reports them all, in column order.
func TestParseCSVAllErrorsOfARow(t *testing.T) {
	t.Parallel()
	data := csvText(
		"E-Mail;Vorname;Nachname;Netzwerk;Bundesland;Telefon",
		"max.mustermann@;;Muster\x01mann;Verein;Bavaria;0170-123#4",
	)
	sh := parseBytes(t, []byte(data), "x.csv")
	var got []string
	for _, e := range sh.Errors() {
		got = append(got, e.Error())
	}
	want := []string{
		`row 2, column "E-Mail": "max.mustermann@" is not a valid e-mail address`,
		`row 2, column "Vorname": required value is missing`,
		`row 2, column "Nachname": "Muster\x01mann" contains control characters`,
		`row 2, column "Netzwerk": "Verein" is not a known network type (MINT-Region, Fachkräftesicherung, Sonstiges)`,
		`row 2, column "Telefon": "0170-123#4" may contain only digits, spaces and + ( ) / -`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("errors =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if st := sh.Rows[0].Values.FederalState; st != "BY" {
		t.Errorf("Bavaria → %q, want BY", st)
	}
}

func TestParseCSVMalformedRowDoesNotStop(t *testing.T) {
	t.Parallel()
	data := csvText(
		"Vorname;Nachname;E-Mail",
		`Anna;Sch"midt;anna@example.org`,
		"Ben;Becker;ben@example.org",
	)
	sh := parseBytes(t, []byte(data), "x.csv")
	if len(sh.Rows) != 2 {
		t.Fatalf("rows = %+v; want 2", sh.Rows)
	}
	if sh.Rows[1].Line != 3 {
		t.Fatalf("second row at line %d; want 3", sh.Rows[1].Line)
	}
	if !sh.Rows[1].Valid() {
		t.Fatalf("second row is not valid: %+v", sh.Rows[1])
	}
	errs := sh.Rows[0].Errors
	if len(errs) != 1 {
		t.Fatalf("errors = %+v; want 1", errs)
	}
	if errs[0].Reason != ReasonMalformed {
		t.Fatalf("error reason %v; want malformed", errs[0].Reason)
	}
	if errs[0].Line != 2 {
		t.Fatalf("error on line %d; want 2", errs[0].Line)
	}
	want := `row 2: the row is not valid CSV: a value with quotes (") must be enclosed in quotes, and each quote inside doubled ("")`
	if errs[0].Error() != want {
		t.Errorf("Error() = %s\nwant      %s", errs[0].Error(), want)
	}
}

// An exported value guarded with an apostrophe imports as it was.
func TestParseCSVRemovesFormulaGuard(t *testing.T) {
	t.Parallel()
	data := csvText("Vorname;Nachname;E-Mail;Telefon;Organisation", "A;B;a@example.org;'+49 441 1;'Quote")
	p := parseBytes(t, []byte(data), "x.csv").Rows[0].Values
	if p.Phone != "+49 441 1" {
		t.Errorf("phone %q, want +49 441 1", p.Phone)
	}
	if p.Organisation != "'Quote" {
		t.Errorf("organisation %q, want 'Quote", p.Organisation)
	}
}

func TestParseHeaderMapping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		header  string
		columns map[Field]string
		ignored []string
	}{
		{"english", "First name,Last name,E-mail address,Organization,Network type,Federal state,Phone number",
			map[Field]string{FieldFirstName: "First name", FieldLastName: "Last name", FieldEmail: "E-mail address",
				FieldOrganisation: "Organization", FieldNetworkType: "Network type", FieldFederalState: "Federal state", FieldPhone: "Phone number"}, nil},
		{"german with marks", "Vorname*;Familienname *;E-Mail-Adresse:;Träger;Netzwerktyp;Land;Tel.;Bemerkung",
			map[Field]string{FieldFirstName: "Vorname*", FieldLastName: "Familienname *", FieldEmail: "E-Mail-Adresse:",
				FieldOrganisation: "Träger", FieldNetworkType: "Netzwerktyp", FieldFederalState: "Land", FieldPhone: "Tel."}, []string{"Bemerkung"}},
		{"case and spaces", " vorname ;NACHNAME; email ;  Telefonnummer;GIVEN NAME X",
			map[Field]string{FieldFirstName: "vorname", FieldLastName: "NACHNAME", FieldEmail: "email", FieldPhone: "Telefonnummer"},
			[]string{"GIVEN NAME X"}},
		{"one-word english", "Firstname,Lastname,Email,Institution,Network,State,Phone",
			map[Field]string{FieldFirstName: "Firstname", FieldLastName: "Lastname", FieldEmail: "Email",
				FieldOrganisation: "Institution", FieldNetworkType: "Network", FieldFederalState: "State", FieldPhone: "Phone"}, nil},
		{"Name as last name", "Vorname;Name;Mail;Einrichtung",
			map[Field]string{FieldFirstName: "Vorname", FieldLastName: "Name", FieldEmail: "Mail", FieldOrganisation: "Einrichtung"}, nil},
		{"Name ignored beside Nachname", "Name;Vorname;Nachname;E-Mail;Arbeitgeber;Surname X",
			map[Field]string{FieldFirstName: "Vorname", FieldLastName: "Nachname", FieldEmail: "E-Mail", FieldOrganisation: "Arbeitgeber"},
			[]string{"Surname X", "Name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sh := parseBytes(t, []byte(tt.header+"\n"), "x.csv")
			if !reflect.DeepEqual(sh.Columns, tt.columns) {
				t.Errorf("columns = %v\nwant      %v", sh.Columns, tt.columns)
			}
			if !reflect.DeepEqual(sh.IgnoredColumns, tt.ignored) {
				t.Errorf("ignored = %q, want %q", sh.IgnoredColumns, tt.ignored)
			}
		})
	}
}

func TestParseHeaderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header string
		want   HeaderError
		msg    string
	}{
		{"missing", "\nVorname;Telefon", HeaderError{Line: 2, Missing: []Field{FieldLastName, FieldEmail}},
			`header row 2: missing required columns: last_name ("Nachname"), email ("E-Mail")`},
		{"duplicate", "Vorname;Nachname;E-Mail;Mail", HeaderError{Line: 1, Duplicates: map[Field][]string{FieldEmail: {"E-Mail", "Mail"}}},
			`header row 1: columns "E-Mail", "Mail" all mean email, keep one`},
		{"two Name columns", "Vorname;Name;Name;E-Mail", HeaderError{Line: 1, Duplicates: map[Field][]string{FieldLastName: {"Name", "Name"}}},
			`header row 1: columns "Name", "Name" all mean last_name, keep one`},
		{"both", "Vorname;Vorname", HeaderError{Line: 1, Missing: []Field{FieldLastName, FieldEmail},
			Duplicates: map[Field][]string{FieldFirstName: {"Vorname", "Vorname"}}},
			`header row 1: missing required columns: last_name ("Nachname"), email ("E-Mail"); columns "Vorname", "Vorname" all mean first_name, keep one`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(strings.NewReader(tt.header+"\nA;B;c@example.org\n"), "x.csv", Limits{})
			var he *HeaderError
			if !errors.As(err, &he) {
				t.Fatalf("err = %v, want *HeaderError", err)
			}
			if !reflect.DeepEqual(*he, tt.want) {
				t.Errorf("err = %+v, want %+v", *he, tt.want)
			}
			if err.Error() != tt.msg {
				t.Errorf("message = %s\nwant      %s", err.Error(), tt.msg)
			}
		})
	}
}

func TestParseRefusesOtherFormats(t *testing.T) {
	t.Parallel()
	ole := "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + strings.Repeat("\x00", 504)
	tests := []struct {
		name, filename, data string
		want                 error
	}{
		{"old Excel by content", "liste.xls", ole, ErrLegacyExcel},
		{"old Excel renamed", "liste.csv", ole, ErrLegacyExcel},
		{"old Excel by name (HTML export)", "liste.xls", "<html><table></table></html>", ErrLegacyExcel},
		{"encrypted xlsx", "liste.xlsx", ole, ErrEncrypted},
		{"text named xlsx", "liste.xlsx", "Vorname;Nachname;E-Mail\n", ErrNotSpreadsheet},
		{"broken zip", "liste.xlsx", "PK\x03\x04 not really a zip", ErrNotSpreadsheet},
		{"binary", "liste.csv", "%PDF-1.7\x00\x01\x02", ErrNotSpreadsheet},
		{"empty", "liste.csv", "", ErrNoHeader},
		{"only blank lines", "liste.csv", "\n;;;\n\r\n", ErrNoHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sh, err := Parse(strings.NewReader(tt.data), tt.filename, Limits{})
			if !errors.Is(err, tt.want) {
				t.Errorf("Parse error %v; want %v", err, tt.want)
			}
			if sh != nil {
				t.Errorf("Parse = %v; want no sheet", sh)
			}
		})
	}
	if !strings.Contains(ErrLegacyExcel.Error(), "save it as .xlsx or as CSV") {
		t.Errorf("ErrLegacyExcel does not say what to do: %v", ErrLegacyExcel)
	}
}

func TestParseXLSX(t *testing.T) {
	t.Parallel()
	data := xlsxBytes(t,
		sheetSpec{name: "Hinweise", hidden: true, rows: [][]any{{"Bitte nur das zweite Blatt ausfüllen"}}},
		sheetSpec{name: "Teilnehmende", rows: [][]any{
			{"Vorname*", "Nachname*", "E-Mail*", "Organisation", "Bundesland", "Telefon", "PLZ"},
			{"Zoë", "Ćosić-Şahin", "Zoe@Example.org", "MINT-Region Nord", "NI", 4944112345, 26121},
			nil,
			{"Øyvind", " Ødegård ", "oyvind@example.org", nil, "Hessen", "0611 / 1234"},
			{"", "", "  "},
			{"Nguyễn Thị", "Trần", "not-an-email", 42, "Lower Saxony", 49.5},
		}},
	)
	sh := parseBytes(t, data, "liste.xlsx")
	if sh.Format != "xlsx" {
		t.Errorf("format %q, want xlsx", sh.Format)
	}
	if sh.Encoding != "" {
		t.Errorf("encoding %q, want none", sh.Encoding)
	}
	if sh.Separator != 0 {
		t.Errorf("separator %q, want none", sh.Separator)
	}
	if !reflect.DeepEqual(sh.IgnoredColumns, []string{"PLZ"}) {
		t.Errorf("ignored = %q", sh.IgnoredColumns)
	}
	want := []Row{
		{Line: 2, Values: Person{FirstName: "Zoë", LastName: "Ćosić-Şahin", Email: "zoe@example.org",
			Organisation: "MINT-Region Nord", FederalState: "NI", Phone: "4944112345"}},
		{Line: 4, Values: Person{FirstName: "Øyvind", LastName: "Ødegård", Email: "oyvind@example.org",
			FederalState: "HE", Phone: "0611 / 1234"}},
		{Line: 6, Values: Person{FirstName: "Nguyễn Thị", LastName: "Trần", Email: "not-an-email",
			Organisation: "42", FederalState: "NI", Phone: "49.5"},
			Errors: []CellError{
				{Line: 6, Column: "E-Mail*", Field: FieldEmail, Reason: ReasonInvalid, Code: CodeEmailInvalid, Value: "not-an-email",
					Message: `"not-an-email" is not a valid e-mail address`},
				{Line: 6, Column: "Telefon", Field: FieldPhone, Reason: ReasonInvalid, Code: CodePhoneInvalid, Value: "49.5",
					Message: `"49.5" may contain only digits, spaces and + ( ) / -`},
			}},
	}
	if !reflect.DeepEqual(sh.Rows, want) {
		t.Errorf("rows =\n%+v\nwant\n%+v", sh.Rows, want)
	}
}

// Content decides the format: an XLSX named .csv is read as XLSX.
func TestParseXLSXNamedCSV(t *testing.T) {
	t.Parallel()
	data := xlsxBytes(t, sheetSpec{name: "Blatt1", rows: [][]any{nil, {"Vorname", "Nachname", "E-Mail"}, {"A", "B", "a@example.org"}}})
	sh := parseBytes(t, data, "liste.csv")
	if sh.Format != "xlsx" {
		t.Errorf("format %q, want xlsx", sh.Format)
	}
	if len(sh.Rows) != 1 {
		t.Errorf("rows = %+v; want one", sh.Rows)
	} else if sh.Rows[0].Line != 3 {
		t.Errorf("row at line %d; want 3", sh.Rows[0].Line)
	}
}

func TestParseSizeLimit(t *testing.T) {
	t.Parallel()
	cr := &countingReader{r: &endless{}}
	_, err := Parse(cr, "gross.csv", Limits{})
	var tl *TooLargeError
	if !errors.As(err, &tl) {
		t.Fatalf("err = %v, want *TooLargeError", err)
	}
	if *tl != (TooLargeError{Kind: LimitBytes, Limit: 5 << 20}) {
		t.Fatalf("err = %+v, want *TooLargeError for 5 MiB", *tl)
	}
	if cr.n > 5<<20+1 {
		t.Errorf("read %d bytes, want at most 5 MiB + 1", cr.n)
	}
	if err.Error() != "the file is too large: at most 5 MB are allowed" {
		t.Errorf("message = %s", err)
	}
}

func TestParseRowLimit(t *testing.T) {
	t.Parallel()
	csvRows := func(n int) []byte {
		var b bytes.Buffer
		b.WriteString(endlessHeader)
		for i := range n {
			b.WriteString("Anna;Muster;a" + strings.Repeat("x", i%7) + "@example.org\n")
		}
		return b.Bytes()
	}
	sh := parseBytes(t, csvRows(10000), "x.csv")
	if len(sh.Rows) != 10000 {
		t.Errorf("10,000 rows: got %d", len(sh.Rows))
	}
	_, err := Parse(bytes.NewReader(csvRows(10001)), "x.csv", Limits{})
	var tl *TooLargeError
	if !errors.As(err, &tl) {
		t.Fatalf("10,001 rows: err = %v, want *TooLargeError", err)
	}
	if *tl != (TooLargeError{Kind: LimitRows, Limit: 10000}) {
		t.Fatalf("10,001 rows: err = %+v, want *TooLargeError for 10000 rows", *tl)
	}
	if err.Error() != "the file has too many rows: at most 10000 data rows are allowed" {
		t.Errorf("message = %s", err)
	}
}

// The row limit counts XLSX data rows too (a small limit keeps this fast).
func TestParseRowLimitXLSX(t *testing.T) {
	t.Parallel()
	limits := Limits{MaxRows: 100}
	for _, n := range []int{100, 101} {
		var buf bytes.Buffer
		if err := WriteXLSX(&buf, "x", exportRows(n)); err != nil {
			t.Fatal(err)
		}
		sh, err := Parse(&buf, "x.xlsx", limits)
		var tl *TooLargeError
		switch {
		case n == 100 && err != nil:
			t.Errorf("100 rows: %v", err)
		case n == 100 && len(sh.Rows) != 100:
			t.Errorf("100 rows: %d parsed", len(sh.Rows))
		case n == 101 && !errors.As(err, &tl):
			t.Errorf("101 rows: err = %v, want *TooLargeError", err)
		case n == 101 && *tl != (TooLargeError{Kind: LimitRows, Limit: 100}):
			t.Errorf("101 rows: err = %+v, want *TooLargeError for 100 rows", *tl)
		}
	}
}

func TestTooLargeErrorMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  TooLargeError
		want string
	}{
		{TooLargeError{LimitBytes, 5 << 20}, "the file is too large: at most 5 MB are allowed"},
		{TooLargeError{LimitBytes, 1536 << 10}, "the file is too large: at most 1.5 MB are allowed"},
		{TooLargeError{LimitBytes, 1000}, "the file is too large: at most 1000 bytes are allowed"},
		{TooLargeError{LimitRows, 200}, "the file has too many rows: at most 200 data rows are allowed"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%+v: %s, want %s", tt.err, got, tt.want)
		}
	}
}
