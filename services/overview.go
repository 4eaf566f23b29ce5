package services

import (
	"context"

	"gorm.io/gorm"

	"kohorte/models"
)

// CohortOverview is everything the cohort page shows, read at one moment.
// Sessions, attendance rates, project groups and certificates join it as
// they are built: each as one more field, read by a fixed number of
// queries in Overview, whatever the cohort's size.
type CohortOverview struct {
	Cohort models.Cohort // with its course
	// Enrollments is the page of the cohort's list that the filter asks
	// for, with the participants; Matching counts all that match.
	Enrollments []models.Enrollment
	Matching    int64
	Statistics  Statistics
}

// Overview reads what the cohort page needs in one read transaction and
// nine queries: the cohort and its course (2), one page of its list (3)
// and its numbers (4).
func (s *Cohorts) Overview(ctx context.Context, actor Actor, id uint, f EnrollmentFilter) (CohortOverview, error) {
	if !actor.IsStaff() {
		return CohortOverview{}, ErrForbidden
	}
	var o CohortOverview
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		if o.Cohort, err = findCohort(tx, id); err != nil {
			return err
		}
		if o.Enrollments, o.Matching, err = enrollmentPage(tx, id, f); err != nil {
			return err
		}
		o.Statistics, err = countCohort(tx, id)
		return err
	})
	return o, err
}
