package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
)

type userResponse struct {
	ID                 uint       `json:"id"`
	Email              string     `json:"email"`
	DisplayName        string     `json:"display_name"`
	Role               string     `json:"role"`
	Status             string     `json:"status"`
	MustChangePassword bool       `json:"must_change_password"`
	LastLoginAt        *time.Time `json:"last_login_at"`
	CreatedAt          time.Time  `json:"created_at"`
}

func toUserResponse(u models.User) userResponse {
	return userResponse{ID: u.ID, Email: u.Email, DisplayName: u.DisplayName, Role: string(u.Role),
		Status: string(u.Status), MustChangePassword: u.MustChangePassword, LastLoginAt: u.LastLoginAt, CreatedAt: u.CreatedAt}
}

type loginRequest struct {
	Email    string `json:"email" binding:"required,max=254"`
	Password string `json:"password" binding:"required,max=1024"`
}

type sessionResponse struct {
	User userResponse `json:"user"`
}

func (h *handlers) login(c *gin.Context) {
	var req loginRequest
	if !h.bindJSON(c, &req) {
		return
	}
	res, err := h.svc.Sessions.Login(c.Request.Context(), req.Email, req.Password, access.ActorOf(c))
	if err != nil {
		h.writeError(c, err)
		return
	}
	h.startSession(c, res)
}

// startSession ends the session the browser came with, if any, and hands
// it the new one: a login always rotates the token.
func (h *handlers) startSession(c *gin.Context, res services.LoginResult) {
	if old := access.SessionToken(c); old != "" {
		if err := h.svc.Sessions.Logout(c.Request.Context(), old, services.Actor{}); err != nil {
			h.writeError(c, err)
			return
		}
	}
	access.SetSessionCookie(c, res.Token)
	c.JSON(http.StatusOK, sessionResponse{User: toUserResponse(res.User)})
}

func (h *handlers) logout(c *gin.Context) {
	if token := access.SessionToken(c); token != "" {
		if err := h.svc.Sessions.Logout(c.Request.Context(), token, access.ActorOf(c)); err != nil {
			h.writeError(c, err)
			return
		}
	}
	access.ClearSessionCookie(c)
	access.ForgetDeviceData(c)
	c.Status(http.StatusNoContent)
}

func (h *handlers) me(c *gin.Context) {
	actor := access.ActorOf(c)
	u, err := h.svc.Users.GetUser(c.Request.Context(), actor, actor.UserID)
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toUserResponse(u))
}

type changePasswordRequest struct {
	// CurrentPassword may be left out only while a generated password must be changed.
	CurrentPassword string `json:"current_password" binding:"max=1024"`
	Password        string `json:"password" binding:"required,max=1024"`
}

func (h *handlers) changePassword(c *gin.Context) {
	var req changePasswordRequest
	if !h.bindJSON(c, &req) {
		return
	}
	res, err := h.svc.Passwords.ChangePassword(c.Request.Context(), access.ActorOf(c), req.CurrentPassword, req.Password)
	if err != nil {
		h.writeError(c, err)
		return
	}
	access.SetSessionCookie(c, res.Token)
	c.JSON(http.StatusOK, sessionResponse{User: toUserResponse(res.User)})
}

type setPasswordRequest struct {
	Token    string `json:"token" binding:"required,max=200"`
	Password string `json:"password" binding:"required,max=1024"`
}

func (h *handlers) setPassword(c *gin.Context) {
	var req setPasswordRequest
	if !h.bindJSON(c, &req) {
		return
	}
	res, err := h.svc.Passwords.SetPasswordWithToken(c.Request.Context(), req.Token, req.Password, access.ActorOf(c))
	if err != nil {
		h.writeError(c, err)
		return
	}
	h.startSession(c, res)
}

type passwordResetRequest struct {
	Email string `json:"email" binding:"required,max=254"`
}

// requestPasswordReset answers 202 whether or not the address has an account.
func (h *handlers) requestPasswordReset(c *gin.Context) {
	var req passwordResetRequest
	if !h.bindJSON(c, &req) {
		return
	}
	if err := h.svc.Passwords.RequestReset(c.Request.Context(), req.Email, access.ActorOf(c)); err != nil {
		h.writeError(c, err)
		return
	}
	c.Status(http.StatusAccepted)
}
