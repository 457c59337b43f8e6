package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

// Fault matrix rows of Route 53 (the table and runner are in
// fault_matrix_test.go).

func fmRoute53Rows() []fmRow {
	return []fmRow{
		{name: "route53 throttling", outcome: fmTransparent, run: func(t *testing.T, row fmRow) {
			srv, counter, c := fmDNSCase(t)
			c.inject = func() { counter.reset(); srv.SetQuota(awsapi.QuotaRoute53, 10, 1) }
			c.clear = func() { srv.SetQuota(awsapi.QuotaRoute53, -1, 0) }
			c.fired = fmThrottled(srv, "Throttling")
			c.verify = append(c.verify, sandboxCheck(counter.expect(1)))
			row.exec(t, c)
		}},
		{name: "route53 PriorRequestNotComplete", outcome: fmTransparent, run: func(t *testing.T, row fmRow) {
			srv, counter, c := fmDNSCase(t)
			c.inject = func() {
				counter.reset()
				// The sandbox's real check is on, and a change is injected
				// as refused: whether an earlier change is still PENDING
				// when the apply arrives would depend on timing.
				srv.SetPriorRequestNotComplete(true)
				srv.FailRoute53Changes(2, "PriorRequestNotComplete", 400)
			}
			c.fired = func() error {
				return fmAtLeast("PriorRequestNotComplete answers", fmAWSCount(srv, func(r awsapi.Request) bool {
					return r.ErrorCode == "PriorRequestNotComplete"
				}), 2)
			}
			c.verify = append(c.verify, sandboxCheck(counter.expect(1)))
			row.exec(t, c)
		}},
		{name: "route53 INSYNC never arrives before the timeout", outcome: fmClearError,
			want: `(?s)Error Updating Weighted DNS Record.*did not\s+reach INSYNC before the\s+timeout`,
			run:  fmInsyncRow},
	}
}

// fmDNSCase creates a 100/0 pair, then shifts it to 50/50 under the fault.
func fmDNSCase(t *testing.T) (*awsapi.Server, *changeCounter, fmCase) {
	_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	srv, awsURL := awsSandbox(t, awsapi.Options{})
	zoneID := srv.CreateZone("acme.com")
	counter := &changeCounter{srv: srv}
	cfg := func(h, a int, extra string) string {
		return dnsProviderBlock(herokuURL, awsURL) + pairConfig(zoneID, h, a, extra)
	}
	return srv, counter, fmCase{
		factories:  factories(nil),
		before:     []resource.TestStep{{Config: cfg(100, 0, ""), ConfigStateChecks: []statecheck.StateCheck{sandboxCheck(expectPair(srv, zoneID, 100, 0, 60))}}},
		config:     cfg(50, 50, ""),
		verify:     []statecheck.StateCheck{sandboxCheck(expectPair(srv, zoneID, 50, 50, 60))},
		verifyPair: func() error { return expectPair(srv, zoneID, 50, 50, 60)(nil) },
	}
}

// fmInsyncRow: the change is accepted but never reaches INSYNC before the
// update timeout. The records were changed once; the re-apply (fault
// cleared) only records the new timeout and changes nothing again.
func fmInsyncRow(t *testing.T, row fmRow) {
	srv, counter, c := fmDNSCase(t)
	withTimeouts := func(config, timeouts string) string {
		end := strings.LastIndex(config, "}")
		return config[:end] + "  timeouts = " + timeouts + "\n" + config[end:]
	}
	// A short delete timeout from the start bounds the post-test destroy,
	// should the row fail while the sandbox still delays INSYNC.
	c.before[0].Config = withTimeouts(c.before[0].Config, `{ delete = "5s" }`)
	c.config2 = c.config
	c.config = withTimeouts(c.config, `{
    update = "2s"
    delete = "5s"
  }`)
	c.inject = func() {
		counter.reset()
		// No throttling: the timeout must run out in the INSYNC wait.
		srv.SetQuota(awsapi.QuotaRoute53, -1, 0)
		srv.SetRoute53SyncDelay(time.Hour)
		// Only the shift's change stays PENDING: once it is accepted, later
		// changes sync at once.
		go func() {
			for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
				if counter.count() > counter.mark {
					break
				}
			}
			srv.SetRoute53SyncDelay(0)
		}()
	}
	c.fired = func() error {
		if n := counter.count() - counter.mark; n != 1 {
			return fmt.Errorf("the timed-out apply made %d accepted changes, want 1", n)
		}
		return c.verifyPair()
	}
	c.clear = func() { srv.SetRoute53SyncDelay(0) }
	c.afterFault = []plancheck.PlanCheck{plancheck.ExpectResourceAction("heroku2aws_weighted_dns_record.api", plancheck.ResourceActionUpdate)}
	c.extra = []statecheck.StateCheck{sandboxCheck(func(*terraform.State) error {
		if n := counter.count() - counter.mark; n != 1 {
			return fmt.Errorf("%d accepted changes since the fault, want exactly 1 (no duplicate on re-apply)", n)
		}
		return nil
	})}
	row.exec(t, c)
}
