package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

// run is main without the process: it serves until ctx is done and returns
// the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	logger := log.New(stderr, "sandbox: ", log.LstdFlags)
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		logger.Print(err)
		return 2
	}
	sb := &sandbox{cfg: cfg, logger: logger}
	defer sb.cleanup()
	if err := sb.startHeroku(); err != nil {
		return sb.fail(err)
	}
	if err := sb.startPGDemo(ctx); err != nil {
		return sb.fail(err)
	}
	if err := sb.listen(); err != nil {
		return sb.fail(err)
	}
	sb.serve()
	if err := sb.printExports(stdout); err != nil {
		sb.closeServers()
		return sb.fail(err)
	}
	sb.logListening()
	return sb.waitForSignal(ctx)
}

// sandbox is one run of the command: the servers it started and what it
// must undo on exit.
type sandbox struct {
	cfg    config
	logger *log.Logger

	fixture *herokuapi.Fixture
	heroku  *herokuapi.Server
	demo    *pgDemo  // nil without --pg-demo
	demoEnv []envVar // the --pg-demo database URLs to export

	aws    *awsapi.Server // nil with --aws-addr ""
	zones  []zoneExport
	awsURL string // "" with --aws-addr ""

	herokuURL string
	servers   []*http.Server
	listeners []net.Listener // listeners[i] is servers[i]'s
	served    chan error     // what Serve returned

	cleanups []func() // run last first on exit
}

// exitError ends run with an exit code other than 1.
type exitError struct {
	error
	code int
}

// fail logs err and returns the exit code it asks for: 1 unless it is an
// exitError.
func (sb *sandbox) fail(err error) int {
	sb.logger.Print(err)
	if e, ok := errors.AsType[exitError](err); ok {
		return e.code
	}
	return 1
}

// onExit registers a cleanup that logs its error.
func (sb *sandbox) onExit(f func() error) {
	sb.cleanups = append(sb.cleanups, func() {
		if err := f(); err != nil {
			sb.logger.Print(err)
		}
	})
}

func (sb *sandbox) cleanup() {
	for i := len(sb.cleanups) - 1; i >= 0; i-- {
		sb.cleanups[i]()
	}
}

// startHeroku loads the fixture (the sample without --fixture), builds the
// Heroku sandbox and puts the --pg-database databases behind their add-ons.
func (sb *sandbox) startHeroku() error {
	var err error
	if sb.cfg.fixture == "" {
		sb.fixture, err = herokuapi.SampleFixture()
	} else {
		sb.fixture, err = herokuapi.LoadFixtureFile(sb.cfg.fixture)
	}
	if err != nil {
		return err
	}
	sb.heroku, err = herokuapi.New(sb.fixture, herokuapi.Options{
		APIKey:                   sb.cfg.apiKey,
		RateLimitBucket:          sb.cfg.rateLimit,
		RateLimitRefillPerMinute: sb.cfg.rateRefill,
		Latency:                  sb.cfg.latency,
		BackupURLTTL:             sb.cfg.backupURLTTL,
	})
	if err != nil {
		return err
	}
	sb.onExit(sb.heroku.Close)
	databases, _ := sb.cfg.pgDatabases.parse() // parseFlags checked them
	for _, db := range databases {
		// SetAddonDatabase never quotes the URL in its errors.
		if err := sb.heroku.SetAddonDatabase(db.addon, db.url); err != nil {
			return fmt.Errorf("--pg-database: %w", err)
		}
	}
	return nil
}

// startPGDemo, with --pg-demo, starts the source and target clusters and
// puts the source behind the fixture's first heroku-postgresql add-on.
func (sb *sandbox) startPGDemo(ctx context.Context) error {
	if !sb.cfg.pgDemo {
		return nil
	}
	addon, err := demoPostgresAddon(sb.fixture)
	if err != nil {
		return err
	}
	if sb.heroku.AddonHasDatabase(addon) {
		return exitError{code: 2, error: fmt.Errorf("--pg-demo: add-on %s already has a database (--pg-database or the fixture's database_url)", addon)}
	}
	sb.logger.Print("--pg-demo: starting PostgreSQL clusters")
	demo, err := startPGDemo(ctx, sb.fixture)
	if err != nil {
		return err
	}
	sb.demo = demo
	// Captures first (they read the source), then the clusters.
	sb.onExit(demo.stop)
	sb.onExit(sb.heroku.Close)
	if err := sb.heroku.SetAddonDatabase(demo.addon, demo.sourceURL); err != nil {
		return fmt.Errorf("--pg-demo: %w", err)
	}
	// The apps' DATABASE_URL-style config vars point at the source too (the
	// fixture's are placeholders), so that a freeze, which reads them, can
	// make the demo database read-only.
	for _, v := range demoAttachmentVars(sb.fixture, demo.addon) {
		if err := sb.heroku.SetConfigVar(v.app, v.name, demo.sourceURL); err != nil {
			return fmt.Errorf("--pg-demo: %w", err)
		}
	}
	sb.demoEnv = []envVar{
		{"HEROKU2AWS_DEMO_SOURCE_URL", demo.sourceURL},
		{"HEROKU2AWS_DEMO_TARGET_URL", demo.targetURL},
	}
	return nil
}

// listen opens the Heroku listener and, unless --aws-addr is "", the AWS
// one, whose sandbox it builds with the --route53-zone zones.
func (sb *sandbox) listen() error {
	ln, err := net.Listen("tcp", sb.cfg.herokuAddr)
	if err != nil {
		return err
	}
	sb.herokuURL = "http://" + ln.Addr().String()
	sb.addServer(ln, sb.heroku)
	if sb.cfg.awsAddr == "" {
		return nil
	}
	awsLn, err := net.Listen("tcp", sb.cfg.awsAddr)
	if err != nil {
		_ = ln.Close()
		return err
	}
	sb.awsURL = "http://" + awsLn.Addr().String()
	sb.aws = awsapi.New(sb.cfg.awsOptions())
	for _, name := range sb.cfg.route53Zones { // parseFlags checked the names
		sb.zones = append(sb.zones, zoneExport{name: name, id: sb.aws.CreateZone(name)})
	}
	sb.addServer(awsLn, sb.aws)
	return nil
}

func (sb *sandbox) addServer(ln net.Listener, h http.Handler) {
	sb.servers = append(sb.servers, &http.Server{
		Handler:           logRequests(h, sb.logger),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          sb.logger,
	})
	sb.listeners = append(sb.listeners, ln)
}

// serve runs every server on its listener.
func (sb *sandbox) serve() {
	sb.served = make(chan error, len(sb.servers))
	for i, hs := range sb.servers {
		go func() { sb.served <- hs.Serve(sb.listeners[i]) }()
	}
}

func (sb *sandbox) closeServers() {
	for _, hs := range sb.servers {
		_ = hs.Close()
	}
}

// printExports writes the export lines to --print-env-file, if set, then
// to stdout.
func (sb *sandbox) printExports(stdout io.Writer) error {
	env := exportLines(sb.herokuURL, sb.heroku.APIKey(), sb.awsURL, sb.cfg.awsRegion, sb.zones, sb.demoEnv...)
	if sb.cfg.printEnvFile != "" {
		if err := os.WriteFile(sb.cfg.printEnvFile, []byte(env), 0o600); err != nil {
			return err
		}
	}
	if _, err := io.WriteString(stdout, env); err != nil {
		sb.logger.Print(err)
	}
	return nil
}

// logListening tells on stderr what listens where.
func (sb *sandbox) logListening() {
	logger := sb.logger
	logger.Printf("Heroku Platform API sandbox listening on %s (%d apps)", sb.herokuURL, len(sb.fixture.Apps))
	if demo := sb.demo; demo != nil {
		logger.Printf("--pg-demo: source database %q on 127.0.0.1:%d backs add-on %s; target database %q on 127.0.0.1:%d",
			demoSourceDB, demo.source.Port(), demo.addon, demoTargetDB, demo.target.Port())
	}
	if sb.aws != nil {
		logger.Printf("AWS sandbox (SSM, Secrets Manager, Route 53) listening on %s for region %s", sb.awsURL, sb.aws.Region())
		for _, z := range sb.zones {
			logger.Printf("Route 53 hosted zone %s: %s", z.name, z.id)
		}
	}
}

// waitForSignal serves until ctx is done (then shuts the servers down) or
// a server fails, and returns the exit code. Every minute it drops the
// request logs, which are for tests: a long-running process needs none.
func (sb *sandbox) waitForSignal(ctx context.Context) int {
	ticker := time.NewTicker(time.Minute)
	defer ticker.Stop()
	for {
		select {
		case err := <-sb.served:
			sb.logger.Print(err)
			sb.closeServers()
			return 1
		case <-ticker.C:
			sb.heroku.ResetRequests()
			if sb.aws != nil {
				sb.aws.ResetRequests()
			}
		case <-ctx.Done():
			return sb.shutdown()
		}
	}
}

// shutdown stops the servers gracefully, within 5 seconds.
func (sb *sandbox) shutdown() int {
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	code := 0
	for _, hs := range sb.servers {
		if err := hs.Shutdown(shutdownCtx); err != nil {
			sb.logger.Print(err)
			code = 1
		}
	}
	sb.logger.Print("stopped")
	return code
}
