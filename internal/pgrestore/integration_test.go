package pgrestore

// Integration tests against real PostgreSQL clusters (internal/sandbox/pgtest).
// They skip when the PostgreSQL server binaries are not installed.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/pgtest"
)

// sourceSQL builds a database shaped like a Heroku one: extensions in
// heroku_ext, citext and uuid columns, awkward names and values.
const sourceSQL = `
CREATE SCHEMA heroku_ext;
CREATE EXTENSION citext WITH SCHEMA heroku_ext;
CREATE EXTENSION pgcrypto WITH SCHEMA heroku_ext;
COMMENT ON EXTENSION citext IS 'case-insensitive text';
CREATE TABLE users (
  id bigserial PRIMARY KEY,
  email heroku_ext.citext UNIQUE NOT NULL,
  token uuid NOT NULL DEFAULT heroku_ext.gen_random_uuid(),
  created timestamptz NOT NULL,
  score float8,
  ratio float4,
  blob bytea,
  tags text[],
  note text,
  doubled bigint GENERATED ALWAYS AS (id * 2) STORED
);
INSERT INTO users (email, created, score, ratio, blob, tags, note)
SELECT 'User' || g || '@Example.com',
       timestamptz '2024-03-10 01:30:00+00' + g * interval '37 minutes',
       CASE WHEN g % 7 = 0 THEN NULL ELSE g / 3.0 END,
       (g / 7.0)::float4,
       decode(md5(g::text), 'hex'),
       ARRAY['a', 'b c', NULL, 'd"e'],
       CASE g % 4 WHEN 0 THEN E'tab\there' WHEN 1 THEN E'line\nbreak \\ back' WHEN 2 THEN 'ünïcödé ✓' ELSE NULL END
FROM generate_series(1, 2000) g;
CREATE TABLE orders (id serial PRIMARY KEY, user_id bigint REFERENCES users (id), amount numeric(12, 2), placed date);
INSERT INTO orders (user_id, amount, placed) SELECT 1 + g % 2000, g * 1.25, date '2020-01-01' + g FROM generate_series(1, 5000) g;
CREATE INDEX orders_user_id ON orders (user_id);
CREATE SCHEMA "Mixed Case";
CREATE TABLE "Mixed Case"."We""ird, Name" ("Col A" int, "b,c" text);
INSERT INTO "Mixed Case"."We""ird, Name" VALUES (1, 'x'), (2, NULL);
CREATE TABLE empty_table (x int);
CREATE TABLE parent (id int, v text);
CREATE TABLE child (extra int) INHERITS (parent);
INSERT INTO parent VALUES (1, 'p');
INSERT INTO child VALUES (2, 'c', 3), (4, 'd', 5);
CREATE VIEW user_emails AS SELECT email FROM users;
CREATE TABLE audit_log (id int, msg text);
INSERT INTO audit_log SELECT g, 'm' || g FROM generate_series(1, 10) g;
CREATE VIEW audit_view AS SELECT * FROM audit_log;
`

// newCluster starts a cluster with the source database "src" built from
// sourceSQL, whose default TimeZone is not UTC (pg_dump prints timestamptz
// in it).
func newCluster(t *testing.T) *pgtest.Cluster {
	t.Helper()
	c := pgtest.StartT(t, pgtest.Options{})
	ctx := context.Background()
	must(t, c.CreateDatabase(ctx, "src"))
	must(t, c.Exec(ctx, "src", sourceSQL))
	must(t, c.Exec(ctx, "postgres", `ALTER DATABASE src SET timezone = 'America/New_York'`))
	return c
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// herokuStyleDump dumps src like Heroku does for this test: custom format,
// written through a pipe (so without data offsets), and without the
// heroku_ext schema itself.
func herokuStyleDump(t *testing.T, c *pgtest.Cluster, db string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), db+".dump")
	f, err := os.Create(path)
	must(t, err)
	defer f.Close()
	u, _ := url.Parse(c.URL(db))
	u.User = url.User(c.Superuser())
	cmd := exec.Command("pg_dump", "-Fc", "--exclude-schema=heroku_ext", "--dbname="+u.String())
	cmd.Env = append(os.Environ(), "PGPASSWORD="+c.Password())
	stdout, err := cmd.StdoutPipe()
	must(t, err)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	must(t, cmd.Start())
	if _, err := f.ReadFrom(stdout); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("pg_dump: %v: %s", err, stderr.String())
	}
	return path
}

// recorder is a slog.Handler that keeps the executor's progress events
// ("pg restore job: <phase>") as "phase:status", with their fields.
type recorder struct {
	mu     sync.Mutex
	events []string
	fields []map[string]any
	hook   func(event string)
}

// logger is the Logger of an executor that reports to r; nil for a nil r.
func (r *recorder) logger() *slog.Logger {
	if r == nil {
		return nil
	}
	return slog.New(r)
}

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }

func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	if !strings.HasPrefix(rec.Message, "pg restore job: ") {
		return nil
	}
	fields := map[string]any{}
	rec.Attrs(func(a slog.Attr) bool {
		fields[a.Key] = a.Value.Any()
		return true
	})
	event := fmt.Sprint(fields["phase"]) + ":" + fmt.Sprint(fields["status"])
	if r.hook != nil {
		r.hook(event)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, event)
	r.fields = append(r.fields, fields)
	return nil
}

func (r *recorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *recorder) WithGroup(string) slog.Handler      { return r }

func (r *recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return fmt.Sprint(r.fields)
}

func query[T any](t *testing.T, dbURL, sql string) T {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	must(t, err)
	defer conn.Close(ctx)
	var v T
	if err := conn.QueryRow(ctx, sql).Scan(&v); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v
}

func testExecutor(t *testing.T, tmp string, rec *recorder) Executor {
	return NewLocal(LocalConfig{TempDir: tmp, KillGrace: 3 * time.Second, ProgressInterval: time.Millisecond, Logger: rec.logger()})
}

func assertEmptyDir(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	must(t, err)
	if len(entries) != 0 {
		t.Errorf("work files left behind in %s: %v", dir, entries)
	}
}

func checkAllMatch(t *testing.T, res *Result, checksums bool) {
	t.Helper()
	if res.TablesRestored != 7 || len(res.Tables) != 7 {
		t.Fatalf("TablesRestored = %d, Tables = %+v; want 7 tables", res.TablesRestored, res.Tables)
	}
	byName := map[string]TableResult{}
	for _, tr := range res.Tables {
		byName[tr.Schema+"."+tr.Name] = tr
		if !tr.Match {
			t.Errorf("table %s.%s does not match: %+v", tr.Schema, tr.Name, tr)
		}
		if checksums && (tr.SourceChecksum == "" || tr.SourceChecksum != tr.TargetChecksum) {
			t.Errorf("table %s.%s: checksums %q vs %q", tr.Schema, tr.Name, tr.SourceChecksum, tr.TargetChecksum)
		}
	}
	for name, rows := range map[string]int64{
		"public.users": 2000, "public.orders": 5000, `Mixed Case.We"ird, Name`: 2,
		"public.empty_table": 0, "public.parent": 1, "public.child": 2, "public.audit_log": 10,
	} {
		if tr, ok := byName[name]; !ok || tr.SourceRows != rows || tr.TargetRows != rows {
			t.Errorf("table %s: %+v, want %d rows on both sides", name, tr, rows)
		}
	}
}

func TestIntegrationDumpFileChecksums(t *testing.T) {
	t.Parallel()
	c := newCluster(t)
	ctx := context.Background()
	must(t, c.CreateDatabase(ctx, "tgt"))
	dump := herokuStyleDump(t, c, "src")
	tmp := t.TempDir()
	rec := &recorder{}
	opts := DefaultOptions()
	opts.Jobs = 3
	opts.Verify = VerifyChecksums
	opts.Analyze = true
	res, err := testExecutor(t, tmp, rec).Run(ctx, Job{Source: Source{DumpFile: dump}, TargetURL: c.URL("tgt"), Options: opts})
	if err != nil {
		t.Fatalf("Run: %v\nwarnings: %v", err, res.Warnings)
	}
	checkAllMatch(t, res, true)
	info, _ := os.Stat(dump)
	if res.BytesTransferred != info.Size() || res.BackupID != "" {
		t.Errorf("BytesTransferred = %d (file %d), BackupID %q", res.BytesTransferred, info.Size(), res.BackupID)
	}
	if got := strings.Join(res.ExtensionsCreated, ","); got != "heroku_ext.citext,heroku_ext.pgcrypto" {
		t.Errorf("ExtensionsCreated = %q", got)
	}
	// citext lives in heroku_ext, as on Heroku, and still compares
	// case-insensitively with its operator.
	if n := query[int64](t, c.URL("tgt"), `SELECT count(*) FROM users WHERE email OPERATOR(heroku_ext.=) 'USER7@EXAMPLE.COM'`); n != 1 {
		t.Errorf("citext lookup found %d rows", n)
	}
	if n := query[int64](t, c.URL("tgt"), `SELECT count(*) FROM pg_stats WHERE tablename = 'orders'`); n == 0 {
		t.Error("ANALYZE did not run")
	}
	events := strings.Join(rec.events, " ")
	for _, want := range []string{"restore:started", "restore:finished", "analyze:finished", "verify:finished"} {
		if !strings.Contains(events, want) {
			t.Errorf("progress lacks %s: %s", want, events)
		}
	}
	if strings.Contains(rec.String(), c.Password()) {
		t.Error("a progress event holds the password")
	}
	assertEmptyDir(t, tmp)
}

func TestIntegrationDatabaseURLChecksums(t *testing.T) {
	t.Parallel()
	c := newCluster(t)
	ctx := context.Background()
	must(t, c.CreateDatabase(ctx, "tgt"))
	tmp := t.TempDir()
	opts := DefaultOptions()
	opts.Verify = VerifyChecksums
	opts.Jobs = 2
	var modes []string
	rec := &recorder{hook: func(event string) {
		if event != "restore:started" {
			return
		}
		// The work directory while pg_restore runs: 0700, its files 0600.
		dirs, _ := filepath.Glob(filepath.Join(tmp, "heroku2aws-pgrestore-*"))
		for _, d := range dirs {
			info, _ := os.Stat(d)
			modes = append(modes, "dir "+info.Mode().Perm().String())
			files, _ := os.ReadDir(d)
			for _, f := range files {
				fi, _ := f.Info()
				modes = append(modes, f.Name()+" "+fi.Mode().Perm().String())
			}
		}
	}}
	res, err := testExecutor(t, tmp, rec).Run(ctx, Job{Source: Source{DatabaseURL: c.URL("src")}, TargetURL: c.URL("tgt"), Options: opts})
	if err != nil {
		t.Fatalf("Run: %v\nwarnings: %v", err, res.Warnings)
	}
	checkAllMatch(t, res, true)
	if got := strings.Join(modes, ", "); got != "dir -rwx------, restore.list -rw-------, source.dump -rw-------, source.pgpass -rw-------, target.pgpass -rw-------" {
		t.Errorf("work files: %s", got)
	}
	if res.BytesTransferred <= 0 || res.SourceServerVersion == "" {
		t.Errorf("BytesTransferred = %d, SourceServerVersion %q", res.BytesTransferred, res.SourceServerVersion)
	}
	if !strings.Contains(strings.Join(rec.events, " "), "dump:finished") {
		t.Errorf("no dump progress: %v", rec.events)
	}
	// pg_dump's own dump keeps the heroku_ext schema (it was not
	// excluded): still restored, the extensions created up front.
	if n := query[int64](t, c.URL("tgt"), `SELECT count(*) FROM pg_extension WHERE extnamespace = 'heroku_ext'::regnamespace`); n != 2 {
		t.Errorf("%d extensions in heroku_ext, want 2", n)
	}
	assertEmptyDir(t, tmp)
}

func TestIntegrationRowCountsRemapAndFilters(t *testing.T) {
	t.Parallel()
	c := newCluster(t)
	ctx := context.Background()
	must(t, c.CreateDatabase(ctx, "tgt"))
	dump := herokuStyleDump(t, c, "src")
	tmp := t.TempDir()
	opts := DefaultOptions()
	opts.HerokuExt = HerokuExtRemap
	opts.ExcludeTables = []string{"audit_log"}
	opts.ExcludeSchemas = []string{"Mixed Case"}
	opts.Jobs = 1
	res, err := testExecutor(t, tmp, nil).Run(ctx, Job{Source: Source{DumpFile: dump}, TargetURL: c.URL("tgt"), Options: opts})
	if err != nil {
		t.Fatalf("Run: %v\nwarnings: %v", err, res.Warnings)
	}
	if res.TablesRestored != 5 || len(res.Tables) != 5 {
		t.Errorf("TablesRestored = %d, tables %+v", res.TablesRestored, res.Tables)
	}
	for _, tr := range res.Tables {
		if !tr.Match || tr.SourceChecksum != "" {
			t.Errorf("%+v", tr)
		}
	}
	if res.SkippedDependents != 1 || !strings.Contains(strings.Join(res.Warnings, "\n"), "VIEW public audit_view") {
		t.Errorf("the view on the excluded table should be left out: %d, %v", res.SkippedDependents, res.Warnings)
	}
	// remap: citext in public, heroku_ext gone, and plain = is case-insensitive again.
	if s := query[string](t, c.URL("tgt"), `SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'citext'`); s != "public" {
		t.Errorf("citext is in %s", s)
	}
	if n := query[int64](t, c.URL("tgt"), `SELECT count(*) FROM pg_namespace WHERE nspname IN ('heroku_ext', 'Mixed Case')`); n != 0 {
		t.Errorf("heroku_ext or the excluded schema exists in the target")
	}
	if n := query[int64](t, c.URL("tgt"), `SELECT count(*) FROM users WHERE email = 'USER7@EXAMPLE.COM'`); n != 1 {
		t.Errorf("citext lookup in public found %d rows", n)
	}
	if n := query[int64](t, c.URL("tgt"), `SELECT count(*) FROM pg_class WHERE relname IN ('audit_log', 'audit_view')`); n != 0 {
		t.Errorf("excluded table or its view restored")
	}
	// A second run without clean refuses the now non-empty target.
	_, err = testExecutor(t, tmp, nil).Run(ctx, Job{Source: Source{DumpFile: dump}, TargetURL: c.URL("tgt"), Options: opts})
	if err == nil || !strings.Contains(err.Error(), "already has") {
		t.Errorf("second run: err = %v, want a non-empty target error", err)
	}
	// With clean it goes through.
	opts.Clean = true
	if res, err := testExecutor(t, tmp, nil).Run(ctx, Job{Source: Source{DumpFile: dump}, TargetURL: c.URL("tgt"), Options: opts}); err != nil {
		t.Errorf("clean run: %v (warnings %v)", err, res.Warnings)
	}
	assertEmptyDir(t, tmp)
}

// A non-superuser target (as on RDS): the extensions are pre-created by
// an administrator, so COMMENT ON EXTENSION fails with "must be owner",
// which is a warning, not a failure.
func TestIntegrationNonSuperuserOwnershipWarnings(t *testing.T) {
	t.Parallel()
	c := newCluster(t)
	ctx := context.Background()
	const pw = "restorer-Canary-7f3a9c"
	must(t, c.CreateRole(ctx, "restorer", pw, false))
	must(t, c.Exec(ctx, "postgres", `CREATE DATABASE tgt OWNER restorer`))
	must(t, c.Exec(ctx, "tgt", `CREATE SCHEMA heroku_ext; CREATE EXTENSION citext WITH SCHEMA heroku_ext;
		CREATE EXTENSION pgcrypto WITH SCHEMA heroku_ext; GRANT USAGE ON SCHEMA heroku_ext TO restorer`))
	dump := herokuStyleDump(t, c, "src")
	tmp := t.TempDir()
	opts := DefaultOptions()
	res, err := testExecutor(t, tmp, nil).Run(ctx, Job{Source: Source{DumpFile: dump}, TargetURL: c.URLFor("restorer", pw, "tgt"), Options: opts})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	w := strings.Join(res.Warnings, "\n")
	if !strings.Contains(w, "must be owner of extension citext") || strings.Contains(w, pw) {
		t.Errorf("warnings = %s", w)
	}
	checkAllMatch(t, res, false)
	if len(res.ExtensionsCreated) != 0 {
		t.Errorf("ExtensionsCreated = %v; they existed", res.ExtensionsCreated)
	}
}

func TestIntegrationWrongTargetPassword(t *testing.T) {
	t.Parallel()
	c := pgtest.StartT(t, pgtest.Options{})
	ctx := context.Background()
	must(t, c.CreateDatabase(ctx, "tgt"))
	const canary = "Wrong-Canary-Password-93b1"
	tmp := t.TempDir()
	dump := filepath.Join(t.TempDir(), "x.dump")
	must(t, os.WriteFile(dump, []byte("never read"), 0o600))
	_, err := testExecutor(t, tmp, nil).Run(ctx, Job{
		Source:    Source{DumpFile: dump},
		TargetURL: c.URLFor(c.Superuser(), canary, "tgt"),
	})
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if !strings.Contains(msg, `authentication failed for user "postgres"`) || !strings.Contains(msg, "postgres:xxxxx@127.0.0.1") {
		t.Errorf("err = %v", err)
	}
	if strings.Contains(msg, canary) || strings.Contains(fmt.Sprintf("%+v %#v", err, err), canary) {
		t.Errorf("the password is in the error: %v", err)
	}
	// Files that are no archives.
	plain := filepath.Join(t.TempDir(), "plain.sql")
	must(t, os.WriteFile(plain, []byte("--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\n"), 0o600))
	for file, want := range map[string]string{
		dump:  "the file is not a pg_dump archive",
		plain: "the dump is a plain SQL script",
	} {
		_, err := testExecutor(t, tmp, nil).Run(ctx, Job{Source: Source{DumpFile: file}, TargetURL: c.URL("tgt")})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", filepath.Base(file), err, want)
		}
	}
	assertEmptyDir(t, tmp)
}

// procInfo is a process of ours, from /proc.
type procInfo struct {
	pid, ppid, pgid int
	comm            string
	cmdline         string
	environ         string
}

func listProcs(t *testing.T) []procInfo {
	t.Helper()
	ents, err := os.ReadDir("/proc")
	must(t, err)
	var out []procInfo
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...
		s := string(stat)
		open, closeIdx := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || closeIdx < 0 {
			continue
		}
		fields := strings.Fields(s[closeIdx+1:])
		if len(fields) < 3 {
			continue
		}
		ppid, _ := strconv.Atoi(fields[1])
		pgid, _ := strconv.Atoi(fields[2])
		cmd, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		env, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		out = append(out, procInfo{pid: pid, ppid: ppid, pgid: pgid, comm: s[open+1 : closeIdx],
			cmdline: strings.ReplaceAll(string(cmd), "\x00", " "), environ: strings.ReplaceAll(string(env), "\x00", " ")})
	}
	return out
}

// Cancelling a job stops pg_restore and its workers, and removes the work
// directory; while pg_restore runs, its argv and environment hold no
// password.
func TestIntegrationCancelKillsRestore(t *testing.T) {
	t.Parallel()
	c := newCluster(t)
	ctx := context.Background()
	const pw = "Restore-Canary-Secret-5d2e"
	must(t, c.CreateRole(ctx, "restorer", pw, false))
	must(t, c.Exec(ctx, "postgres", `CREATE DATABASE tgt_cancel OWNER restorer`))
	must(t, c.Exec(ctx, "tgt_cancel", `SET ROLE restorer; CREATE TABLE users (id int); CREATE TABLE orders (id int)`))
	must(t, c.Exec(ctx, "tgt_cancel", `CREATE SCHEMA heroku_ext AUTHORIZATION restorer;
		CREATE EXTENSION citext WITH SCHEMA heroku_ext; CREATE EXTENSION pgcrypto WITH SCHEMA heroku_ext`))
	dump := herokuStyleDump(t, c, "src")

	// Hold a lock that pg_restore --clean needs, so that it waits.
	lockConn, err := pgx.Connect(ctx, c.URL("tgt_cancel"))
	must(t, err)
	defer lockConn.Close(ctx)
	_, err = lockConn.Exec(ctx, `BEGIN; LOCK TABLE users, orders IN ACCESS EXCLUSIVE MODE`)
	must(t, err)

	tmp := t.TempDir()
	opts := DefaultOptions()
	opts.Clean = true
	opts.Jobs = 2
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	type outcome struct {
		res *Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := NewLocal(LocalConfig{TempDir: tmp, KillGrace: 2 * time.Second}).Run(runCtx,
			Job{Source: Source{DumpFile: dump}, TargetURL: c.URLFor("restorer", pw, "tgt_cancel"), Options: opts})
		done <- outcome{res, err}
	}()

	var child procInfo
	deadline := time.Now().Add(60 * time.Second)
	for child.pid == 0 {
		select {
		case o := <-done:
			t.Fatalf("Run ended before pg_restore was seen: %v", o.err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("pg_restore never started")
		}
		for _, p := range listProcs(t) {
			if p.ppid == os.Getpid() && p.comm == "pg_restore" && strings.Contains(p.cmdline, "tgt_cancel") &&
				strings.Contains(p.cmdline, "--clean") {
				child = p
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Wait until it blocks on the lock, then look at it.
	time.Sleep(300 * time.Millisecond)
	if strings.Contains(child.cmdline, pw) || strings.Contains(child.environ, pw) {
		t.Errorf("the password is in pg_restore's argv or environment:\n%s", child.cmdline)
	}
	if !strings.Contains(child.cmdline, "restorer@127.0.0.1") || !strings.Contains(child.environ, "PGPASSFILE=") {
		t.Errorf("unexpected argv/env: %s", child.cmdline)
	}
	if child.pgid != child.pid {
		t.Errorf("pg_restore is not in its own process group: pgid %d, pid %d", child.pgid, child.pid)
	}
	workDirs, _ := filepath.Glob(filepath.Join(tmp, "heroku2aws-pgrestore-*"))
	if len(workDirs) != 1 {
		t.Fatalf("work dirs: %v", workDirs)
	}
	if info, err := os.Stat(workDirs[0]); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("work dir mode: %v %v", info.Mode(), err)
	}
	files, _ := os.ReadDir(workDirs[0])
	for _, f := range files {
		info, _ := f.Info()
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v", f.Name(), info.Mode())
		}
		data, _ := os.ReadFile(filepath.Join(workDirs[0], f.Name()))
		if f.Name() == "target.pgpass" && !strings.Contains(string(data), pw) {
			t.Errorf("the pgpass file lacks the password")
		}
	}

	start := time.Now()
	cancel()
	var o outcome
	select {
	case o = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after cancellation")
	}
	if !errors.Is(o.err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", o.err)
	}
	if o.err != nil && strings.Contains(o.err.Error(), pw) {
		t.Errorf("password in error: %v", o.err)
	}
	t.Logf("Run returned %v after cancel: %v", time.Since(start).Round(time.Millisecond), o.err)
	for _, p := range listProcs(t) {
		if p.pid == child.pid || p.pgid == child.pid || (p.ppid == os.Getpid() && p.comm == "pg_restore" && strings.Contains(p.cmdline, "tgt_cancel")) {
			t.Errorf("left running: pid %d (%s) %s", p.pid, p.comm, p.cmdline)
		}
	}
	assertEmptyDir(t, tmp)
}

// Mismatches are reported table by table, and Result.Tables is filled.
func TestIntegrationVerifyReportsMismatches(t *testing.T) {
	t.Parallel()
	c := pgtest.StartT(t, pgtest.Options{})
	ctx := context.Background()
	must(t, c.CreateDatabase(ctx, "tgt"))
	must(t, c.Exec(ctx, "tgt", `CREATE TABLE t (x int); INSERT INTO t SELECT generate_series(1, 10);
		CREATE TABLE u (x int, at timestamptz); INSERT INTO u VALUES (1, '2024-01-01 00:00:00+00'), (2, NULL);
		CREATE TABLE w (x int); INSERT INTO w VALUES (1), (2)`))
	x := NewLocal(LocalConfig{}).(*local)
	r := &run{cfg: x.cfg, opts: Options{Verify: VerifyChecksums, Jobs: 2}.withDefaults(), res: &Result{}, red: &redactor{},
		lastProgress: map[string]time.Time{}}
	var err error
	r.target, err = parseDBURL(c.URL("tgt"))
	must(t, err)
	et := &tocEntry{ID: 1, Desc: "TABLE DATA", Namespace: "public", Tag: "t"}
	eu := &tocEntry{ID: 2, Desc: "TABLE DATA", Namespace: "public", Tag: "u"}
	ew := &tocEntry{ID: 3, Desc: "TABLE DATA", Namespace: "public", Tag: "w"}
	ex := &tocEntry{ID: 4, Desc: "TABLE DATA", Namespace: "public", Tag: "inserts_only"}
	r.plan = &restorePlan{Tables: []*tocEntry{et, eu, ew, ex}}
	kinds := []colKind{kindRaw, kindTimestamptz}
	_, uSum := hashRows(kinds, true, "1\t2023-12-31 19:00:00-05\n2\t\\N\n")
	_, wSum := hashRows(nil, true, "1\n3\n")
	src := map[int]*tableStats{
		1: {Entry: et, Header: copyHeader{Schema: "public", Name: "t", Columns: []string{"x"}}, Rows: 11, Checksum: "0", Found: true},
		2: {Entry: eu, Header: copyHeader{Schema: "public", Name: "u", Columns: []string{"x", "at"}}, Rows: 2, Checksum: uSum, Found: true, kinds: kinds},
		3: {Entry: ew, Header: copyHeader{Schema: "public", Name: "w", Columns: []string{"x"}}, Rows: 2, Checksum: wSum, Found: true},
	}
	err = r.verify(ctx, src)
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{
		"verification (checksums) failed for 3 of 4 tables",
		`"public"."t": 11 rows in the source, 10 in the target`,
		`"public"."w": 2 rows on both sides, but checksums differ`,
		`"public"."inserts_only": the dump has no COPY data for it`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if len(r.res.Tables) != 4 || !r.res.Tables[1].Match || r.res.Tables[0].Match || r.res.Tables[0].TargetRows != 10 ||
		r.res.Tables[3].SourceRows != -1 {
		t.Errorf("tables = %+v", r.res.Tables)
	}
}
