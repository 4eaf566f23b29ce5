package roster

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// ResultsExportRow is one line of a jury results export: a juror's sheet
// for a group (Juror set), or the group's result (Juror empty) with the
// criteria's means. Points are hundredths per criterion, -1 where none;
// ShareTenths is tenths of a percent, -1 while pending. State is passed,
// failed or pending.
type ResultsExportRow struct {
	Group, Project, Juror string
	Points                []int
	ShareTenths           int
	Rank                  int
	State                 string
	Disputed              bool
}

// ResultsTable is a cohort's jury results, one column per criterion.
type ResultsTable struct {
	Criteria []string
	Rows     []ResultsExportRow
}

type resultsWords struct {
	before, after   []string
	result, flagged string
	states          map[string]string
	decimal         string
}

var resultsWordsOf = map[Lang]resultsWords{
	German: {
		before: []string{"Gruppe", "Projekt", "Jurorin/Juror"}, after: []string{"Anteil %", "Rang", "Ergebnis", "Abweichung"},
		result: "Gruppenergebnis", flagged: "Jury uneinig",
		states:  map[string]string{"passed": "bestanden", "failed": "nicht bestanden", "pending": "ausstehend"},
		decimal: ",",
	},
	English: {
		before: []string{"Group", "Project", "Juror"}, after: []string{"Share %", "Rank", "Result", "Disagreement"},
		result: "Group result", flagged: "jurors disagree",
		states:  map[string]string{"passed": "passed", "failed": "failed", "pending": "pending"},
		decimal: ".",
	},
}

func resultsWordsFor(lang Lang) resultsWords {
	if w, ok := resultsWordsOf[lang]; ok {
		return w
	}
	return resultsWordsOf[German]
}

// ResultsFileName is the export's file name in lang for a cohort,
// without extension.
func ResultsFileName(lang Lang, cohort string) string {
	if lang == English {
		return "kohorte-jury-results-" + cohort
	}
	return "kohorte-jury-ergebnisse-" + cohort
}

func (t ResultsTable) header(lang Lang) []string {
	w := resultsWordsFor(lang)
	h := append([]string{}, w.before...)
	h = append(h, t.Criteria...)
	return append(h, w.after...)
}

// cells are a row's values: numbers as float64 for the workbook, nil
// where there is none.
func (r ResultsExportRow) cells(lang Lang) []any {
	w := resultsWordsFor(lang)
	juror := r.Juror
	if juror == "" {
		juror = w.result
	}
	out := []any{r.Group, r.Project, juror}
	for _, p := range r.Points {
		if p < 0 {
			out = append(out, nil)
		} else {
			out = append(out, float64(p)/100)
		}
	}
	var share, rank, state, flag any
	if r.ShareTenths >= 0 {
		share = float64(r.ShareTenths) / 10
	}
	if r.Juror == "" {
		state = labelOr(w.states, r.State)
		if r.Rank > 0 {
			rank = r.Rank
		}
		if r.Disputed {
			flag = w.flagged
		}
	}
	return append(out, share, rank, state, flag)
}

// WriteResultsCSV writes the table as the other exports: UTF-8 with BOM,
// ';', CRLF, decimals with lang's mark, formulas guarded.
func WriteResultsCSV(w io.Writer, lang Lang, t ResultsTable) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(bomUTF8); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	cw := csv.NewWriter(bw)
	cw.Comma, cw.UseCRLF = ';', true
	if err := cw.Write(guard(t.header(lang))); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	dec := resultsWordsFor(lang).decimal
	for _, r := range t.Rows {
		cells := r.cells(lang)
		record := make([]string, len(cells))
		for i, c := range cells {
			switch v := c.(type) {
			case nil:
			case float64:
				record[i] = strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", dec, 1)
			default:
				record[i] = fmt.Sprint(v)
			}
		}
		if err := cw.Write(guard(record)); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return bw.Flush()
}

// WriteResultsXLSX writes the table as a workbook: bold frozen header,
// numbers as numbers.
func WriteResultsXLSX(w io.Writer, lang Lang, sheetName string, t ResultsTable) (err error) {
	f := excelize.NewFile()
	defer closeInto(f, &err)
	name := sanitizeSheetName(sheetName)
	if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	if err := writeResultsSheet(f, name, lang, t); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

func writeResultsSheet(f *excelize.File, sheet string, lang Lang, t ResultsTable) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	header := t.header(lang)
	if err := sw.SetColWidth(1, len(header), 18); err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 1, YSplit: 1, TopLeftCell: "B2", ActivePane: "bottomRight"}); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	row := make([]any, len(header))
	for i, h := range header {
		row[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", row); err != nil {
		return err
	}
	for i, r := range t.Rows {
		// Strings are stored as strings, never read as formulas.
		if err := sw.SetRow(fmt.Sprintf("A%d", i+2), r.cells(lang)); err != nil {
			return err
		}
	}
	return sw.Flush()
}
