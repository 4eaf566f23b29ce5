package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
)

type jurorCohortResponse struct {
	ID         uint   `json:"id"`
	Name       string `json:"name"`
	CourseName string `json:"course_title"`
	Open       bool   `json:"scoring_open"`
	Released   bool   `json:"released"`
	// Groups the juror may score, and of their own sheets how many are
	// drafts and how many submitted.
	Groups    int `json:"groups"`
	Drafts    int `json:"drafts"`
	Submitted int `json:"submitted"`
}

func (h *handlers) myJury(c *gin.Context) {
	cs, err := h.svc.Scoring.MyCohorts(c.Request.Context(), access.ActorOf(c))
	if err != nil {
		h.writeError(c, err)
		return
	}
	items := make([]jurorCohortResponse, len(cs))
	for i, jc := range cs {
		items[i] = jurorCohortResponse{ID: jc.Cohort.ID, Name: jc.Cohort.Name, Open: jc.Open, Released: jc.Released,
			Groups: jc.Groups, Drafts: jc.Drafts, Submitted: jc.Submitted}
		if jc.Cohort.Course != nil {
			items[i].CourseName = jc.Cohort.Course.Title
		}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

type pointsResponse struct {
	CriterionID      uint `json:"criterion_id"`
	PointsHundredths int  `json:"points_hundredths"`
}

type sheetResponse struct {
	ID          uint             `json:"id"`
	State       string           `json:"state"`
	Revision    int              `json:"revision"`
	Comment     string           `json:"comment"`
	SubmittedAt *time.Time       `json:"submitted_at"`
	Points      []pointsResponse `json:"points"`
}

// toSheet lists the points in the rubric's order, or as stored when the
// rubric is not at hand (the answer to a save).
func toSheet(v services.SheetView, rubric []models.RubricCriterion) sheetResponse {
	out := sheetResponse{ID: v.Sheet.ID, State: string(v.State), Revision: v.Sheet.Revision, Comment: v.Sheet.Comment,
		SubmittedAt: v.Sheet.SubmittedAt, Points: []pointsResponse{}}
	if rubric == nil {
		for _, sc := range v.Sheet.Scores {
			out.Points = append(out.Points, pointsResponse{CriterionID: sc.CriterionID, PointsHundredths: sc.Points})
		}
		return out
	}
	for _, cr := range rubric {
		if p, ok := v.Points[cr.ID]; ok {
			out.Points = append(out.Points, pointsResponse{CriterionID: cr.ID, PointsHundredths: p})
		}
	}
	return out
}

type groupScoringResponse struct {
	ID           uint            `json:"id"`
	Name         string          `json:"name"`
	ProjectTitle string          `json:"project_title"`
	Sheet        sheetResponse   `json:"sheet"`
	OtherSheets  []sheetResponse `json:"other_sheets"`
}

type jurorViewResponse struct {
	CohortID   uint                   `json:"cohort_id"`
	CohortName string                 `json:"cohort_name"`
	Open       bool                   `json:"scoring_open"`
	Released   bool                   `json:"released"`
	Rubric     []criterionResponse    `json:"rubric"`
	Groups     []groupScoringResponse `json:"groups"`
}

func toJurorView(v services.JurorScoring) jurorViewResponse {
	out := jurorViewResponse{CohortID: v.Cohort.ID, CohortName: v.Cohort.Name, Open: v.Open, Released: v.Released,
		Rubric: toCriteria(v.Rubric), Groups: make([]groupScoringResponse, len(v.Groups))}
	for i, g := range v.Groups {
		out.Groups[i] = groupScoringResponse{ID: g.Group.ID, Name: g.Group.Name, ProjectTitle: g.Group.ProjectTitle,
			Sheet: toSheet(g.Own, v.Rubric), OtherSheets: make([]sheetResponse, len(g.Others))}
		for k, o := range g.Others {
			// Other jurors' sheets carry no juror: jurors score independently.
			out.Groups[i].OtherSheets[k] = toSheet(o, v.Rubric)
		}
	}
	return out
}

func (h *handlers) cohortScoring(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	v, err := h.svc.Scoring.View(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toJurorView(v))
}

func (h *handlers) groupSheet(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	v, err := h.svc.Scoring.GroupView(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toJurorView(v).Groups[0])
}

type pointsRequest struct {
	CriterionID      uint `json:"criterion_id" binding:"required,max=2147483647"`
	PointsHundredths *int `json:"points_hundredths" binding:"required,min=-100000000,max=100000000"`
}

type saveSheetRequest struct {
	Comment string          `json:"comment" binding:"max=20000"`
	Points  []pointsRequest `json:"points" binding:"max=100,dive"`
}

func (r saveSheetRequest) toInput() services.SheetInput {
	in := services.SheetInput{Comment: r.Comment, Points: make([]services.PointsEntry, len(r.Points))}
	for i, p := range r.Points {
		in.Points[i] = services.PointsEntry{CriterionID: p.CriterionID, Points: *p.PointsHundredths}
	}
	return in
}

func (h *handlers) saveSheet(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var req saveSheetRequest
	if !h.bindJSON(c, &req) {
		return
	}
	v, err := h.svc.Scoring.SaveDraft(c.Request.Context(), access.ActorOf(c), id, req.toInput())
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toSheet(v, nil))
}

func (h *handlers) submitSheet(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	v, err := h.svc.Scoring.Submit(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toSheet(v, nil))
}

type reasonRequest struct {
	Reason string `json:"reason" binding:"max=2000"`
}

func (h *handlers) reopenSheet(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var req reasonRequest
	if !h.bindJSON(c, &req) {
		return
	}
	v, err := h.svc.Scoring.Reopen(c.Request.Context(), access.ActorOf(c), id, req.Reason)
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toSheet(v, nil))
}
