package herokuapi

import (
	"net/http"
	"strings"
)

// route dispatches an authorized request. The Platform API answers GET,
// and PATCH for maintenance and formation (routePatch); every other
// method, like every unknown path, gets Heroku's "endpoint not found".
// /client/... is the Data API (routeData).
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	seg := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	for _, p := range seg {
		if p == "" {
			writeError(w, errNoRoute)
			return
		}
	}
	if seg[0] == "client" {
		s.routeData(w, r, seg)
		return
	}
	if r.Method == http.MethodPatch {
		s.routePatch(w, r, seg)
		return
	}
	if r.Method != http.MethodGet {
		writeError(w, errNoRoute)
		return
	}
	d := s.data
	switch {
	case len(seg) == 1 && seg[0] == "account":
		writeJSON(w, http.StatusOK, d.account)
	case len(seg) == 2 && seg[0] == "account" && seg[1] == "rate-limits":
		writeJSON(w, http.StatusOK, rateLimitJSON{Remaining: s.bucket.remaining(s.now())})
	case len(seg) == 1 && seg[0] == "apps":
		serveList(s, w, r, d.apps, s.live.overlayApp)
	case len(seg) == 1 && seg[0] == "dyno-sizes":
		serveList(s, w, r, d.sizes, nil)
	case len(seg) == 2 && seg[0] == "dyno-sizes":
		size := d.sizeByKey[strings.ToLower(seg[1])]
		if size == nil {
			writeError(w, errNotFound("dyno_size", "dyno size"))
			return
		}
		writeJSON(w, http.StatusOK, size)
	case len(seg) == 3 && seg[0] == "teams" && seg[2] == "apps":
		team := d.lookupTeam(seg[1])
		if team == nil {
			writeError(w, errNotFound("team", "team"))
			return
		}
		serveList(s, w, r, team.apps, s.live.overlayTeamApp)
	case len(seg) == 4 && seg[0] == "apps" && seg[2] == "slugs":
		app := d.lookupApp(seg[1])
		if app == nil {
			writeError(w, errNotFound("app", "app"))
			return
		}
		slug := app.slugs[strings.ToLower(seg[3])]
		if slug == nil {
			writeError(w, errNotFound("slug", "slug"))
			return
		}
		writeJSON(w, http.StatusOK, slug)
	case seg[0] == "apps" && (len(seg) == 2 || len(seg) == 3 && appSubresources[seg[2]]):
		app := d.lookupApp(seg[1])
		if app == nil {
			writeError(w, errNotFound("app", "app"))
			return
		}
		if len(seg) == 2 {
			a := app.app
			s.live.overlayApp(&a)
			writeJSON(w, http.StatusOK, a)
			return
		}
		switch seg[2] {
		case "formation":
			serveList(s, w, r, app.formation, s.live.overlayFormation)
		case "config-vars":
			writeJSON(w, http.StatusOK, s.live.overlayConfigVars(app.app.ID, app.configVars))
		case "addons":
			serveList(s, w, r, app.addons, nil)
		case "addon-attachments":
			serveList(s, w, r, app.attachments, nil)
		case "domains":
			serveList(s, w, r, app.domains, nil)
		case "releases":
			serveList(s, w, r, app.releases, nil)
		case "buildpack-installations":
			// Not a paginated endpoint: Heroku answers every installation
			// and ignores Range.
			writeJSON(w, http.StatusOK, app.buildpacks)
		}
	default:
		writeError(w, errNoRoute)
	}
}

var appSubresources = map[string]bool{
	"formation": true, "config-vars": true, "addons": true,
	"addon-attachments": true, "domains": true, "releases": true,
	"buildpack-installations": true,
}

// lookupApp resolves an app by UUID (case-insensitively) or by name.
func (d *dataset) lookupApp(key string) *appRecord {
	if isUUID(key) {
		key = strings.ToLower(key)
	}
	return d.appByKey[key]
}

// lookupTeam resolves a team by UUID (case-insensitively) or by name.
func (d *dataset) lookupTeam(key string) *teamRecord {
	if isUUID(key) {
		key = strings.ToLower(key)
	}
	return d.teamByKey[key]
}

// serveList answers a list request with one page, honoring the Range
// header: 200 when the page is the last, else 206 with Next-Range. live,
// when set, writes the live state into each item of the page (a copy).
func serveList[T any](s *Server, w http.ResponseWriter, r *http.Request, l *list[T], live func(*T)) {
	w.Header().Set("Accept-Ranges", l.acceptRanges())
	var rng Range
	if h := r.Header.Get("Range"); h != "" {
		var err error
		if rng, err = ParseRange(h); err != nil {
			writeError(w, errBadRange(err.Error()+"."))
			return
		}
	}
	page, apiErr := l.page(rng, s.defaultPage, s.maxPage)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	if live != nil {
		for i := range page.items {
			live(&page.items[i])
		}
	}
	status := http.StatusOK
	if page.next != nil {
		w.Header().Set("Next-Range", page.next.String())
		status = http.StatusPartialContent
	}
	writeJSON(w, status, page.items)
}
