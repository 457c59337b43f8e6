package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

type configVarsEphemeralResource struct{ ephemeralResourceBase }

var _ ephemeral.EphemeralResourceWithConfigure = (*configVarsEphemeralResource)(nil)

func newConfigVarsEphemeralResource() ephemeral.EphemeralResource {
	return &configVarsEphemeralResource{ephemeralResourceBase: newEphemeralResourceBase("heroku2aws_config_vars")}
}

func (e *configVarsEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_config_vars"
}

func (e *configVarsEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads an app's config vars without storing them: the values exist only while Terraform " +
			"runs and never reach the plan or the state. Feed them to write-only arguments such as `values_wo` of " +
			"`heroku2aws_secret_import`. Requires Terraform 1.10 or later.",
		Attributes: map[string]schema.Attribute{
			"app": schema.StringAttribute{
				MarkdownDescription: "Name or id of the Heroku app, such as `data.heroku2aws_app.api.id`.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"include": schema.ListAttribute{
				MarkdownDescription: descConfigVarsInclude,
				Optional:            true,
				ElementType:         types.StringType,
				Validators:          namePatternList(),
			},
			"exclude": schema.ListAttribute{
				MarkdownDescription: descConfigVarsExclude,
				Optional:            true,
				ElementType:         types.StringType,
				Validators:          namePatternList(),
			},
			"values": schema.MapAttribute{
				MarkdownDescription: descConfigVarsValues,
				Computed:            true,
				Sensitive:           true,
				ElementType:         types.StringType,
			},
			"names": schema.ListAttribute{
				MarkdownDescription: descConfigVarsNames,
				Computed:            true,
				ElementType:         types.StringType,
			},
			"addon_config_var_names": schema.ListAttribute{
				MarkdownDescription: descConfigVarsAddonNames,
				Computed:            true,
				ElementType:         types.StringType,
			},
			"user_config_var_names": schema.ListAttribute{
				MarkdownDescription: descConfigVarsUserNames,
				Computed:            true,
				ElementType:         types.StringType,
			},
		},
	}
}

func (e *configVarsEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m configVarsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(m.read(ctx, e.data, "Error Opening Heroku Config Vars")...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}
