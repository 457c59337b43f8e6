package provider

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/codegen"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/pgtest"
)

// The generator's migration/ root module, applied as generated with the
// real CLI against every sandbox: the config vars of both sample apps go to
// SSM, the shared database is copied once and verified, both custom
// domains get a weighted pair; a second plan is empty; then traffic moves.
// Then the window, phase by phase: a cutover whose copy fails to verify
// stops before DNS moves with both apps frozen; the rollback after it
// unfreezes both apps exactly; the next cutover freezes both apps (the one
// that only writes to the shared database first), copies, verifies and
// moves DNS to AWS 100. Every shift towards AWS goes through the generated
// health gate (an httptest target for acme-api's load balancer); a cutover
// whose gate fails (the target answers 503) freezes and copies, then stops
// before DNS moves, the weights unchanged.
func TestAccGeneratedMigration(t *testing.T) {
	requireAcc(t)
	if !terraformAtLeast(t, "1.11.0") {
		t.Skip("the generated migration uses write-only arguments: Terraform 1.11 or later")
	}
	t.Parallel()
	src := pgSource(t)
	tgt := pgtest.StartT(t, pgtest.Options{})
	if err := tgt.CreateDatabase(context.Background(), "target"); err != nil {
		t.Fatal(err)
	}
	fixture := windowFixture(t, src.URL("app"))
	herokuSandbox, herokuURL := startSandbox(t, fixture, herokuapi.Options{})
	if err := herokuSandbox.SetAddonDatabase("postgresql-curved-12345", src.URL("app")); err != nil {
		t.Fatal(err)
	}
	aws, awsURL := awsapi.Start(t, awsapi.Options{})
	zone := aws.CreateZone("acme.com")
	lb := startGateTarget(t, false)

	inv, err := codegen.Collect(context.Background(),
		inventory.NewReader(heroku.New(heroku.Config{APIKey: testAPIKey, APIURL: herokuURL})),
		codegen.CollectOptions{Team: "acme", AWSRegion: "us-east-1", Environment: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	files, err := codegen.Generate(inv, os.DirFS("../../examples/modules/heroku-app-migration"), codegen.DefaultPrices())
	if err != nil {
		t.Fatal(err)
	}

	w := newCLIWorkspace(t, "", map[string]string{
		"HEROKU_API_URL": herokuURL, "HEROKU_DATA_API_URL": herokuURL, "HEROKU_API_KEY": testAPIKey,
		"AWS_ENDPOINT_URL": awsURL, "AWS_ACCESS_KEY_ID": sandboxAWSKey,
		"AWS_SECRET_ACCESS_KEY": "sandbox-secret", "AWS_EC2_METADATA_DISABLED": "true",
	})
	root := w.dir
	if err := codegen.WriteDir(filepath.Join(root, "out"), files, false); err != nil {
		t.Fatal(err)
	}
	w.dir = filepath.Join(root, "out", "migration")
	// Config vars go through values_wo: no value may reach the state either.
	w.scanLeaks(fixtureScanner(fixture), false)
	// What an operator copies from `terraform -chdir=target output`, with
	// the sandbox zone and the local target cluster.
	tfvars := map[string]any{
		"aws_targets":          map[string]string{"acme-api": "acme-api-alb-1.us-east-1.elb.amazonaws.com"},
		"copy_databases":       true,
		"database_target_urls": map[string]map[string]string{"acme-api": {"DATABASE": tgt.URL("target")}},
		"dns_zone_ids":         map[string]string{"api.acme.com": zone, "www.acme.com": zone},
		"freeze_drain_wait":    "1s",
	}
	maps.Copy(tfvars, migrationGateVars(lb, "acme-api"))
	vars, _ := json.Marshal(tfvars)
	writeFile(t, filepath.Join(w.dir, "target.auto.tfvars.json"), string(vars))

	w.mustRun("get")
	w.mustRun("apply", "-auto-approve", "-input=false")
	// database_target_urls is ephemeral and reaches the copy write-only:
	// the target's password is in neither the state nor a saved plan.
	if strings.Contains(w.read("terraform.tfstate"), tgt.Password()) {
		t.Error("the target database's password is in the migration's state")
	}

	for _, app := range []string{"acme-api", "acme-worker"} {
		for _, f := range fixture.Apps {
			if f.Name != app {
				continue
			}
			for name, value := range f.ConfigVars {
				got, _, _, ok := aws.Parameter("/" + app + "/prod/" + name)
				addonOwned := name == "DATABASE_URL" || name == "REDIS_URL" || name == "PAPERTRAIL_API_TOKEN"
				switch {
				case addonOwned && ok:
					t.Errorf("%s of %s is add-on-owned and must not be imported", name, app)
				case !addonOwned && value != nil && *value != "" && (!ok || got != *value):
					t.Errorf("%s of %s: parameter %q, %v", name, app, got, ok)
				}
			}
		}
	}

	var restores map[string]map[string]struct {
		Backup string            `json:"backup"`
		Tables map[string]string `json:"tables"`
	}
	if err := json.Unmarshal([]byte(w.mustRun("output", "-json", "database_restores")), &restores); err != nil {
		t.Fatal(err)
	}
	if len(restores) != 1 || len(restores["acme-api"]) != 1 {
		t.Fatalf("the shared database must be copied once, by its owner acme-api: %+v", restores)
	}
	db := restores["acme-api"]["DATABASE"]
	if db.Tables["public.users"] != "500 -> 500 ok" || db.Tables["billing.invoices"] != "1200 -> 1200 ok" {
		t.Errorf("restore report: %+v", db)
	}
	traffic := w.mustRun("output", "-json", "traffic")
	if strings.Count(traffic, "heroku 100% / aws 0%") != 2 {
		t.Errorf("both domains should start on Heroku: %s", traffic)
	}
	if out, err := w.run("plan", "-detailed-exitcode", "-input=false"); err != nil {
		t.Errorf("the second plan is not empty:\n%s", out)
	}
	w.mustRun("apply", "-auto-approve", "-input=false", "-var", "aws_weight=10")
	// aws_weights sets an app's share over aws_weight: the same weights
	// through the map plan no change.
	if out, err := w.run("plan", "-detailed-exitcode", "-input=false", "-var", "aws_weight=0", "-var", `aws_weights={"acme-api"=10}`); err != nil {
		t.Errorf("aws_weights does not set acme-api's share:\n%s", out)
	}
	if traffic := w.mustRun("output", "-json", "traffic"); strings.Count(traffic, "heroku 90% / aws 10%") != 2 {
		t.Errorf("traffic after the shift: %s", traffic)
	}
	for _, host := range []string{"api.acme.com", "www.acme.com"} {
		if n := hostRequests(lb, host); n != gateTestRequests {
			t.Errorf("the canary's gate sent %d requests with Host %s, want %d", n, host, gateTestRequests)
		}
	}
	sets := aws.RecordSets(zone)
	weighted := 0
	for _, rs := range sets {
		if rs.SetIdentifier != "" {
			weighted++
		}
	}
	if weighted != 4 {
		t.Errorf("%d weighted record sets in the zone, want 4 (two per domain): %+v", weighted, sets)
	}

	// The window. A target that loses rows makes the cutover's copy fail
	// to verify: the apply stops before DNS moves, both apps frozen.
	ctx := context.Background()
	beforeAPI, beforeWorker := herokuFormation(t, herokuSandbox, "acme-api"), herokuFormation(t, herokuSandbox, "acme-worker")
	if err := tgt.Exec(ctx, "target", skipInvoicesSQL); err != nil {
		t.Fatal(err)
	}
	weights := awsWeights(aws, zone)
	out, err := w.run("apply", "-auto-approve", "-input=false", "-var", "phase=cutover")
	if err == nil || !strings.Contains(out, "billing") || !strings.Contains(strings.ToLower(out), "verif") {
		t.Fatalf("a cutover whose copy loses rows must fail its verification (err %v):\n%s", err, out)
	}
	if got := awsWeights(aws, zone); !maps.Equal(got, weights) {
		t.Errorf("DNS moved although the copy failed to verify: %v, before %v", got, weights)
	}
	frozenAPI, frozenWorker := maps.Clone(beforeAPI), maps.Clone(beforeWorker)
	frozenAPI["worker"] = herokuapi.FormationState{Size: beforeAPI["worker"].Size}
	frozenWorker["worker"] = herokuapi.FormationState{Size: beforeWorker["worker"].Size}
	assertHeroku(t, herokuSandbox, "acme-api", true, frozenAPI)
	assertHeroku(t, herokuSandbox, "acme-worker", true, frozenWorker)

	// The rollback after the failed cutover: the failed copy is dropped,
	// not run again.
	out = w.mustRun("apply", "-auto-approve", "-input=false", "-var", "phase=rollback")
	if strings.Contains(out, "heroku2aws_pg_restore_job.database[\"DATABASE\"]: Creating") {
		t.Errorf("the rollback copied the database again:\n%s", out)
	}
	assertHeroku(t, herokuSandbox, "acme-api", false, beforeAPI)
	assertHeroku(t, herokuSandbox, "acme-worker", false, beforeWorker)
	if err := pgWrite(ctx, src.URL("app")); err != nil {
		t.Errorf("the database is not writable after the rollback: %v", err)
	}
	if got := awsWeights(aws, zone); got["api.acme.com"] != 0 || got["www.acme.com"] != 0 {
		t.Errorf("DNS after the rollback: AWS weights %v, want 0", got)
	}

	// Fixed, the cutover again, but the AWS side fails the gate (it
	// answers 503): the freeze and the verified copy run, then the shift
	// is refused and Route 53 keeps Heroku 100.
	if err := tgt.Exec(ctx, "target", "DROP EVENT TRIGGER chaos_on_create; DROP SCHEMA chaos CASCADE"); err != nil {
		t.Fatal(err)
	}
	lb.setMode("down", 0)
	weights = awsWeights(aws, zone)
	out, err = w.run("apply", "-auto-approve", "-input=false", "-var", "phase=cutover")
	if err == nil || !strings.Contains(out, "503") || strings.Count(out, "Error Updating Weighted DNS Record") != 2 {
		t.Fatalf("a cutover whose gate sees 503s must refuse both shifts (err %v):\n%s", err, out)
	}
	if got := awsWeights(aws, zone); !maps.Equal(got, weights) {
		t.Errorf("DNS moved although the gate failed: %v, before %v", got, weights)
	}
	assertHeroku(t, herokuSandbox, "acme-api", true, frozenAPI)
	assertHeroku(t, herokuSandbox, "acme-worker", true, frozenWorker)

	// The AWS side healthy: the same cutover, DNS to AWS 100.
	lb.setMode("healthy", 0)
	w.mustRun("apply", "-auto-approve", "-input=false", "-var", "phase=cutover")
	assertHeroku(t, herokuSandbox, "acme-api", true, frozenAPI)
	assertHeroku(t, herokuSandbox, "acme-worker", true, frozenWorker)
	if err := pgWrite(ctx, src.URL("app")); !isReadOnly(err) {
		t.Errorf("a session opened after the freeze could write: %v", err)
	}
	if got := awsWeights(aws, zone); got["api.acme.com"] != 100 || got["www.acme.com"] != 100 {
		t.Errorf("DNS after the cutover: AWS weights %v, want 100", got)
	}
	if n := pgCount(t, tgt.URL("target"), "billing.invoices"); n != 1200 {
		t.Errorf("billing.invoices in the target after the cutover: %d rows, want 1200", n)
	}
	var window map[string]struct {
		FrozenAt string `json:"frozen_at"`
		Copies   map[string]struct {
			StartedAt string `json:"started_at"`
		} `json:"copies"`
	}
	if err := json.Unmarshal([]byte(w.mustRun("output", "-json", "window")), &window); err != nil {
		t.Fatal(err)
	}
	// RFC 3339 times in UTC compare as strings.
	if copied := window["acme-api"].Copies["DATABASE"].StartedAt; copied == "" || window["acme-worker"].FrozenAt == "" || copied < window["acme-worker"].FrozenAt {
		t.Errorf("the shared database was copied before acme-worker, which writes to it, was frozen: %+v", window)
	}
	if out, err := w.run("plan", "-detailed-exitcode", "-input=false", "-var", "phase=cutover"); err != nil {
		t.Errorf("the plan after the cutover is not empty:\n%s", out)
	}

	// The state holds no config var value: the import went through the
	// write-only path.
	state := w.read("terraform.tfstate")
	for _, f := range fixture.Apps {
		for name, v := range f.ConfigVars {
			if v != nil && len(*v) >= 8 && strings.Contains(state, *v) {
				t.Errorf("the state holds the value of %s", name)
			}
		}
	}
}
