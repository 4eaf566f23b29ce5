package services

import (
	"context"
	"fmt"
	"testing"

	"gorm.io/gorm"

	"kohorte/models"
)

// BenchmarkIssueCohort1000 issues the certificates of a cohort of 1,000
// people in one bulk request, as staff do after a large closing event;
// each iteration gets a cohort of its own.
func BenchmarkIssueCohort1000(b *testing.B) {
	const n = 1000
	env := newRegisterEnv(b, 0)
	db, docs, staff, course := env.db, env.docs, env.staff, env.course
	docs.passes = func(Eligibility) bool { return true }
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		cohortID := benchCohort(b, db, course.ID, i, n)
		b.StartTimer()
		rep, err := docs.IssueCohort(context.Background(), staff, cohortID, IssueInput{VerifyBase: "https://kohorte.example.org"})
		must(b, err)
		if len(rep.Issued) != n {
			b.Fatalf("issued %d of %d", len(rep.Issued), n)
		}
	}
}

// benchCohort writes a running cohort of n enrolled people in bulk.
func benchCohort(b *testing.B, db *gorm.DB, courseID uint, round, n int) uint {
	cohort := models.Cohort{CourseID: courseID, Name: fmt.Sprintf("Frühjahr 2023 (%d)", round), StartDate: models.NewDate(2023, 3, 6),
		EndDate: models.NewDate(2023, 5, 26), Capacity: n, Status: models.CohortRunning}
	must(b, db.Create(&cohort).Error)
	people := make([]models.Participant, n)
	for i := range people {
		people[i] = models.Participant{FirstName: "Zoë", LastName: fmt.Sprintf("Ćosić-Şahin %d-%04d", round, i),
			Email: fmt.Sprintf("p%d-%d@example.org", round, i)}
	}
	must(b, db.CreateInBatches(&people, 200).Error)
	enrollments := make([]models.Enrollment, n)
	for i, p := range people {
		enrollments[i] = models.Enrollment{CohortID: cohort.ID, ParticipantID: p.ID, Status: models.EnrollmentEnrolled,
			EnrolledAt: cohort.StartDate}
	}
	must(b, db.CreateInBatches(&enrollments, 200).Error)
	return cohort.ID
}
