package pgrestore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

const applicationName = "heroku2aws-pgrestore"

// connect opens a pgx connection; role is "source" or "target", for
// messages. Errors name the user and the redacted URL, never the password.
func (r *run) connect(ctx context.Context, d *dbURL, role string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(d.connURL(r.opts.DefaultSSLMode))
	if err != nil {
		return nil, fmt.Errorf("%s URL %s: %w", role, d.display(), err)
	}
	if _, ok := cfg.RuntimeParams["application_name"]; !ok {
		cfg.RuntimeParams["application_name"] = applicationName
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 30 * time.Second
	}
	// No server-side prepared statement cache: friendlier to poolers.
	cfg.DefaultQueryExecMode = pgx.QueryExecModeExec
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, describeConnectError(err, d, role, cfg.User)
	}
	return conn, nil
}

func describeConnectError(err error, d *dbURL, role, user string) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "28P01":
			return fmt.Errorf("connecting to the %s database %s: authentication failed for user %q: check the password in the %s URL (server said: %s)",
				role, d.display(), user, role, pgErr.Message)
		case "28000":
			return fmt.Errorf("connecting to the %s database %s: the server refused user %q: %s", role, d.display(), user, pgErr.Message)
		case "3D000":
			return fmt.Errorf("connecting to the %s database %s: %s; create it first", role, d.display(), pgErr.Message)
		}
	}
	return fmt.Errorf("connecting to the %s database %s: %w", role, d.display(), err)
}

// checkTarget connects to the target once, before anything is fetched.
func (r *run) checkTarget(ctx context.Context) error {
	conn, err := r.connect(ctx, r.target, "target")
	if err != nil {
		return err
	}
	defer closeConn(conn)
	var num int
	if err := conn.QueryRow(ctx, "SELECT current_setting('server_version_num')::int").Scan(&num); err != nil {
		return fmt.Errorf("target: reading the server version: %w", err)
	}
	r.targetVersionNum = num
	r.res.TargetServerVersion = versionFromNum(num).Text
	return nil
}

func closeConn(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = conn.Close(ctx)
}

// pgRestoreOutput runs pg_restore with args, feeding stdout to consume,
// and returns a readable error (with pg_restore's messages) on failure.
func (r *run) pgRestoreOutput(ctx context.Context, what string, args []string, consume func(io.Reader) error) error {
	var stderr []string
	err := runProc(ctx, procSpec{
		Path: r.tools["pg_restore"], Args: args, Stdout: consume,
		StderrLine: func(line string) {
			if !strings.HasPrefix(line, "pg_restore: ") || strings.Contains(line, "error") || strings.Contains(line, "warning") {
				if len(stderr) < 100 {
					stderr = append(stderr, line)
				}
			}
		},
	}, r.cfg.KillGrace)
	if err == nil || ctx.Err() != nil {
		return err
	}
	text := strings.Join(stderr, "\n")
	switch {
	case strings.Contains(text, "appears to be a text format dump"):
		return fmt.Errorf("%s: the dump is a plain SQL script, not a pg_dump archive; dump with pg_dump -Fc (custom format)", what)
	case strings.Contains(text, "did not find magic string") || strings.Contains(text, "does not appear to be a valid archive"):
		return fmt.Errorf("%s: the file is not a pg_dump archive (a download that returned an error page?)%s", what, quoteLines(stderr, 5))
	case strings.Contains(text, "unsupported version"):
		return fmt.Errorf("%s: pg_restore %s cannot read this archive, which a newer pg_dump wrote; "+
			"point pg_bin_dir at newer PostgreSQL client tools%s", what, r.restoreVer.Text, quoteLines(stderr, 5))
	}
	return fmt.Errorf("%s: %w%s", what, err, quoteLines(stderr, 15))
}

// readArchive lists the archive, checks versions, scans the schema for
// dependencies and extension schemas, and plans the restore.
func (r *run) readArchive(ctx context.Context) error {
	var toc *archiveTOC
	err := r.pgRestoreOutput(ctx, "reading the archive's table of contents", []string{"--list", r.archive}, func(rd io.Reader) error {
		var err error
		toc, err = parseTOCList(rd)
		return err
	})
	if err != nil {
		return err
	}
	if toc.Header.Format == "" && len(toc.Entries) == 0 {
		return errors.New("the archive's table of contents is empty")
	}
	if v, ok := parseVersion(toc.Header.DumpedFrom); ok {
		r.res.SourceServerVersion = v.Text
		if err := checkClientVersion("pg_restore", r.restoreVer, v, "server the dump was taken from"); err != nil {
			return err
		}
	}
	if v, ok := parseVersion(toc.Header.DumpedBy); ok {
		if err := checkClientVersion("pg_restore", r.restoreVer, v, "pg_dump that wrote the dump"); err != nil {
			return err
		}
	}
	if tv, ok := parseVersion(r.res.TargetServerVersion); ok {
		if sv, ok := parseVersion(r.res.SourceServerVersion); ok && tv.Major < sv.Major {
			r.warn("the target runs PostgreSQL %s, older than the source (%s); objects that use newer features will fail to restore",
				tv.Text, sv.Text)
		}
	}
	err = r.pgRestoreOutput(ctx, "reading the archive's schema", []string{"--verbose", "--schema-only", "--file=-", r.archive},
		func(rd io.Reader) error { return parseSchemaScan(rd, toc) })
	if err != nil {
		return err
	}
	r.toc = toc
	plan, err := buildPlan(toc, r.opts)
	if err != nil {
		return err
	}
	r.plan = plan
	r.res.SkippedDependents = len(plan.Skipped)
	if s := plan.skippedSummary(); s != "" {
		r.warn("%s", s)
	}
	if len(plan.Keep) == 0 {
		return errors.New("nothing to restore: the archive has no entries left after schemas, exclude_schemas and exclude_tables")
	}
	if strings.EqualFold(toc.Header.Format, "TAR") && r.opts.Jobs > 1 {
		r.warn("the archive is in tar format, which pg_restore cannot restore in parallel; restoring with 1 job")
		r.opts.Jobs = 1
	}
	return nil
}

// prepareTarget refuses a target that already holds the dump's tables
// (unless Clean), and creates heroku_ext and the extensions first.
func (r *run) prepareTarget(ctx context.Context) error {
	conn, err := r.connect(ctx, r.target, "target")
	if err != nil {
		return err
	}
	defer closeConn(conn)

	if !r.opts.Clean && len(r.plan.Relations) > 0 {
		existing, err := queryPairs(ctx, conn, `SELECT n.nspname, c.relname FROM pg_catalog.pg_class c
			JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
			WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')`)
		if err != nil {
			return fmt.Errorf("target: listing its tables: %w", err)
		}
		var clash []string
		for _, e := range r.plan.Relations {
			if existing[[2]string{e.Namespace, e.Tag}] {
				clash = append(clash, e.qualified())
			}
		}
		if len(clash) > 0 {
			slices.Sort(clash)
			more := ""
			if len(clash) > 10 {
				more = fmt.Sprintf(" and %d more", len(clash)-10)
				clash = clash[:10]
			}
			return fmt.Errorf("the target database already has %s%s; restore into an empty database, or set clean = true "+
				"to drop the dump's objects first", strings.Join(clash, ", "), more)
		}
	}

	if len(r.plan.PreCreate) == 0 && !r.plan.UsesHerokuExt {
		return nil
	}
	installed := map[string]string{}
	relocatable := map[string]bool{}
	rows, err := conn.Query(ctx, `SELECT e.extname, n.nspname, e.extrelocatable FROM pg_catalog.pg_extension e
		JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace`)
	if err != nil {
		return fmt.Errorf("target: listing extensions: %w", err)
	}
	for rows.Next() {
		var name, schema string
		var reloc bool
		if err := rows.Scan(&name, &schema, &reloc); err != nil {
			return err
		}
		installed[name], relocatable[name] = schema, reloc
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("target: listing extensions: %w", err)
	}
	if r.plan.UsesHerokuExt {
		if _, err := conn.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+quoteIdent(HerokuExtSchema)); err != nil {
			return fmt.Errorf("target: creating schema %s, which the dump's extensions live in: %w", HerokuExtSchema, err)
		}
	}
	for _, ext := range r.plan.PreCreate {
		if have, ok := installed[ext.Name]; ok {
			if ext.Schema == "" || have == ext.Schema {
				continue
			}
			if r.opts.HerokuExt != HerokuExtRemap || !relocatable[ext.Name] {
				return fmt.Errorf("the target already has extension %s in schema %s, but the dump's objects use it from %s; "+
					"move it (ALTER EXTENSION %s SET SCHEMA %s)%s", ext.Name, have, ext.Schema, quoteIdent(ext.Name), ext.Schema,
					map[bool]string{true: " or set heroku_ext = \"remap\"", false: ""}[relocatable[ext.Name]])
			}
			// remap: borrow it into heroku_ext for the restore; afterRestore
			// moves every extension of heroku_ext to public.
			if _, err := conn.Exec(ctx, "ALTER EXTENSION "+quoteIdent(ext.Name)+" SET SCHEMA "+quoteIdent(ext.Schema)); err != nil {
				return fmt.Errorf("target: moving extension %s from %s to %s for the restore: %w", ext.Name, have, ext.Schema, err)
			}
			continue
		}
		stmt := "CREATE EXTENSION IF NOT EXISTS " + quoteIdent(ext.Name)
		if ext.Schema != "" {
			stmt += " WITH SCHEMA " + quoteIdent(ext.Schema)
		}
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("target: creating extension %s: %w (create it as a privileged user, e.g. rds_superuser on RDS, "+
				"before the restore: %s)", ext.Name, err, stmt)
		}
		r.res.ExtensionsCreated = append(r.res.ExtensionsCreated, ext.String())
	}
	if r.plan.UsesHerokuExt && r.opts.HerokuExt == HerokuExtCreate && len(r.plan.HerokuExtensions) > 0 {
		// Heroku puts heroku_ext on every database's search_path, and apps
		// rely on it (citext's operators, for one, are found through it).
		// pg_dump does not carry database settings, so set it here.
		stmt := `ALTER DATABASE ` + quoteIdent(conn.Config().Database) + ` SET search_path = "$user", public, ` + quoteIdent(HerokuExtSchema)
		if _, err := conn.Exec(ctx, stmt); err != nil {
			r.warn("the extensions %s are in schema %s, as on Heroku, but setting the database's search_path failed (%v): "+
				"run %s as the database owner, or set heroku_ext = %q to move them to %s",
				strings.Join(r.plan.HerokuExtensions, ", "), HerokuExtSchema, err, stmt, HerokuExtRemap, RemapSchema)
		}
	}
	return nil
}

func queryPairs(ctx context.Context, conn *pgx.Conn, sql string) (map[[2]string]bool, error) {
	rows, err := conn.Query(ctx, sql)
	if err != nil {
		return nil, err
	}
	out := map[[2]string]bool{}
	for rows.Next() {
		var a, b string
		if err := rows.Scan(&a, &b); err != nil {
			return nil, err
		}
		out[[2]string{a, b}] = true
	}
	return out, rows.Err()
}

// restore runs pg_restore with the planned list.
func (r *run) restore(ctx context.Context) error {
	list, err := r.writeSecretFile("restore.list", r.plan.writeList)
	if err != nil {
		return err
	}
	pass, err := r.passFile("target.pgpass", r.target)
	if err != nil {
		return err
	}
	args := []string{"--no-password", "--verbose", "--jobs=" + strconv.Itoa(r.opts.Jobs)}
	if r.opts.NoOwner {
		args = append(args, "--no-owner")
	}
	if r.opts.NoACL {
		args = append(args, "--no-acl")
	}
	if r.opts.Clean {
		args = append(args, "--clean", "--if-exists")
	}
	args = append(args, "--use-list="+list, "--dbname="+r.target.noPasswordURL(r.opts.DefaultSSLMode), r.archive)

	total := len(r.plan.Tables)
	parser := newStderrParser()
	start := r.cfg.Clock.Now()
	r.phase(ctx, "restore", true, map[string]any{"status": "started", "tables_total": total, "jobs": r.opts.Jobs})
	err = runProc(ctx, procSpec{
		Path: r.tools["pg_restore"], Args: args, PassFile: pass,
		StderrLine: func(line string) {
			parser.Line(line)
			r.phase(ctx, "restore", false, map[string]any{
				"status": "running", "tables_done": parser.TablesProgress(), "tables_total": total,
				"errors": parser.FailedN, "elapsed_s": int(r.cfg.Clock.Now().Sub(start).Seconds()),
			})
		},
	}, r.cfg.KillGrace)
	parser.Close()
	if ctx.Err() != nil {
		if err == nil {
			err = ctx.Err()
		}
		return fmt.Errorf("restore: %w", err)
	}
	exit := 0
	var pe *procError
	switch {
	case errors.As(err, &pe):
		exit = pe.ExitCode
	case err != nil:
		exit = -1
	}
	if err := r.judgeRestore(parser, exit, err); err != nil {
		return err
	}
	r.res.TablesRestored = total
	r.phase(ctx, "restore", true, map[string]any{
		"status": "finished", "tables_done": total, "tables_total": total,
		"warnings": parser.ToleratedN, "elapsed_s": int(r.cfg.Clock.Now().Sub(start).Seconds()),
	})
	return nil
}

// afterRestore moves heroku_ext's extensions for "remap" and runs ANALYZE.
func (r *run) afterRestore(ctx context.Context) error {
	remap := r.plan.UsesHerokuExt && r.opts.HerokuExt == HerokuExtRemap
	if !remap && !r.opts.Analyze {
		return nil
	}
	conn, err := r.connect(ctx, r.target, "target")
	if err != nil {
		return err
	}
	defer closeConn(conn)
	if remap {
		if err := r.remapHerokuExt(ctx, conn); err != nil {
			return err
		}
	}
	if r.opts.Analyze {
		start := r.cfg.Clock.Now()
		r.phase(ctx, "analyze", true, map[string]any{"status": "started"})
		if _, err := conn.Exec(ctx, "ANALYZE"); err != nil {
			return fmt.Errorf("target: ANALYZE: %w", err)
		}
		r.phase(ctx, "analyze", true, map[string]any{"status": "finished", "elapsed_s": int(r.cfg.Clock.Now().Sub(start).Seconds())})
	}
	return nil
}

// remapHerokuExt moves every extension of heroku_ext to public
// (ALTER EXTENSION ... SET SCHEMA moves all its member objects; the
// restored columns, defaults, indexes and views refer to them by OID and
// follow), then drops heroku_ext if nothing is left in it. An extension
// that cannot be relocated stays, with a warning.
func (r *run) remapHerokuExt(ctx context.Context, conn *pgx.Conn) error {
	rows, err := conn.Query(ctx, `SELECT e.extname, e.extrelocatable FROM pg_catalog.pg_extension e
		JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE n.nspname = $1 ORDER BY 1`, HerokuExtSchema)
	if err != nil {
		return fmt.Errorf("target: listing the extensions in %s: %w", HerokuExtSchema, err)
	}
	type ext struct {
		name  string
		reloc bool
	}
	var exts []ext
	for rows.Next() {
		var e ext
		if err := rows.Scan(&e.name, &e.reloc); err != nil {
			return err
		}
		exts = append(exts, e)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	kept := false
	for _, e := range exts {
		if !e.reloc {
			r.warn("extension %s cannot be relocated, so it stays in schema %s", e.name, HerokuExtSchema)
			kept = true
			continue
		}
		if _, err := conn.Exec(ctx, "ALTER EXTENSION "+quoteIdent(e.name)+" SET SCHEMA "+quoteIdent(RemapSchema)); err != nil {
			r.warn("could not move extension %s from %s to %s: %v", e.name, HerokuExtSchema, RemapSchema, err)
			kept = true
		}
	}
	if !kept {
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+quoteIdent(HerokuExtSchema)); err != nil {
			var pgErr *pgconn.PgError
			if errors.As(err, &pgErr) && pgErr.Code == "2BP01" { // dependent objects
				r.warn("schema %s still holds objects of the dump, so it is kept", HerokuExtSchema)
			} else {
				r.warn("could not drop schema %s: %v", HerokuExtSchema, err)
			}
		}
	}
	r.phase(ctx, "restore", true, map[string]any{"status": "remapped", "extensions": len(exts), "schema": RemapSchema})
	return nil
}

// setSessionForVerify makes COPY output comparable across sessions (see
// copystream.go).
func setSessionForVerify(ctx context.Context, conn *pgx.Conn) error {
	_, err := conn.Exec(ctx, "SET TimeZone = 'UTC'; SET DateStyle = 'ISO'; SET IntervalStyle = 'postgres'; "+
		"SET extra_float_digits = 3; SET bytea_output = 'hex'; SET statement_timeout = 0")
	return err
}

// column is one column of a table.
type column struct {
	name      string
	typ       uint32 // the base type (domains resolved)
	generated bool
}

// querier is what tableColumns needs from a connection or transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// tableColumns lists a table's columns in order, with domains resolved to
// their base types.
func tableColumns(ctx context.Context, q querier, qualified string, versionNum int) ([]column, error) {
	gen := "''"
	if versionNum >= 120000 {
		gen = "a.attgenerated::text"
	}
	rows, err := q.Query(ctx, `SELECT a.attname::text,
		(WITH RECURSIVE b(typ, depth) AS (
			SELECT a.atttypid, 0
			UNION ALL
			SELECT t.typbasetype, b.depth + 1 FROM b JOIN pg_catalog.pg_type t ON t.oid = b.typ
			WHERE t.typtype = 'd' AND b.depth < 16)
		 SELECT typ FROM b ORDER BY depth DESC LIMIT 1)::oid::bigint,
		`+gen+`
		FROM pg_catalog.pg_attribute a
		WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
		ORDER BY a.attnum`, qualified)
	if err != nil {
		return nil, err
	}
	var cols []column
	for rows.Next() {
		var c column
		var typ int64
		var g string
		if err := rows.Scan(&c.name, &typ, &g); err != nil {
			return nil, err
		}
		c.typ = uint32(typ)
		c.generated = g != ""
		cols = append(cols, c)
	}
	return cols, rows.Err()
}

// countTable counts a table's rows (and checksums them) with the given
// column list: COPY (SELECT cols FROM ONLY t) TO STDOUT, or count(*).
func countTable(ctx context.Context, conn *pgx.Conn, h copyHeader, kinds []colKind, checksum bool) (int64, string, error) {
	if !checksum {
		var n int64
		err := conn.QueryRow(ctx, "SELECT count(*) FROM ONLY "+quoteQualified(h.Schema, h.Name)).Scan(&n)
		return n, "", err
	}
	rh := newRowHasher(kinds, true)
	if _, err := conn.PgConn().CopyTo(ctx, rh, "COPY ("+h.selectSQL()+") TO STDOUT"); err != nil {
		return 0, "", err
	}
	rh.Close()
	return rh.Rows(), rh.Checksum(), nil
}

// judgeRestore decides from pg_restore's stderr and exit status (runErr
// is how it ended, nil when only the status is known, as for a Fargate
// task) whether the restore is complete: tolerated ownership errors become
// warnings, anything else fails the job. Both executors use it.
func (r *run) judgeRestore(parser *stderrParser, exit int, runErr error) error {
	for i, e := range parser.Tolerated {
		if i == 20 {
			r.warn("pg_restore: %d more ownership errors like these", parser.ToleratedN-20)
			break
		}
		r.warn("pg_restore (tolerated): %s", e.Short())
	}
	switch {
	case parser.FailedN > 0:
		var b strings.Builder
		fmt.Fprintf(&b, "pg_restore failed: %d errors", parser.FailedN)
		if parser.ToleratedN > 0 {
			fmt.Fprintf(&b, " (besides %d tolerated ownership errors)", parser.ToleratedN)
		}
		b.WriteString("; the target is incomplete. The first ones:")
		for i, e := range parser.Failed {
			if i == 5 {
				break
			}
			b.WriteString("\n- ")
			b.WriteString(strings.ReplaceAll(e.Text(), "\n", "\n  "))
		}
		return errors.New(b.String())
	case len(parser.Other) > 0 && exit != 0:
		return fmt.Errorf("pg_restore failed: %s", strings.Join(parser.Other, "; "))
	case exit == 1 && parser.ToleratedN > 0:
		// "errors ignored on restore: N", all of them tolerated.
		if parser.IgnoredCount >= 0 && parser.IgnoredCount != parser.ToleratedN {
			return fmt.Errorf("pg_restore reported %d ignored errors, of which only %d were recognised as ownership errors%s",
				parser.IgnoredCount, parser.ToleratedN, quoteLines(strings.Split(parser.Tail(), "\n"), 15))
		}
	case runErr != nil:
		return fmt.Errorf("pg_restore failed: %w%s", runErr, quoteLines(strings.Split(parser.Tail(), "\n"), 15))
	case exit != 0:
		return fmt.Errorf("pg_restore failed: exit status %d%s", exit, quoteLines(strings.Split(parser.Tail(), "\n"), 15))
	}
	return nil
}
