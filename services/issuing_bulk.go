package services

import (
	"cmp"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"kohorte/models"
)

// bulkChunk is how many certificates a bulk issue renders before it
// stores them: enough to keep every core busy, few enough that their PDFs
// (about 30 KB each) stay small in memory whatever the cohort's size.
const bulkChunk = 64

// issueCertificates issues the certificates of rows, which bulkSkip let
// through, under consecutive numbers in the rows' order. Rendering is
// most of the work (about 15 ms a certificate), so each chunk renders on
// every core at once; the database then stores it in a few statements.
func (s *Documents) issueCertificates(tx *gorm.DB, actor Actor, sc issueScope, rows []GridRow, in IssueInput) ([]models.IssuedDocument, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	reqs := make([]issueRequest, len(rows))
	for i, r := range rows {
		req, err := s.request(sc, r, models.KindCertificate, in, nil)
		if err != nil {
			return nil, err
		}
		reqs[i] = req
	}
	prefix, year := sc.course.CertificatePrefix, reqs[0].IssuedOn.Year()
	last, err := reserveDocumentNumbers(tx, prefix, models.KindCertificate, year, len(reqs))
	if err != nil {
		return nil, err
	}
	first := last - len(reqs) + 1
	issued := make([]models.IssuedDocument, 0, len(reqs))
	size := cmp.Or(s.chunk, bulkChunk)
	for start := 0; start < len(reqs); start += size {
		chunk := reqs[start:min(start+size, len(reqs))]
		docs, err := renderAll(actor, chunk, func(i int) string {
			return documentNumber(prefix, models.KindCertificate, year, first+start+i)
		})
		if err != nil {
			return nil, err
		}
		if err := storeCertificates(tx, actor, sc.cohort, chunk, docs); err != nil {
			return nil, err
		}
		for _, d := range docs {
			d.PDF = nil
			issued = append(issued, d)
		}
	}
	return issued, nil
}

// renderAll renders reqs on every core, the i-th under number(i), and
// returns the first failure in their order.
func renderAll(actor Actor, reqs []issueRequest, number func(int) string) ([]models.IssuedDocument, error) {
	docs := make([]models.IssuedDocument, len(reqs))
	errs := make([]error, len(reqs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(reqs)) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(reqs); i = int(next.Add(1)) - 1 {
				docs[i], errs[i] = renderDocument(actor, reqs[i], number(i))
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return docs, nil
}

// storeCertificates stores a chunk of rendered certificates with their
// audit events and marks their enrollments completed, as issueFor does
// for one, in a few statements.
func storeCertificates(tx *gorm.DB, actor Actor, cohort models.Cohort, reqs []issueRequest, docs []models.IssuedDocument) error {
	if err := tx.CreateInBatches(&docs, 16).Error; err != nil {
		return err
	}
	events := make([]models.AuditEvent, 0, 2*len(docs))
	var completed []uint
	for i, d := range docs {
		events = append(events, issuedEvent(actor, reqs[i], d))
		if e := reqs[i].Enrollment; e.Status != models.EnrollmentCompleted && cohort.Status.Changeable() {
			completed = append(completed, e.ID)
			events = append(events, statusEvent(actor, e, models.EnrollmentCompleted))
		}
	}
	if len(completed) > 0 {
		if err := tx.Model(&models.Enrollment{}).Where("id IN ?", completed).
			Updates(map[string]any{"status": models.EnrollmentCompleted, "updated_at": time.Now()}).Error; err != nil {
			return err
		}
	}
	return tx.CreateInBatches(&events, 100).Error
}
