package services_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kohorte/models"
	"kohorte/services"
	"kohorte/services/roster"
)

// TestJuryResultsWorkedOutByHand is the key test: four groups, three
// jurors, one conflict, weights and maxima as in testRubric; the numbers
// are worked out in scoreAll's comment.
func TestJuryResultsWorkedOutByHand(t *testing.T) {
	t.Parallel()
	j := newJuryEnv(t)
	svc, _ := j.services(t)
	j.scoreAll(t, svc)
	r, err := svc.Results.Cohort(context.Background(), j.admin, j.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Name                   string
		Pending, Pass, Dispute bool
		Tenths, Rank, Sheets   int
		Spread, Expected       int
	}
	var got []row
	for _, g := range r.Groups {
		got = append(got, row{g.Group.Name, g.Pending, g.Passed, g.Disputed, g.ResultTenths, g.Rank, len(g.Sheets), g.SpreadTenths, g.Expected})
	}
	want := []row{
		{"Gruppe 1", false, true, false, 800, 1, 3, 200, 3},
		{"Gruppe 2", false, true, false, 500, 2, 2, 37, 2}, // 51,875 − 48,125 = 3,75 points
		{"Gruppe 3", false, false, true, 287, 3, 3, 300, 3},
		{"Gruppe 4", true, false, false, 0, 0, 0, 0, 3},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	// Group 2 is exactly at the threshold: 1/2, not a float near it.
	if g := r.Groups[1]; g.Result.RatString() != "1/2" {
		t.Errorf("group 2 result %s, want exactly 1/2", g.Result.RatString())
	}
	// Group 3's mean is 0,2875 = 23/80.
	if g := r.Groups[2]; g.Result.RatString() != "23/80" {
		t.Errorf("group 3 result %s, want 23/80", g.Result.RatString())
	}
	// Per-criterion means of group 1: (8+9+7)/3 = 8, (16+18+14)/3 = 16,
	// (4+4,5+3,5)/3 = 4, (8+9+7)/3 = 8 points.
	var means []int
	for _, c := range r.Groups[0].Criteria {
		means = append(means, c.Hundredths)
	}
	if diff := cmp.Diff([]int{800, 1600, 400, 800}, means); diff != "" {
		t.Errorf("group 1 criterion means (-want +got):\n%s", diff)
	}
	// Owed: 3 jurors × 4 groups − 1 conflict = 11; counted in: 3+2+3 = 8.
	if r.Expected != 11 || r.Submitted != 8 {
		t.Errorf("expected %d submitted %d, want 11 and 8", r.Expected, r.Submitted)
	}
}

// TestJuryMedianTakesTheMiddleShare: with the median, group 3's result is
// its middle share, 36,25 %, and group 2's (two sheets) the mean of both.
func TestJuryMedianTakesTheMiddleShare(t *testing.T) {
	t.Parallel()
	j := newJuryEnv(t)
	if err := j.db.Model(&models.CohortJury{}).Where("cohort_id = ?", j.cohort.ID).Update("aggregation", models.AggregateMedian).Error; err != nil {
		t.Fatal(err)
	}
	svc, _ := j.services(t)
	j.scoreAll(t, svc)
	r, err := svc.Results.Cohort(context.Background(), j.admin, j.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	if g := r.Groups[2]; g.Result.RatString() != "29/80" || g.ResultTenths != 362 || g.Passed {
		t.Errorf("group 3 median %s (%d), passed %v; want 29/80 = 36,2 %%, failed", g.Result.RatString(), g.ResultTenths, g.Passed)
	}
	if g := r.Groups[1]; g.Result.RatString() != "1/2" || !g.Passed {
		t.Errorf("group 2 median %s, passed %v; want 1/2, passed", g.Result.RatString(), g.Passed)
	}
}

// TestJurorSeesOthersScoresOnlyAfterSubmitting: before juror 1 submits
// for group 1, the view holds none of juror 2's sheet; after, it does.
func TestJurorSeesOthersScoresOnlyAfterSubmitting(t *testing.T) {
	t.Parallel()
	j := newJuryEnv(t)
	svc, _ := j.services(t)
	ctx := context.Background()
	j.score(t, svc, 1, 0, "", 9, 18, 4.5, 9)
	if _, err := svc.Scoring.SaveDraft(ctx, j.jurors[0], j.groups[0].ID, services.SheetInput{Points: j.pts(8, 16, 4, 8)}); err != nil {
		t.Fatal(err)
	}
	v, err := svc.Scoring.View(ctx, j.jurors[0], j.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	if g := v.Groups[0]; g.Own.State != services.SheetDraft || len(g.Others) != 0 {
		t.Fatalf("before submitting: own %s, %d other sheets; want a draft and none", g.Own.State, len(g.Others))
	}
	if _, err := svc.Scoring.Submit(ctx, j.jurors[0], j.groups[0].ID); err != nil {
		t.Fatal(err)
	}
	v, err = svc.Scoring.View(ctx, j.jurors[0], j.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	g := v.Groups[0]
	if g.Own.State != services.SheetSubmitted || len(g.Others) != 1 || g.Others[0].Points[j.rubric[1].ID] != 1800 {
		t.Fatalf("after submitting: own %s, others %+v; want juror 2's 18 points", g.Own.State, g.Others)
	}
}

// TestConflictedOrForeignJurorGetsNotFoundAndNothingIsWritten: juror 3
// neither sees nor scores group 2; no juror reaches another cohort.
func TestConflictedOrForeignJurorGetsNotFoundAndNothingIsWritten(t *testing.T) {
	t.Parallel()
	j := newJuryEnv(t)
	svc, _ := j.services(t)
	ctx := context.Background()
	in := services.SheetInput{Points: j.pts(5)}
	cases := []struct {
		name  string
		juror int
		group uint
	}{
		{"conflicted", 2, j.groups[1].ID},
		{"other cohort", 0, j.otherGrp.ID},
		{"no such group", 0, 999999},
	}
	for _, c := range cases {
		if _, err := svc.Scoring.SaveDraft(ctx, j.jurors[c.juror], c.group, in); !errors.Is(err, services.ErrNotFound) {
			t.Errorf("%s: save %v, want not found", c.name, err)
		}
		if _, err := svc.Scoring.Submit(ctx, j.jurors[c.juror], c.group); !errors.Is(err, services.ErrNotFound) {
			t.Errorf("%s: submit %v, want not found", c.name, err)
		}
		if _, err := svc.Scoring.GroupView(ctx, j.jurors[c.juror], c.group); !errors.Is(err, services.ErrNotFound) {
			t.Errorf("%s: view %v, want not found", c.name, err)
		}
	}
	if _, err := svc.Scoring.View(ctx, j.jurors[0], j.other.ID); !errors.Is(err, services.ErrNotFound) {
		t.Errorf("other cohort's view: %v, want not found", err)
	}
	v, err := svc.Scoring.View(ctx, j.jurors[2], j.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range v.Groups {
		if g.Group.ID == j.groups[1].ID {
			t.Error("the conflicted juror sees group 2")
		}
	}
	if n := j.count(t, &models.ScoreSheet{}, "1 = 1"); n != 0 {
		t.Errorf("%d sheets written, want 0", n)
	}
	if n := j.count(t, &models.AuditEvent{}, "object_type = ?", "score_sheet"); n != 0 {
		t.Errorf("%d audit events, want 0", n)
	}
}

// TestDraftRefusals: points outside 0..max or off the step name their
// criterion; an unknown criterion is refused; a closed scoring and a
// submitted sheet refuse drafts; nothing is written by any of them.
func TestDraftRefusals(t *testing.T) {
	t.Parallel()
	j := newJuryEnv(t)
	svc, _ := j.services(t)
	ctx := context.Background()
	g := j.groups[0].ID
	field := func(err error) services.FieldError {
		var verr *services.ValidationError
		if !errors.As(err, &verr) || len(verr.Fields) != 1 {
			t.Fatalf("%v: want one field error", err)
		}
		return verr.Fields[0]
	}
	over := services.PointsEntry{CriterionID: j.rubric[0].ID, Points: 1050}
	f := field(mustFail(svc.Scoring.SaveDraft(ctx, j.jurors[0], g, services.SheetInput{Points: []services.PointsEntry{over}})))
	if f.Code != services.CodeScoreOutOfRange || f.Field != "points[0].points" || f.Message != "the points for Innovationsgrad must be between 0 and 10" {
		t.Errorf("over max: %+v", f)
	}
	off := services.PointsEntry{CriterionID: j.rubric[1].ID, Points: 1550}
	f = field(mustFail(svc.Scoring.SaveDraft(ctx, j.jurors[0], g, services.SheetInput{Points: []services.PointsEntry{off}})))
	if f.Code != services.CodeScoreOffStep || f.Params["criterion"] != "Fachliche Fundierung" || f.Params["step"] != "1" {
		t.Errorf("off step: %+v", f)
	}
	neg := services.PointsEntry{CriterionID: j.rubric[2].ID, Points: -50}
	if f = field(mustFail(svc.Scoring.SaveDraft(ctx, j.jurors[0], g, services.SheetInput{Points: []services.PointsEntry{neg}}))); f.Code != services.CodeScoreOutOfRange {
		t.Errorf("negative: %+v", f)
	}
	unknown := services.PointsEntry{CriterionID: 999999, Points: 100}
	if f = field(mustFail(svc.Scoring.SaveDraft(ctx, j.jurors[0], g, services.SheetInput{Points: []services.PointsEntry{unknown}}))); f.Code != services.CodeScoreUnknownCriterion {
		t.Errorf("unknown criterion: %+v", f)
	}
	_, err := svc.Scoring.Submit(ctx, j.jurors[0], g)
	if services.CodeOf(err) != services.CodeScoreMissing {
		t.Errorf("submit of nothing: %v", err)
	}
	if _, err := svc.Scoring.SaveDraft(ctx, j.jurors[0], g, services.SheetInput{Points: j.pts(8, 16)}); err != nil {
		t.Fatal(err)
	}
	var r *services.Refusal
	if _, err := svc.Scoring.Submit(ctx, j.jurors[0], g); !errors.As(err, &r) || r.Code != services.CodeScoreMissing ||
		r.Params["criteria"] != "Relevanz für die Netzwerkarbeit, Präsentation" {
		t.Errorf("submit with two missing: %v", err)
	}
	j.score(t, svc, 0, 0, "", 8, 16, 4, 8)
	if _, err := svc.Scoring.SaveDraft(ctx, j.jurors[0], g, services.SheetInput{Points: j.pts(1)}); !errors.Is(err, services.ErrScoreSubmitted) {
		t.Errorf("draft on a submitted sheet: %v", err)
	}
	if err := j.db.Model(&models.CohortJury{}).Where("cohort_id = ?", j.cohort.ID).Update("scoring_open_at", nil).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Scoring.SaveDraft(ctx, j.jurors[1], g, services.SheetInput{Points: j.pts(1)}); !errors.Is(err, services.ErrScoreNotOpen) {
		t.Errorf("draft before scoring opens: %v", err)
	}
	// One sheet, saved twice (revisions 1, 2) and submitted (3).
	var sheets []models.ScoreSheet
	if err := j.db.Preload("Scores").Find(&sheets).Error; err != nil {
		t.Fatal(err)
	}
	if len(sheets) != 1 || sheets[0].Revision != 3 || len(sheets[0].Scores) != 4 || sheets[0].SubmittedAt == nil {
		t.Errorf("sheets %+v, want one submitted at revision 3 with 4 scores", sheets)
	}
}

func mustFail[T any](_ T, err error) error { return err }

// TestConcurrentSubmitsLeaveOneConsistentSheetEach: two jurors each
// submitting their sheet twice at the same moment: each sheet is
// submitted once (one success, one score.submitted), at revision 2.
func TestConcurrentSubmitsLeaveOneConsistentSheetEach(t *testing.T) {
	t.Parallel()
	j := newJuryEnv(t)
	svc, _ := j.services(t)
	ctx := context.Background()
	for i := range 2 {
		if _, err := svc.Scoring.SaveDraft(ctx, j.jurors[i], j.groups[0].ID, services.SheetInput{Points: j.pts(8, 16, 4, 8)}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	start := make(chan struct{})
	for k := range 4 {
		wg.Go(func() {
			<-start
			_, errs[k] = svc.Scoring.Submit(ctx, j.jurors[k%2], j.groups[0].ID)
		})
	}
	close(start)
	wg.Wait()
	for juror := range 2 {
		ok, refused := 0, 0
		for k := juror; k < 4; k += 2 {
			switch {
			case errs[k] == nil:
				ok++
			case errors.Is(errs[k], services.ErrScoreSubmitted), errors.Is(errs[k], services.ErrConflict):
				refused++
			default:
				t.Errorf("juror %d: %v", juror+1, errs[k])
			}
		}
		if ok != 1 || refused != 1 {
			t.Errorf("juror %d: %d succeeded, %d refused; want 1 and 1", juror+1, ok, refused)
		}
	}
	var sheets []models.ScoreSheet
	if err := j.db.Preload("Scores").Order("juror_id").Find(&sheets).Error; err != nil {
		t.Fatal(err)
	}
	if len(sheets) != 2 {
		t.Fatalf("%d sheets, want 2", len(sheets))
	}
	for _, sh := range sheets {
		if sh.SubmittedAt == nil || sh.Revision != 2 || len(sh.Scores) != 4 {
			t.Errorf("sheet %+v: want submitted at revision 2 with 4 scores", sh)
		}
	}
	if n := j.count(t, &models.AuditEvent{}, "action = ?", "score_sheet.submitted"); n != 2 {
		t.Errorf("%d submit events, want 2", n)
	}
}

// TestConcurrentFirstDraftsOfOneSheet: two first saves of the same sheet
// at once both succeed and leave one sheet at revision 2: the loser waits
// its turn, or finds the sheet the other created and updates it.
func TestConcurrentFirstDraftsOfOneSheet(t *testing.T) {
	t.Parallel()
	j := newJuryEnv(t)
	svc, _ := j.services(t)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for k := range 2 {
		wg.Go(func() {
			_, errs[k] = svc.Scoring.SaveDraft(context.Background(), j.jurors[0], j.groups[0].ID, services.SheetInput{Points: j.pts(float64(k + 1))})
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Errorf("save: %v", err)
		}
	}
	if n := j.count(t, &models.ScoreSheet{}, "1 = 1"); n != 1 {
		t.Errorf("%d sheets, want 1", n)
	}
	if n := j.count(t, &models.ScoreSheet{}, "revision = 2"); n != 1 {
		t.Errorf("the sheet is not at revision 2 after two saves")
	}
	if n := j.count(t, &models.Score{}, "1 = 1"); n != 1 {
		t.Errorf("%d scores, want 1", n)
	}
}

// TestReopenIsAuditedAndRefusedAfterRelease: staff reopen a submitted
// sheet with a reason, kept with before and after; after the release,
// reopening is refused.
func TestReopenIsAuditedAndRefusedAfterRelease(t *testing.T) {
	t.Parallel()
	j := newJuryEnv(t)
	svc, _ := j.services(t)
	ctx := context.Background()
	j.score(t, svc, 0, 0, "", 8, 16, 4, 8)
	var sheet models.ScoreSheet
	if err := j.db.Take(&sheet).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Scoring.Reopen(ctx, j.jurors[0], sheet.ID, "x"); !errors.Is(err, services.ErrForbidden) {
		t.Errorf("juror reopens: %v", err)
	}
	var verr *services.ValidationError
	if _, err := svc.Scoring.Reopen(ctx, j.admin, sheet.ID, "  "); !errors.As(err, &verr) || verr.Fields[0].Field != "reason" {
		t.Errorf("reopen without reason: %v", err)
	}
	v, err := svc.Scoring.Reopen(ctx, j.admin, sheet.ID, "Tippfehler bei Präsentation")
	if err != nil || v.State != services.SheetDraft || v.Sheet.Revision != 3 {
		t.Fatalf("reopen: %+v, %v", v, err)
	}
	var ev models.AuditEvent
	if err := j.db.Where("action = ?", "score_sheet.reopened").Take(&ev).Error; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ev.Before, `"submitted":true`) || !strings.Contains(ev.After, `"submitted":false`) || !strings.Contains(ev.After, "Tippfehler") {
		t.Errorf("audit before %s after %s", ev.Before, ev.After)
	}
	if _, err := svc.Scoring.Reopen(ctx, j.admin, sheet.ID, "noch einmal"); !errors.Is(err, services.ErrScoreNotSubmitted) {
		t.Errorf("reopen a draft: %v", err)
	}
	j.score(t, svc, 0, 0, "", 8, 16, 4, 8)
	if _, err := svc.Results.Release(ctx, j.admin, j.cohort.ID, "Jury vollständig nach Absprache"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Scoring.Reopen(ctx, j.admin, sheet.ID, "zu spät"); !errors.Is(err, services.ErrScoreReleased) {
		t.Errorf("reopen after release: %v", err)
	}
}

// TestReleaseNeedsEverySheetOrAReason: with 8 of 11 sheets in, a release
// needs a reason naming nothing but the count; with one, it goes, once.
func TestReleaseNeedsEverySheetOrAReason(t *testing.T) {
	t.Parallel()
	j := newJuryEnv(t)
	svc, _ := j.services(t)
	ctx := context.Background()
	j.scoreAll(t, svc)
	_, err := svc.Results.Release(ctx, j.admin, j.cohort.ID, "")
	var verr *services.ValidationError
	if !errors.As(err, &verr) || verr.Fields[0].Code != services.CodeResultsReasonRequired || verr.Fields[0].Params["missing"] != 3 {
		t.Fatalf("release without reason: %v", err)
	}
	if _, err := svc.Results.Release(ctx, j.jurors[0], j.cohort.ID, "x"); !errors.Is(err, services.ErrForbidden) {
		t.Errorf("juror releases: %v", err)
	}
	r, err := svc.Results.Release(ctx, j.admin, j.cohort.ID, "Gruppe 4 hat nicht präsentiert")
	if err != nil || !r.Released() {
		t.Fatalf("release: %v", err)
	}
	if _, err := svc.Results.Release(ctx, j.admin, j.cohort.ID, "nochmal"); !errors.Is(err, services.ErrResultsReleased) {
		t.Errorf("second release: %v", err)
	}
	if n := j.count(t, &models.AuditEvent{}, "action = ? AND object_id = ?", "results.released", strconv.FormatUint(uint64(j.cohort.ID), 10)); n != 1 {
		t.Errorf("%d release events, want 1", n)
	}
}

// TestMembersSeeTheirReleasedResultOnly: a member sees nothing before the
// release; afterwards their own group's result and comments, without
// jurors' names unless the cohort shows them.
func TestMembersSeeTheirReleasedResultOnly(t *testing.T) {
	t.Parallel()
	j := newJuryEnv(t)
	svc, _ := j.services(t)
	ctx := context.Background()
	j.scoreAll(t, svc)
	member := j.participantActor(t, j.members[j.groups[0].ID][0])
	mine, err := svc.Results.Mine(ctx, member)
	if err != nil || len(mine) != 1 || mine[0].Released || len(mine[0].Comments) != 0 || mine[0].Result.Result != nil {
		t.Fatalf("before release: %+v, %v", mine, err)
	}
	if _, err := svc.Results.Release(ctx, j.admin, j.cohort.ID, "Gruppe 4 fehlt"); err != nil {
		t.Fatal(err)
	}
	mine, err = svc.Results.Mine(ctx, member)
	if err != nil || len(mine) != 1 || !mine[0].Released || mine[0].Group.ID != j.groups[0].ID {
		t.Fatalf("after release: %+v, %v", mine, err)
	}
	want := []services.FeedbackComment{{Text: "Sehr überzeugend."}, {Text: "Stark in der Umsetzung."}}
	if diff := cmp.Diff(want, mine[0].Comments); diff != "" || mine[0].Result.ResultTenths != 800 {
		t.Errorf("comments (-want +got):\n%s; result %d", diff, mine[0].Result.ResultTenths)
	}
	if err := j.db.Model(&models.CohortJury{}).Where("cohort_id = ?", j.cohort.ID).Update("show_juror_names", true).Error; err != nil {
		t.Fatal(err)
	}
	mine, _ = svc.Results.Mine(ctx, member)
	if len(mine) != 1 || len(mine[0].Comments) != 2 || mine[0].Comments[0].Juror != "Jurorin 1" {
		t.Errorf("with names: %+v", mine)
	}
	if _, err := svc.Results.Mine(ctx, j.jurors[0]); !errors.Is(err, services.ErrForbidden) {
		t.Errorf("a juror asks for a member's result: %v", err)
	}
}

// TestEligibilityFollowsTheReleasedResult: before the release the jury
// rule is pending (not released); after it, met for group 2 at exactly
// 50 %, not met for group 3, pending for group 4 without a sheet, and for
// a withdrawn member of group 1 "no group".
func TestEligibilityFollowsTheReleasedResult(t *testing.T) {
	t.Parallel()
	j := newJuryEnv(t)
	svc, _ := j.services(t)
	ctx := context.Background()
	j.scoreAll(t, svc)
	withdrawn := j.members[j.groups[0].ID][1]
	if err := j.db.Model(&models.Enrollment{}).Where("id = ?", withdrawn.ID).Update("status", models.EnrollmentWithdrawn).Error; err != nil {
		t.Fatal(err)
	}
	jury := func() map[uint]services.RuleLine {
		g, err := svc.Attendance.Grid(ctx, j.admin, j.cohort.ID)
		if err != nil {
			t.Fatal(err)
		}
		out := map[uint]services.RuleLine{}
		for _, r := range g.Rows {
			for _, l := range r.Eligibility.Lines {
				if l.Rule == services.RuleJury {
					out[r.Enrollment.ID] = l
				}
			}
		}
		return out
	}
	before := jury()
	if l := before[j.members[j.groups[1].ID][0].ID]; l.Reason != services.ReasonJuryNotReleased || l.State != services.RulePending {
		t.Errorf("before release: %+v", l)
	}
	if _, err := svc.Results.Release(ctx, j.admin, j.cohort.ID, "Gruppe 4 fehlt"); err != nil {
		t.Fatal(err)
	}
	after := jury()
	cases := []struct {
		enrollment uint
		want       string
		state      services.RuleState
	}{
		{j.members[j.groups[0].ID][0].ID, "Jury: group result 80.0 % ≥ 50 %: met", services.RuleMet},
		{withdrawn.ID, "Jury: not in a project group: open", services.RulePending},
		{j.members[j.groups[1].ID][1].ID, "Jury: group result 50.0 % ≥ 50 %: met", services.RuleMet},
		{j.members[j.groups[2].ID][0].ID, "Jury: group result 28.7 % < 50 %: not met", services.RuleNotMet},
		{j.members[j.groups[3].ID][0].ID, "Jury: still open", services.RulePending},
	}
	for _, c := range cases {
		l := after[c.enrollment]
		if l.English() != c.want || l.State != c.state {
			t.Errorf("enrollment %d: %q (%s), want %q (%s)", c.enrollment, l.English(), l.State, c.want, c.state)
		}
	}
}

// TestJurorPageAndDraftCostFixedStatements: the juror's view and a draft
// save cost the same number of statements for one scored group as for
// all; the view seven, a save eleven (see their doc comments).
func TestJurorPageAndDraftCostFixedStatements(t *testing.T) {
	t.Parallel()
	j := newJuryEnv(t)
	svc, counter := j.services(t)
	ctx := context.Background()
	measure := func(f func() error) int64 {
		t.Helper()
		counter.n.Store(0)
		if err := f(); err != nil {
			t.Fatal(err)
		}
		return counter.n.Load()
	}
	save := func() error {
		_, err := svc.Scoring.SaveDraft(ctx, j.jurors[0], j.groups[3].ID, services.SheetInput{Points: j.pts(8, 16, 4, 8)})
		return err
	}
	view := func() error { _, err := svc.Scoring.View(ctx, j.jurors[0], j.cohort.ID); return err }
	first, emptyView := measure(save), measure(view)
	j.scoreAll(t, svc)
	again, fullView := measure(save), measure(view)
	if first != again || again != 11 {
		t.Errorf("draft statements: first %d, later %d; want 11 both", first, again)
	}
	if emptyView != fullView || fullView != 7 {
		t.Errorf("view statements: %d with one sheet, %d with all; want 7 both", emptyView, fullView)
	}
}

// TestResultsExportCSVAndXLSX: the CSV holds each counted sheet and each
// group's result line, with German decimals; the workbook opens.
func TestResultsExportCSVAndXLSX(t *testing.T) {
	t.Parallel()
	j := newJuryEnv(t)
	svc, _ := j.services(t)
	j.scoreAll(t, svc)
	_, table, err := svc.Results.ExportTable(context.Background(), j.admin, j.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	var csvOut bytes.Buffer
	if err := roster.WriteResultsCSV(&csvOut, roster.German, table); err != nil {
		t.Fatal(err)
	}
	text := csvOut.String()
	for _, want := range []string{
		"Gruppe;Projekt;Jurorin/Juror;Innovationsgrad;Fachliche Fundierung;Relevanz für die Netzwerkarbeit;Präsentation;Anteil %;Rang;Ergebnis;Abweichung\r\n",
		"Gruppe 1;Projekt 1;Jurorin 2;9;18;4,5;9;90;;;\r\n",
		"Gruppe 2;Projekt 2;Gruppenergebnis;5;10;2,5;5;50;2;bestanden;\r\n",
		"Gruppe 3;Projekt 3;Gruppenergebnis;3,33;5,33;1,17;2,67;28,7;3;nicht bestanden;Jury uneinig\r\n",
		"Gruppe 4;Projekt 4;Gruppenergebnis;;;;;;;ausstehend;\r\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("CSV lacks %q:\n%s", want, text)
		}
	}
	// Juror 3's conflicted sheet for group 2 is not in the export.
	if strings.Contains(text, "Gruppe 2;Projekt 2;Jurorin 3") {
		t.Error("the conflicted sheet is exported")
	}
	var xlsx bytes.Buffer
	if err := roster.WriteResultsXLSX(&xlsx, roster.English, "Frühjahr 2023", table); err != nil || xlsx.Len() < 1000 {
		t.Fatalf("xlsx: %d bytes, %v", xlsx.Len(), err)
	}
}

// TestJurorCohortsCountTheirProgress: each cohort of a juror counts the
// groups they may score and their own drafts and submitted sheets, the
// conflicted group and its sheet left out, in five statements for one
// cohort or two.
func TestJurorCohortsCountTheirProgress(t *testing.T) {
	t.Parallel()
	j := newJuryEnv(t)
	svc, counter := j.services(t)
	ctx := context.Background()
	mine := func(juror int) []services.JurorCohort {
		t.Helper()
		counter.n.Store(0)
		cs, err := svc.Scoring.MyCohorts(ctx, j.jurors[juror])
		if err != nil {
			t.Fatal(err)
		}
		if n := counter.n.Load(); n != 5 {
			t.Errorf("juror %d: %d statements, want 5", juror+1, n)
		}
		return cs
	}
	type progress struct {
		Cohort                    uint
		Groups, Drafts, Submitted int
	}
	got := func(cs []services.JurorCohort) []progress {
		out := make([]progress, len(cs))
		for i, c := range cs {
			out[i] = progress{c.Cohort.ID, c.Groups, c.Drafts, c.Submitted}
		}
		return out
	}
	if p := got(mine(0)); !reflect.DeepEqual(p, []progress{{j.cohort.ID, 4, 0, 0}}) {
		t.Errorf("before scoring: %+v", p)
	}
	j.scoreAll(t, svc)
	j.create(t, &models.Juror{CohortID: j.other.ID, UserID: j.jurors[2].UserID, AppointedByID: j.admin.UserID})
	for _, tc := range []struct {
		juror int
		want  []progress
	}{
		// Juror 1: groups 1 to 3 submitted, a draft of group 4.
		{0, []progress{{j.cohort.ID, 4, 1, 3}}},
		// Juror 3: conflicted with group 2, whose sheet does not count;
		// the autumn cohort (newest first) has one group, not scored.
		{2, []progress{{j.other.ID, 1, 0, 0}, {j.cohort.ID, 3, 0, 2}}},
	} {
		if p := got(mine(tc.juror)); !reflect.DeepEqual(p, tc.want) {
			t.Errorf("juror %d: %+v, want %+v", tc.juror+1, p, tc.want)
		}
	}
}
