// Package frontend serves Kohorte's server-rendered web interface: HTML pages
// from html/template, the static assets they load and the message catalogues
// of their languages, all embedded in the binary so that a deployment is one
// file.
//
// Pages work without JavaScript; htmx only enhances them. No page may need an
// inline script, an inline style or a style attribute, because the router's
// Content-Security-Policy blocks all three.
package frontend

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"
	// Kohorte shows times in Europe/Berlin; the zone database is embedded
	// because the distroless image has none of its own.
	_ "time/tzdata"

	"github.com/gin-gonic/gin"
	"github.com/nicksnyder/go-i18n/v2/i18n"

	"kohorte/access"
	"kohorte/services"
)

// files holds everything the UI serves. It is read-only, so sharing it is
// safe.
//
//go:embed templates static locales
var files embed.FS

// Options configure the UI.
type Options struct {
	// Logger receives failures to render a page; nil discards them.
	Logger *slog.Logger
	// Version is shown in the footer; "dev" when empty.
	Version string
	// Services serve every page.
	Services *services.Services
}

// UI is the web interface. It satisfies the UI interface of package api. All
// its fields are set in New and only read afterwards, so one UI serves
// concurrent requests.
type UI struct {
	log     *slog.Logger
	version string
	langs   []lang
	// pages holds one template set per language and page, so that the
	// template function t translates into the language of the set.
	pages  map[string]map[string]*template.Template
	assets map[string]asset
	svc    *services.Services
	// zone is where the course offices are; every time is shown in it.
	zone *time.Location
	// locs translate in Go what a page would otherwise translate once per
	// row or cell, by language code.
	locs map[string]*i18n.Localizer
	// buffers are reused to write pages into: a 500-person grid is 1.6 MB,
	// and a fresh buffer grew to it through 4 MB of copies on every view.
	buffers sync.Pool
}

// New builds the UI from the embedded files. It parses every template and
// message catalogue once, so that a broken one stops the server at start and
// not at the first request.
func New(opts Options) (*UI, error) {
	return newUI(opts, files)
}

// newUI builds the UI from fsys, which tests replace to check that broken
// files are refused.
func newUI(opts Options, fsys fs.FS) (*UI, error) {
	zone, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return nil, err
	}
	ui := &UI{
		log:     opts.Logger,
		version: opts.Version,
		langs:   supportedLangs(),
		svc:     opts.Services,
		zone:    zone,
	}
	if ui.log == nil {
		ui.log = slog.New(slog.DiscardHandler)
	}
	if ui.version == "" {
		ui.version = "dev"
	}
	if ui.assets, err = loadAssets(fsys); err != nil {
		return nil, err
	}
	bundle, err := loadBundle(fsys, ui.langs)
	if err != nil {
		return nil, err
	}
	parsed, err := parsePages(fsys, ui.parseFuncs())
	if err != nil {
		return nil, err
	}
	if ui.pages, err = ui.localizePages(parsed, bundle); err != nil {
		return nil, err
	}
	return ui, nil
}

// layoutData is what the layout template sees; Page carries the data of the
// page inside it.
type layoutData struct {
	Lang    string
	Next    string // where the language switch returns to
	Choices []lang // languages the switch offers
	Version string
	Nav     navigation
	Page    any
}

// render executes a page into a buffer before writing anything, so that a
// template failure becomes a clean 500 and never half a page.
func (ui *UI) render(c *gin.Context, status int, page string, data any) {
	code := ui.langOf(c.Request)
	buf := ui.buffer()
	defer ui.putBuffer(buf)
	err := fmt.Errorf("no page %q", page)
	if t := ui.pages[code][page]; t != nil {
		err = t.ExecuteTemplate(buf, "layout", ui.layoutData(c, code, data))
	}
	if err != nil {
		ui.log.ErrorContext(c.Request.Context(), "render page", "page", page, "lang", code, "err", err)
		c.String(http.StatusInternalServerError, "internal error")
		return
	}
	// Pages depend on cookies and show personal data, so no cache may keep
	// them.
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// renderPart answers with one part of a page, a template the page
// defines, for a script that swaps it in; like a page, it is not cached.
func (ui *UI) renderPart(c *gin.Context, status int, page, part string, data any) {
	code := ui.langOf(c.Request)
	buf := ui.buffer()
	defer ui.putBuffer(buf)
	err := fmt.Errorf("no page %q", page)
	if t := ui.pages[code][page]; t != nil {
		err = t.ExecuteTemplate(buf, part, data)
	}
	if err != nil {
		ui.log.ErrorContext(c.Request.Context(), "render part", "page", page, "part", part, "lang", code, "err", err)
		c.String(http.StatusInternalServerError, "internal error")
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// maxKeptBuffer is the largest buffer kept for the next page; the grid of
// a cohort of thousands is written into one of its own.
const maxKeptBuffer = 4 << 20

func (ui *UI) buffer() *bytes.Buffer {
	if b, ok := ui.buffers.Get().(*bytes.Buffer); ok {
		return b
	}
	return new(bytes.Buffer)
}

// putBuffer keeps buf for the next page once its bytes are written to
// the client (c.Data writes before it returns).
func (ui *UI) putBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= maxKeptBuffer {
		buf.Reset()
		ui.buffers.Put(buf)
	}
}

func (ui *UI) layoutData(c *gin.Context, code string, page any) layoutData {
	r := c.Request
	next := r.URL.RequestURI()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		// After a failed POST there is no page to return to.
		next = "/"
	}
	return layoutData{
		Lang:    code,
		Next:    next,
		Choices: otherLangs(ui.langs, code),
		Version: ui.version,
		Nav:     navFor(access.ActorOf(c), r.URL.Path),
		Page:    page,
	}
}
