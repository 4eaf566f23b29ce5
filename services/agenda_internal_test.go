package services

import (
	"testing"

	"kohorte/models"
)

// TestDueOfAtItsEdges: a cohort is due to start on its first day, due to
// complete the day after its last, and asks to be filled from thirty days
// ahead while a place is free.
func TestDueOfAtItsEdges(t *testing.T) {
	t.Parallel()
	today := models.NewDate(2026, 12, 2)
	cohort := func(status models.CohortStatus, start, end, enrolled int) models.Cohort {
		return models.Cohort{Status: status, StartDate: today.AddDays(start), EndDate: today.AddDays(end), Capacity: 16, EnrolledCount: enrolled}
	}
	for name, tc := range map[string]struct {
		cohort models.Cohort
		due    Due
		days   int
	}{
		"running, ends today":         {cohort(models.CohortRunning, -80, 0, 16), DueNothing, 0},
		"running, ended yesterday":    {cohort(models.CohortRunning, -80, -1, 16), DueComplete, 1},
		"planned, starts today":       {cohort(models.CohortPlanned, 0, 84, 16), DueStart, 0},
		"planned, began 3 days ago":   {cohort(models.CohortPlanned, -3, 84, 3), DueStart, 3},
		"planned, in 30 days, free":   {cohort(models.CohortPlanned, 30, 114, 15), DueFill, 30},
		"planned, in 30 days, full":   {cohort(models.CohortPlanned, 30, 114, 16), DueNothing, 30},
		"planned, in 31 days, free":   {cohort(models.CohortPlanned, 31, 115, 0), DueNothing, 31},
		"planned across a DST change": {cohort(models.CohortPlanned, 150, 234, 0), DueNothing, 150},
	} {
		got := dueOf(tc.cohort, today)
		if got.Due != tc.due || got.Days != tc.days {
			t.Errorf("%s: due %q in %d days, want %q in %d", name, got.Due, got.Days, tc.due, tc.days)
		}
	}
}
