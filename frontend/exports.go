package frontend

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/services"
	"kohorte/services/roster"
)

// An export is a file a course office opens in Excel.
const (
	csvType  = "text/csv; charset=utf-8"
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

func (ui *UI) exportCSV(c *gin.Context) {
	ui.export(c, ".csv", csvType, func(w io.Writer, _ string, rows []roster.ExportRow) error {
		return roster.WriteCSV(w, rows)
	})
}

func (ui *UI) exportXLSX(c *gin.Context) {
	ui.export(c, ".xlsx", xlsxType, roster.WriteXLSX)
}

// export writes a cohort's participant list, or the selection of it that
// the list's bulk form sends, as a download. The file is
// written into a buffer first, so that a failure is a clean error page and
// not half a file; a cohort's list is small.
func (ui *UI) export(c *gin.Context, ext, contentType string, write func(io.Writer, string, []roster.ExportRow) error) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	ids, ok := ui.exportSelection(c)
	if !ok {
		return
	}
	cohort, rows, err := ui.svc.Enrollments.ExportRows(c.Request.Context(), access.ActorOf(c), id, ids)
	if errors.As(err, new(*services.ValidationError)) {
		// Only a forged or outdated selection names people of another cohort.
		ui.renderError(c, http.StatusUnprocessableEntity, "BulkNotInCohortTitle", "BulkNotInCohort")
		return
	}
	if err != nil {
		ui.fail(c, err)
		return
	}
	var buf bytes.Buffer
	if err := write(&buf, cohort.Name, rows); err != nil {
		ui.fail(c, fmt.Errorf("export cohort %d: %w", id, err))
		return
	}
	c.Header("Content-Disposition", roster.ContentDisposition("kohorte-"+cohort.Name, ext))
	// The list holds personal data: no cache may keep it.
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, contentType, buf.Bytes())
}
