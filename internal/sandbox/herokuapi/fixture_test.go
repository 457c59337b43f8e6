package herokuapi

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSampleFixture(t *testing.T) {
	t.Parallel()
	f, err := LoadFixtureFile(filepath.Join("testdata", "sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Apps) != 2 || f.Apps[0].Name != "acme-api" || f.Apps[1].Name != "acme-worker" {
		t.Fatalf("apps = %+v", f.Apps)
	}
	if v, ok := f.Apps[0].ConfigVars["LEGACY_UNSET"]; !ok || v != nil {
		t.Error("null config var not kept as nil")
	}
}

func TestLoadFixtureStrict(t *testing.T) {
	t.Parallel()
	for name, in := range map[string]string{
		"unknown top-level field": `{"appz": []}`,
		"unknown app field":       `{"apps": [{"name": "acme-api", "color": "red"}]}`,
		"trailing data":           `{"apps": []} {}`,
		"not an object":           `[]`,
		"null":                    `null`,
		"empty":                   ``,
		"wrong type":              `{"apps": [{"name": 7}]}`,
		"bad time":                `{"apps": [{"name": "acme-api", "created_at": "yesterday"}]}`,
	} {
		if _, err := LoadFixture(strings.NewReader(in)); err == nil {
			t.Errorf("%s: LoadFixture(%s) succeeded", name, in)
		}
	}
	if _, err := LoadFixture(strings.NewReader(" {} \n")); err != nil {
		t.Errorf("empty fixture: %v", err)
	}
	if _, err := LoadFixtureFile(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("missing file loaded")
	}
}

func TestFixtureValidation(t *testing.T) {
	t.Parallel()
	const secret = "canary-secret-value-3f9a"
	for _, c := range []struct {
		name string
		json string
		want []string // substrings of the error
	}{
		{"duplicate app", `{"apps": [{"name": "acme-api"}, {"name": "acme-api"}]}`, []string{`apps[1] "acme-api"`, "duplicate app name"}},
		{"bad app name", `{"apps": [{"name": "Acme_API"}]}`, []string{`apps[0] "Acme_API"`, "name"}},
		{"bad config var name", `{"apps": [{"name": "acme-api", "config_vars": {"BAD-NAME": "` + secret + `"}}]}`,
			[]string{`apps[0] "acme-api"`, "config_vars", `"BAD-NAME"`}},
		{"dunder config var", `{"apps": [{"name": "acme-api", "config_vars": {"__SECRET": "` + secret + `"}}]}`,
			[]string{"config_vars", `"__SECRET"`, "__"}},
		{"config vars too big", `{"apps": [{"name": "acme-api", "config_vars": {"BIG": "` + strings.Repeat("x", 33000) + `"}}]}`,
			[]string{"32768"}},
		{"unknown team", `{"apps": [{"name": "acme-api", "team": "nope"}]}`, []string{`apps[0] "acme-api"`, `team "nope"`}},
		{"attachment to unknown app", `{"apps": [{"name": "acme-api", "addons": [{"name": "pg-1", "plan": "heroku-postgresql:mini",
			"attachments": [{"name": "DATABASE", "app": "ghost"}]}]}]}`, []string{`addons[0] "pg-1"`, `app "ghost"`}},
		{"negative quantity", `{"apps": [{"name": "acme-api", "formation": [{"type": "web", "command": "x", "quantity": -1}]}]}`,
			[]string{`formation[0] "web"`, "negative"}},
		{"unknown size", `{"apps": [{"name": "acme-api", "formation": [{"type": "web", "command": "x", "size": "standard-9x"}]}]}`,
			[]string{`formation[0] "web"`, `"standard-9x"`}},
		{"private size outside a space", `{"apps": [{"name": "acme-api", "formation": [{"type": "web", "command": "x", "size": "private-s"}]}]}`,
			[]string{"Private Space"}},
		{"duplicate process type", `{"apps": [{"name": "acme-api", "formation": [{"type": "web", "command": "x"}, {"type": "web", "command": "y"}]}]}`,
			[]string{"duplicate process type"}},
		{"duplicate add-on", `{"apps": [{"name": "acme-api", "addons": [{"name": "pg-1", "plan": "a:b"}]},
			{"name": "acme-two", "addons": [{"name": "pg-1", "plan": "a:b"}]}]}`, []string{`apps[1] "acme-two"`, "already used"}},
		{"bad plan", `{"apps": [{"name": "acme-api", "addons": [{"name": "pg-1", "plan": "postgres"}]}]}`, []string{"service:plan"}},
		{"service mismatch", `{"apps": [{"name": "acme-api", "addons": [{"name": "pg-1", "service": "redis", "plan": "pg:x"}]}]}`, []string{"does not match"}},
		{"bad state", `{"apps": [{"name": "acme-api", "addons": [{"name": "pg-1", "plan": "a:b", "state": "gone"}]}]}`, []string{"state"}},
		{"duplicate attachment", `{"apps": [{"name": "acme-api", "addons": [{"name": "pg-1", "plan": "a:b", "attachments": [{"name": "DB"}, {"name": "DB"}]}]}]}`,
			[]string{"already has an attachment"}},
		{"bad domain", `{"apps": [{"name": "acme-api", "domains": [{"hostname": "Not A Host"}]}]}`, []string{`domains[0]`}},
		{"duplicate domain", `{"apps": [{"name": "acme-api", "domains": [{"hostname": "a.example.com"}]},
			{"name": "acme-two", "domains": [{"hostname": "a.example.com"}]}]}`, []string{"already belongs"}},
		{"heroku domain", `{"apps": [{"name": "acme-api", "domains": [{"hostname": "x.herokuapp.com"}]}]}`, []string{"herokuapp.com"}},
		{"domain kind", `{"apps": [{"name": "acme-api", "domains": [{"hostname": "a.example.com", "kind": "heroku"}]}]}`, []string{"kind"}},
		{"two current releases", `{"apps": [{"name": "acme-api", "releases": [{"version": 1, "current": true}, {"version": 2, "current": true}]}]}`,
			[]string{"more than one"}},
		{"bad release", `{"apps": [{"name": "acme-api", "releases": [{"version": 0}, {"version": 3, "status": "done"}]}]}`,
			[]string{"at least 1", `status "done"`}},
		{"bad ids", `{"account": {"id": "x"}, "teams": [{"name": "acme", "id": "y"}], "apps": [{"name": "acme-api", "id": "z"}]}`,
			[]string{"account.id", `teams[0] "acme"`, `apps[0] "acme-api": id`}},
		{"bad region", `{"apps": [{"name": "acme-api", "region": "mars"}]}`, []string{`region "mars"`}},
		{"bad space", `{"apps": [{"name": "acme-api", "space": "a--b"}]}`, []string{"space"}},
		{"bad web_url", `{"apps": [{"name": "acme-api", "web_url": "https://acme.example.com/"}]}`, []string{"web_url"}},
		{"duplicate dyno size", `{"dyno_sizes": [{"name": "S", "memory": 1}, {"name": "s", "memory": 1}]}`, []string{"duplicate dyno size"}},
		{"bad api key", `{"api_key": "has space"}`, []string{"api_key"}},
	} {
		_, err := LoadFixture(strings.NewReader(c.json))
		if err == nil {
			t.Errorf("%s: fixture accepted", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", c.name, err, w)
			}
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("%s: error leaks a config var value: %v", c.name, err)
		}
	}
}

func TestFixtureValidationReportsEveryProblem(t *testing.T) {
	t.Parallel()
	f := &Fixture{Apps: []App{
		{Name: "acme-api", Team: "nope", Formation: []Process{{Type: "web", Command: "x", Quantity: -2}}},
		{Name: "acme-two", ConfigVars: map[string]*string{"A B": nil}},
	}}
	err := f.Validate()
	if err == nil {
		t.Fatal("invalid fixture validated")
	}
	for _, w := range []string{`apps[0] "acme-api": team`, `apps[1] "acme-two": config_vars`} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not mention %q", err, w)
		}
	}
	if (*Fixture)(nil).Validate() == nil {
		t.Error("nil fixture validated")
	}
}

func TestDerivedDefaults(t *testing.T) {
	t.Parallel()
	f := &Fixture{Apps: []App{{
		Name:    "a-very-long-application-name",
		Addons:  []Addon{{Name: "papertrail-x", Plan: "papertrail:choklad"}, {Name: "pg-x", Plan: "heroku-postgresql:mini", ConfigVars: []string{"HEROKU_POSTGRESQL_RED_URL"}}},
		Domains: []Domain{{Hostname: "www.example.com"}},
	}}}
	s, err := New(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rec := s.data.lookupApp("a-very-long-application-name")
	if rec.app.ID != deriveID("app", "a-very-long-application-name") || !isUUID(rec.app.ID) {
		t.Errorf("id = %s", rec.app.ID)
	}
	if !webURLRE.MatchString(rec.app.WebURL) || !strings.HasPrefix(rec.app.WebURL, "https://a-very-long-applic-") {
		t.Errorf("web_url = %s", rec.app.WebURL)
	}
	if rec.app.GitURL != "https://git.heroku.com/a-very-long-application-name.git" {
		t.Errorf("git_url = %s", rec.app.GitURL)
	}
	var atts []string
	for _, a := range rec.attachments.items {
		atts = append(atts, a.Name)
	}
	if strings.Join(atts, ",") != "PAPERTRAIL,HEROKU_POSTGRESQL_RED" {
		t.Errorf("default attachments = %v", atts)
	}
	dom := rec.domains.items[1]
	if dom.CName == nil || !strings.HasSuffix(*dom.CName, ".herokudns.com") || dom.Status != "succeeded" || dom.ACMStatus != nil {
		t.Errorf("custom domain = %+v", dom)
	}
	rel := rec.releases.items
	if len(rel) != 1 || rel[0].Version != 1 || !rel[0].Current || rec.app.ReleasedAt == nil {
		t.Errorf("releases = %+v", rel)
	}
	// Deterministic across builds.
	s2, _ := New(f, Options{})
	j1, _ := json.Marshal(rec.app)
	j2, _ := json.Marshal(s2.data.lookupApp(rec.app.Name).app)
	if string(j1) != string(j2) {
		t.Error("derived app differs between two builds")
	}
}

func TestGenerateApps(t *testing.T) {
	t.Parallel()
	apps := GenerateApps(40, "bench")
	if len(apps) != 40 || apps[0].Name != "bench-0000" || apps[39].Name != "bench-0039" {
		t.Fatalf("names: %s .. %s", apps[0].Name, apps[len(apps)-1].Name)
	}
	f := &Fixture{Apps: apps}
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	// The generated fixture survives a JSON round trip, so it can be saved.
	data, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFixture(strings.NewReader(string(data))); err != nil {
		t.Fatalf("reloading: %v", err)
	}
	if GenerateApps(0, "x") != nil || GenerateApps(-1, "x") != nil {
		t.Error("n <= 0 should give no apps")
	}
}

// FuzzLoadFixture checks that LoadFixture never panics, and that whatever it
// accepts also validates and starts a server.
func FuzzLoadFixture(f *testing.F) {
	sampleData, err := os.ReadFile(filepath.Join("testdata", "sample.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(sampleData))
	gen, _ := json.Marshal(Fixture{Apps: GenerateApps(2, "fuzz")})
	f.Add(string(gen))
	for _, s := range []string{
		`{}`, `null`, `[]`, `{"apps": [{"name": "acme-api"}]}`,
		`{"apps": [{"name": "acme-api", "config_vars": {"A": null, "B": ""}}]}`,
		`{"teams": [{"name": "t"}], "apps": [{"name": "abc", "team": "t", "space": "s-1", "formation": [{"type": "web", "command": "c", "size": "private-m"}]}]}`,
		`{"dyno_sizes": [{"name": "tiny", "memory": 0.1}], "apps": [{"name": "abc", "formation": [{"type": "w", "command": "c", "size": "TINY"}]}]}`,
		`{"apps": [{"name": "abc", "addons": [{"name": "x1", "plan": "a:b", "attachments": [{"name": "A", "namespace": "n", "app": "abd"}]}]}, {"name": "abd"}]}`,
		`{"apps": [{"name": "abc", "releases": [{"version": 3}, {"version": 1, "current": true}]}]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		fx, err := LoadFixture(strings.NewReader(data))
		if err != nil {
			return
		}
		if err := fx.Validate(); err != nil {
			t.Fatalf("loaded fixture does not validate: %v", err)
		}
		if _, err := New(fx, Options{}); err != nil {
			t.Fatalf("loaded fixture does not start a server: %v", err)
		}
	})
}
