package pgrestore

import (
	"bytes"
	"os"
	"sort"
	"strings"
	"testing"
)

// testdata/sample.list and sample.schema are the output of PostgreSQL 15's
// `pg_restore --list` and (the lines this package reads of)
// `pg_restore --verbose --schema-only -f -` for a dump taken with
// --exclude-schema=heroku_ext of a database with citext, pgcrypto and
// uuid-ossp in heroku_ext, like a Heroku one.
func sampleTOC(t *testing.T) *archiveTOC {
	t.Helper()
	f, err := os.Open("testdata/sample.list")
	must(t, err)
	defer f.Close()
	toc, err := parseTOCList(f)
	must(t, err)
	s, err := os.Open("testdata/sample.schema")
	must(t, err)
	defer s.Close()
	must(t, parseSchemaScan(s, toc))
	return toc
}

func TestParseTOCList(t *testing.T) {
	t.Parallel()
	toc := sampleTOC(t)
	h := toc.Header
	if h.Format != "CUSTOM" || h.DBName != "src" || h.DumpVersion != "1.14-0" || h.Entries != 42 ||
		!strings.HasPrefix(h.DumpedFrom, "15.20 (Debian") || !strings.HasPrefix(h.DumpedBy, "15.20") {
		t.Errorf("header = %+v", h)
	}
	if len(toc.Entries) != 38 {
		t.Fatalf("%d entries", len(toc.Entries))
	}
	for id, want := range map[int]tocEntry{
		11:   {Desc: "SCHEMA", Namespace: "", Tag: "Mixed Case", Owner: "postgres"},
		2:    {Desc: "EXTENSION", Tag: "citext", ExtSchema: "heroku_ext"},
		4:    {Desc: "EXTENSION", Tag: "uuid-ossp", ExtSchema: "heroku_ext"},
		3546: {Desc: "COMMENT", Tag: `EXTENSION "uuid-ossp"`},
		227:  {Desc: "TABLE", Namespace: "Mixed Case", Tag: `We"ird, Name`, Owner: "postgres"},
		3535: {Desc: "TABLE DATA", Namespace: "Mixed Case", Tag: `We"ird, Name`, Owner: "postgres"},
		224:  {Desc: "TABLE", Namespace: "public", Tag: "Weird Name", Owner: "postgres"},
		3547: {Desc: "COMMENT", Namespace: "public", Tag: "TABLE users", Owner: "postgres"},
		3548: {Desc: "SEQUENCE OWNED BY", Namespace: "public", Tag: "orders_id_seq", Owner: "postgres"},
		3383: {Desc: "FK CONSTRAINT", Namespace: "public", Tag: "orders orders_user_id_fkey", Owner: "postgres"},
		3537: {Desc: "MATERIALIZED VIEW DATA", Namespace: "public", Tag: "mv", Owner: "postgres"},
	} {
		e := toc.byID[id]
		if e == nil {
			t.Errorf("entry %d missing", id)
			continue
		}
		if e.Desc != want.Desc || e.Namespace != want.Namespace || e.Tag != want.Tag || e.Owner != want.Owner || e.ExtSchema != want.ExtSchema {
			t.Errorf("entry %d = %+v, want %+v", id, *e, want)
		}
	}
	if deps := toc.byID[3383].Deps; len(deps) != 3 || deps[0] != 223 || deps[1] != 221 || deps[2] != 3379 {
		t.Errorf("FK deps = %v", deps)
	}
	if !strings.HasPrefix(toc.byID[3530].Line, "3530; 0 16529 TABLE DATA public users") {
		t.Errorf("line = %q", toc.byID[3530].Line)
	}
}

func TestParseTOCLineOddities(t *testing.T) {
	t.Parallel()
	in := `;
; Archive created at 2024-01-01 00:00:00 UTC
;     Format: DIRECTORY
;
5; 2615 1 SCHEMA - my schema u1
6; 1259 2 TABLE my schema t  u1
7; 0 2 TABLE DATA my schema t  u1
8; 1 2 SOMETHING NEW x y owner
not an entry line
;9; 0 3 TABLE DATA public commented owner
`
	toc, err := parseTOCList(strings.NewReader(in))
	must(t, err)
	if toc.Header.Format != "DIRECTORY" || len(toc.Entries) != 4 {
		t.Fatalf("%+v %d", toc.Header, len(toc.Entries))
	}
	// Owner "u1" after a name that ends in a space ("t ").
	if e := toc.byID[6]; e.Namespace != "my schema" || e.Tag != "t " || e.Owner != "u1" {
		t.Errorf("6 = %+v", *e)
	}
	if e := toc.byID[8]; e.Desc != "SOMETHING" || e.Namespace != "NEW" || e.Tag != "x y" {
		t.Errorf("unknown type = %+v", *e)
	}
	if _, err := parseTOCList(strings.NewReader("1; 0 0 TABLE public a b\n1; 0 0 TABLE public a b\n")); err == nil {
		t.Error("duplicate ids accepted")
	}
}

func TestParseCreateExtensionAndIdents(t *testing.T) {
	t.Parallel()
	for in, want := range map[string][2]string{
		`CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA heroku_ext;`:               {"citext", "heroku_ext"},
		`CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA "My ""Ext"" Schema";`: {"uuid-ossp", `My "Ext" Schema`},
		`CREATE EXTENSION IF NOT EXISTS plpgsql;`:                                     {"plpgsql", ""},
	} {
		n, s, ok := parseCreateExtension(in)
		if !ok || n != want[0] || s != want[1] {
			t.Errorf("%s → %q %q %v", in, n, s, ok)
		}
	}
	if _, _, ok := parseCreateExtension(`CREATE EXTENSION IF NOT EXISTS "unterminated`); ok {
		t.Error("unterminated quote accepted")
	}
	s, n, rest, ok := parseQualifiedName(`"Mixed Case"."We""ird, Name" (a)`)
	if !ok || s != "Mixed Case" || n != `We"ird, Name` || rest != " (a)" {
		t.Errorf("qualified = %q %q %q %v", s, n, rest, ok)
	}
	if got := quoteQualified(`a"b`, "c"); got != `"a""b"."c"` {
		t.Errorf("quoteQualified = %s", got)
	}
}

func keptNames(p *restorePlan) []string {
	var out []string
	for _, e := range p.Keep {
		out = append(out, e.String())
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestPlanHerokuExt(t *testing.T) {
	t.Parallel()
	p, err := buildPlan(sampleTOC(t), Options{HerokuExt: HerokuExtCreate, Extensions: []string{"hstore", "citext"}})
	must(t, err)
	if !p.UsesHerokuExt || strings.Join(p.HerokuExtensions, ",") != "citext,pgcrypto,uuid-ossp" {
		t.Errorf("heroku_ext: %v %v", p.UsesHerokuExt, p.HerokuExtensions)
	}
	var pre []string
	for _, e := range p.PreCreate {
		pre = append(pre, e.String())
	}
	if strings.Join(pre, ",") != "heroku_ext.citext,heroku_ext.pgcrypto,heroku_ext.uuid-ossp,heroku_ext.hstore" {
		t.Errorf("PreCreate = %v", pre)
	}
	kept := keptNames(p)
	if contains(kept, "EXTENSION - citext") || !contains(kept, "COMMENT - EXTENSION citext") {
		t.Errorf("the extensions are created first (so left out), their comments kept: %v", kept)
	}
	if len(p.Tables) != 6 || len(p.Skipped) != 0 || len(kept) != 35 {
		t.Errorf("tables %d, skipped %d, kept %d", len(p.Tables), len(p.Skipped), len(kept))
	}
	var buf bytes.Buffer
	must(t, p.writeList(&buf))
	if !strings.Contains(buf.String(), "\n3530; 0 16529 TABLE DATA public users postgres\n") || strings.Contains(buf.String(), "EXTENSION - citext") {
		t.Errorf("list = %s", buf.String())
	}
}

func TestPlanExclusionsFollowDependencies(t *testing.T) {
	t.Parallel()
	p, err := buildPlan(sampleTOC(t), Options{ExcludeTables: []string{"public.USERS", "audit"}, ExcludeSchemas: []string{"other"}})
	must(t, err)
	kept := keptNames(p)
	for _, gone := range []string{
		"TABLE public users", "TABLE DATA public users", "COMMENT public TABLE users", // the table, its data, its comment
		"CONSTRAINT public users users_pkey", "FK CONSTRAINT public orders orders_user_id_fkey", // constraints, the FK to it
		"VIEW public v", "MATERIALIZED VIEW public mv", "MATERIALIZED VIEW DATA public mv", // views on it
		"SEQUENCE public users_id_seq", "SEQUENCE SET public users_id_seq", "DEFAULT public users id", // its serial
		"TABLE public audit", "VIEW public audit_v", // an unqualified pattern
		"SCHEMA - other", "TABLE other t", "TABLE DATA other t", // the excluded schema
	} {
		if contains(kept, gone) {
			t.Errorf("%s is still restored", gone)
		}
	}
	for _, stays := range []string{"TABLE public orders", "TABLE DATA public orders", "INDEX public orders_user_id_idx",
		"SEQUENCE public orders_id_seq", "TABLE DATA Mixed Case We\"ird, Name"} {
		if !contains(kept, stays) {
			t.Errorf("%s is not restored", stays)
		}
	}
	var skipped []string
	for _, e := range p.Skipped {
		skipped = append(skipped, e.String())
	}
	sort.Strings(skipped)
	if !contains(skipped, "VIEW public v") || contains(skipped, "TABLE public users") {
		t.Errorf("skipped (dependents only) = %v", skipped)
	}
	if !strings.Contains(p.skippedSummary(), "FK CONSTRAINT public orders orders_user_id_fkey") {
		t.Errorf("summary = %s", p.skippedSummary())
	}
}

func TestPlanSchemasInclude(t *testing.T) {
	t.Parallel()
	p, err := buildPlan(sampleTOC(t), Options{Schemas: []string{"Mixed Case"}})
	must(t, err)
	kept := keptNames(p)
	want := []string{"SCHEMA - Mixed Case", `TABLE Mixed Case We"ird, Name`, `TABLE DATA Mixed Case We"ird, Name`}
	if strings.Join(kept, "|") != strings.Join(want, "|") {
		t.Errorf("kept = %v", kept)
	}
	// The heroku_ext extensions are still created up front: the schema's
	// tables may use them.
	if len(p.PreCreate) != 3 {
		t.Errorf("PreCreate = %v", p.PreCreate)
	}
	p, err = buildPlan(sampleTOC(t), Options{Schemas: []string{"heroku_ext"}})
	must(t, err)
	if len(p.Keep) != 3 || !contains(keptNames(p), `COMMENT - EXTENSION "uuid-ossp"`) {
		t.Errorf("kept = %v", keptNames(p))
	}
}

func TestPlanWithoutHerokuExt(t *testing.T) {
	t.Parallel()
	in := "1; 2615 1 SCHEMA - app u\n2; 3079 2 EXTENSION - hstore \n3; 1259 3 TABLE app t u\n4; 0 3 TABLE DATA app t u\n"
	toc, err := parseTOCList(strings.NewReader(in))
	must(t, err)
	must(t, parseSchemaScan(strings.NewReader("-- TOC entry 2 (class 3079 OID 2)\nCREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA app;\n"), toc))
	p, err := buildPlan(toc, Options{Extensions: []string{"pg_trgm"}})
	must(t, err)
	if p.UsesHerokuExt || len(p.Keep) != 4 || len(p.PreCreate) != 1 || p.PreCreate[0] != (extSpec{Name: "pg_trgm"}) {
		t.Errorf("plan = %+v", p)
	}
	if _, err := buildPlan(toc, Options{ExcludeTables: []string{"a.b.c"}}); err == nil {
		t.Error("bad pattern accepted")
	}
}

func TestNamePatterns(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		pattern, schema, name string
		want                  bool
	}{
		{"users", "public", "users", true},
		{"users", "app", "users", true},
		{"USERS", "public", "users", true},
		{`"USERS"`, "public", "users", false},
		{`"USERS"`, "public", "USERS", true},
		{"public.users", "app", "users", false},
		{"public.user*", "public", "user_emails", true},
		{`"Mixed Case"."We""ird, Name"`, "Mixed Case", `We"ird, Name`, true},
		{"*.log_?", "x", "log_1", true},
	} {
		np, err := parseNamePattern(c.pattern)
		if err != nil {
			t.Errorf("%s: %v", c.pattern, err)
			continue
		}
		if got := np.match(c.schema, c.name); got != c.want {
			t.Errorf("%s matches %s.%s = %v", c.pattern, c.schema, c.name, got)
		}
	}
	for _, bad := range []string{"", "a.", ".b", `"open`, "a.b.c", "[x"} {
		if _, err := parseNamePattern(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
