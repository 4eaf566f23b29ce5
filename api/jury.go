package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
)

type juryJurorResponse struct {
	UserID      uint   `json:"user_id"`
	DisplayName string `json:"display_name"`
	Email       string `json:"email"`
	Submitted   int    `json:"submitted_sheets"`
}

type conflictResponse struct {
	GroupID      uint      `json:"group_id"`
	GroupName    string    `json:"group_name"`
	UserID       uint      `json:"user_id"`
	JurorName    string    `json:"juror_name,omitempty"`
	Reason       string    `json:"reason"`
	SelfDeclared bool      `json:"self_declared"`
	CreatedAt    time.Time `json:"created_at"`
}

type jurySettingsResponse struct {
	CohortID       uint       `json:"cohort_id"`
	Aggregation    string     `json:"aggregation"`
	SpreadLimit    int        `json:"spread_limit"`
	ShowJurorNames bool       `json:"show_juror_names"`
	ScoringOpenAt  *time.Time `json:"scoring_open_at"`
	ReleasedAt     *time.Time `json:"released_at"`
}

type juryResponse struct {
	jurySettingsResponse
	Jurors    []juryJurorResponse `json:"jurors"`
	Conflicts []conflictResponse  `json:"conflicts"`
	Criteria  []criterionResponse `json:"criteria"`
}

func toJurySettings(j models.CohortJury) jurySettingsResponse {
	r := jurySettingsResponse{CohortID: j.CohortID, Aggregation: string(j.Aggregation), SpreadLimit: j.SpreadLimit,
		ShowJurorNames: j.ShowJurorNames}
	if j.ScoringOpenAt != nil {
		t := j.ScoringOpenAt.UTC()
		r.ScoringOpenAt = &t
	}
	if j.ReleasedAt != nil {
		t := j.ReleasedAt.UTC()
		r.ReleasedAt = &t
	}
	return r
}

func toConflict(c services.ConflictView) conflictResponse {
	return conflictResponse{GroupID: c.GroupID, GroupName: c.GroupName, UserID: c.UserID, JurorName: c.JurorName,
		Reason: c.Reason, SelfDeclared: c.SelfDeclared, CreatedAt: c.CreatedAt.UTC()}
}

func toJuryResponse(v services.CohortJuryView) juryResponse {
	r := juryResponse{jurySettingsResponse: toJurySettings(v.Settings), Jurors: make([]juryJurorResponse, len(v.Jurors)),
		Conflicts: make([]conflictResponse, len(v.Conflicts)), Criteria: toCriteria(v.Rubric)}
	r.CohortID = v.Cohort.ID
	for i, j := range v.Jurors {
		r.Jurors[i] = juryJurorResponse{UserID: j.UserID, DisplayName: j.DisplayName, Email: j.Email, Submitted: j.Submitted}
	}
	for i, c := range v.Conflicts {
		r.Conflicts[i] = toConflict(c)
	}
	return r
}

func (h *handlers) getJury(c *gin.Context) {
	if id, ok := h.pathID(c); ok {
		v, err := h.svc.Jury.GetJury(c.Request.Context(), access.ActorOf(c), id)
		if err != nil {
			h.writeError(c, err)
			return
		}
		c.JSON(http.StatusOK, toJuryResponse(v))
	}
}

// jurySettingsRequest changes the fields it names.
type jurySettingsRequest struct {
	Aggregation    *string `json:"aggregation" binding:"omitempty,oneof=mean median"`
	SpreadLimit    *int    `json:"spread_limit" binding:"omitempty,gte=1,lte=100"`
	ShowJurorNames *bool   `json:"show_juror_names"`
}

func (h *handlers) patchJury(c *gin.Context) {
	id, ok := h.pathID(c)
	var req jurySettingsRequest
	if !ok || !h.bindJSON(c, &req) {
		return
	}
	j, err := h.svc.Jury.UpdateSettings(c.Request.Context(), access.ActorOf(c), id,
		services.JurySettingsPatch{Aggregation: req.Aggregation, SpreadLimit: req.SpreadLimit, ShowJurorNames: req.ShowJurorNames})
	h.respondJurySettings(c, http.StatusOK, j, err)
}

func (h *handlers) respondJurySettings(c *gin.Context, status int, j models.CohortJury, err error) {
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(status, toJurySettings(j))
}

type appointRequest struct {
	UserID uint `json:"user_id" binding:"required,gte=1"`
}

func (h *handlers) appointJuror(c *gin.Context) {
	id, ok := h.pathID(c)
	var req appointRequest
	if !ok || !h.bindJSON(c, &req) {
		return
	}
	j, err := h.svc.Jury.AppointJuror(c.Request.Context(), access.ActorOf(c), id, req.UserID)
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.Header("Location", apiPath("/api/v1/cohorts/%d/jurors/", id)+strconv.Itoa(int(j.UserID)))
	c.JSON(http.StatusCreated, juryJurorResponse{UserID: j.UserID, DisplayName: j.DisplayName, Email: j.Email})
}

func (h *handlers) removeJuror(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	if user, ok := pathNumber(c, "userId"); ok {
		h.respondNoContent(c, h.svc.Jury.RemoveJuror(c.Request.Context(), access.ActorOf(c), id, user))
	}
}

// conflictRequest records a juror's conflict of interest with a group.
type conflictRequest struct {
	UserID uint   `json:"user_id" binding:"required,gte=1"`
	Reason string `json:"reason" binding:"required,max=1000"`
}

func (h *handlers) addConflict(c *gin.Context) {
	id, ok := h.pathID(c)
	var req conflictRequest
	if !ok || !h.bindJSON(c, &req) {
		return
	}
	v, err := h.svc.Jury.AddConflict(c.Request.Context(), access.ActorOf(c), id, req.UserID, req.Reason)
	h.respondConflict(c, v, err)
}

func (h *handlers) respondConflict(c *gin.Context, v services.ConflictView, err error) {
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.Header("Location", apiPath("/api/v1/groups/%d/conflicts/", v.GroupID)+strconv.Itoa(int(v.UserID)))
	c.JSON(http.StatusCreated, toConflict(v))
}

func (h *handlers) removeConflict(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	if user, ok := pathNumber(c, "userId"); ok {
		h.respondNoContent(c, h.svc.Jury.RemoveConflict(c.Request.Context(), access.ActorOf(c), id, user))
	}
}

// declareRequest is a juror declaring their own conflict with a group.
type declareRequest struct {
	GroupID uint   `json:"group_id" binding:"required,gte=1"`
	Reason  string `json:"reason" binding:"max=1000"`
}

func (h *handlers) declareConflict(c *gin.Context) {
	var req declareRequest
	if !h.bindJSON(c, &req) {
		return
	}
	v, err := h.svc.Jury.DeclareConflict(c.Request.Context(), access.ActorOf(c), req.GroupID, req.Reason)
	v.JurorName = ""
	h.respondConflict(c, v, err)
}

func (h *handlers) openScoring(c *gin.Context) {
	if id, ok := h.pathID(c); ok {
		j, err := h.svc.Jury.OpenScoring(c.Request.Context(), access.ActorOf(c), id)
		h.respondJurySettings(c, http.StatusOK, j, err)
	}
}
