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
	ui.export(c, ".csv", csvType, func(w io.Writer, lang roster.Lang, _ string, rows []roster.ExportRow) error {
		return roster.WriteCSVIn(w, lang, rows)
	})
}

func (ui *UI) exportXLSX(c *gin.Context) {
	ui.export(c, ".xlsx", xlsxType, roster.WriteXLSXIn)
}

// importTemplateCSV and importTemplateXLSX send the empty list an import
// reads: the export's first columns, headed in the page's language.
func (ui *UI) importTemplateCSV(c *gin.Context) {
	ui.importTemplate(c, ".csv", csvType, roster.WriteTemplateCSV)
}

func (ui *UI) importTemplateXLSX(c *gin.Context) {
	ui.importTemplate(c, ".xlsx", xlsxType, roster.WriteTemplateXLSX)
}

func (ui *UI) importTemplate(c *gin.Context, ext, contentType string, write func(io.Writer, roster.Lang) error) {
	lang := roster.Lang(ui.langOf(c.Request))
	var buf bytes.Buffer
	if err := write(&buf, lang); err != nil {
		ui.fail(c, fmt.Errorf("import template: %w", err))
		return
	}
	c.Header("Content-Disposition", roster.ContentDisposition(roster.TemplateFileName(lang), ext))
	c.Data(http.StatusOK, contentType, buf.Bytes())
}

// export writes a cohort's participant list, or the selection of it that
// the list's bulk form sends, as a download, headers and labels in the
// page's language. The file is
// written into a buffer first, so that a failure is a clean error page and
// not half a file; a cohort's list is small.
func (ui *UI) export(c *gin.Context, ext, contentType string, write func(io.Writer, roster.Lang, string, []roster.ExportRow) error) {
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
	if err := write(&buf, roster.Lang(ui.langOf(c.Request)), cohort.Name, rows); err != nil {
		ui.fail(c, fmt.Errorf("export cohort %d: %w", id, err))
		return
	}
	c.Header("Content-Disposition", roster.ContentDisposition("kohorte-"+cohort.Name, ext))
	// The list holds personal data: no cache may keep it.
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, contentType, buf.Bytes())
}
