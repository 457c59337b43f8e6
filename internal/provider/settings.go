package provider

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/awsconfig"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/netrc"
)

// Environment variables and defaults, the same names the official Heroku
// provider and CLI use.
const (
	envAPIKey         = "HEROKU_API_KEY"
	envAPIURL         = "HEROKU_API_URL"
	envDataAPIURL     = "HEROKU_DATA_API_URL"
	defaultAPIURL     = "https://api.heroku.com"
	defaultDataAPIURL = "https://api.data.heroku.com"
	netrcMachine      = "api.heroku.com"
)

// settings are the provider settings after the environment fallbacks.
type settings struct {
	apiKey       string
	apiKeySource string // "config", "env", "netrc" or "" (none): logged, never the key
	apiURL       string
	dataAPIURL   string
}

func envLookup(name string) string { return os.Getenv(name) }

// netrcLookup returns the Heroku CLI's stored token and the file it came
// from.
func netrcLookup() (string, string, error) {
	p := netrc.DefaultPath()
	pw, ok, err := netrc.Password(p, netrcMachine)
	if err != nil || !ok {
		return "", p, err
	}
	return pw, p, nil
}

// resolveSettings applies the fallbacks the Heroku CLI and the official
// Heroku provider use
// (https://devcenter.heroku.com/articles/authentication,
// https://registry.terraform.io/providers/heroku/heroku/latest/docs#authentication):
//
//   - the API key: heroku_api_key in the configuration, then the
//     HEROKU_API_KEY environment variable, then the password of the
//     `machine api.heroku.com` entry of ~/.netrc (or $NETRC), which
//     `heroku login` writes;
//   - the Platform API URL: heroku_api_url, then HEROKU_API_URL, then
//     https://api.heroku.com;
//   - the Data API URL: heroku_data_api_url, then HEROKU_DATA_API_URL, then
//     https://api.data.heroku.com.
//
// The aws block is not resolved here (see expandAWSSettings): what it leaves
// unset comes from the AWS SDK's default chain, that is the AWS_*
// environment variables, then the shared config and credentials files
// (AWS_PROFILE), then SSO, web identity and container or instance roles
// (https://docs.aws.amazon.com/sdkref/latest/guide/settings-reference.html),
// and otherwise from awsconfig's defaults.
func resolveSettings(cfg providerModel, env func(string) string, netrcFn func() (string, string, error)) (settings, diag.Diagnostics) {
	var s settings
	var diags diag.Diagnostics

	switch {
	case cfg.HerokuAPIKey.ValueString() != "":
		s.apiKey, s.apiKeySource = cfg.HerokuAPIKey.ValueString(), "config"
	case env(envAPIKey) != "":
		s.apiKey, s.apiKeySource = strings.TrimSpace(env(envAPIKey)), "env"
	default:
		key, file, err := netrcFn()
		if err != nil {
			diags.AddWarning("Unreadable Netrc File",
				fmt.Sprintf("The provider could not read %s to find the Heroku API key that `heroku login` stores there: %s. "+
					"Set heroku_api_key or %s instead if Heroku objects are used.", file, err, envAPIKey))
		}
		if key != "" {
			s.apiKey, s.apiKeySource = key, "netrc"
		}
	}

	s.apiURL = pick(cfg.HerokuAPIURL.ValueString(), env(envAPIURL), defaultAPIURL)
	s.dataAPIURL = pick(cfg.HerokuDataAPIURL.ValueString(), env(envDataAPIURL), defaultDataAPIURL)
	for _, u := range []struct{ attr, env, value string }{
		{"heroku_api_url", envAPIURL, s.apiURL},
		{"heroku_data_api_url", envDataAPIURL, s.dataAPIURL},
	} {
		if err := checkBaseURL(u.value); err != nil {
			diags.AddAttributeError(path.Root(u.attr), "Invalid Heroku API URL",
				fmt.Sprintf("The value %q (from %s or the %s environment variable) is not a usable base URL: %s. "+
					"Use an absolute http or https URL such as %s.", u.value, u.attr, u.env, err, defaultAPIURL))
		}
	}
	s.apiURL = strings.TrimRight(s.apiURL, "/")
	s.dataAPIURL = strings.TrimRight(s.dataAPIURL, "/")
	return s, diags
}

func pick(values ...string) string {
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

func checkBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("the scheme must be http or https")
	}
	if u.Host == "" {
		return fmt.Errorf("the host is missing")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("a base URL takes no query or fragment")
	}
	return nil
}

// The aws block.

// awsModel is the provider's aws block. Terraform sends an absent single
// nested block as an object whose attributes are all null, so an absent
// block and an empty one mean the same: the SDK chain and the defaults.
type awsModel struct {
	Region                  types.String        `tfsdk:"region"`
	Profile                 types.String        `tfsdk:"profile"`
	MaxRetries              types.Int64         `tfsdk:"max_retries"`
	SSMPutParameterRate     types.Float64       `tfsdk:"ssm_put_parameter_rate"`
	SecretsManagerWriteRate types.Float64       `tfsdk:"secretsmanager_write_rate"`
	AssumeRole              *awsAssumeRoleModel `tfsdk:"assume_role"`
	Endpoints               *awsEndpointsModel  `tfsdk:"endpoints"`
}

type awsAssumeRoleModel struct {
	RoleARN     types.String `tfsdk:"role_arn"`
	SessionName types.String `tfsdk:"session_name"`
	ExternalID  types.String `tfsdk:"external_id"`
	Duration    types.String `tfsdk:"duration"`
}

type awsEndpointsModel struct {
	SSM            types.String `tfsdk:"ssm"`
	SecretsManager types.String `tfsdk:"secretsmanager"`
	Route53        types.String `tfsdk:"route53"`
	ECS            types.String `tfsdk:"ecs"`
	Logs           types.String `tfsdk:"logs"`
	STS            types.String `tfsdk:"sts"`
}

// awsEndpointServices lists the endpoints block: attribute, service name
// for the description, and the SDK's per-service environment variable.
var awsEndpointServices = []struct{ attr, service, env string }{
	{"ssm", "the SSM (Parameter Store) API,", "AWS_ENDPOINT_URL_SSM"},
	{"secretsmanager", "the Secrets Manager API,", "AWS_ENDPOINT_URL_SECRETS_MANAGER"},
	{"route53", "the Route 53 API,", "AWS_ENDPOINT_URL_ROUTE_53"},
	{"ecs", "the ECS API,", "AWS_ENDPOINT_URL_ECS"},
	{"logs", "the CloudWatch Logs API,", "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"},
	{"sts", "the STS API, which `assume_role` calls,", "AWS_ENDPOINT_URL_STS"},
}

const summaryInvalidAWSSetting = "Invalid AWS Setting"

// awsBlock is the schema of the aws block.
func awsBlock() schema.SingleNestedBlock {
	needsRole := []validator.String{stringvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("role_arn"))}
	endpoints := map[string]schema.Attribute{}
	for _, e := range awsEndpointServices {
		endpoints[e.attr] = schema.StringAttribute{
			MarkdownDescription: fmt.Sprintf("Base URL of %s such as a VPC endpoint or a local sandbox. "+
				"When unset, the AWS SDK uses `%s`, then `AWS_ENDPOINT_URL`, then `endpoint_url` from the AWS profile, "+
				"then the public endpoint of the region.", e.service, e.env),
			Optional: true,
		}
	}
	return schema.SingleNestedBlock{
		MarkdownDescription: "AWS access for the provider's AWS objects. Credentials come from the AWS SDK's standard " +
			"chain: `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, the shared config and credentials files (`AWS_PROFILE`), " +
			"SSO, web identity, and ECS or EC2 instance roles. Leave the block out to use that chain unchanged. " +
			"The provider only contacts AWS when an AWS object needs it, and problems loading this configuration " +
			"(such as a profile that does not exist) are reported then, so configurations that only read Heroku are " +
			"unaffected.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				MarkdownDescription: "AWS region code, such as `us-east-1`. When unset, the AWS SDK reads `AWS_REGION`, " +
					"then `AWS_DEFAULT_REGION`, then `region` from the AWS profile. One of them is required as soon " +
					"as an AWS object is used.",
				Optional: true,
			},
			"profile": schema.StringAttribute{
				MarkdownDescription: "Named profile in the shared config and credentials files (`~/.aws/config` and " +
					"`~/.aws/credentials`, or the files that `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` name). " +
					"When unset, the AWS SDK reads `AWS_PROFILE`, then `AWS_DEFAULT_PROFILE`, then uses `default`. " +
					"A profile set here is used even when `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` are set; " +
					"a profile from `AWS_PROFILE` is not: those keys take precedence over it.",
				Optional: true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a failed AWS request is retried, with jittered "+
					"exponential back-off of at most %s between attempts. Throttling errors, 5xx answers and "+
					"connection errors are retried; other errors are not. When unset, `AWS_MAX_ATTEMPTS` minus one "+
					"applies, then %d. Must be at least 1.",
					awsconfig.MaxBackoff, awsconfig.DefaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"ssm_put_parameter_rate": schema.Float64Attribute{
				MarkdownDescription: fmt.Sprintf("Maximum rate of SSM `PutParameter` calls, in calls per second, "+
					"shared by all of the provider's resources. Defaults to %g, AWS's approximate quota for a standard-throughput "+
					"account; raise it to 10 if the account has higher throughput enabled. Must be at least %g.",
					awsconfig.DefaultSSMPutParameterRate, minAWSRate),
				Optional:   true,
				Validators: []validator.Float64{float64validator.AtLeast(minAWSRate)},
			},
			"secretsmanager_write_rate": schema.Float64Attribute{
				MarkdownDescription: fmt.Sprintf("Maximum rate of Secrets Manager write calls (`CreateSecret`, "+
					"`PutSecretValue`, `UpdateSecret` and similar), in calls per second, shared by all of the "+
					"provider's resources. Defaults to %g, AWS's approximate quota. Must be at least %g.",
					awsconfig.DefaultSecretsManagerWriteRate, minAWSRate),
				Optional:   true,
				Validators: []validator.Float64{float64validator.AtLeast(minAWSRate)},
			},
		},
		Blocks: map[string]schema.Block{
			"assume_role": schema.SingleNestedBlock{
				MarkdownDescription: "Assume this IAM role with the chain's credentials and use the role's temporary " +
					"credentials for every AWS call. The role is assumed on the first AWS call, and again before the " +
					"credentials expire. Leave the block out to use the chain's credentials directly.",
				Attributes: map[string]schema.Attribute{
					"role_arn": schema.StringAttribute{
						MarkdownDescription: "ARN of the role to assume, such as " +
							"`arn:aws:iam::123456789012:role/migration`. Required when the block is used.",
						Optional: true,
					},
					"session_name": schema.StringAttribute{
						MarkdownDescription: "Role session name, which CloudTrail records as the caller: 2 to 64 " +
							"letters, digits or `+=,.@_-`. Defaults to `" + awsconfig.DefaultSessionName + "`.",
						Optional:   true,
						Validators: needsRole,
					},
					"external_id": schema.StringAttribute{
						MarkdownDescription: "External ID that the role's trust policy requires, if any.",
						Optional:            true,
						Validators:          needsRole,
					},
					"duration": schema.StringAttribute{
						MarkdownDescription: "How long the role's credentials last, as a Go duration such as `1h` or " +
							"`90m`, from `15m` to `12h` and at most the role's maximum session duration. Defaults " +
							"to `15m`; the provider renews credentials before they expire, so long operations are " +
							"unaffected.",
						Optional:   true,
						Validators: needsRole,
					},
				},
			},
			"endpoints": schema.SingleNestedBlock{
				MarkdownDescription: "Per-service base URLs that replace the SDK's endpoint resolution, for VPC " +
					"endpoints, proxies or a local sandbox. A setting here takes precedence over " +
					"`AWS_ENDPOINT_URL_<SERVICE>`, which takes precedence over `AWS_ENDPOINT_URL`.",
				Attributes: endpoints,
			},
		},
	}
}

// minAWSRate is the smallest write rate accepted: one call every 100
// seconds. The validators use it, so 0 and negative rates never reach
// awsconfig, where 0 means "default".
const minAWSRate = 0.01

// unknownPaths lists the aws attributes whose values are only known after
// apply.
func (m *awsModel) unknownPaths() []string {
	if m == nil {
		return nil
	}
	var out []string
	check := func(name string, v interface{ IsUnknown() bool }) {
		if v.IsUnknown() {
			out = append(out, name)
		}
	}
	check("aws.region", m.Region)
	check("aws.profile", m.Profile)
	check("aws.max_retries", m.MaxRetries)
	check("aws.ssm_put_parameter_rate", m.SSMPutParameterRate)
	check("aws.secretsmanager_write_rate", m.SecretsManagerWriteRate)
	if ar := m.AssumeRole; ar != nil {
		check("aws.assume_role.role_arn", ar.RoleARN)
		check("aws.assume_role.session_name", ar.SessionName)
		check("aws.assume_role.external_id", ar.ExternalID)
		check("aws.assume_role.duration", ar.Duration)
	}
	if e := m.Endpoints; e != nil {
		for _, v := range []struct {
			attr  string
			value types.String
		}{{"ssm", e.SSM}, {"secretsmanager", e.SecretsManager}, {"route53", e.Route53}, {"ecs", e.ECS}, {"logs", e.Logs}, {"sts", e.STS}} {
			check("aws.endpoints."+v.attr, v.value)
		}
	}
	return out
}

// expandAWSSettings converts a known aws block to awsconfig.Settings and
// validates them, reporting each problem on its attribute. Null values stay
// zero: the SDK chain and awsconfig's defaults fill them in. Values are not
// trimmed: a stray space is reported rather than guessed away.
func expandAWSSettings(m *awsModel) (awsconfig.Settings, diag.Diagnostics) {
	var s awsconfig.Settings
	var diags diag.Diagnostics
	if m == nil {
		return s, diags
	}
	s.Region = m.Region.ValueString()
	s.Profile = m.Profile.ValueString()
	s.MaxRetries = int(m.MaxRetries.ValueInt64())
	s.SSMPutParameterRate = m.SSMPutParameterRate.ValueFloat64()
	s.SecretsManagerWriteRate = m.SecretsManagerWriteRate.ValueFloat64()

	if ar := m.AssumeRole; ar != nil && (!ar.RoleARN.IsNull() || !ar.SessionName.IsNull() ||
		!ar.ExternalID.IsNull() || !ar.Duration.IsNull()) {
		s.AssumeRole = &awsconfig.AssumeRole{
			RoleARN:     ar.RoleARN.ValueString(),
			SessionName: ar.SessionName.ValueString(),
			ExternalID:  ar.ExternalID.ValueString(),
		}
		if raw := ar.Duration.ValueString(); raw != "" {
			d, err := time.ParseDuration(raw)
			if err != nil {
				diags.AddAttributeError(awsPath("assume_role.duration"), summaryInvalidAWSSetting,
					fmt.Sprintf("%q is not a duration. Write a number with a unit, such as 1h, 90m or 2h30m, "+
						"from 15m to 12h.", raw))
			}
			s.AssumeRole.Duration = d
		}
	}
	if e := m.Endpoints; e != nil {
		s.Endpoints = awsconfig.Endpoints{
			SSM:            e.SSM.ValueString(),
			SecretsManager: e.SecretsManager.ValueString(),
			Route53:        e.Route53.ValueString(),
			ECS:            e.ECS.ValueString(),
			Logs:           e.Logs.ValueString(),
			STS:            e.STS.ValueString(),
		}
	}

	for _, fe := range awsconfig.FieldErrors(s.Validate()) {
		diags.AddAttributeError(awsPath(fe.Field), summaryInvalidAWSSetting,
			"The aws."+fe.Field+" setting is not valid: "+fe.Problem)
	}
	return s, diags
}

// awsPath turns awsconfig's dotted field name, such as
// "assume_role.role_arn", into the attribute path inside the aws block.
func awsPath(field string) path.Path {
	p := path.Root("aws")
	for _, name := range strings.Split(field, ".") {
		p = p.AtName(name)
	}
	return p
}
