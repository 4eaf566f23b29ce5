// Package rostertest builds hostile participant lists for tests and load
// measurements: workbooks that are small to send and large or damaged once
// unpacked. They are made in memory, so none needs to be committed.
package rostertest

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Workbook is a list of one person, as Excel saves it: its texts in the
// shared strings.
func Workbook() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{{"Vorname", "Nachname", "E-Mail"}, {"Anna", "Muster", "anna@example.org"}}
	for i, row := range rows {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &row); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Part is a part to add to a workbook.
type Part struct {
	Name    string
	Content io.Reader
}

// Rezip copies the parts of a workbook, letting edit replace a part's
// content (nil keeps it), then adds extra in order.
func Rezip(data []byte, edit func(name string, part []byte) []byte, extra ...Part) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		part, err := readPart(f)
		if err != nil {
			return nil, err
		}
		if edit != nil {
			if p := edit(f.Name, part); p != nil {
				part = p
			}
		}
		if err := add(zw, Part{f.Name, bytes.NewReader(part)}); err != nil {
			return nil, err
		}
	}
	for _, p := range extra {
		if err := add(zw, p); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func readPart(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func add(zw *zip.Writer, p Part) error {
	w, err := zw.Create(p.Name)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, p.Content)
	return err
}

// Repeated streams s n times without holding them in memory.
func Repeated(s string, n int) io.Reader { return &repeatReader{s: s, left: n} }

type repeatReader struct {
	s    string
	left int
	buf  []byte
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if len(r.buf) == 0 {
		if r.left == 0 {
			return 0, io.EOF
		}
		k := min(r.left, 4096)
		r.buf = []byte(strings.Repeat(r.s, k))
		r.left -= k
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// SharedStringsBomb is the list of Workbook whose shared strings unpack to
// about n bytes more, of one-letter strings: excelize spends a struct on
// each.
func SharedStringsBomb(n int) ([]byte, error) {
	good, err := Workbook()
	if err != nil {
		return nil, err
	}
	const item = "<si><t>a</t></si>"
	var failed error
	data, err := Rezip(good, func(name string, part []byte) []byte {
		if name != "xl/sharedStrings.xml" {
			return nil
		}
		end := bytes.LastIndex(part, []byte("</sst>"))
		var b bytes.Buffer
		b.Write(part[:end])
		if _, err := io.Copy(&b, Repeated(item, n/len(item))); err != nil {
			failed = err
		}
		b.WriteString("</sst>")
		return b.Bytes()
	})
	if failed != nil {
		return nil, failed
	}
	return data, err
}

// PartBomb is the list of Workbook with a part name of n zero bytes, such
// as a picture.
func PartBomb(name string, n int) ([]byte, error) {
	good, err := Workbook()
	if err != nil {
		return nil, err
	}
	return Rezip(good, nil, Part{name, Repeated("\x00", n)})
}

// FalsifySize rewrites the uncompressed size of the part name, in its local
// header and in the central directory.
func FalsifySize(data []byte, name string, size uint32) ([]byte, error) {
	out := bytes.Clone(data)
	found := 0
	for i := 0; i+46 < len(out); i++ {
		switch {
		case bytes.HasPrefix(out[i:], []byte("PK\x03\x04")):
			n := int(binary.LittleEndian.Uint16(out[i+26:]))
			if i+30+n <= len(out) && string(out[i+30:i+30+n]) == name {
				binary.LittleEndian.PutUint32(out[i+22:], size)
				found++
			}
		case bytes.HasPrefix(out[i:], []byte("PK\x01\x02")):
			n := int(binary.LittleEndian.Uint16(out[i+28:]))
			if i+46+n <= len(out) && string(out[i+46:i+46+n]) == name {
				binary.LittleEndian.PutUint32(out[i+24:], size)
				found++
			}
		}
	}
	if found != 2 {
		return nil, fmt.Errorf("found %s %d times, want its local and central header", name, found)
	}
	return out, nil
}

// WithSheet is the list of Workbook with its first worksheet replaced.
func WithSheet(sheet string) ([]byte, error) {
	good, err := Workbook()
	if err != nil {
		return nil, err
	}
	return Rezip(good, func(name string, _ []byte) []byte {
		if name == "xl/worksheets/sheet1.xml" {
			return []byte(sheet)
		}
		return nil
	})
}

// DoctypeSheet is a worksheet that declares an entity and uses it.
const DoctypeSheet = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!DOCTYPE worksheet [<!ENTITY x "Muster">]>` +
	`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
	`<row r="1"><c r="A1" t="inlineStr"><is><t>Vorname</t></is></c><c r="B1" t="inlineStr"><is><t>Nachname</t></is></c><c r="C1" t="inlineStr"><is><t>E-Mail</t></is></c></row>` +
	`<row r="2"><c r="A2" t="inlineStr"><is><t>Anna</t></is></c><c r="B2" t="inlineStr"><is><t>&x;</t></is></c><c r="C2" t="inlineStr"><is><t>anna@example.org</t></is></c></row>` +
	`</sheetData></worksheet>`
