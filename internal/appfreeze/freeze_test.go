package appfreeze_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	herokugo "github.com/heroku/heroku-go/v5"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/appfreeze"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

const apiKey = "appfreeze-test-key"

func fixture() *herokuapi.Fixture {
	return &herokuapi.Fixture{
		APIKey: apiKey,
		Teams:  []herokuapi.Team{{Name: "acme"}},
		Apps: []herokuapi.App{{
			Name: "shop",
			Formation: []herokuapi.Process{
				{Type: "web", Command: "npm start", Quantity: 2, Size: "Standard-2X"},
				{Type: "worker", Command: "node worker.js", Quantity: 3, Size: "Standard-1X"},
				{Type: "clock", Command: "node clock.js", Quantity: 1, Size: "Standard-1X"},
				{Type: "urgent", Command: "node urgent.js", Quantity: 2, Size: "Standard-2X"},
			},
			Addons: []herokuapi.Addon{{Name: "scheduler-spherical-11111", Plan: "scheduler:standard"}},
		}, {
			Name: "private", Team: "acme", Space: "acme-space",
			Formation: []herokuapi.Process{
				{Type: "web", Command: "npm start", Quantity: 1, Size: "Private-M"},
				{Type: "worker", Command: "node worker.js", Quantity: 1, Size: "Private-M"},
			},
		}},
	}
}

type env struct {
	srv   *herokuapi.Server
	c     *heroku.Client
	clk   *clock.Fake
	e     *appfreeze.Engine
	saves []appfreeze.Record
}

func start(t *testing.T, cfg heroku.Config) *env {
	t.Helper()
	srv, url := herokuapi.Start(t, fixture(), herokuapi.Options{})
	cfg.APIKey, cfg.APIURL = apiKey, url
	if cfg.Clock == nil {
		cfg.Clock = clock.NewFake()
	}
	c := heroku.New(cfg)
	clk := clock.NewFake()
	return &env{srv: srv, c: c, clk: clk, e: &appfreeze.Engine{Heroku: c, Clock: clk}}
}

func (v *env) save(r appfreeze.Record) { v.saves = append(v.saves, r) }

func (v *env) state(t *testing.T) (bool, map[string]herokuapi.FormationState) {
	t.Helper()
	m, f, ok := v.srv.AppState("shop")
	if !ok {
		t.Fatal("no app shop")
	}
	return m, f
}

// patches lists the PATCH requests as "path status" from index from on.
func (v *env) patches(from int) []string {
	var out []string
	for _, r := range v.srv.Requests()[from:] {
		if r.Method == http.MethodPatch {
			out = append(out, strings.TrimPrefix(r.Path, "/apps/shop")+" "+http.StatusText(r.Status))
		}
	}
	return out
}

var original = map[string]herokuapi.FormationState{
	"web":    {Quantity: 2, Size: "Standard-2X"},
	"worker": {Quantity: 3, Size: "Standard-1X"},
	"clock":  {Quantity: 1, Size: "Standard-1X"},
	"urgent": {Quantity: 2, Size: "Standard-2X"},
}

func checkFormation(t *testing.T, got, want map[string]herokuapi.FormationState) {
	t.Helper()
	for typ, w := range want {
		if got[typ] != w {
			t.Errorf("%s = %+v, want %+v", typ, got[typ], w)
		}
	}
}

func TestFreezeUnfreezeRoundTrip(t *testing.T) {
	t.Parallel()
	v := start(t, heroku.Config{})
	ctx := context.Background()
	spec := appfreeze.Spec{App: "shop", Maintenance: true, ProcessTypes: []string{"worker", "web", "clock"}, DrainWait: 30 * time.Second}
	var rec appfreeze.Record
	if err := v.e.Freeze(ctx, spec, &rec, v.save); err != nil {
		t.Fatal(err)
	}
	// The order: maintenance, the non-web types in order, the wait, web.
	want := []string{" OK", "/formation/worker OK", "/formation/clock OK", "/formation/web OK"}
	if got := v.patches(0); !slices.Equal(got, want) {
		t.Errorf("PATCHes = %q, want %q", got, want)
	}
	if s := v.clk.Sleeps(); len(s) != 1 || s[0] != 30*time.Second {
		t.Errorf("sleeps = %v, want one of 30s", s)
	}
	m, f := v.state(t)
	if !m {
		t.Error("maintenance is off")
	}
	checkFormation(t, f, map[string]herokuapi.FormationState{
		"web": fs(0, "Standard-2X"), "worker": fs(0, "Standard-1X"), "clock": fs(0, "Standard-1X"),
		"urgent": original["urgent"], // never touched
	})
	wantRec := []appfreeze.ProcessPrior{{"worker", 3, "Standard-1X"}, {"clock", 1, "Standard-1X"}, {"web", 2, "Standard-2X"}}
	if !slices.Equal(rec.Processes, wantRec) || rec.Maintenance == nil || *rec.Maintenance || rec.Generation != 1 || rec.FrozenAt.IsZero() || rec.Database != nil {
		t.Errorf("rec = %+v", rec)
	}
	// One save after each step, and one at the end.
	if len(v.saves) != 5 {
		t.Errorf("%d saves, want 5", len(v.saves))
	}
	if d, err := v.e.Observe(ctx, spec, rec); err != nil || d.Drifted() {
		t.Errorf("Observe = %+v, %v", d, err)
	}

	// Someone resizes a frozen type meanwhile: Unfreeze restores the size too.
	if err := v.srv.SetFormation("shop", "worker", 0, "Standard-2X"); err != nil {
		t.Fatal(err)
	}
	n := len(v.srv.Requests())
	v.saves = nil
	if err := v.e.Unfreeze(ctx, spec, &rec, v.save); err != nil {
		t.Fatal(err)
	}
	want = []string{"/formation/web OK", "/formation/clock OK", "/formation/worker OK", " OK"}
	if got := v.patches(n); !slices.Equal(got, want) {
		t.Errorf("Unfreeze PATCHes = %q, want %q", got, want)
	}
	m, f = v.state(t)
	if m {
		t.Error("maintenance is still on")
	}
	checkFormation(t, f, original)
	if rec.Frozen() || len(rec.Processes) != 0 || rec.Generation != 1 || !rec.FrozenAt.IsZero() {
		t.Errorf("rec after Unfreeze = %+v", rec)
	}
	if len(v.saves) != 5 {
		t.Errorf("%d saves, want 5", len(v.saves))
	}
}

// nil process types: every type but web and release, sorted by name;
// maintenance already on is neither recorded nor lifted.
func TestFreezeDefaultsAndNoOps(t *testing.T) {
	t.Parallel()
	v := start(t, heroku.Config{})
	ctx := context.Background()
	if err := v.srv.SetMaintenance("shop", true); err != nil {
		t.Fatal(err)
	}
	if err := v.srv.SetFormation("shop", "urgent", 0, "Standard-2X"); err != nil {
		t.Fatal(err)
	}
	spec := appfreeze.Spec{App: "shop", Maintenance: true}
	var rec appfreeze.Record
	if err := v.e.Freeze(ctx, spec, &rec, v.save); err != nil {
		t.Fatal(err)
	}
	want := []string{"/formation/clock OK", "/formation/worker OK"}
	if got := v.patches(0); !slices.Equal(got, want) {
		t.Errorf("PATCHes = %q, want %q", got, want)
	}
	if rec.Maintenance != nil || len(rec.Processes) != 2 {
		t.Errorf("rec = %+v", rec)
	}
	if err := v.e.Unfreeze(ctx, spec, &rec, v.save); err != nil {
		t.Fatal(err)
	}
	m, f := v.state(t)
	if !m || f["urgent"].Quantity != 0 || f["web"] != original["web"] || f["worker"] != original["worker"] || f["clock"] != original["clock"] {
		t.Errorf("after Unfreeze: maintenance %v, formation %+v", m, f)
	}
	// Nothing scaled (everything already at zero): no drain wait.
	v.clk = clock.NewFake()
	v.e.Clock = v.clk
	noop := appfreeze.Spec{App: "shop", ProcessTypes: []string{"urgent"}, DrainWait: time.Minute}
	rec = appfreeze.Record{}
	if err := v.e.Freeze(ctx, noop, &rec, nil); err != nil {
		t.Fatal(err)
	}
	if len(v.clk.Sleeps()) != 0 || rec.Frozen() {
		t.Errorf("sleeps %v, rec %+v", v.clk.Sleeps(), rec)
	}
}

// The 2nd of 3 formation updates fails. A definite refusal (422) leaves
// the record with what changed; an ambiguous failure (500, no retries)
// keeps the entry. Both a re-Freeze and an Unfreeze converge.
func TestFreezeHalfWay(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		status    int
		wantTypes []string
	}{
		{"refused", http.StatusUnprocessableEntity, []string{"worker"}},
		{"ambiguous", http.StatusInternalServerError, []string{"worker", "clock"}},
	} {
		for _, then := range []string{"refreeze", "unfreeze"} {
			t.Run(tc.name+"/"+then, func(t *testing.T) {
				t.Parallel()
				v := start(t, heroku.Config{Retry: heroku.Retry{MaxAttempts: 1}})
				ctx := context.Background()
				spec := appfreeze.Spec{App: "shop", Maintenance: true, ProcessTypes: []string{"worker", "clock", "web"}, DrainWait: 30 * time.Second}
				var rec appfreeze.Record
				v.srv.FailFormationUpdate(2, tc.status)
				err := v.e.Freeze(ctx, spec, &rec, v.save)
				var apiErr *heroku.APIError
				if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status || !strings.Contains(err.Error(), "clock") {
					t.Fatalf("err = %v", err)
				}
				var types []string
				for _, p := range rec.Processes {
					types = append(types, p.Type)
				}
				if !slices.Equal(types, tc.wantTypes) || rec.Maintenance == nil || rec.Generation != 0 {
					t.Errorf("rec = %+v, want types %v", rec, tc.wantTypes)
				}
				// The last save is the record as returned.
				if last := v.saves[len(v.saves)-1]; len(last.Processes) != len(rec.Processes) {
					t.Errorf("last save %+v, rec %+v", last, rec)
				}
				_, f := v.state(t)
				checkFormation(t, f, map[string]herokuapi.FormationState{"worker": fs(0, "Standard-1X"), "clock": original["clock"], "web": original["web"]})

				switch then {
				case "refreeze":
					if err := v.e.Freeze(ctx, spec, &rec, v.save); err != nil {
						t.Fatal(err)
					}
					_, f = v.state(t)
					for _, typ := range []string{"worker", "clock", "web"} {
						if f[typ].Quantity != 0 {
							t.Errorf("%s = %+v after re-Freeze", typ, f[typ])
						}
					}
					want := []appfreeze.ProcessPrior{{"worker", 3, "Standard-1X"}, {"clock", 1, "Standard-1X"}, {"web", 2, "Standard-2X"}}
					if !slices.Equal(rec.Processes, want) || rec.Generation != 1 {
						t.Errorf("rec = %+v", rec)
					}
					if err := v.e.Unfreeze(ctx, spec, &rec, v.save); err != nil {
						t.Fatal(err)
					}
				case "unfreeze":
					if err := v.e.Unfreeze(ctx, spec, &rec, v.save); err != nil {
						t.Fatal(err)
					}
				}
				m, f := v.state(t)
				if m || rec.Frozen() {
					t.Errorf("maintenance %v, rec %+v", m, rec)
				}
				checkFormation(t, f, original)
			})
		}
	}
}

// Maintenance mode refused: nothing is recorded and no type is scaled.
func TestFreezeMaintenanceRefused(t *testing.T) {
	t.Parallel()
	v := start(t, heroku.Config{})
	v.srv.FailNextMaintenance(http.StatusForbidden)
	var rec appfreeze.Record
	err := v.e.Freeze(context.Background(), appfreeze.Spec{App: "shop", Maintenance: true}, &rec, v.save)
	if err == nil || rec.Frozen() || len(v.saves) != 1 {
		t.Errorf("err %v, rec %+v, %d saves", err, rec, len(v.saves))
	}
	if got := v.patches(0); len(got) != 1 {
		t.Errorf("PATCHes = %q", got)
	}
}

// Drift: maintenance turned off, a frozen type scaled up, another resized.
// A re-Freeze puts the frozen values back and keeps the recorded priors.
func TestObserveDriftAndRefreeze(t *testing.T) {
	t.Parallel()
	v := start(t, heroku.Config{})
	ctx := context.Background()
	spec := appfreeze.Spec{App: "shop", Maintenance: true, ProcessTypes: []string{"worker", "clock"}}
	var rec appfreeze.Record
	if err := v.e.Freeze(ctx, spec, &rec, nil); err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		v.srv.SetMaintenance("shop", false),
		v.srv.SetFormation("shop", "worker", 2, "Standard-1X"),
		v.srv.SetFormation("shop", "clock", 0, "Standard-2X"),
		v.srv.SetFormation("shop", "urgent", 5, "Standard-2X"), // not frozen: no drift
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	d, err := v.e.Observe(ctx, spec, rec)
	if err != nil {
		t.Fatal(err)
	}
	want := []appfreeze.ProcessPrior{{"worker", 2, "Standard-1X"}, {"clock", 0, "Standard-2X"}}
	if !d.MaintenanceOff || !slices.Equal(d.Processes, want) || d.DatabaseWritable || !d.Drifted() {
		t.Errorf("drift = %+v", d)
	}
	if err := v.e.Freeze(ctx, spec, &rec, nil); err != nil {
		t.Fatal(err)
	}
	if d, err := v.e.Observe(ctx, spec, rec); err != nil || d.Drifted() {
		t.Errorf("after re-Freeze: drift %+v, %v", d, err)
	}
	m, f := v.state(t)
	if !m || f["worker"] != fs(0, "Standard-1X") || f["clock"] != fs(0, "Standard-1X") {
		t.Errorf("maintenance %v, formation %+v", m, f)
	}
	wantRec := []appfreeze.ProcessPrior{{"worker", 3, "Standard-1X"}, {"clock", 1, "Standard-1X"}}
	if !slices.Equal(rec.Processes, wantRec) || rec.Generation != 2 || rec.Maintenance == nil {
		t.Errorf("rec = %+v", rec)
	}
	// A type dropped from the list is restored by the next Freeze.
	spec.ProcessTypes = []string{"clock"}
	if err := v.e.Freeze(ctx, spec, &rec, nil); err != nil {
		t.Fatal(err)
	}
	if _, f := v.state(t); f["worker"] != original["worker"] || len(rec.Processes) != 1 {
		t.Errorf("worker = %+v, rec %+v", f["worker"], rec)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	v := start(t, heroku.Config{})
	ctx := context.Background()
	load := func(name string) (*appfreezeInputs, error) {
		app, err := v.c.App(ctx, name)
		if err != nil {
			return nil, err
		}
		f, err := v.c.Formation(ctx, name)
		if err != nil {
			return nil, err
		}
		a, err := v.c.AddOns(ctx, name)
		if err != nil {
			return nil, err
		}
		return &appfreezeInputs{app, f, a}, nil
	}
	shop, err := load("shop")
	if err != nil {
		t.Fatal(err)
	}
	private, err := load("private")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		in   *appfreezeInputs
		spec appfreeze.Spec
		want []string // "E attr summary" or "W attr summary"
	}{
		{"unknown type", private, appfreeze.Spec{App: "private", Maintenance: true, ProcessTypes: []string{"sidekiq"}},
			[]string{"E process_types Unknown Process Type"}},
		{"release listed", private, appfreeze.Spec{App: "private", Maintenance: true, ProcessTypes: []string{"release"}},
			[]string{"E process_types Release Phase Listed"}},
		{"web in a private space", private, appfreeze.Spec{App: "private", Maintenance: true, ProcessTypes: []string{"worker", "web"}},
			[]string{"W process_types Web Scaled Down In A Private Space"}},
		{"scheduler", shop, appfreeze.Spec{App: "shop", Maintenance: true},
			[]string{"W  Heroku Scheduler Keeps Running"}},
		{"nothing to change", private, appfreeze.Spec{App: "private", ProcessTypes: []string{}},
			[]string{"E maintenance Freeze Changes Nothing"}},
		{"nothing to change: only web and release", private, appfreeze.Spec{App: "private", ProcessTypes: nil},
			nil}, // nil: worker is scaled
		{"clean", private, appfreeze.Spec{App: "private", Maintenance: true, ProcessTypes: []string{"worker"}, DrainWait: time.Second}, nil},
		{"negative wait and duplicate", private, appfreeze.Spec{App: "private", Maintenance: true, ProcessTypes: []string{"worker", "worker"}, DrainWait: -time.Second},
			[]string{"E process_types Duplicate Process Type", "E drain_wait Negative Drain Wait"}},
		{"bad database url", private, appfreeze.Spec{App: "private", Maintenance: true, Database: &appfreeze.Database{URL: "mysql://u:Secret-Canary-1@h/db"}},
			[]string{"E database Invalid Database URL"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, p := range appfreeze.Validate(tc.spec, tc.in.app, tc.in.formation, tc.in.addons) {
				kind := "E"
				if p.Warning {
					kind = "W"
				}
				got = append(got, kind+" "+p.Attribute+" "+p.Summary)
				if strings.Contains(p.Detail, "Secret-Canary") {
					t.Errorf("the URL's password is in %q", p.Detail)
				}
				if p.Summary == "Heroku Scheduler Keeps Running" && !strings.Contains(p.Detail, "heroku addons:open scheduler -a shop") {
					t.Errorf("detail = %q", p.Detail)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("findings = %q, want %q", got, tc.want)
			}
		})
	}
	// Freeze refuses what Validate reports as an error before any call.
	var rec appfreeze.Record
	err = v.e.Freeze(ctx, appfreeze.Spec{App: "shop", Maintenance: true, ProcessTypes: []string{"release"}}, &rec, nil)
	if err == nil || !strings.Contains(err.Error(), "release phase") {
		t.Errorf("err = %v", err)
	}
}

type appfreezeInputs struct {
	app       *herokugo.App
	formation []herokugo.Formation
	addons    []herokugo.AddOn
}

func fs(quantity int, size string) herokuapi.FormationState {
	return herokuapi.FormationState{Quantity: quantity, Size: size}
}
