package awsconfig

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/smithy-go"
)

// These tests change the process environment (t.Setenv), so none of them
// runs in parallel.

const (
	baseAccessKey    = "AKIDBASEEXAMPLE00001"
	assumedAccessKey = "ASIAASSUMEDEXAMPLE01"
	assumedToken     = "assumed-session-token"
	testRoleARN      = "arn:aws:iam::123456789012:role/migration"
)

// isolateEnv clears every AWS_* variable for the test and points the shared
// files at paths that do not exist, so the machine's own AWS setup cannot
// leak in. It sets static base credentials.
func isolateEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, "") // restores the value after the test
			if err := os.Unsetenv(k); err != nil {
				t.Fatal(err)
			}
		}
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "absent-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "absent-credentials"))
	t.Setenv("AWS_ACCESS_KEY_ID", baseAccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", "base-secret")
}

type seenRequest struct {
	target string // X-Amz-Target, or the query Action
	auth   string
	token  string
	agent  string
	form   url.Values
}

// fakeAWS answers just enough of SSM (GetParameter), Secrets Manager
// (ListSecrets) and STS (AssumeRole, query protocol) for the SDK to accept
// it, and records every request.
type fakeAWS struct {
	*httptest.Server
	mu   sync.Mutex
	seen []seenRequest
}

func newFakeAWS(t *testing.T) *fakeAWS {
	t.Helper()
	f := &fakeAWS{}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAWS) requests() []seenRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seenRequest(nil), f.seen...)
}

func (f *fakeAWS) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	req := seenRequest{
		target: r.Header.Get("X-Amz-Target"),
		auth:   r.Header.Get("Authorization"),
		token:  r.Header.Get("X-Amz-Security-Token"),
		agent:  r.Header.Get("User-Agent"),
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		req.form, _ = url.ParseQuery(string(body))
		req.target = req.form.Get("Action")
	}
	f.mu.Lock()
	f.seen = append(f.seen, req)
	f.mu.Unlock()

	switch req.target {
	case "AmazonSSM.GetParameter":
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = io.WriteString(w, `{"Parameter":{"Name":"/acme/X","Type":"String","Value":"v","Version":1,`+
			`"ARN":"arn:aws:ssm:us-east-1:123456789012:parameter/acme/X","DataType":"text"}}`)
	case "secretsmanager.ListSecrets":
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = io.WriteString(w, `{"SecretList":[]}`)
	case "AssumeRole":
		w.Header().Set("Content-Type", "text/xml")
		_, _ = io.WriteString(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>`+assumedAccessKey+`</AccessKeyId>
      <SecretAccessKey>assumed-secret</SecretAccessKey>
      <SessionToken>`+assumedToken+`</SessionToken>
      <Expiration>`+time.Now().Add(time.Hour).UTC().Format(time.RFC3339)+`</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <AssumedRoleId>AROAEXAMPLE:terraform-provider-heroku2aws</AssumedRoleId>
      <Arn>arn:aws:sts::123456789012:assumed-role/migration/terraform-provider-heroku2aws</Arn>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleResponse>`)
	default:
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"__type":"UnknownOperationException","message":"fake does not know `+req.target+`"}`)
	}
}

func getParameter(t *testing.T, c *Clients) {
	t.Helper()
	if _, err := c.SSM.GetParameter(t.Context(), &ssm.GetParameterInput{Name: aws.String("/acme/X")}); err != nil {
		t.Fatalf("GetParameter: %v", err)
	}
}

func load(t *testing.T, s Settings) (aws.Config, *Clients) {
	t.Helper()
	cfg, err := Load(t.Context(), s)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return cfg, NewClients(cfg, s)
}

// (a) The endpoints setting reaches its server, ahead of
// AWS_ENDPOINT_URL_SSM, and the User-Agent names the provider.
func TestLoadEndpointOverride(t *testing.T) {
	isolateEnv(t)
	srv, envSrv := newFakeAWS(t), newFakeAWS(t)
	t.Setenv("AWS_ENDPOINT_URL_SSM", envSrv.URL)

	s := Settings{Region: "us-east-1", Endpoints: Endpoints{SSM: srv.URL}, ProviderVersion: "1.2.3"}
	_, c := load(t, s)
	getParameter(t, c)

	got := srv.requests()
	if len(got) != 1 || got[0].target != "AmazonSSM.GetParameter" {
		t.Fatalf("override server saw %+v", got)
	}
	if n := len(envSrv.requests()); n != 0 {
		t.Fatalf("AWS_ENDPOINT_URL_SSM should lose to the setting, its server saw %d requests", n)
	}
	if !strings.Contains(got[0].agent, "terraform-provider-heroku2aws/1.2.3") {
		t.Errorf("User-Agent %q lacks the provider", got[0].agent)
	}
	if !strings.Contains(got[0].auth, "Credential="+baseAccessKey+"/") {
		t.Errorf("request not signed with the chain's key: %q", got[0].auth)
	}
}

// (b) Without the setting, AWS_ENDPOINT_URL_SSM wins over AWS_ENDPOINT_URL,
// which still serves the other services.
func TestLoadServiceEndpointEnv(t *testing.T) {
	isolateEnv(t)
	ssmSrv, globalSrv := newFakeAWS(t), newFakeAWS(t)
	t.Setenv("AWS_ENDPOINT_URL_SSM", ssmSrv.URL)
	t.Setenv("AWS_ENDPOINT_URL", globalSrv.URL)

	_, c := load(t, Settings{Region: "us-east-1"})
	getParameter(t, c)
	if _, err := c.SecretsManager.ListSecrets(t.Context(), &secretsmanager.ListSecretsInput{}); err != nil {
		t.Fatalf("ListSecrets: %v", err)
	}

	if got := ssmSrv.requests(); len(got) != 1 || got[0].target != "AmazonSSM.GetParameter" {
		t.Fatalf("AWS_ENDPOINT_URL_SSM server saw %+v", got)
	}
	if got := globalSrv.requests(); len(got) != 1 || got[0].target != "secretsmanager.ListSecrets" {
		t.Fatalf("AWS_ENDPOINT_URL server saw %+v", got)
	}
}

// (c) assume_role calls STS only when the first request needs credentials,
// and the request is then signed with the role's key.
func TestLoadAssumeRoleIsLazy(t *testing.T) {
	isolateEnv(t)
	srv := newFakeAWS(t)
	s := Settings{
		Region:     "us-east-1",
		AssumeRole: &AssumeRole{RoleARN: testRoleARN, ExternalID: "ext-123", Duration: time.Hour},
		Endpoints:  Endpoints{SSM: srv.URL, STS: srv.URL},
	}
	_, c := load(t, s)
	if n := len(srv.requests()); n != 0 {
		t.Fatalf("Load and NewClients sent %d requests; they must send none", n)
	}

	getParameter(t, c)
	getParameter(t, c)
	got := srv.requests()
	if len(got) != 3 {
		t.Fatalf("want AssumeRole then 2 GetParameter, got %+v", got)
	}
	ar := got[0]
	if ar.target != "AssumeRole" {
		t.Fatalf("first request is %q, want AssumeRole", ar.target)
	}
	for k, want := range map[string]string{
		"RoleArn": testRoleARN, "RoleSessionName": DefaultSessionName, "ExternalId": "ext-123", "DurationSeconds": "3600",
	} {
		if v := ar.form.Get(k); v != want {
			t.Errorf("AssumeRole %s = %q, want %q", k, v, want)
		}
	}
	if !strings.Contains(ar.auth, "Credential="+baseAccessKey+"/") {
		t.Errorf("AssumeRole must be signed with the chain's key: %q", ar.auth)
	}
	for _, r := range got[1:] {
		if r.target != "AmazonSSM.GetParameter" {
			t.Fatalf("unexpected request %q (credentials should be cached)", r.target)
		}
		if !strings.Contains(r.auth, "Credential="+assumedAccessKey+"/") || r.token != assumedToken {
			t.Errorf("SSM request not signed with the assumed role: auth %q token %q", r.auth, r.token)
		}
	}
}

// Load stays off the network even when AWS_DEFAULTS_MODE=auto, which would
// otherwise ask IMDS for the region.
func TestLoadDefaultsModeAutoMakesNoCall(t *testing.T) {
	isolateEnv(t)
	imds := newFakeAWS(t)
	t.Setenv("AWS_DEFAULTS_MODE", "auto")
	t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.URL)
	cfg, err := Load(t.Context(), Settings{Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DefaultsMode != aws.DefaultsModeAuto {
		t.Errorf("defaults mode %q, want the user's auto", cfg.DefaultsMode)
	}
	if n := len(imds.requests()); n != 0 {
		t.Fatalf("Load sent %d requests to IMDS", n)
	}
}

// (d) profile and region from the shared files, and the settings'
// precedence over them and over AWS_PROFILE.
func TestLoadProfile(t *testing.T) {
	isolateEnv(t)
	dir := t.TempDir()
	cfgFile, credFile := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	writeFile(t, cfgFile, "[default]\nregion = us-west-1\n\n[profile migration]\nregion = eu-west-2\n")
	writeFile(t, credFile, "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = d\n\n"+
		"[migration]\naws_access_key_id = AKIDMIGRATION\naws_secret_access_key = m\n")
	t.Setenv("AWS_CONFIG_FILE", cfgFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credFile)
	// Environment credentials beat any profile; unset them to test files.
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_PROFILE", "default")

	for _, tc := range []struct {
		name       string
		s          Settings
		region, id string
	}{
		{"env profile", Settings{}, "us-west-1", "AKIDDEFAULT"},
		{"setting beats AWS_PROFILE", Settings{Profile: "migration"}, "eu-west-2", "AKIDMIGRATION"},
		{"region setting beats profile", Settings{Profile: "migration", Region: "ap-south-1"}, "ap-south-1", "AKIDMIGRATION"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Load(t.Context(), tc.s)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Region != tc.region {
				t.Errorf("region %q, want %q", cfg.Region, tc.region)
			}
			creds, err := cfg.Credentials.Retrieve(t.Context()) // static keys: no network
			if err != nil {
				t.Fatal(err)
			}
			if creds.AccessKeyID != tc.id {
				t.Errorf("access key %q, want %q", creds.AccessKeyID, tc.id)
			}
		})
	}

	// Keys in the environment beat AWS_PROFILE, but not a profile set in
	// the settings.
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDENVIRONMENT")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "e")
	for profile, want := range map[string]string{"": "AKIDENVIRONMENT", "migration": "AKIDMIGRATION"} {
		cfg, err := Load(t.Context(), Settings{Profile: profile})
		if err != nil {
			t.Fatal(err)
		}
		if creds, err := cfg.Credentials.Retrieve(t.Context()); err != nil || creds.AccessKeyID != want {
			t.Errorf("profile setting %q: key %q, want %q (%v)", profile, creds.AccessKeyID, want, err)
		}
	}

	_, err := Load(t.Context(), Settings{Profile: "absent"})
	var notExist config.SharedConfigProfileNotExistError
	if !errors.As(err, &notExist) {
		t.Fatalf("a missing profile should fail Load with SharedConfigProfileNotExistError, got %v", err)
	}
}

func TestLoadWithoutRegion(t *testing.T) {
	isolateEnv(t)
	if _, err := Load(t.Context(), Settings{}); !errors.Is(err, ErrNoRegion) {
		t.Fatalf("want ErrNoRegion, got %v", err)
	}
	t.Setenv("AWS_REGION", "eu-central-1")
	cfg, err := Load(t.Context(), Settings{})
	if err != nil || cfg.Region != "eu-central-1" {
		t.Fatalf("AWS_REGION not honoured: %q %v", cfg.Region, err)
	}
}

func TestLoadRejectsInvalidSettings(t *testing.T) {
	isolateEnv(t)
	_, err := Load(t.Context(), Settings{Region: "us-east-1", Endpoints: Endpoints{SSM: "ssm.local"}})
	if fe := FieldErrors(err); len(fe) != 1 || fe[0].Field != "endpoints.ssm" {
		t.Fatalf("want one endpoints.ssm error, got %v", err)
	}
}

// The retryer keeps retrying under sustained throttling: without the
// client-side retry quota, no retry is refused however many came before.
func TestRetryerHasNoRetryQuota(t *testing.T) {
	isolateEnv(t)
	t.Setenv("AWS_MAX_ATTEMPTS", "2")

	cfg, err := Load(t.Context(), Settings{Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Retryer().MaxAttempts(); got != 2 {
		t.Errorf("without max_retries, AWS_MAX_ATTEMPTS should apply: MaxAttempts %d", got)
	}
	t.Setenv("AWS_MAX_ATTEMPTS", "")
	if cfg, err = Load(t.Context(), Settings{Region: "us-east-1"}); err != nil {
		t.Fatal(err)
	}
	r := cfg.Retryer()
	if got := r.MaxAttempts(); got != DefaultMaxRetries+1 {
		t.Errorf("MaxAttempts %d, want %d", got, DefaultMaxRetries+1)
	}
	throttled := &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}
	if !r.IsErrorRetryable(throttled) {
		t.Fatal("ThrottlingException should be retryable")
	}
	for i := range 1000 {
		if _, err := r.GetRetryToken(t.Context(), throttled); err != nil {
			t.Fatalf("retry %d refused: %v", i, err)
		}
	}
	if d, _ := r.RetryDelay(30, throttled); d > MaxBackoff {
		t.Errorf("back-off %s exceeds %s", d, MaxBackoff)
	}

	t.Setenv("AWS_MAX_ATTEMPTS", "2")
	cfg, err = Load(t.Context(), Settings{Region: "us-east-1", MaxRetries: 4})
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Retryer().MaxAttempts(); got != 5 {
		t.Errorf("max_retries 4 should give 5 attempts and beat AWS_MAX_ATTEMPTS: %d", got)
	}
	// The clients use that retryer as is.
	if got := NewClients(cfg, Settings{}).SSM.Options().Retryer.MaxAttempts(); got != 5 {
		t.Errorf("SSM client MaxAttempts %d", got)
	}
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
