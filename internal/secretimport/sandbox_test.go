package secretimport_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/secretimport"
)

func sdkConfig(retryer func() aws.Retryer) aws.Config {
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDSANDBOX", "secret", "")}
	if retryer != nil {
		cfg.Retryer = retryer
	}
	return cfg
}

func engineFor(url string, limits *secretimport.Limits, retryer func() aws.Retryer) *secretimport.Engine {
	cfg := sdkConfig(retryer)
	return &secretimport.Engine{
		SSM:     ssm.NewFromConfig(cfg, func(o *ssm.Options) { o.BaseEndpoint = aws.String(url) }),
		Secrets: secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) { o.BaseEndpoint = aws.String(url) }),
		Limits:  limits,
	}
}

func vars(n int) map[string]string {
	out := map[string]string{}
	for i := 0; i < n; i++ {
		out[fmt.Sprintf("VAR_%03d", i)] = fmt.Sprintf("value-%03d", i)
	}
	return out
}

// When a write fails for good, the result holds exactly the keys that
// exist, and the error lists every key that does not.
func TestEnginePartialResultIsExact(t *testing.T) {
	t.Parallel()
	srv, url := awsapi.Start(t, awsapi.Options{SSMPutTPS: 100})
	srv.FailName("/p/VAR_004", "InternalServerError", 500)
	e := engineFor(url, nil, func() aws.Retryer { return aws.NopRetryer{} })
	desired := vars(10)
	res, err := e.Apply(context.Background(), secretimport.ApplyInput{
		Dest: secretimport.Destination{Kind: secretimport.KindSSM, PathPrefix: "/p/"}, Desired: desired, Salt: "s",
	})
	var partial *secretimport.PartialError
	if !errors.As(err, &partial) || partial.Failed != "VAR_004" {
		t.Fatalf("want a PartialError for VAR_004, got %v", err)
	}
	var live []string
	for _, n := range srv.ParameterNames() {
		live = append(live, strings.TrimPrefix(n, "/p/"))
	}
	var inResult []string
	for k := range res.Keys {
		inResult = append(inResult, k)
	}
	sort.Strings(inResult)
	if strings.Join(live, ",") != strings.Join(inResult, ",") {
		t.Fatalf("result %v, but the parameters that exist are %v", inResult, live)
	}
	for k := range desired {
		_, ok := res.Keys[k]
		listed := false
		for _, n := range partial.NotWritten {
			listed = listed || n == k
		}
		if ok == listed {
			t.Errorf("%s: in result %v, listed as not written %v", k, ok, listed)
		}
	}
	if !strings.Contains(err.Error(), "VAR_004") {
		t.Errorf("error does not name the failed key: %v", err)
	}
}

// BenchmarkImport300 measures, side by side at a PutParameter quota of 10
// a second:
//   - engine/ssm: the resource's engine (paced): wall time and its ratio to
//     the quota bound of 300/10 = 30 s (target <= 1.15), and failures;
//   - naive-loop/ssm: a sequential SDK loop without pacing (the published
//     guides' approach) with the SDK's default retryer: keys written before
//     the first hard failure;
//   - engine/secretsmanager-json: write calls for 300 keys.
//
// Each op takes about 30 s; run with -benchtime 1x.
func BenchmarkImport300(b *testing.B) {
	const n, tps = 300, 10.0
	desired := vars(n)
	b.Run("engine/ssm", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			srv, url := awsapi.Start(b, awsapi.Options{SSMPutTPS: tps})
			e := engineFor(url, secretimport.NewLimits(tps, 50), nil)
			res, err := e.Apply(context.Background(), secretimport.ApplyInput{
				Dest: secretimport.Destination{Kind: secretimport.KindSSM, PathPrefix: "/bench/"}, Desired: desired, Salt: "s",
			})
			if err != nil {
				b.Fatal(err)
			}
			if len(res.Written) != n || len(srv.ParameterNames()) != n {
				b.Fatalf("wrote %d, sandbox holds %d", len(res.Written), len(srv.ParameterNames()))
			}
			throttled := 0
			for _, r := range srv.Requests() {
				if r.ErrorCode == "ThrottlingException" {
					throttled++
				}
			}
			b.ReportMetric(float64(throttled), "throttled/op")
			b.ReportMetric(0, "failures/op")
		}
		bound := float64(n) / tps
		b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)/bound, "ratio-to-quota-bound")
		b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/import")
	})
	// The unpaced approaches. "sequential" is the guides' loop, once with the
	// SDK's default retryer and once with no retries (a script that calls the
	// API once per var); "parallel-10" is ten writers at once, like
	// aws_ssm_parameter resources at Terraform's default -parallelism=10.
	naive := []struct {
		name    string
		workers int
		retryer func() aws.Retryer
	}{
		{"naive/sequential-sdk-retries", 1, nil},
		{"naive/sequential-no-retries", 1, func() aws.Retryer { return aws.NopRetryer{} }},
		{"naive/parallel-10-sdk-retries", 10, nil},
	}
	for _, nv := range naive {
		b.Run(nv.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				srv, url := awsapi.Start(b, awsapi.Options{SSMPutTPS: tps})
				client := ssm.NewFromConfig(sdkConfig(nv.retryer), func(o *ssm.Options) { o.BaseEndpoint = aws.String(url) })
				written, failed := naiveLoop(client, desired, nv.workers)
				throttled := 0
				for _, r := range srv.Requests() {
					if r.ErrorCode == "ThrottlingException" {
						throttled++
					}
				}
				b.ReportMetric(float64(written), "written/op")
				b.ReportMetric(float64(failed), "failures/op")
				b.ReportMetric(float64(throttled), "throttled/op")
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/import")
		})
	}
	b.Run("engine/secretsmanager-json", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			srv, url := awsapi.Start(b, awsapi.Options{SSMPutTPS: tps})
			e := engineFor(url, secretimport.NewLimits(tps, 50), nil)
			if _, err := e.Apply(context.Background(), secretimport.ApplyInput{
				Dest: secretimport.Destination{Kind: secretimport.KindSecretsManager, Name: "bench/json"}, Desired: desired, Salt: "s",
			}); err != nil {
				b.Fatal(err)
			}
			writes := 0
			for _, r := range srv.Requests() {
				if r.Service == "secretsmanager" {
					writes++
				}
			}
			b.ReportMetric(float64(writes), "calls/op")
		}
		b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/import")
	})
}

// naiveLoop writes every key without pacing. With one worker it is the
// guides' shell loop, which stops at its first hard failure (set -e); with
// more, every writer carries on past failures, as Terraform does with
// independent resources.
func naiveLoop(client *ssm.Client, desired map[string]string, workers int) (written, failed int) {
	put := func(k string) error {
		_, err := client.PutParameter(context.Background(), &ssm.PutParameterInput{
			Name: aws.String("/naive/" + k), Value: aws.String(desired[k]), Type: "SecureString", Overwrite: aws.Bool(true),
		})
		return err
	}
	keys := sortedKeys(desired)
	if workers == 1 {
		for _, k := range keys {
			if put(k) != nil {
				return written, 1
			}
			written++
		}
		return written, 0
	}
	jobs := make(chan string)
	errs := make(chan error)
	for w := 0; w < workers; w++ {
		go func() {
			for k := range jobs {
				errs <- put(k)
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, k := range keys {
			jobs <- k
		}
	}()
	for range keys {
		if <-errs == nil {
			written++
		} else {
			failed++
		}
	}
	return written, failed
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Import reads every page: 25 parameters are three GetParametersByPath
// pages of ten, and 25 per-var secrets are listed and adopted.
func TestEngineDiscoverPages(t *testing.T) {
	t.Parallel()
	srv, url := awsapi.Start(t, awsapi.Options{SSMPutTPS: 100})
	e := engineFor(url, nil, nil)
	ctx := context.Background()
	desired := vars(25)
	for _, d := range []secretimport.Destination{
		{Kind: secretimport.KindSSM, PathPrefix: "/disc/"},
		{Kind: secretimport.KindSecretsManagerPerVar, NamePrefix: "disc/", RecoveryWindowDays: 7},
	} {
		if _, err := e.Apply(ctx, secretimport.ApplyInput{Dest: d, Desired: desired, Salt: "s"}); err != nil {
			t.Fatalf("%s: %v", d.ID(), err)
		}
		keys, err := e.Discover(ctx, d, "s2")
		if err != nil {
			t.Fatalf("%s: %v", d.ID(), err)
		}
		if len(keys) != len(desired) {
			t.Fatalf("%s: discovered %d keys, want %d", d.ID(), len(keys), len(desired))
		}
		for k, v := range desired {
			if keys[k].Fingerprint != secretimport.Fingerprint("s2", v) || keys[k].Name != d.NameFor(k) {
				t.Errorf("%s: %s discovered as %+v", d.ID(), k, keys[k])
			}
		}
	}
	pages := 0
	for _, r := range srv.Requests() {
		if r.Operation == "GetParametersByPath" {
			pages++
		}
	}
	if pages != 3 {
		t.Errorf("GetParametersByPath called %d times, want 3 pages of 10", pages)
	}
}
