package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/pgtest"
)

// startRun runs the command in the background until the test ends, and
// returns the exports once the env file is written.
func startRun(t *testing.T, args ...string) (env map[string]string, stderr *syncBuffer, stop func() int) {
	t.Helper()
	envFile := filepath.Join(t.TempDir(), "sandbox.env")
	stderr = &syncBuffer{}
	var stdout syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"--aws-addr", "", "--print-env-file", envFile}, args...), &stdout, stderr)
	}()
	stopped := false
	code := 0
	stop = func() int {
		if !stopped {
			stopped = true
			cancel()
			code = <-done
		}
		return code
	}
	t.Cleanup(func() { stop() })
	deadline := time.Now().Add(60 * time.Second)
	for {
		data, err := os.ReadFile(envFile)
		if err == nil && len(data) > 0 {
			return parseEnv(t, string(data)), stderr, stop
		}
		select {
		case c := <-done:
			stopped = true
			t.Fatalf("run exited with %d; stderr:\n%s", c, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no env file; stderr:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func call(t *testing.T, method, url, key string, into any) int {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	if into != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(body, into); err != nil {
			t.Fatalf("%s %s: %v: %s", method, url, err, body)
		}
	}
	return resp.StatusCode
}

func queryInt(t *testing.T, dbURL, sql string) int64 {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	var n int64
	if err := conn.QueryRow(ctx, sql).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func TestRunPGDemo(t *testing.T) {
	t.Parallel()
	if _, err := pgtest.BinDir(); err != nil {
		t.Skip(err)
	}
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s: %v", tool, err)
		}
	}
	env, stderr, stop := startRun(t, "--pg-demo", "--api-key", "k3y")
	source, target := env["HEROKU2AWS_DEMO_SOURCE_URL"], env["HEROKU2AWS_DEMO_TARGET_URL"]
	if source == "" || target == "" || source == target {
		t.Fatalf("env = %v", env)
	}

	// The source has the sample data, owned by a non-superuser; the target
	// is empty and its owner no superuser either.
	for sql, want := range map[string]int64{
		"SELECT count(*) FROM public.users":                                   200,
		"SELECT count(*) FROM public.orders":                                  500,
		"SELECT count(*) FROM billing.invoices":                               500,
		"SELECT (count(*) >= 12)::int FROM billing.revenue_by_month":          1,
		"SELECT count(*) FROM public.users WHERE email = 'user7@example.com'": 1, // citext
		"SELECT count(*) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE extname = 'citext' AND nspname = 'heroku_ext'": 1,
		"SELECT count(*) FROM pg_roles WHERE rolname = current_user AND rolsuper":                                                               0,
		"SELECT count(*) FROM pg_tables WHERE tableowner = current_user":                                                                        3,
		"SELECT last_value FROM public.order_number_seq":                                                                                        1499,
	} {
		if got := queryInt(t, source, sql); got != want {
			t.Errorf("source: %s = %d, want %d", sql, got, want)
		}
	}
	if got := queryInt(t, target, "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"); got != 0 {
		t.Errorf("target has %d tables", got)
	}
	if got := queryInt(t, target, "SELECT count(*) FROM pg_roles WHERE rolname = current_user AND rolsuper"); got != 0 {
		t.Error("the target user is a superuser")
	}

	// The Data API captures the demo database.
	base, key := env["HEROKU_DATA_API_URL"], env["HEROKU_API_KEY"]
	// Every app attached to the demo add-on reads the source's URL in its
	// DATABASE_URL config var, as a freeze does.
	for _, app := range []string{"acme-api", "acme-worker"} {
		var vars map[string]*string
		if code := call(t, http.MethodGet, env["HEROKU_API_URL"]+"/apps/"+app+"/config-vars", key, &vars); code != 200 {
			t.Fatalf("%s config-vars: %d", app, code)
		}
		if v := vars["DATABASE_URL"]; v == nil || *v != source {
			t.Errorf("%s: DATABASE_URL is not the demo source's URL", app)
		}
	}
	f, err := herokuapi.SampleFixture()
	if err != nil {
		t.Fatal(err)
	}
	var addons []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	if code := call(t, http.MethodGet, env["HEROKU_API_URL"]+"/apps/acme-api/addons", key, &addons); code != 200 {
		t.Fatalf("addons: %d", code)
	}
	addonName, _ := demoPostgresAddon(f)
	addonID := ""
	for _, a := range addons {
		if a.Name == addonName {
			addonID = a.ID
		}
	}
	var db struct {
		NumTables   int    `json:"num_tables"`
		ResourceURL string `json:"resource_url"`
	}
	if code := call(t, http.MethodGet, base+"/client/v11/databases/"+addonID, key, &db); code != 200 || db.NumTables != 3 || db.ResourceURL != source {
		t.Fatalf("database: %d %+v", code, db)
	}
	var tr struct {
		Num        int     `json:"num"`
		FinishedAt *string `json:"finished_at"`
		Succeeded  bool    `json:"succeeded"`
	}
	if code := call(t, http.MethodPost, base+"/client/v11/databases/"+addonID+"/backups", key, &tr); code != 200 {
		t.Fatalf("capture: %d", code)
	}
	for deadline := time.Now().Add(60 * time.Second); tr.FinishedAt == nil; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the capture did not finish")
		}
		call(t, http.MethodGet, base+"/client/v11/apps/acme-api/transfers/1", key, &tr)
	}
	if !tr.Succeeded {
		t.Fatalf("capture failed: %+v", tr)
	}
	var pub struct{ URL string }
	if code := call(t, http.MethodPost, base+"/client/v11/apps/acme-api/transfers/1/actions/public-url", key, &pub); code != 200 {
		t.Fatalf("public-url: %d", code)
	}
	resp, err := http.Get(pub.URL)
	if err != nil {
		t.Fatal(err)
	}
	dump, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("download: %d %v", resp.StatusCode, err)
	}
	file := filepath.Join(t.TempDir(), "demo.dump")
	if err := os.WriteFile(file, dump, 0o600); err != nil {
		t.Fatal(err)
	}
	// It restores into the target as its non-superuser owner.
	if out, err := exec.Command("pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "--dbname", target, file).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	if got := queryInt(t, target, "SELECT count(*) FROM billing.invoices"); got != 500 {
		t.Errorf("restored invoices: %d", got)
	}

	sourceURL, _ := url.Parse(source)
	targetURL, _ := url.Parse(target)
	if code := stop(); code != 0 {
		t.Errorf("exit code %d; stderr:\n%s", code, stderr.String())
	}
	logs := stderr.String()
	for _, secret := range []string{"k3y", password(sourceURL), password(targetURL), strings.TrimPrefix(pub.URL, base+"/_backups/")} {
		if strings.Contains(logs, secret) {
			t.Errorf("stderr holds a secret (%d characters):\n%s", len(secret), logs)
		}
	}
	if !strings.Contains(logs, "GET /_backups/{token} 200") {
		t.Errorf("stderr lacks the download:\n%s", logs)
	}
	// The clusters are gone.
	for _, u := range []*url.URL{sourceURL, targetURL} {
		if conn, err := net.DialTimeout("tcp", u.Host, time.Second); err == nil {
			conn.Close()
			t.Errorf("%s still accepts connections after exit", u.Host)
		}
	}
}

func password(u *url.URL) string {
	p, _ := u.User.Password()
	return p
}

func TestRunPGDatabase(t *testing.T) {
	t.Parallel()
	c := pgtest.StartT(t, pgtest.Options{})
	f, err := herokuapi.SampleFixture()
	if err != nil {
		t.Fatal(err)
	}
	addon, err := demoPostgresAddon(f)
	if err != nil {
		t.Fatal(err)
	}
	env, stderr, stop := startRun(t, "--pg-database", addon+"="+c.URL("postgres"))
	srvBase, key := env["HEROKU_DATA_API_URL"], env["HEROKU_API_KEY"]
	var addons []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	call(t, http.MethodGet, env["HEROKU_API_URL"]+"/apps/acme-api/addons", key, &addons)
	found := 0
	for _, a := range addons {
		code := call(t, http.MethodGet, srvBase+"/client/v11/databases/"+a.ID, key, nil)
		if a.Name == addon && code != 200 || a.Name != addon && code != 404 {
			t.Errorf("database %s: %d", a.Name, code)
		}
		if code == 200 {
			found++
		}
	}
	if found != 1 {
		t.Errorf("%d databases answered", found)
	}
	if _, ok := env["HEROKU2AWS_DEMO_SOURCE_URL"]; ok {
		t.Error("demo URLs exported without --pg-demo")
	}
	if code := stop(); code != 0 {
		t.Errorf("exit code %d", code)
	}
	if strings.Contains(stderr.String(), c.Password()) {
		t.Error("stderr holds the database password")
	}
}

func TestRunPGErrors(t *testing.T) {
	t.Parallel()
	const secret = "canary-db-pw-5e2a"
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"--pg-database", "postgres://u:" + secret + "@h/db"}, 2},
		{[]string{"--pg-database", "=postgres://u:" + secret + "@h/db"}, 2},
		{[]string{"--pg-database", "a=postgres://u:" + secret + "@h/db", "--pg-database", "A=postgres://u:" + secret + "@h/db2"}, 2},
		{[]string{"--pg-database", "nope=postgres://u:" + secret + "@h/db"}, 1},
		{[]string{"--pg-database", "redis-rugged-67890=postgres://u:" + secret + "@h/db"}, 1},
		{[]string{"--pg-database", "postgresql-curved-12345=mysql://u:" + secret + "@h/db"}, 1},
		{[]string{"--pg-database", "postgresql-curved-12345=postgres://u:" + secret + "@h/db", "--pg-demo"}, 2},
		{[]string{"--backup-url-ttl", "0s"}, 2},
	} {
		var out, errOut syncBuffer
		code := run(context.Background(), append([]string{"--aws-addr", ""}, c.args...), &out, &errOut)
		if code != c.code {
			t.Errorf("run(%d args) = %d, want %d; stderr %s", len(c.args), code, c.code, errOut.String())
		}
		if strings.Contains(errOut.String(), secret) {
			t.Errorf("stderr quotes a database password: %s", errOut.String())
		}
		if out.String() != "" {
			t.Errorf("printed %q", out.String())
		}
	}
}

func TestDemoAttachmentVars(t *testing.T) {
	t.Parallel()
	f := &herokuapi.Fixture{Apps: []herokuapi.App{
		{Name: "a-app", Addons: []herokuapi.Addon{
			{Name: "pg-1", Plan: "heroku-postgresql:essential-0", Attachments: []herokuapi.Attachment{
				{Name: "DATABASE"}, {Name: "HEROKU_POSTGRESQL_ONYX", App: "b-app"},
			}},
			{Name: "pg-2", Plan: "heroku-postgresql:essential-0"},
		}},
		{Name: "b-app"},
	}}
	want := []demoConfigVar{{"a-app", "DATABASE_URL"}, {"b-app", "HEROKU_POSTGRESQL_ONYX_URL"}}
	if got := demoAttachmentVars(f, "pg-1"); !slices.Equal(got, want) {
		t.Errorf("pg-1: %v, want %v", got, want)
	}
	if got := demoAttachmentVars(f, "pg-2"); !slices.Equal(got, []demoConfigVar{{"a-app", "DATABASE_URL"}}) {
		t.Errorf("pg-2 (no attachments): %v", got)
	}
}

func TestDemoPostgresAddon(t *testing.T) {
	t.Parallel()
	f := &herokuapi.Fixture{Apps: []herokuapi.App{{Name: "a-app", Addons: []herokuapi.Addon{
		{Name: "redis-1", Plan: "heroku-redis:mini"},
		{Name: "pg-1", Plan: "heroku-postgresql:essential-0"},
	}}}}
	if got, err := demoPostgresAddon(f); err != nil || got != "pg-1" {
		t.Errorf("demoPostgresAddon = %q, %v", got, err)
	}
	f.Apps[0].Addons = f.Apps[0].Addons[:1]
	if _, err := demoPostgresAddon(f); err == nil {
		t.Error("no error without a Postgres add-on")
	}
}
