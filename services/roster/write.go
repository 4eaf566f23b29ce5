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
	// 64 KB at a time: a list of 10,000 (1.4 MB) then reaches the client in
	// about 20 writes instead of 350, each a system call.
	bw := bufio.NewWriterSize(w, 64<<10)
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
func writeXLSXColumns(w io.Writer, lang Lang, n int, sheetName string, rows []ExportRow) error {
	xw, err := newXLSXWriter(w, lang, n, sheetName)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if err := xw.Write(r); err != nil {
			return err
		}
	}
	return xw.Close()
}

// XLSXWriter writes an export row by row, as WriteXLSXIn writes it whole:
// one worksheet named sheetName (made valid for Excel), the headers in bold
// and frozen, fixed column widths, dates as date cells shown as DD.MM.YYYY,
// strings never formulas. Bytes reach w as the compressed worksheet grows,
// so memory stays flat for any number of rows; Close writes the rest.
type XLSXWriter struct {
	z     *zipSheet
	words labels
	n     int
	cells []any
	texts []string
}

// NewXLSXWriter starts the workbook on w with its header row in lang.
func NewXLSXWriter(w io.Writer, lang Lang, sheetName string) (*XLSXWriter, error) {
	return newXLSXWriter(w, lang, len(exportWidths), sheetName)
}

func newXLSXWriter(w io.Writer, lang Lang, n int, sheetName string) (*XLSXWriter, error) {
	words := labelsFor(lang)
	z, err := newZipSheet(w, sanitizeSheetName(sheetName), words.headers[:n])
	if err != nil {
		return nil, fmt.Errorf("write xlsx: %w", err)
	}
	return &XLSXWriter{z: z, words: words, n: n,
		cells: make([]any, len(exportWidths)), texts: make([]string, 0, len(exportWidths))}, nil
}

// Write adds one row.
func (x *XLSXWriter) Write(r ExportRow) error {
	x.texts = r.texts(x.words, x.texts[:0])
	for j, s := range x.texts {
		x.cells[j] = s
	}
	x.cells[colEnrolledAt] = dateValue(r.EnrolledAt)
	x.cells[colWithdrawnAt] = dateValue(deref(r.WithdrawnAt))
	x.cells[colWithdrawnAt+1] = r.WithdrawalReason
	if err := x.z.writeRow(x.cells[:x.n]); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

// Close ends the workbook.
func (x *XLSXWriter) Close() error {
	if err := x.z.close(); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

// dateValue is t for a date cell, or nil (no cell) for the zero time.
func dateValue(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
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
// hand. Bytes reach w as rows come, in blocks of a few kilobytes.
func WriteFrom(w io.Writer, xlsx bool, lang Lang, sheetName string, each func(func(ExportRow) error) error) error {
	if xlsx {
		xw, err := NewXLSXWriter(w, lang, sheetName)
		if err != nil {
			return err
		}
		if err := each(xw.Write); err != nil {
			return err
		}
		return xw.Close()
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
