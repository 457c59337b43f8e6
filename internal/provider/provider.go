// Package provider is the Terraform glue of heroku2aws: it converts between
// Terraform values and the domain packages (internal/heroku,
// internal/inventory, ...) and nothing more.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
)

var (
	_ provider.Provider                       = (*heroku2awsProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*heroku2awsProvider)(nil)
)

// heroku2awsProvider is the heroku2aws provider.
type heroku2awsProvider struct {
	version string
	// tweakHeroku lets tests adjust the Heroku client configuration (clock,
	// pacing, retries) the way terraform-provider-time injects its clock.
	tweakHeroku func(*heroku.Config)
}

// providerModel is the provider block.
type providerModel struct {
	HerokuAPIKey     types.String `tfsdk:"heroku_api_key"`
	HerokuAPIURL     types.String `tfsdk:"heroku_api_url"`
	HerokuDataAPIURL types.String `tfsdk:"heroku_data_api_url"`
}

// providerData is the client bundle handed to every data source, resource
// and ephemeral resource.
type providerData struct {
	heroku     *heroku.Client
	inventory  *inventory.Reader
	dataAPIURL string
}

// New returns the provider factory for the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &heroku2awsProvider{version: version}
	}
}

func (p *heroku2awsProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "heroku2aws"
	resp.Version = p.version
}

func (p *heroku2awsProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The heroku2aws provider reads a Heroku account's apps and moves them to AWS: " +
			"config vars to SSM Parameter Store or Secrets Manager, Heroku Postgres to RDS, and traffic to AWS " +
			"through weighted Route 53 records.",
		Attributes: map[string]schema.Attribute{
			"heroku_api_key": schema.StringAttribute{
				MarkdownDescription: "Heroku API key (an OAuth token, as `heroku auth:token` prints). " +
					"When unset, the provider reads the `" + envAPIKey + "` environment variable, then the password of the " +
					"`" + netrcMachine + "` entry in `~/.netrc` (or `$NETRC`), which `heroku login` writes. " +
					"A missing key is reported when the first Heroku object is read, so configurations that " +
					"only use AWS objects need none.",
				Optional:  true,
				Sensitive: true,
			},
			"heroku_api_url": schema.StringAttribute{
				MarkdownDescription: "Base URL of the Heroku Platform API. When unset, the provider reads `" +
					envAPIURL + "`, then defaults to `" + defaultAPIURL + "`.",
				Optional: true,
			},
			"heroku_data_api_url": schema.StringAttribute{
				MarkdownDescription: "Base URL of the Heroku Data API that drives Heroku Postgres backups. When unset, the " +
					"provider reads `" + envDataAPIURL + "`, then defaults to `" + defaultDataAPIURL + "`.",
				Optional: true,
			},
		},
	}
}

func (p *heroku2awsProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for attr, v := range map[string]types.String{
		"heroku_api_key": cfg.HerokuAPIKey, "heroku_api_url": cfg.HerokuAPIURL, "heroku_data_api_url": cfg.HerokuDataAPIURL,
	} {
		if v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(attr), "Unknown Provider Setting",
				"The provider cannot be configured because "+attr+" depends on a value that is only known after apply. "+
					"Set it to a known value, or leave it unset and use the environment variable instead.")
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	s, diags := resolveSettings(cfg, envLookup, netrcLookup)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Debug(ctx, "Configured Heroku access", map[string]any{
		"heroku_api_url":        s.apiURL,
		"heroku_data_api_url":   s.dataAPIURL,
		"heroku_api_key_source": s.apiKeySource,
	})

	hc := heroku.Config{
		APIKey:    s.apiKey,
		APIURL:    s.apiURL,
		UserAgent: "terraform-provider-heroku2aws/" + p.version + " (+https://registry.terraform.io/providers/heroku2aws/heroku2aws)",
		Logger:    tflogLogger{},
	}
	if p.tweakHeroku != nil {
		p.tweakHeroku(&hc)
	}
	client := heroku.New(hc)
	data := &providerData{heroku: client, inventory: inventory.NewReader(client), dataAPIURL: s.dataAPIURL}
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.EphemeralResourceData = data
}

func (p *heroku2awsProvider) Resources(context.Context) []func() resource.Resource {
	return nil
}

func (p *heroku2awsProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newAppDataSource,
		newAppsDataSource,
		newFormationDataSource,
		newConfigVarsDataSource,
		newAddOnsDataSource,
		newDomainsDataSource,
	}
}

func (p *heroku2awsProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		newConfigVarsEphemeralResource,
	}
}

// tflogLogger sends the Heroku client's request log to Terraform's log.
// The client never passes header values or bodies.
type tflogLogger struct{}

func (tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(ctx, msg, fields)
}

func (tflogLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.Warn(ctx, msg, fields)
}
