package services_test

import (
	"context"
	"testing"

	"kohorte/services"
)

// BenchmarkSaveDraft measures one draft save of a full sheet (eleven
// statements, see TestJurorPageAndDraftCostFixedStatements).
func BenchmarkSaveDraft(b *testing.B) {
	j := newJuryEnv(b)
	svc, _ := j.services(b)
	ctx := context.Background()
	in := services.SheetInput{Comment: "Entwurf", Points: j.pts(8, 16, 4, 8)}
	for b.Loop() {
		if _, err := svc.Scoring.SaveDraft(ctx, j.jurors[0], j.groups[0].ID, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJurorView measures the juror's cohort page read (eight
// statements) with the key test's sheets in place.
func BenchmarkJurorView(b *testing.B) {
	j := newJuryEnv(b)
	svc, _ := j.services(b)
	j.scoreAll(b, svc)
	ctx := context.Background()
	for b.Loop() {
		if _, err := svc.Scoring.View(ctx, j.jurors[0], j.cohort.ID); err != nil {
			b.Fatal(err)
		}
	}
}
