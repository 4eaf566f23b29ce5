package frontend

import (
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gin-gonic/gin"

	"kohorte/access"
)

const (
	headingDE = "Zertifikatslehrgänge planen, begleiten und abschließen"
	headingEN = "Plan, run and complete certificate courses"
)

// newTestEngine mounts the UI on a bare Gin engine, as api.NewRouter does.
func newTestEngine(t *testing.T) (*UI, *gin.Engine) {
	t.Helper()
	ui, err := New(Options{Version: "1.2.3"})
	if err != nil {
		t.Fatal(err)
	}
	engine := gin.New()
	ui.Register(&engine.RouterGroup, access.NewTable())
	engine.NoRoute(ui.NotFound)
	return ui, engine
}

type request struct {
	method string
	target string
	form   url.Values
	lang   string // value of the language cookie, if any
	header http.Header
}

func serve(t *testing.T, h http.Handler, r request) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	if r.form != nil {
		body = strings.NewReader(r.form.Encode())
	}
	req := httptest.NewRequest(cmp(r.method, http.MethodGet), r.target, body)
	if r.form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if r.lang != "" {
		req.AddCookie(&http.Cookie{Name: langCookie, Value: r.lang})
	}
	for k, v := range r.header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func cmp(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

func assertHTML(t *testing.T, rec *httptest.ResponseRecorder, status int, lang string, wants ...string) {
	t.Helper()
	if rec.Code != status {
		t.Errorf("status = %d, want %d", rec.Code, status)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	body := rec.Body.String()
	for _, want := range append([]string{`<html lang="` + lang + `">`}, wants...) {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestHomeIsGermanByDefault(t *testing.T) {
	t.Parallel()
	_, h := newTestEngine(t)
	rec := serve(t, h, request{target: "/"})
	assertHTML(t, rec, http.StatusOK, "de",
		`<h1 id="home-heading">`+headingDE+`</h1>`,
		`<a href="/" data-nav="home" aria-current="page">Start</a>`,
		`<a class="pill" href="/anmelden" data-nav="login">Anmelden</a>`,
		`<button class="pill" type="submit" lang="en">English</button>`,
		`href="/api/docs"`,
		"Version 1.2.3",
	)
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
}

func TestHomeIsEnglishWithCookie(t *testing.T) {
	t.Parallel()
	_, h := newTestEngine(t)
	rec := serve(t, h, request{target: "/", lang: "en"})
	assertHTML(t, rec, http.StatusOK, "en",
		`<h1 id="home-heading">`+headingEN+`</h1>`,
		`<button class="pill" type="submit" lang="de">Deutsch</button>`,
	)
}

func TestUnknownCookieFallsBackToGerman(t *testing.T) {
	t.Parallel()
	_, h := newTestEngine(t)
	for _, lang := range []string{"fr", "EN", "en-GB", "<script>"} {
		rec := serve(t, h, request{target: "/", lang: lang})
		assertHTML(t, rec, http.StatusOK, "de", headingDE)
	}
}

func TestHeadOfHome(t *testing.T) {
	t.Parallel()
	_, h := newTestEngine(t)
	rec := serve(t, h, request{method: http.MethodHead, target: "/"})
	if rec.Code != http.StatusOK {
		t.Errorf("HEAD / = %d, want 200", rec.Code)
	}
}

func TestLanguageSwitchOffersReturnToCurrentPage(t *testing.T) {
	t.Parallel()
	_, h := newTestEngine(t)
	rec := serve(t, h, request{target: "/gibt-es-nicht?x=1&y=2"})
	want := `<input type="hidden" name="next" value="/gibt-es-nicht?x=1&amp;y=2">`
	if !strings.Contains(rec.Body.String(), want) {
		t.Errorf("page lacks %s", want)
	}
}

func TestSetLanguage(t *testing.T) {
	t.Parallel()
	_, h := newTestEngine(t)
	tests := []struct{ lang, next, location string }{
		{"en", "/", "/"},
		{"de", "/", "/"},
		{"en", "/kohorten/7?tab=termine", "/kohorten/7?tab=termine"},
	}
	for _, tc := range tests {
		rec := serve(t, h, request{method: http.MethodPost, target: "/sprache",
			form: url.Values{"lang": {tc.lang}, "next": {tc.next}}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("POST /sprache lang=%s: status %d, want 303", tc.lang, rec.Code)
		}
		if got := rec.Header().Get("Location"); got != tc.location {
			t.Errorf("Location = %q, want %q", got, tc.location)
		}
		assertLangCookie(t, rec, tc.lang)
	}
}

func assertLangCookie(t *testing.T, rec *httptest.ResponseRecorder, lang string) {
	t.Helper()
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("got %d cookies, want 1", len(cookies))
	}
	c := cookies[0]
	if c.Name != langCookie {
		t.Errorf("cookie %s: name %q, want %q", c, c.Name, langCookie)
	}
	if c.Value != lang {
		t.Errorf("cookie %s: value %q, want %q", c, c.Value, lang)
	}
	if c.Path != "/" {
		t.Errorf("cookie %s: path %q, want /", c, c.Path)
	}
	if !c.HttpOnly {
		t.Errorf("cookie %s: not HttpOnly", c)
	}
	if c.SameSite != http.SameSiteLaxMode {
		t.Errorf("cookie %s: SameSite %v, want Lax", c, c.SameSite)
	}
	if c.MaxAge != 365*24*60*60 {
		t.Errorf("cookie %s: MaxAge %d, want a year", c, c.MaxAge)
	}
}

func TestSetLanguageRefusesForeignRedirects(t *testing.T) {
	t.Parallel()
	_, h := newTestEngine(t)
	for _, next := range []string{
		"//evil.example",
		"https://evil.example",
		`/\evil`,
		`/\/evil.example`,
		"/\t/evil.example",
		"/\n/evil.example",
		"///evil.example",
		"javascript:alert(1)",
		"evil.example",
		"",
	} {
		rec := serve(t, h, request{method: http.MethodPost, target: "/sprache",
			form: url.Values{"lang": {"en"}, "next": {next}}})
		if rec.Code != http.StatusSeeOther {
			t.Errorf("next=%q: status %d, want 303", next, rec.Code)
		}
		if got := rec.Header().Get("Location"); got != "/" {
			t.Errorf("next=%q: Location %q, want /", next, got)
		}
	}
}

func TestSetLanguageRejectsUnknownLanguage(t *testing.T) {
	t.Parallel()
	_, h := newTestEngine(t)
	for _, lang := range []string{"fr", "", "DE", "en "} {
		rec := serve(t, h, request{method: http.MethodPost, target: "/sprache",
			form: url.Values{"lang": {lang}, "next": {"/"}}})
		assertHTML(t, rec, http.StatusBadRequest, "de", "<h1 id=\"error-heading\">Ungültige Anfrage</h1>")
		if c := rec.Header().Get("Set-Cookie"); c != "" {
			t.Errorf("lang=%q set a cookie: %s", lang, c)
		}
	}
}

func TestGETDoesNotSwitchLanguage(t *testing.T) {
	t.Parallel()
	_, h := newTestEngine(t)
	rec := serve(t, h, request{target: "/sprache?lang=en&next=/"})
	if rec.Code != http.StatusNotFound {
		t.Errorf("GET /sprache: status %d, want 404", rec.Code)
	}
	if got := rec.Header().Get("Set-Cookie"); got != "" {
		t.Errorf("GET /sprache: Set-Cookie %q, want none", got)
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	_, h := newTestEngine(t)
	rec := serve(t, h, request{target: "/seite/gibt-es-nicht"})
	assertHTML(t, rec, http.StatusNotFound, "de",
		`<h1 id="error-heading">Seite nicht gefunden</h1>`, "<title>Seite nicht gefunden · Kohorte</title>")
	rec = serve(t, h, request{target: "/seite/gibt-es-nicht", lang: "en"})
	assertHTML(t, rec, http.StatusNotFound, "en", `<h1 id="error-heading">Page not found</h1>`)
}

func TestStaticFiles(t *testing.T) {
	t.Parallel()
	ui, h := newTestEngine(t)
	// The types come from the host's MIME table, which may name JavaScript
	// either way.
	for name, types := range map[string][]string{
		"app.css":     {"text/css"},
		"htmx.min.js": {"text/javascript", "application/javascript"},
		"logo.svg":    {"image/svg+xml"},
	} {
		versioned, err := ui.assetURL(name)
		if err != nil {
			t.Fatal(err)
		}
		rec := serve(t, h, request{target: versioned})
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d", versioned, rec.Code)
		}
		if got, _, _ := mime.ParseMediaType(rec.Header().Get("Content-Type")); !slices.Contains(types, got) {
			t.Errorf("%s: Content-Type = %q, want one of %q", name, got, types)
		}
		if got := rec.Header().Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("%s: Cache-Control = %q for the current version", name, got)
		}
		if !strings.HasPrefix(rec.Body.String(), string(ui.assets[name].body[:20])) {
			t.Errorf("%s: body differs from the embedded file", name)
		}
	}
}

func TestStaticFileWithoutCurrentVersionIsRevalidated(t *testing.T) {
	t.Parallel()
	ui, h := newTestEngine(t)
	for _, target := range []string{"/static/app.css", "/static/app.css?v=0123456789abcdef"} {
		rec := serve(t, h, request{target: target})
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200", target, rec.Code)
		}
		if got := rec.Header().Get("Cache-Control"); got != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q, want no-cache", target, got)
		}
	}
	etag := `"` + ui.assets["app.css"].hash + `"`
	rec := serve(t, h, request{target: "/static/app.css", header: http.Header{"If-None-Match": {etag}}})
	if rec.Code != http.StatusNotModified {
		t.Errorf("GET with matching If-None-Match = %d, want 304", rec.Code)
	}
}

func TestMissingStaticFileIsNotFound(t *testing.T) {
	t.Parallel()
	_, h := newTestEngine(t)
	for _, target := range []string{"/static/", "/static/nope.css", "/static/../frontend.go", "/static/%2e%2e/frontend.go"} {
		rec := serve(t, h, request{target: target})
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", target, rec.Code)
		}
	}
}

// TestPagesObeyTheContentSecurityPolicy checks the templates and the pages
// they render: the policy blocks inline scripts, inline styles, style
// attributes, inline event handlers and javascript: URLs.
func TestPagesObeyTheContentSecurityPolicy(t *testing.T) {
	t.Parallel()
	_, h := newTestEngine(t)
	sources := map[string]string{}
	err := fs.WalkDir(files, "templates", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(files, name)
		sources[name] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []request{
		{target: "/"}, {target: "/", lang: "en"}, {target: "/nope"}, {target: "/nope", lang: "en"},
		{method: http.MethodPost, target: "/sprache", form: url.Values{"lang": {"xx"}}},
	} {
		sources[r.method+" "+r.target+" "+r.lang] = serve(t, h, r).Body.String()
	}
	for name, html := range sources {
		for _, problem := range cspProblems(html) {
			t.Errorf("%s: %s", name, problem)
		}
	}
}

var (
	scriptTag    = regexp.MustCompile(`(?is)<script\b[^>]*>`)
	scriptSrc    = regexp.MustCompile(`(?i)\ssrc=`)
	styleAttr    = regexp.MustCompile(`(?i)\sstyle\s*=`)
	styleElement = regexp.MustCompile(`(?i)<style\b`)
	eventHandler = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	jsURL        = regexp.MustCompile(`(?i)javascript:`)
)

func cspProblems(html string) []string {
	var problems []string
	for _, tag := range scriptTag.FindAllString(html, -1) {
		if !scriptSrc.MatchString(tag) {
			problems = append(problems, "inline script "+tag)
		}
	}
	for re, what := range map[*regexp.Regexp]string{
		styleAttr: "style attribute", styleElement: "style element",
		eventHandler: "inline event handler", jsURL: "javascript: URL",
	} {
		if m := re.FindString(html); m != "" {
			problems = append(problems, what+" "+m)
		}
	}
	return problems
}

// TestPageLinksToStaticFilesResolve follows every /static/ URL of a page.
func TestPageLinksToStaticFilesResolve(t *testing.T) {
	t.Parallel()
	_, h := newTestEngine(t)
	page := serve(t, h, request{target: "/"}).Body.String()
	urls := regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(urls) < 3 {
		t.Fatalf("found %d static URLs, want the style sheet, htmx and the logo", len(urls))
	}
	for _, m := range urls {
		target := strings.ReplaceAll(m[1], "&amp;", "&")
		if rec := serve(t, h, request{target: target}); rec.Code != http.StatusOK {
			t.Errorf("GET %s = %d", target, rec.Code)
		}
	}
}

func TestHTMXIsConfiguredForTheContentSecurityPolicy(t *testing.T) {
	t.Parallel()
	_, h := newTestEngine(t)
	page := serve(t, h, request{target: "/"}).Body.String()
	for _, want := range []string{
		`<meta name="htmx-config" content='{"includeIndicatorStyles":false,"reportValidityOfForms":true}'>`,
		`defer></script>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}

func TestNewRefusesBrokenFiles(t *testing.T) {
	t.Parallel()
	tests := map[string]func(fstest.MapFS){
		"broken template":   func(m fstest.MapFS) { m["templates/pages/home.html"].Data = []byte(`{{define "main"}}{{.Oops`) },
		"unknown function":  func(m fstest.MapFS) { m["templates/pages/home.html"].Data = []byte(`{{nope}}`) },
		"missing catalogue": func(m fstest.MapFS) { delete(m, "locales/active.en.toml") },
		"broken catalogue":  func(m fstest.MapFS) { m["locales/active.de.toml"].Data = []byte(`Title = "unclosed`) },
		"missing layout":    func(m fstest.MapFS) { delete(m, "templates/layout.html") },
	}
	for name, breakIt := range tests {
		t.Run(name, func(t *testing.T) {
			fsys := copyFS(t, files)
			breakIt(fsys)
			if _, err := newUI(Options{}, fsys); err == nil {
				t.Error("newUI accepted it")
			}
		})
	}
}

func copyFS(t *testing.T, src fs.FS) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(src, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(src, name)
		m[name] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestRenderFailureIsAClean500(t *testing.T) {
	t.Parallel()
	fsys := copyFS(t, files)
	fsys["templates/pages/home.html"].Data = []byte(`{{define "title"}}x{{end}}{{define "main"}}{{t "NoSuchMessage"}}{{end}}`)
	ui, err := newUI(Options{}, fsys)
	if err != nil {
		t.Fatal(err)
	}
	engine := gin.New()
	ui.Register(&engine.RouterGroup, access.NewTable())
	rec := serve(t, engine, request{target: "/"})
	if rec.Code != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", rec.Code)
	}
	if strings.Contains(rec.Body.String(), "<html") {
		t.Errorf("body %q is a half page", rec.Body.String())
	}
}

func TestLocalPath(t *testing.T) {
	t.Parallel()
	for next, want := range map[string]string{
		"/":                 "/",
		"/a/b?c=d#e":        "/a/b?c=d#e",
		"//evil.example":    "/",
		`/\evil`:            "/",
		"/a\\b":             "/",
		"/a\x7fb":           "/",
		"http://x.example/": "/",
		"relative":          "/",
	} {
		if got := localPath(next); got != want {
			t.Errorf("localPath(%q) = %q, want %q", next, got, want)
		}
	}
}

// TestCSPProblemsFindsViolations makes sure the check above can fail.
func TestCSPProblemsFindsViolations(t *testing.T) {
	t.Parallel()
	for html, want := range map[string]int{
		`<script src="/static/x.js" defer></script><p>on time</p>`: 0,
		`<script>alert(1)</script>`:                                1,
		`<SCRIPT type="module">x()</SCRIPT>`:                       1,
		`<p style="color:red">`:                                    1,
		`<style>p{}</style>`:                                       1,
		`<button onclick="x()">`:                                   1,
		`<a href="javascript:x()">`:                                1,
	} {
		if got := len(cspProblems(html)); got != want {
			t.Errorf("cspProblems(%q) found %d, want %d", html, got, want)
		}
	}
}
