package roster

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// File signatures.
const (
	zipMagic = "PK\x03\x04"                       // XLSX is a ZIP archive
	oleMagic = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" // .xls, and encrypted .xlsx
)

// Parse reads a participant list from CSV or XLSX. The format is taken from
// the content (XLSX is a ZIP archive); filename only helps to explain a
// refusal. Parse reads at most limits.MaxBytes+1 bytes and keeps them in
// memory; a larger file or one with more than limits.MaxRows data rows gives
// a *TooLargeError, and so does a workbook that unpacks to more than a
// multiple of limits.MaxBytes. A header row that cannot be mapped gives a
// *HeaderError; a file that is not CSV or XLSX one of ErrLegacyExcel,
// ErrEncrypted, ErrNotSpreadsheet or ErrNoHeader (wrapped), and a workbook
// whose archive or XML is inconsistent ErrDamaged (wrapped).
//
// Problems with single cells do not stop Parse: every data row is returned
// with its errors.
func Parse(r io.Reader, filename string, limits Limits) (*Sheet, error) {
	limits = limits.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, limits.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read participant list: %w", err)
	}
	if int64(len(data)) > limits.MaxBytes {
		return nil, &TooLargeError{Kind: LimitBytes, Limit: limits.MaxBytes}
	}
	xlsx, err := sniff(data, filename)
	if err != nil {
		return nil, err
	}
	if xlsx {
		return parseXLSX(data, limits)
	}
	return parseCSV(data, limits)
}

// sniff tells XLSX (a ZIP archive) from text by content, and refuses old
// Excel files. The file name only picks the clearer refusal.
func sniff(data []byte, filename string) (xlsx bool, err error) {
	ext := strings.ToLower(filepath.Ext(filename))
	isOLE := bytes.HasPrefix(data, []byte(oleMagic))
	switch {
	case bytes.HasPrefix(data, []byte(zipMagic)):
		return true, nil
	case isOLE && (ext == ".xlsx" || ext == ".xlsm"):
		return false, ErrEncrypted
	case isOLE || ext == ".xls":
		return false, ErrLegacyExcel
	case ext == ".xlsx" || ext == ".xlsm":
		return false, fmt.Errorf("%w: the file is named %s but is not an XLSX workbook", ErrNotSpreadsheet, ext)
	}
	return false, nil
}

// record is one row as read from a file. Line is the row number as Excel
// shows it.
type record struct {
	line   int
	cells  []string
	broken string // why the row could not be read; "" when it could
}

// source yields the rows of a file in order, then io.EOF.
type source interface {
	next() (record, error)
}

// readSheet reads the header and the data rows of src into sh.
func readSheet(src source, sh *Sheet, maxRows int) error {
	h, err := readHeader(src)
	if err != nil {
		return err
	}
	sh.Columns, sh.IgnoredColumns = h.columnsByField(), h.ignored
	b := rowBuilder{columns: h.columns, seen: make(map[string]int)}
	for {
		rec, err := src.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if rec.broken == "" && blank(rec.cells) {
			continue
		}
		if len(sh.Rows) == maxRows {
			return &TooLargeError{Kind: LimitRows, Limit: int64(maxRows)}
		}
		sh.Rows = append(sh.Rows, b.build(rec))
	}
}

// readHeader maps the first row that is not blank.
func readHeader(src source) (header, error) {
	for {
		rec, err := src.next()
		if err == io.EOF {
			return header{}, ErrNoHeader
		}
		if err != nil {
			return header{}, err
		}
		if rec.broken != "" {
			return header{}, fmt.Errorf("header row %d: %s", rec.line, rec.broken)
		}
		if !blank(rec.cells) {
			return mapHeader(rec.cells, rec.line)
		}
	}
}

// blank reports whether every cell is empty or white space.
func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// rowBuilder turns records into rows. It remembers each e-mail address and
// its row to report duplicates.
type rowBuilder struct {
	columns []column
	seen    map[string]int
}

func (b *rowBuilder) build(rec record) Row {
	row := Row{Line: rec.line}
	if rec.broken != "" {
		row.Errors = []CellError{{Line: rec.line, Reason: ReasonMalformed, Code: CodeRowMalformed, Message: rec.broken}}
		return row
	}
	for _, c := range b.columns {
		raw := ""
		if c.index < len(rec.cells) {
			raw = rec.cells[c.index]
		}
		v, p := normalize(c.field, raw)
		row.Values.set(c.field, v)
		if p != nil {
			row.Errors = append(row.Errors, CellError{
				Line: rec.line, Column: c.header, Field: c.field, Reason: p.reason, Code: p.code, Max: p.max,
				Value: shorten(strings.TrimSpace(raw)), Message: p.msg,
			})
		}
	}
	b.checkDuplicate(&row)
	return row
}

// checkDuplicate reports a valid e-mail address already used by an earlier
// row.
func (b *rowBuilder) checkDuplicate(row *Row) {
	email := row.Values.Email
	if email == "" || row.hasError(FieldEmail) {
		return
	}
	first, ok := b.seen[email]
	if !ok {
		b.seen[email] = row.Line
		return
	}
	row.Errors = append(row.Errors, CellError{
		Line: row.Line, Column: b.header(FieldEmail), Field: FieldEmail, Reason: ReasonDuplicate,
		Code: CodeDuplicateEmail, Value: shorten(email), FirstLine: first,
		Message: fmt.Sprintf("%q already appears in row %d", shorten(email), first),
	})
}

func (b *rowBuilder) header(f Field) string {
	for _, c := range b.columns {
		if c.field == f {
			return c.header
		}
	}
	return ""
}

func (r Row) hasError(f Field) bool {
	for _, e := range r.Errors {
		if e.Field == f {
			return true
		}
	}
	return false
}

func (p *Person) set(f Field, v string) {
	switch f {
	case FieldFirstName:
		p.FirstName = v
	case FieldLastName:
		p.LastName = v
	case FieldEmail:
		p.Email = v
	case FieldOrganisation:
		p.Organisation = v
	case FieldNetworkType:
		p.NetworkType = v
	case FieldFederalState:
		p.FederalState = v
	case FieldPhone:
		p.Phone = v
	}
}
