package api_test

import (
	"net/http"
	"strconv"
	"testing"

	"kohorte/api/apitest"
)

// problem is the part of a problem+json body that a client acts on.
type problem struct {
	Type   string
	Status int
	Code   string
	Params map[string]any
	Detail string
}

// queryErrors names the fields of an unknown-parameter problem.
type queryErrors struct {
	Code   string
	Errors []struct {
		Field string
		Code  string
	}
}

func header(name, want string) func(t *testing.T, r *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		if got := r.Header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

// TestProblemsNameTheirTypeAndSayWhatWentWrong pins the problem responses:
// a type per code that links to its documentation, a detail that is a
// sentence without internal prefixes, a 404 that names the missing object,
// a 401 that says how to authenticate, and a 201 that says where the new
// object is.
func TestProblemsNameTheirTypeAndSayWhatWentWrong(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	courseID, cohortID := f.seedCourse(t, admin)
	cohort := "/api/v1/cohorts/" + strconv.Itoa(int(cohortID))
	var person struct{ ID int }
	r := f.as(admin, http.MethodPost, "/api/v1/participants", map[string]any{"first_name": "Zoë", "last_name": "Ćosić-Şahin", "email": "zoe@example.org"})
	r.JSON(t, &person)
	if got, want := r.Header.Get("Location"), "/api/v1/participants/"+strconv.Itoa(person.ID); r.Status != http.StatusCreated || got != want {
		t.Fatalf("create participant: %d, Location %q, want 201 and %q", r.Status, got, want)
	}
	for _, step := range []string{"running", "completed", "archived"} {
		if r := f.as(admin, http.MethodPost, cohort+"/status", map[string]string{"status": step}); r.Status != http.StatusOK {
			t.Fatalf("cohort to %s: %d %s", step, r.Status, r.Body)
		}
	}
	f.client.Run(t, []apitest.Row{
		{Name: "enroll into an archived cohort", Cookie: admin, Method: http.MethodPost, Path: cohort + "/enrollments",
			Body: map[string]any{"participant_id": person.ID}, Status: http.StatusConflict,
			Want: problem{Type: "/api/docs#problem-cohort.archived", Status: 409, Code: "cohort.archived",
				Detail: "The cohort is archived and nothing in it can change."}},
		{Name: "a step back", Cookie: admin, Method: http.MethodPost, Path: cohort + "/status",
			Body: map[string]string{"status": "running"}, Status: http.StatusConflict,
			Want: problem{Type: "/api/docs#problem-cohort.status_step", Status: 409, Code: "cohort.status_step",
				Params: map[string]any{"from": "archived", "to": "running"}, Detail: "The cohort is archived and cannot become running."}},
		{Name: "a missing cohort", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/cohorts/42", Status: http.StatusNotFound,
			Want: problem{Type: "/api/docs#problem-not_found", Status: 404, Code: "not_found",
				Params: map[string]any{"object": "cohort", "id": 42.0}, Detail: "Cohort 42 not found."}},
		{Name: "a missing participant to enroll", Cookie: admin, Method: http.MethodPut, Path: "/api/v1/participants/99",
			Body:   map[string]any{"first_name": "A", "last_name": "B", "email": "ab@example.org"},
			Status: http.StatusNotFound, Want: problem{Type: "/api/docs#problem-not_found", Status: 404, Code: "not_found",
				Params: map[string]any{"object": "participant", "id": 99.0}, Detail: "Participant 99 not found."}},
		{Name: "a new cohort says where it is", Cookie: admin, Method: http.MethodPost,
			Path:   "/api/v1/courses/" + strconv.Itoa(int(courseID)) + "/cohorts",
			Body:   map[string]any{"name": "Herbst 2023", "start_date": "2023-09-01", "capacity": 16},
			Status: http.StatusCreated, Check: func(t *testing.T, r *apitest.Response) {
				var c struct{ ID int }
				r.JSON(t, &c)
				header("Location", "/api/v1/cohorts/"+strconv.Itoa(c.ID))(t, r)
			}},
	})
}

// TestUnauthorizedSaysHowToAuthenticate pins RFC 6750's challenge: no
// credentials learn the scheme, a token that is not accepted learns that.
func TestUnauthorizedSaysHowToAuthenticate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.client.Run(t, []apitest.Row{
		{Name: "no credentials", Method: http.MethodGet, Path: "/api/v1/cohorts", Status: http.StatusUnauthorized,
			Want:  problem{Type: "/api/docs#problem-unauthorized", Status: 401, Code: "unauthorized", Detail: "Please log in or send an API token."},
			Check: header("WWW-Authenticate", `Bearer realm="kohorte"`)},
		{Name: "an ended session", Cookie: &http.Cookie{Name: "kohorte_session", Value: "ended"}, Method: http.MethodGet,
			Path: "/api/v1/cohorts", Status: http.StatusUnauthorized, Check: header("WWW-Authenticate", `Bearer realm="kohorte"`)},
		{Name: "a forged token", Token: "koh_forged", Method: http.MethodGet, Path: "/api/v1/cohorts", Status: http.StatusUnauthorized,
			Want:  problem{Type: "/api/docs#problem-unauthorized", Status: 401, Code: "unauthorized", Detail: "Please log in."},
			Check: header("WWW-Authenticate", `Bearer realm="kohorte", error="invalid_token"`)},
		{Name: "a wrong password", Method: http.MethodPost, Path: "/api/v1/auth/login",
			Body: map[string]string{"email": "nobody@example.org", "password": "wrong-password"}, Status: http.StatusUnauthorized,
			Want:  problem{Type: "/api/docs#problem-login.invalid", Status: 401, Code: "login.invalid", Detail: "E-mail or password is wrong."},
			Check: header("WWW-Authenticate", `Bearer realm="kohorte"`)},
	})
	basic := f.client.DoWith(http.MethodGet, "/api/v1/cohorts", nil, func(r *http.Request) { r.SetBasicAuth("a", "b") })
	header("WWW-Authenticate", `Bearer realm="kohorte", error="invalid_request"`)(t, basic)
}

// TestUnknownQueryParametersAreRefused: the parameters an operation
// declares in the OpenAPI document are the ones it accepts; ?q= instead of
// ?search= must not quietly list everyone.
func TestUnknownQueryParametersAreRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	_, cohortID := f.seedCourse(t, admin)
	enrollments := "/api/v1/cohorts/" + strconv.Itoa(int(cohortID)) + "/enrollments"
	f.client.Run(t, []apitest.Row{
		{Name: "q for search", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/participants?q=cosic",
			Status: http.StatusUnprocessableEntity,
			Want: queryErrors{Code: "invalid_input", Errors: []struct {
				Field string
				Code  string
			}{{Field: "q", Code: "query.unknown"}}}},
		{Name: "two unknown on an operation without parameters", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/statistics?year=2023&cohort=1",
			Status: http.StatusUnprocessableEntity,
			Want: queryErrors{Code: "invalid_input", Errors: []struct {
				Field string
				Code  string
			}{{Field: "cohort", Code: "query.unknown"}, {Field: "year", Code: "query.unknown"}}}},
		{Name: "search", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/participants?search=cosic&page=1&page_size=10", Status: http.StatusOK},
		{Name: "parameters of a path with an id", Cookie: admin, Method: http.MethodGet, Path: enrollments + "?status=enrolled&sort=-enrolled_at", Status: http.StatusOK},
		{Name: "a body's operation", Cookie: admin, Method: http.MethodPost, Path: enrollments + "?notify=1",
			Body: map[string]any{"participant_id": 1}, Status: http.StatusUnprocessableEntity},
	})
}
