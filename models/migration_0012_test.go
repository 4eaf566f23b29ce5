package models_test

import (
	"context"
	"testing"
	"time"

	"kohorte/models"
	"kohorte/models/dbtest"
)

// Documents issued before migration 0012 take their course title, cohort
// name and successor's number from the rows they point at.
func TestDocumentNamesAreFilledForEarlierDocuments(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := dbtest.OpenEmpty(t)
	if err := models.MigrateTo(ctx, db, "202612020011_juries"); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	u := models.User{Email: "staff@example.org", DisplayName: "Staff", Role: models.RoleStaff}
	must(db.Create(&u).Error)
	course := models.Course{Title: "Netzwerkkoordinator:in", CertificateTitle: "Netzwerkkoordinator:in (IHK)", Topics: []string{},
		DurationWeeks: 12, CertificatePrefix: "KOH", MinAttendancePercent: 80, ClosingRequired: true, MinJuryPercent: 50}
	must(db.Create(&course).Error)
	cohort := models.Cohort{CourseID: course.ID, Name: "Frühjahr 2023", StartDate: models.NewDate(2023, 3, 6),
		EndDate: models.NewDate(2023, 5, 26), Capacity: 16, Status: models.CohortCompleted}
	must(db.Create(&cohort).Error)
	p := models.Participant{FirstName: "Zoë", LastName: "Ćosić-Şahin", Email: "zoe@example.org"}
	must(db.Create(&p).Error)
	e := models.Enrollment{CohortID: cohort.ID, ParticipantID: p.ID, Status: models.EnrollmentCompleted, EnrolledAt: cohort.StartDate}
	must(db.Create(&e).Error)
	doc := func(number string, supersedes *uint) models.IssuedDocument {
		d := models.IssuedDocument{Kind: models.KindCertificate, Number: number, CourseID: course.ID, EnrollmentID: e.ID,
			Holder: "Zoë Ćosić-Şahin", Lang: "de", IssuedOn: models.NewDate(2023, 6, 1), PDF: []byte("%PDF " + number),
			SHA256: number, Token: number, IssuedByID: u.ID, SupersedesID: supersedes, CreatedAt: time.Now()}
		must(db.Omit("CourseTitle", "CohortName", "SupersededBy").Create(&d).Error)
		return d
	}
	first := doc("KOH-2023-0001", nil)
	second := doc("KOH-2023-0002", &first.ID)

	must(models.Migrate(ctx, db))
	var got []models.IssuedDocument
	must(db.Omit("PDF").Order("number").Find(&got).Error)
	if len(got) != 2 {
		t.Fatalf("%d documents", len(got))
	}
	for _, d := range got {
		if d.CourseTitle != "Netzwerkkoordinator:in" || d.CohortName != "Frühjahr 2023" {
			t.Errorf("%s: course %q, cohort %q", d.Number, d.CourseTitle, d.CohortName)
		}
	}
	if got[0].SupersededBy == nil || *got[0].SupersededBy != second.Number || got[1].SupersededBy != nil {
		t.Errorf("superseded by: %v and %v", got[0].SupersededBy, got[1].SupersededBy)
	}
}
