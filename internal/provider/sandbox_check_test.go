package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/jackc/pgx/v5"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
)

// This file holds the checks of what really exists in the sandboxes (SSM
// parameters, secrets, Route 53 records, restored tables), as StateChecks,
// PlanChecks and TestCheckFuncs.

// sandboxCheck turns a check of a sandbox's contents into a StateCheck, so
// that a step can assert what really exists at the (fake) service beside
// what Terraform recorded.
func sandboxCheck(check func(*terraform.State) error) statecheck.StateCheck {
	return sandboxStateCheck{check}
}

type sandboxStateCheck struct {
	check func(*terraform.State) error
}

func (c sandboxStateCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c.check(nil)
}

// stateKeysCheck compares the names in a secret import's `keys` (in a
// plan's prior state) with the parameters that exist under a prefix.
type stateKeysCheck struct {
	srv         *awsapi.Server
	res, prefix string
}

func (c stateKeysCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	prior := req.Plan.PriorState
	if prior == nil || prior.Values == nil || prior.Values.RootModule == nil {
		resp.Error = fmt.Errorf("the plan has no prior state")
		return
	}
	var inState []string
	for _, r := range prior.Values.RootModule.Resources {
		if r.Address != c.res {
			continue
		}
		keys, _ := r.AttributeValues["keys"].(map[string]any)
		for _, v := range keys {
			obj, _ := v.(map[string]any)
			name, _ := obj["name"].(string)
			inState = append(inState, name)
		}
	}
	var live []string
	for _, name := range c.srv.ParameterNames() {
		if strings.HasPrefix(name, c.prefix) {
			live = append(live, name)
		}
	}
	slices.Sort(inState)
	slices.Sort(live)
	if len(live) == 0 || !slices.Equal(inState, live) {
		resp.Error = fmt.Errorf("state keys %v differ from the parameters that exist %v", inState, live)
	}
}

// tablesCheck asserts that a restore job verified at least one table and
// that every table matched.
type tablesCheck struct{ res string }

func (c tablesCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("no state")
		return
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address != c.res {
			continue
		}
		tables, _ := r.AttributeValues["tables"].([]any)
		if len(tables) == 0 {
			resp.Error = fmt.Errorf("%s verified no table", c.res)
			return
		}
		for _, t := range tables {
			obj, _ := t.(map[string]any)
			if match, _ := obj["match"].(bool); !match {
				resp.Error = fmt.Errorf("%s: table %v.%v did not verify (source %v rows, target %v)", c.res, obj["schema"], obj["name"], obj["source_rows"], obj["target_rows"])
				return
			}
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the state", c.res)
}

// expectParameters checks the sandbox holds exactly these parameters under
// prefix, with these values.
func expectParameters(srv *awsapi.Server, prefix string, want map[string]string) func(*terraform.State) error {
	return func(*terraform.State) error {
		got := map[string]string{}
		for _, name := range srv.ParameterNames() {
			if key, ok := strings.CutPrefix(name, prefix); ok {
				value, _, _, _ := srv.Parameter(name)
				got[key] = value
			}
		}
		if !maps.Equal(got, want) {
			return fmt.Errorf("parameters under %s: got %v, want %v", prefix, keysOf(got), keysOf(want))
		}
		return nil
	}
}

func keysOf(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s(%d bytes)", k, len(v)))
	}
	slices.Sort(out)
	return out
}

// expectSecret checks the live value of a secret (JSON mode: decoded).
func expectSecret(srv *awsapi.Server, name string, want map[string]string) func(*terraform.State) error {
	return func(*terraform.State) error {
		sec, ok := srv.Secret(name)
		if !ok || !sec.DeletedDate.IsZero() {
			return fmt.Errorf("secret %s does not exist", name)
		}
		var got map[string]string
		if err := json.Unmarshal([]byte(sec.SecretString), &got); err != nil {
			return fmt.Errorf("secret %s is not a JSON object: %v", name, err)
		}
		if !maps.Equal(got, want) {
			return fmt.Errorf("secret %s holds %v, want %v", name, keysOf(got), keysOf(want))
		}
		return nil
	}
}

// priorStateMatchesSandbox checks, on a plan, that the resource's keys in
// the prior state are exactly the parameters that exist: after a failed
// apply, partial state must be true state.
func priorStateMatchesSandbox(srv *awsapi.Server, res, prefix string) plancheck.PlanCheck {
	return stateKeysCheck{srv: srv, res: res, prefix: prefix}
}

// expectPair checks, in the sandbox, that api.acme.com. holds exactly the
// two weighted CNAMEs with these weights and TTL.
func expectPair(srv *awsapi.Server, zoneID string, heroku, aws int64, ttl int64) func(*terraform.State) error {
	return func(*terraform.State) error {
		var got []string
		for _, rs := range srv.RecordSets(zoneID) {
			if rs.Name != "api.acme.com." {
				continue
			}
			w := int64(-1)
			if rs.Weight != nil {
				w = *rs.Weight
			}
			got = append(got, fmt.Sprintf("%s %s id=%s w=%d ttl=%d %s", rs.Name, rs.Type, rs.SetIdentifier, w, rs.TTL, strings.Join(rs.Records, ",")))
		}
		slices.Sort(got)
		want := []string{
			fmt.Sprintf("api.acme.com. CNAME id=aws w=%d ttl=%d %s", aws, ttl, albTarget),
			fmt.Sprintf("api.acme.com. CNAME id=heroku w=%d ttl=%d %s", heroku, ttl, herokuTarget),
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			return fmt.Errorf("record sets:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		return nil
	}
}

// changeCounter counts ChangeResourceRecordSets calls that Route 53
// accepted, to prove that each apply is one batch.
type changeCounter struct {
	srv     *awsapi.Server
	mark    int
	markLog int
}

// calls summarises the Route 53 calls since reset, by operation.
func (c *changeCounter) calls() string {
	byOp := map[string]int{}
	total := 0
	for _, r := range c.srv.Requests()[c.markLog:] {
		if r.Service == "route53" {
			byOp[r.Operation]++
			total++
		}
	}
	ops := make([]string, 0, len(byOp))
	for op, n := range byOp {
		ops = append(ops, fmt.Sprintf("%s=%d", op, n))
	}
	slices.Sort(ops)
	return fmt.Sprintf("%d calls (%s)", total, strings.Join(ops, " "))
}

func (c *changeCounter) count() int {
	n := 0
	for _, r := range c.srv.Requests() {
		if r.Operation == "ChangeResourceRecordSets" && r.Status == 200 {
			n++
		}
	}
	return n
}

func (c *changeCounter) reset() { c.mark, c.markLog = c.count(), len(c.srv.Requests()) }

func (c *changeCounter) expect(n int) func(*terraform.State) error {
	return func(*terraform.State) error {
		if got := c.count() - c.mark; got != n {
			return fmt.Errorf("%d ChangeResourceRecordSets calls in this apply, want %d", got, n)
		}
		return nil
	}
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

// everyTableMatches checks the verification list: non-empty, all matched.
func everyTableMatches(res string) statecheck.StateCheck {
	return tablesCheck{res: res}
}
