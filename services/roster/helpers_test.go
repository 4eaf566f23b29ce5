package roster

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// csvText joins lines with "\n" and ends the text with one.
func csvText(lines ...string) string {
	return strings.Join(lines, "\n") + "\n"
}

// win1252 encodes s as Windows-1252, as German Excel saves "CSV (Trennzeichen-getrennt)".
func win1252(t testing.TB, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode windows-1252: %v", err)
	}
	return b
}

// sheetSpec describes a worksheet for xlsxBytes. rows[i] is Excel row i+1;
// a nil row stays empty.
type sheetSpec struct {
	name   string
	hidden bool
	rows   [][]any
}

// xlsxBytes builds a workbook with excelize, as Excel would save it.
func xlsxBytes(t testing.TB, sheets ...sheetSpec) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", sheets[0].name))
	for _, s := range sheets[1:] {
		_, err := f.NewSheet(s.name)
		must(err)
	}
	for _, s := range sheets {
		for i, row := range s.rows {
			if row != nil {
				must(f.SetSheetRow(s.name, fmt.Sprintf("A%d", i+1), &row))
			}
		}
	}
	for i, s := range sheets {
		if !s.hidden {
			f.SetActiveSheet(i)
			break
		}
	}
	for _, s := range sheets {
		if s.hidden {
			must(f.SetSheetVisible(s.name, false))
		}
	}
	var buf bytes.Buffer
	must(f.Write(&buf))
	return buf.Bytes()
}

func parseBytes(t testing.TB, data []byte, filename string) *Sheet {
	t.Helper()
	sh, err := Parse(bytes.NewReader(data), filename, Limits{})
	if err != nil {
		t.Fatalf("Parse(%s): %v", filename, err)
	}
	return sh
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// endless yields a CSV header and then the same data line forever.
type endless struct{ pos int }

const endlessHeader = "Vorname;Nachname;E-Mail\n"

func (e *endless) Read(p []byte) (int, error) {
	const line = "Anna;Muster;anna@example.org\n"
	for i := range p {
		if e.pos < len(endlessHeader) {
			p[i] = endlessHeader[e.pos]
		} else {
			p[i] = line[(e.pos-len(endlessHeader))%len(line)]
		}
		e.pos++
	}
	return len(p), nil
}

// exportRows makes n enrollments with names from many languages.
func exportRows(n int) []ExportRow {
	first := []string{"Zoë", "Jürgen", "Nguyễn Thị", "Øyvind", "Guðrún", "محمد", "Светлана", "Ayşe"}
	last := []string{"Ćosić-Şahin", "Müller", "Trần", "Ødegård", "Ólafsdóttir", "الحسيني", "Иванова", "Yılmaz"}
	states := []string{"NI", "TH", "SL", "BW", "BY", "NW", "MV", "HB"}
	networks := []string{"mint_region", "fachkraeftesicherung", "other", ""}
	rows := make([]ExportRow, n)
	for i := range rows {
		rows[i] = ExportRow{
			LastName: last[i%len(last)], FirstName: first[i%len(first)],
			Email:        fmt.Sprintf("person%05d@example.org", i),
			Organisation: fmt.Sprintf("Landkreis %d, Wirtschaftsförderung", i%50),
			NetworkType:  networks[i%len(networks)], FederalState: states[i%len(states)],
			Phone: fmt.Sprintf("+49 441 %07d", i), Status: "enrolled",
			EnrolledAt: time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC),
		}
	}
	return rows
}
