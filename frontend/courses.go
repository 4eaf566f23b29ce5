package frontend

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
)

// maxCourseFormBytes bounds the course form, which carries a description
// and the topics and so is larger than the other forms.
const maxCourseFormBytes = 64 << 10

// maxIssuers is how many issuers and signatories the course form offers;
// certificates have room for three of each.
const maxIssuers = 3

// courseForm is the course as the form sends it. Numbers are text so that
// an empty field keeps the default; the issuer and signatory inputs are
// named as the service names their errors.
type courseForm struct {
	Title             string `form:"title" label:"FieldCourseTitle"`
	CertificateTitle  string `form:"certificate_title" label:"FieldCertificateTitle"`
	Description       string `form:"description" label:"FieldDescription"`
	Topics            string `form:"topics" label:"FieldTopics"`
	Format            string `form:"format" label:"FieldFormat"`
	DurationWeeks     string `form:"duration_weeks" label:"FieldDurationWeeks"`
	CertificatePrefix string `form:"certificate_prefix" label:"FieldCertificatePrefix"`
	MinAttendance     string `form:"min_attendance_percent" label:"FieldMinAttendance"`
	ClosingRequired   bool   `form:"closing_required" label:"FieldClosingRequired"`
	MinJury           string `form:"min_jury_percent" label:"FieldMinJury"`
	Issuer1Name       string `form:"issuers[0].name" label:"FieldIssuer1Name"`
	Issuer1City       string `form:"issuers[0].city" label:"FieldIssuer1City"`
	Issuer2Name       string `form:"issuers[1].name" label:"FieldIssuer2Name"`
	Issuer2City       string `form:"issuers[1].city" label:"FieldIssuer2City"`
	Issuer3Name       string `form:"issuers[2].name" label:"FieldIssuer3Name"`
	Issuer3City       string `form:"issuers[2].city" label:"FieldIssuer3City"`
	Signatory1Name    string `form:"signatories[0].name" label:"FieldSignatory1Name"`
	Signatory1Func    string `form:"signatories[0].function" label:"FieldSignatory1Function"`
	Signatory2Name    string `form:"signatories[1].name" label:"FieldSignatory2Name"`
	Signatory2Func    string `form:"signatories[1].function" label:"FieldSignatory2Function"`
	Signatory3Name    string `form:"signatories[2].name" label:"FieldSignatory3Name"`
	Signatory3Func    string `form:"signatories[2].function" label:"FieldSignatory3Function"`
}

// newCourseForm proposes the certificate rules of DESIGN.md.
func newCourseForm() courseForm {
	return courseForm{DurationWeeks: strconv.Itoa(services.DefaultDurationWeeks),
		MinAttendance: strconv.Itoa(services.DefaultMinAttendancePercent), ClosingRequired: true,
		MinJury: strconv.Itoa(services.DefaultMinJuryPercent)}
}

func toCourseForm(c models.Course) courseForm {
	f := courseForm{Title: c.Title, CertificateTitle: c.CertificateTitle, Description: c.Description,
		Topics: strings.Join(c.Topics, "\n"), Format: c.Format, DurationWeeks: strconv.Itoa(c.DurationWeeks),
		CertificatePrefix: c.CertificatePrefix, MinAttendance: strconv.Itoa(c.MinAttendancePercent),
		ClosingRequired: c.ClosingRequired, MinJury: strconv.Itoa(c.MinJuryPercent)}
	issuers, signatories := f.issuerInputs(), f.signatoryInputs()
	for i, is := range c.Issuers[:min(len(c.Issuers), maxIssuers)] {
		*issuers[i][0], *issuers[i][1] = is.Name, is.City
	}
	for i, s := range c.Signatories[:min(len(c.Signatories), maxIssuers)] {
		*signatories[i][0], *signatories[i][1] = s.Name, s.Function
	}
	return f
}

// issuerInputs are the name and city inputs of each issuer row.
func (f *courseForm) issuerInputs() [maxIssuers][2]*string {
	return [maxIssuers][2]*string{{&f.Issuer1Name, &f.Issuer1City}, {&f.Issuer2Name, &f.Issuer2City},
		{&f.Issuer3Name, &f.Issuer3City}}
}

// signatoryInputs are the name and function inputs of each signatory row.
func (f *courseForm) signatoryInputs() [maxIssuers][2]*string {
	return [maxIssuers][2]*string{{&f.Signatory1Name, &f.Signatory1Func}, {&f.Signatory2Name, &f.Signatory2Func},
		{&f.Signatory3Name, &f.Signatory3Func}}
}

// toInput converts the form; numbers it cannot read become errors of r.
// Rows after the last filled one are left out, so that a course may have
// fewer than three issuers; an empty row between filled ones is sent as it
// is and the service asks for its name, because the logos belong to the
// positions and silently moving the rows up would give issuers the wrong
// logo.
func (f courseForm) toInput(r *formReader) services.CourseInput {
	closing := f.ClosingRequired
	in := services.CourseInput{Title: f.Title, CertificateTitle: f.CertificateTitle, Description: f.Description,
		Topics: strings.Split(f.Topics, "\n"), Format: f.Format, CertificatePrefix: f.CertificatePrefix,
		DurationWeeks:        r.optional("duration_weeks", f.DurationWeeks),
		MinAttendancePercent: r.optional("min_attendance_percent", f.MinAttendance),
		ClosingRequired:      &closing,
		MinJuryPercent:       r.optional("min_jury_percent", f.MinJury),
	}
	for _, row := range f.issuerInputs() {
		in.Issuers = append(in.Issuers, services.IssuerInput{Name: *row[0], City: *row[1]})
	}
	for _, row := range f.signatoryInputs() {
		in.Signatories = append(in.Signatories, services.SignatoryInput{Name: *row[0], Function: *row[1]})
	}
	in.Issuers = filledRows(in.Issuers, func(is services.IssuerInput) bool { return blankText(is.Name, is.City) })
	in.Signatories = filledRows(in.Signatories, func(s services.SignatoryInput) bool { return blankText(s.Name, s.Function) })
	return in
}

// filledRows drops the empty rows at the end of rows.
func filledRows[T any](rows []T, empty func(T) bool) []T {
	n := len(rows)
	for n > 0 && empty(rows[n-1]) {
		n--
	}
	return rows[:n]
}

func blankText(ss ...string) bool {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

// courseView is a course as its pages show it; never the logo bytes.
type courseView struct {
	ID                uint
	Title             string
	CertificateTitle  string
	Description       string
	Topics            []string
	Format            string
	DurationWeeks     int
	CertificatePrefix string
	MinAttendance     int
	ClosingRequired   bool
	MinJury           int
	Issuers           []issuerView
	Signatories       []models.CourseSignatory
	// Cohorts counts the course's cohorts on the list page.
	Cohorts int
}

// issuerView is an issuer with the address of its logo, which carries a
// hash of the logo so that a new one is loaded at once.
type issuerView struct {
	Position int
	Name     string
	City     string
	LogoURL  string
}

func toCourseView(c models.Course) courseView {
	v := courseView{ID: c.ID, Title: c.Title, CertificateTitle: c.CertificateTitle, Description: c.Description,
		Topics: c.Topics, Format: c.Format, DurationWeeks: c.DurationWeeks, CertificatePrefix: c.CertificatePrefix,
		MinAttendance: c.MinAttendancePercent, ClosingRequired: c.ClosingRequired, MinJury: c.MinJuryPercent,
		Signatories: c.Signatories}
	for _, is := range c.Issuers {
		iv := issuerView{Position: is.Position, Name: is.Name, City: is.City}
		if len(is.Logo) > 0 {
			iv.LogoURL = fmt.Sprintf("/kurse/%d/aussteller/%d/logo?v=%s", c.ID, is.Position, logoHash(is.Logo))
		}
		v.Issuers = append(v.Issuers, iv)
	}
	return v
}

func logoHash(logo []byte) string {
	sum := sha256.Sum256(logo)
	return hex.EncodeToString(sum[:8])
}

type coursesPage struct {
	Courses []courseView
}

func (ui *UI) coursesPage(c *gin.Context) {
	ctx, actor := c.Request.Context(), access.ActorOf(c)
	courses, err := ui.svc.Courses.ListCourses(ctx, actor)
	if err != nil {
		ui.fail(c, err)
		return
	}
	// One more query counts the cohorts of every course at once.
	cohorts, err := ui.svc.Cohorts.ListCohorts(ctx, actor, services.CohortFilter{})
	if err != nil {
		ui.fail(c, err)
		return
	}
	counts := make(map[uint]int)
	for _, co := range cohorts {
		counts[co.CourseID]++
	}
	var page coursesPage
	for _, co := range courses {
		v := toCourseView(co)
		v.Cohorts = counts[co.ID]
		page.Courses = append(page.Courses, v)
	}
	ui.render(c, http.StatusOK, "courses", page)
}

// courseFormPage is the page that creates a course.
type courseFormPage struct {
	Form   courseForm
	Errors formErrors
}

func (ui *UI) newCoursePage(c *gin.Context) {
	ui.render(c, http.StatusOK, "course_new", courseFormPage{Form: newCourseForm()})
}

func (ui *UI) createCourse(c *gin.Context) {
	var form courseForm
	errs, ok := ui.bindFormMax(c, &form, maxCourseFormBytes)
	if !ok {
		return
	}
	r := formReader{form: &form, errs: errs}
	in := form.toInput(&r)
	if r.errs != nil {
		r.errs = r.errs.check(&form, in.Check())
	} else {
		course, err := ui.svc.Courses.CreateCourse(c.Request.Context(), access.ActorOf(c), in)
		if err == nil {
			c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kurse/%d?erledigt=angelegt", course.ID))
			return
		}
		if r.errs = serviceFieldErrors(&form, err); r.errs == nil {
			ui.fail(c, err)
			return
		}
	}
	ui.render(c, http.StatusUnprocessableEntity, "course_new", courseFormPage{Form: form, Errors: r.errs})
}

// coursePage is a course with its cohorts, the form that edits it and the
// forms that upload the issuers' logos.
type coursePage struct {
	Course  courseView
	Cohorts []cohortView
	Form    courseForm
	Errors  formErrors
	// NewCohort proposes a new cohort of this course.
	NewCohort cohortFields
	Notice    *message
	// LogoProblem explains a refused logo; LogoPosition names its issuer.
	LogoProblem  *message
	LogoPosition int
	// edited keeps the form as sent when it was refused.
	edited bool
}

// courseNotices confirm a change after the redirect that follows it.
var courseNotices = map[string]string{
	"angelegt":    "CourseCreated",
	"gespeichert": "CourseSaved",
	"logo":        "CourseLogoSaved",
}

func (ui *UI) coursePage(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	var page coursePage
	if notice, ok := courseNotices[c.Query("erledigt")]; ok {
		page.Notice = newMessage(notice)
	}
	ui.showCourse(c, http.StatusOK, id, page)
}

// showCourse loads a course and its cohorts and renders its page around
// what page holds already.
func (ui *UI) showCourse(c *gin.Context, status int, id uint, page coursePage) {
	ctx, actor := c.Request.Context(), access.ActorOf(c)
	course, err := ui.svc.Courses.GetCourse(ctx, actor, id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	cohorts, err := ui.svc.Cohorts.ListCohorts(ctx, actor, services.CohortFilter{CourseID: id})
	if err != nil {
		ui.fail(c, err)
		return
	}
	page.Course = toCourseView(course)
	for _, co := range cohorts {
		page.Cohorts = append(page.Cohorts, toCohortView(co))
	}
	if !page.edited {
		page.Form = toCourseForm(course)
	}
	page.NewCohort = newCohortFields(cohortForm{Course: strconv.FormatUint(uint64(id), 10),
		Capacity: strconv.Itoa(defaultCapacity)}, nil, course.DurationWeeks)
	ui.render(c, status, "course", page)
}

func (ui *UI) updateCourse(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	var form courseForm
	errs, ok := ui.bindFormMax(c, &form, maxCourseFormBytes)
	if !ok {
		return
	}
	r := formReader{form: &form, errs: errs}
	in := form.toInput(&r)
	if r.errs != nil {
		r.errs = r.errs.check(&form, in.Check())
	} else {
		_, err := ui.svc.Courses.UpdateCourse(c.Request.Context(), access.ActorOf(c), id, in)
		if err == nil {
			c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kurse/%d?erledigt=gespeichert", id))
			return
		}
		if r.errs = serviceFieldErrors(&form, err); r.errs == nil {
			ui.fail(c, err)
			return
		}
	}
	ui.showCourse(c, http.StatusUnprocessableEntity, id, coursePage{Form: form, Errors: r.errs, edited: true})
}

// logoField is the name of the file input of the logo form.
const logoField = "logo"

// maxLogoBody bounds the upload of a logo: the largest logo the service
// takes and the multipart envelope around it. A larger body is refused
// before it is read into memory.
const maxLogoBody = services.MaxLogoBytes + 64<<10

func (ui *UI) uploadIssuerLogo(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	pos, ok := ui.issuerPosition(c)
	if !ok {
		return
	}
	logo, err := readLogo(c)
	var problem *message
	switch {
	case errors.Is(err, errBodyTooLarge):
		problem = newMessage("ErrLogoTooLarge")
	case errors.Is(err, errNoFile):
		problem = newMessage("ErrNoFile")
	case err != nil:
		ui.renderError(c, http.StatusBadRequest, "BadRequestTitle", "BadRequestText")
		return
	default:
		err = ui.svc.Courses.SetIssuerLogo(c.Request.Context(), access.ActorOf(c), id, pos, logo)
		if err == nil {
			c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kurse/%d?erledigt=logo#logos", id))
			return
		}
		errs := serviceFieldErrors(&logoForm{}, err)
		if errs == nil {
			ui.fail(c, err)
			return
		}
		problem = errs[0].Message
	}
	ui.showCourse(c, http.StatusUnprocessableEntity, id, coursePage{LogoProblem: problem, LogoPosition: pos})
}

func readLogo(c *gin.Context) ([]byte, error) {
	f, _, err := openUpload(c, logoField, maxLogoBody)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// logoForm names the logo input for the service's errors.
type logoForm struct {
	Logo string `form:"logo" label:"FieldLogo"`
}

// Why openUpload found no file to read.
var (
	errNoFile       = errors.New("no file uploaded")
	errBodyTooLarge = errors.New("upload too large")
)

// openUpload opens the file of the multipart input field and returns it
// with its name as the browser sent it. A body over limit is refused with
// errBodyTooLarge before it is read into memory; a form without a file
// gives errNoFile.
func openUpload(c *gin.Context, field string, limit int64) (multipart.File, string, error) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	fh, err := c.FormFile(field)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, "", errBodyTooLarge
	case errors.Is(err, http.ErrMissingFile):
		return nil, "", errNoFile
	case err != nil:
		// A body that is no multipart form was not sent by the page.
		return nil, "", fmt.Errorf("read upload: %w", err)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "", fmt.Errorf("open upload: %w", err)
	}
	return f, fh.Filename, nil
}

// issuerLogo serves an issuer's logo as stored. Browsers may keep it but
// must ask again, so that a replaced logo shows at once; the ETag saves
// sending it again when it has not changed.
func (ui *UI) issuerLogo(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	pos, ok := ui.issuerPosition(c)
	if !ok {
		return
	}
	course, err := ui.svc.Courses.GetCourse(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	for _, is := range course.Issuers {
		if is.Position == pos && len(is.Logo) > 0 {
			c.Header("Content-Type", is.LogoContentType)
			c.Header("Cache-Control", "private, no-cache")
			c.Header("ETag", `"`+logoHash(is.Logo)+`"`)
			http.ServeContent(c.Writer, c.Request, "", time.Time{}, bytes.NewReader(is.Logo))
			return
		}
	}
	ui.NotFound(c)
}
