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

func TestAccFormationDataSource(t *testing.T) {
	f := &herokuapi.Fixture{Apps: []herokuapi.App{{
		Name: "shop",
		Formation: []herokuapi.Process{
			{Type: "web", Command: "bundle exec puma -C config/puma.rb", Quantity: 3, Size: "Performance-M"},
			{Type: "worker", Command: "bundle exec sidekiq", Quantity: 2, Size: "standard-2x"},
			{Type: "clock", Command: "bundle exec clockwork clock.rb", Quantity: 0, Size: "Basic"},
		},
	}}}
	_, url := startSandbox(t, f, herokuapi.Options{})
	proc := func(i int, attr string) tfjsonpath.Path {
		return tfjsonpath.New("processes").AtSliceIndex(i).AtMapKey(attr)
	}
	const ds = "data.heroku2aws_formation.shop"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{
			{
				Config: providerBlock(url, testAPIKey) + `data "heroku2aws_formation" "shop" { app = "shop" }`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("processes"), knownvalue.ListSizeExact(3)),
					// Sorted by type: clock, web, worker.
					statecheck.ExpectKnownValue(ds, proc(0, "type"), knownvalue.StringExact("clock")),
					statecheck.ExpectKnownValue(ds, proc(0, "quantity"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(ds, proc(0, "fargate_cpu"), knownvalue.Int64Exact(256)),
					statecheck.ExpectKnownValue(ds, proc(0, "fargate_memory"), knownvalue.Int64Exact(512)),
					statecheck.ExpectKnownValue(ds, proc(1, "type"), knownvalue.StringExact("web")),
					statecheck.ExpectKnownValue(ds, proc(1, "command"), knownvalue.StringExact("bundle exec puma -C config/puma.rb")),
					statecheck.ExpectKnownValue(ds, proc(1, "quantity"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue(ds, proc(1, "size"), knownvalue.StringExact("Performance-M")),
					statecheck.ExpectKnownValue(ds, proc(1, "memory_gb"), knownvalue.Float64Exact(2.5)),
					statecheck.ExpectKnownValue(ds, proc(1, "dedicated"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(ds, proc(1, "fargate_cpu"), knownvalue.Int64Exact(2048)),
					statecheck.ExpectKnownValue(ds, proc(1, "fargate_memory"), knownvalue.Int64Exact(4096)),
					statecheck.ExpectKnownValue(ds, proc(2, "type"), knownvalue.StringExact("worker")),
					statecheck.ExpectKnownValue(ds, proc(2, "size"), knownvalue.StringExact("Standard-2X")),
					statecheck.ExpectKnownValue(ds, proc(2, "memory_gb"), knownvalue.Float64Exact(1)),
					statecheck.ExpectKnownValue(ds, proc(2, "fargate_cpu"), knownvalue.Int64Exact(1024)),
					statecheck.ExpectKnownValue(ds, proc(2, "fargate_memory"), knownvalue.Int64Exact(2048)),
				},
			},
			{
				Config:      providerBlock(url, testAPIKey) + `data "heroku2aws_formation" "x" { app = "ghost" }`,
				ExpectError: regexp.MustCompile(`(?s)Error Reading Heroku Formation.*Heroku has no app "ghost"`),
			},
		},
	})
}
