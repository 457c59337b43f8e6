package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

// The bad-input catalogue: invalid configurations of every object of the
// provider, each with the diagnostic it must produce, the attribute that
// diagnostic must point at, and whether it stops `terraform plan` or only
// `terraform apply`. TestBadInput runs every row against the sandboxes;
// TestTroubleshootingPage renders the rows into the Troubleshooting guide.
//
// The file is over 700 lines because it is one table: the rows, the
// configuration builders they use and the runner that checks them belong
// together, so that a new row is read next to the rows of the same object.

// badInput is one row of the catalogue.
type badInput struct {
	// object is what the row configures: "provider", or the address prefix
	// of the object such as "heroku2aws_pg_restore_job" or
	// "data.heroku2aws_app". The object in config is always named "x".
	object string
	name   string
	// config is the HCL after the provider block. These tokens are
	// replaced: @HEROKU@ and @AWS@ (sandbox URLs), @ZONE@ (the id of the
	// sandbox's acme.com hosted zone). A config that holds its own
	// `provider "heroku2aws"` block gets no other.
	config string
	// summary is the diagnostic's summary, exactly.
	summary string
	// attr is the attribute path the diagnostic points at, dotted as in the
	// docs ("ecs.cluster"); empty when it points at the whole object.
	attr string
	// line is what Terraform's quoted source line must show; it defaults
	// to the last element of attr, or to the object's header without attr.
	// Terraform quotes the nearest configured ancestor of an attribute that
	// is not in the configuration (for example the block of a missing one).
	line string
	// header is true when Terraform quotes the object's first line rather
	// than the attribute: it does for a path that ends at a nested block,
	// and for the attributes of heroku2aws_pg_restore_job that the job's
	// own validation reports.
	header bool
	// fix is the advice for the Troubleshooting page: one sentence.
	fix string
	// atPlan is true when `terraform plan` fails; false when the plan
	// succeeds (the value is only known after apply) and the apply fails.
	atPlan bool
}

const (
	objProvider      = "provider"
	objApp           = "data.heroku2aws_app"
	objApps          = "data.heroku2aws_apps"
	objFormation     = "data.heroku2aws_formation"
	objConfigVars    = "data.heroku2aws_config_vars"
	objAddons        = "data.heroku2aws_addons"
	objDomains       = "data.heroku2aws_domains"
	objEphemeralVars = "ephemeral.heroku2aws_config_vars"
	objSecretImport  = "heroku2aws_secret_import"
	objDNSRecord     = "heroku2aws_weighted_dns_record"
	objPGRestore     = "heroku2aws_pg_restore_job"
	objAppFreeze     = "heroku2aws_app_freeze"
)

// badInputObjects is the order of the objects on the Troubleshooting page.
var badInputObjects = []string{
	objProvider, objApp, objApps, objFormation, objConfigVars, objAddons, objDomains, objEphemeralVars,
	objSecretImport, objDNSRecord, objPGRestore, objAppFreeze,
}

// HCL fragments shared by the rows.
const (
	// readApp makes the provider configure (and so validate its block).
	readApp = `data "heroku2aws_app" "x" { name = "acme-api" }`
	// unknownAtPlan yields values that are only known after apply.
	unknownAtPlan = `
resource "terraform_data" "late" {
  input = {
    prefix = "/aws/acme/"
    weight = 300
    url    = "mysql://u:p@db.example.com/app"
  }
}
`
	pgTargetURL = `postgres://u:p@db.example.com:5432/app`
	pgDumpURL   = `https://dumps.example.com/app.dump`
	pgECS       = `
  executor = "ecs"
  ecs {
    cluster            = "migration"
    subnets            = ["subnet-0123456789abcdef0"]
    security_groups    = ["sg-0123456789abcdef0"]
    execution_role_arn = "arn:aws:iam::123456789012:role/restore-execution"
  }
`
)

// providerWith is a provider block with extra aws settings.
func providerWith(aws string) string {
	return `
provider "heroku2aws" {
  heroku_api_url      = "@HEROKU@"
  heroku_data_api_url = "@HEROKU@"
  heroku_api_key      = "` + testAPIKey + `"
  aws {
    region = "us-east-1"
` + aws + `
  }
}
` + readApp
}

// dnsPair is a weighted record with these heroku and aws block bodies and
// top-level extras.
func dnsPair(top, heroku, aws string) string {
	return `
resource "heroku2aws_weighted_dns_record" "x" {
  zone_id = "@ZONE@"
` + top + `
  heroku {
` + heroku + `
  }
  aws {
` + aws + `
  }
}
`
}

const (
	dnsName   = `  name = "api.acme.com"`
	dnsHeroku = `    target = "deep-owl-7h3nq9.herokudns.com"
    weight = 100`
	dnsAWS = `    target = "acme-alb-123456.us-east-1.elb.amazonaws.com"
    weight = 0`
)

// dnsGate is a top-level gate block on "/" with one more line.
func dnsGate(line string) string {
	return "\n  gate {\n    path = \"/\"\n    " + line + "\n  }"
}

// pgJob is a restore job with this body.
func pgJob(body string) string {
	return "\nresource \"heroku2aws_pg_restore_job\" \"x\" {\n" + body + "\n}\n"
}

// pgDump is a restore job from a dump URL with extra arguments.
func pgDump(extra string) string {
	return pgJob(`  source { dump_url = "` + pgDumpURL + `" }
  target_url = "` + pgTargetURL + `"
` + extra)
}

// pgECSWith is an ecs restore job whose ecs block has these attributes.
func pgECSWith(extra, ecs string) string {
	return pgJob(`  source { dump_url = "` + pgDumpURL + `" }
  target_url = "` + pgTargetURL + `"
  executor   = "ecs"
` + extra + `
  ecs {
` + ecs + `
  }`)
}

const (
	ecsCluster = `    cluster            = "migration"
`
	ecsSubnets = `    subnets            = ["subnet-0123456789abcdef0"]
`
	ecsRole = `    execution_role_arn = "arn:aws:iam::123456789012:role/restore-execution"
`
	ecsValid = ecsCluster + ecsSubnets + ecsRole
)

// secretImport is a secret import with this body.
func secretImport(body string) string {
	return "\nresource \"heroku2aws_secret_import\" \"x\" {\n" + body + "\n}\n"
}

// appFreeze is a freeze of the sample's acme-api with this body.
func appFreeze(body string) string {
	return "\nresource \"heroku2aws_app_freeze\" \"x\" {\n  app = \"acme-api\"\n" + body + "\n}\n"
}

var badInputs = []badInput{
	// The provider block.
	{object: objProvider, name: "heroku_api_url not http", atPlan: true,
		config: `
provider "heroku2aws" {
  heroku_api_url = "ftp://api.heroku.com"
  heroku_api_key = "` + testAPIKey + `"
}
` + readApp,
		summary: "Invalid Heroku API URL", attr: "heroku_api_url",
		fix: "Use an absolute http or https base URL without query or fragment, such as `https://api.heroku.com`, or leave it unset."},
	{object: objProvider, name: "heroku_data_api_url with query", atPlan: true,
		config: `
provider "heroku2aws" {
  heroku_data_api_url = "https://api.data.heroku.com/?region=eu"
  heroku_api_key      = "` + testAPIKey + `"
}
` + readApp,
		summary: "Invalid Heroku API URL", attr: "heroku_data_api_url",
		fix: "Use the base URL only, such as `https://api.data.heroku.com`."},
	{object: objProvider, name: "heroku_api_url unknown", atPlan: true,
		config: `
resource "terraform_data" "late" { input = "https://api.heroku.com" }
provider "heroku2aws" {
  heroku_api_url = terraform_data.late.output
  heroku_api_key = "` + testAPIKey + `"
}
` + readApp,
		summary: "Unknown Provider Setting", attr: "heroku_api_url",
		fix: "Set provider settings from literals, variables or data sources, not from resources created in the same run."},
	{object: objProvider, name: "aws region not a code", atPlan: true,
		config: `
provider "heroku2aws" {
  heroku_api_url = "@HEROKU@"
  heroku_api_key = "` + testAPIKey + `"
  aws { region = "US East" }
}
` + readApp,
		summary: "Invalid AWS Setting", attr: "aws.region",
		fix: "Use a region code such as `us-east-1`."},
	{object: objProvider, name: "aws profile with spaces", atPlan: true,
		config:  providerWith(`    profile = " prod"`),
		summary: "Invalid AWS Setting", attr: "aws.profile",
		fix: "Remove the leading or trailing white space: profile names are matched exactly."},
	{object: objProvider, name: "aws max_retries zero", atPlan: true,
		config:  providerWith(`    max_retries = 0`),
		summary: "Invalid Attribute Value", attr: "aws.max_retries",
		fix: "Use at least 1, or leave it unset for the default of 10."},
	{object: objProvider, name: "aws ssm rate zero", atPlan: true,
		config:  providerWith(`    ssm_put_parameter_rate = 0`),
		summary: "Invalid Attribute Value", attr: "aws.ssm_put_parameter_rate",
		fix: "Use a rate of at least 0.01 calls per second (3 for a standard-throughput account, 10 with higher throughput)."},
	{object: objProvider, name: "aws secretsmanager rate negative", atPlan: true,
		config:  providerWith(`    secretsmanager_write_rate = -5`),
		summary: "Invalid Attribute Value", attr: "aws.secretsmanager_write_rate",
		fix: "Use a rate of at least 0.01 calls per second, or leave it unset for the default of 50."},
	{object: objProvider, name: "aws endpoint without scheme", atPlan: true,
		config:  providerWith(`    endpoints { ssm = "ssm.internal:8443" }`),
		summary: "Invalid AWS Setting", attr: "aws.endpoints.ssm",
		fix: "Use an absolute http or https URL such as `https://ssm.us-east-1.amazonaws.com`."},
	{object: objProvider, name: "aws assume_role not an ARN", atPlan: true,
		config:  providerWith(`    assume_role { role_arn = "migration" }`),
		summary: "Invalid AWS Setting", attr: "aws.assume_role.role_arn",
		fix: "Use the role's ARN, `arn:aws:iam::123456789012:role/NAME`."},
	{object: objProvider, name: "aws assume_role without role_arn", atPlan: true,
		config:  providerWith(`    assume_role { session_name = "ci" }`),
		summary: "Invalid Attribute Combination", attr: "aws.assume_role.session_name",
		fix: "Set `role_arn` in the `assume_role` block, or remove the block."},
	{object: objProvider, name: "aws assume_role duration too long", atPlan: true,
		config: providerWith(`    assume_role {
      role_arn = "arn:aws:iam::123456789012:role/migration"
      duration = "24h"
    }`),
		summary: "Invalid AWS Setting", attr: "aws.assume_role.duration",
		fix: "Use a duration from `15m` to `12h`, at most the role's maximum session duration."},
	{object: objProvider, name: "aws assume_role duration not a duration", atPlan: true,
		config: providerWith(`    assume_role {
      role_arn = "arn:aws:iam::123456789012:role/migration"
      duration = "one hour"
    }`),
		summary: "Invalid AWS Setting", attr: "aws.assume_role.duration",
		fix: "Write a number with a unit, such as `1h` or `90m`."},

	// Data sources and the ephemeral resource.
	{object: objApp, name: "name and id", atPlan: true,
		config:  `data "heroku2aws_app" "x" {` + "\n" + `  name = "acme-api"` + "\n" + `  id   = "01234567-89ab-cdef-0123-456789abcdef"` + "\n}",
		summary: "Invalid Attribute Combination", attr: "name",
		fix: "Set exactly one of `name` and `id`."},
	{object: objApp, name: "app not found", atPlan: true,
		config:  `data "heroku2aws_app" "x" { name = "no-such-app" }`,
		summary: "Error Reading Heroku App", attr: "name",
		fix: "Check the app name or id (`heroku apps`), and that the API key's account can see the app."},
	{object: objApp, name: "empty name", atPlan: true,
		config:  `data "heroku2aws_app" "x" { name = "" }`,
		summary: "Invalid Attribute Value Length", attr: "name",
		fix: "Give the app's name, or set `id` instead."},
	{object: objApps, name: "invalid name_regex", atPlan: true,
		config:  `data "heroku2aws_apps" "x" { name_regex = "^acme-(api" }`,
		summary: "Invalid Regular Expression", attr: "name_regex",
		fix: "Write a valid Go regular expression; escape `.` and `(` with `\\\\` in HCL."},
	{object: objApps, name: "team not found", atPlan: true,
		config:  `data "heroku2aws_apps" "x" { team = "nobody" }`,
		summary: "Error Listing Heroku Apps", attr: "team",
		fix: "Check the team name (`heroku teams`), or leave `team` unset to list the account's apps."},
	{object: objFormation, name: "app not found", atPlan: true,
		config:  `data "heroku2aws_formation" "x" { app = "ghost" }`,
		summary: "Error Reading Heroku Formation", attr: "app",
		fix: "Check the app name or id, for example by passing `data.heroku2aws_app.<name>.id`."},
	{object: objFormation, name: "empty app", atPlan: true,
		config:  `data "heroku2aws_formation" "x" { app = "" }`,
		summary: "Invalid Attribute Value Length", attr: "app",
		fix: "Give the app's name or id."},
	{object: objConfigVars, name: "malformed include glob", atPlan: true,
		config:  `data "heroku2aws_config_vars" "x" {` + "\n" + `  app     = "acme-api"` + "\n" + `  include = ["DATABASE_[URL"]` + "\n}",
		summary: "Invalid Config Var Name Pattern", attr: "include",
		fix: "Use config var names or globs such as `AWS_*`; close every `[`."},
	{object: objConfigVars, name: "empty exclude entry", atPlan: true,
		config:  `data "heroku2aws_config_vars" "x" {` + "\n" + `  app     = "acme-api"` + "\n" + `  exclude = [""]` + "\n}",
		summary: "Invalid Config Var Name Pattern", attr: "exclude",
		fix: "Remove the empty entry."},
	{object: objConfigVars, name: "app not found", atPlan: true,
		config:  `data "heroku2aws_config_vars" "x" { app = "ghost" }`,
		summary: "Error Reading Heroku Config Vars", attr: "app",
		fix: "Check the app name or id."},
	{object: objAddons, name: "app not found", atPlan: true,
		config:  `data "heroku2aws_addons" "x" { app = "ghost" }`,
		summary: "Error Reading Heroku Add-ons", attr: "app",
		fix: "Check the app name or id."},
	{object: objDomains, name: "app not found", atPlan: true,
		config:  `data "heroku2aws_domains" "x" { app = "ghost" }`,
		summary: "Error Reading Heroku Domains", attr: "app",
		fix: "Check the app name or id."},
	{object: objDomains, name: "empty app", atPlan: true,
		config:  `data "heroku2aws_domains" "x" { app = "" }`,
		summary: "Invalid Attribute Value Length", attr: "app",
		fix: "Give the app's name or id."},
	{object: objEphemeralVars, name: "app not found", atPlan: true,
		config:  `ephemeral "heroku2aws_config_vars" "x" { app = "ghost" }`,
		summary: "Error Opening Heroku Config Vars", attr: "app",
		fix: "Check the app name or id."},
	{object: objEphemeralVars, name: "malformed exclude glob", atPlan: true,
		config:  `ephemeral "heroku2aws_config_vars" "x" {` + "\n" + `  app     = "acme-api"` + "\n" + `  exclude = ["HEROKU_[*"]` + "\n}",
		summary: "Invalid Config Var Name Pattern", attr: "exclude",
		fix: "Use config var names or globs such as `HEROKU_*`; close every `[`."},

	// heroku2aws_secret_import.
	{object: objSecretImport, name: "no destination", atPlan: true,
		config:  secretImport(`  values = { A = "1" }`),
		summary: "Missing Attribute Configuration", attr: "",
		fix: "Add exactly one of the `ssm`, `secretsmanager` and `secretsmanager_per_var` blocks."},
	{object: objSecretImport, name: "two destinations", atPlan: true,
		config: secretImport(`  values = { A = "1" }
  ssm { path_prefix = "/acme/prod/" }
  secretsmanager { name = "acme/prod" }`),
		summary: "Invalid Attribute Combination", attr: "", line: `resource "heroku2aws_secret_import"`,
		fix: "Keep only one destination block; use two resources to write to two destinations."},
	{object: objSecretImport, name: "no values", atPlan: true,
		config:  secretImport(`  ssm { path_prefix = "/acme/prod/" }`),
		summary: "Missing Attribute Configuration", attr: "",
		fix: "Set `values`, or `values_wo` with `values_wo_version`."},
	{object: objSecretImport, name: "values and values_wo", atPlan: true,
		config: secretImport(`  values            = { A = "1" }
  values_wo         = { A = "1" }
  values_wo_version = 1
  ssm { path_prefix = "/acme/prod/" }`),
		summary: "Invalid Attribute Combination", attr: "values",
		fix: "Set only one of `values` and `values_wo`; prefer `values_wo`, which keeps the values out of the state."},
	{object: objSecretImport, name: "values_wo without version", atPlan: true,
		config: secretImport(`  values_wo = { A = "1" }
  ssm { path_prefix = "/acme/prod/" }`),
		summary: "Invalid Attribute Combination", attr: "values_wo",
		fix: "Add `values_wo_version` and change it whenever the values should be written again."},
	{object: objSecretImport, name: "ssm without path_prefix", atPlan: true,
		config: secretImport(`  values = { A = "1" }
  ssm { tier = "Standard" }`),
		summary: "Missing Destination Name", attr: "ssm.path_prefix", line: "ssm",
		fix: "Set `path_prefix` in the `ssm` block, such as `/acme-api/prod/`."},
	{object: objSecretImport, name: "reserved path_prefix", atPlan: true,
		config: secretImport(`  values = { A = "1" }
  ssm { path_prefix = "/aws/acme/" }`),
		summary: "Invalid SSM Path Prefix", attr: "ssm.path_prefix",
		fix: "Use a prefix that does not start with `aws` or `ssm`, starts with `/` and has no `//`."},
	{object: objSecretImport, name: "relative path_prefix", atPlan: true,
		config: secretImport(`  values = { A = "1" }
  ssm { path_prefix = "acme/prod/" }`),
		summary: "Invalid SSM Path Prefix", attr: "ssm.path_prefix",
		fix: "Start a hierarchical prefix with `/`, such as `/acme/prod/`."},
	{object: objSecretImport, name: "path_prefix known only at apply", atPlan: false,
		config: unknownAtPlan + secretImport(`  values = { A = "1" }
  ssm { path_prefix = terraform_data.late.output.prefix }`),
		summary: "Invalid SSM Path Prefix", attr: "ssm.path_prefix",
		fix: "Same as above; the check runs once the value is known, before anything is written."},
	{object: objSecretImport, name: "unknown tier", atPlan: true,
		config: secretImport(`  values = { A = "1" }
  ssm {
    path_prefix = "/acme/prod/"
    tier        = "Premium"
  }`),
		summary: "Invalid Attribute Value Match", attr: "ssm.tier",
		fix: "Use one of `auto`, `Standard`, `Advanced` and `Intelligent-Tiering`."},
	{object: objSecretImport, name: "value too large for Standard", atPlan: true,
		config: secretImport(`  values = { CERT = "` + strings.Repeat("c", 5000) + `" }
  ssm {
    path_prefix = "/acme/prod/"
    tier        = "Standard"
  }`),
		summary: "Value Too Large for the Standard Tier", attr: "ssm.tier",
		fix: "Set `tier = \"auto\"` (Advanced only for large values) or `\"Advanced\"`, or use a Secrets Manager destination."},
	{object: objSecretImport, name: "value too large for SSM", atPlan: true,
		config: secretImport(`  values = { BLOB = "` + strings.Repeat("b", 9000) + `" }
  ssm { path_prefix = "/acme/prod/" }`),
		summary: "Value Too Large for SSM", attr: "ssm", header: true,
		fix: "Use `secretsmanager` or `secretsmanager_per_var` (up to 64 KB a value), or exclude the key."},
	{object: objSecretImport, name: "rename to invalid parameter name", atPlan: true,
		config: secretImport(`  values = { DATABASE_URL = "x" }
  rename = { DATABASE_URL = "database url!" }
  ssm { path_prefix = "/acme/prod/" }`),
		summary: "Invalid SSM Parameter Name", attr: "rename",
		fix: "Rename to a key of letters, digits and `_.-/`."},
	{object: objSecretImport, name: "rename to empty key", atPlan: true,
		config: secretImport(`  values = { A = "1" }
  rename = { A = "" }
  ssm { path_prefix = "/acme/prod/" }`),
		summary: "Invalid Rename", attr: "rename",
		fix: "Give the new key, or drop the entry."},
	{object: objSecretImport, name: "rename collision", atPlan: true,
		config: secretImport(`  values = { A = "1", B = "2" }
  rename = { A = "B" }
  ssm { path_prefix = "/acme/prod/" }`),
		summary: "Rename Collision", attr: "rename",
		fix: "Rename one of the two config vars to another key, or exclude one."},
	{object: objSecretImport, name: "malformed include glob", atPlan: true,
		config: secretImport(`  values  = { A = "1" }
  include = ["[A"]
  ssm { path_prefix = "/acme/prod/" }`),
		summary: "Invalid Config Var Name Pattern", attr: "include",
		fix: "Use config var names or globs such as `AWS_*`."},
	{object: objSecretImport, name: "secret name with ARN-like suffix", atPlan: true,
		config: secretImport(`  values = { A = "1" }
  secretsmanager { name = "acme/prod-abcdef" }`),
		summary: "Invalid Secret Name", attr: "secretsmanager.name",
		fix: "Change the end of the name: a hyphen and six characters look like the random suffix of a secret ARN."},
	{object: objSecretImport, name: "secret name with spaces", atPlan: true,
		config: secretImport(`  values = { A = "1" }
  secretsmanager { name = "acme prod" }`),
		summary: "Invalid Secret Name", attr: "secretsmanager.name",
		fix: "Use only letters, digits and `/_+=.@-`."},
	{object: objSecretImport, name: "per-var secret name from a key", atPlan: true,
		config: secretImport(`  values = { "A B" = "1" }
  secretsmanager_per_var { name_prefix = "acme/prod/" }`),
		summary: "Invalid Secret Name", attr: "values", line: "values",
		fix: "Rename the key with `rename`, or exclude it."},
	{object: objSecretImport, name: "recovery window out of range", atPlan: true,
		config: secretImport(`  values = { A = "1" }
  secretsmanager {
    name                    = "acme/prod"
    recovery_window_in_days = 3
  }`),
		summary: "Invalid Attribute Value", attr: "secretsmanager.recovery_window_in_days",
		fix: "Use 7 to 30 days, or 0 to delete without recovery."},
	{object: objSecretImport, name: "JSON secret too large", atPlan: true,
		config: secretImport(`  values = {
` + func() string {
			var b strings.Builder
			for i := 0; i < 20; i++ {
				fmt.Fprintf(&b, "    K%02d = %q\n", i, strings.Repeat("z", 4000))
			}
			return b.String()
		}() + `  }
  secretsmanager { name = "acme/prod" }`),
		summary: "Secret Too Large", attr: "secretsmanager", header: true,
		fix: "Exclude the largest keys, or use `secretsmanager_per_var` to give each key its own secret."},

	// heroku2aws_weighted_dns_record.
	{object: objDNSRecord, name: "weight above 255", atPlan: true,
		config:  dnsPair(dnsName, "    target = \"deep-owl-7h3nq9.herokudns.com\"\n    weight = 300", dnsAWS),
		summary: "Invalid Weight", attr: "heroku.weight",
		fix: "Use a weight from 0 to 255; a side's share is its weight over the sum of both."},
	{object: objDNSRecord, name: "negative weight", atPlan: true,
		config:  dnsPair(dnsName, dnsHeroku, "    target = \"acme-alb-123456.us-east-1.elb.amazonaws.com\"\n    weight = -1"),
		summary: "Invalid Weight", attr: "aws.weight",
		fix: "Use a weight from 0 to 255."},
	{object: objDNSRecord, name: "weight known only at apply", atPlan: false,
		config: unknownAtPlan + dnsPair(dnsName, dnsHeroku,
			"    target = \"acme-alb-123456.us-east-1.elb.amazonaws.com\"\n    weight = terraform_data.late.output.weight"),
		summary: "Invalid Weight", attr: "aws.weight",
		fix: "Same as above; the check runs once the value is known, before Route 53 is changed."},
	{object: objDNSRecord, name: "missing weight", atPlan: true,
		config:  dnsPair(dnsName, `    target = "deep-owl-7h3nq9.herokudns.com"`, dnsAWS),
		summary: "Missing Required Argument", attr: "heroku.weight", line: "heroku",
		fix: "Set `weight` in both the `heroku` and the `aws` block."},
	{object: objDNSRecord, name: "missing heroku block", atPlan: true,
		config: `
resource "heroku2aws_weighted_dns_record" "x" {
  zone_id = "@ZONE@"
  name    = "api.acme.com"
  aws {
` + dnsAWS + `
  }
}
`,
		summary: "Invalid Block", attr: "heroku", header: true,
		fix: "Add the `heroku` block with the app's DNS target and weight."},
	{object: objDNSRecord, name: "zero TTL", atPlan: true,
		config:  dnsPair(dnsName+"\n  ttl = 0", dnsHeroku, dnsAWS),
		summary: "Invalid TTL", attr: "ttl",
		fix: "Use a TTL above 0; 60 seconds around a cutover."},
	{object: objDNSRecord, name: "same set identifiers", atPlan: true,
		config: dnsPair(dnsName, dnsHeroku+"\n    set_identifier = \"blue\"",
			dnsAWS+"\n    set_identifier = \"blue\""),
		summary: "Duplicate Set Identifier", attr: "aws.set_identifier",
		fix: "Give the two records different set identifiers, or leave both unset (`heroku` and `aws`)."},
	{object: objDNSRecord, name: "empty set identifier", atPlan: true,
		config:  dnsPair(dnsName, dnsHeroku+"\n    set_identifier = \"\"", dnsAWS),
		summary: "Invalid Set Identifier", attr: "heroku.set_identifier",
		fix: "Use 1 to 128 characters, or leave it unset."},
	{object: objDNSRecord, name: "heroku target not a hostname", atPlan: true,
		config:  dnsPair(dnsName, "    target = \"https://acme-api.herokuapp.com/\"\n    weight = 100", dnsAWS),
		summary: "Invalid Heroku Target", attr: "heroku.target",
		fix: "Use the `cname` of `heroku2aws_domains`, a bare hostname such as `deep-owl-1234.herokudns.com`."},
	{object: objDNSRecord, name: "aws target not a hostname", atPlan: true,
		config:  dnsPair(dnsName, dnsHeroku, "    target = \"10.0.0.1:443\"\n    weight = 0"),
		summary: "Invalid AWS Target", attr: "aws.target",
		fix: "Use a hostname such as the load balancer's DNS name."},
	{object: objDNSRecord, name: "no aws target", atPlan: true,
		config:  dnsPair(dnsName, dnsHeroku, "    weight = 0"),
		summary: "Missing AWS Target", attr: "aws.target", line: "aws",
		fix: "Set `aws.target` (such as the load balancer's DNS name) or `aws.alias`."},
	{object: objDNSRecord, name: "target and alias", atPlan: true,
		config: dnsPair(dnsName, dnsHeroku, dnsAWS+`
    alias {
      name    = "lb.acme.com"
      zone_id = "@ZONE@"
    }`),
		summary: "Conflicting AWS Targets", attr: "aws.alias", line: "alias",
		fix: "Set either `aws.target` or `aws.alias`, not both."},
	{object: objDNSRecord, name: "alias into another zone", atPlan: true,
		config: dnsPair(dnsName, dnsHeroku, `    weight = 0
    alias {
      name    = "dualstack.acme-alb-123456.us-east-1.elb.amazonaws.com"
      zone_id = "Z35SXDOTRQ7X7K"
    }`),
		summary: "Alias Needs Another Record Type", attr: "aws.alias.zone_id",
		fix: "Point `aws.target` at the load balancer's DNS name instead: a CNAME alias only reaches records of its own zone."},
	{object: objDNSRecord, name: "zone not found", atPlan: true,
		config: `
resource "heroku2aws_weighted_dns_record" "x" {
  zone_id = "ZNOSUCHZONE00000"
` + dnsName + `
  heroku {
` + dnsHeroku + `
  }
  aws {
` + dnsAWS + `
  }
}
`,
		summary: "Hosted Zone Not Found", attr: "zone_id",
		fix: "Check `zone_id`, and that the AWS credentials can read the hosted zone."},
	{object: objDNSRecord, name: "name at the zone apex", atPlan: true,
		config:  dnsPair(`  name = "acme.com"`, dnsHeroku, dnsAWS),
		summary: "Name Is the Zone Apex", attr: "name",
		fix: "Use a subdomain such as `www.acme.com`: a CNAME is not allowed at the apex."},
	{object: objDNSRecord, name: "name outside the zone", atPlan: true,
		config:  dnsPair(`  name = "api.example.org"`, dnsHeroku, dnsAWS),
		summary: "Name Outside the Zone", attr: "name",
		fix: "Use a name under the hosted zone's domain, or the `zone_id` of the zone that holds the name."},
	{object: objDNSRecord, name: "gate success ratio above 1", atPlan: true,
		config:  dnsPair(dnsName+dnsGate("min_success_ratio = 1.5"), dnsHeroku, dnsAWS),
		summary: "Invalid Success Ratio", attr: "gate.min_success_ratio",
		fix: "Use a share from 0 to 1, such as `0.95` for 95% of the requests."},
	{object: objDNSRecord, name: "gate without requests", atPlan: true,
		config:  dnsPair(dnsName+dnsGate("requests = 0"), dnsHeroku, dnsAWS),
		summary: "Invalid Gate Requests", attr: "gate.requests",
		fix: "Send from 1 to 1000 requests; the default is 20."},
	{object: objDNSRecord, name: "gate with too many requests", atPlan: true,
		config:  dnsPair(dnsName+dnsGate("requests = 1001"), dnsHeroku, dnsAWS),
		summary: "Invalid Gate Requests", attr: "gate.requests",
		fix: "Send at most 1000 requests; spread them with `duration` instead."},
	{object: objDNSRecord, name: "gate path without a leading slash", atPlan: true,
		config:  dnsPair(dnsName+"\n  gate {\n    path = \"health\"\n  }", dnsHeroku, dnsAWS),
		summary: "Invalid Gate Path", attr: "gate.path",
		fix: "Start the path with `/`, such as `/` or `/health`."},
	{object: objDNSRecord, name: "gate scheme not http(s)", atPlan: true,
		config:  dnsPair(dnsName+dnsGate(`scheme = "ftp"`), dnsHeroku, dnsAWS),
		summary: "Invalid Gate Scheme", attr: "gate.scheme",
		fix: "Use `https` (the default) or `http`."},
	{object: objDNSRecord, name: "health check interval not 10 or 30", atPlan: true,
		config:  dnsPair(dnsName, dnsHeroku, dnsAWS+"\n    health_check {\n      request_interval = 20\n    }"),
		summary: "Invalid Health Check Interval", attr: "aws.health_check.request_interval",
		fix: "Use 10 or 30 seconds: Route 53 checks at no other interval."},
	{object: objDNSRecord, name: "health check failure threshold above 10", atPlan: true,
		config:  dnsPair(dnsName, dnsHeroku, dnsAWS+"\n    health_check {\n      failure_threshold = 11\n    }"),
		summary: "Invalid Failure Threshold", attr: "aws.health_check.failure_threshold",
		fix: "Use 1 to 10 consecutive checks; the default is 3."},
	{object: objDNSRecord, name: "health check block and id", atPlan: true,
		config: dnsPair(dnsName, dnsHeroku, dnsAWS+"\n    health_check_id = \"abcdef01-2345-6789-abcd-ef0123456789\""+
			"\n    health_check {\n      path = \"/health\"\n    }"),
		summary: "Invalid Attribute Combination", attr: "aws.health_check_id",
		fix: "Set either `health_check` (the resource owns the check) or `health_check_id` (a check you manage), not both."},

	// heroku2aws_pg_restore_job.
	{object: objPGRestore, name: "no source block", atPlan: true,
		config:  pgJob(`  target_url = "` + pgTargetURL + `"`),
		summary: "Invalid Block", attr: "source", header: true,
		fix: "Add a `source` block with one of `heroku_backup`, `database_url`, `dump_url` and `dump_file`."},
	{object: objPGRestore, name: "empty source block", atPlan: true,
		config: pgJob(`  source {}
  target_url = "` + pgTargetURL + `"`),
		summary: "Invalid Source", attr: "source", header: true,
		fix: "Set exactly one of `heroku_backup`, `database_url`, `dump_url` and `dump_file` in `source`."},
	{object: objPGRestore, name: "two sources", atPlan: true,
		config: pgJob(`  source {
    dump_url     = "` + pgDumpURL + `"
    database_url = "postgres://u:p@heroku.example.com/d1"
  }
  target_url = "` + pgTargetURL + `"`),
		summary: "Invalid Source", attr: "source", header: true,
		fix: "Keep only one source; a second copy is a second resource."},
	{object: objPGRestore, name: "heroku_backup without app", atPlan: true,
		config: pgJob(`  source {
    heroku_backup { backup = "b042" }
  }
  target_url = "` + pgTargetURL + `"`),
		summary: "Missing Required Argument", attr: "source.heroku_backup.app", line: "heroku_backup",
		fix: "Set `app` to the Heroku app the database is attached to."},
	{object: objPGRestore, name: "invalid backup name", atPlan: true,
		config: pgJob(`  source {
    heroku_backup {
      app    = "acme-api"
      backup = "yesterday"
    }
  }
  target_url = "` + pgTargetURL + `"`),
		summary: "Invalid Backup Name", attr: "source.heroku_backup.backup",
		fix: "Use `latest` or a name that `heroku pg:backups` lists, such as `b042` or `a012`."},
	{object: objPGRestore, name: "capture with a named backup", atPlan: true,
		config: pgJob(`  source {
    heroku_backup {
      app     = "acme-api"
      backup  = "b042"
      capture = true
    }
  }
  target_url = "` + pgTargetURL + `"`),
		summary: "Conflicting Backup Settings", attr: "source.heroku_backup.backup",
		fix: "Remove `backup` (or set it to `latest`) when `capture = true`."},
	{object: objPGRestore, name: "target_url with mysql scheme", atPlan: true,
		config: pgJob(`  source { dump_url = "` + pgDumpURL + `" }
  target_url = "mysql://u:p@db.example.com/app"`),
		summary: "Invalid Target URL", attr: "target_url", header: true,
		fix: "Use a `postgres://user:password@host:5432/dbname` URL."},
	{object: objPGRestore, name: "target_url key/value string", atPlan: true,
		config: pgJob(`  source { dump_url = "` + pgDumpURL + `" }
  target_url = "host=db.example.com user=u dbname=app"`),
		summary: "Invalid Target URL", attr: "target_url", header: true,
		fix: "Write the connection as a URL, `postgres://user:password@host:5432/dbname`, not as key=value pairs."},
	{object: objPGRestore, name: "empty target_url", atPlan: true,
		config: pgJob(`  source { dump_url = "` + pgDumpURL + `" }
  target_url = ""`),
		summary: "Missing Target URL", attr: "target_url", header: true,
		fix: "Set `target_url` to the database to restore into."},
	{object: objPGRestore, name: "no target URL", atPlan: true,
		config:  pgJob(`  source { dump_url = "` + pgDumpURL + `" }`),
		summary: "Missing Attribute Configuration", attr: "",
		fix: "Set `target_url_wo` with `target_url_wo_version` (the URL never reaches the state), or `target_url`."},
	{object: objPGRestore, name: "target_url and target_url_wo", atPlan: true,
		config: pgJob(`  source { dump_url = "` + pgDumpURL + `" }
  target_url            = "` + pgTargetURL + `"
  target_url_wo         = "` + pgTargetURL + `"
  target_url_wo_version = 1`),
		summary: "Invalid Attribute Combination", attr: "target_url",
		fix: "Set only one of `target_url` and `target_url_wo`; prefer `target_url_wo`, which keeps the URL out of the state."},
	{object: objPGRestore, name: "target_url_wo without version", atPlan: true,
		config: pgJob(`  source { dump_url = "` + pgDumpURL + `" }
  target_url_wo = "` + pgTargetURL + `"`),
		summary: "Invalid Attribute Combination", attr: "target_url_wo",
		fix: "Add `target_url_wo_version` and change it whenever the job should run again with a new URL."},
	{object: objPGRestore, name: "target_url_wo with mysql scheme", atPlan: true,
		config: pgJob(`  source { dump_url = "` + pgDumpURL + `" }
  target_url_wo         = "mysql://u:p@db.example.com/app"
  target_url_wo_version = 1`),
		summary: "Invalid Target URL", attr: "target_url_wo", header: true,
		fix: "Use a `postgres://user:password@host:5432/dbname` URL, as for `target_url`."},
	{object: objPGRestore, name: "target_url known only at apply", atPlan: false,
		config: unknownAtPlan + pgJob(`  source { dump_url = "`+pgDumpURL+`" }
  target_url = terraform_data.late.output.url`),
		summary: "Invalid Target URL", attr: "target_url", header: true,
		fix: "Same as above; the check runs once the value is known, before the job starts."},
	{object: objPGRestore, name: "target is the source", atPlan: true,
		config: pgJob(`  source { database_url = "` + pgTargetURL + `" }
  target_url = "` + pgTargetURL + `"`),
		summary: "Target Is The Source", attr: "target_url", header: true,
		fix: "Point `target_url` at the AWS database, not at the source."},
	{object: objPGRestore, name: "database_url with http scheme", atPlan: true,
		config: pgJob(`  source { database_url = "https://heroku.example.com/d1" }
  target_url = "` + pgTargetURL + `"`),
		summary: "Invalid Database URL", attr: "source.database_url", header: true,
		fix: "Use the database's `postgres://` URL, such as Heroku's `DATABASE_URL`."},
	{object: objPGRestore, name: "dump_url with ftp scheme", atPlan: true,
		config: pgJob(`  source { dump_url = "ftp://dumps.example.com/app.dump" }
  target_url = "` + pgTargetURL + `"`),
		summary: "Invalid Dump URL", attr: "source.dump_url", header: true,
		fix: "Use an https:// URL of a custom-format dump (`pg_dump -Fc`)."},
	{object: objPGRestore, name: "unknown verify mode", atPlan: true,
		config:  pgDump(`  verify = "md5"`),
		summary: "Invalid Attribute Value Match", attr: "verify",
		fix: "Use one of `none`, `row_counts` and `checksums`."},
	{object: objPGRestore, name: "unknown heroku_ext mode", atPlan: true,
		config:  pgDump(`  heroku_ext = "drop"`),
		summary: "Invalid Attribute Value Match", attr: "heroku_ext",
		fix: "Use `create` or `remap`."},
	{object: objPGRestore, name: "zero jobs", atPlan: true,
		config:  pgDump(`  jobs = 0`),
		summary: "Invalid Attribute Value", attr: "jobs",
		fix: "Use 1 to 64 parallel jobs, or leave it unset for one per CPU."},
	{object: objPGRestore, name: "unknown executor", atPlan: true,
		config:  pgDump(`  executor = "lambda"`),
		summary: "Invalid Attribute Value Match", attr: "executor",
		fix: "Use `local` or `ecs`."},
	{object: objPGRestore, name: "invalid extension name", atPlan: true,
		config:  pgDump(`  extensions = ["uuid ossp"]`),
		summary: "Invalid Extension Name", attr: "extensions",
		fix: "Use the extension's name as `pg_available_extensions` lists it, such as `uuid-ossp`."},
	{object: objPGRestore, name: "schema included and excluded", atPlan: true,
		config: pgDump(`  schemas         = ["public", "audit"]
  exclude_schemas = ["audit"]`),
		summary: "Conflicting Schema Filters", attr: "exclude_schemas",
		fix: "Remove the schema from one of the two lists."},
	{object: objPGRestore, name: "heroku_ext excluded", atPlan: true,
		config:  pgDump(`  exclude_schemas = ["heroku_ext"]`),
		summary: "heroku_ext Cannot Be Excluded", attr: "exclude_schemas",
		fix: "Set `heroku_ext = \"remap\"` to move the extensions to `public` instead."},
	{object: objPGRestore, name: "pg_bin_dir without tools", atPlan: true,
		config:  pgDump(`  pg_bin_dir = "/nonexistent/pgsql/bin"`),
		summary: "PostgreSQL Client Tools Not Found", attr: "pg_bin_dir",
		fix: "Point `pg_bin_dir` at the directory of `pg_dump` and `pg_restore`, or install the PostgreSQL client tools."},
	{object: objPGRestore, name: "ecs executor without ecs block", atPlan: true,
		config:  pgDump(`  executor = "ecs"`),
		summary: "Missing ecs Block", attr: "executor",
		fix: "Add an `ecs` block with at least `cluster`, `subnets` and `execution_role_arn`."},
	{object: objPGRestore, name: "ecs block with local executor", atPlan: true,
		config:  pgDump("  ecs {\n" + ecsValid + "  }"),
		summary: "Unexpected ecs Block", attr: "ecs", header: true,
		fix: "Set `executor = \"ecs\"`, or remove the `ecs` block to run the job on this machine."},
	{object: objPGRestore, name: "ecs without cluster", atPlan: true,
		config:  pgECSWith("", ecsSubnets+ecsRole),
		summary: "Missing ECS Cluster", attr: "ecs.cluster", line: "ecs",
		fix: "Set `ecs.cluster` to the name or ARN of the ECS cluster."},
	{object: objPGRestore, name: "ecs cluster name with spaces", atPlan: true,
		config:  pgECSWith("", `    cluster = "my cluster"`+"\n"+ecsSubnets+ecsRole),
		summary: "Invalid ECS Cluster", attr: "ecs.cluster",
		fix: "Use the cluster's name (letters, digits, `-` and `_`) or its ARN `arn:aws:ecs:REGION:ACCOUNT:cluster/NAME`."},
	{object: objPGRestore, name: "ecs cluster ARN of another service", atPlan: true,
		config:  pgECSWith("", `    cluster = "arn:aws:eks:us-east-1:123456789012:cluster/migration"`+"\n"+ecsSubnets+ecsRole),
		summary: "Invalid ECS Cluster", attr: "ecs.cluster",
		fix: "Use an ECS cluster ARN, not an EKS one."},
	{object: objPGRestore, name: "ecs without subnets", atPlan: true,
		config:  pgECSWith("", ecsCluster+ecsRole),
		summary: "Missing Subnets", attr: "ecs.subnets", line: "ecs",
		fix: "Set `ecs.subnets` to subnets of the target's VPC that reach the database and the internet."},
	{object: objPGRestore, name: "ecs subnet name instead of id", atPlan: true,
		config:  pgECSWith("", ecsCluster+`    subnets = ["private-a"]`+"\n"+ecsRole),
		summary: "Invalid Subnet ID", attr: "ecs.subnets",
		fix: "Use subnet IDs such as `subnet-0123456789abcdef0`."},
	{object: objPGRestore, name: "ecs security group name instead of id", atPlan: true,
		config:  pgECSWith("", ecsValid+`    security_groups = ["default"]`),
		summary: "Invalid Security Group ID", attr: "ecs.security_groups",
		fix: "Use security group IDs such as `sg-0123456789abcdef0`."},
	{object: objPGRestore, name: "ecs without execution role", atPlan: true,
		config:  pgECSWith("", ecsCluster+ecsSubnets),
		summary: "Missing Execution Role", attr: "ecs.execution_role_arn", line: "ecs",
		fix: "Set `ecs.execution_role_arn` to a role that `ecs-tasks.amazonaws.com` can assume."},
	{object: objPGRestore, name: "ecs execution role is a user", atPlan: true,
		config:  pgECSWith("", ecsCluster+ecsSubnets+`    execution_role_arn = "arn:aws:iam::123456789012:user/deploy"`),
		summary: "Invalid Role ARN", attr: "ecs.execution_role_arn",
		fix: "Use an IAM role ARN, `arn:aws:iam::ACCOUNT:role/NAME`."},
	{object: objPGRestore, name: "ecs task role not an ARN", atPlan: true,
		config:  pgECSWith("", ecsValid+`    task_role_arn = "restore-task"`),
		summary: "Invalid Role ARN", attr: "ecs.task_role_arn",
		fix: "Use an IAM role ARN, or leave `task_role_arn` unset: the job calls no AWS API."},
	{object: objPGRestore, name: "ecs cpu not a Fargate size", atPlan: true,
		config:  pgECSWith("", ecsValid+`    cpu = 300`),
		summary: "Invalid Attribute Value Match", attr: "ecs.cpu",
		fix: "Use 256, 512, 1024, 2048, 4096, 8192 or 16384."},
	{object: objPGRestore, name: "ecs memory does not fit cpu", atPlan: true,
		config:  pgECSWith("", ecsValid+"    cpu    = 1024\n    memory = 1024"),
		summary: "Invalid Fargate Memory", attr: "ecs.memory",
		fix: "Use a memory size that Fargate allows with `ecs.cpu`, as the message lists (1024 CPU takes 2048 to 8192 MiB)."},
	{object: objPGRestore, name: "ecs ephemeral storage too small", atPlan: true,
		config:  pgECSWith("", ecsValid+`    ephemeral_storage_gib = 10`),
		summary: "Invalid Attribute Value", attr: "ecs.ephemeral_storage_gib",
		fix: "Use 21 to 200 GiB, more than the backup's size, or leave it unset for 20 GiB."},
	{object: objPGRestore, name: "ecs log group with spaces", atPlan: true,
		config:  pgECSWith("", ecsValid+`    log_group = "pg restore"`),
		summary: "Invalid Log Group Name", attr: "ecs.log_group",
		fix: "Use an existing log group's name: letters, digits and `. - _ / #`."},
	{object: objPGRestore, name: "ecs password secret not an ARN", atPlan: true,
		config:  pgECSWith("", ecsValid+`    target_password_secret = "rds-master-password"`),
		summary: "Invalid Secret ARN", attr: "ecs.target_password_secret",
		fix: "Use the ARN of a Secrets Manager secret (optionally with `:password::`) or of an SSM parameter."},
	{object: objPGRestore, name: "ecs target_url without password", atPlan: true,
		config: pgJob(`  source { dump_url = "` + pgDumpURL + `" }
  target_url = "postgres://restore@db.example.com:5432/app"
` + pgECS),
		summary: "Missing Target Password", attr: "target_url", header: true,
		fix: "Put the password in `target_url`, or set `ecs.target_password_secret`."},
	{object: objPGRestore, name: "ecs with dump_file", atPlan: true,
		config: pgJob(`  source { dump_file = "/tmp/app.dump" }
  target_url = "` + pgTargetURL + `"
` + pgECS),
		summary: `Not Supported With executor = "ecs"`, attr: "source.dump_file",
		fix: "Upload the dump and use `source.dump_url`, or use `executor = \"local\"`."},
	{object: objPGRestore, name: "ecs with exclude_tables", atPlan: true,
		config:  pgDump(`  exclude_tables = ["public.events"]` + pgECS),
		summary: `Not Supported With executor = "ecs"`, attr: "exclude_tables",
		fix: "Use `executor = \"local\"` to filter tables."},
	{object: objPGRestore, name: "ecs with checksums", atPlan: true,
		config:  pgDump(`  verify = "checksums"` + pgECS),
		summary: `Not Supported With executor = "ecs"`, attr: "verify",
		fix: "Use `verify = \"row_counts\"` with the ecs executor, or `executor = \"local\"`."},
	{object: objPGRestore, name: "ecs with heroku_ext remap", atPlan: true,
		config:  pgDump(`  heroku_ext = "remap"` + pgECS),
		summary: `Not Supported With executor = "ecs"`, attr: "heroku_ext",
		fix: "Keep `heroku_ext = \"create\"` with the ecs executor, or use `executor = \"local\"`."},
	{object: objPGRestore, name: "ecs with pg_bin_dir", atPlan: true,
		config:  pgDump(`  pg_bin_dir = "/usr/bin"` + pgECS),
		summary: `Not Supported With executor = "ecs"`, attr: "pg_bin_dir",
		fix: "Remove `pg_bin_dir`: the task uses the tools of `ecs.image`."},

	// heroku2aws_app_freeze.
	{object: objAppFreeze, name: "app not found", atPlan: true,
		config:  "\nresource \"heroku2aws_app_freeze\" \"x\" {\n  app = \"no-such-app\"\n}\n",
		summary: "Error Planning Heroku App Freeze", attr: "app",
		fix: "Check `app`: it takes the name or id of an app the API key can see."},
	{object: objAppFreeze, name: "unknown process type", atPlan: true,
		config:  appFreeze(`  process_types = ["worker", "sidekiq"]`),
		summary: "Unknown Process Type", attr: "process_types",
		fix: "List only process types of the app's formation, as `heroku ps -a APP` shows them."},
	{object: objAppFreeze, name: "release listed", atPlan: true,
		config:  appFreeze(`  process_types = ["worker", "release"]`),
		summary: "Release Phase Listed", attr: "process_types",
		fix: "Remove `release`: the release phase runs once per deploy and is never scaled."},
	{object: objAppFreeze, name: "duplicate process type", atPlan: true,
		config:  appFreeze(`  process_types = ["worker", "worker"]`),
		summary: "Duplicate Process Type", attr: "process_types",
		fix: "List each process type once, in the order to scale them down."},
	{object: objAppFreeze, name: "nothing to change", atPlan: true,
		config:  appFreeze("  maintenance   = false\n  process_types = []"),
		summary: "Freeze Changes Nothing", attr: "maintenance",
		fix: "Set `maintenance = true`, list process types, or add a `database` block."},
	{object: objAppFreeze, name: "drain_wait not a duration", atPlan: true,
		config:  appFreeze(`  drain_wait = "30 seconds"`),
		summary: "Invalid Drain Wait", attr: "drain_wait",
		fix: "Give a Go duration such as `30s` or `2m`."},
	{object: objAppFreeze, name: "negative drain_wait", atPlan: true,
		config:  appFreeze(`  drain_wait = "-5s"`),
		summary: "Negative Drain Wait", attr: "drain_wait",
		fix: "Give a duration of zero or more; `30s` matches Heroku's SIGTERM-to-SIGKILL grace."},
	{object: objAppFreeze, name: "empty database block", atPlan: true,
		config:  appFreeze("  database {}"),
		summary: "Missing Database Argument", attr: "database", header: true,
		fix: "Set `database.attachment` (such as `DATABASE`), or `database.url_wo` with `url_wo_version`."},
	{object: objAppFreeze, name: "url_wo and attachment", atPlan: true,
		config:  appFreeze("  database {\n    url_wo         = \"" + pgTargetURL + "\"\n    url_wo_version = 1\n    attachment     = \"DATABASE\"\n  }"),
		summary: "Conflicting Database Arguments", attr: "database", header: true,
		fix: "Keep one of `database.url_wo` and `database.attachment`."},
	{object: objAppFreeze, name: "url_wo without version", atPlan: true,
		config:  appFreeze("  database {\n    url_wo = \"" + pgTargetURL + "\"\n  }"),
		summary: "Missing url_wo_version", attr: "database.url_wo_version", line: "database",
		fix: "Add `url_wo_version = 1` and change it whenever the URL changes."},
	{object: objAppFreeze, name: "url_wo with mysql scheme", atPlan: true,
		config:  appFreeze("  database {\n    url_wo         = \"mysql://u:p@db.example.com/app\"\n    url_wo_version = 1\n  }"),
		summary: "Invalid Database URL", attr: "database", header: true,
		fix: "Give a `postgres://` URL of a credential that owns the database."},
	{object: objAppFreeze, name: "attachment not an attachment name", atPlan: true,
		config:  appFreeze("  database {\n    attachment = \"database_url\"\n  }"),
		summary: "Invalid Attribute Value Match", attr: "database.attachment",
		fix: "Use the attachment's name in capitals, such as `DATABASE`, without `_URL`."},
	{object: objAppFreeze, name: "unknown attachment", atPlan: true,
		config:  appFreeze("  database {\n    attachment = \"HEROKU_POSTGRESQL_RED\"\n  }"),
		summary: "Unknown Database Attachment", attr: "database.attachment",
		fix: "Use an attachment name that `heroku addons -a APP` lists for the database."},
}

// address is how Terraform names the row's object in a diagnostic.
func (b badInput) address() string {
	if b.object == objProvider {
		return `provider["registry.terraform.io/hashicorp/heroku2aws"]`
	}
	return b.object + ".x"
}

// sourceLine is what the quoted source line must show.
func (b badInput) sourceLine() string {
	switch {
	case b.header:
	case b.line != "":
		return b.line
	case b.attr != "":
		parts := strings.Split(b.attr, ".")
		return parts[len(parts)-1]
	case b.object == objProvider:
		return `provider "heroku2aws"`
	}
	// The object's header.
	kind, typ := "resource", b.object
	if k, t, ok := strings.Cut(b.object, "."); ok {
		kind, typ = map[string]string{"data": "data", "ephemeral": "ephemeral"}[k], t
	}
	return kind + ` "` + typ + `"`
}

// diagRegexp matches one diagnostic in Terraform's CLI output: the summary,
// then (with nothing but white space and the frame between them) the
// object's address and the quoted source line that shows the attribute.
func diagRegexp(summary, address, line string) *regexp.Regexp {
	sp := `[\s│]+`
	words := strings.Fields(summary)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	lineRE := regexp.QuoteMeta(line)
	if regexp.MustCompile(`^\w`).MatchString(line) {
		lineRE = `\b` + lineRE
	}
	return regexp.MustCompile(`Error:` + sp + strings.Join(words, sp) + sp +
		`with` + sp + regexp.QuoteMeta(address) + `,` + sp +
		`on \S+ line \d+[^\n]*:` + sp + `\d+:[^\n]*` + lineRE)
}

func (b badInput) wantError() *regexp.Regexp {
	return diagRegexp(b.summary, b.address(), b.sourceLine())
}

// readOnlyAWS reports whether an AWS sandbox operation only reads.
func readOnlyAWS(op string) bool {
	for _, p := range []string{"Get", "List", "Describe"} {
		if strings.HasPrefix(op, p) {
			return true
		}
	}
	return false
}

func TestBadInput(t *testing.T) {
	requireAcc(t)
	heroku, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	aws, awsURL := awsSandbox(t, awsapi.Options{})
	zoneID := aws.CreateZone("acme.com")
	block := ecsProviderBlock(herokuURL, awsURL)
	repl := strings.NewReplacer("@HEROKU@", herokuURL, "@AWS@", awsURL, "@ZONE@", zoneID)

	// The group returns once every parallel row has finished.
	t.Run("rows", func(t *testing.T) {
		for _, row := range badInputs {
			t.Run(row.object+"/"+row.name, func(t *testing.T) {
				config := repl.Replace(row.config)
				if !strings.Contains(config, `provider "heroku2aws"`) {
					config = block + config
				}
				want := row.wantError()
				var steps []resource.TestStep
				if row.atPlan {
					steps = []resource.TestStep{{Config: config, PlanOnly: true, ExpectError: want}}
				} else {
					// The plan succeeds (it fails here if it does not), and
					// the apply fails.
					steps = []resource.TestStep{
						{Config: config, PlanOnly: true, ExpectNonEmptyPlan: true},
						{Config: config, ExpectError: want},
					}
				}
				resource.ParallelTest(t, resource.TestCase{
					TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
					ProtoV6ProviderFactories: factories(nil),
					Steps:                    steps,
				})
			})
		}
	})

	for _, r := range aws.Requests() {
		if !readOnlyAWS(r.Operation) {
			t.Errorf("a bad input reached AWS with %s %s %s", r.Service, r.Operation, r.Name)
		}
	}
	for _, r := range heroku.Requests() {
		if r.Method != "GET" {
			t.Errorf("a bad input reached Heroku with %s %s", r.Method, r.Path)
		}
	}
}

func TestBadInputCatalogue(t *testing.T) {
	objects := map[string]bool{}
	seen := map[string]bool{}
	for _, row := range badInputs {
		key := row.object + "/" + row.name
		if seen[key] {
			t.Errorf("duplicate row %s", key)
		}
		seen[key] = true
		objects[row.object] = true
		if row.summary == "" || row.fix == "" || !strings.HasSuffix(row.fix, ".") {
			t.Errorf("%s: a row needs a summary and a one-sentence fix", key)
		}
	}
	for _, o := range badInputObjects {
		if !objects[o] {
			t.Errorf("no row for %s", o)
		}
	}
	if len(objects) != len(badInputObjects) {
		t.Errorf("rows name %d objects, the page lists %d", len(objects), len(badInputObjects))
	}
}
