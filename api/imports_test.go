package api_test

import (
	"net/http"
	"strconv"
	"testing"

	"kohorte/api"
	"kohorte/services/roster/rostertest"
)

// TestImportRefusesHostileWorkbooks sends workbooks that are small but
// unpack to much, or are damaged: each is a 422 naming the file.
func TestImportRefusesHostileWorkbooks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	_, cohort := f.seedCourse(t, admin)
	base := "/api/v1/cohorts/" + strconv.Itoa(int(cohort))
	bomb := func(data []byte, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	good := bomb(rostertest.Workbook())
	cases := []struct {
		name, file, code string
	}{
		{"shared strings", bomb(rostertest.SharedStringsBomb(20 << 20)), "import.unpacked_too_large"},
		{"a picture", bomb(rostertest.PartBomb("xl/media/image1.png", 20<<20)), "import.unpacked_too_large"},
		{"a falsified size", bomb(rostertest.FalsifySize([]byte(good), "xl/worksheets/sheet1.xml", 100)), "import.damaged"},
		{"a DOCTYPE", bomb(rostertest.WithSheet(rostertest.DoctypeSheet)), "import.damaged"},
	}
	for _, tc := range cases {
		for _, path := range []string{base + "/import/preview", base + "/import"} {
			r := f.upload(admin, path, "liste.xlsx", tc.file)
			var p api.Problem
			r.JSON(t, &p)
			if r.Status != http.StatusUnprocessableEntity || len(p.Errors) != 1 || p.Errors[0].Field != "file" || p.Errors[0].Code != tc.code {
				t.Errorf("%s to %s: status %d, want 422 with %s for the field file: %s", tc.name, path, r.Status, tc.code, r.Body)
			}
		}
	}
}

// TestImportIsRefusedWhileTheSlotsAreTaken takes every import slot: a list
// sent meanwhile is refused with 503, import.busy and Retry-After, and is
// read once a slot is free.
func TestImportIsRefusedWhileTheSlotsAreTaken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	_, cohort := f.seedCourse(t, admin)
	path := "/api/v1/cohorts/" + strconv.Itoa(int(cohort)) + "/import/preview"
	var releases []func() bool
	for {
		release, err := f.svc.Enrollments.TakeImportSlot()
		if err != nil {
			break
		}
		releases = append(releases, release)
	}
	if len(releases) == 0 {
		t.Fatal("no import slot to take")
	}
	list := "Vorname;Nachname;E-Mail\nAnna;Muster;anna@example.org\n"
	r := f.upload(admin, path, "liste.csv", list)
	var p api.Problem
	r.JSON(t, &p)
	if r.Status != http.StatusServiceUnavailable || p.Code != "import.busy" {
		t.Fatalf("while busy: status %d, want 503 with import.busy: %s", r.Status, r.Body)
	}
	if secs, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || secs < 1 {
		t.Fatalf("while busy: Retry-After %q, want seconds", r.Header.Get("Retry-After"))
	}
	for _, release := range releases {
		release()
	}
	if r := f.upload(admin, path, "liste.csv", list); r.Status != http.StatusOK {
		t.Fatalf("after the slots are free: status %d, want 200: %s", r.Status, r.Body)
	}
}
