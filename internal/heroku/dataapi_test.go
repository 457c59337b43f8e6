package heroku

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// A transfer as the Data API sends it (heroku/cli test fixtures): times in
// "YYYY-MM-DD HH:MM:SS +0000", and from_url/to_url with credentials that
// must not survive decoding.
const transferJSON = `{
  "uuid": "ffffffff-0000-4000-8000-000000000042",
  "num": 42,
  "from_name": "DATABASE",
  "from_type": "pg_dump",
  "from_url": "postgres://u:SECRET-FROM-URL@ec2.example.com:5432/d1",
  "to_name": "BACKUP",
  "to_type": "gof3r",
  "to_url": "https://s3.example.com/bucket/b042?X-Amz-Signature=SECRET-TO-URL",
  "options": {},
  "source_bytes": 1048576,
  "processed_bytes": 524288,
  "succeeded": true,
  "warnings": 1,
  "created_at": "2016-10-08 00:42:54 +0000",
  "started_at": "2016-10-08 00:42:55 +0000",
  "finished_at": "2016-10-08 00:43:00 +0000",
  "updated_at": "2016-10-08 00:43:04 +0000",
  "canceled_at": null,
  "schedule": null,
  "logs": [{"created_at": "2016-10-08 00:42:55 +0000", "level": "info", "message": "pg_dump: dumping contents of table users"}]
}`

func TestTransferDecoding(t *testing.T) {
	t.Parallel()
	var tr Transfer
	if err := json.Unmarshal([]byte(transferJSON), &tr); err != nil {
		t.Fatal(err)
	}
	want := time.Date(2016, 10, 8, 0, 42, 54, 0, time.UTC)
	if !tr.CreatedAt.Equal(want) || tr.FinishedAt == nil || !tr.FinishedAt.Equal(want.Add(6*time.Second)) ||
		tr.StartedAt == nil || tr.CanceledAt != nil {
		t.Errorf("times = %v %v %v %v", tr.CreatedAt, tr.StartedAt, tr.FinishedAt, tr.CanceledAt)
	}
	if tr.Num != 42 || tr.Name != "b042" || !tr.Succeeded || !tr.IsBackup() || !tr.Finished() ||
		tr.SourceBytes != 1048576 || tr.ProcessedBytes != 524288 || tr.Warnings != 1 || tr.Scheduled {
		t.Errorf("decoded %+v", tr)
	}
	if len(tr.Logs) != 1 || tr.Logs[0].Level != "info" || !tr.Logs[0].CreatedAt.Equal(want.Add(time.Second)) {
		t.Errorf("logs = %+v", tr.Logs)
	}
	out, _ := json.Marshal(tr)
	if strings.Contains(string(out), "SECRET") {
		t.Errorf("credentials of from_url/to_url survived decoding: %s", out)
	}
	if !strings.Contains(tr.LogText(), "dumping contents of table users") {
		t.Errorf("LogText = %q", tr.LogText())
	}
}

func TestTransferDecodingLenient(t *testing.T) {
	t.Parallel()
	var tr Transfer
	err := json.Unmarshal([]byte(`{"num":"7","created_at":"2024-05-01T10:00:00Z","finished_at":"101","schedule":{"uuid":"x"},"from_type":"pg_dump","to_type":"gof3r"}`), &tr)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Num != 7 || tr.Name != "a007" || !tr.Scheduled {
		t.Errorf("num/name = %d %q", tr.Num, tr.Name)
	}
	if tr.FinishedAt == nil || !tr.FinishedAt.IsZero() {
		t.Errorf("an unparseable finished_at must still mean finished: %v", tr.FinishedAt)
	}
	if !tr.CreatedAt.Equal(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("created_at = %v", tr.CreatedAt)
	}
}

func TestTransferName(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		t    Transfer
		want string
	}{
		{Transfer{Num: 42, FromType: "pg_dump", ToType: "gof3r"}, "b042"},
		{Transfer{Num: 12, FromType: "pg_dump", ToType: "gof3r", Scheduled: true}, "a012"},
		{Transfer{Num: 3, FromType: "pg_dump", ToType: "pg_restore"}, "c003"},
		{Transfer{Num: 5, FromType: "gof3r", ToType: "pg_restore"}, "r005"},
		{Transfer{Num: 1234, FromType: "pg_dump", ToType: "gof3r"}, "b1234"},
		{Transfer{Num: 1, LegacyName: "b001"}, "ob001"},
	} {
		if got := TransferName(c.t); got != c.want {
			t.Errorf("TransferName(%+v) = %q, want %q", c.t, got, c.want)
		}
	}
	for name, want := range map[string]int{"b042": 42, "a012": 12, "B7": 7, "r001": 1, "b0001": 1} {
		if got, ok := ParseBackupName(name); !ok || got != want {
			t.Errorf("ParseBackupName(%q) = %d, %v", name, got, ok)
		}
	}
	for _, bad := range []string{"", "latest", "x042", "b", "b-1", "ob001", "b12345678901"} {
		if _, ok := ParseBackupName(bad); ok {
			t.Errorf("ParseBackupName(%q) accepted", bad)
		}
	}
}

func TestLatestAndFindBackup(t *testing.T) {
	t.Parallel()
	at := func(h int) time.Time { return time.Date(2025, 1, 1, h, 0, 0, 0, time.UTC) }
	ts := []Transfer{
		{Num: 1, ToType: "gof3r", FromType: "pg_dump", Succeeded: true, CreatedAt: at(1)},
		{Num: 2, ToType: "gof3r", FromType: "pg_dump", Succeeded: false, CreatedAt: at(5)},                    // failed
		{Num: 3, ToType: "pg_restore", FromType: "gof3r", Succeeded: true, CreatedAt: at(6)},                  // a restore
		{Num: 4, ToType: "gof3r", FromType: "pg_dump", Succeeded: true, CreatedAt: at(3)},                     // the latest
		{Num: 5, ToType: "gof3r", FromType: "pg_dump", Succeeded: true, CreatedAt: at(2)},                     // older, higher num
		{Num: 6, ToType: "gof3r", FromType: "pg_dump", LegacyName: "b009", Succeeded: true, CreatedAt: at(0)}, // legacy
	}
	for i := range ts {
		ts[i].Name = TransferName(ts[i])
	}
	got, ok := LatestBackup(ts)
	if !ok || got.Num != 4 {
		t.Fatalf("LatestBackup = %+v, %v; want num 4", got, ok)
	}
	if _, ok := LatestBackup(ts[1:3]); ok {
		t.Error("LatestBackup found a backup among a failed backup and a restore")
	}
	if b, ok := FindBackup(ts, "b002"); !ok || b.Num != 2 {
		t.Errorf("FindBackup(b002) = %+v, %v", b, ok)
	}
	if b, ok := FindBackup(ts, "a005"); !ok || b.Num != 5 {
		t.Errorf("FindBackup(a005) = %+v, %v (prefixes are not checked, like the CLI)", b, ok)
	}
	if _, ok := FindBackup(ts, "r003"); ok {
		t.Error("FindBackup returned a restore")
	}
	if b, ok := FindBackup(ts, "ob009"); !ok || b.Num != 6 {
		t.Errorf("FindBackup(ob009) = %+v, %v", b, ok)
	}
	if _, ok := FindBackup(ts, "b099"); ok {
		t.Error("FindBackup(b099) found something")
	}
}

// dataEnv serves the Platform API and the Data API from one httptest
// server; the Data API lives under /data so that BaseURL is exercised.
func dataEnv(t *testing.T, routes map[string]http.HandlerFunc) (*testEnv, string, *[]string) {
	t.Helper()
	var mu sync.Mutex
	var seen []string
	env := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		key := r.Method + " " + r.URL.RequestURI()
		mu.Lock()
		seen = append(seen, key)
		mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer "+testKey {
			herokuError(w, http.StatusUnauthorized, "unauthorized", "bad token")
			return
		}
		if h, ok := routes[key]; ok {
			h(w, r)
			return
		}
		herokuError(w, http.StatusNotFound, "not_found", "no route "+key)
	}, nil)
	return env, env.server.URL + "/data", &seen
}

func attachmentsAndAddons(addonService string) map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{
		"GET /apps/acme-api/addon-attachments": func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, []map[string]any{
				{"name": "DATABASE", "app": map[string]string{"name": "acme-api"},
					"addon": map[string]any{"id": "addon-pg-1", "name": "postgresql-curly-12345", "app": map[string]string{"name": "acme-billing"}}},
				{"name": "REDIS", "app": map[string]string{"name": "acme-api"},
					"addon": map[string]any{"id": "addon-redis-1", "name": "redis-round-1", "app": map[string]string{"name": "acme-api"}}},
			})
		},
		"GET /apps/acme-api/addons": func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, []map[string]any{
				{"id": "addon-pg-1", "name": "postgresql-curly-12345", "addon_service": map[string]string{"name": addonService}, "app": map[string]string{"name": "acme-billing"}},
				{"id": "addon-redis-1", "name": "redis-round-1", "addon_service": map[string]string{"name": "heroku-redis"}, "app": map[string]string{"name": "acme-api"}},
				{"id": "addon-pg-2", "name": "postgresql-other-9", "addon_service": map[string]string{"name": "heroku-postgresql"}, "app": map[string]string{"name": "acme-api"}},
			})
		},
	}
}

func TestResolveAddon(t *testing.T) {
	t.Parallel()
	env, _, _ := dataEnv(t, attachmentsAndAddons("heroku-postgresql"))
	ctx := context.Background()
	for _, name := range []string{"", "DATABASE", "DATABASE_URL", "database", "postgresql-curly-12345", "addon-pg-1"} {
		ref, err := env.client.ResolveAddonRef(ctx, "acme-api", name)
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		if ref.ID != "addon-pg-1" || ref.Name != "postgresql-curly-12345" || ref.App != "acme-billing" || ref.Service != "heroku-postgresql" {
			t.Errorf("%q: ref = %+v", name, ref)
		}
	}
	id, name, err := env.client.ResolveAddon(ctx, "acme-api", "postgresql-other-9")
	if err != nil || id != "addon-pg-2" || name != "postgresql-other-9" {
		t.Errorf("ResolveAddon by name = %q %q %v", id, name, err)
	}
	_, _, err = env.client.ResolveAddon(ctx, "acme-api", "REDIS")
	if err == nil || !strings.Contains(err.Error(), "heroku-redis add-on, not heroku-postgresql") {
		t.Errorf("REDIS: err = %v", err)
	}
	_, _, err = env.client.ResolveAddon(ctx, "acme-api", "HEROKU_POSTGRESQL_PINK")
	if err == nil || !strings.Contains(err.Error(), "DATABASE, REDIS") {
		t.Errorf("unknown attachment: err = %v, want the known attachment names", err)
	}
}

func TestPGDatabaseAndCapture(t *testing.T) {
	t.Parallel()
	routes := map[string]http.HandlerFunc{
		"GET /data/client/v11/databases/addon-pg-1": func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, map[string]any{"addon_id": "addon-pg-1", "database_password": "SECRET-PW", "resource_url": "postgres://u:SECRET-PW@h/d"})
		},
		"POST /data/client/v11/databases/addon-pg-1/backups": func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 201, map[string]any{"uuid": "u-43", "num": 43, "from_type": "pg_dump", "to_type": "gof3r", "created_at": "2025-01-01 00:00:00 +0000"})
		},
	}
	env, dataURL, seen := dataEnv(t, routes)
	ctx := context.Background()
	if err := env.client.PGDatabase(ctx, dataURL, "addon-pg-1"); err != nil {
		t.Fatal(err)
	}
	err := env.client.PGDatabase(ctx, dataURL, "addon-redis-1")
	if !IsNotFound(err) || !strings.Contains(err.Error(), "not a provisioned Heroku Postgres database") {
		t.Errorf("404: err = %v", err)
	}
	tr, err := env.client.CaptureBackup(ctx, dataURL, "addon-pg-1")
	if err != nil {
		t.Fatal(err)
	}
	if tr.UUID != "u-43" || tr.Num != 43 || tr.Name != "b043" || tr.Finished() {
		t.Errorf("capture = %+v", tr)
	}
	if _, err := env.client.CaptureBackup(ctx, dataURL, "../x"); err == nil {
		t.Error("an add-on id with a slash was accepted")
	}
	if got := strings.Join(*seen, "|"); got != "GET /data/client/v11/databases/addon-pg-1|GET /data/client/v11/databases/addon-redis-1|POST /data/client/v11/databases/addon-pg-1/backups" {
		t.Errorf("requests = %s", got)
	}
}

func TestTransfersAndPublicURL(t *testing.T) {
	t.Parallel()
	const secretURL = "https://s3.example.com/b043.dump?X-Amz-Signature=SECRET-SIGNATURE"
	routes := map[string]http.HandlerFunc{
		"GET /data/client/v11/apps/acme-billing/transfers": func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Range") != "" {
				t.Errorf("the Data API is not paginated; got Range %q", r.Header.Get("Range"))
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`[` + transferJSON + `,{"num":41,"to_type":"gof3r","from_type":"pg_dump","succeeded":true,"created_at":"2016-10-07 00:00:00 +0000"}]`))
		},
		"GET /data/client/v11/apps/acme-billing/transfers/u-43?verbose=true": func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, map[string]any{"uuid": "u-43", "num": 43, "succeeded": false, "finished_at": "2025-01-01 00:10:00 +0000",
				"logs": []map[string]string{{"created_at": "2025-01-01 00:09:59 +0000", "level": "error", "message": "pg_dump: error: connection lost"}}})
		},
		"GET /data/client/v11/apps/acme-billing/transfers/43": func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, map[string]any{"uuid": "u-43", "num": 43})
		},
		"POST /data/client/v11/apps/acme-billing/transfers/43/actions/public-url": func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, map[string]any{"url": secretURL, "expires_at": "2025-01-01 01:00:00 +0000"})
		},
		"POST /data/client/v11/apps/acme-billing/transfers/44/actions/public-url": func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, map[string]any{"url": "not a url SECRET-SIGNATURE"})
		},
	}
	env, dataURL, _ := dataEnv(t, routes)
	ctx := context.Background()
	ts, err := env.client.Transfers(ctx, dataURL, "acme-billing")
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 2 || ts[0].Num != 41 || ts[1].Num != 42 {
		t.Fatalf("transfers not sorted oldest first: %+v", ts)
	}
	tr, err := env.client.Transfer(ctx, dataURL, "acme-billing", "u-43", true)
	if err != nil {
		t.Fatal(err)
	}
	if !tr.Finished() || tr.Succeeded || !strings.Contains(tr.LogText(), "connection lost") {
		t.Errorf("verbose transfer = %+v", tr)
	}
	if _, err := env.client.Transfer(ctx, dataURL, "acme-billing", "43", false); err != nil {
		t.Fatal(err)
	}
	u, err := env.client.BackupPublicURL(ctx, dataURL, "acme-billing", 43)
	if err != nil || u != secretURL {
		t.Fatalf("BackupPublicURL = %q, %v", u, err)
	}
	_, err = env.client.BackupPublicURL(ctx, dataURL, "acme-billing", 44)
	if err == nil || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("malformed url: err = %v (must fail without echoing the value)", err)
	}
	_, err = env.client.BackupPublicURL(ctx, dataURL, "acme-billing", 45)
	if !IsNotFound(err) {
		t.Errorf("missing backup: err = %v", err)
	}
}

func TestDataAPIDefaultHost(t *testing.T) {
	t.Parallel()
	c := dataCall("", "GET", "/client/v11/apps/a/transfers", "a")
	if c.BaseURL != DefaultDataAPIURL {
		t.Errorf("BaseURL = %q", c.BaseURL)
	}
}
