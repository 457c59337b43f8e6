package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/pgtest"
)

// The reusable module examples/modules/heroku-app-migration, applied with
// the real CLI against every sandbox: config vars, the database and a DNS
// pair in one apply; a second plan is empty; then a weight shift, which
// the module's default gate lets through after probing the AWS side (an
// httptest target, with the domain as Host), and a shift whose gate fails
// (the target answers 503), refused with the weights unchanged in Route 53.
func TestAccModuleAppMigration(t *testing.T) {
	requireAcc(t)
	if !terraformAtLeast(t, "1.11.0") {
		t.Skip("the module uses write-only arguments: Terraform 1.11 or later")
	}
	t.Parallel()
	src := pgSource(t)
	tgt := pgtest.StartT(t, pgtest.Options{})
	if err := tgt.CreateDatabase(context.Background(), "target"); err != nil {
		t.Fatal(err)
	}
	heroku, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	if err := heroku.SetAddonDatabase("postgresql-curved-12345", src.URL("app")); err != nil {
		t.Fatal(err)
	}
	aws, awsURL := awsapi.Start(t, awsapi.Options{SSMPutTPS: 50})
	zone := aws.CreateZone("acme.com")
	lb := startGateTarget(t, false)

	w := moduleWorkspace(t, fmt.Sprintf(`
variable "aws_weight" {
  type    = number
  default = 0
}
module "acme_api" {
  source               = "./modules/heroku-app-migration"
  app                  = "acme-api"
  databases            = ["DATABASE"]
  database_target_urls = { DATABASE = var.target_url }
  dns_zones            = { "api.acme.com" = %q }
  aws_target           = "acme-alb-1.us-east-1.elb.amazonaws.com"
  aws_weight           = var.aws_weight
%s
}
output "traffic" { value = module.acme_api.traffic }
output "restores" { value = module.acme_api.database_restores }
output "gate" { value = module.acme_api.dns_gate }
`, zone, moduleGateArgs(lb)), herokuURL, awsURL, tgt.URL("target"))
	// Config vars go through values_wo: no value may reach the state either.
	w.scanLeaks(fixtureScanner(sampleFixture(t)), false)

	w.mustRun("get") // modules only: init would query the registry for the dev-overridden provider
	w.mustRun("apply", "-auto-approve", "-input=false")
	traffic := w.mustRun("output", "-json", "traffic")
	if !strings.Contains(traffic, "heroku 100% / aws 0%") {
		t.Errorf("traffic after the first apply: %s", traffic)
	}
	var restores map[string]struct {
		Backup string            `json:"backup"`
		Tables map[string]string `json:"tables"`
	}
	if err := json.Unmarshal([]byte(w.mustRun("output", "-json", "restores")), &restores); err != nil {
		t.Fatal(err)
	}
	db := restores["DATABASE"]
	if db.Backup != "b001" || db.Tables["public.users"] != "500 -> 500 ok" || db.Tables["billing.invoices"] != "1200 -> 1200 ok" {
		t.Errorf("restore report: %+v", restores)
	}
	for table, result := range db.Tables {
		if !strings.HasSuffix(result, " ok") {
			t.Errorf("%s did not verify: %s", table, result)
		}
	}
	if value, _, _, ok := aws.Parameter("/acme-api/prod/SECRET_KEY_BASE"); !ok || value == "" {
		t.Error("SECRET_KEY_BASE was not imported into SSM")
	}
	if _, _, _, ok := aws.Parameter("/acme-api/prod/DATABASE_URL"); ok {
		t.Error("DATABASE_URL is add-on-owned and must not be imported")
	}
	if out, err := w.run("plan", "-detailed-exitcode", "-input=false"); err != nil {
		t.Errorf("the second plan is not empty:\n%s", out)
	}
	if n := hostRequests(lb, "api.acme.com"); n != 0 {
		t.Errorf("creating the pair at AWS 0 probed the AWS side %d times: only a rising AWS weight is gated", n)
	}

	// The gated shift: the gate probes "/" on the target, then Route 53
	// moves.
	w.mustRun("apply", "-auto-approve", "-input=false", "-var", "aws_weight=10")
	if traffic := w.mustRun("output", "-json", "traffic"); !strings.Contains(traffic, "heroku 90% / aws 10%") {
		t.Errorf("traffic after the shift: %s", traffic)
	}
	if n := hostRequests(lb, "api.acme.com"); n != gateTestRequests {
		t.Errorf("the gate sent %d requests with Host api.acme.com, want %d", n, gateTestRequests)
	}
	var gate map[string]struct {
		Requests     int     `json:"requests"`
		Successes    int     `json:"successes"`
		SuccessRatio float64 `json:"success_ratio"`
		CheckedAt    string  `json:"checked_at"`
	}
	if err := json.Unmarshal([]byte(w.mustRun("output", "-json", "gate")), &gate); err != nil {
		t.Fatal(err)
	}
	if g := gate["api.acme.com"]; g.Requests != gateTestRequests || g.Successes != gateTestRequests || g.SuccessRatio != 1 || g.CheckedAt == "" {
		t.Errorf("the passing gate's figures: %+v", gate)
	}

	// A failing gate: the AWS side answers 503. The shift is refused and
	// Route 53 keeps the weights.
	lb.setMode("down", 0)
	weights := awsWeights(aws, zone)
	out, err := w.run("apply", "-auto-approve", "-input=false", "-var", "aws_weight=50")
	if err == nil || !strings.Contains(out, "503") {
		t.Fatalf("a shift whose gate sees 503s must be refused with the status (err %v):\n%s", err, out)
	}
	if got := awsWeights(aws, zone); !maps.Equal(got, weights) || got["api.acme.com"] != 10 {
		t.Errorf("the refused shift moved the weights: %v, before %v", got, weights)
	}
	if traffic := w.mustRun("output", "-json", "traffic"); !strings.Contains(traffic, "heroku 90% / aws 10%") {
		t.Errorf("traffic after the refused shift: %s", traffic)
	}
	if out, err := w.run("plan", "-detailed-exitcode", "-input=false", "-var", "aws_weight=10"); err != nil {
		t.Errorf("after the refused shift, the plan at the old weight is not empty:\n%s", out)
	}
}

// The cutover window through the module, one apply per phase with the real
// CLI: a rehearsal copies and freezes nothing; the cutover freezes Heroku
// (maintenance, worker to 0, the database read-only), makes the final copy
// of the frozen database (rows written after the rehearsal arrive) and then
// moves DNS to AWS 100; the rollback restores the exact quantities and
// sizes, makes the database writable and moves DNS to Heroku 100 in the
// same apply without copying (the restore job leaves the state); a second
// cutover freezes and copies again.
func TestAccModuleWindow(t *testing.T) {
	requireAcc(t)
	if !terraformAtLeast(t, "1.11.0") {
		t.Skip("the module uses write-only arguments: Terraform 1.11 or later")
	}
	t.Parallel()
	ctx := context.Background()
	src := pgSource(t)
	tgt := pgtest.StartT(t, pgtest.Options{})
	if err := tgt.CreateDatabase(ctx, "target"); err != nil {
		t.Fatal(err)
	}
	fixture := windowFixture(t, src.URL("app"))
	heroku, herokuURL := startSandbox(t, fixture, herokuapi.Options{})
	if err := heroku.SetAddonDatabase("postgresql-curved-12345", src.URL("app")); err != nil {
		t.Fatal(err)
	}
	aws, awsURL := awsapi.Start(t, awsapi.Options{SSMPutTPS: 50})
	zone := aws.CreateZone("acme.com")
	lb := startGateTarget(t, false)

	w := moduleWorkspace(t, fmt.Sprintf(`
variable "phase" {
  type    = string
  default = "rehearsal"
}
module "acme_api" {
  source               = "./modules/heroku-app-migration"
  app                  = "acme-api"
  phase                = var.phase
  freeze_drain_wait    = "1s"
  databases            = ["DATABASE"]
  database_target_urls = { DATABASE = var.target_url }
  dns_zones            = { "api.acme.com" = %q }
  aws_target           = "acme-alb-1.us-east-1.elb.amazonaws.com"
%s
}
output "traffic" { value = module.acme_api.traffic }
output "restores" { value = module.acme_api.database_restores }
output "freeze" { value = module.acme_api.freeze }
output "window" { value = module.acme_api.window }
`, zone, moduleGateArgs(lb)), herokuURL, awsURL, tgt.URL("target"))
	// The source database's URL is a config var too: the database freeze
	// reads it at apply time, and it must reach no output, log or state.
	w.scanLeaks(fixtureScanner(fixture), false)
	w.mustRun("get")
	before := herokuFormation(t, heroku, "acme-api")

	// Rehearsal: a copy, nothing frozen, DNS at Heroku.
	w.mustRun("apply", "-auto-approve", "-input=false")
	assertHeroku(t, heroku, "acme-api", false, before)
	if got := w.mustRun("output", "-json", "traffic"); !strings.Contains(got, "heroku 100% / aws 0%") {
		t.Errorf("traffic after the rehearsal: %s", got)
	}
	rehearsal := moduleBackup(t, w)
	if out, err := w.run("plan", "-detailed-exitcode", "-input=false"); err != nil {
		t.Errorf("the plan after the rehearsal is not empty:\n%s", out)
	}
	// Writes after the rehearsal: the cutover's copy must carry them.
	if err := src.Exec(ctx, "app", `INSERT INTO public.users (email, name) VALUES ('late@example.com', 'Late Writer')`); err != nil {
		t.Fatal(err)
	}

	// Cutover: freeze, final copy, DNS.
	w.mustRun("apply", "-auto-approve", "-input=false", "-var", "phase=cutover")
	frozen := maps.Clone(before)
	frozen["worker"] = herokuapi.FormationState{Quantity: 0, Size: before["worker"].Size}
	assertHeroku(t, heroku, "acme-api", true, frozen)
	if err := pgWrite(ctx, src.URL("app")); !isReadOnly(err) {
		t.Errorf("a session opened after the freeze could write: %v", err)
	}
	cutover := moduleBackup(t, w)
	if cutover == rehearsal {
		t.Errorf("the cutover did not copy again (backup %s)", cutover)
	}
	if n := pgCount(t, tgt.URL("target"), "public.users"); n != 501 {
		t.Errorf("public.users in the target after the cutover: %d rows, want 501 (the late write)", n)
	}
	if got := w.mustRun("output", "-json", "traffic"); !strings.Contains(got, "heroku 0% / aws 100%") {
		t.Errorf("traffic after the cutover: %s", got)
	}
	if n := hostRequests(lb, "api.acme.com"); n != gateTestRequests {
		t.Errorf("the cutover's gate sent %d requests, want %d", n, gateTestRequests)
	}
	var freeze struct {
		InEffect       bool              `json:"in_effect"`
		Generation     int64             `json:"generation"`
		FrozenAt       *string           `json:"frozen_at"`
		PriorFormation map[string]string `json:"prior_formation"`
		DatabaseFrozen bool              `json:"database_frozen"`
	}
	if err := json.Unmarshal([]byte(w.mustRun("output", "-json", "freeze")), &freeze); err != nil {
		t.Fatal(err)
	}
	if !freeze.InEffect || freeze.Generation < 1 || freeze.FrozenAt == nil || !freeze.DatabaseFrozen ||
		freeze.PriorFormation["worker"] != fmt.Sprintf("%d x %s", before["worker"].Quantity, before["worker"].Size) {
		t.Errorf("freeze output after the cutover: %+v", freeze)
	}
	if out, err := w.run("plan", "-detailed-exitcode", "-input=false", "-var", "phase=cutover"); err != nil {
		t.Errorf("the plan after the cutover is not empty:\n%s", out)
	}

	// Rollback: Heroku exactly as before, then DNS back, in one apply,
	// without a copy.
	out := w.mustRun("apply", "-auto-approve", "-input=false", "-var", "phase=rollback")
	if strings.Contains(out, `heroku2aws_pg_restore_job.database["DATABASE"]: Creating`) {
		t.Errorf("the rollback touched the restore job:\n%s", out)
	}
	assertHeroku(t, heroku, "acme-api", false, before)
	if err := pgWrite(ctx, src.URL("app")); err != nil {
		t.Errorf("the database is not writable after the rollback: %v", err)
	}
	if got := moduleBackup(t, w); got != "" {
		t.Errorf("the rollback keeps a restore job (backup %s): rollback and done drop them", got)
	}
	if got := w.mustRun("output", "-json", "traffic"); !strings.Contains(got, "heroku 100% / aws 0%") {
		t.Errorf("traffic after the rollback: %s", got)
	}
	if n := hostRequests(lb, "api.acme.com"); n != gateTestRequests {
		t.Errorf("the rollback probed the AWS side (%d requests in all): lowering the AWS weight is never gated", n)
	}
	if out, err := w.run("plan", "-detailed-exitcode", "-input=false", "-var", "phase=rollback"); err != nil {
		t.Errorf("the plan after the rollback is not empty:\n%s", out)
	}

	// Cutover again: a new freeze generation, so a new copy.
	w.mustRun("apply", "-auto-approve", "-input=false", "-var", "phase=cutover")
	assertHeroku(t, heroku, "acme-api", true, frozen)
	if again := moduleBackup(t, w); again == cutover {
		t.Errorf("the second cutover did not copy again (backup %s)", again)
	}
	if got := w.mustRun("output", "-json", "traffic"); !strings.Contains(got, "heroku 0% / aws 100%") {
		t.Errorf("traffic after the second cutover: %s", got)
	}
}

// gateTestRequests is how many requests the module tests' gates send.
const gateTestRequests = 4

// moduleGateArgs are the module's gate arguments aimed at g (the
// resource tests' stand-in for the AWS side): plain HTTP,
// gateTestRequests requests over half a second.
func moduleGateArgs(g *gateTarget) string {
	return fmt.Sprintf(`  gate_scheme   = "http"
  gate_address  = %q
  gate_requests = %d
  gate_duration = "500ms"`, g.addr(), gateTestRequests)
}

// migrationGateVars are the generated migration's gate variables aimed at
// g for app.
func migrationGateVars(g *gateTarget, app string) map[string]any {
	return map[string]any{
		"gate_scheme": "http", "gate_addresses": map[string]string{app: g.addr()},
		"gate_requests": gateTestRequests, "gate_duration": "500ms",
	}
}

// hostRequests is how many requests with Host host g saw.
func hostRequests(g *gateTarget, host string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.hosts[host]
}

// moduleWorkspace is a CLI workspace with config, the provider block for
// the sandboxes at herokuURL and awsURL, a sensitive variable target_url
// set to targetURL, and a copy of examples/modules/heroku-app-migration.
func moduleWorkspace(t *testing.T, config, herokuURL, awsURL, targetURL string) *cliWorkspace {
	t.Helper()
	w := newCLIWorkspace(t, `
variable "target_url" {
  type      = string
  sensitive = true
}
provider "heroku2aws" {
  aws {
    ssm_put_parameter_rate = 50
  }
}
`+config, map[string]string{
		"HEROKU_API_URL": herokuURL, "HEROKU_DATA_API_URL": herokuURL, "HEROKU_API_KEY": testAPIKey,
		"AWS_ENDPOINT_URL": awsURL, "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": sandboxAWSKey,
		"AWS_SECRET_ACCESS_KEY": "sandbox-secret", "AWS_EC2_METADATA_DISABLED": "true",
		"TF_VAR_target_url": targetURL,
	})
	copyDir(t, "../../examples/modules/heroku-app-migration", filepath.Join(w.dir, "modules", "heroku-app-migration"))
	return w
}

// windowFixture is the sample fixture with the DATABASE_URL config var of
// every app attached to the sample database pointing at url, so that the
// database freeze (which reads it at apply time) reaches a real server.
func windowFixture(t *testing.T, url string) *herokuapi.Fixture {
	t.Helper()
	f := sampleFixture(t)
	for i := range f.Apps {
		if _, ok := f.Apps[i].ConfigVars["DATABASE_URL"]; ok {
			f.Apps[i].ConfigVars["DATABASE_URL"] = &url
		}
	}
	return f
}

// herokuFormation is an app's live formation in the sandbox.
func herokuFormation(t *testing.T, s *herokuapi.Server, app string) map[string]herokuapi.FormationState {
	t.Helper()
	_, formation, ok := s.AppState(app)
	if !ok {
		t.Fatalf("no app %s in the sandbox", app)
	}
	return formation
}

// assertHeroku checks an app's live maintenance flag and formation,
// quantity and size of every process type.
func assertHeroku(t *testing.T, s *herokuapi.Server, app string, maintenance bool, want map[string]herokuapi.FormationState) {
	t.Helper()
	m, got, _ := s.AppState(app)
	if m != maintenance {
		t.Errorf("%s: maintenance %v, want %v", app, m, maintenance)
	}
	if !maps.Equal(got, want) {
		t.Errorf("%s: formation %+v, want %+v", app, got, want)
	}
}

// moduleBackup is the backup the module's last copy restored.
func moduleBackup(t *testing.T, w *cliWorkspace) string {
	t.Helper()
	var restores map[string]struct {
		Backup string `json:"backup"`
	}
	if err := json.Unmarshal([]byte(w.mustRun("output", "-json", "restores")), &restores); err != nil {
		t.Fatal(err)
	}
	return restores["DATABASE"].Backup
}

// pgWrite opens a new session on url and tries a write, rolled back.
func pgWrite(ctx context.Context, url string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // the write is only a probe
	_, err = tx.Exec(ctx, `INSERT INTO public.users (email, name) VALUES ('probe@example.com', 'Probe')`)
	return err
}

// isReadOnly reports whether err is PostgreSQL's read_only_sql_transaction
// (SQLSTATE 25006).
func isReadOnly(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "25006"
}

// pgCount counts the rows of table in the database at url.
func pgCount(t *testing.T, url, table string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// skipInvoicesSQL makes a target database lose rows in a restore, so that
// the verification fails: an event trigger gives billing.invoices, when
// pg_restore creates it, a trigger that drops every 100th row. It lives in
// its own schema, which a restore with clean leaves alone.
const skipInvoicesSQL = `
CREATE SCHEMA chaos;
CREATE FUNCTION chaos.skip_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id % 100 = 0 THEN RETURN NULL; END IF;
  RETURN NEW;
END $$;
CREATE FUNCTION chaos.on_create() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  FOR r IN SELECT * FROM pg_event_trigger_ddl_commands() WHERE object_identity = 'billing.invoices' LOOP
    EXECUTE 'CREATE TRIGGER skip_row BEFORE INSERT ON billing.invoices FOR EACH ROW EXECUTE FUNCTION chaos.skip_row()';
  END LOOP;
END $$;
CREATE EVENT TRIGGER chaos_on_create ON ddl_command_end WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION chaos.on_create();
`

// awsWeights is the AWS record's weight of each weighted pair in a zone,
// by record name.
func awsWeights(s *awsapi.Server, zone string) map[string]int64 {
	out := map[string]int64{}
	for _, rs := range s.RecordSets(zone) {
		if strings.Contains(rs.SetIdentifier, "aws") && rs.Weight != nil {
			out[strings.TrimSuffix(rs.Name, ".")] = *rs.Weight
		}
	}
	return out
}

// copyDir copies a directory of files (no subdirectories).
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(to, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(to, e.Name()), string(data))
	}
}
