package provider

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/awsconfig"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
)

const testRoleARN = "arn:aws:iam::123456789012:role/migration"

// nullAWSModel is what Terraform sends for an absent aws block: an object
// whose attributes and nested blocks hold nulls.
func nullAWSModel() *awsModel {
	return &awsModel{
		Region: types.StringNull(), Profile: types.StringNull(), MaxRetries: types.Int64Null(),
		SSMPutParameterRate: types.Float64Null(), SecretsManagerWriteRate: types.Float64Null(),
		AssumeRole: &awsAssumeRoleModel{
			RoleARN: types.StringNull(), SessionName: types.StringNull(), ExternalID: types.StringNull(), Duration: types.StringNull(),
		},
		Endpoints: &awsEndpointsModel{
			SSM: types.StringNull(), SecretsManager: types.StringNull(), Route53: types.StringNull(),
			ECS: types.StringNull(), Logs: types.StringNull(), STS: types.StringNull(),
		},
	}
}

func TestResolveAWSSettingsAbsentBlock(t *testing.T) {
	t.Parallel()
	for name, m := range map[string]*awsModel{"nil": nil, "all null": nullAWSModel(), "nil nested": {}} {
		s, diags := expandAWSSettings(m)
		if diags.HasError() || s != (awsconfig.Settings{}) {
			t.Errorf("%s: an absent block means the SDK chain and defaults, got %+v %v", name, s, diags)
		}
	}
}

func TestResolveAWSSettingsFullBlock(t *testing.T) {
	t.Parallel()
	m := nullAWSModel()
	m.Region = types.StringValue("eu-west-2")
	m.Profile = types.StringValue("migration")
	m.MaxRetries = types.Int64Value(25)
	m.SSMPutParameterRate = types.Float64Value(10)
	m.SecretsManagerWriteRate = types.Float64Value(20)
	m.AssumeRole.RoleARN = types.StringValue(testRoleARN)
	m.AssumeRole.SessionName = types.StringValue("ci")
	m.AssumeRole.ExternalID = types.StringValue("ext-123")
	m.AssumeRole.Duration = types.StringValue("1h30m")
	m.Endpoints.SSM = types.StringValue("http://127.0.0.1:8766")
	m.Endpoints.SecretsManager = types.StringValue("http://127.0.0.1:8767")
	m.Endpoints.Route53 = types.StringValue("http://127.0.0.1:8768")
	m.Endpoints.ECS = types.StringValue("http://127.0.0.1:8769")
	m.Endpoints.Logs = types.StringValue("http://127.0.0.1:8770")
	m.Endpoints.STS = types.StringValue("http://127.0.0.1:8771")

	s, diags := expandAWSSettings(m)
	if diags.HasError() {
		t.Fatal(diags)
	}
	want := awsconfig.Settings{
		Region: "eu-west-2", Profile: "migration", MaxRetries: 25, SSMPutParameterRate: 10, SecretsManagerWriteRate: 20,
		Endpoints: awsconfig.Endpoints{
			SSM: "http://127.0.0.1:8766", SecretsManager: "http://127.0.0.1:8767", Route53: "http://127.0.0.1:8768",
			ECS: "http://127.0.0.1:8769", Logs: "http://127.0.0.1:8770", STS: "http://127.0.0.1:8771",
		},
	}
	ar := s.AssumeRole
	s.AssumeRole = nil
	if s != want {
		t.Errorf("got %+v\nwant %+v", s, want)
	}
	if ar == nil || *ar != (awsconfig.AssumeRole{RoleARN: testRoleARN, SessionName: "ci", ExternalID: "ext-123", Duration: 90 * time.Minute}) {
		t.Errorf("assume role: %+v", ar)
	}
}

func TestResolveAWSSettingsDiagnostics(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		edit   func(*awsModel)
		path   path.Path
		detail string
	}{
		{"role arn", func(m *awsModel) { m.AssumeRole.RoleARN = types.StringValue("migration") },
			path.Root("aws").AtName("assume_role").AtName("role_arn"), "arn:aws:iam::123456789012:role/NAME"},
		{"role arn missing", func(m *awsModel) { m.AssumeRole.ExternalID = types.StringValue("ext-123") },
			path.Root("aws").AtName("assume_role").AtName("role_arn"), "Set role_arn"},
		{"duration syntax", func(m *awsModel) {
			m.AssumeRole.RoleARN = types.StringValue(testRoleARN)
			m.AssumeRole.Duration = types.StringValue("1 hour")
		}, path.Root("aws").AtName("assume_role").AtName("duration"), "such as 1h"},
		{"duration range", func(m *awsModel) {
			m.AssumeRole.RoleARN = types.StringValue(testRoleARN)
			m.AssumeRole.Duration = types.StringValue("24h")
		}, path.Root("aws").AtName("assume_role").AtName("duration"), "15m to 12h"},
		{"session name", func(m *awsModel) {
			m.AssumeRole.RoleARN = types.StringValue(testRoleARN)
			m.AssumeRole.SessionName = types.StringValue("my session")
		}, path.Root("aws").AtName("assume_role").AtName("session_name"), "2 to 64"},
		{"region", func(m *awsModel) { m.Region = types.StringValue("US East") },
			path.Root("aws").AtName("region"), "us-east-1"},
		{"profile", func(m *awsModel) { m.Profile = types.StringValue("migration ") },
			path.Root("aws").AtName("profile"), "white space"},
		{"endpoint", func(m *awsModel) { m.Endpoints.SecretsManager = types.StringValue("localhost:4566") },
			path.Root("aws").AtName("endpoints").AtName("secretsmanager"), "http or https"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := nullAWSModel()
			tc.edit(m)
			_, diags := expandAWSSettings(m)
			if diags.ErrorsCount() != 1 {
				t.Fatalf("want one error, got %v", diags)
			}
			d := diags.Errors()[0]
			withPath, ok := d.(diag.DiagnosticWithPath)
			if !ok || !withPath.Path().Equal(tc.path) {
				t.Errorf("error not on %s: %v", tc.path, d)
			}
			if d.Summary() != summaryInvalidAWSSetting || !strings.Contains(d.Detail(), tc.detail) {
				t.Errorf("unclear diagnostic %q / %q", d.Summary(), d.Detail())
			}
		})
	}
}

func TestAWSUnknownSettingsAreDeferred(t *testing.T) {
	t.Parallel()
	m := nullAWSModel()
	m.AssumeRole.RoleARN = types.StringUnknown()
	var diags diag.Diagnostics
	a := (&heroku2awsProvider{}).configureAWS(t.Context(), m, &diags)
	if diags.HasError() || a == nil || a.err == nil {
		t.Fatalf("unknown settings should be deferred, not fail Configure: %+v %v", a, diags)
	}
	if a.settings.SSMPutParameterRate != awsconfig.DefaultSSMPutParameterRate {
		t.Errorf("the rates must stay usable for the shared limiters: %+v", a.settings)
	}
	d := &providerData{aws: a}
	if d.awsClients(&diags, "Error Importing Secrets") != nil {
		t.Fatal("no clients expected")
	}
	e := diags.Errors()[0]
	if e.Summary() != "Error Configuring AWS" ||
		!strings.Contains(e.Detail(), "so importing Secrets is not possible") ||
		!strings.Contains(e.Detail(), "aws.assume_role.role_arn depends on a value that is only known after apply") {
		t.Fatalf("unclear diagnostic %q / %q", e.Summary(), e.Detail())
	}
}

// isolateAWSEnv clears the AWS_* variables and points the shared files at
// paths that do not exist. Tests using it cannot run in parallel.
func isolateAWSEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, "")
			if err := os.Unsetenv(k); err != nil {
				t.Fatal(err)
			}
		}
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "absent-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "absent-credentials"))
}

func TestAWSLoadErrorsAreDeferred(t *testing.T) {
	isolateAWSEnv(t)
	for _, tc := range []struct {
		settings awsconfig.Settings
		hint     string
	}{
		{awsconfig.Settings{Region: "us-east-1", Profile: "heroku2aws-absent"}, "The AWS profile does not exist"},
		{awsconfig.Settings{}, "Set region in the provider's aws block, the AWS_REGION environment variable"},
	} {
		a := loadAWS(t.Context(), tc.settings)
		if a.err == nil {
			t.Fatalf("%+v: want a load error", tc.settings)
		}
		var diags diag.Diagnostics
		if (&providerData{aws: a}).awsClients(&diags, "Error Importing Secrets") != nil || diags.ErrorsCount() != 1 {
			t.Fatalf("want no clients and one error, got %v", diags)
		}
		e := diags.Errors()[0]
		if e.Summary() != "Error Configuring AWS" || !strings.Contains(e.Detail(), tc.hint) ||
			!strings.Contains(e.Detail(), "Error: ") {
			t.Errorf("unclear diagnostic %q / %q", e.Summary(), e.Detail())
		}
	}

	a := loadAWS(t.Context(), awsconfig.Settings{Region: "us-east-1"})
	var diags diag.Diagnostics
	c := (&providerData{aws: a}).awsClients(&diags, "Error Importing Secrets")
	if c == nil || c.SSM == nil || c.SecretsManager == nil || diags.HasError() {
		t.Fatalf("want clients: %+v %v", c, diags)
	}
	if a.settings.SSMPutParameterRate != awsconfig.DefaultSSMPutParameterRate {
		t.Errorf("settings should carry the defaults: %+v", a.settings)
	}
	if c := (&providerData{}).awsClients(&diags, "Error Updating Secrets"); c != nil || !diags.HasError() {
		t.Error("an unconfigured provider should report a bug")
	}
}

// awsFactories serves a provider whose tweakAWS hook records the settings
// that Configure built.
func awsFactories(seen *awsSettingsLog) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"heroku2aws": providerserver.NewProtocol6WithError(&heroku2awsProvider{
			version:  "test",
			tweakAWS: seen.record,
		}),
	}
}

type awsSettingsLog struct {
	mu   sync.Mutex
	last *awsconfig.Settings
}

func (l *awsSettingsLog) record(s *awsconfig.Settings) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := *s
	l.last = &c
}

func (l *awsSettingsLog) get() *awsconfig.Settings {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.last
}

func TestAccProvider_awsBlock(t *testing.T) {
	t.Parallel()
	_, url := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	var seen awsSettingsLog
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: awsFactories(&seen),
		Steps: []resource.TestStep{{
			Config: `
provider "heroku2aws" {
  heroku_api_url      = "` + url + `"
  heroku_data_api_url = "` + url + `"
  heroku_api_key      = "` + testAPIKey + `"
  aws {
    region                 = "us-east-1"
    max_retries            = 20
    ssm_put_parameter_rate = 10
    assume_role {
      role_arn = "` + testRoleARN + `"
      duration = "1h"
    }
    endpoints {
      ssm = "http://127.0.0.1:1"
    }
  }
}
data "heroku2aws_app" "x" { name = "acme-api" }
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.heroku2aws_app.x", tfjsonpath.New("name"), knownvalue.StringExact("acme-api")),
			},
		}},
	})
	s := seen.get()
	if s == nil {
		t.Fatal("Configure never built AWS settings")
	}
	if s.Region != "us-east-1" || s.MaxRetries != 20 || s.SSMPutParameterRate != 10 || s.SecretsManagerWriteRate != 0 ||
		s.AssumeRole == nil || s.AssumeRole.RoleARN != testRoleARN || s.AssumeRole.Duration != time.Hour ||
		s.Endpoints.SSM != "http://127.0.0.1:1" || s.ProviderVersion != "test" {
		t.Errorf("settings %+v (assume role %+v)", s, s.AssumeRole)
	}
}

func TestAccProvider_awsInvalidSetting(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ block, want string }{
		{`assume_role { role_arn = "migration" }`, `(?s)Invalid AWS Setting.*aws.assume_role.role_arn.*arn:aws:iam::123456789012:role/NAME`},
		{`assume_role { session_name = "ci" }`, `(?s)Invalid Attribute Combination.*role_arn`},
		{`max_retries = 0`, `(?s)Invalid Attribute Value.*at least 1`},
		{`ssm_put_parameter_rate = 0`, `(?s)Invalid Attribute Value.*at least 0.01`},
		{`endpoints { sts = "sts.local" }`, `(?s)Invalid AWS Setting.*aws.endpoints.sts`},
	} {
		t.Run(tc.block, func(t *testing.T) {
			t.Parallel()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(nil),
				Steps: []resource.TestStep{{
					// Nothing listens on port 1: no Heroku call can succeed.
					Config: providerBlockWithAWS("http://127.0.0.1:1", tc.block) +
						`data "heroku2aws_app" "x" { name = "acme-api" }`,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

// A profile that does not exist must not stop a configuration that reads
// only Heroku. The test changes the environment, so it is not parallel.
func TestAccProvider_awsLoadErrorIsDeferred(t *testing.T) {
	_, url := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	isolateAWSEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: providerBlockWithAWS(url, `profile = "heroku2aws-absent"`) +
				`data "heroku2aws_app" "x" { name = "acme-api" }`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.heroku2aws_app.x", tfjsonpath.New("name"), knownvalue.StringExact("acme-api")),
			},
		}},
	})
	if _, err := awsconfig.Load(t.Context(), awsconfig.Settings{Profile: "heroku2aws-absent"}); err == nil ||
		errors.Is(err, awsconfig.ErrNoRegion) {
		t.Fatalf("the profile should fail to load here, got %v", err)
	}
}

func providerBlockWithAWS(url, aws string) string {
	return strings.Replace(providerBlock(url, testAPIKey), "\n}\n", "\n  aws {\n    "+aws+"\n  }\n}\n", 1)
}
