package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	goversion "github.com/hashicorp/go-version"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/leakscan"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

// This file runs the real Terraform CLI against a provider binary built
// from this module, the way users run it: through dev_overrides, with
// TF_LOG=trace. It is what the leak canary tests need to see everything a
// user could see: CLI output, the trace log (provider logs included), the
// plan and the state.

var (
	buildOnce   sync.Once
	buildDir    string
	buildErr    error
	buildOutput []byte
)

// providerBinary builds the provider once per test binary.
func providerBinary(t testing.TB) string {
	t.Helper()
	if _, bench := t.(*testing.B); !bench && os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	buildOnce.Do(func() {
		// Shared by every test of the package and removed in TestMain, so not
		// t.TempDir, which would vanish with the first test.
		buildDir, buildErr = os.MkdirTemp("", "heroku2aws-provider-bin-") //nolint:usetesting // see above
		if buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(buildDir, "terraform-provider-heroku2aws"), ".")
		cmd.Dir = "../.."
		buildOutput, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("building the provider: %v\n%s", buildErr, buildOutput)
	}
	return buildDir
}

// cliWorkspace is a Terraform working directory wired to the built provider.
type cliWorkspace struct {
	t       testing.TB
	dir     string
	env     []string
	logPath string
	// output collects stdout and stderr of every command.
	output bytes.Buffer
	// tmp is the TMPDIR of terraform and the provider, unless the test set
	// its own.
	tmp string

	// scan, when set (scanLeaks), checks every step for canaries.
	scan         *leakscan.Scanner
	argv         *leakscan.ArgvWatcher
	stateMayHold bool
}

func newCLIWorkspace(t testing.TB, config string, env map[string]string) *cliWorkspace {
	t.Helper()
	bin := providerBinary(t)
	dir := t.TempDir()
	rc := filepath.Join(dir, "terraformrc")
	rcText := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n",
		"heroku2aws/heroku2aws", bin)
	writeFile(t, rc, rcText)
	writeFile(t, filepath.Join(dir, "main.tf"), `terraform {
  required_providers {
    heroku2aws = { source = "heroku2aws/heroku2aws" }
  }
}
`+config)
	w := &cliWorkspace{t: t, dir: dir, logPath: filepath.Join(dir, "trace.log")}
	w.env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"TF_CLI_CONFIG_FILE=" + rc,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"TF_LOG=trace",
		"TF_LOG_PATH=" + w.logPath,
		"NETRC=" + filepath.Join(dir, "no-netrc"),
	}
	if _, ok := env["TMPDIR"]; !ok {
		w.tmp = filepath.Join(dir, "tmp")
		if err := os.Mkdir(w.tmp, 0o700); err != nil {
			t.Fatal(err)
		}
		w.env = append(w.env, "TMPDIR="+w.tmp)
	} else {
		w.tmp = env["TMPDIR"]
	}
	for k, v := range env {
		w.env = append(w.env, k+"="+v)
	}
	return w
}

// scanLeaks switches the leak scanner on: after every terraform command
// the output (diagnostics and plans included), the TF_LOG=trace log, the
// temporary directory and, unless stateMayHold (the configuration chose to
// store values), the state must hold none of s's canaries; and no process
// on the machine may have one in its argv while the workspace lives.
func (w *cliWorkspace) scanLeaks(s *leakscan.Scanner, stateMayHold bool) {
	w.scan, w.stateMayHold = s, stateMayHold
	w.argv = s.WatchArgv(20 * time.Millisecond)
	w.t.Cleanup(func() {
		samples, err := w.argv.Stop()
		if err != nil {
			w.t.Errorf("after %d samples of every process's argv: %v", samples, err)
		}
	})
}

// scanStep runs the leak scanner after a command.
func (w *cliWorkspace) scanStep(args []string) {
	if w.scan == nil {
		return
	}
	w.t.Helper()
	step := "terraform " + strings.Join(args, " ")
	errs := []error{
		w.scan.Text("the output of "+step, w.output.String()),
		w.scan.File("the TF_LOG=trace log after "+step, w.logPath),
		w.scan.Dir("the temporary directory after "+step, w.tmp, nil),
	}
	if !w.stateMayHold {
		errs = append(errs, w.scan.File("the state after "+step, filepath.Join(w.dir, "terraform.tfstate")),
			w.scan.File("the state backup after "+step, filepath.Join(w.dir, "terraform.tfstate.backup")))
	}
	if err := errors.Join(errs...); err != nil {
		w.t.Error(err)
	}
}

func writeFile(t testing.TB, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// run runs terraform with args and returns its combined output.
func (w *cliWorkspace) run(args ...string) (string, error) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "terraform", append(args[:1:1], append([]string{"-no-color"}, args[1:]...)...)...)
	cmd.Dir = w.dir
	cmd.Env = w.env
	out, err := cmd.CombinedOutput()
	w.output.Write(out)
	w.scanStep(args)
	return string(out), err
}

func (w *cliWorkspace) mustRun(args ...string) string {
	w.t.Helper()
	out, err := w.run(args...)
	if err != nil {
		w.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func (w *cliWorkspace) read(name string) string {
	w.t.Helper()
	data, err := os.ReadFile(filepath.Join(w.dir, name))
	if err != nil {
		w.t.Fatal(err)
	}
	return string(data)
}

// terraformAtLeast reports whether the terraform on PATH is at least v.
func terraformAtLeast(t *testing.T, v string) bool {
	t.Helper()
	out, err := exec.Command("terraform", "version", "-json").Output()
	if err != nil {
		t.Fatalf("terraform version: %v", err)
	}
	var parsed struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &parsed); err != nil {
		t.Fatal(err)
	}
	have, err := goversion.NewVersion(parsed.Version)
	if err != nil {
		t.Fatal(err)
	}
	return have.GreaterThanOrEqual(goversion.Must(goversion.NewVersion(v)))
}

// fixtureScanner is a leak scanner for every config var value of a
// fixture long enough to be told apart (12 bytes or more), plus the API
// key: for the tests that move a fixture's config vars through write-only
// paths.
func fixtureScanner(f *herokuapi.Fixture) *leakscan.Scanner {
	cs := []leakscan.Canary{{Label: "the Heroku API key", Value: testAPIKey}}
	for _, app := range f.Apps {
		for name, v := range app.ConfigVars {
			if v != nil && len(*v) >= 12 {
				cs = append(cs, leakscan.Canary{Label: app.Name + " " + name, Value: *v})
			}
		}
	}
	return leakscan.Must(cs...)
}
