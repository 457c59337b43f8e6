package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of run.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// parseEnv reads export lines into a map.
func parseEnv(t *testing.T, s string) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		kv, ok := strings.CutPrefix(line, "export ")
		if !ok {
			t.Fatalf("not an export line: %q", line)
		}
		k, v, _ := strings.Cut(kv, "=")
		env[k] = strings.Trim(v, "'")
	}
	return env
}

func TestRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	envFile := filepath.Join(dir, "sandbox.env")
	var stdout, stderr syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{
			"--heroku-addr", "127.0.0.1:0", "--aws-addr", "127.0.0.1:0",
			"--api-key", "k3y", "--rate-limit", "10", "--latency", "1ms", "--ssm-put-tps", "100",
			"--print-env-file", envFile,
		}, &stdout, &stderr)
	}()

	var data []byte
	deadline := time.Now().Add(10 * time.Second)
	for {
		var err error
		if data, err = os.ReadFile(envFile); err == nil && len(data) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no env file; stderr:\n%s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	env := parseEnv(t, string(data))
	for k, want := range map[string]string{
		"HEROKU_API_KEY": "k3y", "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
		"AWS_ACCESS_KEY_ID": "sandbox", "AWS_SECRET_ACCESS_KEY": "sandbox",
	} {
		if env[k] != want {
			t.Errorf("%s = %q, want %q", k, env[k], want)
		}
	}
	base := env["HEROKU_API_URL"]
	if !strings.HasPrefix(base, "http://127.0.0.1:") || env["HEROKU_DATA_API_URL"] != base ||
		!strings.HasPrefix(env["AWS_ENDPOINT_URL"], "http://127.0.0.1:") || env["AWS_ENDPOINT_URL"] == base {
		t.Fatalf("URLs: %v", env)
	}
	if info, err := os.Stat(envFile); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("env file mode: %v %v", info.Mode(), err)
	}

	req, _ := http.NewRequest(http.MethodGet, base+"/apps/acme-api/config-vars", nil)
	req.Header.Set("Authorization", "Bearer k3y")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var vars map[string]*string
	err = json.NewDecoder(resp.Body).Decode(&vars)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("RateLimit-Remaining") != "9" {
		t.Fatalf("GET config-vars: %d %v, RateLimit-Remaining %q", resp.StatusCode, err, resp.Header.Get("RateLimit-Remaining"))
	}

	// The AWS sandbox answers real SDK clients configured from the exports.
	const secret = "canary-secret-9c1e"
	awsCfg, err := awsconfig.LoadDefaultConfig(context.Background(),
		awsconfig.WithRegion(env["AWS_REGION"]),
		awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], "")),
		awsconfig.WithSharedConfigFiles([]string{}), awsconfig.WithSharedCredentialsFiles([]string{}),
		awsconfig.WithRetryer(func() aws.Retryer { return aws.NopRetryer{} }))
	if err != nil {
		t.Fatal(err)
	}
	client := ssm.NewFromConfig(awsCfg, func(o *ssm.Options) { o.BaseEndpoint = aws.String(env["AWS_ENDPOINT_URL"]) })
	if _, err := client.PutParameter(context.Background(), &ssm.PutParameterInput{
		Name: aws.String("/demo/TOKEN"), Value: aws.String(secret), Type: ssmtypes.ParameterTypeSecureString,
	}); err != nil {
		t.Fatal(err)
	}
	got, err := client.GetParameter(context.Background(), &ssm.GetParameterInput{Name: aws.String("/demo/TOKEN"), WithDecryption: aws.Bool(true)})
	if err != nil || aws.ToString(got.Parameter.Value) != secret {
		t.Fatalf("GetParameter: %v %v", got, err)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit code %d; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}

	if stdout.String() != string(data) {
		t.Errorf("stdout %q differs from the env file %q", stdout.String(), data)
	}
	logs := stderr.String()
	for _, want := range []string{"GET /apps/acme-api/config-vars 200", "POST / AmazonSSM.PutParameter 200", "POST / AmazonSSM.GetParameter 200", "AWS sandbox (SSM, Secrets Manager, Route 53) listening on " + env["AWS_ENDPOINT_URL"]} {
		if !strings.Contains(logs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, secret) {
		t.Error("stderr leaks a parameter value")
	}
	for _, v := range vars {
		if v != nil && len(*v) > 8 && strings.Contains(logs, *v) {
			t.Errorf("stderr leaks a config var value")
		}
	}
	if strings.Contains(logs, "k3y") {
		t.Error("stderr leaks the API key")
	}
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"--help"}, 0},
		{[]string{"--rate-limit", "0"}, 2},
		{[]string{"--bogus"}, 2},
		{[]string{"extra"}, 2},
		{[]string{"--fixture", filepath.Join(t.TempDir(), "missing.json")}, 1},
		{[]string{"--heroku-addr", "256.0.0.1:99999"}, 1},
		{[]string{"--aws-addr", "256.0.0.1:99999"}, 1},
		{[]string{"--ssm-put-tps", "0"}, 2},
		{[]string{"--ssm-max-standard-parameters", "0"}, 2},
		{[]string{"--aws-region", "moon"}, 2},
		{[]string{"--route53-tps", "0"}, 2},
		{[]string{"--route53-sync-delay", "-1s"}, 2},
		{[]string{"--route53-zone", "bad..com"}, 2},
		{[]string{"--route53-zone", "a-b.com", "--route53-zone", "a.b.com"}, 2},
		{[]string{"--route53-zone", "acme.com", "--aws-addr", ""}, 2},
	} {
		var out, errOut syncBuffer
		if code := run(context.Background(), c.args, &out, &errOut); code != c.code {
			t.Errorf("run(%v) = %d, want %d; stderr %s", c.args, code, c.code, errOut.String())
		}
		if out.String() != "" {
			t.Errorf("run(%v) printed %q", c.args, out.String())
		}
	}
}

func TestShellQuote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"http://127.0.0.1:80": "http://127.0.0.1:80",
		"":                    "''",
		"a b":                 "'a b'",
		"it's":                `'it'\''s'`,
		"$(rm -rf /)":         "'$(rm -rf /)'",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRunWithoutAWS: --aws-addr "" keeps the Heroku sandbox alone.
func TestRunWithoutAWS(t *testing.T) {
	t.Parallel()
	var stdout, stderr syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"--aws-addr", ""}, &stdout, &stderr) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stdout.String(), "AWS_SECRET_ACCESS_KEY") {
		if time.Now().After(deadline) {
			t.Fatalf("no export lines; stderr:\n%s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	env := parseEnv(t, stdout.String())
	if _, ok := env["AWS_ENDPOINT_URL"]; ok || env["AWS_REGION"] != "us-east-1" || env["HEROKU_API_URL"] == "" {
		t.Errorf("env = %v", env)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit code %d; stderr:\n%s", code, stderr.String())
	}
	if strings.Contains(stderr.String(), "AWS sandbox") {
		t.Errorf("stderr mentions an AWS sandbox:\n%s", stderr.String())
	}
}

// TestRunRoute53: Route 53 shares the AWS address; --route53-zone creates
// hosted zones and exports their IDs; changes stay PENDING for
// --route53-sync-delay and, with --route53-prior-request-check, block the
// next change to the zone.
func TestRunRoute53(t *testing.T) {
	t.Parallel()
	var stdout, stderr syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{
			"--route53-zone", "Acme.com", "--route53-zone", "api-v2.example.org.",
			"--route53-sync-delay", "1h", "--route53-prior-request-check", "--route53-tps", "100",
		}, &stdout, &stderr)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stdout.String(), "HEROKU2AWS_ZONE_ID_API_V2_EXAMPLE_ORG") {
		if time.Now().After(deadline) {
			t.Fatalf("no export lines; stderr:\n%s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	env := parseEnv(t, stdout.String())
	first, second := env["HEROKU2AWS_ZONE_ID_ACME_COM"], env["HEROKU2AWS_ZONE_ID_API_V2_EXAMPLE_ORG"]
	if !strings.HasPrefix(first, "Z") || !strings.HasPrefix(second, "Z") || first == second || env["HEROKU2AWS_ZONE_ID"] != first {
		t.Fatalf("env = %v", env)
	}
	if !strings.Contains(stderr.String(), "Route 53 hosted zone Acme.com: "+first) {
		t.Errorf("stderr lacks the zone ID:\n%s", stderr.String())
	}

	awsCfg, err := awsconfig.LoadDefaultConfig(context.Background(),
		awsconfig.WithRegion(env["AWS_REGION"]),
		awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], "")),
		awsconfig.WithSharedConfigFiles([]string{}), awsconfig.WithSharedCredentialsFiles([]string{}),
		awsconfig.WithRetryer(func() aws.Retryer { return aws.NopRetryer{} }))
	if err != nil {
		t.Fatal(err)
	}
	client := route53.NewFromConfig(awsCfg, func(o *route53.Options) { o.BaseEndpoint = aws.String(env["AWS_ENDPOINT_URL"]) })
	zone, err := client.GetHostedZone(context.Background(), &route53.GetHostedZoneInput{Id: aws.String(first)})
	if err != nil || aws.ToString(zone.HostedZone.Name) != "acme.com." {
		t.Fatalf("GetHostedZone: %v %v", zone, err)
	}
	cname := func(name string) error {
		_, err := client.ChangeResourceRecordSets(context.Background(), &route53.ChangeResourceRecordSetsInput{
			HostedZoneId: aws.String(first),
			ChangeBatch: &r53types.ChangeBatch{Changes: []r53types.Change{{Action: r53types.ChangeActionCreate, ResourceRecordSet: &r53types.ResourceRecordSet{
				Name: aws.String(name), Type: r53types.RRTypeCname, TTL: aws.Int64(60),
				ResourceRecords: []r53types.ResourceRecord{{Value: aws.String("acme-api.herokudns.com")}},
			}}}},
		})
		return err
	}
	if err := cname("www.acme.com"); err != nil {
		t.Fatal(err)
	}
	var prior *r53types.PriorRequestNotComplete
	if err := cname("api.acme.com"); !errors.As(err, &prior) {
		t.Errorf("second change: %v, want PriorRequestNotComplete", err)
	}

	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit code %d; stderr:\n%s", code, stderr.String())
	}
	if logs := stderr.String(); !strings.Contains(logs, "POST /2013-04-01/hostedzone/"+first+"/rrset 200") {
		t.Errorf("stderr lacks the Route 53 call:\n%s", logs)
	}
}

func TestZoneVar(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"acme.com":            "HEROKU2AWS_ZONE_ID_ACME_COM",
		"Api-V2.Example.org.": "HEROKU2AWS_ZONE_ID_API_V2_EXAMPLE_ORG",
	} {
		if got := zoneVar(in); got != want {
			t.Errorf("zoneVar(%q) = %q, want %q", in, got, want)
		}
	}
}
