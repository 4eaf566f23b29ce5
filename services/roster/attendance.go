package roster

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// AttendanceSession is one session's column in an attendance export.
type AttendanceSession struct {
	Title string
	// Date, Start and End are as shown in Berlin: 15.09.2026, 17:00, 18:30.
	Date, Start, End string
	Cancelled        bool
}

// AttendanceExportRow is one participant of an attendance export. Cells
// hold one value per session: "present_on_site", "present_remote",
// "absent", "excused", "" for nothing recorded, "-" where the person was
// not expected. Eligibility is met, not_met or pending; Risk is empty,
// cannot_reach or one_more_miss.
type AttendanceExportRow struct {
	LastName, FirstName, Status                        string
	Cells                                              []string
	OnSite, Remote, Attended, Excused, Held, Remaining int
	RateTenths                                         int
	Eligibility, Risk                                  string
}

// AttendanceTable is a cohort's attendance, one column per session.
type AttendanceTable struct {
	Sessions []AttendanceSession
	Rows     []AttendanceExportRow
}

type attendanceWords struct {
	before, after        []string
	values, states, risk map[string]string
	cancelled            string
}

var attendanceWordsOf = map[Lang]attendanceWords{
	German: {
		before: []string{"Nachname", "Vorname", "Status"},
		after: []string{"vor Ort", "online", "Anwesend gesamt", "Entschuldigt", "Pflichttermine gehalten",
			"Pflichttermine offen", "Quote %", "Zertifikatsvoraussetzungen", "Risiko"},
		values: map[string]string{"present_on_site": "anwesend (vor Ort)", "present_remote": "anwesend (online)",
			"absent": "abwesend", "excused": "entschuldigt", "-": "–"},
		states:    map[string]string{"met": "erfüllt", "not_met": "nicht erfüllt", "pending": "offen"},
		risk:      map[string]string{"cannot_reach": "Quote nicht mehr erreichbar", "one_more_miss": "darf nicht mehr fehlen"},
		cancelled: "abgesagt",
	},
	English: {
		before: []string{"Last name", "First name", "Status"},
		after: []string{"On site", "Remote", "Attended", "Excused", "Required sessions held",
			"Required sessions to come", "Rate %", "Certificate rules", "Risk"},
		values: map[string]string{"present_on_site": "present (on site)", "present_remote": "present (remote)",
			"absent": "absent", "excused": "excused", "-": "–"},
		states:    map[string]string{"met": "met", "not_met": "not met", "pending": "open"},
		risk:      map[string]string{"cannot_reach": "rate out of reach", "one_more_miss": "must not miss again"},
		cancelled: "cancelled",
	},
}

func attendanceWordsFor(lang Lang) attendanceWords {
	if w, ok := attendanceWordsOf[lang]; ok {
		return w
	}
	return attendanceWordsOf[German]
}

// AttendanceFileName is the export's file name in lang for a cohort,
// without extension.
func AttendanceFileName(lang Lang, cohort string) string {
	if lang == English {
		return "kohorte-attendance-" + cohort
	}
	return "kohorte-anwesenheit-" + cohort
}

func (t AttendanceTable) header(lang Lang) []string {
	w := attendanceWordsFor(lang)
	h := append([]string{}, w.before...)
	for _, s := range t.Sessions {
		col := fmt.Sprintf("%s (%s, %s–%s)", s.Title, s.Date, s.Start, s.End)
		if s.Cancelled {
			col += " – " + w.cancelled
		}
		h = append(h, col)
	}
	return append(h, w.after...)
}

// cells are a row's values; numbers stay numbers for the workbook.
func (r AttendanceExportRow) cells(lang Lang) []any {
	w := attendanceWordsFor(lang)
	status, _ := StatusLabelIn(lang, r.Status)
	out := []any{r.LastName, r.FirstName, status}
	for _, c := range r.Cells {
		out = append(out, labelOr(w.values, c))
	}
	rate := float64(r.RateTenths) / 10
	return append(out, r.OnSite, r.Remote, r.Attended, r.Excused, r.Held, r.Remaining, rate,
		labelOr(w.states, r.Eligibility), labelOr(w.risk, r.Risk))
}

// WriteAttendanceCSV writes the table as the other exports: UTF-8 with
// BOM, ';', CRLF, the rate with lang's decimal mark, formulas guarded.
func WriteAttendanceCSV(w io.Writer, lang Lang, t AttendanceTable) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(bomUTF8); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	cw := csv.NewWriter(bw)
	cw.Comma, cw.UseCRLF = ';', true
	if err := cw.Write(guard(t.header(lang))); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for _, r := range t.Rows {
		cells := r.cells(lang)
		record := make([]string, len(cells))
		for i, c := range cells {
			record[i] = fmt.Sprint(c)
		}
		record[len(record)-3] = FormatShare(lang, float64(r.RateTenths)/10)
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

func guard(record []string) []string {
	for i, s := range record {
		record[i] = escapeFormula(s)
	}
	return record
}

// WriteAttendanceXLSX writes the table as a workbook: bold frozen header
// and names, numbers as numbers, the rate with one decimal.
func WriteAttendanceXLSX(w io.Writer, lang Lang, sheetName string, t AttendanceTable) (err error) {
	f := excelize.NewFile()
	defer closeInto(f, &err)
	name := sanitizeSheetName(sheetName)
	if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	if err := writeAttendanceSheet(f, name, lang, t); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

func writeAttendanceSheet(f *excelize.File, sheet string, lang Lang, t AttendanceTable) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	header := t.header(lang)
	if err := sw.SetColWidth(1, 3, 18); err != nil {
		return err
	}
	if err := sw.SetColWidth(4, len(header), 16); err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 2, YSplit: 1, TopLeftCell: "C2", ActivePane: "bottomRight"}); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	oneDecimal := "0.0"
	rateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &oneDecimal})
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
		cells := r.cells(lang)
		cells[len(cells)-3] = excelize.Cell{StyleID: rateStyle, Value: cells[len(cells)-3]}
		if err := sw.SetRow(fmt.Sprintf("A%d", i+2), cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}
