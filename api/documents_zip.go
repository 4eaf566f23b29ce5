package api

import (
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/services/roster"
)

// cohortDocumentsZip streams a cohort's valid documents as one ZIP, each
// PDF as issued; never kept in a cache, for they carry personal data.
// Refusals come before the first byte; a failure after it breaks the
// connection, so that the client sees an incomplete download.
func (h *handlers) cohortDocumentsZip(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	c.Header("Cache-Control", "no-store")
	err := h.svc.Documents.CohortArchive(c.Request.Context(), access.ActorOf(c), id, requestLang(c.Request), func(name string) io.Writer {
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
		h.writeError(c, err)
	default:
		h.log.WarnContext(c.Request.Context(), "documents ZIP broke off after it began", "request_id", requestID(c),
			"route", routeOf(c), "cohort", id, "err", err)
		panic(http.ErrAbortHandler)
	}
}
