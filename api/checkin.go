package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/services"
)

// checkinResponse is the code staff show at a presence session, with the
// link its QR code opens.
type checkinResponse struct {
	SessionID  uint      `json:"session_id"`
	Code       string    `json:"code"`
	ShownUntil time.Time `json:"shown_until"`
	URL        string    `json:"url"`
}

func toCheckinResponse(c *gin.Context, code services.CheckinCode) checkinResponse {
	return checkinResponse{SessionID: code.Session.ID, Code: code.Code, ShownUntil: code.ShownUntil.UTC(),
		URL: access.PublicURL(c, services.CheckinPath(code.Session.ID, code.Code))}
}

func (h *handlers) openCheckin(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	code, err := h.svc.Attendance.OpenCheckin(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toCheckinResponse(c, code))
}

func (h *handlers) getCheckin(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	code, err := h.svc.Attendance.CurrentCheckinCode(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, toCheckinResponse(c, code))
}

func (h *handlers) closeCheckin(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	if err := h.svc.Attendance.CloseCheckin(c.Request.Context(), access.ActorOf(c), id); err != nil {
		h.writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

type checkInRequest struct {
	SessionID uint   `json:"session_id" binding:"required"`
	Code      string `json:"code" binding:"required,max=20"`
}

type checkInResponse struct {
	SessionID uint   `json:"session_id"`
	Status    string `json:"status"`
	Modality  string `json:"modality"`
	Changed   bool   `json:"changed"`
}

func (h *handlers) checkIn(c *gin.Context) {
	var req checkInRequest
	if !h.bindJSON(c, &req) {
		return
	}
	res, err := h.svc.Attendance.CheckIn(c.Request.Context(), access.ActorOf(c), req.SessionID, req.Code)
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, checkInResponse{SessionID: req.SessionID, Status: "present", Modality: "on_site", Changed: res.Changed > 0})
}
