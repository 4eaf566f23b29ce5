package services

import (
	"context"
	"errors"
	"strings"

	"gorm.io/gorm"

	"kohorte/models"
	"kohorte/services/roster"
)

// Participants manages people across cohorts.
type Participants struct {
	db *gorm.DB
	// accounts creates their logins.
	accounts *accounts
}

// ParticipantInput is what staff set on a participant. The same rules apply
// as to a row of an imported list.
type ParticipantInput struct {
	FirstName        string
	LastName         string
	Email            string
	Organisation     string
	NetworkType      string
	FederalState     string
	Phone            string
	DirectoryConsent bool
}

func (in ParticipantInput) apply(p *models.Participant) error {
	person, problems := roster.CheckPerson(roster.Person{FirstName: in.FirstName, LastName: in.LastName, Email: in.Email,
		Organisation: in.Organisation, NetworkType: in.NetworkType, FederalState: in.FederalState, Phone: in.Phone})
	if len(problems) > 0 {
		verr := &ValidationError{}
		for _, pr := range problems {
			verr.add(cellFieldError(string(pr.Field), pr))
		}
		return verr
	}
	p.FirstName, p.LastName, p.Email, p.Organisation = person.FirstName, person.LastName, person.Email, person.Organisation
	p.NetworkType, p.FederalState, p.Phone = models.NetworkType(person.NetworkType), person.FederalState, person.Phone
	p.DirectoryConsent = in.DirectoryConsent
	p.SearchText, p.SortName = participantSearchKey(*p), participantSortName(*p)
	return nil
}

// CheckFilterCodes refuses filter values that name no federal state or
// network type, rather than letting them match nobody.
func CheckFilterCodes(federalState, networkType string) error {
	verr := &ValidationError{}
	if _, ok := roster.ParseFederalState(federalState); federalState != "" && !ok {
		verr.Add("federal_state", CodeFederalStateInvalid, "value", federalState)
	}
	if _, ok := roster.ParseNetworkType(networkType); networkType != "" && !ok {
		verr.add(FieldError{Field: "network_type", Code: CodeNetworkTypeInvalid, Params: params("value", networkType),
			Message: "must be mint_region, fachkraeftesicherung or other"})
	}
	return verr.Err()
}

// cellFieldError names a problem that the list rules found with a person's
// field by its code; the parser's English message, which quotes the value,
// stays the message.
func cellFieldError(field string, e roster.CellError) FieldError {
	return FieldError{Field: field, Code: Code(e.Code), Params: CellParams(e), Message: e.Message}
}

// CellParams are the numbers and values that the code of a cell's problem
// needs: the most characters allowed, or the value and where it was first.
func CellParams(e roster.CellError) Params {
	switch {
	case e.Reason == roster.ReasonTooLong:
		return params("max", e.Max)
	case e.Reason == roster.ReasonDuplicate:
		return params("value", e.Value, "line", e.FirstLine)
	case e.Value != "":
		return params("value", e.Value)
	}
	return nil
}

var errEmailTaken = invalid("email", CodeParticipantEmailTaken)

// CreateParticipant adds a person.
func (s *Participants) CreateParticipant(ctx context.Context, actor Actor, in ParticipantInput) (models.Participant, error) {
	if !actor.IsStaff() {
		return models.Participant{}, ErrForbidden
	}
	var p models.Participant
	if err := in.apply(&p); err != nil {
		return p, err
	}
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		return createParticipantTx(tx, actor, &p)
	})
	return p, err
}

func createParticipantTx(tx *gorm.DB, actor Actor, p *models.Participant) error {
	if err := tx.Create(p).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return errEmailTaken
		}
		return err
	}
	return record(tx, actor, "participant.created", "participant", p.ID, nil, participantSnapshot(*p))
}

// UpdateParticipant changes a person's data.
func (s *Participants) UpdateParticipant(ctx context.Context, actor Actor, id uint, in ParticipantInput) (models.Participant, error) {
	if !actor.IsStaff() {
		return models.Participant{}, ErrForbidden
	}
	var p models.Participant
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Clauses(lockForUpdate()).Take(&p, id).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return notFound("participant", id)
		} else if err != nil {
			return err
		}
		before := participantSnapshot(p)
		if err := in.apply(&p); err != nil {
			return err
		}
		if err := tx.Save(&p).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return errEmailTaken
			}
			return err
		}
		return record(tx, actor, "participant.updated", "participant", p.ID, before, participantSnapshot(p))
	})
	return p, err
}

func participantSnapshot(p models.Participant) map[string]any {
	return map[string]any{"first_name": p.FirstName, "last_name": p.LastName, "email": p.Email,
		"organisation": p.Organisation, "network_type": p.NetworkType, "federal_state": p.FederalState,
		"phone": p.Phone, "directory_consent": p.DirectoryConsent}
}

// GetParticipant returns a person: any for staff, only themselves for a
// participant account linked to them, nobody for others.
func (s *Participants) GetParticipant(ctx context.Context, actor Actor, id uint) (models.Participant, error) {
	var p models.Participant
	q := s.db.WithContext(ctx).Where("id = ?", id)
	switch {
	case actor.IsStaff():
	case actor.Is(models.RoleParticipant):
		q = q.Where("user_id = ?", actor.UserID)
	default:
		return p, ErrForbidden
	}
	if err := q.Take(&p).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return p, notFound("participant", id)
	} else if err != nil {
		return p, err
	}
	return p, nil
}

// ParticipantFilter narrows and orders a listing of participants.
type ParticipantFilter struct {
	Search       string
	FederalState string
	NetworkType  string
	// Sort is one of last_name (default), first_name, email, organisation,
	// federal_state, created_at; a leading "-" sorts descending.
	Sort string
	Page Page
}

var participantSorts = map[string]string{
	"last_name": "participants.sort_name", "first_name": "participants.first_name", "email": "participants.email",
	"organisation": "participants.organisation", "federal_state": "participants.federal_state",
	"created_at": "participants.created_at",
}

// ListParticipants returns one page of participants and how many match.
func (s *Participants) ListParticipants(ctx context.Context, actor Actor, f ParticipantFilter) ([]models.Participant, int64, error) {
	if !actor.IsStaff() {
		return nil, 0, ErrForbidden
	}
	if err := checkTerms("search", f.Search, "federal_state", f.FederalState, "network_type", f.NetworkType, "sort", f.Sort); err != nil {
		return nil, 0, err
	}
	order, err := orderBy(f.Sort, participantSorts, "last_name", "participants.id")
	if err != nil {
		return nil, 0, err
	}
	q := filterParticipants(s.db.WithContext(ctx).Model(&models.Participant{}), f).Session(&gorm.Session{})
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var ps []models.Participant
	err = pageRows(q, s.db.WithContext(ctx).Model(&models.Participant{}), "participants.id", searchOrder(order, f, total), f.Page, total).Find(&ps).Error
	return ps, total, err
}

// sparseMatches is up to how many matches a search sorts them itself.
const sparseMatches = 2000

// searchOrder is the order in which a search's matches are paged. A search
// that matches few people (Ćosić: 770 of 40,000) is answered fastest by
// finding them through the search index and sorting them (2.7 ms); left
// alone, the planner walks the sort column's index and tests person after
// person until the page is full (8.6 ms for Ćosić's first page, the whole
// table for a rare name). Sorting by the column joined to an empty string
// keeps the order but puts the index out of the planner's reach. A search
// that matches many fills its first pages after a few steps of the walk,
// so it keeps the index unless the page lies deep in the matches.
func searchOrder(order string, f ParticipantFilter, total int64) string {
	offset, _, _ := f.Page.window(total)
	col, rest, _ := strings.Cut(order, " ")
	if f.Search == "" || col == participantSorts["created_at"] || (total > sparseMatches && offset < sparseMatches/2) {
		return order
	}
	return "(" + col + " || '') " + rest
}

func filterParticipants(q *gorm.DB, f ParticipantFilter) *gorm.DB {
	q = whereParticipantSearch(q, f.Search)
	if code, ok := roster.ParseFederalState(f.FederalState); ok {
		q = q.Where("participants.federal_state = ?", code)
	}
	if code, ok := roster.ParseNetworkType(f.NetworkType); ok {
		q = q.Where("participants.network_type = ?", code)
	}
	return q
}

// CreateAccount invites a participant to log in: an account with the
// participant role, linked to the person, and a one-time link to set a
// password. Asking again for a person who never set a password replaces
// the link.
func (s *Participants) CreateAccount(ctx context.Context, actor Actor, id uint) (Invitation, error) {
	if !actor.IsStaff() {
		return Invitation{}, ErrForbidden
	}
	var inv Invitation
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var p models.Participant
		if err := tx.Clauses(lockForUpdate()).Take(&p, id).Error; err != nil {
			return notFoundAs(err, "participant", id)
		}
		var err error
		inv, err = s.accounts.inviteTx(tx, actor, p.Email, p.FirstName+" "+p.LastName, models.RoleParticipant)
		if err != nil {
			return err
		}
		if inv.User.Role != models.RoleParticipant {
			return refuse(ErrConflict, CodeParticipantAccountRole, "role", inv.User.Role)
		}
		return tx.Model(&p).Update("user_id", inv.User.ID).Error
	})
	return inv, err
}

// MyEnrollment is an enrollment as its participant sees it.
type MyEnrollment struct {
	models.Enrollment
	Cohort models.Cohort
}

// MyEnrollments returns the enrollments of the participant linked to the
// actor's account, newest cohort first; nobody else's.
func (s *Participants) MyEnrollments(ctx context.Context, actor Actor) ([]MyEnrollment, error) {
	if !actor.Is(models.RoleParticipant) {
		return nil, ErrForbidden
	}
	return s.enrollmentsWhere(ctx, "participants.user_id = ?", actor.UserID)
}

// EnrollmentsOf returns every enrollment of one person, newest first, for staff.
func (s *Participants) EnrollmentsOf(ctx context.Context, actor Actor, participantID uint) ([]MyEnrollment, error) {
	if !actor.IsStaff() {
		return nil, ErrForbidden
	}
	return s.enrollmentsWhere(ctx, "participants.id = ?", participantID)
}

// enrollmentsWhere lists enrollments with their cohorts and course titles
// in two queries.
func (s *Participants) enrollmentsWhere(ctx context.Context, cond string, arg any) ([]MyEnrollment, error) {
	var es []models.Enrollment
	err := s.db.WithContext(ctx).
		Joins("JOIN participants ON participants.id = enrollments.participant_id").
		Where(cond, arg).
		Order("enrollments.enrolled_at DESC, enrollments.id DESC").Find(&es).Error
	if err != nil || len(es) == 0 {
		return nil, err
	}
	ids := make([]uint, len(es))
	for i, e := range es {
		ids[i] = e.CohortID
	}
	var cohorts []models.Cohort
	if err := s.db.WithContext(ctx).Preload("Course", func(db *gorm.DB) *gorm.DB { return db.Select("id", "title") }).
		Where("id IN ?", ids).Find(&cohorts).Error; err != nil {
		return nil, err
	}
	byID := make(map[uint]models.Cohort, len(cohorts))
	for _, c := range cohorts {
		byID[c.ID] = c
	}
	out := make([]MyEnrollment, len(es))
	for i, e := range es {
		out[i] = MyEnrollment{Enrollment: e, Cohort: byID[e.CohortID]}
	}
	return out, nil
}

func participantSortName(p models.Participant) string {
	return searchKey(p.LastName, p.FirstName)
}

func participantSearchKey(p models.Participant) string {
	return searchKey(p.FirstName, p.LastName, p.Email, p.Organisation)
}
