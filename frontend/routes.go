package frontend

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"kohorte/api/access"
)

// Register adds every route of the UI with its access rule. Pages answer
// GET and HEAD; state-changing routes are POST only.
func (ui *UI) Register(r *gin.RouterGroup, routes *access.Table) {
	g := routes.Group(r, ui.Deny)
	for _, m := range []string{http.MethodGet, http.MethodHead} {
		g.Handle(access.Public, m, "/", ui.home)
		g.Handle(access.Public, m, "/static/*file", ui.serveStatic)
	}
	g.POST(access.Public, "/sprache", ui.sameOrigin, ui.setLanguage)
}
