package herokuapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// The three PATCH endpoints of the Platform API the sandbox serves
// (https://devcenter.heroku.com/articles/platform-api-reference#app-update,
// #formation-batch-update, #formation-update):
//
//	PATCH /apps/{app}                        {"maintenance": true}
//	PATCH /apps/{app}/formation              {"updates": [{"type", "quantity", "size"}]}
//	PATCH /apps/{app}/formation/{type_or_id} {"quantity", "size"}
//
// A batch is all or nothing: every update is checked against the formation
// as it would be after the whole batch before anything changes.

// maxPatchBody bounds the request bodies read.
const maxPatchBody = 1 << 20

// Scaling limits of a Cedar app, from
// https://devcenter.heroku.com/articles/dyno-scaling-and-process-limits#default-scaling-limits:
// at most 100 dynos across all process types; one dyno per process type on
// Eco and Basic; at most two Eco dynos running at once; at most 10 dynos
// of one process type on Performance, Private and Shield dynos.
const (
	maxAppDynos       = 100
	maxEcoBasicPerTyp = 1
	maxEcoDynos       = 2
	maxDedicatedPerTy = 10
)

// The error texts, where each comes from:
//
//   - an unknown process type: "Couldn't find that process type (worker).",
//     404 not_found, as the Heroku CLI prints the API's answer
//     (https://github.com/openpolitics/groupthink/issues/705,
//     https://github.com/heroku/heroku-buildpack-nodejs/issues/975);
//   - an unknown size: "No such size as 1X. Available dyno sizes are ...",
//     422 (https://github.com/daemonsy/hubot-heroku/issues/17);
//   - more than one Eco or Basic dyno of a process type: "Cannot update to
//     more than 1 Hobby size dynos per process type."
//     (https://github.com/heroku/heroku-apps/issues/166, Hobby being
//     Basic's former name); the sandbox uses the same words for the limit
//     of 10 Performance, Private and Shield dynos;
//   - more Eco dynos than the app may run: 422 cannot_run_above_limit
//     "Cannot run more than 2 Free size dynos." with limit, size and url
//     (https://github.com/flowhub/guv/issues/16, Free being Eco's former
//     name); the sandbox uses the same words for the 100-dyno app limit;
//   - mixing dyno tiers: "Cannot use the following dyno types in the same
//     app: Free and Hobby" (https://github.com/dhyegocalota/visa-appointment-tracker/issues/10,
//     https://github.com/carbonfive/raygun-rails/pull/57).
//
// The ids invalid_params (size and tier errors) and the texts of a
// negative quantity, a malformed body and an unsupported field are the
// sandbox's own wording: no public source shows Heroku's.
const scalingLimitsURL = "https://devcenter.heroku.com/articles/dyno-scaling-and-process-limits#default-scaling-limits"

func errInvalidParams(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusUnprocessableEntity, ID: "invalid_params", Message: fmt.Sprintf(format, args...)}
}

var errBadBody = &apiError{Status: http.StatusBadRequest, ID: "bad_request", Message: "Request invalid, validate usage and try again."}

func errNoProcessType(typ string) *apiError {
	return &apiError{
		Status:   http.StatusNotFound,
		ID:       "not_found",
		Message:  fmt.Sprintf("Couldn't find that process type (%s).", truncate(typ, 128)),
		Resource: "formation",
	}
}

// errForStatus is the answer of an injected update failure: Heroku's body
// for that status.
func errForStatus(status int) *apiError {
	switch {
	case status == http.StatusUnauthorized:
		return errUnauthorized
	case status == http.StatusForbidden:
		return &apiError{Status: status, ID: "forbidden", Message: "You do not have access to the app."}
	case status == http.StatusNotFound:
		return errNotFound("app", "app")
	case status == http.StatusConflict:
		return &apiError{Status: status, ID: "conflict", Message: "A conflicting change is in progress. Please try again."}
	case status == http.StatusUnprocessableEntity:
		return errInvalidParams("The request could not be processed.")
	case status == http.StatusTooManyRequests:
		return errRateLimit
	case status >= 400 && status < 500:
		return &apiError{Status: status, ID: "bad_request", Message: "Request invalid, validate usage and try again."}
	default:
		return errInjected(status)
	}
}

// FailFormationUpdate makes the nth formation PATCH from now (1-based,
// batch and single-type updates counted together) fail with status and
// Heroku's error body for it, changing nothing. The count starts at the
// PATCH handler, for an existing app: requests refused earlier
// (authentication, rate limit, FailNext, unknown app) do not count. nth <= 0 cancels a pending failure.
func (s *Server) FailFormationUpdate(nth int, status int) {
	s.live.mu.Lock()
	defer s.live.mu.Unlock()
	s.live.formationFailIn = max(nth, 0)
	s.live.formationFailStatus = status
}

// FailNextMaintenance makes the next app PATCH fail with status and
// Heroku's error body for it, changing nothing. status <= 0 cancels.
func (s *Server) FailNextMaintenance(status int) {
	s.live.mu.Lock()
	defer s.live.mu.Unlock()
	s.live.maintenanceFailStatus = max(status, 0)
}

// routePatch serves the PATCH endpoints; seg is the split path.
func (s *Server) routePatch(w http.ResponseWriter, r *http.Request, seg []string) {
	if seg[0] != "apps" || len(seg) < 2 || len(seg) > 4 || len(seg) > 2 && seg[2] != "formation" {
		writeError(w, errNoRoute)
		return
	}
	rec := s.data.lookupApp(seg[1])
	if rec == nil {
		writeError(w, errNotFound("app", "app"))
		return
	}
	body, apiErr := readObject(r)
	switch {
	case len(seg) == 2:
		s.patchApp(w, rec, body, apiErr)
	case len(seg) == 3:
		s.patchFormation(w, rec, "", body, apiErr)
	default:
		s.patchFormation(w, rec, seg[3], body, apiErr)
	}
}

// readObject reads a JSON object body; an empty body is an empty object.
func readObject(r *http.Request) (map[string]json.RawMessage, *apiError) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxPatchBody+1))
	if err != nil || len(data) > maxPatchBody {
		return nil, errBadBody
	}
	m := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(data)) == 0 {
		return m, nil
	}
	if err := json.Unmarshal(data, &m); err != nil || m == nil {
		return nil, errBadBody
	}
	return m, nil
}

func (s *Server) patchApp(w http.ResponseWriter, rec *appRecord, body map[string]json.RawMessage, bodyErr *apiError) {
	s.live.mu.Lock()
	if st := s.live.maintenanceFailStatus; st != 0 {
		s.live.maintenanceFailStatus = 0
		s.live.mu.Unlock()
		writeError(w, errForStatus(st))
		return
	}
	s.live.mu.Unlock()
	if bodyErr != nil {
		writeError(w, bodyErr)
		return
	}
	for _, k := range slices.Sorted(maps.Keys(body)) {
		if k != "maintenance" {
			writeError(w, errInvalidParams("Updating %s is not supported by this sandbox: only maintenance is.", truncate(k, 64)))
			return
		}
	}
	if raw, ok := body["maintenance"]; ok {
		var on bool
		if err := json.Unmarshal(raw, &on); err != nil || string(raw) == "null" {
			writeError(w, errInvalidParams("Maintenance must be true or false."))
			return
		}
		s.live.mu.Lock()
		s.live.apps[rec.app.ID].setMaintenance(on, formatTime(s.now()))
		s.live.mu.Unlock()
	}
	app := rec.app
	s.live.overlayApp(&app)
	writeJSON(w, http.StatusOK, app)
}

// formationUpdate is one requested change; nil/empty fields are unchanged.
type formationUpdate struct {
	key      string // process type or formation id, as requested
	quantity *int
	size     string
}

// parseUpdate reads one update object; withType is set for batch elements,
// which must name their type.
func parseUpdate(m map[string]json.RawMessage, withType bool) (formationUpdate, *apiError) {
	var u formationUpdate
	for _, k := range slices.Sorted(maps.Keys(m)) {
		raw := m[k]
		switch {
		case k == "type" && withType:
			if err := json.Unmarshal(raw, &u.key); err != nil || u.key == "" {
				return u, errInvalidParams("Type must be the name or id of a process type.")
			}
		case k == "quantity":
			var q json.Number
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.UseNumber()
			if err := dec.Decode(&q); err != nil {
				return u, errInvalidParams("Quantity must be an integer.")
			}
			n, err := q.Int64()
			if err != nil || n > 1<<31 {
				return u, errInvalidParams("Quantity must be an integer.")
			}
			if n < 0 {
				return u, errInvalidParams("Quantity must be zero or more, not %d.", n)
			}
			u.quantity = new(int(n))
		case k == "size":
			if err := json.Unmarshal(raw, &u.size); err != nil || u.size == "" {
				return u, errInvalidParams("Size must be the name of a dyno size.")
			}
		default:
			return u, errInvalidParams("Unknown formation field %s.", truncate(k, 64))
		}
	}
	if withType && u.key == "" {
		return u, errInvalidParams("Each update must name its process type.")
	}
	return u, nil
}

// patchFormation serves the batch update (key == "") and the update of
// one process type.
func (s *Server) patchFormation(w http.ResponseWriter, rec *appRecord, key string, body map[string]json.RawMessage, bodyErr *apiError) {
	out, apiErr := s.applyFormation(rec, key, body, bodyErr)
	switch {
	case apiErr != nil:
		writeError(w, apiErr)
	case key != "":
		writeJSON(w, http.StatusOK, out[0])
	default:
		writeJSON(w, http.StatusOK, out)
	}
}

// applyFormation checks and applies a formation PATCH, answering the
// updated process types in request order.
func (s *Server) applyFormation(rec *appRecord, key string, body map[string]json.RawMessage, bodyErr *apiError) ([]formationJSON, *apiError) {
	s.live.mu.Lock()
	defer s.live.mu.Unlock()
	if s.live.formationFailIn > 0 {
		s.live.formationFailIn--
		if s.live.formationFailIn == 0 {
			return nil, errForStatus(s.live.formationFailStatus)
		}
	}
	if bodyErr != nil {
		return nil, bodyErr
	}
	updates, apiErr := parseUpdates(key, body)
	if apiErr != nil {
		return nil, apiErr
	}
	la := s.live.apps[rec.app.ID]
	plan, types, apiErr := s.planFormation(rec, la, updates)
	if apiErr != nil {
		return nil, apiErr
	}
	now := formatTime(s.now())
	out := make([]formationJSON, 0, len(types))
	for _, typ := range types {
		p := la.procs[typ]
		p.set(plan[typ].quantity, plan[typ].size, now)
		i := slices.IndexFunc(rec.formation.items, func(f formationJSON) bool { return f.Type == typ })
		f := rec.formation.items[i]
		f.Quantity, f.Size, f.UpdatedAt = p.quantity, p.size, p.updatedAt
		out = append(out, f)
	}
	return out, nil
}

func parseUpdates(key string, body map[string]json.RawMessage) ([]formationUpdate, *apiError) {
	if key != "" {
		u, err := parseUpdate(body, false)
		u.key = key
		return []formationUpdate{u}, err
	}
	for k := range body {
		if k != "updates" {
			return nil, errInvalidParams("Unknown formation field %s.", truncate(k, 64))
		}
	}
	raw, ok := body["updates"]
	var elems []map[string]json.RawMessage
	if !ok || json.Unmarshal(raw, &elems) != nil || elems == nil {
		return nil, errInvalidParams("Updates must be an array of formation updates.")
	}
	updates := make([]formationUpdate, 0, len(elems))
	for _, m := range elems {
		if m == nil {
			return nil, errInvalidParams("Each update must name its process type.")
		}
		u, err := parseUpdate(m, true)
		if err != nil {
			return nil, err
		}
		updates = append(updates, u)
	}
	return updates, nil
}

// planFormation applies updates to a copy of the live formation and checks
// the result against Heroku's rules. It answers the resulting quantity and
// size of every process type and the types updated, in request order.
// The caller holds s.live.mu.
func (s *Server) planFormation(rec *appRecord, la *liveApp, updates []formationUpdate) (map[string]liveProc, []string, *apiError) {
	plan := make(map[string]liveProc, len(la.procs))
	for typ, p := range la.procs {
		plan[typ] = *p
	}
	var types []string
	sizeChanged := false
	for _, u := range updates {
		typ := resolveProcessType(la, u.key)
		if typ == "" {
			return nil, nil, errNoProcessType(u.key)
		}
		p := plan[typ]
		if u.size != "" {
			ds := s.data.sizeByKey[strings.ToLower(u.size)]
			if ds == nil || ds.PrivateSpaceOnly && rec.app.Space == nil {
				return nil, nil, errInvalidParams("No such size as %s. Available dyno sizes are %s.", truncate(u.size, 64), s.availableSizes(rec))
			}
			sizeChanged = sizeChanged || ds.Name != p.size
			p.size = ds.Name
		}
		if u.quantity != nil {
			p.quantity = *u.quantity
		}
		plan[typ] = p
		if !slices.Contains(types, typ) {
			types = append(types, typ)
		}
	}
	if sizeChanged {
		if err := checkTiers(la, plan); err != nil {
			return nil, nil, err
		}
	}
	return plan, types, checkLimits(la, plan, types)
}

// resolveProcessType finds a process type by name (case-sensitive, as
// Procfile names are) or by formation id (case-insensitive).
func resolveProcessType(la *liveApp, key string) string {
	if la.procs[key] != nil {
		return key
	}
	for _, typ := range la.order {
		if strings.EqualFold(la.procs[typ].id, key) {
			return typ
		}
	}
	return ""
}

// availableSizes lists the sizes an app may use, in the dyno size list's
// order: "A, B and C".
func (s *Server) availableSizes(rec *appRecord) string {
	var names []string
	for _, ds := range s.data.sizes.items {
		if !ds.PrivateSpaceOnly || rec.app.Space != nil {
			names = append(names, ds.Name)
		}
	}
	return joinAnd(names)
}

func joinAnd(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// sizeTier groups dyno sizes by the tiers an app cannot mix: an app on Eco
// dynos uses only Eco dynos, an app on Basic only Basic; Standard,
// Performance, Private and Shield sizes mix freely
// (https://devcenter.heroku.com/articles/dyno-types, "Mixing dyno types").
func sizeTier(size string) string {
	switch s := strings.ToLower(size); s {
	case "eco", "basic":
		return s
	default:
		return "professional"
	}
}

// dedicated reports a Performance, Private or Shield size.
func dedicated(size string) bool {
	s := strings.ToLower(size)
	return strings.HasPrefix(s, "performance") || strings.HasPrefix(s, "private") || strings.HasPrefix(s, "shield")
}

// checkTiers refuses a formation that mixes tiers, naming the sizes that
// conflict in the order of the app's process types.
func checkTiers(la *liveApp, plan map[string]liveProc) *apiError {
	var sizes []string
	tiers := map[string]bool{}
	for _, typ := range la.order {
		size := plan[typ].size
		tiers[sizeTier(size)] = true
		if !slices.Contains(sizes, size) {
			sizes = append(sizes, size)
		}
	}
	if len(tiers) <= 1 {
		return nil
	}
	return errInvalidParams("Cannot use the following dyno types in the same app: %s", joinAnd(sizes))
}

// checkLimits applies the scaling limits to the updated types, and the
// app-wide limits when the update adds dynos: scaling down is always
// allowed.
func checkLimits(la *liveApp, plan map[string]liveProc, types []string) *apiError {
	for _, typ := range types {
		p := plan[typ]
		limit := 0
		switch {
		case sizeTier(p.size) != "professional":
			limit = maxEcoBasicPerTyp
		case dedicated(p.size):
			limit = maxDedicatedPerTy
		}
		if limit > 0 && p.quantity > limit && p.quantity > la.procs[typ].quantity {
			return errInvalidParams("Cannot update to more than %d %s size dynos per process type.", limit, p.size)
		}
	}
	var before, after, eco int
	for _, typ := range la.order {
		before += la.procs[typ].quantity
		after += plan[typ].quantity
		if strings.EqualFold(plan[typ].size, "eco") {
			eco += plan[typ].quantity
		}
	}
	if after <= before {
		return nil
	}
	if eco > maxEcoDynos {
		return aboveLimit(maxEcoDynos, "Cannot run more than %d Eco size dynos.")
	}
	if after > maxAppDynos {
		return aboveLimit(maxAppDynos, "Cannot run more than %d dynos.")
	}
	return nil
}

// aboveLimit builds Heroku's cannot_run_above_limit answer, which also
// carries the limit and a link to the limits.
func aboveLimit(limit int, format string) *apiError {
	return &apiError{
		Status:  http.StatusUnprocessableEntity,
		ID:      "cannot_run_above_limit",
		Message: fmt.Sprintf(format, limit),
		Limit:   new(limit),
		URL:     scalingLimitsURL,
	}
}
