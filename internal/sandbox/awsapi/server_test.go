package awsapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
)

func TestAuthentication(t *testing.T) {
	t.Parallel()
	_, url := Start(t, Options{})
	const put = `{"Name":"/a","Value":"v","Type":"String"}`
	for _, c := range []struct {
		name, target, auth, code string
	}{
		{"missing", "AmazonSSM.PutParameter", "", "MissingAuthenticationTokenException"},
		{"basic", "AmazonSSM.PutParameter", "Basic dXNlcjpwYXNz", "IncompleteSignatureException"},
		{"no signature", "AmazonSSM.PutParameter", "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/ssm/aws4_request, SignedHeaders=host", "IncompleteSignatureException"},
		{"short credential", "AmazonSSM.PutParameter", "AWS4-HMAC-SHA256 Credential=AKID/us-east-1/ssm, SignedHeaders=host, Signature=00", "IncompleteSignatureException"},
		{"wrong service", "AmazonSSM.PutParameter", sigV4("secretsmanager"), "InvalidSignatureException"},
		{"wrong service 2", "secretsmanager.ListSecrets", sigV4("ssm"), "InvalidSignatureException"},
		{"wrong region", "AmazonSSM.PutParameter", strings.Replace(sigV4("ssm"), "us-east-1", "eu-west-1", 1), "InvalidSignatureException"},
		{"wrong terminator", "AmazonSSM.PutParameter", strings.Replace(sigV4("ssm"), "aws4_request", "aws5_request", 1), "InvalidSignatureException"},
	} {
		r := rawCall(t, url, c.target, c.auth, put)
		if r.status != http.StatusBadRequest || r.body["__type"] != c.code {
			t.Errorf("%s: %d %v, want 400 %s", c.name, r.status, r.body, c.code)
		}
		if msg, _ := r.body["message"].(string); msg == "" {
			t.Errorf("%s: no message: %v", c.name, r.body)
		}
		if r.header.Get("x-amzn-RequestId") == "" {
			t.Errorf("%s: no x-amzn-RequestId", c.name)
		}
	}
	if r := rawCall(t, url, "AmazonSSM.PutParameter", sigV4("ssm"), put); r.status != 200 || r.body["Version"] != 1.0 {
		t.Errorf("signed call: %d %v", r.status, r.body)
	}

	// The SDK accepts the error answers.
	cfg := sdkConfig(t, false)
	cfg.Region = "eu-west-1"
	client := ssm.NewFromConfig(cfg, func(o *ssm.Options) { o.BaseEndpoint = aws.String(url) })
	_, err := client.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/a")})
	wantMessage(t, err, "Credential should be scoped to a valid region")
	wantCode(t, err, "InvalidSignatureException")

	// Anonymous clients send no Authorization header.
	cfg = sdkConfig(t, false)
	cfg.Credentials = aws.AnonymousCredentials{}
	anon := ssm.NewFromConfig(cfg, func(o *ssm.Options) { o.BaseEndpoint = aws.String(url) })
	_, err = anon.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/a")})
	wantCode(t, err, "MissingAuthenticationTokenException")

	// Operations the sandbox does not implement.
	_, err = ssmClient(t, url, false).GetParameterHistory(ctx, &ssm.GetParameterHistoryInput{Name: aws.String("/a")})
	wantCode(t, err, "UnknownOperationException")
	wantMessage(t, err, "AmazonSSM.GetParameterHistory")
	_, err = smClient(t, url, false).ListSecretVersionIds(ctx, &secretsmanager.ListSecretVersionIdsInput{SecretId: aws.String("a")})
	wantCode(t, err, "UnknownOperationException")
}

func TestAccessKeyID(t *testing.T) {
	t.Parallel()
	_, url := Start(t, Options{AccessKeyID: "AKIDSANDBOX"})
	must[*ssm.DescribeParametersOutput](t)(ssmClient(t, url, false).DescribeParameters(ctx, &ssm.DescribeParametersInput{}))

	cfg := sdkConfig(t, false)
	cfg.Credentials = credentials.NewStaticCredentialsProvider("AKIDOTHER", "x", "")
	client := secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) { o.BaseEndpoint = aws.String(url) })
	_, err := client.ListSecrets(ctx, &secretsmanager.ListSecretsInput{})
	wantCode(t, err, "UnrecognizedClientException")
}

func TestProtocolErrors(t *testing.T) {
	t.Parallel()
	srv, url := Start(t, Options{})
	for _, c := range []struct {
		target, body, code string
		status             int
	}{
		{"AmazonSSM.GetParameterHistory", `{"Name":"/a"}`, "UnknownOperationException", 400},
		{"AmazonSSM.PutParameter", `{"Name":`, "SerializationException", 400},
		{"AmazonSSM.PutParameter", `{"Name":5}`, "SerializationException", 400},
		{"AmazonSSM.PutParameter", `{"Name":"/a"} {}`, "SerializationException", 400},
		{"secretsmanager.CreateSecret", `{"Name":["x"]}`, "SerializationException", 400},
		{"AmazonSSM.PutParameter", `{"Value":"v"}`, "ValidationException", 400},
		{"AmazonSSM.PutParameter", `{"Name":"/a","Value":"` + strings.Repeat("x", maxBodyBytes) + `"}`, "RequestEntityTooLargeException", 413},
	} {
		service := "ssm"
		if strings.HasPrefix(c.target, "secretsmanager.") {
			service = "secretsmanager"
		}
		r := rawCall(t, url, c.target, sigV4(service), c.body)
		if r.status != c.status || r.body["__type"] != c.code {
			t.Errorf("%s %.40s: %d %v, want %d %s", c.target, c.body, r.status, r.body, c.status, c.code)
		}
	}
	// Without X-Amz-Target nothing is served.
	r := rawCall(t, url, "", sigV4("ssm"), "{}")
	if r.status != 400 || r.body["__type"] != "UnknownOperationException" {
		t.Errorf("no target: %d %v", r.status, r.body)
	}
	// Secrets Manager capitalises its message member.
	r = rawCall(t, url, "secretsmanager.DescribeSecret", sigV4("secretsmanager"), `{"SecretId":"nope"}`)
	if r.body["__type"] != "ResourceNotFoundException" || r.body["Message"] != msgSMNotFound {
		t.Errorf("DescribeSecret: %v", r.body)
	}
	if got := srv.Requests(); got[len(got)-1].Service != "secretsmanager" || got[len(got)-1].ErrorCode != "ResourceNotFoundException" {
		t.Errorf("log: %+v", got[len(got)-1])
	}
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake()
	srv, url := Start(t, Options{Clock: clk})
	client := ssmClient(t, url, false)
	const canary = "canary-value-7f3a9"
	must[*ssm.PutParameterOutput](t)(client.PutParameter(ctx, &ssm.PutParameterInput{
		Name: aws.String("/app/SECRET"), Value: aws.String(canary), Type: "SecureString",
	}))
	_, err := client.GetParameters(ctx, &ssm.GetParametersInput{Names: []string{"/app/SECRET", "/app/missing"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/app/missing")})
	wantErr[*ssmtypes.ParameterNotFound](t, err)

	log := srv.Requests()
	want := []Request{
		{Service: "ssm", Operation: "PutParameter", Name: "/app/SECRET", Status: 200, Attempt: 1, At: clk.Now()},
		{Service: "ssm", Operation: "GetParameters", Names: []string{"/app/SECRET", "/app/missing"}, Status: 200, Attempt: 1, At: clk.Now()},
		{Service: "ssm", Operation: "GetParameter", Name: "/app/missing", Status: 400, ErrorCode: "ParameterNotFound", Attempt: 1, At: clk.Now()},
	}
	if len(log) != len(want) {
		t.Fatalf("log = %+v", log)
	}
	for i := range want {
		if log[i].Service != want[i].Service || log[i].Operation != want[i].Operation || log[i].Name != want[i].Name ||
			strings.Join(log[i].Names, ",") != strings.Join(want[i].Names, ",") || log[i].Status != want[i].Status ||
			log[i].ErrorCode != want[i].ErrorCode || log[i].Attempt != want[i].Attempt || !log[i].At.Equal(want[i].At) {
			t.Errorf("log[%d] = %+v, want %+v", i, log[i], want[i])
		}
	}
	srv.ResetRequests()
	if len(srv.Requests()) != 0 {
		t.Error("ResetRequests left entries")
	}
}

func TestLatency(t *testing.T) {
	t.Parallel()
	srv, url := Start(t, Options{Latency: 20 * time.Millisecond})
	client := ssmClient(t, url, false)
	begin := time.Now()
	must[*ssm.DescribeParametersOutput](t)(client.DescribeParameters(ctx, &ssm.DescribeParametersInput{}))
	if d := time.Since(begin); d < 20*time.Millisecond {
		t.Errorf("answered in %v despite 20ms latency", d)
	}

	srv.SetLatency(time.Hour)
	cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err := client.DescribeParameters(cctx, &ssm.DescribeParametersInput{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		log := srv.Requests()
		if len(log) == 2 && log[1].Status == 0 && log[1].Operation == "DescribeParameters" && log[1].Service == "ssm" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("log = %+v, want a second entry with status 0", log)
		}
		time.Sleep(5 * time.Millisecond)
	}
	srv.SetLatency(0)
	must[*ssm.DescribeParametersOutput](t)(client.DescribeParameters(ctx, &ssm.DescribeParametersInput{}))
}

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	for _, o := range []Options{
		{Region: "moon"},
		{AccountID: "12"},
		{Latency: -1},
		{MaxStandardParameters: -1},
		{SSMPutBurst: -1},
	} {
		if o.Validate() == nil {
			t.Errorf("Validate(%+v) = nil", o)
		}
	}
	if err := (Options{Region: "eu-central-1", AccountID: "000000000000"}).Validate(); err != nil {
		t.Error(err)
	}
	srv := New(Options{Region: "eu-west-2", AccountID: "111122223333"})
	if srv.Region() != "eu-west-2" || srv.AccountID() != "111122223333" {
		t.Errorf("Region/AccountID = %s %s", srv.Region(), srv.AccountID())
	}
}
