package api

import (
	"bytes"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/services"
	"kohorte/services/roster"
)

type criterionMeanResponse struct {
	CriterionID          uint `json:"criterion_id"`
	MeanPointsHundredths *int `json:"mean_points_hundredths"`
}

type sheetResultResponse struct {
	SheetID     uint   `json:"sheet_id,omitempty"`
	JurorID     uint   `json:"juror_id,omitempty"`
	JurorName   string `json:"juror_name,omitempty"`
	ShareTenths int    `json:"share_tenths"`
	Comment     string `json:"comment"`
}

type memberResponse struct {
	EnrollmentID uint   `json:"enrollment_id"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name"`
}

type groupResultResponse struct {
	GroupID      uint                    `json:"group_id"`
	Name         string                  `json:"name"`
	ProjectTitle string                  `json:"project_title"`
	State        string                  `json:"state"`
	ResultTenths *int                    `json:"result_tenths"`
	Rank         *int                    `json:"rank"`
	Disputed     bool                    `json:"disputed"`
	SpreadTenths int                     `json:"spread_tenths"`
	Expected     int                     `json:"sheets_expected"`
	Submitted    int                     `json:"sheets_submitted"`
	Members      []memberResponse        `json:"members,omitempty"`
	Criteria     []criterionMeanResponse `json:"criteria"`
	Sheets       []sheetResultResponse   `json:"sheets"`
}

// toGroupResult writes a group's result; staff see who scored what,
// members (staff false) only the shares.
func toGroupResult(g services.GroupResult, staff bool) groupResultResponse {
	out := groupResultResponse{GroupID: g.Group.ID, Name: g.Group.Name, ProjectTitle: g.Group.ProjectTitle, State: "failed",
		Disputed: g.Disputed, SpreadTenths: g.SpreadTenths, Expected: g.Expected, Submitted: g.Submitted,
		Criteria: make([]criterionMeanResponse, len(g.Criteria)), Sheets: make([]sheetResultResponse, len(g.Sheets))}
	switch {
	case g.Pending:
		out.State = "pending"
	case g.Passed:
		out.State = "passed"
	}
	if !g.Pending {
		tenths, rank := g.ResultTenths, g.Rank
		out.ResultTenths, out.Rank = &tenths, &rank
	}
	for i, cm := range g.Criteria {
		out.Criteria[i] = criterionMeanResponse{CriterionID: cm.Criterion.ID}
		if cm.Counted > 0 {
			h := cm.Hundredths
			out.Criteria[i].MeanPointsHundredths = &h
		}
	}
	for i, sh := range g.Sheets {
		out.Sheets[i] = sheetResultResponse{SheetID: sh.Sheet.ID, ShareTenths: sh.ShareTenths, Comment: sh.Sheet.Comment}
		if staff {
			out.Sheets[i].JurorID, out.Sheets[i].JurorName = sh.Sheet.JurorID, sh.JurorName
		} else {
			out.Sheets[i].SheetID, out.Sheets[i].JurorName = 0, sh.JurorName
		}
	}
	if staff {
		for _, m := range g.Members {
			out.Members = append(out.Members, memberResponse{EnrollmentID: m.EnrollmentID, FirstName: m.FirstName, LastName: m.LastName})
		}
	}
	return out
}

type cohortResultsResponse struct {
	CohortID        uint                  `json:"cohort_id"`
	CohortName      string                `json:"cohort_name"`
	Aggregation     string                `json:"aggregation"`
	SpreadLimit     int                   `json:"spread_limit"`
	MinPercent      int                   `json:"min_percent"`
	ReleasedAt      *time.Time            `json:"released_at"`
	ReleaseReason   string                `json:"release_reason"`
	SheetsExpected  int                   `json:"sheets_expected"`
	SheetsSubmitted int                   `json:"sheets_submitted"`
	Rubric          []criterionResponse   `json:"rubric"`
	Groups          []groupResultResponse `json:"groups"`
}

func toCohortResults(r services.CohortResults) cohortResultsResponse {
	out := cohortResultsResponse{CohortID: r.Cohort.ID, CohortName: r.Cohort.Name, Aggregation: string(r.Jury.Aggregation),
		SpreadLimit: r.Jury.SpreadLimit, MinPercent: r.MinPercent, ReleasedAt: r.Jury.ReleasedAt, ReleaseReason: r.Jury.ReleaseReason,
		SheetsExpected: r.Expected, SheetsSubmitted: r.Submitted, Rubric: toCriteria(r.Rubric), Groups: make([]groupResultResponse, len(r.Groups))}
	for i, g := range r.Groups {
		out.Groups[i] = toGroupResult(g, true)
	}
	return out
}

func (h *handlers) cohortResults(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	r, err := h.svc.Results.Cohort(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toCohortResults(r))
}

func (h *handlers) releaseResults(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var req reasonRequest
	if !h.bindJSON(c, &req) {
		return
	}
	r, err := h.svc.Results.Release(c.Request.Context(), access.ActorOf(c), id, req.Reason)
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toCohortResults(r))
}

func (h *handlers) exportResults(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var q struct {
		Format string `form:"format" binding:"omitempty,oneof=csv xlsx"`
	}
	if !h.bindQuery(c, &q) {
		return
	}
	cohort, table, err := h.svc.Results.ExportTable(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		h.writeError(c, err)
		return
	}
	var buf bytes.Buffer
	lang := requestLang(c.Request)
	contentType, ext := csvType, "csv"
	if q.Format == "xlsx" {
		contentType, ext = xlsxType, "xlsx"
		err = roster.WriteResultsXLSX(&buf, lang, cohort.Name, table)
	} else {
		err = roster.WriteResultsCSV(&buf, lang, table)
	}
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.Header("Content-Disposition", roster.ContentDisposition(roster.ResultsFileName(lang, cohort.Name), "."+ext))
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, contentType, buf.Bytes())
}

type myGroupResultResponse struct {
	CohortID   uint                 `json:"cohort_id"`
	CohortName string               `json:"cohort_name"`
	GroupID    uint                 `json:"group_id"`
	GroupName  string               `json:"group_name"`
	Released   bool                 `json:"released"`
	MinPercent int                  `json:"min_percent"`
	Result     *groupResultResponse `json:"result"`
}

func (h *handlers) myGroupResult(c *gin.Context) {
	mine, err := h.svc.Results.Mine(c.Request.Context(), access.ActorOf(c))
	if err != nil {
		h.writeError(c, err)
		return
	}
	items := make([]myGroupResultResponse, len(mine))
	for i, m := range mine {
		items[i] = myGroupResultResponse{CohortID: m.Cohort.ID, CohortName: m.Cohort.Name, GroupID: m.Group.ID,
			GroupName: m.Group.Name, Released: m.Released, MinPercent: m.MinPercent}
		if m.Released {
			r := toGroupResult(m.Result, false)
			items[i].Result = &r
		}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}
