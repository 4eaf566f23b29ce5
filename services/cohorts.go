package services

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"kohorte/models"
)

// CohortInput is what staff set on a cohort. A zero EndDate means start
// plus the course's duration.
type CohortInput struct {
	Name      string
	StartDate models.Date
	EndDate   models.Date
	Capacity  int
	Venue     string
}

// MaxCapacity bounds a cohort's places; real cohorts have 16 to 20.
const MaxCapacity = 10000

func (in CohortInput) apply(c *models.Cohort, course models.Course) error {
	verr := &ValidationError{}
	c.Name = requireText(verr, "name", in.Name, 100)
	c.Venue = optionalText(verr, "venue", in.Venue, 300)
	if in.StartDate.IsZero() {
		verr.Add("start_date", CodeRequired)
	}
	checkDate(verr, "start_date", in.StartDate)
	checkDate(verr, "end_date", in.EndDate)
	c.StartDate, c.EndDate = in.StartDate, in.EndDate
	// A day outside the range would give a default end the engines cannot
	// store; the refusal above stands for it.
	if c.EndDate.IsZero() && !in.StartDate.IsZero() && in.StartDate.InRange() {
		c.EndDate = in.StartDate.AddDays(7 * course.DurationWeeks)
	}
	if !in.StartDate.IsZero() && !c.EndDate.IsZero() && c.EndDate.Before(c.StartDate.Time) {
		verr.Add("end_date", CodeCohortEndBeforeStart)
	}
	if in.Capacity < 1 || in.Capacity > MaxCapacity {
		verr.Add("capacity", CodeOutOfRange, "min", 1, "max", MaxCapacity)
	} else if in.Capacity < c.EnrolledCount {
		verr.Add("capacity", CodeCohortCapacityBelowEnroll, "count", c.EnrolledCount)
	}
	c.Capacity = in.Capacity
	return verr.Err()
}

// Check reports every problem of the input that needs no database, for a
// form that cannot send it on because another of its fields did not even
// parse: the page still shows all problems at once.
func (in CohortInput) Check() error {
	return in.apply(&models.Cohort{}, models.Course{})
}

// CreateCohort adds a planned cohort to a course.
func (s *Cohorts) CreateCohort(ctx context.Context, actor Actor, courseID uint, in CohortInput) (models.Cohort, error) {
	if !actor.IsStaff() {
		return models.Cohort{}, ErrForbidden
	}
	c := models.Cohort{CourseID: courseID, Status: models.CohortPlanned}
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		course, err := loadCourse(tx, courseID)
		if err != nil {
			return err
		}
		if err := in.apply(&c, course); err != nil {
			return err
		}
		if err := tx.Create(&c).Error; err != nil {
			return cohortConflict(err)
		}
		// The cohort's answer names its course, not the issuers' logos.
		course.Issuers, course.Signatories = nil, nil
		c.Course = &course
		return record(tx, actor, "cohort.created", "cohort", c.ID, nil, cohortSnapshot(c))
	})
	return c, err
}

func cohortConflict(err error) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return invalid("name", CodeCohortNameTaken)
	}
	return err
}

// ErrCohortArchived refuses every change to an archived cohort and to the
// enrollments in it; models.CohortStatus.Changeable says what each status
// allows.
var ErrCohortArchived = refuse(ErrInvalidAction, CodeCohortArchived)

// requireChangeable refuses a change to an archived cohort.
func requireChangeable(c models.Cohort) error {
	if !c.Status.Changeable() {
		return ErrCohortArchived
	}
	return nil
}

// UpdateCohort changes a cohort's name, dates, capacity and venue, unless
// it is archived.
func (s *Cohorts) UpdateCohort(ctx context.Context, actor Actor, id uint, in CohortInput) (models.Cohort, error) {
	return s.changeCohort(ctx, actor, id, "cohort.updated", func(tx *gorm.DB, c *models.Cohort) error {
		if err := requireChangeable(*c); err != nil {
			return err
		}
		course, err := loadCourse(tx, c.CourseID)
		if err != nil {
			return err
		}
		if err := in.apply(c, course); err != nil {
			return err
		}
		return checkSessionsWithin(tx, *c)
	})
}

// checkSessionsWithin refuses new dates that would leave sessions of the
// cohort, cancelled ones too (calendars still show them), outside its
// period: the schedule moves first, so no session is ever outside it.
func checkSessionsWithin(tx *gorm.DB, c models.Cohort) error {
	first, after := berlinMidnight(c.StartDate), berlinMidnight(c.EndDate.AddDays(1))
	verr := &ValidationError{}
	for _, side := range []struct {
		field, where string
		args         []any
	}{
		{"start_date", "starts_at < ?", []any{first}},
		{"end_date", "starts_at >= ? OR ends_at > ?", []any{after, after}},
	} {
		var outside []models.CohortSession
		err := tx.Select("id", "starts_at").Where("cohort_id = ?", c.ID).Where(side.where, side.args...).
			Order("starts_at, id").Find(&outside).Error
		if err != nil {
			return err
		}
		if len(outside) > 0 {
			day := models.DateOf(outside[0].StartsAt.In(Berlin))
			verr.Add(side.field, CodeCohortSessionsOutside, "count", len(outside), "date", day.German())
		}
	}
	return verr.Err()
}

// SetCohortStatus moves a cohort to the next status: planned, running,
// completed, archived, in this order only. Completing a cohort settles its
// enrollments from their eligibility (settleEnrollments).
func (s *Cohorts) SetCohortStatus(ctx context.Context, actor Actor, id uint, status models.CohortStatus) (models.Cohort, error) {
	return s.changeCohort(ctx, actor, id, "cohort.status_changed", func(tx *gorm.DB, c *models.Cohort) error {
		if status == "" || c.Status.Next() != status {
			return refuse(ErrInvalidAction, CodeCohortStatusStep, "from", c.Status, "to", status)
		}
		c.Status = status
		if status == models.CohortCompleted {
			return settleEnrollments(tx, actor, c.ID, s.clock(), passingOr(s.passes))
		}
		return nil
	})
}

func (s *Cohorts) changeCohort(ctx context.Context, actor Actor, id uint, action string, change func(*gorm.DB, *models.Cohort) error) (models.Cohort, error) {
	if !actor.IsStaff() {
		return models.Cohort{}, ErrForbidden
	}
	var c models.Cohort
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		if c, err = lockCohort(tx, id); err != nil {
			return err
		}
		before := cohortSnapshot(c)
		if err := change(tx, &c); err != nil {
			return err
		}
		err = tx.Model(&c).Select("name", "start_date", "end_date", "capacity", "venue", "status", "updated_at").Updates(&c).Error
		if err != nil {
			return cohortConflict(err)
		}
		if c.Course, err = courseOf(tx, c.CourseID); err != nil {
			return err
		}
		return record(tx, actor, action, "cohort", c.ID, before, cohortSnapshot(c))
	})
	return c, err
}

func cohortSnapshot(c models.Cohort) map[string]any {
	return map[string]any{"name": c.Name, "start_date": c.StartDate.String(), "end_date": c.EndDate.String(),
		"capacity": c.Capacity, "venue": c.Venue, "status": c.Status}
}

// GetCohort returns one cohort with its course.
func (s *Cohorts) GetCohort(ctx context.Context, actor Actor, id uint) (models.Cohort, error) {
	if !actor.IsStaff() {
		return models.Cohort{}, ErrForbidden
	}
	return findCohort(s.db.WithContext(ctx), id)
}

// CohortFilter narrows a listing of cohorts. Page counts only for
// ListCohortPage.
type CohortFilter struct {
	CourseID uint
	Status   models.CohortStatus
	Page     Page
}

// cohortOrder is the order of every cohort listing: newest start first.
const cohortOrder = "cohorts.start_date DESC, cohorts.id DESC"

// ListCohorts returns cohorts, newest start first, with their courses.
func (s *Cohorts) ListCohorts(ctx context.Context, actor Actor, f CohortFilter) ([]models.Cohort, error) {
	if !actor.IsStaff() {
		return nil, ErrForbidden
	}
	if err := checkTerms("status", string(f.Status)); err != nil {
		return nil, err
	}
	var cs []models.Cohort
	err := filterCohorts(s.db.WithContext(ctx), f).Preload("Course", withoutCourseTexts).Order(cohortOrder).Find(&cs).Error
	return cs, err
}

// ListCohortPage returns one page of cohorts, newest start first, with
// their courses, and how many match: the count, the page and its courses,
// however many cohorts there are.
func (s *Cohorts) ListCohortPage(ctx context.Context, actor Actor, f CohortFilter) ([]models.Cohort, int64, error) {
	if !actor.IsStaff() {
		return nil, 0, ErrForbidden
	}
	if err := checkTerms("status", string(f.Status)); err != nil {
		return nil, 0, err
	}
	q := filterCohorts(s.db.WithContext(ctx), f).Session(&gorm.Session{})
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var cs []models.Cohort
	rows := s.db.WithContext(ctx).Model(&models.Cohort{})
	err := pageRows(q, rows, "cohorts.id", cohortOrder, f.Page, total).Preload("Course", withoutCourseTexts).Find(&cs).Error
	return cs, total, err
}

// CohortChoice is a cohort as a list to choose from shows it.
type CohortChoice struct {
	ID          uint
	Name        string
	CourseTitle string
}

// Choices returns the newest n cohorts with their courses' titles, in one
// statement, and whether there are older ones: a region keeps thousands,
// and a page that offers a choice needs neither their count nor their
// details.
func (s *Cohorts) Choices(ctx context.Context, actor Actor, n int) ([]CohortChoice, bool, error) {
	if !actor.IsStaff() {
		return nil, false, ErrForbidden
	}
	n = max(n, 0)
	var out []CohortChoice
	err := s.db.WithContext(ctx).Table("cohorts").
		Select("cohorts.id, cohorts.name, courses.title AS course_title").
		Joins("JOIN courses ON courses.id = cohorts.course_id").
		Order(cohortOrder).Limit(n + 1).Scan(&out).Error
	if err != nil {
		return nil, false, err
	}
	return out[:min(n, len(out))], len(out) > n, nil
}

func filterCohorts(db *gorm.DB, f CohortFilter) *gorm.DB {
	q := db.Model(&models.Cohort{})
	if f.CourseID != 0 {
		q = q.Where("cohorts.course_id = ?", f.CourseID)
	}
	if f.Status != "" {
		q = q.Where("cohorts.status = ?", f.Status)
	}
	return q
}

// withoutCourseTexts leaves out the long texts of a course that a list of
// cohorts does not show.
func withoutCourseTexts(db *gorm.DB) *gorm.DB { return db.Omit("topics", "description") }
