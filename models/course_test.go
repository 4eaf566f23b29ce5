package models_test

import (
	"testing"
	"time"

	"kohorte/models"
	"kohorte/models/dbtest"
)

func TestCourseSchemaKeepsDatesAndRefusesBadRows(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t)
	course := models.Course{Title: "Netzwerkkoordinator:in zur Fachkräftesicherung (IHK)", CertificateTitle: "Zertifikat",
		Topics: []string{"Netzwerkmanagement", "Fachkräftesicherung"}, DurationWeeks: 12, CertificatePrefix: "KOH",
		MinAttendancePercent: 80, ClosingRequired: true, MinJuryPercent: 50}
	if err := db.Create(&course).Error; err != nil {
		t.Fatal(err)
	}
	cohort := models.Cohort{CourseID: course.ID, Name: "Frühjahr 2023", StartDate: models.NewDate(2023, 3, 1),
		EndDate: models.NewDate(2023, 5, 24), Capacity: 2, Status: models.CohortPlanned}
	if err := db.Create(&cohort).Error; err != nil {
		t.Fatal(err)
	}
	var got models.Cohort
	if err := db.Take(&got, cohort.ID).Error; err != nil {
		t.Fatal(err)
	}
	if got.StartDate.String() != "2023-03-01" {
		t.Fatalf("start date read back as %s, want 2023-03-01", got.StartDate)
	}
	if got.EndDate.German() != "24.05.2023" {
		t.Fatalf("end date read back as %s, want 24.05.2023", got.EndDate.German())
	}
	var back models.Course
	db.Take(&back, course.ID)
	if len(back.Topics) != 2 {
		t.Fatalf("%d topics read back, want 2: %q", len(back.Topics), back.Topics)
	}
	if back.Topics[1] != "Fachkräftesicherung" {
		t.Fatalf("second topic read back as %q, want Fachkräftesicherung", back.Topics[1])
	}
	p := models.Participant{FirstName: "Zoë", LastName: "Ćosić-Şahin", Email: "zoe@example.org", FederalState: "NI"}
	if err := db.Create(&p).Error; err != nil {
		t.Fatal(err)
	}
	e := models.Enrollment{CohortID: cohort.ID, ParticipantID: p.ID, Status: models.EnrollmentEnrolled, EnrolledAt: models.DateOf(time.Now())}
	if err := db.Create(&e).Error; err != nil {
		t.Fatal(err)
	}

	refused := map[string]func() error{
		"capacity exceeded": func() error {
			return db.Model(&models.Cohort{}).Where("id = ?", cohort.ID).Update("enrolled_count", 3).Error
		},
		"end before start": func() error {
			return db.Model(&models.Cohort{}).Where("id = ?", cohort.ID).Update("end_date", models.NewDate(2023, 2, 1)).Error
		},
		"same cohort name twice": func() error {
			c := cohort
			c.ID = 0
			return db.Create(&c).Error
		},
		"unknown federal state": func() error {
			return db.Create(&models.Participant{FirstName: "A", LastName: "B", Email: "a@example.org", FederalState: "XX"}).Error
		},
		"unknown network type": func() error {
			return db.Create(&models.Participant{FirstName: "A", LastName: "B", Email: "b@example.org", NetworkType: "club"}).Error
		},
		"enrolled twice": func() error {
			dup := e
			dup.ID = 0
			return db.Create(&dup).Error
		},
		"participant with enrollments deleted": func() error { return db.Delete(&p).Error },
		"duration of zero weeks": func() error {
			return db.Model(&models.Course{}).Where("id = ?", course.ID).Update("duration_weeks", 0).Error
		},
	}
	for name, try := range refused {
		if err := try(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestCohortStatusMovesForwardOneStepAtATime(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		from, next models.CohortStatus
		accepts    bool
	}{
		{models.CohortPlanned, models.CohortRunning, true},
		{models.CohortRunning, models.CohortCompleted, true},
		{models.CohortCompleted, models.CohortArchived, false},
		{models.CohortArchived, "", false},
	} {
		if got := tc.from.Next(); got != tc.next {
			t.Errorf("%s.Next() = %q, want %q", tc.from, got, tc.next)
		}
		if got := tc.from.AcceptsEnrollments(); got != tc.accepts {
			t.Errorf("%s.AcceptsEnrollments() = %v, want %v", tc.from, got, tc.accepts)
		}
	}
	if got := len(models.CohortStatuses()); got != 4 {
		t.Errorf("%d statuses, want 4", got)
	}
}
