// Kohorte manages certificate courses: cohorts and their sessions,
// enrollment, attendance, project groups, jury scores, certificates and
// attendance confirmations, and the alumni network.
//
// main.go is the composition root: it reads the configuration, opens the
// database, builds the services and the router, and serves until a signal
// asks it to stop.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	_ "time/tzdata" // the container image has no time zone database; dates are German days
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal, a second one ends the process at once.
		<-ctx.Done()
		stop()
	}()
	tuneGC(os.Getenv)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "kohorte:", err)
		os.Exit(exitCode(err))
	}
}

// gcPercent is the garbage collector's target unless GOGC sets one. Go's
// default, 100, collects each time the heap has grown by what was live
// after the last collection. Kohorte's heap at rest is about 11 MB, so at
// 100 a busy server collected every 11 MB it allocated, and a request that
// met a collection waited for it; 200 halves the collections and keeps the
// resident peak where it was with the larger heap before (PERFORMANCE.md).
const gcPercent = 200

// tuneGC sets gcPercent unless the operator chose a target with GOGC.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}

// exitCode is 2 for a configuration the operator has to fix and 1 for any other failure.
func exitCode(err error) int {
	var cfgErr *configError
	var useErr *usageError
	if errors.As(err, &cfgErr) || errors.As(err, &useErr) {
		return 2
	}
	return 1
}

// run executes one command line. It returns when the command is done or,
// for serve, when ctx is cancelled and the server has shut down.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	cfg, operands, err := parseCommandLine(args, getenv, stdout)
	if errors.Is(err, errHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if cmd == "admin" {
		return admin(ctx, cfg, operands, stdout)
	}
	if len(operands) > 0 {
		return &usageError{msg: fmt.Sprintf("unexpected argument %q", operands[0])}
	}
	switch cmd {
	case "serve":
		return serve(ctx, cfg, stdout)
	case "migrate":
		return migrate(ctx, cfg, stdout)
	case "demo":
		return demo(ctx, cfg, stdout)
	case "healthcheck":
		return healthcheck(ctx, cfg)
	case "version":
		_, err := fmt.Fprintln(stdout, "kohorte", version)
		return err
	case "help":
		parseConfig([]string{"-h"}, func(string) string { return "" }, stdout)
		return nil
	}
	return &usageError{msg: fmt.Sprintf("unknown command %q (try: serve, migrate, demo, admin, healthcheck, version, help)", cmd)}
}
