package herokuapi

import (
	"fmt"
	"strings"
	"sync"
)

// liveState is the part of the Platform API data that changes after New:
// each app's maintenance flag and each process type's quantity and size,
// with the updated_at they bring along, and config vars set by
// SetConfigVar. The dataset stays immutable; GET
// answers overlay this state on it (sort keys never change, so paging
// stays valid). Its own mutex guards it and the update faults.
type liveState struct {
	mu   sync.Mutex
	apps map[string]*liveApp // by app id

	// formationFailIn counts formation PATCHes down to the one that fails
	// with formationFailStatus (FailFormationUpdate); 0 = none pending.
	formationFailIn     int
	formationFailStatus int
	// maintenanceFailStatus fails the next app PATCH (FailNextMaintenance);
	// 0 = none pending.
	maintenanceFailStatus int
}

type liveApp struct {
	maintenance bool
	updatedAt   string
	procs       map[string]*liveProc // by process type
	order       []string             // process types in fixture order
	configVars  map[string]string    // SetConfigVar's values, over the fixture's
}

type liveProc struct {
	id        string
	quantity  int
	size      string // canonical dyno size name
	updatedAt string
}

// FormationState is one process type's quantity and size, as AppState
// reports it.
type FormationState struct {
	Quantity int
	Size     string
}

func newLiveState(d *dataset) *liveState {
	ls := &liveState{apps: map[string]*liveApp{}}
	for _, app := range d.apps.items {
		rec := d.appByKey[app.ID]
		la := &liveApp{maintenance: app.Maintenance, updatedAt: app.UpdatedAt, procs: map[string]*liveProc{}}
		for _, f := range rec.formation.items {
			la.procs[f.Type] = &liveProc{id: f.ID, quantity: f.Quantity, size: f.Size, updatedAt: f.UpdatedAt}
			la.order = append(la.order, f.Type)
		}
		ls.apps[app.ID] = la
	}
	return ls
}

// overlayApp, overlayTeamApp and overlayFormation write the live values
// into a copy of a dataset item about to be served.
func (ls *liveState) overlayApp(a *appJSON) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if la := ls.apps[a.ID]; la != nil {
		a.Maintenance, a.UpdatedAt = la.maintenance, la.updatedAt
	}
}

func (ls *liveState) overlayTeamApp(a *teamAppJSON) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if la := ls.apps[a.ID]; la != nil {
		a.Maintenance, a.UpdatedAt = la.maintenance, la.updatedAt
	}
}

func (ls *liveState) overlayFormation(f *formationJSON) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if la := ls.apps[f.App.ID]; la != nil {
		if p := la.procs[f.Type]; p != nil {
			f.Quantity, f.Size, f.UpdatedAt = p.quantity, p.size, p.updatedAt
		}
	}
}

// overlayConfigVars is an app's config vars as served: the dataset's,
// with SetConfigVar's values over them (a copy when there are any).
func (ls *liveState) overlayConfigVars(appID string, vars map[string]*string) map[string]*string {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	la := ls.apps[appID]
	if la == nil || len(la.configVars) == 0 {
		return vars
	}
	out := make(map[string]*string, len(vars)+len(la.configVars))
	for k, v := range vars {
		out[k] = v
	}
	for k, v := range la.configVars {
		out[k] = &v
	}
	return out
}

// SetConfigVar sets one config var of an app behind the API's back, as
// an add-on provisioning a new database URL would: no request, no
// rate-limit token, no fault. GET /apps/{app}/config-vars serves it from
// then on, over the fixture's value. Errors never quote the value.
func (s *Server) SetConfigVar(app, name, value string) error {
	rec := s.data.lookupApp(app)
	if rec == nil {
		return fmt.Errorf("herokuapi: no app %q", app)
	}
	if !configVarNameRE.MatchString(name) {
		return fmt.Errorf("herokuapi: config var name %q: use letters, digits and underscores", name)
	}
	s.live.mu.Lock()
	defer s.live.mu.Unlock()
	la := s.live.apps[rec.app.ID]
	if la.configVars == nil {
		la.configVars = map[string]string{}
	}
	la.configVars[name] = value
	return nil
}

// AppState reports an app's live maintenance flag and formation (by process
// type), without HTTP and without spending rate-limit tokens. app is a name
// or an id; ok is false for an unknown app.
func (s *Server) AppState(app string) (maintenance bool, formation map[string]FormationState, ok bool) {
	rec := s.data.lookupApp(app)
	if rec == nil {
		return false, nil, false
	}
	s.live.mu.Lock()
	defer s.live.mu.Unlock()
	la := s.live.apps[rec.app.ID]
	formation = make(map[string]FormationState, len(la.procs))
	for typ, p := range la.procs {
		formation[typ] = FormationState{Quantity: p.quantity, Size: p.size}
	}
	return la.maintenance, formation, true
}

// SetFormation changes a process type's quantity and size behind the API's
// back, as someone scaling in the dashboard would (drift): no request, no
// rate-limit token, no fault, and none of the API's scaling rules. size is
// a dyno size name, matched case-insensitively; "" keeps the current size.
// updated_at moves when something changes.
func (s *Server) SetFormation(app, typ string, quantity int, size string) error {
	rec := s.data.lookupApp(app)
	if rec == nil {
		return fmt.Errorf("herokuapi: no app %q", app)
	}
	if quantity < 0 {
		return fmt.Errorf("herokuapi: quantity %d is negative", quantity)
	}
	if size != "" {
		ds := s.data.sizeByKey[strings.ToLower(size)]
		if ds == nil {
			return fmt.Errorf("herokuapi: no dyno size %q", size)
		}
		size = ds.Name
	}
	s.live.mu.Lock()
	defer s.live.mu.Unlock()
	p := s.live.apps[rec.app.ID].procs[typ]
	if p == nil {
		return fmt.Errorf("herokuapi: app %s has no process type %q", rec.app.Name, typ)
	}
	p.set(quantity, size, formatTime(s.now()))
	return nil
}

// SetMaintenance turns an app's maintenance mode on or off behind the API's
// back (drift), like SetFormation.
func (s *Server) SetMaintenance(app string, on bool) error {
	rec := s.data.lookupApp(app)
	if rec == nil {
		return fmt.Errorf("herokuapi: no app %q", app)
	}
	s.live.mu.Lock()
	defer s.live.mu.Unlock()
	s.live.apps[rec.app.ID].setMaintenance(on, formatTime(s.now()))
	return nil
}

// set applies a quantity and a size ("" = unchanged); updated_at moves
// only on a change.
func (p *liveProc) set(quantity int, size, now string) {
	if size == "" {
		size = p.size
	}
	if quantity != p.quantity || size != p.size {
		p.quantity, p.size, p.updatedAt = quantity, size, now
	}
}

func (la *liveApp) setMaintenance(on bool, now string) {
	if la.maintenance != on {
		la.maintenance, la.updatedAt = on, now
	}
}
