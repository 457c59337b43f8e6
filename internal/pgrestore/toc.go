package pgrestore

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// An archive's table of contents, from `pg_restore --list` and from a
// verbose schema-only pass (`pg_restore --verbose --schema-only -f -`),
// which adds each entry's dependencies and each extension's schema.

// tocEntry is one line of `pg_restore --list`:
//
//	3501; 0 16529 TABLE DATA public users postgres
//
// (dumpId; catalog tableoid, oid, type, schema or "-", name, owner).
type tocEntry struct {
	ID        int
	Desc      string // TABLE, TABLE DATA, SCHEMA, EXTENSION, COMMENT, ...
	Namespace string // "" when the list shows "-"
	Tag       string // the name; "EXTENSION citext" for a comment on it
	Owner     string
	Line      string // the list line, for -L files
	rest      string // "schema name owner" while parsing

	Deps      []int  // from the schema pass
	ExtSchema string // EXTENSION entries: the WITH SCHEMA of CREATE EXTENSION
}

func (e *tocEntry) qualified() string {
	if e.Namespace == "" {
		return e.Tag
	}
	return e.Namespace + "." + e.Tag
}

// String is the entry as the list shows it, without ids: "TABLE DATA public users".
func (e *tocEntry) String() string {
	ns := e.Namespace
	if ns == "" {
		ns = "-"
	}
	return e.Desc + " " + ns + " " + e.Tag
}

// tocHeader is the comment block at the top of `pg_restore --list`.
type tocHeader struct {
	DBName      string
	Format      string // CUSTOM, DIRECTORY, TAR
	Compression string
	DumpVersion string // archive format version, e.g. 1.14-0
	DumpedFrom  string // server version, e.g. "15.4 (Ubuntu 15.4-1)"
	DumpedBy    string // pg_dump version
	Entries     int
}

type archiveTOC struct {
	Header  tocHeader
	Entries []*tocEntry
	byID    map[int]*tocEntry
}

// tocDescs are the entry types pg_dump writes (pg_dump.c, pg_backup_archiver.c),
// longest first so that "TABLE DATA" wins over "TABLE".
var tocDescs = func() []string {
	d := []string{
		"ACCESS METHOD", "ACL", "AGGREGATE", "BLOB", "BLOB METADATA", "BLOBS", "CAST",
		"CHECK CONSTRAINT", "COLLATION", "COMMENT", "CONSTRAINT", "CONVERSION", "DATABASE",
		"DATABASE PROPERTIES", "DEFAULT", "DEFAULT ACL", "DOMAIN", "DUMMY TYPE", "ENCODING",
		"EVENT TRIGGER", "EXTENSION", "FK CONSTRAINT", "FOREIGN DATA WRAPPER", "FOREIGN SERVER",
		"FOREIGN TABLE", "FUNCTION", "INDEX", "INDEX ATTACH", "LARGE OBJECT", "LARGE OBJECTS",
		"MATERIALIZED VIEW", "MATERIALIZED VIEW DATA", "OPERATOR", "OPERATOR CLASS", "OPERATOR FAMILY",
		"POLICY", "PROCEDURAL LANGUAGE", "PROCEDURE", "PUBLICATION", "PUBLICATION TABLE",
		"PUBLICATION TABLES IN SCHEMA", "ROW SECURITY", "RULE", "SCHEMA", "SEARCHPATH",
		"SECURITY LABEL", "SEQUENCE", "SEQUENCE OWNED BY", "SEQUENCE SET", "SERVER", "SHELL TYPE",
		"STATISTICS", "STATISTICS DATA", "STDSTRINGS", "SUBSCRIPTION", "SUBSCRIPTION TABLE", "TABLE",
		"TABLE ATTACH", "TABLE DATA", "TEXT SEARCH CONFIGURATION", "TEXT SEARCH DICTIONARY",
		"TEXT SEARCH PARSER", "TEXT SEARCH TEMPLATE", "TRANSFORM", "TRIGGER", "TYPE", "USER MAPPING", "VIEW",
	}
	sort.Slice(d, func(i, j int) bool { return len(d[i]) > len(d[j]) })
	return d
}()

var tocLineRE = regexp.MustCompile(`^(\d+); (\d+) (\d+) (.*)$`)

// parseTOCList parses the output of `pg_restore --list`.
func parseTOCList(r io.Reader) (*archiveTOC, error) {
	toc := &archiveTOC{byID: map[int]*tocEntry{}}
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := readLine(br, 1<<20)
		if len(line) > 0 || err == nil {
			if perr := toc.parseLine(line); perr != nil {
				return nil, perr
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	toc.splitNames()
	return toc, nil
}

// splitNames splits "schema name owner" of each entry. The list does not
// quote, and schema names may contain spaces, so the schema is the longest
// schema name known from the archive's SCHEMA entries (plus the built-in
// ones) that the text starts with; the owner is the last word.
func (toc *archiveTOC) splitNames() {
	known := map[string]bool{"public": true, "pg_catalog": true, HerokuExtSchema: true}
	for _, e := range toc.Entries {
		if e.Desc == "SCHEMA" && strings.HasPrefix(e.rest, "- ") {
			tag, _ := splitOwner(e.rest[2:])
			known[tag] = true
		}
	}
	schemas := make([]string, 0, len(known))
	for s := range known {
		schemas = append(schemas, s)
	}
	sort.Slice(schemas, func(i, j int) bool { return len(schemas[i]) > len(schemas[j]) })
	for _, e := range toc.Entries {
		rest := e.rest
		var ns string
		if strings.HasPrefix(rest, "- ") {
			ns, rest = "-", rest[2:]
		} else {
			for _, s := range schemas {
				if strings.HasPrefix(rest, s+" ") {
					ns, rest = s, rest[len(s)+1:]
					break
				}
			}
			if ns == "" {
				ns, rest, _ = strings.Cut(rest, " ")
			}
		}
		if ns != "-" {
			e.Namespace = ns
		}
		e.Tag, e.Owner = splitOwner(rest)
		e.rest = ""
	}
}

// splitOwner splits "name owner" at the last space (the owner is empty for
// entries without one, which leaves a trailing space).
func splitOwner(s string) (tag, owner string) {
	if i := strings.LastIndexByte(s, ' '); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

func (toc *archiveTOC) parseLine(line string) error {
	if strings.HasPrefix(line, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(line, ";")), ":")
		if !ok {
			return nil
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "dbname":
			toc.Header.DBName = v
		case "Format":
			toc.Header.Format = v
		case "Compression":
			toc.Header.Compression = v
		case "Dump Version":
			toc.Header.DumpVersion = v
		case "Dumped from database version":
			toc.Header.DumpedFrom = v
		case "Dumped by pg_dump version":
			toc.Header.DumpedBy = v
		case "TOC Entries":
			toc.Header.Entries, _ = strconv.Atoi(v)
		}
		return nil
	}
	if strings.TrimSpace(line) == "" {
		return nil
	}
	m := tocLineRE.FindStringSubmatch(line)
	if m == nil {
		return nil // not an entry; pg_restore ignores such lines too
	}
	id, err := strconv.Atoi(m[1])
	if err != nil {
		return fmt.Errorf("TOC line with a bad id: %.80q", line)
	}
	e := &tocEntry{ID: id, Line: line}
	rest := m[4]
	for _, d := range tocDescs {
		if strings.HasPrefix(rest, d+" ") {
			e.Desc, rest = d, rest[len(d)+1:]
			break
		}
	}
	if e.Desc == "" { // a type this code does not know: one word
		e.Desc, rest, _ = strings.Cut(rest, " ")
	}
	e.rest = rest // split by splitNames once all SCHEMA entries are known
	if _, dup := toc.byID[id]; dup {
		return fmt.Errorf("TOC entry %d listed twice", id)
	}
	toc.byID[id] = e
	toc.Entries = append(toc.Entries, e)
	return nil
}

// readLine reads one line without its newline. A line longer than limit is
// cut at limit bytes (the rest is skipped), so memory stays bounded.
func readLine(br *bufio.Reader, limit int) (string, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) <= limit {
			buf = append(buf, chunk...)
		} else if len(buf) < limit {
			buf = append(buf, chunk[:limit-len(buf)]...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		s := strings.TrimRight(string(buf), "\r\n")
		if err == nil {
			return s, nil
		}
		if len(buf) > 0 && errors.Is(err, io.EOF) {
			return s, io.EOF
		}
		return s, err
	}
}

var (
	scanEntryRE = regexp.MustCompile(`^-- TOC entry (\d+) \(class \d+ OID \d+\)`)
	scanDepsRE  = regexp.MustCompile(`^-- Dependencies:((?: \d+)+)\s*$`)
)

// parseSchemaScan reads the script of
// `pg_restore --verbose --schema-only -f - ARCHIVE` and records, on the
// entries of toc, their dependencies ("-- Dependencies: 219 218") and the
// schema of each extension (CREATE EXTENSION ... WITH SCHEMA s).
func parseSchemaScan(r io.Reader, toc *archiveTOC) error {
	br := bufio.NewReaderSize(r, 256<<10)
	var cur *tocEntry
	for {
		line, err := readLine(br, 64<<10)
		switch {
		case strings.HasPrefix(line, "-- TOC entry "):
			cur = nil
			if m := scanEntryRE.FindStringSubmatch(line); m != nil {
				id, _ := strconv.Atoi(m[1])
				cur = toc.byID[id]
			}
		case cur != nil && strings.HasPrefix(line, "-- Dependencies:"):
			if m := scanDepsRE.FindStringSubmatch(line); m != nil {
				cur.Deps = cur.Deps[:0]
				for _, f := range strings.Fields(m[1]) {
					if id, err := strconv.Atoi(f); err == nil {
						cur.Deps = append(cur.Deps, id)
					}
				}
			}
		case cur != nil && cur.Desc == "EXTENSION" && strings.HasPrefix(line, "CREATE EXTENSION "):
			if _, schema, ok := parseCreateExtension(line); ok {
				cur.ExtSchema = schema
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// parseCreateExtension parses pg_dump's
// CREATE EXTENSION IF NOT EXISTS name WITH SCHEMA schema;
func parseCreateExtension(line string) (name, schema string, ok bool) {
	rest := strings.TrimPrefix(line, "CREATE EXTENSION ")
	rest = strings.TrimPrefix(rest, "IF NOT EXISTS ")
	name, rest, ok = parseIdent(rest)
	if !ok {
		return "", "", false
	}
	rest = strings.TrimSpace(rest)
	if !strings.HasPrefix(rest, "WITH SCHEMA ") {
		return name, "", true
	}
	schema, _, ok = parseIdent(strings.TrimPrefix(rest, "WITH SCHEMA "))
	return name, schema, ok
}

// parseIdent reads one SQL identifier, quoted ("a""b") or bare, from the
// start of s.
func parseIdent(s string) (ident, rest string, ok bool) {
	if s == "" {
		return "", "", false
	}
	if s[0] == '"' {
		var b strings.Builder
		for i := 1; i < len(s); i++ {
			if s[i] == '"' {
				if i+1 < len(s) && s[i+1] == '"' {
					b.WriteByte('"')
					i++
					continue
				}
				return b.String(), s[i+1:], true
			}
			b.WriteByte(s[i])
		}
		return "", "", false
	}
	i := 0
	for i < len(s) {
		c := s[i]
		if c == '_' || c == '$' || c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9') {
			i++
			continue
		}
		break
	}
	if i == 0 {
		return "", "", false
	}
	return s[:i], s[i:], true
}

// parseQualifiedName reads schema.name (each part optionally quoted).
func parseQualifiedName(s string) (schema, name, rest string, ok bool) {
	a, rest, ok := parseIdent(s)
	if !ok {
		return "", "", "", false
	}
	if !strings.HasPrefix(rest, ".") {
		return "", a, rest, true
	}
	b, rest, ok := parseIdent(rest[1:])
	if !ok {
		return "", "", "", false
	}
	return a, b, rest, true
}

// quoteIdent quotes an identifier for SQL.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// quoteQualified quotes schema.name.
func quoteQualified(schema, name string) string {
	if schema == "" {
		return quoteIdent(name)
	}
	return quoteIdent(schema) + "." + quoteIdent(name)
}
