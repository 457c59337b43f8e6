package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

func tenVars() map[string]string {
	values := map[string]string{}
	for i := 0; i < 10; i++ {
		values[fmt.Sprintf("K%02d", i)] = fmt.Sprintf("v%02d", i)
	}
	return values
}

// A 10-var import whose 5th write fails persistently: the error names the
// failed key and the ones not written, the state holds exactly what was
// written, and after the fault clears a re-apply converges.
func TestAccSecretImport_partialFailureOnCreate(t *testing.T) {
	_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	srv, awsURL := awsSandbox(t, awsapi.Options{SSMPutTPS: 50})
	const res = "heroku2aws_secret_import.partial"
	values := tenVars()
	config := awsProviderBlock(herokuURL, awsURL, "ssm_put_parameter_rate = 50\n    max_retries = 1") + fmt.Sprintf(`
resource "heroku2aws_secret_import" "partial" {
  values = %s
  ssm { path_prefix = "/partial/" }
}
`, hclMap(values))
	srv.FailName("/partial/K04", "InternalServerError", 500)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		CheckDestroy:             expectParameters(srv, "/partial/", map[string]string{}),
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)Error Importing Secrets.*Writing "K04" failed after retries.*Not written \(\d+\): .*K04`),
			},
			{
				// The failed apply left true state: exactly the parameters
				// that exist (checked on the plan's prior state, before this
				// apply). The resource is tainted, so the plan replaces it.
				PreConfig: srv.ClearFaults,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					priorStateMatchesSandbox(srv, res, "/partial/"),
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(expectParameters(srv, "/partial/", values)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("keys"), knownvalue.MapSizeExact(10)),
				},
			},
		},
	})
}

// The same failure during an update: the next apply writes only the keys
// that are missing.
func TestAccSecretImport_partialFailureOnUpdate(t *testing.T) {
	_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	srv, awsURL := awsSandbox(t, awsapi.Options{SSMPutTPS: 50})
	const res = "heroku2aws_secret_import.partial"
	config := func(values map[string]string) string {
		return awsProviderBlock(herokuURL, awsURL, "ssm_put_parameter_rate = 50\n    max_retries = 1") + fmt.Sprintf(`
resource "heroku2aws_secret_import" "partial" {
  values = %s
  ssm { path_prefix = "/upd/" }
}
`, hclMap(values))
	}
	all := tenVars()
	first := map[string]string{"K00": all["K00"], "K01": all["K01"]}
	var putsBefore, missingBefore int
	countPuts := func() int {
		n := 0
		for _, r := range srv.Requests() {
			if r.Operation == "PutParameter" && r.Status == 200 {
				n++
			}
		}
		return n
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		CheckDestroy:             expectParameters(srv, "/upd/", map[string]string{}),
		Steps: []resource.TestStep{
			{Config: config(first)},
			{
				PreConfig:   func() { srv.FailName("/upd/K04", "InternalServerError", 500) },
				Config:      config(all),
				ExpectError: regexp.MustCompile(`(?s)Error Updating Secrets.*K04`),
			},
			{
				PreConfig: func() {
					srv.ClearFaults()
					putsBefore = countPuts()
					missingBefore = 0
					for k := range all {
						if _, _, _, ok := srv.Parameter("/upd/" + k); !ok {
							missingBefore++
						}
					}
				},
				Config: config(all),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					priorStateMatchesSandbox(srv, res, "/upd/"),
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(expectParameters(srv, "/upd/", all)),
					sandboxCheck(func(*terraform.State) error {
						written := countPuts() - putsBefore
						if missingBefore == 0 || written != missingBefore {
							return fmt.Errorf("the converging apply wrote %d keys; %d were missing and only those should be written", written, missingBefore)
						}
						t.Logf("converging apply wrote exactly the %d missing keys", written)
						return nil
					}),
				},
			},
		},
	})
}

// Plan-time diagnostics name the key and the attribute to fix.
func TestAccSecretImport_badInputs(t *testing.T) {
	_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	_, awsURL := awsSandbox(t, awsapi.Options{})
	p := awsProviderBlock(herokuURL, awsURL, "")
	big := strings.Repeat("x", 5000)
	huge := strings.Repeat("y", 9000)
	var many strings.Builder
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&many, "    K%02d = %q\n", i, strings.Repeat("z", 4000))
	}
	steps := []resource.TestStep{
		{
			Config: p + `resource "heroku2aws_secret_import" "x" {
  values = { DATABASE_URL = "x" }
  rename = { DATABASE_URL = "bad name!" }
  ssm { path_prefix = "/app/" }
}`,
			ExpectError: regexp.MustCompile(`(?s)Invalid SSM Parameter Name.*DATABASE_URL.*rename`),
		},
		{
			Config: p + `resource "heroku2aws_secret_import" "x" {
  values = { A = "x" }
  ssm { path_prefix = "/aws/app/" }
}`,
			ExpectError: regexp.MustCompile(`(?s)Invalid SSM Path Prefix.*reserves`),
		},
		{
			Config: p + fmt.Sprintf(`resource "heroku2aws_secret_import" "x" {
  values = { CERT = %q }
  ssm {
    path_prefix = "/app/"
    tier        = "Standard"
  }
}`, big),
			ExpectError: regexp.MustCompile(`(?s)Value Too Large for the Standard Tier.*"CERT" is 5000 bytes`),
		},
		{
			Config: p + fmt.Sprintf(`resource "heroku2aws_secret_import" "x" {
  values = { BLOB = %q }
  ssm { path_prefix = "/app/" }
}`, huge),
			ExpectError: regexp.MustCompile(`(?s)Value Too Large for SSM.*"BLOB" is 9000 bytes.*secretsmanager`),
		},
		{
			Config: p + `resource "heroku2aws_secret_import" "x" {
  values = {
` + many.String() + `  }
  secretsmanager { name = "app/prod" }
}`,
			ExpectError: regexp.MustCompile(`(?s)Secret Too Large.*65536`),
		},
		{
			Config: p + `resource "heroku2aws_secret_import" "x" {
  values = { A = "1", B = "2" }
  rename = { A = "B" }
  ssm { path_prefix = "/app/" }
}`,
			ExpectError: regexp.MustCompile(`(?s)Rename Collision.*"A".*"B"`),
		},
		{
			Config: p + `resource "heroku2aws_secret_import" "x" {
  ssm { path_prefix = "/app/" }
}`,
			ExpectError: regexp.MustCompile(`(?s)Missing Attribute Configuration.*Exactly one of these attributes must be configured: \[values,values_wo\]`),
		},
		{
			Config: p + `resource "heroku2aws_secret_import" "x" {
  values = { A = "1" }
}`,
			ExpectError: regexp.MustCompile(`(?s)Missing Attribute Configuration.*ssm,secretsmanager,secretsmanager_per_var`),
		},
		{
			Config: p + `resource "heroku2aws_secret_import" "x" {
  values = { A = "1" }
  secretsmanager { name = "app/prod-abcdef" }
}`,
			ExpectError: regexp.MustCompile(`(?s)Invalid Secret Name.*hyphen and six characters`),
		},
	}
	for i := range steps {
		steps[i].PlanOnly = true
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: factories(nil), Steps: steps})
}

// values and values_wo together is a plan-time error (Terraform 1.11+ for
// the write-only attribute to parse at all).
func TestAccSecretImport_bothValueInputs(t *testing.T) {
	_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	_, awsURL := awsSandbox(t, awsapi.Options{})
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: awsProviderBlock(herokuURL, awsURL, "") + `resource "heroku2aws_secret_import" "x" {
  values            = { A = "1" }
  values_wo         = { A = "1" }
  values_wo_version = 1
  ssm { path_prefix = "/app/" }
}`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*values`),
		}},
	})
}
