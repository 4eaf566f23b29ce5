package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"kohorte/api/apitest"
)

// TestTextThatNoDatabaseStoresIsRefused sends NUL bytes and invalid UTF-8,
// which PostgreSQL refuses to store or compare, in bodies and queries; each
// must come back as a 422 that names its field, never as a 500.
func TestTextThatNoDatabaseStoresIsRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	courseID, cohortID := f.seedCourse(t, admin)
	coursePath := "/api/v1/courses/" + strconv.Itoa(int(courseID))
	course := map[string]any{"title": "Kurs", "certificate_title": "Kurs (IHK)", "certificate_prefix": "KOH",
		"description": "a\x00b", "topics": []string{"Netzwerke"}}
	named := func(field string) fieldNames { return fieldNames{Errors: []fieldName{{Field: field}}} }
	f.client.Run(t, []apitest.Row{
		{Name: "NUL in a course description", Cookie: admin, Method: http.MethodPut, Path: coursePath,
			Body: course, Status: http.StatusUnprocessableEntity, Want: named("description")},
		{Name: "NUL in a display name", Cookie: admin, Method: http.MethodPost, Path: "/api/v1/users",
			Body:   map[string]string{"email": "nul@example.org", "display_name": "Zoë\x00", "role": "staff"},
			Status: http.StatusUnprocessableEntity, Want: named("display_name")},
		{Name: "NUL in a token name", Cookie: admin, Method: http.MethodPost, Path: "/api/v1/tokens",
			Body: map[string]any{"name": "\x00", "expires_in_days": 30, "current_password": adminPass}, Status: http.StatusUnprocessableEntity, Want: named("name")},
		{Name: "NUL in a search", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/participants?search=%00",
			Status: http.StatusUnprocessableEntity, Want: named("search")},
		{Name: "invalid UTF-8 in a search", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/users?search=%FF",
			Status: http.StatusUnprocessableEntity, Want: named("search")},
		{Name: "NUL in a filter", Cookie: admin, Method: http.MethodGet,
			Path:   "/api/v1/cohorts/" + strconv.Itoa(int(cohortID)) + "/enrollments?federal_state=%00",
			Status: http.StatusUnprocessableEntity, Want: named("federal_state")},
		{Name: "NUL in an audit filter", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/audit-events?object_type=%00",
			Status: http.StatusUnprocessableEntity, Want: named("object_type")},
		{Name: "invalid UTF-8 in an audit filter", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/audit-events?action=%C3",
			Status: http.StatusUnprocessableEntity, Want: named("action")},
		{Name: "NUL in an unknown parameter", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/courses?x=%00",
			Status: http.StatusUnprocessableEntity, Want: named("x")},
		{Name: "cohort late in 9999 without an end", Cookie: admin, Method: http.MethodPost, Path: coursePath + "/cohorts",
			Body:   map[string]any{"name": "Spät", "start_date": "9999-12-01", "capacity": 16},
			Status: http.StatusUnprocessableEntity, Want: named("start_date")},
		{Name: "NUL in a login e-mail", Method: http.MethodPost, Path: "/api/v1/auth/login",
			Body:   map[string]string{"email": "admin@example.org\x00", "password": adminPass},
			Status: http.StatusUnprocessableEntity, Want: named("email")},
		// 100 four-byte characters pass a check of 254 characters, and
		// cutting them at 254 bytes split one.
		{Name: "long e-mail of four-byte characters", Method: http.MethodPost, Path: "/api/v1/auth/login",
			Body:   map[string]string{"email": strings.Repeat("😀", 100) + "@example.org", "password": adminPass},
			Status: http.StatusUnauthorized},
		{Name: "too long e-mail of four-byte characters", Method: http.MethodPost, Path: "/api/v1/auth/login",
			Body:   map[string]string{"email": strings.Repeat("😀", 250) + "@example.org", "password": adminPass},
			Status: http.StatusUnprocessableEntity, Want: named("email")},
	})
}
