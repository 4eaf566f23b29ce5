package services_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"kohorte/models"
	"kohorte/services"
)

// groupsEnv is the schedule's cohort (from Monday 6 March 2023) with
// enrollments and two sessions, one of them of another cohort.
type groupsEnv struct {
	*cohortEnv
	people  map[string]models.Enrollment
	closing models.CohortSession
	foreign models.CohortSession
}

func newGroupsEnv(t *testing.T, names ...string) *groupsEnv {
	t.Helper()
	g := &groupsEnv{cohortEnv: newScheduleEnv(t), people: map[string]models.Enrollment{}}
	ctx := context.Background()
	for i, n := range names {
		p, err := g.svc.Participants.CreateParticipant(ctx, g.admin, services.ParticipantInput{
			FirstName: n, LastName: "Muster", Email: fmt.Sprintf("g%d@example.org", i), FederalState: "NI", NetworkType: "MINT-Region"})
		if err != nil {
			t.Fatal(err)
		}
		e, err := g.svc.Enrollments.Enroll(ctx, g.admin, g.cohort.ID, p.ID, models.NewDate(2023, 3, 1))
		if err != nil {
			t.Fatal(err)
		}
		g.people[n] = e
	}
	var err error
	g.closing, err = g.svc.Schedule.CreateSession(ctx, g.admin, g.cohort.ID, services.SessionInput{Kind: models.SessionClosing,
		Title: "Abschlusspräsenz, Tag 1", StartsAt: berlin(2023, 5, 25, 10, 0), EndsAt: berlin(2023, 5, 25, 16, 0)})
	if err != nil {
		t.Fatal(err)
	}
	other, err := g.svc.Cohorts.CreateCohort(ctx, g.admin, g.cohort.CourseID,
		services.CohortInput{Name: "Herbst 2023", StartDate: models.NewDate(2023, 9, 4), Capacity: 16})
	if err != nil {
		t.Fatal(err)
	}
	g.foreign, err = g.svc.Schedule.CreateSession(ctx, g.admin, other.ID, services.SessionInput{Kind: models.SessionKickoff,
		Title: "Auftakt", StartsAt: berlin(2023, 9, 4, 10, 0), EndsAt: berlin(2023, 9, 4, 16, 0)})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func (g *groupsEnv) ids(names ...string) []uint {
	out := make([]uint, len(names))
	for i, n := range names {
		out[i] = g.people[n].ID
	}
	return out
}

func (g *groupsEnv) group(t *testing.T, name string, members ...string) models.ProjectGroup {
	t.Helper()
	grp, err := g.svc.Groups.CreateGroup(context.Background(), g.admin, g.cohort.ID,
		services.GroupInput{Name: name, ProjectTitle: "Projekt " + name, SessionID: &g.closing.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(members) > 0 {
		if _, err := g.svc.Groups.SetMembers(context.Background(), g.admin, grp.ID, g.ids(members...)); err != nil {
			t.Fatal(err)
		}
	}
	return grp
}

// juryTables is everything a refused change of groups, rubrics or juries
// must leave as it was.
type juryTables struct {
	Groups    []models.ProjectGroup
	Members   []models.GroupMember
	Criteria  []models.RubricCriterion
	Juries    []models.CohortJury
	Jurors    []models.Juror
	Conflicts []models.JuryConflict
	Audit     int64
}

func (g *groupsEnv) tables(t *testing.T) juryTables {
	t.Helper()
	var s juryTables
	for _, err := range []error{
		g.db.Order("id").Find(&s.Groups).Error,
		g.db.Order("id").Find(&s.Members).Error,
		g.db.Order("id").Find(&s.Criteria).Error,
		g.db.Order("cohort_id").Find(&s.Juries).Error,
		g.db.Order("id").Find(&s.Jurors).Error,
		g.db.Order("id").Find(&s.Conflicts).Error,
		g.db.Model(&models.AuditEvent{}).Count(&s.Audit).Error,
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// unchanged fails when a refused change wrote anything.
func (g *groupsEnv) unchanged(t *testing.T, before juryTables) {
	t.Helper()
	if diff := cmp.Diff(before, g.tables(t)); diff != "" {
		t.Errorf("a refused change wrote (-before +after):\n%s", diff)
	}
}

func TestCreateGroupChecksNameSessionAndCohort(t *testing.T) {
	t.Parallel()
	g := newGroupsEnv(t)
	ctx := context.Background()
	first := g.group(t, "Gruppe A")
	if first.SessionID == nil || *first.SessionID != g.closing.ID {
		t.Fatalf("presenting session %v, want %d", first.SessionID, g.closing.ID)
	}
	if n := g.countAudit(t, "group.created"); n != 1 {
		t.Errorf("%d group.created events, want 1", n)
	}
	before := g.tables(t)
	_, err := g.svc.Groups.CreateGroup(ctx, g.admin, g.cohort.ID, services.GroupInput{Name: " Gruppe A ", SessionID: &g.foreign.ID})
	want := []services.FieldError{{Field: "session_id", Code: services.CodeGroupSessionNotInCohort, Params: services.Params{"id": g.foreign.ID}}}
	if diff := cmp.Diff(want, fieldCodes(t, err)); diff != "" {
		t.Errorf("foreign session (-want +got):\n%s", diff)
	}
	_, err = g.svc.Groups.CreateGroup(ctx, g.admin, g.cohort.ID, services.GroupInput{Name: " Gruppe A "})
	if diff := cmp.Diff([]services.FieldError{{Field: "name", Code: services.CodeGroupNameTaken}}, fieldCodes(t, err)); diff != "" {
		t.Errorf("name taken (-want +got):\n%s", diff)
	}
	_, err = g.svc.Groups.CreateGroup(ctx, g.admin, g.cohort.ID, services.GroupInput{Name: "", ProjectTitle: "a\x00b"})
	want = []services.FieldError{{Field: "name", Code: services.CodeRequired}, {Field: "project_title", Code: services.CodeUnreadable}}
	if got := fieldCodes(t, err); len(got) != 2 || got[0].Code != services.CodeRequired {
		t.Errorf("empty name: %v, want %v", got, want)
	}
	if _, err := g.svc.Groups.CreateGroup(ctx, g.admin, 9999, services.GroupInput{Name: "X"}); !errors.Is(err, services.ErrNotFound) {
		t.Errorf("unknown cohort: %v", err)
	}
	g.unchanged(t, before)
}

func TestPatchGroupRenamesAndClearsTheSession(t *testing.T) {
	t.Parallel()
	g := newGroupsEnv(t)
	ctx := context.Background()
	a := g.group(t, "Gruppe A")
	g.group(t, "Gruppe B")
	before := g.tables(t)
	_, err := g.svc.Groups.PatchGroup(ctx, g.admin, a.ID, services.GroupPatch{Name: ptr("Gruppe B")})
	if diff := cmp.Diff([]services.FieldError{{Field: "name", Code: services.CodeGroupNameTaken}}, fieldCodes(t, err)); diff != "" {
		t.Errorf("rename onto another (-want +got):\n%s", diff)
	}
	g.unchanged(t, before)
	got, err := g.svc.Groups.PatchGroup(ctx, g.admin, a.ID, services.GroupPatch{Summary: ptr("Zeile 1\nZeile 2"), ClearSession: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Gruppe A" || got.SessionID != nil || got.Summary != "Zeile 1\nZeile 2" {
		t.Errorf("patched group %+v", got)
	}
	var stored models.ProjectGroup
	g.db.Take(&stored, a.ID)
	if stored.SessionID != nil {
		t.Errorf("stored session %v, want none", *stored.SessionID)
	}
}

func TestSetMembersNamesEveryoneWhoCannotJoin(t *testing.T) {
	t.Parallel()
	g := newGroupsEnv(t, "Anna", "Bernd", "Carla", "Dana", "Emil")
	ctx := context.Background()
	a := g.group(t, "Gruppe A", "Anna", "Bernd")
	b := g.group(t, "Gruppe B")
	if _, err := g.svc.Enrollments.Withdraw(ctx, g.admin, g.people["Dana"].ID, models.NewDate(2023, 4, 3), "Umzug"); err != nil {
		t.Fatal(err)
	}
	before := g.tables(t)
	_, err := g.svc.Groups.SetMembers(ctx, g.admin, b.ID, append(g.ids("Carla", "Anna", "Dana", "Carla"), 9999))
	want := []services.FieldError{
		{Field: "enrollment_ids[1]", Code: services.CodeGroupMemberInOther, Params: services.Params{"name": "Anna Muster", "group": "Gruppe A"}},
		{Field: "enrollment_ids[2]", Code: services.CodeGroupMemberWithdrawn, Params: services.Params{"name": "Dana Muster"}},
		{Field: "enrollment_ids[3]", Code: services.CodeGroupMemberDuplicate, Params: services.Params{"index": 0}},
		{Field: "enrollment_ids[4]", Code: services.CodeEnrollmentNotInCohort, Params: services.Params{"id": uint(9999)}},
	}
	if diff := cmp.Diff(want, fieldCodes(t, err)); diff != "" {
		t.Errorf("refusals (-want +got):\n%s", diff)
	}
	g.unchanged(t, before)

	// Replacing A's members frees Bernd, who can then join B.
	if _, err := g.svc.Groups.SetMembers(ctx, g.admin, a.ID, g.ids("Anna", "Emil")); err != nil {
		t.Fatal(err)
	}
	view, err := g.svc.Groups.SetMembers(ctx, g.admin, b.ID, g.ids("Carla", "Bernd"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range view.Members {
		names = append(names, m.FirstName)
	}
	if diff := cmp.Diff([]string{"Bernd", "Carla"}, names); diff != "" {
		t.Errorf("members of B (-want +got):\n%s", diff)
	}
	// A member who withdraws later stays in the group, marked.
	if _, err := g.svc.Enrollments.Withdraw(ctx, g.admin, g.people["Carla"].ID, models.NewDate(2023, 4, 3), "Krank"); err != nil {
		t.Fatal(err)
	}
	list, err := g.svc.Groups.ListGroups(ctx, g.admin, g.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Group   string
		Members []string
	}
	var got []row
	for _, grp := range list.Groups {
		r := row{Group: grp.Name}
		for _, m := range grp.Members {
			r.Members = append(r.Members, fmt.Sprintf("%s withdrawn=%v", m.FirstName, m.Withdrawn))
		}
		got = append(got, r)
	}
	wantRows := []row{
		{"Gruppe A", []string{"Anna withdrawn=false", "Emil withdrawn=false"}},
		{"Gruppe B", []string{"Bernd withdrawn=false", "Carla withdrawn=true"}},
	}
	if diff := cmp.Diff(wantRows, got); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
	// Two settings with members, one of group A before: three events.
	if n := g.countAudit(t, "group.members_set"); n != 3 {
		t.Errorf("%d group.members_set events, want 3", n)
	}
}

// Two requests putting the same person into two groups at once: one wins,
// the other is refused naming the person, whichever engine orders them.
func TestConcurrentMembershipsLeaveOneGroup(t *testing.T) {
	t.Parallel()
	g := newGroupsEnv(t, "Anna")
	a, b := g.group(t, "Gruppe A"), g.group(t, "Gruppe B")
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, id := range []uint{a.ID, b.ID} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = g.svc.Groups.SetMembers(context.Background(), g.admin, id, g.ids("Anna"))
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case services.CodeOf(err) == services.CodeInvalidInput:
			if f := fieldCodes(t, err); f[0].Code != services.CodeGroupMemberInOther || f[0].Params["name"] != "Anna Muster" {
				t.Errorf("loser refused with %v", f)
			}
		default:
			t.Errorf("unexpected error %v", err)
		}
	}
	var rows int64
	g.db.Model(&models.GroupMember{}).Count(&rows)
	if ok != 1 || rows != 1 {
		t.Errorf("%d successes and %d member rows, want 1 and 1", ok, rows)
	}
}

func TestDeleteGroupRefusedOnceASheetExists(t *testing.T) {
	t.Parallel()
	g := newGroupsEnv(t, "Anna")
	ctx := context.Background()
	a := g.group(t, "Gruppe A", "Anna")
	b := g.group(t, "Gruppe B")
	juror := g.addUser(t, "juror@example.org", models.RoleJuror, "Bewertung-2026")
	// A draft sheet, as the scoring service writes it.
	if err := g.db.Create(&models.ScoreSheet{GroupID: b.ID, JurorID: juror.ID}).Error; err != nil {
		t.Fatal(err)
	}
	before := g.tables(t)
	err := g.svc.Groups.DeleteGroup(ctx, g.admin, b.ID)
	if services.CodeOf(err) != services.CodeGroupHasSheets || !errors.Is(err, services.ErrInvalidAction) {
		t.Fatalf("delete with a sheet: %v", err)
	}
	g.unchanged(t, before)
	if err := g.svc.Groups.DeleteGroup(ctx, g.admin, a.ID); err != nil {
		t.Fatal(err)
	}
	var members int64
	g.db.Model(&models.GroupMember{}).Count(&members)
	if members != 0 {
		t.Errorf("%d member rows left, want 0", members)
	}
	var ev models.AuditEvent
	g.db.Where("action = ?", "group.deleted").Take(&ev)
	if want := fmt.Sprintf(`"enrollment_ids":[%d]`, g.people["Anna"].ID); !strings.Contains(ev.Before, want) {
		t.Errorf("audit before %s lacks %s", ev.Before, want)
	}
}

// A cohort's groups with their members take three statements, with two
// groups as with twenty.
func TestListGroupsInFixedStatements(t *testing.T) {
	t.Parallel()
	g := newGroupsEnv(t, "A1", "A2", "A3", "A4", "A5", "A6")
	g.group(t, "Gruppe A", "A1", "A2")
	g.group(t, "Gruppe B", "A3", "A4")
	few := g.countListStatements(t)
	for i := 0; i < 18; i++ {
		g.group(t, fmt.Sprintf("Gruppe %02d", i))
	}
	g.group(t, "Gruppe Z", "A5", "A6")
	many := g.countListStatements(t)
	if few != many {
		t.Errorf("%d statements for 2 groups, %d for 21", few, many)
	}
}

func (g *groupsEnv) countListStatements(t *testing.T) int64 {
	t.Helper()
	counter := &queryCounter{Interface: logger.Discard}
	svc, err := services.New(g.db.Session(&gorm.Session{Logger: counter}), services.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Groups.ListGroups(context.Background(), g.admin, g.cohort.ID); err != nil {
		t.Fatal(err)
	}
	return counter.n.Load()
}

func TestGroupsRefuseJurorsAndParticipants(t *testing.T) {
	t.Parallel()
	g := newGroupsEnv(t)
	a := g.group(t, "Gruppe A")
	juror := services.Actor{UserID: 99, Role: models.RoleJuror}
	before := g.tables(t)
	ctx := context.Background()
	for name, err := range map[string]error{
		"list": func() error { _, err := g.svc.Groups.ListGroups(ctx, juror, g.cohort.ID); return err }(),
		"create": func() error {
			_, err := g.svc.Groups.CreateGroup(ctx, juror, g.cohort.ID, services.GroupInput{Name: "X"})
			return err
		}(),
		"patch": func() error {
			_, err := g.svc.Groups.PatchGroup(ctx, juror, a.ID, services.GroupPatch{Name: ptr("Y")})
			return err
		}(),
		"members": func() error { _, err := g.svc.Groups.SetMembers(ctx, juror, a.ID, nil); return err }(),
		"delete":  g.svc.Groups.DeleteGroup(ctx, juror, a.ID),
	} {
		if !errors.Is(err, services.ErrForbidden) {
			t.Errorf("%s by a juror: %v, want forbidden", name, err)
		}
	}
	g.unchanged(t, before)
}
