package ecsjob

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/pgtest"
)

// jobFidelitySQL is pgtest.FidelitySQL (two schemas, sequences, indexes,
// foreign keys, a view and a materialized view, a partitioned table, a
// large object, Unicode and NULL-heavy rows, text with tabs, newlines and
// backslashes, and citext in heroku_ext as Heroku does) plus a table whose
// quoted name holds ` (` and a quote, to exercise the parsing of COPY
// lines, and an empty table.
const jobFidelitySQL = pgtest.FidelitySQL + `
CREATE TABLE billing."Odd "" (Name" ("a b" int, "c (d" text);
INSERT INTO billing."Odd "" (Name" SELECT g, 'x (y' FROM generate_series(1, 7) g;
CREATE TABLE public.empty_table (id int);
`

// sourceToken is the signature of the dump's URL: it must never be printed.
const sourceToken = "sig-4f0c2b7e9d1a-SECRET"

// jobFixture is shared by the subtests: one source cluster with the
// fidelity database, its dump (real pg_dump -Fc), the expected row counts,
// and one target cluster in which each subtest gets its own database.
type jobFixture struct {
	src, tgt *pgtest.Cluster
	binDir   string
	dump     []byte
	// want maps "schema.name" to the source's row count, for every table
	// that has data in the dump (ordinary tables and leaf partitions).
	want map[string]int64

	mu  sync.Mutex
	dbs int
}

func newJobFixture(t *testing.T) *jobFixture {
	t.Helper()
	binDir, err := pgtest.BinDir()
	if err != nil {
		t.Skipf("%v", err)
	}
	for _, tool := range []string{"pg_dump", "pg_restore", "psql"} {
		if _, err := os.Stat(filepath.Join(binDir, tool)); err != nil {
			t.Skipf("no %s in %s: %v", tool, binDir, err)
		}
	}
	f := &jobFixture{binDir: binDir}
	f.src = pgtest.StartT(t, pgtest.Options{})
	f.tgt = pgtest.StartT(t, pgtest.Options{})
	ctx := context.Background()
	if err := f.src.CreateDatabase(ctx, "app"); err != nil {
		t.Fatal(err)
	}
	if err := f.src.Exec(ctx, "app", jobFidelitySQL); err != nil {
		t.Fatal(err)
	}

	// The expected counts, by SQL on the source.
	conn, err := pgx.Connect(ctx, f.src.URL("app"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `
		SELECT n.nspname, c.relname, pg_catalog.format('%I.%I', n.nspname, c.relname)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
		ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	type rel struct{ schema, name, ident string }
	var rels []rel
	for rows.Next() {
		var r rel
		if err := rows.Scan(&r.schema, &r.name, &r.ident); err != nil {
			t.Fatal(err)
		}
		rels = append(rels, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	f.want = map[string]int64{}
	for _, r := range rels {
		var n int64
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM ONLY "+r.ident).Scan(&n); err != nil {
			t.Fatal(err)
		}
		f.want[r.schema+"."+r.name] = n
	}
	// Guard the guard: the counts the fixture is known for.
	for k, v := range map[string]int64{"public.users": 500, "billing.invoices": 1200, "public.events_2025": 372, `billing.Odd " (Name`: 7, "public.empty_table": 0} {
		if f.want[k] != v {
			t.Fatalf("source %s has %d rows, want %d (all: %v)", k, f.want[k], v, f.want)
		}
	}
	if len(f.want) != 6 || f.want["public.events_2024"]+f.want["public.events_2025"] != 800 {
		t.Fatalf("source tables = %v", f.want)
	}

	// The dump, made as Heroku makes its backups.
	path := filepath.Join(t.TempDir(), "app.dump")
	cmd := exec.Command(filepath.Join(binDir, "pg_dump"), "-Fc", "--no-password", "-f", path)
	cmd.Env = append(os.Environ(), f.srcEnv()...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	if f.dump, err = os.ReadFile(path); err != nil {
		t.Fatal(err)
	}
	return f
}

// srcEnv is the libpq environment of the source database.
func (f *jobFixture) srcEnv() []string {
	return []string{
		"PGHOST=" + f.src.Host(), "PGPORT=" + strconv.Itoa(f.src.Port()), "PGUSER=" + f.src.Superuser(),
		"PGPASSWORD=" + f.src.Password(), "PGDATABASE=app", "PGSSLMODE=disable",
	}
}

// serviceFile is the pg_service.conf text of the source, as the provider
// passes it in HEROKU2AWS_SOURCE_SERVICE.
func (f *jobFixture) serviceFile() string {
	return fmt.Sprintf("# source\n[source]\nhost=%s\nport=%d\ndbname=app\nuser=%s\npassword=%s\nsslmode=disable\n",
		f.src.Host(), f.src.Port(), f.src.Superuser(), f.src.Password())
}

// newTarget creates an empty database in the target cluster and returns
// its name. setup, when not empty, runs in it first.
func (f *jobFixture) newTarget(t *testing.T, setup string) string {
	t.Helper()
	f.mu.Lock()
	f.dbs++
	name := fmt.Sprintf("target_%d", f.dbs)
	f.mu.Unlock()
	ctx := context.Background()
	if err := f.tgt.CreateDatabase(ctx, name); err != nil {
		t.Fatal(err)
	}
	if setup != "" {
		if err := f.tgt.Exec(ctx, name, setup); err != nil {
			t.Fatal(err)
		}
	}
	return name
}

// targetEnv is the job's environment for the target database db.
func (f *jobFixture) targetEnv(db string) map[string]string {
	return map[string]string{
		"PGHOST": f.tgt.Host(), "PGPORT": strconv.Itoa(f.tgt.Port()), "PGUSER": f.tgt.Superuser(),
		"PGPASSWORD": f.tgt.Password(), "PGDATABASE": db, "PGSSLMODE": "disable",
	}
}

// query returns the first column of the first row of sql in target db.
func (f *jobFixture) query(t *testing.T, db, sql string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, f.tgt.URL(db))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var got string
	if err := conn.QueryRow(ctx, sql).Scan(&got); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return got
}

// dumpServer serves the dump with http.ServeContent (Range requests work,
// so downloads resume), optionally failing.
type dumpServer struct {
	*httptest.Server
	body []byte

	mu        sync.Mutex
	cutFirst  bool // the first request gets half the body, then the connection drops
	status    int  // when not 0, every request gets this status
	failFirst int  // when not 0, the first request gets this status
	// stall, when set, gets half the body on every request, then the
	// handler waits for the client to go away and closes stall.
	stall     chan struct{}
	requested chan struct{} // when set, closed at the first request
	requests  []string
	agents    []string
}

func newDumpServer(t *testing.T, body []byte) *dumpServer {
	s := &dumpServer{body: body}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// url is the signed URL of the dump.
func (s *dumpServer) url() string {
	return s.URL + "/backups/b001.dump?X-Amz-Expires=600&X-Amz-Signature=" + sourceToken
}

func (s *dumpServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	n := len(s.requests)
	s.requests = append(s.requests, r.Header.Get("Range"))
	s.agents = append(s.agents, r.Header.Get("User-Agent"))
	cut, status, failFirst, stall := s.cutFirst, s.status, s.failFirst, s.stall
	if n == 0 && s.requested != nil {
		close(s.requested)
	}
	s.mu.Unlock()
	if r.URL.Query().Get("X-Amz-Signature") != sourceToken {
		http.Error(w, "bad signature", http.StatusForbidden)
		return
	}
	switch {
	case status != 0:
		http.Error(w, http.StatusText(status), status)
	case failFirst != 0 && n == 0:
		http.Error(w, http.StatusText(failFirst), failFirst)
	case stall != nil:
		w.Header().Set("Content-Length", strconv.Itoa(len(s.body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(s.body[:len(s.body)/2])
		w.(http.Flusher).Flush()
		<-r.Context().Done()
		if n == 0 {
			close(stall)
		}
	case cut && n == 0:
		w.Header().Set("Content-Length", strconv.Itoa(len(s.body)))
		w.Header().Set("Content-Type", "application/octet-stream")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(s.body[:len(s.body)/2])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // drops the connection mid-body
	default:
		http.ServeContent(w, r, "b001.dump", time.Unix(1700000000, 0), bytes.NewReader(s.body))
	}
}

func (s *dumpServer) log() (ranges, agents []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...), append([]string(nil), s.agents...)
}

// shells: dash with the system PATH (curl, GNU tools), and busybox sh with
// a PATH of busybox applets only (no curl: wget).
type shell struct {
	name, sh, path string
}

func dashShell(t *testing.T, f *jobFixture) shell {
	t.Helper()
	sh, err := exec.LookPath("dash")
	if err != nil {
		t.Skip("dash is not installed")
	}
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	return shell{name: "dash", sh: sh, path: f.binDir + string(os.PathListSeparator) + os.Getenv("PATH")}
}

func busyboxShell(t *testing.T, f *jobFixture) shell {
	t.Helper()
	bb, err := exec.LookPath("busybox")
	if err != nil {
		t.Skip("busybox is not installed")
	}
	dir := t.TempDir()
	for _, applet := range []string{"sh", "awk", "sed", "grep", "wget", "date", "mktemp", "rm", "cat", "wc", "sleep", "kill", "tr", "head", "tail", "cut", "env"} {
		if err := os.Symlink(bb, filepath.Join(dir, applet)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tool := range []string{"pg_dump", "pg_restore", "psql"} {
		if err := os.Symlink(filepath.Join(f.binDir, tool), filepath.Join(dir, tool)); err != nil {
			t.Fatal(err)
		}
	}
	return shell{name: "busybox", sh: filepath.Join(dir, "sh"), path: dir}
}

// jobResult is a finished run of the script.
type jobResult struct {
	code  int
	out   string
	lines []string
}

// runJob runs Script under sh with only PATH, HOME, TMPDIR and env. It
// checks that the work directory is gone afterwards.
func runJob(t *testing.T, sh shell, env map[string]string) jobResult {
	t.Helper()
	tmp := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, sh.sh, "-c", Script)
	cmd.Env = []string{"PATH=" + sh.path, "HOME=" + tmp, "TMPDIR=" + tmp}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	r := jobResult{out: out.String()}
	if err != nil {
		exitErr, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("running the job: %v\n%s", err, r.out)
		}
		r.code = exitErr.ExitCode()
	}
	r.lines = strings.Split(strings.TrimRight(r.out, "\n"), "\n")
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("the work directory was not removed: %v", left)
	}
	return r
}

// must fails the test unless the job exited with code.
func (r jobResult) must(t *testing.T, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit %d, want %d; output:\n%s", r.code, code, r.out)
	}
}

// summary returns the one summary line, parsed.
func (r jobResult) summary(t *testing.T) Summary {
	t.Helper()
	n := 0
	for _, l := range r.lines {
		if strings.HasPrefix(l, Prefix) {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d summary lines, want 1; output:\n%s", n, r.out)
	}
	s, err := Find(r.lines)
	if err != nil {
		t.Fatalf("summary: %v; output:\n%s", err, r.out)
	}
	return s
}

// phases lists "name status" of the progress lines, in order.
func (r jobResult) phases() []string {
	var p []string
	for _, l := range r.lines {
		if ph, ok := ParsePhase(l); ok {
			p = append(p, ph.Name+" "+ph.Status)
		}
	}
	return p
}

// phase returns the fields of the first progress line name+status.
func (r jobResult) phase(t *testing.T, name, status string) map[string]string {
	t.Helper()
	for _, l := range r.lines {
		if ph, ok := ParsePhase(l); ok && ph.Name == name && ph.Status == status {
			return ph.Fields
		}
	}
	t.Fatalf("no %s %s line; output:\n%s", name, status, r.out)
	return nil
}

// restoreBlock returns the lines between the restore markers.
func (r jobResult) restoreBlock(t *testing.T) []string {
	t.Helper()
	start, end := -1, -1
	for i, l := range r.lines {
		if strings.HasPrefix(l, PhasePrefix+"restore started") {
			start = i
		}
		if strings.HasPrefix(l, PhasePrefix+"restore finished") {
			end = i
		}
	}
	if start < 0 || end < start {
		t.Fatalf("no restore block; output:\n%s", r.out)
	}
	return r.lines[start+1 : end]
}

// errorLine returns the ErrorPrefix line.
func (r jobResult) errorLine(t *testing.T) string {
	t.Helper()
	for _, l := range r.lines {
		if strings.HasPrefix(l, ErrorPrefix) {
			return l
		}
	}
	t.Fatalf("no %q line; output:\n%s", ErrorPrefix, r.out)
	return ""
}

// noSecrets checks that no secret reached the output.
func (f *jobFixture) noSecrets(t *testing.T, r jobResult) {
	t.Helper()
	for _, secret := range []string{sourceToken, f.tgt.Password(), f.src.Password(), "X-Amz-Signature"} {
		if strings.Contains(r.out, secret) {
			t.Errorf("the output holds the secret %q:\n%s", secret, r.out)
		}
	}
}

// expectTables checks the verification against the source's counts.
func (f *jobFixture) expectTables(t *testing.T, s Summary) {
	t.Helper()
	if s.Verify != "row_counts" {
		t.Errorf("verify = %q", s.Verify)
	}
	got := map[string]Table{}
	for _, tb := range s.Tables {
		key := tb.Schema + "." + tb.Name
		if _, dup := got[key]; dup {
			t.Errorf("table %s listed twice", key)
		}
		got[key] = tb
	}
	if len(got) != len(f.want) {
		t.Errorf("summary tables = %+v, want %v", s.Tables, f.want)
	}
	for key, n := range f.want {
		tb, ok := got[key]
		if !ok {
			t.Errorf("summary lacks %s", key)
			continue
		}
		if tb.SourceRows != n || tb.TargetRows != n {
			t.Errorf("%s: source_rows %d, target_rows %d, want %d", key, tb.SourceRows, tb.TargetRows, n)
		}
	}
	if s.TablesRestored != len(f.want) {
		t.Errorf("tables_restored = %d, want %d", s.TablesRestored, len(f.want))
	}
	if s.PGRestoreVersion == "" || !strings.Contains(s.PGRestoreVersion, ".") {
		t.Errorf("pg_restore_version = %q", s.PGRestoreVersion)
	}
}

// expectRestored checks the target database by SQL.
func (f *jobFixture) expectRestored(t *testing.T, db string) {
	t.Helper()
	for _, c := range []struct{ sql, want string }{
		{"SELECT count(*)::text FROM public.users", "500"},
		{"SELECT count(*)::text FROM billing.invoices", "1200"},
		{"SELECT count(*)::text FROM public.events", "800"},
		{"SELECT count(*)::text FROM public.events_2025", "372"},
		{`SELECT count(*)::text FROM billing."Odd "" (Name" WHERE "c (d" = 'x (y'`, "7"},
		{"SELECT (nextval('billing.invoice_numbers') > 1004)::text", "true"},
		{"SELECT count(*)::text FROM public.users WHERE email = 'user42@example.com'", "1"},
		{"SELECT count(*)::text FROM pg_largeobject_metadata", "1"},
		{"SELECT n::text FROM public.user_counts", "500"},
		{"SELECT name FROM public.users WHERE id = 1", "naïve 名前 🚀 1"},
		{"SELECT note FROM billing.invoices WHERE id = 1", "line1\nline2\ttab\\back"},
		{"SELECT count(*)::text FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE extname = 'citext' AND nspname = 'heroku_ext'", "1"},
		// Heroku's search_path, set because the dump has heroku_ext.
		{"SELECT array_to_string(setconfig, ';') FROM pg_db_role_setting WHERE setrole = 0 AND setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())", `search_path="$user", public, heroku_ext`},
	} {
		if got := f.query(t, db, c.sql); got != c.want {
			t.Errorf("%s = %q, want %q", c.sql, got, c.want)
		}
	}
}

// urlEnv is the job's environment for a URL source into db.
func (f *jobFixture) urlEnv(db, url string, extra map[string]string) map[string]string {
	env := f.targetEnv(db)
	env[EnvSourceKind] = SourceURL
	env[EnvSourceURL] = url
	for k, v := range extra {
		env[k] = v
	}
	return env
}

func TestJobScript(t *testing.T) {
	f := newJobFixture(t)

	// A full restore from a signed URL, under dash with curl and under
	// busybox sh with wget.
	for _, mk := range []func(*testing.T, *jobFixture) shell{dashShell, busyboxShell} {
		sh := mk(t, f)
		// dash restores with one job, busybox with two.
		jobs := map[string]string{"dash": "1", "busybox": "2"}[sh.name]
		t.Run("url/"+sh.name, func(t *testing.T) {
			srv := newDumpServer(t, f.dump)
			db := f.newTarget(t, "")
			r := runJob(t, sh, f.urlEnv(db, srv.url(), map[string]string{EnvJobs: jobs}))
			r.must(t, ExitOK)
			s := r.summary(t)
			f.expectTables(t, s)
			if s.Bytes != int64(len(f.dump)) {
				t.Errorf("bytes = %d, want %d", s.Bytes, len(f.dump))
			}
			if s.PGRestoreExit != 0 || len(s.Warnings) != 0 {
				t.Errorf("pg_restore_exit = %d, warnings = %q", s.PGRestoreExit, s.Warnings)
			}
			f.expectRestored(t, db)
			f.noSecrets(t, r)

			if got := r.phase(t, "download", "finished")["bytes"]; got != strconv.Itoa(len(f.dump)) {
				t.Errorf("download finished bytes=%s, want %d", got, len(f.dump))
			}
			if got := r.phase(t, "restore", "started")["jobs"]; got != jobs {
				t.Errorf("restore started jobs=%s", got)
			}
			if got := r.phase(t, "restore", "finished")["exit"]; got != "0" {
				t.Errorf("restore finished exit=%s", got)
			}
			want := "download started,download finished,count started,count finished,restore started,restore finished,analyze started,analyze finished,verify started,verify finished"
			if got := strings.Join(r.phases(), ","); got != want {
				t.Errorf("phases = %s\nwant     %s", got, want)
			}
			block := r.restoreBlock(t)
			if len(block) == 0 {
				t.Error("the restore block is empty: pg_restore --verbose wrote nothing")
			}
			for _, l := range block {
				// With --jobs > 1, pg_restore's processes write the
				// "pg_restore: " prefix and the message separately, so
				// their lines may interleave: only the job's own lines
				// must stay out.
				if jobs == "1" && !strings.HasPrefix(l, "pg_restore: ") || strings.Contains(l, "HEROKU2AWS_") {
					t.Errorf("restore block line %q is not pg_restore's", l)
				}
			}

			// The right download tool ran: curl with dash's PATH, wget in
			// busybox's (which has no curl).
			_, agents := srv.log()
			wantAgent := map[string]string{"dash": "curl/", "busybox": "Wget"}[sh.name]
			if len(agents) != 1 || !strings.HasPrefix(agents[0], wantAgent) {
				t.Errorf("user agents = %q, want one %s", agents, wantAgent)
			}
		})
	}

	dash := dashShell(t, f)

	t.Run("database source", func(t *testing.T) {
		db := f.newTarget(t, "")
		env := f.targetEnv(db)
		env[EnvSourceKind] = SourceDatabase
		env[EnvSourceService] = f.serviceFile()
		r := runJob(t, dash, env)
		r.must(t, ExitOK)
		s := r.summary(t)
		f.expectTables(t, s)
		if s.Bytes <= 0 {
			t.Errorf("bytes = %d", s.Bytes)
		}
		if got := r.phase(t, "dump", "finished")["bytes"]; got != strconv.FormatInt(s.Bytes, 10) {
			t.Errorf("dump finished bytes=%s, summary bytes %d", got, s.Bytes)
		}
		f.expectRestored(t, db)
		f.noSecrets(t, r)
	})

	t.Run("database source unreachable", func(t *testing.T) {
		db := f.newTarget(t, "")
		env := f.targetEnv(db)
		env[EnvSourceKind] = SourceDatabase
		// A wrong password in the service file: pg_dump fails, exit 12,
		// and the target is left alone.
		env[EnvSourceService] = strings.Replace(f.serviceFile(), "password="+f.src.Password(), "password=wrong", 1)
		r := runJob(t, dash, env)
		r.must(t, ExitDump)
		r.errorLine(t)
		f.noSecrets(t, r)
		if got := f.query(t, db, "SELECT count(*)::text FROM pg_class WHERE relname = 'users'"); got != "0" {
			t.Errorf("the target changed: %s users tables", got)
		}
	})

	// Downloads that fail once and then work: resumed from where they
	// stopped (Range), or retried after a 503.
	for _, mk := range []func(*testing.T, *jobFixture) shell{dashShell, busyboxShell} {
		sh := mk(t, f)
		t.Run("cut download/"+sh.name, func(t *testing.T) {
			srv := newDumpServer(t, f.dump)
			srv.cutFirst = true
			db := f.newTarget(t, "")
			r := runJob(t, sh, f.urlEnv(db, srv.url(), map[string]string{EnvVerify: "row_counts"}))
			r.must(t, ExitOK)
			s := r.summary(t)
			f.expectTables(t, s)
			if s.Bytes != int64(len(f.dump)) {
				t.Errorf("bytes = %d, want %d", s.Bytes, len(f.dump))
			}
			if !strings.Contains(r.out, "download attempt 1 of 5 failed") {
				t.Errorf("no retry message:\n%s", r.out)
			}
			ranges, _ := srv.log()
			if want := fmt.Sprintf("bytes=%d-", len(f.dump)/2); len(ranges) != 2 || ranges[0] != "" || ranges[1] != want {
				t.Errorf("requests' Range headers = %q, want [\"\" %q]", ranges, want)
			}
			f.expectRestored(t, db)
			f.noSecrets(t, r)
		})
	}
	t.Run("503 then ok", func(t *testing.T) {
		srv := newDumpServer(t, f.dump)
		srv.failFirst = http.StatusServiceUnavailable
		db := f.newTarget(t, "")
		r := runJob(t, dash, f.urlEnv(db, srv.url(), nil))
		r.must(t, ExitOK)
		f.expectTables(t, r.summary(t))
		if ranges, _ := srv.log(); len(ranges) != 2 {
			t.Errorf("%d requests, want 2", len(ranges))
		}
	})

	for _, mk := range []func(*testing.T, *jobFixture) shell{dashShell, busyboxShell} {
		sh := mk(t, f)
		t.Run("403/"+sh.name, func(t *testing.T) {
			srv := newDumpServer(t, f.dump)
			srv.status = http.StatusForbidden
			db := f.newTarget(t, "")
			r := runJob(t, sh, f.urlEnv(db, srv.url(), nil))
			r.must(t, ExitDownload)
			if l := r.errorLine(t); !strings.Contains(l, "403") {
				t.Errorf("error line %q does not say 403", l)
			}
			f.noSecrets(t, r)
			if strings.Contains(r.out, srv.URL) || strings.Contains(r.out, "/backups/b001.dump") {
				t.Errorf("the output holds the URL:\n%s", r.out)
			}
			// An expired URL does not get better: one request only.
			if ranges, _ := srv.log(); len(ranges) != 1 {
				t.Errorf("%d requests, want 1", len(ranges))
			}
		})
	}

	// ECS stops a task with SIGTERM: the job kills its download and exits
	// 143, its work directory removed.
	for _, mk := range []func(*testing.T, *jobFixture) shell{dashShell, busyboxShell} {
		sh := mk(t, f)
		t.Run("sigterm/"+sh.name, func(t *testing.T) {
			srv := newDumpServer(t, f.dump)
			srv.stall = make(chan struct{})
			srv.requested = make(chan struct{})
			db := f.newTarget(t, "")
			tmp := t.TempDir()
			cmd := exec.Command(sh.sh, "-c", Script)
			cmd.Env = []string{"PATH=" + sh.path, "HOME=" + tmp, "TMPDIR=" + tmp}
			for k, v := range f.urlEnv(db, srv.url(), nil) {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			var out bytes.Buffer
			cmd.Stdout = &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-srv.requested:
			case err := <-done:
				t.Fatalf("the job ended before downloading: %v\n%s", err, out.String())
			case <-time.After(time.Minute):
				_ = cmd.Process.Kill()
				t.Fatal("no download request")
			}
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			var err error
			select {
			case err = <-done:
			case <-time.After(time.Minute):
				_ = cmd.Process.Kill()
				t.Fatal("the job did not stop on SIGTERM")
			}
			exitErr, ok := err.(*exec.ExitError)
			if !ok || exitErr.ExitCode() != 143 {
				t.Fatalf("exit %v, want 143; output:\n%s", err, out.String())
			}
			// The download tool was killed: the server saw the client go.
			select {
			case <-srv.stall:
			case <-time.After(30 * time.Second):
				t.Error("the download is still connected")
			}
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Errorf("the work directory was not removed: %v", left)
			}
			if !strings.Contains(out.String(), ErrorPrefix+"the job was stopped by a signal") {
				t.Errorf("output:\n%s", out.String())
			}
		})
	}

	t.Run("clash", func(t *testing.T) {
		srv := newDumpServer(t, f.dump)
		db := f.newTarget(t, "")
		first := runJob(t, dash, f.urlEnv(db, srv.url(), nil))
		first.must(t, ExitOK)

		// Again without clean: refused before anything changes.
		second := runJob(t, dash, f.urlEnv(db, srv.url(), map[string]string{EnvClean: "false"}))
		second.must(t, ExitTarget)
		l := second.errorLine(t)
		for _, want := range []string{"the target database already has ", "public.users", "billing.invoices", `billing."Odd "" (Name"`, "set clean = true"} {
			if !strings.Contains(l, want) {
				t.Errorf("error line %q lacks %q", l, want)
			}
		}
		for _, p := range second.phases() {
			if strings.HasPrefix(p, "restore ") {
				t.Errorf("the refused run reached the restore: %s", second.out)
			}
		}
		if strings.Contains(second.out, Prefix) {
			t.Error("the refused run wrote a summary")
		}
		if got := f.query(t, db, "SELECT count(*)::text FROM public.users"); got != "500" {
			t.Errorf("users = %s after the refused run, want 500", got)
		}

		// With clean, the dump's objects are dropped (--clean --if-exists)
		// and restored again: no duplicated rows, and no pg_restore error.
		third := runJob(t, dash, f.urlEnv(db, srv.url(), map[string]string{EnvClean: "true"}))
		third.must(t, ExitOK)
		s := third.summary(t)
		f.expectTables(t, s)
		if s.PGRestoreExit != 0 {
			t.Errorf("pg_restore_exit = %d", s.PGRestoreExit)
		}
		f.expectRestored(t, db)
	})

	t.Run("verify none", func(t *testing.T) {
		srv := newDumpServer(t, f.dump)
		db := f.newTarget(t, "")
		// verify = none with clean = true skips the counting of rows;
		// tables_restored then comes from the archive's table of contents.
		// citext is the dump's own (in heroku_ext): the job leaves it to
		// the restore, which puts it where the dump's columns expect it.
		r := runJob(t, dash, f.urlEnv(db, srv.url(), map[string]string{
			EnvVerify: "none", EnvClean: "true", EnvAnalyze: "false", EnvExtensions: "citext pgcrypto  uuid-ossp",
		}))
		r.must(t, ExitOK)
		s := r.summary(t)
		if s.Verify != "none" || s.Tables != nil {
			t.Errorf("verify = %q, tables = %+v", s.Verify, s.Tables)
		}
		if strings.Contains(r.out, `"tables":[`) {
			t.Errorf("the summary has tables:\n%s", r.out)
		}
		if s.TablesRestored != len(f.want) {
			t.Errorf("tables_restored = %d, want %d", s.TablesRestored, len(f.want))
		}
		want := "download started,download finished,restore started,restore finished"
		if got := strings.Join(r.phases(), ","); got != want {
			t.Errorf("phases = %s, want %s", got, want)
		}
		if got := f.query(t, db, "SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension WHERE extname IN ('pgcrypto', 'uuid-ossp')"); got != "pgcrypto,uuid-ossp" {
			t.Errorf("extensions = %q", got)
		}
		if got := f.query(t, db, "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE extname = 'citext'"); got != "heroku_ext" {
			t.Errorf("citext is in schema %q, want heroku_ext", got)
		}
		f.expectRestored(t, db)
	})

	t.Run("pg_restore errors", func(t *testing.T) {
		srv := newDumpServer(t, f.dump)
		// The schema billing exists already: not a table, so the clash
		// check lets it through, and pg_restore's CREATE SCHEMA fails.
		db := f.newTarget(t, "CREATE SCHEMA billing")
		r := runJob(t, dash, f.urlEnv(db, srv.url(), nil))
		r.must(t, ExitRestoreErrors)
		s := r.summary(t)
		if s.PGRestoreExit != 1 {
			t.Errorf("pg_restore_exit = %d, want 1", s.PGRestoreExit)
		}
		// The rest of the restore went through and was verified.
		f.expectTables(t, s)
		block := strings.Join(r.restoreBlock(t), "\n")
		if !strings.Contains(block, `schema "billing" already exists`) {
			t.Errorf("the restore block lacks pg_restore's error:\n%s", block)
		}
		if strings.Contains(block, "HEROKU2AWS_") {
			t.Errorf("the restore block holds the job's lines:\n%s", block)
		}
		if got := r.phase(t, "restore", "finished")["exit"]; got != "1" {
			t.Errorf("restore finished exit=%s", got)
		}
		if l := r.errorLine(t); !strings.Contains(l, "pg_restore") {
			t.Errorf("error line %q", l)
		}
	})

	// A target user that may create objects in the database but does not
	// own it: everything is restored, but ALTER DATABASE ... SET
	// search_path is refused, which is a warning in the log and the
	// summary, not a failure.
	t.Run("search_path warning", func(t *testing.T) {
		srv := newDumpServer(t, f.dump)
		ctx := context.Background()
		const role, password = "restorer", "restorer-Pw-9c1e"
		if err := f.tgt.CreateRole(ctx, role, password, false); err != nil {
			t.Fatal(err)
		}
		db := f.newTarget(t, "GRANT CREATE ON SCHEMA public TO "+role)
		if err := f.tgt.Exec(ctx, "postgres", "GRANT CREATE ON DATABASE "+db+" TO "+role); err != nil {
			t.Fatal(err)
		}
		env := f.urlEnv(db, srv.url(), nil)
		env["PGUSER"], env["PGPASSWORD"] = role, password
		r := runJob(t, dash, env)
		r.must(t, ExitOK)
		s := r.summary(t)
		f.expectTables(t, s)
		if len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], "heroku_ext") || !strings.Contains(s.Warnings[0], "must be owner") {
			t.Errorf("warnings = %q", s.Warnings)
		}
		if !strings.Contains(r.out, WarningPrefix+"could not add heroku_ext") {
			t.Errorf("no warning line:\n%s", r.out)
		}
		if strings.Contains(r.out, password) {
			t.Errorf("the output holds the password:\n%s", r.out)
		}
	})

	t.Run("target unreachable", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		_ = l.Close()
		srv := newDumpServer(t, f.dump)
		env := f.urlEnv("postgres", srv.url(), nil)
		env["PGPORT"] = strconv.Itoa(port)
		r := runJob(t, dash, env)
		r.must(t, ExitTarget)
		if l := r.errorLine(t); !strings.Contains(l, "cannot connect") {
			t.Errorf("error line %q", l)
		}
		// Checked before downloading anything.
		if ranges, _ := srv.log(); len(ranges) != 0 {
			t.Errorf("%d downloads before the target was checked", len(ranges))
		}
	})

	t.Run("config", func(t *testing.T) {
		srv := newDumpServer(t, f.dump)
		for _, c := range []struct {
			name string
			edit func(map[string]string)
			want string
		}{
			{"no PGHOST", func(e map[string]string) { delete(e, "PGHOST") }, "PGHOST"},
			{"bad kind", func(e map[string]string) { e[EnvSourceKind] = "s3" }, EnvSourceKind},
			{"no kind", func(e map[string]string) { delete(e, EnvSourceKind) }, EnvSourceKind},
			{"no url", func(e map[string]string) { delete(e, EnvSourceURL) }, EnvSourceURL},
			{"no service", func(e map[string]string) { e[EnvSourceKind] = SourceDatabase }, EnvSourceService},
			{"service without [source]", func(e map[string]string) {
				e[EnvSourceKind] = SourceDatabase
				e[EnvSourceService] = "[other]\nhost=x\n"
			}, "[source]"},
			{"bad extension", func(e map[string]string) { e[EnvExtensions] = `citext x";DROP` }, EnvExtensions},
			{"upper-case extension", func(e map[string]string) { e[EnvExtensions] = "PostGIS" }, EnvExtensions},
			{"jobs 0", func(e map[string]string) { e[EnvJobs] = "0" }, EnvJobs},
			{"jobs text", func(e map[string]string) { e[EnvJobs] = "four" }, EnvJobs},
			{"bad bool", func(e map[string]string) { e[EnvClean] = "yes" }, EnvClean + " must be true or false"},
			{"bad verify", func(e map[string]string) { e[EnvVerify] = "checksums" }, EnvVerify},
			{"no work dir", func(e map[string]string) { e[EnvWorkDir] = "/nonexistent/dir" }, "work directory"},
		} {
			t.Run(c.name, func(t *testing.T) {
				env := f.urlEnv("postgres", srv.url(), nil)
				c.edit(env)
				r := runJob(t, dash, env)
				r.must(t, ExitConfig)
				if l := r.errorLine(t); !strings.Contains(l, c.want) {
					t.Errorf("error line %q lacks %q", l, c.want)
				}
				f.noSecrets(t, r)
			})
		}
		if ranges, _ := srv.log(); len(ranges) != 0 {
			t.Errorf("%d downloads with a bad configuration", len(ranges))
		}
	})
}
