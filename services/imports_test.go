package services_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"kohorte/models"
	"kohorte/services"
	"kohorte/services/roster"
)

func sheetOf(t testing.TB, csv string) *roster.Sheet {
	t.Helper()
	sh, err := roster.Parse(strings.NewReader(csv), "liste.csv", roster.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

const goodList = "Vorname;Nachname;E-Mail;Organisation;Bundesland\n" +
	"Zoë;Ćosić-Şahin;zoe@example.org;MINT-Region Saar;Saarland\n" +
	"Jürgen;Müller;jm@example.org;Bildungsbüro;BY\n" +
	"Ayşe;Yılmaz;ay@example.org;;Niedersachsen\n"

func TestImportPreviewThenCommit(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 16)
	ctx := context.Background()
	existing, err := c.svc.Participants.CreateParticipant(ctx, c.admin, services.ParticipantInput{FirstName: "Jürgen", LastName: "Müller", Email: "JM@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	sheet := sheetOf(t, goodList)
	p, err := c.svc.Enrollments.PreviewImport(ctx, c.admin, c.cohort.ID, sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !p.OK() {
		t.Fatalf("preview is not OK: %+v", p)
	}
	if p.New != 2 {
		t.Fatalf("preview counts %d new, want 2: %+v", p.New, p)
	}
	if p.Existing != 1 {
		t.Fatalf("preview counts %d existing, want 1: %+v", p.Existing, p)
	}
	if p.Rows[1].Outcome != services.RowExisting {
		t.Fatalf("preview row 2 outcome %v, want existing", p.Rows[1].Outcome)
	}
	if p.Rows[1].ParticipantID != existing.ID {
		t.Fatalf("preview row 2 is participant %d, want %d", p.Rows[1].ParticipantID, existing.ID)
	}
	var before int64
	c.db.Model(&models.Participant{}).Count(&before)
	if before != 1 {
		t.Fatalf("the preview wrote %d participants", before-1)
	}
	res, err := c.svc.Enrollments.CommitImport(ctx, c.admin, c.cohort.ID, sheet)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 2 {
		t.Fatalf("result %+v: %d created, want 2", res, res.Created)
	}
	if res.Enrolled != 3 {
		t.Fatalf("result %+v: %d enrolled, want 3", res, res.Enrolled)
	}
	if n := c.enrolledCount(t); n != 3 {
		t.Fatalf("counter %d after the import, want 3", n)
	}
	for _, audited := range []struct {
		action string
		want   int64
	}{{"enrollment.created", 3}, {"participant.created", 3}, {"cohort.imported", 1}} {
		if n := c.countAudit(t, audited.action); n != audited.want {
			t.Fatalf("import not audited per participant, enrollment and import: %d %s, want %d", n, audited.action, audited.want)
		}
	}
	again, err := c.svc.Enrollments.CommitImport(ctx, c.admin, c.cohort.ID, sheet)
	if err != nil {
		t.Fatalf("importing the same list again: %v", err)
	}
	if again.Enrolled != 0 {
		t.Fatalf("importing the same list again enrolled %d, want 0", again.Enrolled)
	}
	if again.Skipped != 3 {
		t.Fatalf("importing the same list again skipped %d, want 3", again.Skipped)
	}
}

func TestImportWithBadRowsChangesNothing(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 16)
	ctx := context.Background()
	sheet := sheetOf(t, goodList+"Max;;max@example;;Bayernn\nZoe;C;zoe@example.org;;\n")
	_, err := c.svc.Enrollments.CommitImport(ctx, c.admin, c.cohort.ID, sheet)
	var ierr *services.ImportError
	if !errors.As(err, &ierr) {
		t.Fatalf("commit with bad rows: %v, want an *ImportError", err)
	}
	if errors.Is(err, services.ErrConflict) {
		t.Fatalf("commit with bad rows: %v is a conflict", err)
	}
	// Row 5: no last name, a broken address, an unknown state; row 6 repeats row 2's address.
	want := []string{`row 5, column "Nachname"`, `row 5, column "E-Mail"`, `row 5, column "Bundesland"`, `row 6, column "E-Mail"`}
	var got []string
	for _, r := range ierr.Preview.Rows {
		for _, ce := range r.Errors {
			got = append(got, ce.Error())
		}
	}
	if len(got) != len(want) {
		t.Fatalf("errors %q, want %d", got, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i], w) {
			t.Errorf("error %d = %q, want it to start with %q", i, got[i], w)
		}
	}
	var n int64
	c.db.Model(&models.Participant{}).Count(&n)
	if n != 0 {
		t.Fatalf("a refused import left %d participants", n)
	}
	if count := c.enrolledCount(t); count != 0 {
		t.Fatalf("a refused import left the counter at %d", count)
	}
}

func TestImportBeyondCapacityIsRefusedWhole(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 2)
	_, err := c.svc.Enrollments.CommitImport(context.Background(), c.admin, c.cohort.ID, sheetOf(t, goodList))
	var ierr *services.ImportError
	if !errors.As(err, &ierr) {
		t.Fatalf("import of 3 into 2 places: %v, want an *ImportError", err)
	}
	if !errors.Is(err, services.ErrConflict) {
		t.Fatalf("import of 3 into 2 places: %v, want a conflict", err)
	}
	if p := ierr.Preview.Problem; p == nil || !strings.Contains(p.Message(), "only 2 places are free") {
		t.Fatalf("import of 3 into 2 places: problem %v does not say only 2 places are free", p)
	}
	if got := services.CodeOf(err); got != services.CodeImportTooFewPlaces {
		t.Errorf("code %s, want %s", got, services.CodeImportTooFewPlaces)
	}
	if c.enrolledCount(t) != 0 {
		t.Fatal("a refused import took places")
	}
}

func bigList(n int, tag string) string {
	var b strings.Builder
	b.WriteString("Vorname;Nachname;E-Mail;Organisation;Netzwerk;Bundesland\n")
	states := []string{"NI", "Bremen", "HH", "Saarland", "Bayern", "NW", "SH"}
	for i := range n {
		fmt.Fprintf(&b, "Person;Nr. %05d;person%d.%s@example.org;Netzwerk %d;MINT-Region;%s\n", i, i, tag, i%40, states[i%len(states)])
	}
	return b.String()
}

func TestImportTenThousandRows(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 10,000 rows")
	}
	t.Parallel()
	c := newCohortEnv(t, 10000)
	res, err := c.svc.Enrollments.CommitImport(context.Background(), c.admin, c.cohort.ID, sheetOf(t, bigList(10000, "a")))
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if res.Created != 10000 {
		t.Fatalf("import: %d created, want 10000", res.Created)
	}
	if res.Enrolled != 10000 {
		t.Fatalf("import: %d enrolled, want 10000", res.Enrolled)
	}
	if n := c.enrolledCount(t); n != 10000 {
		t.Fatalf("import: counter %d, want 10000", n)
	}
}

// BenchmarkImport10k parses and imports 10,000 new people into a fresh
// cohort each round; run it against PostgreSQL with KOHORTE_TEST_DATABASE_URL.
func BenchmarkImport10k(b *testing.B) {
	c := newCohortEnv(b, 10)
	course := c.cohort.CourseID
	round := 0
	for b.Loop() {
		b.StopTimer()
		round++
		cohort, err := c.svc.Cohorts.CreateCohort(context.Background(), c.admin, course,
			services.CohortInput{Name: fmt.Sprintf("Runde %d", round), StartDate: models.NewDate(2027, 3, 3), Capacity: 10000})
		if err != nil {
			b.Fatal(err)
		}
		list := bigList(10000, fmt.Sprint(round))
		b.StartTimer()
		sheet, err := roster.Parse(strings.NewReader(list), "liste.csv", roster.Limits{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.svc.Enrollments.CommitImport(context.Background(), c.admin, cohort.ID, sheet); err != nil {
			b.Fatal(err)
		}
	}
}

// plannerRows is how many rows the planner believes participants holds:
// -1 on PostgreSQL and 0 on SQLite until statistics were gathered.
func plannerRows(t *testing.T, c *cohortEnv) int64 {
	t.Helper()
	var n int64
	if models.EngineFor(c.db) == models.Postgres {
		if err := c.db.Raw("SELECT reltuples::bigint FROM pg_class WHERE oid = 'participants'::regclass").Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	var stat string
	err := c.db.Raw("SELECT stat FROM sqlite_stat1 WHERE tbl = 'participants' LIMIT 1").Scan(&stat).Error
	if err != nil || stat == "" {
		return 0 // no sqlite_stat1 yet: never analysed
	}
	fmt.Sscan(stat, &n)
	return n
}

// A large import makes the database gather statistics on what it grew, as
// autovacuum would only later: plans made before would treat the tables
// as nearly empty.
func TestALargeImportGathersStatistics(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 1500)
	ctx := context.Background()
	small := sheetOf(t, goodList)
	if _, err := c.svc.Enrollments.CommitImport(ctx, c.admin, c.cohort.ID, small); err != nil {
		t.Fatal(err)
	}
	if n := plannerRows(t, c); n > 0 {
		t.Errorf("after importing 3 people the planner counts %d: a small import analysed", n)
	}
	var b strings.Builder
	b.WriteString("Vorname;Nachname;E-Mail\n")
	for i := range 1000 {
		fmt.Fprintf(&b, "Person;Nr. %04d;p%d@example.org\n", i, i)
	}
	if _, err := c.svc.Enrollments.CommitImport(ctx, c.admin, c.cohort.ID, sheetOf(t, b.String())); err != nil {
		t.Fatal(err)
	}
	if n := plannerRows(t, c); n != 1003 {
		t.Errorf("after importing 1,003 people the planner counts %d", n)
	}
}
