package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

const (
	herokuTarget = "deep-owl-7h3nq9.herokudns.com"
	albTarget    = "acme-alb-123456.us-east-1.elb.amazonaws.com"
)

func expectNoPair(srv *awsapi.Server, zoneID string) func(*terraform.State) error {
	return func(*terraform.State) error {
		for _, rs := range srv.RecordSets(zoneID) {
			if rs.Name == "api.acme.com." {
				return fmt.Errorf("record %s %s (%s) still exists", rs.Name, rs.Type, rs.SetIdentifier)
			}
		}
		return nil
	}
}

// The guides' staged cutover: 100/0, 90/10 at TTL 60, 50/50, 0/100, then
// destroy. Each step is one in-place update made of one change batch.
func TestAccWeightedDNSRecord_stagedCutover(t *testing.T) {
	_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	srv, awsURL := awsSandbox(t, awsapi.Options{Route53SyncDelay: 2 * time.Second})
	zoneID := srv.CreateZone("acme.com")
	const res = "heroku2aws_weighted_dns_record.api"
	counter := &changeCounter{srv: srv}
	var started time.Time
	step := func(heroku, aws int, hp, ap float64, action plancheck.ResourceActionType) resource.TestStep {
		return resource.TestStep{
			PreConfig: func() { counter.reset(); started = time.Now() },
			Config:    dnsProviderBlock(herokuURL, awsURL) + pairConfig(zoneID, heroku, aws, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(res, action),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				sandboxCheck(expectPair(srv, zoneID, int64(heroku), int64(aws), 60)),
				sandboxCheck(counter.expect(1)),
				sandboxCheck(func(*terraform.State) error {
					took := time.Since(started)
					t.Logf("%d/%d: plan+apply with wait_for_sync and a 2 s INSYNC delay took %v; Route 53: %s",
						heroku, aws, took.Round(10*time.Millisecond), counter.calls())
					if took < 2*time.Second {
						return fmt.Errorf("the step took %v, less than the INSYNC delay: it did not wait", took)
					}
					return nil
				}),
				statecheck.ExpectKnownValue(res, tfjsonpath.New("heroku_traffic_percent"), knownvalue.Float64Exact(hp)),
				statecheck.ExpectKnownValue(res, tfjsonpath.New("aws_traffic_percent"), knownvalue.Float64Exact(ap)),
				statecheck.ExpectKnownValue(res, tfjsonpath.New("status"), knownvalue.StringExact("INSYNC")),
				statecheck.ExpectKnownValue(res, tfjsonpath.New("id"), knownvalue.StringExact(zoneID+"_api.acme.com_CNAME")),
			},
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		CheckDestroy:             expectNoPair(srv, zoneID),
		Steps: []resource.TestStep{
			step(100, 0, 100, 0, plancheck.ResourceActionCreate),
			step(90, 10, 90, 10, plancheck.ResourceActionUpdate),
			step(50, 50, 50, 50, plancheck.ResourceActionUpdate),
			step(0, 100, 0, 100, plancheck.ResourceActionUpdate),
			{
				ResourceName:            res,
				ImportState:             true,
				ImportStateId:           zoneID + "_api.acme.com_CNAME",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"change_id", "timeouts"},
			},
		},
	})
}

// Throttling, PriorRequestNotComplete and a 2 s INSYNC delay: every step
// still succeeds. A timeout shorter than the delay fails clearly, and the
// state still says what exists.
func TestAccWeightedDNSRecord_retriesAndSync(t *testing.T) {
	_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	srv, awsURL := awsSandbox(t, awsapi.Options{Route53SyncDelay: 2 * time.Second, Route53TPS: 2, Route53PriorRequestNotComplete: true})
	zoneID := srv.CreateZone("acme.com")
	const res = "heroku2aws_weighted_dns_record.api"
	var shiftStart time.Time
	cfg := func(heroku, aws int, extra string) string {
		return dnsProviderBlock(herokuURL, awsURL) + pairConfig(zoneID, heroku, aws, extra)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		CheckDestroy:             expectNoPair(srv, zoneID),
		Steps: []resource.TestStep{
			{
				Config:            cfg(100, 0, ""),
				ConfigStateChecks: []statecheck.StateCheck{sandboxCheck(expectPair(srv, zoneID, 100, 0, 60))},
			},
			{
				// The shift meets PriorRequestNotComplete, as when another
				// change to the zone is still PENDING; it is retried, then
				// waits for INSYNC. The answer is injected: whether a
				// real PENDING change is still pending depends on timing
				// (the sandbox's own tests cover that check).
				PreConfig: func() {
					srv.FailRoute53Changes(1, "PriorRequestNotComplete", 400)
					shiftStart = time.Now()
				},
				Config: cfg(90, 10, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(expectPair(srv, zoneID, 90, 10, 60)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("status"), knownvalue.StringExact("INSYNC")),
					sandboxCheck(func(*terraform.State) error {
						took := time.Since(shiftStart)
						t.Logf("weight shift with wait_for_sync and a 2 s INSYNC delay: %v", took.Round(10*time.Millisecond))
						if took < 2*time.Second {
							return fmt.Errorf("the shift took %v: the apply did not wait for INSYNC", took)
						}
						return nil
					}),
				},
			},
			{
				// Throttling off, so that the 1 s timeout runs out in the
				// INSYNC wait (2 s), the case under test.
				PreConfig:   func() { srv.SetQuota(awsapi.QuotaRoute53, -1, 0) },
				Config:      cfg(50, 50, `timeouts = { update = "1s" }`),
				ExpectError: regexp.MustCompile(`(?s)Error Updating Weighted DNS Record.*did not\s+reach INSYNC before the\s+timeout`),
			},
			{
				// The failed wait left true state: the records hold 50/50 and
				// the plan only records the new timeout.
				Config: cfg(50, 50, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(expectPair(srv, zoneID, 50, 50, 60)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("heroku_traffic_percent"), knownvalue.Float64Exact(50)),
				},
			},
		},
	})
	var prior, throttled int
	for _, r := range srv.Requests() {
		switch r.ErrorCode {
		case "PriorRequestNotComplete":
			prior++
		case "Throttling":
			throttled++
		}
	}
	t.Logf("retried answers: %d PriorRequestNotComplete, %d Throttling", prior, throttled)
	if prior == 0 {
		t.Error("the test should meet PriorRequestNotComplete at least once; otherwise it proves nothing")
	}
}

// Drift: a weight changed outside Terraform is corrected; a record deleted
// outside Terraform is written again.
func TestAccWeightedDNSRecord_drift(t *testing.T) {
	_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	srv, awsURL := awsSandbox(t, awsapi.Options{})
	zoneID := srv.CreateZone("acme.com")
	const res = "heroku2aws_weighted_dns_record.api"
	r53 := route53.NewFromConfig(sdkConfig(), func(o *route53.Options) { o.BaseEndpoint = aws.String(awsURL) })
	change := func(action r53types.ChangeAction, setID, target string, weight int64) {
		_, err := r53.ChangeResourceRecordSets(context.Background(), &route53.ChangeResourceRecordSetsInput{
			HostedZoneId: aws.String(zoneID),
			ChangeBatch: &r53types.ChangeBatch{Changes: []r53types.Change{{Action: action, ResourceRecordSet: &r53types.ResourceRecordSet{
				Name: aws.String("api.acme.com."), Type: r53types.RRTypeCname, SetIdentifier: aws.String(setID),
				Weight: aws.Int64(weight), TTL: aws.Int64(60), ResourceRecords: []r53types.ResourceRecord{{Value: aws.String(target)}},
			}}}},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	config := dnsProviderBlock(herokuURL, awsURL) + pairConfig(zoneID, 90, 10, "")
	update := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate)}}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		CheckDestroy:             expectNoPair(srv, zoneID),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:         func() { change(r53types.ChangeActionUpsert, "aws", albTarget, 200) },
				Config:            config,
				ConfigPlanChecks:  update,
				ConfigStateChecks: []statecheck.StateCheck{sandboxCheck(expectPair(srv, zoneID, 90, 10, 60))},
			},
			{
				PreConfig:         func() { change(r53types.ChangeActionDelete, "heroku", herokuTarget, 90) },
				Config:            config,
				ConfigPlanChecks:  update,
				ConfigStateChecks: []statecheck.StateCheck{sandboxCheck(expectPair(srv, zoneID, 90, 10, 60))},
			},
		},
	})
}

// Every invalid input is a plan-time diagnostic on the attribute.
func TestAccWeightedDNSRecord_badInputs(t *testing.T) {
	_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	srv, awsURL := awsSandbox(t, awsapi.Options{})
	zoneID := srv.CreateZone("acme.com")
	p := dnsProviderBlock(herokuURL, awsURL)
	record := func(name string, ttl int, heroku, aws string) string {
		return p + fmt.Sprintf(`
resource "heroku2aws_weighted_dns_record" "x" {
  zone_id = %q
  name    = %q
  ttl     = %d
  heroku {
    %s
  }
  aws {
    %s
  }
}`, zoneID, name, ttl, heroku, aws)
	}
	h := fmt.Sprintf("target = %q\n    weight = 90", herokuTarget)
	a := fmt.Sprintf("target = %q\n    weight = 10", albTarget)
	cases := []struct {
		config string
		want   string
	}{
		{record("api.acme.com", 60, h, fmt.Sprintf("target = %q\n    weight = 256", albTarget)), `(?s)Invalid Weight.*aws.weight is 256`},
		{record("api.acme.com", 60, fmt.Sprintf("target = %q\n    weight = -5", herokuTarget), a), `(?s)Invalid Weight.*heroku.weight is -5`},
		{record("api.acme.com", 0, h, a), `(?s)Invalid TTL.*ttl is 0`},
		{record("acme.com", 60, h, a), `(?s)Name Is the Zone Apex.*subdomain or put CloudFront in front of Heroku`},
		{record("api.other.org", 60, h, a), `(?s)Name Outside the Zone`},
		{record("api.acme.com", 60, h, "weight = 10\n    set_identifier = \"heroku\"\n    target = \"x.example.com\""), `(?s)Duplicate Set Identifier.*aws.set_identifier`},
		{record("api.acme.com", 60, h, "weight = 10\n    alias {\n      name = \"dualstack.acme-alb.us-east-1.elb.amazonaws.com\"\n      zone_id = \"Z35SXDOTRQ7X7K\"\n    }"),
			`(?s)Alias Needs Another Record Type.*needs type A or\s+AAAA`},
		{record("api.acme.com", 60, "weight = 90", a), `(?s)Missing Required Argument.*heroku.target`},
		{record("api.acme.com", 60, fmt.Sprintf("target = %q\n    weight = 90", "203.0.113.7"), a), `(?s)Invalid Heroku Target`},
		{p + `resource "heroku2aws_weighted_dns_record" "x" {
  zone_id = "ZNOSUCHZONE"
  name    = "api.acme.com"
  heroku {
    target = "x.herokudns.com"
    weight = 1
  }
  aws {
    target = "y.example.com"
    weight = 1
  }
}`, `(?s)Hosted Zone Not Found.*ZNOSUCHZONE`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: c.config, PlanOnly: true, ExpectError: regexp.MustCompile(c.want)})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: factories(nil), Steps: steps})
}
