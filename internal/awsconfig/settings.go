// Package awsconfig builds the aws.Config and the service clients that the
// provider's AWS objects use, from the provider's aws settings on top of the
// AWS SDK's standard chain (environment variables, shared config and
// credentials files, SSO, IMDS).
//
// Nothing in this package talks to AWS while loading: credentials are
// resolved lazily, on the first request that needs them, so a provider whose
// configuration uses no AWS object never contacts AWS.
package awsconfig

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// Defaults for the zero values of Settings.
const (
	// DefaultMaxRetries is how many times a failed request is retried, so a
	// request is attempted at most DefaultMaxRetries+1 times. The SDK's own
	// default (3 attempts) gives up too soon for bulk writes at a throttled
	// quota, such as hundreds of SSM PutParameter calls.
	DefaultMaxRetries = 10
	// MaxBackoff caps the jittered exponential back-off between attempts.
	MaxBackoff = 20 * time.Second

	// DefaultSSMPutParameterRate is the approximate PutParameter quota of a
	// standard-throughput account, in calls per second. Accounts with higher
	// throughput enabled get about 10.
	DefaultSSMPutParameterRate = 3.0
	// DefaultSecretsManagerWriteRate is the approximate quota shared by
	// PutSecretValue, UpdateSecret and related calls, in calls per second.
	DefaultSecretsManagerWriteRate = 50.0

	// DefaultSessionName is the role session name for assume role, which
	// CloudTrail records as the caller.
	DefaultSessionName = "terraform-provider-heroku2aws"
	// MinAssumeRoleDuration and MaxAssumeRoleDuration bound
	// AssumeRole.Duration (STS DurationSeconds); the maximum also depends on
	// the role's own maximum session duration setting.
	MinAssumeRoleDuration = 15 * time.Minute
	MaxAssumeRoleDuration = 12 * time.Hour
)

// Settings are the provider's AWS settings. Zero values mean "not set": the
// SDK's standard chain or the defaults above apply.
type Settings struct {
	// Region overrides AWS_REGION / AWS_DEFAULT_REGION and the profile's region.
	Region string
	// Profile overrides AWS_PROFILE / AWS_DEFAULT_PROFILE. Unlike
	// AWS_PROFILE, a profile set here also takes precedence over keys in
	// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (the SDK's rule for a
	// profile chosen in code).
	Profile string
	// AssumeRole, when set, makes every client use temporary credentials of
	// that role, obtained with the credentials of the standard chain.
	AssumeRole *AssumeRole
	// Endpoints are per-service base URLs that override the SDK's endpoint
	// resolution (see Endpoints for the precedence).
	Endpoints Endpoints
	// MaxRetries is how many times a failed request is retried; 0 means
	// AWS_MAX_ATTEMPTS minus one when that is set, else DefaultMaxRetries.
	// AWS_RETRY_MODE is not used: the retryer is always the standard one
	// without a retry quota (see Load).
	MaxRetries int

	// Write quotas for client-side pacing (internal/secretimport), in calls
	// per second; 0 means the default.
	SSMPutParameterRate     float64
	SecretsManagerWriteRate float64

	// ProviderVersion goes into the User-Agent of every request as
	// "terraform-provider-heroku2aws/<ProviderVersion>"; empty means "dev".
	ProviderVersion string
}

// AssumeRole configures sts:AssumeRole.
type AssumeRole struct {
	RoleARN string
	// SessionName defaults to DefaultSessionName.
	SessionName string
	// ExternalID is sent when not empty.
	ExternalID string
	// Duration is the session length; 0 means STS's default of 15 minutes.
	// Credentials are refreshed before they expire.
	Duration time.Duration
}

// Endpoints are per-service base URLs, such as a local sandbox or a VPC
// endpoint. An empty field leaves the SDK's resolution in place. For each
// service the first of these wins:
//
//  1. the field here (the provider's endpoints block);
//  2. AWS_ENDPOINT_URL_<SERVICE> (AWS_ENDPOINT_URL_SSM,
//     AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL_ROUTE_53,
//     AWS_ENDPOINT_URL_ECS, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS,
//     AWS_ENDPOINT_URL_STS);
//  3. AWS_ENDPOINT_URL;
//  4. endpoint_url in the profile's services section, then the profile's
//     own endpoint_url;
//  5. the service's public endpoint for the region.
//
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true turns off 2 to 4, not 1.
type Endpoints struct {
	SSM, SecretsManager, Route53, ECS, Logs, STS string
}

// WithDefaults returns s with the zero-valued quotas and retry count
// replaced by their defaults, as Load applies them.
func (s Settings) WithDefaults() Settings {
	if s.MaxRetries == 0 {
		s.MaxRetries = DefaultMaxRetries
	}
	if s.SSMPutParameterRate == 0 {
		s.SSMPutParameterRate = DefaultSSMPutParameterRate
	}
	if s.SecretsManagerWriteRate == 0 {
		s.SecretsManagerWriteRate = DefaultSecretsManagerWriteRate
	}
	return s
}

// FieldError is one invalid setting. Field names it the way the provider's
// aws block spells it, dotted for nested blocks ("assume_role.role_arn"), so
// that the provider can point at the attribute.
type FieldError struct {
	Field string
	// Problem says what is wrong and how to fix it, in full sentences.
	Problem string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Problem }

// FieldErrors returns the FieldErrors inside an error from Validate.
func FieldErrors(err error) []*FieldError {
	var out []*FieldError
	var walk func(error)
	walk = func(err error) {
		if fe, ok := err.(*FieldError); ok {
			out = append(out, fe)
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		if e := errors.Unwrap(err); e != nil {
			walk(e)
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}

var (
	// regionPattern is the SDK's rule for a region (a valid host label),
	// lower case: it catches "US East", "us-east-1 " and similar slips.
	regionPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	// STS's patterns for RoleSessionName and ExternalId.
	sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
	externalIDPattern  = regexp.MustCompile(`^[\w+=,.@:/-]+$`) // and 2 to 1224 long
	accountIDPattern   = regexp.MustCompile(`^\d{12}$`)
)

// Validate checks the shape of every setting without contacting AWS. The
// error joins one *FieldError per problem (see FieldErrors).
func (s Settings) Validate() error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Field: field, Problem: fmt.Sprintf(format, args...)})
	}

	if s.Region != "" && !regionPattern.MatchString(s.Region) {
		add("region", "%q is not an AWS region code. Use a code such as us-east-1 or eu-west-2.", s.Region)
	}
	if s.Profile != "" && strings.TrimSpace(s.Profile) != s.Profile {
		add("profile", "%q has leading or trailing white space. Remove it: profile names are matched exactly.", s.Profile)
	}
	if s.MaxRetries < 0 {
		add("max_retries", "%d is negative. Use a positive number of retries, such as %d.", s.MaxRetries, DefaultMaxRetries)
	}
	for _, r := range []struct {
		field string
		value float64
		def   float64
	}{
		{"ssm_put_parameter_rate", s.SSMPutParameterRate, DefaultSSMPutParameterRate},
		{"secretsmanager_write_rate", s.SecretsManagerWriteRate, DefaultSecretsManagerWriteRate},
	} {
		if math.IsNaN(r.value) || math.IsInf(r.value, 0) || r.value < 0 {
			add(r.field, "%v is not a usable rate. Use a positive number of calls per second, such as %g.", r.value, r.def)
		}
	}

	if ar := s.AssumeRole; ar != nil {
		if ar.RoleARN == "" {
			add("assume_role.role_arn", "The role ARN is missing. Set role_arn to the ARN of the IAM role to assume, "+
				"such as arn:aws:iam::123456789012:role/migration, or remove the assume_role block.")
		} else if err := checkRoleARN(ar.RoleARN); err != nil {
			add("assume_role.role_arn", "%q is not an IAM role ARN: %s. Use the form arn:aws:iam::123456789012:role/NAME.",
				ar.RoleARN, err)
		}
		if ar.SessionName != "" && !sessionNamePattern.MatchString(ar.SessionName) {
			add("assume_role.session_name", "%q is not a valid role session name. Use 2 to 64 letters, digits or "+
				"the characters +=,.@_-.", ar.SessionName)
		}
		if n := len(ar.ExternalID); n != 0 && (n < 2 || n > 1224 || !externalIDPattern.MatchString(ar.ExternalID)) {
			add("assume_role.external_id", "The external ID is not valid. Use 2 to 1224 letters, digits or "+
				"the characters +=,.@:/_-.")
		}
		if ar.Duration != 0 && (ar.Duration < MinAssumeRoleDuration || ar.Duration > MaxAssumeRoleDuration) {
			add("assume_role.duration", "%s is outside what STS allows. Use a duration from 15m to 12h (the role's "+
				"maximum session duration may be lower), such as 1h.", ar.Duration)
		}
	}

	for _, e := range []struct{ field, value string }{
		{"endpoints.ssm", s.Endpoints.SSM},
		{"endpoints.secretsmanager", s.Endpoints.SecretsManager},
		{"endpoints.route53", s.Endpoints.Route53},
		{"endpoints.ecs", s.Endpoints.ECS},
		{"endpoints.logs", s.Endpoints.Logs},
		{"endpoints.sts", s.Endpoints.STS},
	} {
		if e.value == "" {
			continue
		}
		if err := checkEndpoint(e.value); err != nil {
			add(e.field, "%q is not a usable endpoint URL: %s. Use an absolute http or https URL such as "+
				"https://ssm.us-east-1.amazonaws.com or http://127.0.0.1:8766.", e.value, err)
		}
	}
	return errors.Join(errs...)
}

func checkRoleARN(raw string) error {
	a, err := arn.Parse(raw)
	if err != nil {
		return errors.New("it does not have the six colon-separated parts of an ARN")
	}
	switch {
	case a.Service != "iam":
		return fmt.Errorf("the service is %q, not iam", a.Service)
	case !accountIDPattern.MatchString(a.AccountID):
		return errors.New("the account ID must be 12 digits")
	case !strings.HasPrefix(a.Resource, "role/") || len(a.Resource) == len("role/"):
		return errors.New("the resource must be role/ followed by the role name")
	}
	return nil
}

func checkEndpoint(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("it does not parse as a URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return errors.New("the scheme must be http or https")
	}
	if u.Host == "" {
		return errors.New("the host is missing")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return errors.New("an endpoint takes no query or fragment")
	}
	return nil
}
