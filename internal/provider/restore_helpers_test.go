package provider

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/pgtest"
)

// This file holds the plumbing the pg_restore_job tests share (the
// acceptance tests, the CLI tests, the fault matrix and the benchmarks):
// PostgreSQL clusters and dumps, restore configurations, and the provider
// and ecs blocks for the ECS executor.

// pgSource starts a cluster with the fidelity database "app".
func pgSource(t *testing.T) *pgtest.Cluster {
	t.Helper()
	src := pgtest.StartT(t, pgtest.Options{})
	ctx := context.Background()
	if err := src.CreateDatabase(ctx, "app"); err != nil {
		t.Fatal(err)
	}
	if err := src.Exec(ctx, "app", pgtest.FidelitySQL); err != nil {
		t.Fatal(err)
	}
	return src
}

// pgTarget starts a cluster with an empty database "target".
func pgTarget(t *testing.T) *pgtest.Cluster {
	t.Helper()
	tgt := pgtest.StartT(t, pgtest.Options{})
	if err := tgt.CreateDatabase(context.Background(), "target"); err != nil {
		t.Fatal(err)
	}
	return tgt
}

func restoreConfig(source, target string, extra string) string {
	return fmt.Sprintf(`
resource "heroku2aws_pg_restore_job" "db" {
  source {
    %s
  }
  target_url = %q
  %s
}
`, source, target, extra)
}

// dumpDB writes a custom-format dump of a cluster database, the way
// `heroku pg:backups:download` leaves one.
func dumpDB(t *testing.T, c *pgtest.Cluster, db, file string) {
	t.Helper()
	cmd := exec.Command("pg_dump", "-Fc", "-f", file, "-d",
		fmt.Sprintf("host=127.0.0.1 port=%d user=%s dbname=%s", c.Port(), c.Superuser(), db))
	cmd.Env = append(os.Environ(), "PGPASSWORD="+c.Password()) // the test's own tool run
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
}

// pgChildren returns the command lines of running pg_dump and pg_restore
// processes that work under dir (their files are there).
func pgChildren(dir string) []string {
	var out []string
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		data, err := os.ReadFile(p)
		if err != nil || len(data) == 0 {
			continue
		}
		argv := strings.Split(strings.TrimRight(string(data), "\x00"), "\x00")
		base := filepath.Base(argv[0])
		if (base == "pg_dump" || base == "pg_restore") && strings.Contains(string(data), dir) {
			out = append(out, strings.Join(argv, " "))
		}
	}
	return out
}

func download(url, file string) error {
	resp, err := http.Get(url) //nolint:gosec // the sandbox's presigned URL
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("download: %s", resp.Status)
	}
	out, err := os.OpenFile(file, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, resp.Body); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

const ecsLogGroup = "/heroku2aws/pg-restore"

// ecsProviderBlock configures the provider for a Heroku and an AWS sandbox,
// every AWS service of the provider included (ECS and CloudWatch Logs).
func ecsProviderBlock(herokuURL, awsURL string) string {
	return fmt.Sprintf(`
provider "heroku2aws" {
  heroku_api_url      = %[1]q
  heroku_data_api_url = %[1]q
  heroku_api_key      = %[2]q
  aws {
    region = "us-east-1"
    endpoints {
      ssm            = %[3]q
      secretsmanager = %[3]q
      route53        = %[3]q
      ecs            = %[3]q
      logs           = %[3]q
    }
  }
}
`, herokuURL, testAPIKey, awsURL)
}

// ecsBlockHCL is a valid ecs block for the sandbox.
const ecsBlockHCL = `
  executor = "ecs"
  ecs {
    cluster            = "migration"
    subnets            = ["subnet-0123456789abcdef0"]
    security_groups    = ["sg-0123456789abcdef0"]
    execution_role_arn = "arn:aws:iam::123456789012:role/heroku2aws-restore-execution"
    image              = "postgres:15"
    %s
  }
`
