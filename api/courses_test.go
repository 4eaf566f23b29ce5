package api_test

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
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

	var course struct {
		DurationWeeks        int `json:"duration_weeks"`
		MinAttendancePercent int `json:"min_attendance_percent"`
		Issuers              []struct {
			Name    string
			HasLogo bool `json:"has_logo"`
		}
	}
	f.as(admin, http.MethodGet, "/api/v1/courses/"+strconv.Itoa(int(courseID)), nil).JSON(t, &course)
	if course.DurationWeeks != 12 || course.MinAttendancePercent != 80 || len(course.Issuers) != 1 || course.Issuers[0].HasLogo {
		t.Fatalf("course %+v", course)
	}

	var cohort struct {
		EndDate     string `json:"end_date"`
		Status      string
		CourseTitle string `json:"course_title"`
	}
	path := "/api/v1/cohorts/" + strconv.Itoa(int(cohortID))
	f.as(admin, http.MethodGet, path, nil).JSON(t, &cohort)
	if cohort.EndDate != "2023-05-24" || cohort.Status != "planned" || cohort.CourseTitle == "" {
		t.Fatalf("cohort %+v", cohort)
	}
	if r := f.as(admin, http.MethodPost, path+"/status", map[string]string{"status": "completed"}); r.Status != http.StatusConflict {
		t.Fatalf("planned → completed: %d", r.Status)
	}
	if r := f.as(admin, http.MethodPost, path+"/status", map[string]string{"status": "running"}); r.Status != http.StatusOK {
		t.Fatalf("planned → running: %d %s", r.Status, r.Body)
	}
	r := f.as(admin, http.MethodPut, path, map[string]any{"name": "Frühjahr 2023", "start_date": "2023-03-01", "end_date": "2023-02-01", "capacity": 16})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("end before start: %d %s", r.Status, r.Body)
	}
	r = f.as(admin, http.MethodPost, "/api/v1/courses/"+strconv.Itoa(int(courseID))+"/cohorts", map[string]any{"name": "X", "start_date": "01.03.2023", "capacity": 16})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `{"field":"start_date","code":"field.type","message":"must be a date of the form 2023-03-01"}`) {
		t.Fatalf("German date format: %d %s", r.Status, r.Body)
	}

	logo := f.client.DoWith(http.MethodPut, "/api/v1/courses/"+strconv.Itoa(int(courseID))+"/issuers/1/logo", nil, func(r *http.Request) {
		r.AddCookie(admin)
		r.Body = http.NoBody
	})
	if logo.Status != http.StatusUnprocessableEntity {
		t.Fatalf("empty logo: %d %s", logo.Status, logo.Body)
	}
	png := f.client.DoWith(http.MethodPut, "/api/v1/courses/"+strconv.Itoa(int(courseID))+"/issuers/1/logo", nil, func(r *http.Request) {
		r.AddCookie(admin)
		r.Body = io.NopCloser(strings.NewReader("\x89PNG\r\n\x1a\n0000"))
	})
	if png.Status != http.StatusNoContent {
		t.Fatalf("PNG logo: %d %s", png.Status, png.Body)
	}
	var list struct{ Items []struct{ Name string } }
	f.as(admin, http.MethodGet, "/api/v1/cohorts?status=running", nil).JSON(t, &list)
	if len(list.Items) != 1 || list.Items[0].Name != "Frühjahr 2023" {
		t.Fatalf("running cohorts %+v", list)
	}
}

func TestQueryTypeErrorsNameTheParameter(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	for path, field := range map[string]string{
		"/api/v1/cohorts?course_id=abc":     "course_id",
		"/api/v1/audit-events?from=gestern": "from",
		"/api/v1/participants?page=zwei":    "page",
		"/api/v1/audit-events?actor_id=-1":  "actor_id",
	} {
		r := f.as(admin, http.MethodGet, path, nil)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"field":"`+field+`"`) {
			t.Errorf("%s: %d %s", path, r.Status, r.Body)
		}
	}
}
