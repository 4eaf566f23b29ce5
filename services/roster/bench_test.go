package roster

import (
	"bytes"
	"testing"
)

// benchmarkParse parses a 10,000-row export made by write.
func benchmarkParse(b *testing.B, filename string, write func(*bytes.Buffer) error) {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		sh, err := Parse(bytes.NewReader(data), filename, Limits{})
		if err != nil {
			b.Fatalf("Parse: %v", err)
		}
		if len(sh.Rows) != 10000 {
			b.Fatalf("Parse: %d rows, want 10000", len(sh.Rows))
		}
	}
}

func BenchmarkParseCSV10k(b *testing.B) {
	rows := exportRows(10000)
	benchmarkParse(b, "liste.csv", func(w *bytes.Buffer) error { return WriteCSV(w, rows) })
}

func BenchmarkParseXLSX10k(b *testing.B) {
	rows := exportRows(10000)
	benchmarkParse(b, "liste.xlsx", func(w *bytes.Buffer) error { return WriteXLSX(w, "Teilnehmende", rows) })
}

func BenchmarkWriteXLSX10k(b *testing.B) {
	rows := exportRows(10000)
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := WriteXLSX(&buf, "Teilnehmende", rows); err != nil {
			b.Fatal(err)
		}
	}
}
