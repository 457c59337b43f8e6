package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/appfreeze"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
)

// heroku2aws_app_freeze: the resource's type, model and CRUD, in the
// framework's order. The schema is in resource_app_freeze_schema.go, and
// the conversions between the model and appfreeze (expand…, flatten…) and
// the planning rules in resource_app_freeze_convert.go.
//
// Create (enabled) and Update to enabled run appfreeze's Freeze; Update to
// enabled = false and Delete run Unfreeze, the rollback. Both record every
// step in the state, so that an apply that fails half-way leaves the state
// true to what was changed, and the next apply converges.

type appFreezeResource struct{ resourceBase }

type appFreezeModel struct {
	ID               types.String            `tfsdk:"id"`
	App              types.String            `tfsdk:"app"`
	Enabled          types.Bool              `tfsdk:"enabled"`
	Maintenance      types.Bool              `tfsdk:"maintenance"`
	ProcessTypes     types.List              `tfsdk:"process_types"`
	DrainWait        types.String            `tfsdk:"drain_wait"`
	Database         *appFreezeDatabaseModel `tfsdk:"database"`
	InEffect         types.Bool              `tfsdk:"in_effect"`
	Generation       types.Int64             `tfsdk:"generation"`
	FrozenAt         types.String            `tfsdk:"frozen_at"`
	PriorMaintenance types.Bool              `tfsdk:"prior_maintenance"`
	PriorFormation   types.List              `tfsdk:"prior_formation"`
	DatabaseFrozen   types.Bool              `tfsdk:"database_frozen"`
	PriorDatabase    types.Object            `tfsdk:"prior_database"`
	Timeouts         timeouts.Value          `tfsdk:"timeouts"`
}

type appFreezeDatabaseModel struct {
	URLWO        types.String `tfsdk:"url_wo"`
	URLWOVersion types.Int64  `tfsdk:"url_wo_version"`
	Attachment   types.String `tfsdk:"attachment"`
}

var (
	_ resource.ResourceWithConfigure      = (*appFreezeResource)(nil)
	_ resource.ResourceWithValidateConfig = (*appFreezeResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*appFreezeResource)(nil)
	_ resource.ResourceWithImportState    = (*appFreezeResource)(nil)
)

const (
	defaultDrainWait       = "30s"
	defaultAppFreezeTimout = 20 * time.Minute
)

// appFreezeSensitive are the resource's sensitive arguments; addProblems
// reports a finding about one on its block, never on the argument.
var appFreezeSensitive = []string{"database.url_wo"}

func newAppFreezeResource() resource.Resource {
	return &appFreezeResource{resourceBase: newResourceBase("heroku2aws_app_freeze")}
}

func (r *appFreezeResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_app_freeze"
}

// ValidateConfig checks what needs no Heroku call: the database block's
// arguments, drain_wait, and the process types as listed.
func (r *appFreezeResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m appFreezeModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validateFreezeDatabase(m.Database, &resp.Diagnostics)
	spec, known := expandAppFreezeSpec(ctx, &m, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || !known {
		return // checked again at plan time, once known
	}
	addProblems(&resp.Diagnostics, appfreeze.Validate(spec, nil, nil, nil), appFreezeSensitive...)
}

// ModifyPlan plans in_effect as enabled and the generation by the rules of
// planGeneration, and, when a freeze is to run, checks the configuration
// against the live app (read-only calls: the app, its formation, add-ons
// and attachments).
func (r *appFreezeResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan appFreezeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var prior *appFreezeModel
	if !req.State.Raw.IsNull() {
		prior = &appFreezeModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, prior)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if prior != nil && len(resp.RequiresReplace) > 0 {
		prior = nil // planned as a new resource
	}
	spec, known := expandAppFreezeSpec(ctx, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if prior != nil && plan.Enabled.ValueBool() && plan.Database == nil && !prior.PriorDatabase.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("database"), "Database Still Frozen",
			"The database block was removed while the freeze holds the database read-only, and without it the "+
				"freeze cannot be lifted. Keep the database block, apply with enabled = false, then remove it.")
		return
	}

	run := freezeRuns(prior, &plan)
	rollback := !plan.Enabled.IsUnknown() && !plan.Enabled.ValueBool() && prior != nil && expandRecord(prior).Frozen()
	if known && r.data != nil && !rollback && (prior == nil || run) {
		r.validateLive(ctx, spec, &plan, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if plan.ID.IsUnknown() && prior != nil {
		plan.ID = prior.ID
	}
	planComputed(prior, &plan, run)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *appFreezeResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config appFreezeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, defaultAppFreezeTimout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	app, err := r.data.heroku.App(ctx, plan.App.ValueString())
	if err != nil {
		addHerokuError(&resp.Diagnostics, "Error Freezing Heroku App", "app", plan.App.ValueString(), err)
		return
	}
	plan.ID = types.StringValue(app.ID)
	unfrozen := plan
	flattenAppFreezeRecord(&unfrozen, appfreeze.Record{})
	unfrozen.InEffect = types.BoolValue(false)
	unfrozen.Generation = types.Int64Value(0)
	if !plan.Enabled.ValueBool() {
		// Nothing to freeze: the resource records nothing.
		resp.Diagnostics.Append(resp.State.Set(ctx, &unfrozen)...)
		return
	}
	// Identifying state first: if the freeze fails or is interrupted, the
	// resource is recorded (tainted) with what was changed.
	resp.Diagnostics.Append(resp.State.Set(ctx, &unfrozen)...)
	r.freeze(ctx, &unfrozen, &plan, &config, appfreeze.Record{}, &resp.State, &resp.Diagnostics)
}

// Read observes the live app against the record and sets in_effect and
// database_frozen. It never changes the app.
func (r *appFreezeResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state appFreezeModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.App.ValueString()
	app, err := r.data.heroku.App(ctx, name)
	if heroku.IsNotFound(err) {
		tflog.Warn(ctx, "The frozen Heroku app no longer exists; removing the freeze from state", map[string]any{"app": name})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addHerokuError(&resp.Diagnostics, "Error Reading Heroku App Freeze", "app", name, err)
		return
	}
	state.ID = types.StringValue(app.ID)
	rec := expandRecord(&state)
	if !state.Enabled.ValueBool() && !rec.Frozen() {
		state.InEffect, state.DatabaseFrozen = types.BoolValue(false), types.BoolValue(false)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	spec := appfreeze.Spec{App: name}
	if rec.Database != nil && state.Database != nil && !state.Database.Attachment.IsNull() {
		url, err := r.attachmentURL(ctx, name, state.Database.Attachment.ValueString())
		if err != nil {
			tflog.Warn(ctx, "The database freeze could not be checked: its URL could not be read", map[string]any{"error": err.Error()})
		} else {
			spec.Database = &appfreeze.Database{URL: url}
		}
	}
	drift, err := r.engine().Observe(ctx, spec, rec)
	if err != nil {
		addHerokuError(&resp.Diagnostics, "Error Reading Heroku App Freeze", "app", name, err)
		return
	}
	if drift.Drifted() {
		tflog.Info(ctx, "The app is no longer frozen as recorded", map[string]any{
			"app": name, "maintenance_off": drift.MaintenanceOff, "process_types": len(drift.Processes),
			"database_writable": drift.DatabaseWritable,
		})
	}
	state.InEffect = types.BoolValue(state.Enabled.ValueBool() && !state.FrozenAt.IsNull() && !drift.Drifted())
	state.DatabaseFrozen = types.BoolValue(rec.Database != nil && !drift.DatabaseWritable)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update freezes again (enabled, when planComputed found something to
// do) or lifts the freeze (enabled = false).
func (r *appFreezeResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state, config appFreezeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Update(ctx, defaultAppFreezeTimout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	rec := expandRecord(&state)
	if plan.ID.IsUnknown() {
		plan.ID = state.ID
	}
	// Until it succeeds, the state keeps the prior arguments, so that the
	// next plan shows the change again.
	partial := state
	partial.Timeouts = plan.Timeouts
	partial.InEffect = types.BoolValue(false)
	if plan.Enabled.ValueBool() {
		if !freezeRuns(&state, &plan) {
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
			return
		}
		r.freeze(ctx, &partial, &plan, &config, rec, &resp.State, &resp.Diagnostics)
		return
	}
	r.unfreeze(ctx, &partial, &plan, config.Database, rec, &resp.State, &resp.Diagnostics)
}

// Delete lifts the freeze: it restores exactly what the state records.
func (r *appFreezeResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state appFreezeModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, defaultAppFreezeTimout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	rec := expandRecord(&state)
	if !rec.Frozen() {
		return
	}
	partial := state
	partial.InEffect = types.BoolValue(false)
	r.unfreeze(ctx, &partial, nil, nil, rec, &resp.State, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.State.RemoveResource(ctx)
}

// ImportState adopts an app by name or id with nothing recorded and
// enabled = false: a freeze made by hand before the import is not known
// to the resource, so the rollback does not undo it. The next apply with
// enabled = true freezes the app and records what it changes.
func (r *appFreezeResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	app, err := r.data.heroku.App(ctx, req.ID)
	if err != nil {
		addHerokuError(&resp.Diagnostics, "Error Importing Heroku App Freeze", "", req.ID, err)
		return
	}
	m := appFreezeModel{
		ID:           types.StringValue(app.ID),
		App:          types.StringValue(req.ID),
		Enabled:      types.BoolValue(false),
		Maintenance:  types.BoolValue(true),
		ProcessTypes: types.ListNull(types.StringType),
		DrainWait:    types.StringValue(defaultDrainWait),
		InEffect:     types.BoolValue(false),
		Generation:   types.Int64Value(0),
		Timeouts:     nullTimeouts(),
	}
	flattenAppFreezeRecord(&m, appfreeze.Record{})
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// freeze runs Freeze from rec. partial is the state written after every
// step until the freeze succeeds (in_effect false, the generation of rec);
// plan becomes the state on success.
func (r *appFreezeResource) freeze(ctx context.Context, partial, plan, config *appFreezeModel, rec appfreeze.Record,
	state *tfsdk.State, diags *diag.Diagnostics) {
	const operation = "Error Freezing Heroku App"
	spec, _ := expandAppFreezeSpec(ctx, plan, diags)
	if diags.HasError() {
		return
	}
	if plan.Database != nil {
		url, err := r.databaseURL(ctx, plan.App.ValueString(), plan.Database, config.Database)
		if err != nil {
			diags.AddAttributeError(path.Root("database"), operation, err.Error())
			return
		}
		spec.Database = &appfreeze.Database{URL: url}
	}
	gen := partial.Generation.ValueInt64()
	save := func(rec appfreeze.Record) {
		flattenAppFreezeRecord(partial, rec)
		partial.Generation = types.Int64Value(gen)
		diags.Append(state.Set(ctx, partial)...)
	}
	if err := r.engine().Freeze(ctx, spec, &rec, save); err != nil {
		diags.AddError(operation, fmt.Sprintf("Freezing %s stopped: %s\n\nThe state records what the freeze changed "+
			"so far. Run terraform apply again to finish the freeze, or set enabled = false (or destroy the resource) "+
			"to restore what was recorded.", plan.App.ValueString(), herokuErrorText(err)))
		return
	}
	flattenAppFreezeRecord(plan, rec)
	if plan.Generation.IsUnknown() {
		plan.Generation = types.Int64Value(gen + 1)
	}
	plan.InEffect = types.BoolValue(true)
	diags.Append(state.Set(ctx, plan)...)
}

// unfreeze runs Unfreeze of rec. partial is written after every step
// until it succeeds; done (the plan; nil for Delete) on success.
func (r *appFreezeResource) unfreeze(ctx context.Context, partial, done *appFreezeModel, configDB *appFreezeDatabaseModel,
	rec appfreeze.Record, state *tfsdk.State, diags *diag.Diagnostics) {
	const operation = "Error Unfreezing Heroku App"
	spec := appfreeze.Spec{App: partial.App.ValueString()}
	if rec.Database != nil {
		url, err := r.databaseURL(ctx, spec.App, partial.Database, configDB)
		if err != nil {
			diags.AddError(operation, fmt.Sprintf("The database %s is frozen, and its URL is needed to lift the freeze: %s",
				rec.Database.Name, err))
			return
		}
		spec.Database = &appfreeze.Database{URL: url}
	}
	// The app is no longer considered frozen from the first step on: a
	// freeze after a failed rollback counts as a new one.
	rec.FrozenAt = time.Time{}
	gen := partial.Generation
	save := func(rec appfreeze.Record) {
		flattenAppFreezeRecord(partial, rec)
		partial.Generation = gen
		diags.Append(state.Set(ctx, partial)...)
	}
	if err := r.engine().Unfreeze(ctx, spec, &rec, save); err != nil {
		diags.AddError(operation, fmt.Sprintf("Restoring %s stopped: %s\n\nThe state records what is still to be "+
			"restored. Run the same command again to finish the rollback.", spec.App, herokuErrorText(err)))
		return
	}
	if done == nil {
		return // Delete removes the resource
	}
	flattenAppFreezeRecord(done, rec)
	done.Generation = gen
	done.InEffect = types.BoolValue(false)
	diags.Append(state.Set(ctx, done)...)
}
