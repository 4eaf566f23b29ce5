package services

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"kohorte/models"
)

// Rubrics keeps each course's default rubric: the weighted criteria a
// cohort's jury scores by, copied into the cohort when its scoring opens.
type Rubrics struct {
	db *gorm.DB
}

// Bounds of a criterion, as the database checks them. Points are in
// hundredths: 100000 is 1000 points.
const (
	maxCriterionName        = 120
	maxCriterionDescription = 2000
	maxCriterionWeight      = 100
	maxCriterionPoints      = 100000
	// maxCriteria bounds a rubric: a jury scores each criterion of each
	// group on a phone.
	maxCriteria = 20
)

// ParsePoints reads points as staff enter them, with a decimal comma or
// point and at most two decimals ("7,5", "7.5", "10", "0,25"), into
// hundredths: "7,5" is 750. Signs, exponents and a third decimal are
// refused, so that nothing is rounded.
func ParsePoints(raw string) (int, bool) {
	s := strings.Replace(strings.TrimSpace(raw), ",", ".", 1)
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(whole) > 7 || len(frac) > 2 || !digitsOnly(whole) || !digitsOnly(frac) {
		return 0, false
	}
	n, err := strconv.Atoi(whole)
	if err != nil {
		return 0, false
	}
	frac = (frac + "00")[:2]
	f, _ := strconv.Atoi(frac)
	return n*100 + f, true
}

func digitsOnly(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// FormatPoints writes hundredths as staff read them in German, with a
// decimal comma and no trailing zeros: 750 is "7,5", 1000 is "10".
func FormatPoints(h int) string {
	return strings.Replace(PointsDecimal(h), ".", ",", 1)
}

// PointsDecimal writes hundredths with a decimal point, as the API sends
// them: 750 is "7.5", 25 is "0.25".
func PointsDecimal(h int) string {
	sign := ""
	if h < 0 {
		sign, h = "-", -h
	}
	s := fmt.Sprintf("%s%d.%02d", sign, h/100, h%100)
	return strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(s, "0"), "0"), ".")
}

// CriterionInput is one row of a rubric as staff enter it; points are
// text with a decimal comma or point, so that an error can say which row
// and which field was not a number.
type CriterionInput struct {
	Name        string
	Description string
	Weight      int
	MaxPoints   string
	Step        string
}

// DefaultRubric is the rubric a new course starts with: four criteria of
// at most 10 points in steps of 0.5. The weights add up to 100, so a
// weight reads as a percentage of the total.
func DefaultRubric() []CriterionInput {
	return []CriterionInput{
		{Name: "Innovationsgrad", Description: "Wie neu ist der Ansatz für die Region und das Netzwerk?", Weight: 25, MaxPoints: "10", Step: "0,5"},
		{Name: "Fachliche Fundierung", Description: "Beruht das Projekt auf belastbaren Daten, Methoden und Quellen?", Weight: 30, MaxPoints: "10", Step: "0,5"},
		{Name: "Relevanz für die Netzwerkarbeit", Description: "Trägt das Projekt zur Fachkräftesicherung im Netzwerk bei?", Weight: 25, MaxPoints: "10", Step: "0,5"},
		{Name: "Präsentation", Description: "Ist die Präsentation klar, anschaulich und in der Zeit?", Weight: 20, MaxPoints: "10", Step: "0,5"},
	}
}

// checkCriteria turns the rows into criteria, naming the row and field of
// every problem: criteria[2].weight is the third row's weight.
func checkCriteria(in []CriterionInput) ([]models.RubricCriterion, error) {
	verr := &ValidationError{}
	if len(in) > maxCriteria {
		return nil, verr.Add("criteria", CodeTooMany, "max", maxCriteria)
	}
	out := make([]models.RubricCriterion, len(in))
	for i, row := range in {
		field := func(name string) string { return fmt.Sprintf("criteria[%d].%s", i, name) }
		c := &out[i]
		c.Position = i + 1
		c.Name = requireText(verr, field("name"), row.Name, maxCriterionName)
		c.Description = optionalParagraph(verr, field("description"), strings.TrimSpace(row.Description), maxCriterionDescription)
		c.Weight = row.Weight
		if row.Weight < 1 || row.Weight > maxCriterionWeight {
			verr.Add(field("weight"), CodeOutOfRange, "min", 1, "max", maxCriterionWeight)
		}
		c.MaxPoints = checkPoints(verr, field("max_points"), row.MaxPoints, maxCriterionPoints)
		c.Step = checkPoints(verr, field("step"), row.Step, maxCriterionPoints)
		if c.MaxPoints > 0 && c.Step > 0 && c.MaxPoints%c.Step != 0 {
			verr.Add(field("max_points"), CodeRubricNotMultiple, "step", FormatPoints(c.Step))
		}
	}
	return out, verr.Err()
}

// checkPoints parses positive points of at most max hundredths; 0 when
// they are not.
func checkPoints(verr *ValidationError, field, raw string, max int) int {
	if strings.TrimSpace(raw) == "" {
		verr.Add(field, CodeRequired)
		return 0
	}
	h, ok := ParsePoints(raw)
	switch {
	case !ok:
		verr.Add(field, CodeRubricPointsInvalid)
	case h <= 0 || h > max:
		verr.Add(field, CodeRubricPointsRange, "max", FormatPoints(max))
	default:
		return h
	}
	return 0
}

// CourseRubric is a course with its default rubric, by position.
type CourseRubric struct {
	Course   models.Course
	Criteria []models.RubricCriterion
}

// GetCourseRubric returns a course's default rubric.
func (s *Rubrics) GetCourseRubric(ctx context.Context, actor Actor, courseID uint) (CourseRubric, error) {
	if !actor.IsStaff() {
		return CourseRubric{}, ErrForbidden
	}
	var out CourseRubric
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		course, err := courseOf(tx, courseID)
		if err != nil {
			return err
		}
		out.Course = *course
		out.Criteria, err = courseCriteria(tx, courseID)
		return err
	})
	return out, err
}

func courseCriteria(tx *gorm.DB, courseID uint) ([]models.RubricCriterion, error) {
	var cs []models.RubricCriterion
	err := tx.Where("course_id = ?", courseID).Order("position, id").Find(&cs).Error
	return cs, err
}

// SetCourseRubric replaces a course's default rubric by the rows given, as
// a whole. Cohorts whose scoring is open keep their own copy.
func (s *Rubrics) SetCourseRubric(ctx context.Context, actor Actor, courseID uint, in []CriterionInput) (CourseRubric, error) {
	if !actor.IsStaff() {
		return CourseRubric{}, ErrForbidden
	}
	criteria, err := checkCriteria(in)
	if err != nil {
		return CourseRubric{}, err
	}
	var out CourseRubric
	err = inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var course models.Course
		if err := tx.Clauses(lockForUpdate()).Take(&course, courseID).Error; err != nil {
			return notFoundAs(err, "course", courseID)
		}
		before, err := courseCriteria(tx, courseID)
		if err != nil {
			return err
		}
		if err := replaceCourseRubric(tx, courseID, criteria); err != nil {
			return err
		}
		out = CourseRubric{Course: course, Criteria: criteria}
		return record(tx, actor, "rubric.updated", "course", courseID,
			rubricSnapshot(before), rubricSnapshot(criteria))
	})
	return out, err
}

func replaceCourseRubric(tx *gorm.DB, courseID uint, criteria []models.RubricCriterion) error {
	if err := tx.Where("course_id = ?", courseID).Delete(&models.RubricCriterion{}).Error; err != nil {
		return err
	}
	if len(criteria) == 0 {
		return nil
	}
	for i := range criteria {
		criteria[i].CourseID, criteria[i].CohortID = &courseID, nil
	}
	return tx.Create(&criteria).Error
}

// addDefaultRubric gives a new course the default rubric, inside the
// transaction that creates it.
func addDefaultRubric(tx *gorm.DB, courseID uint) error {
	criteria, err := checkCriteria(DefaultRubric())
	if err != nil {
		return fmt.Errorf("default rubric: %w", err)
	}
	return replaceCourseRubric(tx, courseID, criteria)
}

func rubricSnapshot(cs []models.RubricCriterion) []map[string]any {
	out := make([]map[string]any, len(cs))
	for i, c := range cs {
		out[i] = map[string]any{"position": c.Position, "name": c.Name, "description": c.Description,
			"weight": c.Weight, "max_points": PointsDecimal(c.MaxPoints), "step": PointsDecimal(c.Step)}
	}
	return out
}
