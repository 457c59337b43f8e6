package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/secretimport"
)

// heroku2aws_secret_import: the resource's type, model and CRUD, in the
// framework's order. The schema is in resource_secret_import_schema.go, and
// the conversions between the model and secretimport (expand…, flatten…)
// in resource_secret_import_convert.go.

func newSecretImportResource() resource.Resource {
	return &secretImportResource{resourceBase: newResourceBase("heroku2aws_secret_import")}
}

type secretImportResource struct{ resourceBase }

type secretImportModel struct {
	ID                   types.String         `tfsdk:"id"`
	Values               types.Map            `tfsdk:"values"`
	ValuesWO             types.Map            `tfsdk:"values_wo"`
	ValuesWOVersion      types.Int64          `tfsdk:"values_wo_version"`
	Include              types.List           `tfsdk:"include"`
	Exclude              types.List           `tfsdk:"exclude"`
	Rename               types.Map            `tfsdk:"rename"`
	SSM                  *ssmDestinationModel `tfsdk:"ssm"`
	SecretsManager       *smDestinationModel  `tfsdk:"secretsmanager"`
	SecretsManagerPerVar *smPerVarDestination `tfsdk:"secretsmanager_per_var"`
	FingerprintSalt      types.String         `tfsdk:"fingerprint_salt"`
	Keys                 types.Map            `tfsdk:"keys"`
	ARNs                 types.Map            `tfsdk:"arns"`
	WrittenCount         types.Int64          `tfsdk:"written_count"`
	CostEstimateUSDMonth types.Float64        `tfsdk:"cost_estimate_usd_month"`
	Timeouts             timeouts.Value       `tfsdk:"timeouts"`
}

type ssmDestinationModel struct {
	PathPrefix types.String `tfsdk:"path_prefix"`
	KeyID      types.String `tfsdk:"key_id"`
	Tier       types.String `tfsdk:"tier"`
	Tags       types.Map    `tfsdk:"tags"`
}

type smDestinationModel struct {
	Name                 types.String `tfsdk:"name"`
	KeyID                types.String `tfsdk:"key_id"`
	RecoveryWindowInDays types.Int64  `tfsdk:"recovery_window_in_days"`
	Tags                 types.Map    `tfsdk:"tags"`
}

type smPerVarDestination struct {
	NamePrefix           types.String `tfsdk:"name_prefix"`
	KeyID                types.String `tfsdk:"key_id"`
	RecoveryWindowInDays types.Int64  `tfsdk:"recovery_window_in_days"`
	Tags                 types.Map    `tfsdk:"tags"`
}

// keyAttrTypes is the object type of one entry of `keys`.
var keyAttrTypes = map[string]attr.Type{
	"name":        types.StringType,
	"version":     types.StringType,
	"fingerprint": types.StringType,
	"arn":         types.StringType,
	"tier":        types.StringType,
}

var (
	_ resource.ResourceWithConfigure        = (*secretImportResource)(nil)
	_ resource.ResourceWithImportState      = (*secretImportResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*secretImportResource)(nil)
	_ resource.ResourceWithConfigValidators = (*secretImportResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*secretImportResource)(nil)

	_ destinationBlock = (*ssmDestinationModel)(nil)
	_ destinationBlock = (*smDestinationModel)(nil)
	_ destinationBlock = (*smPerVarDestination)(nil)
)

const defaultSecretImportTimeout = 20 * time.Minute

func (r *secretImportResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_secret_import"
}

func (r *secretImportResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("ssm"), path.MatchRoot("secretsmanager"), path.MatchRoot("secretsmanager_per_var")),
		resourcevalidator.ExactlyOneOf(path.MatchRoot("values"), path.MatchRoot("values_wo")),
		resourcevalidator.RequiredTogether(path.MatchRoot("values_wo"), path.MatchRoot("values_wo_version")),
	}
}

// ValidateConfig checks what the block schema cannot: the name attribute
// each destination block requires, and static names.
func (r *secretImportResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m secretImportModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for _, b := range m.destinationBlocks() {
		b.validateConfig(&resp.Diagnostics)
	}
	if !m.Rename.IsNull() && !m.Rename.IsUnknown() {
		var rename map[string]types.String
		resp.Diagnostics.Append(m.Rename.ElementsAs(ctx, &rename, false)...)
		for from, to := range rename {
			if to.IsNull() || (!to.IsUnknown() && to.ValueString() == "") {
				resp.Diagnostics.AddAttributeError(path.Root("rename").AtMapKey(from), "Invalid Rename",
					fmt.Sprintf("rename maps %q to an empty key. Give the new key, or drop the entry.", from))
			}
		}
	}
}

func (r *secretImportResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var config, plan secretImportModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var prior *secretImportModel
	if !req.State.Raw.IsNull() {
		prior = &secretImportModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, prior)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	dest, destKnown, ok := expandDestination(ctx, &plan, &resp.Diagnostics)
	if !ok {
		return // ConfigValidators report the missing block
	}
	if prior != nil {
		if pd, _, ok := expandDestination(ctx, prior, &resp.Diagnostics); ok && pd.Kind != dest.Kind {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root(string(dest.Kind)))
			prior = nil // planned as a new resource
		}
	}
	if err := secretimport.ValidateRecoveryWindow(dest.RecoveryWindowDays); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root(string(dest.Kind)).AtName("recovery_window_in_days"), "Invalid Recovery Window", err.Error()+".")
	}

	// A new resource gets its salt at create: a random value chosen at plan
	// time would change when Terraform plans again during apply. Its keys
	// are therefore "known after apply"; the values are still validated now.
	priorKeys := map[string]secretimport.KeyState{}
	plan.FingerprintSalt = types.StringUnknown()
	if prior != nil {
		priorKeys = expandKeys(prior.Keys)
		plan.FingerprintSalt = prior.FingerprintSalt
	}
	plan.ID = types.StringValue(dest.ID())
	if !destKnown {
		plan.ID = types.StringUnknown()
	}

	values, valuesAttr, known := expandValues(ctx, &config, &plan, &resp.Diagnostics)
	// A destination name only known after apply is checked then, not
	// reported as empty now.
	known = known && destKnown
	shape, shapeKnown := expandShape(ctx, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	unknownResult := func() {
		plan.Keys = types.MapUnknown(types.ObjectType{AttrTypes: keyAttrTypes})
		plan.ARNs = types.MapUnknown(types.StringType)
		plan.WrittenCount = types.Int64Unknown()
		plan.CostEstimateUSDMonth = types.Float64Unknown()
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	}
	if !known || !shapeKnown {
		unknownResult()
		return
	}

	desired, skipped, problems := secretimport.Prepare(dest, shape, values)
	problems = append(problems, secretimport.Validate(dest, shape, valuesAttr, desired, priorKeys)...)
	if len(skipped) > 0 {
		resp.Diagnostics.AddAttributeWarning(path.Root(valuesAttr), "Empty Config Vars Skipped",
			fmt.Sprintf("%s cannot store an empty value, so these config vars are not imported: %s. Heroku reports unset "+
				"(null) config vars as empty too. Set them as plain environment variables of the task definition, "+
				"or exclude them to silence this warning.", dest.Service(), strings.Join(skipped, ", ")))
	}
	addProblems(&resp.Diagnostics, problems)
	for _, from := range shape.UnusedRenames(values) {
		resp.Diagnostics.AddAttributeWarning(path.Root("rename").AtMapKey(from), "Unused Rename",
			fmt.Sprintf("rename has an entry for %q, but no imported config var has that name (after include and exclude).", from))
	}
	if resp.Diagnostics.HasError() {
		return
	}

	if plan.FingerprintSalt.IsUnknown() || plan.FingerprintSalt.IsNull() {
		unknownResult()
		return
	}
	planned := secretimport.PlanApply(dest, desired, priorKeys, plan.FingerprintSalt.ValueString(), rewriteAll(prior, &plan))
	plan.Keys, plan.ARNs = flattenPlannedKeys(planned.Keys)
	plan.CostEstimateUSDMonth = types.Float64Value(planned.MonthlyCost)
	if len(planned.Changes) > 0 || prior == nil {
		plan.WrittenCount = types.Int64Unknown()
	} else {
		// Nothing to write: every computed value stays as it is.
		plan.WrittenCount = prior.WrittenCount
		plan.CostEstimateUSDMonth = prior.CostEstimateUSDMonth
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *secretImportResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var config, plan secretImportModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, defaultSecretImportTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	salt, err := secretimport.NewSalt()
	if err != nil {
		resp.Diagnostics.AddError("Error Importing Secrets", err.Error())
		return
	}
	plan.FingerprintSalt = types.StringValue(salt)
	r.apply(ctx, "Error Importing Secrets", &config, &plan, nil, &resp.State, &resp.Diagnostics)
}

func (r *secretImportResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state secretImportModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	dest, _, ok := expandDestination(ctx, &state, &resp.Diagnostics)
	if !ok {
		return
	}
	engine := r.engine("Error Reading Secrets", &resp.Diagnostics)
	if engine == nil {
		return
	}
	keys, err := engine.Read(ctx, dest, expandKeys(state.Keys), state.FingerprintSalt.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Error Reading Secrets", fmt.Sprintf("Reading %s failed: %s", dest.ID(), err))
		return
	}
	state.Keys, state.ARNs = flattenKeys(keys)
	state.CostEstimateUSDMonth = types.Float64Value(secretimport.MonthlyCost(dest, keys))
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *secretImportResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var config, plan, state secretImportModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Update(ctx, defaultSecretImportTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r.apply(ctx, "Error Updating Secrets", &config, &plan, &state, &resp.State, &resp.Diagnostics)
}

func (r *secretImportResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state secretImportModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, defaultSecretImportTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	dest, _, ok := expandDestination(ctx, &state, &resp.Diagnostics)
	if !ok {
		return
	}
	engine := r.engine("Error Deleting Secrets", &resp.Diagnostics)
	if engine == nil {
		return
	}
	left, err := engine.Destroy(ctx, dest, expandKeys(state.Keys))
	if err != nil {
		state.Keys, state.ARNs = flattenKeys(left)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		resp.Diagnostics.AddError("Error Deleting Secrets",
			fmt.Sprintf("Deleting from %s stopped with %d key(s) left: %s", dest.ID(), len(left), err))
	}
}

// ImportState adopts what exists at a destination: ssm:/acme/prod/,
// secretsmanager:acme/prod or secretsmanager_per_var:acme/prod/. Values are
// not imported (in write-only mode they never are): the next plan compares
// the configuration's values with the imported fingerprints.
func (r *secretImportResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	dest, err := secretimport.ParseID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", err.Error())
		return
	}
	salt, err := secretimport.NewSalt()
	if err != nil {
		resp.Diagnostics.AddError("Error Importing Secrets", err.Error())
		return
	}
	engine := r.engine("Error Importing Secrets", &resp.Diagnostics)
	if engine == nil {
		return
	}
	keys, err := engine.Discover(ctx, dest, salt)
	if err != nil {
		resp.Diagnostics.AddError("Error Importing Secrets", fmt.Sprintf("Reading %s failed: %s", dest.ID(), err))
		return
	}
	m := secretImportModel{
		ID:              types.StringValue(dest.ID()),
		FingerprintSalt: types.StringValue(salt),
		Values:          types.MapNull(types.StringType),
		ValuesWO:        types.MapNull(types.StringType),
		ValuesWOVersion: types.Int64Null(),
		Include:         types.ListNull(types.StringType),
		Exclude:         types.ListNull(types.StringType),
		Rename:          types.MapNull(types.StringType),
		WrittenCount:    types.Int64Value(0),
		Timeouts:        nullTimeouts(),
	}
	m.Keys, m.ARNs = flattenKeys(keys)
	m.CostEstimateUSDMonth = types.Float64Value(secretimport.MonthlyCost(dest, keys))
	flattenImportedDestination(dest, &m)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// engine builds the secret import engine on the provider's AWS clients and
// shared quota limiters.
func (r *secretImportResource) engine(operation string, diags *diag.Diagnostics) *secretimport.Engine {
	clients := r.data.awsClients(diags, operation)
	if clients == nil {
		return nil
	}
	return &secretimport.Engine{
		SSM:     clients.SSM,
		Secrets: clients.SecretsManager,
		Limits:  r.data.secretLimits,
		Log:     newLogger(),
	}
}

// stateSetter is the part of tfsdk.State that apply needs.
type stateSetter interface {
	Set(ctx context.Context, v any) diag.Diagnostics
}

// apply writes what the plan says and records exactly what exists, also
// when a write fails part way.
func (r *secretImportResource) apply(ctx context.Context, operation string, config, plan, prior *secretImportModel, out stateSetter, diags *diag.Diagnostics) {
	dest, _, _ := expandDestination(ctx, plan, diags)
	values, _, known := expandValues(ctx, config, plan, diags)
	shape, _ := expandShape(ctx, plan, diags)
	if diags.HasError() {
		return
	}
	if !known {
		diags.AddError(operation, "The values to import are still unknown at apply time. This is a bug in the provider or in Terraform; please report it.")
		return
	}
	desired, _, problems := secretimport.Prepare(dest, shape, values)
	if len(problems) > 0 {
		diags.AddError(operation, problems[0].Error())
		return
	}
	engine := r.engine(operation, diags)
	if engine == nil {
		return
	}
	in := secretimport.ApplyInput{
		Dest:    dest,
		Desired: desired,
		Salt:    plan.FingerprintSalt.ValueString(),
		Prior:   map[string]secretimport.KeyState{},
	}
	if prior != nil {
		in.Prior = expandKeys(prior.Keys)
		in.RewriteAll = rewriteAll(prior, plan)
		if pd, _, ok := expandDestination(ctx, prior, diags); ok {
			in.PriorTags = pd.Tags
		}
	}
	res, err := engine.Apply(ctx, in)

	plan.Keys, plan.ARNs = flattenKeys(res.Keys)
	plan.WrittenCount = types.Int64Value(int64(len(res.Written)))
	plan.CostEstimateUSDMonth = types.Float64Value(secretimport.MonthlyCost(dest, res.Keys))
	plan.ValuesWO = types.MapNull(types.StringType)
	diags.Append(out.Set(ctx, plan)...)
	if err != nil {
		addSecretImportError(diags, operation, dest, prior == nil, len(desired), err)
	}
}

// addSecretImportError explains a failed apply. Errors from AWS name keys
// and parameters, never values.
func addSecretImportError(diags *diag.Diagnostics, operation string, dest secretimport.Destination, creating bool, total int, err error) {
	var partial *secretimport.PartialError
	if !errors.As(err, &partial) {
		diags.AddError(operation, fmt.Sprintf("Writing to %s failed: %s", dest.ID(), err))
		return
	}
	notWritten := slices.Sorted(slices.Values(partial.NotWritten))
	detail := fmt.Sprintf("Wrote %d of %d keys to %s. Writing %q failed after retries: %s\n\nNot written (%d): %s\n\n"+
		"The state records exactly the keys that were written; the next apply writes only the rest.",
		len(partial.Written), total, dest.ID(), partial.Failed, partial.Cause, len(notWritten), strings.Join(notWritten, ", "))
	if creating {
		detail += " Because this was the first apply, Terraform marks the resource tainted and would replace it, " +
			"writing every key again; run `terraform untaint` on it first to keep what was written."
	}
	diags.AddError(operation, detail)
}
