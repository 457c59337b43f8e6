// Command sandbox runs the Heroku Platform API sandbox (and, later, the AWS
// sandbox) on loopback, for humans, `make demo` and benchmarks.
//
//	go run ./internal/sandbox/cmd/sandbox --fixture FILE --heroku-addr 127.0.0.1:PORT \
//	    [--aws-addr 127.0.0.1:PORT] [--latency 50ms] [--rate-limit 4500] \
//	    [--rate-limit-refill 75] [--api-key K] [--print-env-file PATH]
//
// Once listening it prints shell export lines for HEROKU_API_URL,
// HEROKU_DATA_API_URL, HEROKU_API_KEY and the AWS settings, so that
//
//	eval "$(go run ./internal/sandbox/cmd/sandbox ... &)"
//
// style use works; --print-env-file writes the same lines to a file, for
// scripts that run the sandbox in the background. Requests are logged to
// stderr (method, path, status; never bodies). SIGINT or SIGTERM stops it.
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
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

type config struct {
	fixture      string
	herokuAddr   string
	awsAddr      string
	latency      time.Duration
	rateLimit    int
	rateRefill   float64
	apiKey       string
	printEnvFile string
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.fixture, "fixture", "", "Heroku fixture `file` (JSON; see package herokuapi). Default: the shipped internal/sandbox/herokuapi/testdata/sample.json.")
	fs.StringVar(&c.herokuAddr, "heroku-addr", "127.0.0.1:0", "`address` for the Heroku Platform API sandbox; port 0 picks a free port.")
	fs.StringVar(&c.awsAddr, "aws-addr", "", "`address` reserved for the AWS sandbox (not served yet).")
	fs.DurationVar(&c.latency, "latency", 0, "latency added to every Heroku request, for example 50ms.")
	fs.IntVar(&c.rateLimit, "rate-limit", herokuapi.DefaultRateLimitBucket, "Heroku rate-limit bucket size in tokens.")
	fs.Float64Var(&c.rateRefill, "rate-limit-refill", herokuapi.DefaultRateLimitRefillPerMinute, "Heroku rate-limit refill in tokens per minute.")
	fs.StringVar(&c.apiKey, "api-key", "", "API key to accept. Default: the fixture's api_key, else \""+herokuapi.DefaultAPIKey+"\".")
	fs.StringVar(&c.printEnvFile, "print-env-file", "", "also write the export lines to this `file`.")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if c.rateLimit < 1 {
		return c, errors.New("--rate-limit must be at least 1")
	}
	if c.rateRefill <= 0 {
		return c, errors.New("--rate-limit-refill must be positive")
	}
	if c.latency < 0 {
		return c, errors.New("--latency must not be negative")
	}
	return c, nil
}

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

	var fixture *herokuapi.Fixture
	if cfg.fixture == "" {
		fixture, err = herokuapi.SampleFixture()
	} else {
		fixture, err = herokuapi.LoadFixtureFile(cfg.fixture)
	}
	if err != nil {
		logger.Print(err)
		return 1
	}
	srv, err := herokuapi.New(fixture, herokuapi.Options{
		APIKey:                   cfg.apiKey,
		RateLimitBucket:          cfg.rateLimit,
		RateLimitRefillPerMinute: cfg.rateRefill,
		Latency:                  cfg.latency,
	})
	if err != nil {
		logger.Print(err)
		return 1
	}

	ln, err := net.Listen("tcp", cfg.herokuAddr)
	if err != nil {
		logger.Print(err)
		return 1
	}
	herokuURL := "http://" + ln.Addr().String()
	httpServer := &http.Server{
		Handler:           logRequests(srv, logger),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          logger,
	}
	served := make(chan error, 1)
	go func() { served <- httpServer.Serve(ln) }()

	if cfg.awsAddr != "" {
		logger.Printf("note: --aws-addr %s is reserved for the AWS sandbox, which is not available yet; nothing listens there", cfg.awsAddr)
	}
	env := exportLines(herokuURL, srv.APIKey(), cfg.awsAddr)
	if cfg.printEnvFile != "" {
		if err := os.WriteFile(cfg.printEnvFile, []byte(env), 0o600); err != nil {
			logger.Print(err)
			_ = httpServer.Close()
			return 1
		}
	}
	if _, err := io.WriteString(stdout, env); err != nil {
		logger.Print(err)
	}
	logger.Printf("Heroku Platform API sandbox listening on %s (%d apps)", herokuURL, len(fixture.Apps))

	// The request log is for tests; a long-running process drops it.
	ticker := time.NewTicker(time.Minute)
	defer ticker.Stop()
	for {
		select {
		case err := <-served:
			logger.Print(err)
			return 1
		case <-ticker.C:
			srv.ResetRequests()
		case <-ctx.Done():
			shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := httpServer.Shutdown(shutdownCtx); err != nil {
				logger.Print(err)
				return 1
			}
			logger.Print("stopped")
			return 0
		}
	}
}

// exportLines are the shell lines that point clients at the sandboxes.
func exportLines(herokuURL, apiKey, awsAddr string) string {
	var b strings.Builder
	export := func(name, value string) { fmt.Fprintf(&b, "export %s=%s\n", name, shellQuote(value)) }
	export("HEROKU_API_URL", herokuURL)
	// The Data API sandbox will share the Platform API listener.
	export("HEROKU_DATA_API_URL", herokuURL)
	export("HEROKU_API_KEY", apiKey)
	// Placeholders until the AWS sandbox lands.
	if awsAddr != "" {
		export("AWS_ENDPOINT_URL", "http://"+awsAddr)
	}
	export("AWS_REGION", "us-east-1")
	export("AWS_ACCESS_KEY_ID", "sandbox")
	export("AWS_SECRET_ACCESS_KEY", "sandbox")
	return b.String()
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	safe := func(r rune) bool {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:/@%+=,", r)
	}
	if s != "" && strings.IndexFunc(s, func(r rune) bool { return !safe(r) }) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// statusRecorder remembers the status code of an answer.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// logRequests logs method, path, status and duration of every request; never
// headers or bodies, which carry the API key and config var values.
func logRequests(next http.Handler, logger *log.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		logger.Printf("%s %s %d %s", r.Method, r.URL.EscapedPath(), rec.status, time.Since(start).Round(time.Millisecond))
	})
}
