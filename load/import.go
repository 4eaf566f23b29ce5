package load

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultImportSize is how many new people the import journey's list holds.
const DefaultImportSize = 10_000

// duringImport is the journey that reads the first page of participants
// while a list of size new people is imported into a fresh cohort: on
// SQLite, where one connection writes, the readers must go on. Each run
// adds size people and a cohort to the data set, so it runs only when
// named (--only import).
func (s *Site) duringImport(size int) Journey {
	j := Get(fmt.Sprintf("participants, first page, during a %d-row import", size), s.Base+"/api/v1/participants", s.bearer())
	j.During = func(ctx context.Context) error { return s.importPeople(ctx, size) }
	j.OptIn = true
	return j
}

// importPeople creates a cohort for size people in the big cohort's
// course and imports a list of that many new people into it, refusing
// anything but all of them enrolled.
func (s *Site) importPeople(ctx context.Context, size int) error {
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	var cohort struct {
		ID uint `json:"id"`
	}
	body := map[string]any{"name": "Import " + run, "start_date": time.Now().AddDate(0, 1, 0).Format(time.DateOnly), "capacity": size}
	if _, err := s.call(ctx, http.MethodPost, fmt.Sprintf("/api/v1/courses/%d/cohorts", s.BigCourse), body, &cohort); err != nil {
		return fmt.Errorf("import: cohort: %w", err)
	}
	form, contentType, err := importForm(run, size)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf("%s/api/v1/cohorts/%d/import", s.Base, cohort.ID), form)
	if err != nil {
		return err
	}
	req.Header = s.bearer()
	req.Header.Set("Content-Type", contentType)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	var got struct {
		Enrolled int `json:"enrolled"`
	}
	if res.StatusCode != http.StatusCreated || json.Unmarshal(data, &got) != nil || got.Enrolled != size {
		return fmt.Errorf("import: %d %s, want %d enrolled", res.StatusCode, data, size)
	}
	return nil
}

// importForm is a CSV list of size new people as a multipart upload.
func importForm(run string, size int) (io.Reader, string, error) {
	var csv strings.Builder
	csv.WriteString("Vorname;Nachname;E-Mail\n")
	for i := range size {
		fmt.Fprintf(&csv, "Import;Nr. %05d;import-%s-%d@example.org\n", i, run, i)
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, err := w.CreateFormFile("file", "import.csv")
	if err == nil {
		_, err = io.WriteString(part, csv.String())
	}
	if err == nil {
		err = w.Close()
	}
	return &buf, w.FormDataContentType(), err
}
