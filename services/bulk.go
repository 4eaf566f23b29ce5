package services

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"kohorte/models"
)

// This file holds what staff do to several people of a cohort's list at
// once: withdraw them, export them, give them accounts. Each takes the
// enrollments by id, all of one cohort, and does all or nothing; a refusal
// names the entry of the list ("enrollment_ids[2]") and the person.

// MaxSelection bounds the enrollments one bulk action takes; no cohort
// comes near it.
const MaxSelection = 1000

// selectionField names the entry i of a bulk action's list.
func selectionField(i int) string { return fmt.Sprintf("enrollment_ids[%d]", i) }

// checkSelection refuses an empty or oversized list into verr.
func checkSelection(verr *ValidationError, ids []uint) {
	switch {
	case len(ids) == 0:
		verr.Add("enrollment_ids", CodeTooFew, "min", 1)
	case len(ids) > MaxSelection:
		verr.Add("enrollment_ids", CodeTooMany, "max", MaxSelection)
	}
}

// selected is one enrollment of a bulk action with its entry in the list.
type selected struct {
	index      int
	enrollment *models.Enrollment
}

// selection reads the enrollments ids names, with their participants, in
// the order of the list and each once. An id that is not an enrollment of
// the cohort is refused into verr, which then refuses the whole list. The
// changes that follow hold the cohort's lock, as every change to its
// enrollments does, so the rows need no lock of their own.
func selection(tx *gorm.DB, cohortID uint, ids []uint, verr *ValidationError) ([]selected, error) {
	var es []models.Enrollment
	if err := tx.Where("cohort_id = ? AND id IN ?", cohortID, ids).Find(&es).Error; err != nil {
		return nil, err
	}
	people := make([]uint, len(es))
	for i, e := range es {
		people[i] = e.ParticipantID
	}
	var ps []models.Participant
	if err := tx.Where("id IN ?", people).Find(&ps).Error; err != nil {
		return nil, err
	}
	byID := make(map[uint]*models.Enrollment, len(es))
	for i := range es {
		byID[es[i].ID] = &es[i]
		for j := range ps {
			if ps[j].ID == es[i].ParticipantID {
				es[i].Participant = &ps[j]
			}
		}
	}
	out := make([]selected, 0, len(es))
	seen := make(map[uint]bool, len(ids))
	for i, id := range ids {
		e, ok := byID[id]
		switch {
		case !ok:
			verr.Add(selectionField(i), CodeEnrollmentNotInCohort, "id", id)
		case !seen[id]:
			out = append(out, selected{index: i, enrollment: e})
		}
		seen[id] = true
	}
	return out, nil
}

// personName names the person of a selected enrollment in a refusal.
func (s selected) personName() string {
	if p := s.enrollment.Participant; p != nil {
		return p.FirstName + " " + p.LastName
	}
	return ""
}

// refuseEntry records that the rule code refused the entry s.
func (s selected) refuse(verr *ValidationError, code Code, kv ...any) {
	kv = append(kv, "id", s.enrollment.ID, "name", s.personName())
	verr.Add(selectionField(s.index), code, kv...)
}

// Selected returns the enrollments of a cohort that ids names, with their
// participants, in the order of the list, for a page that asks to confirm
// a bulk action. An id of another cohort refuses the list.
func (s *Enrollments) Selected(ctx context.Context, actor Actor, cohortID uint, ids []uint) ([]models.Enrollment, error) {
	if !actor.IsStaff() {
		return nil, ErrForbidden
	}
	verr := &ValidationError{}
	if checkSelection(verr, ids); verr.Err() != nil {
		return nil, verr
	}
	var out []models.Enrollment
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		if _, err := findCohort(tx, cohortID); err != nil {
			return err
		}
		sel, err := selection(tx, cohortID, ids, verr)
		for _, se := range sel {
			out = append(out, *se.enrollment)
		}
		if err != nil {
			return err
		}
		return verr.Err()
	})
	return out, err
}

// WithdrawMany withdraws several people of a cohort on one day for one
// reason, in one transaction: if any of them cannot withdraw, nobody does,
// and the refusal names each person who cannot. Each withdrawal is audited
// as if it were made alone.
func (s *Enrollments) WithdrawMany(ctx context.Context, actor Actor, cohortID uint, ids []uint, day models.Date, reason string) ([]models.Enrollment, error) {
	if !actor.IsStaff() {
		return nil, ErrForbidden
	}
	day, reason, verr := s.withdrawal(day, reason)
	if checkSelection(verr, ids); verr.Err() != nil {
		return nil, verr
	}
	var out []models.Enrollment
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		if _, err := withdrawableCohort(tx, cohortID, day); err != nil {
			return err
		}
		sel, err := selection(tx, cohortID, ids, verr)
		if err != nil {
			return err
		}
		es := make([]*models.Enrollment, len(sel))
		for i, se := range sel {
			es[i] = se.enrollment
			switch e := se.enrollment; {
			case e.Status != models.EnrollmentEnrolled:
				se.refuse(verr, CodeEnrollmentNotEnrolled)
			case day.Before(e.EnrolledAt.Time):
				se.refuse(verr, CodeWithdrawalBeforeEnroll, "date", e.EnrolledAt.German())
			}
		}
		if err := verr.Err(); err != nil {
			return err
		}
		if err := withdrawTx(tx, actor, cohortID, es, day, reason); err != nil {
			return err
		}
		for _, e := range es {
			out = append(out, *e)
		}
		return nil
	})
	return out, err
}

// Accounts is what creating the accounts of several people did: who got
// one, with their one-time link, and how many had one already.
type Accounts struct {
	Created []CreatedAccount
	Skipped int
}

// CreatedAccount is one new account and the person it belongs to.
type CreatedAccount struct {
	Participant models.Participant
	Invitation
}

// CreateAccounts invites several people of a cohort to log in, as
// CreateAccount does for one; those who have an account already are
// skipped and counted. It does all or nothing: an address that belongs to
// another kind of account, or to one in use, refuses the list and names
// the person.
func (s *Participants) CreateAccounts(ctx context.Context, actor Actor, cohortID uint, ids []uint) (Accounts, error) {
	if !actor.IsStaff() {
		return Accounts{}, ErrForbidden
	}
	verr := &ValidationError{}
	if checkSelection(verr, ids); verr.Err() != nil {
		return Accounts{}, verr
	}
	var res Accounts
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		cohort, err := lockCohort(tx, cohortID)
		if err != nil {
			return err
		}
		if err := requireChangeable(cohort); err != nil {
			return err
		}
		sel, err := selection(tx, cohortID, ids, verr)
		if err != nil {
			return err
		}
		todo, err := withoutAccount(tx, sel, verr)
		if err != nil {
			return err
		}
		res.Skipped = len(sel) - len(todo)
		if err := verr.Err(); err != nil {
			return err
		}
		res.Created, err = s.invite(tx, actor, todo)
		return err
	})
	return res, err
}

// withoutAccount returns the selected people without an account, and
// refuses into verr each whose address belongs to an account they cannot
// have: another role's, or one in use.
func withoutAccount(tx *gorm.DB, sel []selected, verr *ValidationError) ([]selected, error) {
	var todo []selected
	emails := make([]string, 0, len(sel))
	for _, se := range sel {
		if se.enrollment.Participant.UserID == nil {
			todo = append(todo, se)
			emails = append(emails, se.enrollment.Participant.Email)
		}
	}
	if len(emails) == 0 {
		return nil, nil
	}
	var users []models.User
	if err := tx.Where("email IN ?", emails).Find(&users).Error; err != nil {
		return nil, err
	}
	byEmail := make(map[string]models.User, len(users))
	for _, u := range users {
		byEmail[u.Email] = u
	}
	for _, se := range todo {
		u, ok := byEmail[se.enrollment.Participant.Email]
		switch {
		case !ok:
		case u.Role != models.RoleParticipant:
			se.refuse(verr, CodeParticipantAccountRole, "role", u.Role)
		case u.PasswordHash != "":
			se.refuse(verr, CodeAccountEmailTaken)
		}
	}
	return todo, nil
}

// invite creates the account of each selected person and links it.
func (s *Participants) invite(tx *gorm.DB, actor Actor, todo []selected) ([]CreatedAccount, error) {
	out := make([]CreatedAccount, 0, len(todo))
	for _, se := range todo {
		p := *se.enrollment.Participant
		inv, err := s.accounts.inviteTx(tx, actor, p.Email, p.FirstName+" "+p.LastName, models.RoleParticipant)
		if err != nil {
			return nil, err
		}
		if err := tx.Model(&p).Update("user_id", inv.User.ID).Error; err != nil {
			return nil, err
		}
		out = append(out, CreatedAccount{Participant: p, Invitation: inv})
	}
	return out, nil
}
