package provider

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

func TestResolveSettingsPrecedence(t *testing.T) {
	t.Parallel()
	env := map[string]string{envAPIKey: "env-key", envAPIURL: "http://127.0.0.1:1/", envDataAPIURL: ""}
	lookup := func(k string) string { return env[k] }
	noNetrc := func() (string, string, error) { return "", "", nil }
	netrcKey := func() (string, string, error) { return "netrc-key", "/home/u/.netrc", nil }

	s, diags := resolveSettings(providerModel{HerokuAPIKey: types.StringValue("cfg-key")}, lookup, netrcKey)
	if diags.HasError() || s.apiKey != "cfg-key" || s.apiKeySource != "config" {
		t.Fatalf("config should win: %+v %v", s, diags)
	}
	if s.apiURL != "http://127.0.0.1:1" || s.dataAPIURL != defaultDataAPIURL {
		t.Fatalf("urls: %+v", s)
	}
	s, _ = resolveSettings(providerModel{}, lookup, netrcKey)
	if s.apiKey != "env-key" || s.apiKeySource != "env" {
		t.Fatalf("env should beat netrc: %+v", s)
	}
	env[envAPIKey] = ""
	s, _ = resolveSettings(providerModel{}, lookup, netrcKey)
	if s.apiKey != "netrc-key" || s.apiKeySource != "netrc" {
		t.Fatalf("netrc fallback: %+v", s)
	}
	s, diags = resolveSettings(providerModel{}, lookup, noNetrc)
	if s.apiKey != "" || diags.HasError() {
		t.Fatalf("a missing key is not a configure error: %+v %v", s, diags)
	}
	_, diags = resolveSettings(providerModel{}, lookup, func() (string, string, error) {
		return "", "/home/u/.netrc", errors.New("permission denied")
	})
	if diags.WarningsCount() != 1 || diags.HasError() {
		t.Fatalf("unreadable netrc should warn: %v", diags)
	}
}

func TestResolveSettingsRejectsBadURLs(t *testing.T) {
	t.Parallel()
	none := func(string) string { return "" }
	noNetrc := func() (string, string, error) { return "", "", nil }
	for _, bad := range []string{"api.heroku.com", "ftp://api.heroku.com", "https://", "https://x/?a=b", "::"} {
		_, diags := resolveSettings(providerModel{HerokuAPIURL: types.StringValue(bad)}, none, noNetrc)
		if !diags.HasError() {
			t.Errorf("%q accepted", bad)
			continue
		}
		d := diags.Errors()[0]
		if d.Summary() != "Invalid Heroku API URL" || !strings.Contains(d.Detail(), "heroku_api_url") {
			t.Errorf("%q: unclear diagnostic %q / %q", bad, d.Summary(), d.Detail())
		}
	}
}

// The environment fallbacks, end to end. These tests change the process
// environment, so they do not run in parallel.
func TestAccProvider_environment(t *testing.T) {
	_, url := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	t.Setenv(envAPIURL, url)
	t.Setenv(envAPIKey, testAPIKey)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: `
provider "heroku2aws" {}
data "heroku2aws_app" "x" { name = "acme-api" }
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.heroku2aws_app.x", tfjsonpath.New("name"), knownvalue.StringExact("acme-api")),
			},
		}},
	})
}

func TestAccProvider_netrc(t *testing.T) {
	_, url := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	netrcFile := filepath.Join(t.TempDir(), ".netrc")
	if err := os.WriteFile(netrcFile, []byte("machine api.heroku.com\n  login me@example.com\n  password "+testAPIKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(envAPIURL, url)
	t.Setenv(envAPIKey, "")
	t.Setenv("NETRC", netrcFile)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: `data "heroku2aws_app" "x" { name = "acme-api" }`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.heroku2aws_app.x", tfjsonpath.New("region"), knownvalue.StringExact("us")),
			},
		}},
	})
}

func TestAccProvider_missingKey(t *testing.T) {
	sandbox, url := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	t.Setenv(envAPIURL, url)
	t.Setenv(envAPIKey, "")
	t.Setenv("NETRC", filepath.Join(t.TempDir(), "absent"))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config:      `data "heroku2aws_formation" "x" { app = "acme-api" }`,
			ExpectError: regexp.MustCompile(`(?s)Missing Heroku API Key.*HEROKU_API_KEY`),
		}},
	})
	if n := len(sandbox.Requests()); n != 0 {
		t.Fatalf("no request should be sent without a key, sandbox saw %d", n)
	}
}

// TestUnknownSettingsSorted configures the provider with every Heroku
// setting unknown: the "Unknown Provider Setting" errors come in the
// attributes' sorted order, every time (they once followed map order).
func TestUnknownSettingsSorted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := &heroku2awsProvider{version: "test"}
	var schemaResp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &schemaResp)
	objType, ok := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("the provider schema is not an object")
	}
	values := map[string]tftypes.Value{}
	for name, typ := range objType.AttributeTypes {
		values[name] = tftypes.NewValue(typ, nil)
	}
	want := []string{"heroku_api_key", "heroku_api_url", "heroku_data_api_url"}
	for _, name := range want {
		values[name] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	}
	config := tfsdk.Config{Raw: tftypes.NewValue(objType, values), Schema: schemaResp.Schema}
	for range 20 {
		var resp provider.ConfigureResponse
		p.Configure(ctx, provider.ConfigureRequest{Config: config}, &resp)
		var got []string
		for _, d := range resp.Diagnostics {
			withPath, ok := d.(diag.DiagnosticWithPath)
			if !ok || d.Summary() != "Unknown Provider Setting" {
				t.Fatalf("unexpected diagnostic %q: %s", d.Summary(), d.Detail())
			}
			got = append(got, withPath.Path().String())
		}
		if !slices.Equal(got, want) {
			t.Fatalf("Unknown Provider Setting errors at %v, want %v", got, want)
		}
	}
}
