package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/jackc/pgx/v5"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/pgrestore"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
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
//
// This file holds the table's shape, the runner and TestAccFaultMatrix;
// the rows are in one file per fault family: fault_matrix_heroku_test.go
// (Heroku API), fault_matrix_ssm_test.go (SSM and Secrets Manager),
// fault_matrix_route53_test.go, fault_matrix_restore_test.go
// (pg_restore_job), fault_matrix_signal_test.go (terraform interrupted
// with SIGINT), fault_matrix_freeze_test.go (app_freeze) and
// fault_matrix_gate_test.go (the DNS health gate and watch).

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
		{"gate", nil, fmGateRows()},
		{"pg", pg.setup, fmPGRows(pg)},
		{"cli", nil, fmCLIRows()},
		{"freeze", nil, append(fmFreezeRows(), fmFreezeCLIRows()...)},
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

// Counters and faults the families share.

func fmAtLeast(what string, got, want int) error {
	if got < want {
		return fmt.Errorf("%s: %d, want at least %d", what, got, want)
	}
	return nil
}

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

func fmThrottled(srv *awsapi.Server, code string) func() error {
	return func() error {
		return fmAtLeast(code+" answers", fmAWSCount(srv, func(r awsapi.Request) bool { return r.ErrorCode == code }), 1)
	}
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
