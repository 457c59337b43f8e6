package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

// healthChecksOf returns the sandbox's checks by fqdn.
func healthChecksOf(srv *awsapi.Server) map[string]awsapi.HealthCheckState {
	out := map[string]awsapi.HealthCheckState{}
	for _, h := range srv.HealthChecks() {
		out[h.FQDN] = h
	}
	return out
}

// expectOwnedChecks checks that exactly two checks exist, the AWS one with
// this interval and threshold, and that each record references its own.
func expectOwnedChecks(srv *awsapi.Server, zoneID string, interval, threshold int, ids map[string]string) func(*terraform.State) error {
	return func(*terraform.State) error {
		checks := healthChecksOf(srv)
		if len(srv.HealthChecks()) != 2 {
			return fmt.Errorf("%d health checks, want 2: %+v", len(srv.HealthChecks()), srv.HealthChecks())
		}
		a, h := checks[albTarget], checks["acme-api.herokuapp.com"]
		if a.RequestInterval != interval || a.FailureThreshold != threshold || a.Type != "HTTPS" || a.ResourcePath != "/health" || !a.EnableSNI {
			return fmt.Errorf("aws check %+v, want HTTPS /health every %ds, threshold %d, SNI", a, interval, threshold)
		}
		for _, rs := range srv.RecordSets(zoneID) {
			want := map[string]string{"aws": a.ID, "heroku": h.ID}[rs.SetIdentifier]
			if rs.Name == "api.acme.com." && rs.HealthCheckID != want {
				return fmt.Errorf("record %s references %q, want %q", rs.SetIdentifier, rs.HealthCheckID, want)
			}
		}
		ids["aws"], ids["heroku"] = a.ID, h.ID
		return nil
	}
}

// Owned health checks are created before the records reference them,
// updated in place, replaced on a new request_interval (new check first,
// old one deleted after), recreated when deleted out of band, and deleted
// after the records. Route 53 then answers from the healthy side.
func TestAccWeightedDNSRecord_healthChecks(t *testing.T) {
	_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	srv, awsURL := awsSandbox(t, awsapi.Options{})
	zoneID := srv.CreateZone("acme.com")
	cfg := func(h, a int, awsCheck string) string {
		return dnsProviderBlock(herokuURL, awsURL) + fmt.Sprintf(`
resource "heroku2aws_weighted_dns_record" "api" {
  zone_id = %q
  name    = "api.acme.com"
  heroku {
    target = %q
    weight = %d
    health_check {
      fqdn = "acme-api.herokuapp.com"
    }
  }
  aws {
    target = %q
    weight = %d
    health_check {
      path = "/health"
      %s
    }
  }
}
`, zoneID, herokuTarget, h, albTarget, a, awsCheck)
	}
	ids := map[string]string{}
	var first map[string]string
	update := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(dnsRes, plancheck.ResourceActionUpdate)}}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		CheckDestroy: func(s *terraform.State) error {
			if n := len(srv.HealthChecks()); n != 0 {
				return fmt.Errorf("%d health checks left after destroy", n)
			}
			return expectNoPair(srv, zoneID)(s)
		},
		Steps: []resource.TestStep{
			{
				Config: cfg(100, 0, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(expectOwnedChecks(srv, zoneID, 30, 3, ids)),
					sandboxCheck(func(*terraform.State) error {
						first = map[string]string{"aws": ids["aws"], "heroku": ids["heroku"]}
						return nil
					}),
				},
			},
			{
				// In place: same check, new version.
				Config:           cfg(100, 0, "failure_threshold = 5"),
				ConfigPlanChecks: update,
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(expectOwnedChecks(srv, zoneID, 30, 5, ids)),
					sandboxCheck(func(*terraform.State) error {
						if ids["aws"] != first["aws"] || healthChecksOf(srv)[albTarget].Version < 2 {
							return fmt.Errorf("the check was not updated in place: %v, then %v", first, ids)
						}
						return nil
					}),
				},
			},
			{
				// A new interval: a new check, attached, and the old one gone.
				Config:           cfg(100, 0, "failure_threshold = 5\n      request_interval = 10"),
				ConfigPlanChecks: update,
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(expectOwnedChecks(srv, zoneID, 10, 5, ids)),
					sandboxCheck(func(*terraform.State) error {
						if ids["aws"] == first["aws"] || ids["heroku"] != first["heroku"] {
							return fmt.Errorf("want a new aws check and the same heroku check: %v, then %v", first, ids)
						}
						return nil
					}),
				},
			},
			{
				// All traffic on AWS, whose check fails: Route 53 answers
				// from the healthy Heroku record of weight 0.
				Config: cfg(0, 100, "failure_threshold = 5\n      request_interval = 10"),
				ConfigStateChecks: []statecheck.StateCheck{sandboxCheck(func(*terraform.State) error {
					if err := srv.SetHealthCheckStatus(ids["aws"], false); err != nil {
						return err
					}
					eligible, err := srv.EligibleRecords(zoneID, "api.acme.com", "CNAME")
					if err != nil {
						return err
					}
					if len(eligible) != 1 || eligible[0].SetIdentifier != "heroku" || !eligible[0].Healthy {
						return fmt.Errorf("eligible records %+v, want only the healthy heroku record", eligible)
					}
					return srv.SetHealthCheckStatus(ids["aws"], true)
				})},
			},
			{
				// The aws check is deleted out of band: the plan creates it again.
				PreConfig: func() {
					r53 := route53.NewFromConfig(sdkConfig(), func(o *route53.Options) { o.BaseEndpoint = aws.String(awsURL) })
					if _, err := r53.DeleteHealthCheck(context.Background(), &route53.DeleteHealthCheckInput{HealthCheckId: aws.String(ids["aws"])}); err != nil {
						t.Fatal(err)
					}
					first["aws"] = ids["aws"]
				},
				Config:           cfg(0, 100, "failure_threshold = 5\n      request_interval = 10"),
				ConfigPlanChecks: update,
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(expectOwnedChecks(srv, zoneID, 10, 5, ids)),
					sandboxCheck(func(*terraform.State) error {
						if ids["aws"] == first["aws"] {
							return fmt.Errorf("the deleted check %s is still referenced", ids["aws"])
						}
						return nil
					}),
				},
			},
		},
	})
}
