package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"kohorte/services"
)

// This file reads the parameters of a request's path. Anything but a
// positive number is a 404, as no such resource can exist.

// pathID reads the :id parameter.
func (h *handlers) pathID(c *gin.Context) (uint, bool) {
	return pathNumber(c, "id")
}

// pathNumber reads the path parameter name as a positive number, or
// answers 404 and returns false.
func pathNumber(c *gin.Context, name string) (uint, bool) {
	n, err := strconv.ParseUint(c.Param(name), 10, 32)
	if err != nil || n == 0 {
		writeProblem(c, http.StatusNotFound, services.CodeNotFound, services.CodeNotFound.English(nil), nil)
		return 0, false
	}
	return uint(n), true
}
