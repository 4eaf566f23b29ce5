package frontend_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"kohorte/models"
	"kohorte/services"
)

// expectAllErrors checks that a form sent back reports every problem at
// once: its error summary links to exactly fields, in this order, and each
// of those inputs is marked with its own error.
func expectAllErrors(t *testing.T, r response, fields ...string) {
	t.Helper()
	expect(t, r, http.StatusUnprocessableEntity)
	start := strings.Index(r.Body, `<div class="error-summary"`)
	if start < 0 {
		t.Fatalf("no error summary:\n%s", r.Body)
	}
	summary := r.Body[start:]
	summary = summary[:strings.Index(summary, "</div>")]
	var got []string
	for _, part := range strings.Split(summary, `<a href="#`)[1:] {
		got = append(got, part[:strings.IndexByte(part, '"')])
	}
	if strings.Join(got, " ") != strings.Join(fields, " ") {
		t.Errorf("summary links to %v, want %v", got, fields)
	}
	if n := strings.Count(summary, "<li>"); n != len(fields) {
		t.Errorf("summary lists %d problems, want %d", n, len(fields))
	}
	for _, f := range fields {
		if !strings.Contains(r.Body, `id="`+f+`-error"`) {
			t.Errorf("input %s is not marked", f)
		}
	}
	if t.Failed() {
		t.Logf("body:\n%s", r.Body)
	}
}

func TestNewCohortFormReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	course := s.course("Netzwerkkoordinator:in")
	c := s.adminClient()
	expectAllErrors(t, c.post("/kohorten/neu", form("course_id", "", "name", "", "start_date", "", "end_date", "",
		"capacity", "", "venue", "")), "course_id", "name", "start_date", "capacity")
	expectAllErrors(t, c.post("/kohorten/neu", form("course_id", "abc", "name", strings.Repeat("n", 101),
		"start_date", "5.4.2023", "end_date", "morgen", "capacity", "zwei", "venue", "a\x01b")),
		"course_id", "name", "start_date", "end_date", "capacity", "venue")
	// A course that does not exist (any more) hides no other problem.
	expectAllErrors(t, c.post("/kohorten/neu", form("course_id", "999", "name", "", "start_date", "2023-04-05",
		"end_date", "2023-04-01", "capacity", "0")), "course_id", "name", "end_date", "capacity")
	// The course is known, the dates cannot be read: the rest is still checked.
	expectAllErrors(t, c.post("/kohorten/neu", form("course_id", itoa(course.ID), "name", "", "start_date", "2023-04-05",
		"end_date", "morgen", "capacity", "0")), "name", "end_date", "capacity")
	if n := len(mustCohorts(t, s)); n != 0 {
		t.Errorf("%d cohorts were created", n)
	}
}

func mustCohorts(t *testing.T, s *stack) []models.Cohort {
	t.Helper()
	cs, err := s.svc.Cohorts.ListCohorts(context.Background(), s.admin, services.CohortFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func TestCohortEditFormReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	cohort := s.cohort(s.course("Netzwerkkoordinator:in").ID, "Frühjahr 2023", 16)
	c := s.adminClient()
	page := fmt.Sprintf("/kohorten/%d", cohort.ID)
	expectAllErrors(t, c.post(page, form("name", "", "start_date", "", "end_date", "", "capacity", "", "venue", "")),
		"name", "start_date", "capacity")
	expectAllErrors(t, c.post(page, form("name", strings.Repeat("n", 101), "start_date", "gestern",
		"end_date", "morgen", "capacity", "zwei", "venue", "a\x01b")), "name", "start_date", "end_date", "capacity", "venue")
}

func TestCourseFormReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	c := s.adminClient()
	expectAllErrors(t, c.post("/kurse/neu", form("title", "", "certificate_title", "", "certificate_prefix", "",
		"duration_weeks", "", "min_attendance_percent", "", "min_jury_percent", "")),
		"title", "certificate_title", "certificate_prefix")
	expectAllErrors(t, c.post("/kurse/neu", form("title", "", "certificate_title", strings.Repeat("z", 301),
		"format", strings.Repeat("f", 51), "duration_weeks", "zwölf", "certificate_prefix", "KO-H",
		"min_attendance_percent", "200", "min_jury_percent", "halb")),
		"title", "certificate_title", "format", "duration_weeks", "certificate_prefix", "min_attendance_percent", "min_jury_percent")
	course := s.course("Netzwerkkoordinator:in")
	expectAllErrors(t, c.post(fmt.Sprintf("/kurse/%d", course.ID), form("title", "", "certificate_title", "",
		"duration_weeks", "zwölf", "certificate_prefix", "", "min_attendance_percent", "101", "min_jury_percent", "")),
		"title", "certificate_title", "duration_weeks", "certificate_prefix", "min_attendance_percent")
}

func TestParticipantFormsReportEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	cohort := s.cohort(s.course("Netzwerkkoordinator:in").ID, "Frühjahr 2023", 16)
	person := s.person("Zoë", "Ćosić-Şahin", "zoe@kohorte.test", "NI")
	c := s.adminClient()
	empty := form("first_name", "", "last_name", "", "email", "", "phone", "", "organisation", "",
		"network_type", "", "federal_state", "")
	wrong := form("first_name", strings.Repeat("v", 101), "last_name", "", "email", "kein-at", "phone", "0441/abc",
		"organisation", "a\x01b", "network_type", "Weltall", "federal_state", "XX")
	for _, path := range []string{"/teilnehmende/neu", fmt.Sprintf("/teilnehmende/%d", person.ID),
		fmt.Sprintf("/kohorten/%d/neu-einschreiben", cohort.ID)} {
		t.Run(path, func(t *testing.T) {
			expectAllErrors(t, c.post(path, empty), "first_name", "last_name", "email")
			expectAllErrors(t, c.post(path, wrong),
				"first_name", "last_name", "email", "phone", "organisation", "network_type", "federal_state")
		})
	}
}

func TestWithdrawFormReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	cohort := s.cohort(s.course("Netzwerkkoordinator:in").ID, "Frühjahr 2023", 16)
	person := s.person("Zoë", "Ćosić-Şahin", "zoe@kohorte.test", "NI")
	s.enroll(cohort.ID, person.ID)
	c := s.adminClient()
	path := fmt.Sprintf("/kohorten/%d/austritt/%d", cohort.ID, person.ID)
	expectAllErrors(t, c.post(path, form("date", "gestern", "reason", strings.Repeat("r", 2001))), "date", "reason")
	expectAllErrors(t, c.post(path, form("date", "1999-01-01", "reason", strings.Repeat("r", 2001))), "date", "reason")
}

func TestAccountFormsReportEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	c := s.adminClient()
	expectAllErrors(t, c.post("/benutzer/einladen", form("email", "", "display_name", "", "role", "")),
		"email", "display_name", "role")
	expectAllErrors(t, c.post("/benutzer/einladen", form("email", "kein-at", "display_name", strings.Repeat("n", 201), "role", "king")),
		"email", "display_name", "role")
	expectAllErrors(t, c.post("/api-tokens", form("name", "", "expires_in_days", "", "current_password", "")),
		"name", "expires_in_days", "current_password")
	expectAllErrors(t, c.post("/api-tokens", form("name", strings.Repeat("n", 101), "expires_in_days", "ein Jahr", "current_password", "")),
		"name", "expires_in_days", "current_password")
	expectAllErrors(t, c.post("/passwort", form("current_password", "", "password", "", "password_repeat", "")),
		"current_password", "password", "password_repeat")
	expectAllErrors(t, c.post("/passwort", form("current_password", "", "password", "kurz", "password_repeat", "anders")),
		"current_password", "password", "password_repeat")
	expectAllErrors(t, c.post("/passwort", form("current_password", "falsch falsch", "password", "kurz", "password_repeat", "kurz")),
		"current_password", "password")

	_, token := s.invite("neu@kohorte.test", "Neu", models.RoleJuror)
	expectAllErrors(t, c.post("/passwort-setzen", form("token", token, "password", "kurz", "password_repeat", "anders")),
		"password", "password_repeat")
	anonymous := s.client()
	expectAllErrors(t, anonymous.post("/anmelden", form("email", "", "password", "")), "email", "password")
	expectAllErrors(t, anonymous.post("/passwort-vergessen", form("email", "")), "email")
}
