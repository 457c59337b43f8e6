// Package inventory reads what a Heroku app is made of (apps, formation,
// config vars, add-ons, domains) through internal/heroku and shapes it for
// a migration: dyno sizes become Fargate task sizes, add-ons get an AWS
// equivalent, and config vars are split into add-on-owned and user-owned.
//
// It does not import terraform-plugin-framework: the provider's data
// sources, the generator and the demo all share it.
package inventory

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	herokugo "github.com/heroku/heroku-go/v5"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
)

// Reader reads inventories through one Heroku client. It caches the dyno
// size list, which is the same for every app, for its own lifetime.
type Reader struct {
	client *heroku.Client

	dynoMu    sync.Mutex
	dynoSizes []herokugo.DynoSize
}

// NewReader returns a Reader over client.
func NewReader(client *heroku.Client) *Reader {
	return &Reader{client: client}
}

// Client returns the underlying Heroku client.
func (r *Reader) Client() *heroku.Client { return r.client }

// App reads one app by name or id.
func (r *Reader) App(ctx context.Context, nameOrID string) (*herokugo.App, error) {
	return r.client.App(ctx, nameOrID)
}

// AppSummary is the part of an app that both GET /apps and
// GET /teams/{team}/apps return.
type AppSummary struct {
	ID, Name, Region, Stack, Team, Space string
	Maintenance                          bool
	WebURL                               string
}

// Apps lists every app of the account, or of team when it is not empty,
// sorted by name. A non-nil nameRegex keeps only the matching names.
func (r *Reader) Apps(ctx context.Context, team string, nameRegex *regexp.Regexp) ([]AppSummary, error) {
	var out []AppSummary
	if team == "" {
		apps, err := r.client.Apps(ctx)
		if err != nil {
			return nil, err
		}
		for _, a := range apps {
			s := AppSummary{ID: a.ID, Name: a.Name, Region: a.Region.Name, Stack: a.Stack.Name, Maintenance: a.Maintenance, WebURL: a.WebURL}
			if a.Team != nil {
				s.Team = a.Team.Name
			}
			if a.Space != nil {
				s.Space = a.Space.Name
			}
			out = append(out, s)
		}
	} else {
		apps, err := r.client.TeamApps(ctx, team)
		if err != nil {
			return nil, err
		}
		for _, a := range apps {
			s := AppSummary{ID: a.ID, Name: a.Name, Region: a.Region.Name, Stack: a.Stack.Name, Maintenance: a.Maintenance, WebURL: a.WebURL, Team: team}
			if a.Team != nil {
				s.Team = a.Team.Name
			}
			if a.Space != nil {
				s.Space = a.Space.Name
			}
			out = append(out, s)
		}
	}
	kept := out[:0]
	for _, a := range out {
		if nameRegex == nil || nameRegex.MatchString(a.Name) {
			kept = append(kept, a)
		}
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].Name < kept[j].Name })
	return kept, nil
}

// Process is one process type of an app's formation with its Fargate
// suggestion.
type Process struct {
	Type      string
	Command   string
	Quantity  int
	Size      string
	MemoryGB  float64
	Compute   int
	Dedicated bool
	Fargate   FargateSize
}

// Formation reads an app's process types, sorted by type, and sizes each one
// for Fargate.
func (r *Reader) Formation(ctx context.Context, app string) ([]Process, error) {
	formation, err := r.client.Formation(ctx, app)
	if err != nil {
		return nil, err
	}
	sizes, err := r.DynoSizes(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Process, 0, len(formation))
	for _, f := range formation {
		p := Process{Type: f.Type, Command: f.Command, Quantity: f.Quantity, Size: f.Size}
		var known *herokugo.DynoSize
		for i := range sizes {
			if strings.EqualFold(sizes[i].Name, f.Size) {
				known = &sizes[i]
				break
			}
		}
		if known != nil {
			p.MemoryGB, p.Compute, p.Dedicated = known.Memory, known.Compute, known.Dedicated
		}
		spec, ok := LookupDynoSpec(f.Size)
		if !ok {
			spec = SpecFromDynoSize(f.Size, p.MemoryGB, p.Compute, p.Dedicated)
		}
		if known == nil {
			p.MemoryGB = spec.MemoryGB
		}
		p.Fargate = spec.Fargate()
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type < out[j].Type })
	return out, nil
}

// DynoSizes returns GET /dyno-sizes, read once per Reader.
func (r *Reader) DynoSizes(ctx context.Context) ([]herokugo.DynoSize, error) {
	r.dynoMu.Lock()
	defer r.dynoMu.Unlock()
	if r.dynoSizes != nil {
		return r.dynoSizes, nil
	}
	sizes, err := r.client.DynoSizes(ctx)
	if err != nil {
		return nil, err
	}
	r.dynoSizes = sizes
	return sizes, nil
}

// Attachment is one attachment of an add-on to an app.
type Attachment struct {
	App, Name, Namespace string
}

// AddOn is one add-on with its attachments and AWS equivalent.
type AddOn struct {
	ID, Name, Service, Plan, State string
	// App is the app that owns (is billed for) the add-on; it may differ
	// from the app it was listed for when the add-on is shared.
	App string
	// BilledPriceCents is the monthly price in cents; 0 when Heroku reports
	// none (free plans, or contract pricing).
	BilledPriceCents int
	ConfigVars       []string
	Attachments      []Attachment
	AWS              AWSEquivalent
}

// AddOns reads an app's add-ons with their attachments to it, sorted by
// name.
func (r *Reader) AddOns(ctx context.Context, app string) ([]AddOn, error) {
	addons, err := r.client.AddOns(ctx, app)
	if err != nil {
		return nil, err
	}
	attachments, err := r.client.AddOnAttachments(ctx, app)
	if err != nil {
		return nil, err
	}
	byAddon := map[string][]Attachment{}
	for _, a := range attachments {
		ns := ""
		if a.Namespace != nil {
			ns = *a.Namespace
		}
		byAddon[a.Addon.ID] = append(byAddon[a.Addon.ID], Attachment{App: a.App.Name, Name: a.Name, Namespace: ns})
	}
	out := make([]AddOn, 0, len(addons))
	for _, a := range addons {
		item := AddOn{
			ID: a.ID, Name: a.Name, Service: a.AddonService.Name, Plan: a.Plan.Name, State: a.State, App: a.App.Name,
			ConfigVars:  append([]string(nil), a.ConfigVars...),
			Attachments: byAddon[a.ID],
			AWS:         SuggestAWS(a.AddonService.Name, a.Plan.Name),
		}
		if a.BilledPrice != nil {
			item.BilledPriceCents = a.BilledPrice.Cents
		}
		slices.Sort(item.ConfigVars)
		sort.Slice(item.Attachments, func(i, j int) bool {
			x, y := item.Attachments[i], item.Attachments[j]
			return x.App+"\x00"+x.Name < y.App+"\x00"+y.Name
		})
		out = append(out, item)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// AddOnConfigVarNames returns the sorted, de-duplicated names of the config
// vars that add-ons set on the app.
func AddOnConfigVarNames(addons []AddOn) []string {
	seen := map[string]bool{}
	var names []string
	for _, a := range addons {
		for _, n := range a.ConfigVars {
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	slices.Sort(names)
	return names
}

// Domain is one custom (or, on request, Heroku) domain of an app.
type Domain struct {
	ID, Hostname, Kind string
	// CNAME is the DNS target to point the hostname at; empty for
	// *.herokuapp.com domains.
	CNAME, Status, ACMStatus string
}

// Domains reads an app's domains sorted by hostname. Domains under
// herokuapp.com are left out unless includeHeroku is true.
func (r *Reader) Domains(ctx context.Context, app string, includeHeroku bool) ([]Domain, error) {
	domains, err := r.client.Domains(ctx, app)
	if err != nil {
		return nil, err
	}
	out := make([]Domain, 0, len(domains))
	for _, d := range domains {
		if !includeHeroku && IsHerokuDomain(d.Hostname) {
			continue
		}
		item := Domain{ID: d.ID, Hostname: d.Hostname, Kind: d.Kind, Status: d.Status}
		if d.CName != nil {
			item.CNAME = *d.CName
		}
		if d.AcmStatus != nil {
			item.ACMStatus = *d.AcmStatus
		}
		out = append(out, item)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Hostname < out[j].Hostname })
	return out, nil
}

// IsHerokuDomain reports whether host is an app's own *.herokuapp.com name.
func IsHerokuDomain(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	return host == "herokuapp.com" || strings.HasSuffix(host, ".herokuapp.com")
}

// ConfigVars is an app's config vars after filtering.
type ConfigVars struct {
	// Values maps name to value. Heroku's null values become "".
	Values map[string]string
	// Names is every kept name, sorted.
	Names []string
	// AddOnNames are the kept names that attached add-ons set.
	AddOnNames []string
	// UserNames are the rest.
	UserNames []string
}

// Filter selects config var names. Each entry is an exact name or a
// path.Match glob such as "AWS_*". An empty Include keeps everything;
// Exclude is applied after Include.
type Filter struct {
	Include, Exclude []string
}

// Validate reports the first malformed pattern.
func (f Filter) Validate() error {
	for _, p := range append(append([]string(nil), f.Include...), f.Exclude...) {
		if err := ValidatePattern(p); err != nil {
			return err
		}
	}
	return nil
}

// Keep reports whether name passes the filter.
func (f Filter) Keep(name string) bool {
	if len(f.Include) > 0 && !matchAny(f.Include, name) {
		return false
	}
	return !matchAny(f.Exclude, name)
}

// ConfigVars reads an app's config vars and the add-ons that own some of
// them, then applies the filter.
func (r *Reader) ConfigVars(ctx context.Context, app string, filter Filter) (*ConfigVars, error) {
	if err := filter.Validate(); err != nil {
		return nil, err
	}
	vars, err := r.client.ConfigVars(ctx, app)
	if err != nil {
		return nil, err
	}
	addons, err := r.AddOns(ctx, app)
	if err != nil {
		return nil, fmt.Errorf("reading add-ons to classify config vars: %w", err)
	}
	return ShapeConfigVars(vars, addons, filter), nil
}

// ShapeConfigVars applies filter to raw config vars and classifies each
// kept name as add-on-owned or user-owned. A name is add-on-owned when an
// add-on lists it, or when it is <ATTACHMENT>_URL for an attachment of an
// add-on to this app (Heroku's naming for attachment config vars).
func ShapeConfigVars(raw map[string]*string, addons []AddOn, filter Filter) *ConfigVars {
	owned := map[string]bool{}
	for _, n := range AddOnConfigVarNames(addons) {
		owned[n] = true
	}
	for _, a := range addons {
		for _, att := range a.Attachments {
			owned[att.Name+"_URL"] = true
		}
	}
	out := &ConfigVars{Values: map[string]string{}, Names: []string{}, AddOnNames: []string{}, UserNames: []string{}}
	for name, v := range raw {
		if !filter.Keep(name) {
			continue
		}
		val := ""
		if v != nil {
			val = *v
		}
		out.Values[name] = val
		out.Names = append(out.Names, name)
		if owned[name] {
			out.AddOnNames = append(out.AddOnNames, name)
		} else {
			out.UserNames = append(out.UserNames, name)
		}
	}
	slices.Sort(out.Names)
	slices.Sort(out.AddOnNames)
	slices.Sort(out.UserNames)
	return out
}
