package herokuapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	heroku "github.com/heroku/heroku-go/v5"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
)

// freezeFixture has one app per dyno tier the scaling rules care about,
// and a Private Space app with web, worker and clock process types.
func freezeFixture() *Fixture {
	return &Fixture{
		APIKey: testKey,
		Teams:  []Team{{Name: "acme"}},
		Apps: []App{
			{Name: "acme-private", Team: "acme", Space: "acme-space", Formation: []Process{
				{Type: "web", Command: "npm start", Quantity: 2, Size: "Private-M"},
				{Type: "worker", Command: "node worker.js", Quantity: 1, Size: "Private-S"},
				{Type: "clock", Command: "node clock.js", Quantity: 1, Size: "Private-S"},
			}},
			{Name: "acme-eco", Formation: []Process{
				{Type: "web", Command: "npm start", Quantity: 1, Size: "Eco"},
				{Type: "worker", Command: "node worker.js", Quantity: 0, Size: "Eco"},
				{Type: "clock", Command: "node clock.js", Quantity: 1, Size: "Eco"},
			}},
			{Name: "acme-basic", Formation: []Process{
				{Type: "web", Command: "npm start", Quantity: 1, Size: "Basic"},
			}},
			{Name: "acme-perf", Formation: []Process{
				{Type: "web", Command: "npm start", Quantity: 2, Size: "Performance-M"},
				{Type: "worker", Command: "node worker.js", Quantity: 50, Size: "Standard-1X"},
			}},
		},
	}
}

// startFreeze starts freezeFixture on a fake clock and returns the server,
// the real heroku-go client pointed at it and the clock.
func startFreeze(t *testing.T) (*Server, *heroku.Service, *clock.Fake) {
	t.Helper()
	clk := clock.NewFakeAt(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	s, base := Start(t, freezeFixture(), Options{Clock: clk})
	return s, newClient(base, testKey), clk
}

// herokuErr unwraps the heroku.Error the real client returns.
func herokuErr(t *testing.T, err error) heroku.Error {
	t.Helper()
	var e heroku.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a heroku.Error", err, err)
	}
	return e
}

type batchUpdate = struct {
	Quantity *int    `json:"quantity,omitempty" url:"quantity,omitempty,key"`
	Size     *string `json:"size,omitempty" url:"size,omitempty,key"`
	Type     string  `json:"type" url:"type,key"`
}

func batch(updates ...batchUpdate) heroku.FormationBatchUpdateOpts {
	return heroku.FormationBatchUpdateOpts{Updates: updates}
}

func formationOf(t *testing.T, h *heroku.Service, app string) map[string]heroku.Formation {
	t.Helper()
	list, err := h.FormationList(context.Background(), app, nil)
	if err != nil {
		t.Fatalf("FormationList(%s): %v", app, err)
	}
	m := map[string]heroku.Formation{}
	for _, f := range list {
		m[f.Type] = f
	}
	return m
}

func TestMaintenanceThroughHerokuGo(t *testing.T) {
	t.Parallel()
	s, h, clk := startFreeze(t)
	ctx := context.Background()
	before, err := h.AppInfo(ctx, "acme-private")
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)
	app, err := h.AppUpdate(ctx, "acme-private", heroku.AppUpdateOpts{Maintenance: new(true)})
	if err != nil {
		t.Fatalf("AppUpdate: %v", err)
	}
	if !app.Maintenance || !app.UpdatedAt.Equal(clk.Now()) || app.Space == nil || app.Space.Name != "acme-space" {
		t.Errorf("AppUpdate = maintenance %v, updated_at %v, space %+v", app.Maintenance, app.UpdatedAt, app.Space)
	}
	// Every read reflects it.
	if got, _ := h.AppInfo(ctx, app.ID); !got.Maintenance || !got.UpdatedAt.After(before.UpdatedAt) {
		t.Errorf("AppInfo after update = %v %v", got.Maintenance, got.UpdatedAt)
	}
	apps, _ := h.AppList(ctx, nil)
	teamApps, _ := h.TeamAppListByTeam(ctx, "acme", nil)
	for _, a := range apps {
		if a.Name == "acme-private" && !a.Maintenance || a.Name != "acme-private" && a.Maintenance {
			t.Errorf("AppList: %s maintenance %v", a.Name, a.Maintenance)
		}
	}
	if len(teamApps) != 1 || !teamApps[0].Maintenance || !teamApps[0].UpdatedAt.Equal(clk.Now()) {
		t.Errorf("TeamAppListByTeam = %+v", teamApps)
	}
	if on, _, ok := s.AppState("acme-private"); !on || !ok {
		t.Errorf("AppState maintenance = %v, %v", on, ok)
	}

	// The same value again changes nothing, updated_at included; false
	// (a pointer to false is sent) lifts it.
	clk.Advance(time.Minute)
	if again, err := h.AppUpdate(ctx, "acme-private", heroku.AppUpdateOpts{Maintenance: new(true)}); err != nil || !again.UpdatedAt.Equal(app.UpdatedAt) {
		t.Errorf("repeated AppUpdate = %v, %v; want updated_at unchanged", again.UpdatedAt, err)
	}
	off, err := h.AppUpdate(ctx, "acme-private", heroku.AppUpdateOpts{Maintenance: new(false)})
	if err != nil || off.Maintenance || !off.UpdatedAt.Equal(clk.Now()) {
		t.Errorf("AppUpdate(false) = %v %v, %v", off.Maintenance, off.UpdatedAt, err)
	}
	// An empty update answers the app unchanged.
	if same, err := h.AppUpdate(ctx, "acme-private", heroku.AppUpdateOpts{}); err != nil || same.Maintenance {
		t.Errorf("empty AppUpdate = %+v, %v", same, err)
	}
}

func TestFormationUpdatesThroughHerokuGo(t *testing.T) {
	t.Parallel()
	s, h, clk := startFreeze(t)
	ctx := context.Background()
	clk.Advance(time.Hour)

	// One type by name: a pointer to 0 is sent and scales to zero.
	f, err := h.FormationUpdate(ctx, "acme-private", "worker", heroku.FormationUpdateOpts{Quantity: new(0)})
	if err != nil {
		t.Fatalf("FormationUpdate: %v", err)
	}
	if f.Type != "worker" || f.Quantity != 0 || f.Size != "Private-S" || !f.UpdatedAt.Equal(clk.Now()) || f.App.Name != "acme-private" {
		t.Errorf("FormationUpdate = %+v", f)
	}
	// By formation id, size only (case-insensitive, canonical in answers).
	clockProc := formationOf(t, h, "acme-private")["clock"]
	f, err = h.FormationUpdate(ctx, "acme-private", strings.ToUpper(clockProc.ID), heroku.FormationUpdateOpts{Size: new("private-m")})
	if err != nil || f.Type != "clock" || f.Size != "Private-M" || f.Quantity != 1 {
		t.Errorf("FormationUpdate by id = %+v, %v", f, err)
	}

	// A batch answers the updated types, in request order.
	clk.Advance(time.Minute)
	got, err := h.FormationBatchUpdate(ctx, "acme-private", batch(
		batchUpdate{Type: "clock", Quantity: new(0)},
		batchUpdate{Type: "web", Quantity: new(0), Size: new("Private-L")},
	))
	if err != nil {
		t.Fatalf("FormationBatchUpdate: %v", err)
	}
	if len(got) != 2 || got[0].Type != "clock" || got[0].Quantity != 0 || got[1].Type != "web" || got[1].Quantity != 0 ||
		got[1].Size != "Private-L" || !got[1].UpdatedAt.Equal(clk.Now()) {
		t.Errorf("FormationBatchUpdate = %+v", got)
	}

	// GET and AppState reflect every change; untouched fields stay.
	list := formationOf(t, h, "acme-private")
	for typ, want := range map[string]string{"web": "0 Private-L", "worker": "0 Private-S", "clock": "0 Private-M"} {
		if g := list[typ]; g.Size != strings.Fields(want)[1] || g.Quantity != 0 || g.Command == "" {
			t.Errorf("FormationList %s = %+v, want %s", typ, g, want)
		}
	}
	_, state, ok := s.AppState("acme-private")
	want := map[string]FormationState{"web": {0, "Private-L"}, "worker": {0, "Private-S"}, "clock": {0, "Private-M"}}
	if !ok || len(state) != 3 || state["web"] != want["web"] || state["worker"] != want["worker"] || state["clock"] != want["clock"] {
		t.Errorf("AppState = %v, %v", state, ok)
	}
	// Other apps are untouched.
	if _, other, _ := s.AppState("acme-perf"); other["web"] != (FormationState{2, "Performance-M"}) {
		t.Errorf("acme-perf = %v", other)
	}
}

func TestDriftHelpers(t *testing.T) {
	t.Parallel()
	s, h, clk := startFreeze(t)
	ctx := context.Background()
	clk.Advance(time.Hour)
	if err := s.SetFormation("acme-private", "worker", 3, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.SetMaintenance("acme-private", true); err != nil {
		t.Fatal(err)
	}
	if err := s.SetFormation("acme-perf", "web", 20, "performance-l"); err != nil { // no API rules
		t.Fatal(err)
	}
	before := s.RateLimitRemaining()
	on, state, _ := s.AppState("acme-private")
	if !on || state["worker"] != (FormationState{3, "Private-S"}) {
		t.Errorf("AppState = %v %v", on, state)
	}
	if s.RateLimitRemaining() != before || len(s.Requests()) != 0 {
		t.Error("the helpers made requests or spent tokens")
	}
	if w := formationOf(t, h, "acme-private")["worker"]; w.Quantity != 3 || !w.UpdatedAt.Equal(clk.Now()) {
		t.Errorf("GET after SetFormation = %+v", w)
	}
	if w := formationOf(t, h, "acme-perf")["web"]; w.Quantity != 20 || w.Size != "Performance-L" {
		t.Errorf("GET after SetFormation = %+v", w)
	}
	if app, _ := h.AppInfo(ctx, "acme-private"); !app.Maintenance {
		t.Error("GET after SetMaintenance: maintenance off")
	}
	for name, err := range map[string]error{
		"unknown app":     s.SetFormation("nope", "web", 1, ""),
		"unknown type":    s.SetFormation("acme-private", "release", 1, ""),
		"negative":        s.SetFormation("acme-private", "web", -1, ""),
		"unknown size":    s.SetFormation("acme-private", "web", 1, "Huge"),
		"maintenance app": s.SetMaintenance("nope", true),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, _, ok := s.AppState("nope"); ok {
		t.Error("AppState of an unknown app: ok")
	}
}

// TestFormationErrorsThroughHerokuGo checks every refusal: the real client
// reads status, id and message, and nothing changes, even when the bad
// update comes after good ones in a batch.
func TestFormationErrorsThroughHerokuGo(t *testing.T) {
	t.Parallel()
	s, h, _ := startFreeze(t)
	ctx := context.Background()
	cases := []struct {
		name, app string
		call      func(app string) error
		status    int
		id, msg   string
	}{
		{"unknown type, single", "acme-private", func(app string) error {
			_, err := h.FormationUpdate(ctx, app, "release", heroku.FormationUpdateOpts{Quantity: new(0)})
			return err
		}, 404, "not_found", "Couldn't find that process type (release)."},
		{"unknown type, last of a batch", "acme-private", func(app string) error {
			_, err := h.FormationBatchUpdate(ctx, app, batch(batchUpdate{Type: "web", Quantity: new(0)}, batchUpdate{Type: "worker", Quantity: new(0)}, batchUpdate{Type: "sidekiq", Quantity: new(0)}))
			return err
		}, 404, "not_found", "Couldn't find that process type (sidekiq)."},
		{"negative quantity", "acme-private", func(app string) error {
			_, err := h.FormationBatchUpdate(ctx, app, batch(batchUpdate{Type: "web", Quantity: new(0)}, batchUpdate{Type: "worker", Quantity: new(-1)}))
			return err
		}, 422, "invalid_params", "Quantity must be zero or more, not -1."},
		{"unknown size", "acme-perf", func(app string) error {
			_, err := h.FormationUpdate(ctx, app, "web", heroku.FormationUpdateOpts{Size: new("Standard-9X")})
			return err
		}, 422, "invalid_params", "No such size as Standard-9X. Available dyno sizes are Eco, Basic, Standard-1X, Standard-2X, Performance-M, Performance-L, Performance-L-RAM, Performance-XL and Performance-2XL."},
		{"private size outside a space", "acme-perf", func(app string) error {
			_, err := h.FormationUpdate(ctx, app, "web", heroku.FormationUpdateOpts{Size: new("Private-M")})
			return err
		}, 422, "invalid_params", "No such size as Private-M. Available dyno sizes are Eco, Basic, Standard-1X, Standard-2X, Performance-M, Performance-L, Performance-L-RAM, Performance-XL and Performance-2XL."},
		{"mixing Basic with Standard", "acme-perf", func(app string) error {
			_, err := h.FormationUpdate(ctx, app, "web", heroku.FormationUpdateOpts{Size: new("basic")})
			return err
		}, 422, "invalid_params", "Cannot use the following dyno types in the same app: Basic and Standard-1X"},
		{"mixing Eco with Standard, one type of three", "acme-eco", func(app string) error {
			_, err := h.FormationBatchUpdate(ctx, app, batch(batchUpdate{Type: "worker", Size: new("Standard-1X")}))
			return err
		}, 422, "invalid_params", "Cannot use the following dyno types in the same app: Eco and Standard-1X"},
		{"two Basic dynos of a type", "acme-basic", func(app string) error {
			_, err := h.FormationUpdate(ctx, app, "web", heroku.FormationUpdateOpts{Quantity: new(2)})
			return err
		}, 422, "invalid_params", "Cannot update to more than 1 Basic size dynos per process type."},
		{"two Eco dynos of a type", "acme-eco", func(app string) error {
			_, err := h.FormationUpdate(ctx, app, "web", heroku.FormationUpdateOpts{Quantity: new(2)})
			return err
		}, 422, "invalid_params", "Cannot update to more than 1 Eco size dynos per process type."},
		{"a third Eco dyno", "acme-eco", func(app string) error {
			_, err := h.FormationUpdate(ctx, app, "worker", heroku.FormationUpdateOpts{Quantity: new(1)})
			return err
		}, 422, "cannot_run_above_limit", "Cannot run more than 2 Eco size dynos."},
		{"eleven Performance dynos of a type", "acme-perf", func(app string) error {
			_, err := h.FormationUpdate(ctx, app, "web", heroku.FormationUpdateOpts{Quantity: new(11)})
			return err
		}, 422, "invalid_params", "Cannot update to more than 10 Performance-M size dynos per process type."},
		{"more than 100 dynos", "acme-perf", func(app string) error {
			_, err := h.FormationUpdate(ctx, app, "worker", heroku.FormationUpdateOpts{Quantity: new(99)})
			return err
		}, 422, "cannot_run_above_limit", "Cannot run more than 100 dynos."},
		{"unknown app", "no-such-app", func(app string) error {
			_, err := h.FormationUpdate(ctx, app, "web", heroku.FormationUpdateOpts{Quantity: new(0)})
			return err
		}, 404, "not_found", "Couldn't find that app."},
		{"maintenance of an unknown app", "no-such-app", func(app string) error {
			_, err := h.AppUpdate(ctx, app, heroku.AppUpdateOpts{Maintenance: new(true)})
			return err
		}, 404, "not_found", "Couldn't find that app."},
		{"renaming", "acme-private", func(app string) error {
			_, err := h.AppUpdate(ctx, app, heroku.AppUpdateOpts{Name: new("acme-renamed"), Maintenance: new(true)})
			return err
		}, 422, "invalid_params", "Updating name is not supported by this sandbox: only maintenance is."},
	}
	for _, c := range cases {
		_, before, _ := s.AppState(c.app)
		on, _, _ := s.AppState(c.app)
		e := herokuErr(t, c.call(c.app))
		if e.StatusCode != c.status || e.ID != c.id || e.Error() != c.msg {
			t.Errorf("%s: %d %s %q, want %d %s %q", c.name, e.StatusCode, e.ID, e.Error(), c.status, c.id, c.msg)
		}
		if c.id == "cannot_run_above_limit" && e.URL != scalingLimitsURL {
			t.Errorf("%s: url = %q", c.name, e.URL)
		}
		onAfter, after, _ := s.AppState(c.app)
		if on != onAfter || len(before) != len(after) {
			t.Errorf("%s: state changed", c.name)
		}
		for typ, st := range before {
			if after[typ] != st {
				t.Errorf("%s: %s changed from %v to %v", c.name, typ, st, after[typ])
			}
		}
	}

	// Scaling down is always allowed, even from above a limit (drift).
	if err := s.SetFormation("acme-perf", "web", 15, ""); err != nil {
		t.Fatal(err)
	}
	if f, err := h.FormationUpdate(ctx, "acme-perf", "web", heroku.FormationUpdateOpts{Quantity: new(12)}); err != nil || f.Quantity != 12 {
		t.Errorf("scaling down from above the limit = %+v, %v", f, err)
	}
	// Within the limits it works: Standard dynos have no limit per type,
	// a whole Eco app may change size together.
	if _, err := h.FormationUpdate(ctx, "acme-perf", "worker", heroku.FormationUpdateOpts{Quantity: new(80)}); err != nil {
		t.Errorf("80 Standard-1X dynos: %v", err)
	}
	if _, err := h.FormationBatchUpdate(ctx, "acme-eco", batch(
		batchUpdate{Type: "web", Size: new("Basic")}, batchUpdate{Type: "worker", Size: new("Basic")}, batchUpdate{Type: "clock", Size: new("Basic")},
	)); err != nil {
		t.Errorf("moving every type from Eco to Basic: %v", err)
	}
}

// TestMalformedPatchBodies sends bodies heroku-go never sends.
func TestMalformedPatchBodies(t *testing.T) {
	t.Parallel()
	s, base := Start(t, freezeFixture(), Options{})
	cases := []struct {
		path, body string
		status     int
		id         string
	}{
		{"/apps/acme-eco", `{"maintenance":`, 400, "bad_request"},
		{"/apps/acme-eco", `[true]`, 400, "bad_request"},
		{"/apps/acme-eco", `{"maintenance":"yes"}`, 422, "invalid_params"},
		{"/apps/acme-eco", `{"maintenance":null}`, 422, "invalid_params"},
		{"/apps/acme-eco", `{"build_stack":"heroku-22"}`, 422, "invalid_params"},
		{"/apps/acme-eco/formation", `{}`, 422, "invalid_params"},
		{"/apps/acme-eco/formation", `{"updates":{"type":"web"}}`, 422, "invalid_params"},
		{"/apps/acme-eco/formation", `{"updates":[{"quantity":0}]}`, 422, "invalid_params"},
		{"/apps/acme-eco/formation", `{"updates":[{"type":"web","quantity":0.5}]}`, 422, "invalid_params"},
		{"/apps/acme-eco/formation", `{"updates":[{"type":"web","command":"x"}]}`, 422, "invalid_params"},
		{"/apps/acme-eco/formation", `{"updates":[null]}`, 422, "invalid_params"},
		{"/apps/acme-eco/formation/web", `{"type":"worker"}`, 422, "invalid_params"},
		{"/apps/acme-eco/formation/web", `{"size":""}`, 422, "invalid_params"},
		{"/apps/acme-eco/formation/web/extra", `{}`, 404, "not_found"},
		{"/apps/acme-eco/domains", `{}`, 404, "not_found"},
		{"/account", `{}`, 404, "not_found"},
	}
	for _, c := range cases {
		r := patch(t, base, c.path, c.body)
		if r.status != c.status {
			t.Errorf("PATCH %s %s: %d %s, want %d", c.path, c.body, r.status, r.body, c.status)
			continue
		}
		wantError(t, r, c.status, c.id)
	}
	if on, f, _ := s.AppState("acme-eco"); on || f["web"] != (FormationState{1, "Eco"}) {
		t.Errorf("state changed: %v %v", on, f)
	}
	// An empty body is an empty object.
	if r := patch(t, base, "/apps/acme-eco/formation/web", ""); r.status != 200 {
		t.Errorf("empty body: %d %s", r.status, r.body)
	}
}

func TestUpdateFaults(t *testing.T) {
	t.Parallel()
	s, h, _ := startFreeze(t)
	ctx := context.Background()

	// The 2nd formation PATCH from now fails, batch and single counted
	// together; the 1st and the 3rd work.
	s.FailFormationUpdate(2, http.StatusServiceUnavailable)
	if _, err := h.FormationBatchUpdate(ctx, "acme-private", batch(batchUpdate{Type: "clock", Quantity: new(0)})); err != nil {
		t.Fatalf("1st: %v", err)
	}
	_, err := h.FormationUpdate(ctx, "acme-private", "worker", heroku.FormationUpdateOpts{Quantity: new(0)})
	if e := herokuErr(t, err); e.StatusCode != 503 || e.ID != "unavailable" {
		t.Errorf("2nd = %+v", e)
	}
	if _, f, _ := s.AppState("acme-private"); f["worker"].Quantity != 1 || f["clock"].Quantity != 0 {
		t.Errorf("after the injected failure: %v", f)
	}
	if _, err := h.FormationUpdate(ctx, "acme-private", "worker", heroku.FormationUpdateOpts{Quantity: new(0)}); err != nil {
		t.Errorf("3rd: %v", err)
	}

	// A 4xx, and cancelling.
	s.FailFormationUpdate(1, http.StatusUnprocessableEntity)
	_, err = h.FormationUpdate(ctx, "acme-private", "web", heroku.FormationUpdateOpts{Quantity: new(0)})
	if e := herokuErr(t, err); e.StatusCode != 422 || e.ID != "invalid_params" {
		t.Errorf("injected 422 = %+v", e)
	}
	s.FailFormationUpdate(1, 500)
	s.FailFormationUpdate(0, 500)
	if _, err := h.FormationUpdate(ctx, "acme-private", "web", heroku.FormationUpdateOpts{Quantity: new(0)}); err != nil {
		t.Errorf("after cancel: %v", err)
	}

	// Maintenance: the next app PATCH only; GETs do not consume it.
	s.FailNextMaintenance(http.StatusInternalServerError)
	if _, err := h.AppInfo(ctx, "acme-private"); err != nil {
		t.Fatal(err)
	}
	_, err = h.AppUpdate(ctx, "acme-private", heroku.AppUpdateOpts{Maintenance: new(true)})
	if e := herokuErr(t, err); e.StatusCode != 500 || e.ID != "internal_server_error" {
		t.Errorf("injected maintenance failure = %+v", e)
	}
	if on, _, _ := s.AppState("acme-private"); on {
		t.Error("the failed PATCH turned maintenance on")
	}
	if app, err := h.AppUpdate(ctx, "acme-private", heroku.AppUpdateOpts{Maintenance: new(true)}); err != nil || !app.Maintenance {
		t.Errorf("next AppUpdate = %v, %v", app, err)
	}
	s.FailNextMaintenance(409)
	s.FailNextMaintenance(0)
	if _, err := h.AppUpdate(ctx, "acme-private", heroku.AppUpdateOpts{Maintenance: new(false)}); err != nil {
		t.Errorf("after cancel: %v", err)
	}
	for _, st := range []int{401, 403, 404, 409, 418, 429, 502, 504} {
		s.FailNextMaintenance(st)
		_, err := h.AppUpdate(ctx, "acme-private", heroku.AppUpdateOpts{Maintenance: new(true)})
		if e := herokuErr(t, err); e.StatusCode != st || e.ID == "" || e.Error() == "" {
			t.Errorf("injected %d = %+v", st, e)
		}
	}

	// The request log has the PATCHes with their status, and no bodies
	// (Request has no body field at all).
	var patches []string
	for _, r := range s.Requests() {
		if r.Method == http.MethodPatch {
			patches = append(patches, r.Path+" "+http.StatusText(r.Status))
		}
	}
	if len(patches) != 16 || patches[1] != "/apps/acme-private/formation/worker Service Unavailable" || patches[0] != "/apps/acme-private/formation OK" {
		t.Errorf("PATCHes in the log = %q", patches)
	}
}

// TestSetConfigVar: a config var set behind the API's back is what the real
// client reads from then on, over the fixture's (a new one too), for that
// app only, with no request or token spent; bad input is refused without
// the value in the error.
func TestSetConfigVar(t *testing.T) {
	t.Parallel()
	s, h, _ := startFreeze(t)
	ctx := context.Background()
	before := s.RateLimitRemaining()
	const value = "postgres://owner:s3cret-canary@127.0.0.1:5432/app"
	if err := s.SetConfigVar("acme-private", "DATABASE_URL", value); err != nil {
		t.Fatal(err)
	}
	if s.RateLimitRemaining() != before || len(s.Requests()) != 0 {
		t.Error("SetConfigVar made a request or spent a token")
	}
	vars, err := h.ConfigVarInfoForApp(ctx, "acme-private")
	if err != nil {
		t.Fatal(err)
	}
	if v := vars["DATABASE_URL"]; v == nil || *v != value {
		t.Errorf("DATABASE_URL after SetConfigVar = %v", v)
	}
	others, err := h.ConfigVarInfoForApp(ctx, "acme-perf")
	if err != nil {
		t.Fatal(err)
	}
	if v := others["DATABASE_URL"]; v != nil && *v == value {
		t.Error("SetConfigVar changed another app")
	}
	for name, err := range map[string]error{
		"unknown app": s.SetConfigVar("nope", "DATABASE_URL", value),
		"bad name":    s.SetConfigVar("acme-private", "DATABASE-URL", value),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		} else if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: the error quotes the value: %v", name, err)
		}
	}
}
