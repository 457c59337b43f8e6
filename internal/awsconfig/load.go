package awsconfig

import (
	"cmp"
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
)

// userAgentProduct is the product name in the User-Agent of every request.
const userAgentProduct = "terraform-provider-heroku2aws"

// credentialsExpiryWindow refreshes assumed-role credentials this long
// before they expire, so that a request signed just before expiry does not
// reach AWS after it.
const credentialsExpiryWindow = time.Minute

// ErrNoRegion is returned by Load when neither the settings nor the SDK's
// chain name a region. Every client this provider uses needs one.
var ErrNoRegion = errors.New("no AWS region is configured")

// Load returns the aws.Config for s on top of the SDK's standard chain
// (config.LoadDefaultConfig): environment variables, the shared config and
// credentials files, SSO, IMDS and container credentials, AWS_ENDPOINT_URL
// and AWS_ENDPOINT_URL_<SERVICE>. Region and Profile, when set, override
// AWS_REGION and AWS_PROFILE.
//
// Load makes no network call. Credentials, including assumed-role ones, are
// fetched on the first request that needs them and cached until they
// expire. Load fails on invalid settings (see Validate), on files or a
// profile that the SDK cannot load, and when no region is configured
// (ErrNoRegion).
func Load(ctx context.Context, s Settings) (aws.Config, error) {
	if err := s.Validate(); err != nil {
		return aws.Config{}, err
	}

	// A custom retryer makes the SDK ignore AWS_MAX_ATTEMPTS and
	// AWS_RETRY_MODE, so the former is read here: the setting wins, then
	// the variable, then the default. (max_attempts in a shared config
	// profile is not read.)
	maxAttempts := DefaultMaxRetries + 1
	if s.MaxRetries > 0 {
		maxAttempts = s.MaxRetries + 1
	} else if env, err := config.NewEnvConfig(); err == nil && env.RetryMaxAttempts > 0 {
		maxAttempts = env.RetryMaxAttempts // a malformed value fails LoadDefaultConfig below
	}
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer { return newRetryer(maxAttempts) }),
		config.WithAPIOptions([]func(*middleware.Stack) error{
			awsmiddleware.AddUserAgentKeyValue(userAgentProduct, cmp.Or(s.ProviderVersion, "dev")),
		}),
		// When the user opts into AWS_DEFAULTS_MODE=auto, the SDK asks IMDS
		// for the region while loading. A disabled IMDS client keeps Load
		// free of network calls; auto mode then decides from AWS_REGION and
		// AWS_EXECUTION_ENV alone. The empty mode leaves the user's choice.
		config.WithDefaultsMode("", func(o *config.DefaultsModeOptions) {
			o.IMDSClient = imds.New(imds.Options{ClientEnableState: imds.ClientDisabled})
		}),
	}
	if s.Region != "" {
		opts = append(opts, config.WithRegion(s.Region))
	}
	if s.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(s.Profile))
	}

	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, err
	}
	if cfg.Region == "" {
		return aws.Config{}, ErrNoRegion
	}

	if ar := s.AssumeRole; ar != nil {
		// The STS client signs AssumeRole with the chain's credentials;
		// every other client then uses the role's.
		client := sts.NewFromConfig(cfg, STSOptions(s))
		provider := stscreds.NewAssumeRoleProvider(client, ar.RoleARN, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = cmp.Or(ar.SessionName, DefaultSessionName)
			if ar.ExternalID != "" {
				o.ExternalID = aws.String(ar.ExternalID)
			}
			if ar.Duration != 0 {
				o.Duration = ar.Duration
			}
		})
		cfg.Credentials = aws.NewCredentialsCache(provider, func(o *aws.CredentialsCacheOptions) {
			o.ExpiryWindow = credentialsExpiryWindow
		})
	}
	return cfg, nil
}

// newRetryer is the SDK's standard retryer (exponential back-off with full
// jitter, capped at MaxBackoff) without its client-side retry quota.
//
// That quota is a token bucket of 500 shared by every request of a client:
// each retry takes 5 tokens and only a first-attempt success gives one back.
// Under sustained throttling, such as hundreds of PutParameter calls against
// SSM's few-per-second quota, the bucket drains after about 100 retries and
// every later request fails at once with "retry quota exceeded", however
// many attempts it has left. We pace writes ourselves
// (internal/secretimport), so throttling is the expected steady state for a
// bulk import, and a retry should wait, not fail.
func newRetryer(maxAttempts int) aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = maxAttempts
		o.MaxBackoff = MaxBackoff
		o.RateLimiter = ratelimit.None
	})
}

// Clients are the service clients of the provider's AWS objects, all built
// from one aws.Config.
type Clients struct {
	SSM            *ssm.Client
	SecretsManager *secretsmanager.Client
	Route53        *route53.Client
	// ECS and Logs run and watch the Fargate task of the pg restore job's
	// "ecs" executor.
	ECS  *ecs.Client
	Logs *cloudwatchlogs.Client
}

// NewClients builds the service clients for cfg (from Load) and s. It makes
// no network call.
func NewClients(cfg aws.Config, s Settings) *Clients {
	return &Clients{
		SSM:            ssm.NewFromConfig(cfg, SSMOptions(s)),
		SecretsManager: secretsmanager.NewFromConfig(cfg, SecretsManagerOptions(s)),
		Route53:        route53.NewFromConfig(cfg, Route53Options(s)),
		ECS:            ecs.NewFromConfig(cfg, ECSOptions(s)),
		Logs:           cloudwatchlogs.NewFromConfig(cfg, LogsOptions(s)),
	}
}

// ECSOptions applies Settings.Endpoints.ECS to an ECS client.
func ECSOptions(s Settings) func(*ecs.Options) {
	return func(o *ecs.Options) { setBaseEndpoint(&o.BaseEndpoint, s.Endpoints.ECS) }
}

// LogsOptions applies Settings.Endpoints.Logs to a CloudWatch Logs client.
func LogsOptions(s Settings) func(*cloudwatchlogs.Options) {
	return func(o *cloudwatchlogs.Options) { setBaseEndpoint(&o.BaseEndpoint, s.Endpoints.Logs) }
}

// Route53Options applies Settings.Endpoints.Route53 to a Route 53 client.
// Route 53 is a global service: the SDK signs for us-east-1 whatever the
// configured region.
func Route53Options(s Settings) func(*route53.Options) {
	return func(o *route53.Options) { setBaseEndpoint(&o.BaseEndpoint, s.Endpoints.Route53) }
}

// SSMOptions applies Settings.Endpoints.SSM to an SSM client. Without it the
// SDK's resolution applies (see Endpoints).
func SSMOptions(s Settings) func(*ssm.Options) {
	return func(o *ssm.Options) { setBaseEndpoint(&o.BaseEndpoint, s.Endpoints.SSM) }
}

// SecretsManagerOptions applies Settings.Endpoints.SecretsManager to a
// Secrets Manager client.
func SecretsManagerOptions(s Settings) func(*secretsmanager.Options) {
	return func(o *secretsmanager.Options) { setBaseEndpoint(&o.BaseEndpoint, s.Endpoints.SecretsManager) }
}

// STSOptions applies Settings.Endpoints.STS to an STS client, such as the
// one that assumes the role.
func STSOptions(s Settings) func(*sts.Options) {
	return func(o *sts.Options) { setBaseEndpoint(&o.BaseEndpoint, s.Endpoints.STS) }
}

func setBaseEndpoint(dst **string, endpoint string) {
	if endpoint != "" {
		*dst = aws.String(endpoint)
	}
}
