package codegen

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

// moduleDir is the reusable module the generator copies.
const moduleDir = "../../examples/modules/heroku-app-migration"

// moduleDirFS is moduleDir as a file system.
func moduleDirFS() fs.FS { return os.DirFS(moduleDir) }

// goldenCases are the fixture selections with a checked-in golden output
// under testdata/golden/<name>/. Regenerate with -update.
var goldenCases = []struct {
	name string
	opts CollectOptions
}{
	// The sample team: web, worker and release phase, Postgres shared by
	// two apps, Redis, Scheduler, a logging add-on, two custom domains.
	{"acme", CollectOptions{Team: "acme"}},
	// One app per Postgres and Redis plan family: essential/mini,
	// standard/premium, shield/private.
	{"plan-families", CollectOptions{Team: "plans"}},
	// No add-ons, no custom domain, an eco dyno.
	{"no-addons", CollectOptions{Apps: []string{"bare-static-site"}}},
	// Names that need sanitising: apps and process types that collide once
	// sanitised, a leading digit, a wildcard domain, a command with quotes
	// and template sequences; unmapped add-ons that need a decision.
	{"sanitising", CollectOptions{Apps: []string{"x--odd-2fa", "x-odd-2fa"}}},
}

func withRegion(opts CollectOptions) CollectOptions {
	opts.AWSRegion, opts.Environment = "us-east-1", "prod"
	return opts
}

func generateCase(t *testing.T, opts CollectOptions) (map[string][]byte, *herokuapi.Server) {
	t.Helper()
	inv, s := collect(t, loadFixture(t), herokuapi.Options{}, heroku.Config{}, withRegion(opts))
	files, err := Generate(inv, moduleDirFS(), DefaultPrices())
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return files, s
}

func TestGenerateGolden(t *testing.T) {
	t.Parallel()
	f := loadFixture(t)
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			files, _ := generateCase(t, tc.opts)
			again, _ := generateCase(t, tc.opts)
			if diff := diffFiles(files, again); diff != "" {
				t.Fatalf("two runs differ: %s", diff)
			}
			// Collection order is not rendering order: an inventory with
			// its apps reversed renders to the same bytes.
			inv, _ := collect(t, loadFixture(t), herokuapi.Options{}, heroku.Config{}, withRegion(tc.opts))
			slices.Reverse(inv.Apps)
			reversed, err := Generate(inv, moduleDirFS(), DefaultPrices())
			if err != nil {
				t.Fatal(err)
			}
			if diff := diffFiles(files, reversed); diff != "" {
				t.Fatalf("reversed apps render differently: %s", diff)
			}
			checkGenerated(t, files, fixtureValues(f))
			// The copied module is examples/modules/heroku-app-migration
			// byte for byte; the golden trees leave it out.
			module, rest := splitModule(files)
			if diff := diffFiles(readTree(t, moduleDir), module); diff != "" {
				t.Errorf("the copied module differs from %s: %s", moduleDir, diff)
			}
			dir := filepath.Join("testdata", "golden", tc.name)
			if *update {
				if err := os.RemoveAll(dir); err != nil {
					t.Fatal(err)
				}
				if err := WriteDir(dir, rest, false); err != nil {
					t.Fatal(err)
				}
				return
			}
			want := readTree(t, dir)
			if diff := diffFiles(want, rest); diff != "" {
				t.Errorf("output differs from %s (run go test ./internal/codegen -run Golden -update and review the diff): %s", dir, diff)
			}
		})
	}
}

// checkGenerated asserts what holds for every output: each .tf file
// parses and is already formatted, there is an INVENTORY.md, and no config
// var value appears anywhere.
func checkGenerated(t *testing.T, files map[string][]byte, canaries []string) {
	t.Helper()
	parser := hclparse.NewParser()
	for name, data := range files {
		if strings.HasSuffix(name, ".tf") {
			if _, diags := parser.ParseHCL(data, name); diags.HasErrors() {
				t.Errorf("%s does not parse: %s", name, diags.Error())
			}
			if formatted := hclwrite.Format(data); !bytes.Equal(formatted, data) {
				t.Errorf("%s is not formatted", name)
			}
			// WriteDir --force recognises its own files by this header.
			if !strings.Contains(name, "/modules/") && !bytes.HasPrefix(data, []byte(generatedHeader)) {
				t.Errorf("%s does not start with the generated header: %.80q", name, data)
			}
		}
		for _, v := range canaries {
			if bytes.Contains(data, []byte(v)) {
				t.Errorf("%s holds the config var value %q", name, v)
			}
		}
	}
	for _, want := range []string{"INVENTORY.md", "target/versions.tf", "migration/versions.tf", "migration/variables.tf",
		"migration/" + ModuleDir + "/main.tf", "migration/" + ModuleDir + "/README.md"} {
		if files[want] == nil {
			t.Errorf("no %s among %d files", want, len(files))
		}
	}
}

// A team of 1,500 apps pages past 1,000, stays inside the rate limit (no
// 429, the minimum number of requests) and gives the same bytes twice. The
// golden is a digest per file: the output itself is several megabytes.
func TestGenerateTeamOf1500(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 1,500 apps")
	}
	t.Parallel()
	const n = 1500
	apps := herokuapi.GenerateApps(n, "big")
	for i := range apps {
		apps[i].Team = "big"
	}
	f := &herokuapi.Fixture{APIKey: "big-key", Teams: []herokuapi.Team{{Name: "big"}}, Apps: apps}
	// A bucket smaller than the ~12,000 requests, refilled fast enough to
	// keep the test short: the client must pace, not burst into 429s.
	limits := heroku.RateLimit{Bucket: 4500, RefillPerMinute: 150000}
	sopts := herokuapi.Options{RateLimitBucket: limits.Bucket, RateLimitRefillPerMinute: limits.RefillPerMinute}
	start := time.Now()
	inv, s := collect(t, f, sopts, heroku.Config{RateLimit: limits}, CollectOptions{Team: "big", AWSRegion: "us-east-1", Environment: "prod"})
	if len(inv.Apps) != n {
		t.Fatalf("%d apps, want %d", len(inv.Apps), n)
	}
	read := time.Since(start)
	files, err := Generate(inv, moduleDirFS(), DefaultPrices())
	if err != nil {
		t.Fatal(err)
	}
	reqs := s.Requests()
	t.Logf("1,500 apps: %d requests in %s, %d files in %s", len(reqs), read.Round(time.Millisecond), len(files), (time.Since(start) - read).Round(time.Millisecond))
	var teamPages []string
	for _, r := range reqs {
		if r.Status == 429 {
			t.Fatalf("a request was rate limited: %+v", r)
		}
		if r.Path == "/teams/big/apps" {
			teamPages = append(teamPages, fmt.Sprintf("%d %s", r.Status, r.Range))
		}
	}
	if len(teamPages) != 2 || !strings.HasPrefix(teamPages[0], "206 ") || !strings.HasPrefix(teamPages[1], "200 ") {
		t.Errorf("team app pages = %v, want a 206 then a 200", teamPages)
	}
	if want := MinimumCalls(n, 0, true, 0); len(reqs) != want {
		t.Errorf("%d requests, want the minimum %d", len(reqs), want)
	}
	checkGenerated(t, files, nil)

	var manifest strings.Builder
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(&manifest, "%x  %s\n", sha256.Sum256(files[name]), name)
	}
	golden := filepath.Join("testdata", "golden", "team-1500.sha256")
	if *update {
		if err := os.WriteFile(golden, []byte(manifest.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (create it with -update)", err)
	}
	if string(want) != manifest.String() {
		t.Errorf("the 1,500-app output differs from %s (run with -update and review)", golden)
	}
}

// The generated .tf files are what `terraform fmt` writes, checked by the
// real CLI.
func TestGeneratedIsTerraformFmtClean(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("terraform is not on PATH")
	}
	files, _ := generateCase(t, goldenCases[0].opts)
	dir := t.TempDir()
	if err := WriteDir(dir, files, true); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("terraform", "fmt", "-check", "-recursive", "-diff", dir).CombinedOutput()
	if err != nil {
		t.Errorf("terraform fmt -check: %v\n%s", err, out)
	}
}

func TestWriteDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first := map[string][]byte{
		"target/app_old.tf":                   []byte(generatedHeader + "# old app\n"),
		"target/versions.tf":                  []byte(generatedHeader),
		"migration/versions.tf":               []byte(generatedHeader),
		"migration/" + ModuleDir + "/main.tf": []byte("# module\n"),
		"migration/" + ModuleDir + "/gone.tf": []byte("# module file that went away\n"),
		"INVENTORY.md":                        []byte("# Inventory\n"),
	}
	if err := WriteDir(dir, first, false); err != nil {
		t.Fatal(err)
	}
	// A person's file, state and tfvars beside the generated ones.
	keep := map[string]string{
		"target/backend.tf":                  "terraform {}\n",
		"migration/terraform.tfstate":        "{}",
		"migration/target.auto.tfvars.json":  "{}",
		"migration/.terraform/modules/x.txt": "x",
	}
	for name, text := range keep {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	second := map[string][]byte{
		"target/versions.tf":                  []byte(generatedHeader + "# v2\n"),
		"migration/versions.tf":               []byte(generatedHeader),
		"migration/" + ModuleDir + "/main.tf": []byte("# module v2\n"),
		"INVENTORY.md":                        []byte("# Inventory v2\n"),
	}
	err := WriteDir(dir, second, false)
	if !errors.Is(err, ErrNotEmpty) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("a non-empty directory without force: %v", err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "INVENTORY.md")); string(got) != "# Inventory\n" {
		t.Fatal("a refused write changed a file")
	}
	if err := WriteDir(dir, second, true); err != nil {
		t.Fatal(err)
	}
	got := readTree(t, dir)
	for name, text := range keep {
		if string(got[name]) != text {
			t.Errorf("%s was not kept", name)
		}
	}
	for name, data := range second {
		if !bytes.Equal(got[name], data) {
			t.Errorf("%s = %q, want %q", name, got[name], data)
		}
	}
	for _, gone := range []string{"target/app_old.tf", "migration/" + ModuleDir + "/gone.tf"} {
		if _, ok := got[gone]; ok {
			t.Errorf("stale %s was kept", gone)
		}
	}
}

func TestRunCLI(t *testing.T) {
	t.Parallel()
	f := loadFixture(t)
	s, base := herokuapi.Start(t, f, herokuapi.Options{})
	env := func(k string) string {
		return map[string]string{"HEROKU_API_KEY": s.APIKey(), "HEROKU_API_URL": base, "AWS_REGION": "eu-central-1"}[k]
	}
	run := func(args ...string) (int, string) {
		var stderr bytes.Buffer
		code := RunCLI(context.Background(), args, &stderr, env, moduleDirFS())
		return code, stderr.String()
	}
	out := filepath.Join(t.TempDir(), "out")
	code, log := run("--team", "acme", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, log)
	}
	for _, want := range []string{"reading team acme", "read 1/2 apps", "read 2/2 apps", "wrote ", "INVENTORY.md"} {
		if !strings.Contains(log, want) {
			t.Errorf("stderr lacks %q:\n%s", want, log)
		}
	}
	variables, err := os.ReadFile(filepath.Join(out, "migration", "variables.tf"))
	if err != nil || !strings.Contains(string(variables), `"eu-central-1"`) {
		t.Errorf("AWS_REGION did not become the default region: %v\n%s", err, variables)
	}
	for _, v := range fixtureValues(f) {
		if strings.Contains(log, v) {
			t.Errorf("stderr holds %q", v)
		}
	}

	requests := len(s.Requests())
	code, log = run("--team", "acme", "--out", out)
	if code != 1 || !strings.Contains(log, "not empty") || !strings.Contains(log, "--force") {
		t.Errorf("second run without --force: exit %d:\n%s", code, log)
	}
	if len(s.Requests()) != requests {
		t.Error("a refused run still read Heroku")
	}
	if code, log = run("--team", "acme", "--out", out, "--force"); code != 0 {
		t.Errorf("--force: exit %d:\n%s", code, log)
	}

	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--out", out}, 2, "--app NAME (repeatable) or --team TEAM"},
		{[]string{"--app", "a", "--team", "acme", "--out", out}, 2, "exclude each other"},
		{[]string{"--app", "acme-api"}, 2, "--out DIR is required"},
		{[]string{"--app", "acme-api", "--out", out, "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"--app", "acme-api", "--out", out, "--concurrency", "0"}, 2, "--concurrency must be between 1 and 64"},
		{[]string{"--app", "acme-api", "--out", out, "--environment", "a/b"}, 2, "--environment"},
		{[]string{"--bogus"}, 2, "flag provided but not defined"},
		{[]string{"--app", "no-such-app", "--out", filepath.Join(t.TempDir(), "x")}, 1, `reading app "no-such-app"`},
	} {
		code, log := run(tc.args...)
		if code != tc.code || !strings.Contains(log, tc.want) {
			t.Errorf("generate %v: exit %d, want %d and %q in:\n%s", tc.args, code, tc.code, tc.want, log)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "..", "x")); err == nil {
		t.Error("a failed run created its output directory")
	}
}
