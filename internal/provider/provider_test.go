package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/pgrestore"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

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
