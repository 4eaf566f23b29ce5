package api

import (
	"fmt"
	"net/http"
	"runtime"

	"github.com/gin-gonic/gin"
)

type healthResponse struct {
	Status string `json:"status"`
}

type versionResponse struct {
	Name      string `json:"name"`
	Version   string `json:"version"`
	GoVersion string `json:"go_version"`
}

func (h *handlers) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, healthResponse{Status: "ok"})
}

func (h *handlers) readyz(c *gin.Context) {
	if err := h.svc.Health.Ready(c.Request.Context()); err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, healthResponse{Status: "ok"})
}

func (h *handlers) getVersion(c *gin.Context) {
	c.JSON(http.StatusOK, versionResponse{Name: "Kohorte", Version: h.version, GoVersion: runtime.Version()})
}

// created answers 201 with body and, as RFC 9110 asks of every 201, the
// address of what was made in Location: the object itself, or where it is
// listed when it has no address of its own (an enrollment, an import).
func created(c *gin.Context, location string, body any) {
	c.Header("Location", location)
	c.JSON(http.StatusCreated, body)
}

func apiPath(format string, id uint) string { return fmt.Sprintf(format, id) }
