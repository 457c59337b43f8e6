package appfreeze

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	herokugo "github.com/heroku/heroku-go/v5"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/problem"
)

// Attributes of the resource that findings name.
const (
	attrProcessTypes = "process_types"
	attrMaintenance  = "maintenance"
	attrDrainWait    = "drain_wait"
	attrDatabase     = "database"
)

// schedulerService is the add-on service name of Heroku Scheduler
// (https://devcenter.heroku.com/articles/scheduler).
const schedulerService = "scheduler"

// Validate checks spec, and when they are known (non-nil) the live app, its
// formation and its add-ons. Findings name the resource's attributes:
// "process_types", "maintenance", "drain_wait", "database" (never its
// URL), or "" for the object as a whole.
func Validate(spec Spec, app *herokugo.App, formation []herokugo.Formation, addons []herokugo.AddOn) problem.List {
	var out problem.List
	seen := map[string]bool{}
	for _, typ := range spec.ProcessTypes {
		switch {
		case typ == releaseType:
			out = append(out, problem.Errorf(attrProcessTypes, "Release Phase Listed",
				"process_types lists %q: that is the release phase, which runs once per deploy and is never scaled. Remove it from process_types.", typ))
		case strings.TrimSpace(typ) == "":
			out = append(out, problem.Errorf(attrProcessTypes, "Empty Process Type",
				"process_types holds an empty name. Remove it, or name a process type of the app's Procfile."))
		case seen[typ]:
			out = append(out, problem.Errorf(attrProcessTypes, "Duplicate Process Type",
				"process_types lists %q twice. List each process type once, in the order to scale them down.", typ))
		}
		seen[typ] = true
	}
	if spec.DrainWait < 0 {
		out = append(out, problem.Errorf(attrDrainWait, "Negative Drain Wait",
			"drain_wait is %s. Give a duration of zero or more, such as \"30s\" (Heroku gives a dyno 30 seconds between SIGTERM and SIGKILL).", spec.DrainWait))
	}
	if spec.Database != nil && spec.Database.URL != "" {
		if msg := checkURL(spec.Database.URL); msg != "" {
			out = append(out, problem.Errorf(attrDatabase, "Invalid Database URL",
				"The database URL is not usable: %s. Give a postgres://user:password@host:port/dbname URL of a credential that owns the database.", msg))
		}
	}

	if formation != nil {
		have := map[string]bool{}
		for _, f := range formation {
			have[f.Type] = true
		}
		names := slices.Sorted(maps.Keys(have))
		for _, typ := range spec.ProcessTypes {
			if typ != releaseType && strings.TrimSpace(typ) != "" && !have[typ] {
				out = append(out, problem.Errorf(attrProcessTypes, "Unknown Process Type",
					"The app %s has no process type %q; its formation has %s. List only process types of the app.", spec.App, typ, listOrNone(names)))
			}
		}
		if !spec.Maintenance && spec.Database == nil && len(resolveTypes(spec.ProcessTypes, formation)) == 0 {
			out = append(out, problem.Errorf(attrMaintenance, "Freeze Changes Nothing",
				"maintenance is false and no process type is to be scaled down, so the freeze would change nothing. Set maintenance = true, or list process types in process_types."))
		}
	} else if !spec.Maintenance && spec.Database == nil && spec.ProcessTypes != nil && len(spec.ProcessTypes) == 0 {
		out = append(out, problem.Errorf(attrMaintenance, "Freeze Changes Nothing",
			"maintenance is false and process_types is empty, so the freeze would change nothing. Set maintenance = true, or list process types in process_types."))
	}

	if app != nil && app.Space != nil && slices.Contains(spec.ProcessTypes, webType) {
		out = append(out, problem.Warnf(attrProcessTypes, "Web Scaled Down In A Private Space",
			"The app %s runs in the Private Space %s, where scaling web to 0 means no maintenance page is served: requests fail instead. Leave web out of process_types to keep the maintenance page.", spec.App, app.Space.Name))
	}
	for _, a := range addons {
		if a.AddonService.Name == schedulerService {
			out = append(out, problem.Warnf("", "Heroku Scheduler Keeps Running",
				"The app %[1]s has the Heroku Scheduler add-on %[2]s. Maintenance mode does not stop its jobs, and the Platform API cannot pause them. "+
					"Disable the jobs by hand before the cutover (`heroku addons:open scheduler -a %[1]s`) and re-enable them on rollback.", spec.App, a.Name))
			break
		}
	}
	return out
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "no process types"
	}
	return strings.Join(names, ", ")
}

// checkURL returns what is wrong with a database URL, never the URL.
func checkURL(raw string) string {
	scheme, _, ok := strings.Cut(strings.TrimSpace(raw), "://")
	if !ok {
		return "it is not a URL"
	}
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		return ""
	}
	return fmt.Sprintf("the scheme is %q, not postgres://", scheme)
}
