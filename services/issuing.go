package services

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"kohorte/certificates"
	"kohorte/models"
)

// IssueInput is how staff want a document issued: its language, where its
// verification link points, and, for a certificate whose rules do not all
// hold, why it is issued all the same.
type IssueInput struct {
	Lang           string
	VerifyBase     string
	OverrideReason string
}

func (in IssueInput) lang() (string, error) {
	switch in.Lang {
	case "", "de":
		return "de", nil
	case "en":
		return "en", nil
	}
	return "", invalid("lang", CodeNotOneOf, "allowed", "de, en")
}

// BulkSkip is an enrollment a bulk issue left out, and why.
type BulkSkip struct {
	EnrollmentID uint
	Holder       string
	Code         Code
	Params       Params
}

// BulkReport is what a bulk issue did: the documents issued, in the order
// of the cohort's list, and everyone it skipped with the reason.
type BulkReport struct {
	Issued  []models.IssuedDocument
	Skipped []BulkSkip
}

// issueScope is what issuing reads once per transaction: the cohort with
// its course, issuers and signatories, and the grid rows of the
// enrollments concerned, with their eligibility and attendance.
type issueScope struct {
	cohort   models.Cohort
	course   models.Course
	sessions []models.CohortSession
	rows     []GridRow
	projects map[uint]string
}

// IssueCertificate issues the certificate of one enrollment. Unless every
// certificate rule holds, staff must give an override reason, which is
// stored with the document and audited. An enrollment holds at most one
// current certificate (a correction is a re-issue); a withdrawn one none.
func (s *Documents) IssueCertificate(ctx context.Context, actor Actor, enrollmentID uint, in IssueInput) (models.IssuedDocument, error) {
	return s.issueOne(ctx, actor, enrollmentID, models.KindCertificate, in)
}

// IssueConfirmation issues the attendance confirmation of one enrollment,
// also a withdrawn one: it lists the sessions the person attended.
func (s *Documents) IssueConfirmation(ctx context.Context, actor Actor, enrollmentID uint, in IssueInput) (models.IssuedDocument, error) {
	return s.issueOne(ctx, actor, enrollmentID, models.KindConfirmation, in)
}

func (s *Documents) issueOne(ctx context.Context, actor Actor, enrollmentID uint, kind models.DocumentKind, in IssueInput) (models.IssuedDocument, error) {
	if !actor.IsStaff() {
		return models.IssuedDocument{}, ErrForbidden
	}
	lang, err := in.lang()
	if err != nil {
		return models.IssuedDocument{}, err
	}
	in.Lang, in.OverrideReason = lang, strings.TrimSpace(in.OverrideReason)
	var doc models.IssuedDocument
	err = inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		e, err := enrollmentOf(tx, enrollmentID)
		if err != nil {
			return err
		}
		sc, err := s.readScope(tx, e.CohortID, []uint{e.ID})
		if err != nil {
			return err
		}
		if len(sc.rows) != 1 {
			return notFound("enrollment", enrollmentID)
		}
		if err := refuseCurrent(tx, e.ID, kind); err != nil {
			return err
		}
		doc, err = s.issueFor(tx, actor, sc, sc.rows[0], kind, in, nil)
		return err
	})
	return doc, err
}

// IssueCohort issues the certificate of every enrollment of a cohort whose
// rules all hold and who has no current certificate, in one transaction,
// and reports whom it skipped and why.
func (s *Documents) IssueCohort(ctx context.Context, actor Actor, cohortID uint, in IssueInput) (BulkReport, error) {
	if !actor.IsStaff() {
		return BulkReport{}, ErrForbidden
	}
	lang, err := in.lang()
	if err != nil {
		return BulkReport{}, err
	}
	in.Lang, in.OverrideReason = lang, ""
	var rep BulkReport
	err = inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		rep = BulkReport{}
		if _, err := lockCohort(tx, cohortID); err != nil {
			return err
		}
		sc, err := s.readScope(tx, cohortID, nil)
		if err != nil {
			return err
		}
		current, err := currentDocuments(tx, cohortID, models.KindCertificate)
		if err != nil {
			return err
		}
		var due []GridRow
		for _, r := range sc.rows {
			if skip, ok := bulkSkip(r, current, s.passing()); ok {
				rep.Skipped = append(rep.Skipped, skip)
				continue
			}
			due = append(due, r)
		}
		rep.Issued, err = s.issueCertificates(tx, actor, sc, due, in)
		return err
	})
	return rep, err
}

// bulkSkip tells whether a bulk issue leaves r out, and why.
func bulkSkip(r GridRow, current map[uint]string, passes func(Eligibility) bool) (BulkSkip, bool) {
	skip := BulkSkip{EnrollmentID: r.Enrollment.ID, Holder: holderName(r.Enrollment.Participant)}
	switch number, has := current[r.Enrollment.ID]; {
	case r.Enrollment.Status == models.EnrollmentWithdrawn:
		skip.Code = CodeDocumentWithdrawn
	case has:
		skip.Code, skip.Params = CodeDocumentAlreadyIssued, params("number", number)
	case !passes(r.Eligibility):
		skip.Code, skip.Params = CodeDocumentNotEligible, params("state", string(r.Eligibility.State))
	default:
		return skip, false
	}
	return skip, true
}

// Reissue corrects a document, for instance after a change of name: a new
// document with a new number, printed from today's data, supersedes the
// old one, which stays in the register and verifies as superseded. The
// override reason of a certificate carries over; the reason of the
// correction is audited.
func (s *Documents) Reissue(ctx context.Context, actor Actor, documentID uint, reason string, in IssueInput) (models.IssuedDocument, error) {
	if !actor.IsStaff() {
		return models.IssuedDocument{}, ErrForbidden
	}
	lang, err := in.lang()
	if err != nil {
		return models.IssuedDocument{}, err
	}
	if reason = strings.TrimSpace(reason); reason == "" {
		return models.IssuedDocument{}, invalid("reason", CodeRequired)
	}
	in.Lang = lang
	var doc models.IssuedDocument
	err = inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var old models.IssuedDocument
		if err := tx.Omit("PDF").Take(&old, documentID).Error; err != nil {
			return notFoundAs(err, "document", documentID)
		}
		e, err := enrollmentOf(tx, old.EnrollmentID)
		if err != nil {
			return err
		}
		sc, err := s.readScope(tx, e.CohortID, []uint{e.ID})
		if err != nil {
			return err
		}
		if err := refuseReplaced(tx, old); err != nil {
			return err
		}
		in.OverrideReason = old.OverrideReason
		if doc, err = s.issueFor(tx, actor, sc, sc.rows[0], old.Kind, in, &old); err != nil {
			return err
		}
		return record(tx, actor, "document.reissued", "document", doc.ID,
			map[string]any{"number": old.Number, "holder": old.Holder}, map[string]any{"number": doc.Number, "holder": doc.Holder, "reason": reason})
	})
	return doc, err
}

// enrollmentOf locks the cohort of an enrollment and then the enrollment:
// every issuing transaction takes the cohort's row first, so that issues
// of one cohort, single or bulk, and its completion apply one after the
// other, never twice, and never in a deadlock.
func enrollmentOf(tx *gorm.DB, id uint) (models.Enrollment, error) {
	var e models.Enrollment
	if err := tx.Select("id", "cohort_id").Take(&e, id).Error; err != nil {
		return e, notFoundAs(err, "enrollment", id)
	}
	if _, err := lockCohort(tx, e.CohortID); err != nil {
		return e, err
	}
	err := tx.Clauses(lockForUpdate()).Take(&e, id).Error
	return e, notFoundAs(err, "enrollment", id)
}

// rulesHold is who passes: everyone whose every certificate rule holds.
func rulesHold(el Eligibility) bool { return el.State == RuleMet }

func (s *Documents) passing() func(Eligibility) bool { return passingOr(s.passes) }

func passingOr(passes func(Eligibility) bool) func(Eligibility) bool {
	if passes != nil {
		return passes
	}
	return rulesHold
}

// readScope reads what issuing for a cohort's enrollments (or those only)
// needs.
func (s *Documents) readScope(tx *gorm.DB, cohortID uint, only []uint) (issueScope, error) {
	g, err := readGrid(tx, cohortID, only, s.now())
	if err != nil {
		return issueScope{}, err
	}
	sc := issueScope{cohort: g.Cohort, sessions: g.Sessions, rows: g.Rows}
	if sc.course, err = loadCourse(tx, g.Cohort.CourseID); err != nil {
		return sc, err
	}
	sc.projects, err = projectTitles(tx, cohortID)
	return sc, err
}

// projectTitles maps the enrollments of a cohort in a project group to the
// group's project title.
func projectTitles(tx *gorm.DB, cohortID uint) (map[uint]string, error) {
	var rows []struct {
		EnrollmentID uint
		ProjectTitle string
	}
	err := tx.Table("group_members").Select("group_members.enrollment_id, project_groups.project_title").
		Joins("JOIN project_groups ON project_groups.id = group_members.group_id").
		Where("project_groups.cohort_id = ?", cohortID).Scan(&rows).Error
	out := make(map[uint]string, len(rows))
	for _, r := range rows {
		out[r.EnrollmentID] = r.ProjectTitle
	}
	return out, err
}

// currentDocuments maps the enrollments of a cohort to the number of their
// current document of kind: issued, neither revoked nor superseded.
func currentDocuments(tx *gorm.DB, cohortID uint, kind models.DocumentKind) (map[uint]string, error) {
	var rows []struct {
		EnrollmentID uint
		Number       string
	}
	err := currentQuery(tx, kind).Select("d.enrollment_id, d.number").
		Joins("JOIN enrollments ON enrollments.id = d.enrollment_id").
		Where("enrollments.cohort_id = ?", cohortID).Scan(&rows).Error
	out := make(map[uint]string, len(rows))
	for _, r := range rows {
		out[r.EnrollmentID] = r.Number
	}
	return out, err
}

func currentQuery(tx *gorm.DB, kind models.DocumentKind) *gorm.DB {
	return tx.Table("issued_documents AS d").Where("d.kind = ? AND d.revoked_at IS NULL", kind).
		Where("d.superseded_by IS NULL")
}

// refuseCurrent refuses a second current document of a kind for one
// enrollment; the caller holds the enrollment's cohort locked.
func refuseCurrent(tx *gorm.DB, enrollmentID uint, kind models.DocumentKind) error {
	var number string
	err := currentQuery(tx, kind).Select("d.number").Where("d.enrollment_id = ?", enrollmentID).Limit(1).Scan(&number).Error
	if err != nil {
		return err
	}
	if number != "" {
		return refuse(ErrConflict, CodeDocumentAlreadyIssued, "number", number)
	}
	return nil
}

// refuseReplaced refuses to correct a document that was revoked or
// corrected already.
func refuseReplaced(tx *gorm.DB, old models.IssuedDocument) error {
	if old.RevokedAt != nil {
		return refuse(ErrInvalidAction, CodeDocumentRevoked)
	}
	var next models.IssuedDocument
	err := tx.Select("number").Where("supersedes_id = ?", old.ID).Take(&next).Error
	switch {
	case err == nil:
		return refuse(ErrConflict, CodeDocumentSuperseded, "number", next.Number)
	case errors.Is(err, gorm.ErrRecordNotFound):
		return nil
	}
	return err
}

// issueFor checks the rules of one row, renders its document and stores
// it; a certificate marks the enrollment completed.
func (s *Documents) issueFor(tx *gorm.DB, actor Actor, sc issueScope, r GridRow, kind models.DocumentKind, in IssueInput, old *models.IssuedDocument) (models.IssuedDocument, error) {
	req, err := s.request(sc, r, kind, in, old)
	if err != nil {
		return models.IssuedDocument{}, err
	}
	doc, err := issueDocument(tx, actor, req)
	if err != nil || kind != models.KindCertificate {
		return doc, err
	}
	return doc, markCompleted(tx, actor, sc.cohort, r.Enrollment)
}

// request checks the rules of one row and prepares its document.
func (s *Documents) request(sc issueScope, r GridRow, kind models.DocumentKind, in IssueInput, old *models.IssuedDocument) (issueRequest, error) {
	e := r.Enrollment
	req := issueRequest{Kind: kind, Enrollment: e, Course: sc.course, CohortName: sc.cohort.Name, Holder: holderName(e.Participant),
		Lang: in.Lang, IssuedOn: s.today(), VerifyBase: in.VerifyBase}
	if old != nil {
		req.Supersedes = &old.ID
	}
	if kind != models.KindCertificate {
		conf := confirmationOf(sc, r, req)
		req.Render = func(number, url string) ([]byte, error) {
			conf.Number, conf.VerifyURL = number, url
			return certificates.RenderConfirmation(conf)
		}
		return req, nil
	}
	if e.Status == models.EnrollmentWithdrawn {
		return req, refuse(ErrInvalidAction, CodeDocumentWithdrawn)
	}
	if !s.passing()(r.Eligibility) {
		if in.OverrideReason == "" {
			return req, invalid("override_reason", CodeDocumentNotEligible, "state", string(r.Eligibility.State))
		}
		req.OverrideReason = in.OverrideReason
	}
	cert := certificateOf(sc, r, req)
	req.Render = func(number, url string) ([]byte, error) {
		cert.Number, cert.VerifyURL = number, url
		return certificates.RenderCertificate(cert)
	}
	return req, nil
}

// markCompleted records that a certified person completed the course,
// unless the cohort is archived and thus a closed record.
func markCompleted(tx *gorm.DB, actor Actor, c models.Cohort, e models.Enrollment) error {
	if e.Status == models.EnrollmentCompleted || !c.Status.Changeable() {
		return nil
	}
	return setEnrollmentStatus(tx, actor, e, models.EnrollmentCompleted)
}

func setEnrollmentStatus(tx *gorm.DB, actor Actor, e models.Enrollment, status models.EnrollmentStatus) error {
	if err := tx.Model(&models.Enrollment{}).Where("id = ?", e.ID).
		Updates(map[string]any{"status": status, "updated_at": time.Now()}).Error; err != nil {
		return err
	}
	return saveEvent(tx, statusEvent(actor, e, status))
}

// statusEvent is the audit event of an enrollment's new status.
func statusEvent(actor Actor, e models.Enrollment, status models.EnrollmentStatus) models.AuditEvent {
	return auditEvent(actor, "enrollment.status_changed", "enrollment", e.ID,
		map[string]any{"status": e.Status}, map[string]any{"status": status})
}

// holderName is the name a document prints: first and last name as the
// person's record has them now.
func holderName(p *models.Participant) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(p.FirstName + " " + p.LastName)
}

func issuersOf(c models.Course) []certificates.Issuer {
	out := make([]certificates.Issuer, len(c.Issuers))
	for i, is := range c.Issuers {
		out[i] = certificates.Issuer{Name: is.Name, City: is.City, Logo: is.Logo, LogoType: is.LogoContentType}
	}
	return out
}

func signatoriesOf(c models.Course) []certificates.Signatory {
	out := make([]certificates.Signatory, len(c.Signatories))
	for i, s := range c.Signatories {
		out[i] = certificates.Signatory{Name: s.Name, Function: s.Function}
	}
	return out
}

// placeOf is where a document is signed: the city of the first issuer
// that names one, else the venue of the presence sessions.
func placeOf(sc issueScope) string {
	for _, is := range sc.course.Issuers {
		if is.City != "" {
			return is.City
		}
	}
	return sc.cohort.Venue
}

func certificateOf(sc issueScope, r GridRow, req issueRequest) certificates.Certificate {
	return certificates.Certificate{Lang: certificates.Lang(req.Lang), Holder: req.Holder, CertificateTitle: sc.course.CertificateTitle,
		Course: sc.course.Title, From: sc.cohort.StartDate.Time, To: sc.cohort.EndDate.Time, Topics: sc.course.Topics,
		ProjectTitle: sc.projects[r.Enrollment.ID], Place: placeOf(sc), IssuedOn: req.IssuedOn.Time,
		Issuers: issuersOf(sc.course), Signatories: signatoriesOf(sc.course)}
}

// confirmationOf lists the sessions the person attended, on site or
// remote, from their row of the grid: for a withdrawn person those before
// the withdrawal, the only ones they can have attended.
func confirmationOf(sc issueScope, r GridRow, req issueRequest) certificates.Confirmation {
	c := certificates.Confirmation{Lang: certificates.Lang(req.Lang), Holder: req.Holder, Course: sc.course.Title,
		Cohort: sc.cohort.Name, From: sc.cohort.StartDate.Time, To: sc.cohort.EndDate.Time, Place: placeOf(sc),
		IssuedOn: req.IssuedOn.Time, Issuers: issuersOf(sc.course), Signatories: signatoriesOf(sc.course)}
	for i, cell := range r.Cells {
		s := sc.sessions[i]
		if !cell.Expected || !cell.Recorded || cell.Value.Status != models.AttendancePresent {
			continue
		}
		c.Sessions = append(c.Sessions, certificates.AttendedSession{Date: SessionDay(s).Time, Title: s.Title,
			Modality: certificates.Modality(cell.Value.Modality), Units: s.Units})
	}
	return c
}

// settleEnrollments decides, when a cohort is completed, who passed: an
// enrolled person whose every rule holds has completed it, one with a rule
// that failed has not passed. A person whose result is still open (a jury
// yet to score) stays enrolled, and a certificate issued later marks them
// completed. Withdrawn people keep their status.
func settleEnrollments(tx *gorm.DB, actor Actor, cohortID uint, now time.Time, passes func(Eligibility) bool) error {
	g, err := readGrid(tx, cohortID, nil, now)
	if err != nil {
		return err
	}
	for _, r := range g.Rows {
		if r.Enrollment.Status != models.EnrollmentEnrolled {
			continue
		}
		switch {
		case passes(r.Eligibility):
			err = setEnrollmentStatus(tx, actor, r.Enrollment, models.EnrollmentCompleted)
		case r.Eligibility.State == RuleNotMet:
			err = setEnrollmentStatus(tx, actor, r.Enrollment, models.EnrollmentNotPassed)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
