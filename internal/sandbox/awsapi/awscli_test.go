package awsapi

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAWSCLI drives the sandbox with the aws CLI (botocore), when it is
// installed: another client than aws-sdk-go-v2 must accept every answer.
func TestAWSCLI(t *testing.T) {
	t.Parallel()
	bin, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws CLI not on PATH")
	}
	srv, url := Start(t, Options{})
	home := t.TempDir()
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"AWS_CONFIG_FILE=" + filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
		"AWS_ACCESS_KEY_ID=sandbox",
		"AWS_SECRET_ACCESS_KEY=sandbox",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
	}
	if v := os.Getenv("PYENV_ROOT"); v != "" { // the pyenv shim needs it
		env = append(env, "PYENV_ROOT="+v)
	}
	awsCLI := func(want string, args ...string) map[string]any {
		t.Helper()
		cmd := exec.CommandContext(ctx, bin, append([]string{"--endpoint-url", url, "--region", "us-east-1", "--output", "json"}, args...)...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if want != "" {
			if err == nil || !strings.Contains(string(out), want) {
				t.Fatalf("aws %s: %v, want failure %q; output:\n%s", strings.Join(args, " "), err, want, out)
			}
			return nil
		}
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		var m map[string]any
		if len(strings.TrimSpace(string(out))) > 0 {
			if err := json.Unmarshal(out, &m); err != nil {
				t.Fatalf("aws %s: output is not JSON: %v\n%s", strings.Join(args, " "), err, out)
			}
		}
		return m
	}

	out := awsCLI("", "ssm", "put-parameter", "--name", "/cli/prod/NODE_ENV", "--value", "production", "--type", "String")
	if out["Version"] != 1.0 || out["Tier"] != "Standard" {
		t.Errorf("put-parameter: %v", out)
	}
	awsCLI("", "ssm", "put-parameter", "--name", "/cli/prod/db/PASSWORD", "--value", "hunter2", "--type", "SecureString")
	out = awsCLI("", "ssm", "get-parameter", "--name", "/cli/prod/NODE_ENV")
	p, _ := out["Parameter"].(map[string]any)
	if p["Value"] != "production" || p["ARN"] != "arn:aws:ssm:us-east-1:123456789012:parameter/cli/prod/NODE_ENV" || p["LastModifiedDate"] == nil {
		t.Errorf("get-parameter: %v", out)
	}
	out = awsCLI("", "ssm", "get-parameters-by-path", "--path", "/cli/prod", "--recursive", "--with-decryption")
	params, _ := out["Parameters"].([]any)
	values := map[string]any{}
	for _, x := range params {
		m, _ := x.(map[string]any)
		values[m["Name"].(string)] = m["Value"]
	}
	if len(values) != 2 || values["/cli/prod/db/PASSWORD"] != "hunter2" {
		t.Errorf("get-parameters-by-path: %v", out)
	}
	awsCLI("ParameterNotFound", "ssm", "get-parameter", "--name", "/cli/missing")
	awsCLI("ParameterAlreadyExists", "ssm", "put-parameter", "--name", "/cli/prod/NODE_ENV", "--value", "x", "--type", "String")

	out = awsCLI("", "secretsmanager", "create-secret", "--name", "cli/app", "--secret-string", `{"A":"1"}`)
	if arn, _ := out["ARN"].(string); !secretARN.MatchString(arn) || out["VersionId"] == nil {
		t.Errorf("create-secret: %v", out)
	}
	out = awsCLI("", "secretsmanager", "get-secret-value", "--secret-id", "cli/app")
	if out["SecretString"] != `{"A":"1"}` || out["CreatedDate"] == nil {
		t.Errorf("get-secret-value: %v", out)
	}
	awsCLI("ResourceNotFoundException", "secretsmanager", "get-secret-value", "--secret-id", "cli/none")

	// The CLI passed no value into the request log.
	for _, r := range srv.Requests() {
		if strings.Contains(r.Name, "hunter2") {
			t.Errorf("request log holds a value: %+v", r)
		}
		if r.Attempt != 0 && r.Attempt != 1 {
			t.Errorf("unexpected retry: %+v", r)
		}
	}
}
