package frontend

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// Register adds every route of the UI. Pages answer GET and HEAD; the only
// state-changing route checks that the request comes from this site.
func (ui *UI) Register(r gin.IRouter) {
	read := []string{http.MethodGet, http.MethodHead}

	r.Match(read, "/", ui.home)
	r.POST("/sprache", ui.sameOrigin, ui.setLanguage)
	r.Match(read, "/static/*file", ui.serveStatic)
}
