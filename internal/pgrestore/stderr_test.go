package pgrestore

import (
	"strings"
	"testing"
)

func parseStderr(text string) *stderrParser {
	p := newStderrParser()
	for _, l := range strings.Split(text, "\n") {
		p.Line(l)
	}
	p.Close()
	return p
}

// Real PostgreSQL 15 output: a non-superuser restores into a target whose
// extensions an administrator created (serial, so with TOC context).
const ownershipStderr = `pg_restore: connecting to database for restore
pg_restore: processing item 3511 COMMENT EXTENSION citext
pg_restore: while PROCESSING TOC:
pg_restore: from TOC entry 3511; 0 0 COMMENT EXTENSION citext 
pg_restore: error: could not execute query: ERROR:  must be owner of extension citext
Command was: COMMENT ON EXTENSION citext IS 'citext comment';


pg_restore: from TOC entry 3512; 0 0 COMMENT EXTENSION pgcrypto 
pg_restore: error: could not execute query: ERROR:  must be owner of extension pgcrypto
Command was: COMMENT ON EXTENSION pgcrypto IS 'cryptographic functions';


pg_restore: processing data for table "public.users"
pg_restore: processing data for table "public.orders"
pg_restore: warning: errors ignored on restore: 2`

func TestStderrOwnershipTolerated(t *testing.T) {
	t.Parallel()
	p := parseStderr(ownershipStderr)
	if p.FailedN != 0 || p.ToleratedN != 2 || p.IgnoredCount != 2 || len(p.Other) != 0 {
		t.Fatalf("failed %d tolerated %d ignored %d other %v", p.FailedN, p.ToleratedN, p.IgnoredCount, p.Other)
	}
	e := p.Tolerated[0]
	if e.Entry != "from TOC entry 3511; 0 0 COMMENT EXTENSION citext" || e.Command != "COMMENT ON EXTENSION citext IS 'citext comment';" {
		t.Errorf("error = %+v", e)
	}
	if got := e.Short(); got != "ERROR: must be owner of extension citext (COMMENT ON EXTENSION citext IS 'citext comment';)" {
		t.Errorf("Short = %q", got)
	}
	if p.TablesProgress() != 1 {
		t.Errorf("serial progress = %d", p.TablesProgress())
	}
}

// Parallel restore (no TOC context), a missing schema: real failures, with
// a multi-line command and LINE/caret details.
const failureStderr = `pg_restore: entering main parallel loop
pg_restore: launching item 3502 TABLE DATA orders
pg_restore: error: could not execute query: ERROR:  schema "heroku_ext" does not exist
Command was: CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA heroku_ext;


pg_restore: error: could not execute query: ERROR:  schema "heroku_ext" does not exist
LINE 3:     email heroku_ext.citext,
                  ^
Command was: CREATE TABLE public.users (
    id integer NOT NULL,
    email heroku_ext.citext
);


pg_restore: error: could not execute query: ERROR:  must be owner of extension pgcrypto
Command was: DROP EXTENSION IF EXISTS pgcrypto;
pg_restore: error: could not execute query: ERROR:  must be owner of schema public
Command was: COMMENT ON SCHEMA public IS 'standard public schema';


pg_restore: error: could not execute query: ERROR:  role "u1abcdef" does not exist
Command was: ALTER TABLE public.users OWNER TO u1abcdef;


pg_restore: error: could not execute query: ERROR:  role "u1abcdef" does not exist
Command was: GRANT ALL ON TABLE public.users TO u1abcdef;


pg_restore: finished item 3502 TABLE DATA orders
pg_restore: warning: errors ignored on restore: 6`

func TestStderrFailuresClassified(t *testing.T) {
	t.Parallel()
	p := parseStderr(failureStderr)
	if p.FailedN != 3 || p.ToleratedN != 3 || p.IgnoredCount != 6 {
		t.Fatalf("failed %d tolerated %d ignored %d", p.FailedN, p.ToleratedN, p.IgnoredCount)
	}
	f := p.Failed[1]
	if !strings.Contains(f.Message, `schema "heroku_ext" does not exist`) || len(f.Detail) != 2 ||
		!strings.HasPrefix(f.Command, "CREATE TABLE public.users (") || !strings.HasSuffix(f.Command, ");") {
		t.Errorf("failure = %#v", f)
	}
	if text := f.Text(); !strings.Contains(text, "LINE 3:") || !strings.Contains(text, "Command was: CREATE TABLE") {
		t.Errorf("Text = %s", text)
	}
	if !strings.Contains(p.Failed[2].Command, "GRANT ALL") {
		t.Errorf("a GRANT to a missing role is an ACL error, not tolerated: %+v", p.Failed[2])
	}
	var tolerated []string
	for _, e := range p.Tolerated {
		tolerated = append(tolerated, e.Command)
	}
	if strings.Join(tolerated, "|") != "DROP EXTENSION IF EXISTS pgcrypto;|COMMENT ON SCHEMA public IS 'standard public schema';|ALTER TABLE public.users OWNER TO u1abcdef;" {
		t.Errorf("tolerated = %q", tolerated)
	}
	if p.TablesProgress() != 1 {
		t.Errorf("parallel progress = %d", p.TablesProgress())
	}
}

func TestStderrOtherErrorsAndBounds(t *testing.T) {
	t.Parallel()
	p := parseStderr("pg_restore: error: connection to server at \"h\" (1.2.3.4), port 5432 failed: FATAL:  password authentication failed for user \"x\"")
	if len(p.Other) != 1 || p.FailedN != 0 {
		t.Errorf("other = %v", p.Other)
	}
	// Older clients (PostgreSQL 11 and before) used [archiver (db)] prefixes.
	p = parseStderr("pg_restore: [archiver (db)] could not execute query: ERROR:  relation \"x\" does not exist\n    Command was: SELECT 1;")
	if p.FailedN != 1 {
		t.Errorf("old format: failed %d", p.FailedN)
	}
	var b strings.Builder
	for i := 0; i < 500; i++ {
		b.WriteString("pg_restore: error: could not execute query: ERROR:  boom\nCommand was: " + strings.Repeat("x", 5000) + "\n")
	}
	p = parseStderr(b.String())
	if p.FailedN != 500 || len(p.Failed) != maxKeptErrors || len(p.Failed[0].Command) > maxCommandText+10 {
		t.Errorf("bounds: %d %d %d", p.FailedN, len(p.Failed), len(p.Failed[0].Command))
	}
	if len(strings.Split(p.Tail(), "\n")) != maxTailLines {
		t.Errorf("tail has %d lines", len(strings.Split(p.Tail(), "\n")))
	}
}
