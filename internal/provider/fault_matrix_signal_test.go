package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/pgtest"
)

// Fault matrix rows where terraform is interrupted with SIGINT mid-apply
// (the table and runner are in fault_matrix_test.go).

// fmState is the part of a state file the SIGINT rows check.
type fmState struct {
	Resources []struct {
		Type      string `json:"type"`
		Instances []struct {
			Status     string         `json:"status"`
			Attributes map[string]any `json:"attributes"`
		} `json:"instances"`
	} `json:"resources"`
}

// fmReadState parses the workspace's state: valid JSON, with the resource
// either absent or present and tainted. It returns the instance's
// attributes, nil when absent.
func fmReadState(t *testing.T, w *cliWorkspace, typ string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(w.dir, "terraform.tfstate"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var st fmState
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatalf("the state after the interrupt is not valid JSON: %v\n%s", err, data)
	}
	for _, r := range st.Resources {
		if r.Type != typ {
			continue
		}
		for _, in := range r.Instances {
			if in.Status != "tainted" {
				t.Errorf("after the interrupt the state holds a %s that is not tainted (status %q)", typ, in.Status)
			}
			return in.Attributes
		}
	}
	return nil
}

// fmProviderProcs returns the command lines of live processes running the
// built provider binary.
func fmProviderProcs(bin string) []string { return providerProcs(bin, true) }

// providerProcs lists the processes of bin; with all false, only those no
// running terraform serves (survivors).
func providerProcs(bin string, all bool) []string {
	var out []string
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		data, err := os.ReadFile(p)
		if err != nil || len(data) == 0 {
			continue
		}
		argv := strings.Split(strings.TrimRight(string(data), "\x00"), "\x00")
		if strings.HasPrefix(argv[0], bin) && (all || !childOfTerraform(filepath.Dir(p))) {
			out = append(out, strings.Join(argv, " "))
		}
	}
	return out
}

// childOfTerraform reports whether the process at procDir (/proc/<pid>)
// is served by a running terraform: then it belongs to another test that
// runs the same provider binary in parallel, not to the interrupted run,
// whose survivors are orphans.
func childOfTerraform(procDir string) bool {
	stat, err := os.ReadFile(filepath.Join(procDir, "stat"))
	if err != nil {
		return false
	}
	// pid (comm) state ppid ...; comm may hold spaces and parentheses.
	rest := string(stat)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	fields := strings.Fields(rest)
	if len(fields) < 2 {
		return false
	}
	parent, err := os.ReadFile(filepath.Join("/proc", fields[1], "cmdline"))
	if err != nil || len(parent) == 0 {
		return false
	}
	argv0, _, _ := strings.Cut(string(parent), "\x00")
	return filepath.Base(argv0) == "terraform"
}

// fmInterrupt starts `terraform apply` in w, waits until inProgress says
// the operation is under way, sends SIGINT and waits for the exit.
func fmInterrupt(t *testing.T, w *cliWorkspace, inProgress func() bool) string {
	t.Helper()
	var out strings.Builder
	cmd := exec.Command("terraform", "apply", "-no-color", "-auto-approve")
	cmd.Dir, cmd.Env = w.dir, w.env
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.After(90 * time.Second)
	for !inProgress() {
		select {
		case err := <-exited:
			t.Fatalf("terraform apply ended before the interrupt (%v):\n%s", err, out.String())
		case <-deadline:
			_ = cmd.Process.Kill()
			t.Fatalf("the operation never got under way:\n%s", out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	if len(fmProviderProcs(providerBinary(t))) == 0 {
		t.Error("no provider process is visible while terraform runs: the survivor check would prove nothing")
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err == nil {
			t.Logf("the interrupted apply exited 0")
		}
	case <-time.After(90 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("terraform did not exit after SIGINT:\n%s", out.String())
	}
	w.output.WriteString(out.String())
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.Contains(line, "Error") || strings.Contains(line, "Interrupt") || strings.Contains(line, "canceled") {
			t.Logf("interrupted apply: %s", strings.TrimSpace(line))
		}
	}
	if !strings.Contains(out.String(), "Interrupt received") {
		t.Errorf("terraform did not report the interrupt:\n%s", out.String())
	}
	return out.String()
}

// fmNoSurvivors checks that no provider, pg_dump or pg_restore process of
// the interrupted run is left.
func fmNoSurvivors(t *testing.T, bin, tmp string) {
	t.Helper()
	// The provider process is stopped by terraform as it exits; give the
	// kernel a moment to reap it.
	var left []string
	for i := 0; i < 50; i++ {
		left = append(providerProcs(bin, false), pgChildren(tmp)...)
		if len(left) == 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Errorf("processes survived the interrupted terraform: %v", left)
}

// fmConverges re-applies and checks that the plan afterwards is empty.
func fmConverges(t *testing.T, w *cliWorkspace) {
	t.Helper()
	w.mustRun("apply", "-auto-approve")
	out, err := w.run("plan", "-detailed-exitcode")
	if err != nil {
		t.Errorf("the plan after the converging apply is not empty (%v):\n%s", err, out)
	}
}

func fmCLIRows() []fmRow {
	return []fmRow{
		{name: "SIGINT during a secret import", outcome: fmInterrupted,
			run: func(t *testing.T, row fmRow) {
				t.Logf("fault %q, expected outcome: %s", row.name, row.outcome)
				_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
				srv, awsURL := awsSandbox(t, awsapi.Options{SSMPutTPS: 50})
				values := fmVars(40)
				w := newCLIWorkspace(t, fmt.Sprintf(`
provider "heroku2aws" {
  aws {
    ssm_put_parameter_rate = 5
  }
}
resource "heroku2aws_secret_import" "fm" {
  values = %s
  ssm { path_prefix = "/sigint/" }
}
`, hclMap(values)), map[string]string{
					"HEROKU_API_URL": herokuURL, "HEROKU_API_KEY": testAPIKey,
					"AWS_ENDPOINT_URL": awsURL, "AWS_REGION": "us-east-1",
					"AWS_ACCESS_KEY_ID": sandboxAWSKey, "AWS_SECRET_ACCESS_KEY": "sandbox-secret",
					"AWS_EC2_METADATA_DISABLED": "true", "TMPDIR": t.TempDir(),
				})
				puts := func() int {
					return fmAWSCount(srv, func(r awsapi.Request) bool { return r.Operation == "PutParameter" && r.Status == 200 })
				}
				fmInterrupt(t, w, func() bool { return puts() >= 5 })
				written := puts()
				if written >= len(values) {
					t.Fatalf("all %d parameters were written before the interrupt took effect: the row proves nothing", written)
				}
				attrs := fmReadState(t, w, "heroku2aws_secret_import")
				var live []string
				for _, n := range srv.ParameterNames() {
					if strings.HasPrefix(n, "/sigint/") {
						live = append(live, n)
					}
				}
				slices.Sort(live)
				if attrs != nil {
					keys, _ := attrs["keys"].(map[string]any)
					var inState []string
					for _, v := range keys {
						obj, _ := v.(map[string]any)
						name, _ := obj["name"].(string)
						inState = append(inState, name)
					}
					slices.Sort(inState)
					if !slices.Equal(inState, live) {
						t.Errorf("the interrupted state records %v, but %v exist", inState, live)
					}
				}
				t.Logf("interrupted after %d of %d writes; state %s", len(live), len(values), map[bool]string{true: "holds the tainted resource", false: "has no resource"}[attrs != nil])
				fmNoSurvivors(t, providerBinary(t), "/nonexistent-dir-for-secret-import")
				fmConverges(t, w)
				if err := expectParameters(srv, "/sigint/", values)(nil); err != nil {
					t.Error(err)
				}
			}},
		{name: "SIGINT during a restore", outcome: fmInterrupted,
			run: func(t *testing.T, row fmRow) {
				t.Logf("fault %q, expected outcome: %s", row.name, row.outcome)
				ctx := context.Background()
				// A cluster of its own: the pg group runs in parallel.
				tgt := pgtest.StartT(t, pgtest.Options{})
				if err := tgt.CreateDatabase(ctx, "sigint"); err != nil {
					t.Fatal(err)
				}
				src := pgSource(t)
				dump := filepath.Join(t.TempDir(), "app.dump")
				dumpDB(t, src, "app", dump)
				lock := fmLockTarget(t, tgt, "sigint")
				_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
				tmp := t.TempDir()
				target := tgt.URL("sigint")
				w := newCLIWorkspace(t, restoreConfig(fmt.Sprintf("dump_file = %q", dump), target, "jobs = 1\n  clean = true"),
					map[string]string{"HEROKU_API_URL": herokuURL, "HEROKU_API_KEY": testAPIKey, "TMPDIR": tmp})
				sawRestore := false
				fmInterrupt(t, w, func() bool {
					if len(pgChildren(tmp)) > 0 {
						sawRestore = true
					}
					return sawRestore && fmWaitBlocked(tgt, "sigint", 10*time.Millisecond) == nil
				})
				_ = lock.Close(ctx) // the lock is released only after terraform exited
				attrs := fmReadState(t, w, "heroku2aws_pg_restore_job")
				t.Logf("after the interrupt the state %s", map[bool]string{true: "holds the tainted job", false: "has no job"}[attrs != nil])
				fmNoSurvivors(t, providerBinary(t), tmp)
				entries, _ := os.ReadDir(tmp)
				for _, e := range entries {
					t.Errorf("temporary file left behind by the interrupted run: %s", e.Name())
				}
				fmConverges(t, w)
				if err := expectRestored(target)(nil); err != nil {
					t.Error(err)
				}
			}},
	}
}
