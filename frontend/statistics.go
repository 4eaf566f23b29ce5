package frontend

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
	"kohorte/services/roster"
)

// statusRow is one status of the status table: its enrollments and their
// share of all who started.
type statusRow struct {
	Status models.EnrollmentStatus
	Count  int64
	Share  float64
}

// groupRow is one federal state or network type ("" for people without
// one) by status, with its share of all who started.
type groupRow struct {
	Code string
	services.StatusCounts
	Started int64
	Share   float64
}

// groupTable is one breakdown by status: Caption and Column are catalogue
// keys, States says whether codes are federal states or network types.
type groupTable struct {
	Caption, Column string
	States          bool
	Rows            []groupRow
	Total           groupRow
}

// statsView is the statistics of one cohort or of all, as the part
// "statistics" shows them. Every table counts enrollments, so each adds up
// to Total; People alone counts persons. Export is the query of the
// download links.
type statsView struct {
	Total         groupRow
	Holding       int64
	People        int64
	FederalStates int
	Statuses      []statusRow
	States        groupTable
	Networks      groupTable
	Export        string
}

func toStatsView(st services.Statistics, cohortID uint) statsView {
	started := st.Total.Started()
	total := toGroupRow(services.GroupCounts{StatusCounts: st.Total}, started)
	v := statsView{Total: total, Holding: st.Total.Holding(), People: st.People, FederalStates: st.FederalStates,
		States: groupTable{Caption: "StatsByState", Column: "FieldFederalState", States: true,
			Rows: toGroupRows(st.ByFederalState, started), Total: total},
		Networks: groupTable{Caption: "StatsByNetwork", Column: "FieldNetworkType",
			Rows: toGroupRows(st.ByNetworkType, started), Total: total}}
	counts := st.Total.ByStatus()
	for _, status := range enrollmentStatuses {
		n := counts[string(status)]
		v.Statuses = append(v.Statuses, statusRow{Status: status, Count: n, Share: roster.Share(n, started)})
	}
	if cohortID != 0 {
		v.Export = "?kohorte=" + strconv.FormatUint(uint64(cohortID), 10)
	}
	return v
}

func toGroupRow(g services.GroupCounts, started int64) groupRow {
	return groupRow{Code: g.Code, StatusCounts: g.StatusCounts, Started: g.Started(), Share: roster.Share(g.Started(), started)}
}

func toGroupRows(groups []services.GroupCounts, started int64) []groupRow {
	rows := make([]groupRow, len(groups))
	for i, g := range groups {
		rows[i] = toGroupRow(g, started)
	}
	return rows
}

type statisticsQuery struct {
	Cohort uint `form:"kohorte"`
}

// statisticsPage shows all cohorts together or, when one is chosen, that
// one.
type statisticsPage struct {
	Query   statisticsQuery
	Cohorts []cohortView
	Cohort  *cohortView
	// More tells that older cohorts than the Choices offered exist.
	More    bool
	Choices int
	Stats   statsView
}

func (ui *UI) statisticsPage(c *gin.Context) {
	var q statisticsQuery
	if !ui.bindQuery(c, &q) {
		return
	}
	ctx, actor := c.Request.Context(), access.ActorOf(c)
	stats, err := ui.svc.Cohorts.CohortStatistics(ctx, actor, q.Cohort)
	if err != nil {
		ui.fail(c, err)
		return
	}
	page := statisticsPage{Query: q, Stats: toStatsView(stats, q.Cohort), Choices: statisticsChoices}
	if page.Cohorts, page.Cohort, page.More, err = ui.statisticsCohorts(c, q.Cohort); err != nil {
		ui.fail(c, err)
		return
	}
	ui.render(c, http.StatusOK, "statistics", page)
}

// statisticsChoices is how many cohorts, the newest, the page offers to
// choose from: a region keeps thousands, which no one scrolls through in
// a list, and each of them shows its own figures on its page.
const statisticsChoices = 100

// statisticsCohorts reads the cohorts to choose from, with the chosen one
// among them, and tells whether there are older ones.
func (ui *UI) statisticsCohorts(c *gin.Context, chosen uint) ([]cohortView, *cohortView, bool, error) {
	ctx, actor := c.Request.Context(), access.ActorOf(c)
	choices, more, err := ui.svc.Cohorts.Choices(ctx, actor, statisticsChoices)
	if err != nil {
		return nil, nil, false, err
	}
	views := make([]cohortView, len(choices), len(choices)+1)
	for i, co := range choices {
		views[i] = cohortView{ID: co.ID, Name: co.Name, CourseTitle: co.CourseTitle}
	}
	if chosen != 0 && !slices.ContainsFunc(views, func(v cohortView) bool { return v.ID == chosen }) {
		co, err := ui.svc.Cohorts.GetCohort(ctx, actor, chosen)
		if err != nil {
			return nil, nil, false, err
		}
		views = append(views, toCohortView(co))
	}
	var current *cohortView
	for i := range views {
		if views[i].ID == chosen {
			current = &views[i]
		}
	}
	return views, current, more, nil
}

// statisticsCSV and statisticsXLSX download what the statistics page shows,
// in the page's language.
func (ui *UI) statisticsCSV(c *gin.Context) {
	ui.statisticsFile(c, ".csv", csvType, roster.WriteStatisticsCSV)
}

func (ui *UI) statisticsXLSX(c *gin.Context) {
	ui.statisticsFile(c, ".xlsx", xlsxType, roster.WriteStatisticsXLSX)
}

func (ui *UI) statisticsFile(c *gin.Context, ext, contentType string, write func(io.Writer, roster.Lang, roster.StatisticsTable) error) {
	var q statisticsQuery
	if !ui.bindQuery(c, &q) {
		return
	}
	stats, err := ui.svc.Cohorts.CohortStatistics(c.Request.Context(), access.ActorOf(c), q.Cohort)
	if err != nil {
		ui.fail(c, err)
		return
	}
	lang := roster.Lang(ui.langOf(c.Request))
	table := stats.Table(roster.AllCohorts(lang))
	var buf bytes.Buffer
	if err := write(&buf, lang, table); err != nil {
		ui.fail(c, fmt.Errorf("export statistics of cohort %d: %w", q.Cohort, err))
		return
	}
	c.Header("Content-Disposition", roster.ContentDisposition(roster.StatisticsFileName(lang, table.Scope), ext))
	c.Data(http.StatusOK, contentType, buf.Bytes())
}
