package roster

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"time"
)

// DocumentLine is one issued document as the register's export lists it.
type DocumentLine struct {
	Number, Kind, Status string
	LastName, FirstName  string
	Holder               string
	Course, Cohort       string
	IssuedOn             time.Time
	RevokedOn            *time.Time
	Reason               string // why it was revoked
	SupersededBy         string
	OverrideReason       string
}

type documentWords struct {
	headers  []string
	kinds    map[string]string
	statuses map[string]string
	sheet    string
}

var documentWordsByLang = map[Lang]documentWords{
	German: {headers: []string{"Nummer", "Art", "Status", "Nachname", "Vorname", "Name auf dem Dokument", "Lehrgang", "Kohorte",
		"Ausgestellt am", "Widerrufen am", "Widerrufsgrund", "Ersetzt durch", "Ausnahmegrund"},
		kinds:    map[string]string{"certificate": "Zertifikat", "confirmation": "Teilnahmebescheinigung"},
		statuses: map[string]string{"valid": "Gültig", "revoked": "Widerrufen", "superseded": "Ersetzt"},
		sheet:    "Dokumente"},
	English: {headers: []string{"Number", "Kind", "Status", "Last name", "First name", "Name on the document", "Course", "Cohort",
		"Issued on", "Revoked on", "Reason for revocation", "Superseded by", "Override reason"},
		kinds:    map[string]string{"certificate": "Certificate", "confirmation": "Attendance confirmation"},
		statuses: map[string]string{"valid": "Valid", "revoked": "Revoked", "superseded": "Superseded"},
		sheet:    "Documents"},
}

func documentWordsFor(lang Lang) documentWords {
	if w, ok := documentWordsByLang[lang]; ok {
		return w
	}
	return documentWordsByLang[German]
}

// DocumentsFileName names the register's export: dokumente or documents.
func DocumentsFileName(lang Lang) string {
	if lang == English {
		return "documents"
	}
	return "dokumente"
}

func (d DocumentLine) cells(w documentWords) []any {
	var revoked any
	if d.RevokedOn != nil {
		revoked = *d.RevokedOn
	}
	return []any{d.Number, labelOr(w.kinds, d.Kind), labelOr(w.statuses, d.Status), d.LastName, d.FirstName, d.Holder,
		d.Course, d.Cohort, d.IssuedOn, revoked, d.Reason, d.SupersededBy, d.OverrideReason}
}

// WriteDocuments writes the register as CSV (UTF-8 with BOM, ';', CRLF,
// formulas guarded, dates as 21.09.2023 in German) or XLSX, from rows each
// hands over one at a time: nothing is held but the row at hand.
func WriteDocuments(w io.Writer, xlsx bool, lang Lang, each func(func(DocumentLine) error) error) error {
	words := documentWordsFor(lang)
	if xlsx {
		z, err := newZipSheet(w, words.sheet, words.headers)
		if err != nil {
			return fmt.Errorf("write xlsx: %w", err)
		}
		if err := each(func(d DocumentLine) error { return z.writeRow(d.cells(words)) }); err != nil {
			return err
		}
		return z.close()
	}
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(bomUTF8); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	cw := csv.NewWriter(bw)
	cw.Comma, cw.UseCRLF = ';', true
	if err := cw.Write(words.headers); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	layout := "02.01.2006"
	if lang == English {
		layout = "2006-01-02"
	}
	if err := each(func(d DocumentLine) error {
		cells := d.cells(words)
		record := make([]string, len(cells))
		for i, c := range cells {
			switch v := c.(type) {
			case time.Time:
				record[i] = v.Format(layout)
			case nil:
			default:
				record[i] = escapeFormula(fmt.Sprint(v))
			}
		}
		return cw.Write(record)
	}); err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return bw.Flush()
}
