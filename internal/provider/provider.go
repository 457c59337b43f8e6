// Package provider is the Terraform glue of heroku2aws: it converts between
// Terraform values and the domain packages (internal/heroku,
// internal/inventory, ...) and nothing more.
package provider

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/awsconfig"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/pgrestore"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/secretimport"
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
	// tweakAWS lets tests adjust the AWS settings (endpoints, retries) after
	// the aws block is read and validated, before the configuration loads.
	tweakAWS func(*awsconfig.Settings)
	// tweakRestore lets tests adjust the pg restore executor (a short
	// transfer poll interval instead of Heroku's 3 seconds).
	tweakRestore func(*pgrestore.LocalConfig)
	// tweakECS adjusts the ECS executor (short polls and waits).
	tweakECS func(*pgrestore.ECSConfig)
}

// providerModel is the provider block.
type providerModel struct {
	HerokuAPIKey     types.String `tfsdk:"heroku_api_key"`
	HerokuAPIURL     types.String `tfsdk:"heroku_api_url"`
	HerokuDataAPIURL types.String `tfsdk:"heroku_data_api_url"`
	AWS              *awsModel    `tfsdk:"aws"`
}

// providerData is the client bundle handed to every data source, resource
// and ephemeral resource.
type providerData struct {
	heroku     *heroku.Client
	inventory  *inventory.Reader
	dataAPIURL string
	aws        *awsAccess
	// secretLimits paces SSM and Secrets Manager calls at the aws block's
	// rates. AWS meters per account and region, so every resource shares it.
	secretLimits *secretimport.Limits
	// zoneNames caches hosted zone id → name: a zone's name never changes,
	// and every plan of a weighted DNS record needs it.
	zoneNames sync.Map
	// tweakRestore is the provider's test hook for the restore executor.
	tweakRestore func(*pgrestore.LocalConfig)
	tweakECS     func(*pgrestore.ECSConfig)
}

// awsAccess is the provider's AWS side: the loaded configuration and its
// clients, or why there are none. A failure to load is kept here rather
// than failing Configure, so that configurations which use no AWS object
// are unaffected; awsClients reports it to the first object that needs AWS.
type awsAccess struct {
	settings awsconfig.Settings // with awsconfig's defaults applied
	config   aws.Config
	clients  *awsconfig.Clients
	err      error // set when loading failed; clients is nil then
}

// errAWSUnknown is the deferred error when an aws setting is only known
// after apply.
type errAWSUnknown struct{ attrs []string }

func (e errAWSUnknown) Error() string {
	verb := " depends"
	if len(e.attrs) > 1 {
		verb = " depend"
	}
	return strings.Join(e.attrs, ", ") + verb + " on a value that is only known after apply"
}

// awsClients returns the AWS clients for an object's operation, such as
// "Error Importing Secrets", or adds a diagnostic that says why there are
// none and returns nil.
func (d *providerData) awsClients(diags *diag.Diagnostics, operation string) *awsconfig.Clients {
	if d == nil || d.aws == nil {
		diags.AddError(operation, "The provider's AWS access was not configured before "+
			lowerFirst(operationGerund(operation))+". This is a bug in the heroku2aws provider; please report it.")
		return nil
	}
	if d.aws.err != nil {
		diags.AddError("Error Configuring AWS", awsErrorDetail(operation, d.aws.err))
		return nil
	}
	return d.aws.clients
}

// awsErrorDetail explains a deferred AWS loading error and how to fix it.
func awsErrorDetail(operation string, err error) string {
	var (
		unknown   errAWSUnknown
		noProfile config.SharedConfigProfileNotExistError
		hint      string
	)
	switch {
	case errors.As(err, &unknown):
		hint = "Provider settings must be known when Terraform plans: set the aws block from literals, " +
			"variables or data sources, not from attributes of resources created in the same run, or apply those " +
			"resources first (terraform apply -target=...)."
	case errors.Is(err, awsconfig.ErrNoRegion):
		hint = "Set region in the provider's aws block, the AWS_REGION environment variable, or region in the " +
			"AWS profile's section of the shared config file (~/.aws/config)."
	case errors.As(err, &noProfile):
		hint = "The AWS profile does not exist. Check aws.profile or AWS_PROFILE, and the shared config and " +
			"credentials files (~/.aws/config and ~/.aws/credentials, or the files that AWS_CONFIG_FILE and " +
			"AWS_SHARED_CREDENTIALS_FILE name)."
	default:
		hint = "Check the provider's aws block, the AWS_* environment variables, and the shared config and " +
			"credentials files (~/.aws/config and ~/.aws/credentials)."
	}
	return "The provider could not set up AWS access, so " + lowerFirst(operationGerund(operation)) +
		" is not possible. " + hint + "\n\nError: " + err.Error()
}

// configureAWS reads the aws block. Invalid settings are configuration
// errors, reported on their attribute; settings only known after apply and
// loading failures are deferred to the first object that uses AWS.
func (p *heroku2awsProvider) configureAWS(ctx context.Context, m *awsModel, diags *diag.Diagnostics) *awsAccess {
	if unknown := m.unknownPaths(); len(unknown) > 0 {
		tflog.Warn(ctx, "AWS settings unknown until apply; AWS objects will report it", map[string]any{"attributes": unknown})
		return &awsAccess{settings: awsconfig.Settings{}.WithDefaults(), err: errAWSUnknown{attrs: unknown}}
	}
	s, d := expandAWSSettings(m)
	diags.Append(d...)
	if d.HasError() {
		return nil
	}
	s.ProviderVersion = p.version
	if p.tweakAWS != nil {
		p.tweakAWS(&s)
	}
	return loadAWS(ctx, s)
}

// loadAWS loads the AWS configuration for s. It makes no AWS call.
func loadAWS(ctx context.Context, s awsconfig.Settings) *awsAccess {
	a := &awsAccess{settings: s.WithDefaults()}
	cfg, err := awsconfig.Load(ctx, s)
	if err != nil {
		tflog.Warn(ctx, "AWS configuration not loaded; AWS objects will report it", map[string]any{"error": err.Error()})
		a.err = err
		return a
	}
	a.config, a.clients = cfg, awsconfig.NewClients(cfg, s)
	fields := map[string]any{
		"aws_region":                    cfg.Region,
		"aws_profile":                   s.Profile,
		"aws_max_retries":               a.settings.MaxRetries,
		"aws_ssm_put_parameter_rate":    a.settings.SSMPutParameterRate,
		"aws_secretsmanager_write_rate": a.settings.SecretsManagerWriteRate,
	}
	if s.AssumeRole != nil {
		fields["aws_assume_role_arn"] = s.AssumeRole.RoleARN
	}
	tflog.Debug(ctx, "Configured AWS access", fields)
	return a
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
		Blocks: map[string]schema.Block{
			"aws": awsBlock(),
		},
	}
}

func (p *heroku2awsProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	herokuSettings := map[string]types.String{
		"heroku_api_key":      cfg.HerokuAPIKey,
		"heroku_api_url":      cfg.HerokuAPIURL,
		"heroku_data_api_url": cfg.HerokuDataAPIURL,
	}
	// Sorted, so that the diagnostics come in the same order every time.
	for _, attr := range slices.Sorted(maps.Keys(herokuSettings)) {
		if herokuSettings[attr].IsUnknown() {
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
		Logger:    newLogger(),
	}
	if p.tweakHeroku != nil {
		p.tweakHeroku(&hc)
	}
	awsAccess := p.configureAWS(ctx, cfg.AWS, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	client := heroku.New(hc)
	data := &providerData{
		heroku: client, inventory: inventory.NewReader(client), dataAPIURL: s.dataAPIURL,
		aws:          awsAccess,
		secretLimits: secretimport.NewLimits(awsAccess.settings.SSMPutParameterRate, awsAccess.settings.SecretsManagerWriteRate),
		tweakRestore: p.tweakRestore,
		tweakECS:     p.tweakECS,
	}
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.EphemeralResourceData = data
}

func (p *heroku2awsProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		newSecretImportResource,
		newWeightedDNSRecordResource,
		newPGRestoreJobResource,
		newAppFreezeResource,
	}
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
