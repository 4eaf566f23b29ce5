package services

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"kohorte/models"
	"kohorte/services/roster"
)

// ErrCohortFull refuses an enrollment beyond a cohort's capacity.
var ErrCohortFull = refuse(ErrConflict, CodeCohortFull)

// ErrAlreadyEnrolled refuses a second enrollment of one person in one cohort.
var ErrAlreadyEnrolled = refuse(ErrConflict, CodeEnrollmentExists)

// holdsPlace reports whether an enrollment in this status counts against capacity.
func holdsPlace(s models.EnrollmentStatus) bool { return s != models.EnrollmentWithdrawn }

// Enroll puts a participant into a cohort on day. A participant who
// withdrew from the cohort is enrolled again on the same record. The place
// is taken by a conditional update of the cohort's counter, so concurrent
// enrollments never exceed the capacity.
func (s *Enrollments) Enroll(ctx context.Context, actor Actor, cohortID, participantID uint, day models.Date) (models.Enrollment, error) {
	if !actor.IsStaff() {
		return models.Enrollment{}, ErrForbidden
	}
	if day.IsZero() {
		day = s.now()
	}
	var e models.Enrollment
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		if e, err = enrollTx(tx, actor, cohortID, participantID, day); err != nil {
			return err
		}
		e.Participant, err = participantOf(tx, participantID)
		return err
	})
	return e, err
}

func enrollTx(tx *gorm.DB, actor Actor, cohortID, participantID uint, day models.Date) (models.Enrollment, error) {
	var e models.Enrollment
	verr := &ValidationError{}
	if checkDate(verr, "enrolled_at", day); verr.Err() != nil {
		return e, verr
	}
	// Enrollments of one cohort take turns, so that two requests cannot
	// both re-enroll the same withdrawn person and count the place twice.
	cohort, err := lockCohort(tx, cohortID)
	if err != nil {
		return e, err
	}
	if err := requireChangeable(cohort); err != nil {
		return e, err
	}
	err = tx.Where("cohort_id = ? AND participant_id = ?", cohortID, participantID).Take(&e).Error
	switch {
	case err == nil && holdsPlace(e.Status):
		return e, ErrAlreadyEnrolled
	case err != nil && !errors.Is(err, gorm.ErrRecordNotFound):
		return e, err
	}
	if err := takePlace(tx, cohortID); err != nil {
		return e, err
	}
	before := enrollmentSnapshot(e)
	action := "enrollment.reenrolled"
	if e.ID == 0 {
		action = "enrollment.created"
		before = nil
		if err := requireParticipant(tx, participantID); err != nil {
			return e, err
		}
	}
	e.CohortID, e.ParticipantID = cohortID, participantID
	e.Status, e.EnrolledAt, e.WithdrawnAt, e.WithdrawalReason = models.EnrollmentEnrolled, day, nil, ""
	if err := tx.Save(&e).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return e, ErrAlreadyEnrolled
		}
		return e, err
	}
	return e, record(tx, actor, action, "enrollment", e.ID, before, enrollmentSnapshot(e))
}

// takePlace raises the cohort's counter if a place is free and the cohort
// still takes participants.
func takePlace(tx *gorm.DB, cohortID uint) error {
	res := tx.Model(&models.Cohort{}).
		Where("id = ? AND enrolled_count < capacity AND status IN ?", cohortID, []models.CohortStatus{models.CohortPlanned, models.CohortRunning}).
		UpdateColumn("enrolled_count", gorm.Expr("enrolled_count + 1"))
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 1 {
		return nil
	}
	var c models.Cohort
	if err := tx.Take(&c, cohortID).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return notFound("cohort", cohortID)
	} else if err != nil {
		return err
	}
	if !c.Status.AcceptsEnrollments() {
		return refuse(ErrInvalidAction, CodeCohortClosed, "status", c.Status)
	}
	return ErrCohortFull
}

func requireParticipant(tx *gorm.DB, id uint) error {
	var n int64
	if err := tx.Model(&models.Participant{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return notFound("participant", id)
	}
	return nil
}

// CheckWithdrawal reports the problems of a withdrawal's reason, for a
// form whose day could not be read: the page still shows both at once.
func CheckWithdrawal(reason string) error {
	return checkWithdrawal(strings.TrimSpace(reason)).Err()
}

func checkWithdrawal(reason string) *ValidationError {
	verr := &ValidationError{}
	if utf8.RuneCountInString(reason) > 2000 {
		verr.Add("reason", CodeTooLong, "max", 2000)
	} else if code := ParagraphCode(reason); code != "" {
		verr.Add("reason", code)
	}
	return verr
}

// Withdraw records that a participant left a cohort on day, for reason,
// and frees the place. The day lies between the enrollment day and the
// cohort's last day: people cancel before the kick-off, but nobody leaves
// a cohort that has ended, so the default "today" is refused for it.
func (s *Enrollments) Withdraw(ctx context.Context, actor Actor, enrollmentID uint, day models.Date, reason string) (models.Enrollment, error) {
	if !actor.IsStaff() {
		return models.Enrollment{}, ErrForbidden
	}
	day, reason, verr := s.withdrawal(day, reason)
	var e models.Enrollment
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Select("cohort_id").Take(&e, enrollmentID).Error; err != nil {
			return notFoundAs(err, "enrollment", enrollmentID)
		}
		cohort, err := lockCohort(tx, e.CohortID)
		if err != nil {
			return err
		}
		if err := requireChangeable(cohort); err != nil {
			return err
		}
		if err := tx.Clauses(lockForUpdate()).Take(&e, enrollmentID).Error; err != nil {
			return notFoundAs(err, "enrollment", enrollmentID)
		}
		if e.Status != models.EnrollmentEnrolled {
			return refuse(ErrInvalidAction, CodeEnrollmentNotEnrolled)
		}
		// A copy, so that the closure leaves the caller's problems as they were.
		problems := &ValidationError{Fields: slices.Clone(verr.Fields)}
		if day.InRange() && day.After(cohort.EndDate.Time) {
			problems.Add("withdrawn_at", CodeWithdrawalAfterEnd, "date", cohort.EndDate.German())
		} else if day.InRange() && day.Before(e.EnrolledAt.Time) {
			problems.Add("withdrawn_at", CodeWithdrawalBeforeEnroll, "date", e.EnrolledAt.German())
		}
		if err := problems.Err(); err != nil {
			return err
		}
		if err := withdrawTx(tx, actor, cohort.ID, []*models.Enrollment{&e}, day, reason); err != nil {
			return err
		}
		e.Participant, err = participantOf(tx, e.ParticipantID)
		return err
	})
	return e, err
}

// withdrawal checks a withdrawal's reason and day, and dates it today
// when no day is given. The problems it finds are reported together with
// those found against the enrollment and its cohort.
func (s *Enrollments) withdrawal(day models.Date, reason string) (models.Date, string, *ValidationError) {
	reason = strings.TrimSpace(reason)
	verr := checkWithdrawal(reason)
	checkDate(verr, "withdrawn_at", day)
	if day.IsZero() {
		day = s.now()
	}
	return day, reason, verr
}

// withdrawableCohort locks the cohort people withdraw from on day, and
// refuses if it is archived or ended before day.
func withdrawableCohort(tx *gorm.DB, cohortID uint, day models.Date) (models.Cohort, error) {
	cohort, err := lockCohort(tx, cohortID)
	if err != nil {
		return cohort, err
	}
	if err := requireChangeable(cohort); err != nil {
		return cohort, err
	}
	if day.After(cohort.EndDate.Time) {
		return cohort, invalid("withdrawn_at", CodeWithdrawalAfterEnd, "date", cohort.EndDate.German())
	}
	return cohort, nil
}

// withdrawTx withdraws enrollments of one cohort, checked already, and
// frees their places, each audited as on its own.
func withdrawTx(tx *gorm.DB, actor Actor, cohortID uint, es []*models.Enrollment, day models.Date, reason string) error {
	for _, e := range es {
		before := enrollmentSnapshot(*e)
		e.Status, e.WithdrawnAt, e.WithdrawalReason = models.EnrollmentWithdrawn, &day, reason
		if err := tx.Select("status", "withdrawn_at", "withdrawal_reason", "updated_at").Updates(e).Error; err != nil {
			return err
		}
		if err := record(tx, actor, "enrollment.withdrawn", "enrollment", e.ID, before, enrollmentSnapshot(*e)); err != nil {
			return err
		}
	}
	return tx.Model(&models.Cohort{}).Where("id = ?", cohortID).
		UpdateColumn("enrolled_count", gorm.Expr("enrolled_count - ?", len(es))).Error
}

func enrollmentSnapshot(e models.Enrollment) map[string]any {
	m := map[string]any{"cohort_id": e.CohortID, "participant_id": e.ParticipantID, "status": e.Status,
		"enrolled_at": e.EnrolledAt.String()}
	if e.WithdrawnAt != nil {
		m["withdrawn_at"] = e.WithdrawnAt.String()
		m["withdrawal_reason"] = e.WithdrawalReason
	}
	return m
}

// EnrollmentFilter narrows and orders a cohort's list of participants.
type EnrollmentFilter struct {
	Status       models.EnrollmentStatus
	FederalState string
	Search       string
	// Sort is one of last_name (default), first_name, email, organisation,
	// federal_state, enrolled_at, status; a leading "-" sorts descending.
	Sort string
	Page Page
}

// enrollmentSorts sort by name with enrollments.sort_name, the copy of the
// participant's that migration 202612020006_search keeps, so that a page of
// a big cohort walks an index and needs no join.
var enrollmentSorts = map[string]string{
	"last_name": "enrollments.sort_name", "first_name": "participants.first_name", "email": "participants.email",
	"organisation": "participants.organisation", "federal_state": "participants.federal_state",
	"enrolled_at": "enrollments.enrolled_at", "status": "enrollments.status",
}

// ListEnrollments returns one page of a cohort's enrollments with their
// participants, and how many match, in four queries whatever the size:
// the cohort's existence, the count, the page, and the page's participants.
func (s *Enrollments) ListEnrollments(ctx context.Context, actor Actor, cohortID uint, f EnrollmentFilter) ([]models.Enrollment, int64, error) {
	if !actor.IsStaff() {
		return nil, 0, ErrForbidden
	}
	db := s.db.WithContext(ctx)
	if err := db.Select("id").Take(&models.Cohort{}, cohortID).Error; err != nil {
		return nil, 0, notFoundAs(err, "cohort", cohortID)
	}
	return enrollmentPage(db, cohortID, f)
}

// enrollmentPage reads one page of a cohort's enrollments with their
// participants, and how many match, in three queries: the count, the page
// and the page's participants.
func enrollmentPage(tx *gorm.DB, cohortID uint, f EnrollmentFilter) ([]models.Enrollment, int64, error) {
	if err := checkTerms("search", f.Search, "federal_state", f.FederalState, "status", string(f.Status), "sort", f.Sort); err != nil {
		return nil, 0, err
	}
	order, err := orderBy(f.Sort, enrollmentSorts, "last_name", "enrollments.id")
	if err != nil {
		return nil, 0, err
	}
	ofCohort := func() *gorm.DB {
		q := tx.Model(&models.Enrollment{}).Where("enrollments.cohort_id = ?", cohortID)
		if f.Status != "" {
			q = q.Where("enrollments.status = ?", f.Status)
		}
		return q
	}
	withPeople := func(q *gorm.DB) *gorm.DB {
		return q.Joins("JOIN participants ON participants.id = enrollments.participant_id")
	}
	// Every enrollment has its participant (a foreign key), so without a
	// filter on people the count reads only the enrollments' index, and the
	// page too unless it is sorted by a column of the people.
	q := ofCohort()
	filtered := f.Search != "" || f.FederalState != ""
	if filtered || strings.Contains(order, "participants.") {
		q = withPeople(q)
	}
	q = filterParticipants(q, ParticipantFilter{Search: f.Search, FederalState: f.FederalState}).Session(&gorm.Session{})
	count := q
	if !filtered {
		count = ofCohort()
	}
	var total int64
	if err := count.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var es []models.Enrollment
	rows := tx.Model(&models.Enrollment{})
	if strings.Contains(order, "participants.") {
		rows = withPeople(rows)
	}
	err = pageRows(q, rows, "enrollments.id", order, f.Page, total).Preload("Participant").Find(&es).Error
	return es, total, err
}

// CreateAndEnroll adds a new person and enrolls them in a cohort in one
// transaction: if the cohort is full, nobody is created either.
func (s *Enrollments) CreateAndEnroll(ctx context.Context, actor Actor, cohortID uint, in ParticipantInput, day models.Date) (models.Participant, models.Enrollment, error) {
	if !actor.IsStaff() {
		return models.Participant{}, models.Enrollment{}, ErrForbidden
	}
	var p models.Participant
	if err := in.apply(&p); err != nil {
		return p, models.Enrollment{}, err
	}
	if day.IsZero() {
		day = s.now()
	}
	var e models.Enrollment
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		if err := createParticipantTx(tx, actor, &p); err != nil {
			return err
		}
		var err error
		e, err = enrollTx(tx, actor, cohortID, p.ID, day)
		return err
	})
	return p, e, err
}

// FindEnrollment returns a person's enrollment in a cohort.
func (s *Enrollments) FindEnrollment(ctx context.Context, actor Actor, cohortID, participantID uint) (models.Enrollment, error) {
	if !actor.IsStaff() {
		return models.Enrollment{}, ErrForbidden
	}
	var e models.Enrollment
	err := s.db.WithContext(ctx).Where("cohort_id = ? AND participant_id = ?", cohortID, participantID).Take(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return e, fmt.Errorf("participant %d in cohort %d: %w", participantID, cohortID, ErrNotFound)
	}
	return e, err
}

// ExportRows returns the enrollments of a cohort with their participants,
// ordered by name, for the CSV and XLSX exports: all of them, or those ids
// selects, which must all be of this cohort. It holds them all in memory;
// the downloads stream them with OpenExport instead.
func (s *Enrollments) ExportRows(ctx context.Context, actor Actor, cohortID uint, ids []uint) (models.Cohort, []roster.ExportRow, error) {
	ex, err := s.OpenExport(ctx, actor, cohortID, ids)
	if err != nil {
		return models.Cohort{}, nil, err
	}
	var rows []roster.ExportRow
	err = ex.Each(func(r roster.ExportRow) error {
		rows = append(rows, r)
		return nil
	})
	return ex.Cohort, rows, err
}

// checkExported refuses a selection that names enrollments the export did
// not find in the cohort, naming each entry by its place in ids.
func checkExported(ids, found []uint) error {
	in := make(map[uint]bool, len(found))
	for _, id := range found {
		in[id] = true
	}
	verr := &ValidationError{}
	for i, id := range ids {
		if !in[id] {
			verr.Add(fmt.Sprintf("ids[%d]", i), CodeEnrollmentNotInCohort, "id", id)
		}
	}
	return verr.Err()
}
