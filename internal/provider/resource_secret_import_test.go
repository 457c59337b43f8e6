package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

func TestAccSecretImport_ssm(t *testing.T) {
	_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	srv, awsURL := awsSandbox(t, awsapi.Options{SSMPutTPS: 50})
	const res = "heroku2aws_secret_import.test"
	config := func(values map[string]string) string {
		return awsProviderBlock(herokuURL, awsURL, "ssm_put_parameter_rate = 50") + fmt.Sprintf(`
resource "heroku2aws_secret_import" "test" {
  values = %s
  rename = { OLD_NAME = "NEW_NAME" }
  ssm {
    path_prefix = "/acme/prod/"
    tags        = { app = "acme" }
  }
}
`, hclMap(values))
	}
	// EMPTY is skipped with a warning: SSM cannot store an empty value.
	v1 := map[string]string{"A": "one", "B": "two", "C": "three", "OLD_NAME": "renamed", "PEM": "-----BEGIN-----\nabc\n-----END-----\n", "EMPTY": ""}
	v2 := map[string]string{"A": "one", "B": "TWO", "D": "four", "OLD_NAME": "renamed", "PEM": "-----BEGIN-----\nabc\n-----END-----\n"}
	want := func(v map[string]string) map[string]string {
		out := map[string]string{}
		for k, x := range v {
			if x == "" {
				continue
			}
			if k == "OLD_NAME" {
				k = "NEW_NAME"
			}
			out[k] = x
		}
		return out
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		CheckDestroy:             expectParameters(srv, "/acme/prod/", map[string]string{}),
		Steps: []resource.TestStep{
			{
				Config: config(v1),
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(expectParameters(srv, "/acme/prod/", want(v1))),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("id"), knownvalue.StringExact("ssm:/acme/prod/")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("keys"), knownvalue.MapSizeExact(5)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("keys").AtMapKey("NEW_NAME").AtMapKey("name"), knownvalue.StringExact("/acme/prod/NEW_NAME")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("keys").AtMapKey("A").AtMapKey("tier"), knownvalue.StringExact("Standard")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("keys").AtMapKey("A").AtMapKey("fingerprint"),
						knownvalue.StringRegexp(regexp.MustCompile(`^hmac-sha256:[0-9a-f]{32}$`))),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("arns").AtMapKey("A"),
						knownvalue.StringExact("arn:aws:ssm:us-east-1:123456789012:parameter/acme/prod/A")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("written_count"), knownvalue.Int64Exact(5)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("cost_estimate_usd_month"), knownvalue.Float64Exact(0)),
				},
			},
			{
				// Change B, add D, remove C: one in-place update that writes two keys and deletes one.
				Config: config(v2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(expectParameters(srv, "/acme/prod/", want(v2))),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("written_count"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("keys").AtMapKey("A").AtMapKey("version"), knownvalue.StringExact("1")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("keys").AtMapKey("B").AtMapKey("version"), knownvalue.StringExact("2")),
				},
			},
			{
				// Drift: A changed and D deleted outside Terraform. The plan
				// updates the resource in place and the apply puts both back.
				PreConfig: func() {
					c := ssmClient(awsURL)
					ctx := context.Background()
					if _, err := c.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/acme/prod/A"), Value: aws.String("tampered"),
						Type: ssmtypes.ParameterTypeSecureString, Overwrite: aws.Bool(true)}); err != nil {
						t.Fatal(err)
					}
					if _, err := c.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String("/acme/prod/D")}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config(v2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(expectParameters(srv, "/acme/prod/", want(v2))),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("written_count"), knownvalue.Int64Exact(2)),
				},
			},
			{
				Config: config(v2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				ResourceName:      res,
				ImportState:       true,
				ImportStateId:     "ssm:/acme/prod/",
				ImportStateVerify: true,
				// Values are never imported; fingerprints use the new salt.
				ImportStateVerifyIgnore: []string{"values", "keys", "fingerprint_salt", "written_count", "rename", "ssm.tags"},
			},
		},
	})
}

// 60 vars at the default PutParameter quota of 3 a second: no throttling
// failure, every value written. Takes about 20 seconds by design.
func TestAccSecretImport_quota(t *testing.T) {
	_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	srv, awsURL := awsSandbox(t, awsapi.Options{SSMPutTPS: 3})
	values := map[string]string{}
	for i := 0; i < 60; i++ {
		values[fmt.Sprintf("VAR_%02d", i)] = fmt.Sprintf("value-%02d", i)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		CheckDestroy:             expectParameters(srv, "/quota/", map[string]string{}),
		Steps: []resource.TestStep{{
			Config: awsProviderBlock(herokuURL, awsURL, "") + fmt.Sprintf(`
resource "heroku2aws_secret_import" "quota" {
  values = %s
  ssm { path_prefix = "/quota/" }
}
`, hclMap(values)),
			ConfigStateChecks: []statecheck.StateCheck{
				sandboxCheck(expectParameters(srv, "/quota/", values)),
				statecheck.ExpectKnownValue("heroku2aws_secret_import.quota", tfjsonpath.New("written_count"), knownvalue.Int64Exact(60)),
				sandboxCheck(func(*terraform.State) error {
					var throttled int
					for _, r := range srv.Requests() {
						if r.ErrorCode == "ThrottlingException" {
							throttled++
						}
					}
					t.Logf("60 PutParameter at 3/s: %d throttled answers (retried by the SDK)", throttled)
					if throttled > 3 {
						return fmt.Errorf("%d ThrottlingException answers: the writes are not paced to the quota", throttled)
					}
					return nil
				}),
			},
		}},
	})
}
