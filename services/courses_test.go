package services_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kohorte/models"
	"kohorte/services"
)

func intp(i int) *int { return &i }

// courseInput is the course the domain reports describe.
func courseInput() services.CourseInput {
	return services.CourseInput{
		Title:             "Netzwerkkoordinator:in zur Fachkräftesicherung (IHK)",
		CertificateTitle:  "Netzwerkkoordinator:in zur Fachkräftesicherung (IHK)",
		Topics:            []string{"Netzwerkmanagement", " Fachkräftesicherung in der Region ", ""},
		Format:            "Blended Learning",
		CertificatePrefix: "koh",
		Issuers:           []services.IssuerInput{{Name: "Stiftung", City: "Oldenburg"}, {Name: "IHK Oldenburg", City: "Oldenburg"}},
		Signatories:       []services.SignatoryInput{{Name: "Dr. A. Beispiel", Function: "Vorstand"}},
	}
}

func TestCreateCourseTakesDefaults(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, err := e.svc.Courses.CreateCourse(context.Background(), e.admin, courseInput())
	if err != nil {
		t.Fatal(err)
	}
	type defaults struct {
		DurationWeeks, MinAttendancePercent, MinJuryPercent int
		ClosingRequired                                     bool
		CertificatePrefix                                   string
	}
	if diff := cmp.Diff(defaults{12, 80, 50, true, "KOH"},
		defaults{c.DurationWeeks, c.MinAttendancePercent, c.MinJuryPercent, c.ClosingRequired, c.CertificatePrefix}); diff != "" {
		t.Fatalf("defaults not applied (-want +got):\n%s", diff)
	}
	if len(c.Topics) != 2 {
		t.Fatalf("%d topics %q, want 2", len(c.Topics), c.Topics)
	}
	if c.Topics[1] != "Fachkräftesicherung in der Region" {
		t.Fatalf("second topic %q, want Fachkräftesicherung in der Region", c.Topics[1])
	}
	got, err := e.svc.Courses.GetCourse(context.Background(), e.admin, c.ID)
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	if len(got.Issuers) != 2 {
		t.Fatalf("read back %d issuers, want 2: %+v", len(got.Issuers), got.Issuers)
	}
	if got.Issuers[1].Name != "IHK Oldenburg" {
		t.Fatalf("read back second issuer %q, want IHK Oldenburg", got.Issuers[1].Name)
	}
	if got.Signatories[0].Function != "Vorstand" {
		t.Fatalf("read back first signatory's function %q, want Vorstand", got.Signatories[0].Function)
	}
}

func TestCourseValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	in := courseInput()
	in.Title, in.CertificatePrefix, in.DurationWeeks, in.MinJuryPercent = " ", "KO-H", intp(0), intp(101)
	in.Issuers = append(in.Issuers, services.IssuerInput{Name: ""})
	_, err := e.svc.Courses.CreateCourse(context.Background(), e.admin, in)
	var verr *services.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("CreateCourse = %v", err)
	}
	want := map[string]bool{"title": true, "certificate_prefix": true, "duration_weeks": true, "min_jury_percent": true, "issuers[2].name": true}
	for _, f := range verr.Fields {
		delete(want, f.Field)
	}
	if len(want) > 0 {
		t.Fatalf("missing field errors %v in %v", want, verr.Fields)
	}
}

func TestCohortEndDefaultsAndStatusMovesForwardOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	course, _ := e.svc.Courses.CreateCourse(ctx, e.admin, courseInput())
	// Wednesday 1 March 2023 plus 12 weeks is Wednesday 24 May 2023.
	c, err := e.svc.Cohorts.CreateCohort(ctx, e.admin, course.ID, services.CohortInput{Name: "Frühjahr 2023", StartDate: models.NewDate(2023, 3, 1), Capacity: 16})
	if err != nil {
		t.Fatal(err)
	}
	if c.EndDate.String() != "2023-05-24" {
		t.Fatalf("cohort %s–%s ends %s, want 2023-05-24", c.StartDate, c.EndDate, c.EndDate)
	}
	if c.Status != models.CohortPlanned {
		t.Fatalf("cohort is %s, want planned", c.Status)
	}
	if _, err := e.svc.Cohorts.CreateCohort(ctx, e.admin, course.ID, services.CohortInput{Name: "Frühjahr 2023", StartDate: models.NewDate(2024, 3, 1), Capacity: 16}); err == nil {
		t.Fatal("a second cohort of the same name was accepted")
	}
	for _, step := range []struct {
		to models.CohortStatus
		ok bool
	}{
		{models.CohortCompleted, false},
		{models.CohortRunning, true},
		{models.CohortPlanned, false},
		{models.CohortCompleted, true},
		{models.CohortArchived, true},
		{models.CohortRunning, false},
	} {
		_, err := e.svc.Cohorts.SetCohortStatus(ctx, e.admin, c.ID, step.to)
		if (err == nil) != step.ok {
			t.Fatalf("to %s: %v, want ok=%v", step.to, err, step.ok)
		}
		if !step.ok && !errors.Is(err, services.ErrInvalidAction) {
			t.Fatalf("to %s: %v, want invalid action", step.to, err)
		}
	}
	if n := e.countAudit(t, "cohort.status_changed"); n != 3 {
		t.Fatalf("%d status changes audited, want 3", n)
	}
}

func TestParticipantsAndJurorsCannotManageCourses(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	juror := services.Actor{UserID: 42, Role: models.RoleJuror}
	if _, err := e.svc.Courses.CreateCourse(context.Background(), juror, courseInput()); !errors.Is(err, services.ErrForbidden) {
		t.Fatalf("juror creates a course: %v", err)
	}
	if _, err := e.svc.Cohorts.ListCohorts(context.Background(), services.Actor{UserID: 7, Role: models.RoleParticipant}, services.CohortFilter{}); !errors.Is(err, services.ErrForbidden) {
		t.Fatalf("participant lists cohorts: %v", err)
	}
}

func TestIssuerLogoMustBeAnImage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	course, _ := e.svc.Courses.CreateCourse(ctx, e.admin, courseInput())
	png := []byte("\x89PNG\r\n\x1a\n0000")
	if err := e.svc.Courses.SetIssuerLogo(ctx, e.admin, course.ID, 2, png); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Courses.SetIssuerLogo(ctx, e.admin, course.ID, 2, []byte("GIF89a")); err == nil {
		t.Fatal("a GIF was accepted")
	}
	if err := e.svc.Courses.SetIssuerLogo(ctx, e.admin, course.ID, 3, png); !errors.Is(err, services.ErrNotFound) {
		t.Fatalf("third issuer: %v", err)
	}
	// Editing the course keeps the logo of the issuer that stays.
	in := courseInput()
	in.Title = "Neuer Titel"
	if _, err := e.svc.Courses.UpdateCourse(ctx, e.admin, course.ID, in); err != nil {
		t.Fatal(err)
	}
	got, _ := e.svc.Courses.GetCourse(ctx, e.admin, course.ID)
	if string(got.Issuers[1].Logo) != string(png) {
		t.Fatalf("logo lost on update: %q", got.Issuers[1].Logo)
	}
	if got.Issuers[1].LogoContentType != "image/png" {
		t.Fatalf("logo type lost on update: %q", got.Issuers[1].LogoContentType)
	}
}

// A logo stays with its organisation when another issuer is removed.
func TestIssuerLogoFollowsItsIssuer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	course, _ := e.svc.Courses.CreateCourse(ctx, e.admin, courseInput())
	png := []byte("\x89PNG\r\n\x1a\nstiftung")
	if err := e.svc.Courses.SetIssuerLogo(ctx, e.admin, course.ID, 1, png); err != nil {
		t.Fatal(err)
	}
	in := courseInput()
	in.Issuers = []services.IssuerInput{{Name: "IHK Oldenburg", City: "Oldenburg"}, {Name: "Stiftung", City: "Hamburg"}}
	got, err := e.svc.Courses.UpdateCourse(ctx, e.admin, course.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Issuers[0].Logo) != 0 {
		t.Fatalf("after reordering the first issuer has a logo: %q", got.Issuers[0].Logo)
	}
	if string(got.Issuers[1].Logo) != string(png) {
		t.Fatalf("after reordering the second issuer's logo is %q", got.Issuers[1].Logo)
	}
	if got.Issuers[1].Position != 2 {
		t.Fatalf("after reordering the second issuer is at position %d", got.Issuers[1].Position)
	}
	in.Issuers = []services.IssuerInput{{Name: "IHK Oldenburg"}}
	got, _ = e.svc.Courses.UpdateCourse(ctx, e.admin, course.ID, in)
	if len(got.Issuers) != 1 {
		t.Fatalf("after removing the foundation: %d issuers, want 1: %+v", len(got.Issuers), got.Issuers)
	}
	if len(got.Issuers[0].Logo) != 0 {
		t.Fatalf("after removing the foundation the remaining issuer has its logo: %+v", got.Issuers)
	}
	var n int64
	e.db.Model(&models.CourseIssuer{}).Where("course_id = ?", course.ID).Count(&n)
	if n != 1 {
		t.Fatalf("%d issuer rows, want 1", n)
	}
	in.Issuers = []services.IssuerInput{{ID: 99999, Name: "X"}}
	if _, err := e.svc.Courses.UpdateCourse(ctx, e.admin, course.ID, in); err == nil {
		t.Fatal("a foreign issuer id was accepted")
	}
}
