package codegen

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
)

// DefaultConcurrency is how many apps Collect reads at once. The Heroku
// client paces every request by the rate limit whatever the concurrency.
const DefaultConcurrency = 8

// CollectOptions says which apps to read and how.
type CollectOptions struct {
	// Apps are app names or ids; Team reads every app of a team instead.
	// Exactly one of the two is set.
	Apps []string
	Team string
	// Concurrency is the number of apps read at once; DefaultConcurrency
	// when 0.
	Concurrency int
	// AWSRegion and Environment are copied into the Inventory.
	AWSRegion, Environment string
	// Progress, when set, is called after each app with the number of apps
	// done and the total. Calls are serialised.
	Progress func(done, total int, app string)
}

// CallsPerApp is the number of Platform API requests Collect makes per app
// with a deployed slug: formation, add-ons, add-on attachments, config vars,
// domains, recent releases, the current slug and the buildpacks. Apps named
// with --app cost one more (the app itself); apps whose current release has
// no slug cost one less.
const CallsPerApp = 8

// Collect reads the inventory of the selected apps through r. Config var
// values are read (Heroku has no names-only endpoint) and dropped at once:
// the Inventory holds names only.
func Collect(ctx context.Context, r *inventory.Reader, opts CollectOptions) (*Inventory, error) {
	if (len(opts.Apps) == 0) == (opts.Team == "") {
		return nil, errors.New("choose the apps to read: one or more --app NAME, or --team TEAM")
	}
	concurrency := opts.Concurrency
	if concurrency <= 0 {
		concurrency = DefaultConcurrency
	}

	var summaries []inventory.AppSummary
	if opts.Team != "" {
		var err error
		summaries, err = r.Apps(ctx, opts.Team, nil)
		if err != nil {
			return nil, fmt.Errorf("listing the apps of team %q: %w", opts.Team, err)
		}
		if len(summaries) == 0 {
			return nil, fmt.Errorf("team %q has no apps", opts.Team)
		}
	} else {
		seen := map[string]bool{}
		for _, name := range opts.Apps {
			if name = strings.TrimSpace(name); name != "" && !seen[name] {
				seen[name] = true
				summaries = append(summaries, inventory.AppSummary{Name: name})
			}
		}
	}

	inv := &Inventory{Team: opts.Team, AWSRegion: opts.AWSRegion, Environment: opts.Environment, Apps: make([]App, len(summaries))}
	var (
		done       atomic.Int64
		progressMu sync.Mutex
	)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(concurrency)
	for i := range summaries {
		g.Go(func() error {
			app, err := collectApp(gctx, r, summaries[i], opts.Team == "")
			if err != nil {
				return fmt.Errorf("reading app %q: %w", summaries[i].Name, err)
			}
			inv.Apps[i] = *app
			if opts.Progress != nil {
				progressMu.Lock()
				opts.Progress(int(done.Add(1)), len(summaries), app.Name)
				progressMu.Unlock()
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	// An app named twice by name and by id is one app.
	byName := map[string]bool{}
	kept := inv.Apps[:0]
	for _, a := range inv.Apps {
		if !byName[a.Name] {
			byName[a.Name] = true
			kept = append(kept, a)
		}
	}
	inv.Apps = kept
	inv.AssignIdents()
	return inv, nil
}

// collectApp reads one app. lookup is true when only the name is known.
func collectApp(ctx context.Context, r *inventory.Reader, s inventory.AppSummary, lookup bool) (*App, error) {
	c := r.Client()
	if lookup {
		a, err := r.App(ctx, s.Name)
		if err != nil {
			return nil, err
		}
		s = inventory.AppSummary{ID: a.ID, Name: a.Name, Region: a.Region.Name, Stack: a.Stack.Name}
		if a.Team != nil {
			s.Team = a.Team.Name
		}
		if a.Space != nil {
			s.Space = a.Space.Name
		}
	}
	app := &App{Name: s.Name, ID: s.ID, HerokuRegion: s.Region, Stack: s.Stack, Team: s.Team, Space: s.Space}

	procs, err := r.Formation(ctx, s.Name)
	if err != nil {
		return nil, err
	}
	for _, p := range procs {
		app.Processes = append(app.Processes, Process{Process: p})
	}

	addons, err := r.AddOns(ctx, s.Name)
	if err != nil {
		return nil, err
	}
	app.AddOns = addons

	raw, err := c.ConfigVars(ctx, s.Name)
	if err != nil {
		return nil, err
	}
	shaped := inventory.ShapeConfigVars(raw, addons, inventory.Filter{})
	// Names only: the values go out of scope here.
	app.AddOnConfigVars = shaped.AddOnNames
	for _, name := range shaped.UserNames {
		if shaped.Values[name] == "" {
			app.EmptyConfigVars = append(app.EmptyConfigVars, name)
		} else {
			app.UserConfigVars = append(app.UserConfigVars, name)
		}
	}
	clear(raw)
	clear(shaped.Values)

	if app.Domains, err = r.Domains(ctx, s.Name, false); err != nil {
		return nil, err
	}

	releases, err := c.RecentReleases(ctx, s.Name, 10)
	if err != nil {
		return nil, err
	}
	for _, rel := range releases {
		if !rel.Current {
			continue
		}
		app.CurrentRelease = rel.Version
		if rel.Slug != nil && rel.Slug.ID != "" {
			slug, err := c.Slug(ctx, s.Name, rel.Slug.ID)
			if err != nil {
				return nil, fmt.Errorf("reading the slug of release v%d: %w", rel.Version, err)
			}
			app.ReleaseCommand = slug.ProcessTypes["release"]
			if slug.BuildpackProvidedDescription != nil {
				app.BuildpackDescription = *slug.BuildpackProvidedDescription
			}
		}
		break
	}

	bps, err := c.BuildpackInstallations(ctx, s.Name)
	if err != nil {
		return nil, err
	}
	for _, b := range bps {
		name := b.Buildpack.Name
		if name == "" {
			name = b.Buildpack.URL
		}
		app.Buildpacks = append(app.Buildpacks, name)
	}
	slices.SortStableFunc(app.Processes, func(a, b Process) int { return cmp.Compare(a.Type, b.Type) })
	return app, nil
}

// MinimumCalls is the fewest Platform API requests an inventory of n apps
// needs: the app list pages (team mode) or one request per named app, the
// dyno sizes once, and CallsPerApp per app (minus one per app without a
// slug, given as noSlug).
func MinimumCalls(n, noSlug int, team bool, pageSize int) int {
	calls := 1 + n*CallsPerApp - noSlug
	if team {
		if pageSize <= 0 {
			pageSize = heroku.DefaultPageSize
		}
		calls += max(1, (n+pageSize-1)/pageSize)
	} else {
		calls += n
	}
	return calls
}
