package appfreeze

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/pgtest"
)

const ownerPassword = "Owner-Canary-Password-5e1d"

// dbFixture is a cluster with database "app" owned by the non-superuser
// role "owner" (as Heroku's default credential owns its database), and a
// table that role can write.
type dbFixture struct {
	c        *pgtest.Cluster
	ownerURL string
}

func startDB(t *testing.T) dbFixture {
	t.Helper()
	c := pgtest.StartT(t, pgtest.Options{})
	ctx := context.Background()
	must(t, c.CreateRole(ctx, "owner", ownerPassword, false))
	must(t, c.Exec(ctx, "postgres", `CREATE DATABASE app OWNER owner`))
	f := dbFixture{c: c, ownerURL: c.URLFor("owner", ownerPassword, "app")}
	conn := f.open(t, f.ownerURL)
	if _, err := conn.Exec(ctx, `CREATE TABLE items (id int)`); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f dbFixture) open(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// settings is the database-level row of pg_db_role_setting of "app", as
// text ("<none>" when there is no row), and the role-level rows.
func (f dbFixture) settings(t *testing.T) string {
	t.Helper()
	conn := f.open(t, f.c.URL("postgres"))
	var out []string
	rows, err := conn.Query(context.Background(), `SELECT s.setrole::regrole::text, array_to_string(s.setconfig, ',')
		FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
		WHERE d.datname = 'app' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var role, cfg string
		must(t, rows.Scan(&role, &cfg))
		out = append(out, role+":"+cfg)
	}
	must(t, rows.Err())
	if len(out) == 0 {
		return "<none>"
	}
	return strings.Join(out, ";")
}

func insert(ctx context.Context, conn *pgx.Conn) error {
	_, err := conn.Exec(ctx, `INSERT INTO items VALUES (1)`)
	return err
}

func sqlState(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

func TestDatabaseFreeze(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, prior string // prior: SQL run as the superuser before the freeze
	}{
		{name: "no prior setting"},
		{name: "prior setting off", prior: `ALTER DATABASE app SET default_transaction_read_only = off; ALTER DATABASE app SET work_mem = '8MB'`},
		{name: "prior setting true", prior: `ALTER DATABASE app SET default_transaction_read_only = 'true'`},
		{name: "other settings only", prior: `ALTER DATABASE app SET statement_timeout = '1min'; ALTER ROLE owner IN DATABASE app SET work_mem = '4MB'`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := startDB(t)
			ctx := context.Background()
			if tc.prior != "" {
				must(t, f.c.Exec(ctx, "postgres", tc.prior))
			}
			before := f.settings(t)
			wasReadOnly := strings.Contains(tc.prior, "read_only = 'true'")

			// Sessions open before the freeze: the owner's (ended) and a
			// superuser's (which a non-superuser cannot end).
			open := f.open(t, f.ownerURL)
			var openPID int32
			must(t, open.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&openPID))
			super := f.open(t, f.c.URL("app"))
			must(t, super.Ping(ctx))

			var logs bytes.Buffer
			e := &Engine{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
			var rec Record
			var saves []Record
			save := func(r Record) { saves = append(saves, r) }
			must(t, e.freezeDatabase(ctx, f.ownerURL, &rec, save))
			wantPrior := map[string]string{"prior setting off": "off", "prior setting true": "true"}[tc.name]
			if rec.Database == nil || *rec.Database != (DatabasePrior{Name: "app", PriorSetting: wantPrior}) {
				t.Fatalf("rec.Database = %+v, want prior %q", rec.Database, wantPrior)
			}
			if len(saves) == 0 || saves[len(saves)-1].Database == nil {
				t.Fatalf("saves = %+v", saves)
			}

			// The open owner session was ended.
			if err := open.Ping(ctx); err == nil {
				t.Error("the session opened before the freeze still answers")
			}
			var alive int
			must(t, super.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", openPID).Scan(&alive))
			if alive != 0 {
				t.Error("the owner's earlier session is still in pg_stat_activity")
			}
			// The superuser's session survived, and the log says so.
			if err := super.Ping(ctx); err != nil {
				t.Errorf("the superuser session was ended: %v", err)
			}
			if !strings.Contains(logs.String(), "not_ended=1") {
				t.Errorf("no warning about the session not ended:\n%s", logs.String())
			}

			// A session opened after the freeze cannot write.
			after := f.open(t, f.ownerURL)
			if err := insert(ctx, after); sqlState(err) != "25006" {
				t.Errorf("INSERT after the freeze: err = %v, want SQLSTATE 25006", err)
			}
			if d, err := e.Observe(ctx, Spec{Database: &Database{URL: f.ownerURL}}, rec); err != nil || d.Drifted() {
				t.Errorf("Observe frozen = %+v, %v", d, err)
			}

			// Freezing again keeps the recorded prior.
			must(t, e.freezeDatabase(ctx, f.ownerURL, &rec, save))
			if rec.Database.PriorSetting != wantPrior {
				t.Errorf("re-freeze changed the prior to %q", rec.Database.PriorSetting)
			}

			must(t, e.unfreezeDatabase(ctx, f.ownerURL, &rec, save))
			if rec.Database != nil {
				t.Errorf("rec.Database = %+v after unfreeze", rec.Database)
			}
			if got := f.settings(t); got != before {
				t.Errorf("pg_db_role_setting after unfreeze = %s, before = %s", got, before)
			}
			fresh := f.open(t, f.ownerURL)
			err := insert(ctx, fresh)
			if wasReadOnly {
				if sqlState(err) != "25006" {
					t.Errorf("INSERT after unfreeze of a read-only database: %v", err)
				}
			} else if err != nil {
				t.Errorf("INSERT after unfreeze: %v", err)
			}
			if strings.Contains(logs.String(), ownerPassword) {
				t.Error("the password is in the log")
			}
		})
	}
}

// Observe sees a database someone made writable again.
func TestDatabaseObserveDrift(t *testing.T) {
	t.Parallel()
	f := startDB(t)
	ctx := context.Background()
	e := &Engine{}
	var rec Record
	must(t, e.freezeDatabase(ctx, f.ownerURL, &rec, nil))
	must(t, f.c.Exec(ctx, "postgres", `ALTER DATABASE app RESET default_transaction_read_only`))
	d, err := e.Observe(ctx, Spec{Database: &Database{URL: f.ownerURL}}, rec)
	if err != nil || !d.DatabaseWritable || !d.Drifted() {
		t.Errorf("Observe = %+v, %v; want DatabaseWritable", d, err)
	}
	d, err = e.Observe(ctx, Spec{}, rec)
	if err != nil || !d.DatabaseUnchecked || d.Drifted() {
		t.Errorf("Observe without a URL = %+v, %v; want DatabaseUnchecked", d, err)
	}
	// Unfreeze needs the URL of a frozen database, and Freeze refuses to
	// drop a frozen database from the spec; both leave rec as it was.
	err = e.Unfreeze(ctx, Spec{App: "shop"}, &rec, nil)
	if err == nil || !strings.Contains(err.Error(), "no database URL") || rec.Database == nil {
		t.Errorf("Unfreeze without a URL: %v, rec %+v", err, rec)
	}
}

// A role that does not own the database is refused: nothing is recorded,
// and the error names the reason without the password.
func TestDatabaseFreezeRefused(t *testing.T) {
	t.Parallel()
	f := startDB(t)
	ctx := context.Background()
	const pw = "Other-Canary-Password-77aa"
	must(t, f.c.CreateRole(ctx, "other", pw, false))
	e := &Engine{}
	var rec Record
	saved := 0
	err := e.freezeDatabase(ctx, f.c.URLFor("other", pw, "app"), &rec, func(Record) { saved++ })
	if err == nil || !strings.Contains(err.Error(), "must be owner of database app") || sqlState(err) != "42501" {
		t.Fatalf("err = %v", err)
	}
	if rec.Database != nil || saved != 1 {
		t.Errorf("rec = %+v, saved %d times", rec, saved)
	}
	if strings.Contains(err.Error(), pw) {
		t.Errorf("the password is in the error: %v", err)
	}
	// A wrong password: the error does not hold it.
	const wrong = "Wrong-Canary-Password-1c2d"
	err = e.freezeDatabase(ctx, f.c.URLFor("owner", wrong, "app"), &rec, nil)
	if err == nil || strings.Contains(err.Error(), wrong) {
		t.Errorf("err = %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
