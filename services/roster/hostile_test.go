package roster

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"kohorte/services/roster/rostertest"
)

// mustOf returns a function that fails t on err and returns data.
func mustOf(t testing.TB) func(data []byte, err error) []byte {
	return func(data []byte, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
}

const sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`
const sheetBody = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
	`<row r="1"><c r="A1" t="inlineStr"><is><t>Vorname</t></is></c><c r="B1" t="inlineStr"><is><t>Nachname</t></is></c><c r="C1" t="inlineStr"><is><t>E-Mail</t></is></c></row>` +
	`<row r="2"><c r="A2" t="inlineStr"><is><t>Anna</t></is></c><c r="B2" t="inlineStr"><is><t>%s</t></is></c><c r="C2" t="inlineStr"><is><t>anna@example.org</t></is></c></row>` +
	`</sheetData></worksheet>`

func sheetWith(lastName string) string { return strings.Replace(sheetBody, "%s", lastName, 1) }

func TestParseRefusesWhatUnpacksTooLarge(t *testing.T) {
	t.Parallel()
	must := mustOf(t)
	limits := Limits{}.withDefaults()
	over := int(limits.MaxBytes*partFactor) + 1<<20
	good := must(rostertest.Workbook())
	many := make([]rostertest.Part, unzipFactor/partFactor+1)
	for i := range many {
		many[i] = rostertest.Part{Name: "xl/media/image" + strings.Repeat("x", i+1) + ".png",
			Content: rostertest.Repeated("\x00", int(limits.MaxBytes*partFactor)-1)}
	}
	cases := []struct {
		name string
		data []byte
	}{
		{"shared strings", must(rostertest.SharedStringsBomb(over))},
		{"a part that is no sheet", must(rostertest.PartBomb("docProps/custom.xml", over))},
		{"a picture", must(rostertest.PartBomb("xl/media/image1.png", over))},
		{"a worksheet", must(rostertest.PartBomb("xl/worksheets/sheet9.xml", int(limits.MaxBytes*sheetFactor)+1<<20))},
		{"many parts together", must(rostertest.Rezip(good, nil, many...))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if len(tc.data) > 1<<20 {
				t.Fatalf("the hostile file is %d bytes; it should be small", len(tc.data))
			}
			_, err := Parse(bytes.NewReader(tc.data), "liste.xlsx", Limits{})
			var tooLarge *TooLargeError
			if !errors.As(err, &tooLarge) || tooLarge.Kind != LimitUnpacked {
				t.Fatalf("Parse = %v, want a TooLargeError about the unpacked size", err)
			}
		})
	}
}

func TestParseRefusesDamagedWorkbooks(t *testing.T) {
	t.Parallel()
	must := mustOf(t)
	good := must(rostertest.Workbook())
	zr, err := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	if err != nil {
		t.Fatal(err)
	}
	var sheetSize uint32
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			sheetSize = uint32(f.UncompressedSize64)
		}
	}
	cases := []struct {
		name string
		data []byte
	}{
		{"sheet size too small", must(rostertest.FalsifySize(good, "xl/worksheets/sheet1.xml", sheetSize/2))},
		{"sheet size too large", must(rostertest.FalsifySize(good, "xl/worksheets/sheet1.xml", sheetSize*2))},
		{"shared strings size too small", must(rostertest.FalsifySize(good, "xl/sharedStrings.xml", 10))},
		{"checksum wrong", corruptCRC(t, good, "xl/worksheets/sheet1.xml")},
		{"DOCTYPE with an entity in a sheet", must(rostertest.WithSheet(rostertest.DoctypeSheet))},
		{"DOCTYPE without entities", must(rostertest.WithSheet(sheetHead + `<!DOCTYPE worksheet>` + sheetWith("Muster")))},
		{"undeclared entity", must(rostertest.WithSheet(sheetHead + sheetWith("&x;")))},
		{"DOCTYPE in the shared strings", must(rostertest.Rezip(good, func(name string, part []byte) []byte {
			if name == "xl/sharedStrings.xml" {
				return bytes.Replace(part, []byte("?>"), []byte(`?><!doctype sst SYSTEM "file:///etc/passwd">`), 1)
			}
			return nil
		}))},
		{"a part twice", must(rostertest.Rezip(good, nil,
			rostertest.Part{Name: "xl/worksheets/sheet1.xml", Content: strings.NewReader(sheetHead + sheetWith("Zwei"))}))},
		{"broken sheet XML", must(rostertest.WithSheet(sheetHead + strings.Replace(sheetWith("Muster"), "</sheetData>", "</sheetDat>", 1)))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sh, err := Parse(bytes.NewReader(tc.data), "liste.xlsx", Limits{})
			if !errors.Is(err, ErrDamaged) {
				rows := -1
				if sh != nil {
					rows = len(sh.Rows)
				}
				t.Fatalf("Parse = %v (%d rows), want ErrDamaged", err, rows)
			}
		})
	}
}

// corruptCRC returns data with the checksum of part name changed in both
// headers.
func corruptCRC(t testing.TB, data []byte, name string) []byte {
	t.Helper()
	out := bytes.Clone(data)
	found := 0
	for i := 0; i+46 < len(out); i++ {
		switch {
		case bytes.HasPrefix(out[i:], []byte("PK\x03\x04")):
			if n := int(binary.LittleEndian.Uint16(out[i+26:])); string(out[i+30:i+30+n]) == name {
				binary.LittleEndian.PutUint32(out[i+14:], binary.LittleEndian.Uint32(out[i+14:])^1)
				found++
			}
		case bytes.HasPrefix(out[i:], []byte("PK\x01\x02")):
			if n := int(binary.LittleEndian.Uint16(out[i+28:])); string(out[i+46:i+46+n]) == name {
				binary.LittleEndian.PutUint32(out[i+16:], binary.LittleEndian.Uint32(out[i+16:])^1)
				found++
			}
		}
	}
	if found != 2 {
		t.Fatalf("found %s %d times", name, found)
	}
	return out
}

func TestParseReadsCommentsAndCDATAAfterTheChecks(t *testing.T) {
	t.Parallel()
	must := mustOf(t)
	commented := must(rostertest.WithSheet(sheetHead + "<!-- a comment -->" + sheetWith("Mus<![CDATA[ter]]><!-- x -->")))
	for _, data := range [][]byte{must(rostertest.Workbook()), commented} {
		sh := parseBytes(t, data, "liste.xlsx")
		if len(sh.Rows) != 1 || sh.Rows[0].Values.LastName != "Muster" {
			t.Fatalf("rows %+v, want Anna Muster", sh.Rows)
		}
	}
}
