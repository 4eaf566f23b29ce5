package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kohorte/load"
	"kohorte/models"
	"kohorte/models/dbtest"
)

// lockedBuffer collects what run prints while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var runningAt = regexp.MustCompile(`is running at (http://\S+)`)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// dbArgs points run at a fresh database of the engine under test.
func dbArgs(t *testing.T) []string {
	cfg := dbtest.Config(t)
	if cfg.URL != "" {
		return []string{"--database-url", cfg.URL}
	}
	return []string{"--data-dir", cfg.DataDir}
}

// startRun runs the server in the background and returns its URL and a
// function that stops it and returns run's error.
func startRun(t *testing.T, args []string, vars map[string]string) (string, func() error) {
	t.Helper()
	return startRunWith(t, runningAt, args, vars)
}

func startRunWith(t *testing.T, announce *regexp.Regexp, args []string, vars map[string]string) (string, func() error) {
	t.Helper()
	return startRunInto(t, &lockedBuffer{}, announce, args, vars)
}

// startRunInto is startRunWith for tests that read what the server prints, in out.
func startRunInto(t *testing.T, out *lockedBuffer, announce *regexp.Regexp, args []string, vars map[string]string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, env(vars), out) }()
	// Generous: under the race detector, beside the other suites, starting
	// (migrations, the first password hash) can take many seconds.
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		if m := announce.FindStringSubmatch(out.String()); m != nil {
			return m[1], func() error { cancel(); return <-done }
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("run ended before serving: %v\n%s", err, out)
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("server did not announce itself within 90 s:\n%s", out)
	return "", nil
}

func get(t *testing.T, url string) int {
	t.Helper()
	return getWith(t, http.DefaultClient, url)
}

func TestServeAnswersHealthAndStops(t *testing.T) {
	t.Parallel()
	url, stop := startRun(t, append([]string{"serve", "--addr", "127.0.0.1:0"}, dbArgs(t)...), nil)
	for _, path := range []string{"/healthz", "/readyz", "/", "/api/docs"} {
		if got := get(t, url+path); got != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", path, got)
		}
	}
	if err := stop(); err != nil {
		t.Fatalf("run after cancel = %v, want nil", err)
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Fatal("server still answers after shutdown")
	}
}

func TestServeCreatesDataDirectory(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "nested", "data")
	url, stop := startRun(t, []string{"--addr", "127.0.0.1:0"}, map[string]string{"KOHORTE_DATA_DIR": dir})
	get(t, url+"/readyz")
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "kohorte.db")); err != nil {
		t.Fatalf("database file not created: %v", err)
	}
}

func TestBadConfigurationExits2WithOneLine(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := t.TempDir()
	cases := []struct {
		name string
		args []string
		vars map[string]string
		want string
	}{
		{"unreachable database", []string{"--addr", "127.0.0.1:0", "--database-url", "postgres://nobody@127.0.0.1:1/x"}, nil,
			"database url (--database-url, DATABASE_URL or KOHORTE_DATABASE_URL): cannot connect to postgres://nobody@127.0.0.1:1/x: dial tcp 127.0.0.1:1: connect: connection refused"},
		{"unparsable URL", nil, map[string]string{"DATABASE_URL": "postgres://a b:%zz@h/x"}, "invalid database URL: cannot parse it"},
		{"wrong scheme", []string{"--database-url", "mysql://root@localhost/k"}, nil, `scheme "mysql" is not supported`},
		{"password hidden", []string{"--addr", "127.0.0.1:0", "--database-url", "postgres://kohorte:geheim@127.0.0.1:1/x"}, nil, "postgres://kohorte:xxxxx@127.0.0.1:1/x"},
		{"port in use", []string{"--addr", busy.Addr().String(), "--data-dir", dir}, nil,
			"addr (--addr, KOHORTE_ADDR): " + busy.Addr().String() + " is already in use"},
		{"bad port", []string{"--addr", "127.0.0.1:99999", "--data-dir", dir}, nil, "addr (--addr, KOHORTE_ADDR): cannot listen on 127.0.0.1:99999"},
		{"bad number in env", nil, map[string]string{"KOHORTE_DB_MAX_OPEN_CONNS": "viele"}, `invalid value "viele" in KOHORTE_DB_MAX_OPEN_CONNS`},
		{"bad log format", []string{"--log-format", "xml"}, nil, "log format (--log-format, KOHORTE_LOG_FORMAT): must be text or json"},
		{"memory map beyond SQLite's", nil, map[string]string{"KOHORTE_SQLITE_MMAP": "4096"}, "sqlite mmap (--sqlite-mmap, KOHORTE_SQLITE_MMAP): must be between 0 and 2047 (MiB)"},
		{"half TLS", []string{"--tls-cert", "cert.pem"}, nil, "set both the certificate and the key"},
		{"base URL with a path", nil, map[string]string{"KOHORTE_BASE_URL": "https://example.org/kohorte"}, "base url (--base-url, KOHORTE_BASE_URL): must be an http or https address without a path"},
		{"unknown flag", []string{"--colour"}, nil, "flag provided but not defined: -colour"},
		{"unknown command", []string{"deploy"}, nil, `unknown command "deploy"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := run(context.Background(), tc.args, env(tc.vars), io.Discard)
			if err == nil {
				t.Fatal("run succeeded")
			}
			if code := exitCode(err); code != 2 {
				t.Errorf("exit code %d, want 2 (%v)", code, err)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) {
				t.Errorf("message %q lacks %q", msg, tc.want)
			}
			for _, unclean := range []string{"\n", "geheim", "goroutine"} {
				if strings.Contains(msg, unclean) {
					t.Errorf("message is not one clean line, it holds %q: %q", unclean, msg)
				}
			}
		})
	}
}

func TestFlagOverridesEnvironment(t *testing.T) {
	cfg, err := parseConfig([]string{"--addr", "127.0.0.1:9999"},
		env(map[string]string{"KOHORTE_ADDR": "127.0.0.1:7777", "KOHORTE_LOG_FORMAT": "json", "KOHORTE_NO_MIGRATE": "true"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	type settings struct {
		Addr, LogFormat string
		NoMigrate       bool
		DataDir         string
	}
	if diff := cmp.Diff(settings{"127.0.0.1:9999", "json", true, "data"}, settings{cfg.Addr, cfg.LogFormat, cfg.NoMigrate, cfg.DataDir}); diff != "" {
		t.Fatalf("config (-want +got):\n%s", diff)
	}
}

// The idle pool follows the open pool unless set: a smaller one closes and
// reopens connections under any load above it.
func TestIdleConnectionsFollowOpenOnesUnlessSet(t *testing.T) {
	cases := []struct {
		args       []string
		vars       map[string]string
		open, idle int
	}{
		{nil, nil, 25, 25},
		{[]string{"--db-max-open-conns", "40"}, nil, 40, 40},
		{nil, map[string]string{"KOHORTE_DB_MAX_OPEN_CONNS": "8"}, 8, 8},
		{[]string{"--db-max-open-conns", "40", "--db-max-idle-conns", "5"}, nil, 40, 5},
		{[]string{"--db-max-open-conns", "40"}, map[string]string{"KOHORTE_DB_MAX_IDLE_CONNS": "0"}, 40, 0},
	}
	for _, tc := range cases {
		cfg, err := parseConfig(tc.args, env(tc.vars), io.Discard)
		if err != nil {
			t.Fatalf("%v %v: %v", tc.args, tc.vars, err)
		}
		if cfg.DBMaxOpenConns != tc.open || cfg.DBMaxIdleConns != tc.idle {
			t.Errorf("%v %v: open %d, idle %d; want %d, %d", tc.args, tc.vars, cfg.DBMaxOpenConns, cfg.DBMaxIdleConns, tc.open, tc.idle)
		}
	}
}

// SQLite's memory map is 256 MiB unless set; 0 maps nothing, which the
// database settings say with a negative size, as their 0 is the default.
func TestSQLiteMemoryMapSetting(t *testing.T) {
	cases := []struct {
		args []string
		vars map[string]string
		want int64
	}{
		{nil, nil, 256 << 20},
		{[]string{"--sqlite-mmap", "64"}, nil, 64 << 20},
		{nil, map[string]string{"KOHORTE_SQLITE_MMAP": "0"}, -1},
	}
	for _, tc := range cases {
		cfg, err := parseConfig(tc.args, env(tc.vars), io.Discard)
		if err != nil {
			t.Fatalf("%v %v: %v", tc.args, tc.vars, err)
		}
		if got := cfg.db().SQLiteMmap; got != tc.want {
			t.Errorf("%v %v: SQLiteMmap = %d, want %d", tc.args, tc.vars, got, tc.want)
		}
	}
}

func TestVersionAndHelp(t *testing.T) {
	var out lockedBuffer
	if err := run(context.Background(), []string{"version"}, env(nil), &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != "kohorte "+version+"\n" {
		t.Fatalf("version printed %q", out.String())
	}
	var help lockedBuffer
	if err := run(context.Background(), []string{"--help"}, env(nil), &help); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"migrate", "--database-url [DATABASE_URL, KOHORTE_DATABASE_URL]", "(default 127.0.0.1:8080)"} {
		if !strings.Contains(help.String(), want) {
			t.Errorf("help lacks %q:\n%s", want, help.String())
		}
	}
}

func TestMigrateCommandThenServeWithoutMigrating(t *testing.T) {
	t.Parallel()
	args := dbArgs(t)
	if err := run(context.Background(), append([]string{"migrate"}, args...), env(nil), io.Discard); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	cfg, err := parseConfig(args, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	db, err := models.Open(context.Background(), cfg.db(), dbtest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	applied, err := models.AppliedMigrations(context.Background(), db)
	models.Close(db)
	if err != nil {
		t.Fatalf("after migrate: %v", err)
	}
	if !slices.Equal(applied, models.MigrationIDs()) {
		t.Fatalf("after migrate: applied %v, want %v", applied, models.MigrationIDs())
	}
	url, stop := startRun(t, append([]string{"--no-migrate", "--addr", "127.0.0.1:0"}, args...), nil)
	if got := get(t, url+"/readyz"); got != 200 {
		t.Errorf("readyz = %d", got)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// A request that is running when the signal comes is allowed to finish.
func TestShutdownLetsRunningRequestFinish(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		w.Write([]byte("finished"))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- serveUntilDone(ctx, ln, newHTTPServer(h, dbtest.Logger(t)), 10*time.Second, dbtest.Logger(t))
	}()
	type result struct {
		body string
		err  error
	}
	answered := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			answered <- result{err: err}
			return
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		answered <- result{string(b), err}
	}()
	<-started
	cancel()
	select {
	case err := <-served:
		t.Fatalf("server stopped with a request still running: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		t.Error("server still accepts connections while shutting down")
	}
	close(release)
	r := <-answered
	if r.err != nil {
		t.Fatalf("running request failed: %v", r.err)
	}
	if r.body != "finished" {
		t.Fatalf("running request got %q, want finished", r.body)
	}
	if err := <-served; err != nil {
		t.Fatalf("serve = %v, want nil", err)
	}
}

func TestShutdownCutsOffRequestsPastTheGrace(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(5 * time.Second)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- serveUntilDone(ctx, ln, newHTTPServer(h, dbtest.Logger(t)), 100*time.Millisecond, dbtest.Logger(t))
	}()
	go http.Get("http://" + ln.Addr().String() + "/hang")
	<-started
	cancel()
	if err := <-served; !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("serve = %v, want the grace period exceeded", err)
	}
}

// built is the kohorte binary that kohorteBinary builds once per test run,
// in a folder TestMain removes.
var built struct {
	once     sync.Once
	dir, bin string
	err      error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// kohorteBinary builds the command as its own binary, once for every test
// that starts it as a process of its own; skipped with -short.
func kohorteBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "kohorte-bin-"); built.err != nil {
			return
		}
		built.bin = filepath.Join(built.dir, "kohorte")
		if out, err := exec.Command("go", "build", "-o", built.bin, ".").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}

// process is a kohorte binary serving at url.
type process struct {
	cmd    *exec.Cmd
	url    string
	stderr *lockedBuffer
}

// startBinary starts the binary with args and waits until it announces its
// address. A process the test has not stopped is killed when it ends.
func startBinary(t *testing.T, bin string, args ...string) *process {
	t.Helper()
	return startBinaryIn(t, nil, bin, args...)
}

// startBinaryIn starts the binary as startBinary does, in the environment
// env (nil: the test's own).
func startBinaryIn(t *testing.T, env []string, bin string, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin, args...), stderr: &lockedBuffer{}}
	p.cmd.Env = env
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
	})
	lines := bufio.NewScanner(stdout)
	for i := 0; i < 5 && p.url == "" && lines.Scan(); i++ {
		if m := runningAt.FindStringSubmatch(lines.Text()); m != nil {
			p.url = m[1]
		}
	}
	if p.url == "" {
		t.Fatalf("the server did not announce its URL in its first lines; stderr: %s", p.stderr.String())
	}
	go io.Copy(io.Discard, stdout)
	return p
}

// stop sends SIGTERM and fails the test unless the process exits with 0.
func (p *process) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("after SIGTERM: %v, want exit status 0; stderr: %s", err, p.stderr.String())
	}
}

// The real binary: a signal ends it with status 0, bad configuration with 2.
func TestBinarySignalsAndExitCodes(t *testing.T) {
	t.Parallel()
	bin := kohorteBinary(t)
	p := startBinary(t, bin, "--addr", "127.0.0.1:0", "--data-dir", t.TempDir())
	if got := get(t, p.url+"/healthz"); got != 200 {
		t.Errorf("healthz = %d", got)
	}
	p.stop(t)

	bad := exec.Command(bin, "--addr", "127.0.0.1:0", "--database-url", "postgres://nobody@127.0.0.1:1/x")
	var stderr strings.Builder
	bad.Stderr = &stderr
	err := bad.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("unreachable database: %v, want an exit status", err)
	}
	if exit.ExitCode() != 2 {
		t.Fatalf("unreachable database: %v, want exit status 2", err)
	}
	msg := stderr.String()
	if strings.Count(msg, "\n") != 1 {
		t.Fatalf("stderr is not one line: %q", msg)
	}
	if !strings.HasPrefix(msg, "kohorte: database url") {
		t.Fatalf("stderr does not name the setting: %q", msg)
	}
}

// The real binary collects garbage at 200 % unless GOGC says otherwise,
// as its metrics report.
func TestGarbageCollectorTargetIs200UnlessGOGCIsSet(t *testing.T) {
	t.Parallel()
	bin := kohorteBinary(t)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOGC=") {
			env = append(env, kv)
		}
	}
	for _, tc := range []struct {
		name string
		env  []string
		want string
	}{
		{"without GOGC", env, "go_gc_gogc_percent 200\n"},
		{"with GOGC=50", append(slices.Clone(env), "GOGC=50"), "go_gc_gogc_percent 50\n"},
	} {
		p := startBinaryIn(t, tc.env, bin, "--addr", "127.0.0.1:0", "--data-dir", t.TempDir())
		resp, err := http.Get(p.url + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(body), tc.want) {
			t.Errorf("%s: the metrics lack %q", tc.name, strings.TrimSpace(tc.want))
		}
		p.stop(t)
	}
}

func TestFirstStartCreatesAdminWithOneTimePassword(t *testing.T) {
	t.Parallel()
	out := &lockedBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	args := append([]string{"--addr", "127.0.0.1:0"}, dbArgs(t)...)
	go func() {
		done <- run(ctx, args, env(map[string]string{"KOHORTE_ADMIN_EMAIL": "chefin@example.org"}), out)
	}()
	oneTime := regexp.MustCompile(`First admin: chefin@example.org with the one-time password (\S+) `)
	var url, password string
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline) && url == ""; time.Sleep(20 * time.Millisecond) {
		if m := runningAt.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
		}
	}
	if m := oneTime.FindStringSubmatch(out.String()); m != nil {
		password = m[1]
	}
	if url == "" {
		cancel()
		t.Fatalf("no URL printed:\n%s", out)
	}
	if password == "" {
		cancel()
		t.Fatalf("no one-time password printed:\n%s", out)
	}
	body := strings.NewReader(`{"email":"chefin@example.org","password":"` + password + `"}`)
	resp, err := http.Post(url+"/api/v1/auth/login", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("first login: status %d, want 200: %s", resp.StatusCode, b)
	}
	if !strings.Contains(string(b), `"must_change_password":true`) {
		t.Fatalf("first login does not demand a new password: %s", b)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if strings.Count(out.String(), password) != 1 {
		t.Fatalf("the one-time password appears %d times in the output", strings.Count(out.String(), password))
	}
	// A restart creates nobody and prints no password.
	url2, stop := startRun(t, args, nil)
	get(t, url2+"/healthz")
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestWeakAdminPasswordExits2(t *testing.T) {
	t.Parallel()
	args := append([]string{"--addr", "127.0.0.1:0"}, dbArgs(t)...)
	err := run(context.Background(), args, env(map[string]string{"KOHORTE_ADMIN_PASSWORD": "kurz"}), io.Discard)
	if code := exitCode(err); code != 2 {
		t.Fatalf("run = %v: exit code %d, want 2", err, code)
	}
	if want := "KOHORTE_ADMIN_PASSWORD: must be at least 10 characters long"; err.Error() != want {
		t.Fatalf("run = %v, want %q", err, want)
	}
}

func TestDemoCommandLoadsOnce(t *testing.T) {
	t.Parallel()
	args := dbArgs(t)
	var out lockedBuffer
	if err := run(context.Background(), append([]string{"demo"}, args...), env(map[string]string{"KOHORTE_ADMIN_PASSWORD": "Demo-Admin-2026"}), &out); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "Loaded the demo: 1 course, 3 cohorts, 53 participants, ") {
		t.Fatalf("output:\n%s", out.String())
	}
	err := run(context.Background(), append([]string{"demo"}, args...), env(nil), io.Discard)
	if err == nil {
		t.Fatal("second demo succeeded")
	}
	if !strings.Contains(err.Error(), "holds courses already") {
		t.Fatalf("second demo: %v, want it to say the database holds courses already", err)
	}
}

func TestDemoScaleGeneratesARegion(t *testing.T) {
	t.Parallel()
	args := append([]string{"demo", "--scale", "600"}, dbArgs(t)...)
	var out lockedBuffer
	if err := run(context.Background(), args, env(map[string]string{"KOHORTE_ADMIN_PASSWORD": "Demo-Admin-2026"}), &out); err != nil {
		t.Fatalf("demo --scale 600: %v\n%s", err, out.String())
	}
	// 600 people: 600/200 = 3 courses, everyone in one small cohort.
	if !regexp.MustCompile(`Generated 3 courses, \d+ cohorts, 600 participants and 600 enrollments in [\d.]+ s\.`).MatchString(out.String()) {
		t.Fatalf("output:\n%s", out.String())
	}
	err := run(context.Background(), append([]string{"demo"}, dbArgs(t)...), env(map[string]string{"KOHORTE_DEMO_SCALE": "-1"}), io.Discard)
	if code := exitCode(err); code != 2 || !strings.Contains(err.Error(), "must be between 0 and 1000000") {
		t.Errorf("KOHORTE_DEMO_SCALE=-1: %v (exit code %d), want exit code 2 naming the range", err, code)
	}
}

// TestLoadHarnessRunsEveryJourney sends each journey of the load harness a
// few requests against a generated region, with the bare server on the
// same database: every answer must be a success. It measures nothing;
// PERFORMANCE.md says how to.
func TestLoadHarnessRunsEveryJourney(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := dbtest.Config(t)
	args := []string{"--data-dir", cfg.DataDir}
	if cfg.URL != "" {
		args = []string{"--database-url", cfg.URL}
	}
	vars := map[string]string{"KOHORTE_ADMIN_PASSWORD": "Load-Admin-2026", "KOHORTE_ADMIN_EMAIL": "admin@kohorte.test"}
	if err := run(ctx, append([]string{"demo", "--scale", "300"}, args...), env(vars), io.Discard); err != nil {
		t.Fatal(err)
	}
	base, stop := startRun(t, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), vars)
	defer stop()
	db, err := models.Open(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer models.Close(db)
	bare := httptest.NewServer(load.Bare(db))
	defer bare.Close()

	site, err := load.Connect(ctx, base, "admin@kohorte.test", "Load-Admin-2026")
	if err != nil {
		t.Fatal(err)
	}
	site.ImportSize = 200
	journeys := site.Journeys(bare.URL)
	names := make([]string, len(journeys))
	for i, j := range journeys {
		names[i] = j.Name
	}
	for _, want := range []string{"record a session", "juror's view of a cohort", "draft saves", "verify a certificate (API", "a cohort's documents as ZIP", "certificate preview",
		"participants, first page, during a 200-row import"} {
		if !slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, want) }) {
			t.Fatalf("journeys %q: %q is missing", names, want)
		}
	}
	for _, j := range journeys {
		r, err := load.Run(ctx, j, load.Settings{Connections: 2, Duration: 10 * time.Second, MaxRequests: 10})
		if err != nil {
			t.Fatal(err)
		}
		// A journey beside an import stops when the import is done, which
		// may come before ten requests; it fails unless all 200 enrolled.
		least := uint64(10)
		if j.During != nil {
			least = 1
		}
		if r.Requests < least || r.Success != 1 {
			t.Errorf("%s: %d requests, answers %v, errors %v", j.Name, r.Requests, r.Codes, r.Errors)
		}
	}
}

func TestNoMigrateRefusesAnUnmigratedDatabase(t *testing.T) {
	t.Parallel()
	args := append([]string{"--no-migrate", "--addr", "127.0.0.1:0"}, dbArgs(t)...)
	err := run(context.Background(), args, env(nil), io.Discard)
	if code := exitCode(err); code != 2 {
		t.Fatalf("run = %v: exit code %d, want 2", err, code)
	}
	if !strings.Contains(err.Error(), "run 'kohorte migrate' first") {
		t.Fatalf("run = %v, want it to say run 'kohorte migrate' first", err)
	}
}

// --metrics-addr moves /metrics off the application's address, and
// KOHORTE_METRICS_TOKEN guards it there.
func TestMetricsOnTheirOwnAddressWithAToken(t *testing.T) {
	t.Parallel()
	const token = "a-token-for-the-scraper"
	announce := regexp.MustCompile(`(?s)"serving metrics" addr=(\S+).*is running at http://\S+`)
	addr, stop := startRunWith(t, announce,
		append([]string{"--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0"}, dbArgs(t)...),
		map[string]string{"KOHORTE_METRICS_TOKEN": token})
	defer stop()
	if got := get(t, "http://"+addr+"/metrics"); got != http.StatusUnauthorized {
		t.Errorf("metrics without the token: %d, want 401", got)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "go_goroutines") {
		t.Errorf("metrics with the token: %d, %.80s", resp.StatusCode, body)
	}
	if got := get(t, "http://"+addr+"/healthz"); got != http.StatusNotFound {
		t.Errorf("the metrics address serves /healthz: %d, want 404", got)
	}
}
