package api_test

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"kohorte/api/apitest"
)

// seedCourse creates the course and its spring 2023 cohort through the API.
func (f *fixture) seedCourse(t *testing.T, staff *http.Cookie) (courseID, cohortID uint) {
	t.Helper()
	var course struct{ ID uint }
	r := f.as(staff, http.MethodPost, "/api/v1/courses", map[string]any{
		"title": "Netzwerkkoordinator:in zur Fachkräftesicherung (IHK)", "certificate_title": "Netzwerkkoordinator:in (IHK)",
		"certificate_prefix": "KOH", "topics": []string{"Netzwerkmanagement"},
		"issuers": []map[string]string{{"name": "IHK Oldenburg", "city": "Oldenburg"}},
	})
	if r.Status != http.StatusCreated {
		t.Fatalf("create course: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &course)
	var cohort struct{ ID uint }
	r = f.as(staff, http.MethodPost, "/api/v1/courses/"+strconv.Itoa(int(course.ID))+"/cohorts",
		map[string]any{"name": "Frühjahr 2023", "start_date": "2023-03-01", "capacity": 16, "venue": "Oldenburg"})
	if r.Status != http.StatusCreated {
		t.Fatalf("create cohort: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &cohort)
	return course.ID, cohort.ID
}

func TestCourseAndCohortAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	courseID, cohortID := f.seedCourse(t, admin)

	type issuer struct {
		HasLogo bool `json:"has_logo"`
	}
	type course struct {
		DurationWeeks        int `json:"duration_weeks"`
		MinAttendancePercent int `json:"min_attendance_percent"`
		Issuers              []issuer
	}
	type cohort struct {
		EndDate     string `json:"end_date"`
		Status      string
		CourseTitle apitest.NonEmpty `json:"course_title"`
	}
	coursePath := "/api/v1/courses/" + strconv.Itoa(int(courseID))
	path := "/api/v1/cohorts/" + strconv.Itoa(int(cohortID))
	f.client.Run(t, []apitest.Row{
		{Name: "course", Cookie: admin, Method: http.MethodGet, Path: coursePath,
			Status: http.StatusOK, Want: course{DurationWeeks: 12, MinAttendancePercent: 80, Issuers: []issuer{{HasLogo: false}}}},
		{Name: "cohort", Cookie: admin, Method: http.MethodGet, Path: path,
			Status: http.StatusOK, Want: cohort{EndDate: "2023-05-24", Status: "planned", CourseTitle: true}},
		{Name: "planned to completed", Cookie: admin, Method: http.MethodPost, Path: path + "/status",
			Body: map[string]string{"status": "completed"}, Status: http.StatusConflict},
		{Name: "planned to running", Cookie: admin, Method: http.MethodPost, Path: path + "/status",
			Body: map[string]string{"status": "running"}, Status: http.StatusOK},
		{Name: "end before start", Cookie: admin, Method: http.MethodPut, Path: path,
			Body:   map[string]any{"name": "Frühjahr 2023", "start_date": "2023-03-01", "end_date": "2023-02-01", "capacity": 16},
			Status: http.StatusUnprocessableEntity},
		{Name: "German date format", Cookie: admin, Method: http.MethodPost, Path: coursePath + "/cohorts",
			Body:   map[string]any{"name": "X", "start_date": "01.03.2023", "capacity": 16},
			Status: http.StatusUnprocessableEntity,
			Want:   fieldErrors{Errors: []fieldError{{Field: "start_date", Message: "must be a date of the form 2023-03-01"}}}},
	})

	logo := f.client.DoWith(http.MethodPut, coursePath+"/issuers/1/logo", nil, func(r *http.Request) {
		r.AddCookie(admin)
		r.Body = http.NoBody
	})
	if logo.Status != http.StatusUnprocessableEntity {
		t.Fatalf("empty logo: %d %s", logo.Status, logo.Body)
	}
	png := f.client.DoWith(http.MethodPut, coursePath+"/issuers/1/logo", nil, func(r *http.Request) {
		r.AddCookie(admin)
		r.Body = io.NopCloser(strings.NewReader("\x89PNG\r\n\x1a\n0000"))
	})
	if png.Status != http.StatusNoContent {
		t.Fatalf("PNG logo: %d %s", png.Status, png.Body)
	}
	type named struct{ Name string }
	f.client.Run(t, []apitest.Row{
		{Name: "running cohorts", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/cohorts?status=running",
			Status: http.StatusOK, Want: struct{ Items []named }{Items: []named{{Name: "Frühjahr 2023"}}}},
	})

	// The cohort list pages like the others: the newest start first.
	for _, name := range []string{"Herbst 2023", "Frühjahr 2024"} {
		r := f.as(admin, http.MethodPost, coursePath+"/cohorts", map[string]any{"name": name, "start_date": "20" + name[len(name)-2:] + "-09-01", "capacity": 16})
		if r.Status != http.StatusCreated {
			t.Fatalf("create %s: %d %s", name, r.Status, r.Body)
		}
	}
	type page struct {
		Items    []named
		Total    int
		Page     int
		PageSize int `json:"page_size"`
	}
	f.client.Run(t, []apitest.Row{
		{Name: "first page of cohorts", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/cohorts?page_size=2",
			Status: http.StatusOK, Want: page{Items: []named{{Name: "Frühjahr 2024"}, {Name: "Herbst 2023"}}, Total: 3, Page: 1, PageSize: 2}},
		{Name: "last page of cohorts", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/cohorts?page_size=2&page=2",
			Status: http.StatusOK, Want: page{Items: []named{{Name: "Frühjahr 2023"}}, Total: 3, Page: 2, PageSize: 2}},
		{Name: "cohorts by default 50 a page", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/cohorts",
			Status: http.StatusOK, Want: page{Items: []named{{Name: "Frühjahr 2024"}, {Name: "Herbst 2023"}, {Name: "Frühjahr 2023"}}, Total: 3, Page: 1, PageSize: 50}},
		{Name: "pages of 201", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/cohorts?page_size=201",
			Status: http.StatusUnprocessableEntity, Want: fieldNames{Errors: []fieldName{{Field: "page_size"}}}},
	})
}

func TestQueryTypeErrorsNameTheParameter(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	var rows []apitest.Row
	for _, q := range []struct{ path, field string }{
		{"/api/v1/cohorts?course_id=abc", "course_id"},
		{"/api/v1/audit-events?from=gestern", "from"},
		{"/api/v1/participants?page=zwei", "page"},
		{"/api/v1/audit-events?actor_id=-1", "actor_id"},
	} {
		rows = append(rows, apitest.Row{Name: q.field, Cookie: admin, Method: http.MethodGet, Path: q.path,
			Status: http.StatusUnprocessableEntity, Want: fieldNames{Errors: []fieldName{{Field: q.field}}}})
	}
	f.client.Run(t, rows)
}
