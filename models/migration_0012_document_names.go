package models

import (
	"gorm.io/gorm"
)

// migrateDocumentNames keeps on each issued document the course title and
// cohort name it was issued under, and on a superseded one the number of
// its successor. Verification then shows what the document was issued
// with, whatever was renamed since, and reads a single row: it is the
// register's busiest read, and the names' joins cost PostgreSQL more to
// plan than the lookup itself. Documents issued before take today's names.
func migrateDocumentNames(tx *gorm.DB) error {
	type issuedDocument struct {
		CourseTitle  string  `gorm:"size:300;not null;default:''"`
		CohortName   string  `gorm:"size:100;not null;default:''"`
		SupersededBy *string `gorm:"size:40"`
	}
	for _, field := range []string{"CourseTitle", "CohortName", "SupersededBy"} {
		if err := tx.Migrator().AddColumn(&issuedDocument{}, field); err != nil {
			return err
		}
	}
	return tx.Exec(`UPDATE issued_documents SET
		course_title = (SELECT co.title FROM courses co WHERE co.id = issued_documents.course_id),
		cohort_name = (SELECT c.name FROM enrollments e JOIN cohorts c ON c.id = e.cohort_id WHERE e.id = issued_documents.enrollment_id),
		superseded_by = (SELECT n.number FROM issued_documents n WHERE n.supersedes_id = issued_documents.id)`).Error
}
