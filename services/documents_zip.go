package services

import (
	"archive/zip"
	"context"
	"database/sql"
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
// The PDFs are read one row at a time and written as they come, so that
// the archive costs the memory of one PDF whatever the cohort's size.
// Every refusal (rights, an unknown cohort) comes before start is called;
// start gets the archive's file name without extension and returns where
// to write it. An error after start means an incomplete archive.
func (s *Documents) CohortArchive(ctx context.Context, actor Actor, cohortID uint, lang roster.Lang, start func(name string) io.Writer) error {
	if !actor.IsStaff() {
		return ErrForbidden
	}
	return readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var c models.Cohort
		if err := tx.Select("id", "name").Take(&c, cohortID).Error; err != nil {
			return notFoundAs(err, "cohort", cohortID)
		}
		rows, err := tx.Table("issued_documents AS d").
			Select("d.number, d.issued_on, p.first_name, p.last_name, d.pdf").
			Joins("JOIN enrollments e ON e.id = d.enrollment_id").
			Joins("JOIN participants p ON p.id = e.participant_id").
			Where("e.cohort_id = ? AND d.revoked_at IS NULL", cohortID).
			Where("NOT EXISTS (SELECT 1 FROM issued_documents n WHERE n.supersedes_id = d.id)").
			Order("p.sort_name, p.id, d.number").Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		zw := zip.NewWriter(start(roster.DocumentsFileName(lang) + " " + c.Name))
		for rows.Next() {
			if err := writeArchiveEntry(zw, rows); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return zw.Close()
	})
}

// writeArchiveEntry copies the document of the current row into zw. The
// PDF is scanned as raw bytes that the driver owns, so that no copy of it
// outlives its row.
func writeArchiveEntry(zw *zip.Writer, rows *sql.Rows) error {
	var (
		number, first, last string
		issued              models.Date
		pdf                 sql.RawBytes
	)
	if err := rows.Scan(&number, &issued, &first, &last, &pdf); err != nil {
		return err
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: roster.DocumentFileName(last, first, number), Method: zip.Store,
		Modified: issued.Time})
	if err != nil {
		return err
	}
	if _, err := w.Write(pdf); err != nil {
		return fmt.Errorf("archive %s: %w", number, err)
	}
	return nil
}
