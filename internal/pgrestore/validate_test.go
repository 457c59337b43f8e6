package pgrestore

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/problem"
)

func problemsText(ps []problem.Problem) string {
	var b strings.Builder
	for _, p := range ps {
		kind := "error"
		if p.Warning {
			kind = "warning"
		}
		b.WriteString(kind + " " + p.Attribute + ": " + p.Summary + ": " + p.Detail + "\n")
	}
	return b.String()
}

func TestValidateGood(t *testing.T) {
	t.Parallel()
	for _, job := range []Job{
		{Source: Source{HerokuBackup: &HerokuBackup{App: "acme", Capture: true}}, TargetURL: "postgres://u:p@rds.example.com/app", Options: DefaultOptions()},
		{Source: Source{HerokuBackup: &HerokuBackup{App: "acme", Addon: "HEROKU_POSTGRESQL_PINK", Backup: "a012"}}, TargetURL: "postgres://u:p@h/app"},
		{Source: Source{DatabaseURL: "postgres://u:p@ec2.example.com:5432/d1"}, TargetURL: "postgres://u:p@rds.example.com/app",
			Options: Options{Verify: VerifyChecksums, HerokuExt: HerokuExtRemap, Jobs: 8, ExcludeTables: []string{"public.audit_*"}, Extensions: []string{"uuid-ossp"}}},
		{Source: Source{DumpURL: "https://example.com/x.dump?sig=1"}, TargetURL: "postgresql://u@h/app?sslmode=verify-full"},
	} {
		for _, p := range Validate(job) {
			if !p.Warning {
				t.Errorf("%+v: %s", job.Source, problemsText([]problem.Problem{p}))
			}
		}
	}
}

func TestValidateProblems(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const pw = "Validate-Canary-Pw"
	cases := []struct {
		job  Job
		want []string // "attribute: summary" of errors
	}{
		{Job{TargetURL: "postgres://h/d"}, []string{"source: Invalid Source"}},
		{Job{Source: Source{DumpFile: "/x", DumpURL: "https://h/x"}, TargetURL: "postgres://h/d"}, []string{"source: Invalid Source"}},
		{Job{Source: Source{HerokuBackup: &HerokuBackup{Backup: "b042", Capture: true}}, TargetURL: "postgres://h/d"},
			[]string{"source.heroku_backup.app: Missing Heroku App", "source.heroku_backup.backup: Conflicting Backup Settings"}},
		{Job{Source: Source{HerokuBackup: &HerokuBackup{App: "a", Backup: "yesterday"}}, TargetURL: "postgres://h/d"},
			[]string{"source.heroku_backup.backup: Invalid Backup Name"}},
		{Job{Source: Source{DatabaseURL: "mysql://u:" + pw + "@h/d"}, TargetURL: "postgres://u:" + pw + "@h:bad/d"},
			[]string{"source.database_url: Invalid Database URL", "target_url: Invalid Target URL"}},
		{Job{Source: Source{DatabaseURL: "postgres://u:" + pw + "@db/d"}, TargetURL: "postgres://v:" + pw + "x@db:5432/d"},
			[]string{"target_url: Target Is The Source"}},
		{Job{Source: Source{DumpURL: "ftp://h/x"}}, []string{"source.dump_url: Invalid Dump URL", "target_url: Missing Target URL"}},
		{Job{Source: Source{DumpFile: dir}, TargetURL: "postgres://h/d"}, []string{"source.dump_file: Invalid Dump Directory"}},
		{Job{Source: Source{DumpFile: "/x"}, TargetURL: "postgres://h/d", Options: Options{
			Jobs: -1, HerokuExt: "keep", Verify: "md5", DefaultSSLMode: "on",
			Schemas: []string{"a", " "}, ExcludeSchemas: []string{"a", "heroku_ext"},
			ExcludeTables: []string{"a.b.c"}, Extensions: []string{"bad name;"}, PGBinDir: "/nonexistent",
		}}, []string{
			"jobs: Invalid Jobs", "heroku_ext: Invalid heroku_ext", "verify: Invalid verify", "default_sslmode: Invalid sslmode",
			"schemas: Empty Schema Name", "exclude_schemas: Conflicting Schema Filters", "exclude_schemas: heroku_ext Cannot Be Excluded",
			"exclude_tables: Invalid Table Pattern", "extensions: Invalid Extension Name", "pg_bin_dir: PostgreSQL Client Tools Not Found",
		}},
	}
	for i, c := range cases {
		ps := Validate(c.job)
		var got []string
		for _, p := range ps {
			if !p.Warning {
				got = append(got, p.Attribute+": "+p.Summary)
			}
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("case %d: got\n%s\nwant %v", i, problemsText(ps), c.want)
		}
		if text := problemsText(ps); strings.Contains(text, pw) {
			t.Errorf("case %d echoes a password: %s", i, text)
		}
	}
}

func TestValidateWarningsAndTools(t *testing.T) {
	t.Parallel()
	ps := Validate(Job{Source: Source{DumpFile: "/does/not/exist.dump"}, TargetURL: "postgres://u:p@h", Options: Options{Clean: true}})
	text := problemsText(ps)
	for _, want := range []string{"warning source.dump_file: Dump File Not Found", "warning target_url: Target URL Without Database", "warning clean:"} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in\n%s", want, text)
		}
	}
	if err := ps.Errors(); len(err) != 0 {
		t.Errorf("errors: %v", err)
	}
	// pg_bin_dir without pg_dump, for a database_url source.
	bin := t.TempDir()
	must(t, os.WriteFile(filepath.Join(bin, "pg_restore"), []byte("#!/bin/sh\n"), 0o755))
	ps = Validate(Job{Source: Source{DatabaseURL: "postgres://u:p@h/d"}, TargetURL: "postgres://u:p@k/d", Options: Options{PGBinDir: bin}})
	if text := problemsText(ps); !strings.Contains(text, "there is no executable pg_dump in") {
		t.Errorf("want a missing pg_dump error, got\n%s", text)
	}
	ps = Validate(Job{Source: Source{DumpFile: "/x"}, TargetURL: "postgres://u:p@k/d", Options: Options{PGBinDir: bin}})
	if len(ps.Errors()) != 0 {
		t.Errorf("pg_restore alone is enough for a dump: %s", problemsText(ps))
	}
	if tools, err := findTools("", "pg_restore", "pg_dump"); err != nil || filepath.Dir(tools["pg_dump"]) != filepath.Dir(tools["pg_restore"]) {
		t.Errorf("findTools on PATH: %v %v", tools, err)
	}
}
