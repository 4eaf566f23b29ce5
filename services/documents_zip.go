package services

import (
	"archive/zip"
	"context"
	"fmt"
	"io"

	"gorm.io/gorm"

	"kohorte/models"
	"kohorte/services/roster"
)

// CohortArchive writes the valid documents of a cohort, as issued, into
// one ZIP: every certificate and attendance confirmation neither revoked
// nor superseded (a corrected document is there in its newest version,
// a revoked one not at all), of anyone enrolled, withdrawn people's
// confirmations included. Each entry is the stored PDF byte for byte,
// stored without compression (a PDF is compressed already) and named as
// its download, Nachname_Vorname_KOH-2023-0016.pdf.
//
// The list is read first, in one short transaction; then each PDF in a
// statement of its own, written as it comes: the archive costs the memory
// of one PDF whatever the cohort's size, and a slow download holds no
// database connection between its entries. Every refusal (rights, an
// unknown cohort) comes before start is called; start gets the archive's
// file name without extension and returns where to write it. An error
// after start means an incomplete archive.
func (s *Documents) CohortArchive(ctx context.Context, actor Actor, cohortID uint, lang roster.Lang, start func(name string) io.Writer) error {
	if !actor.IsStaff() {
		return ErrForbidden
	}
	var c models.Cohort
	var entries []archiveEntry
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Select("id", "name").Take(&c, cohortID).Error; err != nil {
			return notFoundAs(err, "cohort", cohortID)
		}
		return tx.Table("issued_documents AS d").
			Select("d.id, d.number, d.issued_on, p.first_name, p.last_name").
			Joins("JOIN enrollments e ON e.id = d.enrollment_id").
			Joins("JOIN participants p ON p.id = e.participant_id").
			Where("e.cohort_id = ? AND d.revoked_at IS NULL", cohortID).
			Where("d.superseded_by IS NULL").
			Order("p.sort_name, p.id, d.number").Scan(&entries).Error
	})
	if err != nil {
		return err
	}
	zw := zip.NewWriter(start(roster.DocumentsFileName(lang) + " " + c.Name))
	for _, e := range entries {
		if err := s.writeArchiveEntry(ctx, zw, e); err != nil {
			return err
		}
	}
	return zw.Close()
}

// archiveEntry is one document of the archive, without its PDF.
type archiveEntry struct {
	ID                          uint
	Number, FirstName, LastName string
	IssuedOn                    models.Date
}

// writeArchiveEntry reads one stored PDF and copies it into zw.
func (s *Documents) writeArchiveEntry(ctx context.Context, zw *zip.Writer, e archiveEntry) error {
	var pdf []byte
	if err := s.db.WithContext(ctx).Table("issued_documents").Select("pdf").Where("id = ?", e.ID).Row().Scan(&pdf); err != nil {
		return fmt.Errorf("archive %s: %w", e.Number, err)
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: roster.DocumentFileName(e.LastName, e.FirstName, e.Number), Method: zip.Store,
		Modified: e.IssuedOn.Time})
	if err != nil {
		return err
	}
	if _, err := w.Write(pdf); err != nil {
		return fmt.Errorf("archive %s: %w", e.Number, err)
	}
	return nil
}
