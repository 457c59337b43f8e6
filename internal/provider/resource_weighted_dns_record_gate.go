package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/dnscutover"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/problem"
)

// The health gate and the watch of heroku2aws_weighted_dns_record: their
// models, conversions and diagnostics. The probing, the shift and the
// revert are dnscutover's.

type gateModel struct {
	Scheme             types.String  `tfsdk:"scheme"`
	Path               types.String  `tfsdk:"path"`
	Port               types.Int64   `tfsdk:"port"`
	Address            types.String  `tfsdk:"address"`
	Requests           types.Int64   `tfsdk:"requests"`
	Duration           types.String  `tfsdk:"duration"`
	Timeout            types.String  `tfsdk:"timeout"`
	MinSuccessRatio    types.Float64 `tfsdk:"min_success_ratio"`
	MaxP95Latency      types.String  `tfsdk:"max_p95_latency"`
	SuccessStatus      types.List    `tfsdk:"success_status"`
	InsecureSkipVerify types.Bool    `tfsdk:"insecure_skip_verify"`
}

type watchModel struct {
	Duration types.String `tfsdk:"duration"`
	Requests types.Int64  `tfsdk:"requests"`
}

// gateKnown reports whether every value of the gate and the watch is known,
// so that they can be validated at plan.
func gateKnown(g *gateModel, w *watchModel) bool {
	if g != nil {
		for _, v := range []attr.Value{g.Scheme, g.Path, g.Port, g.Address, g.Requests, g.Duration, g.Timeout,
			g.MinSuccessRatio, g.MaxP95Latency, g.SuccessStatus, g.InsecureSkipVerify} {
			if v.IsUnknown() {
				return false
			}
		}
	}
	return w == nil || (!w.Duration.IsUnknown() && !w.Requests.IsUnknown())
}

// expandGate converts the gate block; nil when there is none. A duration
// that does not parse is a problem on its attribute.
func expandGate(ctx context.Context, g *gateModel, diags *diag.Diagnostics) (*dnscutover.Gate, problem.List) {
	if g == nil {
		return nil, nil
	}
	var problems problem.List
	gate := &dnscutover.Gate{
		Scheme:             g.Scheme.ValueString(),
		Path:               g.Path.ValueString(),
		Port:               int(g.Port.ValueInt64()),
		Address:            g.Address.ValueString(),
		Requests:           int(g.Requests.ValueInt64()),
		Duration:           parseDuration("gate.duration", g.Duration, &problems),
		Timeout:            parseDuration("gate.timeout", g.Timeout, &problems),
		MinSuccessRatio:    g.MinSuccessRatio.ValueFloat64(),
		MaxP95Latency:      parseDuration("gate.max_p95_latency", g.MaxP95Latency, &problems),
		InsecureSkipVerify: g.InsecureSkipVerify.ValueBool(),
	}
	if !g.SuccessStatus.IsNull() && !g.SuccessStatus.IsUnknown() {
		var statuses []int64
		diags.Append(g.SuccessStatus.ElementsAs(ctx, &statuses, false)...)
		for _, s := range statuses {
			gate.SuccessStatus = append(gate.SuccessStatus, int(s))
		}
	}
	return gate, problems
}

// expandWatch converts the watch block; nil when there is none.
func expandWatch(w *watchModel) (*dnscutover.Watch, problem.List) {
	if w == nil {
		return nil, nil
	}
	var problems problem.List
	watch := &dnscutover.Watch{
		Duration: parseDuration("watch.duration", w.Duration, &problems),
		Requests: int(w.Requests.ValueInt64()),
	}
	return watch, problems
}

// gateProblems validates the gate and the watch as configured: the
// duration syntax, then the domain's checks of the values.
func gateProblems(ctx context.Context, m *weightedDNSRecordModel, diags *diag.Diagnostics) problem.List {
	gate, out := expandGate(ctx, m.Gate, diags)
	watch, wp := expandWatch(m.Watch)
	out = append(out, wp...)
	if gate != nil {
		out = append(out, withoutDurationRepeats(gate.Validate("gate"), out)...)
	}
	if watch != nil {
		out = append(out, withoutDurationRepeats(watch.Validate("watch"), out)...)
		if gate == nil {
			out = append(out, problem.Errorf("watch", "Watch Without Gate",
				"The watch probes the gate's target with the gate's thresholds: add a gate block (with at least path), "+
					"or remove the watch block."))
		}
	}
	return out
}

// withoutDurationRepeats drops the domain's finding on an attribute whose
// syntax was already reported.
func withoutDurationRepeats(found, reported problem.List) problem.List {
	var out problem.List
	for _, p := range found {
		dup := false
		for _, r := range reported {
			dup = dup || r.Attribute == p.Attribute
		}
		if !dup {
			out = append(out, p)
		}
	}
	return out
}

// parseDuration reads a Go duration such as "30s"; an empty or unknown
// value is 0, which the domain's Validate reports.
func parseDuration(attribute string, v types.String, problems *problem.List) time.Duration {
	if v.IsNull() || v.IsUnknown() {
		return 0
	}
	d, err := time.ParseDuration(v.ValueString())
	if err != nil {
		*problems = append(*problems, problem.Errorf(attribute, "Invalid Duration",
			"%s is %q; use a Go duration such as \"300ms\", \"30s\" or \"5m\".", attribute, v.ValueString()))
	}
	return d
}

// durationString writes a duration the short way: "5m" rather than "5m0s".
func durationString(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// flattenGateResult is the computed gate_result of a probe.
func flattenGateResult(r *dnscutover.GateResult) types.Object {
	if r == nil {
		return types.ObjectNull(gateResultTypes)
	}
	return types.ObjectValueMust(gateResultTypes, map[string]attr.Value{
		"requests":       types.Int64Value(int64(r.Requests)),
		"successes":      types.Int64Value(int64(r.Successes)),
		"success_ratio":  types.Float64Value(r.SuccessRatio),
		"p95_latency_ms": types.Int64Value(r.P95Latency.Milliseconds()),
		"checked_at":     types.StringValue(r.Finished.UTC().Format(time.RFC3339)),
	})
}

// awsWeightRises reports whether the plan raises the AWS weight over the
// prior state's (nil on create: from nothing, so any weight above 0).
func awsWeightRises(prior, plan *weightedDNSRecordModel) bool {
	if plan.AWS == nil || plan.AWS.Weight.IsUnknown() {
		return plan.Gate != nil // unknown: it may rise
	}
	before := int64(0)
	if prior != nil && prior.AWS != nil {
		before = prior.AWS.Weight.ValueInt64() // a missing record reads as null: 0
	}
	return plan.AWS.Weight.ValueInt64() > before
}

// addShiftError reports a refused or reverted shift with the figures the
// probe saw (dnscutover's one-line summary: the counts, the success ratio,
// p95, the threshold missed and the first failures, never a body).
func addShiftError(diags *diag.Diagnostics, operation string, pair dnscutover.Pair, from *dnscutover.Pair, err error) {
	var gerr *dnscutover.GateError
	var werr *dnscutover.WatchError
	switch {
	case errors.As(err, &gerr):
		diags.AddAttributeError(attrPath("gate"), operation, fmt.Sprintf("The health gate refused to raise the AWS weight of "+
			"%s to %d.\n\nThe gate saw: %s.\n\nNothing was changed in Route 53: the weights are as they were. Fix the AWS "+
			"side (or the gate's path and thresholds) and apply again.", pair.Name, pair.AWS.Weight, gerr.Result.Summary()))
	case errors.As(err, &werr):
		what := fmt.Sprintf("The watch after raising the AWS weight of %s to %d failed.\n\nThe watch saw: %s.",
			pair.Name, pair.AWS.Weight, werr.Result.Summary())
		if werr.Reverted {
			diags.AddAttributeError(attrPath("watch"), operation, what+fmt.Sprintf("\n\nThe previous weights (Heroku %d, AWS %d) "+
				"were put back in one change batch and are INSYNC; the state holds them, so the next plan shows the raise again.",
				from.Heroku.Weight, from.AWS.Weight))
			return
		}
		diags.AddAttributeError(attrPath("watch"), operation, what+fmt.Sprintf("\n\nPutting the previous weights (Heroku %d, "+
			"AWS %d) back failed: %s\n\nThe state holds what Route 53 was read to hold afterwards. Check the records, then apply "+
			"again, or lower aws.weight to roll back (lowering is never gated).", from.Heroku.Weight, from.AWS.Weight, werr.RevertErr))
	default:
		diags.AddError(operation, fmt.Sprintf("Shifting the weights of %s failed: %s", pair.Name, err))
	}
}
