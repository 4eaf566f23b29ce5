package api_test

import (
	"net/http"
	"strconv"
	"testing"

	"kohorte/api/apitest"
	"kohorte/models"
)

// exportProblem is what a refused export answers: a problem, never the
// start of a file.
type exportProblem struct {
	Code   string
	Errors []bulkError
}

// TestExportRefusesBeforeItsFirstByte pins that a streamed export checks
// everything that can refuse it before it sends anything: an unknown
// cohort, a user who may not export, a bad format or selection each get
// their problem code and no file name.
func TestExportRefusesBeforeItsFirstByte(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	_, cohort := f.seedCourse(t, admin)
	_, other := f.seedCourse(t, admin)
	_, elsewhere := f.seedEnrollment(t, admin, other, "elsewhere@example.org")
	f.addUser(t, admin, "juror@example.org", models.RoleJuror, "Bewertung-2026")
	juror := f.login(t, "juror@example.org", "Bewertung-2026")
	base := "/api/v1/cohorts/" + strconv.Itoa(int(cohort))
	noFile := func(t *testing.T, r *apitest.Response) {
		if cd := r.Header.Get("Content-Disposition"); cd != "" {
			t.Errorf("a refused export names a file: %q", cd)
		}
	}
	f.client.Run(t, []apitest.Row{
		{Name: "unknown cohort", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/cohorts/999999/export",
			Status: http.StatusNotFound, Want: exportProblem{Code: "not_found"}, Check: noFile},
		{Name: "unknown cohort as XLSX", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/cohorts/999999/export?format=xlsx",
			Status: http.StatusNotFound, Want: exportProblem{Code: "not_found"}, Check: noFile},
		{Name: "a juror", Cookie: juror, Method: http.MethodGet, Path: base + "/export",
			Status: http.StatusForbidden, Want: exportProblem{Code: "forbidden"}, Check: noFile},
		{Name: "nobody logged in", Method: http.MethodGet, Path: base + "/export?format=xlsx",
			Status: http.StatusUnauthorized, Want: exportProblem{Code: "unauthorized"}, Check: noFile},
		{Name: "bad format", Cookie: admin, Method: http.MethodGet, Path: base + "/export?format=pdf",
			Status: http.StatusUnprocessableEntity, Want: exportProblem{Code: "invalid_input", Errors: []bulkError{{Field: "format", Code: "not_one_of",
				Params: map[string]any{"allowed": "csv, xlsx"}}}}, Check: noFile},
		{Name: "another cohort's enrollment", Cookie: admin, Method: http.MethodGet, Path: base + "/export?format=xlsx&ids=" + strconv.Itoa(int(elsewhere)),
			Status: http.StatusUnprocessableEntity, Want: exportProblem{Code: "invalid_input", Errors: []bulkError{{Field: "ids[0]",
				Code: "enrollment.not_in_cohort", Params: map[string]any{"id": float64(elsewhere)}}}}, Check: noFile},
	})
}
