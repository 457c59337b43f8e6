package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/pgrestore"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/pgrestore/ecsjob"
)

// Executors of heroku2aws_pg_restore_job.
const (
	executorLocal = "local"
	executorECS   = "ecs"
)

var executorValues = []string{executorLocal, executorECS}

type pgECSModel struct {
	Cluster              types.String `tfsdk:"cluster"`
	Subnets              types.List   `tfsdk:"subnets"`
	SecurityGroups       types.List   `tfsdk:"security_groups"`
	AssignPublicIP       types.Bool   `tfsdk:"assign_public_ip"`
	TaskRoleARN          types.String `tfsdk:"task_role_arn"`
	ExecutionRoleARN     types.String `tfsdk:"execution_role_arn"`
	Image                types.String `tfsdk:"image"`
	CPU                  types.Int64  `tfsdk:"cpu"`
	Memory               types.Int64  `tfsdk:"memory"`
	EphemeralStorageGiB  types.Int64  `tfsdk:"ephemeral_storage_gib"`
	LogGroup             types.String `tfsdk:"log_group"`
	TargetPasswordSecret types.String `tfsdk:"target_password_secret"`
}

// ecsBlock is the schema of the ecs block.
func ecsBlock() schema.SingleNestedBlock {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: desc,
			Optional:            true,
		}
	}
	list := func(desc string, most int) schema.ListAttribute {
		return schema.ListAttribute{
			MarkdownDescription: desc,
			Optional:            true,
			ElementType:         types.StringType,
			Validators:          []validator.List{listvalidator.SizeAtMost(most), listvalidator.UniqueValues()},
		}
	}
	return schema.SingleNestedBlock{
		MarkdownDescription: "Where and how the Fargate task of `executor = \"ecs\"` runs. Required with that executor, " +
			"not allowed with `local`.",
		PlanModifiers: []planmodifier.Object{objectplanmodifier.RequiresReplace()},
		Attributes: map[string]schema.Attribute{
			"cluster": str("Name or ARN of the ECS cluster to run the task in. Required."),
			"subnets": list("Subnets of the task's network interface, in the VPC of the target database. Required. "+
				"They must reach the target on its port, and the internet (Heroku's backup storage, the image registry) "+
				"through a NAT gateway or, with `assign_public_ip`, an internet gateway.", 16),
			"security_groups": list("Security groups of the task. The target's security group must allow them in on "+
				"the database port. Defaults to the VPC's default security group.", 5),
			"assign_public_ip": schema.BoolAttribute{
				MarkdownDescription: "Give the task a public IP address, for public subnets without a NAT gateway. Defaults to `false`.",
				Optional:            true,
			},
			"execution_role_arn": str("IAM role that ECS uses to pull the image, read the task's secrets and write its " +
				"logs. Required; the example above shows its trust and inline policies."),
			"task_role_arn": str("IAM role of the job itself. The job calls no AWS API, so it is optional."),
			"image": str("Image with `sh`, `curl` or `wget`, and the PostgreSQL client tools, at least as new as the " +
				"source server. Defaults to `" + ecsjob.DefaultImage + "`."),
			"cpu": schema.Int64Attribute{
				MarkdownDescription: "Task CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384. Defaults to 1024. " +
					"`jobs` defaults to the number of vCPUs.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.OneOf(256, 512, 1024, 2048, 4096, 8192, 16384)},
			},
			"memory": schema.Int64Attribute{
				MarkdownDescription: "Task memory in MiB, a Fargate size for `cpu` (1024 CPU takes 2048 to 8192). Defaults to 4096.",
				Optional:            true,
			},
			"ephemeral_storage_gib": schema.Int64Attribute{
				MarkdownDescription: "Ephemeral storage of the task in GiB, 21 to 200; unset means Fargate's 20 GiB. The " +
					"dump is downloaded there, so it must be larger than the backup; the plan fails when a Heroku backup's " +
					"`source_bytes` is known to be larger.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(pgrestore.MinEphemeralStorageGiB, pgrestore.MaxEphemeralStorageGiB)},
			},
			"log_group": str("CloudWatch Logs group of the task's log; it must exist. The provider streams the log into " +
				"Terraform's log and reads the job's result from it. Defaults to `" + pgrestore.DefaultLogGroup + "`."),
			"target_password_secret": str("ARN of a Secrets Manager secret (optionally with a JSON key, such as " +
				"`arn:...:secret:rds!db-123:password::` for an RDS-managed master password) or of an SSM parameter that " +
				"holds the target's password. When unset, the password of `target_url` is handed to the task through a " +
				"transient SecureString parameter under `" + pgrestore.ParameterPrefix + "/`, deleted when the task ends."),
		},
	}
}

// expandECSTask converts the ecs block. ok is false while some value is unknown.
func expandECSTask(ctx context.Context, m *pgECSModel, diags *diag.Diagnostics) (pgrestore.ECSTask, bool) {
	var t pgrestore.ECSTask
	if m == nil {
		return t, true
	}
	known := true
	str := func(v types.String) string {
		if v.IsUnknown() {
			known = false
		}
		return strings.TrimSpace(v.ValueString())
	}
	num := func(v types.Int64) int {
		if v.IsUnknown() {
			known = false
		}
		return int(v.ValueInt64())
	}
	list := func(v types.List) []string { return expandStringList(ctx, v, &known, diags) }
	if m.AssignPublicIP.IsUnknown() {
		known = false
	}
	t = pgrestore.ECSTask{
		Cluster: str(m.Cluster), Subnets: list(m.Subnets), SecurityGroups: list(m.SecurityGroups),
		AssignPublicIP: m.AssignPublicIP.ValueBool(), TaskRoleARN: str(m.TaskRoleARN), ExecutionRoleARN: str(m.ExecutionRoleARN),
		Image: str(m.Image), CPU: num(m.CPU), Memory: num(m.Memory), EphemeralStorageGiB: num(m.EphemeralStorageGiB),
		LogGroup: str(m.LogGroup), TargetPasswordSecret: str(m.TargetPasswordSecret),
	}
	return t, known
}

// validateExecutor checks the executor and its ecs block.
func validateExecutor(ctx context.Context, m *pgRestoreJobModel, job pgrestore.Job, diags *diag.Diagnostics) {
	if m.Executor.IsUnknown() {
		return
	}
	if m.Executor.ValueString() != executorECS {
		if m.ECS != nil {
			diags.AddAttributeError(path.Root("ecs"), "Unexpected ecs Block",
				"The ecs block configures executor = \"ecs\"; set executor = \"ecs\", or remove the block to run the job on this machine.")
		}
		return
	}
	if m.ECS == nil {
		diags.AddAttributeError(path.Root("executor"), "Missing ecs Block",
			"executor = \"ecs\" runs the job in a Fargate task: add an ecs block with at least cluster, subnets and execution_role_arn.")
		return
	}
	task, known := expandECSTask(ctx, m.ECS, diags)
	if !known {
		return
	}
	addProblems(diags, pgrestore.ValidateECS(job, task), sensitiveArgs...)
}

// ecsExecutor builds the ECS executor for a run.
func (r *pgRestoreJobResource) ecsExecutor(task pgrestore.ECSTask, runID string, diags *diag.Diagnostics) pgrestore.Executor {
	clients := r.data.awsClients(diags, "Error Restoring Database")
	if clients == nil {
		return nil
	}
	cfg := pgrestore.ECSConfig{
		Heroku: pgrestore.NewHerokuData(r.data.heroku, r.data.dataAPIURL),
		ECS:    clients.ECS, Logs: clients.Logs, SSM: clients.SSM,
		Region: r.data.aws.config.Region,
		Task:   task,
		RunID:  strings.TrimPrefix(runID, "pgrestore-"),
		Logger: newLogger(),
	}
	if r.data.tweakECS != nil {
		r.data.tweakECS(&cfg)
	}
	return pgrestore.NewECS(cfg)
}
