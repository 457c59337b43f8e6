package awsapi

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
)

// TestPutParameterQuota: an unpaced loop of 30 PutParameter calls at the
// default 3 TPS gets its burst of 3 through, then ThrottlingException.
func TestPutParameterQuota(t *testing.T) {
	t.Parallel()
	srv, url := Start(t, Options{})
	c := ssmClient(t, url, false)
	ok, throttled := 0, 0
	begin := time.Now()
	for i := range 30 {
		_, err := put(t, c, fmt.Sprintf("/q/P%02d", i), "v")
		if err == nil {
			ok++
			continue
		}
		wantErr[*ssmtypes.ThrottlingException](t, err)
		if msg := wantCode(t, err, "ThrottlingException"); msg != "Rate exceeded" {
			t.Errorf("message = %q", msg)
		}
		throttled++
	}
	// The burst of 3, plus what refilled while the loop ran.
	refilled := int(math.Ceil(time.Since(begin).Seconds() * DefaultSSMPutTPS))
	if ok < 3 || ok > 3+refilled || throttled != 30-ok || throttled < 20 {
		t.Errorf("%d succeeded, %d throttled in %v", ok, throttled, time.Since(begin))
	}
	log := srv.Requests()
	for i := range 3 {
		if log[i].Status != 200 {
			t.Errorf("request %d: %+v", i, log[i])
		}
	}
	if last := log[len(log)-1]; last.Status != 400 || last.ErrorCode != "ThrottlingException" || last.Name != "/q/P29" {
		t.Errorf("last request: %+v", last)
	}
	// Reads have their own quota.
	must[*ssm.GetParameterOutput](t)(c.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/q/P00")}))
}

// TestPutParameterPaced: a client paced at exactly 3/s is never throttled,
// one a little faster is.
func TestPutParameterPaced(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake()
	_, url := Start(t, Options{Clock: clk})
	c := ssmClient(t, url, false)
	for i := range 30 {
		must[*ssm.PutParameterOutput](t)(put(t, c, fmt.Sprintf("/paced/P%02d", i), "v"))
		clk.Advance(time.Second / 3)
	}
	throttled := 0
	for i := range 30 {
		if _, err := put(t, c, fmt.Sprintf("/fast/P%02d", i), "v"); err != nil {
			wantErr[*ssmtypes.ThrottlingException](t, err)
			throttled++
		}
		clk.Advance(time.Second / 4)
	}
	if throttled == 0 {
		t.Error("4/s against a 3/s quota was never throttled")
	}
}

func TestQuotaSettings(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake()
	srv, url := Start(t, Options{Clock: clk, SSMGetTPS: 1, SSMGetBurst: 2, SecretsWriteTPS: 1, SSMDeleteTPS: 1})
	c, sm := ssmClient(t, url, false), smClient(t, url, false)
	get := func() error {
		_, err := c.DescribeParameters(ctx, &ssm.DescribeParametersInput{})
		return err
	}
	for range 2 {
		if err := get(); err != nil {
			t.Fatalf("burst of 2 refused: %v", err)
		}
	}
	wantErr[*ssmtypes.ThrottlingException](t, get())
	clk.Advance(time.Second)
	if err := get(); err != nil {
		t.Fatal(err)
	}

	// Secrets Manager has no modeled ThrottlingException; the code is the
	// same.
	must[*secretsmanager.CreateSecretOutput](t)(sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("a"), SecretString: aws.String("v")}))
	_, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("b"), SecretString: aws.String("v")})
	if msg := wantCode(t, err, "ThrottlingException"); msg != "Rate exceeded" {
		t.Errorf("message = %q", msg)
	}
	// Reads are not writes.
	must[*secretsmanager.GetSecretValueOutput](t)(sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("a")}))

	// Delete and tagging share one bucket.
	must[*ssm.DeleteParametersOutput](t)(c.DeleteParameters(ctx, &ssm.DeleteParametersInput{Names: []string{"/x"}}))
	_, err = c.ListTagsForResource(ctx, &ssm.ListTagsForResourceInput{ResourceType: ssmtypes.ResourceTypeForTaggingParameter, ResourceId: aws.String("/x")})
	wantErr[*ssmtypes.ThrottlingException](t, err)

	srv.SetQuota(QuotaSecretsWrite, -1, 0)
	for i := range 20 {
		must[*secretsmanager.CreateSecretOutput](t)(sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String(fmt.Sprintf("u%d", i)), SecretString: aws.String("v")}))
	}
	srv.SetQuota(QuotaSecretsWrite, 0, 0) // back to 50/s, bucket full
	for range 50 {
		must[*secretsmanager.TagResourceOutput](t)(sm.TagResource(ctx, &secretsmanager.TagResourceInput{
			SecretId: aws.String("a"), Tags: []smtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}},
		}))
	}
	_, err = sm.UntagResource(ctx, &secretsmanager.UntagResourceInput{SecretId: aws.String("a"), TagKeys: []string{"k"}})
	wantCode(t, err, "ThrottlingException")
	if QuotaSSMPut.String() != "ssm-put" || QuotaSecretsList.String() != "secretsmanager-list" || Quota(99).String() != "unknown" {
		t.Error("Quota.String")
	}
}

// TestSDKRetriesThrottling: with its default retryer the SDK retries
// ThrottlingException, so a burst beyond the quota still succeeds.
func TestSDKRetriesThrottling(t *testing.T) {
	t.Parallel()
	srv, url := Start(t, Options{SSMPutTPS: 20, SSMPutBurst: 2})
	// The standard retryer as config.LoadDefaultConfig builds it, with more
	// attempts so that random backoff cannot make the test flaky.
	cfg := sdkConfig(t, true)
	cfg.Retryer = func() aws.Retryer { return retry.AddWithMaxAttempts(retry.NewStandard(), 10) }
	c := ssm.NewFromConfig(cfg, func(o *ssm.Options) { o.BaseEndpoint = aws.String(url) })
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for i := range 6 {
		wg.Go(func() {
			_, err := put(t, c, fmt.Sprintf("/burst/P%d", i), "v")
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	throttled, retried := 0, 0
	for _, r := range srv.Requests() {
		if r.ErrorCode == "ThrottlingException" {
			throttled++
		}
		if r.Attempt > 1 && r.Status == 200 {
			retried++
		}
	}
	if throttled == 0 || retried == 0 {
		t.Errorf("throttled %d, succeeded on retry %d: %+v", throttled, retried, srv.Requests())
	}

	// The default retryer, untouched, also retries an injected throttle.
	srv.SetQuota(QuotaSSMPut, -1, 0)
	srv.FailWrite(1, "ThrottlingException", 0, false)
	def := ssmClient(t, url, true)
	if _, err := put(t, def, "/burst/DEFAULT", "v"); err != nil {
		t.Fatal(err)
	}
	log := srv.Requests()
	if last := log[len(log)-1]; last.Attempt != 2 || last.Status != 200 || log[len(log)-2].ErrorCode != "ThrottlingException" {
		t.Errorf("log tail: %+v", log[len(log)-2:])
	}
	nop := ssmClient(t, url, false)
	srv.FailWrite(1, "ThrottlingException", 0, false)
	_, err := put(t, nop, "/burst/NOP", "v")
	if !errors.As(err, new(*ssmtypes.ThrottlingException)) {
		t.Errorf("NopRetryer: %v", err)
	}
}
