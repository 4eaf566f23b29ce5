package services

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"kohorte/models"
)

// The juries of a generated region: every course has the default rubric;
// every small cohort that is running or completed (not archived) has
// project groups of about five, three jurors from a shared pool and open
// scoring; in completed ones every sheet is submitted and the results
// released. The jurors log in with the password of the staff member who
// generated the data, so the load harness can score as them.
const (
	scaleGroupSize       = 5
	scaleJurorPool       = 60
	scaleJurorsPerCohort = 3
)

// scaleJuries is what juries generated.
type scaleJuries struct {
	groups, jurors, sheets int
}

func (g *scaleGen) juries(tx *gorm.DB, actor Actor, courses []models.Course, cohorts []models.Cohort, perCohort [][]models.Enrollment) (scaleJuries, error) {
	var out scaleJuries
	rubrics, err := scaleRubrics(tx, courses)
	if err != nil {
		return out, err
	}
	pool, err := scaleJurorAccounts(tx, actor)
	if err != nil {
		return out, err
	}
	out.jurors = len(pool)
	for ci, c := range cohorts {
		if c.Capacity > scaleMaxCohort || (c.Status != models.CohortRunning && c.Status != models.CohortCompleted) {
			continue
		}
		jurors := make([]uint, scaleJurorsPerCohort)
		for k := range jurors {
			jurors[k] = pool[(ci*scaleJurorsPerCohort+k)%len(pool)].ID
		}
		groups, sheets, err := g.jury(tx, actor, c, rubrics[c.CourseID], jurors, perCohort[ci])
		if err != nil {
			return out, fmt.Errorf("jury of cohort %s: %w", c.Name, err)
		}
		out.groups += groups
		out.sheets += sheets
	}
	return out, nil
}

// scaleRubrics gives every course the default rubric.
func scaleRubrics(tx *gorm.DB, courses []models.Course) (map[uint][]models.RubricCriterion, error) {
	base, err := checkCriteria(DefaultRubric())
	if err != nil {
		return nil, err
	}
	rows := make([]models.RubricCriterion, 0, len(base)*len(courses))
	for _, c := range courses {
		for _, cr := range base {
			cr.CourseID = &c.ID
			rows = append(rows, cr)
		}
	}
	if err := tx.CreateInBatches(rows, scaleBatch).Error; err != nil {
		return nil, fmt.Errorf("rubrics: %w", err)
	}
	out := make(map[uint][]models.RubricCriterion, len(courses))
	for _, r := range rows {
		out[*r.CourseID] = append(out[*r.CourseID], r)
	}
	return out, nil
}

// scaleJurorAccounts creates the pool of jurors with the actor's password.
func scaleJurorAccounts(tx *gorm.DB, actor Actor) ([]models.User, error) {
	var staff models.User
	if err := tx.Select("id", "password_hash").Take(&staff, actor.UserID).Error; err != nil {
		return nil, fmt.Errorf("the generating account: %w", err)
	}
	pool := make([]models.User, scaleJurorPool)
	for i := range pool {
		name := demoFirst[(i*7)%len(demoFirst)] + " " + demoLast[(i*11)%len(demoLast)]
		email := fmt.Sprintf("jury%03d@scale.example.org", i+1)
		pool[i] = models.User{Email: email, DisplayName: name, Role: models.RoleJuror, Status: models.UserActive,
			PasswordHash: staff.PasswordHash, SearchText: searchKey(name, email)}
	}
	if err := tx.CreateInBatches(pool, scaleBatch).Error; err != nil {
		return nil, fmt.Errorf("jurors: %w", err)
	}
	return pool, nil
}

// jury generates one cohort's groups, jury, frozen rubric and, once the
// cohort has ended, its submitted sheets and released results.
func (g *scaleGen) jury(tx *gorm.DB, actor Actor, c models.Cohort, rubric []models.RubricCriterion, jurors []uint, es []models.Enrollment) (int, int, error) {
	opened := c.EndDate.AddDays(-1).Time.UTC()
	if opened.After(g.now) {
		opened = g.now.UTC().Truncate(time.Microsecond)
	}
	jury := models.CohortJury{CohortID: c.ID, Aggregation: models.AggregateMean, SpreadLimit: defaultSpreadLimit, ScoringOpenAt: &opened}
	ended := c.Status == models.CohortCompleted
	if ended {
		jury.ReleasedAt, jury.ReleasedByID = &opened, &actor.UserID
	}
	if err := tx.Create(&jury).Error; err != nil {
		return 0, 0, err
	}
	frozen := make([]models.RubricCriterion, len(rubric))
	for i, cr := range rubric {
		frozen[i] = models.RubricCriterion{CohortID: &c.ID, Position: cr.Position, Name: cr.Name,
			Description: cr.Description, Weight: cr.Weight, MaxPoints: cr.MaxPoints, Step: cr.Step}
	}
	if err := tx.Create(&frozen).Error; err != nil {
		return 0, 0, err
	}
	appointed := make([]models.Juror, len(jurors))
	for i, id := range jurors {
		appointed[i] = models.Juror{CohortID: c.ID, UserID: id, AppointedByID: actor.UserID}
	}
	if err := tx.Create(&appointed).Error; err != nil {
		return 0, 0, err
	}
	groups, err := scaleGroups(tx, c, es)
	if err != nil || !ended {
		return len(groups), 0, err
	}
	sheets, err := g.sheets(tx, groups, jurors, frozen, opened)
	return len(groups), sheets, err
}

// scaleGroups puts a cohort's people who did not withdraw into groups of
// about five, in the order they enrolled.
func scaleGroups(tx *gorm.DB, c models.Cohort, es []models.Enrollment) ([]models.ProjectGroup, error) {
	var staying []uint
	for _, e := range es {
		if e.Status != models.EnrollmentWithdrawn {
			staying = append(staying, e.ID)
		}
	}
	n := max(1, len(staying)/scaleGroupSize)
	groups := make([]models.ProjectGroup, n)
	for i := range groups {
		groups[i] = models.ProjectGroup{CohortID: c.ID, Name: fmt.Sprintf("Gruppe %d", i+1),
			ProjectTitle: demoGroups[i%len(demoGroups)].ProjectTitle}
	}
	if err := tx.Create(&groups).Error; err != nil {
		return nil, err
	}
	members := make([]models.GroupMember, len(staying))
	for i, id := range staying {
		members[i] = models.GroupMember{GroupID: groups[i%n].ID, EnrollmentID: id}
	}
	if len(members) == 0 {
		return groups, nil
	}
	return groups, tx.CreateInBatches(members, scaleBatch).Error
}

// sheets submits every juror's sheet for every group, each criterion
// between half and all of its maximum, on its steps.
func (g *scaleGen) sheets(tx *gorm.DB, groups []models.ProjectGroup, jurors []uint, rubric []models.RubricCriterion, at time.Time) (int, error) {
	sheets := make([]models.ScoreSheet, 0, len(groups)*len(jurors))
	for _, gr := range groups {
		for _, j := range jurors {
			sheets = append(sheets, models.ScoreSheet{GroupID: gr.ID, JurorID: j, Revision: 1, SubmittedAt: &at})
		}
	}
	if err := tx.CreateInBatches(sheets, scaleBatch).Error; err != nil {
		return 0, err
	}
	scores := make([]models.Score, 0, len(sheets)*len(rubric))
	for _, sh := range sheets {
		for _, cr := range rubric {
			steps := cr.MaxPoints / cr.Step
			scores = append(scores, models.Score{SheetID: sh.ID, CriterionID: cr.ID, Points: (steps/2 + g.rnd.IntN(steps/2+1)) * cr.Step})
		}
	}
	return len(sheets), tx.CreateInBatches(scores, scaleBatch).Error
}
