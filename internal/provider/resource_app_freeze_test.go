package provider

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

// The freeze's acceptance tests: the lifecycle (freeze, drift, rollback,
// freeze again, destroy), import, and the plan-time warnings. The
// database freeze and the real-CLI run are in
// resource_app_freeze_database_test.go, the half-way failures in
// resource_app_freeze_fail_test.go.

const freezeRes = "heroku2aws_app_freeze.shop"

// freezeFixture is an app with four process types of mixed sizes, an app
// in a Private Space and an app with Heroku Scheduler.
func freezeFixture() *herokuapi.Fixture {
	return &herokuapi.Fixture{Apps: []herokuapi.App{
		{Name: "shop", Formation: []herokuapi.Process{
			{Type: "web", Command: "npm start", Quantity: 2, Size: "Standard-2X"},
			{Type: "worker", Command: "node worker.js", Quantity: 3, Size: "Standard-1X"},
			{Type: "clock", Command: "node clock.js", Quantity: 1, Size: "Standard-1X"},
			{Type: "mailer", Command: "node mailer.js", Quantity: 2, Size: "Performance-M"},
		}},
		{Name: "spacey", Space: "acme-space", Formation: []herokuapi.Process{
			{Type: "web", Command: "npm start", Quantity: 2, Size: "Private-M"},
			{Type: "worker", Command: "node worker.js", Quantity: 1, Size: "Private-M"},
		}},
		{Name: "cron", Formation: []herokuapi.Process{
			{Type: "web", Command: "npm start", Quantity: 1, Size: "Standard-1X"},
		}, Addons: []herokuapi.Addon{{Name: "scheduler-shaped-4242", Plan: "scheduler:standard"}}},
	}}
}

// shopInitial is the formation of shop before any freeze.
var shopInitial = map[string]herokuapi.FormationState{
	"web":    {Quantity: 2, Size: "Standard-2X"},
	"worker": {Quantity: 3, Size: "Standard-1X"},
	"clock":  {Quantity: 1, Size: "Standard-1X"},
	"mailer": {Quantity: 2, Size: "Performance-M"},
}

// freezeConfig is heroku2aws_app_freeze.shop with these arguments.
func freezeConfig(url, body string) string {
	return providerBlock(url, testAPIKey) + `
resource "heroku2aws_app_freeze" "shop" {
  app        = "shop"
  drain_wait = "0s"
` + body + `
}
`
}

// expectApp checks an app's live maintenance flag and formation: want
// holds every process type, exactly.
func expectApp(srv *herokuapi.Server, app string, maintenance bool, want map[string]herokugoState) func(*terraform.State) error {
	return func(*terraform.State) error {
		m, formation, ok := srv.AppState(app)
		if !ok {
			return fmt.Errorf("the sandbox has no app %s", app)
		}
		var errs []string
		if m != maintenance {
			errs = append(errs, fmt.Sprintf("maintenance is %v, want %v", m, maintenance))
		}
		for _, typ := range slices.Sorted(maps.Keys(want)) {
			if got := formation[typ]; got != want[typ] {
				errs = append(errs, fmt.Sprintf("%s is %d × %s, want %d × %s", typ, got.Quantity, got.Size, want[typ].Quantity, want[typ].Size))
			}
		}
		if len(formation) != len(want) {
			errs = append(errs, fmt.Sprintf("the formation has %d types, want %d", len(formation), len(want)))
		}
		if len(errs) > 0 {
			return fmt.Errorf("app %s: %s", app, strings.Join(errs, "; "))
		}
		return nil
	}
}

type herokugoState = herokuapi.FormationState

// with returns base with some types changed.
func with(base map[string]herokugoState, changes map[string]herokugoState) map[string]herokugoState {
	out := maps.Clone(base)
	maps.Copy(out, changes)
	return out
}

var zeroAs = func(size string) herokugoState { return herokugoState{Quantity: 0, Size: size} }

func priorFormation(entries ...[3]any) knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(entries))
	for _, e := range entries {
		checks = append(checks, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"type":     knownvalue.StringExact(e[0].(string)),
			"quantity": knownvalue.Int64Exact(int64(e[1].(int))),
			"size":     knownvalue.StringExact(e[2].(string)),
		}))
	}
	return knownvalue.ListExact(checks)
}

func attrIs(path string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(freezeRes, tfjsonpath.New(path), v)
}

func plannedIs(path string, v knownvalue.Check) plancheck.PlanCheck {
	return plancheck.ExpectKnownValue(freezeRes, tfjsonpath.New(path), v)
}

// Freeze, drift during the window, rollback, freeze again, destroy: every
// step checked against the sandbox, the rollback exact to quantity and
// size, and the type the freeze was not asked to change never touched.
func TestAccAppFreeze_lifecycle(t *testing.T) {
	srv, url := startSandbox(t, freezeFixture(), herokuapi.Options{})
	frozen := with(shopInitial, map[string]herokugoState{"worker": zeroAs("Standard-1X"), "clock": zeroAs("Standard-1X"), "mailer": zeroAs("Performance-M")})
	config := func(enabled bool) string {
		return freezeConfig(url, fmt.Sprintf(`  enabled       = %v
  process_types = ["worker", "clock", "mailer"]`, enabled))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		CheckDestroy:             expectApp(srv, "shop", false, shopInitial),
		Steps: []resource.TestStep{
			{
				Config: config(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(freezeRes, plancheck.ResourceActionCreate),
					plannedIs("generation", knownvalue.Int64Exact(1)),
					plannedIs("in_effect", knownvalue.Bool(true)),
					plannedIs("id", knownvalue.NotNull()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(expectApp(srv, "shop", true, frozen)),
					attrIs("in_effect", knownvalue.Bool(true)),
					attrIs("generation", knownvalue.Int64Exact(1)),
					attrIs("prior_maintenance", knownvalue.Bool(false)),
					attrIs("prior_formation", priorFormation([3]any{"worker", 3, "Standard-1X"}, [3]any{"clock", 1, "Standard-1X"},
						[3]any{"mailer", 2, "Performance-M"})),
					attrIs("frozen_at", knownvalue.NotNull()),
					attrIs("database_frozen", knownvalue.Bool(false)),
					attrIs("prior_database", knownvalue.Null()),
				},
			},
			{
				// Someone scales a worker up and resizes it during the window.
				PreConfig: func() {
					must(t, srv.SetFormation("shop", "worker", 2, "Standard-2X"))
				},
				Config: config(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(freezeRes, plancheck.ResourceActionUpdate),
					plannedIs("in_effect", knownvalue.Bool(true)),
					plannedIs("generation", knownvalue.Int64Exact(1)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(expectApp(srv, "shop", true, frozen)),
					attrIs("generation", knownvalue.Int64Exact(1)),
					// The prior stays the one from before the window.
					attrIs("prior_formation", priorFormation([3]any{"worker", 3, "Standard-1X"}, [3]any{"clock", 1, "Standard-1X"},
						[3]any{"mailer", 2, "Performance-M"})),
				},
			},
			{
				// Maintenance turned off by hand: drift too.
				PreConfig: func() { must(t, srv.SetMaintenance("shop", false)) },
				Config:    config(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(freezeRes, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{sandboxCheck(expectApp(srv, "shop", true, frozen))},
			},
			{
				// The rollback.
				Config: config(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(freezeRes, plancheck.ResourceActionUpdate),
					plannedIs("in_effect", knownvalue.Bool(false)),
					plannedIs("generation", knownvalue.Int64Exact(1)),
					plannedIs("prior_formation", knownvalue.ListExact(nil)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(expectApp(srv, "shop", false, shopInitial)),
					attrIs("in_effect", knownvalue.Bool(false)),
					attrIs("frozen_at", knownvalue.Null()),
					attrIs("prior_maintenance", knownvalue.Null()),
					attrIs("generation", knownvalue.Int64Exact(1)),
				},
			},
			{
				// Frozen again: a new generation, so the final copy runs again.
				Config: config(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plannedIs("generation", knownvalue.Int64Exact(2)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(expectApp(srv, "shop", true, frozen)),
					attrIs("generation", knownvalue.Int64Exact(2)),
				},
			},
		},
	})
}

// The default process types are every type but web and release; with
// maintenance = false only they change. Import adopts the app unfrozen.
func TestAccAppFreeze_defaultsAndImport(t *testing.T) {
	srv, url := startSandbox(t, freezeFixture(), herokuapi.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		CheckDestroy:             expectApp(srv, "shop", false, shopInitial),
		Steps: []resource.TestStep{
			{
				Config: freezeConfig(url, `  enabled = false`),
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(expectApp(srv, "shop", false, shopInitial)),
					attrIs("in_effect", knownvalue.Bool(false)),
					attrIs("generation", knownvalue.Int64Exact(0)),
					attrIs("prior_formation", knownvalue.ListExact(nil)),
				},
			},
			{
				ResourceName:            freezeRes,
				ImportState:             true,
				ImportStateId:           "shop",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"drain_wait"},
			},
			{
				Config: freezeConfig(url, `  maintenance = false`),
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(expectApp(srv, "shop", false, with(shopInitial, map[string]herokugoState{
						"worker": zeroAs("Standard-1X"), "clock": zeroAs("Standard-1X"), "mailer": zeroAs("Performance-M"),
					}))),
					// Sorted by name.
					attrIs("prior_formation", priorFormation([3]any{"clock", 1, "Standard-1X"}, [3]any{"mailer", 2, "Performance-M"},
						[3]any{"worker", 3, "Standard-1X"})),
					attrIs("prior_maintenance", knownvalue.Null()),
				},
			},
		},
	})
}

// The plan warns, without changing anything at Heroku, about web listed in
// a Private Space (the maintenance page breaks) and about Heroku
// Scheduler (its jobs keep running), with the manual step.
func TestAccAppFreeze_planWarnings(t *testing.T) {
	srv, url := startSandbox(t, freezeFixture(), herokuapi.Options{})
	w := newCLIWorkspace(t, `
resource "heroku2aws_app_freeze" "spacey" {
  app           = "spacey"
  process_types = ["worker", "web"]
}
resource "heroku2aws_app_freeze" "cron" {
  app = "cron"
}
`, map[string]string{"HEROKU_API_URL": url, "HEROKU_API_KEY": testAPIKey})
	out := w.mustRun("plan")
	flat := strings.Join(strings.Fields(strings.ReplaceAll(out, "│", " ")), " ")
	for _, want := range []string{
		"Warning: Web Scaled Down In A Private Space",
		"with heroku2aws_app_freeze.spacey",
		"Warning: Heroku Scheduler Keeps Running",
		"with heroku2aws_app_freeze.cron",
		"heroku addons:open scheduler -a cron",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the plan does not say %q:\n%s", want, out)
		}
	}
	for _, r := range srv.Requests() {
		if r.Method != "GET" {
			t.Errorf("the plan changed Heroku: %s %s", r.Method, r.Path)
		}
	}
}

// A database block whose arguments come from values known only at apply
// (module variables under `terraform validate`, say) is not judged until
// they are known.
func TestValidateFreezeDatabaseUnknown(t *testing.T) {
	t.Parallel()
	var diags diag.Diagnostics
	validateFreezeDatabase(&appFreezeDatabaseModel{
		URLWO:        types.StringUnknown(),
		URLWOVersion: types.Int64Unknown(),
		Attachment:   types.StringValue("DATABASE"),
	}, &diags)
	if diags.HasError() {
		t.Fatalf("unknown url_wo judged as set: %v", diags)
	}
	validateFreezeDatabase(&appFreezeDatabaseModel{
		URLWO:        types.StringValue("postgres://u:p@h/db"),
		URLWOVersion: types.Int64Value(1),
		Attachment:   types.StringValue("DATABASE"),
	}, &diags)
	if !diags.HasError() || diags[0].Summary() != "Conflicting Database Arguments" {
		t.Fatalf("both set: %v", diags)
	}
}
