package services

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"kohorte/models"
)

// Scoring lets jurors score the project groups of the cohorts they are
// appointed to, one sheet per group, and staff reopen a submitted sheet.
// It reads groups, rubrics, jurors and conflicts straight from their
// tables and writes only score sheets and scores.
type Scoring struct {
	db  *gorm.DB
	now func() time.Time
}

// MaxSheetComment is the longest comment on a score sheet, in characters.
const MaxSheetComment = 4000

// Refusals of scoring.
var (
	ErrScoreNotOpen      = refuse(ErrInvalidAction, CodeScoreNotOpen)
	ErrScoreSubmitted    = refuse(ErrConflict, CodeScoreSubmitted)
	ErrScoreNotSubmitted = refuse(ErrInvalidAction, CodeScoreNotSubmitted)
	ErrScoreReleased     = refuse(ErrInvalidAction, CodeScoreReleased)
)

// SheetState is where one juror's sheet for one group stands.
type SheetState string

// The states of a sheet: nothing saved yet, a draft, or submitted and locked.
const (
	SheetEmpty     SheetState = "empty"
	SheetDraft     SheetState = "draft"
	SheetSubmitted SheetState = "submitted"
)

// SheetView is one sheet as a juror sees it: its state and its points by
// criterion id, in hundredths. A criterion without points is absent.
type SheetView struct {
	Sheet  models.ScoreSheet
	State  SheetState
	Points map[uint]int
}

func viewOf(sh *models.ScoreSheet) SheetView {
	if sh == nil {
		return SheetView{State: SheetEmpty, Points: map[uint]int{}}
	}
	v := SheetView{Sheet: *sh, State: SheetDraft, Points: make(map[uint]int, len(sh.Scores))}
	if sh.SubmittedAt != nil {
		v.State = SheetSubmitted
	}
	for _, sc := range sh.Scores {
		v.Points[sc.CriterionID] = sc.Points
	}
	return v
}

// GroupScoring is one group a juror may score: their own sheet and, once
// that is submitted, the other jurors' submitted sheets for it.
type GroupScoring struct {
	Group  models.ProjectGroup
	Own    SheetView
	Others []SheetView
}

// JurorScoring is a cohort as one juror sees it: the rubric frozen when
// scoring opened and the groups they may score.
type JurorScoring struct {
	Cohort   models.Cohort
	Open     bool
	Released bool
	Rubric   []models.RubricCriterion
	Groups   []GroupScoring
}

// JurorCohort is one cohort a juror is appointed to. Groups counts the
// groups they may score, conflicted ones left out; Drafts and Submitted
// count their own sheets for those groups by state.
type JurorCohort struct {
	Cohort                    models.Cohort
	Open                      bool
	Released                  bool
	Groups, Drafts, Submitted int
}

// MyCohorts lists the cohorts the actor is appointed to as a juror,
// newest first, with how far they have scored each, in five statements
// whatever the number of cohorts.
func (s *Scoring) MyCohorts(ctx context.Context, actor Actor) ([]JurorCohort, error) {
	if !actor.Is(models.RoleJuror) {
		return nil, ErrForbidden
	}
	var out []JurorCohort
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		appointed := tx.Model(&models.Juror{}).Select("cohort_id").Where("user_id = ?", actor.UserID)
		var cohorts []models.Cohort
		if err := tx.Preload("Course").Where("id IN (?)", appointed).Order("start_date DESC, id DESC").Find(&cohorts).Error; err != nil {
			return err
		}
		var juries []models.CohortJury
		if err := tx.Where("cohort_id IN (?)", appointed).Find(&juries).Error; err != nil {
			return err
		}
		byCohort := make(map[uint]models.CohortJury, len(juries))
		for _, j := range juries {
			byCohort[j.CohortID] = j
		}
		counts, err := jurorProgress(tx, actor.UserID, appointed)
		if err != nil {
			return err
		}
		for _, c := range cohorts {
			j, n := byCohort[c.ID], counts[c.ID]
			out = append(out, JurorCohort{Cohort: c, Open: j.ScoringOpenAt != nil, Released: j.ReleasedAt != nil,
				Groups: n.Groups, Drafts: n.Drafts, Submitted: n.Submitted})
		}
		return nil
	})
	return out, err
}

// jurorProgress counts, per cohort of the appointed subquery, the groups
// the user may score and their own sheets for them by state, in two
// grouped statements.
func jurorProgress(tx *gorm.DB, userID uint, appointed *gorm.DB) (map[uint]JurorCohort, error) {
	conflicted := tx.Model(&models.JuryConflict{}).Select("group_id").Where("user_id = ?", userID)
	var groups []struct {
		CohortID uint
		N        int
	}
	err := tx.Model(&models.ProjectGroup{}).Select("cohort_id, COUNT(*) AS n").
		Where("cohort_id IN (?) AND id NOT IN (?)", appointed, conflicted).
		Group("cohort_id").Scan(&groups).Error
	if err != nil {
		return nil, err
	}
	var sheets []struct {
		CohortID  uint
		Drafts    int
		Submitted int
	}
	err = tx.Table("score_sheets").
		Select("project_groups.cohort_id AS cohort_id, "+
			"SUM(CASE WHEN score_sheets.submitted_at IS NULL THEN 1 ELSE 0 END) AS drafts, "+
			"SUM(CASE WHEN score_sheets.submitted_at IS NULL THEN 0 ELSE 1 END) AS submitted").
		Joins("JOIN project_groups ON project_groups.id = score_sheets.group_id").
		Where("score_sheets.juror_id = ? AND project_groups.cohort_id IN (?) AND score_sheets.group_id NOT IN (?)",
			userID, appointed, conflicted).
		Group("project_groups.cohort_id").Scan(&sheets).Error
	if err != nil {
		return nil, err
	}
	out := make(map[uint]JurorCohort, len(groups))
	for _, g := range groups {
		out[g.CohortID] = JurorCohort{Groups: g.N}
	}
	for _, sh := range sheets {
		n := out[sh.CohortID]
		n.Drafts, n.Submitted = sh.Drafts, sh.Submitted
		out[sh.CohortID] = n
	}
	return out, nil
}

// View reads a cohort as the actor, a juror, sees it, in one read of seven
// statements whatever the number of groups and sheets: the appointment,
// the cohort with its course, the jury's state, the rubric, the groups
// without the conflicted ones, and every sheet of the cohort with its
// scores. A juror not appointed gets not found.
func (s *Scoring) View(ctx context.Context, actor Actor, cohortID uint) (JurorScoring, error) {
	if !actor.Is(models.RoleJuror) {
		return JurorScoring{}, ErrForbidden
	}
	var v JurorScoring
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		v, err = readJurorView(tx, actor.UserID, cohortID, 0)
		return err
	})
	return v, err
}

// GroupView reads one group as its juror sees it: the cohort's view with
// that group alone. A group the juror may not see is not found.
func (s *Scoring) GroupView(ctx context.Context, actor Actor, groupID uint) (JurorScoring, error) {
	if !actor.Is(models.RoleJuror) {
		return JurorScoring{}, ErrForbidden
	}
	var v JurorScoring
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var g models.ProjectGroup
		if err := tx.Take(&g, groupID).Error; err != nil {
			return notFoundAs(err, "group", groupID)
		}
		var err error
		v, err = readJurorView(tx, actor.UserID, g.CohortID, groupID)
		if err == nil && len(v.Groups) == 0 {
			err = notFound("group", groupID)
		}
		return err
	})
	return v, err
}

func readJurorView(tx *gorm.DB, userID, cohortID, onlyGroup uint) (JurorScoring, error) {
	var v JurorScoring
	if err := requireAppointed(tx, userID, cohortID); err != nil {
		return v, err
	}
	var err error
	if v.Cohort, err = findCohort(tx, cohortID); err != nil {
		return v, err
	}
	jury, _, err := juryOf(tx, cohortID)
	if err != nil {
		return v, err
	}
	v.Open, v.Released = jury.ScoringOpenAt != nil, jury.ReleasedAt != nil
	if v.Rubric, err = rubricOf(tx, cohortID); err != nil {
		return v, err
	}
	q := tx.Where("cohort_id = ?", cohortID).
		Where("id NOT IN (?)", tx.Model(&models.JuryConflict{}).Select("group_id").Where("user_id = ?", userID))
	if onlyGroup != 0 {
		q = q.Where("id = ?", onlyGroup)
	}
	var groups []models.ProjectGroup
	if err := q.Order("name, id").Find(&groups).Error; err != nil {
		return v, err
	}
	var sheets []models.ScoreSheet
	err = tx.Preload("Scores").
		Where("group_id IN (?)", tx.Model(&models.ProjectGroup{}).Select("id").Where("cohort_id = ?", cohortID)).
		Order("id").Find(&sheets).Error
	if err != nil {
		return v, err
	}
	v.Groups = layoutGroups(userID, groups, sheets)
	return v, nil
}

// layoutGroups puts each sheet with its group: the juror's own, and the
// others' submitted ones only where the juror's own is submitted, so that
// nobody is swayed before deciding.
func layoutGroups(userID uint, groups []models.ProjectGroup, sheets []models.ScoreSheet) []GroupScoring {
	out := make([]GroupScoring, len(groups))
	at := make(map[uint]int, len(groups))
	for i, g := range groups {
		out[i] = GroupScoring{Group: g, Own: viewOf(nil)}
		at[g.ID] = i
	}
	for i := range sheets {
		if j, ok := at[sheets[i].GroupID]; ok && sheets[i].JurorID == userID {
			out[j].Own = viewOf(&sheets[i])
		}
	}
	for i := range sheets {
		j, ok := at[sheets[i].GroupID]
		if !ok || sheets[i].JurorID == userID || sheets[i].SubmittedAt == nil || out[j].Own.State != SheetSubmitted {
			continue
		}
		out[j].Others = append(out[j].Others, viewOf(&sheets[i]))
	}
	return out
}

// requireAppointed answers not found unless a jurors row appoints the
// user to the cohort: a juror learns nothing of other cohorts.
func requireAppointed(tx *gorm.DB, userID, cohortID uint) error {
	var n int64
	if err := tx.Model(&models.Juror{}).Where("cohort_id = ? AND user_id = ?", cohortID, userID).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return notFound("cohort", cohortID)
	}
	return nil
}

// rubricOf reads a cohort's own copy of the rubric, in its order.
func rubricOf(tx *gorm.DB, cohortID uint) ([]models.RubricCriterion, error) {
	var cs []models.RubricCriterion
	err := tx.Where("cohort_id = ?", cohortID).Order("position, id").Find(&cs).Error
	return cs, err
}

// PointsEntry is the points of one criterion, in hundredths.
type PointsEntry struct {
	CriterionID uint
	Points      int
}

// SheetInput is what a juror saves on a sheet: the points of the criteria
// scored so far and a comment. The sheet's scores become exactly these.
type SheetInput struct {
	Comment string
	Points  []PointsEntry
}

// scoringTarget is a group the actor may score now, with its rubric.
type scoringTarget struct {
	group  models.ProjectGroup
	rubric []models.RubricCriterion
}

// target reads the group and checks, in five statements, that the user is
// appointed to its cohort, has no conflict with it, and that scoring is
// open. Not appointed or conflicted is not found: a juror learns nothing
// of the group.
func target(tx *gorm.DB, userID, groupID uint) (scoringTarget, error) {
	var t scoringTarget
	if err := tx.Take(&t.group, groupID).Error; err != nil {
		return t, notFoundAs(err, "group", groupID)
	}
	if err := requireAppointed(tx, userID, t.group.CohortID); err != nil {
		return t, notFound("group", groupID)
	}
	var n int64
	if err := tx.Model(&models.JuryConflict{}).Where("group_id = ? AND user_id = ?", groupID, userID).Count(&n).Error; err != nil {
		return t, err
	}
	if n > 0 {
		return t, notFound("group", groupID)
	}
	jury, _, err := juryOf(tx, t.group.CohortID)
	if err != nil {
		return t, err
	}
	if jury.ScoringOpenAt == nil {
		return t, ErrScoreNotOpen
	}
	t.rubric, err = rubricOf(tx, t.group.CohortID)
	return t, err
}

// lockSheet reads the user's sheet for a group with its scores, locked
// for the rest of the transaction; nil when there is none yet.
func lockSheet(tx *gorm.DB, groupID, userID uint) (*models.ScoreSheet, error) {
	var sheets []models.ScoreSheet
	err := tx.Clauses(lockForUpdate()).Where("group_id = ? AND juror_id = ?", groupID, userID).Limit(1).Find(&sheets).Error
	if err != nil {
		return nil, err
	}
	// The scores are read by the sheet's key, so that a first save costs
	// as many statements as a later one.
	var scores []models.Score
	err = tx.Where("sheet_id IN (?)", tx.Model(&models.ScoreSheet{}).Select("id").Where("group_id = ? AND juror_id = ?", groupID, userID)).
		Find(&scores).Error
	if err != nil || len(sheets) == 0 {
		return nil, err
	}
	sheets[0].Scores = scores
	return &sheets[0], nil
}

// SaveDraft stores the actor's draft for a group in one transaction of a
// fixed eleven statements: the five checks of target, the sheet locked
// and its scores, the sheet written (revision +1), its scores replaced,
// and the audit event. A submitted sheet is refused; points are checked
// against each criterion's maximum and step, naming the criterion.
func (s *Scoring) SaveDraft(ctx context.Context, actor Actor, groupID uint, in SheetInput) (SheetView, error) {
	if !actor.Is(models.RoleJuror) {
		return SheetView{}, ErrForbidden
	}
	in.Comment = strings.TrimSpace(in.Comment)
	if err := checkComment(in.Comment); err != nil {
		return SheetView{}, err
	}
	out, err := s.saveDraftOnce(ctx, actor, groupID, in)
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		// Two first saves of one sheet at once, as a phone's retry meets
		// its original: the other created the sheet, which this attempt now
		// finds, locks and updates.
		out, err = s.saveDraftOnce(ctx, actor, groupID, in)
	}
	return out, Classify(err)
}

func (s *Scoring) saveDraftOnce(ctx context.Context, actor Actor, groupID uint, in SheetInput) (SheetView, error) {
	var out SheetView
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		t, err := target(tx, actor.UserID, groupID)
		if err != nil {
			return err
		}
		if err := checkSheetPoints(t.rubric, in.Points); err != nil {
			return err
		}
		before, err := lockSheet(tx, groupID, actor.UserID)
		if err != nil {
			return err
		}
		if before != nil && before.SubmittedAt != nil {
			return ErrScoreSubmitted
		}
		sheet, err := s.writeSheet(tx, before, groupID, actor.UserID, in)
		if err != nil {
			return err
		}
		out = viewOf(&sheet)
		return record(tx, actor, "score_sheet.saved", "score_sheet", sheet.ID, sheetAudit(before), sheetAudit(&sheet))
	})
	return out, err
}

// writeSheet writes the sheet and replaces its scores. A new sheet that
// another request created first fails on the unique key; SaveDraft then
// tries once more and finds it.
func (s *Scoring) writeSheet(tx *gorm.DB, before *models.ScoreSheet, groupID, userID uint, in SheetInput) (models.ScoreSheet, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	var sheet models.ScoreSheet
	if before == nil {
		sheet = models.ScoreSheet{GroupID: groupID, JurorID: userID, Comment: in.Comment, Revision: 1, CreatedAt: now, UpdatedAt: now}
		if err := tx.Omit("Scores").Create(&sheet).Error; err != nil {
			return sheet, err
		}
	} else {
		sheet = *before
		sheet.Comment, sheet.Revision, sheet.UpdatedAt, sheet.Scores = in.Comment, before.Revision+1, now, nil
		res := tx.Model(&models.ScoreSheet{}).Where("id = ? AND submitted_at IS NULL", sheet.ID).
			Updates(map[string]any{"comment": sheet.Comment, "revision": gorm.Expr("revision + 1"), "updated_at": now})
		if res.Error != nil {
			return sheet, res.Error
		}
	}
	if err := tx.Where("sheet_id = ?", sheet.ID).Delete(&models.Score{}).Error; err != nil {
		return sheet, err
	}
	for _, p := range in.Points {
		sheet.Scores = append(sheet.Scores, models.Score{SheetID: sheet.ID, CriterionID: p.CriterionID, Points: p.Points})
	}
	if len(sheet.Scores) == 0 {
		return sheet, nil
	}
	return sheet, tx.Create(&sheet.Scores).Error
}

func checkComment(c string) error {
	if utf8.RuneCountInString(c) > MaxSheetComment {
		return invalid("comment", CodeTooLong, "max", MaxSheetComment)
	}
	if code := TextCode(c); code != "" {
		return invalid("comment", code)
	}
	return nil
}

// checkSheetPoints checks every entry against the rubric: a known criterion,
// once, between 0 and its maximum, in its steps.
func checkSheetPoints(rubric []models.RubricCriterion, points []PointsEntry) error {
	byID := make(map[uint]models.RubricCriterion, len(rubric))
	for _, c := range rubric {
		byID[c.ID] = c
	}
	verr := &ValidationError{}
	seen := make(map[uint]bool, len(points))
	for i, p := range points {
		field := fmt.Sprintf("points[%d]", i)
		c, ok := byID[p.CriterionID]
		switch {
		case !ok:
			verr.Add(field+".criterion_id", CodeScoreUnknownCriterion)
		case seen[p.CriterionID]:
			verr.Add(field+".criterion_id", CodeAttendanceDuplicate, "index", i)
		case p.Points < 0 || p.Points > c.MaxPoints:
			verr.Add(field+".points", CodeScoreOutOfRange, "criterion", c.Name, "max", PointsDecimal(c.MaxPoints))
		case c.Step > 0 && p.Points%c.Step != 0:
			verr.Add(field+".points", CodeScoreOffStep, "criterion", c.Name, "step", PointsDecimal(c.Step))
		}
		seen[p.CriterionID] = true
	}
	return verr.Err()
}

// sheetAudit is what the audit log keeps of a sheet: its state and
// points, never a name.
func sheetAudit(sh *models.ScoreSheet) any {
	if sh == nil {
		return nil
	}
	points := make(map[string]int, len(sh.Scores))
	for _, sc := range sh.Scores {
		points[strconv.FormatUint(uint64(sc.CriterionID), 10)] = sc.Points
	}
	return map[string]any{"group_id": sh.GroupID, "juror_id": sh.JurorID, "revision": sh.Revision,
		"submitted": sh.SubmittedAt != nil, "points": points, "comment_chars": utf8.RuneCountInString(sh.Comment)}
}

// Submit locks the actor's sheet for a group once every criterion has
// points. The sheet is read for update and set submitted only where it
// is not yet, so of two submits at the same moment exactly one succeeds;
// the other, like any submit of a submitted sheet, is refused with
// score.submitted.
func (s *Scoring) Submit(ctx context.Context, actor Actor, groupID uint) (SheetView, error) {
	if !actor.Is(models.RoleJuror) {
		return SheetView{}, ErrForbidden
	}
	var out SheetView
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		t, err := target(tx, actor.UserID, groupID)
		if err != nil {
			return err
		}
		sheet, err := lockSheet(tx, groupID, actor.UserID)
		if err != nil {
			return err
		}
		if sheet != nil && sheet.SubmittedAt != nil {
			return ErrScoreSubmitted
		}
		if missing := missingCriteria(t.rubric, sheet); missing != "" {
			return refuse(ErrInvalidAction, CodeScoreMissing, "criteria", missing)
		}
		before := sheetAudit(sheet)
		now := s.now().UTC().Truncate(time.Microsecond)
		res := tx.Model(&models.ScoreSheet{}).Where("id = ? AND submitted_at IS NULL", sheet.ID).
			Updates(map[string]any{"submitted_at": now, "revision": gorm.Expr("revision + 1"), "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrScoreSubmitted
		}
		sheet.SubmittedAt, sheet.Revision, sheet.UpdatedAt = &now, sheet.Revision+1, now
		out = viewOf(sheet)
		return record(tx, actor, "score_sheet.submitted", "score_sheet", sheet.ID, before, sheetAudit(sheet))
	})
	return out, Classify(err)
}

// missingCriteria names the criteria the sheet has no points for,
// comma-separated, or "" when every one is scored.
func missingCriteria(rubric []models.RubricCriterion, sheet *models.ScoreSheet) string {
	scored := map[uint]bool{}
	if sheet != nil {
		for _, sc := range sheet.Scores {
			scored[sc.CriterionID] = true
		}
	}
	var names []string
	for _, c := range rubric {
		if !scored[c.ID] {
			names = append(names, c.Name)
		}
	}
	if len(rubric) == 0 {
		return "-"
	}
	return strings.Join(names, ", ")
}

// SheetInCohort finds sheet sheetID among those of cohort cohortID's
// groups, or says it is not found, as GroupInCohort does for groups.
func (s *Scoring) SheetInCohort(ctx context.Context, actor Actor, cohortID, sheetID uint) error {
	if !actor.IsStaff() {
		return ErrForbidden
	}
	var n int64
	err := s.db.WithContext(ctx).Model(&models.ScoreSheet{}).
		Joins("JOIN project_groups ON project_groups.id = score_sheets.group_id").
		Where("score_sheets.id = ? AND project_groups.cohort_id = ?", sheetID, cohortID).Count(&n).Error
	if err == nil && n == 0 {
		return notFound("sheet", sheetID)
	}
	return err
}

// Reopen unlocks a submitted sheet so that its juror can change it, with
// a reason kept in the audit log with the sheet before and after. Once
// the cohort's results are released, sheets stay locked.
func (s *Scoring) Reopen(ctx context.Context, actor Actor, sheetID uint, reason string) (SheetView, error) {
	if !actor.IsStaff() {
		return SheetView{}, ErrForbidden
	}
	reason = strings.TrimSpace(reason)
	if err := checkReason(reason); err != nil {
		return SheetView{}, err
	}
	var out SheetView
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var sheet models.ScoreSheet
		if err := tx.Clauses(lockForUpdate()).Take(&sheet, sheetID).Error; err != nil {
			return notFoundAs(err, "sheet", sheetID)
		}
		if err := tx.Where("sheet_id = ?", sheet.ID).Find(&sheet.Scores).Error; err != nil {
			return err
		}
		var g models.ProjectGroup
		if err := tx.Take(&g, sheet.GroupID).Error; err != nil {
			return err
		}
		jury, _, err := juryOf(tx, g.CohortID)
		if err != nil {
			return err
		}
		switch {
		case jury.ReleasedAt != nil:
			return ErrScoreReleased
		case sheet.SubmittedAt == nil:
			return ErrScoreNotSubmitted
		}
		before := sheetAudit(&sheet)
		now := s.now().UTC().Truncate(time.Microsecond)
		err = tx.Model(&models.ScoreSheet{}).Where("id = ?", sheet.ID).
			Updates(map[string]any{"submitted_at": nil, "revision": gorm.Expr("revision + 1"), "updated_at": now}).Error
		if err != nil {
			return err
		}
		sheet.SubmittedAt, sheet.Revision, sheet.UpdatedAt = nil, sheet.Revision+1, now
		out = viewOf(&sheet)
		after := map[string]any{"sheet": sheetAudit(&sheet), "reason": reason}
		return record(tx, actor, "score_sheet.reopened", "score_sheet", sheet.ID, before, after)
	})
	return out, Classify(err)
}

// checkReason requires a written reason of at most 500 characters.
func checkReason(reason string) error {
	switch {
	case reason == "":
		return invalid("reason", CodeRequired)
	case utf8.RuneCountInString(reason) > 500:
		return invalid("reason", CodeTooLong, "max", 500)
	}
	if code := TextCode(reason); code != "" {
		return invalid("reason", code)
	}
	return nil
}
