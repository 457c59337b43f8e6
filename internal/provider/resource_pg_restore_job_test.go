package provider

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/pgtest"
)

// A restore of a fresh Heroku backup, captured through the sandbox's Data
// API, matches the source table by table, checksums included.
func TestAccPGRestoreJob_herokuBackup(t *testing.T) {
	requireAcc(t)
	src, tgt := pgSource(t), pgTarget(t)
	f := sampleFixture(t)
	heroku, url := startSandbox(t, f, herokuapi.Options{})
	if err := heroku.SetAddonDatabase("postgresql-curved-12345", src.URL("app")); err != nil {
		t.Fatal(err)
	}
	const res = "heroku2aws_pg_restore_job.db"
	config := func(run string) string {
		return providerBlock(url, testAPIKey) + fmt.Sprintf(`
resource "heroku2aws_pg_restore_job" "db" {
  source {
    heroku_backup {
      app     = "acme-api"
      capture = true
    }
  }
  target_url = %q
  jobs       = 2
  clean      = true
  verify     = "checksums"
  triggers   = { run = %q }
}
`, tgt.URL("target"), run)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{
			{
				Config: config("1"),
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(expectRestored(tgt.URL("target"))),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("backup_id"), knownvalue.StringExact("b001")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("tables"), knownvalue.ListPartial(map[int]knownvalue.Check{
						0: knownvalue.ObjectPartial(map[string]knownvalue.Check{"match": knownvalue.Bool(true)}),
					})),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("bytes_transferred"), knownvalue.NotNull()),
					everyTableMatches(res),
				},
			},
			{
				// A new trigger runs the job again; with clean the result is
				// still exact (no duplicated rows). The download is cut after
				// 4 KiB and resumes.
				PreConfig: func() { heroku.CutDownloadsAfter(4096) },
				Config:    config("2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(expectRestored(tgt.URL("target"))),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("backup_id"), knownvalue.StringExact("b002")),
					everyTableMatches(res),
				},
			},
		},
	})
}

// The live-database and dump-file sources.
func TestAccPGRestoreJob_otherSources(t *testing.T) {
	requireAcc(t)
	src := pgSource(t)
	tgt := pgtest.StartT(t, pgtest.Options{})
	ctx := context.Background()
	for _, db := range []string{"from_url", "from_file"} {
		if err := tgt.CreateDatabase(ctx, db); err != nil {
			t.Fatal(err)
		}
	}
	dump := filepath.Join(t.TempDir(), "app.dump")
	dumpDB(t, src, "app", dump)
	_, url := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: providerBlock(url, testAPIKey) + fmt.Sprintf(`
resource "heroku2aws_pg_restore_job" "url" {
  source { database_url = %q }
  target_url = %q
  verify     = "checksums"
}
resource "heroku2aws_pg_restore_job" "file" {
  source { dump_file = %q }
  target_url = %q
  verify     = "row_counts"
}
`, src.URL("app"), tgt.URL("from_url"), dump, tgt.URL("from_file")),
			ConfigStateChecks: []statecheck.StateCheck{
				sandboxCheck(expectRestored(tgt.URL("from_url"))),
				sandboxCheck(expectRestored(tgt.URL("from_file"))),
				everyTableMatches("heroku2aws_pg_restore_job.url"),
				everyTableMatches("heroku2aws_pg_restore_job.file"),
				statecheck.ExpectKnownValue("heroku2aws_pg_restore_job.url", tfjsonpath.New("backup_id"), knownvalue.Null()),
			},
		}},
	})
}
