package roster

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// ExportRow is one enrollment of a cohort's participant list. NetworkType,
// FederalState and Status are codes; the writers print their labels in the
// file's language (federal states by their German names, as the UI does).
type ExportRow struct {
	LastName, FirstName, Email, Organisation string
	NetworkType, FederalState, Phone, Status string
	EnrolledAt                               time.Time
	WithdrawnAt                              *time.Time
	WithdrawalReason                         string
}

// exportWidths are the XLSX widths of the export's columns; their headers
// in each language are in labelsOf. The first seven columns map back to
// fields when an export is imported, and make the import template.
var exportWidths = [...]float64{20, 18, 32, 32, 20, 22, 18, 16, 18, 16, 40}

// Positions of the date columns in the export.
const (
	colEnrolledAt  = 8
	colWithdrawnAt = 9
)

const (
	exportDateLayout = "02.01.2006"
	maxSheetName     = 31 // UTF-16 units Excel allows in a worksheet name
)

// exportHeader returns the German header of a field's export column.
func exportHeader(f Field) string {
	for i, g := range allFields {
		if g == f {
			return labelsOf[German].headers[i]
		}
	}
	return string(f)
}

// WriteTemplateCSV writes the import template: the header row of the
// columns an import reads, in the export's order and in lang, and no rows,
// so that nothing a course office forgets to delete is imported.
func WriteTemplateCSV(w io.Writer, lang Lang) error {
	return writeCSVColumns(w, lang, len(allFields), nil)
}

// TemplateFileName is the template's file name in lang, without extension.
func TemplateFileName(lang Lang) string {
	if lang == English {
		return "kohorte-import-template"
	}
	return "kohorte-importvorlage"
}

// WriteTemplateXLSX writes the import template as a workbook.
func WriteTemplateXLSX(w io.Writer, lang Lang) error {
	sheet := "Teilnehmende"
	if lang == English {
		sheet = "Participants"
	}
	return writeXLSXColumns(w, lang, len(allFields), sheet, nil)
}

// WriteCSV writes rows as CSV for German Excel: UTF-8 with BOM, ';', CRLF,
// German headers, dates as 02.01.2006. A value Excel would take for a formula
// (starting with = + - @, tab or CR) gets a leading apostrophe; Parse removes
// it again.
func WriteCSV(w io.Writer, rows []ExportRow) error {
	return WriteCSVIn(w, German, rows)
}

// WriteCSVIn writes rows as WriteCSV does, with headers and labels in lang.
func WriteCSVIn(w io.Writer, lang Lang, rows []ExportRow) error {
	return writeCSVColumns(w, lang, len(exportWidths), rows)
}

// writeCSVColumns writes the first n columns of the export.
func writeCSVColumns(w io.Writer, lang Lang, n int, rows []ExportRow) error {
	cw, err := newCSVWriter(w, lang, n)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	return cw.Close()
}

// CSVWriter writes an export row by row, as WriteCSVIn writes it whole,
// so that a long list goes out as it is read and is never held in memory.
// Bytes reach w in blocks of a few kilobytes; Close writes the rest.
type CSVWriter struct {
	bw     *bufio.Writer
	cw     *csv.Writer
	words  labels
	n      int
	record []string
}

// NewCSVWriter writes the BOM and the header row in lang and returns the
// writer for the rows.
func NewCSVWriter(w io.Writer, lang Lang) (*CSVWriter, error) {
	return newCSVWriter(w, lang, len(exportWidths))
}

func newCSVWriter(w io.Writer, lang Lang, n int) (*CSVWriter, error) {
	words := labelsFor(lang)
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(bomUTF8); err != nil {
		return nil, fmt.Errorf("write csv: %w", err)
	}
	cw := csv.NewWriter(bw)
	cw.Comma, cw.UseCRLF = ';', true
	record := make([]string, n, len(exportWidths))
	copy(record, words.headers[:n])
	if err := cw.Write(record); err != nil {
		return nil, fmt.Errorf("write csv: %w", err)
	}
	return &CSVWriter{bw: bw, cw: cw, words: words, n: n, record: record}, nil
}

// Write writes one row.
func (w *CSVWriter) Write(r ExportRow) error {
	w.record = r.csvRecord(w.words, w.record)
	if err := w.cw.Write(w.record[:w.n]); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// Close writes what is still buffered.
func (w *CSVWriter) Close() error {
	w.cw.Flush()
	if err := w.cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	if err := w.bw.Flush(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// csvRecord fills dst with the row's cells, guarded against formulas.
func (r ExportRow) csvRecord(words labels, dst []string) []string {
	dst = r.texts(words, dst[:0])
	dst = append(dst, formatDate(r.EnrolledAt), formatDate(deref(r.WithdrawnAt)), r.WithdrawalReason)
	for i, s := range dst {
		dst[i] = escapeFormula(s)
	}
	return dst
}

// texts appends the cells before the dates: names, contact, labels.
func (r ExportRow) texts(words labels, dst []string) []string {
	return append(dst, r.LastName, r.FirstName, r.Email, r.Organisation,
		labelOr(words.network, r.NetworkType), stateLabel(r.FederalState),
		r.Phone, labelOr(words.status, r.Status))
}

// labelOr returns the label of code, or code itself when it has none.
func labelOr(label map[string]string, code string) string {
	if l, ok := label[code]; ok {
		return l
	}
	return code
}

func stateLabel(code string) string {
	if name, ok := FederalStateName(code); ok {
		return name
	}
	return code
}

func escapeFormula(s string) string {
	if s != "" && isFormulaStart(s[0]) {
		return "'" + s
	}
	return s
}

func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(exportDateLayout)
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// WriteXLSX writes rows as an XLSX workbook with one worksheet named
// sheetName (made valid for Excel; "Teilnehmende" when empty): the German
// headers in bold and frozen, fixed column widths, dates as date cells shown
// as DD.MM.YYYY. Rows are streamed, so memory stays flat. Cells are strings,
// never formulas, so no apostrophe guard is needed.
func WriteXLSX(w io.Writer, sheetName string, rows []ExportRow) error {
	return WriteXLSXIn(w, German, sheetName, rows)
}

// WriteXLSXIn writes rows as WriteXLSX does, with headers and labels in
// lang.
func WriteXLSXIn(w io.Writer, lang Lang, sheetName string, rows []ExportRow) error {
	return writeXLSXColumns(w, lang, len(exportWidths), sheetName, rows)
}

// writeXLSXColumns writes the first n columns of the export.
func writeXLSXColumns(w io.Writer, lang Lang, n int, sheetName string, rows []ExportRow) (err error) {
	xw, err := newXLSXWriter(lang, n, sheetName)
	if err != nil {
		return err
	}
	defer xw.Abandon()
	for _, r := range rows {
		if err := xw.Write(r); err != nil {
			return err
		}
	}
	return xw.Close(w)
}

// XLSXWriter writes an export row by row, as WriteXLSXIn writes it whole.
// Rows go to excelize's stream writer, which keeps the worksheet compactly
// (on disk once it outgrows 16 MB), not as a cell tree; Close then zips the
// workbook straight into w. Nothing reaches w before Close, so an error
// while reading the rows can still be answered cleanly.
type XLSXWriter struct {
	f         *excelize.File
	sw        *excelize.StreamWriter
	words     labels
	n, row    int
	dateStyle int
	cells     []any
	texts     []string
	closed    bool
}

// NewXLSXWriter starts a workbook with one worksheet named sheetName (made
// valid for Excel) and its header row in lang. Call Close, or Abandon when
// giving up, to release its temporary files.
func NewXLSXWriter(lang Lang, sheetName string) (*XLSXWriter, error) {
	return newXLSXWriter(lang, len(exportWidths), sheetName)
}

func newXLSXWriter(lang Lang, n int, sheetName string) (_ *XLSXWriter, err error) {
	words := labelsFor(lang)
	f := excelize.NewFile()
	defer func() {
		if err != nil {
			_ = f.Close()
			err = fmt.Errorf("write xlsx: %w", err)
		}
	}()
	name := sanitizeSheetName(sheetName)
	if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
		return nil, err
	}
	sw, err := newExportStream(f, name, words.headers[:n])
	if err != nil {
		return nil, err
	}
	dateFmt := "dd.mm.yyyy"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return nil, err
	}
	return &XLSXWriter{f: f, sw: sw, words: words, n: n, row: 1, dateStyle: dateStyle,
		cells: make([]any, len(exportWidths)), texts: make([]string, 0, len(exportWidths))}, nil
}

// Write adds one row.
func (x *XLSXWriter) Write(r ExportRow) error {
	x.texts = r.texts(x.words, x.texts[:0])
	for j, s := range x.texts {
		x.cells[j] = s
	}
	x.cells[colEnrolledAt] = dateCell(r.EnrolledAt, x.dateStyle)
	x.cells[colWithdrawnAt] = dateCell(deref(r.WithdrawnAt), x.dateStyle)
	x.cells[colWithdrawnAt+1] = r.WithdrawalReason
	x.row++
	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err == nil {
		err = x.sw.SetRow(cell, x.cells[:x.n])
	}
	if err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

// Close finishes the worksheet and writes the workbook to w.
func (x *XLSXWriter) Close(w io.Writer) (err error) {
	x.closed = true
	defer closeInto(x.f, &err)
	if err := x.sw.Flush(); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	if err := x.f.Write(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

// Abandon releases a workbook that will not be closed; after Close it does
// nothing.
func (x *XLSXWriter) Abandon() {
	if !x.closed {
		x.closed = true
		_ = x.f.Close()
	}
}

// newExportStream opens a stream writer with the column widths, the frozen
// header and the bold header row.
func newExportStream(f *excelize.File, sheet string, headers []string) (*excelize.StreamWriter, error) {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	for i, width := range exportWidths[:len(headers)] {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return nil, err
		}
	}
	err = sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	cells := make([]any, len(headers))
	for i, h := range headers {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	return sw, sw.SetRow("A1", cells)
}

// dateCell is a date cell for t's calendar day, or nil (no cell) for the
// zero time.
func dateCell(t time.Time, style int) any {
	if t.IsZero() {
		return nil
	}
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return excelize.Cell{StyleID: style, Value: day}
}

// sanitizeSheetName makes name a valid worksheet name: no : \ / ? * [ ] or
// control characters, no apostrophe at either end, at most 31 UTF-16 units.
func sanitizeSheetName(name string) string {
	var b strings.Builder
	units := 0
	for _, r := range strings.TrimSpace(name) {
		if strings.ContainsRune(`:\/?*[]`, r) || unicode.IsControl(r) {
			r = '-'
		}
		if units += utf16.RuneLen(r); units > maxSheetName {
			break
		}
		b.WriteRune(r)
	}
	name = strings.TrimSpace(strings.Trim(b.String(), "'"))
	if name == "" {
		return "Teilnehmende"
	}
	return name
}

// WriteFrom writes the export as XLSX or CSV to w from rows each hands
// over one at a time, as Export.Each does: nothing is held but the row at
// hand (and, for XLSX, excelize's compact worksheet). CSV bytes reach w as
// rows come, in blocks of a few kilobytes; XLSX bytes only once all rows
// have come.
func WriteFrom(w io.Writer, xlsx bool, lang Lang, sheetName string, each func(func(ExportRow) error) error) error {
	if xlsx {
		xw, err := NewXLSXWriter(lang, sheetName)
		if err != nil {
			return err
		}
		defer xw.Abandon()
		if err := each(xw.Write); err != nil {
			return err
		}
		return xw.Close(w)
	}
	cw, err := NewCSVWriter(w, lang)
	if err != nil {
		return err
	}
	if err := each(cw.Write); err != nil {
		return err
	}
	return cw.Close()
}
