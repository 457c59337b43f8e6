package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
)

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
	sort.Strings(inState)
	sort.Strings(live)
	if len(live) == 0 || strings.Join(inState, ",") != strings.Join(live, ",") {
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
