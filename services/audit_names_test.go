package services_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"kohorte/models"
	"kohorte/services"
)

// countQueries counts the statements db runs from now on.
func countQueries(t *testing.T, db *gorm.DB) *atomic.Int64 {
	t.Helper()
	var n atomic.Int64
	count := func(*gorm.DB) { n.Add(1) }
	for name, err := range map[string]error{
		"query": db.Callback().Query().After("gorm:query").Register("test:count_query", count),
		"row":   db.Callback().Row().After("gorm:row").Register("test:count_row", count),
	} {
		if err != nil {
			t.Fatalf("register %s counter: %v", name, err)
		}
	}
	return &n
}

func TestAuditObjectNamesCostOneQueryPerType(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	course, err := e.svc.Courses.CreateCourse(ctx, e.admin, services.CourseInput{Title: "Netzwerkkoordinator:in",
		CertificateTitle: "Netzwerkkoordinator:in", CertificatePrefix: "KOH"})
	if err != nil {
		t.Fatal(err)
	}
	cohort, err := e.svc.Cohorts.CreateCohort(ctx, e.admin, course.ID, services.CohortInput{Name: "Frühjahr 2023",
		StartDate: models.NewDate(2023, 3, 1), Capacity: 40})
	if err != nil {
		t.Fatal(err)
	}
	people := []string{"Zoë Ćosić-Şahin"}
	for i := range 11 {
		people = append(people, fmt.Sprintf("Person %02d", i))
	}
	for i, name := range people {
		p, err := e.svc.Participants.CreateParticipant(ctx, e.admin, services.ParticipantInput{
			FirstName: name[:len(name)-len(lastWord(name))-1], LastName: lastWord(name), Email: fmt.Sprintf("p%d@example.org", i)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Enrollments.Enroll(ctx, e.admin, cohort.ID, p.ID, models.Date{}); err != nil {
			t.Fatal(err)
		}
	}
	queries := countQueries(t, e.db)
	names := func(size int) (map[services.AuditRef]services.AuditObject, int64) {
		t.Helper()
		events, _, err := e.svc.Audit.List(ctx, e.admin, services.AuditFilter{Page: services.Page{Number: 1, Size: size}})
		if err != nil {
			t.Fatal(err)
		}
		before := queries.Load()
		got, err := e.svc.Audit.ObjectNames(ctx, e.admin, events)
		if err != nil {
			t.Fatal(err)
		}
		return got, queries.Load() - before
	}
	// The newest two events are the last person's enrollment and the
	// person: two types, two queries.
	if _, n := names(2); n != 2 {
		t.Errorf("naming 2 events of 2 types took %d queries, want 2", n)
	}
	// Every event: accounts, the course, the cohort, 12 people and 12
	// enrollments are five types, five queries.
	all, n := names(200)
	if n != 5 {
		t.Errorf("naming every event took %d queries, want 5", n)
	}
	var zoe, enrollment services.AuditObject
	for ref, obj := range all {
		if ref.Type == "participant" && obj.Name == "Zoë Ćosić-Şahin" {
			zoe = obj
		}
		if ref.Type == "enrollment" && obj.Name == "Zoë Ćosić-Şahin" {
			enrollment = obj
		}
	}
	if zoe.Name == "" {
		t.Errorf("no participant named Zoë Ćosić-Şahin in %v", all)
	}
	if want := (services.AuditObject{Name: "Zoë Ćosić-Şahin", Within: "Frühjahr 2023", CohortID: cohort.ID}); enrollment != want {
		t.Errorf("enrollment named %+v, want %+v", enrollment, want)
	}
	for ref, want := range map[services.AuditRef]string{
		{Type: "course", ID: fmt.Sprint(course.ID)}:    "Netzwerkkoordinator:in",
		{Type: "cohort", ID: fmt.Sprint(cohort.ID)}:    "Frühjahr 2023",
		{Type: "user", ID: fmt.Sprint(e.admin.UserID)}: "Administrator",
	} {
		if got := all[ref].Name; got != want {
			t.Errorf("%s %s named %q, want %q", ref.Type, ref.ID, got, want)
		}
	}
	if _, err := e.svc.Audit.ObjectNames(ctx, services.Actor{UserID: 99, Role: models.RoleJuror}, nil); err == nil {
		t.Error("a juror reads the names of the audit log")
	}
}

func lastWord(s string) string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ' ' {
			return s[i+1:]
		}
	}
	return s
}
