package api

import (
	"errors"
	"net"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/services"
)

// proxies are the reverse proxies whose forwarded headers are believed.
type proxies []*net.IPNet

func parseProxies(trusted []string) proxies {
	var nets proxies
	for _, t := range trusted {
		if !strings.Contains(t, "/") {
			if strings.Contains(t, ":") {
				t += "/128"
			} else {
				t += "/32"
			}
		}
		if _, n, err := net.ParseCIDR(t); err == nil {
			nets = append(nets, n)
		}
	}
	return nets
}

// from reports whether the request came straight from a trusted proxy.
func (ps proxies) from(c *gin.Context) bool {
	ip := net.ParseIP(c.RemoteIP())
	for _, n := range ps {
		if ip != nil && n.Contains(ip) {
			return true
		}
	}
	return false
}

// detectTLS records whether the client used HTTPS: directly, or through a
// trusted proxy that says so in X-Forwarded-Proto; and the public address.
func detectTLS(trusted proxies, baseURL string) gin.HandlerFunc {
	return func(c *gin.Context) {
		tls := c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https" && trusted.from(c)
		access.SetTLS(c, tls)
		access.SetBaseURL(c, baseURL)
		c.Next()
	}
}

// sameOrigin refuses state-changing requests that a browser sends from
// another site (CSRF). Requests without browser headers, such as those of
// integrations with an API token, pass.
func (h *handlers) sameOrigin() gin.HandlerFunc {
	cop := http.NewCrossOriginProtection()
	return func(c *gin.Context) {
		if err := cop.Check(c.Request); err != nil {
			if h.ui != nil && !isAPI(c.Request.URL.Path) {
				h.ui.Deny(c, http.StatusForbidden)
				c.Abort()
				return
			}
			writeProblem(c, http.StatusForbidden, codeCrossOrigin, "Cross-origin requests may not change anything.", nil)
			return
		}
		c.Next()
	}
}

// authenticate finds who makes the request, from an API token or the
// session cookie, and stores it for the route rules and the services.
// Static files and the operations endpoints never need to know.
func (h *handlers) authenticate(c *gin.Context) {
	client := services.Actor{ClientAddr: c.ClientIP(), RequestID: requestID(c)}
	p := c.Request.URL.Path
	if strings.HasPrefix(p, "/static/") || isOps(p) {
		access.SetActor(c, client)
		c.Next()
		return
	}
	actor, err := h.identify(c, client)
	switch {
	case err != nil && h.ui != nil && !isAPI(p):
		h.ui.Fail(c, err)
		c.Abort()
		return
	case err != nil:
		h.writeError(c, err)
		return
	}
	access.SetActor(c, actor)
	c.Next()
}

func (h *handlers) identify(c *gin.Context, client services.Actor) (services.Actor, error) {
	ctx := c.Request.Context()
	if auth := c.GetHeader("Authorization"); auth != "" {
		token, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok {
			return client, services.ErrUnauthorized
		}
		return h.svc.Sessions.AuthenticateAPIToken(ctx, strings.TrimSpace(token), client)
	}
	token := access.SessionToken(c)
	if token == "" {
		return client, nil
	}
	actor, err := h.svc.Sessions.Authenticate(ctx, token, client)
	if errors.Is(err, services.ErrUnauthorized) {
		// An ended session is no error: the request goes on anonymously
		// and the route's rule decides.
		access.ClearSessionCookie(c)
		return client, nil
	}
	return actor, err
}
