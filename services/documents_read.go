package services

import (
	"context"
	"time"

	"gorm.io/gorm"

	"kohorte/models"
)

// DocumentRow is one line of the register: a document, whose it is, of
// which course and cohort, and where it stands.
type DocumentRow struct {
	ID             uint
	Kind           models.DocumentKind
	Number         string
	Holder         string
	IssuedOn       models.Date
	Status         DocumentStatus
	RevokedAt      *time.Time
	RevokeReason   string
	SupersededBy   string
	OverrideReason string
	EnrollmentID   uint
	// Token is the verification token printed on the document.
	Token     string
	CohortID  uint
	Cohort    string
	CourseID  uint
	Course    string
	FirstName string
	LastName  string
}

// DocumentFilter narrows the register; zero fields do not filter.
type DocumentFilter struct {
	CourseID uint
	CohortID uint
	Kind     models.DocumentKind
	Status   DocumentStatus
	Year     int
	// Search finds a holder's name or a number by a part of it.
	Search string
	// Limit is at most MaxDocumentPage rows; DefaultDocumentPage when zero.
	Limit  int
	Offset int
}

// The sizes of a page of the register.
const (
	DefaultDocumentPage = 100
	MaxDocumentPage     = 1000
)

func (f DocumentFilter) check() error {
	verr := &ValidationError{}
	switch f.Kind {
	case "", models.KindCertificate, models.KindConfirmation:
	default:
		verr.Add("kind", CodeNotOneOf, "allowed", "certificate, confirmation")
	}
	switch f.Status {
	case "", DocumentValid, DocumentRevoked, DocumentSuperseded:
	default:
		verr.Add("status", CodeNotOneOf, "allowed", "valid, revoked, superseded")
	}
	if f.Year != 0 && (f.Year < 2000 || f.Year > 2999) {
		verr.Add("year", CodeNotOneOf, "allowed", "2000–2999")
	}
	if len(f.Search) > 200 {
		verr.Add("search", CodeTooLong, "max", 200)
	}
	if f.Limit < 0 || f.Limit > MaxDocumentPage || f.Offset < 0 {
		verr.Add("limit", CodeNotOneOf, "allowed", "1–1000")
	}
	return verr.Err()
}

// registerQuery selects the rows of the register, without the PDFs.
func registerQuery(tx *gorm.DB) *gorm.DB {
	return tx.Table("issued_documents AS d").
		Select(`d.id, d.kind, d.number, d.holder, d.issued_on, d.revoked_at, d.revoke_reason, d.override_reason,
			d.enrollment_id, d.token, e.cohort_id, c.name AS cohort, c.course_id, co.title AS course,
			p.first_name, p.last_name, d.superseded_by`).
		Joins("JOIN enrollments e ON e.id = d.enrollment_id").
		Joins("JOIN cohorts c ON c.id = e.cohort_id").
		Joins("JOIN courses co ON co.id = c.course_id").
		Joins("JOIN participants p ON p.id = e.participant_id")
}

func (f DocumentFilter) apply(q *gorm.DB) *gorm.DB {
	if f.CourseID != 0 {
		q = q.Where("c.course_id = ?", f.CourseID)
	}
	if f.CohortID != 0 {
		q = q.Where("e.cohort_id = ?", f.CohortID)
	}
	if f.Kind != "" {
		q = q.Where("d.kind = ?", f.Kind)
	}
	switch f.Status {
	case DocumentValid:
		q = q.Where("d.revoked_at IS NULL AND d.superseded_by IS NULL")
	case DocumentRevoked:
		q = q.Where("d.revoked_at IS NOT NULL")
	case DocumentSuperseded:
		q = q.Where("d.revoked_at IS NULL AND d.superseded_by IS NOT NULL")
	}
	if f.Year != 0 {
		q = q.Where("d.issued_on >= ? AND d.issued_on <= ?", models.NewDate(f.Year, 1, 1), models.NewDate(f.Year, 12, 31))
	}
	// Every word of the search must be in the person's folded name or
	// in the number: "özt" finds Öztürk, "KOH-T 2023" a confirmation.
	for _, p := range searchPatterns(f.Search) {
		q = q.Where(`(p.search_text LIKE ? ESCAPE '\' OR LOWER(d.number) LIKE ? ESCAPE '\')`, p, p)
	}
	return q
}

// documentScan is a row as the register's query returns it.
type documentScan struct {
	ID             uint
	Kind           models.DocumentKind
	Number         string
	Holder         string
	IssuedOn       models.Date
	RevokedAt      *time.Time
	RevokeReason   string
	OverrideReason string
	EnrollmentID   uint
	Token          string
	CohortID       uint
	Cohort         string
	CourseID       uint
	Course         string
	FirstName      string
	LastName       string
	SupersededBy   *string
}

func (r documentScan) row() DocumentRow {
	out := DocumentRow{ID: r.ID, Kind: r.Kind, Number: r.Number, Holder: r.Holder, IssuedOn: r.IssuedOn, Status: DocumentValid,
		RevokedAt: r.RevokedAt, RevokeReason: r.RevokeReason, OverrideReason: r.OverrideReason, EnrollmentID: r.EnrollmentID,
		Token: r.Token, CohortID: r.CohortID, Cohort: r.Cohort, CourseID: r.CourseID, Course: r.Course, FirstName: r.FirstName, LastName: r.LastName}
	if r.SupersededBy != nil {
		out.Status, out.SupersededBy = DocumentSuperseded, *r.SupersededBy
	}
	if r.RevokedAt != nil {
		out.Status = DocumentRevoked
	}
	return out
}

// List reads a page of the register for staff, newest first, and how many
// rows the filter finds in all.
func (s *Documents) List(ctx context.Context, actor Actor, f DocumentFilter) ([]DocumentRow, int64, error) {
	if !actor.IsStaff() {
		return nil, 0, ErrForbidden
	}
	if err := f.check(); err != nil {
		return nil, 0, err
	}
	if f.Limit == 0 {
		f.Limit = DefaultDocumentPage
	}
	var out []DocumentRow
	var total int64
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		if err := f.apply(registerQuery(tx)).Count(&total).Error; err != nil {
			return err
		}
		var err error
		out, err = scanDocuments(f.apply(registerQuery(tx)).Order("d.issued_on DESC, d.number DESC").Limit(f.Limit).Offset(f.Offset))
		return err
	})
	return out, total, err
}

// EachDocument calls fn with every row of the register the filter finds
// (its Limit and Offset ignored), read row by row, for an export of any
// size.
func (s *Documents) EachDocument(ctx context.Context, actor Actor, f DocumentFilter, fn func(DocumentRow) error) error {
	if !actor.IsStaff() {
		return ErrForbidden
	}
	f.Limit, f.Offset = 0, 0
	if err := f.check(); err != nil {
		return err
	}
	return readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		rows, err := f.apply(registerQuery(tx)).Order("d.issued_on DESC, d.number DESC").Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r documentScan
			if err := tx.ScanRows(rows, &r); err != nil {
				return err
			}
			if err := fn(r.row()); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

func scanDocuments(q *gorm.DB) ([]DocumentRow, error) {
	var rows []documentScan
	if err := q.Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]DocumentRow, len(rows))
	for i, r := range rows {
		out[i] = r.row()
	}
	return out, nil
}

// Mine lists the documents of the participant linked to the actor's
// account, newest first; never anyone else's.
func (s *Documents) Mine(ctx context.Context, actor Actor) ([]DocumentRow, error) {
	if !actor.Is(models.RoleParticipant) {
		return nil, ErrForbidden
	}
	var out []DocumentRow
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		out, err = scanDocuments(registerQuery(tx).Where("p.user_id = ?", actor.UserID).Order("d.issued_on DESC, d.number DESC"))
		return err
	})
	return out, err
}

// DocumentFile is an issued PDF as stored, with the names its file is
// called by.
type DocumentFile struct {
	Number    string
	FirstName string
	LastName  string
	PDF       []byte
}

// File returns a document's PDF as issued: to staff any, to a participant
// only their own (anyone else's is not found, like a missing one), to
// nobody else.
func (s *Documents) File(ctx context.Context, actor Actor, id uint) (DocumentFile, error) {
	if !actor.IsStaff() && !actor.Is(models.RoleParticipant) {
		return DocumentFile{}, ErrForbidden
	}
	var f DocumentFile
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		q := tx.Table("issued_documents AS d").Select("d.number, p.first_name, p.last_name, d.pdf").
			Joins("JOIN enrollments e ON e.id = d.enrollment_id").
			Joins("JOIN participants p ON p.id = e.participant_id").Where("d.id = ?", id)
		if !actor.IsStaff() {
			q = q.Where("p.user_id = ?", actor.UserID)
		}
		if err := q.Take(&f).Error; err != nil {
			return notFoundAs(err, "document", id)
		}
		return nil
	})
	return f, err
}

// CohortDocuments is a cohort's page of documents: everyone with where
// their certificate rules stand and the documents they hold.
type CohortDocuments struct {
	Cohort models.Cohort
	Rows   []CohortDocumentRow
}

// CohortDocumentRow is one enrollment with its documents, newest first.
type CohortDocumentRow struct {
	Enrollment  models.Enrollment
	Eligibility Eligibility
	Passes      bool
	Documents   []DocumentRow
}

// Cohort reads a cohort's enrollments with their eligibility and
// documents in one read transaction, whatever the cohort's size.
func (s *Documents) Cohort(ctx context.Context, actor Actor, cohortID uint) (CohortDocuments, error) {
	if !actor.IsStaff() {
		return CohortDocuments{}, ErrForbidden
	}
	var out CohortDocuments
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		g, err := readGrid(tx, cohortID, nil, s.now())
		if err != nil {
			return err
		}
		docs, err := scanDocuments(DocumentFilter{CohortID: cohortID}.apply(registerQuery(tx)).Order("d.issued_on DESC, d.number DESC"))
		if err != nil {
			return err
		}
		byEnrollment := make(map[uint][]DocumentRow)
		for _, d := range docs {
			byEnrollment[d.EnrollmentID] = append(byEnrollment[d.EnrollmentID], d)
		}
		out.Cohort = g.Cohort
		passes := s.passing()
		for _, r := range g.Rows {
			out.Rows = append(out.Rows, CohortDocumentRow{Enrollment: r.Enrollment, Eligibility: r.Eligibility,
				Passes: passes(r.Eligibility), Documents: byEnrollment[r.Enrollment.ID]})
		}
		return nil
	})
	return out, err
}
