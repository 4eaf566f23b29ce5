package frontend_test

import (
	"context"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"kohorte/frontend/browsertest"
	"kohorte/models"
)

var (
	updateScreenshot = flag.Bool("update-screenshot", false,
		"write testdata/start.png, the English start page shown in the README")
	screenshots = flag.String("screenshots", "",
		"write screenshots of the main pages, on a laptop and on a phone, to this directory")
)

// newServer serves Kohorte as it runs, with the router of package api in
// front of the UI, over a real listener.
func newServer(t *testing.T) (*stack, *httptest.Server) {
	t.Helper()
	s := newStack(t)
	srv := httptest.NewServer(s.handler)
	t.Cleanup(srv.Close)
	return s, srv
}

func TestBrowserLanguageSwitch(t *testing.T) {
	_, srv := newServer(t)
	b := browsertest.New(t)

	if status := b.Navigate(srv.URL + "/"); status != http.StatusOK {
		t.Fatalf("GET / = %d, want 200", status)
	}
	assertPage(t, b, "de", "Zertifikatslehrgänge planen, begleiten und abschließen")

	if status := b.ClickAndWait(".lang-switch button"); status != http.StatusOK {
		t.Fatalf("after the language switch: status %d, want 200", status)
	}
	assertPage(t, b, "en", "Plan, run and complete certificate courses")
	if path := browsertest.Eval[string](b, "location.pathname"); path != "/" {
		t.Errorf("after the language switch: at %s, want /", path)
	}
	b.NoConsoleErrors()

	if *updateScreenshot {
		b.SaveScreenshot(filepath.Join("testdata", "start.png"))
	}
}

// visibleNav lists the data-nav keys of the navigation entries a reader
// can see, in page order.
const visibleNav = `Array.from(document.querySelectorAll("[data-nav]")).filter(e => e.checkVisibility()).map(e => e.dataset.nav)`

// loginAs logs in through the form, as a person would.
func loginAs(t *testing.T, b *browsertest.Browser, base, email string) {
	t.Helper()
	b.Navigate(base + "/anmelden")
	b.Type("#email", email)
	b.Type("#password", password)
	if status := b.ClickAndWait("main form button[type=submit]"); status != http.StatusOK {
		t.Fatalf("login as %s: status %d", email, status)
	}
}

// TestBrowserNavigationPerRole logs in as each role and sees exactly that
// role's navigation.
func TestBrowserNavigationPerRole(t *testing.T) {
	s, srv := newServer(t)
	s.user("staff@kohorte.test", "Sam Staff", models.RoleStaff)
	s.user("juror@kohorte.test", "Jana Jury", models.RoleJuror)
	s.user("tn@kohorte.test", "Toni Teilnehmer", models.RoleParticipant)
	staffNav := []string{"home", "courses", "cohorts", "participants", "statistics", "users", "audit", "tokens", "password", "logout"}
	jurorNav := []string{"home", "jury", "password", "logout"}
	participantNav := []string{"home", "my-courses", "password", "logout"}

	// One browser for all roles: logging out must leave nothing behind.
	b := browsertest.New(t)
	b.Navigate(srv.URL + "/")
	for _, tc := range []struct {
		role, email string
		want        []string
	}{
		{"nobody", "", []string{"home", "login"}},
		{"admin", "admin@kohorte.test", staffNav},
		{"staff", "staff@kohorte.test", staffNav},
		{"juror", "juror@kohorte.test", jurorNav},
		{"participant", "tn@kohorte.test", participantNav},
	} {
		if tc.email != "" {
			loginAs(t, b, srv.URL, tc.email)
			if path := browsertest.Eval[string](b, "location.pathname"); path != "/" {
				t.Errorf("%s: after the login at %s, want /", tc.role, path)
			}
			if got := b.Text(".account__email"); got != tc.email {
				t.Errorf("%s: the header names %q, want %q", tc.role, got, tc.email)
			}
		}
		if got := browsertest.Eval[[]string](b, visibleNav); !slices.Equal(got, tc.want) {
			t.Errorf("%s: navigation %v, want %v", tc.role, got, tc.want)
		}
		if tc.email != "" && b.ClickAndWait(`[data-nav="logout"]`) != http.StatusOK {
			t.Fatalf("%s: logout failed", tc.role)
		}
	}
	b.NoConsoleErrors()
}

// headerRows counts the rows the header's visible parts take: parts that
// overlap vertically share a row.
const headerRows = `(() => {
  const rows = [];
  for (const e of document.querySelector(".site-header__inner").children) {
    if (!e.checkVisibility()) continue;
    const r = e.getBoundingClientRect();
    if (!rows.some(row => r.top < row.bottom && r.bottom > row.top)) rows.push(r);
  }
  return rows.length;
})()`

// TestBrowserMenuOnAPhone: on a phone the navigation folds into a menu
// button, so that the header is one row; the menu opens without
// JavaScript and holds every entry, logout included.
func TestBrowserMenuOnAPhone(t *testing.T) {
	_, srv := newServer(t)
	staffNav := []string{"home", "courses", "cohorts", "participants", "statistics", "users", "audit", "tokens", "password", "logout"}
	b := browsertest.New(t)
	b.DisableScripts()
	b.Navigate(srv.URL + "/")
	for _, width := range []int{375, 360} {
		b.Viewport(width, 740)
		if rows := browsertest.Eval[int](b, headerRows); rows != 1 {
			t.Errorf("a visitor's header takes %d rows at %d px, want 1", rows, width)
		}
	}
	loginAs(t, b, srv.URL, "admin@kohorte.test")
	for _, width := range []int{375, 360} {
		b.Viewport(width, 740)
		if rows := browsertest.Eval[int](b, headerRows); rows != 1 {
			t.Errorf("the staff header takes %d rows at %d px, want 1", rows, width)
		}
		if got := browsertest.Eval[[]string](b, visibleNav); len(got) != 0 {
			t.Errorf("at %d px with the menu closed the header shows %v", width, got)
		}
	}
	b.Click(".menu__button")
	if got := browsertest.Eval[[]string](b, visibleNav); !slices.Equal(got, staffNav) {
		t.Errorf("the open menu shows %v, want %v", got, staffNav)
	}
	if got := browsertest.Eval[string](b, `document.querySelector(".menu__button").textContent`); got != "Menü" {
		t.Errorf("the menu button says %q", got)
	}
	if b.ClickAndWait(`[data-nav="logout"]`) != http.StatusOK {
		t.Fatal("logout from the menu failed")
	}
	if got := browsertest.Eval[[]string](b, visibleNav); !slices.Equal(got, []string{"login"}) {
		t.Errorf("after logout the phone header shows %v, want the login", got)
	}
}

// TestBrowserDisabledUserIsLoggedOut: disabling a user ends their open
// session at its next request.
func TestBrowserDisabledUserIsLoggedOut(t *testing.T) {
	s, srv := newServer(t)
	juror := s.user("juror@kohorte.test", "Jana Jury", models.RoleJuror)
	b := browsertest.New(t)
	loginAs(t, b, srv.URL, "juror@kohorte.test")
	if status := b.Navigate(srv.URL + "/passwort"); status != http.StatusOK {
		t.Fatalf("GET /passwort as the juror = %d", status)
	}

	if _, err := s.svc.Users.SetStatus(context.Background(), s.admin, juror.ID, models.UserDisabled); err != nil {
		t.Fatal(err)
	}
	if status := b.Reload(); status != http.StatusOK {
		t.Fatalf("reload: status %d", status)
	}
	if got := browsertest.Eval[string](b, "location.pathname + location.search"); got != "/anmelden?next=%2Fpasswort" {
		t.Errorf("after the reload: at %s, want the login page", got)
	}
	if got := browsertest.Eval[[]string](b, visibleNav); !slices.Equal(got, []string{"home", "login"}) {
		t.Errorf("navigation %v, want that of nobody logged in", got)
	}
	b.NoConsoleErrors()
}

// TestBrowserUserSearchWithoutReload: with JavaScript the user list
// follows the search field without loading the page again.
func TestBrowserUserSearchWithoutReload(t *testing.T) {
	s, srv := newServer(t)
	s.invite("jury@kohorte.test", "Jonas Jury", models.RoleJuror)
	s.invite("tn@kohorte.test", "Toni Teilnehmer", models.RoleParticipant)
	b := browsertest.New(t)
	loginAs(t, b, srv.URL, "admin@kohorte.test")
	b.Navigate(srv.URL + "/benutzer")
	browsertest.Eval[int](b, "window.kohorteTestMarker = 1")

	b.Type("#suche", "jonas")
	b.WaitUntil(`document.querySelector(".result-count").textContent.trim() === "1 Konto"`)
	if marker := browsertest.Eval[bool](b, "window.kohorteTestMarker === 1"); !marker {
		t.Error("the page was loaded again")
	}
	if got := browsertest.Eval[string](b, "location.search"); got != "?suche=jonas&rolle=&status=" {
		t.Errorf("the address is %q, want the search in it", got)
	}
	b.NoConsoleErrors()
}

// TestBrowserPagesFitAPhone opens the account pages on a laptop and on
// phones down to 360 px, the narrowest common one, and checks that none is
// wider than the screen and no table sticks out of its box (checkWidth).
func TestBrowserPagesFitAPhone(t *testing.T) {
	s, srv := newServer(t)
	juror := s.user("juror@kohorte.test", "Jana Jury", models.RoleJuror)
	_, token := s.invite("tn@kohorte.test", "Toni Teilnehmer mit einem recht langen Namen", models.RoleParticipant)
	s.client().post("/anmelden", map[string][]string{"email": {"admin@kohorte.test"}, "password": {"falsch falsch"}})

	b := browsertest.New(t)
	open := func(name, path string) {
		t.Helper()
		b.Viewport(360, 740)
		if status := b.Navigate(srv.URL + path); status != http.StatusOK {
			t.Errorf("GET %s = %d", path, status)
		}
		checkWidth(t, b, name)
	}
	submit := func(name string) {
		t.Helper()
		b.ClickAndWait("main form button[type=submit]")
		checkWidth(t, b, name)
	}
	open("login", "/anmelden")
	open("forgot", "/passwort-vergessen")
	open("set-password", "/passwort-setzen?token="+token)

	loginAs(t, b, srv.URL, "admin@kohorte.test")
	open("start", "/")
	open("password", "/passwort")
	open("users", "/benutzer")
	open("user", "/benutzer/"+itoa(juror.ID))
	open("audit", "/protokoll")
	open("invite", "/benutzer/einladen")
	b.Type("#email", "nele.neu@beispiel.de")
	b.Type("#display_name", "Nele Neu")
	submit("invited")
	open("tokens", "/api-tokens")
	b.Type("#name", "Anmeldeformular der Website")
	b.Type("#current_password", password)
	submit("token-created")
	open("password-with-tokens", "/passwort")
	b.NoConsoleErrors()

	// Last, because the browser reports the answer 422 as an error.
	open("invite-errors", "/benutzer/einladen")
	b.Type("#email", "kein at")
	submit("invite-errors")
}

// fitWidths are the screens every page must fit: a laptop, the most
// common phone and the narrowest one.
var fitWidths = []struct{ width, height int }{{1280, 800}, {375, 812}, {360, 740}}

// widthProblems lists what is wider than the screen: the page itself,
// and each table wider than the box around it, unless that box scrolls
// sideways on purpose.
const widthProblems = `(() => {
  const problems = [];
  const page = document.documentElement.scrollWidth - window.innerWidth;
  if (page > 0) problems.push("the page is " + page + " px wider than the screen");
  document.querySelectorAll("main table").forEach((table, i) => {
    const box = table.parentElement;
    if (["auto", "scroll"].includes(getComputedStyle(box).overflowX)) return;
    const over = Math.max(box.scrollWidth - box.clientWidth,
      table.getBoundingClientRect().right - box.getBoundingClientRect().right);
    if (over > 0.5) problems.push("table " + i + " (" + table.className + ") sticks out of its box by " + Math.ceil(over) + " px");
  });
  return problems;
})()`

// checkWidth fails the test if the page does not fit any of fitWidths,
// and with -screenshots saves it on a phone and on a laptop. It leaves the
// viewport at 360 px.
func checkWidth(t *testing.T, b *browsertest.Browser, name string) {
	t.Helper()
	for _, size := range fitWidths {
		b.Viewport(size.width, size.height)
		for _, p := range browsertest.Eval[[]string](b, widthProblems) {
			t.Errorf("%s at %d px: %s", name, size.width, p)
		}
	}
	if *screenshots != "" {
		saveScreenshots(t, b, name)
	}
}

func saveScreenshots(t *testing.T, b *browsertest.Browser, name string) {
	t.Helper()
	if err := os.MkdirAll(*screenshots, 0o755); err != nil {
		t.Fatal(err)
	}
	b.Viewport(375, 812)
	b.SaveScreenshot(filepath.Join(*screenshots, name+"-phone.png"))
	b.Viewport(1280, 800)
	b.SaveScreenshot(filepath.Join(*screenshots, name+".png"))
	b.Viewport(360, 740)
}

func assertPage(t *testing.T, b *browsertest.Browser, lang, heading string) {
	t.Helper()
	if got := b.Text("h1"); got != heading {
		t.Errorf("heading = %q, want %q", got, heading)
	}
	if got := browsertest.Eval[string](b, "document.documentElement.lang"); got != lang {
		t.Errorf("document.documentElement.lang = %q, want %q", got, lang)
	}
}
