package services_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kohorte/models"
	"kohorte/services"
)

// juror creates an active juror account and logs them in.
func (g *groupsEnv) juror(t *testing.T, email string) (models.User, services.Actor) {
	t.Helper()
	ctx := context.Background()
	u := g.addUser(t, email, models.RoleJuror, "Bewertung-2026")
	res, err := g.svc.Sessions.Login(ctx, email, "Bewertung-2026", client("10.0.0.4"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := g.svc.Sessions.Authenticate(ctx, res.Token, client("10.0.0.4"))
	if err != nil {
		t.Fatal(err)
	}
	return u, a
}

func TestAppointJurorOnlyActiveJurors(t *testing.T) {
	t.Parallel()
	g := newGroupsEnv(t)
	ctx := context.Background()
	j, _ := g.juror(t, "jury1@example.org")
	staff := g.addUser(t, "staff@example.org", models.RoleStaff, "Mitarbeit-2026!")
	disabled, _ := g.juror(t, "jury2@example.org")
	if _, err := g.svc.Users.UpdateUser(ctx, g.admin, disabled.ID, services.UserChange{Status: ptr(models.UserDisabled)}); err != nil {
		t.Fatal(err)
	}
	before := g.tables(t)
	for _, id := range []uint{staff.ID, disabled.ID, 9999} {
		_, err := g.svc.Jury.AppointJuror(ctx, g.admin, g.cohort.ID, id)
		if diff := cmp.Diff([]services.FieldError{{Field: "user_id", Code: services.CodeJuryNotJuror}}, fieldCodes(t, err)); diff != "" {
			t.Errorf("appoint user %d (-want +got):\n%s", id, diff)
		}
	}
	g.unchanged(t, before)
	v, err := g.svc.Jury.AppointJuror(ctx, g.admin, g.cohort.ID, j.ID)
	if err != nil || v.UserID != j.ID {
		t.Fatalf("appoint: %+v, %v", v, err)
	}
	if _, err := g.svc.Jury.AppointJuror(ctx, g.admin, g.cohort.ID, j.ID); services.CodeOf(err) != services.CodeJuryJurorExists {
		t.Errorf("appoint twice: %v", err)
	}
	jury, err := g.svc.Jury.GetJury(ctx, g.admin, g.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(jury.Jurors) != 1 || jury.Jurors[0].UserID != j.ID || len(jury.Candidates) != 0 {
		t.Errorf("jurors %+v, candidates %+v; want one juror and no candidate", jury.Jurors, jury.Candidates)
	}
	if n := g.countAudit(t, "jury.juror_appointed"); n != 1 {
		t.Errorf("%d jury.juror_appointed events, want 1", n)
	}
}

func TestRemoveJurorRefusedWithASubmittedSheet(t *testing.T) {
	t.Parallel()
	g := newGroupsEnv(t)
	ctx := context.Background()
	a := g.group(t, "Gruppe A")
	j1, _ := g.juror(t, "jury1@example.org")
	j2, _ := g.juror(t, "jury2@example.org")
	for _, j := range []models.User{j1, j2} {
		if _, err := g.svc.Jury.AppointJuror(ctx, g.admin, g.cohort.ID, j.ID); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2023, 5, 25, 12, 0, 0, 0, time.UTC)
	if err := g.db.Create(&models.ScoreSheet{GroupID: a.ID, JurorID: j1.ID, SubmittedAt: &now}).Error; err != nil {
		t.Fatal(err)
	}
	// A draft does not hold a juror back.
	if err := g.db.Create(&models.ScoreSheet{GroupID: a.ID, JurorID: j2.ID}).Error; err != nil {
		t.Fatal(err)
	}
	before := g.tables(t)
	err := g.svc.Jury.RemoveJuror(ctx, g.admin, g.cohort.ID, j1.ID)
	if services.CodeOf(err) != services.CodeJuryJurorHasSheets {
		t.Fatalf("remove with a submitted sheet: %v", err)
	}
	g.unchanged(t, before)
	if err := g.svc.Jury.RemoveJuror(ctx, g.admin, g.cohort.ID, j2.ID); err != nil {
		t.Fatal(err)
	}
	if err := g.svc.Jury.RemoveJuror(ctx, g.admin, g.cohort.ID, j2.ID); !errors.Is(err, services.ErrNotFound) {
		t.Errorf("remove twice: %v", err)
	}
}

func TestConflictsByStaffAndByTheJuror(t *testing.T) {
	t.Parallel()
	g := newGroupsEnv(t)
	ctx := context.Background()
	a, b := g.group(t, "Gruppe A"), g.group(t, "Gruppe B")
	j1, j1Actor := g.juror(t, "jury1@example.org")
	_, outsider := g.juror(t, "jury2@example.org")
	if _, err := g.svc.Jury.AppointJuror(ctx, g.admin, g.cohort.ID, j1.ID); err != nil {
		t.Fatal(err)
	}
	before := g.tables(t)
	// Staff need a reason and an appointed juror.
	_, err := g.svc.Jury.AddConflict(ctx, g.admin, a.ID, j1.ID, "  ")
	if diff := cmp.Diff([]services.FieldError{{Field: "reason", Code: services.CodeRequired}}, fieldCodes(t, err)); diff != "" {
		t.Errorf("no reason (-want +got):\n%s", diff)
	}
	_, err = g.svc.Jury.AddConflict(ctx, g.admin, a.ID, outsider.UserID, "Kollegin")
	if diff := cmp.Diff([]services.FieldError{{Field: "user_id", Code: services.CodeJuryNotAppointed}}, fieldCodes(t, err)); diff != "" {
		t.Errorf("not appointed (-want +got):\n%s", diff)
	}
	// A juror not appointed to the cohort does not learn the group exists.
	if _, err := g.svc.Jury.DeclareConflict(ctx, outsider, a.ID, "Nachbar"); !errors.Is(err, services.ErrNotFound) {
		t.Errorf("outsider declares: %v, want not found", err)
	}
	if _, err := g.svc.Jury.DeclareConflict(ctx, g.admin, a.ID, ""); !errors.Is(err, services.ErrForbidden) {
		t.Errorf("staff declare as a juror: %v, want forbidden", err)
	}
	g.unchanged(t, before)

	if _, err := g.svc.Jury.AddConflict(ctx, g.admin, a.ID, j1.ID, "Arbeitet im selben Verein"); err != nil {
		t.Fatal(err)
	}
	self, err := g.svc.Jury.DeclareConflict(ctx, j1Actor, b.ID, "")
	if err != nil || !self.SelfDeclared {
		t.Fatalf("declare: %+v, %v", self, err)
	}
	if _, err := g.svc.Jury.DeclareConflict(ctx, j1Actor, b.ID, "doppelt"); services.CodeOf(err) != services.CodeJuryConflictExists {
		t.Errorf("declare twice: %v", err)
	}
	jury, err := g.svc.Jury.GetJury(ctx, g.admin, g.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Group, Reason string
		Self          bool
	}
	var got []row
	for _, c := range jury.Conflicts {
		got = append(got, row{c.GroupName, c.Reason, c.SelfDeclared})
	}
	want := []row{{"Gruppe A", "Arbeitet im selben Verein", false}, {"Gruppe B", "", true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("conflicts (-want +got):\n%s", diff)
	}
	if err := g.svc.Jury.RemoveConflict(ctx, j1Actor, b.ID, j1.ID); !errors.Is(err, services.ErrForbidden) {
		t.Errorf("juror removes a conflict: %v", err)
	}
	if err := g.svc.Jury.RemoveConflict(ctx, g.admin, b.ID, j1.ID); err != nil {
		t.Fatal(err)
	}
	if n := g.countAudit(t, "jury.conflict_added") + g.countAudit(t, "jury.conflict_removed"); n != 3 {
		t.Errorf("%d conflict events, want 3", n)
	}
}

func TestJurySettingsCreatedOnFirstUse(t *testing.T) {
	t.Parallel()
	g := newGroupsEnv(t)
	ctx := context.Background()
	jury, err := g.svc.Jury.GetJury(ctx, g.admin, g.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	type settings struct {
		Aggregation models.Aggregation
		Spread      int
		Names       bool
	}
	if diff := cmp.Diff(settings{"mean", 20, false}, settings{jury.Settings.Aggregation, jury.Settings.SpreadLimit, jury.Settings.ShowJurorNames}); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	before := g.tables(t)
	_, err = g.svc.Jury.UpdateSettings(ctx, g.admin, g.cohort.ID, services.JurySettingsPatch{Aggregation: ptr("mode"), SpreadLimit: ptr(0)})
	want := []services.FieldError{
		{Field: "aggregation", Code: services.CodeNotOneOf, Params: services.Params{"allowed": "mean, median"}},
		{Field: "spread_limit", Code: services.CodeOutOfRange, Params: services.Params{"min": 1, "max": 100}},
	}
	if diff := cmp.Diff(want, fieldCodes(t, err)); diff != "" {
		t.Errorf("refusals (-want +got):\n%s", diff)
	}
	g.unchanged(t, before)
	j, err := g.svc.Jury.UpdateSettings(ctx, g.admin, g.cohort.ID, services.JurySettingsPatch{Aggregation: ptr("median"), ShowJurorNames: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	var stored models.CohortJury
	g.db.Take(&stored, "cohort_id = ?", g.cohort.ID)
	if diff := cmp.Diff(settings{"median", 20, true}, settings{stored.Aggregation, stored.SpreadLimit, stored.ShowJurorNames}); diff != "" || j.Aggregation != "median" {
		t.Errorf("stored (-want +got):\n%s", diff)
	}
}

func TestOpenScoringCopiesTheRubricOnce(t *testing.T) {
	t.Parallel()
	g := newGroupsEnv(t)
	ctx := context.Background()
	course := g.cohort.CourseID
	if _, err := g.svc.Rubrics.SetCourseRubric(ctx, g.admin, course, nil); err != nil {
		t.Fatal(err)
	}
	before := g.tables(t)
	open := func() error { _, err := g.svc.Jury.OpenScoring(ctx, g.admin, g.cohort.ID); return err }
	if err := open(); services.CodeOf(err) != services.CodeJuryNoCriteria {
		t.Fatalf("open without criteria: %v", err)
	}
	g.unchanged(t, before)
	if _, err := g.svc.Rubrics.SetCourseRubric(ctx, g.admin, course, services.DefaultRubric()); err != nil {
		t.Fatal(err)
	}
	before = g.tables(t)
	if err := open(); services.CodeOf(err) != services.CodeJuryNoGroups {
		t.Fatalf("open without groups: %v", err)
	}
	g.unchanged(t, before)
	g.group(t, "Gruppe A")
	before = g.tables(t)
	if err := open(); services.CodeOf(err) != services.CodeJuryNoJurors {
		t.Fatalf("open without jurors: %v", err)
	}
	g.unchanged(t, before)
	j, _ := g.juror(t, "jury1@example.org")
	if _, err := g.svc.Jury.AppointJuror(ctx, g.admin, g.cohort.ID, j.ID); err != nil {
		t.Fatal(err)
	}
	if err := open(); err != nil {
		t.Fatal(err)
	}
	before = g.tables(t)
	if err := open(); services.CodeOf(err) != services.CodeJuryScoringOpen {
		t.Fatalf("open twice: %v", err)
	}
	g.unchanged(t, before)
	// Later edits of the course's rubric leave the cohort's copy alone.
	if _, err := g.svc.Rubrics.SetCourseRubric(ctx, g.admin, course, []services.CriterionInput{{Name: "Neu", Weight: 1, MaxPoints: "5", Step: "1"}}); err != nil {
		t.Fatal(err)
	}
	jury, err := g.svc.Jury.GetJury(ctx, g.admin, g.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !jury.ScoringOpen() {
		t.Error("scoring is not open")
	}
	want := []criterionRow{
		{1, "Innovationsgrad", 25, 1000, 50},
		{2, "Fachliche Fundierung", 30, 1000, 50},
		{3, "Relevanz für die Netzwerkarbeit", 25, 1000, 50},
		{4, "Präsentation", 20, 1000, 50},
	}
	if diff := cmp.Diff(want, criterionRows(jury.Rubric)); diff != "" {
		t.Errorf("cohort rubric (-want +got):\n%s", diff)
	}
	for _, c := range jury.Rubric {
		if c.CohortID == nil || *c.CohortID != g.cohort.ID || c.CourseID != nil {
			t.Errorf("criterion %d belongs to course %v, cohort %v", c.ID, c.CourseID, c.CohortID)
		}
	}
	if n := g.countAudit(t, "jury.scoring_opened"); n != 1 {
		t.Errorf("%d jury.scoring_opened events, want 1", n)
	}
}
