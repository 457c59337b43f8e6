package pgrestore

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/pgtest"
)

// fakeHeroku serves the Platform API calls that resolve DATABASE, the Data
// API's backup calls, and the backup's storage, which cuts the first
// download and then expires its first URL, so that a resume needs a fresh
// public URL.
type fakeHeroku struct {
	t        *testing.T
	dump     string
	srv      *httptest.Server
	mu       sync.Mutex
	polls    int
	urls     int
	requests []string
	// captureFails makes the captured backup fail.
	captureFails bool
}

const fakeKey = "fake-heroku-api-key"

func newFakeHeroku(t *testing.T, dump string) *fakeHeroku {
	f := &fakeHeroku{t: t, dump: dump}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeHeroku) client() HerokuData {
	c := heroku.New(heroku.Config{APIKey: fakeKey, APIURL: f.srv.URL, HTTPClient: f.srv.Client()})
	return NewHerokuData(c, f.srv.URL+"/data")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeHeroku) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.Method+" "+r.URL.Path+" "+r.Header.Get("Range"))
	f.mu.Unlock()
	if strings.HasPrefix(r.URL.Path, "/s3/") {
		f.serveDump(w, r)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+fakeKey {
		writeJSON(w, 401, map[string]string{"id": "unauthorized", "message": "Invalid credentials provided."})
		return
	}
	backup := func(num int, uuid string, finished, succeeded bool, created string) map[string]any {
		m := map[string]any{"uuid": uuid, "num": num, "from_type": "pg_dump", "to_type": "gof3r", "from_name": "DATABASE",
			"to_name": "BACKUP", "created_at": created, "succeeded": succeeded, "processed_bytes": 1000 * num,
			"from_url": "postgres://u:transfer-from-url-secret@ec2/db", "to_url": "https://s3/transfer-to-url-secret"}
		if finished {
			m["finished_at"] = created
		}
		return m
	}
	switch r.Method + " " + r.URL.Path {
	case "GET /apps/acme-api/addon-attachments":
		writeJSON(w, 200, []map[string]any{{"name": "DATABASE", "app": map[string]string{"name": "acme-api"},
			"addon": map[string]any{"id": "addon-pg-1", "name": "postgresql-curly-12345", "app": map[string]string{"name": "acme-api"}}}})
	case "GET /apps/acme-api/addons":
		writeJSON(w, 200, []map[string]any{{"id": "addon-pg-1", "name": "postgresql-curly-12345",
			"addon_service": map[string]string{"name": "heroku-postgresql"}, "app": map[string]string{"name": "acme-api"}}})
	case "GET /data/client/v11/databases/addon-pg-1":
		writeJSON(w, 200, map[string]any{"addon_id": "addon-pg-1", "database_password": "db-password-secret"})
	case "POST /data/client/v11/databases/addon-pg-1/backups":
		writeJSON(w, 201, backup(43, "u-43", false, false, "2025-01-02 03:04:05 +0000"))
	case "GET /data/client/v11/apps/acme-api/transfers/u-43":
		f.mu.Lock()
		f.polls++
		n := f.polls
		f.mu.Unlock()
		if r.URL.Query().Get("verbose") != "true" {
			f.t.Errorf("poll without verbose=true")
		}
		b := backup(43, "u-43", n >= 3, n >= 3 && !f.captureFails, "2025-01-02 03:04:05 +0000")
		if f.captureFails && n >= 3 {
			b["logs"] = []map[string]string{
				{"created_at": "2025-01-02 03:04:06 +0000", "level": "info", "message": "pg_dump: dumping contents of table users"},
				{"created_at": "2025-01-02 03:04:07 +0000", "level": "error", "message": "pg_dump: error: canceling statement due to conflict with recovery"},
			}
		}
		writeJSON(w, 200, b)
	case "GET /data/client/v11/apps/acme-api/transfers":
		writeJSON(w, 200, []map[string]any{
			backup(41, "u-41", true, true, "2025-01-01 00:00:00 +0000"),
			backup(42, "u-42", true, false, "2025-01-01 12:00:00 +0000"),
		})
	case "GET /data/client/v11/apps/acme-api/transfers/u-42":
		b := backup(42, "u-42", true, false, "2025-01-01 12:00:00 +0000")
		b["logs"] = []map[string]string{{"created_at": "2025-01-01 12:00:01 +0000", "level": "error", "message": "out of disk space"}}
		writeJSON(w, 200, b)
	case "POST /data/client/v11/apps/acme-api/transfers/41/actions/public-url",
		"POST /data/client/v11/apps/acme-api/transfers/43/actions/public-url":
		f.mu.Lock()
		f.urls++
		n := f.urls
		f.mu.Unlock()
		writeJSON(w, 200, map[string]any{"url": fmt.Sprintf("%s/s3/backup.dump?X-Amz-Signature=signed-url-secret-%d", f.srv.URL, n),
			"expires_at": "2025-01-02 04:04:05 +0000"})
	default:
		writeJSON(w, 404, map[string]string{"id": "not_found", "message": "no route " + r.Method + " " + r.URL.Path})
	}
}

func (f *fakeHeroku) serveDump(w http.ResponseWriter, r *http.Request) {
	file, err := os.Open(f.dump)
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	defer file.Close()
	info, _ := file.Stat()
	sig := r.URL.Query().Get("X-Amz-Signature")
	switch {
	case sig == "signed-url-secret-1" && r.Header.Get("Range") == "":
		// The first download is cut halfway.
		w.Header().Set("Content-Length", fmt.Sprint(info.Size()))
		w.WriteHeader(200)
		_, _ = io.CopyN(w, file, info.Size()/2)
		panic(http.ErrAbortHandler)
	case sig == "signed-url-secret-1":
		// Resuming with the first URL: it has expired.
		http.Error(w, "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>", http.StatusForbidden)
	default:
		http.ServeContent(w, r, "backup.dump", time.Time{}, file)
	}
}

func herokuExecutor(f *fakeHeroku, tmp string, clk *clock.Fake, rec *recorder) Executor {
	// The clock moves a second per reading, so that every progress event
	// passes the rate limit.
	clk.Tick = time.Second
	return NewLocal(LocalConfig{
		Clock:  clk,
		Logger: rec.logger(),
		Heroku: f.client(), TempDir: tmp, PollInterval: 3 * time.Second, ProgressInterval: time.Millisecond,
	})
}

func TestIntegrationHerokuCaptureAndRestore(t *testing.T) {
	t.Parallel()
	c := newCluster(t)
	ctx := context.Background()
	must(t, c.CreateDatabase(ctx, "tgt"))
	dump := herokuStyleDump(t, c, "src")
	f := newFakeHeroku(t, dump)
	tmp := t.TempDir()
	clk := clock.NewFake()
	rec := &recorder{}
	opts := DefaultOptions()
	res, err := herokuExecutor(f, tmp, clk, rec).Run(ctx, Job{
		Source:    Source{HerokuBackup: &HerokuBackup{App: "acme-api", Capture: true}},
		TargetURL: c.URL("tgt"), Options: opts,
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	info, _ := os.Stat(dump)
	if res.BackupID != "b043" || res.BytesTransferred != info.Size() {
		t.Errorf("BackupID %q, BytesTransferred %d (dump %d)", res.BackupID, res.BytesTransferred, info.Size())
	}
	checkAllMatch(t, res, false)
	if sleeps := clk.Sleeps(); fmt.Sprint(sleeps) != "[3s 3s 3s]" {
		t.Errorf("sleeps = %v, want three polls 3s apart", sleeps)
	}
	f.mu.Lock()
	reqs := strings.Join(f.requests, "\n")
	f.mu.Unlock()
	half := info.Size() / 2
	for _, want := range []string{
		"POST /data/client/v11/databases/addon-pg-1/backups",
		"GET /s3/backup.dump \n",
		fmt.Sprintf("GET /s3/backup.dump bytes=%d-\nPOST /data/client/v11/apps/acme-api/transfers/43/actions/public-url \nGET /s3/backup.dump bytes=%d-", half, half),
	} {
		if !strings.Contains(reqs+"\n", want) {
			t.Errorf("requests lack %q:\n%s", want, reqs)
		}
	}
	events := strings.Join(rec.events, " ")
	for _, want := range []string{"capture:started", "capture:running", "capture:finished", "download:started", "download:running", "download:finished", "verify:finished"} {
		if !strings.Contains(events, want) {
			t.Errorf("progress lacks %s: %s", want, events)
		}
	}
	all := rec.String() + fmt.Sprint(res)
	for _, secret := range []string{"signed-url-secret", "transfer-from-url-secret", "transfer-to-url-secret", "db-password-secret", fakeKey, c.Password()} {
		if strings.Contains(all, secret) {
			t.Errorf("%s leaked into progress or the result", secret)
		}
	}
	assertEmptyDir(t, tmp)
}

func TestIntegrationHerokuBackupSelection(t *testing.T) {
	t.Parallel()
	c := pgtest.StartT(t, pgtest.Options{})
	ctx := context.Background()
	must(t, c.CreateDatabase(ctx, "src"))
	must(t, c.Exec(ctx, "src", "CREATE TABLE t (x int); INSERT INTO t SELECT generate_series(1, 10)"))
	must(t, c.CreateDatabase(ctx, "tgt"))
	dump := herokuStyleDump(t, c, "src")
	clk := clock.NewFake()

	// latest: b042 failed, so b041.
	f := newFakeHeroku(t, dump)
	tmp := t.TempDir()
	res, err := herokuExecutor(f, tmp, clk, nil).Run(ctx, Job{
		Source: Source{HerokuBackup: &HerokuBackup{App: "acme-api"}}, TargetURL: c.URL("tgt"),
		Options: Options{Verify: VerifyRowCounts, NoOwner: true, NoACL: true},
	})
	if err != nil {
		t.Fatalf("latest: %v", err)
	}
	if res.BackupID != "b041" || res.TablesRestored != 1 || len(res.Tables) != 1 || res.Tables[0].TargetRows != 10 {
		t.Errorf("latest: %+v", res)
	}

	// A named backup that failed: the error quotes its log.
	_, err = herokuExecutor(f, tmp, clk, nil).Run(ctx, Job{
		Source: Source{HerokuBackup: &HerokuBackup{App: "acme-api", Backup: "b042"}}, TargetURL: c.URL("tgt"),
	})
	if err == nil || !strings.Contains(err.Error(), "backup b042 of app \"acme-api\" failed on Heroku") || !strings.Contains(err.Error(), "out of disk space") {
		t.Errorf("b042: err = %v", err)
	}
	_, err = herokuExecutor(f, tmp, clk, nil).Run(ctx, Job{
		Source: Source{HerokuBackup: &HerokuBackup{App: "acme-api", Backup: "b007"}}, TargetURL: c.URL("tgt"),
	})
	if err == nil || !strings.Contains(err.Error(), "has no backup b007") {
		t.Errorf("b007: err = %v", err)
	}

	// A capture that fails.
	f2 := newFakeHeroku(t, dump)
	f2.captureFails = true
	_, err = herokuExecutor(f2, tmp, clk, nil).Run(ctx, Job{
		Source: Source{HerokuBackup: &HerokuBackup{App: "acme-api", Capture: true}}, TargetURL: c.URL("tgt"),
	})
	if err == nil || !strings.Contains(err.Error(), "backup b043 of postgresql-curly-12345 failed on Heroku") ||
		!strings.Contains(err.Error(), "conflict with recovery") {
		t.Errorf("failed capture: err = %v", err)
	}
	if err != nil && strings.Contains(err.Error(), "secret") {
		t.Errorf("secret in error: %v", err)
	}
	// An unknown attachment.
	_, err = herokuExecutor(f2, tmp, clk, nil).Run(ctx, Job{
		Source: Source{HerokuBackup: &HerokuBackup{App: "acme-api", Addon: "HEROKU_POSTGRESQL_PINK"}}, TargetURL: c.URL("tgt"),
	})
	if err == nil || !strings.Contains(err.Error(), "its attachments are DATABASE") {
		t.Errorf("unknown add-on: err = %v", err)
	}
	assertEmptyDir(t, tmp)
}
