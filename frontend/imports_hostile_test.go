package frontend_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"kohorte/services/roster/rostertest"
)

func TestImportRefusesHostileWorkbooks(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	cohort := s.cohort(s.course("Netzwerkkoordinator:in").ID, "Frühjahr 2023", 10)
	c := s.adminClient()
	page := fmt.Sprintf("/kohorten/%d/import", cohort.ID)
	file := func(data []byte, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	bomb := file(rostertest.SharedStringsBomb(20 << 20))
	damaged := file(rostertest.WithSheet(rostertest.DoctypeSheet))

	expect(t, c.upload(page+"/vorschau", "datei", "liste.xlsx", bomb), http.StatusOK,
		"Die Arbeitsmappe ist entpackt zu groß: Erlaubt sind höchstens 10 MB.")
	expect(t, c.upload(page, "datei", "liste.xlsx", bomb), http.StatusUnprocessableEntity,
		"Die Arbeitsmappe ist entpackt zu groß")
	expect(t, c.upload(page+"/vorschau", "datei", "liste.xlsx", damaged), http.StatusOK,
		"Die Datei ist beschädigt und lässt sich nicht sicher lesen.")
	expect(t, c.upload(page, "datei", "liste.xlsx", damaged), http.StatusUnprocessableEntity,
		"Die Datei ist beschädigt")
	c.lang = "en"
	expect(t, c.upload(page+"/vorschau", "datei", "liste.xlsx", damaged), http.StatusOK,
		"The file is damaged and cannot be read safely.")
	if n := s.participantCount(); n != 0 {
		t.Errorf("%d participants after refused imports, want 0", n)
	}
}

func TestImportPageIsRefusedWhileTheSlotsAreTaken(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	cohort := s.cohort(s.course("Netzwerkkoordinator:in").ID, "Frühjahr 2023", 10)
	c := s.adminClient()
	page := fmt.Sprintf("/kohorten/%d/import", cohort.ID)
	var releases []func() bool
	for {
		release, err := s.svc.Enrollments.TakeImportSlot()
		if err != nil {
			break
		}
		releases = append(releases, release)
	}
	for _, path := range []string{page + "/vorschau", page} {
		r := c.upload(path, "datei", "liste.csv", []byte(goodCSV))
		expect(t, r, http.StatusServiceUnavailable, "Gerade werden viele Listen eingelesen.")
		if secs, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || secs < 1 {
			t.Errorf("%s: Retry-After %q, want seconds", path, r.Header.Get("Retry-After"))
		}
	}
	for _, release := range releases {
		release()
	}
	expect(t, c.upload(page+"/vorschau", "datei", "liste.csv", []byte(goodCSV)), http.StatusOK)
	if n := s.participantCount(); n != 0 {
		t.Errorf("%d participants after refused imports, want 0", n)
	}
}
