package services

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"kohorte/models"
)

// Jury appoints a cohort's jurors, records their conflicts of interest,
// keeps the jury's settings and opens scoring.
type Jury struct {
	db  *gorm.DB
	now func() time.Time
}

// Bounds of the jury's settings and texts.
const (
	maxConflictReason  = 1000
	defaultSpreadLimit = 20
)

// JurorView is an appointed juror.
type JurorView struct {
	UserID      uint
	DisplayName string
	Email       string
	Status      models.UserStatus
	// Submitted counts the sheets the juror has submitted in the cohort.
	Submitted int
}

// ConflictView is one conflict of interest.
type ConflictView struct {
	GroupID      uint
	GroupName    string
	UserID       uint
	JurorName    string
	Reason       string
	DeclaredByID uint
	// SelfDeclared is set when the juror declared it.
	SelfDeclared bool
	CreatedAt    time.Time
}

// CohortJuryView is everything the jury page of a cohort shows.
type CohortJuryView struct {
	Cohort   models.Cohort
	Settings models.CohortJury
	Jurors   []JurorView
	// Candidates are the active juror accounts not yet appointed.
	Candidates []models.User
	Groups     []models.ProjectGroup
	Conflicts  []ConflictView
	// Rubric is the cohort's frozen copy once scoring is open, and the
	// course's rubric before.
	Rubric []models.RubricCriterion
}

// ScoringOpen reports whether the cohort's scoring has opened.
func (v CohortJuryView) ScoringOpen() bool { return v.Settings.ScoringOpenAt != nil }

// defaultJury is the settings of a cohort that has no row yet.
func defaultJury(cohortID uint) models.CohortJury {
	return models.CohortJury{CohortID: cohortID, Aggregation: models.AggregateMean, SpreadLimit: defaultSpreadLimit}
}

// juryOf reads a cohort's settings, or the defaults when it has none yet.
func juryOf(tx *gorm.DB, cohortID uint) (models.CohortJury, bool, error) {
	var j models.CohortJury
	err := tx.Take(&j, "cohort_id = ?", cohortID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return defaultJury(cohortID), false, nil
	}
	return j, err == nil, err
}

// GetJury returns a cohort's jury: settings, jurors, conflicts and rubric.
func (s *Jury) GetJury(ctx context.Context, actor Actor, cohortID uint) (CohortJuryView, error) {
	if !actor.IsStaff() {
		return CohortJuryView{}, ErrForbidden
	}
	var v CohortJuryView
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		if v.Cohort, err = findCohort(tx, cohortID); err != nil {
			return err
		}
		if v.Settings, _, err = juryOf(tx, cohortID); err != nil {
			return err
		}
		if v.Jurors, err = jurorsOf(tx, cohortID); err != nil {
			return err
		}
		if v.Candidates, err = jurorCandidates(tx, cohortID); err != nil {
			return err
		}
		if err := tx.Where("cohort_id = ?", cohortID).Order("name, id").Find(&v.Groups).Error; err != nil {
			return err
		}
		if v.Conflicts, err = conflictsOf(tx, cohortID); err != nil {
			return err
		}
		v.Rubric, err = rubricFor(tx, v.Cohort, v.ScoringOpen())
		return err
	})
	return v, err
}

func rubricFor(tx *gorm.DB, c models.Cohort, open bool) ([]models.RubricCriterion, error) {
	if !open {
		return courseCriteria(tx, c.CourseID)
	}
	var cs []models.RubricCriterion
	err := tx.Where("cohort_id = ?", c.ID).Order("position, id").Find(&cs).Error
	return cs, err
}

func jurorsOf(tx *gorm.DB, cohortID uint) ([]JurorView, error) {
	var out []JurorView
	err := tx.Table("jurors AS j").
		Select(`j.user_id, u.display_name, u.email, u.status,
			(SELECT COUNT(*) FROM score_sheets AS s JOIN project_groups AS g ON g.id = s.group_id
			 WHERE g.cohort_id = j.cohort_id AND s.juror_id = j.user_id AND s.submitted_at IS NOT NULL) AS submitted`).
		Joins("JOIN users AS u ON u.id = j.user_id").
		Where("j.cohort_id = ?", cohortID).Order("u.display_name, u.id").Scan(&out).Error
	return out, err
}

func jurorCandidates(tx *gorm.DB, cohortID uint) ([]models.User, error) {
	var us []models.User
	err := tx.Select("id, email, display_name, role, status").
		Where("role = ? AND status = ?", models.RoleJuror, models.UserActive).
		Where("id NOT IN (?)", tx.Model(&models.Juror{}).Select("user_id").Where("cohort_id = ?", cohortID)).
		Order("display_name, id").Find(&us).Error
	return us, err
}

func conflictsOf(tx *gorm.DB, cohortID uint) ([]ConflictView, error) {
	var out []ConflictView
	err := tx.Table("jury_conflicts AS c").
		Select("c.group_id, g.name AS group_name, c.user_id, u.display_name AS juror_name, c.reason, c.declared_by_id, c.created_at").
		Joins("JOIN project_groups AS g ON g.id = c.group_id").
		Joins("JOIN users AS u ON u.id = c.user_id").
		Where("g.cohort_id = ?", cohortID).Order("g.name, u.display_name, c.id").Scan(&out).Error
	for i := range out {
		out[i].SelfDeclared = out[i].DeclaredByID == out[i].UserID
	}
	return out, err
}

// JurySettingsPatch changes some of a cohort's jury settings; nil leaves
// one as it is.
type JurySettingsPatch struct {
	Aggregation    *string
	SpreadLimit    *int
	ShowJurorNames *bool
}

// UpdateSettings changes a cohort's jury settings, creating them with the
// defaults first (mean, 20 percentage points, no juror names).
func (s *Jury) UpdateSettings(ctx context.Context, actor Actor, cohortID uint, p JurySettingsPatch) (models.CohortJury, error) {
	if !actor.IsStaff() {
		return models.CohortJury{}, ErrForbidden
	}
	verr := &ValidationError{}
	if p.Aggregation != nil && *p.Aggregation != string(models.AggregateMean) && *p.Aggregation != string(models.AggregateMedian) {
		verr.Add("aggregation", CodeNotOneOf, "allowed", "mean, median")
	}
	if p.SpreadLimit != nil && (*p.SpreadLimit < 1 || *p.SpreadLimit > 100) {
		verr.Add("spread_limit", CodeOutOfRange, "min", 1, "max", 100)
	}
	if err := verr.Err(); err != nil {
		return models.CohortJury{}, err
	}
	var j models.CohortJury
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		if j, err = s.lockJury(tx, cohortID); err != nil {
			return err
		}
		before := jurySnapshot(j)
		if p.Aggregation != nil {
			j.Aggregation = models.Aggregation(*p.Aggregation)
		}
		set(&j.SpreadLimit, p.SpreadLimit)
		set(&j.ShowJurorNames, p.ShowJurorNames)
		err = tx.Model(&j).Select("aggregation", "spread_limit", "show_juror_names", "updated_at").Updates(&j).Error
		if err != nil {
			return err
		}
		return record(tx, actor, "jury.settings_updated", "cohort", cohortID, before, jurySnapshot(j))
	})
	return j, err
}

// lockJury locks a changeable cohort and returns its jury row, created
// with the defaults on first use.
func (s *Jury) lockJury(tx *gorm.DB, cohortID uint) (models.CohortJury, error) {
	if _, _, err := changeableCohort(tx, cohortID); err != nil {
		return models.CohortJury{}, err
	}
	j, exists, err := juryOf(tx, cohortID)
	if err != nil || exists {
		return j, err
	}
	j.UpdatedAt = s.now().UTC()
	return j, tx.Create(&j).Error
}

// AppointJuror appoints an active account with the role juror to a cohort.
func (s *Jury) AppointJuror(ctx context.Context, actor Actor, cohortID, userID uint) (JurorView, error) {
	if !actor.IsStaff() {
		return JurorView{}, ErrForbidden
	}
	var out JurorView
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		if _, _, err := changeableCohort(tx, cohortID); err != nil {
			return err
		}
		var u models.User
		if err := tx.Take(&u, userID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return invalid("user_id", CodeJuryNotJuror)
			}
			return err
		}
		if u.Role != models.RoleJuror || u.Status != models.UserActive {
			return invalid("user_id", CodeJuryNotJuror)
		}
		var n int64
		if err := tx.Model(&models.Juror{}).Where("cohort_id = ? AND user_id = ?", cohortID, userID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return refuse(ErrConflict, CodeJuryJurorExists)
		}
		j := models.Juror{CohortID: cohortID, UserID: userID, AppointedByID: actor.UserID}
		if err := tx.Create(&j).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return refuse(ErrConflict, CodeJuryJurorExists)
			}
			return err
		}
		out = JurorView{UserID: u.ID, DisplayName: u.DisplayName, Email: u.Email, Status: u.Status}
		return record(tx, actor, "jury.juror_appointed", "cohort", cohortID, nil, map[string]any{"user_id": userID})
	})
	return out, err
}

// RemoveJuror ends a juror's appointment, unless they have submitted a
// sheet in the cohort: a submitted sheet is part of the results.
func (s *Jury) RemoveJuror(ctx context.Context, actor Actor, cohortID, userID uint) error {
	if !actor.IsStaff() {
		return ErrForbidden
	}
	return inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		if _, _, err := changeableCohort(tx, cohortID); err != nil {
			return err
		}
		var j models.Juror
		if err := tx.Take(&j, "cohort_id = ? AND user_id = ?", cohortID, userID).Error; err != nil {
			return notFoundAs(err, "juror", userID)
		}
		var sheets int64
		err := tx.Model(&models.ScoreSheet{}).
			Where("juror_id = ? AND submitted_at IS NOT NULL", userID).
			Where("group_id IN (?)", tx.Model(&models.ProjectGroup{}).Select("id").Where("cohort_id = ?", cohortID)).
			Count(&sheets).Error
		if err != nil {
			return err
		}
		if sheets > 0 {
			return refuse(ErrInvalidAction, CodeJuryJurorHasSheets, "sheets", sheets)
		}
		if err := tx.Delete(&j).Error; err != nil {
			return err
		}
		return record(tx, actor, "jury.juror_removed", "cohort", cohortID, map[string]any{"user_id": userID}, nil)
	})
}

// AddConflict records, as staff, that a juror of the group's cohort has a
// conflict of interest with the group, with the reason.
func (s *Jury) AddConflict(ctx context.Context, actor Actor, groupID, userID uint, reason string) (ConflictView, error) {
	if !actor.IsStaff() {
		return ConflictView{}, ErrForbidden
	}
	r, err := conflictReason(reason, true)
	if err != nil {
		return ConflictView{}, err
	}
	return s.addConflict(ctx, actor, groupID, userID, r, func(tx *gorm.DB, g models.ProjectGroup) error {
		if appointed, err := isJuror(tx, g.CohortID, userID); err != nil || appointed {
			return err
		}
		return invalid("user_id", CodeJuryNotAppointed)
	})
}

// GroupInCohort finds group groupID among cohort cohortID's groups, or
// says it is not found: a page of one cohort acts on an id from its form,
// which must never reach another cohort's group.
func (s *Jury) GroupInCohort(ctx context.Context, actor Actor, cohortID, groupID uint) error {
	if !actor.IsStaff() {
		return ErrForbidden
	}
	var n int64
	err := s.db.WithContext(ctx).Model(&models.ProjectGroup{}).
		Where("id = ? AND cohort_id = ?", groupID, cohortID).Count(&n).Error
	if err == nil && n == 0 {
		return notFound("group", groupID)
	}
	return err
}

// DeclareConflict lets a juror declare their own conflict of interest with
// a group of a cohort they are appointed to. For any other group it is not
// found, as the juror may not know it exists.
func (s *Jury) DeclareConflict(ctx context.Context, actor Actor, groupID uint, reason string) (ConflictView, error) {
	return s.declareConflict(ctx, actor, groupID, reason, func(models.ProjectGroup) bool { return true })
}

// DeclareConflictIn is DeclareConflict from the page of cohort cohortID:
// a group of another cohort is not found there, even one the juror scores.
func (s *Jury) DeclareConflictIn(ctx context.Context, actor Actor, cohortID, groupID uint, reason string) (ConflictView, error) {
	return s.declareConflict(ctx, actor, groupID, reason, func(g models.ProjectGroup) bool { return g.CohortID == cohortID })
}

func (s *Jury) declareConflict(ctx context.Context, actor Actor, groupID uint, reason string, inScope func(models.ProjectGroup) bool) (ConflictView, error) {
	if !actor.Is(models.RoleJuror) {
		return ConflictView{}, ErrForbidden
	}
	r, err := conflictReason(reason, false)
	if err != nil {
		return ConflictView{}, err
	}
	return s.addConflict(ctx, actor, groupID, actor.UserID, r, func(tx *gorm.DB, g models.ProjectGroup) error {
		if !inScope(g) {
			return notFound("group", groupID)
		}
		if appointed, err := isJuror(tx, g.CohortID, actor.UserID); err != nil || appointed {
			return err
		}
		return notFound("group", groupID)
	})
}

func conflictReason(raw string, required bool) (string, error) {
	r := strings.TrimSpace(raw)
	verr := &ValidationError{}
	switch {
	case r == "" && required:
		verr.Add("reason", CodeRequired)
	case len([]rune(r)) > maxConflictReason:
		verr.Add("reason", CodeTooLong, "max", maxConflictReason)
	case ParagraphCode(r) != "":
		verr.Add("reason", ParagraphCode(r))
	}
	return r, verr.Err()
}

func isJuror(tx *gorm.DB, cohortID, userID uint) (bool, error) {
	var n int64
	err := tx.Model(&models.Juror{}).Where("cohort_id = ? AND user_id = ?", cohortID, userID).Count(&n).Error
	return n > 0, err
}

func (s *Jury) addConflict(ctx context.Context, actor Actor, groupID, userID uint, reason string,
	allowed func(*gorm.DB, models.ProjectGroup) error) (ConflictView, error) {
	var out ConflictView
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var g models.ProjectGroup
		if err := tx.Take(&g, groupID).Error; err != nil {
			return notFoundAs(err, "group", groupID)
		}
		if err := allowed(tx, g); err != nil {
			return err
		}
		if _, _, err := changeableCohort(tx, g.CohortID); err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&models.JuryConflict{}).Where("group_id = ? AND user_id = ?", groupID, userID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return refuse(ErrConflict, CodeJuryConflictExists)
		}
		c := models.JuryConflict{GroupID: groupID, UserID: userID, Reason: reason, DeclaredByID: actor.UserID,
			CreatedAt: s.now().UTC().Truncate(time.Microsecond)}
		if err := tx.Create(&c).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return refuse(ErrConflict, CodeJuryConflictExists)
			}
			return err
		}
		out = ConflictView{GroupID: groupID, GroupName: g.Name, UserID: userID, Reason: reason,
			DeclaredByID: actor.UserID, SelfDeclared: actor.UserID == userID, CreatedAt: c.CreatedAt}
		return record(tx, actor, "jury.conflict_added", "group", groupID, nil,
			map[string]any{"user_id": userID, "reason": reason, "declared_by_id": actor.UserID})
	})
	return out, err
}

// RemoveConflict deletes a conflict of interest; only staff may, so that a
// juror cannot take back a declaration to score a group after all.
func (s *Jury) RemoveConflict(ctx context.Context, actor Actor, groupID, userID uint) error {
	if !actor.IsStaff() {
		return ErrForbidden
	}
	return inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		if _, err := lockGroup(tx, groupID); err != nil {
			return err
		}
		var c models.JuryConflict
		if err := tx.Take(&c, "group_id = ? AND user_id = ?", groupID, userID).Error; err != nil {
			return notFoundAs(err, "conflict", userID)
		}
		if err := tx.Delete(&c).Error; err != nil {
			return err
		}
		return record(tx, actor, "jury.conflict_removed", "group", groupID,
			map[string]any{"user_id": userID, "reason": c.Reason, "declared_by_id": c.DeclaredByID}, nil)
	})
}

// OpenScoring copies the course's rubric into the cohort, where it stays
// frozen, and opens scoring, all in one transaction. It needs criteria,
// groups and jurors, and opens only once.
func (s *Jury) OpenScoring(ctx context.Context, actor Actor, cohortID uint) (models.CohortJury, error) {
	if !actor.IsStaff() {
		return models.CohortJury{}, ErrForbidden
	}
	var j models.CohortJury
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		if j, err = s.lockJury(tx, cohortID); err != nil {
			return err
		}
		if j.ScoringOpenAt != nil {
			return refuse(ErrInvalidAction, CodeJuryScoringOpen)
		}
		cohort, err := findCohort(tx, cohortID)
		if err != nil {
			return err
		}
		criteria, err := courseCriteria(tx, cohort.CourseID)
		if err != nil {
			return err
		}
		if err := readyToOpen(tx, cohortID, len(criteria)); err != nil {
			return err
		}
		if err := copyRubric(tx, cohortID, criteria); err != nil {
			return err
		}
		now := s.now().UTC().Truncate(time.Microsecond)
		j.ScoringOpenAt = &now
		if err := tx.Model(&j).Select("scoring_open_at", "updated_at").Updates(&j).Error; err != nil {
			return err
		}
		return record(tx, actor, "jury.scoring_opened", "cohort", cohortID, nil,
			map[string]any{"scoring_open_at": now.Format(time.RFC3339), "rubric": rubricSnapshot(criteria)})
	})
	return j, err
}

// readyToOpen refuses to open scoring without criteria, groups or jurors.
func readyToOpen(tx *gorm.DB, cohortID uint, criteria int) error {
	if criteria == 0 {
		return refuse(ErrInvalidAction, CodeJuryNoCriteria)
	}
	var groups, jurors int64
	if err := tx.Model(&models.ProjectGroup{}).Where("cohort_id = ?", cohortID).Count(&groups).Error; err != nil {
		return err
	}
	if groups == 0 {
		return refuse(ErrInvalidAction, CodeJuryNoGroups)
	}
	if err := tx.Model(&models.Juror{}).Where("cohort_id = ?", cohortID).Count(&jurors).Error; err != nil {
		return err
	}
	if jurors == 0 {
		return refuse(ErrInvalidAction, CodeJuryNoJurors)
	}
	return nil
}

func copyRubric(tx *gorm.DB, cohortID uint, criteria []models.RubricCriterion) error {
	rows := make([]models.RubricCriterion, len(criteria))
	for i, c := range criteria {
		rows[i] = models.RubricCriterion{CohortID: &cohortID, Position: c.Position, Name: c.Name,
			Description: c.Description, Weight: c.Weight, MaxPoints: c.MaxPoints, Step: c.Step}
	}
	return tx.Create(&rows).Error
}

func jurySnapshot(j models.CohortJury) map[string]any {
	return map[string]any{"aggregation": j.Aggregation, "spread_limit": j.SpreadLimit,
		"show_juror_names": j.ShowJurorNames}
}
