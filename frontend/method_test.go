package frontend_test

import (
	"net/http"
	"testing"
)

// A page address asked for with the wrong method gets a page, not JSON.
func TestWrongMethodOnAPageIsAPage(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	c, _ := s.loggedIn("staff")
	r := c.get("/abmelden")
	expect(t, r, http.StatusMethodNotAllowed, "Aktion nicht möglich", "<html")
	api := c.get("/api/v1/auth/logout")
	expect(t, api, http.StatusMethodNotAllowed, `"status":405`)
}

// A refusal a page did not plan for is explained, not called an internal
// error: here the throttle on password-reset requests.
func TestThrottledResetRequestsGetAPage(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	c := s.client()
	for range 10 {
		expect(t, c.post("/passwort-vergessen", form("email", "jemand@kohorte.test")), http.StatusOK)
	}
	expect(t, c.post("/passwort-vergessen", form("email", "jemand@kohorte.test")), http.StatusTooManyRequests, "Zu viele Versuche")
}
