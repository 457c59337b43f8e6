package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/secretimport"
)

var (
	_ resource.ResourceWithConfigure        = (*secretImportResource)(nil)
	_ resource.ResourceWithImportState      = (*secretImportResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*secretImportResource)(nil)
	_ resource.ResourceWithConfigValidators = (*secretImportResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*secretImportResource)(nil)
)

func newSecretImportResource() resource.Resource { return &secretImportResource{} }

type secretImportResource struct{ data *providerData }

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
	"name": types.StringType, "version": types.StringType, "fingerprint": types.StringType,
	"arn": types.StringType, "tier": types.StringType,
}

const defaultSecretImportTimeout = 20 * time.Minute

func (r *secretImportResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_secret_import"
}

func (r *secretImportResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	recovery := func() schema.Int64Attribute {
		return schema.Int64Attribute{
			MarkdownDescription: "Days Secrets Manager keeps a deleted secret recoverable: 7 to 30, or 0 to delete " +
				"without recovery. Defaults to `30`. A name scheduled for deletion cannot be reused until it is restored " +
				"or purged; the resource restores its own secrets when it writes them again.",
			Optional: true, Computed: true, Default: int64default.StaticInt64(30),
			Validators: []validator.Int64{int64validator.Any(int64validator.OneOf(0), int64validator.Between(7, 30))},
		}
	}
	tags := func(what string) schema.MapAttribute {
		return schema.MapAttribute{
			MarkdownDescription: "Tags for every " + what + " the resource writes.",
			Optional:            true, ElementType: types.StringType,
		}
	}
	replaceString := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Imports config vars into AWS SSM Parameter Store or Secrets Manager, paced to the " +
			"service's write quota, writing only what changed. The state keeps a keyed fingerprint of each value, " +
			"never the value: with `values_wo` (Terraform 1.11 or later) the values never reach the state at all.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The destination, as `ssm:<path_prefix>`, `secretsmanager:<name>` or " +
					"`secretsmanager_per_var:<name_prefix>`; also the import id.",
				Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"values": schema.MapAttribute{
				MarkdownDescription: "Config vars to import, name to value. Sensitive, and stored in the state by " +
					"Terraform. Set exactly one of `values` and `values_wo`.",
				Optional: true, Sensitive: true, ElementType: types.StringType,
			},
			"values_wo": schema.MapAttribute{
				MarkdownDescription: "Config vars to import, write-only: Terraform never stores them in the plan or " +
					"the state. Feed it from `ephemeral.heroku2aws_config_vars`. Requires Terraform 1.11 or later and " +
					"`values_wo_version`. Changes are still detected key by key through fingerprints.",
				Optional: true, Sensitive: true, WriteOnly: true, ElementType: types.StringType,
			},
			"values_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Version of `values_wo`. Changing it rewrites every key, for example after a " +
					"rotation that kept some values equal. Required with `values_wo`.",
				Optional: true,
			},
			"include": schema.ListAttribute{
				MarkdownDescription: "Import only config vars whose names match one of these names or globs (`AWS_*`). " +
					"Unset imports every name.",
				Optional: true, ElementType: types.StringType, Validators: namePatternList(),
			},
			"exclude": schema.ListAttribute{
				MarkdownDescription: "Skip config vars whose names match one of these names or globs, such as " +
					"`data.heroku2aws_addons.api.config_var_names` (values that come from AWS after the move).",
				Optional: true, ElementType: types.StringType, Validators: namePatternList(),
			},
			"rename": schema.MapAttribute{
				MarkdownDescription: "Write a config var under another key: old name to new key, such as " +
					"`{ DATABASE_URL = \"LEGACY_DATABASE_URL\" }`. Two names may not end up as one key.",
				Optional: true, ElementType: types.StringType,
			},
			"fingerprint_salt": schema.StringAttribute{
				MarkdownDescription: "Random per-resource key of the value fingerprints in `keys`.",
				Computed:            true, Sensitive: true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"keys": schema.MapNestedAttribute{
				MarkdownDescription: "What was written, by key (after `rename`): destination `name`, `version`, " +
					"`arn`, SSM `tier`, and `fingerprint`, an HMAC-SHA-256 of the value keyed with `fingerprint_salt`. " +
					"A value changed outside Terraform shows up here as a changed fingerprint; a deleted one as a missing key.",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":        schema.StringAttribute{Computed: true, MarkdownDescription: "Parameter or secret name."},
					"version":     schema.StringAttribute{Computed: true, MarkdownDescription: "Parameter version, or secret version id."},
					"fingerprint": schema.StringAttribute{Computed: true, MarkdownDescription: "Keyed fingerprint of the value."},
					"arn":         schema.StringAttribute{Computed: true, MarkdownDescription: "ARN of the parameter or secret."},
					"tier":        schema.StringAttribute{Computed: true, MarkdownDescription: "SSM tier in use; null for Secrets Manager."},
				}},
			},
			"arns": schema.MapAttribute{
				MarkdownDescription: "ARN of each key's parameter or secret, by key: for ECS task definition `secrets`.",
				Computed:            true, ElementType: types.StringType,
			},
			"written_count": schema.Int64Attribute{
				MarkdownDescription: "Number of keys the last create or update wrote.",
				Computed:            true,
			},
			"cost_estimate_usd_month": schema.Float64Attribute{
				MarkdownDescription: "Estimated storage price in US dollars a month, from the price table on this page.",
				Computed:            true,
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
		Blocks: map[string]schema.Block{
			"ssm": schema.SingleNestedBlock{
				MarkdownDescription: "Write one SecureString parameter per key, named `<path_prefix><key>`.",
				Attributes: map[string]schema.Attribute{
					"path_prefix": schema.StringAttribute{
						MarkdownDescription: "Prefix of the parameter names, such as `/acme-api/prod/`. Required in this block.",
						Optional:            true, PlanModifiers: replaceString,
					},
					"key_id": schema.StringAttribute{
						MarkdownDescription: "KMS key id, ARN or alias to encrypt with. Defaults to the AWS managed key " +
							"`alias/aws/ssm`. Changing it rewrites every parameter.",
						Optional: true,
					},
					"tier": schema.StringAttribute{
						MarkdownDescription: "Parameter tier: one of " + quoteList(secretimport.Tiers) + ". Defaults to " +
							"`auto`: Standard (free, up to 4 KB), and Advanced ($0.05 a month, up to 8 KB) only for larger " +
							"values. An Advanced parameter never goes back to Standard.",
						Optional: true, Computed: true, Default: stringdefault.StaticString(secretimport.TierAuto),
						Validators: []validator.String{stringvalidator.OneOf(secretimport.Tiers...)},
					},
					"tags": tags("parameter"),
				},
			},
			"secretsmanager": schema.SingleNestedBlock{
				MarkdownDescription: "Write every key into one JSON secret in a single call: $0.40 a month whatever the " +
					"number of keys, up to 64 KB in all.",
				Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{
						MarkdownDescription: "Name of the secret, such as `acme-api/prod`. Required in this block.",
						Optional:            true, PlanModifiers: replaceString,
					},
					"key_id": schema.StringAttribute{
						MarkdownDescription: "KMS key to encrypt with; defaults to `aws/secretsmanager`. Changing it replaces the secret.",
						Optional:            true, PlanModifiers: replaceString,
					},
					"recovery_window_in_days": recovery(),
					"tags":                    tags("secret"),
				},
			},
			"secretsmanager_per_var": schema.SingleNestedBlock{
				MarkdownDescription: "Write one secret per key, named `<name_prefix><key>`: $0.40 a month each.",
				Attributes: map[string]schema.Attribute{
					"name_prefix": schema.StringAttribute{
						MarkdownDescription: "Prefix of the secret names, such as `acme-api/prod/`. Required in this block.",
						Optional:            true, PlanModifiers: replaceString,
					},
					"key_id": schema.StringAttribute{
						MarkdownDescription: "KMS key to encrypt with; defaults to `aws/secretsmanager`. Changing it replaces the secrets.",
						Optional:            true, PlanModifiers: replaceString,
					},
					"recovery_window_in_days": recovery(),
					"tags":                    tags("secret"),
				},
			},
		},
	}
}

// destinationService names the AWS service of a destination for messages.
func destinationService(d secretimport.Destination) string {
	if d.Kind == secretimport.KindSSM {
		return "SSM Parameter Store"
	}
	return "A Secrets Manager secret per var"
}

func quoteList(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = "`" + v + "`"
	}
	return strings.Join(q, ", ")
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
	need := func(block, attr string, v types.String) {
		if v.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root(block).AtName(attr), "Missing Destination Name",
				fmt.Sprintf("The %s block needs %s.", block, attr))
		}
	}
	if m.SSM != nil {
		need("ssm", "path_prefix", m.SSM.PathPrefix)
	}
	if m.SecretsManager != nil {
		need("secretsmanager", "name", m.SecretsManager.Name)
		if n := m.SecretsManager.Name; !n.IsNull() && !n.IsUnknown() {
			if err := secretimport.ValidateSecretName(n.ValueString()); err != nil {
				resp.Diagnostics.AddAttributeError(path.Root("secretsmanager").AtName("name"), "Invalid Secret Name", err.Error()+".")
			}
		}
	}
	if m.SecretsManagerPerVar != nil {
		need("secretsmanager_per_var", "name_prefix", m.SecretsManagerPerVar.NamePrefix)
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

func (r *secretImportResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, "resource heroku2aws_secret_import", &resp.Diagnostics)
}

// destination converts the destination block of m.
func destinationOf(ctx context.Context, m *secretImportModel, diags *diag.Diagnostics) (secretimport.Destination, bool) {
	var d secretimport.Destination
	var tags types.Map
	switch {
	case m.SSM != nil:
		d = secretimport.Destination{Kind: secretimport.KindSSM, PathPrefix: m.SSM.PathPrefix.ValueString(),
			KeyID: m.SSM.KeyID.ValueString(), Tier: m.SSM.Tier.ValueString()}
		tags = m.SSM.Tags
	case m.SecretsManager != nil:
		d = secretimport.Destination{Kind: secretimport.KindSecretsManager, Name: m.SecretsManager.Name.ValueString(),
			KeyID: m.SecretsManager.KeyID.ValueString(), RecoveryWindowDays: int(m.SecretsManager.RecoveryWindowInDays.ValueInt64())}
		tags = m.SecretsManager.Tags
	case m.SecretsManagerPerVar != nil:
		d = secretimport.Destination{Kind: secretimport.KindSecretsManagerPerVar, NamePrefix: m.SecretsManagerPerVar.NamePrefix.ValueString(),
			KeyID: m.SecretsManagerPerVar.KeyID.ValueString(), RecoveryWindowDays: int(m.SecretsManagerPerVar.RecoveryWindowInDays.ValueInt64())}
		tags = m.SecretsManagerPerVar.Tags
	default:
		return d, false
	}
	if !tags.IsNull() && !tags.IsUnknown() {
		diags.Append(tags.ElementsAs(ctx, &d.Tags, false)...)
	}
	return d, true
}

// destinationKnown reports whether the destination's name is known.
func destinationKnown(m *secretImportModel) bool {
	switch {
	case m.SSM != nil:
		return !m.SSM.PathPrefix.IsUnknown()
	case m.SecretsManager != nil:
		return !m.SecretsManager.Name.IsUnknown()
	case m.SecretsManagerPerVar != nil:
		return !m.SecretsManagerPerVar.NamePrefix.IsUnknown()
	}
	return true
}

// inputValues returns the values to import from config (values_wo) or plan
// (values); known is false while they are unknown.
func inputValues(ctx context.Context, config, plan *secretImportModel, diags *diag.Diagnostics) (values map[string]string, attr string, known bool) {
	src, attr := plan.Values, "values"
	if !config.ValuesWO.IsNull() {
		src, attr = config.ValuesWO, "values_wo"
	}
	if src.IsUnknown() || src.IsNull() {
		return nil, attr, !src.IsUnknown()
	}
	var raw map[string]types.String
	diags.Append(src.ElementsAs(ctx, &raw, false)...)
	values = make(map[string]string, len(raw))
	for k, v := range raw {
		if v.IsUnknown() {
			return nil, attr, false
		}
		values[k] = v.ValueString()
	}
	return values, attr, true
}

// shapeOf converts include, exclude and rename; known is false while any of
// them is unknown.
func shapeOf(ctx context.Context, m *secretImportModel, diags *diag.Diagnostics) (secretimport.Shape, bool) {
	var s secretimport.Shape
	if m.Include.IsUnknown() || m.Exclude.IsUnknown() || m.Rename.IsUnknown() {
		return s, false
	}
	diags.Append(m.Include.ElementsAs(ctx, &s.Include, false)...)
	diags.Append(m.Exclude.ElementsAs(ctx, &s.Exclude, false)...)
	diags.Append(m.Rename.ElementsAs(ctx, &s.Rename, false)...)
	return s, true
}

func keysFrom(m types.Map) map[string]secretimport.KeyState {
	out := map[string]secretimport.KeyState{}
	if m.IsNull() || m.IsUnknown() {
		return out
	}
	for k, v := range m.Elements() {
		obj, ok := v.(types.Object)
		if !ok || obj.IsNull() || obj.IsUnknown() {
			continue
		}
		a := obj.Attributes()
		str := func(name string) string {
			if s, ok := a[name].(types.String); ok {
				return s.ValueString()
			}
			return ""
		}
		out[k] = secretimport.KeyState{Name: str("name"), Version: str("version"), Fingerprint: str("fingerprint"),
			ARN: str("arn"), Tier: str("tier")}
	}
	return out
}

// keyObject is one entry of `keys`; unknown fields are passed as nil.
func keyObject(name, version, fingerprint, arn, tier *string) types.Object {
	v := func(s *string) attr.Value {
		if s == nil {
			return types.StringUnknown()
		}
		if *s == "" {
			return types.StringNull()
		}
		return types.StringValue(*s)
	}
	return types.ObjectValueMust(keyAttrTypes, map[string]attr.Value{
		"name": v(name), "version": v(version), "fingerprint": v(fingerprint), "arn": v(arn), "tier": v(tier),
	})
}

func keysValue(keys map[string]secretimport.KeyState) (types.Map, types.Map) {
	objs := map[string]attr.Value{}
	arns := map[string]attr.Value{}
	for k, st := range keys {
		objs[k] = keyObject(&st.Name, &st.Version, &st.Fingerprint, &st.ARN, &st.Tier)
		arns[k] = types.StringValue(st.ARN)
	}
	return types.MapValueMust(types.ObjectType{AttrTypes: keyAttrTypes}, objs), types.MapValueMust(types.StringType, arns)
}

// problemPath maps a secretimport.Problem to the attribute to fix.
func problemPath(p secretimport.Problem, valuesAttr string, shape secretimport.Shape) path.Path {
	switch p.Attribute {
	case "rename":
		for from, to := range shape.Rename {
			if to == p.Key {
				return path.Root("rename").AtMapKey(from)
			}
		}
		if p.Key != "" {
			return path.Root(valuesAttr).AtMapKey(p.Key)
		}
		return path.Root("rename")
	case "values":
		return path.Root(valuesAttr).AtMapKey(p.Key)
	}
	return attrPath(p.Attribute)
}

// rewriteAll reports whether every key must be written again: the
// write-only version changed (not merely set after an import), or the SSM
// KMS key changed.
func rewriteAll(prior, plan *secretImportModel) bool {
	if prior == nil {
		return false
	}
	if !prior.ValuesWOVersion.IsNull() && !plan.ValuesWOVersion.Equal(prior.ValuesWOVersion) {
		return true
	}
	return prior.SSM != nil && plan.SSM != nil && !prior.SSM.KeyID.Equal(plan.SSM.KeyID)
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
	dest, ok := destinationOf(ctx, &plan, &resp.Diagnostics)
	if !ok {
		return // ConfigValidators report the missing block
	}
	if prior != nil {
		if pd, ok := destinationOf(ctx, prior, &resp.Diagnostics); ok && pd.Kind != dest.Kind {
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
		priorKeys = keysFrom(prior.Keys)
		plan.FingerprintSalt = prior.FingerprintSalt
	}
	plan.ID = types.StringValue(dest.ID())
	if !destinationKnown(&plan) {
		plan.ID = types.StringUnknown()
	}

	values, valuesAttr, known := inputValues(ctx, &config, &plan, &resp.Diagnostics)
	// A destination name only known after apply is checked then, not
	// reported as empty now.
	known = known && destinationKnown(&plan)
	shape, shapeKnown := shapeOf(ctx, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	unknownResult := func() {
		plan.Keys = types.MapUnknown(types.ObjectType{AttrTypes: keyAttrTypes})
		plan.ARNs = types.MapUnknown(types.StringType)
		plan.WrittenCount = types.Int64Unknown()
		plan.CostEstimateUSDMonth = types.Float64Unknown()
	}
	if !known || !shapeKnown {
		plan.Keys = types.MapUnknown(types.ObjectType{AttrTypes: keyAttrTypes})
		plan.ARNs = types.MapUnknown(types.StringType)
		plan.WrittenCount = types.Int64Unknown()
		plan.CostEstimateUSDMonth = types.Float64Unknown()
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}

	desired, skipped, problems := secretimport.Prepare(dest, shape, values)
	problems = append(problems, secretimport.Validate(dest, desired, priorKeys)...)
	if len(skipped) > 0 {
		resp.Diagnostics.AddAttributeWarning(path.Root(valuesAttr), "Empty Config Vars Skipped",
			fmt.Sprintf("%s cannot store an empty value, so these config vars are not imported: %s. Heroku reports unset "+
				"(null) config vars as empty too. Set them as plain environment variables of the task definition, "+
				"or exclude them to silence this warning.", destinationService(dest), strings.Join(skipped, ", ")))
	}
	for _, p := range problems {
		resp.Diagnostics.AddAttributeError(problemPath(p, valuesAttr, shape), p.Summary, p.Detail)
	}
	for _, from := range shape.UnusedRenames(values) {
		resp.Diagnostics.AddAttributeWarning(path.Root("rename").AtMapKey(from), "Unused Rename",
			fmt.Sprintf("rename has an entry for %q, but no imported config var has that name (after include and exclude).", from))
	}
	if resp.Diagnostics.HasError() {
		return
	}

	if plan.FingerprintSalt.IsUnknown() || plan.FingerprintSalt.IsNull() {
		unknownResult()
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	salt := plan.FingerprintSalt.ValueString()
	changes := secretimport.Diff(dest, desired, priorKeys, salt, rewriteAll(prior, &plan))
	changed := map[string]bool{}
	for _, c := range changes {
		changed[c.Key] = true
	}
	objs := map[string]attr.Value{}
	arns := map[string]attr.Value{}
	planned := map[string]secretimport.KeyState{}
	anyChange := len(changes) > 0
	for key, value := range desired {
		st, had := priorKeys[key]
		name := dest.NameFor(key)
		fp := secretimport.Fingerprint(salt, value)
		tier := ""
		if dest.Kind == secretimport.KindSSM {
			tier = secretimport.DesiredTier(dest.Tier, value, st.Tier)
		}
		planned[key] = secretimport.KeyState{Name: name, Fingerprint: fp, Tier: tier}
		// Unchanged keys keep everything. In JSON mode any change gives the
		// one secret a new version, so every key's version is unknown.
		newJSONVersion := anyChange && dest.Kind == secretimport.KindSecretsManager
		if had && !changed[key] && !newJSONVersion {
			objs[key] = keyObject(&st.Name, &st.Version, &st.Fingerprint, &st.ARN, &st.Tier)
			arns[key] = types.StringValue(st.ARN)
			continue
		}
		var arn *string
		if had && st.Name == name && st.ARN != "" {
			arn = &st.ARN
			arns[key] = types.StringValue(st.ARN)
		} else {
			arns[key] = types.StringUnknown()
		}
		var tierPtr *string
		if dest.Kind == secretimport.KindSSM && dest.Tier != secretimport.TierIntelligentTiering {
			tierPtr = &tier
		} else if dest.Kind != secretimport.KindSSM {
			empty := ""
			tierPtr = &empty
		}
		objs[key] = keyObject(&name, nil, &fp, arn, tierPtr)
	}
	plan.Keys = types.MapValueMust(types.ObjectType{AttrTypes: keyAttrTypes}, objs)
	plan.ARNs = types.MapValueMust(types.StringType, arns)
	plan.CostEstimateUSDMonth = types.Float64Value(secretimport.MonthlyCost(dest, planned))
	if anyChange || prior == nil {
		plan.WrittenCount = types.Int64Unknown()
	} else {
		// Nothing to write: every computed value stays as it is.
		plan.WrittenCount = prior.WrittenCount
		plan.CostEstimateUSDMonth = prior.CostEstimateUSDMonth
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// engine builds the secret import engine on the provider's AWS clients and
// shared quota limiters.
func (r *secretImportResource) engine(operation string, diags *diag.Diagnostics) *secretimport.Engine {
	clients := r.data.awsClients(diags, operation)
	if clients == nil {
		return nil
	}
	return &secretimport.Engine{
		SSM: clients.SSM, Secrets: clients.SecretsManager, Limits: r.data.secretLimits,
		Log: func(ctx context.Context, msg string, fields map[string]any) { tflog.Debug(ctx, msg, fields) },
	}
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

// stateSetter is the part of tfsdk.State that apply needs.
type stateSetter interface {
	Set(ctx context.Context, v any) diag.Diagnostics
}

// apply writes what the plan says and records exactly what exists, also
// when a write fails part way.
func (r *secretImportResource) apply(ctx context.Context, operation string, config, plan, prior *secretImportModel, out stateSetter, diags *diag.Diagnostics) {
	dest, _ := destinationOf(ctx, plan, diags)
	values, _, known := inputValues(ctx, config, plan, diags)
	shape, _ := shapeOf(ctx, plan, diags)
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
	in := secretimport.ApplyInput{Dest: dest, Desired: desired, Salt: plan.FingerprintSalt.ValueString(), Prior: map[string]secretimport.KeyState{}}
	if prior != nil {
		in.Prior = keysFrom(prior.Keys)
		in.RewriteAll = rewriteAll(prior, plan)
		if pd, ok := destinationOf(ctx, prior, diags); ok {
			in.PriorTags = pd.Tags
		}
	}
	res, err := engine.Apply(ctx, in)

	plan.Keys, plan.ARNs = keysValue(res.Keys)
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
	notWritten := append([]string(nil), partial.NotWritten...)
	sort.Strings(notWritten)
	detail := fmt.Sprintf("Wrote %d of %d keys to %s. Writing %q failed after retries: %s\n\nNot written (%d): %s\n\n"+
		"The state records exactly the keys that were written; the next apply writes only the rest.",
		len(partial.Written), total, dest.ID(), partial.Failed, partial.Cause, len(notWritten), strings.Join(notWritten, ", "))
	if creating {
		detail += " Because this was the first apply, Terraform marks the resource tainted and would replace it, " +
			"writing every key again; run `terraform untaint` on it first to keep what was written."
	}
	diags.AddError(operation, detail)
}

func (r *secretImportResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state secretImportModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	dest, ok := destinationOf(ctx, &state, &resp.Diagnostics)
	if !ok {
		return
	}
	engine := r.engine("Error Reading Secrets", &resp.Diagnostics)
	if engine == nil {
		return
	}
	keys, err := engine.Read(ctx, dest, keysFrom(state.Keys), state.FingerprintSalt.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Error Reading Secrets", fmt.Sprintf("Reading %s failed: %s", dest.ID(), err))
		return
	}
	state.Keys, state.ARNs = keysValue(keys)
	state.CostEstimateUSDMonth = types.Float64Value(secretimport.MonthlyCost(dest, keys))
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
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
	dest, ok := destinationOf(ctx, &state, &resp.Diagnostics)
	if !ok {
		return
	}
	engine := r.engine("Error Deleting Secrets", &resp.Diagnostics)
	if engine == nil {
		return
	}
	left, err := engine.Destroy(ctx, dest, keysFrom(state.Keys))
	if err != nil {
		state.Keys, state.ARNs = keysValue(left)
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
		ID: types.StringValue(dest.ID()), FingerprintSalt: types.StringValue(salt),
		Values: types.MapNull(types.StringType), ValuesWO: types.MapNull(types.StringType),
		ValuesWOVersion: types.Int64Null(), Include: types.ListNull(types.StringType),
		Exclude: types.ListNull(types.StringType), Rename: types.MapNull(types.StringType),
		WrittenCount: types.Int64Value(0),
		Timeouts:     timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"create": types.StringType, "update": types.StringType, "delete": types.StringType})},
	}
	m.Keys, m.ARNs = keysValue(keys)
	m.CostEstimateUSDMonth = types.Float64Value(secretimport.MonthlyCost(dest, keys))
	noTags := types.MapNull(types.StringType)
	switch dest.Kind {
	case secretimport.KindSSM:
		m.SSM = &ssmDestinationModel{PathPrefix: types.StringValue(dest.PathPrefix), KeyID: types.StringNull(),
			Tier: types.StringValue(secretimport.TierAuto), Tags: noTags}
	case secretimport.KindSecretsManager:
		m.SecretsManager = &smDestinationModel{Name: types.StringValue(dest.Name), KeyID: types.StringNull(),
			RecoveryWindowInDays: types.Int64Value(30), Tags: noTags}
	case secretimport.KindSecretsManagerPerVar:
		m.SecretsManagerPerVar = &smPerVarDestination{NamePrefix: types.StringValue(dest.NamePrefix), KeyID: types.StringNull(),
			RecoveryWindowInDays: types.Int64Value(30), Tags: noTags}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
