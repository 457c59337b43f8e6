package herokuapi

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

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
		app.InternalRouting = new(false)
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
	for _, name := range slices.Sorted(maps.Keys(a.ConfigVars)) {
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
			vars[name] = new(*value)
		} else {
			vars[name] = nil
		}
	}
	if total > maxConfigVarBytes {
		errs.add("%s: config_vars: names and values take %d bytes, more than Heroku's limit of %d", where, total, maxConfigVarBytes)
	}
	rec.configVars = vars
}
