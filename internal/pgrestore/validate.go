package pgrestore

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/problem"
)

var (
	extensionNameRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_\-]*$`)
	legacyBackupRE  = regexp.MustCompile(`^o[ab][0-9]+$`)
)

// Validate checks a job without touching any database or API: exactly one
// source, URL shapes (never echoing passwords), enum values, option
// conflicts and the client tools. Values that are not known yet at plan
// time should be left empty by the caller. Attributes are dotted schema
// paths such as "source.heroku_backup.backup".
func Validate(job Job) problem.List {
	var out problem.List
	errorf := func(attr, summary, format string, args ...any) {
		out = append(out, problem.Errorf(attr, summary, format, args...))
	}
	warnf := func(attr, summary, format string, args ...any) {
		out = append(out, problem.Warnf(attr, summary, format, args...))
	}

	src := job.Source
	n := 0
	for _, set := range []bool{src.HerokuBackup != nil, src.DatabaseURL != "", src.DumpURL != "", src.DumpFile != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		errorf("source", "Invalid Source",
			"Set exactly one of source.heroku_backup, source.database_url, source.dump_url and source.dump_file (%d are set).", n)
	}

	if hb := src.HerokuBackup; hb != nil {
		if strings.TrimSpace(hb.App) == "" {
			errorf("source.heroku_backup.app", "Missing Heroku App", "source.heroku_backup.app names the app whose database is restored.")
		}
		b := strings.TrimSpace(hb.Backup)
		switch {
		case b == "" || b == BackupLatest:
		case hb.Capture:
			errorf("source.heroku_backup.backup", "Conflicting Backup Settings",
				"capture = true takes a new backup and restores it, so backup must be %q or unset, not %q.", BackupLatest, b)
		default:
			if _, ok := heroku.ParseBackupName(b); !ok && !legacyBackupRE.MatchString(b) {
				errorf("source.heroku_backup.backup", "Invalid Backup Name",
					"backup must be %q or a backup name like b042 (manual) or a012 (scheduled), as `heroku pg:backups` lists them; got %q.", BackupLatest, b)
			}
		}
	}

	var srcURL *dbURL
	if src.DatabaseURL != "" {
		d, err := parseDBURL(src.DatabaseURL)
		if err != nil {
			errorf("source.database_url", "Invalid Database URL", "source.database_url is not a usable PostgreSQL URL: %s.", err)
		} else {
			srcURL = d
			if d.host == "" && !strings.Contains(d.u.RawQuery, "host=") {
				warnf("source.database_url", "Database URL Without Host",
					"source.database_url names no host, so the local socket is used.")
			}
		}
	}
	if src.DumpURL != "" {
		u, err := url.Parse(strings.TrimSpace(src.DumpURL))
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errorf("source.dump_url", "Invalid Dump URL", "source.dump_url must be an http:// or https:// URL of a pg_dump custom-format file.")
		} else if u.Scheme == "http" {
			warnf("source.dump_url", "Unencrypted Dump URL", "source.dump_url uses http://: the dump travels unencrypted.")
		}
	}
	if src.DumpFile != "" {
		if info, err := os.Stat(src.DumpFile); err != nil {
			warnf("source.dump_file", "Dump File Not Found",
				"source.dump_file %q does not exist (yet); it must exist when the restore runs.", src.DumpFile)
		} else if info.IsDir() {
			if _, err := os.Stat(filepath.Join(src.DumpFile, "toc.dat")); err != nil {
				errorf("source.dump_file", "Invalid Dump Directory",
					"source.dump_file %q is a directory without toc.dat; give a custom-format (-Fc) file or a directory-format (-Fd) dump.", src.DumpFile)
			}
		}
	}

	if strings.TrimSpace(job.TargetURL) == "" {
		errorf("target_url", "Missing Target URL", "target_url is the postgres:// URL of the database to restore into.")
	} else if d, err := parseDBURL(job.TargetURL); err != nil {
		errorf("target_url", "Invalid Target URL", "target_url is not a usable PostgreSQL URL: %s.", err)
	} else {
		if d.dbname == "" {
			warnf("target_url", "Target URL Without Database",
				"target_url names no database, so PostgreSQL uses the database named like the user; name it explicitly.")
		}
		if srcURL != nil && sameDatabase(srcURL, d) {
			errorf("target_url", "Target Is The Source",
				"target_url and source.database_url name the same database (%s); restoring a database into itself would destroy it.", d.display())
		}
	}

	o := job.Options
	if o.Jobs < 0 {
		errorf("jobs", "Invalid Jobs", "jobs must be at least 1 (0 or unset means the number of CPUs); got %d.", o.Jobs)
	}
	if o.HerokuExt != "" && !slices.Contains(HerokuExtValues, o.HerokuExt) {
		errorf("heroku_ext", "Invalid heroku_ext", "heroku_ext must be one of %s; got %q.", quoteList(HerokuExtValues), o.HerokuExt)
	}
	if o.Verify != "" && !slices.Contains(VerifyValues, o.Verify) {
		errorf("verify", "Invalid verify", "verify must be one of %s; got %q.", quoteList(VerifyValues), o.Verify)
	}
	if o.DefaultSSLMode != "" && !slices.Contains(SSLModeValues, o.DefaultSSLMode) {
		errorf("default_sslmode", "Invalid sslmode", "the default sslmode must be one of %s; got %q.", quoteList(SSLModeValues), o.DefaultSSLMode)
	}
	for _, f := range []struct {
		attr string
		list []string
	}{{"schemas", o.Schemas}, {"exclude_schemas", o.ExcludeSchemas}} {
		attr := f.attr
		for _, s := range f.list {
			if strings.TrimSpace(s) == "" {
				errorf(attr, "Empty Schema Name", "%s must not contain empty names.", attr)
			}
		}
	}
	inc := toSet(o.Schemas)
	for _, s := range o.ExcludeSchemas {
		if inc[strings.TrimSpace(s)] {
			errorf("exclude_schemas", "Conflicting Schema Filters", "schema %q is both in schemas and in exclude_schemas.", s)
		}
		if strings.TrimSpace(s) == HerokuExtSchema {
			errorf("exclude_schemas", "heroku_ext Cannot Be Excluded",
				"the extensions in heroku_ext are needed by the objects that use them (citext columns, ...); "+
					"to end up without a heroku_ext schema, set heroku_ext = %q, which moves them to %s.", HerokuExtRemap, RemapSchema)
		}
	}
	for _, t := range o.ExcludeTables {
		np, err := parseNamePattern(strings.TrimSpace(t))
		if err != nil {
			errorf("exclude_tables", "Invalid Table Pattern", "exclude_tables: %s.", err)
			continue
		}
		if len(inc) > 0 && np.schema != "" && !strings.ContainsAny(np.schema, "*?") && !inc[np.schema] {
			warnf("exclude_tables", "Table Outside The Restored Schemas",
				"exclude_tables names %q, but schema %q is not in schemas, so it is not restored anyway.", t, np.schema)
		}
	}
	for _, e := range o.Extensions {
		if !extensionNameRE.MatchString(e) {
			errorf("extensions", "Invalid Extension Name", "%q is not an extension name (letters, digits, _ and -).", e)
		}
	}
	if o.Clean {
		warnf("clean", "Target Objects Are Dropped",
			"clean = true drops the dump's objects in the target before restoring them (pg_restore --clean --if-exists).")
	}

	tools := []string{"pg_restore"}
	if src.DatabaseURL != "" {
		tools = append(tools, "pg_dump")
	}
	if _, err := findTools(o.PGBinDir, tools...); err != nil {
		errorf("pg_bin_dir", "PostgreSQL Client Tools Not Found", "%s.", err)
	}
	return out
}

// findTools returns the paths of the named tools in binDir, or on PATH
// when binDir is empty (then all must be in pg_restore's directory, so
// that they are one version).
func findTools(binDir string, names ...string) (map[string]string, error) {
	out := map[string]string{}
	if binDir == "" {
		p, err := exec.LookPath("pg_restore")
		if err != nil {
			return nil, errors.New("pg_restore is not on PATH; install the PostgreSQL client tools (postgresql-client) " +
				"of at least the source's major version, or set pg_bin_dir to the directory that holds them")
		}
		binDir = filepath.Dir(p)
	} else {
		info, err := os.Stat(binDir)
		if err != nil || !info.IsDir() {
			return nil, fmt.Errorf("pg_bin_dir %q is not a directory", binDir)
		}
	}
	for _, n := range names {
		p := filepath.Join(binDir, n)
		info, err := os.Stat(p)
		if err != nil || info.IsDir() || info.Mode().Perm()&0o111 == 0 {
			return nil, fmt.Errorf("there is no executable %s in %s; set pg_bin_dir to the directory of the PostgreSQL client tools", n, binDir)
		}
		out[n] = p
	}
	return out, nil
}

func quoteList(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}
