// Package api serves Kohorte's JSON API under /api/v1, its OpenAPI document,
// the operations endpoints and the middleware that every response passes
// through. Handlers bind input, call one service and render the result.
package api

import (
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"kohorte/services"
)

// UI is the server-rendered web interface, mounted beside the API.
type UI interface {
	// Register adds the UI's routes.
	Register(r gin.IRouter)
	// NotFound answers a request for a page that does not exist.
	NotFound(c *gin.Context)
}

// Deps are what the router needs from the composition root.
type Deps struct {
	Logger  *slog.Logger
	Metrics *Metrics
	Health  *services.Health
	UI      UI
	Version string
	// MaxBody limits JSON request bodies, in bytes; 1 MiB when zero.
	MaxBody int64
}

type handlers struct {
	log     *slog.Logger
	health  *services.Health
	version string
	maxBody int64
	docs    *docs
}

// NewRouter builds the HTTP handler with every route of Kohorte. Reading this
// function shows the whole surface and the middleware in front of it.
func NewRouter(d Deps) (*gin.Engine, error) {
	gin.SetMode(gin.ReleaseMode)
	docs, err := newDocs()
	if err != nil {
		return nil, err
	}
	h := &handlers{log: d.Logger, health: d.Health, version: d.Version, maxBody: d.MaxBody, docs: docs}
	if h.maxBody <= 0 {
		h.maxBody = 1 << 20
	}

	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	r.Use(securityHeaders, withRequestID, accessLog(d.Logger), d.Metrics.instrument, recoverPanics(d.Logger))

	r.GET("/healthz", h.healthz)
	r.GET("/readyz", h.readyz)
	r.GET("/metrics", gin.WrapH(d.Metrics.Handler()))

	r.GET("/api/openapi.json", h.openAPI)
	r.GET("/api/docs", h.apiDocs)
	r.GET("/api/docs/docs.css", h.apiDocsCSS)

	v1 := r.Group("/api/v1")
	v1.GET("/version", h.getVersion)

	if d.UI != nil {
		d.UI.Register(r)
	}
	r.NoRoute(h.notFound(d.UI))
	r.NoMethod(h.methodNotAllowed)
	return r, nil
}

func (h *handlers) notFound(ui UI) gin.HandlerFunc {
	return func(c *gin.Context) {
		if ui != nil && !isAPI(c.Request.URL.Path) && !isOps(c.Request.URL.Path) {
			ui.NotFound(c)
			return
		}
		writeProblem(c, http.StatusNotFound, "There is no resource at this path.", nil)
	}
}

func (h *handlers) methodNotAllowed(c *gin.Context) {
	writeProblem(c, http.StatusMethodNotAllowed,
		"This resource does not accept the method "+c.Request.Method+".", nil)
}

func isOps(path string) bool {
	return path == "/healthz" || path == "/readyz" || path == "/metrics"
}
