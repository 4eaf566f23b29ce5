package services_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kohorte/services"
)

// TestResultsListEachJurorsSheetPerGroup: the staff results page shows,
// per group, every appointed juror with their sheet's state and share,
// conflicted jurors marked, and who released the results.
func TestResultsListEachJurorsSheetPerGroup(t *testing.T) {
	t.Parallel()
	j := newJuryEnv(t)
	svc, _ := j.services(t)
	j.scoreAll(t, svc)
	ctx := context.Background()
	r, err := svc.Results.Cohort(ctx, j.admin, j.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Name       string
		Conflicted bool
		State      services.SheetState
		HasSheet   bool
		Tenths     int
	}
	got := map[string][]row{}
	for _, g := range r.Groups {
		for _, js := range g.Jurors {
			got[g.Group.Name] = append(got[g.Group.Name], row{js.Name, js.Conflicted, js.State, js.SheetID != 0, js.ShareTenths})
		}
	}
	// Shares as scoreAll works them out; juror 3's sheet for group 2 is
	// there but conflicted; group 4 has juror 1's draft only.
	want := map[string][]row{
		"Gruppe 1": {{"Jurorin 1", false, services.SheetSubmitted, true, 800}, {"Jurorin 2", false, services.SheetSubmitted, true, 900},
			{"Jurorin 3", false, services.SheetSubmitted, true, 700}},
		"Gruppe 2": {{"Jurorin 1", false, services.SheetSubmitted, true, 518}, {"Jurorin 2", false, services.SheetSubmitted, true, 481},
			{"Jurorin 3", true, services.SheetSubmitted, true, 1000}},
		"Gruppe 3": {{"Jurorin 1", false, services.SheetSubmitted, true, 400}, {"Jurorin 2", false, services.SheetSubmitted, true, 362},
			{"Jurorin 3", false, services.SheetSubmitted, true, 100}},
		"Gruppe 4": {{"Jurorin 1", false, services.SheetDraft, true, 0}, {"Jurorin 2", false, services.SheetEmpty, false, 0},
			{"Jurorin 3", false, services.SheetEmpty, false, 0}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("jurors per group (-want +got):\n%s", diff)
	}
	if r.ReleasedBy != "" {
		t.Errorf("before the release: released by %q", r.ReleasedBy)
	}
	if _, err := svc.Results.Release(ctx, j.admin, j.cohort.ID, "Gruppe 4 fehlt"); err != nil {
		t.Fatal(err)
	}
	if r, err = svc.Results.Cohort(ctx, j.admin, j.cohort.ID); err != nil {
		t.Fatal(err)
	}
	member := j.participantActor(t, j.members[j.groups[0].ID][0])
	mine, err := svc.Results.Mine(ctx, member)
	if err != nil || len(mine) != 1 || !mine[0].Released {
		t.Fatalf("member's results: %+v, %v", mine, err)
	}
	if mine[0].Result.Jurors != nil {
		t.Errorf("a member sees each juror's sheet: %+v", mine[0].Result.Jurors)
	}
	if r.ReleasedBy != "Administrator" || r.Jury.ReleaseReason != "Gruppe 4 fehlt" {
		t.Errorf("released by %q with reason %q, want Administrator and Gruppe 4 fehlt", r.ReleasedBy, r.Jury.ReleaseReason)
	}
}
