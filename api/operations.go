package api

import (
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
