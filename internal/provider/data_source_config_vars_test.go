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

// specialValues are config var values that shells, HCL and JSON each get
// wrong in their own way; they must round-trip byte for byte.
var specialValues = map[string]*string{
	"PEM_KEY":      strPtr("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nTnFh==\n-----END PRIVATE KEY-----\n"),
	"UNICODE":      strPtr("héllo wörld ✓ 日本語 🚀"),
	"EQUALS":       strPtr("a=b==c="),
	"EMPTY":        strPtr(""),
	"NULLED":       nil,
	"QUOTES":       strPtr(`"double" 'single' \back $HOME ${interp} %{x}`),
	"SPACES":       strPtr("  leading and trailing  \t"),
	"DATABASE_URL": strPtr("postgres://u:p@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d1"),
	"FOLLOWER_URL": strPtr("postgres://u:p@ec2-5-6-7-8.compute-1.amazonaws.com:5432/d1"),
}

func specialValuesFixture() *herokuapi.Fixture {
	return &herokuapi.Fixture{Apps: []herokuapi.App{{
		Name:       "values",
		ConfigVars: specialValues,
		Addons: []herokuapi.Addon{{
			Name: "postgresql-shaped-12345", Plan: "heroku-postgresql:standard-0", ConfigVars: []string{"DATABASE_URL"},
			Attachments: []herokuapi.Attachment{{Name: "DATABASE"}, {Name: "FOLLOWER"}},
		}},
	}}}
}

// expectedValues is specialValues as Terraform sees them: null becomes "".
func expectedValues() map[string]knownvalue.Check {
	out := map[string]knownvalue.Check{}
	for k, v := range specialValues {
		s := ""
		if v != nil {
			s = *v
		}
		out[k] = knownvalue.StringExact(s)
	}
	return out
}

func stringList(values ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(values))
	for _, v := range values {
		checks = append(checks, knownvalue.StringExact(v))
	}
	return knownvalue.ListExact(checks)
}

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
