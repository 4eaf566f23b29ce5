// Package roster reads and writes participant lists as the course office
// keeps them in Excel: CSV (UTF-8 with or without BOM, Windows-1252, or
// Excel's UTF-16 "Unicode text"; `;`, `,` or tab) and XLSX. Parse maps German
// or English headers to fields, normalises every cell and reports each
// problem with its row, column and reason, so the caller can show a preview
// and commit all rows or none. WriteCSVIn and WriteXLSXIn export a cohort's
// list in German or English, WriteTemplateCSV and WriteTemplateXLSX write the
// empty list an import reads, and WriteStatisticsCSV and WriteStatisticsXLSX
// write the statistics page as a table.
//
// The package is pure: no database, no HTTP, no package-level mutable state.
package roster

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Field is a participant attribute a column can map to. The values are the
// JSON and database names.
type Field string

// The fields of a participant list.
const (
	FieldFirstName    Field = "first_name"
	FieldLastName     Field = "last_name"
	FieldEmail        Field = "email"
	FieldOrganisation Field = "organisation"
	FieldNetworkType  Field = "network_type"
	FieldFederalState Field = "federal_state"
	FieldPhone        Field = "phone"
)

// Person is one normalised row: names trimmed and in NFC, e-mail in lower
// case, network type and federal state as codes ("" when not given).
type Person struct {
	FirstName    string
	LastName     string
	Email        string
	Organisation string
	NetworkType  string
	FederalState string
	Phone        string
}

// Row is one data row of a sheet. Line is the row number the user sees in
// Excel (the header is usually row 1). Values holds what could be normalised
// even when Errors is not empty.
type Row struct {
	Line   int
	Values Person
	Errors []CellError
}

// Valid reports whether the row has no errors.
func (r Row) Valid() bool { return len(r.Errors) == 0 }

// Sheet is a parsed participant list.
type Sheet struct {
	Format         string // "csv" or "xlsx"
	Encoding       string // "utf-8", "utf-8-bom", "windows-1252", "utf-16le", "utf-16be"; "" for xlsx
	Separator      rune   // ';', ',' or '\t'; 0 for xlsx
	Columns        map[Field]string
	IgnoredColumns []string
	Rows           []Row
}

// Errors returns every cell error of every row, in row order.
func (s *Sheet) Errors() []CellError {
	var all []CellError
	for _, r := range s.Rows {
		all = append(all, r.Errors...)
	}
	return all
}

// Reason is the machine-readable kind of a CellError, for callers that
// translate messages.
type Reason string

// The reasons a cell is rejected.
const (
	ReasonRequired  Reason = "required"  // empty but required
	ReasonTooLong   Reason = "too_long"  // longer than the field allows
	ReasonInvalid   Reason = "invalid"   // not a valid value for the field
	ReasonDuplicate Reason = "duplicate" // e-mail already used by an earlier row
	ReasonMalformed Reason = "malformed" // the CSV row itself could not be read
)

// CellError is one problem with one cell. Column is the header as written in
// the file ("" when the whole row could not be read).
type CellError struct {
	Line      int
	Column    string
	Field     Field
	Reason    Reason
	Value     string // the offending value, shortened; "" when missing
	FirstLine int    // for ReasonDuplicate: the row that used the value first
	Max       int    // for ReasonTooLong: the most characters allowed
	// Code names the broken rule as services.Code does, finer than Reason.
	Code    string
	Message string
}

// The codes of CellError, the same as those of services.Code, which
// checks in a test that it knows each.
const (
	CodeRequired            = "required"
	CodeTooLong             = "too_long"
	CodeControlChars        = "control_chars"
	CodeUnreadable          = "text.unreadable"
	CodeEmailInvalid        = "email.invalid"
	CodeNetworkTypeInvalid  = "network_type.invalid"
	CodeFederalStateInvalid = "federal_state.invalid"
	CodePhoneInvalid        = "phone.invalid"
	CodeDuplicateEmail      = "import.duplicate_email"
	CodeRowMalformed        = "import.row_malformed"
	CodeBidiControls        = "text.bidi_controls"
)

// Codes lists every code a CellError may carry.
func Codes() []string {
	return []string{CodeRequired, CodeTooLong, CodeControlChars, CodeUnreadable, CodeEmailInvalid,
		CodeNetworkTypeInvalid, CodeFederalStateInvalid, CodePhoneInvalid, CodeDuplicateEmail, CodeRowMalformed, CodeBidiControls}
}

func (e CellError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("row %d: %s", e.Line, e.Message)
	}
	return fmt.Sprintf("row %d, column %q: %s", e.Line, e.Column, e.Message)
}

// Default limits of Parse.
const (
	DefaultMaxBytes int64 = 5 << 20
	DefaultMaxRows        = 10000
)

// Limits bounds what Parse accepts. Zero or negative values mean the default.
type Limits struct {
	MaxBytes int64
	MaxRows  int
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxRows <= 0 {
		l.MaxRows = DefaultMaxRows
	}
	return l
}

// LimitKind says which limit a TooLargeError is about.
type LimitKind string

// The limits of Parse.
const (
	LimitBytes    LimitKind = "bytes"
	LimitRows     LimitKind = "rows"
	LimitUnpacked LimitKind = "unpacked"
)

// TooLargeError reports a file over one of the Limits, or a workbook that
// unpacks to more than they allow. Limit is in bytes or in data rows, as
// Kind says.
type TooLargeError struct {
	Kind  LimitKind
	Limit int64
}

func (e *TooLargeError) Error() string {
	switch e.Kind {
	case LimitRows:
		return fmt.Sprintf("the file has too many rows: at most %d data rows are allowed", e.Limit)
	case LimitUnpacked:
		return fmt.Sprintf("the workbook unpacks to too much: at most %s are allowed", formatMB(e.Limit))
	}
	return fmt.Sprintf("the file is too large: at most %s are allowed", formatMB(e.Limit))
}

// formatMB writes a byte count in MB (2^20 bytes) with at most one decimal.
func formatMB(n int64) string {
	mb := math.Round(float64(n)/(1<<20)*10) / 10
	if mb == 0 {
		return strconv.FormatInt(n, 10) + " bytes"
	}
	return strconv.FormatFloat(mb, 'f', -1, 64) + " MB"
}

// HeaderError reports a header row that cannot be mapped: required columns
// missing, or several columns meaning the same field.
type HeaderError struct {
	Line       int
	Missing    []Field            // required fields without a column
	Duplicates map[Field][]string // field → the headers (as written) that all mean it
}

func (e *HeaderError) Error() string {
	var parts []string
	if len(e.Missing) > 0 {
		names := make([]string, len(e.Missing))
		for i, f := range e.Missing {
			names[i] = fmt.Sprintf("%s (%q)", f, exportHeader(f))
		}
		parts = append(parts, "missing required columns: "+strings.Join(names, ", "))
	}
	for _, f := range allFields {
		if cols, ok := e.Duplicates[f]; ok {
			parts = append(parts, fmt.Sprintf("columns %s all mean %s, keep one", quoteAll(cols), f))
		}
	}
	return fmt.Sprintf("header row %d: %s", e.Line, strings.Join(parts, "; "))
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// Errors of Parse that are about the file as a whole. Parse wraps them with
// detail; test with errors.Is.
var (
	ErrLegacyExcel    = errors.New("old Excel files (.xls) are not supported: open the file in Excel and save it as .xlsx or as CSV (UTF-8)")
	ErrEncrypted      = errors.New("password-protected Excel files are not supported: remove the password and upload again")
	ErrNotSpreadsheet = errors.New("the file is neither CSV nor XLSX")
	ErrNoHeader       = errors.New("the file has no header row")
	ErrDamaged        = errors.New("the file is damaged")
)
