package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

type configVarsDataSource struct{ dataSourceBase }

type configVarsDataSourceModel struct {
	ID types.String `tfsdk:"id"`
	configVarsModel
}

var _ datasource.DataSourceWithConfigure = (*configVarsDataSource)(nil)

func newConfigVarsDataSource() datasource.DataSource {
	return &configVarsDataSource{dataSourceBase: newDataSourceBase("heroku2aws_config_vars")}
}

func (d *configVarsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_config_vars"
}

func (d *configVarsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads an app's config vars. `values` is sensitive, but a data source's results are stored " +
			"in the Terraform state: to move values without storing them, use the `heroku2aws_config_vars` ephemeral " +
			"resource with the write-only arguments of `heroku2aws_secret_import`.",
		Attributes: map[string]schema.Attribute{
			"id":  computedString("The `app` value."),
			"app": requiredApp(),
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

func (d *configVarsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m configVarsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(m.read(ctx, d.data, "Error Reading Heroku Config Vars")...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.ID = m.App
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// namePatternList is the schema validation of include and exclude.
func namePatternList() []validator.List {
	return []validator.List{listvalidator.ValueStringsAre(namePatternValidator{})}
}
