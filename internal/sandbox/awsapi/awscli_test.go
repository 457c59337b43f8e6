package awsapi

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// awsCLI returns a runner of the aws CLI against the sandbox at url, or
// skips the test when the CLI is not installed. The runner returns the
// parsed JSON output; with want set, it expects a failure whose output
// contains want.
func awsCLI(t *testing.T, url string) func(want string, args ...string) map[string]any {
	t.Helper()
	bin, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws CLI not on PATH")
	}
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
	return func(want string, args ...string) map[string]any {
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
}

// TestAWSCLI drives the sandbox with the aws CLI (botocore), when it is
// installed: another client than aws-sdk-go-v2 must accept every answer.
func TestAWSCLI(t *testing.T) {
	t.Parallel()
	srv, url := Start(t, Options{})
	awsCLI := awsCLI(t, url)

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

// TestAWSCLIRoute53 drives Route 53 with the aws CLI: botocore parses the
// REST-XML answers, pages with its own paginator and reads the errors.
func TestAWSCLIRoute53(t *testing.T) {
	t.Parallel()
	srv, url := Start(t, Options{Route53TPS: -1})
	awsCLI := awsCLI(t, url)

	out := awsCLI("", "route53", "create-hosted-zone", "--name", "acme.com", "--caller-reference", "cli-1")
	hz, _ := out["HostedZone"].(map[string]any)
	zoneID, _ := hz["Id"].(string)
	ds, _ := out["DelegationSet"].(map[string]any)
	if !strings.HasPrefix(zoneID, "/hostedzone/Z") || hz["Name"] != "acme.com." || out["Location"] == nil || len(ds["NameServers"].([]any)) != 4 {
		t.Fatalf("create-hosted-zone: %v", out)
	}
	awsCLI("HostedZoneAlreadyExists", "route53", "create-hosted-zone", "--name", "acme.com", "--caller-reference", "cli-1")

	batch := filepath.Join(t.TempDir(), "batch.json")
	if err := os.WriteFile(batch, []byte(`{
  "Comment": "weighted pair",
  "Changes": [
    {"Action": "CREATE", "ResourceRecordSet": {"Name": "api.acme.com", "Type": "CNAME", "SetIdentifier": "heroku", "Weight": 90, "TTL": 60,
      "ResourceRecords": [{"Value": "acme-api.herokudns.com"}]}},
    {"Action": "CREATE", "ResourceRecordSet": {"Name": "api.acme.com", "Type": "CNAME", "SetIdentifier": "aws", "Weight": 10, "TTL": 60,
      "ResourceRecords": [{"Value": "alb-1.us-east-1.elb.amazonaws.com"}]}},
    {"Action": "UPSERT", "ResourceRecordSet": {"Name": "acme.com", "Type": "A",
      "AliasTarget": {"HostedZoneId": "Z35SXDOTRQ7X7K", "DNSName": "alb-1.us-east-1.elb.amazonaws.com", "EvaluateTargetHealth": true}}}
  ]
}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out = awsCLI("", "route53", "change-resource-record-sets", "--hosted-zone-id", zoneID, "--change-batch", "file://"+batch)
	info, _ := out["ChangeInfo"].(map[string]any)
	changeID, _ := info["Id"].(string)
	if !strings.HasPrefix(changeID, "/change/C") || info["Status"] != "PENDING" || info["Comment"] != "weighted pair" || info["SubmittedAt"] == nil {
		t.Fatalf("change-resource-record-sets: %v", out)
	}
	out = awsCLI("", "route53", "get-change", "--id", changeID)
	if info, _ := out["ChangeInfo"].(map[string]any); info["Status"] != "INSYNC" {
		t.Errorf("get-change: %v", out)
	}
	awsCLI("NoSuchChange", "route53", "get-change", "--id", "/change/CNONE")

	// The CLI pages itself, one record set per request.
	out = awsCLI("", "route53", "list-resource-record-sets", "--hosted-zone-id", zoneID, "--page-size", "1")
	sets, _ := out["ResourceRecordSets"].([]any)
	var got []string
	for _, x := range sets {
		m, _ := x.(map[string]any)
		id, _ := m["SetIdentifier"].(string)
		got = append(got, m["Name"].(string)+" "+m["Type"].(string)+" "+id)
	}
	if strings.Join(got, ",") != "acme.com. A ,acme.com. NS ,acme.com. SOA ,api.acme.com. CNAME aws,api.acme.com. CNAME heroku" {
		t.Errorf("list-resource-record-sets: %q", got)
	}
	if m, _ := sets[0].(map[string]any); m["AliasTarget"] == nil || m["TTL"] != nil {
		t.Errorf("alias: %v", m)
	}
	if m, _ := sets[4].(map[string]any); m["Weight"] != 90.0 || m["TTL"] != 60.0 {
		t.Errorf("weighted: %v", m)
	}

	// Errors show Route 53's code and text.
	awsCLI("An error occurred (InvalidChangeBatch) when calling the ChangeResourceRecordSets operation: [Tried to create resource record set [name='api.acme.com.', type='CNAME', set-identifier='heroku'] but it already exists",
		"route53", "change-resource-record-sets", "--hosted-zone-id", zoneID, "--change-batch", "file://"+batch)
	awsCLI("(InvalidInput)", "route53", "change-resource-record-sets", "--hosted-zone-id", zoneID, "--change-batch",
		`{"Changes":[{"Action":"CREATE","ResourceRecordSet":{"Name":"x.acme.com","Type":"A","TTL":60}}]}`)
	awsCLI("NoSuchHostedZone", "route53", "get-hosted-zone", "--id", "ZNONE")

	out = awsCLI("", "route53", "list-hosted-zones-by-name", "--dns-name", "acme.com")
	if zones, _ := out["HostedZones"].([]any); len(zones) != 1 || out["IsTruncated"] != false {
		t.Errorf("list-hosted-zones-by-name: %v", out)
	}
	if len(srv.RecordSets(zoneID)) != 5 {
		t.Errorf("record sets: %+v", srv.RecordSets(zoneID))
	}
}
