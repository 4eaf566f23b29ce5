package services

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"kohorte/models"
)

// Courses manages courses: their texts, issuers, signatories and rules.
type Courses struct {
	db *gorm.DB
}

// Certificate rule defaults of DESIGN.md.
const (
	DefaultDurationWeeks        = 12
	DefaultMinAttendancePercent = 80
	DefaultMinJuryPercent       = 50
)

// CourseInput is what staff set on a course. Nil pointers keep the
// current value on update and take the default on create.
type CourseInput struct {
	Title                string
	CertificateTitle     string
	Description          string
	Topics               []string
	Format               string
	DurationWeeks        *int
	CertificatePrefix    string
	MinAttendancePercent *int
	ClosingRequired      *bool
	MinJuryPercent       *int
	Issuers              []IssuerInput
	Signatories          []SignatoryInput
}

// IssuerInput is an organisation issuing the certificate. ID names an
// existing issuer of the course; without it, an issuer of the same name is
// the same one. Either way it keeps its logo.
type IssuerInput struct {
	ID   uint
	Name string
	City string
}

// SignatoryInput is a person signing the certificate.
type SignatoryInput struct {
	Name     string
	Function string
}

func (in CourseInput) apply(c *models.Course) error {
	verr := &ValidationError{}
	c.Title = requireText(verr, "title", in.Title, 300)
	c.CertificateTitle = requireText(verr, "certificate_title", in.CertificateTitle, 300)
	c.Description = strings.TrimSpace(in.Description)
	if code := ParagraphCode(c.Description); code != "" {
		verr.Add("description", code)
	}
	c.Format = optionalText(verr, "format", in.Format, 50)
	c.CertificatePrefix = strings.ToUpper(requireText(verr, "certificate_prefix", in.CertificatePrefix, 20))
	if strings.ContainsFunc(c.CertificatePrefix, func(r rune) bool { return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') }) {
		verr.Add("certificate_prefix", CodeCoursePrefixChars)
	}
	c.Topics = c.Topics[:0:0]
	for i, t := range in.Topics {
		if t = cleanName(t); t != "" {
			c.Topics = append(c.Topics, optionalText(verr, fmt.Sprintf("topics[%d]", i), t, 300))
		}
	}
	setInt(verr, "duration_weeks", in.DurationWeeks, &c.DurationWeeks, 1, 104)
	setInt(verr, "min_attendance_percent", in.MinAttendancePercent, &c.MinAttendancePercent, 0, 100)
	setInt(verr, "min_jury_percent", in.MinJuryPercent, &c.MinJuryPercent, 0, 100)
	if in.ClosingRequired != nil {
		c.ClosingRequired = *in.ClosingRequired
	}
	c.Issuers = in.issuers(verr, c.Issuers)
	c.Signatories = in.signatories(verr)
	return verr.Err()
}

// Check reports every problem of the input that needs no database; see
// CohortInput.Check.
func (in CourseInput) Check() error {
	return in.apply(&models.Course{})
}

// issuers matches each input to an existing issuer, by ID or else by
// name, so that a logo stays with its organisation when others are added,
// removed or reordered.
func (in CourseInput) issuers(verr *ValidationError, old []models.CourseIssuer) []models.CourseIssuer {
	out := make([]models.CourseIssuer, len(in.Issuers))
	for i, is := range in.Issuers {
		out[i] = models.CourseIssuer{Position: i + 1,
			Name: requireText(verr, fmt.Sprintf("issuers[%d].name", i), is.Name, 200),
			City: optionalText(verr, fmt.Sprintf("issuers[%d].city", i), is.City, 100)}
		match, ok := matchIssuer(old, is.ID, out[i].Name)
		if is.ID != 0 && !ok {
			verr.Add(fmt.Sprintf("issuers[%d].id", i), CodeCourseIssuerUnknown)
		}
		if ok {
			out[i].ID, out[i].Logo, out[i].LogoContentType = match.ID, match.Logo, match.LogoContentType
		}
	}
	return out
}

func matchIssuer(old []models.CourseIssuer, id uint, name string) (models.CourseIssuer, bool) {
	for _, o := range old {
		if id != 0 && o.ID == id || id == 0 && strings.EqualFold(o.Name, name) {
			return o, true
		}
	}
	return models.CourseIssuer{}, false
}

func (in CourseInput) signatories(verr *ValidationError) []models.CourseSignatory {
	out := make([]models.CourseSignatory, len(in.Signatories))
	for i, s := range in.Signatories {
		out[i] = models.CourseSignatory{Position: i + 1,
			Name:     requireText(verr, fmt.Sprintf("signatories[%d].name", i), s.Name, 200),
			Function: optionalText(verr, fmt.Sprintf("signatories[%d].function", i), s.Function, 200)}
	}
	return out
}

func requireText(verr *ValidationError, field, raw string, max int) string {
	s := cleanName(raw)
	if s == "" {
		verr.Add(field, CodeRequired)
	}
	return optionalText(verr, field, s, max)
}

func optionalText(verr *ValidationError, field, raw string, max int) string {
	s := cleanName(raw)
	switch {
	case utf8.RuneCountInString(s) > max:
		verr.Add(field, CodeTooLong, "max", max)
	case TextCode(s) != "":
		// Control characters would break certificates and exports.
		verr.Add(field, TextCode(s))
	}
	return s
}

func setInt(verr *ValidationError, field string, v *int, dst *int, lo, hi int) {
	if v == nil {
		return
	}
	if *v < lo || *v > hi {
		verr.Add(field, CodeOutOfRange, "min", lo, "max", hi)
		return
	}
	*dst = *v
}

// CreateCourse adds a course with the default certificate rules where the
// input leaves them open.
func (s *Courses) CreateCourse(ctx context.Context, actor Actor, in CourseInput) (models.Course, error) {
	if !actor.IsStaff() {
		return models.Course{}, ErrForbidden
	}
	c := models.Course{DurationWeeks: DefaultDurationWeeks, MinAttendancePercent: DefaultMinAttendancePercent,
		ClosingRequired: true, MinJuryPercent: DefaultMinJuryPercent}
	if err := in.apply(&c); err != nil {
		return c, err
	}
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Create(&c).Error; err != nil {
			return err
		}
		// A new course starts with the default rubric of the jury.
		if err := addDefaultRubric(tx, c.ID); err != nil {
			return err
		}
		return record(tx, actor, "course.created", "course", c.ID, nil, courseSnapshot(c))
	})
	return c, err
}

// UpdateCourse replaces a course's fields, issuers and signatories.
func (s *Courses) UpdateCourse(ctx context.Context, actor Actor, id uint, in CourseInput) (models.Course, error) {
	if !actor.IsStaff() {
		return models.Course{}, ErrForbidden
	}
	var c models.Course
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		if c, err = loadCourse(tx, id); err != nil {
			return err
		}
		before := courseSnapshot(c)
		if err := in.apply(&c); err != nil {
			return err
		}
		if err := saveCourse(tx, &c); err != nil {
			return err
		}
		return record(tx, actor, "course.updated", "course", c.ID, before, courseSnapshot(c))
	})
	return c, err
}

// saveCourse writes the course row, keeps the issuers that stay (with
// their IDs and logos), and replaces the signatories.
func saveCourse(tx *gorm.DB, c *models.Course) error {
	if err := tx.Omit("Issuers", "Signatories").Save(c).Error; err != nil {
		return err
	}
	keep := make([]uint, 0, len(c.Issuers))
	for _, is := range c.Issuers {
		if is.ID != 0 {
			keep = append(keep, is.ID)
		}
	}
	drop := tx.Where("course_id = ?", c.ID)
	if len(keep) > 0 {
		drop = drop.Where("id NOT IN ?", keep)
	}
	if err := drop.Delete(&models.CourseIssuer{}).Error; err != nil {
		return err
	}
	for i := range c.Issuers {
		c.Issuers[i].CourseID = c.ID
		if err := tx.Save(&c.Issuers[i]).Error; err != nil {
			return err
		}
	}
	if err := tx.Where("course_id = ?", c.ID).Delete(&models.CourseSignatory{}).Error; err != nil {
		return err
	}
	for i := range c.Signatories {
		c.Signatories[i].ID, c.Signatories[i].CourseID = 0, c.ID
	}
	if len(c.Signatories) > 0 {
		return tx.Create(&c.Signatories).Error
	}
	return nil
}

func loadCourse(tx *gorm.DB, id uint) (models.Course, error) {
	var c models.Course
	err := tx.Preload("Issuers", func(db *gorm.DB) *gorm.DB { return db.Order("position") }).
		Preload("Signatories", func(db *gorm.DB) *gorm.DB { return db.Order("position") }).
		Take(&c, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return c, notFound("course", id)
	}
	return c, err
}

func courseSnapshot(c models.Course) map[string]any {
	issuers := make([]string, len(c.Issuers))
	for i, is := range c.Issuers {
		issuers[i] = is.Name
	}
	return map[string]any{"title": c.Title, "certificate_title": c.CertificateTitle, "duration_weeks": c.DurationWeeks,
		"certificate_prefix": c.CertificatePrefix, "min_attendance_percent": c.MinAttendancePercent,
		"closing_required": c.ClosingRequired, "min_jury_percent": c.MinJuryPercent, "issuers": issuers, "topics": c.Topics}
}

// GetCourse returns a course with its issuers and signatories.
func (s *Courses) GetCourse(ctx context.Context, actor Actor, id uint) (models.Course, error) {
	if !actor.IsStaff() {
		return models.Course{}, ErrForbidden
	}
	return loadCourse(s.db.WithContext(ctx), id)
}

// ListCourses returns all courses by title, without logos.
func (s *Courses) ListCourses(ctx context.Context, actor Actor) ([]models.Course, error) {
	if !actor.IsStaff() {
		return nil, ErrForbidden
	}
	var cs []models.Course
	err := s.db.WithContext(ctx).
		Preload("Issuers", func(db *gorm.DB) *gorm.DB { return db.Omit("logo").Order("position") }).
		Preload("Signatories", func(db *gorm.DB) *gorm.DB { return db.Order("position") }).
		Order("title, id").Find(&cs).Error
	return cs, err
}

// MaxLogoBytes bounds an issuer's logo.
const MaxLogoBytes = 1 << 20

// SetIssuerLogo stores the logo of the issuer at position (from 1).
func (s *Courses) SetIssuerLogo(ctx context.Context, actor Actor, courseID uint, position int, logo []byte) error {
	if !actor.IsStaff() {
		return ErrForbidden
	}
	contentType, err := logoType(logo)
	if err != nil {
		return err
	}
	return inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		res := tx.Model(&models.CourseIssuer{}).Where("course_id = ? AND position = ?", courseID, position).
			Updates(map[string]any{"logo": logo, "logo_content_type": contentType})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return notFound("issuer", position)
		}
		return record(tx, actor, "course.logo_set", "course", courseID, nil,
			map[string]any{"position": position, "content_type": contentType, "bytes": len(logo)})
	})
}

// logoType accepts PNG and JPEG, the formats the certificate PDFs embed.
func logoType(b []byte) (string, error) {
	switch {
	case len(b) == 0:
		return "", invalid("logo", CodeLogoEmpty)
	case len(b) > MaxLogoBytes:
		return "", invalid("logo", CodeLogoTooLarge, "mb", 1)
	case strings.HasPrefix(string(b), "\x89PNG\r\n\x1a\n"):
		return "image/png", nil
	case strings.HasPrefix(string(b), "\xff\xd8\xff"):
		return "image/jpeg", nil
	}
	return "", invalid("logo", CodeLogoType)
}
