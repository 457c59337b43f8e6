package herokuapi

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/pgtest"
)

// The Data API bodies, as a client would declare them from the field
// names the Heroku CLI's pg:backups commands read
// (https://github.com/heroku/cli/tree/main/packages/cli/src/commands/pg/backups).
// They are an independent oracle, on purpose not internal/heroku's
// structs: decoding is strict, by the CLI's names, so these pin the wire
// format the sandbox serves whatever the provider's client expects.

type wireTransferLog struct {
	CreatedAt string `json:"created_at"`
	Level     string `json:"level"`
	Message   string `json:"message"`
}

type wireTransfer struct {
	UUID           string                 `json:"uuid"`
	Num            int                    `json:"num"`
	FromName       string                 `json:"from_name"`
	FromType       string                 `json:"from_type"`
	FromURL        string                 `json:"from_url"`
	ToName         string                 `json:"to_name"`
	ToType         string                 `json:"to_type"`
	ToURL          string                 `json:"to_url"`
	Options        map[string]any         `json:"options"`
	SourceBytes    int64                  `json:"source_bytes"`
	ProcessedBytes int64                  `json:"processed_bytes"`
	Succeeded      bool                   `json:"succeeded"`
	Warnings       int                    `json:"warnings"`
	CreatedAt      string                 `json:"created_at"`
	StartedAt      *string                `json:"started_at"`
	CanceledAt     *string                `json:"canceled_at"`
	UpdatedAt      string                 `json:"updated_at"`
	FinishedAt     *string                `json:"finished_at"`
	DeletedAt      *string                `json:"deleted_at"`
	PurgedAt       *string                `json:"purged_at"`
	NumKeep        int                    `json:"num_keep"`
	Schedule       *struct{ UUID string } `json:"schedule"`
	Logs           []wireTransferLog      `json:"logs"`
}

// name is the backup name as the Heroku CLI derives it.
func (t wireTransfer) name() string {
	prefix := "b"
	if t.Schedule != nil {
		prefix = "a"
	}
	return fmt.Sprintf("%s%03d", prefix, t.Num)
}

type wireInfo struct {
	Name   string   `json:"name"`
	Values []string `json:"values"`
}

type wireDatabase struct {
	AddonID               string     `json:"addon_id"`
	AvailableForIngress   bool       `json:"available_for_ingress"`
	CreatedAt             string     `json:"created_at"`
	Credentials           int        `json:"credentials"`
	CurrentTransaction    int64      `json:"current_transaction"`
	DatabaseName          string     `json:"database_name"`
	DatabasePassword      string     `json:"database_password"`
	DatabaseUser          string     `json:"database_user"`
	ForkedFrom            *string    `json:"forked_from"`
	HerokuResourceID      string     `json:"heroku_resource_id"`
	HotStandby            bool       `json:"hot_standby?"`
	Info                  []wireInfo `json:"info"`
	IsInRecovery          bool       `json:"is_in_recovery"`
	Leader                *string    `json:"leader"`
	MetaasSource          string     `json:"metaas_source"`
	Name                  string     `json:"name"`
	NumBytes              int64      `json:"num_bytes"`
	NumConnections        int        `json:"num_connections"`
	NumConnectionsWaiting int        `json:"num_connections_waiting"`
	NumTables             int        `json:"num_tables"`
	Plan                  struct {
		ID   int    `json:"id"`
		Name string `json:"name"`
	} `json:"plan"`
	Port              int     `json:"port"`
	PostgresVersion   string  `json:"postgres_version"`
	ResourceURL       string  `json:"resource_url"`
	Standalone        bool    `json:"standalone?"`
	StatusUpdatedAt   string  `json:"status_updated_at"`
	TargetTransaction *string `json:"target_transaction"`
	Waiting           bool    `json:"waiting?"`
}

type wireTenantDatabase struct {
	AddonID      string     `json:"addon_id"`
	CreatedAt    string     `json:"created_at"`
	DatabaseName string     `json:"database_name"`
	DatabaseUser string     `json:"database_user"`
	Info         []wireInfo `json:"info"`
	Name         string     `json:"name"`
	NumBytes     int64      `json:"num_bytes"`
	Plan         string     `json:"plan"`
	ResourceURL  string     `json:"resource_url"`
	Waiting      bool       `json:"waiting?"`
}

type wirePublicURL struct {
	ExpiresAt string `json:"expires_at"`
	URL       string `json:"url"`
}

const pgAddon = "postgresql-curved-12345"

// send makes a request with the given header pairs (Authorization added
// unless given) and reads the whole answer.
func send(t testing.TB, method, url string, headers ...string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/vnd.heroku+json; version=3")
	req.Header.Set("Authorization", "Bearer "+testKey)
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, url, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: body}
}

func decodeOK[T any](t testing.TB, r response, want int) T {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d: %s", r.status, want, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	var v T
	decodeStrict(t, r.body, &v)
	return v
}

// sourceCluster starts a PostgreSQL cluster with a small database "acme"
// and returns it with the database's URL.
func sourceCluster(t *testing.T) (*pgtest.Cluster, string) {
	t.Helper()
	c := pgtest.StartT(t, pgtest.Options{})
	ctx := context.Background()
	if err := c.CreateDatabase(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	if err := c.Exec(ctx, "acme", `
		CREATE SCHEMA billing;
		CREATE TABLE public.users (id serial PRIMARY KEY, email text NOT NULL);
		CREATE TABLE billing.invoices (id bigint PRIMARY KEY, user_id int REFERENCES public.users, cents int);
		INSERT INTO public.users (email) SELECT 'user' || n || '@example.com' FROM generate_series(1, 300) n;
		INSERT INTO billing.invoices SELECT n, 1 + n % 300, n * 100 FROM generate_series(1, 500) n;`); err != nil {
		t.Fatal(err)
	}
	return c, c.URL("acme")
}

func needClient(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s is not installed: %v", name, err)
	}
}

// waitTransfer polls a transfer (verbosely) until it has finished.
func waitTransfer(t *testing.T, base, app, key string) wireTransfer {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		tr := decodeOK[wireTransfer](t, send(t, http.MethodGet, base+"/client/v11/apps/"+app+"/transfers/"+key+"?verbose=true"), 200)
		if tr.FinishedAt != nil {
			return tr
		}
		if time.Now().After(deadline) {
			t.Fatalf("transfer %s did not finish: %+v", key, tr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func addonID(s *Server, name string) string { return s.data.lookupAddon(name).id }

func TestCaptureDownloadRestore(t *testing.T) {
	t.Parallel()
	needClient(t, "pg_dump")
	needClient(t, "pg_restore")
	c, dbURL := sourceCluster(t)

	// A pg_dump wrapper that records its arguments and whether it got the
	// password from the environment.
	dir := t.TempDir()
	record := filepath.Join(dir, "argv")
	wrapper := filepath.Join(dir, "pg_dump")
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + record + "\n[ -n \"$PGPASSWORD\" ] && echo PGPASSWORD-set >> " + record + "\nexec pg_dump \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}

	s, base := startSample(t, Options{PGDump: wrapper})
	if err := s.SetAddonDatabase(pgAddon, dbURL); err != nil {
		t.Fatal(err)
	}
	// processed_bytes shows once pg_dump is done and until the delay ends:
	// the delay must outlast pg_dump even on a loaded machine, or there is
	// no window to see progress in (300 ms was not enough under load).
	s.SetCaptureDelay(2 * time.Second)
	id := addonID(s, pgAddon)

	// Check the database, then capture, as the CLI does.
	db := decodeOK[wireDatabase](t, send(t, http.MethodGet, base+"/client/v11/databases/"+id), 200)
	if db.AddonID != id || db.Name != pgAddon || db.NumTables != 2 || db.ResourceURL != dbURL || db.Plan.Name != "standard-0" || db.DatabaseName != "acme" {
		t.Errorf("database info: %+v", db)
	}
	started := decodeOK[wireTransfer](t, send(t, http.MethodPost, base+"/client/v11/databases/"+id+"/backups"), 200)
	if started.Num != 1 || started.name() != "b001" || started.FromName != "DATABASE" || started.FromType != "pg_dump" ||
		started.ToName != "BACKUP" || started.ToType != "gof3r" || started.FinishedAt != nil || started.Succeeded ||
		started.StartedAt == nil || started.Logs != nil || !isUUID(started.UUID) {
		t.Errorf("capture answer: %+v", started)
	}
	if strings.Contains(started.FromURL, c.Password()) || !strings.HasSuffix(started.FromURL, "/acme") {
		t.Errorf("from_url %q: want the database URL without credentials", started.FromURL)
	}
	if _, err := time.Parse(dataTimeLayout, started.CreatedAt); err != nil || !strings.HasSuffix(started.CreatedAt, " +0000") {
		t.Errorf("created_at %q is not in the Data API format: %v", started.CreatedAt, err)
	}

	// While the capture is held running, processed_bytes shows progress.
	sawProgress := false
	for i := 0; i < 400 && !sawProgress; i++ {
		tr := decodeOK[wireTransfer](t, send(t, http.MethodGet, base+"/client/v11/apps/acme-api/transfers/"+started.UUID), 200)
		if tr.FinishedAt != nil {
			break
		}
		sawProgress = tr.ProcessedBytes > 0
		time.Sleep(10 * time.Millisecond)
	}
	if !sawProgress {
		t.Error("never saw processed_bytes > 0 before finished_at")
	}

	done := waitTransfer(t, base, "acme-api", "1")
	if !done.Succeeded || done.ProcessedBytes == 0 || done.SourceBytes == 0 || done.CanceledAt != nil {
		t.Fatalf("finished transfer: %+v", done)
	}
	var messages []string
	for _, l := range done.Logs {
		messages = append(messages, l.Level+" "+l.Message)
		if l.Level == "error" {
			t.Errorf("error log line in a successful backup: %q", l.Message)
		}
	}
	if !slices.Contains(messages, "info upload done") || !slices.ContainsFunc(messages, func(m string) bool { return strings.HasPrefix(m, "info pg_dump: reading") }) {
		t.Errorf("logs: %q", messages)
	}

	// pg_dump got the password from the environment, not its arguments.
	argv, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(argv), c.Password()) || !strings.Contains(string(argv), "PGPASSWORD-set") || !strings.Contains(string(argv), "--format=custom") {
		t.Errorf("pg_dump arguments:\n%s", argv)
	}
	// The dump is a private file.
	s.pg.mu.Lock()
	file := s.pg.transfers[s.data.lookupApp("acme-api").app.ID][0].file
	s.pg.mu.Unlock()
	if info, err := os.Stat(file); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("dump file %s: %v %v", file, info, err)
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(want)) != done.ProcessedBytes {
		t.Errorf("processed_bytes %d, file has %d", done.ProcessedBytes, len(want))
	}

	// The public URL; the first download is cut after 1000 bytes.
	pub := decodeOK[wirePublicURL](t, send(t, http.MethodPost, base+"/client/v11/apps/acme-api/transfers/1/actions/public-url"), 200)
	if !strings.HasPrefix(pub.URL, base+"/_backups/") {
		t.Fatalf("url %q", pub.URL)
	}
	s.CutDownloadsAfter(1000)
	resp, err := http.Get(pub.URL)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/octet-stream" ||
		resp.Header.Get("Accept-Ranges") != "bytes" || resp.ContentLength != int64(len(want)) {
		t.Fatalf("download: %d %v", resp.StatusCode, resp.Header)
	}
	etag := resp.Header.Get("ETag")
	sum := md5.Sum(want)
	if etag != `"`+hex.EncodeToString(sum[:])+`"` {
		t.Errorf("ETag %s, want the MD5 of the file", etag)
	}
	part, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !errors.Is(err, io.ErrUnexpectedEOF) || len(part) != 1000 {
		t.Fatalf("cut download: %d bytes, %v; want 1000 bytes and an unexpected EOF", len(part), err)
	}

	// Resume with a Range request (and If-Range, as careful clients do).
	r := send(t, http.MethodGet, pub.URL, "Authorization", "", "Range", "bytes=1000-", "If-Range", etag)
	if r.status != http.StatusPartialContent || r.header.Get("Content-Range") != fmt.Sprintf("bytes 1000-%d/%d", len(want)-1, len(want)) {
		t.Fatalf("resume: %d %v", r.status, r.header)
	}
	got := append(part, r.body...)
	if !bytes.Equal(got, want) {
		t.Fatal("the resumed download differs from the dump")
	}

	// The file is a custom-format archive of the database.
	out := filepath.Join(dir, "latest.dump")
	if err := os.WriteFile(out, got, 0o600); err != nil {
		t.Fatal(err)
	}
	list, err := exec.Command("pg_restore", "--list", out).CombinedOutput()
	if err != nil {
		t.Fatalf("pg_restore --list: %v\n%s", err, list)
	}
	for _, entry := range []string{"TABLE public users", "TABLE billing invoices", "TABLE DATA public users", "SCHEMA - billing"} {
		if !strings.Contains(string(list), entry) {
			t.Errorf("pg_restore --list lacks %q:\n%s", entry, list)
		}
	}

	// Close removes the dump.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("dump file left after Close: %v", err)
	}
	if _, err := os.Stat(filepath.Dir(file)); !os.IsNotExist(err) {
		t.Errorf("dump directory left after Close: %v", err)
	}
	if r := send(t, http.MethodGet, pub.URL, "Authorization", ""); r.status != 404 || !bytes.Contains(r.body, []byte("NoSuchKey")) {
		t.Errorf("download after Close: %d %s", r.status, r.body)
	}
	wantError(t, send(t, http.MethodPost, base+"/client/v11/databases/"+id+"/backups"), 503, "unavailable")
}

func TestFailedCaptures(t *testing.T) {
	t.Parallel()
	needClient(t, "pg_dump")
	c, dbURL := sourceCluster(t)
	s, base := startSample(t, Options{})
	if err := s.SetAddonDatabase(pgAddon, dbURL); err != nil {
		t.Fatal(err)
	}
	id := addonID(s, pgAddon)
	capture := func() wireTransfer {
		t.Helper()
		return decodeOK[wireTransfer](t, send(t, http.MethodPost, base+"/client/v11/databases/"+id+"/backups"), 200)
	}

	// An injected failure, with its log lines.
	s.FailNextCapture("pg_dump: error: query failed: ERROR:  canceling statement due to statement timeout", "pg_dump: detail: Query was: LOCK TABLE public.users")
	first := capture()
	done := waitTransfer(t, base, "acme-api", first.UUID)
	if done.Succeeded || done.FinishedAt == nil || len(done.Logs) != 2 || done.Logs[0].Level != "error" ||
		!strings.Contains(done.Logs[0].Message, "statement timeout") || done.Logs[1].Level != "error" {
		t.Errorf("failed capture: %+v", done)
	}
	// Without verbose there are no logs, as on Heroku.
	quiet := decodeOK[wireTransfer](t, send(t, http.MethodGet, base+"/client/v11/apps/acme-api/transfers/"+first.UUID), 200)
	if quiet.Logs != nil || quiet.FinishedAt == nil || bytes.Contains(send(t, http.MethodGet, base+"/client/v11/apps/acme-api/transfers/1").body, []byte(`"logs"`)) {
		t.Errorf("quiet transfer: %+v", quiet)
	}
	body := wantError(t, send(t, http.MethodPost, base+"/client/v11/apps/acme-api/transfers/1/actions/public-url"), 422, "unprocessable_entity")
	if !strings.Contains(body["message"].(string), "b001") {
		t.Errorf("message: %v", body["message"])
	}

	// The failure is for one capture only.
	second := capture()
	if second.Num != 2 || !waitTransfer(t, base, "acme-api", "2").Succeeded {
		t.Errorf("capture after the failure: %+v", second)
	}

	// A real pg_dump failure: the database is gone.
	if err := s.SetAddonDatabase(pgAddon, c.URL("missing")); err != nil {
		t.Fatal(err)
	}
	third := capture()
	done = waitTransfer(t, base, "acme-api", strconv.Itoa(third.Num))
	if done.Succeeded {
		t.Fatal("a dump of a missing database succeeded")
	}
	var errs []string
	for _, l := range done.Logs {
		if l.Level == "error" {
			errs = append(errs, l.Message)
		}
		if strings.Contains(l.Message, c.Password()) {
			t.Errorf("a log line holds the password: %q", l.Message)
		}
	}
	if !slices.ContainsFunc(errs, func(m string) bool { return strings.Contains(m, `database "missing" does not exist`) }) {
		t.Errorf("error lines: %q", errs)
	}
	s.pg.mu.Lock()
	defer s.pg.mu.Unlock()
	for _, tr := range s.pg.transfers[s.data.lookupApp("acme-api").app.ID] {
		if !tr.succeeded && tr.file != "" {
			t.Errorf("failed transfer %d kept a file", tr.num)
		}
	}
}

// s3ErrorBody decodes an S3 XML error.
func s3ErrorBody(t *testing.T, r response, status int, code string) s3Error {
	t.Helper()
	if r.status != status || r.header.Get("Content-Type") != "application/xml" {
		t.Fatalf("status %d (want %d), Content-Type %q: %s", r.status, status, r.header.Get("Content-Type"), r.body)
	}
	var e s3Error
	if err := xml.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("not S3 XML: %v: %s", err, r.body)
	}
	if e.Code != code || e.RequestID == "" || r.header.Get("x-amz-request-id") != e.RequestID {
		t.Errorf("S3 error %+v, want code %s", e, code)
	}
	return e
}

func writeDump(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "seed.dump")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBackupURLs(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake()
	f := sample(t)
	f.Apps[0].Addons[0].Backups = []Backup{{Num: 7, Scheduled: true}}
	s, base := Start(t, f, Options{APIKey: testKey, Clock: clk, BackupURLTTL: time.Minute})
	dump := writeDump(t, "PGDMP fake archive 0123456789")
	num, name, err := s.AddBackup("acme-api", dump)
	if err != nil || num != 8 || name != "b008" {
		t.Fatalf("AddBackup = %d, %q, %v; want 8 (after the seeded 7), b008", num, name, err)
	}
	publicURL := func(key string) wirePublicURL {
		t.Helper()
		return decodeOK[wirePublicURL](t, send(t, http.MethodPost, base+"/client/v11/apps/acme-api/transfers/"+key+"/actions/public-url"), 200)
	}
	pub := publicURL("8")
	if pub.ExpiresAt != dataTime(clk.Now().Add(time.Minute)) {
		t.Errorf("expires_at %q", pub.ExpiresAt)
	}

	// No authorization, and no rate-limit token spent.
	before := s.RateLimitRemaining()
	r := send(t, http.MethodGet, pub.URL, "Authorization", "")
	if r.status != 200 || string(r.body) != "PGDMP fake archive 0123456789" || r.header.Get("RateLimit-Remaining") != "" {
		t.Fatalf("download: %d %v %q", r.status, r.header, r.body)
	}
	r = send(t, http.MethodGet, pub.URL, "Authorization", "", "Range", "bytes=6-9")
	if r.status != 206 || string(r.body) != "fake" {
		t.Errorf("range download: %d %q", r.status, r.body)
	}
	if after := s.RateLimitRemaining(); after != before {
		t.Errorf("downloads spent rate-limit tokens: %d → %d", before, after)
	}
	// The token stays out of the request log.
	for _, req := range s.Requests() {
		if strings.Contains(req.Path, "/_backups/") && req.Path != "/_backups/{token}" {
			t.Errorf("request log holds the token: %q", req.Path)
		}
	}

	// Presigned for GET only.
	if r := send(t, http.MethodHead, pub.URL); r.status != 403 || r.header.Get("Content-Type") != "application/xml" {
		t.Errorf("HEAD: %d %v", r.status, r.header)
	}
	s3ErrorBody(t, send(t, http.MethodPut, pub.URL), 403, "SignatureDoesNotMatch")
	// Unknown token.
	if e := s3ErrorBody(t, send(t, http.MethodGet, base+"/_backups/nope"), 403, "AccessDenied"); e.Message != "Access Denied" {
		t.Errorf("unknown token: %+v", e)
	}
	// Expiry by the clock.
	clk.Advance(time.Minute)
	e := s3ErrorBody(t, send(t, http.MethodGet, pub.URL), 403, "AccessDenied")
	if e.Message != "Request has expired" || e.XAmzExpire != "60" || e.Expires == "" || e.ServerTime == "" {
		t.Errorf("expired: %+v", e)
	}
	// A fresh URL works; ExpireBackupURLs ends it.
	pub = publicURL("8")
	if r := send(t, http.MethodGet, pub.URL); r.status != 200 {
		t.Fatalf("fresh URL: %d", r.status)
	}
	s.ExpireBackupURLs()
	s3ErrorBody(t, send(t, http.MethodGet, pub.URL), 403, "AccessDenied")
	if r := send(t, http.MethodGet, publicURL("8").URL); r.status != 200 {
		t.Errorf("URL issued after ExpireBackupURLs: %d", r.status)
	}

	// A seeded backup has no file: S3's NoSuchKey.
	e = s3ErrorBody(t, send(t, http.MethodGet, publicURL("7").URL), 404, "NoSuchKey")
	if e.Key == "" {
		t.Errorf("NoSuchKey without Key: %+v", e)
	}
	// Unknown transfers and apps.
	wantError(t, send(t, http.MethodPost, base+"/client/v11/apps/acme-api/transfers/99/actions/public-url"), 404, "not_found")
	wantError(t, send(t, http.MethodPost, base+"/client/v11/apps/nope/transfers/8/actions/public-url"), 404, "not_found")
	// AddBackup's file is not ours: Close leaves it.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dump); err != nil {
		t.Errorf("Close removed the AddBackup file: %v", err)
	}
}

func TestCutNextDownloads(t *testing.T) {
	t.Parallel()
	s, base := startSample(t, Options{})
	content := strings.Repeat("0123456789", 1000)
	if _, _, err := s.AddBackup("acme-api", writeDump(t, content)); err != nil {
		t.Fatal(err)
	}
	pub := decodeOK[wirePublicURL](t, send(t, http.MethodPost, base+"/client/v11/apps/acme-api/transfers/1/actions/public-url"), 200)
	s.CutNextDownloads(2, 10)
	for i := range 2 {
		resp, err := http.Get(pub.URL)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !errors.Is(err, io.ErrUnexpectedEOF) || string(got) != content[:10] {
			t.Errorf("download %d: %d bytes, %v", i, len(got), err)
		}
	}
	if r := send(t, http.MethodGet, pub.URL); r.status != 200 || string(r.body) != content {
		t.Errorf("third download: %d, %d bytes", r.status, len(r.body))
	}
	// A download shorter than the cut completes (and uses up the cut).
	s.CutDownloadsAfter(100)
	if r := send(t, http.MethodGet, pub.URL, "Range", "bytes=0-9"); r.status != 206 || string(r.body) != content[:10] {
		t.Errorf("short download: %d %q", r.status, r.body)
	}
	if r := send(t, http.MethodGet, pub.URL); r.status != 200 || len(r.body) != len(content) {
		t.Errorf("download after the used cut: %d, %d bytes", r.status, len(r.body))
	}
}

func TestDataAPIAuthAndRateLimit(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake()
	s, base := startSample(t, Options{RateLimitBucket: 5, Clock: clk})
	id := addonID(s, pgAddon)
	for _, path := range []string{"/client/v11/databases/" + id, "/client/v11/apps/acme-api/transfers"} {
		wantError(t, send(t, http.MethodGet, base+path, "Authorization", ""), 401, "unauthorized")
		wantError(t, send(t, http.MethodGet, base+path, "Authorization", "Bearer wrong"), 401, "unauthorized")
	}
	wantError(t, send(t, http.MethodPost, base+"/client/v11/databases/"+id+"/backups", "Authorization", ""), 401, "unauthorized")
	// Data API calls share the account's bucket.
	if got := s.RateLimitRemaining(); got != 0 {
		t.Errorf("RateLimitRemaining = %d after 5 calls, want 0", got)
	}
	wantError(t, send(t, http.MethodGet, base+"/client/v11/apps/acme-api/transfers"), 429, "rate_limit")
	if _, _, err := s.AddBackup("acme-api", writeDump(t, "x")); err != nil {
		t.Fatal(err)
	}
	// Logged like any request.
	log := s.Requests()
	if last := log[len(log)-1]; last.Path != "/client/v11/apps/acme-api/transfers" || last.Status != 429 || !last.Authorized {
		t.Errorf("last request logged as %+v", last)
	}
}

func TestDataAPINotFound(t *testing.T) {
	t.Parallel()
	s, base := startSample(t, Options{})
	redis := addonID(s, "redis-rugged-67890")
	pg := addonID(s, pgAddon)
	for _, path := range []string{
		"/client/v11/databases/" + pg, // no database behind it
		"/client/v11/databases/" + redis,
		"/client/v11/databases/" + pgAddon, // by name: the API takes ids
		"/client/v11/databases/00000000-0000-0000-0000-000000000000",
	} {
		body := wantError(t, send(t, http.MethodGet, base+path), 404, "not_found")
		if body["message"] != "Couldn't find that database." {
			t.Errorf("%s: %v", path, body["message"])
		}
		wantError(t, send(t, http.MethodPost, base+path+"/backups"), 404, "not_found")
	}
	for _, path := range []string{"/client/v11/apps/nope/transfers", "/client/v11/apps/nope/transfers/1"} {
		body := wantError(t, send(t, http.MethodGet, base+path), 404, "not_found")
		if body["resource"] != "app" {
			t.Errorf("%s: %v", path, body)
		}
	}
	wantError(t, send(t, http.MethodGet, base+"/client/v11/apps/acme-api/transfers/1"), 404, "not_found")
	wantError(t, send(t, http.MethodGet, base+"/client/v11/apps/acme-api/transfers/b001"), 404, "not_found")
	for _, c := range []struct{ method, path string }{
		{http.MethodGet, "/client/v11/databases/" + pg + "/backups"},
		{http.MethodPost, "/client/v11/apps/acme-api/transfers"},
		{http.MethodGet, "/client/v11/apps/acme-api/transfers/1/actions/public-url"},
		{http.MethodGet, "/client/v10/apps/acme-api/transfers"},
		{http.MethodGet, "/client/v11"},
		{http.MethodPost, "/apps/acme-api"},
	} {
		wantError(t, send(t, c.method, base+c.path), 404, "not_found")
	}
}

func TestTransfersListAndLatest(t *testing.T) {
	t.Parallel()
	clk := clock.NewFakeAt(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	f := sample(t)
	day := func(d int) *time.Time { return new(time.Date(2024, 12, d, 2, 0, 0, 0, time.UTC)) }
	f.Apps[0].Addons[0].Backups = []Backup{
		{Num: 1, Scheduled: true, CreatedAt: day(1), SourceBytes: 5000, ProcessedBytes: 1200},
		{Num: 3, Scheduled: true, CreatedAt: day(3), Succeeded: new(false), Logs: []string{"pg_dump: error: connection lost"}},
		{Num: 2, CreatedAt: day(2)},
		{Scheduled: true, CreatedAt: day(4)}, // num 4
	}
	s, base := Start(t, f, Options{APIKey: testKey, Clock: clk})
	list := decodeOK[[]wireTransfer](t, send(t, http.MethodGet, base+"/client/v11/apps/acme-api/transfers"), 200)
	var names []string
	for _, tr := range list {
		names = append(names, tr.name())
		if tr.Logs != nil {
			t.Errorf("%s: logs without verbose", tr.name())
		}
	}
	if strings.Join(names, " ") != "a001 b002 a003 a004" {
		t.Errorf("list order %v, want by created_at", names)
	}
	if list[0].SourceBytes != 5000 || list[0].ProcessedBytes != 1200 || list[0].Schedule == nil || !list[0].Succeeded || list[2].Succeeded {
		t.Errorf("seeded values: %+v", list)
	}

	// "latest" is the client's to compute, as the Heroku CLI does: the
	// newest created_at among succeeded backups (to_type gof3r).
	latest := func() wireTransfer {
		t.Helper()
		list := decodeOK[[]wireTransfer](t, send(t, http.MethodGet, base+"/client/v11/apps/acme-api/transfers"), 200)
		var backups []wireTransfer
		for _, tr := range list {
			if tr.Succeeded && tr.ToType == "gof3r" {
				backups = append(backups, tr)
			}
		}
		sort.SliceStable(backups, func(i, j int) bool { return backups[i].CreatedAt < backups[j].CreatedAt })
		return backups[len(backups)-1]
	}
	if got := latest(); got.name() != "a004" {
		t.Errorf("latest = %s, want a004", got.name())
	}
	clk.Advance(time.Hour)
	if _, name, err := s.AddBackup("acme-api", writeDump(t, "x")); err != nil || name != "b005" {
		t.Fatalf("AddBackup: %q %v", name, err)
	}
	if got := latest(); got.name() != "b005" || got.CreatedAt != "2025-01-01 01:00:00 +0000" {
		t.Errorf("latest after AddBackup = %s at %s", got.name(), got.CreatedAt)
	}

	// By number and by uuid, verbose with logs.
	v := decodeOK[wireTransfer](t, send(t, http.MethodGet, base+"/client/v11/apps/acme-api/transfers/3?verbose=true"), 200)
	if v.Num != 3 || len(v.Logs) != 1 || v.Logs[0].Level != "error" || v.Logs[0].Message != "pg_dump: error: connection lost" {
		t.Errorf("transfer 3: %+v", v)
	}
	byUUID := decodeOK[wireTransfer](t, send(t, http.MethodGet, base+"/client/v11/apps/"+s.data.lookupApp("acme-api").app.ID+"/transfers/"+strings.ToUpper(v.UUID)), 200)
	if byUUID.Num != 3 {
		t.Errorf("by uuid (and app id): %+v", byUUID)
	}
	// The backups belong to the billing app: the attached app lists none.
	if got := decodeOK[[]wireTransfer](t, send(t, http.MethodGet, base+"/client/v11/apps/acme-worker/transfers"), 200); len(got) != 0 {
		t.Errorf("acme-worker transfers: %+v", got)
	}
	// Verbose lists carry logs.
	for _, tr := range decodeOK[[]wireTransfer](t, send(t, http.MethodGet, base+"/client/v11/apps/acme-api/transfers?verbose=true"), 200) {
		if tr.Logs == nil {
			t.Errorf("%s: verbose list without logs", tr.name())
		}
	}
}

func TestDatabaseInfoShapes(t *testing.T) {
	t.Parallel()
	c := pgtest.StartT(t, pgtest.Options{})
	f := sample(t)
	f.Apps[1].Addons = []Addon{{Name: "postgresql-tiny-1", Plan: "heroku-postgresql:essential-0", DatabaseURL: c.URL("postgres")}}
	f.Apps[0].Addons[0].DatabaseURL = c.URL("postgres")
	s, base := Start(t, f, Options{APIKey: testKey})

	db := decodeOK[wireDatabase](t, send(t, http.MethodGet, base+"/client/v11/databases/"+strings.ToUpper(addonID(s, pgAddon))), 200)
	info := map[string]string{}
	for _, i := range db.Info {
		info[i.Name] = strings.Join(i.Values, ", ")
	}
	if info["Plan"] != "Standard 0" || info["Status"] != "Available" || info["PG Version"] == "" || strings.Contains(info["PG Version"], " ") ||
		info["Continuous Protection"] != "On" || !strings.HasSuffix(info["Connections"], "/50") || info["Tables"] != "0" {
		t.Errorf("info: %v", info)
	}
	if db.DatabaseUser != c.Superuser() || db.DatabasePassword != c.Password() || db.Port != c.Port() || db.NumBytes == 0 || db.PostgresVersion == "" {
		t.Errorf("database: %+v", db)
	}
	if _, err := time.Parse(dataTimeLayout, db.CreatedAt); err != nil {
		t.Errorf("created_at %q: %v", db.CreatedAt, err)
	}

	tenant := decodeOK[wireTenantDatabase](t, send(t, http.MethodGet, base+"/client/v11/databases/"+addonID(s, "postgresql-tiny-1")), 200)
	if tenant.Plan != "essential-0" || tenant.Name != "postgresql-tiny-1" || tenant.ResourceURL != c.URL("postgres") || len(tenant.Info) == 0 {
		t.Errorf("tenant database: %+v", tenant)
	}

	// A database that does not answer is still described, as unavailable.
	if err := s.SetAddonDatabase(pgAddon, "postgres://u:p@127.0.0.1:1/none"); err != nil {
		t.Fatal(err)
	}
	db = decodeOK[wireDatabase](t, send(t, http.MethodGet, base+"/client/v11/databases/"+addonID(s, pgAddon)), 200)
	if db.Info[1].Name != "Status" || db.Info[1].Values[0] != "Unavailable" {
		t.Errorf("unreachable database: %+v", db.Info)
	}
	// Detached: 404 again.
	if err := s.SetAddonDatabase(addonID(s, pgAddon), ""); err != nil {
		t.Fatal(err)
	}
	wantError(t, send(t, http.MethodGet, base+"/client/v11/databases/"+addonID(s, pgAddon)), 404, "not_found")
}

func TestSetAddonDatabaseErrors(t *testing.T) {
	t.Parallel()
	s, _ := startSample(t, Options{})
	const secret = "canary-pw-8d1f"
	for _, c := range []struct{ addon, url, want string }{
		{"nope", "postgres://u:" + secret + "@h/db", "no add-on"},
		{"redis-rugged-67890", "postgres://u:" + secret + "@h/db", "not heroku-postgresql"},
		{pgAddon, "mysql://u:" + secret + "@h/db", "scheme"},
		{pgAddon, "postgres://u:" + secret + "@h/", "no database name"},
		{pgAddon, "postgres://u:" + secret + "@/db", "no host"},
		{pgAddon, "postgres://h/db", "no user"},
		{pgAddon, "postgres://u:" + secret + "@h/db\x7f%zz", "not a URL"},
	} {
		err := s.SetAddonDatabase(c.addon, c.url)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("SetAddonDatabase(%q): %v, want %q", c.addon, err, c.want)
		} else if strings.Contains(err.Error(), secret) {
			t.Errorf("the error quotes the password: %v", err)
		}
	}
	if _, _, err := s.AddBackup("acme-worker", writeDump(t, "x")); err == nil {
		t.Error("AddBackup to an app without its own Postgres add-on succeeded")
	}
	if _, _, err := s.AddBackup("acme-api", filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("AddBackup of a missing file succeeded")
	}
	if _, _, err := s.AddBackup("nope", writeDump(t, "x")); err == nil {
		t.Error("AddBackup to a missing app succeeded")
	}
}

func TestFixtureDataAPIValidation(t *testing.T) {
	t.Parallel()
	const secret = "canary-fixture-pw-41"
	f := sample(t)
	f.Apps[0].Addons[0].DatabaseURL = "ftp://u:" + secret + "@h/db"
	f.Apps[0].Addons[1].DatabaseURL = "postgres://u:" + secret + "@h/db"
	f.Apps[0].Addons[1].Backups = []Backup{{Num: 1}}
	f.Apps[0].Addons[0].Backups = []Backup{{Num: 2}, {Num: 2}, {Num: -1}, {SourceBytes: -5}}
	err := f.Validate()
	if err == nil {
		t.Fatal("invalid Data API fixture accepted")
	}
	for _, want := range []string{
		"addons[0] \"postgresql-curved-12345\": database_url: scheme",
		"addons[1] \"redis-rugged-67890\": database_url is only for heroku-postgresql",
		"addons[1] \"redis-rugged-67890\": backups are only for heroku-postgresql",
		"backups[1]: num 2 is already used",
		"backups[2]: num -1 is negative",
		"backups[3]: sizes must not be negative",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("the error quotes a database password:\n%v", err)
	}

	// Strict JSON decoding knows the new fields.
	data := `{"apps":[{"name":"acme-api","addons":[{"name":"pg-1","plan":"heroku-postgresql:standard-0",
		"database_url":"postgres://u:p@127.0.0.1:5432/db",
		"backups":[{"num":3,"scheduled":true,"created_at":"2024-05-01T02:00:00Z","succeeded":false,"source_bytes":1,"processed_bytes":1,"logs":["x"]}]}]}]}`
	if _, err := LoadFixture(strings.NewReader(data)); err != nil {
		t.Fatal(err)
	}
}

func TestCloseCancelsCaptures(t *testing.T) {
	t.Parallel()
	needClient(t, "pg_dump")
	_, dbURL := sourceCluster(t)
	s, err := New(sample(t), Options{APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetAddonDatabase(pgAddon, dbURL); err != nil {
		t.Fatal(err)
	}
	s.SetCaptureDelay(time.Hour)
	tr, err := s.startCapture(s.data.lookupAddon(pgAddon), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	// Wait until the dump is written (it is then held by the delay).
	deadline := time.Now().Add(30 * time.Second)
	s.pg.mu.Lock()
	running := s.pg.transfers[s.data.lookupApp("acme-api").app.ID][0]
	s.pg.mu.Unlock()
	for running.processed.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	s.pg.mu.Lock()
	dir := s.pg.dir
	s.pg.mu.Unlock()

	start := time.Now()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Close took %v", d)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	s.pg.mu.Lock()
	got := running.json(true)
	s.pg.mu.Unlock()
	if got.Num != tr.Num || got.Succeeded || got.CanceledAt == nil || got.FinishedAt == nil {
		t.Errorf("canceled capture: %+v", got)
	}
	if dir == "" {
		t.Fatal("no dump directory was made")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s left after Close: %v", dir, err)
	}
}

func TestPGDumpTarget(t *testing.T) {
	t.Parallel()
	for in, want := range map[string][2]string{
		"postgres://u:secret@h:5432/db":                     {"postgres://u@h:5432/db", "secret"},
		"postgres://u@h/db?password=secret&sslmode=require": {"postgres://u@h/db?sslmode=require", "secret"},
		"postgresql://u:p%40ss@h/db?password=other":         {"postgresql://u@h/db", "p@ss"},
		"postgres://u@h/db":                                 {"postgres://u@h/db", ""},
	} {
		target, password, err := pgDumpTarget(in)
		if err != nil || target != want[0] || password != want[1] {
			t.Errorf("pgDumpTarget(%q) = %q, %q, %v; want %q, %q", in, target, password, err, want[0], want[1])
		}
	}
	if _, _, err := pgDumpTarget("postgres://h/db"); err == nil {
		t.Error("a URL without a user was accepted")
	}
}

// FuzzPGDumpTarget: whatever the URL, pg_dump's command line never gets a
// password.
func FuzzPGDumpTarget(f *testing.F) {
	f.Add("postgres://u:secret@h:5432/db?password=x&sslmode=disable")
	f.Add("postgresql://u@h/db?PASSWORD=y")
	f.Add("postgres://u:p%3Aq@[::1]:5432/d%2Fb")
	f.Fuzz(func(t *testing.T, s string) {
		target, password, err := pgDumpTarget(s)
		if err != nil {
			return
		}
		u, err := url.Parse(target)
		if err != nil {
			t.Fatalf("target %q does not parse: %v", target, err)
		}
		if _, has := u.User.Password(); has {
			t.Fatalf("target %q has a password", target)
		}
		if u.Query().Has("password") {
			t.Fatalf("target %q has a password parameter", target)
		}
		in, _ := url.Parse(s)
		if p, ok := in.User.Password(); ok && p != "" && p != password {
			t.Fatalf("password %q, want %q", password, p)
		}
	})
}
