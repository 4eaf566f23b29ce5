package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
)

// groupRequest creates a project group; session_id names the session of
// the cohort at which it presents.
type groupRequest struct {
	Name         string `json:"name" binding:"required,max=120"`
	ProjectTitle string `json:"project_title" binding:"max=300"`
	Summary      string `json:"summary" binding:"max=5000"`
	SessionID    *uint  `json:"session_id" binding:"omitempty,gte=1"`
}

func (r groupRequest) toInput() services.GroupInput {
	return services.GroupInput{Name: r.Name, ProjectTitle: r.ProjectTitle, Summary: r.Summary, SessionID: r.SessionID}
}

// groupPatchRequest changes the fields it names; "session_id": null
// removes the presenting session.
type groupPatchRequest struct {
	Name         *string         `json:"name" binding:"omitempty,max=120"`
	ProjectTitle *string         `json:"project_title" binding:"omitempty,max=300"`
	Summary      *string         `json:"summary" binding:"omitempty,max=5000"`
	SessionID    json.RawMessage `json:"session_id"`
}

func (r groupPatchRequest) toPatch() (services.GroupPatch, bool) {
	p := services.GroupPatch{Name: r.Name, ProjectTitle: r.ProjectTitle, Summary: r.Summary}
	switch raw := bytes.TrimSpace(r.SessionID); {
	case len(raw) == 0:
	case bytes.Equal(raw, []byte("null")):
		p.ClearSession = true
	default:
		var id uint
		if err := json.Unmarshal(raw, &id); err != nil || id == 0 {
			return p, false
		}
		p.SessionID = &id
	}
	return p, true
}

type groupMemberResponse struct {
	EnrollmentID  uint   `json:"enrollment_id"`
	ParticipantID uint   `json:"participant_id"`
	FirstName     string `json:"first_name"`
	LastName      string `json:"last_name"`
	Withdrawn     bool   `json:"withdrawn"`
}

type groupResponse struct {
	ID           uint                  `json:"id"`
	CohortID     uint                  `json:"cohort_id"`
	Name         string                `json:"name"`
	ProjectTitle string                `json:"project_title"`
	Summary      string                `json:"summary"`
	SessionID    *uint                 `json:"session_id"`
	Members      []groupMemberResponse `json:"members"`
	UpdatedAt    time.Time             `json:"updated_at"`
}

func toGroupResponse(g services.GroupView) groupResponse {
	r := groupResponse{ID: g.ID, CohortID: g.CohortID, Name: g.Name, ProjectTitle: g.ProjectTitle, Summary: g.Summary,
		SessionID: g.SessionID, Members: make([]groupMemberResponse, len(g.Members)), UpdatedAt: g.UpdatedAt.UTC()}
	for i, m := range g.Members {
		r.Members[i] = groupMemberResponse{EnrollmentID: m.EnrollmentID, ParticipantID: m.ParticipantID,
			FirstName: m.FirstName, LastName: m.LastName, Withdrawn: m.Withdrawn}
	}
	return r
}

func (h *handlers) respondGroup(c *gin.Context, status int, g services.GroupView, err error) {
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(status, toGroupResponse(g))
}

func (h *handlers) listGroups(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	list, err := h.svc.Groups.ListGroups(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		h.writeError(c, err)
		return
	}
	items := make([]groupResponse, len(list.Groups))
	for i, g := range list.Groups {
		items[i] = toGroupResponse(g)
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

func (h *handlers) createGroup(c *gin.Context) {
	id, ok := h.pathID(c)
	var req groupRequest
	if !ok || !h.bindJSON(c, &req) {
		return
	}
	g, err := h.svc.Groups.CreateGroup(c.Request.Context(), access.ActorOf(c), id, req.toInput())
	if err == nil {
		c.Header("Location", apiPath("/api/v1/groups/%d", g.ID))
	}
	h.respondGroup(c, http.StatusCreated, services.GroupView{ProjectGroup: g}, err)
}

func (h *handlers) getGroup(c *gin.Context) {
	if id, ok := h.pathID(c); ok {
		g, err := h.svc.Groups.GetGroup(c.Request.Context(), access.ActorOf(c), id)
		h.respondGroup(c, http.StatusOK, g, err)
	}
}

func (h *handlers) patchGroup(c *gin.Context) {
	id, ok := h.pathID(c)
	var req groupPatchRequest
	if !ok || !h.bindJSON(c, &req) {
		return
	}
	p, ok := req.toPatch()
	if !ok {
		invalidInput(c, "The input is invalid.", []FieldError{{Field: "session_id", Code: string(services.CodeInvalid),
			Message: services.CodeInvalid.English(nil)}})
		return
	}
	ctx, actor := c.Request.Context(), access.ActorOf(c)
	if _, err := h.svc.Groups.PatchGroup(ctx, actor, id, p); err != nil {
		h.writeError(c, err)
		return
	}
	g, err := h.svc.Groups.GetGroup(ctx, actor, id)
	h.respondGroup(c, http.StatusOK, g, err)
}

func (h *handlers) deleteGroup(c *gin.Context) {
	if id, ok := h.pathID(c); ok {
		h.respondNoContent(c, h.svc.Groups.DeleteGroup(c.Request.Context(), access.ActorOf(c), id))
	}
}

// membersRequest sets a group's members as a whole: the enrollments of
// the cohort, none of them withdrawn or in another group.
type membersRequest struct {
	EnrollmentIDs []uint `json:"enrollment_ids" binding:"required,max=50"`
}

func (h *handlers) setGroupMembers(c *gin.Context) {
	id, ok := h.pathID(c)
	var req membersRequest
	if !ok || !h.bindJSON(c, &req) {
		return
	}
	g, err := h.svc.Groups.SetMembers(c.Request.Context(), access.ActorOf(c), id, req.EnrollmentIDs)
	h.respondGroup(c, http.StatusOK, g, err)
}

// points are points as a JSON number (7.5) or text ("7,5"); the service
// reads them exactly, without a float in between.
type points string

// UnmarshalJSON takes a number as written, or a string.
func (p *points) UnmarshalJSON(b []byte) error {
	var s string
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	} else {
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		s = n.String()
	}
	*p = points(s)
	return nil
}

type criterionRequest struct {
	Name        string `json:"name" binding:"required,max=120"`
	Description string `json:"description" binding:"max=2000"`
	Weight      int    `json:"weight" binding:"required,gte=1,lte=100"`
	MaxPoints   points `json:"max_points" binding:"required,max=12"`
	Step        points `json:"step" binding:"required,max=12"`
}

// rubricRequest replaces a course's rubric as a whole list.
type rubricRequest struct {
	Criteria []criterionRequest `json:"criteria" binding:"max=20,dive"`
}

type criterionResponse struct {
	ID          uint        `json:"id"`
	Position    int         `json:"position"`
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Weight      int         `json:"weight"`
	MaxPoints   json.Number `json:"max_points"`
	Step        json.Number `json:"step"`
}

func toCriteria(cs []models.RubricCriterion) []criterionResponse {
	out := make([]criterionResponse, len(cs))
	for i, c := range cs {
		out[i] = criterionResponse{ID: c.ID, Position: c.Position, Name: c.Name, Description: c.Description,
			Weight: c.Weight, MaxPoints: json.Number(services.PointsDecimal(c.MaxPoints)),
			Step: json.Number(services.PointsDecimal(c.Step))}
	}
	return out
}

func (h *handlers) respondRubric(c *gin.Context, r services.CourseRubric, err error) {
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"course_id": r.Course.ID, "criteria": toCriteria(r.Criteria)})
}

func (h *handlers) getRubric(c *gin.Context) {
	if id, ok := h.pathID(c); ok {
		r, err := h.svc.Rubrics.GetCourseRubric(c.Request.Context(), access.ActorOf(c), id)
		h.respondRubric(c, r, err)
	}
}

func (h *handlers) putRubric(c *gin.Context) {
	id, ok := h.pathID(c)
	var req rubricRequest
	if !ok || !h.bindJSON(c, &req) {
		return
	}
	in := make([]services.CriterionInput, len(req.Criteria))
	for i, r := range req.Criteria {
		in[i] = services.CriterionInput{Name: r.Name, Description: r.Description, Weight: r.Weight,
			MaxPoints: string(r.MaxPoints), Step: string(r.Step)}
	}
	r, err := h.svc.Rubrics.SetCourseRubric(c.Request.Context(), access.ActorOf(c), id, in)
	h.respondRubric(c, r, err)
}
