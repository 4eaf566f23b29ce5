package api_test

import (
	"context"
	"net/http"
	"testing"

	"kohorte/services"
)

// TestForcedPasswordChangeWithoutTheOneTimePassword: right after a login
// with a generated password, POST /api/v1/me/password takes the new
// password alone; once it is changed, the current password is required
// again, and last_login_at shows the login by link.
func TestForcedPasswordChangeWithoutTheOneTimePassword(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	first, err := f.svc.Users.EnsureAdmin(context.Background(), "admin@example.org", "")
	if err != nil {
		t.Fatal(err)
	}
	cookie := f.login(t, "admin@example.org", first.OneTimePassword)
	r := f.as(cookie, http.MethodPost, "/api/v1/me/password", map[string]string{"password": adminPass})
	if r.Status != http.StatusOK {
		t.Fatalf("forced change without current_password: %d %s", r.Status, r.Body)
	}
	cookie = f.login(t, "admin@example.org", adminPass)
	r = f.as(cookie, http.MethodPost, "/api/v1/me/password", map[string]string{"password": "Noch-ein-Passwort-2026"})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("normal change without current_password: %d %s, want 422", r.Status, r.Body)
	}
	fieldCodeIs("current_password", string(services.CodeRequired))(t, r)

	f.addUser(t, cookie, "neu@example.org", "juror", "Juror-Passwort-2026")
	var users struct {
		Items []struct {
			Email       string  `json:"email"`
			LastLoginAt *string `json:"last_login_at"`
		} `json:"items"`
	}
	f.as(cookie, http.MethodGet, "/api/v1/users?search=neu", nil).JSON(t, &users)
	if len(users.Items) != 1 || users.Items[0].LastLoginAt == nil {
		t.Errorf("after setting the password by link: %+v, want last_login_at set", users.Items)
	}
}
