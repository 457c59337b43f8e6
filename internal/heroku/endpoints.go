package heroku

import (
	"context"
	"fmt"
	"net/url"
	"sort"

	heroku "github.com/heroku/heroku-go/v5"
)

// segment escapes one path segment (an app or team name or id).
func segment(kind, v string) (string, error) {
	if v == "" || v == "." || v == ".." {
		return "", fmt.Errorf("invalid Heroku %s %q: must be a name or id", kind, v)
	}
	return url.PathEscape(v), nil
}

func appCall(app, suffix string) (Call, error) {
	s, err := segment("app", app)
	if err != nil {
		return Call{}, err
	}
	return Call{Path: "/apps/" + s + suffix, App: app}, nil
}

// App returns one app by id or name (GET /apps/{id_or_name}).
func (c *Client) App(ctx context.Context, appIDOrName string) (*heroku.App, error) {
	call, err := appCall(appIDOrName, "")
	if err != nil {
		return nil, err
	}
	var app heroku.App
	if err := c.Get(ctx, call, &app); err != nil {
		return nil, err
	}
	return &app, nil
}

// Apps returns every app the account can see, all pages (GET /apps).
func (c *Client) Apps(ctx context.Context) ([]heroku.App, error) {
	var apps []heroku.App
	if err := c.List(ctx, Call{Path: "/apps"}, &apps); err != nil {
		return nil, err
	}
	return apps, nil
}

// TeamApps returns every app of a team, all pages (GET /teams/{team}/apps).
func (c *Client) TeamApps(ctx context.Context, team string) ([]heroku.TeamApp, error) {
	s, err := segment("team", team)
	if err != nil {
		return nil, err
	}
	var apps []heroku.TeamApp
	if err := c.List(ctx, Call{Path: "/teams/" + s + "/apps"}, &apps); err != nil {
		return nil, err
	}
	return apps, nil
}

// Formation returns the process types of an app (GET /apps/{app}/formation).
func (c *Client) Formation(ctx context.Context, app string) ([]heroku.Formation, error) {
	return listApp[heroku.Formation](ctx, c, app, "/formation")
}

// DynoSizes returns the dyno sizes (GET /dyno-sizes).
func (c *Client) DynoSizes(ctx context.Context) ([]heroku.DynoSize, error) {
	var sizes []heroku.DynoSize
	if err := c.List(ctx, Call{Path: "/dyno-sizes"}, &sizes); err != nil {
		return nil, err
	}
	return sizes, nil
}

// ConfigVars returns an app's config vars (GET /apps/{app}/config-vars).
// Null values are kept as nil entries. The values are secrets: the client
// never logs them or puts them in errors, and neither should callers.
func (c *Client) ConfigVars(ctx context.Context, app string) (map[string]*string, error) {
	call, err := appCall(app, "/config-vars")
	if err != nil {
		return nil, err
	}
	vars := map[string]*string{}
	if err := c.Get(ctx, call, &vars); err != nil {
		return nil, err
	}
	return vars, nil
}

// AddOns returns an app's add-ons (GET /apps/{app}/addons).
func (c *Client) AddOns(ctx context.Context, app string) ([]heroku.AddOn, error) {
	return listApp[heroku.AddOn](ctx, c, app, "/addons")
}

// AddOnAttachments returns an app's add-on attachments
// (GET /apps/{app}/addon-attachments).
func (c *Client) AddOnAttachments(ctx context.Context, app string) ([]heroku.AddOnAttachment, error) {
	return listApp[heroku.AddOnAttachment](ctx, c, app, "/addon-attachments")
}

// Domains returns an app's domains (GET /apps/{app}/domains). The DNS target
// is in CName, not Hostname.
func (c *Client) Domains(ctx context.Context, app string) ([]heroku.Domain, error) {
	return listApp[heroku.Domain](ctx, c, app, "/domains")
}

// Releases returns an app's releases, all pages (GET /apps/{app}/releases).
func (c *Client) Releases(ctx context.Context, app string) ([]heroku.Release, error) {
	return listApp[heroku.Release](ctx, c, app, "/releases")
}

// RecentReleases returns an app's newest releases, newest first, at most n
// (one request: GET /apps/{app}/releases with Range "version ..; max=n,
// order=desc").
func (c *Client) RecentReleases(ctx context.Context, app string, n int) ([]heroku.Release, error) {
	call, err := appCall(app, "/releases")
	if err != nil {
		return nil, err
	}
	call.Range = Range{Field: "version", Max: n, Order: "desc"}.String()
	var out []heroku.Release
	if err := c.FirstPage(ctx, call, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Slug returns one slug of an app (GET /apps/{app}/slugs/{id}); its
// process_types hold the Procfile commands, the release phase's included.
func (c *Client) Slug(ctx context.Context, app, id string) (*heroku.Slug, error) {
	call, err := appCall(app, "/slugs/")
	if err != nil {
		return nil, err
	}
	s, err := segment("slug", id)
	if err != nil {
		return nil, err
	}
	call.Path += s
	var slug heroku.Slug
	if err := c.Get(ctx, call, &slug); err != nil {
		return nil, err
	}
	return &slug, nil
}

// BuildpackInstallations returns an app's buildpacks in the order they run
// (GET /apps/{app}/buildpack-installations).
func (c *Client) BuildpackInstallations(ctx context.Context, app string) ([]heroku.BuildpackInstallation, error) {
	call, err := appCall(app, "/buildpack-installations")
	if err != nil {
		return nil, err
	}
	// Not paginated: one answer holds every installation.
	var items []heroku.BuildpackInstallation
	if err := c.Get(ctx, call, &items); err != nil {
		return nil, err
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Ordinal < items[j].Ordinal })
	return items, nil
}

// Account returns the account that owns the API key (GET /account).
func (c *Client) Account(ctx context.Context) (*heroku.Account, error) {
	var acct heroku.Account
	if err := c.Get(ctx, Call{Path: "/account"}, &acct); err != nil {
		return nil, err
	}
	return &acct, nil
}

func listApp[T any](ctx context.Context, c *Client, app, suffix string) ([]T, error) {
	call, err := appCall(app, suffix)
	if err != nil {
		return nil, err
	}
	var items []T
	if err := c.List(ctx, call, &items); err != nil {
		return nil, err
	}
	return items, nil
}
