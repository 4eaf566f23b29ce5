package services_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kohorte/models"
	"kohorte/services"
)

// TestBidiControlsAreRefusedInShownText: a right-to-left override or any
// other character that changes the direction of text would let a name on
// a certificate read as another, so every text that is shown or printed
// refuses them.
func TestBidiControlsAreRefusedInShownText(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	course, err := e.svc.Courses.CreateCourse(ctx, e.admin, courseInput())
	if err != nil {
		t.Fatal(err)
	}
	// "Anna \u202Enhoj" shows as "Anna john".
	for _, bidi := range []string{"\u202E", "\u202A", "\u2066", "\u2069", "\u200E", "\u200F", "\u061C"} {
		name := "Anna " + bidi + "nhoj"
		in := courseInput()
		in.Title, in.Description = name, "Zeile eins\n"+name
		in.Signatories = []services.SignatoryInput{{Name: name}}
		rows := []struct {
			name string
			err  error
		}{
			{"course", func() error { _, err := e.svc.Courses.CreateCourse(ctx, e.admin, in); return err }()},
			{"cohort", func() error {
				_, err := e.svc.Cohorts.CreateCohort(ctx, e.admin, course.ID,
					services.CohortInput{Name: name, StartDate: models.NewDate(2027, 3, 1), Capacity: 16, Venue: name})
				return err
			}()},
			{"invitation", func() error {
				_, err := e.svc.Users.Invite(ctx, e.admin, services.InviteInput{Email: "x@example.org", DisplayName: name, Role: models.RoleJuror})
				return err
			}()},
			{"token", func() error {
				_, err := e.svc.Tokens.CreateAPIToken(ctx, e.admin, services.APITokenRequest{Name: name, Days: 30, CurrentPassword: adminPassword})
				return err
			}()},
			{"participant", func() error {
				_, err := e.svc.Participants.CreateParticipant(ctx, e.admin,
					services.ParticipantInput{FirstName: name, LastName: "Muster", Email: "y@example.org"})
				return err
			}()},
		}
		want := map[string][]string{
			"course":      {"title", "description", "signatories[0].name"},
			"cohort":      {"name", "venue"},
			"invitation":  {"display_name"},
			"token":       {"name"},
			"participant": {"first_name"},
		}
		for _, row := range rows {
			var verr *services.ValidationError
			if !errors.As(row.err, &verr) {
				t.Errorf("%U in a %s: err = %v, want a validation error", []rune(bidi)[0], row.name, row.err)
				continue
			}
			var got []string
			for _, f := range verr.Fields {
				if f.Code == services.CodeBidiControls {
					got = append(got, f.Field)
				}
			}
			if diff := cmp.Diff(want[row.name], got); diff != "" {
				t.Errorf("%U in a %s: fields refused for bidi controls (-want +got):\n%s", []rune(bidi)[0], row.name, diff)
			}
		}
	}
}
