package frontend_test

import (
	"net/http"
	"net/url"
	"testing"
)

// TestTextThatNoDatabaseStoresIsRefused: a NUL byte or bytes that are not
// UTF-8, in a page's query or in a form, come back as 422 and never reach
// the database, which would answer them with an error.
func TestTextThatNoDatabaseStoresIsRefused(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	c := s.adminClient()
	for _, path := range []string{"/benutzer?rolle=%00", "/benutzer?suche=%FF", "/protokoll?aktion=%00",
		"/teilnehmende?suche=%00", "/kurse?x=%C3"} {
		expect(t, c.get(path), http.StatusUnprocessableEntity)
	}
	expect(t, c.post("/benutzer/einladen", url.Values{"email": {"nul@kohorte.test"}, "display_name": {"Zoë\x00"}, "role": {"juror"}}),
		http.StatusUnprocessableEntity, `<a href="#display_name">Name: Bitte entfernen Sie die Steuerzeichen`)
	expect(t, c.post("/api-tokens", url.Values{"name": {"\xff"}, "expires_in_days": {"30"}}),
		http.StatusUnprocessableEntity)
	expect(t, s.client().post("/anmelden", url.Values{"email": {"admin@kohorte.test\x00"}, "password": {password}}),
		http.StatusUnprocessableEntity)
}
