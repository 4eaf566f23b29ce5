package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strings"
	"testing"

	"kohorte/models"
	"kohorte/models/dbtest"
	"kohorte/services"
)

const firstPassword = "Erstes-Passwort-2026"

// login posts to the API with a client of its own and returns the status
// and that client, which keeps the session cookie.
func login(t *testing.T, url, email, password string) (int, string, *http.Client) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, err := client.Post(url+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"email":"`+email+`","password":"`+password+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, string(b), client
}

func getWith(t *testing.T, client *http.Client, url string) int {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

var printedOneTime = regexp.MustCompile(`(?i)one-time password for admin@kohorte\.local: (\S+)\n`)

// TestAdminResetPasswordGivesAWayBackIn: the printed password logs in and
// must be changed; the old password and the logins before it no longer work.
func TestAdminResetPasswordGivesAWayBackIn(t *testing.T) {
	t.Parallel()
	args := append([]string{"--addr", "127.0.0.1:0"}, dbArgs(t)...)
	url, stop := startRun(t, args, map[string]string{"KOHORTE_ADMIN_PASSWORD": firstPassword})
	defer stop()
	status, _, before := login(t, url, "admin@kohorte.local", firstPassword)
	if status != http.StatusOK {
		t.Fatalf("login with the first password: %d", status)
	}

	var out lockedBuffer
	if err := run(context.Background(), append([]string{"admin", "reset-password", "Admin@Kohorte.local"}, args[2:]...), env(nil), &out); err != nil {
		t.Fatalf("reset-password: %v\n%s", err, out.String())
	}
	m := printedOneTime.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no one-time password printed:\n%s", out.String())
	}
	password := m[1]

	if got := getWith(t, before, url+"/api/v1/me"); got != http.StatusUnauthorized {
		t.Errorf("the login before the reset: GET /api/v1/me = %d, want 401", got)
	}
	if status, _, _ := login(t, url, "admin@kohorte.local", firstPassword); status != http.StatusUnauthorized {
		t.Errorf("login with the old password: %d, want 401", status)
	}
	status, body, _ := login(t, url, "admin@kohorte.local", password)
	if status != http.StatusOK || !strings.Contains(body, `"must_change_password":true`) {
		t.Fatalf("login with the printed password: %d %s, want 200 and a password to change", status, body)
	}
}

// TestAdminResetPasswordRefusesUnknownEmail: exit status 1, a message in
// German and English, and the account that exists is untouched.
func TestAdminResetPasswordRefusesUnknownEmail(t *testing.T) {
	t.Parallel()
	args := append([]string{"--addr", "127.0.0.1:0"}, dbArgs(t)...)
	url, stop := startRun(t, args, map[string]string{"KOHORTE_ADMIN_PASSWORD": firstPassword})
	defer stop()
	_, _, before := login(t, url, "admin@kohorte.local", firstPassword)

	var out lockedBuffer
	err := run(context.Background(), append([]string{"admin", "reset-password", "niemand@kohorte.local"}, args[2:]...), env(nil), &out)
	if err == nil {
		t.Fatalf("reset of an unknown address succeeded:\n%s", out.String())
	}
	if code := exitCode(err); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	want := "kein Konto mit der E-Mail-Adresse niemand@kohorte.local / no account has the e-mail address niemand@kohorte.local; nothing was changed"
	if err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	if strings.Contains(out.String(), "one-time password") {
		t.Errorf("a password was printed:\n%s", out.String())
	}
	if got := getWith(t, before, url+"/api/v1/me"); got != http.StatusOK {
		t.Errorf("the admin's login after the refused reset: GET /api/v1/me = %d, want 200", got)
	}
	if status, _, _ := login(t, url, "admin@kohorte.local", firstPassword); status != http.StatusOK {
		t.Errorf("the admin's password after the refused reset: login %d, want 200", status)
	}
}

func TestAdminCommandUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"admin"}, {"admin", "reset-password"}, {"admin", "delete", "a@b.de"}, {"admin", "reset-password", "a@b.de", "c@d.de"}} {
		err := run(context.Background(), args, env(nil), io.Discard)
		if code := exitCode(err); code != 2 || !strings.Contains(err.Error(), "usage: kohorte admin reset-password EMAIL") {
			t.Errorf("%v: %v (exit %d), want the usage and exit 2", args, err, code)
		}
	}
}

// TestIgnoredAdminPasswordIsSaid: a second start with
// KOHORTE_ADMIN_PASSWORD says in one line that it was not used, and how to
// get back in.
func TestIgnoredAdminPasswordIsSaid(t *testing.T) {
	t.Parallel()
	args := dbArgs(t)
	var first lockedBuffer
	if err := run(context.Background(), append([]string{"demo"}, args...), env(nil), &first); err != nil {
		t.Fatalf("demo: %v\n%s", err, first.String())
	}
	if strings.Contains(first.String(), "ignored") {
		t.Errorf("the first start says a password was ignored:\n%s", first.String())
	}
	var out lockedBuffer
	url, stop := startRunInto(t, &out, runningAt, append([]string{"--addr", "127.0.0.1:0"}, args...), map[string]string{"KOHORTE_ADMIN_PASSWORD": firstPassword})
	defer stop()
	want := "KOHORTE_ADMIN_PASSWORD was ignored: an admin exists already. To get back in: go run . admin reset-password admin@kohorte.local (or kohorte admin reset-password admin@kohorte.local)\n"
	if strings.Count(out.String(), want) != 1 {
		t.Errorf("output lacks the line %q once:\n%s", want, out.String())
	}
	if status, _, _ := login(t, url, "admin@kohorte.local", firstPassword); status != http.StatusUnauthorized {
		t.Errorf("login with the ignored password: %d, want 401", status)
	}
}

// TestAdminResetPasswordSaysAnAccountIsDisabled: the account stays disabled
// and keeps its password; the command says why it did nothing.
func TestAdminResetPasswordSaysAnAccountIsDisabled(t *testing.T) {
	t.Parallel()
	args := dbArgs(t)
	if err := run(context.Background(), append([]string{"demo"}, args...), env(map[string]string{"KOHORTE_ADMIN_PASSWORD": firstPassword}), io.Discard); err != nil {
		t.Fatal(err)
	}
	cfg, err := parseConfig(args, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	db, err := openDB(context.Background(), cfg, dbtest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer models.Close(db)
	svc, err := newServices(db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	res, err := svc.Sessions.Login(ctx, "admin@kohorte.local", firstPassword, operator)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := svc.Sessions.Authenticate(ctx, res.Token, operator)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := svc.Users.Invite(ctx, admin, services.InviteInput{Email: "weg@kohorte.local", DisplayName: "Weg", Role: models.RoleStaff})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Users.SetStatus(ctx, admin, inv.User.ID, models.UserDisabled); err != nil {
		t.Fatal(err)
	}

	err = run(ctx, append([]string{"admin", "reset-password", "weg@kohorte.local"}, args...), env(nil), io.Discard)
	want := "das Konto weg@kohorte.local ist gesperrt / the account weg@kohorte.local is disabled; nothing was changed (an admin can enable it on /benutzer)"
	if err == nil || err.Error() != want || exitCode(err) != 1 {
		t.Fatalf("reset of a disabled account: %v, want exit 1 and %q", err, want)
	}
	var after models.User
	if err := db.Take(&after, inv.User.ID).Error; err != nil {
		t.Fatal(err)
	}
	if after.Status != models.UserDisabled || after.MustChangePassword || after.PasswordHash != "" {
		t.Errorf("the disabled account changed: status %s, must change %v", after.Status, after.MustChangePassword)
	}
}
