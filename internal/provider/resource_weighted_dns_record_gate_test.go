package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

const dnsRes = "heroku2aws_weighted_dns_record.api"

// gateTarget is an httptest server standing in for the AWS side: it
// answers by mode and records the Host headers it saw.
type gateTarget struct {
	srv *httptest.Server
	// mode: "healthy" (200), "share" (each third request fails with 503), "slow" (200 after 150ms), "down" (503).
	mode atomic.Value
	// badAfter, when above 0, turns the target to "down" after that many
	// requests since the last setMode.
	badAfter atomic.Int64
	served   atomic.Int64
	// onBad, when set, runs once as the target turns bad by badAfter.
	onBad atomic.Pointer[func()]
	mu    sync.Mutex
	hosts map[string]int
}

func startGateTarget(t *testing.T, tls bool) *gateTarget {
	g := &gateTarget{hosts: map[string]int{}}
	g.mode.Store("healthy")
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := g.served.Add(1)
		g.mu.Lock()
		g.hosts[r.Host]++
		g.mu.Unlock()
		mode := g.mode.Load().(string)
		if after := g.badAfter.Load(); after > 0 && n > after {
			mode = "down"
			if f := g.onBad.Load(); n == after+1 && f != nil {
				(*f)()
			}
		}
		switch mode {
		case "share":
			if n%3 == 0 {
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte("secret-body-never-shown"))
				return
			}
		case "slow":
			time.Sleep(150 * time.Millisecond)
		case "down":
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok"))
	})
	if tls {
		g.srv = httptest.NewTLSServer(h)
	} else {
		g.srv = httptest.NewServer(h)
	}
	t.Cleanup(g.srv.Close)
	return g
}

func (g *gateTarget) setMode(mode string, badAfter int64) {
	g.mode.Store(mode)
	g.served.Store(0)
	g.badAfter.Store(badAfter)
}

func (g *gateTarget) addr() string {
	u, _ := url.Parse(g.srv.URL)
	return u.Host
}

// gateBlock is a gate on the target with tiny durations: 3 requests over
// 300ms, p95 at most 100ms.
func (g *gateTarget) gateBlock(extra string) string {
	scheme, tlsLine := "http", ""
	if g.srv.TLS != nil {
		scheme, tlsLine = "https", "\n    insecure_skip_verify = true"
	}
	return fmt.Sprintf(`gate {
    scheme          = %q
    path            = "/health"
    address         = %q
    requests        = 3
    duration        = "300ms"
    timeout         = "1s"
    max_p95_latency = "100ms"%s
  }
  %s`, scheme, g.addr(), tlsLine, extra)
}

// expectNoChangeSince checks that Route 53 accepted no change batch since
// the counter's reset and still holds the pair at these weights.
func expectNoChangeSince(t *testing.T, srv *awsapi.Server, zoneID string, c *changeCounter, heroku, aws int64) func() {
	return func() {
		if err := c.expect(0)(nil); err != nil {
			t.Errorf("after the refused shift: %v", err)
		}
		if err := expectPair(srv, zoneID, heroku, aws, 60)(nil); err != nil {
			t.Errorf("after the refused shift: %v", err)
		}
	}
}

// priorWeights checks, on a plan, the weights the prior state holds.
type priorWeights struct{ heroku, aws float64 }

func (w priorWeights) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	if req.Plan.PriorState == nil || req.Plan.PriorState.Values == nil {
		resp.Error = fmt.Errorf("the plan has no prior state")
		return
	}
	for _, r := range req.Plan.PriorState.Values.RootModule.Resources {
		if r.Address != dnsRes {
			continue
		}
		h := r.AttributeValues["heroku"].(map[string]any)["weight"]
		a := r.AttributeValues["aws"].(map[string]any)["weight"]
		if h != w.heroku || a != w.aws {
			resp.Error = fmt.Errorf("prior state holds weights %v/%v, want %v/%v", h, a, w.heroku, w.aws)
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the prior state", dnsRes)
}

// A passing gate shifts and fills gate_result; the probe sends the record
// name as Host (and SNI, on TLS). Lowering the AWS weight with a failing
// target is not gated.
func TestAccWeightedDNSRecord_gatePasses(t *testing.T) {
	_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	srv, awsURL := awsSandbox(t, awsapi.Options{})
	zoneID := srv.CreateZone("acme.com")
	target := startGateTarget(t, true)
	counter := &changeCounter{srv: srv}
	cfg := func(h, a int) string {
		return dnsProviderBlock(herokuURL, awsURL) + pairConfig(zoneID, h, a, target.gateBlock(""))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		CheckDestroy:             expectNoPair(srv, zoneID),
		Steps: []resource.TestStep{
			{
				// AWS weight 0: nothing to gate.
				Config: cfg(100, 0),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dnsRes, tfjsonpath.New("gate_result"), knownvalue.Null()),
				},
			},
			{
				PreConfig: func() { counter.reset(); target.setMode("healthy", 0) },
				Config:    cfg(90, 10),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(dnsRes, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(dnsRes, tfjsonpath.New("gate_result")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(expectPair(srv, zoneID, 90, 10, 60)),
					sandboxCheck(counter.expect(1)),
					sandboxCheck(func(*terraform.State) error {
						t.Logf("a gated shift: Route 53 %s; the target got %d requests", counter.calls(), target.served.Load())
						target.mu.Lock()
						defer target.mu.Unlock()
						if target.hosts["api.acme.com"] != 3 || len(target.hosts) != 1 {
							return fmt.Errorf("Host headers seen: %v, want api.acme.com 3 times", target.hosts)
						}
						return nil
					}),
					statecheck.ExpectKnownValue(dnsRes, tfjsonpath.New("gate_result").AtMapKey("requests"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue(dnsRes, tfjsonpath.New("gate_result").AtMapKey("successes"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue(dnsRes, tfjsonpath.New("gate_result").AtMapKey("success_ratio"), knownvalue.Float64Exact(1)),
					statecheck.ExpectKnownValue(dnsRes, tfjsonpath.New("gate_result").AtMapKey("checked_at"), knownvalue.NotNull()),
				},
			},
			{
				// Rolling back with a target that fails every request.
				PreConfig: func() { counter.reset(); target.setMode("down", 0) },
				Config:    cfg(100, 0),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(dnsRes, tfjsonpath.New("gate_result").AtMapKey("successes"), knownvalue.Int64Exact(3)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(expectPair(srv, zoneID, 100, 0, 60)),
					sandboxCheck(counter.expect(1)),
					sandboxCheck(func(*terraform.State) error {
						if n := target.served.Load(); n != 0 {
							return fmt.Errorf("lowering the AWS weight probed the target %d times, want 0", n)
						}
						return nil
					}),
				},
			},
		},
	})
}

// A target that fails a share of requests, or is slow, is refused: the
// error gives the figures, Route 53 is unchanged and so is the state. A
// create that the gate refuses leaves nothing.
func TestAccWeightedDNSRecord_gateRefuses(t *testing.T) {
	_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	srv, awsURL := awsSandbox(t, awsapi.Options{})
	zoneID := srv.CreateZone("acme.com")
	target := startGateTarget(t, false)
	counter := &changeCounter{srv: srv}
	cfg := func(h, a int) string {
		return dnsProviderBlock(herokuURL, awsURL) + pairConfig(zoneID, h, a, target.gateBlock(""))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		CheckDestroy:             expectNoPair(srv, zoneID),
		Steps: []resource.TestStep{
			{
				// A create with an AWS weight above 0 is gated too.
				PreConfig:   func() { counter.reset(); target.setMode("down", 0) },
				Config:      cfg(90, 10),
				ExpectError: regexp.MustCompile(`(?s)Error Creating Weighted DNS Record.*health gate refused.*0 of \d requests\s+succeeded`),
			},
			{
				PreConfig: func() {
					if len(srv.RecordSets(zoneID)) != 2 { // SOA and NS only
						t.Errorf("the refused create left records: %+v", srv.RecordSets(zoneID))
					}
					if err := counter.expect(0)(nil); err != nil {
						t.Error(err)
					}
					target.setMode("healthy", 0)
				},
				Config: cfg(100, 0),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(dnsRes, plancheck.ResourceActionCreate),
				}},
			},
			{
				PreConfig: func() { counter.reset(); target.setMode("share", 0) },
				Config:    cfg(90, 10),
				ExpectError: regexp.MustCompile(`(?s)Error Updating Weighted DNS Record.*refused to raise the AWS weight.*` +
					`2 of 3 requests succeeded \(66\.7%\).*needs at\s+least 95\.0% successes.*HTTP 503`),
			},
			{
				PreConfig: func() {
					expectNoChangeSince(t, srv, zoneID, counter, 100, 0)()
					target.setMode("slow", 0)
				},
				Config:      cfg(90, 10),
				ExpectError: regexp.MustCompile(`(?s)refused to raise the AWS weight.*\d of \d requests succeeded.*needs a\s+p95 latency of at most 100ms`),
			},
			{
				// Still 100/0 in Route 53 and in state: the plan raises again.
				PreConfig: func() { expectNoChangeSince(t, srv, zoneID, counter, 100, 0)(); target.setMode("healthy", 0) },
				Config:    cfg(90, 10),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(dnsRes, plancheck.ResourceActionUpdate),
					priorWeights{100, 0},
				}},
				ConfigStateChecks: []statecheck.StateCheck{sandboxCheck(expectPair(srv, zoneID, 90, 10, 60))},
			},
		},
	})
}

// A target that goes bad during the watch: the previous weights come back
// in exactly one more change batch, the state holds them, and the next
// plan raises again (gated again).
func TestAccWeightedDNSRecord_watchReverts(t *testing.T) {
	_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	srv, awsURL := awsSandbox(t, awsapi.Options{})
	zoneID := srv.CreateZone("acme.com")
	target := startGateTarget(t, false)
	counter := &changeCounter{srv: srv}
	watch := `watch {
    duration = "400ms"
    requests = 4
  }`
	cfg := func(h, a int) string {
		return dnsProviderBlock(herokuURL, awsURL) + pairConfig(zoneID, h, a, target.gateBlock(watch))
	}
	var started time.Time
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		CheckDestroy:             expectNoPair(srv, zoneID),
		Steps: []resource.TestStep{
			{Config: cfg(100, 0)},
			{
				// The gate's 3 requests pass; the watch's fail.
				PreConfig:   func() { counter.reset(); target.setMode("healthy", 3); started = time.Now() },
				Config:      cfg(50, 50),
				ExpectError: regexp.MustCompile(`(?s)Error Updating Weighted DNS Record.*watch after raising.*failed.*0 of \d requests\s+succeeded.*previous weights \(Heroku 100, AWS 0\)\s+were put back`),
			},
			{
				PreConfig: func() {
					t.Logf("the failed watch and its revert took %v; Route 53: %s", time.Since(started).Round(time.Millisecond), counter.calls())
					if err := counter.expect(2)(nil); err != nil {
						t.Errorf("shift + revert: %v", err)
					}
					if err := expectPair(srv, zoneID, 100, 0, 60)(nil); err != nil {
						t.Errorf("after the revert: %v", err)
					}
					counter.reset()
					target.setMode("healthy", 0)
				},
				Config: cfg(50, 50),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(dnsRes, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(dnsRes, tfjsonpath.New("gate_result")),
					priorWeights{100, 0},
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(expectPair(srv, zoneID, 50, 50, 60)),
					sandboxCheck(counter.expect(1)),
					sandboxCheck(func(*terraform.State) error {
						if n := target.served.Load(); n != 3+4 {
							return fmt.Errorf("the target got %d requests, want 3 (gate) + 4 (watch)", n)
						}
						return nil
					}),
				},
			},
		},
	})
}
