package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"time"

	"kohorte/models"
)

// config is everything an operator can set, by flag or environment variable.
// A flag wins over its variable, and the variable over the default.
type config struct {
	Addr           string
	DataDir        string
	DatabaseURL    string
	DBMaxOpenConns int
	DBMaxIdleConns int
	DBConnLifetime time.Duration
	// SQLiteMmapMiB is how much of the SQLite file each connection maps;
	// 0 maps nothing.
	SQLiteMmapMiB   int
	LogFormat       string
	LogLevel        string
	NoMigrate       bool
	ShutdownTimeout time.Duration
	TLSCert         string
	TLSKey          string
	TrustedProxies  string
	BaseURL         string
	AdminEmail      string
	// AdminPassword is read from the environment only: a flag would show
	// in the process list.
	AdminPassword string
	SessionIdle   time.Duration
	SessionMax    time.Duration
	AuthCache     time.Duration
	// MetricsAddr serves /metrics on a listener of its own, e.g. on
	// loopback only, instead of beside the application.
	MetricsAddr string
	// MetricsToken, if set, must be sent as a Bearer token to read /metrics.
	MetricsToken string
	// Scale, for demo, generates that many people instead of the demo course.
	Scale int
}

func (c config) proxies() []string {
	var out []string
	for _, p := range strings.Split(c.TrustedProxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (c config) db() models.DBConfig {
	return models.DBConfig{
		URL:             c.DatabaseURL,
		DataDir:         c.DataDir,
		MaxOpenConns:    c.DBMaxOpenConns,
		MaxIdleConns:    c.DBMaxIdleConns,
		ConnMaxLifetime: c.DBConnLifetime,
		ConnMaxIdleTime: 5 * time.Minute,
		SQLiteMmap:      sqliteMmap(c.SQLiteMmapMiB),
	}
}

// sqliteMmap turns the setting in MiB into models.DBConfig's bytes, where
// 0 is the default and a negative value maps nothing.
func sqliteMmap(mib int) int64 {
	if mib == 0 {
		return -1
	}
	return int64(mib) << 20
}

// option ties a flag to the environment variables that set it too.
type option struct {
	flag string
	envs []string
}

var errHelp = errors.New("help requested")

// configError names the setting that is wrong, by flag and variable, so the
// operator knows what to change.
type configError struct {
	opt option
	err error
}

func (e *configError) Error() string {
	if e.opt.flag == "" {
		return fmt.Sprintf("%s: %v", strings.Join(e.opt.envs, " or "), e.err)
	}
	return fmt.Sprintf("%s (--%s, %s): %v", settingName(e.opt.flag), e.opt.flag, strings.Join(e.opt.envs, " or "), e.err)
}

func (e *configError) Unwrap() error { return e.err }

func settingName(flag string) string {
	return strings.ReplaceAll(flag, "-", " ")
}

// usageError is a command line that cannot be understood.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

var (
	optAddr      = option{"addr", []string{"KOHORTE_ADDR"}}
	optDataDir   = option{"data-dir", []string{"KOHORTE_DATA_DIR"}}
	optDB        = option{"database-url", []string{"DATABASE_URL", "KOHORTE_DATABASE_URL"}}
	optMaxOpen   = option{"db-max-open-conns", []string{"KOHORTE_DB_MAX_OPEN_CONNS"}}
	optMaxIdle   = option{"db-max-idle-conns", []string{"KOHORTE_DB_MAX_IDLE_CONNS"}}
	optLifetime  = option{"db-conn-max-lifetime", []string{"KOHORTE_DB_CONN_MAX_LIFETIME"}}
	optMmap      = option{"sqlite-mmap", []string{"KOHORTE_SQLITE_MMAP"}}
	optLogFormat = option{"log-format", []string{"KOHORTE_LOG_FORMAT"}}
	optLogLevel  = option{"log-level", []string{"KOHORTE_LOG_LEVEL"}}
	optNoMigrate = option{"no-migrate", []string{"KOHORTE_NO_MIGRATE"}}
	optShutdown  = option{"shutdown-timeout", []string{"KOHORTE_SHUTDOWN_TIMEOUT"}}
	optTLSCert   = option{"tls-cert", []string{"KOHORTE_TLS_CERT"}}
	optTLSKey    = option{"tls-key", []string{"KOHORTE_TLS_KEY"}}
	optProxies   = option{"trusted-proxies", []string{"KOHORTE_TRUSTED_PROXIES"}}
	optBaseURL   = option{"base-url", []string{"KOHORTE_BASE_URL"}}
	optAdmin     = option{"admin-email", []string{"KOHORTE_ADMIN_EMAIL"}}
	optIdle      = option{"session-idle-timeout", []string{"KOHORTE_SESSION_IDLE_TIMEOUT"}}
	optLifetimeS = option{"session-lifetime", []string{"KOHORTE_SESSION_LIFETIME"}}
	optAuthCache = option{"auth-cache", []string{"KOHORTE_AUTH_CACHE"}}
	optMetrics   = option{"metrics-addr", []string{"KOHORTE_METRICS_ADDR"}}
	optMetricsT  = option{"metrics-token", []string{"KOHORTE_METRICS_TOKEN"}}
	optScale     = option{"scale", []string{"KOHORTE_DEMO_SCALE"}}
)

// maxSQLiteMmapMiB is the most SQLite maps (SQLITE_MAX_MMAP_SIZE, just
// under 2 GiB); it would take less without a word.
const maxSQLiteMmapMiB = 2047

// minMetricsToken is the shortest metrics token taken, so that it cannot
// be guessed.
const minMetricsToken = 16

// parseConfig reads the environment, then the flags, then checks the values
// that can be checked without touching the network. It refuses arguments
// that are not flags.
func parseConfig(args []string, getenv func(string) string, out io.Writer) (config, error) {
	cfg, operands, err := parseCommandLine(args, getenv, out)
	if err == nil && len(operands) > 0 {
		return cfg, &usageError{msg: fmt.Sprintf("unexpected argument %q", operands[0])}
	}
	return cfg, err
}

// parseCommandLine is parseConfig for commands that take arguments besides
// flags, such as an e-mail address; it returns them in order. Flags may
// come before, between and after them.
func parseCommandLine(args []string, getenv func(string) string, out io.Writer) (config, []string, error) {
	var cfg config
	fs := flag.NewFlagSet("kohorte", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&cfg.Addr, optAddr.flag, "127.0.0.1:8080", "address to listen on (host:port)")
	fs.StringVar(&cfg.DataDir, optDataDir.flag, "data", "directory of the embedded SQLite database")
	fs.StringVar(&cfg.DatabaseURL, optDB.flag, "", "PostgreSQL URL (postgres://user:password@host:5432/db); empty uses SQLite in the data directory")
	fs.IntVar(&cfg.DBMaxOpenConns, optMaxOpen.flag, models.DefaultMaxConns, "PostgreSQL: most open connections")
	fs.IntVar(&cfg.DBMaxIdleConns, optMaxIdle.flag, models.DefaultMaxConns, "PostgreSQL: most idle connections kept; unless set, as many as --db-max-open-conns")
	fs.DurationVar(&cfg.DBConnLifetime, optLifetime.flag, 30*time.Minute, "PostgreSQL: longest a connection is reused")
	fs.IntVar(&cfg.SQLiteMmapMiB, optMmap.flag, models.DefaultSQLiteMmap>>20, "SQLite: MiB of the database each connection reads through a memory map; 0 reads without")
	fs.StringVar(&cfg.LogFormat, optLogFormat.flag, "text", "log format: text or json")
	fs.StringVar(&cfg.LogLevel, optLogLevel.flag, "info", "log level: debug, info, warn or error")
	fs.BoolVar(&cfg.NoMigrate, optNoMigrate.flag, false, "do not apply migrations at start (run 'kohorte migrate' instead)")
	fs.DurationVar(&cfg.ShutdownTimeout, optShutdown.flag, 10*time.Second, "how long running requests may take to finish at shutdown")
	fs.StringVar(&cfg.TLSCert, optTLSCert.flag, "", "TLS certificate file (PEM); serves HTTPS together with --tls-key")
	fs.StringVar(&cfg.TLSKey, optTLSKey.flag, "", "TLS private key file (PEM)")
	fs.StringVar(&cfg.TrustedProxies, optProxies.flag, "", "comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For/-Proto headers are trusted")
	fs.StringVar(&cfg.BaseURL, optBaseURL.flag, "", "public address of Kohorte for links passed on, e.g. https://kohorte.example.org; empty uses the address the browser used")
	fs.StringVar(&cfg.AdminEmail, optAdmin.flag, "admin@kohorte.local", "e-mail of the first admin, created at start if no admin exists (password from KOHORTE_ADMIN_PASSWORD, else a one-time password is printed)")
	fs.DurationVar(&cfg.SessionIdle, optIdle.flag, 30*time.Minute, "a login ends after this long without a request")
	fs.DurationVar(&cfg.SessionMax, optLifetimeS.flag, 12*time.Hour, "a login ends this long after it began")
	fs.DurationVar(&cfg.AuthCache, optAuthCache.flag, time.Second, "how long a checked session or API token is trusted without asking the database again, for changes made by other instances (changes through this one apply at once); 0 asks on every request")
	fs.StringVar(&cfg.MetricsAddr, optMetrics.flag, "", "serve /metrics on this address of its own (host:port, e.g. 127.0.0.1:9090) instead of beside the application")
	fs.StringVar(&cfg.MetricsToken, optMetricsT.flag, "", "require this Bearer token (at least 16 characters) to read /metrics; prefer the environment variable, which the process list does not show")
	fs.IntVar(&cfg.Scale, optScale.flag, 0, "demo: instead of the demo course, generate a region of this many people (e.g. 40000) in courses and cohorts of 8 to 30, to measure Kohorte at scale")
	fs.Usage = func() { usage(fs) }

	for _, opt := range allOptions() {
		if err := setFromEnv(fs, opt, getenv); err != nil {
			return cfg, nil, err
		}
	}
	var operands []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return cfg, nil, errHelp
			}
			return cfg, nil, &usageError{msg: err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		// The flag package stops at the first argument that is not a flag.
		operands = append(operands, fs.Arg(0))
		args = fs.Args()[1:]
	}
	// A smaller idle pool than the open one makes every load above it
	// close and reopen connections, dozens a second.
	if !isSet(fs, optMaxIdle.flag) {
		cfg.DBMaxIdleConns = cfg.DBMaxOpenConns
	}
	cfg.AdminPassword = getenv("KOHORTE_ADMIN_PASSWORD")
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	return cfg, operands, cfg.check()
}

// isSet tells whether a flag was given, on the command line or by its
// environment variables.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func allOptions() []option {
	return []option{optAddr, optDataDir, optDB, optMaxOpen, optMaxIdle, optLifetime, optMmap,
		optLogFormat, optLogLevel, optNoMigrate, optShutdown, optTLSCert, optTLSKey, optProxies, optBaseURL, optAdmin, optIdle, optLifetimeS, optAuthCache, optMetrics, optMetricsT, optScale}
}

func setFromEnv(fs *flag.FlagSet, opt option, getenv func(string) string) error {
	for _, env := range opt.envs {
		v := getenv(env)
		if v == "" {
			continue
		}
		if err := fs.Set(opt.flag, v); err != nil {
			return &configError{opt: opt, err: fmt.Errorf("invalid value %q in %s", v, env)}
		}
		return nil
	}
	return nil
}

func (c config) check() error {
	if _, err := models.EngineOf(c.db()); err != nil {
		return &configError{opt: optDB, err: err}
	}
	checks := []struct {
		ok  bool
		opt option
		msg string
	}{
		{c.LogFormat == "text" || c.LogFormat == "json", optLogFormat, "must be text or json"},
		{validLevel(c.LogLevel), optLogLevel, "must be debug, info, warn or error"},
		{c.DBMaxOpenConns > 0, optMaxOpen, "must be at least 1"},
		{c.SQLiteMmapMiB >= 0 && c.SQLiteMmapMiB <= maxSQLiteMmapMiB, optMmap, fmt.Sprintf("must be between 0 and %d (MiB)", maxSQLiteMmapMiB)},
		{c.Scale >= 0 && c.Scale <= 1_000_000, optScale, "must be between 0 and 1000000"},
		{c.DBMaxIdleConns >= 0 && c.DBMaxIdleConns <= c.DBMaxOpenConns, optMaxIdle, "must be between 0 and the most open connections"},
		{c.ShutdownTimeout > 0, optShutdown, "must be positive"},
		{(c.TLSCert == "") == (c.TLSKey == ""), optTLSCert, "set both the certificate and the key, or neither"},
		{validProxies(c.proxies()), optProxies, "must be IP addresses or CIDR ranges, separated by commas"},
		{validBaseURL(c.BaseURL), optBaseURL, "must be an http or https address without a path, e.g. https://kohorte.example.org"},
		{c.SessionIdle >= time.Minute, optIdle, "must be at least 1m"},
		{c.SessionMax >= c.SessionIdle, optLifetimeS, "must be at least the idle timeout"},
		{c.AuthCache >= 0 && c.AuthCache <= time.Minute, optAuthCache, "must be between 0 and 1m"},
		{c.MetricsAddr == "" || c.MetricsAddr != c.Addr || strings.HasSuffix(c.Addr, ":0"), optMetrics, "must differ from the address of the application"},
		{c.MetricsToken == "" || len(c.MetricsToken) >= minMetricsToken, optMetricsT, fmt.Sprintf("must be at least %d characters", minMetricsToken)},
	}
	for _, ch := range checks {
		if !ch.ok {
			return &configError{opt: ch.opt, err: errors.New(ch.msg)}
		}
	}
	return nil
}

func validProxies(ps []string) bool {
	for _, p := range ps {
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return false
			}
		}
	}
	return true
}

func validBaseURL(s string) bool {
	if s == "" {
		return true
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		(u.Path == "" || u.Path == "/") && u.RawQuery == "" && u.Fragment == "" && u.User == nil
}

func validLevel(l string) bool {
	switch l {
	case "debug", "info", "warn", "error":
		return true
	}
	return false
}

func usage(fs *flag.FlagSet) {
	out := fs.Output()
	fmt.Fprint(out, `Kohorte manages certificate courses: cohorts, sessions, attendance, juries and certificates.

Usage: kohorte [command] [flags]

Commands:
  serve        start the web server (default)
  migrate      apply pending database migrations and exit
  demo         load the demo course with three cohorts into an empty database and exit
  admin reset-password EMAIL
               give the account of EMAIL a new one-time password, end its logins and links, and print it
  healthcheck  ask a running server at --addr whether it is up (for container health checks)
  version      print the version and exit

Environment only:
  KOHORTE_ADMIN_PASSWORD  password of the first admin (at least 10 characters)

Flags (each also read from the environment variable in brackets):
`)
	names := map[string]string{}
	for _, o := range allOptions() {
		names[o.flag] = strings.Join(o.envs, ", ")
	}
	fs.VisitAll(func(f *flag.Flag) {
		def := ""
		if f.DefValue != "" && f.DefValue != "false" {
			def = " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(out, "  --%s [%s]\n      %s%s\n", f.Name, names[f.Name], f.Usage, def)
	})
}
