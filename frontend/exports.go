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
	ui.export(c, ".csv", csvType)
}

func (ui *UI) exportXLSX(c *gin.Context) {
	ui.export(c, ".xlsx", xlsxType)
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
// page's language. Everything that can refuse the request is checked
// before the first byte, and the file is streamed as it is read, so that
// memory stays flat for a cohort of any size. Should the database fail
// before anything was sent, the answer is a clean error page; after that,
// the connection is broken so that the browser reports a failed download
// instead of keeping half a file.
func (ui *UI) export(c *gin.Context, ext, contentType string) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	ids, ok := ui.exportSelection(c)
	if !ok {
		return
	}
	ex, err := ui.svc.Enrollments.OpenExport(c.Request.Context(), access.ActorOf(c), id, ids)
	if errors.As(err, new(*services.ValidationError)) {
		// Only a forged or outdated selection names people of another cohort.
		ui.renderError(c, http.StatusUnprocessableEntity, "BulkNotInCohortTitle", "BulkNotInCohort")
		return
	}
	if err != nil {
		ui.fail(c, err)
		return
	}
	defer ex.Close()
	c.Header("Content-Disposition", roster.ContentDisposition("kohorte-"+ex.Cohort.Name, ext))
	// The list holds personal data: no cache may keep it.
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Type", contentType)
	c.Status(http.StatusOK)
	err = roster.WriteFrom(c.Writer, ext == ".xlsx", roster.Lang(ui.langOf(c.Request)), ex.Cohort.Name, ex.Each)
	if err == nil {
		return
	}
	if !c.Writer.Written() {
		c.Writer.Header().Del("Content-Disposition")
		c.Writer.Header().Del("Content-Type")
		ui.fail(c, fmt.Errorf("export cohort %d: %w", id, err))
		return
	}
	ui.log.WarnContext(c.Request.Context(), "export broke off after it began", "route", c.FullPath(),
		"request_id", access.ActorOf(c).RequestID, "cohort", id, "err", err)
	panic(http.ErrAbortHandler)
}
