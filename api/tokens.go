package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
)

type tokenResponse struct {
	ID         uint       `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	ExpiresAt  time.Time  `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	CreatedAt  time.Time  `json:"created_at"`
}

func toTokenResponse(t models.APIToken) tokenResponse {
	return tokenResponse{ID: t.ID, Name: t.Name, Prefix: t.Prefix, ExpiresAt: t.ExpiresAt,
		RevokedAt: t.RevokedAt, LastUsedAt: t.LastUsedAt, CreatedAt: t.CreatedAt}
}

type createTokenRequest struct {
	Name          string `json:"name" binding:"required,max=100"`
	ExpiresInDays int    `json:"expires_in_days" binding:"required,gte=1,lte=366"`
	// CurrentPassword is checked by the service, which throttles guesses.
	CurrentPassword string `json:"current_password"`
}

type createdTokenResponse struct {
	tokenResponse
	Token string `json:"token"`
}

func (h *handlers) listTokens(c *gin.Context) {
	tokens, err := h.svc.Tokens.ListAPITokens(c.Request.Context(), access.ActorOf(c))
	if err != nil {
		h.writeError(c, err)
		return
	}
	items := make([]tokenResponse, len(tokens))
	for i, t := range tokens {
		items[i] = toTokenResponse(t)
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

func (h *handlers) createToken(c *gin.Context) {
	var req createTokenRequest
	if !h.bindJSON(c, &req) {
		return
	}
	t, err := h.svc.Tokens.CreateAPIToken(c.Request.Context(), access.ActorOf(c),
		services.APITokenRequest{Name: req.Name, Days: req.ExpiresInDays, CurrentPassword: req.CurrentPassword})
	if err != nil {
		h.writeError(c, err)
		return
	}
	created(c, apiPath("/api/v1/tokens/%d", t.APIToken.ID), createdTokenResponse{tokenResponse: toTokenResponse(t.APIToken), Token: t.Token})
}

func (h *handlers) revokeToken(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	if err := h.svc.Tokens.RevokeAPIToken(c.Request.Context(), access.ActorOf(c), id); err != nil {
		h.writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *handlers) revokeAllTokens(c *gin.Context) {
	n, err := h.svc.Tokens.RevokeAllAPITokens(c.Request.Context(), access.ActorOf(c))
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"revoked": n})
}
