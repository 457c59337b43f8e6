package provider

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

// Fault matrix rows of heroku2aws_app_freeze: a formation update failing
// half-way, the maintenance PATCH failing past the retry budget, a 429
// burst during the freeze, and SIGINT during the drain wait (the table
// and runner are in fault_matrix_test.go). Each proves that the state
// recorded what was changed, that the re-apply converges to the frozen
// app, and, for the rollback rows, that the app comes back exactly.

// fmFreezeTypes are the types the rows freeze: the 2nd of 3 is clock.
const fmFreezeTypes = `process_types = ["worker", "clock", "mailer"]`

var fmFrozenShop = with(shopInitial, map[string]herokugoState{
	"worker": zeroAs("Standard-1X"), "clock": zeroAs("Standard-1X"), "mailer": zeroAs("Performance-M"),
})

// fmFreezeCase is a freeze of shop on its own sandbox; hook, when set,
// sees every request the provider's Heroku client sends.
func fmFreezeCase(t *testing.T, hook func(*http.Request)) (*herokuapi.Server, string, fmCase) {
	srv, url := startSandbox(t, freezeFixture(), herokuapi.Options{})
	var tweak func(*heroku.Config)
	if hook != nil {
		tweak = func(c *heroku.Config) { c.HTTPClient = &http.Client{Transport: hookTransport(hook)} }
	}
	return srv, url, fmCase{
		factories: fmFactories(tweak, nil),
		config:    freezeConfig(url, "  "+fmFreezeTypes),
		verify: []statecheck.StateCheck{
			sandboxCheck(expectApp(srv, "shop", true, fmFrozenShop)),
			attrIs("in_effect", knownvalue.Bool(true)),
			attrIs("prior_formation", priorFormation([3]any{"worker", 3, "Standard-1X"}, [3]any{"clock", 1, "Standard-1X"},
				[3]any{"mailer", 2, "Performance-M"})),
		},
	}
}

// hookTransport calls hook before sending each request.
type hookTransport func(*http.Request)

func (h hookTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	h(r)
	return http.DefaultTransport.RoundTrip(r)
}

// fmRolledBack is the rollback's configuration and its exact checks.
func fmRolledBack(srv *herokuapi.Server, url string, c *fmCase) {
	c.config2 = freezeConfig(url, "  enabled = false\n  "+fmFreezeTypes)
	c.verify = nil
	c.extra = []statecheck.StateCheck{
		sandboxCheck(expectApp(srv, "shop", false, shopInitial)),
		attrIs("prior_formation", knownvalue.ListExact(nil)),
		attrIs("prior_maintenance", knownvalue.Null()),
	}
}

// fmHalfWay is the state after the 2nd of 3 formation updates failed:
// maintenance on and worker at 0, both recorded; clock and mailer as
// before and not recorded.
func fmHalfWay(srv *herokuapi.Server) func() error {
	return func() error {
		if n := fmHerokuCount(srv, func(r herokuapi.Request) bool { return r.Method == "PATCH" && r.Status == 422 }); n != 1 {
			return fmt.Errorf("%d formation updates were refused, want 1", n)
		}
		return expectApp(srv, "shop", true, with(shopInitial, map[string]herokugoState{"worker": zeroAs("Standard-1X")}))(nil)
	}
}

// fmRecorded checks, on the re-apply's plan, what the failed apply
// recorded in the state.
func fmRecorded(types ...string) plancheck.PlanCheck { return recordedTypes(types) }

type recordedTypes []string

func (want recordedTypes) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	if req.Plan.PriorState == nil || req.Plan.PriorState.Values == nil {
		resp.Error = fmt.Errorf("the plan has no prior state")
		return
	}
	for _, r := range req.Plan.PriorState.Values.RootModule.Resources {
		if r.Address != freezeRes {
			continue
		}
		var got []string
		list, _ := r.AttributeValues["prior_formation"].([]any)
		for _, e := range list {
			obj, _ := e.(map[string]any)
			typ, _ := obj["type"].(string)
			got = append(got, typ)
		}
		if !slices.Equal(got, []string(want)) {
			resp.Error = fmt.Errorf("the failed apply recorded %v, want %v", got, []string(want))
		}
		if r.AttributeValues["prior_maintenance"] != false {
			resp.Error = fmt.Errorf("the failed apply recorded prior_maintenance %v, want false", r.AttributeValues["prior_maintenance"])
		}
		return
	}
	resp.Error = fmt.Errorf("the prior state has no %s", freezeRes)
}

func fmFreezeRows() []fmRow {
	halfWay := func(rollback bool) func(t *testing.T, row fmRow) {
		return func(t *testing.T, row fmRow) {
			srv, url, c := fmFreezeCase(t, nil)
			c.inject = func() { srv.FailFormationUpdate(2, http.StatusUnprocessableEntity) }
			c.fired = fmHalfWay(srv)
			c.afterFault = []plancheck.PlanCheck{fmRecorded("worker")}
			if rollback {
				fmRolledBack(srv, url, &c)
			}
			row.exec(t, c)
		}
	}
	return []fmRow{
		{name: "formation update fails half-way (2nd of 3), re-apply", outcome: fmClearError,
			want: `(?s)Error Freezing Heroku App.*scaling\s+clock\s+to\s+0.*terraform\s+apply\s+again`, run: halfWay(false)},
		{name: "formation update fails half-way (2nd of 3), rollback", outcome: fmClearError,
			want: `(?s)Error Freezing Heroku App.*scaling\s+clock\s+to\s+0`, run: halfWay(true)},
		{name: "formation update fails half-way while enabling, re-apply", outcome: fmClearError,
			want: `(?s)Error Freezing Heroku App.*scaling\s+clock\s+to\s+0`,
			run: func(t *testing.T, row fmRow) {
				srv, url, c := fmFreezeCase(t, nil)
				c.before = []resource.TestStep{{Config: freezeConfig(url, "  enabled = false\n  "+fmFreezeTypes)}}
				c.inject = func() { srv.FailFormationUpdate(2, http.StatusUnprocessableEntity) }
				c.fired = fmHalfWay(srv)
				c.afterFault = []plancheck.PlanCheck{
					fmRecorded("worker"),
					plancheck.ExpectResourceAction(freezeRes, plancheck.ResourceActionUpdate),
					plannedIs("generation", knownvalue.Int64Exact(1)),
				}
				c.extra = []statecheck.StateCheck{attrIs("generation", knownvalue.Int64Exact(1))}
				row.exec(t, c)
			}},
		{name: "maintenance PATCH 503 beyond the retry budget", outcome: fmClearError,
			want: `(?s)Error Freezing Heroku App.*maintenance.*gave\s+up\s+after\s+4\s+attempts`,
			run: func(t *testing.T, row fmRow) {
				var armed atomic.Bool
				var srv *herokuapi.Server
				srv, _, c := fmFreezeCase(t, func(r *http.Request) {
					if armed.Load() && r.Method == http.MethodPatch && r.URL.Path == "/apps/shop" {
						srv.FailNextMaintenance(http.StatusServiceUnavailable)
					}
				})
				c.inject = func() { armed.Store(true) }
				c.clear = func() { armed.Store(false) }
				c.fired = func() error {
					if err := fmAtLeast("503 answers to the maintenance PATCH", fmHerokuCount(srv, func(r herokuapi.Request) bool {
						return r.Method == "PATCH" && r.Path == "/apps/shop" && r.Status == 503
					}), 4); err != nil {
						return err
					}
					// Nothing was scaled: maintenance comes first.
					return expectApp(srv, "shop", false, shopInitial)(nil)
				}
				row.exec(t, c)
			}},
		{name: "429 burst during the freeze", outcome: fmTransparent,
			run: func(t *testing.T, row fmRow) {
				var once atomic.Bool
				var srv *herokuapi.Server
				srv, _, c := fmFreezeCase(t, func(r *http.Request) {
					if r.Method == http.MethodPatch && strings.Contains(r.URL.Path, "/formation/") && once.CompareAndSwap(false, true) {
						srv.FailNextRateLimit(3) // 4 attempts: the 4th gets through
					}
				})
				c.fired = func() error {
					return fmAtLeast("429 answers to PATCHes", fmHerokuCount(srv, func(r herokuapi.Request) bool {
						return r.Method == "PATCH" && r.Status == 429
					}), 3)
				}
				row.exec(t, c)
			}},
	}
}

// fmFreezeCLIRows interrupt terraform during a freeze's drain wait.
func fmFreezeCLIRows() []fmRow {
	return []fmRow{
		{name: "SIGINT during the drain wait", outcome: fmInterrupted,
			run: func(t *testing.T, row fmRow) {
				t.Logf("fault %q, expected outcome: %s", row.name, row.outcome)
				srv, url := startSandbox(t, freezeFixture(), herokuapi.Options{})
				config := func(wait string) string {
					return fmt.Sprintf(`
resource "heroku2aws_app_freeze" "shop" {
  app           = "shop"
  drain_wait    = %q
  process_types = ["worker", "web"]
}
`, wait)
				}
				w := newCLIWorkspace(t, config("10m"), map[string]string{"HEROKU_API_URL": url, "HEROKU_API_KEY": testAPIKey})
				fmInterrupt(t, w, func() bool {
					_, f, _ := srv.AppState("shop")
					return f["worker"].Quantity == 0
				})
				// Interrupted in the wait: web was not scaled down yet.
				half := with(shopInitial, map[string]herokugoState{"worker": zeroAs("Standard-1X")})
				if err := expectApp(srv, "shop", true, half)(nil); err != nil {
					t.Error(err)
				}
				attrs := fmReadState(t, w, "heroku2aws_app_freeze")
				if attrs == nil {
					t.Fatal("the interrupted freeze left no state: the rollback would not know what to restore")
				}
				if fmt.Sprint(attrs["prior_formation"]) != "[map[quantity:3 size:Standard-1X type:worker]]" ||
					attrs["prior_maintenance"] != false {
					t.Errorf("the interrupted state records %v and prior_maintenance %v, want worker 3 × Standard-1X and false",
						attrs["prior_formation"], attrs["prior_maintenance"])
				}
				fmNoSurvivors(t, providerBinary(t), "/nonexistent-dir-for-app-freeze")
				writeFile(t, filepath.Join(w.dir, "main.tf"), strings.Replace(w.read("main.tf"), `"10m"`, `"0s"`, 1))
				fmConverges(t, w)
				frozen := with(shopInitial, map[string]herokugoState{"worker": zeroAs("Standard-1X"), "web": zeroAs("Standard-2X")})
				if err := expectApp(srv, "shop", true, frozen)(nil); err != nil {
					t.Error(err)
				}
				w.mustRun("destroy", "-auto-approve")
				if err := expectApp(srv, "shop", false, shopInitial)(nil); err != nil {
					t.Errorf("after destroy: %v", err)
				}
			}},
	}
}
