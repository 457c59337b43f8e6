package pgrestore

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/problem"
)

// The ECS executor runs the job in a one-off Fargate task inside the
// target's VPC (package ecsjob holds the script and its log protocol);
// this process only orchestrates: it picks (or captures) the Heroku
// backup, hands the task its secrets through the task definition, runs
// and watches the task, and reads the result back from CloudWatch Logs.

// ECSAPI is the part of the ECS API the executor calls (*ecs.Client).
type ECSAPI interface {
	RegisterTaskDefinition(ctx context.Context, in *ecs.RegisterTaskDefinitionInput, opts ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error)
	DeregisterTaskDefinition(ctx context.Context, in *ecs.DeregisterTaskDefinitionInput, opts ...func(*ecs.Options)) (*ecs.DeregisterTaskDefinitionOutput, error)
	RunTask(ctx context.Context, in *ecs.RunTaskInput, opts ...func(*ecs.Options)) (*ecs.RunTaskOutput, error)
	DescribeTasks(ctx context.Context, in *ecs.DescribeTasksInput, opts ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error)
	StopTask(ctx context.Context, in *ecs.StopTaskInput, opts ...func(*ecs.Options)) (*ecs.StopTaskOutput, error)
}

// LogsAPI is the part of CloudWatch Logs the executor calls.
type LogsAPI interface {
	GetLogEvents(ctx context.Context, in *cloudwatchlogs.GetLogEventsInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.GetLogEventsOutput, error)
}

// ParameterAPI is the part of SSM the executor calls, for the transient
// SecureString parameters that carry secrets into the task.
type ParameterAPI interface {
	PutParameter(ctx context.Context, in *ssm.PutParameterInput, opts ...func(*ssm.Options)) (*ssm.PutParameterOutput, error)
	DeleteParameter(ctx context.Context, in *ssm.DeleteParameterInput, opts ...func(*ssm.Options)) (*ssm.DeleteParameterOutput, error)
}

// Fargate defaults and names.
const (
	DefaultECSCPU    = 1024 // task CPU units (1 vCPU)
	DefaultECSMemory = 4096 // MiB
	// DefaultEphemeralStorageGiB is what a Fargate task has when its task
	// definition sets no ephemeralStorage.
	DefaultEphemeralStorageGiB = 20
	MinEphemeralStorageGiB     = 21
	MaxEphemeralStorageGiB     = 200
	DefaultLogGroup            = "/heroku2aws/pg-restore"
	// ParameterPrefix is where the executor writes its transient SSM
	// parameters: <prefix>/<run id>/source and /target-password. The
	// execution role needs ssm:GetParameters on it.
	ParameterPrefix = "/heroku2aws/pg-restore"
	// TaskFamily is the family of the transient task definitions; each run
	// registers a revision and deregisters it when the task has stopped.
	TaskFamily = "heroku2aws-pg-restore"
	// ContainerName is the task's only container.
	ContainerName = "pg-restore"
	// LogStreamPrefix is the awslogs-stream-prefix: the task's stream is
	// <prefix>/<container>/<task id>.
	LogStreamPrefix = "heroku2aws"
	startedBy       = "heroku2aws"
)

// ECSTask is where and how the task runs: the ecs block of the resource.
type ECSTask struct {
	Cluster          string
	Subnets          []string
	SecurityGroups   []string
	AssignPublicIP   bool
	TaskRoleARN      string
	ExecutionRoleARN string
	// Image defaults to ecsjob.DefaultImage.
	Image string
	// CPU (units) and Memory (MiB) default to DefaultECSCPU and
	// DefaultECSMemory; together they must be a Fargate size.
	CPU, Memory int
	// EphemeralStorageGiB is 0 (Fargate's 20 GiB) or 21..200.
	EphemeralStorageGiB int
	// LogGroup must exist; default DefaultLogGroup.
	LogGroup string
	// TargetPasswordSecret is the ARN of a Secrets Manager secret (with
	// an optional ":json-key::" suffix, as ECS takes it) or of an SSM
	// parameter holding the target's password. Empty: the executor writes
	// the password of target_url into a transient SecureString parameter.
	TargetPasswordSecret string
}

// StorageGiB is the task's ephemeral storage in GiB.
func (t ECSTask) StorageGiB() int {
	if t.EphemeralStorageGiB == 0 {
		return DefaultEphemeralStorageGiB
	}
	return t.EphemeralStorageGiB
}

// VCPUs is the task's vCPU count, at least 1: the default pg_restore
// --jobs of an ECS run.
func (t ECSTask) VCPUs() int {
	cpu := t.CPU
	if cpu == 0 {
		cpu = DefaultECSCPU
	}
	return max(cpu/1024, 1)
}

func (t ECSTask) withDefaults() ECSTask {
	if t.CPU == 0 {
		t.CPU = DefaultECSCPU
	}
	if t.Memory == 0 {
		t.Memory = DefaultECSMemory
	}
	if t.LogGroup == "" {
		t.LogGroup = DefaultLogGroup
	}
	return t
}

// ECSConfig configures the ECS executor.
type ECSConfig struct {
	// Heroku is needed for heroku_backup sources.
	Heroku HerokuData
	ECS    ECSAPI
	Logs   LogsAPI
	SSM    ParameterAPI
	// Region is the awslogs-region of the task's log configuration.
	Region string
	Task   ECSTask
	// RunID names the transient parameters; default a random id.
	RunID string

	// PollInterval is the wait between Heroku transfer polls while a
	// backup is captured; default 3s.
	PollInterval time.Duration
	// TaskPollInterval is the first wait between DescribeTasks calls; it
	// grows by half each time up to MaxTaskPollInterval (defaults 2s and
	// 15s: DescribeTasks shares ECS's read quota with everything else in
	// the account).
	TaskPollInterval, MaxTaskPollInterval time.Duration
	// StopWait bounds the wait for STOPPED after StopTask; default 2m.
	StopWait time.Duration
	// LogSettle bounds the wait for the task's last log lines after it
	// stopped (CloudWatch Logs ingests with a delay); default 30s.
	LogSettle time.Duration
	// Clock as in LocalConfig.
	Clock clock.Clock
	// Logger as in LocalConfig; it also receives each line of the task's
	// log (redacted), at debug level, as "pg restore job task: <line>".
	Logger *slog.Logger
	// ProgressInterval as in LocalConfig; default 2s.
	ProgressInterval time.Duration
}

var (
	arnRE             = regexp.MustCompile(`^arn:aws[a-z-]*:([a-z0-9-]+):[a-z0-9-]*:(\d{12})?:(.+)$`)
	logGroupRE        = regexp.MustCompile(`^[.\-_/#A-Za-z0-9]{1,512}$`)
	ecsExtensionRE    = regexp.MustCompile(`^[a-z0-9_-]{1,63}$`)
	subnetRE          = regexp.MustCompile(`^subnet-[0-9a-f]{8,17}$`)
	securityGroupRE   = regexp.MustCompile(`^sg-[0-9a-f]{8,17}$`)
	clusterNameRE     = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)
	fargateMemoryByVC = map[int][]int{}
)

func init() {
	// Fargate's task sizes (CPU units → allowed memory in MiB).
	span := func(cpu, from, to, step int) {
		for m := from; m <= to; m += step {
			fargateMemoryByVC[cpu] = append(fargateMemoryByVC[cpu], m)
		}
	}
	fargateMemoryByVC[256] = []int{512, 1024, 2048}
	span(512, 1024, 4096, 1024)
	span(1024, 2048, 8192, 1024)
	span(2048, 4096, 16384, 1024)
	span(4096, 8192, 30720, 1024)
	span(8192, 16384, 61440, 4096)
	span(16384, 32768, 122880, 8192)
}

// ValidateECS checks what the ECS executor needs beyond Validate: the ecs
// block, and the options a shell job in a stock image cannot honour.
// Attribute paths are relative to the resource ("ecs.cpu").
func ValidateECS(job Job, t ECSTask) problem.List {
	var out problem.List
	errorf := func(attr, summary, format string, args ...any) {
		out = append(out, problem.Errorf(attr, summary, format, args...))
	}
	unsupported := func(attr, why string) {
		errorf(attr, "Not Supported With executor = \"ecs\"", "%s The ecs executor runs a shell job in a stock "+
			"PostgreSQL image; use executor = \"local\" for this.", why)
	}
	if job.Source.DumpFile != "" {
		unsupported("source.dump_file", "The Fargate task cannot read a file on this machine: upload the dump and use "+
			"source.dump_url, or")
	}
	if len(job.Options.Schemas) > 0 {
		unsupported("schemas", "Selecting schemas needs the archive's dependency graph, which only the local executor reads.")
	}
	if len(job.Options.ExcludeSchemas) > 0 {
		unsupported("exclude_schemas", "Excluding schemas needs the archive's dependency graph, which only the local executor reads.")
	}
	if len(job.Options.ExcludeTables) > 0 {
		unsupported("exclude_tables", "Excluding tables (with their indexes, constraints and views) needs the archive's "+
			"dependency graph, which only the local executor reads.")
	}
	if job.Options.HerokuExt == HerokuExtRemap {
		unsupported("heroku_ext", `heroku_ext = "remap" moves extensions after the restore; in the task heroku_ext is kept as on Heroku ("create").`)
	}
	if job.Options.Verify == VerifyChecksums {
		unsupported("verify", `Checksums are computed from the archive by the provider; the task verifies row_counts.`)
	}
	if job.Options.PGBinDir != "" {
		unsupported("pg_bin_dir", "The task uses the pg tools of its image (ecs.image), not a directory on this machine.")
	}
	for _, e := range job.Options.Extensions {
		if !ecsExtensionRE.MatchString(e) {
			errorf("extensions", "Invalid Extension Name",
				"With executor = \"ecs\", extension names are lower-case letters, digits, _ and - (as in pg_available_extensions); got %q.", e)
		}
	}
	if d, err := parseDBURL(job.TargetURL); err == nil {
		if !d.hasPass && t.TargetPasswordSecret == "" {
			errorf("target_url", "Missing Target Password",
				"target_url has no password and ecs.target_password_secret is not set: the task would have no way to log in. "+
					"Put the password in target_url (the provider passes it to the task through a transient SecureString "+
					"parameter), or set ecs.target_password_secret to the ARN of a secret that holds it.")
		}
		if strings.ContainsAny(d.dbname, "= ") || strings.Contains(d.dbname, "://") {
			errorf("target_url", "Invalid Database Name", "The target database name must not contain '=', spaces or '://'.")
		}
		if strings.ContainsAny(d.host, ",") {
			errorf("target_url", "Invalid Target Host", "Name one target host.")
		}
	}
	if d, err := parseDBURL(job.Source.DatabaseURL); job.Source.DatabaseURL != "" && err == nil {
		for _, v := range []string{d.host, d.port, d.dbname, d.user, d.password} {
			if strings.ContainsAny(v, "\r\n") {
				errorf("source.database_url", "Invalid Source URL", "A part of source.database_url contains a line break.")
				break
			}
		}
	}
	out = append(out, t.validate()...)
	return out
}

func (t ECSTask) validate() problem.List {
	var out problem.List
	errorf := func(attr, summary, format string, args ...any) {
		out = append(out, problem.Errorf(attr, summary, format, args...))
	}
	if c := t.Cluster; c == "" {
		errorf("ecs.cluster", "Missing ECS Cluster", "Set ecs.cluster to the name or ARN of the cluster the task runs in.")
	} else if m := arnRE.FindStringSubmatch(c); m != nil {
		if m[1] != "ecs" || !strings.HasPrefix(m[3], "cluster/") {
			errorf("ecs.cluster", "Invalid ECS Cluster", "ecs.cluster must be a cluster name or an ECS cluster ARN (arn:aws:ecs:REGION:ACCOUNT:cluster/NAME); got %q.", c)
		}
	} else if !clusterNameRE.MatchString(c) {
		errorf("ecs.cluster", "Invalid ECS Cluster", "A cluster name is up to 255 letters, digits, - and _; got %q.", c)
	}
	if len(t.Subnets) == 0 {
		errorf("ecs.subnets", "Missing Subnets", "Set ecs.subnets to one or more subnets of the target's VPC from which the task can reach the database (and the internet or VPC endpoints).")
	}
	if len(t.Subnets) > 16 {
		errorf("ecs.subnets", "Too Many Subnets", "A task takes at most 16 subnets; %d are set.", len(t.Subnets))
	}
	for _, s := range t.Subnets {
		if !subnetRE.MatchString(s) {
			errorf("ecs.subnets", "Invalid Subnet ID", "Subnet IDs look like subnet-0123456789abcdef0; got %q.", s)
		}
	}
	if len(t.SecurityGroups) > 5 {
		errorf("ecs.security_groups", "Too Many Security Groups", "A task takes at most 5 security groups; %d are set.", len(t.SecurityGroups))
	}
	for _, s := range t.SecurityGroups {
		if !securityGroupRE.MatchString(s) {
			errorf("ecs.security_groups", "Invalid Security Group ID", "Security group IDs look like sg-0123456789abcdef0; got %q.", s)
		}
	}
	roleARN := func(attr, v string, required bool) {
		switch m := arnRE.FindStringSubmatch(v); {
		case v == "" && required:
			errorf(attr, "Missing Execution Role", "Fargate needs an execution role to fetch the task's secrets and write its logs: "+
				"set %s to the ARN of a role that ecs-tasks.amazonaws.com can assume (see the resource's documentation for its policy).", attr)
		case v == "":
		case m == nil || m[1] != "iam" || !strings.HasPrefix(m[3], "role/"):
			errorf(attr, "Invalid Role ARN", "%s must be an IAM role ARN, arn:aws:iam::ACCOUNT:role/NAME; got %q.", attr, v)
		}
	}
	roleARN("ecs.execution_role_arn", t.ExecutionRoleARN, true)
	roleARN("ecs.task_role_arn", t.TaskRoleARN, false)
	if s := t.TargetPasswordSecret; s != "" {
		m := arnRE.FindStringSubmatch(s)
		secretsManager := m != nil && m[1] == "secretsmanager" && strings.HasPrefix(m[3], "secret:")
		parameter := m != nil && m[1] == "ssm" && strings.HasPrefix(m[3], "parameter/")
		if !secretsManager && !parameter {
			errorf("ecs.target_password_secret", "Invalid Secret ARN",
				"ecs.target_password_secret must be the ARN of a Secrets Manager secret (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME, "+
					"optionally followed by :json-key:: such as :password:: for an RDS-managed secret) or of an SSM parameter "+
					"(arn:aws:ssm:REGION:ACCOUNT:parameter/NAME); got %q.", s)
		}
	}
	t2 := t.withDefaults()
	if mems, ok := fargateMemoryByVC[t2.CPU]; !ok {
		errorf("ecs.cpu", "Invalid Fargate CPU", "ecs.cpu must be one of 256, 512, 1024, 2048, 4096, 8192 or 16384 CPU units; got %d.", t2.CPU)
	} else if !slices.Contains(mems, t2.Memory) {
		errorf("ecs.memory", "Invalid Fargate Memory",
			"With ecs.cpu = %d, ecs.memory must be one of %s MiB (Fargate's task sizes); got %d.", t2.CPU, intList(mems), t2.Memory)
	}
	if g := t.EphemeralStorageGiB; g != 0 && (g < MinEphemeralStorageGiB || g > MaxEphemeralStorageGiB) {
		errorf("ecs.ephemeral_storage_gib", "Invalid Ephemeral Storage",
			"ecs.ephemeral_storage_gib must be between %d and %d (unset means Fargate's %d GiB); got %d.",
			MinEphemeralStorageGiB, MaxEphemeralStorageGiB, DefaultEphemeralStorageGiB, g)
	}
	if g := t.LogGroup; g != "" && !logGroupRE.MatchString(g) {
		errorf("ecs.log_group", "Invalid Log Group Name", "A log group name is 1 to 512 letters, digits and . - _ / #; got %q.", g)
	}
	return out
}

// CheckStorage is the check that the backup fits the task's ephemeral
// storage: the dump is downloaded there before it is restored.
func CheckStorage(backup string, sourceBytes int64, t ECSTask) error {
	gib := t.StorageGiB()
	if sourceBytes <= 0 || sourceBytes <= int64(gib)<<30 {
		return nil
	}
	need := (sourceBytes + 1<<30 - 1) >> 30
	suggest := min(max(need+need/4, MinEphemeralStorageGiB), MaxEphemeralStorageGiB)
	msg := fmt.Sprintf("backup %s is %s (its source_bytes), more than the task's %d GiB of ephemeral storage, where it is "+
		"downloaded before the restore. Set ecs.ephemeral_storage_gib to at least %d.", backup, humanBytes(sourceBytes), gib, suggest)
	if need > MaxEphemeralStorageGiB {
		msg = fmt.Sprintf("backup %s is %s (its source_bytes), more than the %d GiB of ephemeral storage a Fargate task can have. "+
			"Use executor = \"local\" on a machine with room for it, or source.database_url.", backup, humanBytes(sourceBytes), MaxEphemeralStorageGiB)
	}
	return fmt.Errorf("%s", msg)
}

// BackupToRestore names the backup a heroku_backup source without capture
// restores, and its source_bytes: the plan-time storage check.
func BackupToRestore(ctx context.Context, h HerokuData, hb HerokuBackup) (name string, sourceBytes int64, err error) {
	if hb.Capture {
		return "", 0, nil
	}
	r := &run{cfg: LocalConfig{Heroku: h}, res: &Result{}, red: &redactor{}}
	t, _, err := r.findBackup(ctx, &hb, false)
	if err != nil {
		return "", 0, err
	}
	return t.Name, t.SourceBytes, nil
}

func intList(vs []int) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = fmt.Sprint(v)
	}
	if len(s) > 8 {
		return s[0] + ", " + s[1] + ", ... , " + s[len(s)-1] + " (in steps of " + fmt.Sprint(vs[1]-vs[0]) + ")"
	}
	return strings.Join(s, ", ")
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}
