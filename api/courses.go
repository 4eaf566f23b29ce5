package api

import (
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
)

type issuerRequest struct {
	ID   uint   `json:"id" binding:"lte=2147483647"`
	Name string `json:"name" binding:"max=200"`
	City string `json:"city" binding:"max=100"`
}

type issuerResponse struct {
	ID      uint   `json:"id"`
	Name    string `json:"name"`
	City    string `json:"city"`
	HasLogo bool   `json:"has_logo"`
}

type signatoryJSON struct {
	Name     string `json:"name" binding:"max=200"`
	Function string `json:"function" binding:"max=200"`
}

type courseRequest struct {
	Title                string          `json:"title" binding:"required,max=300"`
	CertificateTitle     string          `json:"certificate_title" binding:"required,max=300"`
	Description          string          `json:"description" binding:"max=10000"`
	Topics               []string        `json:"topics" binding:"max=50,dive,max=300"`
	Format               string          `json:"format" binding:"max=50"`
	DurationWeeks        *int            `json:"duration_weeks" binding:"omitempty,gte=1,lte=104"`
	CertificatePrefix    string          `json:"certificate_prefix" binding:"required,max=20"`
	MinAttendancePercent *int            `json:"min_attendance_percent" binding:"omitempty,gte=0,lte=100"`
	ClosingRequired      *bool           `json:"closing_required"`
	MinJuryPercent       *int            `json:"min_jury_percent" binding:"omitempty,gte=0,lte=100"`
	Issuers              []issuerRequest `json:"issuers" binding:"max=5,dive"`
	Signatories          []signatoryJSON `json:"signatories" binding:"max=5,dive"`
}

func (r courseRequest) toInput() services.CourseInput {
	in := services.CourseInput{Title: r.Title, CertificateTitle: r.CertificateTitle, Description: r.Description,
		Topics: r.Topics, Format: r.Format, DurationWeeks: r.DurationWeeks, CertificatePrefix: r.CertificatePrefix,
		MinAttendancePercent: r.MinAttendancePercent, ClosingRequired: r.ClosingRequired, MinJuryPercent: r.MinJuryPercent}
	for _, is := range r.Issuers {
		in.Issuers = append(in.Issuers, services.IssuerInput{ID: is.ID, Name: is.Name, City: is.City})
	}
	for _, s := range r.Signatories {
		in.Signatories = append(in.Signatories, services.SignatoryInput{Name: s.Name, Function: s.Function})
	}
	return in
}

type courseResponse struct {
	ID                   uint             `json:"id"`
	Title                string           `json:"title"`
	CertificateTitle     string           `json:"certificate_title"`
	Description          string           `json:"description"`
	Topics               []string         `json:"topics"`
	Format               string           `json:"format"`
	DurationWeeks        int              `json:"duration_weeks"`
	CertificatePrefix    string           `json:"certificate_prefix"`
	MinAttendancePercent int              `json:"min_attendance_percent"`
	ClosingRequired      bool             `json:"closing_required"`
	MinJuryPercent       int              `json:"min_jury_percent"`
	Issuers              []issuerResponse `json:"issuers"`
	Signatories          []signatoryJSON  `json:"signatories"`
	CreatedAt            time.Time        `json:"created_at"`
}

func toCourseResponse(c models.Course) courseResponse {
	r := courseResponse{ID: c.ID, Title: c.Title, CertificateTitle: c.CertificateTitle, Description: c.Description,
		Topics: c.Topics, Format: c.Format, DurationWeeks: c.DurationWeeks, CertificatePrefix: c.CertificatePrefix,
		MinAttendancePercent: c.MinAttendancePercent, ClosingRequired: c.ClosingRequired, MinJuryPercent: c.MinJuryPercent,
		Issuers: []issuerResponse{}, Signatories: []signatoryJSON{}, CreatedAt: c.CreatedAt}
	if r.Topics == nil {
		r.Topics = []string{}
	}
	for _, is := range c.Issuers {
		r.Issuers = append(r.Issuers, issuerResponse{ID: is.ID, Name: is.Name, City: is.City, HasLogo: is.LogoContentType != ""})
	}
	for _, s := range c.Signatories {
		r.Signatories = append(r.Signatories, signatoryJSON{Name: s.Name, Function: s.Function})
	}
	return r
}

func (h *handlers) listCourses(c *gin.Context) {
	courses, err := h.svc.Courses.ListCourses(c.Request.Context(), access.ActorOf(c))
	if err != nil {
		h.writeError(c, err)
		return
	}
	items := make([]courseResponse, len(courses))
	for i, course := range courses {
		items[i] = toCourseResponse(course)
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

func (h *handlers) createCourse(c *gin.Context) {
	var req courseRequest
	if !h.bindJSON(c, &req) {
		return
	}
	course, err := h.svc.Courses.CreateCourse(c.Request.Context(), access.ActorOf(c), req.toInput())
	if err != nil {
		h.writeError(c, err)
		return
	}
	created(c, apiPath("/api/v1/courses/%d", course.ID), toCourseResponse(course))
}

func (h *handlers) getCourse(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	course, err := h.svc.Courses.GetCourse(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toCourseResponse(course))
}

func (h *handlers) updateCourse(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var req courseRequest
	if !h.bindJSON(c, &req) {
		return
	}
	course, err := h.svc.Courses.UpdateCourse(c.Request.Context(), access.ActorOf(c), id, req.toInput())
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toCourseResponse(course))
}

// putIssuerLogo stores a PNG or JPEG sent as the raw request body.
func (h *handlers) putIssuerLogo(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	pos, ok := pathNumber(c, "position")
	if !ok {
		return
	}
	logo, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, services.MaxLogoBytes+1))
	if err != nil {
		writeProblem(c, http.StatusRequestEntityTooLarge, services.CodeLogoTooLarge, "The logo must be at most 1 MB.", nil)
		return
	}
	if err := h.svc.Courses.SetIssuerLogo(c.Request.Context(), access.ActorOf(c), id, int(pos), logo); err != nil {
		h.writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

type cohortRequest struct {
	Name      string       `json:"name" binding:"required,max=100"`
	StartDate *models.Date `json:"start_date" binding:"required"`
	EndDate   *models.Date `json:"end_date"`
	Capacity  int          `json:"capacity" binding:"required,gte=1,lte=10000"`
	Venue     string       `json:"venue" binding:"max=300"`
}

func (r cohortRequest) toInput() services.CohortInput {
	in := services.CohortInput{Name: r.Name, Capacity: r.Capacity, Venue: r.Venue}
	if r.StartDate != nil {
		in.StartDate = *r.StartDate
	}
	if r.EndDate != nil {
		in.EndDate = *r.EndDate
	}
	return in
}

type cohortResponse struct {
	ID            uint        `json:"id"`
	CourseID      uint        `json:"course_id"`
	CourseTitle   string      `json:"course_title"`
	Name          string      `json:"name"`
	StartDate     models.Date `json:"start_date"`
	EndDate       models.Date `json:"end_date"`
	Capacity      int         `json:"capacity"`
	EnrolledCount int         `json:"enrolled_count"`
	Venue         string      `json:"venue"`
	Status        string      `json:"status"`
}

func toCohortResponse(c models.Cohort) cohortResponse {
	r := cohortResponse{ID: c.ID, CourseID: c.CourseID, Name: c.Name, StartDate: c.StartDate, EndDate: c.EndDate,
		Capacity: c.Capacity, EnrolledCount: c.EnrolledCount, Venue: c.Venue, Status: string(c.Status)}
	if c.Course != nil {
		r.CourseTitle = c.Course.Title
	}
	return r
}

type cohortListQuery struct {
	pageQuery
	CourseID uint   `form:"course_id" binding:"lte=2147483647"`
	Status   string `form:"status" binding:"omitempty,oneof=planned running completed archived"`
}

func (h *handlers) listCohorts(c *gin.Context) {
	var q cohortListQuery
	if !h.bindQuery(c, &q) {
		return
	}
	page := q.page()
	cohorts, total, err := h.svc.Cohorts.ListCohortPage(c.Request.Context(), access.ActorOf(c),
		services.CohortFilter{CourseID: q.CourseID, Status: models.CohortStatus(q.Status), Page: page})
	if err != nil {
		h.writeError(c, err)
		return
	}
	items := make([]cohortResponse, len(cohorts))
	for i, co := range cohorts {
		items[i] = toCohortResponse(co)
	}
	c.JSON(http.StatusOK, listResponse[cohortResponse]{Items: items, Total: total, Page: page.Number, PageSize: page.Size})
}

// createCohortRequest is a cohort and, when schedule is sent (even as
// {}), the template to lay out its sessions with.
type createCohortRequest struct {
	Name      string           `json:"name" binding:"required,max=100"`
	StartDate *models.Date     `json:"start_date" binding:"required"`
	EndDate   *models.Date     `json:"end_date"`
	Capacity  int              `json:"capacity" binding:"required,gte=1,lte=10000"`
	Venue     string           `json:"venue" binding:"max=300"`
	Schedule  *scheduleRequest `json:"schedule"`
}

func (r createCohortRequest) toInput() services.CohortInput {
	return cohortRequest{Name: r.Name, StartDate: r.StartDate, EndDate: r.EndDate, Capacity: r.Capacity, Venue: r.Venue}.toInput()
}

func (h *handlers) createCohort(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var req createCohortRequest
	if !h.bindJSON(c, &req) {
		return
	}
	var cohort models.Cohort
	var err error
	if req.Schedule != nil {
		cohort, err = h.svc.Schedule.CreateCohortWithSchedule(c.Request.Context(), access.ActorOf(c), id, req.toInput(), req.Schedule.toTemplate())
	} else {
		cohort, err = h.svc.Cohorts.CreateCohort(c.Request.Context(), access.ActorOf(c), id, req.toInput())
	}
	if err == nil {
		c.Header("Location", apiPath("/api/v1/cohorts/%d", cohort.ID))
	}
	h.respondCohort(c, http.StatusCreated, cohort, err)
}

// respondCohort answers with the cohort a service returned, course title
// included, or with the service's error.
func (h *handlers) respondCohort(c *gin.Context, status int, cohort models.Cohort, err error) {
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(status, toCohortResponse(cohort))
}

func (h *handlers) getCohort(c *gin.Context) {
	if id, ok := h.pathID(c); ok {
		cohort, err := h.svc.Cohorts.GetCohort(c.Request.Context(), access.ActorOf(c), id)
		h.respondCohort(c, http.StatusOK, cohort, err)
	}
}

func (h *handlers) updateCohort(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var req cohortRequest
	if !h.bindJSON(c, &req) {
		return
	}
	cohort, err := h.svc.Cohorts.UpdateCohort(c.Request.Context(), access.ActorOf(c), id, req.toInput())
	h.respondCohort(c, http.StatusOK, cohort, err)
}

type cohortStatusRequest struct {
	Status string `json:"status" binding:"required,oneof=planned running completed archived"`
}

func (h *handlers) setCohortStatus(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var req cohortStatusRequest
	if !h.bindJSON(c, &req) {
		return
	}
	cohort, err := h.svc.Cohorts.SetCohortStatus(c.Request.Context(), access.ActorOf(c), id, models.CohortStatus(req.Status))
	h.respondCohort(c, http.StatusOK, cohort, err)
}
