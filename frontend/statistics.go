package frontend

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
)

// countRow is one line of a statistics table. Code is a federal state or
// network type code, "" for people without one.
type countRow struct {
	Code  string
	Count int64
}

// statsView is the statistics of one cohort or of all, as the part
// "statistics" shows them.
type statsView struct {
	Participants int64
	Enrolled     int64
	Completed    int64
	NotPassed    int64
	Withdrawn    int64
	States       []countRow
	Networks     []countRow
}

func toStatsView(st services.Statistics) statsView {
	return statsView{
		Participants: st.Participants,
		Enrolled:     st.ByStatus[string(models.EnrollmentEnrolled)],
		Completed:    st.ByStatus[string(models.EnrollmentCompleted)],
		NotPassed:    st.ByStatus[string(models.EnrollmentNotPassed)],
		Withdrawn:    st.ByStatus[string(models.EnrollmentWithdrawn)],
		States:       countRows(st.ByFederalState, func(code string) string { return stateName(code) }),
		Networks:     countRows(st.ByNetworkType, func(code string) string { return code }),
	}
}

// countRows orders counts largest first, then by name; people without a
// value come last, because they say least.
func countRows(counts map[string]int64, name func(string) string) []countRow {
	rows := make([]countRow, 0, len(counts))
	for code, n := range counts {
		if n > 0 {
			rows = append(rows, countRow{Code: code, Count: n})
		}
	}
	slices.SortFunc(rows, func(a, b countRow) int {
		if (a.Code == "") != (b.Code == "") {
			if a.Code == "" {
				return 1
			}
			return -1
		}
		if a.Count != b.Count {
			return int(b.Count - a.Count)
		}
		return strings.Compare(name(a.Code), name(b.Code))
	})
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
	Stats   statsView
}

func (ui *UI) statisticsPage(c *gin.Context) {
	var q statisticsQuery
	if !ui.bindQuery(c, &q) {
		return
	}
	ctx, actor := c.Request.Context(), access.ActorOf(c)
	cohorts, err := ui.svc.Cohorts.ListCohorts(ctx, actor, services.CohortFilter{})
	if err != nil {
		ui.fail(c, err)
		return
	}
	stats, err := ui.svc.Cohorts.CohortStatistics(ctx, actor, q.Cohort)
	if err != nil {
		ui.fail(c, err)
		return
	}
	page := statisticsPage{Query: q, Stats: toStatsView(stats)}
	for _, co := range cohorts {
		v := toCohortView(co)
		page.Cohorts = append(page.Cohorts, v)
		if co.ID == q.Cohort {
			page.Cohort = &v
		}
	}
	ui.render(c, http.StatusOK, "statistics", page)
}
