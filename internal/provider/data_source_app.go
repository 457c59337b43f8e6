package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	herokugo "github.com/heroku/heroku-go/v5"
)

type appDataSource struct{ dataSourceBase }

type appDataSourceModel struct {
	ID                           types.String `tfsdk:"id"`
	Name                         types.String `tfsdk:"name"`
	Region                       types.String `tfsdk:"region"`
	Stack                        types.String `tfsdk:"stack"`
	BuildStack                   types.String `tfsdk:"build_stack"`
	Team                         types.String `tfsdk:"team"`
	Space                        types.String `tfsdk:"space"`
	OwnerEmail                   types.String `tfsdk:"owner_email"`
	WebURL                       types.String `tfsdk:"web_url"`
	GitURL                       types.String `tfsdk:"git_url"`
	Maintenance                  types.Bool   `tfsdk:"maintenance"`
	ACM                          types.Bool   `tfsdk:"acm"`
	BuildpackProvidedDescription types.String `tfsdk:"buildpack_provided_description"`
	CreatedAt                    types.String `tfsdk:"created_at"`
	ReleasedAt                   types.String `tfsdk:"released_at"`
}

var _ datasource.DataSourceWithConfigure = (*appDataSource)(nil)

func newAppDataSource() datasource.DataSource {
	return &appDataSource{dataSourceBase: newDataSourceBase("heroku2aws_app")}
}

func (d *appDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_app"
}

func (d *appDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	oneOf := []validator.String{stringvalidator.ExactlyOneOf(path.MatchRoot("name"), path.MatchRoot("id")), stringvalidator.LengthAtLeast(1)}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Heroku app by name or id: where it runs, what builds it, and who owns it.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the app. Set exactly one of `name` and `id`.",
				Optional:            true,
				Computed:            true,
				Validators:          oneOf,
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "Unique identifier (UUID) of the app. Set exactly one of `name` and `id`.",
				Optional:            true,
				Computed:            true,
				Validators:          oneOf,
			},
			"region":      computedString("Region the app runs in, such as `us` or `eu`."),
			"stack":       computedString("Stack the app runs on, such as `heroku-24`."),
			"build_stack": computedString("Stack that new builds will use."),
			"team":        computedString("Team that owns the app; null for apps owned by a personal account."),
			"space":       computedString("Private Space the app runs in; null outside Private Spaces."),
			"owner_email": computedString("Email address of the app's owner."),
			"web_url":     computedString("URL the app is served on by Heroku's router."),
			"git_url":     computedString("Heroku Git remote of the app."),
			"maintenance": schema.BoolAttribute{
				MarkdownDescription: "Whether maintenance mode is on.",
				Computed:            true,
			},
			"acm": schema.BoolAttribute{
				MarkdownDescription: "Whether Automated Certificate Management is on.",
				Computed:            true,
			},
			"buildpack_provided_description": computedString("Language the buildpack detected, such as `Node.js`; null before the first build."),
			"created_at":                     computedString("When the app was created, in RFC 3339 format."),
			"released_at":                    computedString("When the app was last released, in RFC 3339 format; null before the first release."),
		},
	}
}

func (d *appDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m appDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	attr, ident := "name", m.Name.ValueString()
	if ident == "" {
		attr, ident = "id", m.ID.ValueString()
	}
	app, err := d.data.inventory.App(ctx, ident)
	if err != nil {
		addHerokuError(&resp.Diagnostics, "Error Reading Heroku App", attr, ident, err)
		return
	}
	flattenApp(&m, app)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// flattenApp copies an app into the model.
func flattenApp(m *appDataSourceModel, app *herokugo.App) {
	m.ID = types.StringValue(app.ID)
	m.Name = types.StringValue(app.Name)
	m.Region = types.StringValue(app.Region.Name)
	m.Stack = types.StringValue(app.Stack.Name)
	m.BuildStack = types.StringValue(app.BuildStack.Name)
	m.Team = types.StringNull()
	if app.Team != nil {
		m.Team = types.StringValue(app.Team.Name)
	}
	m.Space = types.StringNull()
	if app.Space != nil {
		m.Space = types.StringValue(app.Space.Name)
	}
	m.OwnerEmail = types.StringValue(app.Owner.Email)
	m.WebURL = types.StringValue(app.WebURL)
	m.GitURL = types.StringValue(app.GitURL)
	m.Maintenance = types.BoolValue(app.Maintenance)
	m.ACM = types.BoolValue(app.Acm)
	m.BuildpackProvidedDescription = types.StringPointerValue(app.BuildpackProvidedDescription)
	m.CreatedAt = types.StringValue(app.CreatedAt.UTC().Format(time.RFC3339))
	m.ReleasedAt = types.StringNull()
	if app.ReleasedAt != nil {
		m.ReleasedAt = types.StringValue(app.ReleasedAt.UTC().Format(time.RFC3339))
	}
}
