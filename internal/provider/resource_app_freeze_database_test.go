package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/leakscan"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/pgtest"
)

// The database freeze against real PostgreSQL: a cluster whose database
// "app" is owned by the non-superuser role "owner", as Heroku's default
// credential owns its database.

const freezeOwnerPassword = "Freeze-Owner-Canary-7c3a9e"

type freezeDB struct {
	c        *pgtest.Cluster
	ownerURL string
	// before is pg_db_role_setting of "app" before any freeze.
	before string
}

func startFreezeDB(t *testing.T) *freezeDB {
	t.Helper()
	requireAcc(t)
	c := pgtest.StartT(t, pgtest.Options{})
	ctx := context.Background()
	must(t, c.CreateRole(ctx, "owner", freezeOwnerPassword, false))
	must(t, c.Exec(ctx, "postgres", `CREATE DATABASE app OWNER owner`))
	d := &freezeDB{c: c, ownerURL: c.URLFor("owner", freezeOwnerPassword, "app")}
	conn, err := pgx.Connect(ctx, d.ownerURL)
	must(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `CREATE TABLE items (id int)`)
	must(t, err)
	d.before, err = d.settings()
	must(t, err)
	return d
}

// settings is the database-level and role-level rows of pg_db_role_setting
// for "app", as text.
func (d *freezeDB) settings() (string, error) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, d.c.URL("postgres"))
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT s.setrole::text || ':' || array_to_string(s.setconfig, ',')
		FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = 'app' ORDER BY 1`)
	if err != nil {
		return "", err
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return strings.Join(out, ";"), err
}

// insertFresh inserts a row from a session opened now.
func (d *freezeDB) insertFresh() error {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, d.ownerURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `INSERT INTO items VALUES (1)`)
	return err
}

// expectReadOnly checks that a new session cannot write (SQLSTATE 25006,
// read_only_sql_transaction).
func (d *freezeDB) expectReadOnly(*terraform.State) error {
	err := d.insertFresh()
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "25006" {
		return fmt.Errorf("a session opened after the freeze could write (err %v), want SQLSTATE 25006", err)
	}
	return nil
}

// expectWritable checks that writes are back and the setting is exactly
// as before the freeze.
func (d *freezeDB) expectWritable(*terraform.State) error {
	if err := d.insertFresh(); err != nil {
		return fmt.Errorf("a session opened after the rollback cannot write: %w", err)
	}
	got, err := d.settings()
	if err != nil {
		return err
	}
	if got != d.before {
		return fmt.Errorf("pg_db_role_setting of app is %q after the rollback, want %q as before", got, d.before)
	}
	return nil
}

// freezeDBFixture is freezeFixture with shop's DATABASE_URL pointing at db.
func freezeDBFixture(db *freezeDB) *herokuapi.Fixture {
	f := freezeFixture()
	f.Apps[0].ConfigVars = map[string]*string{"DATABASE_URL": strPtr(db.ownerURL)}
	f.Apps[0].Addons = []herokuapi.Addon{{
		Name: "postgresql-frozen-31337", Plan: "heroku-postgresql:standard-0", ConfigVars: []string{"DATABASE_URL"},
	}}
	return f
}

// With attachment, the URL is read from the app's config vars at apply
// and refresh; a session opened during the freeze cannot write, and the
// rollback restores writes and the exact setting. Refresh notices a
// database made writable again, and the repair is a new generation.
func TestAccAppFreeze_databaseAttachment(t *testing.T) {
	db := startFreezeDB(t)
	srv, url := startSandbox(t, freezeDBFixture(db), herokuapi.Options{})
	config := func(enabled bool) string {
		return freezeConfig(url, fmt.Sprintf(`  enabled       = %v
  process_types = ["worker"]
  database {
    attachment = "DATABASE"
  }`, enabled))
	}
	frozen := with(shopInitial, map[string]herokugoState{"worker": zeroAs("Standard-1X")})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		CheckDestroy:             expectApp(srv, "shop", false, shopInitial),
		Steps: []resource.TestStep{
			{
				Config: config(true),
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(db.expectReadOnly),
					sandboxCheck(expectApp(srv, "shop", true, frozen)),
					attrIs("database_frozen", knownvalue.Bool(true)),
					attrIs("prior_database", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name":                          knownvalue.StringExact("app"),
						"default_transaction_read_only": knownvalue.Null(),
					})),
					attrIs("generation", knownvalue.Int64Exact(1)),
				},
			},
			{
				// Someone makes the database writable again during the window.
				PreConfig: func() {
					must(t, db.c.Exec(context.Background(), "postgres", `ALTER DATABASE app RESET default_transaction_read_only`))
				},
				Config: config(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plannedIs("generation", knownvalue.Int64Exact(2)),
					plannedIs("database_frozen", knownvalue.Bool(true)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{sandboxCheck(db.expectReadOnly)},
			},
			{
				Config: config(false),
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(db.expectWritable),
					sandboxCheck(expectApp(srv, "shop", false, shopInitial)),
					attrIs("database_frozen", knownvalue.Bool(false)),
					attrIs("prior_database", knownvalue.Null()),
				},
			},
			{Config: config(true), ConfigStateChecks: []statecheck.StateCheck{sandboxCheck(db.expectReadOnly)}},
			// Destroy (CheckDestroy and the check below) lifts it too.
		},
	})
	if err := db.expectWritable(nil); err != nil {
		t.Error(err)
	}
}

// With url_wo, the URL is never stored; the rollback is enabled = false
// (destroy cannot read a write-only argument).
func TestAccAppFreeze_databaseWriteOnly(t *testing.T) {
	db := startFreezeDB(t)
	srv, url := startSandbox(t, freezeFixture(), herokuapi.Options{})
	config := func(enabled bool) string {
		return freezeConfig(url, fmt.Sprintf(`  enabled       = %v
  process_types = []
  database {
    url_wo         = %q
    url_wo_version = 1
  }`, enabled, db.ownerURL))
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{
			{
				Config: config(true),
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(db.expectReadOnly),
					sandboxCheck(expectApp(srv, "shop", true, shopInitial)),
					attrIs("database_frozen", knownvalue.Bool(true)),
					attrIs("database", knownvalue.ObjectPartial(map[string]knownvalue.Check{"url_wo": knownvalue.Null()})),
				},
			},
			{
				Config: config(false),
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxCheck(db.expectWritable),
					sandboxCheck(expectApp(srv, "shop", false, shopInitial)),
				},
			},
		},
	})
}

// The whole window through the real CLI with TF_LOG=trace: freeze with
// the database, drift, rollback, freeze again, destroy; the database
// URL's password never shows in output, logs, state, temp files or argv.
func TestAccAppFreeze_cli(t *testing.T) {
	db := startFreezeDB(t)
	f := freezeDBFixture(db)
	srv, url := startSandbox(t, f, herokuapi.Options{})
	config := func(enabled bool) string {
		return fmt.Sprintf(`
resource "heroku2aws_app_freeze" "shop" {
  app           = "shop"
  enabled       = %v
  drain_wait    = "1s"
  process_types = ["worker", "clock"]
  database {
    attachment = "DATABASE"
  }
}
output "generation" { value = heroku2aws_app_freeze.shop.generation }
`, enabled)
	}
	w := newCLIWorkspace(t, config(true), map[string]string{"HEROKU_API_URL": url, "HEROKU_API_KEY": testAPIKey})
	w.scanLeaks(leakscan.Must(
		leakscan.Canary{Label: "the database password", Value: freezeOwnerPassword},
		leakscan.Canary{Label: "the database URL", Value: db.ownerURL},
		leakscan.Canary{Label: "the Heroku API key", Value: testAPIKey},
	), false)
	frozen := with(shopInitial, map[string]herokugoState{"worker": zeroAs("Standard-1X"), "clock": zeroAs("Standard-1X")})
	check := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	w.mustRun("apply", "-auto-approve")
	check("after the freeze", expectApp(srv, "shop", true, frozen)(nil))
	check("after the freeze", db.expectReadOnly(nil))

	must(t, srv.SetFormation("shop", "clock", 2, "Standard-2X"))
	out, err := w.run("plan", "-detailed-exitcode")
	if err == nil || !strings.Contains(out, "in_effect") {
		t.Fatalf("drift did not show as a planned update:\n%s", out)
	}
	w.mustRun("apply", "-auto-approve")
	check("after the repair", expectApp(srv, "shop", true, frozen)(nil))

	writeFile(t, w.dir+"/main.tf", strings.Replace(w.read("main.tf"), "enabled       = true", "enabled       = false", 1))
	w.mustRun("apply", "-auto-approve")
	check("after the rollback", expectApp(srv, "shop", false, shopInitial)(nil))
	check("after the rollback", db.expectWritable(nil))
	if _, err := w.run("plan", "-detailed-exitcode"); err != nil {
		t.Errorf("the plan after the rollback is not empty: %v", err)
	}

	writeFile(t, w.dir+"/main.tf", strings.Replace(w.read("main.tf"), "enabled       = false", "enabled       = true", 1))
	w.mustRun("apply", "-auto-approve")
	if gen := strings.TrimSpace(w.mustRun("output", "-raw", "generation")); gen != "2" {
		t.Errorf("generation after freezing again is %s, want 2", gen)
	}
	w.mustRun("destroy", "-auto-approve")
	check("after destroy", expectApp(srv, "shop", false, shopInitial)(nil))
	check("after destroy", db.expectWritable(nil))
}
