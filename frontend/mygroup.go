package frontend

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/services"
)

// myGroupMean is one criterion's mean points of the reader's group.
type myGroupMean struct {
	Name   string
	Weight int
	Mean   string
	Max    string
}

// myGroupComment is one juror's comment; Juror is empty unless the
// cohort shows jurors' names.
type myGroupComment struct {
	Juror string
	Text  string
}

// myGroupResult is the reader's project group in one cohort.
type myGroupResult struct {
	Cohort       string
	Course       string
	Group        string
	ProjectTitle string
	Released     bool
	// Pending: released, but no juror's sheet counts.
	Pending bool
	Passed  bool
	// Share is the result in percent, one decimal, rounded down as the
	// service rounds it; MinPercent the course's threshold.
	Share      float64
	MinPercent int
	Means      []myGroupMean
	Comments   []myGroupComment
}

type myGroupPage struct {
	Groups []myGroupResult
}

// myGroupPage shows the participant their project group's jury result
// once staff have released it, and until then that it is not released;
// the service shows nobody else's group.
func (ui *UI) myGroupPage(c *gin.Context) {
	mine, err := ui.svc.Results.Mine(c.Request.Context(), access.ActorOf(c))
	if err != nil {
		ui.fail(c, err)
		return
	}
	lang := ui.langOf(c.Request)
	page := myGroupPage{Groups: make([]myGroupResult, len(mine))}
	for i, m := range mine {
		page.Groups[i] = toMyGroupResult(lang, m)
	}
	ui.render(c, http.StatusOK, "my_group", page)
}

func toMyGroupResult(lang string, m services.MyGroupResult) myGroupResult {
	r := myGroupResult{Cohort: m.Cohort.Name, Group: m.Group.Name, ProjectTitle: m.Group.ProjectTitle,
		Released: m.Released, MinPercent: m.MinPercent}
	if m.Cohort.Course != nil {
		r.Course = m.Cohort.Course.Title
	}
	if !m.Released {
		return r
	}
	r.Pending, r.Passed = m.Result.Pending, m.Result.Passed
	r.Share = float64(m.Result.ResultTenths) / 10
	for _, cm := range m.Result.Criteria {
		mean := "–"
		if cm.Counted > 0 {
			mean = jurorPoints(lang, cm.Hundredths)
		}
		r.Means = append(r.Means, myGroupMean{Name: cm.Criterion.Name, Weight: cm.Criterion.Weight, Mean: mean,
			Max: jurorPoints(lang, cm.Criterion.MaxPoints)})
	}
	for _, fc := range m.Comments {
		r.Comments = append(r.Comments, myGroupComment{Juror: fc.Juror, Text: fc.Text})
	}
	return r
}
