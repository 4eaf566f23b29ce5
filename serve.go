package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"syscall"
	"time"

	"gorm.io/gorm"

	"kohorte/api"
	"kohorte/frontend"
	"kohorte/models"
	"kohorte/services"
)

func newLogger(cfg config, out io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(out, opts))
	}
	return slog.New(slog.NewTextHandler(out, opts))
}

// openDB opens the configured database, turning failures into errors that
// name the setting to fix.
func openDB(ctx context.Context, cfg config, log *slog.Logger) (*gorm.DB, error) {
	db, err := models.Open(ctx, cfg.db(), log)
	var connErr *models.ConnectError
	switch {
	case err == nil:
		return db, nil
	case errors.Is(err, models.ErrBadURL):
		return nil, &configError{opt: optDB, err: err}
	case cfg.DatabaseURL != "" && errors.As(err, &connErr):
		return nil, &configError{opt: optDB, err: fmt.Errorf("cannot connect to %s: %s", models.Redact(cfg.DatabaseURL), connErr.Cause)}
	case cfg.DatabaseURL == "":
		return nil, &configError{opt: optDataDir, err: fmt.Errorf("cannot open the database in %s: %w", cfg.DataDir, err)}
	}
	return nil, err
}

// openMigrated opens the database and applies pending migrations; the
// caller closes it.
func openMigrated(ctx context.Context, cfg config, log *slog.Logger) (*gorm.DB, error) {
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	if err := models.Migrate(ctx, db); err != nil {
		models.Close(db)
		return nil, err
	}
	return db, nil
}

func migrate(ctx context.Context, cfg config, stdout io.Writer) error {
	log := newLogger(cfg, stdout)
	db, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer models.Close(db)
	applied, err := models.AppliedMigrations(ctx, db)
	if err != nil {
		return err
	}
	log.Info("database is up to date", "engine", models.EngineFor(db), "migrations", len(applied))
	return nil
}

// demo loads the demo course into an empty database, creating the first
// admin if needed.
func demo(ctx context.Context, cfg config, stdout io.Writer) error {
	log := newLogger(cfg, stdout)
	db, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer models.Close(db)
	svc, err := newServices(db, cfg)
	if err != nil {
		return err
	}
	if err := ensureAdmin(ctx, svc.Users, cfg, log, stdout); err != nil {
		return err
	}
	actor, err := svc.Users.CommandLineActor(ctx)
	if err != nil {
		return err
	}
	if cfg.Scale > 0 {
		return demoScale(ctx, svc, actor, cfg.Scale, stdout)
	}
	res, err := svc.LoadDemo(ctx, actor, services.DemoOptions{VerifyBase: publicBase(cfg)})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "Loaded the demo: 1 course, %d cohorts, %d participants, %d certificates. Start Kohorte with: go run . (or kohorte serve), or reload the page if it runs already\n", res.Cohorts, res.Participants, res.Certificates)
	return err
}

// publicBase is the address printed on certificates issued from the
// command line: the configured base URL, else where Kohorte listens.
func publicBase(cfg config) string {
	if cfg.BaseURL != "" {
		return cfg.BaseURL
	}
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return services.DefaultVerifyBase
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// demoScale generates a region of people for measuring at scale.
func demoScale(ctx context.Context, svc *services.Services, actor services.Actor, people int, stdout io.Writer) error {
	began := time.Now()
	res, err := svc.LoadScale(ctx, actor, people)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "Generated %d courses, %d cohorts, %d participants and %d enrollments in %.1f s. Their schedules hold %d sessions.\n",
		res.Courses, res.Cohorts, res.Participants, res.Enrollments, time.Since(began).Seconds(), res.Sessions)
	if err == nil && res.Attendance > 0 {
		_, err = fmt.Fprintf(stdout, "Generated %d attendance records for the sessions held.\n", res.Attendance)
	}
	if err == nil && res.Groups > 0 {
		_, err = fmt.Fprintf(stdout, "Generated %d project groups, %d jurors (they log in with your password) and %d submitted score sheets.\n",
			res.Groups, res.Jurors, res.Sheets)
	}
	if err == nil && res.Certificates > 0 {
		_, err = fmt.Fprintf(stdout, "Issued %d certificates to verify.\n", res.Certificates)
	}
	return err
}

// serve opens the database, migrates it unless told not to, and answers
// requests until ctx ends.
func serve(ctx context.Context, cfg config, stdout io.Writer) error {
	log := newLogger(cfg, stdout)
	ln, err := listen(cfg)
	if err != nil {
		return err
	}
	defer ln.Close()
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer models.Close(db)
	if err := migrateOrCheck(ctx, cfg, db); err != nil {
		return err
	}
	svc, err := newServices(db, cfg)
	if err != nil {
		return err
	}
	if err := ensureAdmin(ctx, svc.Users, cfg, log, stdout); err != nil {
		return err
	}
	if err := svc.Warm(); err != nil {
		return err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	metrics := api.NewMetrics(sqlDB)
	handler, err := newHandler(svc, metrics, cfg, log)
	if err != nil {
		return err
	}
	if cfg.MetricsAddr != "" {
		stop, err := serveMetrics(cfg, metrics, log)
		if err != nil {
			return err
		}
		defer stop()
	}
	announce(cfg, ln, db, log, stdout)
	ctx, cancel := context.WithCancel(ctx)
	var watching sync.WaitGroup
	defer func() {
		cancel()
		// The listening connection is closed before the database is.
		watching.Wait()
	}()
	go pruneEvery(ctx, time.Hour, svc.Sessions, log)
	watching.Go(func() { svc.WatchAuthChanges(ctx, log, nil) })
	return serveUntilDone(ctx, ln, newHTTPServer(handler, log), cfg.ShutdownTimeout, log)
}

// migrateOrCheck applies pending migrations, or with --no-migrate makes
// sure a release step did: a server must not run on a schema it does not know.
func migrateOrCheck(ctx context.Context, cfg config, db *gorm.DB) error {
	if !cfg.NoMigrate {
		return models.Migrate(ctx, db)
	}
	applied, err := models.AppliedMigrations(ctx, db)
	if err != nil || !slices.Equal(applied, models.MigrationIDs()) {
		return &configError{opt: optNoMigrate, err: fmt.Errorf("the database has %d of %d migrations; run 'kohorte migrate' first (without a binary: go run . migrate)", len(applied), len(models.MigrationIDs()))}
	}
	return nil
}

// listen takes the port before anything else, so that a port in use is
// reported at once and not after migrations.
func listen(cfg config) (net.Listener, error) {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err == nil && cfg.TLSCert != "" {
		var cert tls.Certificate
		cert, err = tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			ln.Close()
			return nil, &configError{opt: optTLSCert, err: fmt.Errorf("cannot load the certificate and key: %w", err)}
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"h2", "http/1.1"}})
	}
	switch {
	case err == nil:
		return ln, nil
	case errors.Is(err, syscall.EADDRINUSE):
		return nil, &configError{opt: optAddr, err: fmt.Errorf("%s is already in use", cfg.Addr)}
	case errors.Is(err, syscall.EACCES):
		return nil, &configError{opt: optAddr, err: fmt.Errorf("no permission to listen on %s", cfg.Addr)}
	}
	return nil, &configError{opt: optAddr, err: fmt.Errorf("cannot listen on %s: %s", cfg.Addr, causeOf(err))}
}

// causeOf strips the operation prefix of a network error ("listen tcp: ").
func causeOf(err error) string {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		return opErr.Err.Error()
	}
	return err.Error()
}

// newServices builds the services with the configured session limits and
// the clock of days where the courses take place.
func newServices(db *gorm.DB, cfg config) (*services.Services, error) {
	acfg := services.DefaultAccountsConfig()
	acfg.IdleTimeout = cfg.SessionIdle
	acfg.Lifetime = cfg.SessionMax
	acfg.AuthCacheTTL = cfg.AuthCache
	today, err := todayIn("Europe/Berlin")
	if err != nil {
		return nil, err
	}
	return services.New(db, services.Options{Accounts: &acfg, Today: today})
}

// ensureAdmin creates the first admin on a new database. A generated
// password is printed once, here, and must be changed at the first login.
func ensureAdmin(ctx context.Context, users *services.Users, cfg config, log *slog.Logger, stdout io.Writer) error {
	res, err := users.EnsureAdmin(ctx, cfg.AdminEmail, cfg.AdminPassword)
	var verr *services.ValidationError
	if errors.As(err, &verr) {
		if verr.Fields[0].Field == "password" {
			return &configError{opt: option{envs: []string{"KOHORTE_ADMIN_PASSWORD"}}, err: errors.New(verr.Fields[0].Message)}
		}
		return &configError{opt: optAdmin, err: errors.New(verr.Fields[0].Message)}
	}
	if err != nil {
		return err
	}
	if !res.Created {
		if cfg.AdminPassword != "" {
			// Said once per start, so that nobody waits for a password that was never set.
			fmt.Fprintf(stdout, "KOHORTE_ADMIN_PASSWORD was ignored: an admin exists already. To get back in: go run . admin reset-password %s (or kohorte admin reset-password %s)\n", res.Email, res.Email)
		}
		return nil
	}
	log.Info("created the first admin")
	if res.OneTimePassword != "" {
		fmt.Fprintf(stdout, "First admin: %s with the one-time password %s (it must be changed at the first login)\n", res.Email, res.OneTimePassword)
	}
	return nil
}

// todayIn returns the clock of days where the courses take place.
func todayIn(zone string) (func() models.Date, error) {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, err
	}
	return func() models.Date { return models.DateOf(time.Now().In(loc)) }, nil
}

// pruneEvery removes ended sessions and old login attempts until ctx ends.
func pruneEvery(ctx context.Context, every time.Duration, sessions *services.Sessions, log *slog.Logger) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if n, err := sessions.Prune(ctx); err != nil {
				log.Warn("prune accounts", "error", err)
			} else if n > 0 {
				log.Info("pruned ended sessions and old login attempts", "rows", n)
			}
		}
	}
}

func newHandler(svc *services.Services, metrics *api.Metrics, cfg config, log *slog.Logger) (http.Handler, error) {
	ui, err := frontend.New(frontend.Options{Logger: log, Version: version, Services: svc})
	if err != nil {
		return nil, err
	}
	return api.NewRouter(api.Deps{
		Logger:           log,
		Metrics:          metrics,
		MetricsToken:     cfg.MetricsToken,
		MetricsElsewhere: cfg.MetricsAddr != "",
		Services:         svc,
		UI:               ui,
		Version:          version,
		TrustedProxies:   cfg.proxies(),
		BaseURL:          cfg.BaseURL,
	})
}

func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// serveMetrics serves /metrics alone on cfg.MetricsAddr, so that an
// operator can keep it off the public address; it returns the function
// that stops it.
func serveMetrics(cfg config, metrics *api.Metrics, log *slog.Logger) (func(), error) {
	ln, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		return nil, &configError{opt: optMetrics, err: fmt.Errorf("cannot listen on %s: %s", cfg.MetricsAddr, causeOf(err))}
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics.Handler(cfg.MetricsToken))
	srv := newHTTPServer(mux, log)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener stopped", "error", err)
		}
	}()
	log.Info("serving metrics", "addr", ln.Addr().String())
	return func() { srv.Close() }, nil
}

// announce prints the one line an operator needs: where Kohorte answers.
func announce(cfg config, ln net.Listener, db *gorm.DB, log *slog.Logger, stdout io.Writer) {
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	url := scheme + "://" + ln.Addr().String()
	store := "SQLite " + models.SQLitePath(cfg.DataDir)
	if models.EngineFor(db) == models.Postgres {
		store = "PostgreSQL " + models.Redact(cfg.DatabaseURL)
	}
	if cfg.LogFormat == "json" {
		log.Info("Kohorte is running", "url", url, "database", store, "version", version)
		return
	}
	fmt.Fprintf(stdout, "Kohorte %s is running at %s (database: %s)\n", version, url, store)
}

// serveUntilDone serves on ln until ctx ends, then stops accepting and gives
// running requests up to timeout to finish.
func serveUntilDone(ctx context.Context, ln net.Listener, srv *http.Server, timeout time.Duration, log *slog.Logger) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("server stopped: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", timeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		srv.Close()
		return fmt.Errorf("requests still running after %s were cut off: %w", timeout, err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// healthcheck asks the server at cfg.Addr for /healthz, for container health checks.
func healthcheck(ctx context.Context, cfg config) error {
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return &configError{opt: optAddr, err: err}
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	scheme := "http"
	client := &http.Client{Timeout: 3 * time.Second}
	if cfg.TLSCert != "" {
		scheme = "https"
		// The certificate names the public host, not the loopback address asked here.
		client.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, scheme+"://"+net.JoinHostPort(host, port)+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("not healthy: %s", causeOf(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("not healthy: /healthz answered %s", resp.Status)
	}
	return nil
}
