package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/secretimport"
)

// Conversions of heroku2aws_secret_import between its Terraform model and
// secretimport: expand… builds the domain values from the model once per
// operation, flatten… builds the model from them.

// destinationBlock is one of the destination blocks, each the model of one
// secretimport destination kind; the block's name is the kind.
type destinationBlock interface {
	// expand converts the block; known is false while its name attribute
	// is unknown.
	expand(ctx context.Context, diags *diag.Diagnostics) (d secretimport.Destination, known bool)
	// validateConfig reports what the block lacks.
	validateConfig(diags *diag.Diagnostics)
	// keyChangeRewrites reports whether a change of key_id since prior
	// rewrites every key in place. Only SSM does: a Secrets Manager key_id
	// change replaces the resource.
	keyChangeRewrites(prior destinationBlock) bool
}

// destinationBlocks returns the destination blocks that are set, in
// schema order: one in a valid configuration.
func (m *secretImportModel) destinationBlocks() []destinationBlock {
	var blocks []destinationBlock
	if m.SSM != nil {
		blocks = append(blocks, m.SSM)
	}
	if m.SecretsManager != nil {
		blocks = append(blocks, m.SecretsManager)
	}
	if m.SecretsManagerPerVar != nil {
		blocks = append(blocks, m.SecretsManagerPerVar)
	}
	return blocks
}

// expandDestination converts the destination block of m; ok is false when
// there is none.
func expandDestination(ctx context.Context, m *secretImportModel, diags *diag.Diagnostics) (d secretimport.Destination, known, ok bool) {
	blocks := m.destinationBlocks()
	if len(blocks) == 0 {
		return secretimport.Destination{}, true, false
	}
	d, known = blocks[0].expand(ctx, diags)
	return d, known, true
}

func (b *ssmDestinationModel) expand(ctx context.Context, diags *diag.Diagnostics) (secretimport.Destination, bool) {
	return secretimport.Destination{
		Kind:       secretimport.KindSSM,
		PathPrefix: b.PathPrefix.ValueString(),
		KeyID:      b.KeyID.ValueString(),
		Tier:       b.Tier.ValueString(),
		Tags:       expandTags(ctx, b.Tags, diags),
	}, !b.PathPrefix.IsUnknown()
}

func (b *smDestinationModel) expand(ctx context.Context, diags *diag.Diagnostics) (secretimport.Destination, bool) {
	return secretimport.Destination{
		Kind:               secretimport.KindSecretsManager,
		Name:               b.Name.ValueString(),
		KeyID:              b.KeyID.ValueString(),
		RecoveryWindowDays: int(b.RecoveryWindowInDays.ValueInt64()),
		Tags:               expandTags(ctx, b.Tags, diags),
	}, !b.Name.IsUnknown()
}

func (b *smPerVarDestination) expand(ctx context.Context, diags *diag.Diagnostics) (secretimport.Destination, bool) {
	return secretimport.Destination{
		Kind:               secretimport.KindSecretsManagerPerVar,
		NamePrefix:         b.NamePrefix.ValueString(),
		KeyID:              b.KeyID.ValueString(),
		RecoveryWindowDays: int(b.RecoveryWindowInDays.ValueInt64()),
		Tags:               expandTags(ctx, b.Tags, diags),
	}, !b.NamePrefix.IsUnknown()
}

func (b *ssmDestinationModel) validateConfig(diags *diag.Diagnostics) {
	requireDestinationName(diags, secretimport.KindSSM, "path_prefix", b.PathPrefix)
}

func (b *smDestinationModel) validateConfig(diags *diag.Diagnostics) {
	requireDestinationName(diags, secretimport.KindSecretsManager, "name", b.Name)
	if !b.Name.IsNull() && !b.Name.IsUnknown() {
		if err := secretimport.ValidateSecretName(b.Name.ValueString()); err != nil {
			diags.AddAttributeError(path.Root(string(secretimport.KindSecretsManager)).AtName("name"), "Invalid Secret Name", err.Error()+".")
		}
	}
}

func (b *smPerVarDestination) validateConfig(diags *diag.Diagnostics) {
	requireDestinationName(diags, secretimport.KindSecretsManagerPerVar, "name_prefix", b.NamePrefix)
}

// requireDestinationName reports a destination block without its name.
func requireDestinationName(diags *diag.Diagnostics, block secretimport.Kind, attr string, v types.String) {
	if v.IsNull() {
		diags.AddAttributeError(path.Root(string(block)).AtName(attr), "Missing Destination Name",
			fmt.Sprintf("The %s block needs %s.", block, attr))
	}
}

func (b *ssmDestinationModel) keyChangeRewrites(prior destinationBlock) bool {
	p, ok := prior.(*ssmDestinationModel)
	return ok && !p.KeyID.Equal(b.KeyID)
}

func (*smDestinationModel) keyChangeRewrites(destinationBlock) bool { return false }

func (*smPerVarDestination) keyChangeRewrites(destinationBlock) bool { return false }

// flattenImportedDestination sets the destination block of an imported
// resource: the name from the import id, every other attribute at its
// default.
func flattenImportedDestination(d secretimport.Destination, m *secretImportModel) {
	noTags := types.MapNull(types.StringType)
	switch d.Kind {
	case secretimport.KindSSM:
		m.SSM = &ssmDestinationModel{
			PathPrefix: types.StringValue(d.PathPrefix),
			KeyID:      types.StringNull(),
			Tier:       types.StringValue(secretimport.TierAuto),
			Tags:       noTags,
		}
	case secretimport.KindSecretsManager:
		m.SecretsManager = &smDestinationModel{
			Name:                 types.StringValue(d.Name),
			KeyID:                types.StringNull(),
			RecoveryWindowInDays: types.Int64Value(30),
			Tags:                 noTags,
		}
	case secretimport.KindSecretsManagerPerVar:
		m.SecretsManagerPerVar = &smPerVarDestination{
			NamePrefix:           types.StringValue(d.NamePrefix),
			KeyID:                types.StringNull(),
			RecoveryWindowInDays: types.Int64Value(30),
			Tags:                 noTags,
		}
	}
}

// expandTags converts a tags attribute; null or unknown is no tags.
func expandTags(ctx context.Context, tags types.Map, diags *diag.Diagnostics) map[string]string {
	var out map[string]string
	if !tags.IsNull() && !tags.IsUnknown() {
		diags.Append(tags.ElementsAs(ctx, &out, false)...)
	}
	return out
}

// rewriteAll reports whether every key must be written again: the
// write-only version changed (not merely set after an import), or the KMS
// key of a destination that rewrites in place changed.
func rewriteAll(prior, plan *secretImportModel) bool {
	if prior == nil {
		return false
	}
	if !prior.ValuesWOVersion.IsNull() && !plan.ValuesWOVersion.Equal(prior.ValuesWOVersion) {
		return true
	}
	priorBlocks, blocks := prior.destinationBlocks(), plan.destinationBlocks()
	return len(priorBlocks) > 0 && len(blocks) > 0 && blocks[0].keyChangeRewrites(priorBlocks[0])
}

// expandValues returns the values to import from config (values_wo) or
// plan (values), and the attribute they come from; known is false while
// they are unknown.
func expandValues(ctx context.Context, config, plan *secretImportModel, diags *diag.Diagnostics) (values map[string]string, attr string, known bool) {
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

// expandShape converts include, exclude and rename; known is false while
// any of them is unknown.
func expandShape(ctx context.Context, m *secretImportModel, diags *diag.Diagnostics) (secretimport.Shape, bool) {
	var s secretimport.Shape
	if m.Include.IsUnknown() || m.Exclude.IsUnknown() || m.Rename.IsUnknown() {
		return s, false
	}
	diags.Append(m.Include.ElementsAs(ctx, &s.Include, false)...)
	diags.Append(m.Exclude.ElementsAs(ctx, &s.Exclude, false)...)
	diags.Append(m.Rename.ElementsAs(ctx, &s.Rename, false)...)
	return s, true
}

// expandKeys converts `keys` from the state.
func expandKeys(m types.Map) map[string]secretimport.KeyState {
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
		out[k] = secretimport.KeyState{
			Name:        str("name"),
			Version:     str("version"),
			Fingerprint: str("fingerprint"),
			ARN:         str("arn"),
			Tier:        str("tier"),
		}
	}
	return out
}

// keyObject is one entry of `keys`; unknown fields are passed as nil, and
// empty ones are null.
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
		"name":        v(name),
		"version":     v(version),
		"fingerprint": v(fingerprint),
		"arn":         v(arn),
		"tier":        v(tier),
	})
}

// flattenKeys converts what exists into `keys` and `arns`.
func flattenKeys(keys map[string]secretimport.KeyState) (types.Map, types.Map) {
	objs := map[string]attr.Value{}
	arns := map[string]attr.Value{}
	for k, st := range keys {
		objs[k] = keyObject(&st.Name, &st.Version, &st.Fingerprint, &st.ARN, &st.Tier)
		arns[k] = types.StringValue(st.ARN)
	}
	return types.MapValueMust(types.ObjectType{AttrTypes: keyAttrTypes}, objs), types.MapValueMust(types.StringType, arns)
}

// flattenPlannedKeys converts a plan's keys into `keys` and `arns`, with
// what only the apply can tell unknown.
func flattenPlannedKeys(keys map[string]secretimport.PlannedKey) (types.Map, types.Map) {
	objs := map[string]attr.Value{}
	arns := map[string]attr.Value{}
	for k, pk := range keys {
		st := pk.State
		known := func(s *string, unknown bool) *string {
			if unknown {
				return nil
			}
			return s
		}
		objs[k] = keyObject(&st.Name, known(&st.Version, pk.VersionUnknown), &st.Fingerprint,
			known(&st.ARN, pk.ARNUnknown), known(&st.Tier, pk.TierUnknown))
		arns[k] = types.StringValue(st.ARN)
		if pk.ARNUnknown {
			arns[k] = types.StringUnknown()
		}
	}
	return types.MapValueMust(types.ObjectType{AttrTypes: keyAttrTypes}, objs), types.MapValueMust(types.StringType, arns)
}
