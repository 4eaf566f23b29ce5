package roster

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The breakdowns of a statistics table.
const (
	BreakdownTotal        = "total"
	BreakdownFederalState = "federal_state"
	BreakdownNetworkType  = "network_type"
)

// StatisticsRow is one line of a statistics table: the enrollments of a
// breakdown's value (a federal state or network code, "" for not given) by
// status.
type StatisticsRow struct {
	Breakdown, Code                           string
	Enrolled, Completed, NotPassed, Withdrawn int64
}

// Started counts the row's enrollments whatever their status.
func (r StatisticsRow) Started() int64 { return r.Enrolled + r.Completed + r.NotPassed + r.Withdrawn }

// StatisticsTable is what the statistics page shows, as one table: Scope
// names what was counted (a cohort, or all), the total row comes first.
// People and FederalStates fill the total row only; other rows leave
// their cells empty.
type StatisticsTable struct {
	Scope         string
	Rows          []StatisticsRow
	People        int64
	FederalStates int
}

type statisticsWords struct {
	headers    [10]string
	breakdowns map[string]string
	notGiven   string
	decimal    string
	allCohorts string
	fileName   string
}

var statisticsWordsOf = map[Lang]statisticsWords{
	German: {
		headers: [...]string{"Aufschlüsselung", "Wert", "Eingeschrieben", "Abgeschlossen", "Nicht bestanden", "Ausgetreten",
			"Begonnen (alle Status)", "Anteil an allen Begonnenen (%)", "Verschiedene Personen", "Bundesländer"},
		breakdowns: map[string]string{BreakdownTotal: "Gesamt", BreakdownFederalState: "Bundesland", BreakdownNetworkType: "Netzwerk"},
		notGiven:   "ohne Angabe", decimal: ",", allCohorts: "Alle Kohorten", fileName: "kohorte-statistik-",
	},
	English: {
		headers: [...]string{"Breakdown", "Value", "Enrolled", "Completed", "Not passed", "Withdrawn",
			"Started (any status)", "Share of all who started (%)", "Distinct people", "Federal states"},
		breakdowns: map[string]string{BreakdownTotal: "Total", BreakdownFederalState: "Federal state", BreakdownNetworkType: "Network type"},
		notGiven:   "not given", decimal: ".", allCohorts: "All cohorts", fileName: "kohorte-statistics-",
	},
}

func statisticsWordsFor(lang Lang) statisticsWords {
	if w, ok := statisticsWordsOf[lang]; ok {
		return w
	}
	return statisticsWordsOf[German]
}

// AllCohorts names the scope of statistics over all cohorts in lang.
func AllCohorts(lang Lang) string { return statisticsWordsFor(lang).allCohorts }

// StatisticsFileName is the name, without extension, of the statistics of
// scope as a file in lang.
func StatisticsFileName(lang Lang, scope string) string {
	return statisticsWordsFor(lang).fileName + scope
}

// Share returns part of whole in percent, rounded to one decimal; 0 when
// whole is 0.
func Share(part, whole int64) float64 {
	if whole == 0 {
		return 0
	}
	return math.Round(float64(part)*1000/float64(whole)) / 10
}

// FormatShare writes a share with one decimal as lang writes it: 33,3 or 33.3.
func FormatShare(lang Lang, share float64) string {
	return strings.Replace(strconv.FormatFloat(share, 'f', 1, 64), ".", statisticsWordsFor(lang).decimal, 1)
}

// cells returns the table's rows as cells: labels as text, counts as
// numbers, the share as a number (or text when asText, for CSV).
func (t StatisticsTable) cells(lang Lang, asText bool) [][]any {
	words := statisticsWordsFor(lang)
	var total int64
	for _, r := range t.Rows {
		if r.Breakdown == BreakdownTotal {
			total = r.Started()
		}
	}
	out := make([][]any, 0, len(t.Rows))
	for _, r := range t.Rows {
		var share any = Share(r.Started(), total)
		if asText {
			share = FormatShare(lang, share.(float64))
		}
		row := []any{words.breakdowns[r.Breakdown], t.valueLabel(lang, r), r.Enrolled, r.Completed, r.NotPassed, r.Withdrawn, r.Started(), share}
		if r.Breakdown == BreakdownTotal {
			row = append(row, t.People, t.FederalStates)
		} else {
			row = append(row, nil, nil)
		}
		out = append(out, row)
	}
	return out
}

func (t StatisticsTable) valueLabel(lang Lang, r StatisticsRow) string {
	switch {
	case r.Breakdown == BreakdownTotal:
		return t.Scope
	case r.Code == "":
		return statisticsWordsFor(lang).notGiven
	case r.Breakdown == BreakdownFederalState:
		return stateLabel(r.Code)
	}
	return labelOr(labelsFor(lang).network, r.Code)
}

// WriteStatisticsCSV writes the table as the exports are written: UTF-8
// with BOM, ';', CRLF, labels in lang, shares with lang's decimal mark.
func WriteStatisticsCSV(w io.Writer, lang Lang, t StatisticsTable) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(bomUTF8); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	cw := csv.NewWriter(bw)
	cw.Comma, cw.UseCRLF = ';', true
	words := statisticsWordsFor(lang)
	if err := cw.Write(words.headers[:]); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for _, row := range t.cells(lang, true) {
		record := make([]string, len(row))
		for i, c := range row {
			if c != nil {
				record[i] = escapeFormula(fmt.Sprint(c))
			}
		}
		if err := cw.Write(record); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return bw.Flush()
}

// WriteStatisticsXLSX writes the table as a workbook: bold frozen headers,
// counts as numbers, shares as numbers shown with one decimal.
func WriteStatisticsXLSX(w io.Writer, lang Lang, t StatisticsTable) (err error) {
	f := excelize.NewFile()
	defer closeInto(f, &err)
	sheet := "Statistik"
	if lang == English {
		sheet = "Statistics"
	}
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	if err := writeStatisticsSheet(f, sheet, lang, t); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

func writeStatisticsSheet(f *excelize.File, sheet string, lang Lang, t StatisticsTable) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(1, 2, 24); err != nil {
		return err
	}
	if err := sw.SetColWidth(3, 10, 16); err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	oneDecimal := "0.0"
	shareStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &oneDecimal})
	if err != nil {
		return err
	}
	words := statisticsWordsFor(lang)
	header := make([]any, len(words.headers))
	for i, h := range words.headers {
		header[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for i, row := range t.cells(lang, false) {
		row[7] = excelize.Cell{StyleID: shareStyle, Value: row[7]}
		if err := sw.SetRow(fmt.Sprintf("A%d", i+2), row); err != nil {
			return err
		}
	}
	return sw.Flush()
}
