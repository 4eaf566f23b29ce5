package frontend_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"kohorte/models"
)

func TestUserListShowsForgottenPasswordRequests(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	zoe := s.user("zoe@kohorte.test", "Zoë Ćosić-Şahin", models.RoleJuror)
	c := s.adminClient()
	r := c.get("/benutzer")
	expect(t, r, http.StatusOK)
	if strings.Contains(r.Body, "Offene Anfragen") {
		t.Fatal("the user list shows requests before anyone asked")
	}

	// Known and unknown addresses are answered alike; only the known one
	// shows on the list.
	anonymous := s.client()
	known := anonymous.post("/passwort-vergessen", form("email", "zoe@kohorte.test"))
	unknown := anonymous.post("/passwort-vergessen", form("email", "niemand@kohorte.test"))
	if known.Code != http.StatusOK || known.Body != unknown.Body {
		t.Fatalf("known %d and unknown %d addresses answer differently", known.Code, unknown.Code)
	}
	button := fmt.Sprintf(`<form method="post" action="/benutzer/%d/passwort-link">`, zoe.ID)
	r = c.get("/benutzer")
	expect(t, r, http.StatusOK, "Offene Anfragen: Passwort vergessen", "Angefragt am",
		fmt.Sprintf(`<a href="/benutzer/%d">Zoë Ćosić-Şahin</a>`, zoe.ID), button,
		`Link erstellen<span class="visually-hidden"> für Zoë Ćosić-Şahin</span>`)
	if strings.Contains(r.Body, "niemand@kohorte.test") {
		t.Error("the list shows a request for an address without an account")
	}

	// The button creates the link; the request is answered then.
	expect(t, c.post(fmt.Sprintf("/benutzer/%d/passwort-link", zoe.ID), nil), http.StatusOK, "/passwort-setzen?token=")
	r = c.get("/benutzer")
	expect(t, r, http.StatusOK)
	if strings.Contains(r.Body, button) {
		t.Error("the request stays open after the link was created")
	}
	c.lang = "en"
	anonymous.post("/passwort-vergessen", form("email", "zoe@kohorte.test"))
	expect(t, c.get("/benutzer"), http.StatusOK, "Open requests: forgotten password", "Requested on",
		`Create link<span class="visually-hidden"> for Zoë Ćosić-Şahin</span>`)
}
