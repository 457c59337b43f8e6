package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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
	Timeouts             timeouts.Value `tfsdk:"timeouts"`
}

type herokuSide struct {
	Target        types.String `tfsdk:"target"`
	Weight        types.Int64  `tfsdk:"weight"`
	SetIdentifier types.String `tfsdk:"set_identifier"`
	HealthCheckID types.String `tfsdk:"health_check_id"`
}

type awsSide struct {
	Target        types.String `tfsdk:"target"`
	Alias         *aliasModel  `tfsdk:"alias"`
	Weight        types.Int64  `tfsdk:"weight"`
	SetIdentifier types.String `tfsdk:"set_identifier"`
	HealthCheckID types.String `tfsdk:"health_check_id"`
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

func (r *weightedDNSRecordResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	weight := func(side string) schema.Int64Attribute {
		return schema.Int64Attribute{
			MarkdownDescription: fmt.Sprintf("Weight of the %s record, 0 to 255. Its share of traffic is its weight over the "+
				"sum of both weights; if both are 0, traffic is split evenly. Required in this block.", side),
			Optional: true,
		}
	}
	setID := func(def string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: fmt.Sprintf("Set identifier of the record. Defaults to `%s`.", def),
			Optional:            true,
			Computed:            true,
			Default:             stringdefault.StaticString(def),
		}
	}
	healthCheck := schema.StringAttribute{
		MarkdownDescription: "Route 53 health check id. When the check fails, Route 53 stops sending traffic to this record.",
		Optional:            true,
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A pair of weighted Route 53 CNAME records that splits a hostname's traffic between a Heroku " +
			"app and its new home on AWS. Both records change together in one ChangeResourceRecordSets batch, so a " +
			"weight shift is never half applied, and both are read back to catch drift.",
		Attributes: map[string]schema.Attribute{
			"id": computedResourceID("`<zone_id>_<name>_CNAME`, also the import id."),
			"zone_id": schema.StringAttribute{
				MarkdownDescription: "Id of the Route 53 hosted zone that holds `name`.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Hostname of the pair, such as `api.acme.com`. Must be below the zone apex: a CNAME is " +
					"not allowed at the apex.",
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"ttl": schema.Int64Attribute{
				MarkdownDescription: "TTL of both records in seconds. Defaults to `60`. Above 300 a warning explains that " +
					"rollbacks then take as long to reach clients.",
				Optional: true,
				Computed: true,
				Default:  int64default.StaticInt64(60),
			},
			"wait_for_sync": schema.BoolAttribute{
				MarkdownDescription: "Wait until Route 53 reports the change `INSYNC` (typically 40 to 120 seconds). " +
					"Defaults to `true`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"heroku_traffic_percent": computedResourceFloat64("Share of traffic the Heroku record gets, in percent, by Route 53's rule."),
			"aws_traffic_percent":    computedResourceFloat64("Share of traffic the AWS record gets, in percent, by Route 53's rule."),
			"change_id":              computedResourceString("Id of the last Route 53 change."),
			"status":                 computedResourceString("Status of the last change: `PENDING` or `INSYNC`."),
			"timeouts":               createUpdateDeleteTimeouts(ctx),
		},
		Blocks: map[string]schema.Block{
			"heroku": schema.SingleNestedBlock{
				MarkdownDescription: "The record that points at Heroku. Required.",
				Validators:          []validator.Object{objectvalidator.IsRequired()},
				Attributes: map[string]schema.Attribute{
					"target": schema.StringAttribute{
						MarkdownDescription: "The app's DNS target: `cname` of `heroku2aws_domains`, such as " +
							"`deep-owl-1234.herokudns.com`. Required in this block.",
						Optional: true,
					},
					"weight":          weight("Heroku"),
					"set_identifier":  setID("heroku"),
					"health_check_id": healthCheck,
				},
			},
			"aws": schema.SingleNestedBlock{
				MarkdownDescription: "The record that points at AWS. Required. Set `target` or `alias`.",
				Validators:          []validator.Object{objectvalidator.IsRequired()},
				Attributes: map[string]schema.Attribute{
					"target": schema.StringAttribute{
						MarkdownDescription: "Hostname to point at, such as the load balancer's DNS name.",
						Optional:            true,
					},
					"weight":          weight("AWS"),
					"set_identifier":  setID("aws"),
					"health_check_id": healthCheck,
				},
				Blocks: map[string]schema.Block{
					"alias": schema.SingleNestedBlock{
						MarkdownDescription: "Point at another record of the same hosted zone instead of `target`. The pair is " +
							"of type CNAME, and a CNAME alias can only target a record in its own zone; for a load balancer, " +
							"use `target`.",
						Attributes: map[string]schema.Attribute{
							"name": schema.StringAttribute{
								MarkdownDescription: "Name of the record to alias.",
								Optional:            true,
							},
							"zone_id": schema.StringAttribute{
								MarkdownDescription: "Its hosted zone: the pair's own `zone_id`.",
								Optional:            true,
							},
							"evaluate_target_health": schema.BoolAttribute{
								MarkdownDescription: "Route traffic only while the aliased record is healthy. Defaults to `false`.",
								Optional:            true,
								Computed:            true,
								Default:             booldefault.StaticBool(false),
							},
						},
					},
				},
			},
		},
	}
}

func (r *weightedDNSRecordResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan weightedDNSRecordModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var prior *weightedDNSRecordModel
	if !req.State.Raw.IsNull() {
		prior = &weightedDNSRecordModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, prior)...)
	}
	if resp.Diagnostics.HasError() || plan.Heroku == nil || plan.AWS == nil {
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
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *weightedDNSRecordResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan weightedDNSRecordModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, defaultDNSTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	engine := r.engine("Error Creating Weighted DNS Record", &resp.Diagnostics)
	if engine == nil {
		return
	}
	pair := expandPair(&plan)
	plan.ID = types.StringValue(pair.ID())
	var inner diag.Diagnostics
	ok := r.submitAndWait(ctx, engine, &plan, dnscutover.CreateBatch(pair), "Error Creating Weighted DNS Record", &inner)
	if ok || !plan.ChangeID.IsUnknown() {
		// Written (even if the wait ended early): record what exists.
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
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
	if state.Status.ValueString() == string(r53types.ChangeStatusPending) && state.ChangeID.ValueString() != "" {
		if status, err := engine.Status(ctx, state.ChangeID.ValueString()); err == nil {
			state.Status = types.StringValue(status)
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *weightedDNSRecordResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
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
	if !recordsChanged(&state, &plan) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	engine := r.engine("Error Updating Weighted DNS Record", &resp.Diagnostics)
	if engine == nil {
		return
	}
	pair := expandPair(&plan)
	cur, err := engine.Read(ctx, pair.ZoneID, pair.Name, state.Heroku.SetIdentifier.ValueString(), state.AWS.SetIdentifier.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Error Updating Weighted DNS Record", "Reading the current records failed: "+err.Error())
		return
	}
	var inner diag.Diagnostics
	if r.submitAndWait(ctx, engine, &plan, dnscutover.UpdateBatch(pair, cur), "Error Updating Weighted DNS Record", &inner) ||
		!plan.ChangeID.IsUnknown() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
	resp.Diagnostics.Append(inner...)
}

func (r *weightedDNSRecordResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state weightedDNSRecordModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, defaultDNSTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	engine := r.engine("Error Deleting Weighted DNS Record", &resp.Diagnostics)
	if engine == nil {
		return
	}
	pair := expandPair(&state)
	cur, err := engine.Read(ctx, pair.ZoneID, pair.Name, pair.Heroku.SetIdentifier, pair.AWS.SetIdentifier)
	var nsz *r53types.NoSuchHostedZone
	if errors.As(err, &nsz) || (err == nil && cur.Heroku == nil && cur.AWS == nil) {
		return // already gone
	}
	if err != nil {
		resp.Diagnostics.AddError("Error Deleting Weighted DNS Record", "Reading the current records failed: "+err.Error())
		return
	}
	var inner diag.Diagnostics
	r.submitAndWait(ctx, engine, &state, dnscutover.DeleteBatch(pair.Name, cur), "Error Deleting Weighted DNS Record", &inner)
	resp.Diagnostics.Append(inner...)
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
		Timeouts: nullTimeouts(),
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
		plan.Heroku.Target.IsUnknown() || plan.AWS.Target.IsUnknown()
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
