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
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/jackc/pgx/v5"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/pgtest"
)

// pgSource starts a cluster with the fidelity database "app".
func pgSource(t *testing.T) *pgtest.Cluster {
	t.Helper()
	src := pgtest.StartT(t, pgtest.Options{})
	ctx := context.Background()
	if err := src.CreateDatabase(ctx, "app"); err != nil {
		t.Fatal(err)
	}
	if err := src.Exec(ctx, "app", pgtest.FidelitySQL); err != nil {
		t.Fatal(err)
	}
	return src
}

// pgTarget starts a cluster with an empty database "target".
func pgTarget(t *testing.T) *pgtest.Cluster {
	t.Helper()
	tgt := pgtest.StartT(t, pgtest.Options{})
	if err := tgt.CreateDatabase(context.Background(), "target"); err != nil {
		t.Fatal(err)
	}
	return tgt
}

// expectRestored checks the target by SQL: the data, the sequences (they
// continue past the source's values), citext, the large object and the
// materialized view.
func expectRestored(url string) func(*terraform.State) error {
	return func(*terraform.State) error {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		checks := []struct {
			sql  string
			want string
		}{
			{"SELECT count(*)::text FROM public.users", "500"},
			{"SELECT count(*)::text FROM billing.invoices", "1200"},
			{"SELECT count(*)::text FROM public.events", "800"},
			{"SELECT count(*)::text FROM public.events_2025", "372"},
			{"SELECT (nextval('public.users_id_seq') > 500)::text", "true"},
			{"SELECT (nextval('billing.invoice_numbers') > 1004)::text", "true"},
			{"SELECT count(*)::text FROM public.users WHERE email = 'user42@example.com'", "1"},
			{"SELECT count(*)::text FROM pg_largeobject_metadata", "1"},
			{"SELECT n::text FROM public.user_counts", "500"},
			{"SELECT count(*)::text FROM billing.invoice_totals", "500"},
			{"SELECT name FROM public.users WHERE id = 1", "naïve 名前 🚀 1"},
			{"SELECT note FROM billing.invoices WHERE id = 1", "line1\nline2\ttab\\back"},
			{"SELECT count(*)::text FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE extname = 'citext' AND nspname = 'heroku_ext'", "1"},
		}
		for _, c := range checks {
			var got string
			if err := conn.QueryRow(ctx, c.sql).Scan(&got); err != nil {
				return fmt.Errorf("%s: %w", c.sql, err)
			}
			if got != c.want {
				return fmt.Errorf("%s = %q, want %q", c.sql, got, c.want)
			}
		}
		return nil
	}
}

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

// everyTableMatches checks the verification list: non-empty, all matched.
func everyTableMatches(res string) statecheck.StateCheck {
	return tablesCheck{res: res}
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
