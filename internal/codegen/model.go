package codegen

import (
	"cmp"
	"slices"
	"sort"
	"strings"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
)

// Inventory is everything the generator knows about the apps it migrates.
// It holds config var names but never their values: nothing here can leak
// into the generated files.
type Inventory struct {
	// Team is the team that was read with --team; empty with --app.
	Team string
	// AWSRegion is the region the target lives in (--aws-region).
	AWSRegion string
	// Environment is the environment name in SSM paths ("prod").
	Environment string
	// Apps are sorted by name. Ident values are unique among them.
	Apps []App
}

// Defaults of Inventory.AWSRegion and Inventory.Environment.
const (
	DefaultAWSRegion   = "us-east-1"
	DefaultEnvironment = "prod"
)

// Region is AWSRegion, or DefaultAWSRegion when it is empty.
func (inv *Inventory) Region() string { return cmp.Or(inv.AWSRegion, DefaultAWSRegion) }

// Env is Environment, or DefaultEnvironment when it is empty.
func (inv *Inventory) Env() string { return cmp.Or(inv.Environment, DefaultEnvironment) }

// App is one Heroku app's inventory.
type App struct {
	Name, ID string
	// Ident is the app's unique HCL identifier (Identifier(Name), made
	// unique across the inventory).
	Ident string
	// HerokuRegion ("us", "eu"), Stack ("heroku-24"), Team and Space as
	// Heroku reports them; Team and Space may be empty.
	HerokuRegion, Stack, Team, Space string
	// Processes are sorted by type; Ident on each is unique within the app.
	Processes []Process
	// AddOns are the add-ons attached to the app, sorted by name.
	AddOns []inventory.AddOn
	// UserConfigVars are the names of config vars set by people (they move
	// to SSM); AddOnConfigVars the names that add-ons own (they are
	// replaced by the AWS data stores). Both sorted. Never values.
	UserConfigVars, AddOnConfigVars []string
	// EmptyConfigVars are user-set names whose value is empty or null.
	// SSM cannot store an empty value, so the import skips them and the
	// target sets them as empty environment variables instead. Sorted;
	// not in UserConfigVars.
	EmptyConfigVars []string
	// Domains are the custom domains (no *.herokuapp.com), by hostname.
	Domains []inventory.Domain
	// Buildpacks are the buildpack names or URLs in the order they run.
	Buildpacks []string
	// BuildpackDescription is what the buildpack said about the slug
	// ("Node.js"); empty when unknown.
	BuildpackDescription string
	// ReleaseCommand is the release-phase command of the current release's
	// slug; empty when it has none.
	ReleaseCommand string
	// CurrentRelease is the version of the running release; 0 if unknown.
	CurrentRelease int
}

// Process is one process type with its identifier.
type Process struct {
	inventory.Process
	// Ident is unique within the app, e.g. "web", "worker", "n_2fa_sync".
	Ident string
}

// Postgres returns the app's Heroku Postgres add-ons.
func (a *App) Postgres() []inventory.AddOn { return a.addonsOf("heroku-postgresql") }

// Redis returns the app's Heroku Redis add-ons.
func (a *App) Redis() []inventory.AddOn { return a.addonsOf("heroku-redis") }

// HasScheduler reports whether the app has a Heroku Scheduler add-on.
func (a *App) HasScheduler() bool {
	for _, ad := range a.AddOns {
		switch ad.Service {
		case "scheduler", "advanced-scheduler", "cron-to-go":
			return true
		}
	}
	return false
}

// Web returns the web process, or nil when the app has none.
func (a *App) Web() *Process {
	for i := range a.Processes {
		if a.Processes[i].Type == "web" {
			return &a.Processes[i]
		}
	}
	return nil
}

// DefaultHealthPath is the path the health gate, the owned Route 53
// health checks and the target's load balancer request when nothing
// better is known. Heroku has no health check path of its own: it only
// checks that a web process binds $PORT within 60 s of launch (R10,
// https://devcenter.heroku.com/articles/error-codes#r10-boot-timeout), so
// "/" is the one path every web app serves.
const DefaultHealthPath = "/"

// HealthPath is the path that answers when app a is healthy: the one its
// web process is known to serve, else DefaultHealthPath. Nothing in the
// inventory names one today, so it is DefaultHealthPath; the target's
// load balancer and the migration's gate both take it from here, so that
// they agree.
func (a *App) HealthPath() string { return DefaultHealthPath }

// NeedsDecision returns the add-ons with no known AWS equivalent.
func (a *App) NeedsDecision() []inventory.AddOn {
	var out []inventory.AddOn
	for _, ad := range a.AddOns {
		if ad.AWS.Service == "" {
			out = append(out, ad)
		}
	}
	return out
}

func (a *App) addonsOf(service string) []inventory.AddOn {
	var out []inventory.AddOn
	for _, ad := range a.AddOns {
		if ad.Service == service {
			out = append(out, ad)
		}
	}
	return out
}

// AttachmentName returns the name under which add-on ad is attached to
// the app itself ("DATABASE", "HEROKU_POSTGRESQL_ONYX"); the add-on's
// identifier-safe name when it has no such attachment.
func (a *App) AttachmentName(ad inventory.AddOn) string {
	names := []string{}
	for _, att := range ad.Attachments {
		if att.App == a.Name {
			names = append(names, att.Name)
		}
	}
	if len(names) == 0 {
		return strings.ToUpper(strings.ReplaceAll(Identifier(ad.Name), "-", "_"))
	}
	slices.Sort(names)
	// DATABASE wins: it is the attachment behind DATABASE_URL.
	for _, n := range names {
		if n == "DATABASE" {
			return n
		}
	}
	return names[0]
}

// AssignIdents sorts the apps and their processes and gives every app and
// process a stable, unique identifier. The generator calls it once after
// collecting; tests that build an Inventory by hand call it too.
func (inv *Inventory) AssignIdents() {
	sort.Slice(inv.Apps, func(i, j int) bool { return inv.Apps[i].Name < inv.Apps[j].Name })
	apps := NewNamer()
	for i := range inv.Apps {
		a := &inv.Apps[i]
		a.Ident = apps.Name(a.Name)
		sort.Slice(a.Processes, func(i, j int) bool { return a.Processes[i].Type < a.Processes[j].Type })
		procs := NewNamer()
		for j := range a.Processes {
			a.Processes[j].Ident = procs.Name(a.Processes[j].Type)
		}
	}
}

// RestoringApp names the app in the inventory that copies Postgres add-on
// ad and owns its RDS URL output: the add-on's owning app when it is in the
// inventory, otherwise the first app (by name) in the inventory that has
// the add-on. A shared database is copied once. (Each app's copy of a
// shared add-on lists only that app's attachments, so the choice is made
// over the whole inventory, not from ad.Attachments.)
func (inv *Inventory) RestoringApp(ad inventory.AddOn) string {
	first := ""
	for _, a := range inv.Apps {
		for _, other := range a.AddOns {
			if other.Name != ad.Name {
				continue
			}
			if a.Name == ad.App {
				return a.Name
			}
			if first == "" || a.Name < first {
				first = a.Name
			}
		}
	}
	return first
}

// DataStores returns every Postgres and Redis add-on of the inventory once
// (a shared add-on appears in several apps), sorted by name.
func (inv *Inventory) DataStores() []inventory.AddOn {
	seen := map[string]bool{}
	var out []inventory.AddOn
	for _, a := range inv.Apps {
		for _, ad := range a.AddOns {
			if (ad.Service == "heroku-postgresql" || ad.Service == "heroku-redis") && !seen[ad.Name] {
				seen[ad.Name] = true
				out = append(out, ad)
			}
		}
	}
	slices.SortFunc(out, func(a, b inventory.AddOn) int { return cmp.Compare(a.Name, b.Name) })
	return out
}
