package provider

import (
	"context"
	"fmt"
	"maps"
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

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

// Fault matrix rows of SSM Parameter Store and Secrets Manager (the table
// and runner are in fault_matrix_test.go).

// fmSecretCase writes values through a secret import destination block.
func fmSecretCase(t *testing.T, opts awsapi.Options, extra, dest string, values map[string]string) (*awsapi.Server, string, fmCase) {
	_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	srv, awsURL := awsSandbox(t, opts)
	config := awsProviderBlock(herokuURL, awsURL, extra) + fmt.Sprintf(`
resource "heroku2aws_secret_import" "fm" {
  values = %s
  %s
}
`, hclMap(values), dest)
	return srv, awsURL, fmCase{factories: factories(nil), config: config}
}

func fmSecretRows() []fmRow {
	return []fmRow{
		{name: "ssm throttling", outcome: fmTransparent, run: func(t *testing.T, row fmRow) {
			values := fmVars(20)
			srv, _, c := fmSecretCase(t, awsapi.Options{}, "ssm_put_parameter_rate = 50", `ssm { path_prefix = "/fm/" }`, values)
			c.inject = func() { srv.SetQuota(awsapi.QuotaSSMPut, 10, 1) }
			c.clear = func() { srv.SetQuota(awsapi.QuotaSSMPut, -1, 0) }
			c.fired = fmThrottled(srv, "ThrottlingException")
			c.verify = []statecheck.StateCheck{sandboxCheck(expectParameters(srv, "/fm/", values))}
			row.exec(t, c)
		}},
		{name: "ssm 5xx", outcome: fmTransparent, run: func(t *testing.T, row fmRow) {
			values := fmVars(10)
			srv, _, c := fmSecretCase(t, awsapi.Options{SSMPutTPS: 50}, "ssm_put_parameter_rate = 50", `ssm { path_prefix = "/fm/" }`, values)
			c.inject = func() { srv.FailNext(3, 500) }
			c.fired = func() error {
				return fmAtLeast("500 answers", fmAWSCount(srv, func(r awsapi.Request) bool { return r.Status == 500 }), 3)
			}
			c.verify = []statecheck.StateCheck{sandboxCheck(expectParameters(srv, "/fm/", values))}
			row.exec(t, c)
		}},
		{name: "ssm permanent failure of one key in a batch of 50", outcome: fmClearError,
			// The engine stops dispatching at the first key that fails for
			// good; how many keys were still waiting then depends on timing
			// (K37's retries against the other workers), so the row pins
			// K37 as the failure and checks the rest against the sandbox.
			want: `(?s)Error Updating Secrets.*Writing "K37" failed after retries.*Not written \([0-9]+\): K37`,
			run:  fmBatchRow},
		{name: "secretsmanager throttling", outcome: fmTransparent, run: func(t *testing.T, row fmRow) {
			values := fmVars(8)
			srv, _, c := fmSecretCase(t, awsapi.Options{}, "secretsmanager_write_rate = 50",
				"secretsmanager_per_var {\n    name_prefix = \"fm/\"\n    recovery_window_in_days = 0\n  }", values)
			c.inject = func() { srv.SetQuota(awsapi.QuotaSecretsWrite, 5, 1) }
			c.clear = func() { srv.SetQuota(awsapi.QuotaSecretsWrite, -1, 0) }
			c.fired = fmThrottled(srv, "ThrottlingException")
			c.verify = []statecheck.StateCheck{sandboxCheck(fmExpectPerVarSecrets(srv, "fm/", values))}
			row.exec(t, c)
		}},
		{name: "secretsmanager 5xx", outcome: fmTransparent, run: func(t *testing.T, row fmRow) {
			values := fmVars(5)
			srv, _, c := fmSecretCase(t, awsapi.Options{}, "",
				"secretsmanager {\n    name = \"fm/json\"\n    recovery_window_in_days = 0\n  }", values)
			c.inject = func() { srv.FailNext(2, 503) }
			c.fired = func() error {
				return fmAtLeast("503 answers", fmAWSCount(srv, func(r awsapi.Request) bool { return r.Status == 503 }), 2)
			}
			c.verify = []statecheck.StateCheck{sandboxCheck(expectSecret(srv, "fm/json", values))}
			row.exec(t, c)
		}},
		{name: "secretsmanager name scheduled for deletion", outcome: fmTransparent, run: func(t *testing.T, row fmRow) {
			values := fmVars(5)
			srv, awsURL, c := fmSecretCase(t, awsapi.Options{}, "",
				"secretsmanager {\n    name = \"fm/sched\"\n    recovery_window_in_days = 0\n  }", values)
			c.inject = func() {
				ctx := context.Background()
				sm := smClient(awsURL)
				if _, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
					Name: aws.String("fm/sched"), SecretString: aws.String(`{"OLD":"stale"}`),
				}); err != nil {
					t.Fatal(err)
				}
				if _, err := sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{
					SecretId: aws.String("fm/sched"), RecoveryWindowInDays: aws.Int64(7),
				}); err != nil {
					t.Fatal(err)
				}
				if sec, _ := srv.Secret("fm/sched"); sec.DeletedDate.IsZero() {
					t.Fatal("the secret is not scheduled for deletion")
				}
			}
			c.fired = func() error {
				return fmAtLeast("RestoreSecret calls", fmAWSCount(srv, func(r awsapi.Request) bool {
					return r.Operation == "RestoreSecret" && r.Status == 200
				}), 1)
			}
			c.verify = []statecheck.StateCheck{sandboxCheck(expectSecret(srv, "fm/sched", values))}
			row.exec(t, c)
		}},
	}
}

// fmBatchRow: an import grows by 50 keys and one of them fails for good.
// The error names it, the state holds the 49 that were written (and the
// seed key), and the re-apply writes exactly the missing one.
func fmBatchRow(t *testing.T, row fmRow) {
	const res = "heroku2aws_secret_import.fm"
	all := fmVars(50)
	all["SEED"] = "seed"
	seed := map[string]string{"SEED": "seed"}
	srv, _, c := fmSecretCase(t, awsapi.Options{SSMPutTPS: 100}, "ssm_put_parameter_rate = 100\n    max_retries = 1",
		`ssm { path_prefix = "/batch/" }`, all)
	seedConfig := strings.Replace(c.config, hclMap(all), hclMap(seed), 1)
	puts := func() int {
		return fmAWSCount(srv, func(r awsapi.Request) bool { return r.Operation == "PutParameter" && r.Status == 200 })
	}
	var putsBefore int
	c.before = []resource.TestStep{{Config: seedConfig, ConfigStateChecks: []statecheck.StateCheck{
		sandboxCheck(expectParameters(srv, "/batch/", seed)),
	}}}
	c.inject = func() { srv.FailName("/batch/K37", "InternalServerError", 500) }
	missing := 0
	c.fired = func() error {
		// After the failed apply: K37 does not exist, every key that does
		// holds its value, and the keys dispatched before K37 failed (all
		// those before it in order) were written.
		live := map[string]string{}
		for _, name := range srv.ParameterNames() {
			if key, ok := strings.CutPrefix(name, "/batch/"); ok {
				live[key], _, _, _ = srv.Parameter(name)
			}
		}
		if _, ok := live["K37"]; ok {
			return fmt.Errorf("K37 exists although every write of it failed")
		}
		for k, v := range live {
			if all[k] != v {
				return fmt.Errorf("parameter %s holds the wrong value", k)
			}
		}
		for k := range all {
			if _, ok := live[k]; !ok && k != "K37" && k < "K37" {
				return fmt.Errorf("%s, dispatched before K37, was not written", k)
			}
		}
		missing = len(all) - len(live)
		return nil
	}
	c.clear = func() { srv.ClearFaults(); putsBefore = puts() }
	c.afterFault = []plancheck.PlanCheck{
		priorStateMatchesSandbox(srv, res, "/batch/"),
		plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
	}
	c.verify = []statecheck.StateCheck{
		sandboxCheck(expectParameters(srv, "/batch/", all)),
		statecheck.ExpectKnownValue(res, tfjsonpath.New("keys"), knownvalue.MapSizeExact(51)),
	}
	c.extra = []statecheck.StateCheck{sandboxCheck(func(*terraform.State) error {
		if n := puts() - putsBefore; n != missing {
			return fmt.Errorf("the converging apply wrote %d parameters, want exactly the %d missing", n, missing)
		}
		return nil
	})}
	row.exec(t, c)
}

func fmExpectPerVarSecrets(srv *awsapi.Server, prefix string, values map[string]string) func(*terraform.State) error {
	return func(*terraform.State) error {
		got := map[string]string{}
		for _, name := range srv.SecretNames() {
			sec, _ := srv.Secret(name)
			if key, ok := strings.CutPrefix(name, prefix); ok && sec.DeletedDate.IsZero() {
				got[key] = sec.SecretString
			}
		}
		if !maps.Equal(got, values) {
			return fmt.Errorf("secrets under %s: got %v, want %v", prefix, keysOf(got), keysOf(values))
		}
		return nil
	}
}
