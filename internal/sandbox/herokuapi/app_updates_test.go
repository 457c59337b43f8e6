package herokuapi

import (
	"context"
	"errors"
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
