package services

import (
	"context"

	"gorm.io/gorm"

	"kohorte/models"
)

// GroupCandidate is one enrollment of a cohort as the page that sets a
// group's members offers it: the person, whether they withdrew, and the
// group they are in now, if any.
type GroupCandidate struct {
	EnrollmentID uint
	FirstName    string
	LastName     string
	Withdrawn    bool
	GroupID      *uint
	GroupName    string
}

// GroupPlanning is what staff plan a cohort's groups with: its groups and
// their members, the sessions a group can present at, and everyone
// enrolled, by last name, with their group.
type GroupPlanning struct {
	CohortGroups
	Sessions []models.CohortSession
	People   []GroupCandidate
}

// Planning reads a cohort's groups, sessions and people in one read
// transaction and five statements, whatever their number.
func (s *Groups) Planning(ctx context.Context, actor Actor, cohortID uint) (GroupPlanning, error) {
	if !actor.IsStaff() {
		return GroupPlanning{}, ErrForbidden
	}
	var out GroupPlanning
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		if out.Cohort, err = findCohort(tx, cohortID); err != nil {
			return err
		}
		var gs []models.ProjectGroup
		if err := tx.Where("cohort_id = ?", cohortID).Order("name, id").Find(&gs).Error; err != nil {
			return err
		}
		if out.Groups, err = withMembers(tx, gs); err != nil {
			return err
		}
		if out.Sessions, err = sessionsOf(tx, cohortID); err != nil {
			return err
		}
		out.People, err = groupCandidates(tx, cohortID)
		return err
	})
	return out, err
}

func groupCandidates(tx *gorm.DB, cohortID uint) ([]GroupCandidate, error) {
	var rows []struct {
		ID        uint
		FirstName string
		LastName  string
		Status    models.EnrollmentStatus
		GroupID   *uint
		GroupName *string
	}
	err := tx.Table("enrollments AS e").
		Select("e.id, p.first_name, p.last_name, e.status, g.id AS group_id, g.name AS group_name").
		Joins("JOIN participants AS p ON p.id = e.participant_id").
		Joins("LEFT JOIN group_members AS m ON m.enrollment_id = e.id").
		Joins("LEFT JOIN project_groups AS g ON g.id = m.group_id").
		Where("e.cohort_id = ?", cohortID).Order("e.sort_name, e.id").Scan(&rows).Error
	out := make([]GroupCandidate, len(rows))
	for i, r := range rows {
		out[i] = GroupCandidate{EnrollmentID: r.ID, FirstName: r.FirstName, LastName: r.LastName,
			Withdrawn: r.Status == models.EnrollmentWithdrawn, GroupID: r.GroupID}
		if r.GroupName != nil {
			out[i].GroupName = *r.GroupName
		}
	}
	return out, err
}
