package services_test

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kohorte/models"
	"kohorte/services"
)

// Planning shows everyone of the cohort by name with the group they are
// in, the withdrawn flagged, the cohort's own sessions only, and refuses
// jurors.
func TestPlanningListsPeopleWithTheirGroups(t *testing.T) {
	t.Parallel()
	g := newGroupsEnv(t, "Anna", "Bernd", "Carla")
	ctx := context.Background()
	a := g.group(t, "Gruppe A", "Anna")
	if _, err := g.svc.Enrollments.Withdraw(ctx, g.admin, g.people["Carla"].ID, models.NewDate(2023, 3, 20), "Umzug"); err != nil {
		t.Fatal(err)
	}
	p, err := g.svc.Groups.Planning(ctx, g.admin, g.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	type person struct {
		Name      string
		Withdrawn bool
		Group     string
	}
	var got []person
	for _, c := range p.People {
		got = append(got, person{c.FirstName, c.Withdrawn, c.GroupName})
		if (c.GroupID != nil) != (c.GroupName != "") || c.GroupID != nil && *c.GroupID != a.ID {
			t.Errorf("%s: group id %v, name %q", c.FirstName, c.GroupID, c.GroupName)
		}
	}
	want := []person{{"Anna", false, "Gruppe A"}, {"Bernd", false, ""}, {"Carla", true, ""}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("people (-want +got):\n%s", d)
	}
	if len(p.Groups) != 1 || p.Groups[0].Name != "Gruppe A" || len(p.Groups[0].Members) != 1 {
		t.Errorf("groups: %+v", p.Groups)
	}
	var titles []string
	for _, s := range p.Sessions {
		titles = append(titles, s.Title)
	}
	if !slices.Contains(titles, g.closing.Title) || slices.Contains(titles, g.foreign.Title) {
		t.Errorf("sessions %v: want %q, not %q", titles, g.closing.Title, g.foreign.Title)
	}
	if _, err := g.svc.Groups.Planning(ctx, services.Actor{UserID: 99, Role: models.RoleJuror}, g.cohort.ID); err != services.ErrForbidden {
		t.Errorf("juror: %v, want forbidden", err)
	}
	if _, err := g.svc.Groups.Planning(ctx, g.admin, 999999); services.CodeOf(err) != services.CodeNotFound {
		t.Errorf("unknown cohort: %v", err)
	}
}
