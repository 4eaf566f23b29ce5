package services

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"kohorte/models"
	"kohorte/services/roster"
)

// Export is a cohort's participant list, opened for streaming: everything
// that can refuse the request (rights, the cohort, the selection) has been
// checked and the query is running, so that a download can send its first
// byte knowing that only a broken connection or database can still stop it.
// Call Each once, or Close.
type Export struct {
	Cohort models.Cohort
	rows   *sql.Rows
}

// exportColumns are read in the order Each scans them.
const exportColumns = `participants.last_name, participants.first_name, participants.email,
	participants.organisation, participants.network_type, participants.federal_state, participants.phone,
	enrollments.status, enrollments.enrolled_at, enrollments.withdrawn_at, enrollments.withdrawal_reason`

// OpenExport checks an export of a cohort's participant list, all of it or
// the enrollments ids selects (which must all be of this cohort), and
// starts one query over enrollments joined to participants, ordered by
// name, whose rows Each then reads one at a time: memory stays flat
// whatever the size of the cohort.
func (s *Enrollments) OpenExport(ctx context.Context, actor Actor, cohortID uint, ids []uint) (*Export, error) {
	if !actor.IsStaff() {
		return nil, ErrForbidden
	}
	if len(ids) > MaxSelection {
		return nil, invalid("ids", CodeTooMany, "max", MaxSelection)
	}
	db := s.db.WithContext(ctx)
	cohort, err := findCohort(db, cohortID)
	if err != nil {
		return nil, err
	}
	q := db.Table("enrollments").Select(exportColumns).
		Joins("JOIN participants ON participants.id = enrollments.participant_id").
		Where("enrollments.cohort_id = ?", cohortID)
	if ids != nil {
		var found []uint
		err := db.Model(&models.Enrollment{}).Where("cohort_id = ? AND id IN ?", cohortID, ids).Pluck("id", &found).Error
		if err != nil {
			return nil, err
		}
		if err := checkExported(ids, found); err != nil {
			return nil, err
		}
		q = q.Where("enrollments.id IN ?", ids)
	}
	rows, err := q.Order("enrollments.sort_name, enrollments.id").Rows()
	if err != nil {
		return nil, err
	}
	return &Export{Cohort: cohort, rows: rows}, nil
}

// Each calls write with each row in turn and closes the export. It stops at
// the first error, write's or the database's.
func (e *Export) Each(write func(roster.ExportRow) error) (err error) {
	defer func() { err = errors.Join(err, e.Close()) }()
	var (
		r               roster.ExportRow
		network, status string
		enrolled        models.Date
		withdrawn       *models.Date
	)
	for e.rows.Next() {
		withdrawn = nil
		err := e.rows.Scan(&r.LastName, &r.FirstName, &r.Email, &r.Organisation, &network, &r.FederalState,
			&r.Phone, &status, &enrolled, &withdrawn, &r.WithdrawalReason)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		r.NetworkType, r.Status, r.EnrolledAt, r.WithdrawnAt = network, status, enrolled.Time, nil
		if withdrawn != nil {
			t := withdrawn.Time
			r.WithdrawnAt = &t
		}
		if err := write(r); err != nil {
			return err
		}
	}
	if err := e.rows.Err(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// Close ends the query; after Each it does nothing.
func (e *Export) Close() error {
	return e.rows.Close()
}
