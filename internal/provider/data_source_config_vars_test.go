package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

func TestAccConfigVarsDataSource(t *testing.T) {
	_, url := startSandbox(t, specialValuesFixture(), herokuapi.Options{})
	const all, some = "data.heroku2aws_config_vars.all", "data.heroku2aws_config_vars.some"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{
			{
				Config: providerBlock(url, testAPIKey) + `
data "heroku2aws_config_vars" "x" {
  app     = "values"
  include = ["[A-"]
}`,
				ExpectError: regexp.MustCompile(`(?s)Invalid Config Var Name Pattern.*include`),
			},
			{
				Config: providerBlock(url, testAPIKey) + `
data "heroku2aws_config_vars" "all" { app = "values" }
data "heroku2aws_config_vars" "some" {
  app     = "values"
  include = ["*_URL", "E*"]
  exclude = ["FOLLOWER_URL"]
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(all, tfjsonpath.New("values"), knownvalue.MapExact(expectedValues())),
					statecheck.ExpectKnownValue(all, tfjsonpath.New("names"), stringList(
						"DATABASE_URL", "EMPTY", "EQUALS", "FOLLOWER_URL", "NULLED", "PEM_KEY", "QUOTES", "SPACES", "UNICODE")),
					statecheck.ExpectKnownValue(all, tfjsonpath.New("addon_config_var_names"), stringList("DATABASE_URL", "FOLLOWER_URL")),
					statecheck.ExpectKnownValue(all, tfjsonpath.New("user_config_var_names"), stringList(
						"EMPTY", "EQUALS", "NULLED", "PEM_KEY", "QUOTES", "SPACES", "UNICODE")),
					statecheck.ExpectKnownValue(some, tfjsonpath.New("names"), stringList("DATABASE_URL", "EMPTY", "EQUALS")),
					statecheck.ExpectKnownValue(some, tfjsonpath.New("values"), knownvalue.MapSizeExact(3)),
					statecheck.ExpectKnownValue(some, tfjsonpath.New("user_config_var_names"), stringList("EMPTY", "EQUALS")),
				},
			},
		},
	})
}
