// Command sandbox runs the Heroku Platform API sandbox and the AWS sandbox
// (SSM Parameter Store, Secrets Manager and Route 53, package awsapi) on
// loopback, for humans, `make demo` and benchmarks.
//
//	go run ./internal/sandbox/cmd/sandbox --fixture FILE --heroku-addr 127.0.0.1:PORT \
//	    [--aws-addr 127.0.0.1:PORT] [--latency 50ms] [--rate-limit 4500] \
//	    [--rate-limit-refill 75] [--api-key K] [--print-env-file PATH] \
//	    [--aws-region us-east-1] [--ssm-put-tps 3] [--ssm-put-burst 0] \
//	    [--ssm-get-tps 40] [--ssm-delete-tps 10] [--secretsmanager-write-tps 50] \
//	    [--secretsmanager-read-tps 10000] [--ssm-max-standard-parameters 10000] \
//	    [--route53-tps 5] [--route53-sync-delay 5s] [--route53-prior-request-check] \
//	    [--route53-zone acme.com ...] [--pg-database ADDON=URL ...] [--pg-demo] \
//	    [--backup-url-ttl 10m]
//
// Once listening it prints shell export lines for HEROKU_API_URL,
// HEROKU_DATA_API_URL, HEROKU_API_KEY, AWS_ENDPOINT_URL, AWS_REGION (and
// AWS_DEFAULT_REGION, which the aws CLI v1 and boto3 read), AWS_ACCESS_KEY_ID
// and AWS_SECRET_ACCESS_KEY, and for every --route53-zone (repeatable) the
// hosted zone it created as HEROKU2AWS_ZONE_ID_<NAME> (the name in upper
// case, other characters than letters and digits as "_":
// HEROKU2AWS_ZONE_ID_ACME_COM), the first one also as HEROKU2AWS_ZONE_ID,
// so that
//
//	eval "$(go run ./internal/sandbox/cmd/sandbox ... &)"
//
// style use works, and the provider, the aws CLI and boto3 all reach the
// sandboxes; --print-env-file writes the same lines to a file, for scripts
// that run the sandbox in the background. The AWS sandbox accepts any
// SigV4-signed request whatever the key; Route 53 shares its address
// (routed by path). --aws-addr "" turns it off. A TPS flag set to a
// negative value turns that quota off. Route 53 changes stay PENDING for
// --route53-sync-delay (0 makes them INSYNC at once);
// --route53-prior-request-check makes a change to a zone whose previous
// change is still PENDING fail with PriorRequestNotComplete.
//
// The Heroku sandbox also serves the Data API's Postgres backups (package
// herokuapi) from the same address. --pg-database ADDON=URL (repeatable)
// puts a real PostgreSQL database behind a heroku-postgresql add-on (name
// or id), so that captures run pg_dump against it. --pg-demo starts two
// throwaway PostgreSQL clusters (package pgtest; they need the
// PostgreSQL 15 server binaries): a source with a small sample database
// (two schemas, a sequence, a view, a few hundred rows, citext in
// heroku_ext) behind the fixture's first heroku-postgresql add-on, with
// the <ATTACHMENT>_URL config var of every app attached to it (such as
// DATABASE_URL) set to the source's URL, so that a freeze can make it
// read-only; and an empty target database owned by a non-superuser, as on
// RDS. It exports
// their URLs as HEROKU2AWS_DEMO_SOURCE_URL and HEROKU2AWS_DEMO_TARGET_URL.
// These hold passwords of throwaway sandbox databases; prefer
// --print-env-file, which is written with mode 0600. The clusters and
// every backup file are removed on exit. --backup-url-ttl sets how long a
// backup's public URL works.
//
// Requests are logged to stderr: method, path, status and, for AWS JSON
// calls, the X-Amz-Target operation; never query strings, other headers or
// bodies, which carry the API key, config var values and secrets, nor the
// token of a backup URL or a database URL. SIGINT or SIGTERM stops it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
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

	awsRegion      string
	ssmPutTPS      float64
	ssmPutBurst    int
	ssmGetTPS      float64
	ssmDeleteTPS   float64
	smWriteTPS     float64
	smReadTPS      float64
	ssmMaxStandard int

	route53TPS        float64
	route53SyncDelay  time.Duration
	route53PriorCheck bool
	route53Zones      zoneList

	pgDatabases  pgDatabaseList
	pgDemo       bool
	backupURLTTL time.Duration
}

// pgDatabaseList is the repeatable --pg-database ADDON=URL flag. Set never
// fails: the flag package would quote the value, a URL with a password, in
// its error. parseFlags checks the entries.
type pgDatabaseList []string

func (l *pgDatabaseList) String() string { return fmt.Sprintf("%d databases", len(*l)) }

func (l *pgDatabaseList) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// pgDatabase is one checked --pg-database entry.
type pgDatabase struct{ addon, url string }

// parse splits the entries; errors name the entry by position, never by
// value.
func (l pgDatabaseList) parse() ([]pgDatabase, error) {
	var out []pgDatabase
	seen := map[string]bool{}
	for i, v := range l {
		addon, u, ok := strings.Cut(v, "=")
		addon = strings.TrimSpace(addon)
		if !ok || addon == "" || u == "" {
			return nil, fmt.Errorf("--pg-database #%d: want ADDON=URL (an add-on name or id, then a postgres:// URL)", i+1)
		}
		if seen[strings.ToLower(addon)] {
			return nil, fmt.Errorf("--pg-database #%d: add-on %q given twice", i+1, addon)
		}
		seen[strings.ToLower(addon)] = true
		out = append(out, pgDatabase{addon: addon, url: u})
	}
	return out, nil
}

// defaultRoute53SyncDelay keeps changes PENDING long enough for a human or
// a demo to see a client wait for INSYNC (Route 53 takes 40-120 s).
const defaultRoute53SyncDelay = 5 * time.Second

// zoneList is the repeatable --route53-zone flag.
type zoneList []string

func (z *zoneList) String() string { return strings.Join(*z, ",") }

func (z *zoneList) Set(v string) error {
	*z = append(*z, v)
	return nil
}

// awsOptions are the AWS sandbox's options from the flags.
func (c config) awsOptions() awsapi.Options {
	return awsapi.Options{
		Region:                c.awsRegion,
		SSMPutTPS:             c.ssmPutTPS,
		SSMPutBurst:           c.ssmPutBurst,
		SSMGetTPS:             c.ssmGetTPS,
		SSMDeleteTPS:          c.ssmDeleteTPS,
		SecretsWriteTPS:       c.smWriteTPS,
		SecretsReadTPS:        c.smReadTPS,
		MaxStandardParameters: c.ssmMaxStandard,
		Latency:               c.latency,

		Route53TPS:                     c.route53TPS,
		Route53SyncDelay:               c.route53SyncDelay,
		Route53PriorRequestNotComplete: c.route53PriorCheck,
	}
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.fixture, "fixture", "", "Heroku fixture `file` (JSON; see package herokuapi). Default: the shipped internal/sandbox/herokuapi/testdata/sample.json.")
	fs.StringVar(&c.herokuAddr, "heroku-addr", "127.0.0.1:0", "`address` for the Heroku Platform API sandbox; port 0 picks a free port.")
	fs.StringVar(&c.awsAddr, "aws-addr", "127.0.0.1:0", "`address` for the AWS sandbox (SSM, Secrets Manager, Route 53); port 0 picks a free port, \"\" turns it off.")
	fs.DurationVar(&c.latency, "latency", 0, "latency added to every Heroku and AWS request, for example 50ms.")
	fs.IntVar(&c.rateLimit, "rate-limit", herokuapi.DefaultRateLimitBucket, "Heroku rate-limit bucket size in tokens.")
	fs.Float64Var(&c.rateRefill, "rate-limit-refill", herokuapi.DefaultRateLimitRefillPerMinute, "Heroku rate-limit refill in tokens per minute.")
	fs.StringVar(&c.apiKey, "api-key", "", "API key to accept. Default: the fixture's api_key, else \""+herokuapi.DefaultAPIKey+"\".")
	fs.StringVar(&c.printEnvFile, "print-env-file", "", "also write the export lines to this `file`.")
	fs.StringVar(&c.awsRegion, "aws-region", awsapi.DefaultRegion, "the `region` the AWS sandbox answers for (requests signed for another region fail).")
	fs.Float64Var(&c.ssmPutTPS, "ssm-put-tps", awsapi.DefaultSSMPutTPS, "SSM PutParameter quota in requests per second; negative turns it off.")
	fs.IntVar(&c.ssmPutBurst, "ssm-put-burst", 0, "SSM PutParameter bucket size; 0 means one second's worth.")
	fs.Float64Var(&c.ssmGetTPS, "ssm-get-tps", awsapi.DefaultSSMGetTPS, "quota shared by SSM GetParameter(s), GetParametersByPath and DescribeParameters, per second.")
	fs.Float64Var(&c.ssmDeleteTPS, "ssm-delete-tps", awsapi.DefaultSSMDeleteTPS, "quota shared by SSM DeleteParameter(s) and the tagging calls, per second.")
	fs.Float64Var(&c.smWriteTPS, "secretsmanager-write-tps", awsapi.DefaultSecretsWriteTPS, "quota shared by the Secrets Manager writes (CreateSecret, PutSecretValue, ...), per second.")
	fs.Float64Var(&c.smReadTPS, "secretsmanager-read-tps", awsapi.DefaultSecretsReadTPS, "quota shared by Secrets Manager GetSecretValue and DescribeSecret, per second.")
	fs.IntVar(&c.ssmMaxStandard, "ssm-max-standard-parameters", awsapi.DefaultMaxStandardParameters, "Standard-tier parameter quota; one more fails with ParameterLimitExceeded.")
	fs.Float64Var(&c.route53TPS, "route53-tps", awsapi.DefaultRoute53TPS, "quota shared by every Route 53 call, per second; beyond it Throttling.")
	fs.DurationVar(&c.route53SyncDelay, "route53-sync-delay", defaultRoute53SyncDelay, "how long a Route 53 change stays PENDING before GetChange says INSYNC; 0 for at once.")
	fs.BoolVar(&c.route53PriorCheck, "route53-prior-request-check", false, "fail a Route 53 change batch with PriorRequestNotComplete while the zone's previous change is PENDING.")
	fs.Var(&c.route53Zones, "route53-zone", "create a Route 53 hosted zone `name` at start (repeatable); its ID is printed as HEROKU2AWS_ZONE_ID_<NAME>.")
	fs.Var(&c.pgDatabases, "pg-database", "back a heroku-postgresql add-on with a real database, as `ADDON=URL` (add-on name or id, postgres:// URL); repeatable.")
	fs.BoolVar(&c.pgDemo, "pg-demo", false, "start throwaway PostgreSQL source and target clusters with sample data behind the fixture's Postgres add-on; exports HEROKU2AWS_DEMO_SOURCE_URL and HEROKU2AWS_DEMO_TARGET_URL.")
	fs.DurationVar(&c.backupURLTTL, "backup-url-ttl", herokuapi.DefaultBackupURLTTL, "how long a backup's public URL works.")
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
	for name, v := range map[string]float64{
		"--ssm-put-tps": c.ssmPutTPS, "--ssm-get-tps": c.ssmGetTPS, "--ssm-delete-tps": c.ssmDeleteTPS,
		"--secretsmanager-write-tps": c.smWriteTPS, "--secretsmanager-read-tps": c.smReadTPS,
		"--route53-tps": c.route53TPS,
	} {
		if v == 0 {
			return c, fmt.Errorf("%s must not be 0 (use a negative value to turn the quota off)", name)
		}
	}
	if c.ssmMaxStandard < 1 {
		return c, errors.New("--ssm-max-standard-parameters must be at least 1")
	}
	if c.route53SyncDelay < 0 {
		return c, errors.New("--route53-sync-delay must not be negative")
	}
	if len(c.route53Zones) > 0 && c.awsAddr == "" {
		return c, errors.New("--route53-zone needs the AWS sandbox (--aws-addr)")
	}
	vars := map[string]string{}
	for _, z := range c.route53Zones {
		if err := awsapi.ValidateZoneName(z); err != nil {
			return c, fmt.Errorf("--route53-zone: %w", err)
		}
		v := zoneVar(z)
		if prev, ok := vars[v]; ok {
			return c, fmt.Errorf("--route53-zone %q and %q would both be exported as %s", prev, z, v)
		}
		vars[v] = z
	}
	if err := c.awsOptions().Validate(); err != nil {
		return c, err
	}
	if _, err := c.pgDatabases.parse(); err != nil {
		return c, err
	}
	if c.backupURLTTL <= 0 {
		return c, errors.New("--backup-url-ttl must be positive")
	}
	return c, nil
}

// sandboxAccessKey is the access key (and secret key) printed for AWS
// clients. The AWS sandbox accepts any key; the SDKs just need one.
const sandboxAccessKey = "sandbox"

// zoneExport is a hosted zone created by --route53-zone.
type zoneExport struct{ name, id string }

// zoneVar is the variable a --route53-zone is exported as:
// HEROKU2AWS_ZONE_ID_ACME_COM for acme.com.
func zoneVar(name string) string {
	name = strings.TrimSuffix(strings.TrimSpace(name), ".")
	return "HEROKU2AWS_ZONE_ID_" + strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, name)
}

// envVar is one more exported variable.
type envVar struct{ name, value string }

// exportLines are the shell lines that point clients at the sandboxes.
// awsURL is empty when the AWS sandbox is off; zones are the hosted zones
// created at start, the first of them also exported as HEROKU2AWS_ZONE_ID;
// extra come last.
func exportLines(herokuURL, apiKey, awsURL, awsRegion string, zones []zoneExport, extra ...envVar) string {
	var b strings.Builder
	export := func(name, value string) { fmt.Fprintf(&b, "export %s=%s\n", name, shellQuote(value)) }
	export("HEROKU_API_URL", herokuURL)
	// The Data API shares the Platform API listener.
	export("HEROKU_DATA_API_URL", herokuURL)
	export("HEROKU_API_KEY", apiKey)
	if awsURL != "" {
		export("AWS_ENDPOINT_URL", awsURL)
	}
	export("AWS_REGION", awsRegion)
	// The aws CLI v1 and boto3 read AWS_DEFAULT_REGION, not AWS_REGION.
	export("AWS_DEFAULT_REGION", awsRegion)
	export("AWS_ACCESS_KEY_ID", sandboxAccessKey)
	export("AWS_SECRET_ACCESS_KEY", sandboxAccessKey)
	for i, z := range zones {
		if i == 0 {
			export("HEROKU2AWS_ZONE_ID", z.id)
		}
		export(zoneVar(z.name), z.id)
	}
	for _, v := range extra {
		export(v.name, v.value)
	}
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

// Unwrap lets http.ResponseController reach the connection (to flush).
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// logRequests logs method, path, status and duration of every request, and
// the X-Amz-Target operation of AWS JSON calls; never other headers or
// bodies, which carry credentials, config var values and secrets.
func logRequests(next http.Handler, logger *log.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		op := ""
		if target := r.Header.Get("X-Amz-Target"); target != "" {
			op = " " + strings.Map(func(c rune) rune {
				if c < 0x21 || c > 0x7e {
					return -1
				}
				return c
			}, target[:min(len(target), 100)])
		}
		path := r.URL.EscapedPath()
		if strings.HasPrefix(path, "/_backups/") {
			path = "/_backups/{token}" // a backup URL's token is a credential
		}
		logger.Printf("%s %s%s %d %s", r.Method, path, op, rec.status, time.Since(start).Round(time.Millisecond))
	})
}
