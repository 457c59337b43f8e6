package herokuapi

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

const herokuGoModule = "github.com/heroku/heroku-go/v5"

// herokuSchemaDoc reads schema.json from the heroku-go module this package
// builds against, located the way the go command does: `go list -m` in the
// module, falling back to the module cache and the version in the test
// binary's build info. It works in a clean clone after `go mod download`.
var herokuSchemaDoc = sync.OnceValues(func() (map[string]any, error) {
	dir, err := herokuGoDir()
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(dir, "schema.json"))
	if err != nil {
		return nil, fmt.Errorf("reading heroku-go schema (run `go mod download`): %w", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return nil, errors.New("schema.json is not an object")
	}
	return m, nil
})

func herokuGoDir() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", herokuGoModule).Output()
	if dir := strings.TrimSpace(string(out)); err == nil && dir != "" {
		return dir, nil
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "", errors.New("no build info to find heroku-go")
	}
	for _, dep := range info.Deps {
		if dep.Path != herokuGoModule {
			continue
		}
		if dep.Replace != nil {
			dep = dep.Replace
		}
		cache := os.Getenv("GOMODCACHE")
		if cache == "" {
			if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
				cache = strings.TrimSpace(string(out))
			}
		}
		if cache == "" {
			home, _ := os.UserHomeDir()
			cache = filepath.Join(home, "go", "pkg", "mod")
		}
		return filepath.Join(cache, escapeModulePath(dep.Path)+"@"+dep.Version), nil
	}
	return "", errors.New("heroku-go is not a dependency of the test binary")
}

// escapeModulePath applies the module cache's case encoding ("A" → "!a").
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// schemaLink is a link of the schema with its compiled target schema and,
// for links that take a body, its request schema.
type schemaLink struct {
	href    string // as in the schema
	rel     string
	re      *regexp.Regexp
	target  *jsonschema.Schema
	request *jsonschema.Schema // nil when the link takes no body
}

var hrefVarRE = regexp.MustCompile(`\{\([^)]*\)\}`)

// compileLinks compiles the targetSchema of every GET link. When strict is
// set, every object schema with properties is made to require all of them
// and allow no others, so that answers must carry exactly the documented
// fields (interagent's "strictProperties", applied everywhere).
func compileLinks(t *testing.T, strict bool) []schemaLink {
	t.Helper()
	return compileMethodLinks(t, strict, "GET")
}

// compileMethodLinks compiles the links of one method, as compileLinks
// does for GET.
func compileMethodLinks(t *testing.T, strict bool, method string) []schemaLink {
	t.Helper()
	orig, err := herokuSchemaDoc()
	if err != nil {
		t.Fatalf("loading heroku-go schema.json: %v", err)
	}
	doc := deepCopy(orig).(map[string]any)
	// The schema names interagent's hyper-schema meta-schema, which is not
	// available offline; its vocabulary is draft-04's plus links, so compile
	// it as draft-04.
	stripKey(doc, "$schema")
	if strict {
		makeStrict(doc)
	}

	const loc = "https://api.heroku.com/schema"
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	c.UseRegexpEngine(schemaRegexp)
	c.RegisterFormat(&jsonschema.Format{Name: "uri", Validate: uriOrHostname})
	if err := c.AddResource(loc, doc); err != nil {
		t.Fatal(err)
	}

	var links []schemaLink
	defs := doc["definitions"].(map[string]any)
	for name, def := range defs {
		ls, _ := def.(map[string]any)["links"].([]any)
		for i, l := range ls {
			link := l.(map[string]any)
			if link["method"] != method || link["targetSchema"] == nil {
				continue
			}
			href := link["href"].(string)
			sch, err := c.Compile(fmt.Sprintf("%s#/definitions/%s/links/%d/targetSchema", loc, name, i))
			if err != nil {
				t.Fatalf("compiling %s link %s: %v", name, href, err)
			}
			rel, _ := link["rel"].(string)
			var req *jsonschema.Schema
			if link["schema"] != nil {
				if req, err = c.Compile(fmt.Sprintf("%s#/definitions/%s/links/%d/schema", loc, name, i)); err != nil {
					t.Fatalf("compiling %s link %s request: %v", name, href, err)
				}
			}
			links = append(links, schemaLink{href: href, rel: rel, re: hrefPattern(href), target: sch, request: req})
		}
	}
	return links
}

// hrefPattern turns a link href such as
// /apps/{(%23%2Fdefinitions%2Fapp%2Fdefinitions%2Fidentity)}/formation into a
// regexp matching request paths.
func hrefPattern(href string) *regexp.Regexp {
	parts := hrefVarRE.Split(href, -1)
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	return regexp.MustCompile("^" + strings.Join(parts, "[^/]+") + "$")
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, c := range x {
			m[k] = deepCopy(c)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, c := range x {
			s[i] = deepCopy(c)
		}
		return s
	default:
		return v
	}
}

func stripKey(v any, key string) {
	switch x := v.(type) {
	case map[string]any:
		delete(x, key)
		for _, c := range x {
			stripKey(c, key)
		}
	case []any:
		for _, c := range x {
			stripKey(c, key)
		}
	}
}

// makeStrict requires every listed property of object schemas and forbids
// others. Link schemas (request bodies) are left alone.
func makeStrict(v any) {
	switch x := v.(type) {
	case map[string]any:
		if props, ok := x["properties"].(map[string]any); ok && len(props) > 0 && allowsObject(x["type"]) {
			req := make([]any, 0, len(props))
			for k := range props {
				req = append(req, k)
			}
			x["required"] = req
			x["additionalProperties"] = false
		}
		for k, c := range x {
			if k == "links" {
				continue
			}
			makeStrict(c)
		}
	case []any:
		for _, c := range x {
			makeStrict(c)
		}
	}
}

func allowsObject(t any) bool {
	switch x := t.(type) {
	case string:
		return x == "object"
	case []any:
		for _, s := range x {
			if s == "object" {
				return true
			}
		}
	}
	return false
}

// schemaRegexp compiles patterns with Go's regexp. The schema's one pattern
// that uses look-ahead (space names) gets an equivalent hand-written matcher.
func schemaRegexp(s string) (jsonschema.Regexp, error) {
	re, err := regexp.Compile(s)
	if err == nil {
		return re, nil
	}
	if s == `^[a-z0-9](?:[a-z0-9]|-(?!-))+[a-z0-9]$` {
		return funcRegexp{pattern: s, match: validSpaceName}, nil
	}
	return nil, err
}

type funcRegexp struct {
	pattern string
	match   func(string) bool
}

func (r funcRegexp) MatchString(s string) bool { return r.match(s) }
func (r funcRegexp) String() string            { return r.pattern }

// uriOrHostname is the "uri" format, also accepting bare hostnames: the
// schema declares domain.hostname as a uri, yet Heroku answers (and the
// schema's own example is) "subdomain.example.com".
func uriOrHostname(v any) error {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	if validHostname(s) {
		return nil
	}
	if !regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]*$`).MatchString(s) {
		return fmt.Errorf("%q is neither an absolute URI nor a hostname", s)
	}
	return nil
}

func matchLink(t *testing.T, links []schemaLink, path string) schemaLink {
	t.Helper()
	var found []schemaLink
	for _, l := range links {
		if l.re.MatchString(path) {
			found = append(found, l)
		}
	}
	if len(found) != 1 {
		hrefs := make([]string, len(found))
		for i, l := range found {
			hrefs[i] = l.href
		}
		t.Fatalf("%s matches %d schema links %v, want 1", path, len(found), hrefs)
	}
	return found[0]
}

// servedPaths is every endpoint the sandbox serves, by name and by id.
func servedPaths(t *testing.T, s *Server) []string {
	app := s.data.lookupApp("acme-api").app
	team := s.data.lookupTeam("acme")
	paths := []string{"/account", "/account/rate-limits", "/apps", "/dyno-sizes", "/dyno-sizes/standard-1x"}
	for _, a := range []string{"acme-api", app.ID, "acme-worker"} {
		paths = append(paths, "/apps/"+a)
		for sub := range appSubresources {
			paths = append(paths, "/apps/"+a+"/"+sub)
		}
	}
	for _, name := range []string{"acme-api", "acme-worker"} {
		rec := s.data.lookupApp(name)
		for _, r := range rec.releases.items {
			if r.Current && r.Slug != nil {
				paths = append(paths, "/apps/"+name+"/slugs/"+r.Slug.ID)
			}
		}
	}
	paths = append(paths, "/teams/acme/apps", "/teams/"+team.id+"/apps")
	sizes := s.data.sizes.items
	paths = append(paths, "/dyno-sizes/"+sizes[len(sizes)-1].ID)
	return paths
}

func TestResponsesMatchPlatformSchema(t *testing.T) {
	t.Parallel()
	for _, strict := range []bool{false, true} {
		t.Run(fmt.Sprintf("strict=%v", strict), func(t *testing.T) {
			t.Parallel()
			links := compileLinks(t, strict)
			s, base := startSample(t, Options{})
			for _, path := range servedPaths(t, s) {
				r := get(t, base, path)
				if r.status != 200 {
					t.Errorf("GET %s: status %d: %s", path, r.status, r.body)
					continue
				}
				link := matchLink(t, links, path)
				inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(r.body))
				if err != nil {
					t.Fatalf("GET %s: body is not JSON: %v", path, err)
				}
				if link.rel == "instances" {
					if arr, ok := inst.([]any); !ok || len(arr) == 0 {
						t.Errorf("GET %s: want a non-empty array, got %s", path, r.body)
					}
				}
				if err := link.target.Validate(inst); err != nil {
					t.Errorf("GET %s (schema link %s): %v", path, link.href, err)
				}
			}
		})
	}
}

func TestGeneratedAppsMatchPlatformSchema(t *testing.T) {
	t.Parallel()
	links := compileLinks(t, true)
	f := &Fixture{Apps: GenerateApps(12, "gen")}
	_, base := Start(t, f, Options{APIKey: testKey})
	for i := range 12 {
		name := fmt.Sprintf("gen-%04d", i)
		for _, path := range []string{"/apps/" + name, "/apps/" + name + "/formation", "/apps/" + name + "/addons",
			"/apps/" + name + "/addon-attachments", "/apps/" + name + "/domains", "/apps/" + name + "/releases",
			"/apps/" + name + "/config-vars"} {
			validateGET(t, links, base, path)
		}
	}
}

// validateGET checks the answer of an authorized GET against its link's
// target schema.
func validateGET(t *testing.T, links []schemaLink, base, path string) {
	t.Helper()
	r := get(t, base, path)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(r.body))
	if err != nil || r.status != 200 {
		t.Fatalf("GET %s: %d %v", path, r.status, err)
	}
	if err := matchLink(t, links, path).target.Validate(inst); err != nil {
		t.Errorf("GET %s: %v", path, err)
	}
}

// TestErrorBodies checks that every kind of error is a JSON object with id
// and message, as Heroku's error schema has them.
func TestErrorBodies(t *testing.T) {
	t.Parallel()
	s, base := startSample(t, Options{RateLimitBucket: 100})
	cases := []struct {
		name   string
		r      func() response
		status int
		id     string
	}{
		{"unauthorized", func() response { return do(t, base, "/apps") }, 401, "unauthorized"},
		{"unknown app", func() response { return get(t, base, "/apps/nope") }, 404, "not_found"},
		{"unknown route", func() response { return get(t, base, "/nope") }, 404, "not_found"},
		{"bad range", func() response { return get(t, base, "/apps", "Range", "id ..; max=0") }, 400, "bad_request"},
		{"injected", func() response { s.FailNext(1, 503); return get(t, base, "/apps") }, 503, "unavailable"},
	}
	for _, c := range cases {
		r := c.r()
		body := wantError(t, r, c.status, c.id)
		for k := range body {
			if k != "id" && k != "message" && k != "resource" && k != "url" {
				t.Errorf("%s: unexpected error field %q", c.name, k)
			}
		}
	}
}

// TestSchemaCatchesDrift makes sure the schema check has teeth: bodies with a
// missing field, an extra field or a malformed value fail it.
func TestSchemaCatchesDrift(t *testing.T) {
	t.Parallel()
	links := compileLinks(t, true)
	_, base := startSample(t, Options{})
	link := matchLink(t, links, "/apps/acme-api")
	mutations := map[string]func(map[string]any){
		"missing name": func(m map[string]any) { delete(m, "name") },
		"extra field":  func(m map[string]any) { m["bogus"] = true },
		"bad id":       func(m map[string]any) { m["id"] = "not-a-uuid" },
		"bad git_url":  func(m map[string]any) { m["git_url"] = "git@heroku.com:acme-api.git" },
		"null stack":   func(m map[string]any) { m["stack"] = nil },
	}
	for name, mutate := range mutations {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(get(t, base, "/apps/acme-api").body))
		if err != nil {
			t.Fatal(err)
		}
		mutate(inst.(map[string]any))
		if err := link.target.Validate(inst); err == nil {
			t.Errorf("%s: schema accepted the mutated body", name)
		}
	}
}
