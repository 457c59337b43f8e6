package herokuapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	heroku "github.com/heroku/heroku-go/v5"
)

// newClient returns the real heroku-go client pointed at base.
func newClient(base, key string) *heroku.Service {
	h := heroku.NewService(&http.Client{Transport: &heroku.Transport{
		BearerToken: key,
		Transport:   http.DefaultTransport,
	}})
	h.URL = base
	return h
}

func TestHerokuGoDecodesEveryEndpoint(t *testing.T) {
	t.Parallel()
	_, base := startSample(t, Options{})
	h := newClient(base, testKey)
	ctx := context.Background()

	account, err := h.AccountInfo(ctx)
	if err != nil || account.Email != "owner@example.com" {
		t.Fatalf("AccountInfo = %+v, %v", account, err)
	}
	rl, err := h.RateLimitInfo(ctx)
	if err != nil || rl.Remaining <= 0 {
		t.Fatalf("RateLimitInfo = %+v, %v", rl, err)
	}

	apps, err := h.AppList(ctx, nil)
	if err != nil || len(apps) != 2 {
		t.Fatalf("AppList = %d apps, %v", len(apps), err)
	}
	app, err := h.AppInfo(ctx, "acme-api")
	if err != nil {
		t.Fatalf("AppInfo: %v", err)
	}
	if app.Team == nil || app.Team.Name != "acme" || app.Region.Name != "us" || app.Stack.Name != "heroku-24" ||
		app.Owner.Email != "acme@herokumanager.com" || !app.Acm || app.ReleasedAt == nil {
		t.Errorf("AppInfo = %+v", app)
	}
	byID, err := h.AppInfo(ctx, strings.ToUpper(app.ID))
	if err != nil || byID.Name != "acme-api" {
		t.Errorf("AppInfo by id = %+v, %v", byID, err)
	}

	teamApps, err := h.TeamAppListByTeam(ctx, "acme", nil)
	if err != nil || len(teamApps) != 2 || teamApps[0].Team == nil {
		t.Fatalf("TeamAppListByTeam = %+v, %v", teamApps, err)
	}

	formation, err := h.FormationList(ctx, "acme-api", nil)
	if err != nil {
		t.Fatalf("FormationList: %v", err)
	}
	got := map[string]string{}
	for _, f := range formation {
		got[f.Type] = fmt.Sprintf("%s x%d %s", f.Command, f.Quantity, f.Size)
	}
	if got["web"] != "npm start x2 Standard-2X" || got["worker"] != "node worker.js x1 Standard-1X" || len(got) != 2 {
		t.Errorf("FormationList = %v", got)
	}

	vars, err := h.ConfigVarInfoForApp(ctx, "acme-api")
	if err != nil {
		t.Fatalf("ConfigVarInfoForApp: %v", err)
	}
	if v, ok := vars["LEGACY_UNSET"]; !ok || v != nil {
		t.Errorf("LEGACY_UNSET = %v, %v; want present and null", v, ok)
	}
	if v := vars["FEATURE_FLAGS"]; v == nil || *v != "" {
		t.Errorf("FEATURE_FLAGS = %v, want empty string", v)
	}
	if v := vars["JWT_PRIVATE_KEY"]; v == nil || strings.Count(*v, "\n") < 3 {
		t.Error("JWT_PRIVATE_KEY lost its line breaks")
	}

	addons, err := h.AddOnListByApp(ctx, "acme-api", nil)
	if err != nil || len(addons) != 4 {
		t.Fatalf("AddOnListByApp = %d, %v", len(addons), err)
	}
	for _, a := range addons {
		if a.AddonService.Name == "heroku-postgresql" {
			if a.Plan.Name != "heroku-postgresql:standard-0" || a.BilledPrice == nil || a.BilledPrice.Cents != 5000 ||
				!slices.Equal(a.ConfigVars, []string{"DATABASE_URL"}) || a.State != "provisioned" {
				t.Errorf("postgres add-on = %+v", a)
			}
		}
	}
	workerAddons, err := h.AddOnListByApp(ctx, "acme-worker", nil)
	if err != nil || len(workerAddons) != 1 || workerAddons[0].App.Name != "acme-api" {
		t.Errorf("acme-worker add-ons = %+v, %v; want acme-api's database", workerAddons, err)
	}

	attachments, err := h.AddOnAttachmentListByApp(ctx, "acme-worker", nil)
	if err != nil || len(attachments) != 1 {
		t.Fatalf("AddOnAttachmentListByApp = %+v, %v", attachments, err)
	}
	if at := attachments[0]; at.Name != "DATABASE" || at.App.Name != "acme-worker" || at.Addon.App.Name != "acme-api" ||
		at.Addon.Name != "postgresql-curved-12345" || at.Namespace != nil {
		t.Errorf("attachment = %+v", at)
	}

	domains, err := h.DomainList(ctx, "acme-api", nil)
	if err != nil || len(domains) != 3 {
		t.Fatalf("DomainList = %+v, %v", domains, err)
	}
	kinds := map[string]int{}
	for _, d := range domains {
		kinds[d.Kind]++
		switch {
		case d.Kind == "heroku":
			if d.CName != nil || !strings.HasSuffix(d.Hostname, ".herokuapp.com") || !strings.Contains(app.WebURL, d.Hostname) {
				t.Errorf("heroku domain = %+v", d)
			}
		case d.Hostname == "api.acme.com":
			if d.CName == nil || *d.CName != "flat-otter-2k4yx8fake1q.herokudns.com" || d.AcmStatus == nil || *d.AcmStatus != "cert issued" {
				t.Errorf("api.acme.com = %+v", d)
			}
		}
	}
	if kinds["heroku"] != 1 || kinds["custom"] != 2 {
		t.Errorf("domain kinds = %v", kinds)
	}

	releases, err := h.ReleaseList(ctx, "acme-api", &heroku.ListRange{Field: "version", Descending: true, Max: 1})
	if err != nil || len(releases) != 1 || releases[0].Version != 12 || !releases[0].Current {
		t.Errorf("ReleaseList(desc, max 1) = %+v, %v", releases, err)
	}

	slug, err := h.SlugInfo(ctx, "acme-api", releases[0].Slug.ID)
	if err != nil || slug.ProcessTypes["release"] != "npm run migrate" || slug.ProcessTypes["web"] != "npm start" ||
		slug.Commit == nil || *slug.Commit != "abc1234" {
		t.Errorf("SlugInfo = %+v, %v", slug, err)
	}
	if _, err := h.SlugInfo(ctx, "acme-api", "00000000-0000-4000-8000-000000000000"); err == nil {
		t.Error("SlugInfo of an unknown slug: want a 404 error")
	}
	buildpacks, err := h.BuildpackInstallationList(ctx, "acme-worker", nil)
	if err != nil || len(buildpacks) != 2 || buildpacks[0].Buildpack.Name != "heroku/nodejs" || buildpacks[1].Ordinal != 1 ||
		buildpacks[1].Buildpack.URL != "https://github.com/heroku/heroku-buildpack-apt" {
		t.Errorf("BuildpackInstallationList = %+v, %v", buildpacks, err)
	}

	sizes, err := h.DynoSizeList(ctx, nil)
	if err != nil || len(sizes) != len(DefaultDynoSizes()) {
		t.Fatalf("DynoSizeList = %d, %v", len(sizes), err)
	}
	size, err := h.DynoSizeInfo(ctx, "performance-l-ram")
	if err != nil || size.Name != "Performance-L-RAM" || size.Memory != 30 || !size.Dedicated {
		t.Errorf("DynoSizeInfo = %+v, %v", size, err)
	}
}

// TestHerokuGoDecodesStrictly decodes every list body into the heroku-go
// types with unknown fields disallowed: the sandbox sends no field that
// heroku-go lacks.
func TestHerokuGoDecodesStrictly(t *testing.T) {
	t.Parallel()
	_, base := startSample(t, Options{})
	targets := map[string]func() any{
		"/account":                               func() any { return new(heroku.Account) },
		"/account/rate-limits":                   func() any { return new(heroku.RateLimit) },
		"/apps":                                  func() any { return new(heroku.AppListResult) },
		"/apps/acme-api":                         func() any { return new(heroku.App) },
		"/teams/acme/apps":                       func() any { return new(heroku.TeamAppListByTeamResult) },
		"/apps/acme-api/formation":               func() any { return new(heroku.FormationListResult) },
		"/apps/acme-api/config-vars":             func() any { return new(heroku.ConfigVarInfoForAppResult) },
		"/apps/acme-api/addons":                  func() any { return new(heroku.AddOnListByAppResult) },
		"/apps/acme-api/addon-attachments":       func() any { return new(heroku.AddOnAttachmentListByAppResult) },
		"/apps/acme-worker/addon-attachments":    func() any { return new(heroku.AddOnAttachmentListByAppResult) },
		"/apps/acme-api/domains":                 func() any { return new(heroku.DomainListResult) },
		"/apps/acme-api/releases":                func() any { return new(heroku.ReleaseListResult) },
		"/dyno-sizes":                            func() any { return new(heroku.DynoSizeListResult) },
		"/apps/acme-api/buildpack-installations": func() any { return new(heroku.BuildpackInstallationListResult) },
		"/dyno-sizes/Standard-2X":                func() any { return new(heroku.DynoSize) },
	}
	for path, target := range targets {
		r := get(t, base, path)
		if r.status != 200 {
			t.Fatalf("GET %s: %d %s", path, r.status, r.body)
		}
		decodeStrict(t, r.body, target())
	}
}

func TestHerokuGoAcceptsErrors(t *testing.T) {
	t.Parallel()
	s, base := startSample(t, Options{RateLimitBucket: 4})
	ctx := context.Background()

	herr := func(err error) heroku.Error {
		t.Helper()
		var e heroku.Error
		if !errors.As(err, &e) {
			t.Fatalf("error %v (%T) is not a heroku.Error", err, err)
		}
		return e
	}

	_, err := newClient(base, "wrong-key").AppInfo(ctx, "acme-api")
	if e := herr(err); e.StatusCode != 401 || e.ID != "unauthorized" || e.Error() != "Invalid credentials provided." {
		t.Errorf("401 = %+v (%v)", e, e.Error())
	}

	h := newClient(base, testKey)
	_, err = h.AppInfo(ctx, "no-such-app")
	if e := herr(err); e.StatusCode != 404 || e.ID != "not_found" || e.Error() != "Couldn't find that app." {
		t.Errorf("404 = %+v (%v)", e, e.Error())
	}
	_, err = h.TeamAppListByTeam(ctx, "no-such-team", nil)
	if e := herr(err); e.StatusCode != 404 || e.Error() != "Couldn't find that team." {
		t.Errorf("team 404 = %+v (%v)", e, e.Error())
	}

	s.FailNext(1, http.StatusServiceUnavailable)
	_, err = h.AppList(ctx, nil)
	if e := herr(err); e.StatusCode != 503 || e.ID != "unavailable" {
		t.Errorf("503 = %+v", e)
	}

	// The bucket of 4 is spent by now (the 401 counted too).
	_, err = h.AppInfo(ctx, "acme-api")
	if e := herr(err); e.StatusCode != 429 || e.ID != "rate_limit" {
		t.Errorf("429 = %+v", e)
	}
}
