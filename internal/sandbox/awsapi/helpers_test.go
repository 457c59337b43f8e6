package awsapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/smithy-go"
)

// unlimited disables every quota, for tests about something else.
func unlimited(opts Options) Options {
	opts.SSMPutTPS, opts.SSMGetTPS, opts.SSMDeleteTPS = -1, -1, -1
	opts.SecretsWriteTPS, opts.SecretsReadTPS, opts.SecretsListTPS = -1, -1, -1
	opts.Route53TPS = -1
	opts.ECSTPS, opts.LogsTPS = -1, -1
	return opts
}

// sdkConfig is an aws.Config with static credentials that reads no shared
// files. retry false sets aws.NopRetryer so that errors surface at once.
func sdkConfig(t testing.TB, retry bool) aws.Config {
	t.Helper()
	opts := []func(*config.LoadOptions) error{
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIDSANDBOX", "sandbox-secret", "")),
		config.WithSharedConfigFiles([]string{}),
		config.WithSharedCredentialsFiles([]string{}),
	}
	if !retry {
		opts = append(opts, config.WithRetryer(func() aws.Retryer { return aws.NopRetryer{} }))
	}
	cfg, err := config.LoadDefaultConfig(context.Background(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// fastRetryConfig is the SDK's standard retryer, with its usual attempts
// and retry decisions but no backoff, so that retry tests stay fast.
func fastRetryConfig(t testing.TB) aws.Config {
	cfg := sdkConfig(t, true)
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
		})
	}
	return cfg
}

func ssmClient(t testing.TB, url string, retry bool) *ssm.Client {
	return ssm.NewFromConfig(sdkConfig(t, retry), func(o *ssm.Options) { o.BaseEndpoint = aws.String(url) })
}

func smClient(t testing.TB, url string, retry bool) *secretsmanager.Client {
	return secretsmanager.NewFromConfig(sdkConfig(t, retry), func(o *secretsmanager.Options) { o.BaseEndpoint = aws.String(url) })
}

// start runs a sandbox with every quota off and returns NopRetryer clients.
func start(t *testing.T, opts Options) (*Server, *ssm.Client, *secretsmanager.Client) {
	t.Helper()
	srv, url := Start(t, unlimited(opts))
	return srv, ssmClient(t, url, false), smClient(t, url, false)
}

// wantErr checks that err is (or wraps) the SDK's typed error T.
func wantErr[T error](t testing.TB, err error) {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("error = %v (%T), want %T", err, err, target)
	}
}

// wantCode checks the API error code of err and returns its message.
func wantCode(t testing.TB, err error, code string) string {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v, want API error %s", err, code)
	}
	if apiErr.ErrorCode() != code {
		t.Fatalf("error code = %s (%v), want %s", apiErr.ErrorCode(), err, code)
	}
	return apiErr.ErrorMessage()
}

// wantMessage checks that err's API message contains want.
func wantMessage(t testing.TB, err error, want string) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || !strings.Contains(apiErr.ErrorMessage(), want) {
		t.Fatalf("error = %v, want a message containing %q", err, want)
	}
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

var ctx = context.Background()

type rawResponse struct {
	status int
	header http.Header
	body   map[string]any
}

// rawCall sends an AWS JSON request without the SDK. auth "" sends no
// Authorization header.
func rawCall(t testing.TB, url, target, auth, body string) rawResponse {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/", bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	req.Header.Set("X-Amz-Date", "20250101T000000Z")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := rawResponse{status: resp.StatusCode, header: resp.Header}
	if err := json.Unmarshal(data, &out.body); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, data)
	}
	return out
}

func sigV4(service string) string {
	return "AWS4-HMAC-SHA256 Credential=AKIDSANDBOX/20250101/us-east-1/" + service + "/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef"
}
