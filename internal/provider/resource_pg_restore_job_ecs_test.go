package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/leakscan"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/pgrestore"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/pgtest"
)

// ecsFactories are factories whose ECS executor polls quickly.
func ecsFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"heroku2aws": providerserver.NewProtocol6WithError(&heroku2awsProvider{
			version:      "test",
			tweakRestore: func(c *pgrestore.LocalConfig) { c.PollInterval = 50 * time.Millisecond },
			tweakECS: func(c *pgrestore.ECSConfig) {
				c.PollInterval = 50 * time.Millisecond
				c.TaskPollInterval, c.MaxTaskPollInterval = 100*time.Millisecond, 400*time.Millisecond
				c.LogSettle, c.StopWait = 5*time.Second, 30*time.Second
			},
			tweakHeroku: func(c *heroku.Config) {
				c.Retry = heroku.Retry{MaxAttempts: 4, BaseDelay: 5 * time.Millisecond, MaxDelay: 50 * time.Millisecond}
			},
		}),
	}
}

// ecsSandbox starts an AWS sandbox with the task's log group.
func ecsSandbox(t *testing.T) (*awsapi.Server, string) {
	t.Helper()
	srv, url := awsapi.Start(t, awsapi.Options{})
	logs := cloudwatchlogs.NewFromConfig(sdkConfig(), func(o *cloudwatchlogs.Options) { o.BaseEndpoint = aws.String(url) })
	if _, err := logs.CreateLogGroup(context.Background(), &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(ecsLogGroup)}); err != nil {
		t.Fatal(err)
	}
	return srv, url
}

// ecsLeftovers checks what the executor leaves behind: no task running,
// every task definition deregistered, no transient parameter, and no
// secret in any task definition's command or environment.
func ecsLeftovers(srv *awsapi.Server, awsURL string, secrets ...string) error {
	for _, task := range srv.Tasks() {
		if task.LastStatus != awsapi.TaskStopped {
			return fmt.Errorf("task %s is %s", task.ARN, task.LastStatus)
		}
	}
	defs := srv.TaskDefinitions()
	if len(defs) == 0 {
		return fmt.Errorf("no task definition was registered")
	}
	for _, d := range defs {
		if d.Status != "INACTIVE" {
			return fmt.Errorf("task definition %s is %s, want INACTIVE (deregistered)", d.ARN, d.Status)
		}
		for _, c := range d.Containers {
			plain := strings.Join(c.EntryPoint, " ") + strings.Join(c.Command, " ")
			for k, v := range c.Environment {
				plain += "\n" + k + "=" + v
			}
			for _, s := range secrets {
				if s != "" && strings.Contains(plain, s) {
					return fmt.Errorf("task definition %s has a secret in its command or environment", d.ARN)
				}
			}
			if c.Secrets["PGPASSWORD"] == "" {
				return fmt.Errorf("task definition %s does not pass PGPASSWORD as a secret: %v", d.ARN, c.Secrets)
			}
			if c.Secrets["HEROKU2AWS_SOURCE_URL"] == "" && c.Secrets["HEROKU2AWS_SOURCE_SERVICE"] == "" {
				return fmt.Errorf("task definition %s does not pass the source as a secret: %v", d.ARN, c.Secrets)
			}
		}
	}
	out, err := ssmClient(awsURL).GetParametersByPath(context.Background(), &ssm.GetParametersByPathInput{
		Path: aws.String(pgrestore.ParameterPrefix), Recursive: aws.Bool(true),
	})
	if err != nil {
		return err
	}
	if len(out.Parameters) > 0 {
		return fmt.Errorf("transient parameter %s was left behind", aws.ToString(out.Parameters[0].Name))
	}
	return nil
}

// The same Heroku backup restored by both executors: the ECS task restores
// it, verifies it inside the task, and reports exactly what the local
// executor reports; nothing secret is in the task definition, and nothing
// is left running or stored.
func TestAccPGRestoreJob_ecsFidelity(t *testing.T) {
	requireAcc(t)
	src := pgSource(t)
	tgt := pgTarget(t)
	if err := tgt.CreateDatabase(context.Background(), "target_ecs"); err != nil {
		t.Fatal(err)
	}
	f := sampleFixture(t)
	herokuSrv, herokuURL := startSandbox(t, f, herokuapi.Options{})
	if err := herokuSrv.SetAddonDatabase("postgresql-curved-12345", src.URL("app")); err != nil {
		t.Fatal(err)
	}
	awsSrv, awsURL := ecsSandbox(t)
	config := ecsProviderBlock(herokuURL, awsURL) + fmt.Sprintf(`
resource "heroku2aws_pg_restore_job" "local" {
  source {
    heroku_backup {
      app     = "acme-api"
      capture = true
    }
  }
  target_url = %q
  jobs       = 2
}

resource "heroku2aws_pg_restore_job" "ecs" {
  source {
    heroku_backup { app = "acme-api" }
  }
  target_url = %q
  jobs       = 2
`+ecsBlockHCL+`
  depends_on = [heroku2aws_pg_restore_job.local]
}
`, tgt.URL("target"), tgt.URL("target_ecs"), "ephemeral_storage_gib = 21")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: ecsFactories(),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				sandboxCheck(expectRestored(tgt.URL("target_ecs"))),
				everyTableMatches("heroku2aws_pg_restore_job.ecs"),
				statecheck.ExpectKnownValue("heroku2aws_pg_restore_job.ecs", tfjsonpath.New("backup_id"), knownvalue.StringExact("b001")),
				sameResults{"heroku2aws_pg_restore_job.local", "heroku2aws_pg_restore_job.ecs",
					[]string{"backup_id", "bytes_transferred", "tables_restored", "tables", "warnings", "jobs"}},
				sandboxCheck(func(_ *terraform.State) error {
					return ecsLeftovers(awsSrv, awsURL, tgt.Password(), src.Password(), "/_backups/")
				}),
			},
		}},
	})
}

// sameResults compares attributes of two resources in the state.
type sameResults struct {
	a, b  string
	attrs []string
}

func (c sameResults) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	vals := map[string]map[string]any{}
	for _, r := range req.State.Values.RootModule.Resources {
		vals[r.Address] = r.AttributeValues
	}
	a, b := vals[c.a], vals[c.b]
	if a == nil || b == nil {
		resp.Error = fmt.Errorf("%s or %s is not in the state", c.a, c.b)
		return
	}
	for _, k := range c.attrs {
		if !reflect.DeepEqual(a[k], b[k]) {
			resp.Error = fmt.Errorf("%s differs:\n  %s: %v\n  %s: %v", k, c.a, a[k], c.b, b[k])
			return
		}
	}
}

// Each way a task can fail gives a clear error, and leaves no task
// running, no task definition registered and no parameter stored.
func TestAccPGRestoreJob_ecsFailures(t *testing.T) {
	requireAcc(t)
	tgt := pgTarget(t)
	_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	// A dump server that answers 404, and one that never answers.
	missing := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(missing.Close)
	release := make(chan struct{})
	stall := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); stall.Close() })

	cases := []struct {
		name    string
		prepare func(*awsapi.Server)
		dumpURL string
		extra   string
		want    *regexp.Regexp
		stopped bool // the task must have been stopped by StopTask
	}{
		{
			name: "failed start",
			prepare: func(s *awsapi.Server) {
				s.FailNextTaskStart(1, "CannotPullContainerError: pull image manifest has been retried 5 time(s)")
			},
			dumpURL: missing.URL + "/x.dump",
			want:    regexp.MustCompile(`did not start:\s+CannotPullContainerError(.|\n)*ecs\.image`),
		},
		{
			name:    "non-zero exit",
			dumpURL: missing.URL + "/x.dump?token=dump-url-secret",
			want:    regexp.MustCompile(`exited with status 11:\s+downloading the dump failed`),
		},
		{
			name:    "timeout",
			dumpURL: stall.URL + "/slow.dump?token=dump-url-secret",
			extra:   `timeouts = { create = "4s" }`,
			want:    regexp.MustCompile(`create timeout was reached(.|\n)*was stopped`),
			stopped: true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			awsSrv, awsURL := ecsSandbox(t)
			if tc.prepare != nil {
				tc.prepare(awsSrv)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: ecsFactories(),
				Steps: []resource.TestStep{{
					Config: ecsProviderBlock(herokuURL, awsURL) + fmt.Sprintf(`
resource "heroku2aws_pg_restore_job" "db" {
  source { dump_url = %q }
  target_url = %q
  %s
`+ecsBlockHCL+`
}
`, tc.dumpURL, tgt.URL("target"), tc.extra, ""),
					ExpectError: tc.want,
				}},
			})
			if err := ecsLeftovers(awsSrv, awsURL, tgt.Password(), "dump-url-secret"); err != nil {
				t.Fatal(err)
			}
			if tc.stopped {
				tasks := awsSrv.Tasks()
				if len(tasks) != 1 || tasks[0].StopCode != awsapi.StopCodeUserInitiated {
					t.Fatalf("want one task stopped by StopTask, got %+v", tasks)
				}
			}
		})
	}
}

// A Heroku backup larger than the task's ephemeral storage fails the plan,
// naming ecs.ephemeral_storage_gib and the size to set; with that size the
// plan goes through.
func TestAccPGRestoreJob_ecsStoragePlanCheck(t *testing.T) {
	requireAcc(t)
	f := sampleFixture(t)
	for i := range f.Apps {
		for j := range f.Apps[i].Addons {
			if f.Apps[i].Addons[j].Name == "postgresql-curved-12345" {
				f.Apps[i].Addons[j].Backups = []herokuapi.Backup{{Num: 7, SourceBytes: 30 << 30, ProcessedBytes: 6 << 30}}
			}
		}
	}
	_, herokuURL := startSandbox(t, f, herokuapi.Options{})
	awsSrv, awsURL := ecsSandbox(t)
	config := func(storage string) string {
		return ecsProviderBlock(herokuURL, awsURL) + fmt.Sprintf(`
resource "heroku2aws_pg_restore_job" "db" {
  source {
    heroku_backup { app = "acme-api" }
  }
  target_url = "postgres://app:pw@db.internal:5432/app"
`+ecsBlockHCL+`
}
`, storage)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: ecsFactories(),
		Steps: []resource.TestStep{
			{
				Config:      config(""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Backup Larger Than The Task's Storage.*backup b007 is 30\.0 GiB.*20 GiB.*ephemeral_storage_gib\s+to\s+at\s+least\s+37`),
			},
			{
				Config:             config("ephemeral_storage_gib = 40"),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
	if n := len(awsSrv.Tasks()); n != 0 {
		t.Fatalf("a plan started %d tasks", n)
	}
}

// The ECS executor at TF_LOG=trace through the real CLI: the target and
// source passwords and the API key reach the task only through its
// secrets, never the output, the trace log (the SDK's and the task's log
// lines included), the temporary directory or any process's argv.
func TestAccLeakCanary_ecsRestore(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	ctx := context.Background()
	src := pgSource(t)
	tgt := pgtest.StartT(t, pgtest.Options{})
	must(t, tgt.CreateRole(ctx, "migrator", "CANARY-TGTPASS-77d0be", false))
	must(t, tgt.Exec(ctx, "postgres", "CREATE DATABASE target OWNER migrator"))
	_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	awsSrv, awsURL := ecsSandbox(t)
	w := newCLIWorkspace(t, fmt.Sprintf(`
provider "heroku2aws" {
  aws {
    endpoints {
      ecs  = %[1]q
      logs = %[1]q
      ssm  = %[1]q
    }
  }
}
resource "heroku2aws_pg_restore_job" "db" {
  source { database_url = %[2]q }
  target_url = %[3]q
  verify     = "row_counts"
`+ecsBlockHCL+`
}
`, awsURL, src.URLFor(src.Superuser(), src.Password(), "app"), tgt.URLFor("migrator", "CANARY-TGTPASS-77d0be", "target"), ""),
		map[string]string{
			"HEROKU_API_URL": herokuURL, "HEROKU_API_KEY": testAPIKey, "AWS_REGION": "us-east-1",
			"AWS_ACCESS_KEY_ID": sandboxAWSKey, "AWS_SECRET_ACCESS_KEY": "sandbox-secret", "AWS_EC2_METADATA_DISABLED": "true",
		})
	w.scanLeaks(leakscan.Must(
		leakscan.Canary{Label: "the target password", Value: "CANARY-TGTPASS-77d0be"},
		leakscan.Canary{Label: "the source password", Value: src.Password()},
		leakscan.Canary{Label: "the Heroku API key", Value: testAPIKey},
	), true) // target_url and database_url are sensitive arguments: state holds them by design
	w.mustRun("apply", "-auto-approve")
	w.mustRun("plan", "-detailed-exitcode")
	if err := ecsLeftovers(awsSrv, awsURL, "CANARY-TGTPASS-77d0be", src.Password()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.read("trace.log"), "pg restore job task: HEROKU2AWS_PHASE restore finished") {
		t.Error("the task's log lines did not reach the trace log")
	}
}
