package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
)

type domainsDataSource struct{ dataSourceBase }

type domainsDataSourceModel struct {
	ID                   types.String `tfsdk:"id"`
	App                  types.String `tfsdk:"app"`
	IncludeHerokuDomains types.Bool   `tfsdk:"include_heroku_domains"`
	Domains              []domainItem `tfsdk:"domains"`
	Hostnames            []string     `tfsdk:"hostnames"`
}

type domainItem struct {
	ID        types.String `tfsdk:"id"`
	Hostname  types.String `tfsdk:"hostname"`
	Kind      types.String `tfsdk:"kind"`
	CNAME     types.String `tfsdk:"cname"`
	Status    types.String `tfsdk:"status"`
	ACMStatus types.String `tfsdk:"acm_status"`
}

var _ datasource.DataSourceWithConfigure = (*domainsDataSource)(nil)

func newDomainsDataSource() datasource.DataSource {
	return &domainsDataSource{dataSourceBase: newDataSourceBase("heroku2aws_domains")}
}

func (d *domainsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_domains"
}

func (d *domainsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads an app's domains and their DNS targets. The target to point DNS at, and the " +
			"Heroku side of `heroku2aws_weighted_dns_record`, is `cname`, not `hostname`.",
		Attributes: map[string]schema.Attribute{
			"id":  computedString("The `app` value."),
			"app": requiredApp(),
			"include_heroku_domains": schema.BoolAttribute{
				MarkdownDescription: "Also return the app's own `*.herokuapp.com` domain. Defaults to `false`: that " +
					"domain belongs to Heroku and does not move.",
				Optional: true,
			},
			"domains": schema.ListNestedAttribute{
				MarkdownDescription: "The domains, sorted by hostname.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":       computedString("Unique identifier of the domain."),
						"hostname": computedString("The domain name users visit, such as `api.acme.com`."),
						"kind":     computedString("`custom` for domains the app added, `heroku` for `*.herokuapp.com`."),
						"cname": computedString("DNS target that the hostname's CNAME points at, such as " +
							"`example-1234.herokudns.com`; null for `*.herokuapp.com` domains."),
						"status":     computedString("Status of the domain's DNS target, such as `succeeded`."),
						"acm_status": computedString("Automated Certificate Management status, such as `cert issued`; null when ACM is off."),
					},
				},
			},
			"hostnames": schema.ListAttribute{
				MarkdownDescription: "The hostnames, sorted.",
				Computed:            true,
				ElementType:         types.StringType,
			},
		},
	}
}

func (d *domainsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m domainsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	app := m.App.ValueString()
	domains, err := d.data.inventory.Domains(ctx, app, m.IncludeHerokuDomains.ValueBool())
	if err != nil {
		addHerokuError(&resp.Diagnostics, "Error Reading Heroku Domains", "app", app, err)
		return
	}
	m.ID = m.App
	m.Domains = make([]domainItem, 0, len(domains))
	m.Hostnames = make([]string, 0, len(domains))
	for _, dm := range domains {
		m.Domains = append(m.Domains, flattenDomain(dm))
		m.Hostnames = append(m.Hostnames, dm.Hostname)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func flattenDomain(dm inventory.Domain) domainItem {
	return domainItem{
		ID: types.StringValue(dm.ID), Hostname: types.StringValue(dm.Hostname), Kind: types.StringValue(dm.Kind),
		CNAME: optionalString(dm.CNAME), Status: types.StringValue(dm.Status), ACMStatus: optionalString(dm.ACMStatus),
	}
}
