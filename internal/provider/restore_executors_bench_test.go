package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/pgtest"
)

// BenchmarkRestoreExecutors restores the demo database (`make demo`'s: the
// sample schemas, citext in heroku_ext, a non-superuser target) from the
// same Heroku backup with both executors, each through `terraform apply`
// of the real provider binary with its production poll intervals, and
// reports the median apply wall time of each and their ratio. It also
// checks that both report the same result (tables, rows, bytes, warnings).
//
// The sandbox starts a task in about 0.1 s; Fargate's own provisioning
// and image pull (typically 30-90 s) are not simulated, so ecs-s is the
// orchestration's cost, not a Fargate forecast. HEROKU2AWS_BENCH_RUNS sets
// the runs per executor (default 3).
func BenchmarkRestoreExecutors(b *testing.B) {
	if _, err := pgtest.BinDir(); err != nil {
		b.Skip("PostgreSQL server binaries not found")
	}
	runs := envInt("HEROKU2AWS_BENCH_RUNS", 3)
	ctx := context.Background()

	src := pgtest.StartT(b, pgtest.Options{})
	must(b, src.CreateRole(ctx, pgtest.DemoSourceRole, "bench-source-pw", false))
	must(b, src.Exec(ctx, "postgres", "CREATE DATABASE "+pgtest.DemoSourceDB+" OWNER "+pgtest.DemoSourceRole))
	must(b, src.Exec(ctx, pgtest.DemoSourceDB, pgtest.DemoSourceSQL))
	tgt := pgtest.StartT(b, pgtest.Options{})
	must(b, tgt.CreateRole(ctx, "migrator", "bench-target-pw", false))

	f := sampleFixture(b)
	f.APIKey = testAPIKey
	srv, herokuURL := herokuapi.Start(b, f, herokuapi.Options{})
	must(b, srv.SetAddonDatabase("postgresql-curved-12345", src.URLFor(pgtest.DemoSourceRole, "bench-source-pw", pgtest.DemoSourceDB)))
	_, awsURL := awsapi.Start(b, awsapi.Options{})
	logs := cloudwatchlogs.NewFromConfig(sdkConfig(), func(o *cloudwatchlogs.Options) { o.BaseEndpoint = aws.String(awsURL) })
	_, err := logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(ecsLogGroup)})
	must(b, err)
	env := map[string]string{
		"TF_LOG": "", "TMPDIR": b.TempDir(),
		"AWS_ACCESS_KEY_ID": sandboxAWSKey, "AWS_SECRET_ACCESS_KEY": "sandbox-secret", "AWS_EC2_METADATA_DISABLED": "true",
	}

	n := 0
	apply := func(executor string, capture bool) (time.Duration, map[string]any) {
		n++
		db := fmt.Sprintf("%s_%d", executor, n)
		must(b, tgt.Exec(ctx, "postgres", "CREATE DATABASE "+db+" OWNER migrator"))
		block := ""
		if executor == executorECS {
			block = fmt.Sprintf(ecsBlockHCL, "")
		}
		w := newCLIWorkspace(b, ecsProviderBlock(herokuURL, awsURL)+fmt.Sprintf(`
resource "heroku2aws_pg_restore_job" "db" {
  source {
    heroku_backup {
      app     = "acme-api"
      capture = %t
    }
  }
  target_url = %q
  jobs       = 2
  %s
}
`, capture, tgt.URLFor("migrator", "bench-target-pw", db), block), env)
		start := time.Now()
		w.mustRun("apply", "-auto-approve")
		took := time.Since(start)
		var state struct {
			Values struct {
				RootModule struct {
					Resources []struct {
						Values map[string]any `json:"values"`
					} `json:"resources"`
				} `json:"root_module"`
			} `json:"values"`
		}
		must(b, json.Unmarshal([]byte(w.mustRun("show", "-json")), &state))
		res := state.Values.RootModule.Resources
		if len(res) != 1 {
			b.Fatalf("%d resources in the state", len(res))
		}
		return took, res[0].Values
	}
	apply(executorLocal, true) // the backup both restore, and a warm cache

	var local, ecs []time.Duration
	for i := 0; i < b.N; i++ {
		for run := 0; run < runs; run++ {
			dl, vl := apply(executorLocal, false)
			de, ve := apply(executorECS, false)
			for _, k := range []string{"backup_id", "bytes_transferred", "tables_restored", "tables", "warnings"} {
				if !reflect.DeepEqual(vl[k], ve[k]) {
					b.Fatalf("%s differs: local %v, ecs %v", k, vl[k], ve[k])
				}
			}
			local, ecs = append(local, dl), append(ecs, de)
		}
	}
	ml, me := median(local), median(ecs)
	b.ReportMetric(ml.Seconds(), "local-s")
	b.ReportMetric(me.Seconds(), "ecs-s")
	b.ReportMetric(me.Seconds()/ml.Seconds(), "ecs/local")
	b.Logf("demo database, medians of %d applies each: local %v, ecs %v (ecs/local %.2f); both reported the same tables, rows, bytes and warnings",
		runs, ml.Round(time.Millisecond), me.Round(time.Millisecond), me.Seconds()/ml.Seconds())
}
