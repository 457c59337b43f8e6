package awsapi

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

func httpStatus(t testing.TB, err error) int {
	t.Helper()
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("error %v carries no HTTP response", err)
	}
	return re.HTTPStatusCode()
}

func TestFailName(t *testing.T) {
	t.Parallel()
	srv, c, sm := start(t, Options{})
	must[*ssm.PutParameterOutput](t)(put(t, c, "/f/BROKEN", "v"))
	srv.FailName("/f/BROKEN", "InternalServerError", 500)
	for range 3 {
		_, err := put(t, c, "/f/BROKEN", "w", overwrite)
		wantErr[*ssmtypes.InternalServerError](t, err)
		if httpStatus(t, err) != 500 {
			t.Errorf("status = %d", httpStatus(t, err))
		}
		_, err = put(t, c, "f/BROKEN", "w", overwrite) // the same parameter
		wantErr[*ssmtypes.InternalServerError](t, err)
		_, err = c.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String("/f/BROKEN")})
		wantErr[*ssmtypes.InternalServerError](t, err)
	}
	// Other names and reads are unaffected.
	must[*ssm.PutParameterOutput](t)(put(t, c, "/f/FINE", "v"))
	must[*ssm.GetParameterOutput](t)(c.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/f/BROKEN")}))
	if v, ver, _, _ := srv.Parameter("/f/BROKEN"); v != "v" || ver != 1 {
		t.Errorf("a failed write changed the parameter: %q v%d", v, ver)
	}

	// Any code and status; a secret matches by name or ARN.
	created := createSecret(t, sm, "f/secret", "v")
	srv.FailName("f/secret", "LimitExceededException", 0)
	_, err := sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: created.ARN, SecretString: aws.String("w")})
	wantErr[*smtypes.LimitExceededException](t, err)
	if httpStatus(t, err) != 400 {
		t.Errorf("status = %d", httpStatus(t, err))
	}
	srv.FailName(aws.ToString(created.ARN), "", 0)
	srv.FailName("f/secret", "", 0)
	_, err = sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("f/secret"), SecretString: aws.String("w")})
	wantErr[*smtypes.InternalServiceError](t, err) // the service's own 500 code

	srv.ClearFaults()
	must[*ssm.PutParameterOutput](t)(put(t, c, "/f/BROKEN", "w", overwrite))
	must[*secretsmanager.PutSecretValueOutput](t)(sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("f/secret"), SecretString: aws.String("w")}))
}

// TestFailWritePersistent is the provider's partial-failure scenario: the
// fifth write fails, and so does every retry of it, until ClearFaults.
func TestFailWritePersistent(t *testing.T) {
	t.Parallel()
	srv, url := Start(t, unlimited(Options{}))
	// The standard retryer retries 5xx.
	c := ssm.NewFromConfig(fastRetryConfig(t), func(o *ssm.Options) { o.BaseEndpoint = aws.String(url) })
	srv.FailWrite(5, "InternalServerError", 500, true)
	var failed []string
	for i := 1; i <= 8; i++ {
		name := fmt.Sprintf("/pf/VAR%d", i)
		if _, err := put(t, c, name, "v"); err != nil {
			wantErr[*ssmtypes.InternalServerError](t, err)
			failed = append(failed, name)
		}
	}
	if len(failed) != 1 || failed[0] != "/pf/VAR5" {
		t.Fatalf("failed = %v", failed)
	}
	retries := 0
	for _, r := range srv.Requests() {
		if r.Name == "/pf/VAR5" && r.Status == 500 {
			retries++
		}
	}
	if retries != 3 {
		t.Errorf("%d attempts at /pf/VAR5, want the SDK's 3", retries)
	}
	if names := srv.ParameterNames(); len(names) != 7 {
		t.Errorf("stored %v", names)
	}
	srv.ClearFaults()
	must[*ssm.PutParameterOutput](t)(put(t, c, "/pf/VAR5", "v"))
}

func TestFailWriteOnce(t *testing.T) {
	t.Parallel()
	srv, c, sm := start(t, Options{})
	srv.FailWrite(2, "TooManyUpdates", 400, false)
	srv.FailWrite(3, "", 0, false)
	must[*ssm.PutParameterOutput](t)(put(t, c, "/o/A", "v"))
	// Reads do not count.
	must[*ssm.GetParameterOutput](t)(c.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/o/A")}))
	_, err := put(t, c, "/o/B", "v")
	wantErr[*ssmtypes.TooManyUpdates](t, err)
	_, err = sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("o"), SecretString: aws.String("v")})
	wantErr[*smtypes.InternalServiceError](t, err)
	must[*ssm.PutParameterOutput](t)(put(t, c, "/o/B", "v"))
	createSecret(t, sm, "o", "v")
}

func TestFailNext(t *testing.T) {
	t.Parallel()
	srv, c, sm := start(t, Options{})
	srv.FailNext(2, http.StatusServiceUnavailable)
	for range 2 {
		_, err := c.DescribeParameters(ctx, &ssm.DescribeParametersInput{})
		wantCode(t, err, "ServiceUnavailable")
		if httpStatus(t, err) != 503 {
			t.Errorf("status = %d", httpStatus(t, err))
		}
	}
	must[*ssm.DescribeParametersOutput](t)(c.DescribeParameters(ctx, &ssm.DescribeParametersInput{}))

	srv.FailNext(1, 0) // 500
	_, err := sm.ListSecrets(ctx, &secretsmanager.ListSecretsInput{})
	wantErr[*smtypes.InternalServiceError](t, err)
	srv.FailNext(1, 502)
	_, err = c.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/x")})
	wantErr[*ssmtypes.InternalServerError](t, err)
	if httpStatus(t, err) != 502 {
		t.Errorf("status = %d", httpStatus(t, err))
	}

	// The standard retryer retries a 5xx.
	srv.FailNext(1, 500)
	def := ssm.NewFromConfig(fastRetryConfig(t), func(o *ssm.Options) { o.BaseEndpoint = c.Options().BaseEndpoint })
	must[*ssm.DescribeParametersOutput](t)(def.DescribeParameters(ctx, &ssm.DescribeParametersInput{}))

	srv.FailNext(5, 500)
	srv.FailNext(0, 500) // cancels
	must[*ssm.DescribeParametersOutput](t)(c.DescribeParameters(ctx, &ssm.DescribeParametersInput{}))
}
