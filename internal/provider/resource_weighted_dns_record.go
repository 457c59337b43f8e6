package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/dnscutover"
)

type weightedDNSRecordResource struct{ resourceBase }

type weightedDNSRecordModel struct {
	ID                   types.String   `tfsdk:"id"`
	ZoneID               types.String   `tfsdk:"zone_id"`
	Name                 types.String   `tfsdk:"name"`
	TTL                  types.Int64    `tfsdk:"ttl"`
	Heroku               *herokuSide    `tfsdk:"heroku"`
	AWS                  *awsSide       `tfsdk:"aws"`
	WaitForSync          types.Bool     `tfsdk:"wait_for_sync"`
	HerokuTrafficPercent types.Float64  `tfsdk:"heroku_traffic_percent"`
	AWSTrafficPercent    types.Float64  `tfsdk:"aws_traffic_percent"`
	ChangeID             types.String   `tfsdk:"change_id"`
	Status               types.String   `tfsdk:"status"`
	Gate                 *gateModel     `tfsdk:"gate"`
	Watch                *watchModel    `tfsdk:"watch"`
	GateResult           types.Object   `tfsdk:"gate_result"`
	Timeouts             timeouts.Value `tfsdk:"timeouts"`
}

type herokuSide struct {
	Target        types.String      `tfsdk:"target"`
	Weight        types.Int64       `tfsdk:"weight"`
	SetIdentifier types.String      `tfsdk:"set_identifier"`
	HealthCheckID types.String      `tfsdk:"health_check_id"`
	HealthCheck   *healthCheckModel `tfsdk:"health_check"`
}

type awsSide struct {
	Target        types.String      `tfsdk:"target"`
	Alias         *aliasModel       `tfsdk:"alias"`
	Weight        types.Int64       `tfsdk:"weight"`
	SetIdentifier types.String      `tfsdk:"set_identifier"`
	HealthCheckID types.String      `tfsdk:"health_check_id"`
	HealthCheck   *healthCheckModel `tfsdk:"health_check"`
}

type aliasModel struct {
	Name                 types.String `tfsdk:"name"`
	ZoneID               types.String `tfsdk:"zone_id"`
	EvaluateTargetHealth types.Bool   `tfsdk:"evaluate_target_health"`
}

var (
	_ resource.ResourceWithConfigure   = (*weightedDNSRecordResource)(nil)
	_ resource.ResourceWithImportState = (*weightedDNSRecordResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*weightedDNSRecordResource)(nil)
)

func newWeightedDNSRecordResource() resource.Resource {
	return &weightedDNSRecordResource{resourceBase: newResourceBase("heroku2aws_weighted_dns_record")}
}

func (r *weightedDNSRecordResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_weighted_dns_record"
}

func (r *weightedDNSRecordResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, config weightedDNSRecordModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	var prior *weightedDNSRecordModel
	if !req.State.Raw.IsNull() {
		prior = &weightedDNSRecordModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, prior)...)
	}
	if resp.Diagnostics.HasError() || plan.Heroku == nil || plan.AWS == nil || config.Heroku == nil || config.AWS == nil {
		return // the required-block validators report missing blocks
	}
	for _, req := range []struct {
		attr string
		v    attr.Value
	}{
		{"heroku.target", plan.Heroku.Target}, {"heroku.weight", plan.Heroku.Weight}, {"aws.weight", plan.AWS.Weight},
	} {
		if req.v.IsNull() {
			resp.Diagnostics.AddAttributeError(attrPath(req.attr), "Missing Required Argument", req.attr+" is required.")
		}
	}
	if plan.AWS.Alias != nil && (plan.AWS.Alias.Name.IsNull() || plan.AWS.Alias.ZoneID.IsNull()) {
		resp.Diagnostics.AddAttributeError(attrPath("aws.alias"), "Missing Required Argument", "aws.alias needs name and zone_id.")
	}
	if resp.Diagnostics.HasError() {
		return
	}
	addProblems(&resp.Diagnostics, planHealthChecks(&config, prior, &plan))
	if gateKnown(plan.Gate, plan.Watch) {
		addProblems(&resp.Diagnostics, gateProblems(ctx, &plan, &resp.Diagnostics))
	}
	if resp.Diagnostics.HasError() {
		return
	}
	known := !plan.ZoneID.IsUnknown() && !plan.Name.IsUnknown() && !plan.TTL.IsUnknown() &&
		!plan.Heroku.Target.IsUnknown() && !plan.Heroku.Weight.IsUnknown() && !plan.AWS.Weight.IsUnknown() && !plan.AWS.Target.IsUnknown()
	pair := expandPair(&plan)

	zoneName := ""
	if known && r.data != nil {
		if cached, ok := r.data.zoneNames.Load(pair.ZoneID); ok {
			zoneName, _ = cached.(string)
		} else if engine := r.engine("Error Planning Weighted DNS Record", &resp.Diagnostics); engine != nil {
			name, err := engine.ZoneName(ctx, pair.ZoneID)
			var nsz *r53types.NoSuchHostedZone
			switch {
			case errors.As(err, &nsz):
				resp.Diagnostics.AddAttributeError(path.Root("zone_id"), "Hosted Zone Not Found",
					fmt.Sprintf("Route 53 has no hosted zone %s that these credentials can see. Check zone_id.", pair.ZoneID))
				return
			case err != nil:
				resp.Diagnostics.AddError("Error Planning Weighted DNS Record", "Reading the hosted zone failed: "+err.Error())
				return
			}
			zoneName = name
			r.data.zoneNames.Store(pair.ZoneID, name)
		}
	}
	if known {
		addProblems(&resp.Diagnostics, dnscutover.Validate(pair, zoneName))
		if resp.Diagnostics.HasError() {
			return
		}
		plan.ID = types.StringValue(pair.ID())
	}
	if !plan.Heroku.Weight.IsUnknown() && !plan.AWS.Weight.IsUnknown() {
		h, a := dnscutover.TrafficPercent(pair.Heroku.Weight, pair.AWS.Weight)
		plan.HerokuTrafficPercent, plan.AWSTrafficPercent = types.Float64Value(h), types.Float64Value(a)
	} else {
		plan.HerokuTrafficPercent, plan.AWSTrafficPercent = types.Float64Unknown(), types.Float64Unknown()
	}
	if prior != nil && !recordsChanged(prior, &plan) {
		plan.ChangeID, plan.Status = prior.ChangeID, prior.Status
	} else {
		plan.ChangeID, plan.Status = types.StringUnknown(), types.StringUnknown()
	}
	// gate_result changes only when this apply is gated.
	switch {
	case plan.Gate != nil && awsWeightRises(prior, &plan) && (prior == nil || recordsChanged(prior, &plan)):
		plan.GateResult = types.ObjectUnknown(gateResultTypes)
	case prior != nil:
		plan.GateResult = prior.GateResult
	default:
		plan.GateResult = types.ObjectNull(gateResultTypes)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *weightedDNSRecordResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	const operation = "Error Creating Weighted DNS Record"
	var plan weightedDNSRecordModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, defaultDNSTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	engine := r.engine(operation, &resp.Diagnostics)
	if engine == nil {
		return
	}
	pair := expandPair(&plan)
	plan.ID = types.StringValue(pair.ID())
	plan.GateResult = types.ObjectNull(gateResultTypes)
	// The gate runs before anything is created: a refusal leaves nothing.
	if gate, _ := expandGate(ctx, plan.Gate, &resp.Diagnostics); gate != nil && pair.AWS.Weight > 0 {
		result, err := engine.Probe(ctx, pair.Name, awsProbeTarget(pair), *gate)
		if err == nil && !result.Passed {
			err = &dnscutover.GateError{Result: result}
		}
		if err != nil {
			addShiftError(&resp.Diagnostics, operation, pair, nil, err)
			return
		}
		plan.GateResult = flattenGateResult(&result)
	}
	created, err := createHealthChecks(ctx, engine, &plan)
	if err != nil {
		resp.Diagnostics.AddError(operation, err.Error()+"\n\nNo record was written.")
		cleanupHealthChecks(ctx, engine, created, &resp.Diagnostics)
		return
	}
	pair = expandPair(&plan)
	var inner diag.Diagnostics
	ok := r.submitAndWait(ctx, engine, &plan, dnscutover.CreateBatch(pair), operation, &inner)
	if ok || !plan.ChangeID.IsUnknown() {
		// Written (even if the wait ended early): record what exists.
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	} else {
		cleanupHealthChecks(ctx, engine, created, &inner)
	}
	resp.Diagnostics.Append(inner...)
}

func (r *weightedDNSRecordResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state weightedDNSRecordModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	engine := r.engine("Error Reading Weighted DNS Record", &resp.Diagnostics)
	if engine == nil {
		return
	}
	pair := expandPair(&state)
	cur, err := engine.Read(ctx, pair.ZoneID, pair.Name, pair.Heroku.SetIdentifier, pair.AWS.SetIdentifier)
	var nsz *r53types.NoSuchHostedZone
	if errors.As(err, &nsz) || (err == nil && cur.Heroku == nil && cur.AWS == nil) {
		tflog.Warn(ctx, "Weighted DNS pair no longer exists; removing it from state", map[string]any{"id": pair.ID()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error Reading Weighted DNS Record", err.Error())
		return
	}
	flattenCurrent(&state, cur)
	refreshHealthChecks(ctx, engine, &state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if state.Status.ValueString() == string(r53types.ChangeStatusPending) && state.ChangeID.ValueString() != "" {
		if status, err := engine.Status(ctx, state.ChangeID.ValueString()); err == nil {
			state.Status = types.StringValue(status)
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update changes the owned health checks and the records: new checks
// first, then the records (gated and watched when the AWS weight rises),
// then the checks kept in place, then the checks no record references.
func (r *weightedDNSRecordResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	const operation = "Error Updating Weighted DNS Record"
	var plan, state weightedDNSRecordModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Update(ctx, defaultDNSTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if !recordsChanged(&state, &plan) && !healthChecksChanged(&state, &plan) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	engine := r.engine(operation, &resp.Diagnostics)
	if engine == nil {
		return
	}
	created, err := createHealthChecks(ctx, engine, &plan)
	if err != nil {
		resp.Diagnostics.AddError(operation, err.Error()+"\n\nThe records were not changed.")
		cleanupHealthChecks(ctx, engine, created, &resp.Diagnostics)
		return
	}
	candidates := append(ownedHealthCheckIDs(&state), created...)
	if recordsChanged(&state, &plan) && !r.updateRecords(ctx, engine, &state, &plan, created, resp) {
		return
	}
	if err := updateHealthChecks(ctx, engine, &state, &plan); err != nil {
		resp.Diagnostics.AddError(operation, err.Error())
	}
	if err := deleteUnreferenced(ctx, engine, &plan, candidates); err != nil {
		resp.Diagnostics.AddError(operation, "The records are updated, but deleting a health check they no longer use failed: "+err.Error())
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// updateRecords writes the records of plan: through dnscutover's Shift
// when the gate applies, else in one change batch. It reports whether the
// records now hold plan; when not, it has set the state and diagnostics.
func (r *weightedDNSRecordResource) updateRecords(ctx context.Context, engine *dnscutover.Engine, state, plan *weightedDNSRecordModel,
	created []string, resp *resource.UpdateResponse) bool {
	const operation = "Error Updating Weighted DNS Record"
	gate, _ := expandGate(ctx, plan.Gate, &resp.Diagnostics)
	if gate != nil && awsWeightRises(state, plan) {
		return r.shift(ctx, engine, state, plan, gate, created, resp)
	}
	pair := expandPair(plan)
	cur, err := engine.Read(ctx, pair.ZoneID, pair.Name, state.Heroku.SetIdentifier.ValueString(), state.AWS.SetIdentifier.ValueString())
	if err != nil {
		resp.Diagnostics.AddError(operation, "Reading the current records failed: "+err.Error())
		cleanupHealthChecks(ctx, engine, created, &resp.Diagnostics)
		return false
	}
	var inner diag.Diagnostics
	if r.submitAndWait(ctx, engine, plan, dnscutover.UpdateBatch(pair, cur), operation, &inner) {
		return true
	}
	if !plan.ChangeID.IsUnknown() {
		// Accepted, still PENDING: the records hold plan.
		_ = deleteUnreferenced(ctx, engine, plan, append(ownedHealthCheckIDs(state), created...))
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	} else {
		cleanupHealthChecks(ctx, engine, created, &inner)
	}
	resp.Diagnostics.Append(inner...)
	return false
}

// shift raises the AWS weight through the gate (and the watch). A refusing
// gate leaves the prior state; a failing watch leaves what Route 53 holds
// after the revert, the prior weights.
func (r *weightedDNSRecordResource) shift(ctx context.Context, engine *dnscutover.Engine, state, plan *weightedDNSRecordModel,
	gate *dnscutover.Gate, created []string, resp *resource.UpdateResponse) bool {
	const operation = "Error Updating Weighted DNS Record"
	watch, _ := expandWatch(plan.Watch)
	from, to := expandPair(state), expandPair(plan)
	res, err := engine.Shift(ctx, from, to, gate, watch)
	if res.Gate != nil {
		plan.GateResult = flattenGateResult(res.Gate)
	}
	if err == nil {
		plan.ChangeID, plan.Status = types.StringValue(res.ChangeID), types.StringValue(string(r53types.ChangeStatusInsync))
		return true
	}
	if res.ChangeID == "" {
		// Refused by the gate, or not submitted: Route 53 holds the prior
		// records, and the state stays the prior state.
		addShiftError(&resp.Diagnostics, operation, to, &from, err)
		cleanupHealthChecks(ctx, engine, created, &resp.Diagnostics)
		return false
	}
	// Submitted: the records hold `to`, or `from` again after a revert.
	// The state is what Route 53 is read to hold.
	m := *plan
	m.ChangeID, m.Status = types.StringValue(res.ChangeID), types.StringValue(string(r53types.ChangeStatusPending))
	var werr *dnscutover.WatchError
	if errors.As(err, &werr) {
		m.Status = types.StringValue(string(r53types.ChangeStatusInsync))
		if res.RevertChangeID != "" {
			m.ChangeID = types.StringValue(res.RevertChangeID)
			if !werr.Reverted {
				m.Status = types.StringValue(string(r53types.ChangeStatusPending))
			}
		}
	}
	heroku, aws := *plan.Heroku, *plan.AWS
	m.Heroku, m.AWS = &heroku, &aws
	if cur, rerr := engine.Read(ctx, to.ZoneID, to.Name, to.Heroku.SetIdentifier, to.AWS.SetIdentifier); rerr == nil {
		flattenCurrent(&m, cur)
	} else if werr != nil && werr.Reverted {
		m.Heroku.Weight, m.AWS.Weight = state.Heroku.Weight, state.AWS.Weight
		m.Heroku.HealthCheckID, m.AWS.HealthCheckID = state.Heroku.HealthCheckID, state.AWS.HealthCheckID
		m.HerokuTrafficPercent, m.AWSTrafficPercent = state.HerokuTrafficPercent, state.AWSTrafficPercent
	}
	if derr := deleteUnreferenced(ctx, engine, &m, append(ownedHealthCheckIDs(state), created...)); derr != nil {
		resp.Diagnostics.AddWarning("Health Check Left Behind", derr.Error())
	}
	addShiftError(&resp.Diagnostics, operation, to, &from, err)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	return false
}

func (r *weightedDNSRecordResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	const operation = "Error Deleting Weighted DNS Record"
	var state weightedDNSRecordModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, defaultDNSTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	engine := r.engine(operation, &resp.Diagnostics)
	if engine == nil {
		return
	}
	pair := expandPair(&state)
	cur, err := engine.Read(ctx, pair.ZoneID, pair.Name, pair.Heroku.SetIdentifier, pair.AWS.SetIdentifier)
	var nsz *r53types.NoSuchHostedZone
	switch {
	case errors.As(err, &nsz) || (err == nil && cur.Heroku == nil && cur.AWS == nil):
		// The records are gone already.
	case err != nil:
		resp.Diagnostics.AddError(operation, "Reading the current records failed: "+err.Error())
		return
	default:
		var inner diag.Diagnostics
		before := state.ChangeID
		ok := r.submitAndWait(ctx, engine, &state, dnscutover.DeleteBatch(pair.Name, cur), operation, &inner)
		resp.Diagnostics.Append(inner...)
		if !ok && state.ChangeID.Equal(before) {
			return // the records still reference their checks
		}
	}
	// Records first, then the checks they referenced.
	for _, id := range ownedHealthCheckIDs(&state) {
		if err := engine.DeleteHealthCheck(ctx, id); err != nil {
			resp.Diagnostics.AddError(operation, "The records are deleted, but deleting their health check failed: "+err.Error())
		}
	}
}

// ImportState adopts an existing pair by ZONEID_name_CNAME whose set
// identifiers are the defaults, heroku and aws.
func (r *weightedDNSRecordResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	zoneID, name, err := dnscutover.ParseID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", err.Error())
		return
	}
	engine := r.engine("Error Importing Weighted DNS Record", &resp.Diagnostics)
	if engine == nil {
		return
	}
	cur, err := engine.Read(ctx, zoneID, name, "heroku", "aws")
	if err != nil {
		resp.Diagnostics.AddError("Error Importing Weighted DNS Record", err.Error())
		return
	}
	if cur.Heroku == nil || cur.AWS == nil {
		resp.Diagnostics.AddError("Error Importing Weighted DNS Record",
			fmt.Sprintf("Zone %s has no weighted CNAME pair at %s with set identifiers \"heroku\" and \"aws\" (found heroku: %v, aws: %v). "+
				"Import adopts only a complete pair with the default identifiers.", zoneID, name, cur.Heroku != nil, cur.AWS != nil))
		return
	}
	m := weightedDNSRecordModel{
		ZoneID: types.StringValue(zoneID), Name: types.StringValue(name), WaitForSync: types.BoolValue(true),
		Heroku:   &herokuSide{SetIdentifier: types.StringValue("heroku")},
		AWS:      &awsSide{SetIdentifier: types.StringValue("aws")},
		ChangeID: types.StringNull(), Status: types.StringValue(string(r53types.ChangeStatusInsync)),
		GateResult: types.ObjectNull(gateResultTypes),
		Timeouts:   nullTimeouts(),
	}
	m.ID = types.StringValue(dnscutover.Pair{ZoneID: zoneID, Name: name}.ID())
	flattenCurrent(&m, cur)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// expandPair converts the model; unknown values come out empty.
func expandPair(m *weightedDNSRecordModel) dnscutover.Pair {
	p := dnscutover.Pair{ZoneID: m.ZoneID.ValueString(), Name: m.Name.ValueString(), TTL: m.TTL.ValueInt64()}
	if m.Heroku != nil {
		p.Heroku = dnscutover.Side{Target: m.Heroku.Target.ValueString(), Weight: m.Heroku.Weight.ValueInt64(),
			SetIdentifier: m.Heroku.SetIdentifier.ValueString(), HealthCheckID: m.Heroku.HealthCheckID.ValueString()}
	}
	if m.AWS != nil {
		p.AWS = dnscutover.Side{Target: m.AWS.Target.ValueString(), Weight: m.AWS.Weight.ValueInt64(),
			SetIdentifier: m.AWS.SetIdentifier.ValueString(), HealthCheckID: m.AWS.HealthCheckID.ValueString()}
		if a := m.AWS.Alias; a != nil && !a.Name.IsNull() {
			p.AWS.Alias = &dnscutover.Alias{Name: a.Name.ValueString(), ZoneID: a.ZoneID.ValueString(), EvaluateTargetHealth: a.EvaluateTargetHealth.ValueBool()}
		}
	}
	return p
}

// flattenCurrent copies what Route 53 holds into the model, so drift shows
// as an update. A missing record reads as null target and weight, which
// the next apply writes again.
func flattenCurrent(m *weightedDNSRecordModel, cur dnscutover.Current) {
	if m.Heroku == nil {
		m.Heroku = &herokuSide{SetIdentifier: types.StringValue("heroku")}
	}
	if m.AWS == nil {
		m.AWS = &awsSide{SetIdentifier: types.StringValue("aws")}
	}
	if h := cur.Heroku; h != nil {
		m.Heroku.Target = types.StringValue(h.Target)
		m.Heroku.Weight = types.Int64Value(h.Weight)
		m.Heroku.HealthCheckID = optionalString(h.HealthCheckID)
		m.TTL = types.Int64Value(h.TTL)
	} else {
		m.Heroku.Target, m.Heroku.Weight = types.StringNull(), types.Int64Null()
	}
	if a := cur.AWS; a != nil {
		m.AWS.Weight = types.Int64Value(a.Weight)
		m.AWS.HealthCheckID = optionalString(a.HealthCheckID)
		if a.Alias != nil {
			m.AWS.Target = types.StringNull()
			m.AWS.Alias = &aliasModel{Name: types.StringValue(a.Alias.Name), ZoneID: types.StringValue(a.Alias.ZoneID),
				EvaluateTargetHealth: types.BoolValue(a.Alias.EvaluateTargetHealth)}
		} else {
			m.AWS.Target = types.StringValue(a.Target)
			m.AWS.Alias = nil
			if cur.Heroku == nil {
				m.TTL = types.Int64Value(a.TTL)
			}
		}
	} else {
		m.AWS.Target, m.AWS.Weight = types.StringNull(), types.Int64Null()
	}
	if !m.Heroku.Weight.IsNull() && !m.AWS.Weight.IsNull() {
		h, a := dnscutover.TrafficPercent(m.Heroku.Weight.ValueInt64(), m.AWS.Weight.ValueInt64())
		m.HerokuTrafficPercent, m.AWSTrafficPercent = types.Float64Value(h), types.Float64Value(a)
	}
}

const defaultDNSTimeout = 30 * time.Minute

func (r *weightedDNSRecordResource) engine(operation string, diags *diag.Diagnostics) *dnscutover.Engine {
	clients := r.data.awsClients(diags, operation)
	if clients == nil {
		return nil
	}
	return &dnscutover.Engine{R53: clients.Route53, Logger: newLogger()}
}

// recordsChanged reports whether an update writes to Route 53.
func recordsChanged(prior, plan *weightedDNSRecordModel) bool {
	a, b := expandPair(prior), expandPair(plan)
	same := func(x, y *dnscutover.Alias) bool {
		return (x == nil && y == nil) || (x != nil && y != nil && *x == *y)
	}
	return a.TTL != b.TTL || a.Heroku != b.Heroku || a.AWS.Target != b.AWS.Target || a.AWS.Weight != b.AWS.Weight ||
		a.AWS.SetIdentifier != b.AWS.SetIdentifier || a.AWS.HealthCheckID != b.AWS.HealthCheckID || !same(a.AWS.Alias, b.AWS.Alias) ||
		plan.Heroku.Target.IsUnknown() || plan.AWS.Target.IsUnknown() ||
		plan.Heroku.HealthCheckID.IsUnknown() || plan.AWS.HealthCheckID.IsUnknown()
}

// awsProbeTarget is the host the gate connects to when it has no address:
// the AWS target, or the aliased record's name.
func awsProbeTarget(p dnscutover.Pair) string {
	if p.AWS.Alias != nil {
		return p.AWS.Alias.Name
	}
	return p.AWS.Target
}

// submitAndWait sends a batch, records the change in m, and waits for
// INSYNC when asked. On a wait that ends early, m still says what exists:
// the change was accepted and is PENDING.
func (r *weightedDNSRecordResource) submitAndWait(ctx context.Context, engine *dnscutover.Engine, m *weightedDNSRecordModel,
	batch *r53types.ChangeBatch, operation string, diags *diag.Diagnostics) bool {
	pair := expandPair(m)
	changeID, err := engine.Submit(ctx, pair.ZoneID, batch)
	if err != nil {
		detail := fmt.Sprintf("Route 53 rejected the change to %s in zone %s: %s", pair.Name, pair.ZoneID, err)
		if msgs := dnscutover.ErrorMessages(err); len(msgs) > 0 {
			detail += "\n\nRoute 53 says:\n- " + strings.Join(msgs, "\n- ")
			for _, m := range msgs {
				if strings.Contains(m, "already exists") {
					detail += "\n\nTo manage existing records, import them: terraform import <address> " + pair.ID()
				}
			}
		}
		diags.AddError(operation, detail+"\n\nNothing was changed: a change batch is all or nothing.")
		return false
	}
	m.ChangeID, m.Status = types.StringValue(changeID), types.StringValue(string(r53types.ChangeStatusPending))
	if !m.WaitForSync.ValueBool() {
		return true
	}
	if err := engine.WaitInsync(ctx, changeID); err != nil {
		diags.AddError(operation, fmt.Sprintf("Route 53 accepted change %s (both records of %s are written) but it did not "+
			"reach INSYNC before the timeout: %s\n\nThe records are in place and Route 53 keeps propagating them. Raise the "+
			"timeout (timeouts.create/update) or set wait_for_sync = false; the next refresh updates status.", changeID, pair.Name, err))
		return false
	}
	m.Status = types.StringValue(string(r53types.ChangeStatusInsync))
	return true
}
