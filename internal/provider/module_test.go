package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/pgtest"
)

// The reusable module examples/modules/heroku-app-migration, applied with
// the real CLI against every sandbox: config vars, the database and a DNS
// pair in one apply; a second plan is empty; then a weight shift.
func TestAccAppMigrationModule(t *testing.T) {
	requireAcc(t)
	if !terraformAtLeast(t, "1.11.0") {
		t.Skip("the module uses write-only arguments: Terraform 1.11 or later")
	}
	t.Parallel()
	src := pgSource(t)
	tgt := pgtest.StartT(t, pgtest.Options{})
	if err := tgt.CreateDatabase(context.Background(), "target"); err != nil {
		t.Fatal(err)
	}
	heroku, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	if err := heroku.SetAddonDatabase("postgresql-curved-12345", src.URL("app")); err != nil {
		t.Fatal(err)
	}
	aws, awsURL := awsapi.Start(t, awsapi.Options{SSMPutTPS: 50})
	zone := aws.CreateZone("acme.com")

	w := newCLIWorkspace(t, fmt.Sprintf(`
variable "aws_weight" {
  type    = number
  default = 0
}
variable "target_url" {
  type      = string
  sensitive = true
}
provider "heroku2aws" {
  aws {
    ssm_put_parameter_rate = 50
  }
}
module "acme_api" {
  source               = "./modules/heroku-app-migration"
  app                  = "acme-api"
  databases            = ["DATABASE"]
  database_target_urls = { DATABASE = var.target_url }
  dns_zones            = { "api.acme.com" = %q }
  aws_target           = "acme-alb-1.us-east-1.elb.amazonaws.com"
  aws_weight           = var.aws_weight
}
output "traffic" { value = module.acme_api.traffic }
output "restores" { value = module.acme_api.database_restores }
`, zone), map[string]string{
		"HEROKU_API_URL": herokuURL, "HEROKU_DATA_API_URL": herokuURL, "HEROKU_API_KEY": testAPIKey,
		"AWS_ENDPOINT_URL": awsURL, "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": sandboxAWSKey,
		"AWS_SECRET_ACCESS_KEY": "sandbox-secret", "AWS_EC2_METADATA_DISABLED": "true",
		"TF_VAR_target_url": tgt.URL("target"),
	})
	copyDir(t, "../../examples/modules/heroku-app-migration", filepath.Join(w.dir, "modules", "heroku-app-migration"))
	// Config vars go through values_wo: no value may reach the state either.
	w.scanLeaks(fixtureScanner(sampleFixture(t)), false)

	w.mustRun("get") // modules only: init would query the registry for the dev-overridden provider
	w.mustRun("apply", "-auto-approve", "-input=false")
	traffic := w.mustRun("output", "-json", "traffic")
	if !strings.Contains(traffic, "heroku 100% / aws 0%") {
		t.Errorf("traffic after the first apply: %s", traffic)
	}
	var restores map[string]struct {
		Backup string            `json:"backup"`
		Tables map[string]string `json:"tables"`
	}
	if err := json.Unmarshal([]byte(w.mustRun("output", "-json", "restores")), &restores); err != nil {
		t.Fatal(err)
	}
	db := restores["DATABASE"]
	if db.Backup != "b001" || db.Tables["public.users"] != "500 -> 500 ok" || db.Tables["billing.invoices"] != "1200 -> 1200 ok" {
		t.Errorf("restore report: %+v", restores)
	}
	for table, result := range db.Tables {
		if !strings.HasSuffix(result, " ok") {
			t.Errorf("%s did not verify: %s", table, result)
		}
	}
	if value, _, _, ok := aws.Parameter("/acme-api/prod/SECRET_KEY_BASE"); !ok || value == "" {
		t.Error("SECRET_KEY_BASE was not imported into SSM")
	}
	if _, _, _, ok := aws.Parameter("/acme-api/prod/DATABASE_URL"); ok {
		t.Error("DATABASE_URL is add-on-owned and must not be imported")
	}
	if out, err := w.run("plan", "-detailed-exitcode", "-input=false"); err != nil {
		t.Errorf("the second plan is not empty:\n%s", out)
	}
	w.mustRun("apply", "-auto-approve", "-input=false", "-var", "aws_weight=10")
	if traffic := w.mustRun("output", "-json", "traffic"); !strings.Contains(traffic, "heroku 90% / aws 10%") {
		t.Errorf("traffic after the shift: %s", traffic)
	}
}

// copyDir copies a directory of files (no subdirectories).
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(to, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(to, e.Name()), string(data))
	}
}
