package frontend

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
	"kohorte/services/roster"
)

type previewPage struct {
	Course courseView
}

// previewPage links a course's certificate and confirmation as they would
// be issued today, for a sample person, in both languages, with what they
// are printed from.
func (ui *UI) previewPage(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	course, err := ui.svc.Courses.GetCourse(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	ui.render(c, http.StatusOK, "preview", previewPage{Course: toCourseView(course)})
}

func (ui *UI) previewCertificate(c *gin.Context)  { ui.previewPDF(c, models.KindCertificate) }
func (ui *UI) previewConfirmation(c *gin.Context) { ui.previewPDF(c, models.KindConfirmation) }

// previewPDF shows a course's document for the sample person inline, in
// the language asked for or else the reader's; rendered anew each time,
// stored nowhere, never cached.
func (ui *UI) previewPDF(c *gin.Context, kind models.DocumentKind) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	var form struct {
		Lang string `form:"sprache" binding:"omitempty,oneof=de en"`
	}
	if !ui.bindQuery(c, &form) {
		return
	}
	if form.Lang == "" {
		form.Lang = ui.langOf(c.Request)
	}
	f, err := ui.svc.Documents.Preview(c.Request.Context(), access.ActorOf(c), id, kind,
		services.IssueInput{Lang: form.Lang, VerifyBase: access.PublicURL(c, "")})
	if err != nil {
		ui.fail(c, err)
		return
	}
	c.Header("Content-Disposition", roster.DocumentDisposition(f.LastName, f.FirstName, f.Number, true))
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/pdf", f.PDF)
}
