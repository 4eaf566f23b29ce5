package services_test

import (
	"context"
	"testing"

	"kohorte/models"
	"kohorte/services"
)

// TestDemoTakesFrühjahr2023FromGroupsToCertificates: the demo's 2023
// cohort has four groups of four, three jurors with one conflict (Arne
// Petersen and Gruppe Ost), so 4 × 3 − 1 = 11 sheets, all submitted and
// released, and certificates for everyone who passed. The shares follow
// demoPoints (percent = 40 + (23·group + 7·juror + 11·criterion) mod 56 of
// 10 points, down to the step of 0.5) with the default rubric's weights
// 25/30/25/20, worked out by hand:
//
//	Nord: 54 %, 60 %, 67.75 %    → mean 60.58 % → 605 tenths
//	Ost:  65.25 %, —, 64.25 %   → mean 64.75 % → 647
//	Süd:  57.75 %, 63.75 %, 57.75 % → 59.75 % → 597
//	West: 66.25 %, 74 %, 68 %    → 69.42 %      → 694
func TestDemoTakesFrühjahr2023FromGroupsToCertificates(t *testing.T) {
	t.Parallel()
	c := newEnv(t)
	ctx := context.Background()
	res, err := c.svc.LoadDemo(ctx, c.admin, services.DemoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cohorts, err := c.svc.Cohorts.ListCohorts(ctx, c.admin, services.CohortFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var cohortID uint
	for _, co := range cohorts {
		if co.Name == "Frühjahr 2023" {
			cohortID = co.ID
		}
	}
	groups, err := c.svc.Groups.ListGroups(ctx, c.admin, cohortID)
	if err != nil {
		t.Fatal(err)
	}
	if len(groups.Groups) != 4 {
		t.Fatalf("%d groups, want 4", len(groups.Groups))
	}
	for _, g := range groups.Groups {
		if len(g.Members) != 4 || g.SessionID == nil || g.ProjectTitle == "" {
			t.Errorf("group %s: %d members, session %v, title %q; want 4 members presenting on a closing day with a title",
				g.Name, len(g.Members), g.SessionID, g.ProjectTitle)
		}
	}
	results, err := c.svc.Results.Cohort(ctx, c.admin, cohortID)
	if err != nil {
		t.Fatal(err)
	}
	if !results.Released() || results.Expected != 11 || results.Submitted != 11 {
		t.Fatalf("released %v, %d of %d sheets in; want released, 11 of 11", results.Released(), results.Submitted, results.Expected)
	}
	want := map[string]struct{ tenths, rank int }{"Gruppe Nord": {605, 3}, "Gruppe Ost": {647, 2}, "Gruppe Süd": {597, 4}, "Gruppe West": {694, 1}}
	for _, g := range results.Groups {
		w := want[g.Group.Name]
		if g.ResultTenths != w.tenths || g.Rank != w.rank || !g.Passed || g.Disputed {
			t.Errorf("%s: %d tenths, rank %d, passed %v, disputed %v; want %d, rank %d, passed, not disputed",
				g.Group.Name, g.ResultTenths, g.Rank, g.Passed, g.Disputed, w.tenths, w.rank)
		}
	}
	docs, total, err := c.svc.Documents.List(ctx, c.admin, services.DocumentFilter{CohortID: cohortID, Kind: models.KindCertificate})
	if err != nil {
		t.Fatal(err)
	}
	var completed int64
	if err := c.db.Model(&models.Enrollment{}).Where("cohort_id = ? AND status = ?", cohortID, models.EnrollmentCompleted).Count(&completed).Error; err != nil {
		t.Fatal(err)
	}
	if res.Certificates == 0 || int64(res.Certificates) != total || total != completed {
		t.Fatalf("demo issued %d certificates, the register lists %d, %d people completed; want the same, above 0", res.Certificates, total, completed)
	}
	for _, d := range docs {
		if d.Status != services.DocumentValid || d.Cohort != "Frühjahr 2023" {
			t.Errorf("certificate %s of %s: %s in %q; want valid, Frühjahr 2023", d.Number, d.Holder, d.Status, d.Cohort)
		}
	}
}
