package services

import (
	"fmt"

	"gorm.io/gorm"

	"kohorte/certificates"
	"kohorte/models"
)

// scalePeoplePerCertificate sets how many certificates a generated region
// has, rendered and numbered as issuing does: one per 200 people (200 at
// 40,000), enough to verify, few enough to load in seconds.
const scalePeoplePerCertificate = 200

// certificates issues the certificates of the first people who completed
// a cohort whose jury released its results.
func (g *scaleGen) certificates(tx *gorm.DB, actor Actor, courses []models.Course, cohorts []models.Cohort,
	perCohort [][]models.Enrollment, persons []models.Participant) (int, error) {
	want := max(1, len(persons)/scalePeoplePerCertificate)
	byCourse := make(map[uint]models.Course, len(courses))
	for _, c := range courses {
		byCourse[c.ID] = c
	}
	byID := make(map[uint]*models.Participant, len(persons))
	for i := range persons {
		byID[persons[i].ID] = &persons[i]
	}
	issued := 0
	for ci, c := range cohorts {
		if c.Status != models.CohortCompleted || c.Capacity > scaleMaxCohort {
			continue
		}
		for _, e := range perCohort[ci] {
			if e.Status != models.EnrollmentCompleted {
				continue
			}
			if err := g.certificate(tx, actor, byCourse[c.CourseID], c, e, byID[e.ParticipantID]); err != nil {
				return issued, fmt.Errorf("certificate of enrollment %d: %w", e.ID, err)
			}
			if issued++; issued == want {
				return issued, nil
			}
		}
	}
	return issued, nil
}

func (g *scaleGen) certificate(tx *gorm.DB, actor Actor, course models.Course, c models.Cohort, e models.Enrollment, p *models.Participant) error {
	req := issueRequest{Kind: models.KindCertificate, Enrollment: e, Course: course, CohortName: c.Name, Holder: holderName(p),
		Lang: "de", IssuedOn: g.today, VerifyBase: DefaultVerifyBase}
	cert := certificates.Certificate{Lang: certificates.German, Holder: req.Holder, CertificateTitle: course.CertificateTitle,
		Course: course.Title, From: c.StartDate.Time, To: c.EndDate.Time, Topics: course.Topics, Place: c.Venue,
		IssuedOn: g.today.Time, Issuers: issuersOf(course), Signatories: signatoriesOf(course)}
	req.Render = func(number, url string) ([]byte, error) {
		cert.Number, cert.VerifyURL = number, url
		return certificates.RenderCertificate(cert)
	}
	_, err := issueDocument(tx, actor, req)
	return err
}
