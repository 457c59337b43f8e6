package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
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

// expectNoLiveSecrets checks that no secret with the prefix is live
// (existing and not scheduled for deletion).
func expectNoLiveSecrets(srv *awsapi.Server, prefix string) func(*terraform.State) error {
	return func(*terraform.State) error {
		for _, name := range srv.SecretNames() {
			if sec, _ := srv.Secret(name); strings.HasPrefix(name, prefix) && sec.DeletedDate.IsZero() {
				return fmt.Errorf("secret %s still exists after destroy", name)
			}
		}
		return nil
	}
}

// The write-only path into one JSON secret: create, update, drift, import,
// destroy.
func TestAccSecretImport_secretsManagerJSON(t *testing.T) {
	_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	srv, awsURL := awsSandbox(t, awsapi.Options{})
	const res = "heroku2aws_secret_import.json"
	config := func(values map[string]string, version int) string {
		return awsProviderBlock(herokuURL, awsURL, "") + fmt.Sprintf(`
resource "heroku2aws_secret_import" "json" {
  values_wo         = %s
  values_wo_version = %d
  secretsmanager {
    name                    = "acme/prod"
    recovery_window_in_days = 0
  }
}
`, hclMap(values), version)
	}
	v1 := map[string]string{"A": "one", "B": "two", "C": "three"}
	v2 := map[string]string{"A": "one", "B": "TWO", "D": "four"}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: factories(nil),
		CheckDestroy:             expectNoLiveSecrets(srv, "acme/prod"),
		Steps: []resource.TestStep{
			{
				Config: config(v1, 1),
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(expectSecret(srv, "acme/prod", v1)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("values_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("keys"), knownvalue.MapSizeExact(3)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("arns").AtMapKey("A"),
						knownvalue.StringRegexp(regexp.MustCompile(`^arn:aws:secretsmanager:us-east-1:\d+:secret:acme/prod-[A-Za-z0-9]{6}$`))),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("cost_estimate_usd_month"), knownvalue.Float64Exact(0.40)),
				},
			},
			{
				Config: config(v2, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(expectSecret(srv, "acme/prod", v2)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("keys"), knownvalue.MapSizeExact(3)),
				},
			},
			{
				// Drift: the secret was rewritten outside Terraform.
				PreConfig: func() {
					if _, err := smClient(awsURL).PutSecretValue(context.Background(), &secretsmanager.PutSecretValueInput{
						SecretId: aws.String("acme/prod"), SecretString: aws.String(`{"A":"one","B":"tampered"}`),
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config(v2, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{sandboxCheck(expectSecret(srv, "acme/prod", v2))},
			},
			{
				// Bumping the version rewrites although nothing changed.
				Config: config(v2, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(res, tfjsonpath.New("written_count"), knownvalue.Int64Exact(3)),
				},
			},
			{
				ResourceName:            res,
				ImportState:             true,
				ImportStateId:           "secretsmanager:acme/prod",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"keys", "fingerprint_salt", "written_count", "values_wo_version", "secretsmanager.recovery_window_in_days"},
			},
		},
	})
}

// One secret per key: create, update, drift (deleted out of band), destroy.
func TestAccSecretImport_secretsManagerPerVar(t *testing.T) {
	_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	srv, awsURL := awsSandbox(t, awsapi.Options{})
	const res = "heroku2aws_secret_import.pervar"
	config := func(values map[string]string) string {
		return awsProviderBlock(herokuURL, awsURL, "") + fmt.Sprintf(`
resource "heroku2aws_secret_import" "pervar" {
  values = %s
  secretsmanager_per_var {
    name_prefix             = "acme/prod/"
    recovery_window_in_days = 7
  }
}
`, hclMap(values))
	}
	live := func(want map[string]string) func(*terraform.State) error {
		return func(*terraform.State) error {
			got := map[string]string{}
			for _, name := range srv.SecretNames() {
				if sec, _ := srv.Secret(name); sec.DeletedDate.IsZero() && strings.HasPrefix(name, "acme/prod/") {
					got[strings.TrimPrefix(name, "acme/prod/")] = sec.SecretString
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				return fmt.Errorf("live secrets %v, want %v", keysOf(got), keysOf(want))
			}
			return nil
		}
	}
	v1 := map[string]string{"A": "one", "B": "two", "C": "three"}
	v2 := map[string]string{"A": "one", "B": "TWO", "D": "four"}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		CheckDestroy:             expectNoLiveSecrets(srv, "acme/prod/"),
		Steps: []resource.TestStep{
			{
				Config: config(v1),
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(live(v1)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("cost_estimate_usd_month"), knownvalue.Float64Exact(1.20)),
				},
			},
			{
				Config:            config(v2),
				ConfigStateChecks: []statecheck.StateCheck{sandboxCheck(live(v2))},
			},
			{
				// Drift: A changed and D deleted outside Terraform.
				PreConfig: func() {
					c := smClient(awsURL)
					if _, err := c.PutSecretValue(context.Background(), &secretsmanager.PutSecretValueInput{
						SecretId: aws.String("acme/prod/A"), SecretString: aws.String("tampered"),
					}); err != nil {
						t.Fatal(err)
					}
					if _, err := c.DeleteSecret(context.Background(), &secretsmanager.DeleteSecretInput{
						SecretId: aws.String("acme/prod/D"), ForceDeleteWithoutRecovery: aws.Bool(true),
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config(v2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{sandboxCheck(live(v2))},
			},
			{
				// C was deleted with a 7-day recovery window; writing it again
				// restores the secret instead of failing on the reserved name.
				Config:            config(v1),
				ConfigStateChecks: []statecheck.StateCheck{sandboxCheck(live(v1))},
			},
			{
				ResourceName:            res,
				ImportState:             true,
				ImportStateId:           "secretsmanager_per_var:acme/prod/",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"values", "keys", "fingerprint_salt", "written_count", "secretsmanager_per_var.recovery_window_in_days"},
			},
		},
	})
}
