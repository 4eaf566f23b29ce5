package api

import (
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
)

type listResponse[T any] struct {
	Items    []T   `json:"items"`
	Total    int64 `json:"total"`
	Page     int   `json:"page"`
	PageSize int   `json:"page_size"`
}

type pageQuery struct {
	Page     int `form:"page" binding:"omitempty,gte=1"`
	PageSize int `form:"page_size" binding:"omitempty,gte=1,lte=200"`
}

func (q pageQuery) page() services.Page {
	p := services.Page{Number: max(q.Page, 1), Size: q.PageSize}
	if p.Size == 0 {
		p.Size = 50
	}
	return p
}

type userListQuery struct {
	pageQuery
	Search string `form:"search" binding:"max=200"`
	Role   string `form:"role" binding:"omitempty,oneof=admin staff juror participant"`
	Status string `form:"status" binding:"omitempty,oneof=active disabled"`
	// ResetRequested keeps the users whose "forgot password" request
	// waits for a link.
	ResetRequested bool `form:"reset_requested"`
}

// userListItem is a user in the list, with their open password reset
// request, if any, for an integration that answers them.
type userListItem struct {
	userResponse
	ResetRequestedAt *time.Time `json:"reset_requested_at"`
}

func (h *handlers) listUsers(c *gin.Context) {
	var q userListQuery
	if !h.bindQuery(c, &q) {
		return
	}
	page := q.page()
	ctx, actor := c.Request.Context(), access.ActorOf(c)
	users, total, err := h.svc.Users.ListUsers(ctx, actor, services.UserFilter{Search: q.Search, Role: models.Role(q.Role),
		Status: models.UserStatus(q.Status), ResetRequested: q.ResetRequested, Page: page})
	if err != nil {
		h.writeError(c, err)
		return
	}
	requests, err := h.svc.Users.ResetRequests(ctx, actor)
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, listResponse[userListItem]{Items: toUserListItems(users, requests), Total: total,
		Page: page.Number, PageSize: page.Size})
}

func toUserListItems(users []models.User, requests []services.ResetRequest) []userListItem {
	asked := make(map[uint]time.Time, len(requests))
	for _, r := range requests {
		asked[r.User.ID] = r.RequestedAt
	}
	items := make([]userListItem, len(users))
	for i, u := range users {
		items[i] = userListItem{userResponse: toUserResponse(u)}
		if at, ok := asked[u.ID]; ok {
			items[i].ResetRequestedAt = &at
		}
	}
	return items
}

type inviteRequest struct {
	Email       string `json:"email" binding:"required,max=254"`
	DisplayName string `json:"display_name" binding:"required,max=200"`
	Role        string `json:"role" binding:"required,oneof=admin staff juror participant"`
}

type passwordLinkResponse struct {
	User         userResponse `json:"user"`
	PasswordLink string       `json:"password_link"`
	ExpiresAt    time.Time    `json:"expires_at"`
}

func (h *handlers) inviteUser(c *gin.Context) {
	var req inviteRequest
	if !h.bindJSON(c, &req) {
		return
	}
	inv, err := h.svc.Users.Invite(c.Request.Context(), access.ActorOf(c), services.InviteInput{
		Email: req.Email, DisplayName: req.DisplayName, Role: models.Role(req.Role)})
	if err != nil {
		h.writeError(c, err)
		return
	}
	created(c, apiPath("/api/v1/users/%d", inv.User.ID), passwordLinkResponse{User: toUserResponse(inv.User), PasswordLink: passwordLink(c, inv.Token), ExpiresAt: inv.ExpiresAt})
}

// passwordLink is the page where a person sets their password with token.
func passwordLink(c *gin.Context, token string) string {
	return access.PublicURL(c, "/passwort-setzen?token="+url.QueryEscape(token))
}

func (h *handlers) getUser(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	u, err := h.svc.Users.GetUser(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toUserResponse(u))
}

type updateUserRequest struct {
	Role   *string `json:"role" binding:"omitempty,oneof=admin staff juror participant"`
	Status *string `json:"status" binding:"omitempty,oneof=active disabled"`
}

func (h *handlers) updateUser(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var req updateUserRequest
	if !h.bindJSON(c, &req) {
		return
	}
	var ch services.UserChange
	if req.Role != nil {
		role := models.Role(*req.Role)
		ch.Role = &role
	}
	if req.Status != nil {
		status := models.UserStatus(*req.Status)
		ch.Status = &status
	}
	u, err := h.svc.Users.UpdateUser(c.Request.Context(), access.ActorOf(c), id, ch)
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toUserResponse(u))
}

func (h *handlers) createPasswordLink(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	link, err := h.svc.Passwords.ResetLink(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		h.writeError(c, err)
		return
	}
	created(c, apiPath("/api/v1/users/%d", link.User.ID), passwordLinkResponse{User: toUserResponse(link.User), PasswordLink: passwordLink(c, link.Token), ExpiresAt: link.ExpiresAt})
}

type auditQuery struct {
	pageQuery
	Action     string    `form:"action" binding:"max=64"`
	ObjectType string    `form:"object_type" binding:"max=64"`
	ObjectID   string    `form:"object_id" binding:"max=64"`
	ActorID    uint      `form:"actor_id" binding:"lte=2147483647"`
	From       time.Time `form:"from" time_format:"2006-01-02T15:04:05Z07:00"`
	To         time.Time `form:"to" time_format:"2006-01-02T15:04:05Z07:00"`
}

type auditEventResponse struct {
	ID         uint      `json:"id"`
	ActorID    *uint     `json:"actor_id"`
	ActorEmail string    `json:"actor_email"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Before     *string   `json:"before"`
	After      *string   `json:"after"`
	ClientAddr string    `json:"client_addr"`
	RequestID  string    `json:"request_id"`
	CreatedAt  time.Time `json:"created_at"`
}

func toAuditEventResponse(e models.AuditEvent) auditEventResponse {
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	return auditEventResponse{ID: e.ID, ActorID: e.ActorID, ActorEmail: e.ActorEmail, Action: e.Action,
		ObjectType: e.ObjectType, ObjectID: e.ObjectID, Before: opt(e.Before), After: opt(e.After),
		ClientAddr: e.ClientAddr, RequestID: e.RequestID, CreatedAt: e.CreatedAt}
}

func (h *handlers) listAuditEvents(c *gin.Context) {
	var q auditQuery
	if !h.bindQuery(c, &q) {
		return
	}
	page := q.page()
	events, total, err := h.svc.Audit.List(c.Request.Context(), access.ActorOf(c), services.AuditFilter{
		Action: q.Action, ObjectType: q.ObjectType, ObjectID: q.ObjectID, ActorID: q.ActorID,
		From: q.From, To: q.To, Page: page})
	if err != nil {
		h.writeError(c, err)
		return
	}
	items := make([]auditEventResponse, len(events))
	for i, e := range events {
		items[i] = toAuditEventResponse(e)
	}
	c.JSON(http.StatusOK, listResponse[auditEventResponse]{Items: items, Total: total, Page: page.Number, PageSize: page.Size})
}
