package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/secretimport"
)

// The schema of heroku2aws_secret_import: the values and their shaping at
// the top level, one block per destination, and the computed record of
// what was written.

func (r *secretImportResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replaceString := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Imports config vars into AWS SSM Parameter Store or Secrets Manager, paced to the " +
			"service's write quota, writing only what changed. The state keeps a keyed fingerprint of each value, " +
			"never the value: with `values_wo` (Terraform 1.11 or later) the values never reach the state at all.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The destination, as `ssm:<path_prefix>`, `secretsmanager:<name>` or " +
					"`secretsmanager_per_var:<name_prefix>`; also the import id.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"values": schema.MapAttribute{
				MarkdownDescription: "Config vars to import, name to value. Sensitive, and stored in the state by " +
					"Terraform. Set exactly one of `values` and `values_wo`.",
				Optional:    true,
				Sensitive:   true,
				ElementType: types.StringType,
			},
			"values_wo": schema.MapAttribute{
				MarkdownDescription: "Config vars to import, write-only: Terraform never stores them in the plan or " +
					"the state. Feed it from `ephemeral.heroku2aws_config_vars`. Requires Terraform 1.11 or later and " +
					"`values_wo_version`. Changes are still detected key by key through fingerprints.",
				Optional:    true,
				Sensitive:   true,
				WriteOnly:   true,
				ElementType: types.StringType,
			},
			"values_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Version of `values_wo`. Changing it rewrites every key, for example after a " +
					"rotation that kept some values equal. Required with `values_wo`.",
				Optional: true,
			},
			"include": schema.ListAttribute{
				MarkdownDescription: "Import only config vars whose names match one of these names or globs (`AWS_*`). " +
					"Unset imports every name.",
				Optional:    true,
				ElementType: types.StringType,
				Validators:  namePatternList(),
			},
			"exclude": schema.ListAttribute{
				MarkdownDescription: "Skip config vars whose names match one of these names or globs, such as " +
					"`data.heroku2aws_addons.api.config_var_names` (values that come from AWS after the move).",
				Optional:    true,
				ElementType: types.StringType,
				Validators:  namePatternList(),
			},
			"rename": schema.MapAttribute{
				MarkdownDescription: "Write a config var under another key: old name to new key, such as " +
					"`{ DATABASE_URL = \"LEGACY_DATABASE_URL\" }`. Two names may not end up as one key.",
				Optional:    true,
				ElementType: types.StringType,
			},
			"fingerprint_salt": schema.StringAttribute{
				MarkdownDescription: "Random per-resource key of the value fingerprints in `keys`.",
				Computed:            true,
				Sensitive:           true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"keys": schema.MapNestedAttribute{
				MarkdownDescription: "What was written, by key (after `rename`): destination `name`, `version`, " +
					"`arn`, SSM `tier`, and `fingerprint`, an HMAC-SHA-256 of the value keyed with `fingerprint_salt`. " +
					"A value changed outside Terraform shows up here as a changed fingerprint; a deleted one as a missing key.",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"name":        computedKeyField("Parameter or secret name."),
						"version":     computedKeyField("Parameter version, or secret version id."),
						"fingerprint": computedKeyField("Keyed fingerprint of the value."),
						"arn":         computedKeyField("ARN of the parameter or secret."),
						"tier":        computedKeyField("SSM tier in use; null for Secrets Manager."),
					},
				},
			},
			"arns": schema.MapAttribute{
				MarkdownDescription: "ARN of each key's parameter or secret, by key: for ECS task definition `secrets`.",
				Computed:            true,
				ElementType:         types.StringType,
			},
			"written_count": schema.Int64Attribute{
				MarkdownDescription: "Number of keys the last create or update wrote.",
				Computed:            true,
			},
			"cost_estimate_usd_month": schema.Float64Attribute{
				MarkdownDescription: "Estimated storage price in US dollars a month, from the price table on this page.",
				Computed:            true,
			},
			"timeouts": createUpdateDeleteTimeouts(ctx),
		},
		Blocks: map[string]schema.Block{
			"ssm": schema.SingleNestedBlock{
				MarkdownDescription: "Write one SecureString parameter per key, named `<path_prefix><key>`.",
				Attributes: map[string]schema.Attribute{
					"path_prefix": schema.StringAttribute{
						MarkdownDescription: "Prefix of the parameter names, such as `/acme-api/prod/`. Required in this block.",
						Optional:            true,
						PlanModifiers:       replaceString,
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
						Optional:   true,
						Computed:   true,
						Default:    stringdefault.StaticString(secretimport.TierAuto),
						Validators: []validator.String{stringvalidator.OneOf(secretimport.Tiers...)},
					},
					"tags": destinationTags("parameter"),
				},
			},
			"secretsmanager": schema.SingleNestedBlock{
				MarkdownDescription: "Write every key into one JSON secret in a single call: $0.40 a month whatever the " +
					"number of keys, up to 64 KB in all.",
				Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{
						MarkdownDescription: "Name of the secret, such as `acme-api/prod`. Required in this block.",
						Optional:            true,
						PlanModifiers:       replaceString,
					},
					"key_id": schema.StringAttribute{
						MarkdownDescription: "KMS key to encrypt with; defaults to `aws/secretsmanager`. Changing it replaces the secret.",
						Optional:            true,
						PlanModifiers:       replaceString,
					},
					"recovery_window_in_days": recoveryWindow(),
					"tags":                    destinationTags("secret"),
				},
			},
			"secretsmanager_per_var": schema.SingleNestedBlock{
				MarkdownDescription: "Write one secret per key, named `<name_prefix><key>`: $0.40 a month each.",
				Attributes: map[string]schema.Attribute{
					"name_prefix": schema.StringAttribute{
						MarkdownDescription: "Prefix of the secret names, such as `acme-api/prod/`. Required in this block.",
						Optional:            true,
						PlanModifiers:       replaceString,
					},
					"key_id": schema.StringAttribute{
						MarkdownDescription: "KMS key to encrypt with; defaults to `aws/secretsmanager`. Changing it replaces the secrets.",
						Optional:            true,
						PlanModifiers:       replaceString,
					},
					"recovery_window_in_days": recoveryWindow(),
					"tags":                    destinationTags("secret"),
				},
			},
		},
	}
}

// computedKeyField is one attribute of an entry of `keys`.
func computedKeyField(description string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description,
		Computed:            true,
	}
}

// recoveryWindow is the recovery_window_in_days of a Secrets Manager block.
func recoveryWindow() schema.Int64Attribute {
	return schema.Int64Attribute{
		MarkdownDescription: "Days Secrets Manager keeps a deleted secret recoverable: 7 to 30, or 0 to delete " +
			"without recovery. Defaults to `30`. A name scheduled for deletion cannot be reused until it is restored " +
			"or purged; the resource restores its own secrets when it writes them again.",
		Optional: true,
		Computed: true,
		Default:  int64default.StaticInt64(30),
		Validators: []validator.Int64{
			int64validator.Any(int64validator.OneOf(0), int64validator.Between(7, 30)),
		},
	}
}

// destinationTags is the tags attribute of a destination block.
func destinationTags(what string) schema.MapAttribute {
	return schema.MapAttribute{
		MarkdownDescription: "Tags for every " + what + " the resource writes.",
		Optional:            true,
		ElementType:         types.StringType,
	}
}

func quoteList(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = "`" + v + "`"
	}
	return strings.Join(q, ", ")
}
