package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

// The echo provider copies an ephemeral value into a test-only resource's
// state, the only way to look at ephemeral results from a test.
func factoriesWithEcho() map[string]func() (tfprotov6.ProviderServer, error) {
	f := factories(nil)
	f["echo"] = echoprovider.NewProviderServer()
	return f
}

func TestAccConfigVarsEphemeralResource(t *testing.T) {
	_, url := startSandbox(t, specialValuesFixture(), herokuapi.Options{})
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: factoriesWithEcho(),
		Steps: []resource.TestStep{
			{
				Config: providerBlock(url, testAPIKey) + `
ephemeral "heroku2aws_config_vars" "x" { app = "missing-app" }
provider "echo" {
  data = ephemeral.heroku2aws_config_vars.x
}
resource "echo" "seen" {}
`,
				ExpectError: regexp.MustCompile(`(?s)Error Opening Heroku Config Vars.*Heroku has no app "missing-app"`),
			},
			{
				Config: providerBlock(url, testAPIKey) + `
ephemeral "heroku2aws_config_vars" "all" {
  app     = "values"
  exclude = ["FOLLOWER_URL"]
}
provider "echo" {
  data = ephemeral.heroku2aws_config_vars.all
}
resource "echo" "seen" {}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.seen", tfjsonpath.New("data").AtMapKey("values"), knownvalue.MapExact(func() map[string]knownvalue.Check {
						v := expectedValues()
						delete(v, "FOLLOWER_URL")
						return v
					}())),
					statecheck.ExpectKnownValue("echo.seen", tfjsonpath.New("data").AtMapKey("addon_config_var_names"), stringList("DATABASE_URL")),
					statecheck.ExpectKnownValue("echo.seen", tfjsonpath.New("data").AtMapKey("user_config_var_names"), stringList(
						"EMPTY", "EQUALS", "NULLED", "PEM_KEY", "QUOTES", "SPACES", "UNICODE")),
				},
			},
		},
	})
}
