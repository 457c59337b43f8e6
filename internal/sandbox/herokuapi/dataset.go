package herokuapi

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
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

func ptr[T any](v T) *T { return &v }

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
		LastLogin:               ptr(formatTime(defaultCreatedAt)),
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

// defaultWebURL is https://NAME-<12 hex>.herokuapp.com/, as Heroku assigns
// to new apps. The schema allows at most 31 characters before
// ".herokuapp.com", so long names are shortened.
func defaultWebURL(name string) string {
	base := name
	if len(base) > 18 {
		base = strings.TrimRight(base[:18], "-")
	}
	return "https://" + base + "-" + deriveHex(12, "web-url", name) + ".herokuapp.com/"
}

func buildApp(d *dataset, i int, a *App, errs *problems) *appRecord {
	where := fmt.Sprintf("apps[%d] %q", i, truncate(a.Name, 64))
	n := len(*errs)
	if !appNameRE.MatchString(a.Name) {
		errs.add("%s: name must be 3-30 lowercase letters, digits and dashes, starting with a letter and not ending with a dash", where)
		return nil
	}
	if _, dup := d.appByKey[a.Name]; dup {
		errs.add("%s: duplicate app name", where)
		return nil
	}
	id := strings.ToLower(a.ID)
	if id == "" {
		id = deriveID("app", a.Name)
	} else if !isUUID(id) {
		errs.add("%s: id %q is not a UUID", where, truncate(a.ID, 64))
	}
	if _, dup := d.appByKey[id]; dup {
		errs.add("%s: duplicate app id %s", where, id)
	}

	region := a.Region
	if region == "" {
		region = defaultRegion
	} else if !knownRegions[region] {
		errs.add("%s: region %q is not a Heroku region", where, truncate(region, 32))
	}
	stack := a.Stack
	if stack == "" {
		stack = defaultStack
	} else if !stackNameRE.MatchString(stack) {
		errs.add("%s: stack %q is not a stack name", where, truncate(stack, 32))
	}
	buildStack := a.BuildStack
	if buildStack == "" {
		buildStack = stack
	} else if !stackNameRE.MatchString(buildStack) {
		errs.add("%s: build_stack %q is not a stack name", where, truncate(buildStack, 32))
	}

	var team *teamRecord
	if a.Team != "" {
		team = d.teamByKey[a.Team]
		if team == nil || team.name != a.Team {
			errs.add("%s: team %q is not listed in teams", where, truncate(a.Team, 64))
		}
	}
	if a.Space != "" && !validSpaceName(a.Space) {
		errs.add("%s: space %q must be lowercase letters, digits and single dashes", where, truncate(a.Space, 64))
	}

	owner := a.OwnerEmail
	switch {
	case owner != "":
		if !validEmail(owner) {
			errs.add("%s: owner_email %q is not an email address", where, truncate(owner, 64))
		}
	case team != nil:
		owner = team.name + "@herokumanager.com"
	default:
		owner = d.account.Email
	}
	ownerID := d.account.ID
	if owner != d.account.Email {
		ownerID = deriveID("account", owner)
	}

	gitURL := a.GitURL
	if gitURL == "" {
		gitURL = "https://git.heroku.com/" + a.Name + ".git"
	} else if !gitURLRE.MatchString(gitURL) {
		errs.add("%s: git_url must look like https://git.heroku.com/NAME.git", where)
	}
	webURL := a.WebURL
	if webURL == "" {
		webURL = defaultWebURL(a.Name)
	} else if !webURLRE.MatchString(webURL) {
		errs.add("%s: web_url must look like https://NAME.herokuapp.com/ (at most 31 characters before .herokuapp.com)", where)
	}
	if len(*errs) > n {
		return nil
	}

	created := defaultCreatedAt
	if a.CreatedAt != nil {
		created = a.CreatedAt.UTC()
	}
	app := appJSON{
		ACM:                          a.ACM,
		BuildStack:                   idName{ID: deriveID("stack", buildStack), Name: buildStack},
		BuildpackProvidedDescription: a.BuildpackProvidedDescription,
		CreatedAt:                    formatTime(created),
		GitURL:                       gitURL,
		ID:                           id,
		Maintenance:                  a.Maintenance,
		Name:                         a.Name,
		Owner:                        emailID{Email: owner, ID: ownerID},
		Region:                       idName{ID: deriveID("region", region), Name: region},
		Stack:                        idName{ID: deriveID("stack", stack), Name: stack},
		UpdatedAt:                    formatTime(created),
		WebURL:                       webURL,
	}
	if team != nil {
		app.Team = &idName{ID: team.id, Name: team.name}
		app.Organization = &idName{ID: team.id, Name: team.name}
	}
	if a.Space != "" {
		app.Space = &spaceJSON{ID: deriveID("space", a.Space), Name: a.Space}
		app.InternalRouting = ptr(false)
	}
	rec := &appRecord{app: app, team: team}
	d.appByKey[a.Name] = rec
	d.appByKey[id] = rec
	return rec
}

// validSpaceName implements the schema's ^[a-z0-9](?:[a-z0-9]|-(?!-))+[a-z0-9]$
// without look-ahead.
func validSpaceName(s string) bool {
	if len(s) < 3 || strings.Contains(s, "--") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
		if !alnum && (c != '-' || i == 0 || i == len(s)-1) {
			return false
		}
	}
	return true
}

func buildFormation(d *dataset, rec *appRecord, a *App, where string, errs *problems) {
	out := make([]formationJSON, 0, len(a.Formation))
	seen := map[string]bool{}
	for j, p := range a.Formation {
		pw := fmt.Sprintf("%s: formation[%d] %q", where, j, truncate(p.Type, 64))
		if !processTypeRE.MatchString(p.Type) {
			errs.add("%s: type must be 1-128 letters, digits, dashes or underscores", pw)
			continue
		}
		if seen[p.Type] {
			errs.add("%s: duplicate process type", pw)
			continue
		}
		seen[p.Type] = true
		if strings.TrimSpace(p.Command) == "" {
			errs.add("%s: command is empty", pw)
		}
		if p.Quantity < 0 {
			errs.add("%s: quantity %d is negative", pw, p.Quantity)
		}
		size := p.Size
		if size == "" {
			size = defaultFormationSize
		}
		ds := d.sizeByKey[strings.ToLower(size)]
		if ds == nil {
			errs.add("%s: size %q is not a known dyno size", pw, truncate(size, 64))
			continue
		}
		if ds.PrivateSpaceOnly && rec.app.Space == nil {
			errs.add("%s: size %s is only available in a Private Space, and the app has no space", pw, ds.Name)
		}
		out = append(out, formationJSON{
			App:       idName{ID: rec.app.ID, Name: rec.app.Name},
			Command:   p.Command,
			CreatedAt: rec.app.CreatedAt,
			ID:        deriveID("formation", rec.app.ID, p.Type),
			Quantity:  p.Quantity,
			Size:      ds.Name,
			Type:      p.Type,
			UpdatedAt: rec.app.CreatedAt,
		})
	}
	rec.formation = newList(out, byID[formationJSON](func(f *formationJSON) string { return f.ID }),
		sortField[formationJSON]{name: "type", key: func(f *formationJSON) string { return f.Type }})
}

func buildConfigVars(rec *appRecord, a *App, where string, errs *problems) {
	vars := make(map[string]*string, len(a.ConfigVars))
	total := 0
	names := make([]string, 0, len(a.ConfigVars))
	for name := range a.ConfigVars {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		value := a.ConfigVars[name]
		switch {
		case !configVarNameRE.MatchString(name):
			errs.add("%s: config_vars: name %q may only contain letters, digits and underscores", where, truncate(name, 64))
			continue
		case strings.HasPrefix(name, "__"):
			errs.add("%s: config_vars: name %q must not start with __", where, truncate(name, 64))
			continue
		}
		total += len(name)
		if value != nil {
			total += len(*value)
			vars[name] = ptr(*value)
		} else {
			vars[name] = nil
		}
	}
	if total > maxConfigVarBytes {
		errs.add("%s: config_vars: names and values take %d bytes, more than Heroku's limit of %d", where, total, maxConfigVarBytes)
	}
	rec.configVars = vars
}

// validHostname accepts lowercase DNS names of at least two labels, with an
// optional leading "*." wildcard.
func validHostname(h string) bool {
	h = strings.TrimPrefix(h, "*.")
	if len(h) > 253 {
		return false
	}
	labels := strings.Split(h, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if !hostLabelRE.MatchString(l) {
			return false
		}
	}
	return true
}

var dnsWords = []string{
	"angular", "flat", "deep", "shallow", "quiet", "rugged", "curved", "spherical",
	"otter", "owl", "heron", "badger", "lynx", "salmon", "falcon", "marmot",
}

func defaultCNAME(hostname string) string {
	h := deriveHex(15, "cname", hostname)
	w1 := dnsWords[int(h[0])%8]
	w2 := dnsWords[8+int(h[1])%8]
	return fmt.Sprintf("%s-%s-%s.herokudns.com", w1, w2, h[2:])
}

func buildDomains(rec *appRecord, a *App, where string, hostnames map[string]string, errs *problems) {
	app := &rec.app
	web, err := url.Parse(app.WebURL)
	out := make([]domainJSON, 0, len(a.Domains)+1)
	if err == nil && web.Hostname() != "" {
		host := web.Hostname()
		if owner, dup := hostnames[host]; dup {
			errs.add("%s: web_url host %s already belongs to app %q", where, host, owner)
		}
		hostnames[host] = app.Name
		out = append(out, domainJSON{
			App:       idName{ID: app.ID, Name: app.Name},
			CreatedAt: app.CreatedAt,
			Hostname:  host,
			ID:        deriveID("domain", host),
			Kind:      "heroku",
			Status:    "none",
			UpdatedAt: app.CreatedAt,
		})
	}
	for j, dom := range a.Domains {
		dw := fmt.Sprintf("%s: domains[%d] %q", where, j, truncate(dom.Hostname, 64))
		if !validHostname(dom.Hostname) {
			errs.add("%s: hostname must be a lowercase DNS name", dw)
			continue
		}
		if strings.HasSuffix(dom.Hostname, ".herokuapp.com") {
			errs.add("%s: herokuapp.com domains cannot be added; every app gets its own automatically", dw)
			continue
		}
		if owner, dup := hostnames[dom.Hostname]; dup {
			errs.add("%s: hostname already belongs to app %q", dw, owner)
			continue
		}
		hostnames[dom.Hostname] = app.Name
		if dom.Kind != "" && dom.Kind != "custom" {
			errs.add("%s: kind must be \"custom\"; the heroku domain is added automatically", dw)
		}
		cname := dom.CName
		if cname == nil {
			cname = ptr(defaultCNAME(dom.Hostname))
		} else if !validHostname(*cname) {
			errs.add("%s: cname must be a lowercase DNS name", dw)
		}
		status := dom.Status
		if status == "" {
			status = "succeeded"
		}
		acm := dom.ACMStatus
		if acm == nil && app.ACM {
			acm = ptr("cert issued")
		}
		out = append(out, domainJSON{
			ACMStatus: acm,
			App:       idName{ID: app.ID, Name: app.Name},
			CName:     cname,
			CreatedAt: app.CreatedAt,
			Hostname:  dom.Hostname,
			ID:        deriveID("domain", dom.Hostname),
			Kind:      "custom",
			Status:    status,
			UpdatedAt: app.CreatedAt,
		})
	}
	rec.domains = newList(out, byID[domainJSON](func(d *domainJSON) string { return d.ID }),
		sortField[domainJSON]{name: "hostname", key: func(d *domainJSON) string { return d.Hostname }})
}

var addonStates = map[string]bool{"provisioning": true, "provisioned": true, "deprovisioned": true}

// defaultAttachmentName names the attachment of an add-on that lists none:
// DATABASE_URL → DATABASE, else the service name (papertrail → PAPERTRAIL).
func defaultAttachmentName(service string, configVars []string) string {
	for _, v := range configVars {
		if base, ok := strings.CutSuffix(v, "_URL"); ok && attachmentNameRE.MatchString(base) {
			return base
		}
	}
	return strings.ToUpper(strings.ReplaceAll(service, "-", "_"))
}

func buildAddons(d *dataset, rec *appRecord, a *App, where string, names, ids map[string]string, errs *problems) {
	app := &rec.app
	appNums := map[int]bool{} // backup numbers of this app
	for j, ad := range a.Addons {
		aw := fmt.Sprintf("%s: addons[%d] %q", where, j, truncate(ad.Name, 64))
		n := len(*errs)
		if !addonNameRE.MatchString(ad.Name) {
			errs.add("%s: name must start with a letter and contain only letters, digits, dashes and underscores", aw)
			continue
		}
		if owner, dup := names[ad.Name]; dup {
			errs.add("%s: add-on name already used by app %q (add-on names are global)", aw, owner)
			continue
		}
		names[ad.Name] = app.Name
		id := strings.ToLower(ad.ID)
		if id == "" {
			id = deriveID("addon", ad.Name)
		} else if !isUUID(id) {
			errs.add("%s: id %q is not a UUID", aw, truncate(ad.ID, 64))
		}
		if owner, dup := ids[id]; dup {
			errs.add("%s: add-on id %s already used by app %q", aw, id, owner)
		}
		ids[id] = app.Name
		service, planName, ok := strings.Cut(ad.Plan, ":")
		if !ok || service == "" || planName == "" || strings.ContainsAny(ad.Plan, " \t\r\n") {
			errs.add("%s: plan %q must look like service:plan", aw, truncate(ad.Plan, 64))
		}
		if ad.Service != "" && ad.Service != service {
			errs.add("%s: service %q does not match plan %q", aw, truncate(ad.Service, 64), truncate(ad.Plan, 64))
		}
		state := ad.State
		if state == "" {
			state = "provisioned"
		} else if !addonStates[state] {
			errs.add("%s: state %q must be provisioning, provisioned or deprovisioned", aw, truncate(state, 32))
		}
		if ad.DatabaseURL != "" {
			if service != PostgresService {
				errs.add("%s: database_url is only for %s add-ons", aw, PostgresService)
			} else if err := validateDatabaseURL(ad.DatabaseURL); err != nil {
				errs.add("%s: database_url: %v", aw, err)
			}
		}
		if len(ad.Backups) > 0 && service != PostgresService {
			errs.add("%s: backups are only for %s add-ons", aw, PostgresService)
		}
		var backups []Backup
		if service == PostgresService {
			backups = buildBackups(ad, aw, appNums, errs)
		}
		if ad.BilledPriceCents < 0 {
			errs.add("%s: billed_price_cents is negative", aw)
		}
		for _, v := range ad.ConfigVars {
			if !configVarNameRE.MatchString(v) || strings.HasPrefix(v, "__") {
				errs.add("%s: config_vars: %q is not a valid config var name", aw, truncate(v, 64))
			}
		}
		if len(*errs) > n {
			continue
		}

		entity := billingEntityJSON{ID: app.ID, Name: app.Name, Type: "app"}
		if app.Team != nil {
			entity = billingEntityJSON{ID: app.Team.ID, Name: app.Team.Name, Type: "team"}
		}
		addon := addonJSON{
			Actions:       []struct{}{},
			AddonService:  idName{ID: deriveID("addon-service", service), Name: service},
			App:           idName{ID: app.ID, Name: app.Name},
			BilledPrice:   &billedPriceJSON{Cents: ad.BilledPriceCents, Unit: "month"},
			BillingEntity: entity,
			ConfigVars:    append([]string{}, ad.ConfigVars...),
			CreatedAt:     app.CreatedAt,
			ID:            id,
			Name:          ad.Name,
			Plan:          idName{ID: deriveID("plan", ad.Plan), Name: ad.Plan},
			ProviderID:    "resource" + deriveHex(8, "provider", id),
			State:         state,
			UpdatedAt:     app.CreatedAt,
			WebURL:        ptr("https://addons-sso.heroku.com/apps/" + app.ID + "/addons/" + id),
		}
		rec.ownedAddons = append(rec.ownedAddons, addon)
		created, _ := time.Parse(time.RFC3339, app.CreatedAt)
		ar := &addonRecord{
			id: id, name: ad.Name, service: service, plan: ad.Plan, state: state,
			created: created, owner: rec, databaseURL: ad.DatabaseURL,
		}
		ar.backups = backups
		d.addonByKey[id] = ar
		d.addonByKey[ad.Name] = ar
		d.addonOrder = append(d.addonOrder, ar)

		attachments := ad.Attachments
		if len(attachments) == 0 {
			attachments = []Attachment{{Name: defaultAttachmentName(service, ad.ConfigVars)}}
		}
		ar.fromName = attachments[0].Name
		for _, at := range attachments {
			if at.App == "" || at.App == app.Name {
				ar.fromName = at.Name
				break
			}
		}

		for k, at := range attachments {
			tw := fmt.Sprintf("%s: attachments[%d] %q", aw, k, truncate(at.Name, 64))
			if !attachmentNameRE.MatchString(at.Name) {
				errs.add("%s: name must start with a letter and contain only letters, digits and underscores", tw)
				continue
			}
			target := rec
			if at.App != "" {
				target = d.appByKey[at.App]
				if target == nil || target.app.Name != at.App {
					errs.add("%s: app %q is not in the fixture", tw, truncate(at.App, 64))
					continue
				}
			}
			ns := ""
			if at.Namespace != nil {
				ns = *at.Namespace
			}
			if slices.ContainsFunc(target.attached, func(x attachmentJSON) bool {
				return x.Name == at.Name && (x.Namespace == nil && at.Namespace == nil || x.Namespace != nil && at.Namespace != nil && *x.Namespace == ns)
			}) {
				errs.add("%s: app %q already has an attachment with this name and namespace", tw, target.app.Name)
				continue
			}
			var namespace *string
			if at.Namespace != nil {
				namespace = ptr(ns)
			}
			attID := deriveID("attachment", id, target.app.ID, at.Name, ns)
			target.attached = append(target.attached, attachmentJSON{
				Addon:     attachmentAddonJSON{App: addon.App, ID: addon.ID, Name: addon.Name},
				App:       idName{ID: target.app.ID, Name: target.app.Name},
				CreatedAt: app.CreatedAt,
				ID:        attID,
				Name:      at.Name,
				Namespace: namespace,
				UpdatedAt: app.CreatedAt,
				WebURL:    ptr("https://addons-sso.heroku.com/apps/" + target.app.ID + "/addons/" + id),
			})
		}
	}
}

var releaseStatuses = map[string]bool{"failed": true, "pending": true, "succeeded": true}

func buildReleases(rec *appRecord, a *App, where string, errs *problems) {
	app := &rec.app
	releases := a.Releases
	if len(releases) == 0 {
		releases = []Release{{Version: 1, Description: "Initial release", Current: true}}
	}
	created, _ := time.Parse(time.RFC3339, app.CreatedAt)
	plans := make([]string, 0, len(rec.ownedAddons))
	for _, ad := range rec.ownedAddons {
		plans = append(plans, ad.Plan.Name)
	}
	rec.slugs = map[string]*slugJSON{}
	seen := map[int]bool{}
	current, top := -1, -1
	out := make([]releaseJSON, 0, len(releases))
	for j, r := range releases {
		rw := fmt.Sprintf("%s: releases[%d] v%d", where, j, r.Version)
		if r.Version < 1 {
			errs.add("%s: version must be at least 1", rw)
			continue
		}
		if seen[r.Version] {
			errs.add("%s: duplicate version", rw)
			continue
		}
		seen[r.Version] = true
		status := r.Status
		if status == "" {
			status = "succeeded"
		} else if !releaseStatuses[status] {
			errs.add("%s: status %q must be failed, pending or succeeded", rw, truncate(status, 32))
		}
		if r.Current {
			if current >= 0 {
				errs.add("%s: more than one release is current", rw)
			}
			current = len(out)
		}
		if top < 0 || r.Version > out[top].Version {
			top = len(out)
		}
		at := created.Add(time.Duration(r.Version) * time.Hour)
		if r.CreatedAt != nil {
			at = r.CreatedAt.UTC()
		}
		rel := releaseJSON{
			AddonPlanNames: plans,
			App:            idName{ID: app.ID, Name: app.Name},
			CreatedAt:      formatTime(at),
			Description:    r.Description,
			ID:             deriveID("release", app.ID, fmt.Sprint(r.Version)),
			Status:         status,
			UpdatedAt:      formatTime(at),
			User:           app.Owner,
			Version:        r.Version,
		}
		if strings.HasPrefix(r.Description, "Deploy ") {
			rel.Slug = &idOnly{ID: deriveID("slug", app.ID, fmt.Sprint(r.Version))}
			rec.slugs[strings.ToLower(rel.Slug.ID)] = buildSlug(rec, a, rel.Slug.ID, r.Description, at)
		}
		out = append(out, rel)
	}
	if current < 0 {
		current = top
	}
	if current >= 0 {
		out[current].Current = true
		released, _ := time.Parse(time.RFC3339, out[current].CreatedAt)
		if a.ReleasedAt != nil {
			released = a.ReleasedAt.UTC()
		}
		app.ReleasedAt = ptr(formatTime(released))
		if released.After(created) {
			app.UpdatedAt = formatTime(released)
		}
	}
	rec.teamApp = teamAppJSON{
		ArchivedAt:                   app.ArchivedAt,
		BuildStack:                   app.BuildStack,
		BuildpackProvidedDescription: app.BuildpackProvidedDescription,
		CreatedAt:                    app.CreatedAt,
		GitURL:                       app.GitURL,
		ID:                           app.ID,
		InternalRouting:              app.InternalRouting,
		Maintenance:                  app.Maintenance,
		Name:                         app.Name,
		Owner:                        &emailID{Email: app.Owner.Email, ID: app.Owner.ID},
		Region:                       app.Region,
		ReleasedAt:                   app.ReleasedAt,
		RepoSize:                     app.RepoSize,
		SlugSize:                     app.SlugSize,
		Stack:                        app.Stack,
		UpdatedAt:                    app.UpdatedAt,
		WebURL:                       app.WebURL,
	}
	if app.Team != nil {
		rec.teamApp.Team = &nameOnly{Name: app.Team.Name}
	}
	if app.Space != nil {
		rec.teamApp.Space = &teamSpaceJSON{ID: app.Space.ID, Name: app.Space.Name}
	}
	rec.releases = newList(out, byID[releaseJSON](func(r *releaseJSON) string { return r.ID }),
		sortField[releaseJSON]{name: "version", key: func(r *releaseJSON) string { return fmt.Sprint(r.Version) }, numeric: true})
}

// PostgresService is the add-on service of Heroku Postgres, whose add-ons
// the Data API serves.
const PostgresService = "heroku-postgresql"

// validateDatabaseURL checks a postgres:// URL without ever quoting it: it
// holds a password.
func validateDatabaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("not a URL")
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return errors.New("scheme must be postgres:// or postgresql://")
	}
	if u.Hostname() == "" {
		return errors.New("no host")
	}
	if strings.Trim(u.Path, "/") == "" {
		return errors.New("no database name")
	}
	if u.User == nil || u.User.Username() == "" {
		return errors.New("no user")
	}
	return nil
}

// buildBackups validates the fixture backups of an add-on and numbers
// them; nums holds the numbers already taken in the owning app.
func buildBackups(ad Addon, where string, nums map[int]bool, errs *problems) []Backup {
	var out []Backup
	for j, b := range ad.Backups {
		bw := fmt.Sprintf("%s: backups[%d]", where, j)
		if b.Num < 0 {
			errs.add("%s: num %d is negative", bw, b.Num)
			continue
		}
		if b.Num == 0 {
			b.Num = 1
			for n := range nums {
				b.Num = max(b.Num, n+1)
			}
		}
		if nums[b.Num] {
			errs.add("%s: num %d is already used by a backup of this app", bw, b.Num)
			continue
		}
		if b.SourceBytes < 0 || b.ProcessedBytes < 0 {
			errs.add("%s: sizes must not be negative", bw)
			continue
		}
		nums[b.Num] = true
		out = append(out, b)
	}
	return out
}

// buildSlug describes the slug of a "Deploy <commit>" release: its process
// types are the formation's commands plus the release command.
func buildSlug(rec *appRecord, a *App, id, description string, at time.Time) *slugJSON {
	types := map[string]string{}
	for _, p := range a.Formation {
		types[p.Type] = p.Command
	}
	if a.ReleaseCommand != "" {
		types["release"] = a.ReleaseCommand
	}
	commit := strings.TrimPrefix(description, "Deploy ")
	size := 40<<20 + len(rec.app.Name)<<10
	return &slugJSON{
		Blob:                         slugBlobJSON{Method: "get", URL: "https://s3.example.invalid/slugs/" + id + ".tgz"},
		BuildpackProvidedDescription: rec.app.BuildpackProvidedDescription,
		Checksum:                     ptr("SHA256:" + deriveHex(64, "slug", id)),
		Commit:                       ptr(commit),
		CommitDescription:            ptr(""),
		CreatedAt:                    formatTime(at),
		ID:                           id,
		ProcessTypes:                 types,
		Size:                         &size,
		Stack:                        idName{ID: deriveID("stack", rec.app.Stack.Name), Name: rec.app.Stack.Name},
		UpdatedAt:                    formatTime(at),
	}
}

// buildBuildpacks lists the app's buildpack installations by ordinal.
func buildBuildpacks(rec *appRecord, a *App, where string, errs *problems) {
	out := make([]buildpackInstallationJSON, 0, len(a.Buildpacks))
	for i, b := range a.Buildpacks {
		if strings.TrimSpace(b) == "" {
			errs.add("%s: buildpacks[%d] is empty", where, i)
			continue
		}
		bp := buildpackInstallationJSON{Ordinal: i}
		bp.Buildpack.Name, bp.Buildpack.URL = b, b
		if !strings.Contains(b, "://") {
			// Registry buildpacks: Heroku's official ones report a URN.
			bp.Buildpack.URL = "urn:buildpack:" + b
		}
		out = append(out, bp)
	}
	rec.buildpacks = out
}
