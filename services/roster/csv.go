package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

const (
	bomUTF8    = "\xEF\xBB\xBF"
	bomUTF16LE = "\xFF\xFE"
	bomUTF16BE = "\xFE\xFF"
)

func parseCSV(data []byte, limits Limits) (*Sheet, error) {
	text, enc, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	sep, text := separator(text)
	cr := csv.NewReader(bytes.NewReader(text))
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	// With a tab separator TrimLeadingSpace would swallow empty fields;
	// cells are trimmed later anyway.
	cr.TrimLeadingSpace = sep != '\t'
	sh := &Sheet{Format: "csv", Encoding: enc, Separator: sep}
	if err := readSheet(&csvSource{r: cr}, sh, limits.MaxRows); err != nil {
		return nil, err
	}
	return sh, nil
}

// decodeText returns data as UTF-8 without BOM and the encoding it was in:
// UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text"), or
// else, when data is not valid UTF-8, Windows-1252.
func decodeText(data []byte) (text []byte, enc string, err error) {
	switch {
	case bytes.HasPrefix(data, []byte(bomUTF8)):
		text, enc = bytes.ToValidUTF8(data[len(bomUTF8):], []byte("\uFFFD")), "utf-8-bom"
	case bytes.HasPrefix(data, []byte(bomUTF16LE)):
		text, enc, err = decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), data, "utf-16le")
	case bytes.HasPrefix(data, []byte(bomUTF16BE)):
		text, enc, err = decodeWith(unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), data, "utf-16be")
	case utf8.Valid(data):
		text, enc = data, "utf-8"
	default:
		text, enc, err = decodeWith(charmap.Windows1252, data, "windows-1252")
	}
	if err == nil && bytes.IndexByte(text, 0) >= 0 {
		err = fmt.Errorf("%w: the file contains binary data", ErrNotSpreadsheet)
	}
	return text, enc, err
}

func decodeWith(e encoding.Encoding, data []byte, name string) ([]byte, string, error) {
	text, err := e.NewDecoder().Bytes(data)
	if err != nil {
		return nil, "", fmt.Errorf("%w: cannot decode the file as %s: %v", ErrNotSpreadsheet, name, err)
	}
	return text, name, nil
}

// separator returns the separator and the text to read. A first line
// "sep=;" (which Excel reads and hides) names it and is cut off; otherwise it
// is detected from the header line.
func separator(text []byte) (rune, []byte) {
	for _, sep := range []rune{';', ',', '\t'} {
		for _, eol := range []string{"\r\n", "\n"} {
			if line := "sep=" + string(sep) + eol; bytes.HasPrefix(text, []byte(line)) {
				return sep, text[len(line):]
			}
		}
	}
	return detectSeparator(text), text
}

// detectSeparator returns whichever of ';', ',' and tab occurs most often
// outside quotes in the header line; ';' on a tie or when none occurs.
func detectSeparator(text []byte) rune {
	line := headerLine(text)
	var semi, comma, tab int
	inQuotes := false
	for _, c := range line {
		switch {
		case c == '"':
			inQuotes = !inQuotes
		case inQuotes:
		case c == ';':
			semi++
		case c == ',':
			comma++
		case c == '\t':
			tab++
		}
	}
	switch {
	case comma > semi && comma >= tab:
		return ','
	case tab > semi && tab > comma:
		return '\t'
	}
	return ';'
}

// headerLine returns the first line, line breaks inside quotes included, that
// holds more than separators, quotes and blanks.
func headerLine(text []byte) []byte {
	start, inQuotes := 0, false
	for i, c := range text {
		switch {
		case c == '"':
			inQuotes = !inQuotes
		case c == '\n' && !inQuotes:
			if line := text[start:i]; hasContent(line) {
				return line
			}
			start = i + 1
		}
	}
	return text[start:]
}

func hasContent(line []byte) bool {
	return len(bytes.Trim(line, " \t\r;,\"")) > 0
}

// csvSource reads records and numbers them as Excel shows the file: every
// line is a row, except line breaks inside quoted fields.
type csvSource struct {
	r          *csv.Reader
	innerBreak int // line breaks inside quoted fields so far
}

func (s *csvSource) next() (record, error) {
	cells, err := s.r.Read()
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		rec := record{line: pe.StartLine - s.innerBreak, broken: describeCSVError(pe)}
		s.innerBreak += pe.Line - pe.StartLine
		return rec, nil
	}
	if err != nil {
		return record{}, err
	}
	line, _ := s.r.FieldPos(0)
	rec := record{line: line - s.innerBreak, cells: cells}
	for i, c := range cells {
		s.innerBreak += strings.Count(c, "\n")
		cells[i] = unescapeFormula(c)
	}
	return rec, nil
}

func describeCSVError(pe *csv.ParseError) string {
	if errors.Is(pe.Err, csv.ErrBareQuote) || errors.Is(pe.Err, csv.ErrQuote) {
		return `the row is not valid CSV: a value with quotes (") must be enclosed in quotes, and each quote inside doubled ("")`
	}
	return fmt.Sprintf("the row is not valid CSV: %v", pe.Err)
}

// unescapeFormula removes the apostrophe that WriteCSV puts before a value
// Excel would take for a formula, so an exported list imports unchanged.
func unescapeFormula(s string) string {
	if len(s) >= 2 && s[0] == '\'' && isFormulaStart(s[1]) {
		return s[1:]
	}
	return s
}

// isFormulaStart reports whether a cell starting with c could be taken for a
// formula by a spreadsheet (CSV injection).
func isFormulaStart(c byte) bool {
	return strings.IndexByte("=+-@\t\r", c) >= 0
}
