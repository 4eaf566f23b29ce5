package frontend_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"testing"

	"kohorte/models"
	"kohorte/services"
)

// course adds a course through the service, with the default rules and
// one issuer.
func (s *stack) course(title string) models.Course {
	s.t.Helper()
	c, err := s.svc.Courses.CreateCourse(context.Background(), s.admin, services.CourseInput{
		Title: title, CertificateTitle: title, CertificatePrefix: "KOH",
		Topics:  []string{"Netzwerkarbeit", "Fachkräftesicherung"},
		Issuers: []services.IssuerInput{{Name: "IHK Oldenburg", City: "Oldenburg"}}})
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

// cohort adds a planned cohort from 1 March 2023 until a year from today,
// so that people enrolled and withdrawn today lie within it.
func (s *stack) cohort(courseID uint, name string, capacity int) models.Cohort {
	s.t.Helper()
	c, err := s.svc.Cohorts.CreateCohort(context.Background(), s.admin, courseID, services.CohortInput{
		Name: name, StartDate: models.NewDate(2023, 3, 1), EndDate: today().AddDays(365), Capacity: capacity, Venue: "IHK Oldenburg"})
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

// person adds a participant.
func (s *stack) person(first, last, email, state string) models.Participant {
	s.t.Helper()
	p, err := s.svc.Participants.CreateParticipant(context.Background(), s.admin, services.ParticipantInput{
		FirstName: first, LastName: last, Email: email, Organisation: "MINT-Region " + last,
		NetworkType: "mint_region", FederalState: state})
	if err != nil {
		s.t.Fatal(err)
	}
	return p
}

// enroll puts a participant into a cohort.
func (s *stack) enroll(cohortID, participantID uint) models.Enrollment {
	s.t.Helper()
	e, err := s.svc.Enrollments.Enroll(context.Background(), s.admin, cohortID, participantID, models.Date{})
	if err != nil {
		s.t.Fatal(err)
	}
	return e
}

// participantCount counts everyone in the database.
func (s *stack) participantCount() int64 {
	s.t.Helper()
	_, total, err := s.svc.Participants.ListParticipants(context.Background(), s.admin, services.ParticipantFilter{})
	if err != nil {
		s.t.Fatal(err)
	}
	return total
}

// upload posts a file as the multipart field of a form.
func (c *client) upload(path, field, filename string, content []byte) response {
	c.s.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile(field, filename)
	if err != nil {
		c.s.t.Fatal(err)
	}
	part.Write(content)
	if err := w.Close(); err != nil {
		c.s.t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, origin+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

// redirectID follows a 303 to a page of the kind /kohorten/7?… and
// returns the 7.
func redirectID(t *testing.T, r response, prefix string) uint {
	t.Helper()
	m := regexp.MustCompile("^" + regexp.QuoteMeta(prefix) + `(\d+)`).FindStringSubmatch(r.Header.Get("Location"))
	if r.Code != http.StatusSeeOther {
		t.Fatalf("status %d, want 303 to %s…\n%s", r.Code, prefix, r.Body)
	}
	if m == nil {
		t.Fatalf("redirect to %q, want one to %s…", r.Header.Get("Location"), prefix)
	}
	var id uint
	fmt.Sscan(m[1], &id)
	return id
}

// form builds url.Values from name-value pairs.
func form(pairs ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Add(pairs[i], pairs[i+1])
	}
	return v
}

func newRequest(method, path string) *http.Request {
	return httptest.NewRequest(method, origin+path, nil)
}
