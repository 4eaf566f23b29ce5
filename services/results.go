package services

import (
	"context"
	"math/big"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"kohorte/models"
	"kohorte/services/roster"
)

// Results computes a cohort's jury results from its submitted sheets,
// releases them to the groups and shows each member their own group's.
// All comparisons are exact, on rationals: a result of exactly the
// course's threshold passes.
type Results struct {
	db  *gorm.DB
	now func() time.Time
}

// Refusals of releasing results.
var (
	ErrResultsReleased = refuse(ErrInvalidAction, CodeResultsReleased)
	ErrResultsNotOpen  = refuse(ErrInvalidAction, CodeResultsNotOpen)
)

// CriterionMean is one criterion's mean points over a group's counted
// sheets, in hundredths rounded half up; Counted is 0 while none is in.
type CriterionMean struct {
	Criterion  models.RubricCriterion
	Hundredths int
	Counted    int
}

// SheetResult is one counted, submitted sheet of a group.
type SheetResult struct {
	Sheet     models.ScoreSheet
	JurorName string
	// Share is Σ weight·points/max ÷ Σ weight, from 0 to 1.
	Share       *big.Rat
	ShareTenths int
}

// ResultMember is one member of a group who counts: not withdrawn.
type ResultMember struct {
	EnrollmentID uint
	FirstName    string
	LastName     string
}

// GroupResult is a group's jury result. Pending while no sheet of an
// appointed, non-conflicted juror is submitted; never failed then.
type GroupResult struct {
	Group    models.ProjectGroup
	Members  []ResultMember
	Criteria []CriterionMean
	Sheets   []SheetResult
	Pending  bool
	// Result is the mean or median of the sheets' shares, from 0 to 1;
	// ResultTenths the same in tenths of a percent, rounded down.
	Result       *big.Rat
	ResultTenths int
	Passed       bool
	// Rank is 1 for the best result; equal results share a rank. 0 while
	// pending.
	Rank int
	// Disputed flags shares that spread more than the cohort's limit;
	// SpreadTenths is max − min share in tenths of a percentage point.
	Disputed     bool
	SpreadTenths int
	// Expected is how many sheets its jurors owe; Submitted how many are in.
	Expected, Submitted int
	// Jurors is every appointed juror with where their sheet for the
	// group stands, in the order of the jury.
	Jurors []JurorSheet
}

// JurorSheet is where one appointed juror stands with one group: their
// sheet's state (empty, draft or submitted), or conflicted, in which case
// nothing of theirs counts.
type JurorSheet struct {
	UserID     uint
	Name       string
	Conflicted bool
	State      SheetState
	SheetID    uint
	// ShareTenths is a submitted sheet's share in tenths of a percent.
	ShareTenths int
}

// CohortResults is every group's result of a cohort, with the settings
// they were computed with.
type CohortResults struct {
	Cohort     models.Cohort
	Jury       models.CohortJury
	Rubric     []models.RubricCriterion
	MinPercent int
	Groups     []GroupResult
	// Sheets lists every sheet of the cohort for the staff page, with the
	// juror's name and whether it counts.
	Sheets []SheetListing
	// Expected and Submitted count sheets over all groups: jurors times
	// their non-conflicted groups.
	Expected, Submitted int
	// ReleasedBy names who released the results, once released.
	ReleasedBy string
}

// SheetListing is one sheet as staff see it on the results page.
type SheetListing struct {
	Sheet     models.ScoreSheet
	GroupName string
	JurorName string
	Counts    bool
}

// Released tells whether the results are released to the groups.
func (r CohortResults) Released() bool { return r.Jury.ReleasedAt != nil }

// Cohort reads a cohort's results for staff in one read of a fixed number
// of statements.
func (s *Results) Cohort(ctx context.Context, actor Actor, cohortID uint) (CohortResults, error) {
	if !actor.IsStaff() {
		return CohortResults{}, ErrForbidden
	}
	var r CohortResults
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		c, err := findCohort(tx, cohortID)
		if err != nil {
			return err
		}
		if r, err = readResults(tx, c); err != nil || r.Jury.ReleasedByID == nil {
			return err
		}
		var u models.User
		if err := tx.Select("id", "display_name", "email").Take(&u, *r.Jury.ReleasedByID).Error; err != nil {
			return err
		}
		r.ReleasedBy = jurorName(models.Juror{User: &u})
		return nil
	})
	return r, err
}

// juryData is what a cohort's results are computed from.
type juryData struct {
	jury      models.CohortJury
	rubric    []models.RubricCriterion
	groups    []models.ProjectGroup
	members   []resultMember
	jurors    []models.Juror
	conflicts []models.JuryConflict
	sheets    []models.ScoreSheet
}

type resultMember struct {
	GroupID      uint
	EnrollmentID uint
	FirstName    string
	LastName     string
}

// readJuryData reads a cohort's jury in eight statements, whatever its size.
func readJuryData(tx *gorm.DB, cohortID uint) (juryData, error) {
	var d juryData
	var err error
	if d.jury, _, err = juryOf(tx, cohortID); err != nil {
		return d, err
	}
	if d.rubric, err = rubricOf(tx, cohortID); err != nil {
		return d, err
	}
	if err := tx.Where("cohort_id = ?", cohortID).Order("name, id").Find(&d.groups).Error; err != nil {
		return d, err
	}
	inCohort := tx.Model(&models.ProjectGroup{}).Select("id").Where("cohort_id = ?", cohortID)
	err = tx.Table("group_members").
		Select("group_members.group_id, group_members.enrollment_id, participants.first_name, participants.last_name").
		Joins("JOIN enrollments ON enrollments.id = group_members.enrollment_id").
		Joins("JOIN participants ON participants.id = enrollments.participant_id").
		Where("group_members.group_id IN (?) AND enrollments.status <> ?", inCohort, models.EnrollmentWithdrawn).
		Order("participants.sort_name, enrollments.id").Scan(&d.members).Error
	if err != nil {
		return d, err
	}
	users := func(db *gorm.DB) *gorm.DB { return db.Select("id", "display_name", "email") }
	if err := tx.Preload("User", users).Where("cohort_id = ?", cohortID).Order("id").Find(&d.jurors).Error; err != nil {
		return d, err
	}
	if err := tx.Where("group_id IN (?)", inCohort).Find(&d.conflicts).Error; err != nil {
		return d, err
	}
	err = tx.Preload("Scores").Where("group_id IN (?)", inCohort).Order("id").Find(&d.sheets).Error
	return d, err
}

func readResults(tx *gorm.DB, c models.Cohort) (CohortResults, error) {
	d, err := readJuryData(tx, c.ID)
	if err != nil {
		return CohortResults{}, err
	}
	r := computeResults(d, rulesOf(c.Course).minJuryPercent)
	r.Cohort = c
	return r, nil
}

// jurorName is how a juror is named on pages: the display name, else
// the e-mail address.
func jurorName(j models.Juror) string {
	if j.User == nil {
		return ""
	}
	if strings.TrimSpace(j.User.DisplayName) != "" {
		return j.User.DisplayName
	}
	return j.User.Email
}

// computeResults forms every group's result from what was read.
func computeResults(d juryData, minPercent int) CohortResults {
	r := CohortResults{Jury: d.jury, Rubric: d.rubric, MinPercent: minPercent}
	names := make(map[uint]string, len(d.jurors))
	for _, j := range d.jurors {
		names[j.UserID] = jurorName(j)
	}
	conflicted := make(map[[2]uint]bool, len(d.conflicts))
	for _, c := range d.conflicts {
		conflicted[[2]uint{c.GroupID, c.UserID}] = true
	}
	counts := func(groupID, userID uint) bool {
		_, appointed := names[userID]
		return appointed && !conflicted[[2]uint{groupID, userID}]
	}
	groupName := make(map[uint]string, len(d.groups))
	for _, g := range d.groups {
		groupName[g.ID] = g.Name
	}
	for _, sh := range d.sheets {
		r.Sheets = append(r.Sheets, SheetListing{Sheet: sh, GroupName: groupName[sh.GroupID], JurorName: names[sh.JurorID],
			Counts: counts(sh.GroupID, sh.JurorID)})
	}
	slices.SortStableFunc(r.Sheets, func(a, b SheetListing) int {
		return strings.Compare(a.GroupName+"\x00"+a.JurorName, b.GroupName+"\x00"+b.JurorName)
	})
	threshold := big.NewRat(int64(minPercent), 100)
	limit := big.NewRat(int64(d.jury.SpreadLimit), 100)
	sheetOf := make(map[[2]uint]models.ScoreSheet, len(d.sheets))
	for _, sh := range d.sheets {
		sheetOf[[2]uint{sh.GroupID, sh.JurorID}] = sh
	}
	for _, g := range d.groups {
		gr := GroupResult{Group: g}
		for _, j := range d.jurors {
			gr.Jurors = append(gr.Jurors, jurorSheet(d.rubric, g.ID, j, names[j.UserID], conflicted, sheetOf))
		}
		for _, m := range d.members {
			if m.GroupID == g.ID {
				gr.Members = append(gr.Members, ResultMember{EnrollmentID: m.EnrollmentID, FirstName: m.FirstName, LastName: m.LastName})
			}
		}
		for _, j := range d.jurors {
			if counts(g.ID, j.UserID) {
				gr.Expected++
			}
		}
		for _, sh := range d.sheets {
			if sh.GroupID == g.ID && sh.SubmittedAt != nil && counts(g.ID, sh.JurorID) {
				share := shareOf(d.rubric, sh)
				gr.Sheets = append(gr.Sheets, SheetResult{Sheet: sh, JurorName: names[sh.JurorID], Share: share, ShareTenths: tenthsOf(share)})
			}
		}
		gr.Submitted = len(gr.Sheets)
		gr.Criteria = criterionMeans(d.rubric, gr.Sheets)
		aggregate(&gr, d.jury.Aggregation, threshold, limit)
		r.Expected += gr.Expected
		r.Submitted += gr.Submitted
		r.Groups = append(r.Groups, gr)
	}
	rank(r.Groups)
	return r
}

// jurorSheet is where juror j stands with group groupID.
func jurorSheet(rubric []models.RubricCriterion, groupID uint, j models.Juror, name string,
	conflicted map[[2]uint]bool, sheetOf map[[2]uint]models.ScoreSheet) JurorSheet {
	key := [2]uint{groupID, j.UserID}
	js := JurorSheet{UserID: j.UserID, Name: name, Conflicted: conflicted[key], State: SheetEmpty}
	sh, ok := sheetOf[key]
	switch {
	case !ok:
	case sh.SubmittedAt == nil:
		js.State, js.SheetID = SheetDraft, sh.ID
	default:
		js.State, js.SheetID, js.ShareTenths = SheetSubmitted, sh.ID, tenthsOf(shareOf(rubric, sh))
	}
	return js
}

// shareOf is a sheet's weighted total as a share of the maximum:
// Σ weight·points/max ÷ Σ weight. A criterion without points counts 0.
func shareOf(rubric []models.RubricCriterion, sh models.ScoreSheet) *big.Rat {
	points := make(map[uint]int, len(sh.Scores))
	for _, sc := range sh.Scores {
		points[sc.CriterionID] = sc.Points
	}
	sum, weights := new(big.Rat), int64(0)
	for _, c := range rubric {
		if c.MaxPoints <= 0 {
			continue
		}
		sum.Add(sum, big.NewRat(int64(c.Weight)*int64(points[c.ID]), int64(c.MaxPoints)))
		weights += int64(c.Weight)
	}
	if weights == 0 {
		return new(big.Rat)
	}
	return sum.Quo(sum, big.NewRat(weights, 1))
}

// tenthsOf writes a share from 0 to 1 in tenths of a percent, rounded
// down: 2/3 is 666.
func tenthsOf(share *big.Rat) int {
	if share == nil {
		return 0
	}
	n := new(big.Int).Mul(share.Num(), big.NewInt(1000))
	return int(n.Quo(n, share.Denom()).Int64())
}

func criterionMeans(rubric []models.RubricCriterion, sheets []SheetResult) []CriterionMean {
	out := make([]CriterionMean, len(rubric))
	for i, c := range rubric {
		out[i].Criterion = c
		sum := 0
		for _, s := range sheets {
			for _, sc := range s.Sheet.Scores {
				if sc.CriterionID == c.ID {
					sum += sc.Points
				}
			}
		}
		if n := len(sheets); n > 0 {
			// Rounded half up, in integers: (2·sum + n) / (2n).
			out[i].Hundredths, out[i].Counted = (2*sum+n)/(2*n), n
		}
	}
	return out
}

// aggregate forms the group's result from its sheets' shares: their mean
// or median, pass against the threshold and the disagreement flag.
func aggregate(gr *GroupResult, how models.Aggregation, threshold, limit *big.Rat) {
	if len(gr.Sheets) == 0 {
		gr.Pending = true
		return
	}
	shares := make([]*big.Rat, len(gr.Sheets))
	for i, s := range gr.Sheets {
		shares[i] = s.Share
	}
	slices.SortFunc(shares, func(a, b *big.Rat) int { return a.Cmp(b) })
	if how == models.AggregateMedian {
		gr.Result = median(shares)
	} else {
		gr.Result = mean(shares)
	}
	gr.ResultTenths = tenthsOf(gr.Result)
	gr.Passed = gr.Result.Cmp(threshold) >= 0
	spread := new(big.Rat).Sub(shares[len(shares)-1], shares[0])
	gr.SpreadTenths = tenthsOf(spread)
	gr.Disputed = spread.Cmp(limit) > 0
}

func mean(sorted []*big.Rat) *big.Rat {
	sum := new(big.Rat)
	for _, s := range sorted {
		sum.Add(sum, s)
	}
	return sum.Quo(sum, big.NewRat(int64(len(sorted)), 1))
}

func median(sorted []*big.Rat) *big.Rat {
	n := len(sorted)
	if n%2 == 1 {
		return new(big.Rat).Set(sorted[n/2])
	}
	return mean(sorted[n/2-1 : n/2+1])
}

// rank gives each non-pending group its place by result, best first;
// equal results share a place and the next place skips (1, 1, 3).
func rank(groups []GroupResult) {
	for i := range groups {
		if groups[i].Pending {
			continue
		}
		groups[i].Rank = 1
		for j := range groups {
			if !groups[j].Pending && groups[j].Result.Cmp(groups[i].Result) > 0 {
				groups[i].Rank++
			}
		}
	}
}

// Release releases a cohort's results to its groups: at once when every
// sheet owed is submitted, earlier only with a reason. Audited.
func (s *Results) Release(ctx context.Context, actor Actor, cohortID uint, reason string) (CohortResults, error) {
	if !actor.IsStaff() {
		return CohortResults{}, ErrForbidden
	}
	reason = strings.TrimSpace(reason)
	if reason != "" {
		if err := checkReason(reason); err != nil {
			return CohortResults{}, err
		}
	}
	var out CohortResults
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		c, err := findCohort(tx, cohortID)
		if err != nil {
			return err
		}
		var jury models.CohortJury
		if err := tx.Clauses(lockForUpdate()).Where("cohort_id = ?", cohortID).Limit(1).Find(&jury).Error; err != nil {
			return err
		}
		switch {
		case jury.CohortID == 0 || jury.ScoringOpenAt == nil:
			return ErrResultsNotOpen
		case jury.ReleasedAt != nil:
			return ErrResultsReleased
		}
		out, err = readResults(tx, c)
		if err != nil {
			return err
		}
		if missing := out.Expected - out.Submitted; missing > 0 && reason == "" {
			return invalid("reason", CodeResultsReasonRequired, "missing", missing)
		}
		now := s.now().UTC().Truncate(time.Microsecond)
		by := actor.UserID
		err = tx.Model(&models.CohortJury{}).Where("cohort_id = ?", cohortID).
			Updates(map[string]any{"released_at": now, "released_by_id": by, "release_reason": reason, "updated_at": now}).Error
		if err != nil {
			return err
		}
		out.Jury.ReleasedAt, out.Jury.ReleasedByID, out.Jury.ReleaseReason = &now, &by, reason
		after := map[string]any{"released_at": now, "reason": reason, "expected": out.Expected, "submitted": out.Submitted}
		return record(tx, actor, "results.released", "cohort", cohortID, map[string]any{"released_at": nil}, after)
	})
	return out, Classify(err)
}

// FeedbackComment is one juror's comment as a group's members see it;
// Juror is empty unless the cohort shows jurors' names.
type FeedbackComment struct {
	Juror string
	Text  string
}

// MyGroupResult is a participant's project group in one cohort and, once
// released, its result and the jurors' comments.
type MyGroupResult struct {
	Cohort     models.Cohort
	Group      models.ProjectGroup
	Released   bool
	MinPercent int
	Result     GroupResult
	Comments   []FeedbackComment
}

// Mine returns the groups of the participant linked to the actor's
// account, one per cohort they are not withdrawn from, with results only
// where released; never anyone else's.
func (s *Results) Mine(ctx context.Context, actor Actor) ([]MyGroupResult, error) {
	if !actor.Is(models.RoleParticipant) {
		return nil, ErrForbidden
	}
	var out []MyGroupResult
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var rows []struct {
			GroupID  uint
			CohortID uint
		}
		err := tx.Table("group_members").Select("group_members.group_id, enrollments.cohort_id").
			Joins("JOIN enrollments ON enrollments.id = group_members.enrollment_id").
			Joins("JOIN participants ON participants.id = enrollments.participant_id").
			Where("participants.user_id = ? AND enrollments.status <> ?", actor.UserID, models.EnrollmentWithdrawn).
			Order("enrollments.enrolled_at DESC, enrollments.id DESC").Scan(&rows).Error
		if err != nil {
			return err
		}
		// A person is in a handful of cohorts; each is read on its own.
		for _, row := range rows {
			mine, err := myGroupIn(tx, row.CohortID, row.GroupID)
			if err != nil {
				return err
			}
			out = append(out, mine)
		}
		return nil
	})
	return out, err
}

func myGroupIn(tx *gorm.DB, cohortID, groupID uint) (MyGroupResult, error) {
	var m MyGroupResult
	c, err := findCohort(tx, cohortID)
	if err != nil {
		return m, err
	}
	m.Cohort, m.MinPercent = c, rulesOf(c.Course).minJuryPercent
	if err := tx.Take(&m.Group, groupID).Error; err != nil {
		return m, err
	}
	jury, _, err := juryOf(tx, cohortID)
	if err != nil || jury.ReleasedAt == nil {
		return m, err
	}
	r, err := readResults(tx, c)
	if err != nil {
		return m, err
	}
	m.Released = true
	for _, g := range r.Groups {
		if g.Group.ID == groupID {
			m.Result = g
		}
	}
	for _, sh := range m.Result.Sheets {
		if strings.TrimSpace(sh.Sheet.Comment) == "" {
			continue
		}
		fc := FeedbackComment{Text: sh.Sheet.Comment}
		if jury.ShowJurorNames {
			fc.Juror = sh.JurorName
		}
		m.Comments = append(m.Comments, fc)
	}
	// Members see their result, not how each juror stands with it, nor
	// the jurors' names unless the cohort shows them.
	m.Result.Jurors = nil
	if !jury.ShowJurorNames {
		for i := range m.Result.Sheets {
			m.Result.Sheets[i].JurorName = ""
		}
	}
	return m, nil
}

// ExportTable returns a cohort's results as the CSV and XLSX exports
// write them: per group each counted sheet, by juror and criterion, then
// the group's result with the criteria's means.
func (s *Results) ExportTable(ctx context.Context, actor Actor, cohortID uint) (models.Cohort, roster.ResultsTable, error) {
	r, err := s.Cohort(ctx, actor, cohortID)
	if err != nil {
		return r.Cohort, roster.ResultsTable{}, err
	}
	var t roster.ResultsTable
	for _, c := range r.Rubric {
		t.Criteria = append(t.Criteria, c.Name)
	}
	for _, g := range r.Groups {
		for _, sh := range g.Sheets {
			row := roster.ResultsExportRow{Group: g.Group.Name, Project: g.Group.ProjectTitle, Juror: sh.JurorName, ShareTenths: sh.ShareTenths}
			points := make(map[uint]int, len(sh.Sheet.Scores))
			for _, sc := range sh.Sheet.Scores {
				points[sc.CriterionID] = sc.Points
			}
			for _, c := range r.Rubric {
				p, ok := points[c.ID]
				if !ok {
					p = -1
				}
				row.Points = append(row.Points, p)
			}
			t.Rows = append(t.Rows, row)
		}
		sum := roster.ResultsExportRow{Group: g.Group.Name, Project: g.Group.ProjectTitle, ShareTenths: -1, Rank: g.Rank,
			State: groupState(g), Disputed: g.Disputed}
		if !g.Pending {
			sum.ShareTenths = g.ResultTenths
		}
		for _, c := range g.Criteria {
			p := c.Hundredths
			if c.Counted == 0 {
				p = -1
			}
			sum.Points = append(sum.Points, p)
		}
		t.Rows = append(t.Rows, sum)
	}
	return r.Cohort, t, nil
}

// groupState names a group's result in one word: passed, failed, pending.
func groupState(g GroupResult) string {
	switch {
	case g.Pending:
		return "pending"
	case g.Passed:
		return "passed"
	}
	return "failed"
}
