package codegen

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

const fixturePath = "testdata/fixture.json"

// loadFixture reads testdata/fixture.json.
func loadFixture(t testing.TB) *herokuapi.Fixture {
	t.Helper()
	f, err := herokuapi.LoadFixtureFile(fixturePath)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// fixtureValues returns every non-empty config var value of a fixture:
// the canaries that must never reach generated output.
func fixtureValues(f *herokuapi.Fixture) []string {
	var out []string
	for _, a := range f.Apps {
		for _, v := range a.ConfigVars {
			if v != nil && len(*v) >= 6 {
				out = append(out, *v)
			}
		}
	}
	return out
}

// collect reads opts from a sandbox serving f and returns the inventory and
// the sandbox.
func collect(t testing.TB, f *herokuapi.Fixture, sopts herokuapi.Options, hc heroku.Config, opts CollectOptions) (*Inventory, *herokuapi.Server) {
	t.Helper()
	s, base := herokuapi.Start(t, f, sopts)
	hc.APIKey, hc.APIURL = s.APIKey(), base
	inv, err := Collect(context.Background(), inventory.NewReader(heroku.New(hc)), opts)
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	return inv, s
}

func TestCollectReadsEverythingButValues(t *testing.T) {
	t.Parallel()
	f := loadFixture(t)
	var progress []string
	var mu sync.Mutex
	inv, s := collect(t, f, herokuapi.Options{}, heroku.Config{}, CollectOptions{
		Team: "acme", AWSRegion: "eu-west-1", Environment: "staging",
		Progress: func(done, total int, app string) {
			mu.Lock()
			defer mu.Unlock()
			progress = append(progress, fmt.Sprintf("%d/%d", done, total))
		},
	})
	if got := strings.Join(progress, " "); got != "1/2 2/2" {
		t.Errorf("progress = %q, want 1/2 2/2", got)
	}
	if inv.Team != "acme" || inv.AWSRegion != "eu-west-1" || inv.Environment != "staging" || len(inv.Apps) != 2 {
		t.Fatalf("inventory = %+v", inv)
	}
	api := inv.Apps[0]
	if api.Name != "acme-api" || api.Ident != "acme-api" || api.Team != "acme" || api.HerokuRegion != "us" || api.Stack != "heroku-24" {
		t.Errorf("acme-api = %+v", api)
	}
	if api.ReleaseCommand != "npm run migrate" || api.CurrentRelease != 3 || api.BuildpackDescription != "Node.js" ||
		!slices.Equal(api.Buildpacks, []string{"heroku/nodejs"}) {
		t.Errorf("acme-api release/buildpacks = %q v%d %q %v", api.ReleaseCommand, api.CurrentRelease, api.BuildpackDescription, api.Buildpacks)
	}
	if want := []string{"NODE_ENV", "SECRET_KEY_BASE", "STRIPE_KEY"}; !slices.Equal(api.UserConfigVars, want) {
		t.Errorf("user config vars = %v, want %v", api.UserConfigVars, want)
	}
	if want := []string{"EMPTY_ONE", "UNSET_ONE"}; !slices.Equal(api.EmptyConfigVars, want) {
		t.Errorf("empty config vars = %v, want %v", api.EmptyConfigVars, want)
	}
	if want := []string{"DATABASE_URL", "PAPERTRAIL_API_TOKEN", "REDIS_URL"}; !slices.Equal(api.AddOnConfigVars, want) {
		t.Errorf("add-on config vars = %v, want %v", api.AddOnConfigVars, want)
	}
	if len(api.Processes) != 2 || api.Processes[0].Type != "web" || api.Processes[0].Quantity != 2 || api.Processes[0].Fargate.CPU != 1024 {
		t.Errorf("processes = %+v", api.Processes)
	}
	if len(api.Domains) != 2 || api.Domains[0].CNAME != "flat-otter-2k4yx8fake1q.herokudns.com" {
		t.Errorf("domains = %+v", api.Domains)
	}
	if !api.HasScheduler() || len(api.Postgres()) != 1 || len(api.Redis()) != 1 {
		t.Errorf("add-ons = %+v", api.AddOns)
	}
	worker := inv.Apps[1]
	if worker.ReleaseCommand != "" || worker.CurrentRelease != 1 || len(worker.Postgres()) != 1 || worker.Postgres()[0].App != "acme-api" {
		t.Errorf("acme-worker = %+v", worker)
	}
	if got := inv.RestoringApp(worker.Postgres()[0]); got != "acme-api" {
		t.Errorf("the shared database is restored by %q, want its owner acme-api", got)
	}

	// Names only: no value of the fixture is anywhere in the inventory.
	dump := fmt.Sprintf("%#v", inv)
	for _, v := range fixtureValues(f) {
		if strings.Contains(dump, v) {
			t.Errorf("the inventory holds config var value %q", v)
		}
	}

	// The minimum number of requests, and nothing rate limited.
	reqs := s.Requests()
	for _, r := range reqs {
		if r.Status == 429 {
			t.Errorf("request answered 429: %+v", r)
		}
	}
	if want := MinimumCalls(2, 0, true, 0); len(reqs) != want {
		t.Errorf("%d requests, want the minimum %d", len(reqs), want)
	}
}

func TestCollectByAppName(t *testing.T) {
	t.Parallel()
	f := loadFixture(t)
	inv, s := collect(t, f, herokuapi.Options{}, heroku.Config{}, CollectOptions{Apps: []string{"x-odd-2fa", "x--odd-2fa", "x-odd-2fa"}})
	if len(inv.Apps) != 2 || inv.Apps[0].Name != "x--odd-2fa" || inv.Apps[1].Name != "x-odd-2fa" {
		t.Fatalf("apps = %+v", inv.Apps)
	}
	if inv.Apps[0].Ident == inv.Apps[1].Ident {
		t.Errorf("both apps got identifier %q", inv.Apps[0].Ident)
	}
	var idents []string
	for _, p := range inv.Apps[0].Processes {
		idents = append(idents, p.Type+"="+p.Ident)
	}
	if want := "2fa-sync=n_2fa-sync 2fa_sync=n_2fa_sync Web-UI=web-ui web=web"; strings.Join(idents, " ") != want {
		t.Errorf("process identifiers = %q, want %q", strings.Join(idents, " "), want)
	}
	// Neither app has a slug-bearing current release ("Initial release").
	if want := MinimumCalls(2, 2, false, 0); len(s.Requests()) != want {
		t.Errorf("%d requests, want %d", len(s.Requests()), want)
	}
}

func TestCollectErrors(t *testing.T) {
	t.Parallel()
	f := loadFixture(t)
	s, base := herokuapi.Start(t, f, herokuapi.Options{})
	r := inventory.NewReader(heroku.New(heroku.Config{APIKey: s.APIKey(), APIURL: base}))
	ctx := context.Background()
	if _, err := Collect(ctx, r, CollectOptions{}); err == nil || !strings.Contains(err.Error(), "--app NAME") {
		t.Errorf("no apps: %v", err)
	}
	if _, err := Collect(ctx, r, CollectOptions{Apps: []string{"acme-api"}, Team: "acme"}); err == nil {
		t.Error("both --app and --team: want an error")
	}
	_, err := Collect(ctx, r, CollectOptions{Apps: []string{"acme-api", "no-such-app"}})
	if err == nil || !strings.Contains(err.Error(), `reading app "no-such-app"`) {
		t.Errorf("unknown app: %v", err)
	}
	_, err = Collect(ctx, r, CollectOptions{Team: "no-such-team"})
	if err == nil || !strings.Contains(err.Error(), `team "no-such-team"`) {
		t.Errorf("unknown team: %v", err)
	}
}

// A shared database whose owner is not in the inventory is still copied by
// exactly one app, although each app sees only its own attachment.
func TestRestoringAppWithoutOwner(t *testing.T) {
	t.Parallel()
	shared := func(app string) inventory.AddOn {
		return inventory.AddOn{Name: "postgresql-shared-1", App: "owner-app", Service: "heroku-postgresql",
			Attachments: []inventory.Attachment{{App: app, Name: "DATABASE"}}}
	}
	inv := &Inventory{Apps: []App{
		{Name: "zeta", AddOns: []inventory.AddOn{shared("zeta")}},
		{Name: "alpha", AddOns: []inventory.AddOn{shared("alpha")}},
	}}
	inv.AssignIdents()
	for _, a := range inv.Apps {
		if got := inv.RestoringApp(a.AddOns[0]); got != "alpha" {
			t.Errorf("from %s: RestoringApp = %q, want alpha", a.Name, got)
		}
	}
	inv.Apps = append(inv.Apps, App{Name: "owner-app", AddOns: []inventory.AddOn{shared("owner-app")}})
	if got := inv.RestoringApp(inv.Apps[0].AddOns[0]); got != "owner-app" {
		t.Errorf("with the owner present: RestoringApp = %q", got)
	}
}
