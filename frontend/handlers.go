package frontend

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/errhttp"
	"kohorte/services"
)

// NotFound answers a request for a page that does not exist with an HTML page
// in the reader's language.
func (ui *UI) NotFound(c *gin.Context) {
	ui.renderError(c, http.StatusNotFound, "NotFoundTitle", "NotFoundText")
}

// MethodNotAllowed answers a page address asked for with the wrong method,
// e.g. a bookmarked logout, with a page rather than JSON.
func (ui *UI) MethodNotAllowed(c *gin.Context) {
	ui.renderError(c, http.StatusMethodNotAllowed, "MethodNotAllowedTitle", "MethodNotAllowedText")
}

// errorPage names the messages of an error page.
type errorPage struct {
	Title string
	Text  string
	// Reason, if known, says what refused the action, in place of Text.
	Reason *message
	// RequestID lets the course office find the failure in the log.
	RequestID string
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
	http.SetCookie(c.Writer, langCookieFor(code, access.IsTLS(c)))
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

// Deny answers a refused page request. Without a login it leads to the
// login page, which returns here afterwards; a user who must still replace
// a generated password is sent to do that; anyone else sees a page that
// says no.
func (ui *UI) Deny(c *gin.Context, status int) {
	actor := access.ActorOf(c)
	switch {
	case status == http.StatusUnauthorized:
		c.Redirect(http.StatusSeeOther, loginURL(c.Request))
	case actor.MustChangePassword:
		c.Redirect(http.StatusSeeOther, "/passwort")
	case actor.IsAnonymous():
		// The route rules answer anonymous requests with 401, so a 403
		// without a login comes from the cross-origin check, which runs
		// before anyone is authenticated.
		ui.renderError(c, http.StatusForbidden, "CrossSiteTitle", "CrossSiteText")
	default:
		ui.renderError(c, http.StatusForbidden, "ForbiddenTitle", "ForbiddenText")
	}
}

// loginURL leads to the login page and from there back to the page asked
// for. A refused form submission returns to the start page: its URL
// answers only POST.
func loginURL(r *http.Request) string {
	next := "/"
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		next = localPath(r.URL.RequestURI())
	}
	if next == "/" {
		return "/anmelden"
	}
	return "/anmelden?next=" + url.QueryEscape(next)
}

// Fail answers a page request that failed before its handler ran, as fail
// does for a handler.
func (ui *UI) Fail(c *gin.Context, err error) { ui.fail(c, err) }

// fail answers a service error that the page cannot show in place, with
// the status errhttp gives it, as the API would. A refusal is explained by
// its code; an unexpected error is logged with its detail and shown only
// as a request ID.
func (ui *UI) fail(c *gin.Context, err error) {
	if classified := services.Classify(err); classified != err {
		ui.log.WarnContext(c.Request.Context(), "page refused by the database", "route", c.FullPath(),
			"request_id", access.ActorOf(c).RequestID, "err", err)
		err = classified
	}
	switch status := errhttp.Status(err); status {
	case http.StatusNotFound:
		ui.NotFound(c)
	case http.StatusForbidden:
		ui.renderError(c, status, "ForbiddenTitle", "ForbiddenText")
	case http.StatusUnauthorized:
		ui.Deny(c, status)
	case http.StatusConflict:
		// A page that did not expect the refusal still explains it rather
		// than calling it an internal error.
		ui.render(c, status, "error", errorPage{Title: "ConflictTitle", Text: "ConflictText", Reason: refusalMessage(err)})
	case http.StatusUnprocessableEntity:
		ui.renderError(c, status, "BadRequestTitle", "BadRequestText")
	case http.StatusTooManyRequests:
		if wait := errhttp.RetryAfter(err); wait > 0 {
			c.Header("Retry-After", strconv.Itoa(wait))
		}
		ui.renderError(c, status, "TooManyTitle", "TooManyText")
	case http.StatusServiceUnavailable:
		c.Header("Retry-After", strconv.Itoa(errhttp.RetryAfter(err)))
		ui.renderError(c, status, "UnavailableTitle", "ErrUnavailable")
	default:
		actor := access.ActorOf(c)
		ui.log.ErrorContext(c.Request.Context(), "page failed", "route", c.FullPath(),
			"request_id", actor.RequestID, "err", err)
		ui.render(c, http.StatusInternalServerError, "error",
			errorPage{Title: "InternalErrorTitle", Text: "InternalErrorText", RequestID: actor.RequestID})
	}
}
