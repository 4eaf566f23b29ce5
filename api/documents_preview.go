package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
	"kohorte/services/roster"
)

type previewQuery struct {
	Lang string `form:"lang" binding:"omitempty,oneof=de en"`
}

func (h *handlers) previewCertificate(c *gin.Context) { h.preview(c, models.KindCertificate) }

func (h *handlers) previewConfirmation(c *gin.Context) { h.preview(c, models.KindConfirmation) }

// preview renders a course's document for a sample person, shown inline
// and never stored or cached.
func (h *handlers) preview(c *gin.Context, kind models.DocumentKind) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var q previewQuery
	if !h.bindQuery(c, &q) {
		return
	}
	c.Header("Cache-Control", "no-store")
	f, err := h.svc.Documents.Preview(c.Request.Context(), access.ActorOf(c), id, kind,
		services.IssueInput{Lang: q.Lang, VerifyBase: access.PublicURL(c, "")})
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.Header("Content-Disposition", roster.DocumentDisposition(f.LastName, f.FirstName, f.Number, true))
	c.Data(http.StatusOK, "application/pdf", f.PDF)
}
