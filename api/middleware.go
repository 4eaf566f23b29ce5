package api

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/services"
)

const requestIDKey = "request_id"

// validRequestID accepts an ID that a proxy in front of Kohorte already gave
// the request, as long as it cannot forge log lines.
var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// withRequestID gives each request an ID, returned as X-Request-ID and
// written to the log and the audit log. An ID is taken over only from a
// trusted proxy, so that clients cannot plant IDs in the audit log.
func withRequestID(trusted proxies) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-ID")
		if !validRequestID.MatchString(id) || !trusted.from(c) {
			id = rand.Text()
		}
		c.Set(requestIDKey, id)
		c.Header("X-Request-ID", id)
		c.Next()
	}
}

func requestID(c *gin.Context) string {
	return c.GetString(requestIDKey)
}

// securityHeaders runs first so that every response carries them: pages,
// files, problems and answers to panics alike.
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if access.IsTLS(c) {
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	}
	c.Next()
}

// routeOf names the matched route pattern, never the concrete path, so that
// IDs and tokens in paths reach neither logs nor metric labels.
func routeOf(c *gin.Context) string {
	if r := c.FullPath(); r != "" {
		return r
	}
	return "unmatched"
}

// accessLog writes one line per request. It logs the route pattern and never
// the query string, which may carry tokens.
func accessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		log.LogAttrs(c.Request.Context(), slog.LevelInfo, "request",
			slog.String("request_id", requestID(c)),
			slog.String("method", c.Request.Method),
			slog.String("route", routeOf(c)),
			slog.Int("status", c.Writer.Status()),
			slog.Int("bytes", max(c.Writer.Size(), 0)),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
		)
	}
}

// recoverPanics turns a panic into a 500 problem that names the request ID,
// and logs the panic with its stack for the operator.
func recoverPanics(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			log.ErrorContext(c.Request.Context(), "panic while serving request",
				"request_id", requestID(c), "route", routeOf(c),
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if c.Writer.Written() {
				c.Abort()
				return
			}
			writeProblem(c, http.StatusInternalServerError, services.CodeInternal,
				"An internal error occurred. Quote the request ID when reporting it.", nil)
		}()
		c.Next()
	}
}

// isAPI tells whether a path belongs to the JSON API, which answers in problem+json.
func isAPI(path string) bool {
	return path == "/api" || strings.HasPrefix(path, "/api/")
}
