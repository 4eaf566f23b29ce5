package roster

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestWriteDocumentsAsCSVAndXLSX(t *testing.T) {
	revoked := time.Date(2023, 10, 2, 9, 0, 0, 0, time.UTC)
	lines := []DocumentLine{
		{Number: "KOH-2023-0001", Kind: "certificate", Status: "revoked", LastName: "Ćosić-Şahin", FirstName: "Zoë",
			Holder: "Zoë Ćosić-Şahin", Course: "Netzwerkkoordinator:in", Cohort: "Frühjahr 2023",
			IssuedOn: time.Date(2023, 9, 21, 0, 0, 0, 0, time.UTC), RevokedOn: &revoked, Reason: "=Irrtum"},
	}
	each := func(write func(DocumentLine) error) error {
		for _, l := range lines {
			if err := write(l); err != nil {
				return err
			}
		}
		return nil
	}
	var csv bytes.Buffer
	if err := WriteDocuments(&csv, false, German, each); err != nil {
		t.Fatal(err)
	}
	// The reason starts with "=", which a spreadsheet would run as a
	// formula: it is guarded with a leading apostrophe.
	want := "KOH-2023-0001;Zertifikat;Widerrufen;Ćosić-Şahin;Zoë;Zoë Ćosić-Şahin;Netzwerkkoordinator:in;Frühjahr 2023;21.09.2023;02.10.2023;'=Irrtum;;\r\n"
	if !strings.HasSuffix(csv.String(), want) {
		t.Errorf("csv:\n%q\nwant the row\n%q", csv.String(), want)
	}
	var x bytes.Buffer
	if err := WriteDocuments(&x, true, English, each); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&x)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Documents")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0][0] != "Number" || rows[1][0] != "KOH-2023-0001" || rows[1][2] != "Revoked" || rows[1][3] != "Ćosić-Şahin" {
		t.Errorf("xlsx rows %q", rows)
	}
}
