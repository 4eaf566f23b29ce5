package services

import (
	"context"

	"gorm.io/gorm"

	"kohorte/models"
)

// Statistics counts participants of one cohort, or of all cohorts.
type Statistics struct {
	// Enrollments by status: enrolled, completed, not_passed, withdrawn.
	ByStatus map[string]int64
	// Participants holding a place (not withdrawn), by federal state code
	// and by network type; "" counts those without one.
	ByFederalState map[string]int64
	ByNetworkType  map[string]int64
	// Participants is the number of distinct people holding a place.
	Participants int64
}

type countRow struct {
	K string
	N int64
}

// CohortStatistics counts one cohort; cohortID 0 counts all cohorts.
func (s *Cohorts) CohortStatistics(ctx context.Context, actor Actor, cohortID uint) (Statistics, error) {
	if !actor.IsStaff() {
		return Statistics{}, ErrForbidden
	}
	db := s.db.WithContext(ctx)
	if cohortID != 0 {
		if err := db.Select("id").Take(&models.Cohort{}, cohortID).Error; err != nil {
			return Statistics{}, notFoundAs(err, "cohort", cohortID)
		}
	}
	return countCohort(db, cohortID)
}

// countCohort counts one cohort, or all for cohortID 0, in four queries.
func countCohort(db *gorm.DB, cohortID uint) (Statistics, error) {
	scope := func() *gorm.DB {
		q := db.Table("enrollments")
		if cohortID != 0 {
			q = q.Where("enrollments.cohort_id = ?", cohortID)
		}
		return q
	}
	placed := func() *gorm.DB {
		return scope().Joins("JOIN participants ON participants.id = enrollments.participant_id").
			Where("enrollments.status <> ?", models.EnrollmentWithdrawn)
	}
	var st Statistics
	var err error
	if st.ByStatus, err = countBy(scope(), "enrollments.status"); err != nil {
		return st, err
	}
	// A person in two cohorts counts once overall.
	if st.ByFederalState, err = countBy(placed(), "participants.federal_state", "COUNT(DISTINCT participants.id)"); err != nil {
		return st, err
	}
	if st.ByNetworkType, err = countBy(placed(), "participants.network_type", "COUNT(DISTINCT participants.id)"); err != nil {
		return st, err
	}
	err = placed().Select("COUNT(DISTINCT participants.id)").Scan(&st.Participants).Error
	return st, err
}

func countBy(q *gorm.DB, column string, count ...string) (map[string]int64, error) {
	agg := "COUNT(*)"
	if len(count) > 0 {
		agg = count[0]
	}
	var rows []countRow
	if err := q.Select(column + " AS k, " + agg + " AS n").Group(column).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.K] = r.N
	}
	return out, nil
}
