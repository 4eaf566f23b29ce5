package services

import (
	"context"
	"slices"
	"strings"

	"gorm.io/gorm"

	"kohorte/models"
	"kohorte/services/roster"
)

// StatusCounts counts enrollments by their status. One enrollment is one
// person's place in one cohort, so across cohorts a person who took part
// twice counts twice; Statistics.People counts people instead.
type StatusCounts struct {
	Enrolled, Completed, NotPassed, Withdrawn int64
}

// Started counts every enrollment whatever its status: everyone who began,
// including those who withdrew. Funders count this.
func (c StatusCounts) Started() int64 {
	return c.Enrolled + c.Completed + c.NotPassed + c.Withdrawn
}

// Holding counts the enrollments that hold a place: all but the withdrawn.
func (c StatusCounts) Holding() int64 { return c.Started() - c.Withdrawn }

// ByStatus returns the counts keyed by status code, as the API names them.
func (c StatusCounts) ByStatus() map[string]int64 {
	return map[string]int64{
		string(models.EnrollmentEnrolled): c.Enrolled, string(models.EnrollmentCompleted): c.Completed,
		string(models.EnrollmentNotPassed): c.NotPassed, string(models.EnrollmentWithdrawn): c.Withdrawn,
	}
}

func (c *StatusCounts) add(status string, n int64) {
	switch models.EnrollmentStatus(status) {
	case models.EnrollmentEnrolled:
		c.Enrolled += n
	case models.EnrollmentCompleted:
		c.Completed += n
	case models.EnrollmentNotPassed:
		c.NotPassed += n
	case models.EnrollmentWithdrawn:
		c.Withdrawn += n
	}
}

// GroupCounts is the status breakdown of one federal state or network type;
// Code "" holds the people without one.
type GroupCounts struct {
	Code string
	StatusCounts
}

// Statistics counts the enrollments of one cohort, or of all cohorts, by
// status, and each federal state and network type by status too, so that
// every row adds up to its total. The unit is the enrollment throughout;
// People alone counts distinct persons.
type Statistics struct {
	Total          StatusCounts
	ByFederalState []GroupCounts
	ByNetworkType  []GroupCounts
	// People counts the distinct persons who started: someone in two
	// cohorts counts once. Within one cohort it equals Total.Started().
	People int64
	// FederalStates counts the distinct federal states of those who
	// started, without "not given": the "from 7 states" of a report.
	FederalStates int
	// CohortName names the cohort counted; "" when all were.
	CohortName string
}

// CohortStatistics counts one cohort; cohortID 0 counts all cohorts.
func (s *Cohorts) CohortStatistics(ctx context.Context, actor Actor, cohortID uint) (Statistics, error) {
	if !actor.IsStaff() {
		return Statistics{}, ErrForbidden
	}
	db := s.db.WithContext(ctx)
	var cohort models.Cohort
	if cohortID != 0 {
		if err := db.Select("id", "name").Take(&cohort, cohortID).Error; err != nil {
			return Statistics{}, notFoundAs(err, "cohort", cohortID)
		}
	}
	st, err := countCohort(db, cohortID)
	st.CohortName = cohort.Name
	return st, err
}

type statisticsRow struct {
	Status, State, Network string
	N                      int64
}

// countCohort counts one cohort, or all for cohortID 0, from the read model
// that triggers keep in step with every enrollment and participant change
// (models.migrateStatistics): a few hundred rows at most whatever the size
// of the data, and the breakdowns are summed from one set of rows, so they
// cannot disagree. Within one cohort a person has one enrollment, so the
// people are the enrollments; across cohorts they are counted apart.
func countCohort(db *gorm.DB, cohortID uint) (Statistics, error) {
	var rows []statisticsRow
	err := db.Table("statistics_counts").
		Select("status, federal_state AS state, network_type AS network, n").
		Where("cohort_id = ? AND n <> 0", cohortID).Scan(&rows).Error
	if err != nil {
		return Statistics{}, err
	}
	st := sumStatistics(rows)
	if cohortID != 0 {
		st.People = st.Total.Started()
		return st, nil
	}
	err = db.Table("statistics_people").Select("n").Where("id = 1").Scan(&st.People).Error
	return st, err
}

// recountCohort counts as countCohort does, straight from enrollments and
// participants. It is the definition the read model must agree with.
func recountCohort(db *gorm.DB, cohortID uint) (Statistics, error) {
	scope := func() *gorm.DB {
		q := db.Table("enrollments")
		if cohortID != 0 {
			q = q.Where("enrollments.cohort_id = ?", cohortID)
		}
		return q
	}
	var rows []statisticsRow
	err := scope().Joins("JOIN participants ON participants.id = enrollments.participant_id").
		Select("enrollments.status AS status, participants.federal_state AS state, participants.network_type AS network, COUNT(*) AS n").
		Group("enrollments.status, participants.federal_state, participants.network_type").Scan(&rows).Error
	if err != nil {
		return Statistics{}, err
	}
	st := sumStatistics(rows)
	err = scope().Select("COUNT(DISTINCT enrollments.participant_id)").Scan(&st.People).Error
	return st, err
}

func sumStatistics(rows []statisticsRow) Statistics {
	var st Statistics
	states := map[string]*StatusCounts{}
	networks := map[string]*StatusCounts{}
	for _, r := range rows {
		st.Total.add(r.Status, r.N)
		groupOf(states, r.State).add(r.Status, r.N)
		groupOf(networks, r.Network).add(r.Status, r.N)
	}
	st.ByFederalState = sortedGroups(states)
	st.ByNetworkType = sortedGroups(networks)
	for _, g := range st.ByFederalState {
		if g.Code != "" {
			st.FederalStates++
		}
	}
	return st
}

func groupOf(m map[string]*StatusCounts, code string) *StatusCounts {
	if m[code] == nil {
		m[code] = &StatusCounts{}
	}
	return m[code]
}

// sortedGroups orders groups largest first, then by code; "not given" comes
// last, because it says least.
func sortedGroups(m map[string]*StatusCounts) []GroupCounts {
	out := make([]GroupCounts, 0, len(m))
	for code, c := range m {
		out = append(out, GroupCounts{Code: code, StatusCounts: *c})
	}
	slices.SortFunc(out, func(a, b GroupCounts) int {
		if (a.Code == "") != (b.Code == "") {
			if a.Code == "" {
				return 1
			}
			return -1
		}
		if a.Started() != b.Started() {
			return int(b.Started() - a.Started())
		}
		return strings.Compare(a.Code, b.Code)
	})
	return out
}

// Table returns the statistics as one table for export: the total first,
// named by the cohort or by allCohorts, then federal states, then network
// types.
func (s Statistics) Table(allCohorts string) roster.StatisticsTable {
	scope := s.CohortName
	if scope == "" {
		scope = allCohorts
	}
	t := roster.StatisticsTable{Scope: scope, People: s.People, FederalStates: s.FederalStates}
	t.Rows = append(t.Rows, statisticsRowOf(roster.BreakdownTotal, "", s.Total))
	for _, g := range s.ByFederalState {
		t.Rows = append(t.Rows, statisticsRowOf(roster.BreakdownFederalState, g.Code, g.StatusCounts))
	}
	for _, g := range s.ByNetworkType {
		t.Rows = append(t.Rows, statisticsRowOf(roster.BreakdownNetworkType, g.Code, g.StatusCounts))
	}
	return t
}

func statisticsRowOf(breakdown, code string, c StatusCounts) roster.StatisticsRow {
	return roster.StatisticsRow{Breakdown: breakdown, Code: code,
		Enrolled: c.Enrolled, Completed: c.Completed, NotPassed: c.NotPassed, Withdrawn: c.Withdrawn}
}
