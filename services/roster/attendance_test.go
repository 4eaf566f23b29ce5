package roster

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

func attendanceSample() AttendanceTable {
	return AttendanceTable{
		Sessions: []AttendanceSession{
			{Title: "Auftaktpräsenz", Date: "07.09.2026", Start: "10:00", End: "17:00"},
			{Title: "Webinar 1", Date: "15.09.2026", Start: "17:00", End: "18:30"},
			{Title: "Webinar 2", Date: "22.09.2026", Start: "17:00", End: "18:30", Cancelled: true},
		},
		Rows: []AttendanceExportRow{
			{LastName: "Ćosić-Şahin", FirstName: "Zoë", Status: "enrolled", Cells: []string{"present_remote", "excused", "-"},
				Remote: 1, Attended: 1, Excused: 1, Held: 1, RateTenths: 1000, Eligibility: "pending"},
			{LastName: "=Müller", FirstName: "Jürgen", Status: "withdrawn", Cells: []string{"absent", "", "-"},
				Attended: 0, Held: 2, RateTenths: 0, Eligibility: "not_met", Risk: "cannot_reach"},
		},
	}
}

func TestAttendanceCSVHasOneColumnPerSessionAndGuardsFormulas(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteAttendanceCSV(&buf, German, attendanceSample()); err != nil {
		t.Fatal(err)
	}
	want := "\xEF\xBB\xBF" +
		"Nachname;Vorname;Status;Auftaktpräsenz (07.09.2026, 10:00–17:00);Webinar 1 (15.09.2026, 17:00–18:30);Webinar 2 (22.09.2026, 17:00–18:30) – abgesagt;vor Ort;online;Anwesend gesamt;Entschuldigt;Pflichttermine gehalten;Pflichttermine offen;Quote %;Zertifikatsvoraussetzungen;Risiko\r\n" +
		"Ćosić-Şahin;Zoë;Eingeschrieben;anwesend (online);entschuldigt;–;0;1;1;1;1;0;100,0;offen;\r\n" +
		"'=Müller;Jürgen;Ausgetreten;abwesend;;–;0;0;0;0;2;0;0,0;nicht erfüllt;Quote nicht mehr erreichbar\r\n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("csv (-want +got):\n%s", diff)
	}
}

func TestAttendanceXLSXKeepsNumbersAsNumbers(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteAttendanceXLSX(&buf, English, "Herbst 2026", attendanceSample()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Herbst 2026")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][4] != "Webinar 1 (15.09.2026, 17:00–18:30)" || !strings.HasSuffix(rows[0][5], "cancelled") {
		t.Fatalf("header %q", rows[0])
	}
	if diff := cmp.Diff([]string{"Ćosić-Şahin", "Zoë", "Enrolled", "present (remote)", "excused", "–", "0", "1", "1", "1", "1", "0", "100.0", "open"}, rows[1]); diff != "" {
		t.Errorf("row (-want +got):\n%s", diff)
	}
	if typ, _ := f.GetCellType("Herbst 2026", "M2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("the rate is stored as text")
	}
}
