package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/jackc/pgx/v5"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/pgrestore"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/pgtest"
)

// The fault matrix: one row per fault the provider must survive. Each row
// names the fault and the expected outcome, either "transparent recovery"
// (the apply succeeds and the sandbox proves the fault really happened) or
// "clear error" (the apply fails with a message matching want). Either
// way, the row then clears the fault and re-applies: the apply converges
// (terraform-plugin-testing fails a step whose follow-up plan is not
// empty) and the data is checked against the sandbox or the database, so
// nothing was lost or duplicated.

const (
	fmTransparent = "transparent recovery"
	fmClearError  = "clear error"
	// fmInterrupted: terraform is interrupted; the state must be valid and
	// consistent and the next apply must converge.
	fmInterrupted = "interrupted, then converges"
)

type fmRow struct {
	name    string
	outcome string
	want    string // regexp of the error, for fmClearError
	run     func(t *testing.T, row fmRow)
}

// fmCase is the common shape of an in-process row: the fault is injected
// before the first apply and cleared before the second.
type fmCase struct {
	factories map[string]func() (tfprotov6.ProviderServer, error)
	// before are steps that run before the fault (to create what the
	// fault then hits).
	before []resource.TestStep
	config string
	// config2 is the re-apply's configuration; config when empty.
	config2 string
	inject  func()
	clear   func()
	// fired proves that the fault really happened (a row that cannot fail
	// proves nothing).
	fired func() error
	// afterFault checks the state the failed or recovered apply left, on
	// the re-apply's plan.
	afterFault []plancheck.PlanCheck
	// verify checks the data against the sandbox or the database.
	verify []statecheck.StateCheck
	// extra runs after the re-apply's checks (counts and such).
	extra []statecheck.StateCheck
	// verifyPair checks the DNS records directly (DNS rows).
	verifyPair func() error
}

func (row fmRow) exec(t *testing.T, c fmCase) {
	t.Helper()
	t.Logf("fault %q, expected outcome: %s %s", row.name, row.outcome, row.want)
	first := resource.TestStep{PreConfig: c.inject, Config: c.config}
	firedCheck := sandboxCheck(func(*terraform.State) error {
		if c.fired == nil {
			return nil
		}
		if err := c.fired(); err != nil {
			return fmt.Errorf("the fault did not happen, the row proves nothing: %w", err)
		}
		return nil
	})
	if row.outcome == fmClearError {
		first.ExpectError = regexp.MustCompile(row.want)
	} else {
		first.ConfigStateChecks = append([]statecheck.StateCheck{firedCheck}, c.verify...)
	}
	cfg2 := c.config2
	if cfg2 == "" {
		cfg2 = c.config
	}
	second := resource.TestStep{
		PreConfig: func() {
			if row.outcome == fmClearError && c.fired != nil {
				if err := c.fired(); err != nil {
					t.Errorf("the fault did not happen, the row proves nothing: %v", err)
				}
			}
			if c.clear != nil {
				c.clear()
			}
		},
		Config:            cfg2,
		ConfigStateChecks: append(append([]statecheck.StateCheck{}, c.verify...), c.extra...),
	}
	if len(c.afterFault) > 0 {
		second.ConfigPlanChecks = resource.ConfigPlanChecks{PreApply: c.afterFault}
	}
	steps := append(append([]resource.TestStep{}, c.before...), first, second)
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: c.factories, Steps: steps})
}

// fmFactories is factories with hooks for the Heroku client and the
// restore executor.
func fmFactories(tweakH func(*heroku.Config), tweakR func(*pgrestore.LocalConfig)) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"heroku2aws": providerserver.NewProtocol6WithError(&heroku2awsProvider{
			version: "test",
			tweakRestore: func(c *pgrestore.LocalConfig) {
				c.PollInterval = 50 * time.Millisecond
				c.KillGrace = time.Second
				if tweakR != nil {
					tweakR(c)
				}
			},
			tweakHeroku: func(c *heroku.Config) {
				c.Retry = heroku.Retry{MaxAttempts: 4, BaseDelay: 5 * time.Millisecond, MaxDelay: 50 * time.Millisecond}
				c.RateLimit = heroku.RateLimit{RefillPerMinute: 60000}
				if tweakH != nil {
					tweakH(c)
				}
			},
		}),
	}
}

func TestAccFaultMatrix(t *testing.T) {
	requireAcc(t)
	pg := &fmPG{}
	groups := []struct {
		name  string
		start func(t *testing.T)
		rows  []fmRow
	}{
		{"heroku", nil, fmHerokuRows()},
		{"secrets", nil, fmSecretRows()},
		{"route53", nil, fmRoute53Rows()},
		{"pg", pg.setup, fmPGRows(pg)},
		{"cli", nil, fmCLIRows()},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			if g.start != nil {
				g.start(t)
			}
			for _, row := range g.rows {
				t.Run(row.name, func(t *testing.T) { row.run(t, row) })
			}
		})
	}
}

// ---- Heroku API ---------------------------------------------------------

const fmApps = 25 // three pages of 10

// fmAppsCase lists 25 apps in three pages of 10 through heroku2aws_apps
// and checks every name, in order, exactly once.
func fmAppsCase(t *testing.T, tweak func(*heroku.Config)) (*herokuapi.Server, fmCase) {
	f := &herokuapi.Fixture{Apps: herokuapi.GenerateApps(fmApps, "fm")}
	srv, url := startSandbox(t, f, herokuapi.Options{})
	names := make([]knownvalue.Check, fmApps)
	for i := range names {
		names[i] = knownvalue.StringExact(fmt.Sprintf("fm-%04d", i))
	}
	return srv, fmCase{
		factories: fmFactories(func(c *heroku.Config) {
			c.PageSize = 10
			if tweak != nil {
				tweak(c)
			}
		}, nil),
		config: providerBlock(url, testAPIKey) + `data "heroku2aws_apps" "all" {}`,
		verify: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.heroku2aws_apps.all", tfjsonpath.New("names"), knownvalue.ListExact(names)),
			statecheck.ExpectKnownValue("data.heroku2aws_apps.all", tfjsonpath.New("apps"), knownvalue.ListSizeExact(fmApps)),
		},
	}
}

// fmHerokuCount counts the sandbox requests matching f.
func fmHerokuCount(srv *herokuapi.Server, f func(herokuapi.Request) bool) int {
	n := 0
	for _, r := range srv.Requests() {
		if f(r) {
			n++
		}
	}
	return n
}

func fmAtLeast(what string, got, want int) error {
	if got < want {
		return fmt.Errorf("%s: %d, want at least %d", what, got, want)
	}
	return nil
}

func fmHerokuRows() []fmRow {
	return []fmRow{
		{name: "429 burst", outcome: fmTransparent, run: func(t *testing.T, row fmRow) {
			srv, c := fmAppsCase(t, nil)
			c.inject = func() { srv.FailNextRateLimit(3) } // 4 attempts: the 4th gets through
			c.fired = func() error {
				return fmAtLeast("429 answers", fmHerokuCount(srv, func(r herokuapi.Request) bool { return r.Status == 429 }), 3)
			}
			row.exec(t, c)
		}},
		{name: "429 burst beyond the retry budget", outcome: fmClearError,
			want: `(?s)Error Listing Heroku Apps.*rate\s+limit\s+exhausted.*gave\s+up\s+after\s+4\s+attempts.*parallelism`,
			run: func(t *testing.T, row fmRow) {
				srv, c := fmAppsCase(t, nil)
				c.inject = func() { srv.FailNextRateLimit(1000) }
				c.clear = func() { srv.FailNextRateLimit(0) }
				c.fired = func() error {
					return fmAtLeast("429 answers", fmHerokuCount(srv, func(r herokuapi.Request) bool { return r.Status == 429 }), 4)
				}
				row.exec(t, c)
			}},
		{name: "5xx", outcome: fmTransparent, run: func(t *testing.T, row fmRow) {
			srv, c := fmAppsCase(t, nil)
			c.inject = func() { srv.FailNext(3, http.StatusServiceUnavailable) }
			c.fired = func() error {
				return fmAtLeast("503 answers", fmHerokuCount(srv, func(r herokuapi.Request) bool { return r.Status == 503 }), 3)
			}
			row.exec(t, c)
		}},
		{name: "5xx beyond the retry budget", outcome: fmClearError, want: `(?s)Internal server error.*gave\s+up\s+after\s+4\s+attempts`,
			run: func(t *testing.T, row fmRow) {
				srv, c := fmAppsCase(t, nil)
				c.inject = func() { srv.FailNext(1000, http.StatusInternalServerError) }
				c.clear = func() { srv.FailNext(0, 500) }
				c.fired = func() error {
					return fmAtLeast("500 answers", fmHerokuCount(srv, func(r herokuapi.Request) bool { return r.Status == 500 }), 4)
				}
				row.exec(t, c)
			}},
		{name: "connection reset mid-list (page 2 of 3)", outcome: fmTransparent, run: func(t *testing.T, row fmRow) {
			srv, c := fmAppsCase(t, nil)
			c.inject = func() { srv.ResetNextRequests("/apps", 1, 1) }
			c.fired = func() error {
				// The reset request carried page 2's Range (it starts after
				// an id), and was then asked again and answered.
				var reset string
				for _, r := range srv.Requests() {
					if r.Path == "/apps" && r.Status == 0 {
						reset = r.Range
					}
				}
				if !strings.HasPrefix(reset, "id ]") {
					return fmt.Errorf("no reset of a later page of /apps (reset Range %q)", reset)
				}
				return fmAtLeast("answers to the reset page's Range", fmHerokuCount(srv, func(r herokuapi.Request) bool {
					return r.Path == "/apps" && r.Range == reset && r.Status == 206
				}), 1)
			}
			row.exec(t, c)
		}},
		{name: "slow responses past the client timeout", outcome: fmClearError,
			want: `(?s)Error Listing Heroku Apps.*Client\.Timeout.*gave\s+up\s+after\s+4\s+attempts`,
			run: func(t *testing.T, row fmRow) {
				srv, c := fmAppsCase(t, func(c *heroku.Config) {
					c.HTTPClient = &http.Client{Timeout: 300 * time.Millisecond}
				})
				c.inject = func() { srv.SetLatency(5 * time.Second) }
				c.clear = func() { srv.SetLatency(0) }
				c.fired = func() error {
					return fmAtLeast("requests that got no answer in time", fmHerokuCount(srv, func(r herokuapi.Request) bool {
						return r.Path == "/apps" && r.Status == 0
					}), 4)
				}
				row.exec(t, c)
			}},
	}
}

// ---- SSM, Secrets Manager, Route 53 --------------------------------------

func fmAWSCount(srv *awsapi.Server, f func(awsapi.Request) bool) int {
	n := 0
	for _, r := range srv.Requests() {
		if f(r) {
			n++
		}
	}
	return n
}

func fmVars(n int) map[string]string {
	out := map[string]string{}
	for i := 0; i < n; i++ {
		out[fmt.Sprintf("K%02d", i)] = fmt.Sprintf("value-%02d-%s", i, strings.Repeat("v", i))
	}
	return out
}

// fmSecretCase writes values through a secret import destination block.
func fmSecretCase(t *testing.T, opts awsapi.Options, extra, dest string, values map[string]string) (*awsapi.Server, string, fmCase) {
	_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	srv, awsURL := awsSandbox(t, opts)
	config := awsProviderBlock(herokuURL, awsURL, extra) + fmt.Sprintf(`
resource "heroku2aws_secret_import" "fm" {
  values = %s
  %s
}
`, hclMap(values), dest)
	return srv, awsURL, fmCase{factories: factories(nil), config: config}
}

func fmThrottled(srv *awsapi.Server, code string) func() error {
	return func() error {
		return fmAtLeast(code+" answers", fmAWSCount(srv, func(r awsapi.Request) bool { return r.ErrorCode == code }), 1)
	}
}

func fmSecretRows() []fmRow {
	return []fmRow{
		{name: "ssm throttling", outcome: fmTransparent, run: func(t *testing.T, row fmRow) {
			values := fmVars(20)
			srv, _, c := fmSecretCase(t, awsapi.Options{}, "ssm_put_parameter_rate = 50", `ssm { path_prefix = "/fm/" }`, values)
			c.inject = func() { srv.SetQuota(awsapi.QuotaSSMPut, 10, 1) }
			c.clear = func() { srv.SetQuota(awsapi.QuotaSSMPut, -1, 0) }
			c.fired = fmThrottled(srv, "ThrottlingException")
			c.verify = []statecheck.StateCheck{sandboxCheck(expectParameters(srv, "/fm/", values))}
			row.exec(t, c)
		}},
		{name: "ssm 5xx", outcome: fmTransparent, run: func(t *testing.T, row fmRow) {
			values := fmVars(10)
			srv, _, c := fmSecretCase(t, awsapi.Options{SSMPutTPS: 50}, "ssm_put_parameter_rate = 50", `ssm { path_prefix = "/fm/" }`, values)
			c.inject = func() { srv.FailNext(3, 500) }
			c.fired = func() error {
				return fmAtLeast("500 answers", fmAWSCount(srv, func(r awsapi.Request) bool { return r.Status == 500 }), 3)
			}
			c.verify = []statecheck.StateCheck{sandboxCheck(expectParameters(srv, "/fm/", values))}
			row.exec(t, c)
		}},
		{name: "ssm permanent failure of one key in a batch of 50", outcome: fmClearError,
			want: `(?s)Error Updating Secrets.*Writing "K37" failed after retries.*Not written \(1\): K37`,
			run:  fmBatchRow},
		{name: "secretsmanager throttling", outcome: fmTransparent, run: func(t *testing.T, row fmRow) {
			values := fmVars(8)
			srv, _, c := fmSecretCase(t, awsapi.Options{}, "secretsmanager_write_rate = 50",
				"secretsmanager_per_var {\n    name_prefix = \"fm/\"\n    recovery_window_in_days = 0\n  }", values)
			c.inject = func() { srv.SetQuota(awsapi.QuotaSecretsWrite, 5, 1) }
			c.clear = func() { srv.SetQuota(awsapi.QuotaSecretsWrite, -1, 0) }
			c.fired = fmThrottled(srv, "ThrottlingException")
			c.verify = []statecheck.StateCheck{sandboxCheck(fmExpectPerVarSecrets(srv, "fm/", values))}
			row.exec(t, c)
		}},
		{name: "secretsmanager 5xx", outcome: fmTransparent, run: func(t *testing.T, row fmRow) {
			values := fmVars(5)
			srv, _, c := fmSecretCase(t, awsapi.Options{}, "",
				"secretsmanager {\n    name = \"fm/json\"\n    recovery_window_in_days = 0\n  }", values)
			c.inject = func() { srv.FailNext(2, 503) }
			c.fired = func() error {
				return fmAtLeast("503 answers", fmAWSCount(srv, func(r awsapi.Request) bool { return r.Status == 503 }), 2)
			}
			c.verify = []statecheck.StateCheck{sandboxCheck(expectSecret(srv, "fm/json", values))}
			row.exec(t, c)
		}},
		{name: "secretsmanager name scheduled for deletion", outcome: fmTransparent, run: func(t *testing.T, row fmRow) {
			values := fmVars(5)
			srv, awsURL, c := fmSecretCase(t, awsapi.Options{}, "",
				"secretsmanager {\n    name = \"fm/sched\"\n    recovery_window_in_days = 0\n  }", values)
			c.inject = func() {
				ctx := context.Background()
				sm := smClient(awsURL)
				if _, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
					Name: aws.String("fm/sched"), SecretString: aws.String(`{"OLD":"stale"}`),
				}); err != nil {
					t.Fatal(err)
				}
				if _, err := sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{
					SecretId: aws.String("fm/sched"), RecoveryWindowInDays: aws.Int64(7),
				}); err != nil {
					t.Fatal(err)
				}
				if sec, _ := srv.Secret("fm/sched"); sec.DeletedDate.IsZero() {
					t.Fatal("the secret is not scheduled for deletion")
				}
			}
			c.fired = func() error {
				return fmAtLeast("RestoreSecret calls", fmAWSCount(srv, func(r awsapi.Request) bool {
					return r.Operation == "RestoreSecret" && r.Status == 200
				}), 1)
			}
			c.verify = []statecheck.StateCheck{sandboxCheck(expectSecret(srv, "fm/sched", values))}
			row.exec(t, c)
		}},
	}
}

func fmRoute53Rows() []fmRow {
	return []fmRow{
		{name: "route53 throttling", outcome: fmTransparent, run: func(t *testing.T, row fmRow) {
			srv, counter, c := fmDNSCase(t)
			c.inject = func() { counter.reset(); srv.SetQuota(awsapi.QuotaRoute53, 10, 1) }
			c.clear = func() { srv.SetQuota(awsapi.QuotaRoute53, -1, 0) }
			c.fired = fmThrottled(srv, "Throttling")
			c.verify = append(c.verify, sandboxCheck(counter.expect(1)))
			row.exec(t, c)
		}},
		{name: "route53 PriorRequestNotComplete", outcome: fmTransparent, run: func(t *testing.T, row fmRow) {
			srv, counter, c := fmDNSCase(t)
			c.inject = func() {
				counter.reset()
				// The sandbox's real check is on, and a change is injected
				// as refused: whether an earlier change is still PENDING
				// when the apply arrives would depend on timing.
				srv.SetPriorRequestNotComplete(true)
				srv.FailRoute53Changes(2, "PriorRequestNotComplete", 400)
			}
			c.fired = func() error {
				return fmAtLeast("PriorRequestNotComplete answers", fmAWSCount(srv, func(r awsapi.Request) bool {
					return r.ErrorCode == "PriorRequestNotComplete"
				}), 2)
			}
			c.verify = append(c.verify, sandboxCheck(counter.expect(1)))
			row.exec(t, c)
		}},
		{name: "route53 INSYNC never arrives before the timeout", outcome: fmClearError,
			want: `(?s)Error Updating Weighted DNS Record.*did not\s+reach INSYNC before the\s+timeout`,
			run:  fmInsyncRow},
	}
}

// fmBatchRow: an import grows by 50 keys and one of them fails for good.
// The error names it, the state holds the 49 that were written (and the
// seed key), and the re-apply writes exactly the missing one.
func fmBatchRow(t *testing.T, row fmRow) {
	const res = "heroku2aws_secret_import.fm"
	all := fmVars(50)
	all["SEED"] = "seed"
	seed := map[string]string{"SEED": "seed"}
	srv, _, c := fmSecretCase(t, awsapi.Options{SSMPutTPS: 100}, "ssm_put_parameter_rate = 100\n    max_retries = 1",
		`ssm { path_prefix = "/batch/" }`, all)
	seedConfig := strings.Replace(c.config, hclMap(all), hclMap(seed), 1)
	puts := func() int {
		return fmAWSCount(srv, func(r awsapi.Request) bool { return r.Operation == "PutParameter" && r.Status == 200 })
	}
	var putsBefore int
	c.before = []resource.TestStep{{Config: seedConfig, ConfigStateChecks: []statecheck.StateCheck{
		sandboxCheck(expectParameters(srv, "/batch/", seed)),
	}}}
	c.inject = func() { srv.FailName("/batch/K37", "InternalServerError", 500) }
	c.fired = func() error {
		// After the failed apply: every key but K37 exists.
		want := map[string]string{}
		for k, v := range all {
			if k != "K37" {
				want[k] = v
			}
		}
		return expectParameters(srv, "/batch/", want)(nil)
	}
	c.clear = func() { srv.ClearFaults(); putsBefore = puts() }
	c.afterFault = []plancheck.PlanCheck{
		priorStateMatchesSandbox(srv, res, "/batch/"),
		plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
	}
	c.verify = []statecheck.StateCheck{
		sandboxCheck(expectParameters(srv, "/batch/", all)),
		statecheck.ExpectKnownValue(res, tfjsonpath.New("keys"), knownvalue.MapSizeExact(51)),
	}
	c.extra = []statecheck.StateCheck{sandboxCheck(func(*terraform.State) error {
		if n := puts() - putsBefore; n != 1 {
			return fmt.Errorf("the converging apply wrote %d parameters, want exactly the missing one", n)
		}
		return nil
	})}
	row.exec(t, c)
}

func fmExpectPerVarSecrets(srv *awsapi.Server, prefix string, values map[string]string) func(*terraform.State) error {
	return func(*terraform.State) error {
		got := map[string]string{}
		for _, name := range srv.SecretNames() {
			sec, _ := srv.Secret(name)
			if key, ok := strings.CutPrefix(name, prefix); ok && sec.DeletedDate.IsZero() {
				got[key] = sec.SecretString
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(values) {
			return fmt.Errorf("secrets under %s: got %v, want %v", prefix, keysOf(got), keysOf(values))
		}
		return nil
	}
}

// fmDNSCase creates a 100/0 pair, then shifts it to 50/50 under the fault.
func fmDNSCase(t *testing.T) (*awsapi.Server, *changeCounter, fmCase) {
	_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	srv, awsURL := awsSandbox(t, awsapi.Options{})
	zoneID := srv.CreateZone("acme.com")
	counter := &changeCounter{srv: srv}
	cfg := func(h, a int, extra string) string {
		return dnsProviderBlock(herokuURL, awsURL) + pairConfig(zoneID, h, a, extra)
	}
	return srv, counter, fmCase{
		factories:  factories(nil),
		before:     []resource.TestStep{{Config: cfg(100, 0, ""), ConfigStateChecks: []statecheck.StateCheck{sandboxCheck(expectPair(srv, zoneID, 100, 0, 60))}}},
		config:     cfg(50, 50, ""),
		verify:     []statecheck.StateCheck{sandboxCheck(expectPair(srv, zoneID, 50, 50, 60))},
		verifyPair: func() error { return expectPair(srv, zoneID, 50, 50, 60)(nil) },
	}
}

// fmInsyncRow: the change is accepted but never reaches INSYNC before the
// update timeout. The records were changed once; the re-apply (fault
// cleared) only records the new timeout and changes nothing again.
func fmInsyncRow(t *testing.T, row fmRow) {
	srv, counter, c := fmDNSCase(t)
	withTimeouts := func(config, timeouts string) string {
		end := strings.LastIndex(config, "}")
		return config[:end] + "  timeouts = " + timeouts + "\n" + config[end:]
	}
	// A short delete timeout from the start bounds the post-test destroy,
	// should the row fail while the sandbox still delays INSYNC.
	c.before[0].Config = withTimeouts(c.before[0].Config, `{ delete = "5s" }`)
	c.config2 = c.config
	c.config = withTimeouts(c.config, `{
    update = "2s"
    delete = "5s"
  }`)
	c.inject = func() {
		counter.reset()
		// No throttling: the timeout must run out in the INSYNC wait.
		srv.SetQuota(awsapi.QuotaRoute53, -1, 0)
		srv.SetRoute53SyncDelay(time.Hour)
		// Only the shift's change stays PENDING: once it is accepted, later
		// changes sync at once.
		go func() {
			for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
				if counter.count() > counter.mark {
					break
				}
			}
			srv.SetRoute53SyncDelay(0)
		}()
	}
	c.fired = func() error {
		if n := counter.count() - counter.mark; n != 1 {
			return fmt.Errorf("the timed-out apply made %d accepted changes, want 1", n)
		}
		return c.verifyPair()
	}
	c.clear = func() { srv.SetRoute53SyncDelay(0) }
	c.afterFault = []plancheck.PlanCheck{plancheck.ExpectResourceAction("heroku2aws_weighted_dns_record.api", plancheck.ResourceActionUpdate)}
	c.extra = []statecheck.StateCheck{sandboxCheck(func(*terraform.State) error {
		if n := counter.count() - counter.mark; n != 1 {
			return fmt.Errorf("%d accepted changes since the fault, want exactly 1 (no duplicate on re-apply)", n)
		}
		return nil
	})}
	row.exec(t, c)
}

// ---- pg_restore job ------------------------------------------------------

// fmPG is what the pg rows share: one source cluster with the fidelity
// database, its dump, one target cluster (a database per row) and one
// Heroku sandbox whose add-on is the source and which holds the dump as a
// backup.
type fmPG struct {
	src, tgt  *pgtest.Cluster
	dump      string
	dumpSize  int64
	heroku    *herokuapi.Server
	herokuURL string
}

// setup runs on the pg group's test, so that the clusters outlive its rows.
func (p *fmPG) setup(t *testing.T) {
	p.src = pgSource(t)
	p.tgt = pgtest.StartT(t, pgtest.Options{})
	p.dump = filepath.Join(t.TempDir(), "app.dump")
	dumpDB(t, p.src, "app", p.dump)
	st, err := os.Stat(p.dump)
	if err != nil {
		t.Fatal(err)
	}
	p.dumpSize = st.Size()
	p.heroku, p.herokuURL = startSandbox(t, sampleFixture(t), herokuapi.Options{})
	if err := p.heroku.SetAddonDatabase("postgresql-curved-12345", p.src.URL("app")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.heroku.AddBackup("acme-api", p.dump); err != nil {
		t.Fatal(err)
	}
}

func (p *fmPG) newDB(t *testing.T, name string) string {
	if err := p.tgt.CreateDatabase(context.Background(), name); err != nil {
		t.Fatal(err)
	}
	return p.tgt.URL(name)
}

func fmRestoreConfig(herokuURL, target string, capture bool) string {
	return providerBlock(herokuURL, testAPIKey) + fmt.Sprintf(`
resource "heroku2aws_pg_restore_job" "db" {
  source {
    heroku_backup {
      app     = "acme-api"
      capture = %t
    }
  }
  target_url = %q
  jobs       = 1
  clean      = true
}
`, capture, target)
}

const fmRestoreRes = "heroku2aws_pg_restore_job.db"

// fmRestoreCase is a restore of the shared backup into a fresh database.
func (p *fmPG) restoreCase(t *testing.T, db string, capture bool, tweakR func(*pgrestore.LocalConfig)) (string, fmCase) {
	target := p.newDB(t, db)
	c := fmCase{
		factories: fmFactories(nil, tweakR),
		config:    fmRestoreConfig(p.herokuURL, target, capture),
		verify:    []statecheck.StateCheck{sandboxCheck(expectRestored(target)), everyTableMatches(fmRestoreRes)},
	}
	return target, c
}

// fmReplaced is the re-apply's plan check after a failed run: the resource
// was recorded tainted, so it is replaced.
func fmReplaced() []plancheck.PlanCheck {
	return []plancheck.PlanCheck{plancheck.ExpectResourceAction(fmRestoreRes, plancheck.ResourceActionReplace)}
}

// expireFirstDownload is an HTTP client that expires every issued backup
// URL just before the first download request is sent: that request gets a
// 403, as if the URL had outlived its TTL.
type expireFirstDownload struct {
	srv  *herokuapi.Server
	done atomic.Bool
}

func (e *expireFirstDownload) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasPrefix(r.URL.Path, "/_backups/") && e.done.CompareAndSwap(false, true) {
		e.srv.ExpireBackupURLs()
	}
	return http.DefaultTransport.RoundTrip(r)
}

// fmLockTarget creates public.users in db and holds an ACCESS EXCLUSIVE
// lock on it, so that a restore with clean blocks on its DROP. It returns
// the lock's connection.
func fmLockTarget(t *testing.T, c *pgtest.Cluster, db string) *pgx.Conn {
	ctx := context.Background()
	if err := c.Exec(ctx, db, "CREATE TABLE public.users (id int)"); err != nil {
		t.Fatal(err)
	}
	lock, err := pgx.Connect(ctx, c.URL(db))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = lock.Close(context.Background()) })
	if _, err := lock.Exec(ctx, "BEGIN; LOCK TABLE public.users IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	return lock
}

// fmWaitBlocked waits until a session of db waits for a lock: the restore
// is running and is stuck on the held lock.
func fmWaitBlocked(c *pgtest.Cluster, db string, timeout time.Duration) error {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
			WHERE NOT l.granted AND d.datname = $1`, db).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("no session of %s waited for the lock within %v", db, timeout)
}

// fmProcs returns the pids of processes named name whose parent chain
// includes ancestor.
func fmProcs(name string, ancestor int) []int {
	var out []int
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range stats {
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
		comm, _, ok := fmStat(pid)
		if !ok || comm != name {
			continue
		}
		for cur, hops := pid, 0; cur > 1 && hops < 64; hops++ {
			_, ppid, ok := fmStat(cur)
			if !ok {
				break
			}
			if ppid == ancestor {
				out = append(out, pid)
				break
			}
			cur = ppid
		}
	}
	return out
}

// fmStat reads a process's name and parent from /proc/<pid>/stat.
func fmStat(pid int) (comm string, ppid int, ok bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", 0, false
	}
	s := string(data)
	open, closing := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || closing < open {
		return "", 0, false
	}
	fields := strings.Fields(s[closing+1:])
	if len(fields) < 2 {
		return "", 0, false
	}
	ppid, err = strconv.Atoi(fields[1])
	return s[open+1 : closing], ppid, err == nil
}

// fmBackground runs f in the background from the fault step on; wait
// returns its error.
type fmBackground struct {
	done chan error
}

func fmGo(f func() error) *fmBackground {
	b := &fmBackground{done: make(chan error, 1)}
	go func() { b.done <- f() }()
	return b
}

func (b *fmBackground) wait() error {
	if b == nil {
		return errors.New("the fault was never injected")
	}
	select {
	case err := <-b.done:
		return err
	case <-time.After(2 * time.Minute):
		return errors.New("the fault injector did not finish")
	}
}

func fmPGRows(p *fmPG) []fmRow {
	return []fmRow{
		{name: "capture failure", outcome: fmClearError, want: `(?s)Error Restoring Database.*backup\s+b\d+\s+of\s+postgresql-curved-12345\s+failed\s+on\s+Heroku.*pg_dump: error: could not connect`,
			run: func(t *testing.T, row fmRow) {
				_, c := p.restoreCase(t, "fm_capture", true, nil)
				c.inject = func() { p.heroku.FailNextCapture("pg_dump: error: could not connect to the database") }
				c.afterFault = fmReplaced()
				row.exec(t, c)
			}},
		{name: "expired download URL", outcome: fmTransparent, run: func(t *testing.T, row fmRow) {
			exp := &expireFirstDownload{srv: p.heroku}
			var mark int
			_, c := p.restoreCase(t, "fm_expired", false, func(c *pgrestore.LocalConfig) {
				c.HTTPClient = &http.Client{Transport: exp}
			})
			c.inject = func() { mark = len(p.heroku.Requests()) }
			c.fired = func() error {
				if !exp.done.Load() {
					return errors.New("no download was made")
				}
				n := 0
				for _, r := range p.heroku.Requests()[mark:] {
					if r.Path == "/_backups/{token}" && r.Status == http.StatusForbidden {
						n++
					}
				}
				return fmAtLeast("403 answers to the expired URL", n, 1)
			}
			row.exec(t, c)
		}},
		{name: "download cut at 50%", outcome: fmTransparent, run: func(t *testing.T, row fmRow) {
			var mark int
			_, c := p.restoreCase(t, "fm_cut", false, nil)
			c.inject = func() { mark = len(p.heroku.Requests()); p.heroku.CutDownloadsAfter(p.dumpSize / 2) }
			c.fired = func() error {
				n := 0
				for _, r := range p.heroku.Requests()[mark:] {
					if r.Path == "/_backups/{token}" && r.Status == http.StatusPartialContent &&
						r.Range == fmt.Sprintf("bytes=%d-", p.dumpSize/2) {
						n++
					}
				}
				return fmAtLeast("downloads resumed at the cut", n, 1)
			}
			row.exec(t, c)
		}},
		{name: "pg_restore killed mid-run", outcome: fmClearError, want: `(?s)Error Restoring Database.*pg_restore\s+was\s+killed:\s+signal:\s+killed`,
			run: func(t *testing.T, row fmRow) {
				_, c := p.restoreCase(t, "fm_kill", false, nil)
				var bg *fmBackground
				var killed atomic.Int32
				c.inject = func() {
					lock := fmLockTarget(t, p.tgt, "fm_kill")
					bg = fmGo(func() error {
						defer func() { _ = lock.Close(context.Background()) }()
						if err := fmWaitBlocked(p.tgt, "fm_kill", time.Minute); err != nil {
							return err
						}
						pids := fmProcs("pg_restore", os.Getpid())
						if len(pids) == 0 {
							return errors.New("no pg_restore child of the test process")
						}
						for _, pid := range pids {
							if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
								return err
							}
							killed.Add(1)
						}
						return nil
					})
				}
				c.fired = func() error {
					if err := bg.wait(); err != nil {
						return err
					}
					return fmAtLeast("pg_restore processes killed", int(killed.Load()), 1)
				}
				c.afterFault = fmReplaced()
				row.exec(t, c)
			}},
		{name: "target database dropped mid-run", outcome: fmClearError,
			want: `(?s)Error Restoring Database.*pg_restore\s+failed.*terminating\s+connection\s+due\s+to\s+administrator\s+command`,
			run: func(t *testing.T, row fmRow) {
				_, c := p.restoreCase(t, "fm_drop", false, nil)
				var bg *fmBackground
				c.inject = func() {
					lock := fmLockTarget(t, p.tgt, "fm_drop")
					bg = fmGo(func() error {
						defer func() { _ = lock.Close(context.Background()) }()
						if err := fmWaitBlocked(p.tgt, "fm_drop", time.Minute); err != nil {
							return err
						}
						ctx := context.Background()
						return p.tgt.Exec(ctx, "postgres", "DROP DATABASE fm_drop WITH (FORCE)")
					})
				}
				c.fired = func() error { return bg.wait() }
				c.clear = func() {
					// The fault is cleared: the database exists again, empty.
					if err := p.tgt.CreateDatabase(context.Background(), "fm_drop"); err != nil {
						t.Fatal(err)
					}
				}
				c.afterFault = fmReplaced()
				row.exec(t, c)
			}},
		{name: "disk full in the temp dir", outcome: fmClearError, want: `(?s)Error Restoring Database.*writing\s+the\s+dump.*no\s+space\s+left\s+on\s+device`,
			run: func(t *testing.T, row fmRow) {
				small := t.TempDir()
				size := max(p.dumpSize/2/4096*4096, 4096)
				if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", small).CombinedOutput(); err != nil {
					t.Skipf("cannot mount a small tmpfs here (%v: %s); the row needs one", err, out)
				}
				t.Cleanup(func() { _ = exec.Command("umount", small).Run() })
				t.Logf("temp dir: a %d-byte tmpfs, for a %d-byte dump", size, p.dumpSize)
				var tempDir atomic.Value
				tempDir.Store(small)
				_, c := p.restoreCase(t, "fm_disk", false, func(c *pgrestore.LocalConfig) { c.TempDir = tempDir.Load().(string) })
				c.fired = func() error {
					entries, err := os.ReadDir(small)
					if err != nil {
						return err
					}
					if len(entries) != 0 {
						return fmt.Errorf("the failed run left %d entries in the temp dir", len(entries))
					}
					return nil
				}
				c.clear = func() { tempDir.Store(t.TempDir()) }
				c.afterFault = fmReplaced()
				row.exec(t, c)
			}},
	}
}

// ---- Terraform interrupted (SIGINT) --------------------------------------

// fmState is the part of a state file the SIGINT rows check.
type fmState struct {
	Resources []struct {
		Type      string `json:"type"`
		Instances []struct {
			Status     string         `json:"status"`
			Attributes map[string]any `json:"attributes"`
		} `json:"instances"`
	} `json:"resources"`
}

// fmReadState parses the workspace's state: valid JSON, with the resource
// either absent or present and tainted. It returns the instance's
// attributes, nil when absent.
func fmReadState(t *testing.T, w *cliWorkspace, typ string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(w.dir, "terraform.tfstate"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var st fmState
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatalf("the state after the interrupt is not valid JSON: %v\n%s", err, data)
	}
	for _, r := range st.Resources {
		if r.Type != typ {
			continue
		}
		for _, in := range r.Instances {
			if in.Status != "tainted" {
				t.Errorf("after the interrupt the state holds a %s that is not tainted (status %q)", typ, in.Status)
			}
			return in.Attributes
		}
	}
	return nil
}

// fmProviderProcs returns the command lines of live processes running the
// built provider binary.
func fmProviderProcs(bin string) []string {
	var out []string
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		data, err := os.ReadFile(p)
		if err != nil || len(data) == 0 {
			continue
		}
		argv := strings.Split(strings.TrimRight(string(data), "\x00"), "\x00")
		if strings.HasPrefix(argv[0], bin) {
			out = append(out, strings.Join(argv, " "))
		}
	}
	return out
}

// fmInterrupt starts `terraform apply` in w, waits until inProgress says
// the operation is under way, sends SIGINT and waits for the exit.
func fmInterrupt(t *testing.T, w *cliWorkspace, inProgress func() bool) string {
	t.Helper()
	var out strings.Builder
	cmd := exec.Command("terraform", "apply", "-no-color", "-auto-approve")
	cmd.Dir, cmd.Env = w.dir, w.env
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.After(90 * time.Second)
	for !inProgress() {
		select {
		case err := <-exited:
			t.Fatalf("terraform apply ended before the interrupt (%v):\n%s", err, out.String())
		case <-deadline:
			_ = cmd.Process.Kill()
			t.Fatalf("the operation never got under way:\n%s", out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	if len(fmProviderProcs(providerBinary(t))) == 0 {
		t.Error("no provider process is visible while terraform runs: the survivor check would prove nothing")
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err == nil {
			t.Logf("the interrupted apply exited 0")
		}
	case <-time.After(90 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("terraform did not exit after SIGINT:\n%s", out.String())
	}
	w.output.WriteString(out.String())
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.Contains(line, "Error") || strings.Contains(line, "Interrupt") || strings.Contains(line, "canceled") {
			t.Logf("interrupted apply: %s", strings.TrimSpace(line))
		}
	}
	if !strings.Contains(out.String(), "Interrupt received") {
		t.Errorf("terraform did not report the interrupt:\n%s", out.String())
	}
	return out.String()
}

// fmNoSurvivors checks that no provider, pg_dump or pg_restore process of
// the interrupted run is left.
func fmNoSurvivors(t *testing.T, bin, tmp string) {
	t.Helper()
	// The provider process is stopped by terraform as it exits; give the
	// kernel a moment to reap it.
	var left []string
	for i := 0; i < 50; i++ {
		left = append(fmProviderProcs(bin), pgChildren(tmp)...)
		if len(left) == 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Errorf("processes survived the interrupted terraform: %v", left)
}

// fmConverges re-applies and checks that the plan afterwards is empty.
func fmConverges(t *testing.T, w *cliWorkspace) {
	t.Helper()
	w.mustRun("apply", "-auto-approve")
	out, err := w.run("plan", "-detailed-exitcode")
	if err != nil {
		t.Errorf("the plan after the converging apply is not empty (%v):\n%s", err, out)
	}
}

func fmCLIRows() []fmRow {
	return []fmRow{
		{name: "SIGINT during a secret import", outcome: fmInterrupted,
			run: func(t *testing.T, row fmRow) {
				t.Logf("fault %q, expected outcome: %s", row.name, row.outcome)
				_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
				srv, awsURL := awsSandbox(t, awsapi.Options{SSMPutTPS: 50})
				values := fmVars(40)
				w := newCLIWorkspace(t, fmt.Sprintf(`
provider "heroku2aws" {
  aws {
    ssm_put_parameter_rate = 5
  }
}
resource "heroku2aws_secret_import" "fm" {
  values = %s
  ssm { path_prefix = "/sigint/" }
}
`, hclMap(values)), map[string]string{
					"HEROKU_API_URL": herokuURL, "HEROKU_API_KEY": testAPIKey,
					"AWS_ENDPOINT_URL": awsURL, "AWS_REGION": "us-east-1",
					"AWS_ACCESS_KEY_ID": sandboxAWSKey, "AWS_SECRET_ACCESS_KEY": "sandbox-secret",
					"AWS_EC2_METADATA_DISABLED": "true", "TMPDIR": t.TempDir(),
				})
				puts := func() int {
					return fmAWSCount(srv, func(r awsapi.Request) bool { return r.Operation == "PutParameter" && r.Status == 200 })
				}
				fmInterrupt(t, w, func() bool { return puts() >= 5 })
				written := puts()
				if written >= len(values) {
					t.Fatalf("all %d parameters were written before the interrupt took effect: the row proves nothing", written)
				}
				attrs := fmReadState(t, w, "heroku2aws_secret_import")
				var live []string
				for _, n := range srv.ParameterNames() {
					if strings.HasPrefix(n, "/sigint/") {
						live = append(live, n)
					}
				}
				sort.Strings(live)
				if attrs != nil {
					keys, _ := attrs["keys"].(map[string]any)
					var inState []string
					for _, v := range keys {
						obj, _ := v.(map[string]any)
						name, _ := obj["name"].(string)
						inState = append(inState, name)
					}
					sort.Strings(inState)
					if strings.Join(inState, ",") != strings.Join(live, ",") {
						t.Errorf("the interrupted state records %v, but %v exist", inState, live)
					}
				}
				t.Logf("interrupted after %d of %d writes; state %s", len(live), len(values), map[bool]string{true: "holds the tainted resource", false: "has no resource"}[attrs != nil])
				fmNoSurvivors(t, providerBinary(t), "/nonexistent-dir-for-secret-import")
				fmConverges(t, w)
				if err := expectParameters(srv, "/sigint/", values)(nil); err != nil {
					t.Error(err)
				}
			}},
		{name: "SIGINT during a restore", outcome: fmInterrupted,
			run: func(t *testing.T, row fmRow) {
				t.Logf("fault %q, expected outcome: %s", row.name, row.outcome)
				ctx := context.Background()
				// A cluster of its own: the pg group runs in parallel.
				tgt := pgtest.StartT(t, pgtest.Options{})
				if err := tgt.CreateDatabase(ctx, "sigint"); err != nil {
					t.Fatal(err)
				}
				src := pgSource(t)
				dump := filepath.Join(t.TempDir(), "app.dump")
				dumpDB(t, src, "app", dump)
				lock := fmLockTarget(t, tgt, "sigint")
				_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
				tmp := t.TempDir()
				target := tgt.URL("sigint")
				w := newCLIWorkspace(t, restoreConfig(fmt.Sprintf("dump_file = %q", dump), target, "jobs = 1\n  clean = true"),
					map[string]string{"HEROKU_API_URL": herokuURL, "HEROKU_API_KEY": testAPIKey, "TMPDIR": tmp})
				sawRestore := false
				fmInterrupt(t, w, func() bool {
					if len(pgChildren(tmp)) > 0 {
						sawRestore = true
					}
					return sawRestore && fmWaitBlocked(tgt, "sigint", 10*time.Millisecond) == nil
				})
				_ = lock.Close(ctx) // the lock is released only after terraform exited
				attrs := fmReadState(t, w, "heroku2aws_pg_restore_job")
				t.Logf("after the interrupt the state %s", map[bool]string{true: "holds the tainted job", false: "has no job"}[attrs != nil])
				fmNoSurvivors(t, providerBinary(t), tmp)
				entries, _ := os.ReadDir(tmp)
				for _, e := range entries {
					t.Errorf("temporary file left behind by the interrupted run: %s", e.Name())
				}
				fmConverges(t, w)
				if err := expectRestored(target)(nil); err != nil {
					t.Error(err)
				}
			}},
	}
}
