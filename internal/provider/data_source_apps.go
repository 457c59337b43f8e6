package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
)

type appsDataSource struct{ dataSourceBase }

type appsDataSourceModel struct {
	ID        types.String     `tfsdk:"id"`
	Team      types.String     `tfsdk:"team"`
	NameRegex types.String     `tfsdk:"name_regex"`
	Apps      []appSummaryItem `tfsdk:"apps"`
	Names     []string         `tfsdk:"names"`
}

type appSummaryItem struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Region      types.String `tfsdk:"region"`
	Stack       types.String `tfsdk:"stack"`
	Team        types.String `tfsdk:"team"`
	Space       types.String `tfsdk:"space"`
	Maintenance types.Bool   `tfsdk:"maintenance"`
	WebURL      types.String `tfsdk:"web_url"`
}

var _ datasource.DataSourceWithConfigure = (*appsDataSource)(nil)

func newAppsDataSource() datasource.DataSource {
	return &appsDataSource{dataSourceBase: newDataSourceBase("heroku2aws_apps")}
}

func (d *appsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_apps"
}

func (d *appsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists every Heroku app the API key can see, or every app of one team. " +
			"All pages are read (Heroku returns at most 1,000 apps a page), so large accounts come back complete.",
		Attributes: map[string]schema.Attribute{
			"id": computedString("`account` when listing the account's apps, otherwise `team:<team>`."),
			"team": schema.StringAttribute{
				MarkdownDescription: "Name or id of a Heroku team. When set, only that team's apps are listed " +
					"(`GET /teams/{team}/apps`); otherwise every app of the account, including team apps it can see.",
				Optional: true,
			},
			"name_regex": schema.StringAttribute{
				MarkdownDescription: "A [Go regular expression](https://pkg.go.dev/regexp/syntax) that app names must match, " +
					"such as `^acme-`. Unanchored, like Terraform's `regex` function.",
				Optional:   true,
				Validators: []validator.String{regexValidator{}},
			},
			"apps": schema.ListNestedAttribute{
				MarkdownDescription: "The apps, sorted by name.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":     computedString("Unique identifier of the app."),
						"name":   computedString("Name of the app."),
						"region": computedString("Region of the app."),
						"stack":  computedString("Stack of the app."),
						"team":   computedString("Team that owns the app; null for personal apps."),
						"space":  computedString("Private Space of the app; null outside Private Spaces."),
						"maintenance": schema.BoolAttribute{
							MarkdownDescription: "Whether maintenance mode is on.",
							Computed:            true,
						},
						"web_url": computedString("URL the app is served on by Heroku's router."),
					},
				},
			},
			"names": schema.ListAttribute{
				MarkdownDescription: "The app names, sorted; handy for `for_each = toset(...)`.",
				Computed:            true,
				ElementType:         types.StringType,
			},
		},
	}
}

func (d *appsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m appsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var re *regexp.Regexp
	if pattern := m.NameRegex.ValueString(); pattern != "" {
		re = regexp.MustCompile(pattern) // validated at plan time by regexValidator
	}
	team := m.Team.ValueString()
	apps, err := d.data.inventory.Apps(ctx, team, re)
	if err != nil {
		attr := ""
		if team != "" {
			attr = "team"
		}
		addHerokuError(&resp.Diagnostics, "Error Listing Heroku Apps", attr, team, err)
		return
	}
	m.ID = types.StringValue("account")
	if team != "" {
		m.ID = types.StringValue("team:" + team)
	}
	m.Apps = make([]appSummaryItem, 0, len(apps))
	m.Names = make([]string, 0, len(apps))
	for _, a := range apps {
		m.Apps = append(m.Apps, flattenAppSummary(a))
		m.Names = append(m.Names, a.Name)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func flattenAppSummary(a inventory.AppSummary) appSummaryItem {
	return appSummaryItem{
		ID: types.StringValue(a.ID), Name: types.StringValue(a.Name), Region: types.StringValue(a.Region),
		Stack: types.StringValue(a.Stack), Team: optionalString(a.Team), Space: optionalString(a.Space),
		Maintenance: types.BoolValue(a.Maintenance), WebURL: types.StringValue(a.WebURL),
	}
}
