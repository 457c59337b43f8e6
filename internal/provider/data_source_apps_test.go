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

// 1,500 apps span two pages of 1,000: every read must follow Next-Range to
// the end, in exactly two requests.
func TestAccAppsDataSource_pagination(t *testing.T) {
	f := &herokuapi.Fixture{Apps: herokuapi.GenerateApps(1500, "bulk")}
	sandbox, url := startSandbox(t, f, herokuapi.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: providerBlock(url, testAPIKey) + `data "heroku2aws_apps" "all" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.heroku2aws_apps.all", tfjsonpath.New("names"), knownvalue.ListSizeExact(1500)),
				statecheck.ExpectKnownValue("data.heroku2aws_apps.all", tfjsonpath.New("apps"), knownvalue.ListSizeExact(1500)),
				statecheck.ExpectKnownValue("data.heroku2aws_apps.all", tfjsonpath.New("names").AtSliceIndex(0), knownvalue.StringExact("bulk-0000")),
				statecheck.ExpectKnownValue("data.heroku2aws_apps.all", tfjsonpath.New("names").AtSliceIndex(1499), knownvalue.StringExact("bulk-1499")),
				statecheck.ExpectKnownValue("data.heroku2aws_apps.all", tfjsonpath.New("id"), knownvalue.StringExact("account")),
			},
		}},
	})
	var first, next int
	for _, r := range sandbox.Requests() {
		if r.Path != "/apps" {
			continue
		}
		switch {
		case r.Status == 206 && r.Range == "id ..; max=1000":
			first++
		case r.Status == 200 && regexp.MustCompile(`^id \]\S+\.\.; max=1000$`).MatchString(r.Range):
			next++
		default:
			t.Errorf("unexpected /apps request: range %q status %d", r.Range, r.Status)
		}
	}
	if first == 0 || first != next {
		t.Fatalf("each read should be one 206 page then one 200 page: %d first pages, %d second pages", first, next)
	}
}

func TestAccAppsDataSource_teamAndRegex(t *testing.T) {
	apps := herokuapi.GenerateApps(30, "acme")
	for i := range apps {
		if i%3 == 0 {
			apps[i].Team = "platform"
		}
	}
	f := &herokuapi.Fixture{Teams: []herokuapi.Team{{Name: "platform"}}, Apps: apps}
	_, url := startSandbox(t, f, herokuapi.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{
			{
				Config: providerBlock(url, testAPIKey) + `
data "heroku2aws_apps" "team" { team = "platform" }
data "heroku2aws_apps" "some" {
  team       = "platform"
  name_regex = "-000[0-9]$"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.heroku2aws_apps.team", tfjsonpath.New("names"), knownvalue.ListSizeExact(10)),
					statecheck.ExpectKnownValue("data.heroku2aws_apps.team", tfjsonpath.New("id"), knownvalue.StringExact("team:platform")),
					statecheck.ExpectKnownValue("data.heroku2aws_apps.team", tfjsonpath.New("apps").AtSliceIndex(0).AtMapKey("team"),
						knownvalue.StringExact("platform")),
					statecheck.ExpectKnownValue("data.heroku2aws_apps.some", tfjsonpath.New("names"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("acme-0000"), knownvalue.StringExact("acme-0003"),
						knownvalue.StringExact("acme-0006"), knownvalue.StringExact("acme-0009"),
					})),
				},
			},
			{
				Config:      providerBlock(url, testAPIKey) + `data "heroku2aws_apps" "bad" { name_regex = "acme-(" }`,
				ExpectError: regexp.MustCompile(`(?s)Invalid Regular Expression.*name_regex`),
			},
			{
				Config:      providerBlock(url, testAPIKey) + `data "heroku2aws_apps" "bad" { team = "nobody" }`,
				ExpectError: regexp.MustCompile(`(?s)Error Listing Heroku Apps.*"nobody"`),
			},
		},
	})
}
