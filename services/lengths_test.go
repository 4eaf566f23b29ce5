package services_test

import (
	"context"
	"strings"
	"testing"

	"kohorte/models"
	"kohorte/services"
)

// wide is a character of four bytes that no normalisation changes: a
// length counted in bytes, or a column sized in bytes, fails on it first.
const wide = "𠮷"

// lengthCase writes one text field through its service and names the
// column it lands in, to read back what the database kept.
type lengthCase struct {
	field string
	max   int
	code  services.Code // the refusal one character over the limit; too_long if empty
	fill  func(n int) string
	write func(e *cohortEnv, v string) (table, column string, id uint, err error)
}

func wideText(n int) string { return strings.Repeat(wide, n) }

// email builds an address of n characters that the address rule accepts:
// a local part of 64, then labels of at most 63.
func email(n int) string {
	local := strings.Repeat("a", 64) + "@"
	domain := ""
	for rest := n - len(local) - len(".de"); rest > 0; {
		label := min(rest, 63)
		if domain != "" {
			label = min(rest-1, 63)
			domain += "."
		}
		domain += strings.Repeat("b", label)
		rest = n - len(local) - len(".de") - len(domain)
	}
	return local + domain + ".de"
}

func courseField(field string, set func(*services.CourseInput, string)) func(e *cohortEnv, v string) (string, string, uint, error) {
	return func(e *cohortEnv, v string) (string, string, uint, error) {
		in := courseInput()
		set(&in, v)
		c, err := e.svc.Courses.CreateCourse(context.Background(), e.admin, in)
		return "courses", field, c.ID, err
	}
}

func participantField(column string, set func(*services.ParticipantInput, string)) func(e *cohortEnv, v string) (string, string, uint, error) {
	return func(e *cohortEnv, v string) (string, string, uint, error) {
		in := services.ParticipantInput{FirstName: "Zoë", LastName: "Ćosić-Şahin", Email: "zoe@example.org"}
		set(&in, v)
		p, err := e.svc.Participants.CreateParticipant(context.Background(), e.admin, in)
		return "participants", column, p.ID, err
	}
}

var lengthCases = []lengthCase{
	{"title", 300, "", wideText, courseField("title", func(in *services.CourseInput, v string) { in.Title = v })},
	{"certificate_title", 300, "", wideText, courseField("certificate_title", func(in *services.CourseInput, v string) { in.CertificateTitle = v })},
	{"format", 50, "", wideText, courseField("format", func(in *services.CourseInput, v string) { in.Format = v })},
	{"certificate_prefix", 20, "", func(n int) string { return strings.Repeat("K", n) },
		courseField("certificate_prefix", func(in *services.CourseInput, v string) { in.CertificatePrefix = v })},
	{"issuers[0].name", 200, "", wideText, func(e *cohortEnv, v string) (string, string, uint, error) {
		in := courseInput()
		in.Issuers = []services.IssuerInput{{Name: v, City: "Oldenburg"}}
		c, err := e.svc.Courses.CreateCourse(context.Background(), e.admin, in)
		return "course_issuers", "name", firstIssuer(c), err
	}},
	{"issuers[0].city", 100, "", wideText, func(e *cohortEnv, v string) (string, string, uint, error) {
		in := courseInput()
		in.Issuers = []services.IssuerInput{{Name: "Stiftung", City: v}}
		c, err := e.svc.Courses.CreateCourse(context.Background(), e.admin, in)
		return "course_issuers", "city", firstIssuer(c), err
	}},
	{"signatories[0].name", 200, "", wideText, func(e *cohortEnv, v string) (string, string, uint, error) {
		in := courseInput()
		in.Signatories = []services.SignatoryInput{{Name: v}}
		c, err := e.svc.Courses.CreateCourse(context.Background(), e.admin, in)
		return "course_signatories", "name", firstSignatory(c), err
	}},
	{"signatories[0].function", 200, "", wideText, func(e *cohortEnv, v string) (string, string, uint, error) {
		in := courseInput()
		in.Signatories = []services.SignatoryInput{{Name: "Dr. A. Beispiel", Function: v}}
		c, err := e.svc.Courses.CreateCourse(context.Background(), e.admin, in)
		return "course_signatories", "function", firstSignatory(c), err
	}},
	{"name", 100, "", wideText, func(e *cohortEnv, v string) (string, string, uint, error) {
		c, err := e.svc.Cohorts.CreateCohort(context.Background(), e.admin, e.cohort.CourseID,
			services.CohortInput{Name: v, StartDate: models.NewDate(2024, 4, 5), Capacity: 16})
		return "cohorts", "name", c.ID, err
	}},
	{"venue", 300, "", wideText, func(e *cohortEnv, v string) (string, string, uint, error) {
		c, err := e.svc.Cohorts.CreateCohort(context.Background(), e.admin, e.cohort.CourseID,
			services.CohortInput{Name: "Herbst 2024", Venue: v, StartDate: models.NewDate(2024, 9, 5), Capacity: 16})
		return "cohorts", "venue", c.ID, err
	}},
	{"first_name", 100, "", wideText, participantField("first_name", func(in *services.ParticipantInput, v string) { in.FirstName = v })},
	{"last_name", 100, "", wideText, participantField("last_name", func(in *services.ParticipantInput, v string) { in.LastName = v })},
	{"organisation", 200, "", wideText, participantField("organisation", func(in *services.ParticipantInput, v string) { in.Organisation = v })},
	{"phone", 50, "", func(n int) string { return strings.Repeat("1", n) },
		participantField("phone", func(in *services.ParticipantInput, v string) { in.Phone = v })},
	{"email", 254, "", email, participantField("email", func(in *services.ParticipantInput, v string) { in.Email = v })},
	{"display_name", 200, "", wideText, func(e *cohortEnv, v string) (string, string, uint, error) {
		inv, err := e.svc.Users.Invite(context.Background(), e.admin,
			services.InviteInput{Email: "lang@example.org", DisplayName: v, Role: models.RoleJuror})
		return "users", "display_name", inv.User.ID, err
	}},
	{"name", 100, services.CodeAPITokenNameLength, wideText, func(e *cohortEnv, v string) (string, string, uint, error) {
		tok, err := e.svc.Tokens.CreateAPIToken(context.Background(), e.admin,
			services.APITokenRequest{Name: v, Days: 30, CurrentPassword: adminPassword})
		return "api_tokens", "name", tok.ID, err
	}},
	{"reason", 2000, "", wideText, func(e *cohortEnv, v string) (string, string, uint, error) {
		p, err := e.svc.Participants.CreateParticipant(context.Background(), e.admin,
			services.ParticipantInput{FirstName: "Ida", LastName: "Ilić", Email: "ida@example.org"})
		if err != nil {
			return "", "", 0, err
		}
		en, err := e.svc.Enrollments.Enroll(context.Background(), e.admin, e.cohort.ID, p.ID, models.NewDate(2023, 3, 20))
		if err != nil {
			return "", "", 0, err
		}
		w, err := e.svc.Enrollments.Withdraw(context.Background(), e.admin, en.ID, models.NewDate(2023, 4, 20), v)
		return "enrollments", "withdrawal_reason", w.ID, err
	}},
}

func firstIssuer(c models.Course) uint {
	if len(c.Issuers) == 0 {
		return 0
	}
	return c.Issuers[0].ID
}

func firstSignatory(c models.Course) uint {
	if len(c.Signatories) == 0 {
		return 0
	}
	return c.Signatories[0].ID
}

// TestEveryTextFitsItsColumnInCharacters writes each text at its limit in
// characters of four bytes, which the column must keep unchanged, and one
// character more, which the service must refuse with too_long before the
// database sees it.
func TestEveryTextFitsItsColumnInCharacters(t *testing.T) {
	t.Parallel()
	for _, tc := range lengthCases {
		t.Run(tc.field, func(t *testing.T) {
			t.Parallel()
			e := newCohortEnv(t, 16)
			want := tc.fill(tc.max)
			if n := len([]rune(want)); n != tc.max {
				t.Fatalf("the test's value has %d characters, want %d", n, tc.max)
			}
			table, column, id, err := tc.write(e, want)
			if err != nil {
				t.Fatalf("%d characters (%d bytes) refused: %v", tc.max, len(want), err)
			}
			var got string
			if err := e.db.Table(table).Select(column).Where("id = ?", id).Scan(&got).Error; err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("%s.%s kept %d characters (%d bytes), want %d characters (%d bytes)",
					table, column, len([]rune(got)), len(got), tc.max, len(want))
			}

			_, _, _, err = tc.write(newCohortEnv(t, 16), tc.fill(tc.max+1))
			wantCode := services.CodeTooLong
			if tc.code != "" {
				wantCode = tc.code
			}
			if code := fieldCode(err, tc.field); code != wantCode {
				t.Errorf("%d characters: code %q, want %q (error %v)", tc.max+1, code, wantCode, err)
			}
		})
	}
}
