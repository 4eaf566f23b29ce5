// Package browsertest drives Debian's Chromium for tests of Kohorte's web
// interface. Each test gets a headless browser of its own that is closed when
// the test ends; a failed test leaves a full-page screenshot in its artifact
// directory (go test -artifacts keeps it).
//
// Every action is bounded by a deadline, so a hung browser fails the test
// instead of stalling the run. Without Chromium the tests are skipped on a
// developer machine, but fail when the environment variable CI is set:
// CI must never pass by silently skipping them.
package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

const (
	// ChromiumPath is where Debian's chromium package installs the browser.
	// Tests never download a browser.
	ChromiumPath = "/usr/bin/chromium"
	// Timeout bounds everything a test does in its browser. A page test
	// checks each page at three widths, which on a busy two-core machine
	// takes more than half a minute.
	Timeout = 60 * time.Second
	// cleanupTimeout bounds the failure screenshot and the browser's
	// shutdown, which run after Timeout may have passed.
	cleanupTimeout = 10 * time.Second
	// defaultWidth and defaultHeight are the viewport, a common laptop screen.
	defaultWidth, defaultHeight = 1280, 800
	// outputLines is how much of the browser's output a failure shows.
	outputLines = 30
)

// Browser is one headless Chromium with one tab. Its methods fail the test
// on error, so a test reads as a list of steps.
type Browser struct {
	t   testing.TB
	ctx context.Context // the tab, with the test's deadline

	mu       sync.Mutex
	problems []string // errors the page reported, see ConsoleErrors
	output   syncBuffer
}

// New starts a browser for t and closes it when t ends. It skips t when
// Chromium is missing, unless CI is set.
func New(t testing.TB) *Browser {
	t.Helper()
	return NewWithin(t, Timeout)
}

// NewWithin is New for a test that does more than browse between its
// pages (e.g. loads the whole demo): everything in its browser is bounded
// by limit instead of Timeout.
func NewWithin(t testing.TB, limit time.Duration) *Browser {
	t.Helper()
	requireChromium(t)
	// TempDir comes before the Cleanup below, and cleanups run last-in
	// first-out, so the profile is removed only after the browser has stopped.
	profile := t.TempDir()

	b := &Browser{t: t}
	browserCtx, stop, err := b.start(profile, limit)
	if err != nil {
		t.Fatalf("start %s: %v\n%s", ChromiumPath, err, b.output.tail(outputLines))
	}
	ctx, cancelTimeout := context.WithTimeout(browserCtx, limit)
	b.ctx = ctx
	t.Cleanup(func() {
		cancelTimeout()
		if t.Failed() {
			b.screenshotOnFailure(browserCtx)
		}
		stop()
	})
	return b
}

// start launches the browser and listens to what its pages report. It
// returns the browser's context, which has no deadline of its own so that
// the failure screenshot can still be taken after Timeout, and the function
// that stops the browser.
func (b *Browser) start(profile string, limit time.Duration) (context.Context, func(), error) {
	// root bounds the browser's whole life, shutdown included: a browser
	// that hangs even on close is killed when it ends.
	root, cancelRoot := context.WithTimeout(context.Background(), limit+2*cleanupTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(root, b.allocatorOptions(profile)...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	stop := func() {
		closeGracefully(browserCtx)
		cancelBrowser()
		cancelAlloc()
		cancelRoot()
	}
	// The first action starts the browser and ties its life to the context
	// it runs on.
	err := chromedp.Do(browserCtx)
	if err == nil {
		err = chromedp.Listen(browserCtx, b.record)
	}
	if err != nil {
		stop()
		return nil, nil, err
	}
	return browserCtx, stop, nil
}

// requireChromium skips or fails t when the browser is missing.
// SkipEnv names the variable that skips the browser tests of a suite.
const SkipEnv = "KOHORTE_SKIP_BROWSER_TESTS"

func requireChromium(t testing.TB) {
	t.Helper()
	// CI drives the browser in one of its two suites only: the pages'
	// storage runs on both engines through their other tests, and two
	// suites of browsers at once would not fit CI's time.
	if os.Getenv(SkipEnv) != "" {
		t.Skipf("browser tests run in the other suite (%s is set)", SkipEnv)
	}
	if _, err := exec.LookPath(ChromiumPath); err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("browser tests need %s (Debian package chromium), and CI must run them", ChromiumPath)
	}
	t.Skipf("skipping browser test: %s not found (apt-get install chromium)", ChromiumPath)
}

// RequireTool skips t when the command name, from the Debian package pkg,
// is missing, as with Chromium: a test reads what a page or a PDF shows
// with it (zbarimg, pdftoppm). CI must have it, so there it fails t.
func RequireTool(t testing.TB, name, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(name); err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s (Debian package %s) is missing, and CI must run this test", name, pkg)
	}
	t.Skipf("skipping: %s not found (apt-get install %s)", name, pkg)
}

func (b *Browser) allocatorOptions(profile string) []chromedp.ExecAllocatorOption {
	return append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(ChromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(defaultWidth, defaultHeight),
		chromedp.CombinedOutput(&b.output),
	)
}

// closeGracefully asks the browser to quit, so that it flushes its profile
// before the directory is removed; cancelling the contexts afterwards kills
// it if it did not.
func closeGracefully(browserCtx context.Context) {
	ctx, cancel := context.WithTimeout(browserCtx, cleanupTimeout)
	defer cancel()
	_ = chromedp.Cancel(ctx)
}

// screenshotOnFailure saves what the page looked like when the test failed.
func (b *Browser) screenshotOnFailure(browserCtx context.Context) {
	ctx, cancel := context.WithTimeout(browserCtx, cleanupTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("no failure screenshot: %v", err)
		return
	}
	file := filepath.Join(b.t.ArtifactDir(), "failure.png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Logf("no failure screenshot: %v", err)
		return
	}
	b.t.Logf("failure screenshot: %s", file)
	if out := b.output.tail(outputLines); out != "" {
		b.t.Logf("chromium output (last lines):\n%s", out)
	}
}

// do runs actions and fails the test on error.
func (b *Browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// Navigate loads url and returns the HTTP status of the document.
func (b *Browser) Navigate(url string) int {
	b.t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(url))
	if err != nil {
		b.t.Fatalf("navigate to %s: %v", url, err)
	}
	return int(resp.Status)
}

// Click clicks the first element that matches the CSS selector, once it is
// visible. It does not wait for what the click causes; see ClickAndWait.
func (b *Browser) Click(selector string) {
	b.t.Helper()
	b.do("click "+selector, chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible))
}

// ClickAndWait clicks like Click, waits until the page it leads to has
// loaded, following redirects, and returns that page's HTTP status.
func (b *Browser) ClickAndWait(selector string) int {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("click %s and wait for the next page: %v", selector, err)
	}
	if resp == nil {
		b.t.Fatalf("click %s: no page loaded", selector)
	}
	return int(resp.Status)
}

// Type types text into the first element that matches the CSS selector,
// once it is visible, key by key as a person would.
func (b *Browser) Type(selector, text string) {
	b.t.Helper()
	b.do("type into "+selector, chromedp.SendKeys(chromedp.CSS(selector), text, chromedp.NodeVisible))
}

// Press sends one key, such as "Escape", to the element that has the focus.
func (b *Browser) Press(key string) {
	b.t.Helper()
	b.do("press "+key, chromedp.KeyEvent(keyOf[key]))
}

// keyOf maps key names to what chromedp.KeyEvent sends for them.
var keyOf = map[string]string{"Escape": kb.Escape, "Enter": kb.Enter, "Tab": kb.Tab}

// Upload chooses files in the file input that matches the CSS selector, as
// a person would in the browser's file dialog. The paths must be absolute.
func (b *Browser) Upload(selector string, files ...string) {
	b.t.Helper()
	b.do("choose files in "+selector, chromedp.SetUploadFiles(chromedp.CSS(selector), files))
}

// Reload reloads the page, waits until the page it leads to has loaded,
// following redirects, and returns that page's HTTP status.
func (b *Browser) Reload() int {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Reload())
	if err != nil {
		b.t.Fatalf("reload: %v", err)
	}
	return int(resp.Status)
}

// WaitUntil waits until the JavaScript expression is truthy, for changes
// that come without a page load, such as an htmx swap. It fails the test
// when the test's deadline passes first.
func (b *Browser) WaitUntil(expression string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[chromedp.Void](expression, chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
		b.t.Fatalf("wait until %s: %v", expression, err)
	}
}

// Text returns the visible text of the first element that matches the CSS
// selector, once it is visible.
func (b *Browser) Text(selector string) string {
	b.t.Helper()
	text, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(selector), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("text of %s: %v", selector, err)
	}
	return strings.TrimSpace(text)
}

// Viewport resizes the page, for example to 390×844 to see it as on a phone.
func (b *Browser) Viewport(width, height int) {
	b.t.Helper()
	b.do("set viewport", chromedp.EmulateViewport(int64(width), int64(height)))
}

// DisableScripts turns JavaScript off in the tab, for this and every later
// page, to check that a page works without it.
func (b *Browser) DisableScripts() {
	b.t.Helper()
	b.do("disable scripts", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
}

// Screenshot returns a PNG of the whole page, beyond the viewport.
func (b *Browser) Screenshot() []byte {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	return png
}

// SaveScreenshot writes a PNG of the whole page to file.
func (b *Browser) SaveScreenshot(file string) {
	b.t.Helper()
	if err := os.WriteFile(file, b.Screenshot(), 0o644); err != nil {
		b.t.Fatalf("save screenshot: %v", err)
	}
}

// Eval evaluates a JavaScript expression in the page and decodes its value
// into T. It is a function, not a method, because methods cannot have type
// parameters.
func Eval[T any](b *Browser, expression string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expression))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expression, err)
	}
	return v
}

// ConsoleErrors returns what the pages reported as errors since the browser
// started: uncaught exceptions, console.error calls and the browser's own
// error entries, among them Content-Security-Policy violations and failed
// loads.
func (b *Browser) ConsoleErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.problems)
}

// NoConsoleErrors fails the test if a page reported an error.
func (b *Browser) NoConsoleErrors() {
	b.t.Helper()
	if p := b.ConsoleErrors(); len(p) > 0 {
		b.t.Errorf("the browser reported %d error(s):\n%s", len(p), strings.Join(p, "\n"))
	}
}

// record runs on chromedp's event loop, so it only appends under the lock.
func (b *Browser) record(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *log.EventEntryAdded:
		if ev.Entry.Level != log.EntryLevelError {
			return
		}
		msg = fmt.Sprintf("%s: %s (%s)", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
	case *runtime.EventExceptionThrown:
		msg = "exception: " + ev.ExceptionDetails.Text
		if ev.ExceptionDetails.Exception != nil {
			msg += " " + ev.ExceptionDetails.Exception.Description
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError {
			return
		}
		msg = "console.error: " + consoleArgs(ev.Args)
	default:
		return
	}
	b.mu.Lock()
	b.problems = append(b.problems, msg)
	b.mu.Unlock()
}

func consoleArgs(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		if a.Description != "" {
			parts = append(parts, a.Description)
		} else {
			parts = append(parts, string(a.Value))
		}
	}
	return strings.Join(parts, " ")
}

// syncBuffer collects the browser's output, which chromedp writes from its
// own goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

// tail returns the last n lines, without D-Bus complaints: a container has
// no D-Bus, Chromium says so dozens of times, and it does not matter.
func (s *syncBuffer) tail(n int) string {
	s.mu.Lock()
	out := s.buf.String()
	s.mu.Unlock()
	var lines []string
	for line := range strings.Lines(out) {
		if !strings.Contains(line, "dbus") {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines[max(0, len(lines)-n):], "")
}
