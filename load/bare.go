package load

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"gorm.io/gorm"

	"kohorte/models"
)

// BarePath is the bare server's one route, a participant by id.
const BarePath = "/participants/"

// Bare is the reference: Gin and GORM with one point lookup of a
// participant by id, with no access control, sessions, logging or
// middleware. Kohorte's cheapest authenticated read does the same lookup,
// so the ratio of the two is what everything Kohorte adds costs.
func Bare(db *gorm.DB) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET(BarePath+":id", func(c *gin.Context) {
		id, err := strconv.ParseUint(c.Param("id"), 10, 64)
		if err != nil {
			c.Status(http.StatusBadRequest)
			return
		}
		var p models.Participant
		if err := db.WithContext(c.Request.Context()).Take(&p, id).Error; err != nil {
			c.Status(http.StatusNotFound)
			return
		}
		c.JSON(http.StatusOK, p)
	})
	return r
}
