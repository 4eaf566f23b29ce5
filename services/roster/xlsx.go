package roster

import (
	"bytes"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// unzipFactor bounds the unpacked size of a workbook to this multiple of
// Limits.MaxBytes, against ZIP bombs. Worksheets larger than MaxBytes
// unpacked go to a temporary file and are streamed from there.
const unzipFactor = 20

func parseXLSX(data []byte, limits Limits) (sh *Sheet, err error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    unzipFactor * limits.MaxBytes,
		UnzipXMLSizeLimit: limits.MaxBytes,
	})
	if err != nil {
		return nil, notWorkbook(err)
	}
	defer closeInto(f, &err)
	name, ok := firstVisibleSheet(f)
	if !ok {
		return nil, fmt.Errorf("%w: the workbook has no visible worksheet", ErrNoHeader)
	}
	rows, err := f.Rows(name)
	if err != nil {
		return nil, notWorkbook(err)
	}
	defer closeInto(rows, &err)
	sh = &Sheet{Format: "xlsx"}
	if err := readSheet(&xlsxSource{rows: rows}, sh, limits.MaxRows); err != nil {
		return nil, err
	}
	return sh, nil
}

func notWorkbook(err error) error {
	return fmt.Errorf("%w: not a readable XLSX workbook (%v)", ErrNotSpreadsheet, err)
}

// closeInto closes c and keeps its error in *err unless *err is set.
func closeInto(c io.Closer, err *error) {
	if cerr := c.Close(); cerr != nil && *err == nil {
		*err = fmt.Errorf("close workbook: %w", cerr)
	}
}

// firstVisibleSheet returns the first worksheet in tab order that is not
// hidden.
func firstVisibleSheet(f *excelize.File) (string, bool) {
	for _, name := range f.GetSheetList() {
		if visible, err := f.GetSheetVisible(name); err == nil && visible {
			return name, true
		}
	}
	return "", false
}

// xlsxSource streams the rows of a worksheet, cells as Excel displays them.
// Rows absent from the file come back empty, so line is the row number.
type xlsxSource struct {
	rows *excelize.Rows
	line int
}

func (s *xlsxSource) next() (record, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return record{}, notWorkbook(err)
		}
		return record{}, io.EOF
	}
	s.line++
	cells, err := s.rows.Columns()
	if err != nil {
		return record{}, notWorkbook(err)
	}
	return record{line: s.line, cells: cells}, nil
}
