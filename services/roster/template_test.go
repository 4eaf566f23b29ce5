package roster

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestTemplateIsTheExportHeader: the template is the export's first seven
// headers, those an import reads, in the export's order and language, and
// nothing else: no example row a course office might forget to delete.
func TestTemplateIsTheExportHeader(t *testing.T) {
	t.Parallel()
	for lang, want := range map[Lang]string{
		German:  "\ufeffNachname;Vorname;E-Mail;Organisation;Netzwerk;Bundesland;Telefon\r\n",
		English: "\ufeffLast name;First name;E-mail;Organisation;Network type;Federal state;Phone\r\n",
	} {
		var buf bytes.Buffer
		if err := WriteTemplateCSV(&buf, lang); err != nil {
			t.Fatal(err)
		}
		if buf.String() != want {
			t.Errorf("%s CSV template %q, want %q", lang, buf.String(), want)
		}
		buf.Reset()
		if err := WriteTemplateXLSX(&buf, lang); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(f.GetSheetName(0))
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if want := [][]string{ExportHeaders(lang)[:7]}; !reflect.DeepEqual(rows, want) {
			t.Errorf("%s XLSX template %q, want %q", lang, rows, want)
		}
	}
}

// TestTemplateImportsUnchangedAndFilled: the template parses as it comes
// (no rows, every column known) and with rows typed into it.
func TestTemplateImportsUnchangedAndFilled(t *testing.T) {
	t.Parallel()
	zoe := Person{FirstName: "Zoë", LastName: "Ćosić-Şahin", Email: "zoe@example.org", Organisation: "MINT-Region Oldenburg",
		NetworkType: "fachkraeftesicherung", FederalState: "NI", Phone: "+49 441 1"}
	filled := map[Lang][]string{
		German:  {"Ćosić-Şahin", "Zoë", "Zoe@Example.org", "MINT-Region Oldenburg", "Fachkräftesicherung", "Niedersachsen", "+49 441 1"},
		English: {"Ćosić-Şahin", "Zoë", "Zoe@Example.org", "MINT-Region Oldenburg", "Skilled labour network", "NI", "+49 441 1"},
	}
	for lang, cells := range filled {
		var csvFile, xlsxFile bytes.Buffer
		if err := WriteTemplateCSV(&csvFile, lang); err != nil {
			t.Fatal(err)
		}
		if err := WriteTemplateXLSX(&xlsxFile, lang); err != nil {
			t.Fatal(err)
		}
		for name, data := range map[string][]byte{"vorlage.csv": csvFile.Bytes(), "vorlage.xlsx": xlsxFile.Bytes()} {
			sh := parseBytes(t, data, name)
			if len(sh.Rows) != 0 || len(sh.Columns) != 7 || len(sh.IgnoredColumns) != 0 {
				t.Errorf("%s %s unchanged: %d rows, columns %v, ignored %q", lang, name, len(sh.Rows), sh.Columns, sh.IgnoredColumns)
			}
		}
		typed := append(bytes.Clone(csvFile.Bytes()), []byte(strings.Join(cells, ";")+"\r\n")...)
		sheets := map[string][]byte{"vorlage.csv": typed, "vorlage.xlsx": fillXLSX(t, xlsxFile.Bytes(), cells)}
		for name, data := range sheets {
			sh := parseBytes(t, data, name)
			if len(sh.Rows) != 1 || !sh.Rows[0].Valid() || sh.Rows[0].Values != zoe {
				t.Errorf("%s %s filled: rows %+v, want %+v", lang, name, sh.Rows, zoe)
			}
		}
	}
}

// fillXLSX types cells into row 2 of the workbook's first sheet, as a
// course office would in Excel.
func fillXLSX(t *testing.T, data []byte, cells []string) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	row := make([]any, len(cells))
	for i, c := range cells {
		row[i] = c
	}
	if err := f.SetSheetRow(f.GetSheetName(0), "A2", &row); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := f.Write(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
