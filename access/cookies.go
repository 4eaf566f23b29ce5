package access

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

const tlsKey = "kohorte.tls"

// SetTLS records whether the client reached Kohorte over HTTPS, directly or
// through a trusted proxy.
func SetTLS(c *gin.Context, tls bool) { c.Set(tlsKey, tls) }

// IsTLS reports whether the client reached Kohorte over HTTPS.
func IsTLS(c *gin.Context) bool { return c.GetBool(tlsKey) }

// The session cookie gets the __Host- prefix over HTTPS, which makes
// browsers insist on Secure, Path=/ and no Domain.
const (
	sessionCookie       = "kohorte_session"
	secureSessionCookie = "__Host-kohorte_session"
)

// SessionToken returns the session token the browser sent, if any.
func SessionToken(c *gin.Context) string {
	name := sessionCookie
	if IsTLS(c) {
		name = secureSessionCookie
	}
	v, _ := c.Cookie(name)
	return v
}

// SetSessionCookie hands the browser its session token.
func SetSessionCookie(c *gin.Context, token string) {
	http.SetCookie(c.Writer, sessionCookieWith(c, token, 0))
}

// ClearSessionCookie makes the browser forget its session token.
func ClearSessionCookie(c *gin.Context) {
	http.SetCookie(c.Writer, sessionCookieWith(c, "", -1))
}

// ForgetDeviceData makes the browser forget, along with the login, what
// pages kept on the device: a juror's copies of score sheets hold scores
// and comments that the next person on a shared tablet must not read. A
// session that merely ran out keeps them, so that an unsent draft survives
// a new login.
func ForgetDeviceData(c *gin.Context) {
	c.Header("Clear-Site-Data", `"storage"`)
}

func sessionCookieWith(c *gin.Context, value string, maxAge int) *http.Cookie {
	name := sessionCookie
	if IsTLS(c) {
		name = secureSessionCookie
	}
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: IsTLS(c), SameSite: http.SameSiteLaxMode}
}

const baseURLKey = "kohorte.base_url"

// SetBaseURL records the public address of Kohorte for links that leave the
// browser, such as invitation links; empty means the request's own.
func SetBaseURL(c *gin.Context, base string) { c.Set(baseURLKey, base) }

// PublicURL returns the absolute link to path. It prefers the configured
// public address, because the Host header is whatever the client sent.
func PublicURL(c *gin.Context, path string) string {
	if base := c.GetString(baseURLKey); base != "" {
		return base + path
	}
	scheme := "http"
	if IsTLS(c) {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host + path
}
