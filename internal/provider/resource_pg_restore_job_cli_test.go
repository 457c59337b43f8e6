package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/leakscan"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/pgtest"
)

// canaryPGPassword is the target role's password in the failure tests: it
// must not appear in CLI output, the trace log or any child's argv.
const canaryPGPassword = "CANARY-PGPASS-9f86d081"

// restoreTarget is a cluster with a role whose password is the canary.
func restoreTarget(t *testing.T) *pgtest.Cluster {
	t.Helper()
	tgt := pgtest.StartT(t, pgtest.Options{})
	ctx := context.Background()
	if err := tgt.CreateRole(ctx, "migrator", canaryPGPassword, true); err != nil {
		t.Fatal(err)
	}
	if err := tgt.CreateDatabase(ctx, "target"); err != nil {
		t.Fatal(err)
	}
	return tgt
}

// assertNotSucceeded checks that a failed apply left no resource that
// claims success: it is either absent from state or tainted.
func assertNotSucceeded(t *testing.T, w *cliWorkspace) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(w.dir, "terraform.tfstate"))
	if err != nil {
		return // no state at all
	}
	var st struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				Status string `json:"status"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatal(err)
	}
	for _, r := range st.Resources {
		for _, in := range r.Instances {
			if r.Type == "heroku2aws_pg_restore_job" && in.Status != "tainted" {
				t.Errorf("a failed run left a %s that is not tainted", r.Type)
			}
		}
	}
}

func TestAccPGRestoreJob_failures(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	tgt := restoreTarget(t)
	srcDump := filepath.Join(t.TempDir(), "good.dump")
	goodSource := pgSource(t)
	dumpDB(t, goodSource, "app", srcDump)
	corrupt := filepath.Join(t.TempDir(), "corrupt.dump")
	if err := os.WriteFile(corrupt, []byte("PGDMP this is not a custom-format archive at all"), 0o600); err != nil {
		t.Fatal(err)
	}
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := closed.Addr().(*net.TCPAddr).Port
	_ = closed.Close()

	f := sampleFixture(t)
	srv, herokuURL := startSandbox(t, f, herokuapi.Options{})
	if err := srv.SetAddonDatabase("postgresql-curved-12345", goodSource.URL("app")); err != nil {
		t.Fatal(err)
	}
	num, _, err := srv.AddBackup("acme-api", srcDump)
	if err != nil {
		t.Fatal(err)
	}
	hc := heroku.New(heroku.Config{APIKey: testAPIKey, APIURL: herokuURL})
	expiredURL, err := hc.BackupPublicURL(context.Background(), herokuURL, "acme-api", num)
	if err != nil {
		t.Fatal(err)
	}
	srv.ExpireBackupURLs()

	good := tgt.URLFor("migrator", canaryPGPassword, "target")
	cases := []struct {
		name, source, target, want string
		before                     func()
	}{
		{"wrong password", fmt.Sprintf("dump_file = %q", srcDump), tgt.URLFor("migrator", canaryPGPassword+"-wrong", "target"), "authentication failed", nil},
		{"unreachable target", fmt.Sprintf("dump_file = %q", srcDump), fmt.Sprintf("postgres://migrator:%s@127.0.0.1:%d/target", canaryPGPassword, closedPort), "connect", nil},
		{"corrupt dump", fmt.Sprintf("dump_file = %q", corrupt), good, "corrupt.dump", nil},
		{"failed capture", "heroku_backup {\n      app     = \"acme-api\"\n      capture = true\n    }", good,
			"pg_dump: error: out of disk space", func() { srv.FailNextCapture("pg_dump: error: out of disk space") }},
		{"expired url", fmt.Sprintf("dump_url = %q", expiredURL), good, "403", nil},
	}
	var mu sync.Mutex // the failed-capture fault is global to the sandbox
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.before != nil {
				mu.Lock()
				defer mu.Unlock()
				c.before()
			}
			w := newCLIWorkspace(t, restoreConfig(c.source, c.target, ""),
				map[string]string{"HEROKU_API_URL": herokuURL, "HEROKU_DATA_API_URL": herokuURL, "HEROKU_API_KEY": testAPIKey, "TMPDIR": t.TempDir()})
			w.scanLeaks(leakscan.Must(
				leakscan.Canary{Label: "the target password", Value: canaryPGPassword},
				leakscan.Canary{Label: "the backup URL's token", Value: path.Base(expiredURL)},
			), true) // target_url is a sensitive argument: state holds it by design
			out, err := w.run("apply", "-auto-approve")
			if err == nil {
				t.Fatalf("apply succeeded:\n%s", out)
			}
			if !strings.Contains(out, "Error Restoring Database") || !strings.Contains(strings.ToLower(out), strings.ToLower(c.want)) {
				t.Errorf("the error does not explain the failure (want %q):\n%s", c.want, out)
			}
			if strings.Contains(out, canaryPGPassword) {
				t.Errorf("the target password leaked into the CLI output:\n%s", out)
			}
			if strings.Contains(w.read("trace.log"), canaryPGPassword) {
				t.Error("the target password leaked into the TF_LOG=trace log")
			}
			assertNotSucceeded(t, w)
		})
	}
}

// A timeout stops the run: the child processes are gone, no temporary
// file is left, and while it ran no child's argv held the password. The
// target holds a lock on a table that the restore (with clean) must drop,
// so pg_restore is certainly running when the timeout expires.
func TestAccPGRestoreJob_timeoutAndArgv(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	ctx := context.Background()
	src := pgSource(t)
	dump := filepath.Join(t.TempDir(), "app.dump")
	dumpDB(t, src, "app", dump)
	tgt := restoreTarget(t)
	if err := tgt.Exec(ctx, "target", "CREATE TABLE public.users (id int)"); err != nil {
		t.Fatal(err)
	}
	lock, err := pgx.Connect(ctx, tgt.URL("target"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = lock.Close(context.Background()) })
	if _, err := lock.Exec(ctx, "BEGIN; LOCK TABLE public.users IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	tmp := t.TempDir()
	w := newCLIWorkspace(t, restoreConfig(fmt.Sprintf("dump_file = %q", dump),
		tgt.URLFor("migrator", canaryPGPassword, "target"), `jobs = 1
  clean = true
  timeouts = { create = "5s" }`),
		map[string]string{"HEROKU_API_URL": herokuURL, "HEROKU_API_KEY": testAPIKey, "TMPDIR": tmp})
	w.scanLeaks(leakscan.Must(leakscan.Canary{Label: "the target password", Value: canaryPGPassword}), true)

	// Watch every pg_dump and pg_restore while the apply runs.
	stop := make(chan struct{})
	seen := map[string]bool{}
	var seenMu sync.Mutex
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			for _, p := range pgChildren(tmp) {
				seenMu.Lock()
				seen[p] = true
				seenMu.Unlock()
			}
		}
	}()
	out, err := w.run("apply", "-auto-approve")
	close(stop)
	<-done
	if err == nil {
		t.Fatalf("the apply should time out:\n%s", out)
	}
	if !strings.Contains(out, "timeout") {
		t.Errorf("the error does not say the timeout stopped the run:\n%s", out)
	}
	seenMu.Lock()
	defer seenMu.Unlock()
	if len(seen) == 0 {
		t.Fatal("no pg_dump/pg_restore was seen running; the argv check proves nothing")
	}
	for argv := range seen {
		if strings.Contains(argv, canaryPGPassword) {
			t.Errorf("a child's argv holds the password: %s", argv)
		}
	}
	if left := pgChildren(tmp); len(left) > 0 {
		t.Errorf("child processes survived the timeout: %v", left)
	}
	entries, _ := os.ReadDir(tmp)
	for _, e := range entries {
		t.Errorf("temporary file left behind: %s", e.Name())
	}
	assertNotSucceeded(t, w)
}

// target_url_wo takes the URL from an ephemeral source (here a config var
// read through heroku2aws_config_vars) and restores with it, and neither
// the plan nor the state ever holds it; the same configuration plans no
// change, and only a new target_url_wo_version runs the job again.
func TestAccPGRestoreJob_writeOnlyTarget(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	src := pgSource(t)
	dump := filepath.Join(t.TempDir(), "app.dump")
	dumpDB(t, src, "app", dump)
	tgt := restoreTarget(t)
	srv, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	url := tgt.URLFor("migrator", canaryPGPassword, "target")
	if err := srv.SetConfigVar("acme-api", "RESTORE_TARGET_URL", url); err != nil {
		t.Fatal(err)
	}
	config := func(version int) string {
		return fmt.Sprintf(`
ephemeral "heroku2aws_config_vars" "app" {
  app = "acme-api"
}

resource "heroku2aws_pg_restore_job" "db" {
  source {
    dump_file = %q
  }
  target_url_wo         = ephemeral.heroku2aws_config_vars.app.values["RESTORE_TARGET_URL"]
  target_url_wo_version = %d
  clean                 = true
}
`, dump, version)
	}
	w := newCLIWorkspace(t, config(1),
		map[string]string{"HEROKU_API_URL": herokuURL, "HEROKU_API_KEY": testAPIKey, "TMPDIR": t.TempDir()})
	w.scanLeaks(leakscan.Must(leakscan.Canary{Label: "the target password", Value: canaryPGPassword}), false)
	if out, err := w.run("apply", "-auto-approve"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if err := expectRestored(tgt.URL("target"))(nil); err != nil {
		t.Fatal(err)
	}
	if out, err := w.run("plan", "-no-color"); err != nil || !strings.Contains(out, "No changes") {
		t.Fatalf("the same configuration plans a change (%v):\n%s", err, out)
	}
	writeFile(t, filepath.Join(w.dir, "main.tf"), `terraform {
  required_providers {
    heroku2aws = { source = "heroku2aws/heroku2aws" }
  }
}
`+config(2))
	out, err := w.run("plan", "-no-color")
	if err != nil || !strings.Contains(out, "must be replaced") {
		t.Fatalf("a new target_url_wo_version does not replace the run (%v):\n%s", err, out)
	}
}
