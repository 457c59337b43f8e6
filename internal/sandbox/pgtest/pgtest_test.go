//go:build unix

package pgtest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// skipWithoutPostgres skips when the server binaries are missing, as
// StartT does, for the tests that call Start directly.
func skipWithoutPostgres(t *testing.T) {
	t.Helper()
	if _, err := BinDir(); err != nil {
		t.Skipf("%v", err)
	}
}

func queryString(t *testing.T, url, sql string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	var s string
	if err := conn.QueryRow(ctx, sql).Scan(&s); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return s
}

// gone checks that nothing of a stopped cluster is left: no server process
// and no directory.
func gone(t *testing.T, pid int, dir string) {
	t.Helper()
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("postgres pid %d still exists after Stop (kill 0: %v)", pid, err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s still exists after Stop (%v)", dir, err)
	}
}

func TestStartStop(t *testing.T) {
	t.Parallel()
	skipWithoutPostgres(t)
	start := time.Now()
	c, err := Start(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ready in %v on port %d", time.Since(start).Round(time.Millisecond), c.Port())
	pid, dir := c.cmd.Process.Pid, c.Dir()

	if c.Host() != "127.0.0.1" || c.Port() == 0 || c.Superuser() != "postgres" || len(c.Password()) < 16 {
		t.Errorf("Host %q Port %d Superuser %q, password of %d characters", c.Host(), c.Port(), c.Superuser(), len(c.Password()))
	}
	wantPrefix := "postgres://postgres:" + c.Password() + "@127.0.0.1:"
	if u := c.URL("postgres"); !strings.HasPrefix(u, wantPrefix) || !strings.HasSuffix(u, "/postgres?sslmode=disable") {
		t.Errorf("URL = %q", u)
	}
	if v := queryString(t, c.URL("postgres"), "SHOW server_version"); !strings.HasPrefix(v, "15") {
		t.Logf("server_version %s (want 15.x on CI)", v)
	}
	for setting, want := range map[string]string{
		"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
		"max_connections": "50", "shared_buffers": "128MB", "listen_addresses": "127.0.0.1",
		"server_encoding": "UTF8", "password_encryption": "scram-sha-256",
	} {
		if got := queryString(t, c.URL("postgres"), "SHOW "+setting); got != want {
			t.Errorf("%s = %q, want %q", setting, got, want)
		}
	}
	// Only scram-sha-256 logins: a wrong password fails.
	if conn, err := pgx.Connect(context.Background(), c.URLFor("postgres", "wrong", "postgres")); err == nil {
		conn.Close(context.Background())
		t.Error("connected with a wrong password")
	}
	if os.Geteuid() == 0 {
		info, err := os.Stat(filepath.Join(dir, "data"))
		if err != nil {
			t.Fatal(err)
		}
		if st, ok := info.Sys().(*syscall.Stat_t); !ok || st.Uid == 0 {
			t.Errorf("data directory owned by uid %v, want the postgres user", info.Sys())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "pwfile")); !os.IsNotExist(err) {
		t.Errorf("the password file was not removed: %v", err)
	}

	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	gone(t, pid, dir)
}

func TestParallelClusters(t *testing.T) {
	t.Parallel()
	skipWithoutPostgres(t)
	var wg sync.WaitGroup
	clusters := make([]*Cluster, 3)
	errs := make([]error, len(clusters))
	for i := range clusters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			clusters[i], errs[i] = Start(context.Background(), Options{})
		}()
	}
	wg.Wait()
	ports := map[int]bool{}
	for i, c := range clusters {
		if errs[i] != nil {
			t.Fatalf("cluster %d: %v", i, errs[i])
		}
		if ports[c.Port()] {
			t.Errorf("port %d used twice", c.Port())
		}
		ports[c.Port()] = true
	}
	// Each cluster is its own: a database made in one is not in the others.
	ctx := context.Background()
	if err := clusters[0].CreateDatabase(ctx, "only_here"); err != nil {
		t.Fatal(err)
	}
	for i, c := range clusters {
		n := queryString(t, c.URL("postgres"), "SELECT count(*)::text FROM pg_database WHERE datname = 'only_here'")
		if want := map[bool]string{true: "1", false: "0"}[i == 0]; n != want {
			t.Errorf("cluster %d: %s databases named only_here, want %s", i, n, want)
		}
	}
	for _, c := range clusters {
		pid, dir := c.cmd.Process.Pid, c.Dir()
		if err := c.Stop(); err != nil {
			t.Error(err)
		}
		gone(t, pid, dir)
	}
}

func TestPortCollisionRetries(t *testing.T) {
	t.Parallel()
	c1 := StartT(t, Options{})
	// A fixed port that is taken fails at once, with the log in the error.
	_, err := Start(context.Background(), Options{Port: c1.Port()})
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("Start on a taken port: %v", err)
	}
}

func TestRolesDatabasesAndExec(t *testing.T) {
	t.Parallel()
	c := StartT(t, Options{Superuser: "admin", Password: "s3cret'quote", Settings: map[string]string{"work_mem": "8MB"}})
	ctx := context.Background()
	if got := queryString(t, c.URL("postgres"), "SHOW work_mem"); got != "8MB" {
		t.Errorf("work_mem = %q, want the Settings value 8MB", got)
	}
	if got := queryString(t, c.URL("postgres"), "SELECT current_user"); got != "admin" {
		t.Errorf("current_user = %q", got)
	}
	if err := c.CreateDatabase(ctx, "My-App"); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateRole(ctx, "restorer", "pa'ss:word", false); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateRole(ctx, "root2", "ünïcode", true); err != nil {
		t.Fatal(err)
	}
	if err := c.Exec(ctx, "My-App", `
		CREATE SCHEMA s;
		CREATE TABLE s.t (id int PRIMARY KEY, v text);
		INSERT INTO s.t VALUES (1, 'a'), (2, 'b');
		ALTER DATABASE "My-App" OWNER TO restorer;`); err != nil {
		t.Fatal(err)
	}
	if err := c.Exec(ctx, "My-App", "SELECT nope"); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("Exec of bad SQL: %v", err)
	}

	// The non-superuser logs in with its password, and is no superuser.
	u := c.URLFor("restorer", "pa'ss:word", "My-App")
	if got := queryString(t, u, "SELECT current_setting('is_superuser')"); got != "off" {
		t.Errorf("restorer is_superuser = %q", got)
	}
	if got := queryString(t, c.URLFor("root2", "ünïcode", "postgres"), "SELECT current_setting('is_superuser')"); got != "on" {
		t.Errorf("root2 is_superuser = %q", got)
	}
	// The server stored a verifier, not the password.
	stored := queryString(t, c.URL("postgres"), "SELECT rolpassword FROM pg_authid WHERE rolname = 'restorer'")
	if !strings.HasPrefix(stored, "SCRAM-SHA-256$4096:") || strings.Contains(stored, "word") {
		t.Errorf("stored password %q", stored)
	}
	if err := c.CreateRole(ctx, "restorer", "x", false); err == nil {
		t.Error("creating a role twice succeeded")
	}
	// Statements never reach the log, so the failed CREATE ROLE above did
	// not write its password there.
	log, err := os.ReadFile(filepath.Join(c.Dir(), "postgres.log"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(log), "SCRAM-SHA-256$") || strings.Contains(string(log), "STATEMENT") {
		t.Errorf("the log holds statements:\n%s", log)
	}
}

func TestKeepReusesData(t *testing.T) {
	t.Parallel()
	skipWithoutPostgres(t)
	dir := filepath.Join(t.TempDir(), "cache")
	ctx := context.Background()

	c, err := Start(ctx, Options{Dir: dir, Keep: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateDatabase(ctx, "bench"); err != nil {
		t.Fatal(err)
	}
	if err := c.Exec(ctx, "bench", "CREATE TABLE t AS SELECT generate_series(1, 1000) AS n"); err != nil {
		t.Fatal(err)
	}
	password, port := c.Password(), c.Port()
	pid := c.cmd.Process.Pid
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("postgres still running after Stop: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "PG_VERSION")); err != nil {
		t.Fatalf("Keep: data directory gone: %v", err)
	}
	if info, err := os.Stat(filepath.Join(dir, "superuser-password")); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("saved password file: %v", err)
	}

	start := time.Now()
	c2, err := Start(ctx, Options{Dir: dir, Keep: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("reused in %v (port %d, then %d)", time.Since(start).Round(time.Millisecond), port, c2.Port())
	if c2.Password() != password {
		t.Error("the saved password was not reused")
	}
	if got := queryString(t, c2.URL("bench"), "SELECT sum(n)::text FROM t"); got != "500500" {
		t.Errorf("sum = %s, want the kept data", got)
	}
	// Without Keep, the reused directory goes away on Stop.
	c2.keep = false
	pid = c2.cmd.Process.Pid
	if err := c2.Stop(); err != nil {
		t.Fatal(err)
	}
	gone(t, pid, dir)
}

func TestStartErrors(t *testing.T) {
	t.Parallel()
	skipWithoutPostgres(t)
	ctx := context.Background()
	if _, err := Start(ctx, Options{Settings: map[string]string{"bad name": "x"}}); err == nil {
		t.Error("a bad setting name was accepted")
	}
	if _, err := Start(ctx, Options{Port: 70000}); err == nil {
		t.Error("port 70000 was accepted")
	}
	// A setting the server rejects: the error quotes the log, and nothing
	// is left behind.
	dir := filepath.Join(t.TempDir(), "bad")
	_, err := Start(ctx, Options{Dir: dir, Settings: map[string]string{"shared_buffers": "lots"}})
	if err == nil || !strings.Contains(err.Error(), "shared_buffers") {
		t.Fatalf("Start with a bad setting: %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s left behind: %v", dir, err)
	}
	// A canceled context stops the start.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Start(cctx, Options{}); err == nil {
		t.Error("Start with a canceled context succeeded")
	}
}

func TestBinDirOverride(t *testing.T) {
	t.Setenv("PG_BIN_DIR", t.TempDir())
	_, err := BinDir()
	if !errors.Is(err, ErrNotInstalled) || !strings.Contains(err.Error(), "PG_BIN_DIR") {
		t.Fatalf("BinDir with an empty PG_BIN_DIR: %v", err)
	}
	_, err = Start(context.Background(), Options{})
	if !errors.Is(err, ErrNotInstalled) {
		t.Fatalf("Start: %v", err)
	}
}

func TestSCRAMVerifierFormat(t *testing.T) {
	t.Parallel()
	v := scramVerifier("pencil")
	if !strings.HasPrefix(v, "SCRAM-SHA-256$4096:") || strings.Count(v, "$") != 2 || strings.Count(v, ":") != 2 {
		t.Errorf("verifier %q", v)
	}
	if scramVerifier("pencil") == v {
		t.Error("two verifiers share a salt")
	}
}
