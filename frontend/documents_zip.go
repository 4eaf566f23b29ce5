package frontend

import (
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/services/roster"
)

// cohortDocumentsZip streams a cohort's valid documents as one ZIP, each
// PDF as issued and named as its single download. A refusal is a page;
// a failure after the first byte breaks the connection, so that the
// download counts as incomplete.
func (ui *UI) cohortDocumentsZip(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	c.Header("Cache-Control", "no-store")
	lang := roster.Lang(ui.langOf(c.Request))
	err := ui.svc.Documents.CohortArchive(c.Request.Context(), access.ActorOf(c), id, lang, func(name string) io.Writer {
		c.Header("Content-Disposition", roster.ContentDisposition(name, ".zip"))
		c.Header("Content-Type", "application/zip")
		c.Status(http.StatusOK)
		return c.Writer
	})
	switch {
	case err == nil:
	case !c.Writer.Written():
		c.Writer.Header().Del("Content-Disposition")
		c.Writer.Header().Del("Content-Type")
		ui.fail(c, err)
	default:
		panic(http.ErrAbortHandler)
	}
}
