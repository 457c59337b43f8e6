package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

func TestAccAddOnsDataSource(t *testing.T) {
	f := &herokuapi.Fixture{Apps: []herokuapi.App{
		{
			Name: "main",
			Addons: []herokuapi.Addon{
				{
					Name: "postgresql-curved-11111", Plan: "heroku-postgresql:premium-4", BilledPriceCents: 75000,
					ConfigVars:  []string{"DATABASE_URL"},
					Attachments: []herokuapi.Attachment{{Name: "DATABASE"}, {Name: "DATABASE", App: "sidecar"}},
				},
				{Name: "redis-flat-22222", Plan: "heroku-redis:premium-0", BilledPriceCents: 1500, ConfigVars: []string{"REDIS_URL", "REDIS_TLS_URL"}},
				{Name: "newrelic-round-33333", Plan: "newrelic:wayne", ConfigVars: []string{"NEW_RELIC_LICENSE_KEY"}},
			},
		},
		{Name: "sidecar"},
	}}
	_, url := startSandbox(t, f, herokuapi.Options{})
	addon := func(i int, attr string) tfjsonpath.Path {
		return tfjsonpath.New("addons").AtSliceIndex(i).AtMapKey(attr)
	}
	const ds = "data.heroku2aws_addons.main"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: providerBlock(url, testAPIKey) + `data "heroku2aws_addons" "main" { app = "main" }`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("addons"), knownvalue.ListSizeExact(3)),
				statecheck.ExpectKnownValue(ds, addon(0, "name"), knownvalue.StringExact("newrelic-round-33333")),
				statecheck.ExpectKnownValue(ds, addon(0, "aws_service"), knownvalue.Null()),
				statecheck.ExpectKnownValue(ds, addon(0, "billed_price_cents"), knownvalue.Int64Exact(0)),
				statecheck.ExpectKnownValue(ds, addon(1, "service"), knownvalue.StringExact("heroku-postgresql")),
				statecheck.ExpectKnownValue(ds, addon(1, "plan"), knownvalue.StringExact("heroku-postgresql:premium-4")),
				statecheck.ExpectKnownValue(ds, addon(1, "state"), knownvalue.StringExact("provisioned")),
				statecheck.ExpectKnownValue(ds, addon(1, "billed_price_cents"), knownvalue.Int64Exact(75000)),
				statecheck.ExpectKnownValue(ds, addon(1, "aws_service"), knownvalue.StringExact("Amazon RDS for PostgreSQL")),
				statecheck.ExpectKnownValue(ds, addon(1, "aws_resource_type"), knownvalue.StringExact("aws_db_instance")),
				statecheck.ExpectKnownValue(ds, addon(1, "aws_instance_class"), knownvalue.StringExact("db.r6g.xlarge")),
				statecheck.ExpectKnownValue(ds, addon(1, "aws_multi_az"), knownvalue.Bool(true)),
				// Only the attachment to this app is listed by this app's endpoint.
				statecheck.ExpectKnownValue(ds, addon(1, "attachments"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"app": knownvalue.StringExact("main"), "name": knownvalue.StringExact("DATABASE"), "namespace": knownvalue.Null(),
					}),
				})),
				statecheck.ExpectKnownValue(ds, addon(2, "aws_instance_class"), knownvalue.StringExact("cache.t4g.micro")),
				statecheck.ExpectKnownValue(ds, addon(2, "config_vars"), stringList("REDIS_TLS_URL", "REDIS_URL")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("config_var_names"), stringList(
					"DATABASE_URL", "NEW_RELIC_LICENSE_KEY", "REDIS_TLS_URL", "REDIS_URL")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("total_billed_price_cents"), knownvalue.Int64Exact(76500)),
			},
		}},
	})
}
