package services

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"kohorte/models"
)

// Groups manages a cohort's project groups and their members.
type Groups struct {
	db *gorm.DB
}

// Maximum lengths of a group's texts, as the columns hold them.
const (
	maxGroupName    = 120
	maxGroupTitle   = 300
	maxGroupSummary = 5000
	// maxGroupMembers bounds one call that sets a group's members.
	maxGroupMembers = 50
)

// GroupInput is what staff set on a group. SessionID nil means the group
// has no presenting session yet.
type GroupInput struct {
	Name         string
	ProjectTitle string
	Summary      string
	SessionID    *uint
}

// GroupPatch changes some fields of a group; nil leaves one as it is. A
// ClearSession removes the presenting session.
type GroupPatch struct {
	Name         *string
	ProjectTitle *string
	Summary      *string
	SessionID    *uint
	ClearSession bool
}

func (p GroupPatch) over(g models.ProjectGroup) GroupInput {
	in := GroupInput{Name: g.Name, ProjectTitle: g.ProjectTitle, Summary: g.Summary, SessionID: g.SessionID}
	set(&in.Name, p.Name)
	set(&in.ProjectTitle, p.ProjectTitle)
	set(&in.Summary, p.Summary)
	if p.SessionID != nil {
		in.SessionID = p.SessionID
	}
	if p.ClearSession {
		in.SessionID = nil
	}
	return in
}

// GroupMemberView is one member of a group as lists show them. Withdrawn
// members stay in the group's history but leave its scoring.
type GroupMemberView struct {
	EnrollmentID  uint
	ParticipantID uint
	FirstName     string
	LastName      string
	Withdrawn     bool
}

// Name is the member's full name.
func (m GroupMemberView) Name() string { return m.FirstName + " " + m.LastName }

// GroupView is a group with its members, by last name.
type GroupView struct {
	models.ProjectGroup
	Members []GroupMemberView
}

// CohortGroups is a cohort with its groups, by name.
type CohortGroups struct {
	Cohort models.Cohort
	Groups []GroupView
}

// apply checks in against the cohort's sessions and sets it on g.
func (in GroupInput) apply(tx *gorm.DB, g *models.ProjectGroup) error {
	verr := &ValidationError{}
	g.Name = requireText(verr, "name", in.Name, maxGroupName)
	g.ProjectTitle = optionalText(verr, "project_title", in.ProjectTitle, maxGroupTitle)
	g.Summary = optionalParagraph(verr, "summary", in.Summary, maxGroupSummary)
	g.SessionID = in.SessionID
	if in.SessionID != nil {
		var n int64
		err := tx.Model(&models.CohortSession{}).Where("id = ? AND cohort_id = ?", *in.SessionID, g.CohortID).Count(&n).Error
		if err != nil {
			return err
		}
		if n == 0 {
			verr.Add("session_id", CodeGroupSessionNotInCohort, "id", *in.SessionID)
		}
	}
	if len(verr.Fields) == 0 {
		if err := checkGroupName(tx, g); err != nil {
			return err
		}
	}
	return verr.Err()
}

// checkGroupName refuses a name another group of the cohort has; the
// unique index stays the last line for two requests at once.
func checkGroupName(tx *gorm.DB, g *models.ProjectGroup) error {
	var n int64
	err := tx.Model(&models.ProjectGroup{}).Where("cohort_id = ? AND name = ? AND id <> ?", g.CohortID, g.Name, g.ID).
		Count(&n).Error
	if err == nil && n > 0 {
		return invalid("name", CodeGroupNameTaken)
	}
	return err
}

func optionalParagraph(verr *ValidationError, field, raw string, max int) string {
	switch {
	case len([]rune(raw)) > max:
		verr.Add(field, CodeTooLong, "max", max)
	case ParagraphCode(raw) != "":
		verr.Add(field, ParagraphCode(raw))
	}
	return raw
}

// nameTaken maps the unique index's violation to the refusal the check
// before it gives.
func nameTaken(err error) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return invalid("name", CodeGroupNameTaken)
	}
	return err
}

// ListGroups returns a cohort with its groups and their members, in three
// statements whatever the number of groups.
func (s *Groups) ListGroups(ctx context.Context, actor Actor, cohortID uint) (CohortGroups, error) {
	if !actor.IsStaff() {
		return CohortGroups{}, ErrForbidden
	}
	var out CohortGroups
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		if out.Cohort, err = findCohort(tx, cohortID); err != nil {
			return err
		}
		var gs []models.ProjectGroup
		if err := tx.Where("cohort_id = ?", cohortID).Order("name, id").Find(&gs).Error; err != nil {
			return err
		}
		out.Groups, err = withMembers(tx, gs)
		return err
	})
	return out, err
}

// withMembers reads the members of every group in gs in one statement.
func withMembers(tx *gorm.DB, gs []models.ProjectGroup) ([]GroupView, error) {
	views := make([]GroupView, len(gs))
	index := make(map[uint]int, len(gs))
	ids := make([]uint, len(gs))
	for i, g := range gs {
		views[i].ProjectGroup, index[g.ID], ids[i] = g, i, g.ID
	}
	if len(gs) == 0 {
		return views, nil
	}
	var rows []struct {
		GroupID       uint
		EnrollmentID  uint
		ParticipantID uint
		FirstName     string
		LastName      string
		Status        models.EnrollmentStatus
	}
	err := tx.Table("group_members AS m").
		Select("m.group_id, m.enrollment_id, e.participant_id, p.first_name, p.last_name, e.status").
		Joins("JOIN enrollments AS e ON e.id = m.enrollment_id").
		Joins("JOIN participants AS p ON p.id = e.participant_id").
		Where("m.group_id IN ?", ids).Order("p.sort_name, m.enrollment_id").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		m := GroupMemberView{EnrollmentID: r.EnrollmentID, ParticipantID: r.ParticipantID, FirstName: r.FirstName,
			LastName: r.LastName, Withdrawn: r.Status == models.EnrollmentWithdrawn}
		v := &views[index[r.GroupID]]
		v.Members = append(v.Members, m)
	}
	return views, nil
}

// GetGroup returns one group with its members.
func (s *Groups) GetGroup(ctx context.Context, actor Actor, id uint) (GroupView, error) {
	if !actor.IsStaff() {
		return GroupView{}, ErrForbidden
	}
	var out GroupView
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		out, err = groupView(tx, id)
		return err
	})
	return out, err
}

func groupView(tx *gorm.DB, id uint) (GroupView, error) {
	var g models.ProjectGroup
	if err := tx.Take(&g, id).Error; err != nil {
		return GroupView{}, notFoundAs(err, "group", id)
	}
	views, err := withMembers(tx, []models.ProjectGroup{g})
	if err != nil {
		return GroupView{}, err
	}
	return views[0], nil
}

// CreateGroup adds a group to a cohort that is not archived.
func (s *Groups) CreateGroup(ctx context.Context, actor Actor, cohortID uint, in GroupInput) (models.ProjectGroup, error) {
	if !actor.IsStaff() {
		return models.ProjectGroup{}, ErrForbidden
	}
	g := models.ProjectGroup{CohortID: cohortID}
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		if _, _, err := changeableCohort(tx, cohortID); err != nil {
			return err
		}
		if err := in.apply(tx, &g); err != nil {
			return err
		}
		if err := tx.Create(&g).Error; err != nil {
			return nameTaken(err)
		}
		return record(tx, actor, "group.created", "group", g.ID, nil, groupSnapshot(g))
	})
	return g, err
}

// PatchGroup changes the fields p sets.
func (s *Groups) PatchGroup(ctx context.Context, actor Actor, id uint, p GroupPatch) (models.ProjectGroup, error) {
	if !actor.IsStaff() {
		return models.ProjectGroup{}, ErrForbidden
	}
	var g models.ProjectGroup
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		if g, err = lockGroup(tx, id); err != nil {
			return err
		}
		before := groupSnapshot(g)
		if err := p.over(g).apply(tx, &g); err != nil {
			return err
		}
		err = tx.Model(&g).Select("name", "project_title", "summary", "session_id", "updated_at").Updates(&g).Error
		if err != nil {
			return nameTaken(err)
		}
		return record(tx, actor, "group.updated", "group", g.ID, before, groupSnapshot(g))
	})
	return g, err
}

// lockGroup reads a group after locking its cohort, which orders every
// change to the cohort's groups, and refuses one of an archived cohort.
func lockGroup(tx *gorm.DB, id uint) (models.ProjectGroup, error) {
	var g models.ProjectGroup
	if err := tx.Take(&g, id).Error; err != nil {
		return g, notFoundAs(err, "group", id)
	}
	if _, _, err := changeableCohort(tx, g.CohortID); err != nil {
		return g, err
	}
	err := tx.Take(&g, id).Error
	return g, notFoundAs(err, "group", id)
}

// DeleteGroup removes a group, its members and its conflicts of interest,
// unless a juror has begun a score sheet for it.
func (s *Groups) DeleteGroup(ctx context.Context, actor Actor, id uint) error {
	if !actor.IsStaff() {
		return ErrForbidden
	}
	return inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		g, err := lockGroup(tx, id)
		if err != nil {
			return err
		}
		var sheets int64
		if err := tx.Model(&models.ScoreSheet{}).Where("group_id = ?", id).Count(&sheets).Error; err != nil {
			return err
		}
		if sheets > 0 {
			return refuse(ErrInvalidAction, CodeGroupHasSheets, "sheets", sheets)
		}
		view, err := groupView(tx, id)
		if err != nil {
			return err
		}
		if err := tx.Delete(&models.ProjectGroup{}, id).Error; err != nil {
			return err
		}
		before := groupSnapshot(g)
		before["enrollment_ids"] = memberIDs(view.Members)
		return record(tx, actor, "group.deleted", "group", id, before, nil)
	})
}

// SetMembers makes the enrollments the members of a group, replacing the
// ones before. Each must be an enrollment of the group's cohort that is
// not withdrawn and not in another group; every refusal names the person.
func (s *Groups) SetMembers(ctx context.Context, actor Actor, id uint, enrollmentIDs []uint) (GroupView, error) {
	if !actor.IsStaff() {
		return GroupView{}, ErrForbidden
	}
	if len(enrollmentIDs) > maxGroupMembers {
		return GroupView{}, invalid("enrollment_ids", CodeTooMany, "max", maxGroupMembers)
	}
	var out GroupView
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		g, err := lockGroup(tx, id)
		if err != nil {
			return err
		}
		before, err := groupView(tx, id)
		if err != nil {
			return err
		}
		if err := checkMembers(tx, g, enrollmentIDs); err != nil {
			return err
		}
		if err := replaceMembers(tx, id, enrollmentIDs); err != nil {
			return err
		}
		if out, err = groupView(tx, id); err != nil {
			return err
		}
		return record(tx, actor, "group.members_set", "group", id,
			map[string]any{"enrollment_ids": memberIDs(before.Members)},
			map[string]any{"enrollment_ids": memberIDs(out.Members)})
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		// Another request put one of them into a group at the same moment.
		return GroupView{}, s.nameTheTaken(ctx, id, enrollmentIDs)
	}
	return out, err
}

func replaceMembers(tx *gorm.DB, groupID uint, enrollmentIDs []uint) error {
	if err := tx.Where("group_id = ?", groupID).Delete(&models.GroupMember{}).Error; err != nil {
		return err
	}
	if len(enrollmentIDs) == 0 {
		return nil
	}
	rows := make([]models.GroupMember, len(enrollmentIDs))
	for i, e := range enrollmentIDs {
		rows[i] = models.GroupMember{GroupID: groupID, EnrollmentID: e}
	}
	return tx.Create(&rows).Error
}

// memberRow is an enrollment asked for as a member, with its person and
// the group it is in now, if any.
type memberRow struct {
	ID        uint
	CohortID  uint
	Status    models.EnrollmentStatus
	FirstName string
	LastName  string
	GroupID   *uint
	GroupName *string
}

func membersAsked(tx *gorm.DB, ids []uint) (map[uint]memberRow, error) {
	var rows []memberRow
	err := tx.Table("enrollments AS e").
		Select("e.id, e.cohort_id, e.status, p.first_name, p.last_name, g.id AS group_id, g.name AS group_name").
		Joins("JOIN participants AS p ON p.id = e.participant_id").
		Joins("LEFT JOIN group_members AS m ON m.enrollment_id = e.id").
		Joins("LEFT JOIN project_groups AS g ON g.id = m.group_id").
		Where("e.id IN ?", ids).Scan(&rows).Error
	out := make(map[uint]memberRow, len(rows))
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, err
}

// checkMembers names every enrollment that cannot be a member of g.
func checkMembers(tx *gorm.DB, g models.ProjectGroup, ids []uint) error {
	if len(ids) == 0 {
		return nil
	}
	found, err := membersAsked(tx, ids)
	if err != nil {
		return err
	}
	verr := &ValidationError{}
	for i, id := range ids {
		field := fmt.Sprintf("enrollment_ids[%d]", i)
		r, ok := found[id]
		switch {
		case slices.Index(ids, id) < i:
			verr.Add(field, CodeGroupMemberDuplicate, "index", slices.Index(ids, id))
		case !ok || r.CohortID != g.CohortID:
			verr.Add(field, CodeEnrollmentNotInCohort, "id", id)
		case r.Status == models.EnrollmentWithdrawn:
			verr.Add(field, CodeGroupMemberWithdrawn, "name", r.FirstName+" "+r.LastName)
		case r.GroupID != nil && *r.GroupID != g.ID:
			verr.Add(field, CodeGroupMemberInOther, "name", r.FirstName+" "+r.LastName, "group", *r.GroupName)
		}
	}
	return verr.Err()
}

// nameTheTaken is the refusal of a member list that lost a race to the
// unique index, naming the person and the group the other request put
// them in.
func (s *Groups) nameTheTaken(ctx context.Context, groupID uint, ids []uint) error {
	found, err := membersAsked(s.db.WithContext(ctx), ids)
	if err != nil {
		return err
	}
	for i, id := range ids {
		if r := found[id]; r.GroupID != nil && *r.GroupID != groupID {
			return invalid(fmt.Sprintf("enrollment_ids[%d]", i), CodeGroupMemberInOther,
				"name", r.FirstName+" "+r.LastName, "group", *r.GroupName)
		}
	}
	return refuse(ErrConflict, CodeConcurrentChange)
}

func memberIDs(ms []GroupMemberView) []uint {
	ids := make([]uint, len(ms))
	for i, m := range ms {
		ids[i] = m.EnrollmentID
	}
	slices.Sort(ids)
	return ids
}

func groupSnapshot(g models.ProjectGroup) map[string]any {
	return map[string]any{"cohort_id": g.CohortID, "name": g.Name, "project_title": g.ProjectTitle,
		"summary": g.Summary, "session_id": g.SessionID}
}
