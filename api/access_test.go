package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"kohorte/api"
	"kohorte/api/apitest"
	"kohorte/frontend"
	"kohorte/models"
)

// The least role each API route needs, written down here independently of
// the router, so that a route whose check is weakened or forgotten there
// fails below. "self" is any logged-in user.
var apiAccess = map[string]string{
	"GET /healthz":                                   "public",
	"GET /readyz":                                    "public",
	"GET /metrics":                                   "public",
	"GET /api/openapi.json":                          "public",
	"GET /api/docs":                                  "public",
	"GET /api/docs/:file":                            "public",
	"GET /api/v1/version":                            "public",
	"GET /api/v1/verify/:token":                      "public",
	"POST /api/v1/verify":                            "public",
	"POST /api/v1/auth/login":                        "public",
	"POST /api/v1/auth/password-reset":               "public",
	"POST /api/v1/auth/set-password":                 "public",
	"POST /api/v1/auth/logout":                       "self",
	"GET /api/v1/me":                                 "self",
	"POST /api/v1/me/password":                       "self",
	"GET /api/v1/users":                              "staff",
	"POST /api/v1/users":                             "staff",
	"GET /api/v1/users/:id":                          "staff",
	"PATCH /api/v1/users/:id":                        "staff",
	"POST /api/v1/users/:id/password-link":           "staff",
	"GET /api/v1/audit-events":                       "staff",
	"GET /api/v1/tokens":                             "staff",
	"POST /api/v1/tokens":                            "staff",
	"POST /api/v1/tokens/revoke-all":                 "staff",
	"DELETE /api/v1/tokens/:id":                      "staff",
	"GET /api/v1/courses":                            "staff",
	"POST /api/v1/courses":                           "staff",
	"GET /api/v1/courses/:id":                        "staff",
	"PUT /api/v1/courses/:id":                        "staff",
	"PUT /api/v1/courses/:id/issuers/:position/logo": "staff",
	"POST /api/v1/courses/:id/cohorts":               "staff",
	"GET /api/v1/cohorts":                            "staff",
	"GET /api/v1/cohorts/:id":                        "staff",
	"PUT /api/v1/cohorts/:id":                        "staff",
	"POST /api/v1/cohorts/:id/status":                "staff",
	"GET /api/v1/cohorts/:id/enrollments":            "staff",
	"POST /api/v1/cohorts/:id/enrollments":           "staff",
	"POST /api/v1/cohorts/:id/enrollments/withdraw":  "staff",
	"POST /api/v1/cohorts/:id/enrollments/accounts":  "staff",
	"POST /api/v1/cohorts/:id/import/preview":        "staff",
	"POST /api/v1/cohorts/:id/import":                "staff",
	"GET /api/v1/cohorts/:id/export":                 "staff",
	"GET /api/v1/cohorts/:id/statistics":             "staff",
	"POST /api/v1/enrollments/:id/withdraw":          "staff",
	"GET /api/v1/statistics":                         "staff",
	"GET /api/v1/participants":                       "staff",
	"POST /api/v1/participants":                      "staff",
	"GET /api/v1/participants/:id":                   "staff",
	"PUT /api/v1/participants/:id":                   "staff",
	"POST /api/v1/participants/:id/account":          "staff",
	"GET /api/v1/me/enrollments":                     "participant",
	"GET /api/v1/cohorts/:id/sessions":               "staff",
	"POST /api/v1/cohorts/:id/sessions":              "staff",
	"POST /api/v1/cohorts/:id/schedule":              "staff",
	"POST /api/v1/cohorts/:id/clone":                 "staff",
	"GET /api/v1/cohorts/:id/calendar":               "staff",
	"POST /api/v1/cohorts/:id/calendar":              "staff",
	"DELETE /api/v1/cohorts/:id/calendar":            "staff",
	"GET /api/v1/sessions/:id":                       "staff",
	"PATCH /api/v1/sessions/:id":                     "staff",
	"POST /api/v1/sessions/:id/cancel":               "staff",
	"GET /api/v1/me/sessions":                        "participant",
	"GET /api/v1/me/calendar":                        "participant",
	"POST /api/v1/me/calendar":                       "participant",
	"DELETE /api/v1/me/calendar":                     "participant",
	"GET /api/v1/calendars/:token":                   "public",
	"GET /api/v1/cohorts/:id/attendance":             "staff",
	"GET /api/v1/cohorts/:id/attendance/export":      "staff",
	"GET /api/v1/sessions/:id/attendance":            "staff",
	"PUT /api/v1/sessions/:id/attendance":            "staff",
	"GET /api/v1/me/attendance":                      "participant",
	"POST /api/v1/sessions/:id/checkin":              "staff",
	"GET /api/v1/sessions/:id/checkin":               "staff",
	"DELETE /api/v1/sessions/:id/checkin":            "staff",
	"POST /api/v1/me/checkin":                        "participant",

	// Project groups, rubrics and juries.
	"GET /api/v1/cohorts/:id/groups":              "staff",
	"POST /api/v1/cohorts/:id/groups":             "staff",
	"GET /api/v1/groups/:id":                      "staff",
	"PATCH /api/v1/groups/:id":                    "staff",
	"DELETE /api/v1/groups/:id":                   "staff",
	"PUT /api/v1/groups/:id/members":              "staff",
	"GET /api/v1/courses/:id/rubric":              "staff",
	"PUT /api/v1/courses/:id/rubric":              "staff",
	"GET /api/v1/cohorts/:id/jury":                "staff",
	"PATCH /api/v1/cohorts/:id/jury":              "staff",
	"POST /api/v1/cohorts/:id/jurors":             "staff",
	"DELETE /api/v1/cohorts/:id/jurors/:userId":   "staff",
	"POST /api/v1/groups/:id/conflicts":           "staff",
	"DELETE /api/v1/groups/:id/conflicts/:userId": "staff",
	"POST /api/v1/cohorts/:id/scoring/open":       "staff",
	"POST /api/v1/me/conflicts":                   "juror",
	// Jury scoring and results.
	"GET /api/v1/me/jury":                      "juror",
	"GET /api/v1/cohorts/:id/scoring":          "juror",
	"GET /api/v1/groups/:id/sheet":             "juror",
	"PUT /api/v1/groups/:id/sheet":             "juror",
	"POST /api/v1/groups/:id/sheet/submit":     "juror",
	"POST /api/v1/sheets/:id/reopen":           "staff",
	"GET /api/v1/cohorts/:id/results":          "staff",
	"POST /api/v1/cohorts/:id/results/release": "staff",
	"GET /api/v1/cohorts/:id/results/export":   "staff",
	"GET /api/v1/me/group-result":              "participant",

	// Certificates and attendance confirmations.
	"POST /api/v1/enrollments/:id/certificate":  "staff",
	"POST /api/v1/enrollments/:id/confirmation": "staff",
	"POST /api/v1/cohorts/:id/certificates":     "staff",
	"GET /api/v1/documents":                     "staff",
	"GET /api/v1/documents/:id/pdf":             "staff",
	"POST /api/v1/documents/:id/reissue":        "staff",
	"POST /api/v1/documents/:id/revoke":         "staff",
	"GET /api/v1/me/documents":                  "participant",
	"GET /api/v1/me/documents/:id/pdf":          "participant",

	// A cohort's documents as one ZIP; a course's documents previewed.
	"GET /api/v1/cohorts/:id/documents.zip":        "staff",
	"GET /api/v1/courses/:id/preview/certificate":  "staff",
	"GET /api/v1/courses/:id/preview/confirmation": "staff",
}

// unclassified lists the routes the router serves without a rule in its
// access table.
func unclassified(r *api.Router) []string {
	var missing []string
	for _, route := range r.Engine.Routes() {
		if _, ok := r.Routes.Rule(route.Method, route.Path); !ok {
			missing = append(missing, route.Method+" "+route.Path)
		}
	}
	sort.Strings(missing)
	return missing
}

func TestEveryRouteIsClassified(t *testing.T) {
	f := newFixtureWith(t, func(d *api.Deps) {
		ui, err := frontend.New(frontend.Options{Services: d.Services})
		if err != nil {
			t.Fatal(err)
		}
		d.UI = ui
	})
	if missing := unclassified(f.engine); len(missing) > 0 {
		t.Fatalf("routes without an access rule: %v", missing)
	}
	var ui int
	for _, r := range f.engine.Engine.Routes() {
		if !strings.HasPrefix(r.Path, "/api/") && !isOpsPath(r.Path) {
			ui++
		}
	}
	if ui < 10 {
		t.Fatalf("only %d UI routes found: the UI is not mounted", ui)
	}
	for _, route := range f.engine.Engine.Routes() {
		key := route.Method + " " + route.Path
		if strings.HasPrefix(route.Path, "/api/") || isOpsPath(route.Path) {
			if _, ok := apiAccess[key]; !ok {
				t.Errorf("%s is not in this test's access list: decide who may call it", key)
			}
		}
	}
	for key := range apiAccess {
		method, path, _ := strings.Cut(key, " ")
		if _, ok := f.engine.Routes.Rule(method, path); !ok {
			t.Errorf("%s is in the access list but not served", key)
		}
	}
}

func isOpsPath(p string) bool { return p == "/healthz" || p == "/readyz" || p == "/metrics" }

// A route added to the engine around the table is caught.
func TestUnclassifiedRouteIsDetected(t *testing.T) {
	f := newFixture(t)
	f.engine.Engine.GET("/api/v1/sneaky", func(c *gin.Context) {})
	if got := unclassified(f.engine); !slices.Equal(got, []string{"GET /api/v1/sneaky"}) {
		t.Fatalf("unclassified = %v, want the sneaky route", got)
	}
}

type caller struct {
	name   string
	role   string // "", "participant", "juror", "staff", "admin"
	cookie *http.Cookie
	bearer string
}

var rank = map[string]int{"": 0, "participant": 1, "juror": 1, "staff": 2, "admin": 3}

func allowed(need, role string) bool {
	switch need {
	case "public":
		return true
	case "self":
		return role != ""
	case "juror":
		// Juror routes are for jurors alone: staff too are refused.
		return role == "juror"
	}
	return rank[role] >= rank[need]
}

// fingerprint counts the rows a refused request must not change.
func (f *fixture) fingerprint(t *testing.T) string {
	t.Helper()
	var out []string
	for _, table := range []string{"users", "sessions", "user_tokens", "api_tokens", "audit_events", "courses", "cohorts",
		"course_issuers", "participants", "enrollments", "cohort_sessions", "calendar_tokens", "attendances",
		"project_groups", "group_members", "rubric_criteria", "cohort_juries", "jurors", "jury_conflicts",
		"score_sheets", "scores", "issued_documents", "document_counters"} {
		var n int64
		if err := f.db.Table(table).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s=%d", table, n))
	}
	var roles []string
	f.db.Model(&models.User{}).Order("id").Pluck("role || ':' || status", &roles)
	var cohorts []string
	f.db.Model(&models.Cohort{}).Order("id").Pluck("name || ':' || status || ':' || capacity", &cohorts)
	var enrollments []string
	f.db.Model(&models.Enrollment{}).Order("id").Pluck("status", &enrollments)
	out = append(out, enrollments...)
	var documents []string
	f.db.Model(&models.IssuedDocument{}).Order("id").Pluck("number || ':' || revoke_reason", &documents)
	out = append(out, documents...)
	var sessions []string
	f.db.Model(&models.CohortSession{}).Order("id").Pluck("title || ':' || sequence || ':' || cancel_reason", &sessions)
	out = append(out, sessions...)
	var courses []string
	f.db.Model(&models.Course{}).Order("id").Pluck("title", &courses)
	out = append(append(append(out, roles...), cohorts...), courses...)
	return strings.Join(out, " ")
}

// Every role calls every API route, with other users' ids, and is refused
// exactly where the access list says, with nothing changed.
func TestAccessMatrix(t *testing.T) {
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	staffID := f.addUser(t, admin, "office@example.org", models.RoleStaff, "Kursbuero-2026")
	f.addUser(t, admin, "jury@example.org", models.RoleJuror, "Bewertung-2026")
	f.addUser(t, admin, "tn@example.org", models.RoleParticipant, "Teilnahme-2026")
	var tok struct {
		ID    uint
		Token string
	}
	f.as(admin, http.MethodPost, "/api/v1/tokens", map[string]any{"name": "admin", "expires_in_days": 5, "current_password": adminPass}).JSON(t, &tok)

	callers := []caller{
		{name: "anonymous"},
		{name: "participant", role: "participant", cookie: f.login(t, "tn@example.org", "Teilnahme-2026")},
		{name: "juror", role: "juror", cookie: f.login(t, "jury@example.org", "Bewertung-2026")},
		{name: "staff", role: "staff", cookie: f.login(t, "office@example.org", "Kursbuero-2026")},
	}
	course, cohort := f.seedCourse(t, admin)
	person, enrollment := f.seedEnrollment(t, admin, cohort, "zoe@example.org")
	session := f.seedSession(t, admin, cohort)
	group := f.seedGroup(t, admin, cohort, "Gruppe A")
	doc := f.registerDocument(t, enrollment, course, "KOH-2023-0001", strings.Repeat("A", 43), []byte("%PDF-1.4 Zoë's"))
	// Ids of other people's objects: the admin's account and token, a
	// course and a cohort, Zoë's certificate.
	ids := map[string]string{"documents": strconv.Itoa(int(doc.ID)), "sessions": strconv.Itoa(int(session)), "users": strconv.Itoa(1), "tokens": strconv.Itoa(int(tok.ID)),
		"courses": strconv.Itoa(int(course)), "cohorts": strconv.Itoa(int(cohort)),
		"participants": strconv.Itoa(int(person)), "enrollments": strconv.Itoa(int(enrollment)),
		"groups": strconv.Itoa(int(group)), "sheets": "1"}

	for key, need := range apiAccess {
		method, path, _ := strings.Cut(key, " ")
		for _, c := range callers {
			if allowed(need, c.role) {
				continue
			}
			target := strings.Replace(path, ":id", ids[strings.Split(path, "/")[3]], 1)
			target = strings.Replace(target, ":position", "1", 1)
			target = strings.Replace(target, ":userId", "1", 1)
			before := f.fingerprint(t)
			body := map[string]any{}
			if strings.HasSuffix(path, "/attendance") && method == http.MethodPut {
				body["entries"] = []map[string]any{{"enrollment_id": enrollment, "status": "absent"}}
			}
			r := f.as(c.cookie, method, target, body)
			want := http.StatusForbidden
			if c.role == "" {
				want = http.StatusUnauthorized
			}
			if r.Status != want {
				t.Errorf("%s as %s: %d, want %d", key, c.name, r.Status, want)
			}
			if after := f.fingerprint(t); after != before {
				t.Errorf("%s as %s changed data: %s → %s", key, c.name, before, after)
			}
		}
	}

	// No GET changes anything, even for the admin who may call them all.
	for key := range apiAccess {
		method, path, _ := strings.Cut(key, " ")
		if method != http.MethodGet {
			continue
		}
		target := strings.Replace(path, ":id", "1", 1)
		before := f.fingerprint(t)
		f.as(admin, method, target, nil)
		if after := f.fingerprint(t); after != before {
			t.Errorf("%s changed data: %s → %s", key, before, after)
		}
	}

	// A participant passes the route check of their own documents but
	// never gets anyone else's by its id.
	f.client.Run(t, []apitest.Row{
		{Name: "another's document by id", Cookie: callers[1].cookie, Method: http.MethodGet,
			Path: "/api/v1/me/documents/" + ids["documents"] + "/pdf", Status: http.StatusNotFound},
		{Name: "own documents hold none of another's", Cookie: callers[1].cookie, Method: http.MethodGet,
			Path: "/api/v1/me/documents", Status: http.StatusOK, Want: map[string]any{"items": []any{}}},
	})

	// Staff pass the route check but may not touch an admin's account or token.
	staff := callers[3].cookie
	before := f.fingerprint(t)
	f.client.Run(t, []apitest.Row{
		{Name: "disable the admin", Cookie: staff, Method: http.MethodPatch, Path: "/api/v1/users/1",
			Body: map[string]string{"status": "disabled"}, Status: http.StatusForbidden},
		{Name: "make oneself admin", Cookie: staff, Method: http.MethodPatch, Path: "/api/v1/users/" + strconv.Itoa(int(staffID)),
			Body: map[string]string{"role": "admin"}, Status: http.StatusForbidden},
		{Name: "the admin's password link", Cookie: staff, Method: http.MethodPost, Path: "/api/v1/users/1/password-link",
			Status: http.StatusForbidden},
		{Name: "invite an admin", Cookie: staff, Method: http.MethodPost, Path: "/api/v1/users",
			Body: map[string]string{"email": "boss@example.org", "display_name": "Boss", "role": "admin"}, Status: http.StatusForbidden},
		{Name: "revoke the admin's token", Cookie: staff, Method: http.MethodDelete, Path: "/api/v1/tokens/" + ids["tokens"],
			Status: http.StatusNotFound},
		{Name: "revoking all tokens ends only one's own", Cookie: staff, Method: http.MethodPost, Path: "/api/v1/tokens/revoke-all",
			Status: http.StatusOK, Want: map[string]any{"revoked": float64(0)}},
		{Name: "the admin's token still works", Token: tok.Token, Method: http.MethodGet, Path: "/api/v1/tokens", Status: http.StatusOK},
		{Name: "unknown user", Cookie: staff, Method: http.MethodGet, Path: "/api/v1/users/999999", Status: http.StatusNotFound},
		{Name: "user id not a number", Cookie: staff, Method: http.MethodGet, Path: "/api/v1/users/abc", Status: http.StatusNotFound},
	})
	if after := f.fingerprint(t); after != before {
		t.Errorf("refused staff requests changed data: %s → %s", before, after)
	}
}
