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
