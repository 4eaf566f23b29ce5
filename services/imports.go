package services

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"time"

	"gorm.io/gorm"

	"kohorte/models"
	"kohorte/services/roster"
)

// RowOutcome is what importing one row does.
type RowOutcome string

// The outcomes of a row.
const (
	RowNew             RowOutcome = "new"              // a new person, enrolled
	RowExisting        RowOutcome = "existing"         // a known person (same e-mail), enrolled
	RowAlreadyEnrolled RowOutcome = "already_enrolled" // enrolled in this cohort already; nothing changes
	RowError           RowOutcome = "error"            // refused; the whole import is refused
)

// ImportRow is one row of a preview.
type ImportRow struct {
	Line          int
	Outcome       RowOutcome
	Person        roster.Person
	ParticipantID uint // for existing people
	Errors        []roster.CellError
}

// ImportPreview says what an import would do, row by row.
type ImportPreview struct {
	Sheet     *roster.Sheet
	Rows      []ImportRow
	New       int
	Existing  int
	Skipped   int
	Errors    int
	FreeSeats int
	// Problem is a reason that refuses the whole list, e.g. too few places;
	// nil when there is none.
	Problem *Refusal
}

// OK reports whether the import can be committed.
func (p ImportPreview) OK() bool { return p.Errors == 0 && p.Problem == nil }

// ImportError refuses an import and lists every problem with it.
type ImportError struct {
	Preview ImportPreview
}

func (e *ImportError) Error() string {
	msgs := make([]string, 0, 3)
	if e.Preview.Problem != nil {
		msgs = append(msgs, e.Preview.Problem.Message())
	}
	for _, r := range e.Preview.Rows {
		for _, ce := range r.Errors {
			if len(msgs) == 3 {
				return "import refused: " + strings.Join(msgs, "; ") + "; …"
			}
			msgs = append(msgs, ce.Error())
		}
	}
	return "import refused: " + strings.Join(msgs, "; ")
}

// Is makes an ImportError match ErrConflict only when no row is wrong
// (too few places); row errors are a ValidationError for the caller.
func (e *ImportError) Is(target error) bool { return target == ErrConflict && e.Preview.Errors == 0 }

// Unwrap returns the list's problem when no row is wrong, so that its code
// and parameters can be found like any refusal's.
func (e *ImportError) Unwrap() error {
	if e.Preview.Errors == 0 && e.Preview.Problem != nil {
		return e.Preview.Problem
	}
	return nil
}

// Code names the refusal: the list's problem when no row is wrong, else
// invalid input, whose rows the preview lists with their own codes.
func (e *ImportError) Code() Code {
	if e.Preview.Errors == 0 && e.Preview.Problem != nil {
		return e.Preview.Problem.Code
	}
	return CodeInvalidInput
}

// PreviewImport tells what importing sheet into a cohort would do, without
// changing anything.
func (s *Enrollments) PreviewImport(ctx context.Context, actor Actor, cohortID uint, sheet *roster.Sheet) (ImportPreview, error) {
	if !actor.IsStaff() {
		return ImportPreview{}, ErrForbidden
	}
	return previewImport(s.db.WithContext(ctx), cohortID, sheet)
}

func previewImport(tx *gorm.DB, cohortID uint, sheet *roster.Sheet) (ImportPreview, error) {
	p := ImportPreview{Sheet: sheet, Rows: make([]ImportRow, len(sheet.Rows))}
	var cohort models.Cohort
	if err := tx.Take(&cohort, cohortID).Error; err != nil {
		return p, notFoundAs(err, "cohort", cohortID)
	}
	known, enrolled, err := knownPeople(tx, cohortID, sheet)
	if err != nil {
		return p, err
	}
	for i, r := range sheet.Rows {
		p.Rows[i] = classifyRow(r, known, enrolled)
		p.count(p.Rows[i].Outcome)
	}
	p.FreeSeats = cohort.Capacity - cohort.EnrolledCount
	switch {
	case !cohort.Status.Changeable():
		p.Problem = ErrCohortArchived
	case !cohort.Status.AcceptsEnrollments():
		p.Problem = refuse(ErrInvalidAction, CodeCohortClosed, "status", cohort.Status)
	case p.New+p.Existing > p.FreeSeats:
		p.Problem = refuse(ErrConflict, CodeImportTooFewPlaces, "count", p.New+p.Existing, "free", p.FreeSeats)
	}
	return p, nil
}

func (p *ImportPreview) count(o RowOutcome) {
	switch o {
	case RowNew:
		p.New++
	case RowExisting:
		p.Existing++
	case RowAlreadyEnrolled:
		p.Skipped++
	case RowError:
		p.Errors++
	}
}

func classifyRow(r roster.Row, known map[string]models.Participant, enrolled map[uint]models.EnrollmentStatus) ImportRow {
	row := ImportRow{Line: r.Line, Person: r.Values, Errors: r.Errors}
	if !r.Valid() {
		row.Outcome = RowError
		return row
	}
	existing, ok := known[r.Values.Email]
	if !ok {
		row.Outcome = RowNew
		return row
	}
	row.ParticipantID = existing.ID
	row.Outcome = RowExisting
	if st, in := enrolled[existing.ID]; in && holdsPlace(st) {
		row.Outcome = RowAlreadyEnrolled
	}
	return row
}

// lookupChunk bounds the parameters of one IN query; SQLite allows 32,766.
const lookupChunk = 1000

// knownPeople finds the participants whose e-mails the sheet lists, and
// their enrollments in the cohort, in a few queries per thousand rows.
func knownPeople(tx *gorm.DB, cohortID uint, sheet *roster.Sheet) (map[string]models.Participant, map[uint]models.EnrollmentStatus, error) {
	emails := make([]string, 0, len(sheet.Rows))
	for _, r := range sheet.Rows {
		if r.Valid() {
			emails = append(emails, r.Values.Email)
		}
	}
	known := make(map[string]models.Participant)
	enrolled := make(map[uint]models.EnrollmentStatus)
	for start := 0; start < len(emails); start += lookupChunk {
		chunk := emails[start:min(start+lookupChunk, len(emails))]
		var ps []models.Participant
		if err := tx.Where("email IN ?", chunk).Find(&ps).Error; err != nil {
			return nil, nil, err
		}
		ids := make([]uint, len(ps))
		for i, p := range ps {
			known[p.Email] = p
			ids[i] = p.ID
		}
		if len(ids) == 0 {
			continue
		}
		var es []models.Enrollment
		if err := tx.Select("participant_id", "status").Where("cohort_id = ? AND participant_id IN ?", cohortID, ids).Find(&es).Error; err != nil {
			return nil, nil, err
		}
		for _, e := range es {
			enrolled[e.ParticipantID] = e.Status
		}
	}
	return known, enrolled, nil
}

// ImportResult counts what a committed import did.
type ImportResult struct {
	Created  int // new participants
	Enrolled int // enrollments made, new and existing people together
	Skipped  int // rows already enrolled in the cohort
}

const importBatch = 500

// CommitImport imports sheet into a cohort in one transaction: every row
// or none. Any row error, or too few places, refuses the whole list with
// an ImportError that names every problem.
func (s *Enrollments) CommitImport(ctx context.Context, actor Actor, cohortID uint, sheet *roster.Sheet) (ImportResult, error) {
	if !actor.IsStaff() {
		return ImportResult{}, ErrForbidden
	}
	var res ImportResult
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		if _, err := lockCohort(tx, cohortID); err != nil {
			return err
		}
		p, err := previewImport(tx, cohortID, sheet)
		if err != nil {
			return err
		}
		if !p.OK() {
			return &ImportError{Preview: p}
		}
		res, err = s.applyImport(tx, actor, cohortID, p)
		return err
	})
	if err == nil && res.Created+res.Enrolled >= analyzeAfterRows {
		// The import is in; statistics that fail to come only cost plans
		// until autovacuum gathers them, so their error is not the caller's.
		_ = analyze(context.WithoutCancel(ctx), s.db, "participants", "enrollments")
	}
	return res, err
}

// analyzeAfterRows is how many rows an import writes before Kohorte has the
// database gather statistics on the tables it grew, instead of waiting for
// autovacuum: until then the planner treats them as they were before.
const analyzeAfterRows = 1000

func (s *Enrollments) applyImport(tx *gorm.DB, actor Actor, cohortID uint, p ImportPreview) (ImportResult, error) {
	res := ImportResult{Skipped: p.Skipped}
	created, err := createImported(tx, p.Rows)
	if err != nil {
		return res, err
	}
	res.Created = len(created)
	ids := make([]uint, 0, p.New+p.Existing)
	for _, r := range p.Rows {
		switch r.Outcome {
		case RowNew:
			ids = append(ids, created[r.Person.Email].ID)
		case RowExisting:
			ids = append(ids, r.ParticipantID)
		}
	}
	enrollments, err := s.enrollAll(tx, cohortID, ids)
	if err != nil {
		return res, err
	}
	res.Enrolled = len(enrollments)
	events := importEvents(actor, created, enrollments)
	events = append(events, auditEvent(actor, "cohort.imported", "cohort", cohortID, nil,
		map[string]any{"format": p.Sheet.Format, "created": res.Created, "enrolled": res.Enrolled, "skipped": res.Skipped}))
	if err := tx.CreateInBatches(&events, importBatch).Error; err != nil {
		return res, fmt.Errorf("write audit events: %w", err)
	}
	return res, nil
}

func createImported(tx *gorm.DB, rows []ImportRow) (map[string]*models.Participant, error) {
	var fresh []models.Participant
	for _, r := range rows {
		if r.Outcome == RowNew {
			v := r.Person
			p := models.Participant{FirstName: v.FirstName, LastName: v.LastName, Email: v.Email,
				Organisation: v.Organisation, NetworkType: models.NetworkType(v.NetworkType), FederalState: v.FederalState, Phone: v.Phone}
			p.SearchText, p.SortName = participantSearchKey(p), participantSortName(p)
			fresh = append(fresh, p)
		}
	}
	byEmail := make(map[string]*models.Participant, len(fresh))
	if len(fresh) == 0 {
		return byEmail, nil
	}
	if err := tx.CreateInBatches(&fresh, importBatch).Error; err != nil {
		return nil, fmt.Errorf("create participants: %w", err)
	}
	for i := range fresh {
		byEmail[fresh[i].Email] = &fresh[i]
	}
	return byEmail, nil
}

// enrollAll enrolls the participants ids, re-enrolling those who withdrew,
// and takes their places with one conditional update of the counter.
func (s *Enrollments) enrollAll(tx *gorm.DB, cohortID uint, ids []uint) ([]models.Enrollment, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	res := tx.Model(&models.Cohort{}).Where("id = ? AND enrolled_count + ? <= capacity", cohortID, len(ids)).
		UpdateColumn("enrolled_count", gorm.Expr("enrolled_count + ?", len(ids)))
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected != 1 {
		return nil, ErrCohortFull
	}
	day := s.now()
	withdrawn, err := withdrawnEnrollments(tx, cohortID, ids)
	if err != nil {
		return nil, err
	}
	out := make([]models.Enrollment, 0, len(ids))
	var fresh []models.Enrollment
	for _, id := range ids {
		if e, ok := withdrawn[id]; ok {
			e.Status, e.EnrolledAt, e.WithdrawnAt, e.WithdrawalReason = models.EnrollmentEnrolled, day, nil, ""
			if err := tx.Save(&e).Error; err != nil {
				return nil, err
			}
			out = append(out, e)
			continue
		}
		fresh = append(fresh, models.Enrollment{CohortID: cohortID, ParticipantID: id, Status: models.EnrollmentEnrolled, EnrolledAt: day})
	}
	if len(fresh) > 0 {
		if err := tx.CreateInBatches(&fresh, importBatch).Error; err != nil {
			return nil, fmt.Errorf("create enrollments: %w", err)
		}
	}
	return append(out, fresh...), nil
}

func withdrawnEnrollments(tx *gorm.DB, cohortID uint, ids []uint) (map[uint]models.Enrollment, error) {
	out := map[uint]models.Enrollment{}
	for start := 0; start < len(ids); start += lookupChunk {
		var es []models.Enrollment
		err := tx.Where("cohort_id = ? AND status = ? AND participant_id IN ?", cohortID, models.EnrollmentWithdrawn,
			ids[start:min(start+lookupChunk, len(ids))]).Find(&es).Error
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			out[e.ParticipantID] = e
		}
	}
	return out, nil
}

func importEvents(actor Actor, created map[string]*models.Participant, enrollments []models.Enrollment) []models.AuditEvent {
	events := make([]models.AuditEvent, 0, len(created)+len(enrollments)+1)
	for _, p := range created {
		events = append(events, auditEvent(actor, "participant.created", "participant", p.ID, nil, participantSnapshot(*p)))
	}
	for _, e := range enrollments {
		events = append(events, auditEvent(actor, "enrollment.created", "enrollment", e.ID, nil, enrollmentSnapshot(e)))
	}
	return events
}

// DefaultImportSlots is how many lists are read at once unless Options
// say otherwise. Reading a workbook costs up to about 100 MB and a second of
// CPU; two at once keep a small server responsive.
const DefaultImportSlots = 2

// importRetryAfter is how long a client refused for lack of a slot should
// wait: about as long as reading a large list takes.
const importRetryAfter = 5 * time.Second

// BusyError refuses to read a list while as many are read as the server
// allows at once. It matches ErrUnavailable and carries CodeImportBusy.
type BusyError struct {
	RetryAfter time.Duration
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("other lists are being read; try again in %s", e.RetryAfter)
}

// Unwrap gives the refusal, so that the error's kind and code are found
// like any refusal's.
func (e *BusyError) Unwrap() error { return refuse(ErrUnavailable, CodeImportBusy) }

// ReadList parses an uploaded participant list with the parser's default
// limits. It reads only in one of the import slots and refuses at once
// with a *BusyError when none is free; a list that cannot be read gives
// the parser's error, which SheetCode names. After a workbook, or a list
// refused, it returns the memory the parser took to the operating system
// when no other list is being read, so that a burst of large files does
// not leave the process large.
func (s *Enrollments) ReadList(actor Actor, r io.Reader, filename string) (*roster.Sheet, error) {
	if !actor.IsStaff() {
		return nil, ErrForbidden
	}
	release, err := s.TakeImportSlot()
	if err != nil {
		return nil, err
	}
	sheet, err := roster.Parse(r, filename, roster.Limits{})
	if last := release(); last && (sheet == nil || sheet.Format == "xlsx") {
		debug.FreeOSMemory()
	}
	return sheet, err
}

// TakeImportSlot takes one of the import slots, or refuses with a
// *BusyError when none is free. release gives the slot back and reports
// whether no other slot is taken.
func (s *Enrollments) TakeImportSlot() (release func() (last bool), err error) {
	select {
	case s.importSlots <- struct{}{}:
	default:
		return nil, &BusyError{RetryAfter: importRetryAfter}
	}
	return func() bool {
		<-s.importSlots
		return len(s.importSlots) == 0
	}, nil
}

// SheetError names why a list file cannot be read at all, as a problem
// with the input "file"; the parser's English explanation is its message.
func SheetError(err error) *ValidationError {
	code, p := SheetCode(err)
	return (&ValidationError{}).add(FieldError{Field: "file", Code: code, Params: p, Message: err.Error()})
}

// SheetCode names why a list file cannot be read, with the numbers the
// reason needs.
func SheetCode(err error) (Code, Params) {
	var tooLarge *roster.TooLargeError
	var header *roster.HeaderError
	switch {
	case errors.As(err, &tooLarge) && tooLarge.Kind == roster.LimitRows:
		return CodeImportTooManyRows, params("max", tooLarge.Limit)
	case errors.As(err, &tooLarge) && tooLarge.Kind == roster.LimitUnpacked:
		return CodeImportUnpackedTooLarge, params("mb", tooLarge.Limit>>20)
	case errors.As(err, &tooLarge):
		return CodeImportTooLarge, params("mb", tooLarge.Limit>>20)
	case errors.As(err, &header):
		missing := make([]string, len(header.Missing))
		for i, f := range header.Missing {
			missing[i] = string(f)
		}
		return CodeImportHeader, params("line", header.Line, "missing", strings.Join(missing, ", "))
	case errors.Is(err, roster.ErrLegacyExcel):
		return CodeImportLegacyExcel, nil
	case errors.Is(err, roster.ErrEncrypted):
		return CodeImportEncrypted, nil
	case errors.Is(err, roster.ErrDamaged):
		return CodeImportDamaged, nil
	case errors.Is(err, roster.ErrNoHeader):
		return CodeImportNoHeader, nil
	case errors.Is(err, roster.ErrNotSpreadsheet):
		return CodeImportNotSpreadsheet, nil
	}
	return CodeImportUnreadable, nil
}
