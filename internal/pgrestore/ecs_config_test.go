package pgrestore

import (
	"strings"
	"testing"
)

func validECSTask() ECSTask {
	return ECSTask{
		Cluster: "migration", Subnets: []string{"subnet-0123456789abcdef0"},
		ExecutionRoleARN: "arn:aws:iam::123456789012:role/exec",
	}
}

func TestValidateECS(t *testing.T) {
	job := Job{Source: Source{DumpURL: "https://example.com/x.dump"}, TargetURL: "postgres://u:p@db:5432/app",
		Options: DefaultOptions()}
	if ps := ValidateECS(job, validECSTask()); len(ps) != 0 {
		t.Fatalf("a valid job: %v", ps)
	}
	cases := []struct {
		name string
		edit func(*Job, *ECSTask)
		attr string
		want string
	}{
		{"dump_file", func(j *Job, _ *ECSTask) { j.Source = Source{DumpFile: "/tmp/x.dump"} }, "source.dump_file", "cannot read a file on this machine"},
		{"schemas", func(j *Job, _ *ECSTask) { j.Options.Schemas = []string{"public"} }, "schemas", "dependency graph"},
		{"exclude_schemas", func(j *Job, _ *ECSTask) { j.Options.ExcludeSchemas = []string{"x"} }, "exclude_schemas", "dependency graph"},
		{"exclude_tables", func(j *Job, _ *ECSTask) { j.Options.ExcludeTables = []string{"x"} }, "exclude_tables", "dependency graph"},
		{"remap", func(j *Job, _ *ECSTask) { j.Options.HerokuExt = HerokuExtRemap }, "heroku_ext", "remap"},
		{"checksums", func(j *Job, _ *ECSTask) { j.Options.Verify = VerifyChecksums }, "verify", "row_counts"},
		{"pg_bin_dir", func(j *Job, _ *ECSTask) { j.Options.PGBinDir = "/usr/bin" }, "pg_bin_dir", "ecs.image"},
		{"extension", func(j *Job, _ *ECSTask) { j.Options.Extensions = []string{"PostGIS"} }, "extensions", "lower-case"},
		{"no password", func(j *Job, _ *ECSTask) { j.TargetURL = "postgres://u@db/app" }, "target_url", "target_password_secret"},
		{"no cluster", func(_ *Job, t *ECSTask) { t.Cluster = "" }, "ecs.cluster", "Set ecs.cluster"},
		{"bad cluster arn", func(_ *Job, t *ECSTask) { t.Cluster = "arn:aws:iam::123456789012:role/x" }, "ecs.cluster", "cluster ARN"},
		{"no subnets", func(_ *Job, t *ECSTask) { t.Subnets = nil }, "ecs.subnets", "one or more subnets"},
		{"bad subnet", func(_ *Job, t *ECSTask) { t.Subnets = []string{"sn-1"} }, "ecs.subnets", "subnet-0123456789abcdef0"},
		{"bad sg", func(_ *Job, t *ECSTask) { t.SecurityGroups = []string{"default"} }, "ecs.security_groups", "sg-"},
		{"no exec role", func(_ *Job, t *ECSTask) { t.ExecutionRoleARN = "" }, "ecs.execution_role_arn", "execution role"},
		{"bad task role", func(_ *Job, t *ECSTask) { t.TaskRoleARN = "role/x" }, "ecs.task_role_arn", "IAM role ARN"},
		{"bad secret", func(_ *Job, t *ECSTask) { t.TargetPasswordSecret = "my-secret" }, "ecs.target_password_secret", ":password::"},
		{"bad cpu", func(_ *Job, t *ECSTask) { t.CPU = 1000 }, "ecs.cpu", "256, 512"},
		{"bad memory", func(_ *Job, t *ECSTask) { t.CPU, t.Memory = 256, 4096 }, "ecs.memory", "512, 1024, 2048"},
		{"bad storage", func(_ *Job, t *ECSTask) { t.EphemeralStorageGiB = 20 }, "ecs.ephemeral_storage_gib", "between 21 and 200"},
		{"bad log group", func(_ *Job, t *ECSTask) { t.LogGroup = "a b" }, "ecs.log_group", "log group name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			j, task := job, validECSTask()
			tc.edit(&j, &task)
			ps := ValidateECS(j, task)
			if len(ps) != 1 || ps[0].Attribute != tc.attr || !strings.Contains(ps[0].Summary+" "+ps[0].Detail, tc.want) {
				t.Fatalf("got %+v, want one problem on %s containing %q", ps, tc.attr, tc.want)
			}
		})
	}
	// Secrets Manager (with a JSON key) and SSM ARNs are both accepted.
	for _, arn := range []string{
		"arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1a2b-AbCdEf:password::",
		"arn:aws:ssm:us-east-1:123456789012:parameter/app/db-password",
	} {
		task := validECSTask()
		task.TargetPasswordSecret = arn
		j := job
		j.TargetURL = "postgres://u@db/app"
		if ps := ValidateECS(j, task); len(ps) != 0 {
			t.Errorf("%s: %v", arn, ps)
		}
	}
}

func TestCheckStorage(t *testing.T) {
	task := validECSTask()
	if err := CheckStorage("b001", 20<<30, task); err != nil {
		t.Fatalf("exactly 20 GiB fits: %v", err)
	}
	err := CheckStorage("b001", 20<<30+1, task)
	if err == nil || !strings.Contains(err.Error(), "at least 26") {
		t.Fatalf("got %v, want a suggestion of 26 GiB", err)
	}
	task.EphemeralStorageGiB = 200
	if err := CheckStorage("b001", 150<<30, task); err != nil {
		t.Fatal(err)
	}
	err = CheckStorage("b001", 300<<30, task)
	if err == nil || !strings.Contains(err.Error(), `executor = "local"`) {
		t.Fatalf("got %v, want the advice to run locally", err)
	}
	if CheckStorage("b001", 0, task) != nil {
		t.Fatal("an unknown size passes")
	}
}
