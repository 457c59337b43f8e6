package pgrestore

import (
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
)

// extSpec is an extension to create before the restore.
type extSpec struct {
	Name   string
	Schema string // "" means the target's default (first in search_path)
}

func (e extSpec) String() string {
	if e.Schema == "" {
		return e.Name
	}
	return e.Schema + "." + e.Name
}

// restorePlan is what pg_restore is told to restore (through a -L list),
// and what happens around it.
type restorePlan struct {
	Keep      []*tocEntry // the -L list, in archive order
	Tables    []*tocEntry // kept TABLE DATA entries
	Relations []*tocEntry // kept tables, views, sequences: they must not exist yet unless Clean
	// UsesHerokuExt: the dump has a heroku_ext schema, objects in it, or
	// extensions created WITH SCHEMA heroku_ext.
	UsesHerokuExt bool
	// HerokuExtensions are the dump's extensions in heroku_ext.
	HerokuExtensions []string
	PreCreate        []extSpec
	// Skipped are entries left out only because they depend on excluded
	// ones (an index of an excluded table, a foreign key to it, a view).
	Skipped []*tocEntry
}

// relationDescs are the entry types ExcludeTables matches, like pg_dump -T.
var relationDescs = map[string]bool{
	"TABLE": true, "TABLE DATA": true, "VIEW": true, "MATERIALIZED VIEW": true,
	"MATERIALIZED VIEW DATA": true, "FOREIGN TABLE": true, "SEQUENCE": true, "SEQUENCE SET": true,
}

// dataOf maps a data entry type to the entry type that owns it.
var dataOf = map[string]string{
	"TABLE DATA": "TABLE", "MATERIALIZED VIEW DATA": "MATERIALIZED VIEW", "SEQUENCE SET": "SEQUENCE",
}

// namePattern is one ExcludeTables item, split and case-folded like
// pg_dump's patterns: unquoted parts are folded to lower case, quoted
// parts are taken as they are; * and ? are wildcards.
type namePattern struct {
	schema, name string // schema "" matches any schema
}

func parseNamePattern(s string) (namePattern, error) {
	var parts []string
	var cur strings.Builder
	inQuote := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' && inQuote && i+1 < len(s) && s[i+1] == '"':
			cur.WriteByte('"')
			i++
		case c == '"':
			inQuote = !inQuote
		case c == '.' && !inQuote:
			parts = append(parts, cur.String())
			cur.Reset()
		case !inQuote:
			cur.WriteString(strings.ToLower(string(c)))
		default:
			cur.WriteByte(c)
		}
	}
	if inQuote {
		return namePattern{}, fmt.Errorf("%q has an unterminated quote", s)
	}
	parts = append(parts, cur.String())
	for _, p := range parts {
		if p == "" {
			return namePattern{}, fmt.Errorf("%q has an empty part; use table or schema.table", s)
		}
		if _, err := path.Match(p, ""); err != nil {
			return namePattern{}, fmt.Errorf("%q is not a valid pattern: %v", s, err)
		}
	}
	switch len(parts) {
	case 1:
		return namePattern{name: parts[0]}, nil
	case 2:
		return namePattern{schema: parts[0], name: parts[1]}, nil
	}
	return namePattern{}, fmt.Errorf("%q has too many dots; use table or schema.table", s)
}

func (p namePattern) match(schema, name string) bool {
	if p.schema != "" {
		if ok, _ := path.Match(p.schema, schema); !ok {
			return false
		}
	}
	ok, _ := path.Match(p.name, name)
	return ok
}

// buildPlan decides which entries to restore. The selection happens here,
// in one -L list, rather than with pg_restore's -n/-N, so that what is
// restored, what is verified and what is reported are the same set:
//
//   - ExcludeSchemas and ExcludeTables leave out the matching entries and,
//     following the archive's dependencies, everything that depends on them
//     (indexes, constraints, foreign keys pointing at them, views, comments,
//     owned sequences), which could not be restored anyway;
//   - Schemas keeps only entries in those schemas, plus the schemas
//     themselves and their extensions (pg_restore -n would skip the
//     CREATE SCHEMA);
//   - when the dump uses heroku_ext, its SCHEMA entry and the extensions in
//     it are left to the executor, which creates them first.
func buildPlan(toc *archiveTOC, opts Options) (*restorePlan, error) {
	p := &restorePlan{}
	dependents := map[int][]*tocEntry{}
	for _, e := range toc.Entries {
		for _, d := range e.Deps {
			dependents[d] = append(dependents[d], e)
		}
		switch {
		case e.Desc == "SCHEMA" && e.Tag == HerokuExtSchema,
			e.Namespace == HerokuExtSchema:
			p.UsesHerokuExt = true
		case e.Desc == "EXTENSION" && e.ExtSchema == HerokuExtSchema:
			p.UsesHerokuExt = true
			p.HerokuExtensions = append(p.HerokuExtensions, e.Tag)
		}
	}

	var patterns []namePattern
	for _, s := range opts.ExcludeTables {
		np, err := parseNamePattern(s)
		if err != nil {
			return nil, fmt.Errorf("exclude_tables: %w", err)
		}
		patterns = append(patterns, np)
	}
	exSchemas := toSet(opts.ExcludeSchemas)

	// Seeds: what the options name directly.
	excluded := map[int]bool{}
	seed := map[int]bool{}
	for _, e := range toc.Entries {
		hit := false
		if len(exSchemas) > 0 && (exSchemas[e.Namespace] ||
			(e.Desc == "SCHEMA" && exSchemas[e.Tag]) ||
			(e.Desc == "EXTENSION" && exSchemas[e.ExtSchema])) {
			hit = true
		}
		if relationDescs[e.Desc] {
			for _, np := range patterns {
				if np.match(e.Namespace, e.Tag) {
					hit = true
					break
				}
			}
		}
		if hit {
			excluded[e.ID] = true
			seed[e.ID] = true
		}
	}
	// Everything that depends on an excluded entry, transitively; data
	// entries go with their table; sequences owned by an excluded table
	// go with it, as in pg_dump.
	owners := map[string]*tocEntry{}
	for _, e := range toc.Entries {
		if e.Desc == "TABLE" || e.Desc == "MATERIALIZED VIEW" || e.Desc == "SEQUENCE" {
			owners[e.Desc+"\x00"+e.Namespace+"\x00"+e.Tag] = e
		}
	}
	for changed := len(excluded) > 0; changed; {
		changed = false
		queue := make([]int, 0, len(excluded))
		for id := range excluded {
			queue = append(queue, id)
		}
		for len(queue) > 0 {
			id := queue[0]
			queue = queue[1:]
			for _, d := range dependents[id] {
				if !excluded[d.ID] {
					excluded[d.ID] = true
					queue = append(queue, d.ID)
				}
			}
		}
		for _, e := range toc.Entries {
			if excluded[e.ID] {
				if e.Desc == "SEQUENCE OWNED BY" {
					for _, d := range e.Deps {
						if de := toc.byID[d]; de != nil && de.Desc == "SEQUENCE" && !excluded[d] {
							excluded[d], changed = true, true
						}
					}
				}
				continue
			}
			if owner, ok := dataOf[e.Desc]; ok {
				if o := owners[owner+"\x00"+e.Namespace+"\x00"+e.Tag]; o != nil && excluded[o.ID] {
					excluded[e.ID], changed = true, true
				}
			}
		}
	}

	include := toSet(opts.Schemas)
	keptExt := map[string]bool{}
	if len(include) > 0 {
		for _, e := range toc.Entries {
			if e.Desc == "EXTENSION" && include[e.ExtSchema] && !excluded[e.ID] {
				keptExt[e.Tag] = true
			}
		}
	}
	herokuExt := toSet(p.HerokuExtensions)
	for _, e := range toc.Entries {
		if excluded[e.ID] {
			if !seed[e.ID] {
				p.Skipped = append(p.Skipped, e)
			}
			continue
		}
		if len(include) > 0 && !includedBySchema(e, include, keptExt) {
			continue
		}
		if p.UsesHerokuExt {
			if e.Desc == "SCHEMA" && e.Tag == HerokuExtSchema {
				continue // created by the executor
			}
			if e.Desc == "EXTENSION" && herokuExt[e.Tag] {
				continue // created by the executor
			}
		}
		p.Keep = append(p.Keep, e)
		switch e.Desc {
		case "TABLE DATA":
			p.Tables = append(p.Tables, e)
		case "TABLE", "VIEW", "MATERIALIZED VIEW", "SEQUENCE", "FOREIGN TABLE":
			p.Relations = append(p.Relations, e)
		}
	}

	seen := map[string]bool{}
	for _, name := range p.HerokuExtensions {
		if !seen[name] {
			seen[name] = true
			p.PreCreate = append(p.PreCreate, extSpec{Name: name, Schema: HerokuExtSchema})
		}
	}
	for _, name := range opts.Extensions {
		name = strings.TrimSpace(name)
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		spec := extSpec{Name: name}
		if p.UsesHerokuExt {
			spec.Schema = HerokuExtSchema
		}
		p.PreCreate = append(p.PreCreate, spec)
	}
	return p, nil
}

// includedBySchema is the Schemas filter: entries in the schemas, the
// schemas themselves, their extensions, and comments, ACLs and security
// labels on those.
func includedBySchema(e *tocEntry, include, keptExt map[string]bool) bool {
	if e.Namespace != "" {
		return include[e.Namespace]
	}
	switch e.Desc {
	case "SCHEMA":
		return include[e.Tag]
	case "EXTENSION":
		return keptExt[e.Tag]
	case "COMMENT", "ACL", "SECURITY LABEL":
		kind, name, _ := strings.Cut(e.Tag, " ")
		if unq, rest, ok := parseIdent(name); ok && rest == "" {
			name = unq // the tag quotes names that need it: EXTENSION "uuid-ossp"
		}
		return (kind == "SCHEMA" && include[name]) || (kind == "EXTENSION" && keptExt[name])
	}
	return false
}

func toSet(items []string) map[string]bool {
	s := map[string]bool{}
	for _, it := range items {
		if it = strings.TrimSpace(it); it != "" {
			s[it] = true
		}
	}
	return s
}

// writeList writes a pg_restore -L file with the kept entries.
func (p *restorePlan) writeList(w io.Writer) error {
	if _, err := io.WriteString(w, ";\n; Generated by terraform-provider-heroku2aws: the entries to restore.\n;\n"); err != nil {
		return err
	}
	for _, e := range p.Keep {
		if _, err := io.WriteString(w, e.Line+"\n"); err != nil {
			return err
		}
	}
	return nil
}

// writeDataList writes a -L file with only the kept TABLE DATA entries.
func (p *restorePlan) writeDataList(w io.Writer) error {
	for _, e := range p.Tables {
		if _, err := io.WriteString(w, e.Line+"\n"); err != nil {
			return err
		}
	}
	return nil
}

// skippedSummary describes the skipped dependents for a warning.
func (p *restorePlan) skippedSummary() string {
	if len(p.Skipped) == 0 {
		return ""
	}
	names := make([]string, 0, len(p.Skipped))
	for _, e := range p.Skipped {
		names = append(names, e.String())
	}
	slices.Sort(names)
	const show = 8
	more := ""
	if len(names) > show {
		more = fmt.Sprintf(" and %d more", len(names)-show)
		names = names[:show]
	}
	return fmt.Sprintf("left out %d objects that depend on excluded tables or schemas: %s%s",
		len(p.Skipped), strings.Join(names, "; "), more)
}
