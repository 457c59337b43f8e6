package codegen

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/netrc"
)

const cliUsage = `Usage: terraform-provider-heroku2aws generate (--app NAME ... | --team TEAM) --out DIR [flags]

Reads a live Heroku inventory through the Platform API and writes:
  DIR/target/      the AWS landing zone (hashicorp/aws): VPC, ECS, RDS, ElastiCache, ...
  DIR/migration/   the move (heroku2aws): config vars, databases, DNS, one module per app
  DIR/INVENTORY.md the checklist, cost comparison, runbook and rollback checklist

Credentials: HEROKU_API_KEY, else the api.heroku.com entry of ~/.netrc
(heroku login). HEROKU_API_URL overrides the API endpoint.

Flags:
`

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// RunCLI runs the generate subcommand with args (after "generate") and
// returns the process exit code: 0 on success, 1 on failure, 2 on bad
// usage. Progress and errors go to stderr; env looks up environment
// variables. moduleFS holds the heroku-app-migration module.
func RunCLI(ctx context.Context, args []string, stderr io.Writer, env func(string) string, moduleFS fs.FS) int {
	fsFlags := flag.NewFlagSet("generate", flag.ContinueOnError)
	fsFlags.SetOutput(stderr)
	var (
		apps        stringList
		team        = fsFlags.String("team", "", "read every app of this Heroku team (all pages)")
		out         = fsFlags.String("out", "", "output directory (required); must be empty unless --force")
		region      = fsFlags.String("aws-region", "", "AWS region of the target (default $AWS_REGION, else us-east-1)")
		environment = fsFlags.String("environment", DefaultEnvironment, "environment name used in SSM paths /<app>/<environment>/<NAME>")
		force       = fsFlags.Bool("force", false, "overwrite the generated files in a non-empty --out directory (state and tfvars are kept)")
		concurrency = fsFlags.Int("concurrency", DefaultConcurrency, "apps read at once; requests are paced by Heroku's rate limit")
	)
	fsFlags.Var(&apps, "app", "an app to read, by name or id (repeatable)")
	fsFlags.Usage = func() {
		fmt.Fprint(stderr, cliUsage)
		fsFlags.PrintDefaults()
	}
	if err := fsFlags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	usage := func(msg string) int {
		fmt.Fprintf(stderr, "generate: %s\nRun with -h for help.\n", msg)
		return 2
	}
	switch {
	case fsFlags.NArg() > 0:
		return usage(fmt.Sprintf("unexpected argument %q; name apps with --app NAME", fsFlags.Arg(0)))
	case len(apps) == 0 && *team == "":
		return usage("choose the apps: --app NAME (repeatable) or --team TEAM")
	case len(apps) > 0 && *team != "":
		return usage("--app and --team exclude each other: use one")
	case *out == "":
		return usage("--out DIR is required")
	case *concurrency < 1 || *concurrency > 64:
		return usage(fmt.Sprintf("--concurrency must be between 1 and 64, got %d", *concurrency))
	case !validEnvironment(*environment):
		return usage(fmt.Sprintf("--environment %q must be 1 to 64 letters, digits, '.', '_' or '-' (the rule of the target's environment variable; it is a path segment of every SSM parameter)", *environment))
	}
	if *region == "" {
		*region = cmp.Or(env("AWS_REGION"), DefaultAWSRegion)
	}

	// Refuse a non-empty directory before spending any API calls.
	if entries, err := os.ReadDir(*out); err == nil && len(entries) > 0 && !*force {
		fmt.Fprintf(stderr, "generate: %s is not empty; choose an empty directory or pass --force to overwrite the generated files in it\n", *out)
		return 1
	}

	apiKey := strings.TrimSpace(env("HEROKU_API_KEY"))
	if apiKey == "" {
		key, _, err := netrc.Password(netrc.DefaultPath(), "api.heroku.com")
		if err != nil {
			fmt.Fprintf(stderr, "generate: reading ~/.netrc: %v\n", err)
		}
		apiKey = key
	}
	if apiKey == "" {
		fmt.Fprintln(stderr, "generate: no Heroku API key: set HEROKU_API_KEY or run `heroku login`")
		return 1
	}
	client := heroku.New(heroku.Config{
		APIKey:         apiKey,
		APIURL:         cmp.Or(env("HEROKU_API_URL"), heroku.DefaultAPIURL),
		UserAgent:      "terraform-provider-heroku2aws-generate",
		MaxConcurrency: *concurrency,
	})

	start := time.Now()
	scope := "team " + *team
	if *team == "" {
		scope = fmt.Sprintf("%d app(s)", len(apps))
	}
	fmt.Fprintf(stderr, "generate: reading %s from %s\n", scope, cmp.Or(env("HEROKU_API_URL"), heroku.DefaultAPIURL))
	inv, err := Collect(ctx, inventory.NewReader(client), CollectOptions{
		Apps: apps, Team: *team, Concurrency: *concurrency,
		AWSRegion: *region, Environment: *environment,
		Progress: progressPrinter(stderr),
	})
	if err != nil {
		fmt.Fprintf(stderr, "\ngenerate: %v\n", err)
		return 1
	}
	files, err := Generate(inv, moduleFS, DefaultPrices())
	if err != nil {
		fmt.Fprintf(stderr, "generate: %v\n", err)
		return 1
	}
	if err := WriteDir(*out, files, *force); err != nil {
		fmt.Fprintf(stderr, "generate: writing %s: %v\n", *out, err)
		return 1
	}
	fmt.Fprintf(stderr, "generate: wrote %d files for %d app(s) to %s in %s\n", len(files), len(inv.Apps), *out, time.Since(start).Round(10*time.Millisecond))
	fmt.Fprintf(stderr, "generate: next: read %s, then terraform -chdir=%s/target plan\n", strings.TrimSuffix(*out, "/")+"/INVENTORY.md", strings.TrimSuffix(*out, "/"))
	return 0
}

// progressPrinter reports apps done out of total: a line rewritten in
// place on a terminal, else a line per tenth of the work.
func progressPrinter(w io.Writer) func(done, total int, app string) {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	lastTenth := -1
	return func(done, total int, app string) {
		if tty {
			fmt.Fprintf(w, "\rgenerate: read %d/%d apps (%s)\x1b[K", done, total, app)
			if done == total {
				fmt.Fprintln(w)
			}
			return
		}
		tenth := done * 10 / total
		if tenth != lastTenth || done == total {
			lastTenth = tenth
			fmt.Fprintf(w, "generate: read %d/%d apps\n", done, total)
		}
	}
}

func validEnvironment(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
		if !ok {
			return false
		}
	}
	return true
}
