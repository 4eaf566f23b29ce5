package roster

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/htmlindex"

	"github.com/xuri/excelize/v2"
)

// What a workbook may unpack to, as multiples of Limits.MaxBytes, against
// ZIP bombs. excelize keeps every part in memory, the shared strings as a
// struct per string, except worksheets larger than MaxBytes, which it
// streams from a temporary file; so worksheets may be larger than the
// other parts. With the default limits a part unpacks to at most 10 MB, a
// worksheet to 40 MB and the workbook to 60 MB: a list of 10,000 rows in
// 30 columns, as Excel saves it, needs about a third of that.
const (
	partFactor  = 2
	sheetFactor = 8
	unzipFactor = 12
)

func parseXLSX(data []byte, limits Limits) (sh *Sheet, err error) {
	if err := checkArchive(data, limits); err != nil {
		return nil, err
	}
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

// checkArchive reads every part of a workbook once before excelize opens
// it, which trusts the sizes the archive declares and reads XML leniently.
// A part, or all of them together, unpacking to more than the limits gives
// a *TooLargeError, by the declared and by the actual size. A part whose
// size or checksum is not what the archive declares, a part named twice,
// and an XML part that is not well-formed or declares a DOCTYPE or
// entities give ErrDamaged.
func checkArchive(data []byte, limits Limits) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return notWorkbook(err)
	}
	total := &TooLargeError{Kind: LimitUnpacked, Limit: unzipFactor * limits.MaxBytes}
	left := total.Limit
	seen := make(map[string]bool, len(zr.File))
	for _, f := range zr.File {
		name := strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))
		if seen[name] {
			return damaged(f.Name, errors.New("the part appears twice"))
		}
		seen[name] = true
		if strings.HasSuffix(name, "/") {
			continue
		}
		limit := partFactor * limits.MaxBytes
		if strings.HasPrefix(name, "xl/worksheets/sheet") {
			limit = sheetFactor * limits.MaxBytes
		}
		if f.UncompressedSize64 > uint64(min(limit, left)) {
			return tooLargeUnpacked(f.UncompressedSize64 > uint64(limit), limit, total)
		}
		n, err := checkPart(f, min(limit, left), isXMLPart(name))
		if n > min(limit, left) {
			return tooLargeUnpacked(n > limit, limit, total)
		}
		if err != nil {
			return damaged(f.Name, err)
		}
		left -= n
	}
	return nil
}

func tooLargeUnpacked(part bool, limit int64, total *TooLargeError) error {
	if part {
		return &TooLargeError{Kind: LimitUnpacked, Limit: limit}
	}
	return total
}

func damaged(part string, err error) error {
	return fmt.Errorf("%w: part %s: %v", ErrDamaged, part, err)
}

// isXMLPart tells the parts that must be well-formed XML. VML drawings are
// left out: Excel writes them as HTML-like markup.
func isXMLPart(name string) bool {
	return strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels")
}

// checkPart unpacks f, reading at most limit+1 bytes, and returns how many
// it read. archive/zip checks the declared size and checksum at the end.
func checkPart(f *zip.File, limit int64, xmlPart bool) (n int64, err error) {
	rc, err := f.Open()
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	cr := &countReader{r: io.LimitReader(rc, limit+1)}
	if !xmlPart {
		_, err = io.Copy(io.Discard, cr)
		return cr.n, err
	}
	d := xml.NewDecoder(cr)
	d.CharsetReader = charsetReader
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return cr.n, nil
		}
		if err != nil {
			return cr.n, err
		}
		if dir, ok := tok.(xml.Directive); ok {
			return cr.n, fmt.Errorf("declaration <!%.20s> not allowed", dir)
		}
	}
}

// charsetReader decodes XML declared in another encoding than UTF-8, as
// excelize does.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, err
	}
	return enc.NewDecoder().Reader(input), nil
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
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
