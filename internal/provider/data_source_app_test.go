package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

func TestAccAppDataSource(t *testing.T) {
	f := sampleFixture(t)
	_, url := startSandbox(t, f, herokuapi.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: providerBlock(url, testAPIKey) + `
data "heroku2aws_app" "by_name" { name = "acme-api" }
data "heroku2aws_app" "by_id"   { id = data.heroku2aws_app.by_name.id }
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.heroku2aws_app.by_name", tfjsonpath.New("id"),
					knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`))),
				statecheck.ExpectKnownValue("data.heroku2aws_app.by_name", tfjsonpath.New("region"), knownvalue.StringExact("us")),
				statecheck.ExpectKnownValue("data.heroku2aws_app.by_name", tfjsonpath.New("stack"), knownvalue.StringExact("heroku-24")),
				statecheck.ExpectKnownValue("data.heroku2aws_app.by_name", tfjsonpath.New("build_stack"), knownvalue.StringExact("heroku-24")),
				statecheck.ExpectKnownValue("data.heroku2aws_app.by_name", tfjsonpath.New("team"), knownvalue.StringExact("acme")),
				statecheck.ExpectKnownValue("data.heroku2aws_app.by_name", tfjsonpath.New("space"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.heroku2aws_app.by_name", tfjsonpath.New("git_url"),
					knownvalue.StringExact("https://git.heroku.com/acme-api.git")),
				statecheck.ExpectKnownValue("data.heroku2aws_app.by_name", tfjsonpath.New("web_url"),
					knownvalue.StringRegexp(regexp.MustCompile(`^https://acme-api-[0-9a-f]+\.herokuapp\.com/$`))),
				statecheck.ExpectKnownValue("data.heroku2aws_app.by_name", tfjsonpath.New("maintenance"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.heroku2aws_app.by_name", tfjsonpath.New("acm"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.heroku2aws_app.by_name", tfjsonpath.New("buildpack_provided_description"),
					knownvalue.StringExact("Node.js")),
				statecheck.ExpectKnownValue("data.heroku2aws_app.by_name", tfjsonpath.New("created_at"),
					knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
				statecheck.ExpectKnownValue("data.heroku2aws_app.by_name", tfjsonpath.New("owner_email"), knownvalue.NotNull()),
				// Looking up by id returns the same app.
				statecheck.CompareValuePairs("data.heroku2aws_app.by_name", tfjsonpath.New("name"),
					"data.heroku2aws_app.by_id", tfjsonpath.New("name"), compare.ValuesSame()),
				statecheck.ExpectKnownValue("data.heroku2aws_app.by_id", tfjsonpath.New("name"), knownvalue.StringExact("acme-api")),
			},
		}},
	})
}

func TestAccAppDataSource_errors(t *testing.T) {
	f := sampleFixture(t)
	_, url := startSandbox(t, f, herokuapi.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{
			{
				Config:      providerBlock(url, testAPIKey) + `data "heroku2aws_app" "x" { name = "no-such-app" }`,
				ExpectError: regexp.MustCompile(`(?s)Error Reading Heroku App.*Heroku has no app "no-such-app"`),
			},
			{
				Config:      providerBlock(url, "wrong-key-canary-7f3a") + `data "heroku2aws_app" "x" { name = "acme-api" }`,
				ExpectError: regexp.MustCompile(`(?s)Heroku Authentication Failed.*Authentication failed`),
			},
			{
				Config:      providerBlock(url, testAPIKey) + `data "heroku2aws_app" "x" {}`,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*name.*id`),
			},
			{
				Config: providerBlock(url, testAPIKey) +
					`data "heroku2aws_app" "x" {
  name = "acme-api"
  id   = "00000000-0000-0000-0000-000000000000"
}`,
				ExpectError: regexp.MustCompile(`Invalid Attribute Combination`),
			},
		},
	})
}
