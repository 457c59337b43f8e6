package herokuapi

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

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
			ID:             deriveID("release", app.ID, strconv.Itoa(r.Version)),
			Status:         status,
			UpdatedAt:      formatTime(at),
			User:           app.Owner,
			Version:        r.Version,
		}
		if strings.HasPrefix(r.Description, "Deploy ") {
			rel.Slug = &idOnly{ID: deriveID("slug", app.ID, strconv.Itoa(r.Version))}
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
		app.ReleasedAt = new(formatTime(released))
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
		sortField[releaseJSON]{name: "version", key: func(r *releaseJSON) string { return strconv.Itoa(r.Version) }, numeric: true})
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
		Checksum:                     new("SHA256:" + deriveHex(64, "slug", id)),
		Commit:                       new(commit),
		CommitDescription:            new(""),
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
