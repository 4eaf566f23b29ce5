package frontend

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
)

// maxFormBytes bounds the body of the UI's small forms.
const maxFormBytes = 4 << 10

func (ui *UI) home(c *gin.Context) {
	ui.render(c, http.StatusOK, "home", nil)
}

// NotFound answers a request for a page that does not exist with an HTML page
// in the reader's language.
func (ui *UI) NotFound(c *gin.Context) {
	ui.renderError(c, http.StatusNotFound, "NotFoundTitle", "NotFoundText")
}

// errorPage names the messages of an error page.
type errorPage struct {
	Title string
	Text  string
}

func (ui *UI) renderError(c *gin.Context, status int, title, text string) {
	ui.render(c, status, "error", errorPage{Title: title, Text: text})
}

// setLanguage stores the chosen language in a cookie and sends the reader
// back to the page they came from.
func (ui *UI) setLanguage(c *gin.Context) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxFormBytes)
	code := c.PostForm("lang")
	if !ui.supports(code) {
		ui.renderError(c, http.StatusBadRequest, "BadRequestTitle", "BadRequestText")
		return
	}
	http.SetCookie(c.Writer, langCookieFor(code, c.Request.TLS != nil))
	c.Redirect(http.StatusSeeOther, localPath(c.PostForm("next")))
}

// localPath returns next if it is a path on this site, else "/", so that the
// language switch cannot send anyone elsewhere. Browsers read "\" as "/" and
// drop tabs and newlines from URLs, which turns "/\evil.example" into
// "//evil.example"; such paths are refused, not repaired.
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	for _, r := range next {
		if r == '\\' || r < 0x20 || r == 0x7f {
			return "/"
		}
	}
	return next
}

// sameOrigin refuses a state-changing request that a browser sent from
// another site.
func (ui *UI) sameOrigin(c *gin.Context) {
	if err := ui.cop.Check(c.Request); err != nil {
		ui.renderError(c, http.StatusForbidden, "ForbiddenTitle", "ForbiddenText")
		c.Abort()
		return
	}
	c.Next()
}

// Deny answers a refused page request: without a login, with the way to
// log in; otherwise with a page that says no.
func (ui *UI) Deny(c *gin.Context, status int) {
	if status == http.StatusUnauthorized {
		c.Redirect(http.StatusSeeOther, "/anmelden?next="+url.QueryEscape(localPath(c.Request.URL.RequestURI())))
		return
	}
	ui.renderError(c, http.StatusForbidden, "ForbiddenTitle", "ForbiddenText")
}
