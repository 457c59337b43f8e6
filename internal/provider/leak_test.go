package provider

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/leakscan"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

// Leak canaries: recognisable secret values that must never show up where
// a user, a CI log or a state backend could read them.
const (
	canaryKey = "CANARY-APIKEY-5c1b0e7d"
)

var canaryValues = map[string]string{
	"SECRET_KEY_BASE": "CANARY-SKB-8f14e45f",
	"STRIPE_KEY":      "sk_live_CANARY-3c59dc04",
	"MULTILINE_PEM":   "-----BEGIN-----\nCANARY-PEM-a87ff679\n-----END-----",
	"DATABASE_URL":    "postgres://u:CANARY-DBPASS-e4da3b7f@db.example.com:5432/d",
}

// canaryScanner is the leak scanner for the canaries (internal/leakscan):
// each value, and the distinctive part of each, in every form a leak
// takes (escaped, quoted, base64).
func canaryScanner() *leakscan.Scanner {
	cs := []leakscan.Canary{{Label: "the Heroku API key", Value: canaryKey}}
	for name, v := range canaryValues {
		cs = append(cs, leakscan.Canary{Label: name, Value: v})
	}
	for _, part := range []string{"CANARY-SKB-8f14e45f", "CANARY-3c59dc04", "CANARY-PEM-a87ff679", "CANARY-DBPASS-e4da3b7f"} {
		cs = append(cs, leakscan.Canary{Label: "part " + part, Value: part})
	}
	return leakscan.Must(cs...)
}

func canaryFixture() *herokuapi.Fixture {
	vars := map[string]*string{}
	for k, v := range canaryValues {
		vars[k] = strPtr(v)
	}
	return &herokuapi.Fixture{
		APIKey: canaryKey,
		Apps: []herokuapi.App{{
			Name:       "canary-app",
			ConfigVars: vars,
			Formation:  []herokuapi.Process{{Type: "web", Command: "bin/web", Quantity: 1}},
			Addons:     []herokuapi.Addon{{Name: "postgresql-canary-1", Plan: "heroku-postgresql:standard-0", ConfigVars: []string{"DATABASE_URL"}}},
			Domains:    []herokuapi.Domain{{Hostname: "canary.example.com"}},
		}},
	}
}

func assertNoCanary(t *testing.T, where, text string) {
	t.Helper()
	if err := canaryScanner().Text(where, text); err != nil {
		t.Error(err)
	}
}

// Every data source, read at TF_LOG=trace: canaries never reach CLI output
// or the log. The config vars data source does store values in state, as
// documented; the test checks that too, which proves the canaries are
// detectable.
func TestAccLeakCanary_dataSources(t *testing.T) {
	t.Parallel()
	srv, url := herokuapi.Start(t, canaryFixture(), herokuapi.Options{})
	w := newCLIWorkspace(t, `
data "heroku2aws_app" "x" { name = "canary-app" }
data "heroku2aws_apps" "all" {}
data "heroku2aws_formation" "x" { app = data.heroku2aws_app.x.id }
data "heroku2aws_addons" "x" { app = data.heroku2aws_app.x.id }
data "heroku2aws_domains" "x" { app = data.heroku2aws_app.x.id }
data "heroku2aws_config_vars" "x" { app = data.heroku2aws_app.x.id }

output "names" { value = data.heroku2aws_config_vars.x.names }
output "values" {
  value     = data.heroku2aws_config_vars.x.values
  sensitive = true
}
`, map[string]string{"HEROKU_API_URL": url, "HEROKU_API_KEY": canaryKey})

	w.scanLeaks(canaryScanner(), true)
	w.mustRun("plan", "-out=tfplan")
	w.mustRun("apply", "tfplan")
	w.mustRun("show")
	w.mustRun("output")
	w.mustRun("plan", "-refresh-only")

	assertNoCanary(t, "terraform output", w.output.String())
	assertNoCanary(t, "the TF_LOG=trace log", w.read("trace.log"))
	if os.Getenv("LEAK_DUMP") != "" {
		t.Log(w.read("trace.log"))
	}
	if !regexp.MustCompile(`(?m)^.*Heroku API request:.*path=/apps/[^ ]+/config-vars\b.*$`).MatchString(w.read("trace.log")) {
		t.Error("the trace log shows no config vars request: the provider's own logging is not reaching the log")
	}
	if !strings.Contains(w.read("terraform.tfstate"), "CANARY-SKB-8f14e45f") {
		t.Error("the data source's values should be in state (documented); if not, the canary search is broken")
	}
	var configVarReads int
	for _, r := range srv.Requests() {
		if strings.HasSuffix(r.Path, "/config-vars") {
			configVarReads++
		}
	}
	if configVarReads == 0 {
		t.Fatal("the provider never read config vars; the test proves nothing")
	}
}

// A wrong key: the diagnostic says authentication failed and never repeats
// the key.
func TestAccLeakCanary_wrongKey(t *testing.T) {
	t.Parallel()
	_, url := herokuapi.Start(t, canaryFixture(), herokuapi.Options{})
	const wrongKey = "CANARY-WRONGKEY-1679091c"
	w := newCLIWorkspace(t, `data "heroku2aws_app" "x" { name = "canary-app" }`,
		map[string]string{"HEROKU_API_URL": url, "HEROKU_API_KEY": wrongKey})
	w.scanLeaks(canaryScanner(), false)
	out, err := w.run("plan")
	if err == nil {
		t.Fatalf("plan with a wrong key succeeded:\n%s", out)
	}
	if !strings.Contains(out, "Heroku Authentication Failed") || !strings.Contains(out, "Authentication failed") {
		t.Errorf("diagnostic does not say authentication failed:\n%s", out)
	}
	for where, text := range map[string]string{"plan output": out, "trace log": w.read("trace.log")} {
		if strings.Contains(text, wrongKey) {
			t.Errorf("the rejected key leaked into the %s", where)
		}
	}
}

// The ephemeral resource: values reach a consumer (here another provider
// configuration, as a user would wire a credential) but never the plan, the
// state, the CLI output or the log.
func TestAccLeakCanary_ephemeral(t *testing.T) {
	t.Parallel()
	if !terraformAtLeast(t, "1.10.0") {
		t.Skip("ephemeral resources need Terraform 1.10 or later")
	}
	f := canaryFixture()
	// The second provider configuration authenticates with a key read from
	// config vars: the ephemeral value must flow for the read to succeed.
	f.Apps[0].ConfigVars["CONSUMER_HEROKU_KEY"] = strPtr(canaryKey)
	srv, url := herokuapi.Start(t, f, herokuapi.Options{})
	w := newCLIWorkspace(t, `
ephemeral "heroku2aws_config_vars" "x" { app = "canary-app" }

provider "heroku2aws" {
  alias          = "consumer"
  heroku_api_key = ephemeral.heroku2aws_config_vars.x.values["CONSUMER_HEROKU_KEY"]
}

data "heroku2aws_app" "via_ephemeral_key" {
  provider = heroku2aws.consumer
  name     = "canary-app"
}

output "region" { value = data.heroku2aws_app.via_ephemeral_key.region }
`, map[string]string{"HEROKU_API_URL": url, "HEROKU_API_KEY": canaryKey})

	w.scanLeaks(canaryScanner(), false)
	w.mustRun("plan", "-out=tfplan")
	planJSON := w.mustRun("show", "-json", "tfplan")
	w.mustRun("apply", "tfplan")
	w.mustRun("show")
	w.mustRun("show", "-json")

	assertNoCanary(t, "terraform output", w.output.String())
	assertNoCanary(t, "the plan", planJSON)
	assertNoCanary(t, "the state", w.read("terraform.tfstate"))
	assertNoCanary(t, "the TF_LOG=trace log", w.read("trace.log"))
	if !strings.Contains(w.read("terraform.tfstate"), `"region": "us"`) {
		t.Error("the consumer's read did not reach state: the ephemeral value did not flow")
	}
	var configVarReads int
	for _, r := range srv.Requests() {
		if strings.HasSuffix(r.Path, "/config-vars") {
			configVarReads++
		}
	}
	if configVarReads == 0 {
		t.Fatal("the ephemeral resource was never opened; the test proves nothing")
	}
}

// awsEnv points a CLI run at an AWS sandbox through the standard SDK
// environment variables.
func awsEnv(herokuURL, awsURL string) map[string]string {
	return map[string]string{
		"HEROKU_API_URL": herokuURL, "HEROKU_API_KEY": canaryKey,
		"AWS_ENDPOINT_URL": awsURL, "AWS_REGION": "us-east-1",
		"AWS_ACCESS_KEY_ID": sandboxAWSKey, "AWS_SECRET_ACCESS_KEY": "sandbox-secret",
		"AWS_EC2_METADATA_DISABLED": "true",
	}
}

// The write-only path end to end: config vars read by the ephemeral
// resource, imported through values_wo. The values reach SSM and nothing
// else: not the plan, the state, the CLI output or the trace log.
func TestAccLeakCanary_secretImportWriteOnly(t *testing.T) {
	t.Parallel()
	if !terraformAtLeast(t, "1.11.0") {
		t.Skip("write-only attributes need Terraform 1.11 or later")
	}
	_, herokuURL := herokuapi.Start(t, canaryFixture(), herokuapi.Options{})
	aws, awsURL := awsapi.Start(t, awsapi.Options{SSMPutTPS: 50})
	w := newCLIWorkspace(t, `
provider "heroku2aws" {
  aws {
    ssm_put_parameter_rate = 50
  }
}
ephemeral "heroku2aws_config_vars" "x" { app = "canary-app" }
resource "heroku2aws_secret_import" "x" {
  values_wo         = ephemeral.heroku2aws_config_vars.x.values
  values_wo_version = 1
  ssm { path_prefix = "/canary/" }
}
output "arns" { value = heroku2aws_secret_import.x.arns }
`, awsEnv(herokuURL, awsURL))

	w.scanLeaks(canaryScanner(), false)
	w.mustRun("plan", "-out=tfplan")
	planJSON := w.mustRun("show", "-json", "tfplan")
	w.mustRun("apply", "tfplan")
	w.mustRun("plan") // refresh reads the values back to fingerprint them
	w.mustRun("show")
	w.mustRun("show", "-json")

	assertNoCanary(t, "terraform output", w.output.String())
	assertNoCanary(t, "the plan", planJSON)
	assertNoCanary(t, "the state", w.read("terraform.tfstate"))
	assertNoCanary(t, "the TF_LOG=trace log", w.read("trace.log"))
	for name, want := range canaryValues {
		value, _, _, ok := aws.Parameter("/canary/" + name)
		if !ok || value != want {
			t.Errorf("parameter /canary/%s was not written with its value", name)
		}
	}
}

// The values path stores values in state, as the user chose; they still
// never show in plan output or logs.
func TestAccLeakCanary_secretImportValues(t *testing.T) {
	t.Parallel()
	_, herokuURL := herokuapi.Start(t, canaryFixture(), herokuapi.Options{})
	_, awsURL := awsapi.Start(t, awsapi.Options{SSMPutTPS: 50})
	w := newCLIWorkspace(t, `
provider "heroku2aws" {
  aws {
    ssm_put_parameter_rate = 50
  }
}
data "heroku2aws_config_vars" "x" { app = "canary-app" }
resource "heroku2aws_secret_import" "x" {
  values = data.heroku2aws_config_vars.x.values
  ssm { path_prefix = "/canary/" }
}
`, awsEnv(herokuURL, awsURL))
	w.scanLeaks(canaryScanner(), true)
	w.mustRun("plan", "-out=tfplan")
	w.mustRun("apply", "tfplan")
	w.mustRun("plan")
	assertNoCanary(t, "terraform output", w.output.String())
	assertNoCanary(t, "the TF_LOG=trace log", w.read("trace.log"))
	if !strings.Contains(w.read("terraform.tfstate"), "CANARY-SKB-8f14e45f") {
		t.Error("with values, the state holds the values by the user's choice; the canary search must find them")
	}
}
