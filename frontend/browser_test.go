package frontend_test

import (
	"flag"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/gin-gonic/gin"

	"kohorte/api/access"

	"kohorte/frontend"
	"kohorte/frontend/browsertest"
)

var updateScreenshot = flag.Bool("update-screenshot", false,
	"write testdata/start.png, the English start page shown in the README")

// csp repeats the policy that package api sends, so that the browser tests
// fail on anything the policy would block. The test does not import api, to
// stay independent of the router.
const csp = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// newServer serves the real UI over a real listener.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	ui, err := frontend.New(frontend.Options{Version: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	engine := gin.New()
	engine.Use(func(c *gin.Context) {
		c.Header("Content-Security-Policy", csp)
		c.Next()
	})
	ui.Register(&engine.RouterGroup, access.NewTable())
	engine.NoRoute(ui.NotFound)
	srv := httptest.NewServer(engine)
	t.Cleanup(srv.Close)
	return srv
}

func TestBrowserLanguageSwitch(t *testing.T) {
	srv := newServer(t)
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

// TestBrowserPhoneWidth checks that the start page fits a phone's screen:
// jurors score on their phones.
func TestBrowserPhoneWidth(t *testing.T) {
	srv := newServer(t)
	b := browsertest.New(t)

	b.Viewport(360, 740)
	b.Navigate(srv.URL + "/")
	overflow := browsertest.Eval[int](b, "document.documentElement.scrollWidth - window.innerWidth")
	if overflow > 0 {
		t.Errorf("the page is %d px wider than a 360 px phone screen", overflow)
	}
	b.NoConsoleErrors()
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
