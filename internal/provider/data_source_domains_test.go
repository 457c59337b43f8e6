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

func TestAccDomainsDataSource(t *testing.T) {
	f := &herokuapi.Fixture{Apps: []herokuapi.App{{
		Name: "site", ACM: true,
		Domains: []herokuapi.Domain{
			{Hostname: "www.acme.com", CName: strPtr("whispering-wave-abc123.herokudns.com")},
			{Hostname: "api.acme.com", CName: strPtr("sleepy-river-def456.herokudns.com"), Status: "pending"},
		},
	}}}
	_, url := startSandbox(t, f, herokuapi.Options{})
	const custom, every = "data.heroku2aws_domains.custom", "data.heroku2aws_domains.every"
	dom := func(i int, attr string) tfjsonpath.Path {
		return tfjsonpath.New("domains").AtSliceIndex(i).AtMapKey(attr)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: providerBlock(url, testAPIKey) + `
data "heroku2aws_domains" "custom" { app = "site" }
data "heroku2aws_domains" "every" {
  app                    = "site"
  include_heroku_domains = true
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(custom, tfjsonpath.New("hostnames"), stringList("api.acme.com", "www.acme.com")),
				statecheck.ExpectKnownValue(custom, dom(0, "cname"), knownvalue.StringExact("sleepy-river-def456.herokudns.com")),
				statecheck.ExpectKnownValue(custom, dom(0, "status"), knownvalue.StringExact("pending")),
				statecheck.ExpectKnownValue(custom, dom(0, "kind"), knownvalue.StringExact("custom")),
				statecheck.ExpectKnownValue(custom, dom(1, "cname"), knownvalue.StringExact("whispering-wave-abc123.herokudns.com")),
				statecheck.ExpectKnownValue(custom, dom(1, "acm_status"), knownvalue.StringExact("cert issued")),
				statecheck.ExpectKnownValue(every, tfjsonpath.New("domains"), knownvalue.ListSizeExact(3)),
				statecheck.ExpectKnownValue(every, dom(1, "hostname"), knownvalue.StringRegexp(regexp.MustCompile(`^site-[0-9a-f]+\.herokuapp\.com$`))),
				statecheck.ExpectKnownValue(every, dom(1, "kind"), knownvalue.StringExact("heroku")),
				statecheck.ExpectKnownValue(every, dom(1, "cname"), knownvalue.Null()),
			},
		}},
	})
}
