package provider

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/pgrestore"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

// This file holds what the provider's tests share: the in-process
// provider factories, the Heroku and AWS sandbox starters and the provider
// blocks that point at them, the test fixtures, and small generic helpers.
// The real-CLI workspace is in cli_workspace_test.go, the checks of what
// exists in the sandboxes in sandbox_check_test.go, and the PostgreSQL and
// ECS plumbing of the restore tests in restore_helpers_test.go.

// TestMain sets the AWS environment of the in-process providers and removes
// the provider binary that cli_workspace_test.go builds.
func TestMain(m *testing.M) {
	// Every in-process provider reaches the AWS sandboxes with the same
	// static credentials, and never looks for real ones. Set once, before any
	// test runs, so that parallel tests share them safely.
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": sandboxAWSKey, "AWS_SECRET_ACCESS_KEY": "sandbox-secret", "AWS_REGION": "us-east-1",
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_PROFILE": "", "AWS_SESSION_TOKEN": "", "AWS_ENDPOINT_URL": "",
	} {
		if v == "" {
			_ = os.Unsetenv(k)
		} else {
			_ = os.Setenv(k, v)
		}
	}
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

const testAPIKey = "sandbox-test-key-0123456789"

// factories returns provider factories whose Heroku client retries fast, so
// fault tests take milliseconds. tweak, when set, adjusts it further.
func factories(tweak func(*heroku.Config)) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"heroku2aws": providerserver.NewProtocol6WithError(&heroku2awsProvider{
			version:      "test",
			tweakRestore: func(c *pgrestore.LocalConfig) { c.PollInterval = 50 * time.Millisecond },
			tweakHeroku: func(c *heroku.Config) {
				c.Retry = heroku.Retry{MaxAttempts: 4, BaseDelay: 5 * time.Millisecond, MaxDelay: 50 * time.Millisecond}
				if tweak != nil {
					tweak(c)
				}
			},
		}),
	}
}

// startSandbox serves f on loopback for the test's lifetime. It accepts
// testAPIKey only.
func startSandbox(t *testing.T, f *herokuapi.Fixture, opts herokuapi.Options) (*herokuapi.Server, string) {
	t.Helper()
	f.APIKey = testAPIKey
	return herokuapi.Start(t, f, opts)
}

// sampleFixture is the fixture that ships with the sandbox and drives
// `make demo`.
func sampleFixture(t testing.TB) *herokuapi.Fixture {
	t.Helper()
	f, err := herokuapi.LoadFixtureFile("../sandbox/herokuapi/testdata/sample.json")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// providerBlock configures the provider for a sandbox explicitly, so tests
// do not depend on the environment and can run in parallel.
func providerBlock(url, key string) string {
	return fmt.Sprintf(`
provider "heroku2aws" {
  heroku_api_url      = %q
  heroku_data_api_url = %q
  heroku_api_key      = %q
}
`, url, url, key)
}

func strPtr(s string) *string { return &s }

// AWS sandboxes.

// sandboxAWSKey is the access key the in-process providers and the tests'
// own SDK calls use against the AWS sandbox.
const sandboxAWSKey = "AKIASANDBOXTESTKEY00"

// awsSandbox starts an AWS sandbox for one test.
func awsSandbox(t *testing.T, opts awsapi.Options) (*awsapi.Server, string) {
	t.Helper()
	return awsapi.Start(t, opts)
}

// awsProviderBlock configures the provider for a Heroku and an AWS sandbox.
func awsProviderBlock(herokuURL, awsURL string, extra string) string {
	return fmt.Sprintf(`
provider "heroku2aws" {
  heroku_api_url = %q
  heroku_api_key = %q
  aws {
    region = "us-east-1"
    %s
    endpoints {
      ssm            = %q
      secretsmanager = %q
    }
  }
}
`, herokuURL, testAPIKey, extra, awsURL, awsURL)
}

// sdkConfig is an aws.Config for the test's own SDK calls to the sandbox
// (the out-of-band changes and the destroy checks).
func sdkConfig() aws.Config {
	return aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(sandboxAWSKey, "sandbox-secret", ""),
	}
}

func ssmClient(url string) *ssm.Client {
	return ssm.NewFromConfig(sdkConfig(), func(o *ssm.Options) { o.BaseEndpoint = aws.String(url) })
}

func smClient(url string) *secretsmanager.Client {
	return secretsmanager.NewFromConfig(sdkConfig(), func(o *secretsmanager.Options) { o.BaseEndpoint = aws.String(url) })
}

func hclMap(values map[string]string) string {
	var b strings.Builder
	b.WriteString("{\n")
	for _, k := range slices.Sorted(maps.Keys(values)) {
		fmt.Fprintf(&b, "    %s = %q\n", k, values[k])
	}
	b.WriteString("  }")
	return b.String()
}

// dnsProviderBlock points the provider's Route 53 client at the sandbox.
func dnsProviderBlock(herokuURL, awsURL string) string {
	return fmt.Sprintf(`
provider "heroku2aws" {
  heroku_api_url = %q
  heroku_api_key = %q
  aws {
    region = "us-east-1"
    endpoints {
      route53 = %q
    }
  }
}
`, herokuURL, testAPIKey, awsURL)
}

func pairConfig(zoneID string, heroku, aws int, extra string) string {
	return fmt.Sprintf(`
resource "heroku2aws_weighted_dns_record" "api" {
  zone_id = %q
  name    = "api.acme.com"
  ttl     = 60
  heroku {
    target = %q
    weight = %d
  }
  aws {
    target = %q
    weight = %d
  }
  %s
}
`, zoneID, herokuTarget, heroku, albTarget, aws, extra)
}

// Generic helpers.

// requireAcc skips tests that start PostgreSQL clusters unless TF_ACC is
// set, before they spend time on the clusters.
func requireAcc(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// Fixtures.

// specialValues are config var values that shells, HCL and JSON each get
// wrong in their own way; they must round-trip byte for byte.
var specialValues = map[string]*string{
	"PEM_KEY":      strPtr("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nTnFh==\n-----END PRIVATE KEY-----\n"),
	"UNICODE":      strPtr("héllo wörld ✓ 日本語 🚀"),
	"EQUALS":       strPtr("a=b==c="),
	"EMPTY":        strPtr(""),
	"NULLED":       nil,
	"QUOTES":       strPtr(`"double" 'single' \back $HOME ${interp} %{x}`),
	"SPACES":       strPtr("  leading and trailing  \t"),
	"DATABASE_URL": strPtr("postgres://u:p@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d1"),
	"FOLLOWER_URL": strPtr("postgres://u:p@ec2-5-6-7-8.compute-1.amazonaws.com:5432/d1"),
}

func specialValuesFixture() *herokuapi.Fixture {
	return &herokuapi.Fixture{Apps: []herokuapi.App{{
		Name:       "values",
		ConfigVars: specialValues,
		Addons: []herokuapi.Addon{{
			Name: "postgresql-shaped-12345", Plan: "heroku-postgresql:standard-0", ConfigVars: []string{"DATABASE_URL"},
			Attachments: []herokuapi.Attachment{{Name: "DATABASE"}, {Name: "FOLLOWER"}},
		}},
	}}}
}

// expectedValues is specialValues as Terraform sees them: null becomes "".
func expectedValues() map[string]knownvalue.Check {
	out := map[string]knownvalue.Check{}
	for k, v := range specialValues {
		s := ""
		if v != nil {
			s = *v
		}
		out[k] = knownvalue.StringExact(s)
	}
	return out
}

func stringList(values ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(values))
	for _, v := range values {
		checks = append(checks, knownvalue.StringExact(v))
	}
	return knownvalue.ListExact(checks)
}
