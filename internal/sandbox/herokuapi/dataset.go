package herokuapi

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// defaultCreatedAt is the creation time of apps whose fixture gives none.
var defaultCreatedAt = time.Date(2024, 1, 15, 10, 0, 0, 0, time.UTC)

const (
	defaultEmail  = "owner@example.com"
	defaultRegion = "us"
	defaultStack  = "heroku-24"

	// maxConfigVarBytes is Heroku's limit on all config var names and
	// values of one app together.
	maxConfigVarBytes = 32 * 1024
)

// knownRegions are the Common Runtime and Private Space regions.
var knownRegions = map[string]bool{
	"us": true, "eu": true,
	"virginia": true, "oregon": true, "montreal": true, "dublin": true,
	"frankfurt": true, "london": true, "tokyo": true, "singapore": true,
	"sydney": true, "mumbai": true,
}

// Patterns from the Platform API schema (schema.json in heroku-go) and the
// Dev Center, so that every body the sandbox serves validates.
var (
	appNameRE        = regexp.MustCompile(`^[a-z][a-z0-9-]{1,28}[a-z0-9]$`)
	gitURLRE         = regexp.MustCompile(`^https://git\.heroku\.com/[a-z][a-z0-9-]{2,29}\.git$`)
	webURLRE         = regexp.MustCompile(`^https?://[a-z][a-z0-9-]{3,30}\.herokuapp\.com/$`)
	teamNameRE       = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	stackNameRE      = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*$`)
	processTypeRE    = regexp.MustCompile(`^[-\w]{1,128}$`)
	configVarNameRE  = regexp.MustCompile(`^[A-Za-z0-9_]+$`)
	addonNameRE      = regexp.MustCompile(`^[a-zA-Z][A-Za-z0-9_-]+$`)
	attachmentNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	hostLabelRE      = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
)

// dataset is the immutable, fully resolved state a Server answers from.
type dataset struct {
	apiKey     string
	account    accountJSON
	apps       *list[appJSON]
	appByKey   map[string]*appRecord // by lowercase id and by name
	teamByKey  map[string]*teamRecord
	sizes      *list[dynoSizeJSON]
	sizeByKey  map[string]*dynoSizeJSON // by lowercase id and lowercase name
	addonByKey map[string]*addonRecord  // by lowercase id and by name
	addonOrder []*addonRecord           // in fixture order
}

// addonRecord is what the Data API needs to know about an add-on.
type addonRecord struct {
	id, name, service, plan, state string
	created                        time.Time
	owner                          *appRecord
	// fromName is the add-on's attachment name on its owning app
	// ("DATABASE"), which transfers report as from_name.
	fromName    string
	databaseURL string
	backups     []Backup
}

type teamRecord struct {
	id, name string
	apps     *list[teamAppJSON]
}

type appRecord struct {
	app         appJSON
	teamApp     teamAppJSON
	formation   *list[formationJSON]
	configVars  map[string]*string
	addons      *list[addonJSON]
	attachments *list[attachmentJSON]
	domains     *list[domainJSON]
	releases    *list[releaseJSON]
	slugs       map[string]*slugJSON // by lowercase id
	buildpacks  []buildpackInstallationJSON

	// scratch space while building
	ownedAddons []addonJSON
	attached    []attachmentJSON
	team        *teamRecord
}

// problems collects validation errors.
type problems []error

func (p *problems) add(format string, args ...any) {
	*p = append(*p, fmt.Errorf(format, args...))
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return fmt.Errorf("invalid fixture: %w", errors.Join(p...))
}

// buildDataset validates f and resolves it into a dataset. It reports every
// problem it finds; the dataset is nil when there is any.
func buildDataset(f *Fixture) (*dataset, error) {
	var errs problems
	d := &dataset{
		appByKey:   map[string]*appRecord{},
		teamByKey:  map[string]*teamRecord{},
		sizeByKey:  map[string]*dynoSizeJSON{},
		addonByKey: map[string]*addonRecord{},
	}

	d.apiKey = f.APIKey
	if d.apiKey == "" {
		d.apiKey = DefaultAPIKey
	} else if strings.IndexFunc(d.apiKey, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
		errs.add("api_key: must not contain spaces or control characters")
	}

	d.account = buildAccount(f.Account, &errs)
	buildTeams(d, f.Teams, &errs)
	buildDynoSizes(d, f.DynoSizes, &errs)

	// First pass: identities, so that attachments can refer to any app.
	records := make([]*appRecord, len(f.Apps))
	for i := range f.Apps {
		records[i] = buildApp(d, i, &f.Apps[i], &errs)
	}
	addonNames := map[string]string{}
	addonIDs := map[string]string{}
	hostnames := map[string]string{}
	for i := range f.Apps {
		rec := records[i]
		if rec == nil {
			continue
		}
		a := &f.Apps[i]
		where := fmt.Sprintf("apps[%d] %q", i, a.Name)
		buildFormation(d, rec, a, where, &errs)
		buildConfigVars(rec, a, where, &errs)
		buildDomains(rec, a, where, hostnames, &errs)
		buildAddons(d, rec, a, where, addonNames, addonIDs, &errs)
		buildReleases(rec, a, where, &errs)
		buildBuildpacks(rec, a, where, &errs)
	}
	if len(errs) > 0 {
		return nil, errs.err()
	}

	apps := make([]appJSON, 0, len(records))
	teamApps := map[*teamRecord][]teamAppJSON{}
	for _, rec := range records {
		apps = append(apps, rec.app)
		if rec.team != nil {
			teamApps[rec.team] = append(teamApps[rec.team], rec.teamApp)
		}
		addons := slices.Clone(rec.ownedAddons)
		for _, at := range rec.attached {
			if !slices.ContainsFunc(addons, func(a addonJSON) bool { return a.ID == at.Addon.ID }) {
				owner := d.appByKey[at.Addon.App.ID]
				i := slices.IndexFunc(owner.ownedAddons, func(a addonJSON) bool { return a.ID == at.Addon.ID })
				addons = append(addons, owner.ownedAddons[i])
			}
		}
		rec.addons = newList(addons, byID[addonJSON](func(a *addonJSON) string { return a.ID }),
			sortField[addonJSON]{name: "name", key: func(a *addonJSON) string { return a.Name }})
		rec.attachments = newList(nonNil(rec.attached), byID[attachmentJSON](func(a *attachmentJSON) string { return a.ID }),
			sortField[attachmentJSON]{name: "name", key: func(a *attachmentJSON) string { return a.Name }})
	}
	for _, rec := range records {
		rec.ownedAddons, rec.attached = nil, nil
	}
	d.apps = newList(apps, byID[appJSON](func(a *appJSON) string { return a.ID }),
		sortField[appJSON]{name: "name", key: func(a *appJSON) string { return a.Name }})
	for _, t := range d.teamByKey {
		t.apps = newList(nonNil(teamApps[t]), byID[teamAppJSON](func(a *teamAppJSON) string { return a.ID }),
			sortField[teamAppJSON]{name: "name", key: func(a *teamAppJSON) string { return a.Name }})
	}
	return d, nil
}

func byID[T any](key func(*T) string) sortField[T] {
	return sortField[T]{name: "id", key: key}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func formatTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}

func buildAccount(a Account, errs *problems) accountJSON {
	email := a.Email
	if email == "" {
		email = defaultEmail
	} else if !validEmail(email) {
		errs.add("account.email: %q is not an email address", truncate(email, 64))
	}
	id := strings.ToLower(a.ID)
	if id == "" {
		id = deriveID("account", email)
	} else if !isUUID(id) {
		errs.add("account.id: %q is not a UUID", truncate(a.ID, 64))
	}
	created := formatTime(defaultCreatedAt.AddDate(-2, 0, 0))
	return accountJSON{
		AllowTracking:           true,
		CreatedAt:               created,
		Email:                   email,
		ID:                      id,
		LastLogin:               new(formatTime(defaultCreatedAt)),
		TwoFactorAuthentication: true,
		UpdatedAt:               created,
		Verified:                true,
	}
}

func validEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && domain != "" && !strings.ContainsAny(s, " \t\r\n<>\"") && !strings.Contains(domain, "@")
}

func buildTeams(d *dataset, teams []Team, errs *problems) {
	for i, t := range teams {
		where := fmt.Sprintf("teams[%d] %q", i, truncate(t.Name, 64))
		if !teamNameRE.MatchString(t.Name) {
			errs.add("%s: name must be lowercase letters, digits and dashes", where)
			continue
		}
		id := strings.ToLower(t.ID)
		if id == "" {
			id = deriveID("team", t.Name)
		} else if !isUUID(id) {
			errs.add("%s: id %q is not a UUID", where, truncate(t.ID, 64))
			continue
		}
		if _, dup := d.teamByKey[t.Name]; dup {
			errs.add("%s: duplicate team name", where)
			continue
		}
		if _, dup := d.teamByKey[id]; dup {
			errs.add("%s: duplicate team id %s", where, id)
			continue
		}
		rec := &teamRecord{id: id, name: t.Name}
		d.teamByKey[t.Name] = rec
		d.teamByKey[id] = rec
	}
}

func buildDynoSizes(d *dataset, sizes []DynoSize, errs *problems) {
	if len(sizes) == 0 {
		sizes = DefaultDynoSizes()
	}
	out := make([]dynoSizeJSON, 0, len(sizes))
	seen := map[string]bool{}
	for i, s := range sizes {
		where := fmt.Sprintf("dyno_sizes[%d] %q", i, truncate(s.Name, 64))
		if strings.TrimSpace(s.Name) == "" || strings.ContainsAny(s.Name, " \t\r\n/") {
			errs.add("%s: name must be non-empty, without spaces or slashes", where)
			continue
		}
		id := strings.ToLower(s.ID)
		if id == "" {
			id = deriveID("dyno-size", strings.ToLower(s.Name))
		} else if !isUUID(id) {
			errs.add("%s: id %q is not a UUID", where, truncate(s.ID, 64))
			continue
		}
		if !(s.Memory > 0) || s.Compute < 0 || s.DynoUnits < 0 {
			errs.add("%s: memory must be positive, compute and dyno_units not negative", where)
			continue
		}
		key := strings.ToLower(s.Name)
		if seen[key] || seen[id] {
			errs.add("%s: duplicate dyno size (names are case-insensitive)", where)
			continue
		}
		seen[key], seen[id] = true, true
		out = append(out, dynoSizeJSON{
			Compute:          s.Compute,
			Dedicated:        s.Dedicated,
			DynoUnits:        s.DynoUnits,
			ID:               id,
			Memory:           s.Memory,
			Name:             s.Name,
			PrivateSpaceOnly: s.PrivateSpaceOnly,
		})
	}
	for i := range out {
		s := &out[i]
		d.sizeByKey[strings.ToLower(s.Name)] = s
		d.sizeByKey[s.ID] = s
	}
	d.sizes = newList(out, byID[dynoSizeJSON](func(s *dynoSizeJSON) string { return s.ID }),
		sortField[dynoSizeJSON]{name: "name", key: func(s *dynoSizeJSON) string { return s.Name }})
}
