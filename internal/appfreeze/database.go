package appfreeze

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/pgrestore"
)

// The write freeze at the database. A database-level default,
//
//	ALTER DATABASE <db> SET default_transaction_read_only = on
//
// makes every session opened afterwards start its transactions read-only
// (https://www.postgresql.org/docs/15/sql-alterdatabase.html: the database
// owner may set it; https://www.postgresql.org/docs/15/runtime-config-client.html#GUC-DEFAULT-TRANSACTION-READ-ONLY).
// The sessions already open keep their settings, so the freeze then ends
// them with pg_terminate_backend, which a role may call for the backends
// of roles it is a member of, never for a superuser's
// (https://www.postgresql.org/docs/15/functions-admin.html#FUNCTIONS-ADMIN-SIGNAL).
// The setting is a default only: a session may still run
// SET default_transaction_read_only = off, as this package itself does.

const readOnlyParam = "default_transaction_read_only"

// terminateWaitMillis is how long pg_terminate_backend waits for each
// session to end.
const terminateWaitMillis = 5000

// connect opens a writable session to url. Errors are redacted.
func (e *Engine) connect(ctx context.Context, rawURL string) (*pgx.Conn, error) {
	if strings.TrimSpace(rawURL) == "" {
		return nil, errors.New("the database URL is empty")
	}
	var conn *pgx.Conn
	var err error
	if e.Connect != nil {
		conn, err = e.Connect(ctx, rawURL)
	} else {
		conn, err = pgx.Connect(ctx, rawURL)
	}
	if err != nil {
		return nil, redactErr(rawURL, "connecting to the database", err)
	}
	// The freeze itself makes new sessions read-only; this one writes.
	if _, err := conn.Exec(ctx, "SET default_transaction_read_only = off"); err != nil {
		conn.Close(context.WithoutCancel(ctx))
		return nil, redactErr(rawURL, "preparing the database session", err)
	}
	return conn, nil
}

// dbSetting reads the database's name and its database-level
// default_transaction_read_only ("" when unset) from pg_db_role_setting,
// where setrole 0 holds the settings of the database for every role
// (https://www.postgresql.org/docs/15/catalog-pg-db-role-setting.html).
func dbSetting(ctx context.Context, conn *pgx.Conn) (name, setting string, err error) {
	var config []string
	err = conn.QueryRow(ctx, `SELECT d.datname, COALESCE(s.setconfig, '{}')
		FROM pg_database d
		LEFT JOIN pg_db_role_setting s ON s.setdatabase = d.oid AND s.setrole = 0
		WHERE d.datname = current_database()`).Scan(&name, &config)
	if err != nil {
		return "", "", err
	}
	for _, kv := range config {
		if k, v, ok := strings.Cut(kv, "="); ok && k == readOnlyParam {
			setting = v
		}
	}
	return name, setting, nil
}

func (e *Engine) freezeDatabase(ctx context.Context, rawURL string, rec *Record, save func(Record)) error {
	save = orNoSave(save)
	conn, err := e.connect(ctx, rawURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	name, setting, err := dbSetting(ctx, conn)
	if err != nil {
		return redactErr(rawURL, "reading the database settings", err)
	}
	fresh := rec.Database == nil
	if !fresh && rec.Database.Name != name {
		return fmt.Errorf("the record holds a freeze of database %q but the URL names database %q", rec.Database.Name, name)
	}
	if fresh {
		rec.Database = &DatabasePrior{Name: name, PriorSetting: setting}
	}
	log := e.logger()
	log.InfoContext(ctx, "making new sessions of the database read-only", "database", name, "prior_setting", setting)
	_, err = conn.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{name}.Sanitize()+" SET default_transaction_read_only = on")
	if err != nil && fresh && isPgError(err) {
		// PostgreSQL refused (not the owner, say): nothing changed.
		rec.Database = nil
	}
	save(*rec)
	if err != nil {
		return redactErr(rawURL, "setting default_transaction_read_only on database "+name, err)
	}

	ended, skipped, err := terminateOthers(ctx, conn)
	if err != nil {
		return redactErr(rawURL, "ending the open sessions of database "+name, err)
	}
	if skipped > 0 {
		log.WarnContext(ctx, "some open sessions of the database could not be ended (they belong to roles this credential is not a member of, or to a superuser) and can still write",
			"database", name, "ended", ended, "not_ended", skipped)
	} else {
		log.InfoContext(ctx, "ended the open sessions of the database", "database", name, "ended", ended)
	}
	return nil
}

// terminateOthers ends every other client session of the current
// database, one by one so that a refusal for one does not stop the rest.
func terminateOthers(ctx context.Context, conn *pgx.Conn) (ended, skipped int, err error) {
	// A role without pg_read_all_stats sees the backend_type of other
	// roles' sessions as null: such a row is a client session too.
	rows, err := conn.Query(ctx, `SELECT pid FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()
		AND COALESCE(backend_type, 'client backend') = 'client backend'`)
	if err != nil {
		return 0, 0, err
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return 0, 0, err
	}
	for _, pid := range pids {
		var ok bool
		err := conn.QueryRow(ctx, "SELECT pg_terminate_backend($1, $2)", pid, terminateWaitMillis).Scan(&ok)
		switch {
		case err != nil && isPgError(err):
			skipped++ // 42501: not a member of the session's role
		case err != nil:
			return ended, skipped, err
		case ok:
			ended++
		default:
			skipped++ // still running after the wait
		}
	}
	return ended, skipped, nil
}

func (e *Engine) unfreezeDatabase(ctx context.Context, rawURL string, rec *Record, save func(Record)) error {
	save = orNoSave(save)
	conn, err := e.connect(ctx, rawURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var name string
	if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil {
		return redactErr(rawURL, "reading the database name", err)
	}
	if name != rec.Database.Name {
		return fmt.Errorf("the freeze is of database %q but the URL names database %q", rec.Database.Name, name)
	}
	stmt := "ALTER DATABASE " + pgx.Identifier{name}.Sanitize() + " RESET default_transaction_read_only"
	if prior := rec.Database.PriorSetting; prior != "" {
		stmt = "ALTER DATABASE " + pgx.Identifier{name}.Sanitize() + " SET default_transaction_read_only = " + quoteLiteral(prior)
	}
	e.logger().InfoContext(ctx, "restoring the database's default_transaction_read_only", "database", name, "prior_setting", rec.Database.PriorSetting)
	if _, err := conn.Exec(ctx, stmt); err != nil {
		save(*rec)
		return redactErr(rawURL, "restoring default_transaction_read_only on database "+name, err)
	}
	rec.Database = nil
	save(*rec)
	return nil
}

// databaseReadOnly reports whether the database-level setting still makes
// new sessions read-only.
func (e *Engine) databaseReadOnly(ctx context.Context, rawURL string) (bool, error) {
	conn, err := e.connect(ctx, rawURL)
	if err != nil {
		return false, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, setting, err := dbSetting(ctx, conn)
	if err != nil {
		return false, redactErr(rawURL, "reading the database settings", err)
	}
	return boolOn(setting), nil
}

// boolOn parses a PostgreSQL boolean setting: on, true, yes, 1 and their
// unambiguous prefixes (https://www.postgresql.org/docs/15/config-setting.html).
func boolOn(v string) bool {
	v = strings.ToLower(strings.TrimSpace(v))
	switch v {
	case "on", "1":
		return true
	}
	return v != "" && (strings.HasPrefix("true", v) || strings.HasPrefix("yes", v))
}

func isPgError(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr)
}

func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// redactedError keeps err's chain (errors.As finds the *pgconn.PgError)
// but reads without the URL's password.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactErr wraps err with what was being done, hiding the URL's password
// (pgrestore.RedactURL hides passwords inside any URL and password=
// settings; the password itself is also replaced wherever it appears).
func redactErr(rawURL, doing string, err error) error {
	msg := doing + ": " + err.Error()
	if u, perr := url.Parse(strings.TrimSpace(rawURL)); perr == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok && len(pw) >= 4 {
			for _, s := range []string{pw, url.QueryEscape(pw), url.PathEscape(pw)} {
				msg = strings.ReplaceAll(msg, s, "xxxxx")
			}
		}
	}
	return &redactedError{msg: pgrestore.RedactURL(msg), err: err}
}
