package frontend

import (
	"strconv"

	"github.com/gin-gonic/gin"
)

// This file reads the parameters of a page's path. Anything but a
// positive number is a page that does not exist.

// pathID reads the :id of the path.
func (ui *UI) pathID(c *gin.Context) (uint, bool) {
	return ui.pathNumber(c, "id")
}

// pathNumber reads the path parameter name as a positive number, or
// answers with the page that does not exist and returns false.
func (ui *UI) pathNumber(c *gin.Context, name string) (uint, bool) {
	n, err := strconv.ParseUint(c.Param(name), 10, 32)
	if err != nil || n == 0 {
		ui.NotFound(c)
		return 0, false
	}
	return uint(n), true
}

// issuerPosition reads the :position of the path: 1 to 3.
func (ui *UI) issuerPosition(c *gin.Context) (int, bool) {
	pos, ok := ui.pathNumber(c, "position")
	if ok && pos > maxIssuers {
		ui.NotFound(c)
		return 0, false
	}
	return int(pos), ok
}
