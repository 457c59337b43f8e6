package provider

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/pgrestore"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/problem"
)

type pgRestoreJobResource struct{ resourceBase }

type pgRestoreJobModel struct {
	ID              types.String   `tfsdk:"id"`
	Source          *pgSourceModel `tfsdk:"source"`
	TargetURL       types.String   `tfsdk:"target_url"`
	TargetURLWO     types.String   `tfsdk:"target_url_wo"`
	TargetURLWOVer  types.Int64    `tfsdk:"target_url_wo_version"`
	Jobs            types.Int64    `tfsdk:"jobs"`
	NoOwner         types.Bool     `tfsdk:"no_owner"`
	NoACL           types.Bool     `tfsdk:"no_acl"`
	Clean           types.Bool     `tfsdk:"clean"`
	Schemas         types.List     `tfsdk:"schemas"`
	ExcludeSchemas  types.List     `tfsdk:"exclude_schemas"`
	ExcludeTables   types.List     `tfsdk:"exclude_tables"`
	HerokuExt       types.String   `tfsdk:"heroku_ext"`
	Extensions      types.List     `tfsdk:"extensions"`
	Analyze         types.Bool     `tfsdk:"analyze"`
	PGBinDir        types.String   `tfsdk:"pg_bin_dir"`
	Verify          types.String   `tfsdk:"verify"`
	Triggers        types.Map      `tfsdk:"triggers"`
	Executor        types.String   `tfsdk:"executor"`
	ECS             *pgECSModel    `tfsdk:"ecs"`
	BackupID        types.String   `tfsdk:"backup_id"`
	StartedAt       types.String   `tfsdk:"started_at"`
	FinishedAt      types.String   `tfsdk:"finished_at"`
	DurationSeconds types.Float64  `tfsdk:"duration_seconds"`
	BytesTransfer   types.Int64    `tfsdk:"bytes_transferred"`
	TablesRestored  types.Int64    `tfsdk:"tables_restored"`
	Warnings        types.List     `tfsdk:"warnings"`
	Tables          types.List     `tfsdk:"tables"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

type pgSourceModel struct {
	HerokuBackup *pgHerokuBackupModel `tfsdk:"heroku_backup"`
	DatabaseURL  types.String         `tfsdk:"database_url"`
	DumpURL      types.String         `tfsdk:"dump_url"`
	DumpFile     types.String         `tfsdk:"dump_file"`
}

type pgHerokuBackupModel struct {
	App     types.String `tfsdk:"app"`
	Addon   types.String `tfsdk:"addon"`
	Backup  types.String `tfsdk:"backup"`
	Capture types.Bool   `tfsdk:"capture"`
}

var (
	_ resource.ResourceWithConfigure        = (*pgRestoreJobResource)(nil)
	_ resource.ResourceWithConfigValidators = (*pgRestoreJobResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*pgRestoreJobResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*pgRestoreJobResource)(nil)
)

func newPGRestoreJobResource() resource.Resource {
	return &pgRestoreJobResource{resourceBase: newResourceBase("heroku2aws_pg_restore_job")}
}

func (r *pgRestoreJobResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_pg_restore_job"
}

func (r *pgRestoreJobResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replaceS := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	replaceB := []planmodifier.Bool{boolplanmodifier.RequiresReplace()}
	replaceI := []planmodifier.Int64{int64planmodifier.RequiresReplace()}
	replaceL := []planmodifier.List{listplanmodifier.RequiresReplace()}
	strList := func(desc string) schema.ListAttribute {
		return schema.ListAttribute{
			MarkdownDescription: desc,
			Optional:            true,
			ElementType:         types.StringType,
			PlanModifiers:       replaceL,
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Copies a Heroku Postgres database into a PostgreSQL database on AWS (RDS, Aurora or any " +
			"PostgreSQL) with the real `pg_dump`/`pg_restore`: captures or picks a Heroku backup, downloads it (resuming " +
			"cut downloads), restores it in parallel, prepares `heroku_ext` and extensions, analyzes, and verifies row " +
			"counts or checksums table by table. Creating the resource runs the job once; changing any argument or " +
			"`triggers` runs it again. Destroying it leaves the restored data in place.",
		Attributes: map[string]schema.Attribute{
			"id": computedResourceID("Random id of the run."),
			"target_url": schema.StringAttribute{
				MarkdownDescription: "Connection URL of the target database, `postgres://user:password@host:5432/db`. " +
					"Sensitive, and kept in the state: use `target_url_wo` to keep it out. Set exactly one of `target_url` " +
					"and `target_url_wo`. `sslmode=require` is added when the URL names no `sslmode` and the host is not " +
					"loopback. The password reaches the pg tools only through a private 0600 PGPASSFILE, never their arguments.",
				Optional:      true,
				Sensitive:     true,
				PlanModifiers: replaceS,
			},
			"target_url_wo": schema.StringAttribute{
				MarkdownDescription: "Write-only `target_url` (Terraform 1.11 or later): the same URL, never stored in the " +
					"plan or state, so it can come from an ephemeral source such as the RDS-managed master secret read through " +
					"`ephemeral \"aws_secretsmanager_secret_version\"`. Terraform cannot see it change: bump " +
					"`target_url_wo_version` to run the job again with a new URL. Requires `target_url_wo_version`.",
				Optional:  true,
				Sensitive: true,
				WriteOnly: true,
			},
			"target_url_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Version of `target_url_wo`. Changing it runs the job again, as a change of `target_url` " +
					"does. Required with `target_url_wo`.",
				Optional:      true,
				PlanModifiers: replaceI,
			},
			"jobs": schema.Int64Attribute{
				MarkdownDescription: "Parallel `pg_restore` jobs (`--jobs`). Defaults to the number of CPUs. One table's data " +
					"is always loaded by one job, so the largest table bounds the restore time.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: append(replaceI, int64planmodifier.UseStateForUnknown()),
				Validators:    []validator.Int64{int64validator.Between(1, 64)},
			},
			"no_owner": schema.BoolAttribute{
				MarkdownDescription: "Skip ownership (`--no-owner`): Heroku's roles do not exist on AWS. Defaults to `true`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
				PlanModifiers:       replaceB,
			},
			"no_acl": schema.BoolAttribute{
				MarkdownDescription: "Skip grants (`--no-acl`). Defaults to `true`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
				PlanModifiers:       replaceB,
			},
			"clean": schema.BoolAttribute{
				MarkdownDescription: "Drop objects before recreating them (`--clean --if-exists`), so that a re-run into a " +
					"non-empty target converges. Defaults to `false`.",
				Optional:      true,
				Computed:      true,
				Default:       booldefault.StaticBool(false),
				PlanModifiers: replaceB,
			},
			"schemas":         strList("Restore only these schemas (`--schema`)."),
			"exclude_schemas": strList("Do not restore these schemas (`--exclude-schema`)."),
			"exclude_tables":  strList("Do not restore these tables, as `schema.table` or `table` (dropped from the restore list)."),
			"heroku_ext": schema.StringAttribute{
				MarkdownDescription: "How to handle the `heroku_ext` schema that Heroku installs extensions into: one of " +
					quoteList(pgrestore.HerokuExtValues) + ". `create` (default) creates the schema and the extensions the dump needs " +
					"before the restore; `remap` installs those extensions into `public` instead.",
				Optional:      true,
				Computed:      true,
				Default:       stringdefault.StaticString(pgrestore.HerokuExtCreate),
				PlanModifiers: replaceS,
				Validators:    []validator.String{stringvalidator.OneOf(pgrestore.HerokuExtValues...)},
			},
			"extensions": strList("Extensions to create in the target before the restore, besides those the dump needs."),
			"analyze": schema.BoolAttribute{
				MarkdownDescription: "Run `ANALYZE` after the restore so the planner has statistics. Defaults to `true`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
				PlanModifiers:       replaceB,
			},
			"pg_bin_dir": schema.StringAttribute{
				MarkdownDescription: "Directory of `pg_dump` and `pg_restore`. Defaults to the ones on `PATH`. A client older " +
					"than the source server's major version is an error.",
				Optional:      true,
				PlanModifiers: replaceS,
			},
			"verify": schema.StringAttribute{
				MarkdownDescription: "What to compare after the restore, table by table: one of " + quoteList(pgrestore.VerifyValues) +
					". Defaults to `row_counts`. The source is the live database for `database_url`, otherwise the dump " +
					"itself. A mismatch fails the apply and lists the tables.",
				Optional:      true,
				Computed:      true,
				Default:       stringdefault.StaticString(pgrestore.VerifyRowCounts),
				PlanModifiers: replaceS,
				Validators:    []validator.String{stringvalidator.OneOf(pgrestore.VerifyValues...)},
			},
			"triggers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary values; changing any of them runs the job again, for example " +
					"`{ cutover = \"2026-11-21\" }` for the final copy in the maintenance window.",
				Optional:      true,
				ElementType:   types.StringType,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"executor": schema.StringAttribute{
				MarkdownDescription: "Where the job runs: `local` (default) runs `pg_dump`/`pg_restore` on the machine that runs " +
					"Terraform; `ecs` runs them in a one-off ECS Fargate task inside the target's VPC, configured by the `ecs` " +
					"block, for a database in private subnets or too large to move through this machine. With `ecs`, " +
					"`source.dump_file`, `schemas`, `exclude_schemas`, `exclude_tables`, `heroku_ext = \"remap\"`, " +
					"`verify = \"checksums\"` and `pg_bin_dir` are not available.",
				Optional:      true,
				Computed:      true,
				Default:       stringdefault.StaticString(executorLocal),
				PlanModifiers: replaceS,
				Validators:    []validator.String{stringvalidator.OneOf(executorValues...)},
			},
			"backup_id":         computedResourceString("Name of the Heroku backup restored, such as `b042`; null for other sources."),
			"started_at":        computedResourceString("When the run started, RFC 3339."),
			"finished_at":       computedResourceString("When the run finished, RFC 3339."),
			"duration_seconds":  computedResourceFloat64("Wall time of the run in seconds."),
			"bytes_transferred": computedResourceInt64("Size of the dump downloaded or produced, in bytes."),
			"tables_restored":   computedResourceInt64("Number of tables whose data was restored."),
			"warnings": schema.ListAttribute{
				MarkdownDescription: "`pg_restore` errors that were tolerated as warnings, such as ownership of extensions " +
					"(`must be owner of extension ...` on `COMMENT ON EXTENSION`).",
				Computed:    true,
				ElementType: types.StringType,
			},
			"tables": schema.ListNestedAttribute{
				MarkdownDescription: "Verification result per table.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"schema":      computedResourceString("Schema of the table."),
						"name":        computedResourceString("Name of the table."),
						"source_rows": computedResourceInt64("Rows in the source (or the dump)."),
						"target_rows": computedResourceInt64("Rows in the target after the restore."),
						"match": schema.BoolAttribute{
							MarkdownDescription: "Whether the table verified.",
							Computed:            true,
						},
					},
				},
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true}),
		},
		Blocks: map[string]schema.Block{
			"ecs": ecsBlock(),
			"source": schema.SingleNestedBlock{
				MarkdownDescription: "Where the data comes from: exactly one of `heroku_backup`, `database_url`, `dump_url` " +
					"and `dump_file`. Required.",
				Validators:    []validator.Object{objectvalidator.IsRequired()},
				PlanModifiers: []planmodifier.Object{objectplanmodifier.RequiresReplace()},
				Attributes: map[string]schema.Attribute{
					"database_url": schema.StringAttribute{
						MarkdownDescription: "A live database to copy with `pg_dump -Fc`, such as Heroku's `DATABASE_URL`. " +
							"Sensitive. Dumping over the internet runs at about 10 MB/s from Heroku.",
						Optional:  true,
						Sensitive: true,
					},
					"dump_url": schema.StringAttribute{
						MarkdownDescription: "URL of a custom-format dump (`pg_dump -Fc`) to download. Sensitive: presigned URLs grant access.",
						Optional:            true,
						Sensitive:           true,
					},
					"dump_file": schema.StringAttribute{
						MarkdownDescription: "Path of a local custom-format dump, such as one from `heroku pg:backups:download`.",
						Optional:            true,
					},
				},
				Blocks: map[string]schema.Block{
					"heroku_backup": schema.SingleNestedBlock{
						MarkdownDescription: "A Heroku Postgres backup (PGBackups), found through the Platform and Data APIs.",
						Attributes: map[string]schema.Attribute{
							"app": schema.StringAttribute{
								MarkdownDescription: "App that the database is attached to.",
								Optional:            true,
							},
							"addon": schema.StringAttribute{
								MarkdownDescription: "Attachment or add-on name. Defaults to `DATABASE`.",
								Optional:            true,
								Computed:            true,
								Default:             stringdefault.StaticString("DATABASE"),
							},
							"backup": schema.StringAttribute{
								MarkdownDescription: "`latest` (default: the newest successful backup) or a backup name such as `b042`.",
								Optional:            true,
								Computed:            true,
								Default:             stringdefault.StaticString("latest"),
							},
							"capture": schema.BoolAttribute{
								MarkdownDescription: "Capture a fresh backup first (`heroku pg:backups:capture`) and restore it. " +
									"Defaults to `false`.",
								Optional: true,
								Computed: true,
								Default:  booldefault.StaticBool(false),
							},
						},
					},
				},
			},
		},
	}
}

func (r *pgRestoreJobResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("target_url"), path.MatchRoot("target_url_wo")),
		resourcevalidator.RequiredTogether(path.MatchRoot("target_url_wo"), path.MatchRoot("target_url_wo_version")),
	}
}

func (r *pgRestoreJobResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m pgRestoreJobModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Source == nil {
		return
	}
	job, known := expandJob(ctx, &m, &resp.Diagnostics)
	if !known {
		return // checked again at plan and apply time, once known
	}
	if b := m.Source.HerokuBackup; b != nil && b.App.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("source").AtName("heroku_backup").AtName("app"), "Missing Required Argument",
			"source.heroku_backup needs app: the Heroku app the database is attached to.")
	}
	validateExecutor(ctx, &m, job, &resp.Diagnostics)
	addProblems(&resp.Diagnostics, targetURLProblems(&m, pgrestore.Validate(job)), sensitiveArgs...)
}

// ModifyPlan checks at plan time that a Heroku backup fits the task's
// ephemeral storage, when the backup is known (capture = false).
func (r *pgRestoreJobResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	if !req.State.Raw.IsNull() && len(resp.RequiresReplace) == 0 {
		return // nothing runs
	}
	var m pgRestoreJobModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Executor.ValueString() != executorECS || m.ECS == nil || m.Source == nil {
		return
	}
	b := m.Source.HerokuBackup
	if b == nil || b.App.IsNull() || b.App.IsUnknown() || b.Addon.IsUnknown() || b.Backup.IsUnknown() ||
		b.Capture.IsUnknown() || b.Capture.ValueBool() {
		return
	}
	task, known := expandECSTask(ctx, m.ECS, &resp.Diagnostics)
	if !known {
		return
	}
	h := pgrestore.NewHerokuData(r.data.heroku, r.data.dataAPIURL)
	name, size, err := pgrestore.BackupToRestore(ctx, h, pgrestore.HerokuBackup{
		App: b.App.ValueString(), Addon: b.Addon.ValueString(), Backup: b.Backup.ValueString(),
	})
	if err != nil {
		// The apply reports it, with the same message; the plan goes on.
		tflog.Warn(ctx, "pg restore job: the backup to restore could not be looked up at plan time", map[string]any{"error": err.Error()})
		return
	}
	if err := pgrestore.CheckStorage(name, size, task); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("ecs").AtName("ephemeral_storage_gib"), "Backup Larger Than The Task's Storage", err.Error())
	}
}

func (r *pgRestoreJobResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan pgRestoreJobModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, defaultRestoreTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// A write-only value is only in the configuration, never in the plan.
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("target_url_wo"), &plan.TargetURLWO)...)
	if resp.Diagnostics.HasError() {
		return
	}
	job, _ := expandJob(ctx, &plan, &resp.Diagnostics)
	plan.TargetURLWO = types.StringNull() // never stored
	plan.ID = types.StringValue(newRunID())
	var exec pgrestore.Executor
	if plan.Executor.ValueString() == executorECS {
		task, _ := expandECSTask(ctx, plan.ECS, &resp.Diagnostics)
		if exec = r.ecsExecutor(task, plan.ID.ValueString(), &resp.Diagnostics); exec == nil {
			return
		}
		if job.Options.Jobs == 0 {
			job.Options.Jobs = task.VCPUs()
		}
	} else {
		exec = r.executor()
	}
	if job.Options.Jobs == 0 {
		job.Options.Jobs = defaultJobs()
	}
	plan.Jobs = types.Int64Value(int64(job.Options.Jobs))
	started := time.Now().UTC()
	plan.StartedAt = types.StringValue(started.Format(time.RFC3339))
	flattenResult(&plan, &pgrestore.Result{StartedAt: started})
	// Identifying state first: if the run fails or is interrupted, the
	// resource is recorded (tainted), so the next apply runs it again.
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)

	res, err := exec.Run(ctx, job)
	if res != nil {
		flattenResult(&plan, res)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if err != nil {
		msg := pgrestore.RedactURL(err.Error())
		if errors.Is(err, context.DeadlineExceeded) {
			gone := "its processes and temporary files are gone"
			if plan.Executor.ValueString() == executorECS {
				gone = "its ECS task was stopped"
			}
			msg += fmt.Sprintf("\n\nThe run was stopped by the create timeout (%s); %s. "+
				"Raise timeouts.create for a database this size.", timeout, gone)
		}
		resp.Diagnostics.AddError("Error Restoring Database",
			msg+"\n\nThe resource is marked tainted: the next apply runs the job again. The target may hold a partial "+
				"restore; set clean = true to have the re-run drop and recreate what it restores.")
	}
}

// Read reports the last run; it never runs the job again.
func (r *pgRestoreJobResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state pgRestoreJobModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update only changes timeouts: every other argument replaces the run.
func (r *pgRestoreJobResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state pgRestoreJobModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	state.Timeouts = plan.Timeouts
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Delete forgets the run and leaves the restored data where it is.
func (r *pgRestoreJobResource) Delete(ctx context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
	tflog.Info(ctx, "Removing the pg restore job from state; the restored database is left in place")
}

// expandJob converts the model into a pgrestore job. ok is false while some
// input is unknown.
func expandJob(ctx context.Context, m *pgRestoreJobModel, diags *diag.Diagnostics) (pgrestore.Job, bool) {
	var j pgrestore.Job
	known := true
	str := func(v types.String) string {
		if v.IsUnknown() {
			known = false
		}
		return v.ValueString()
	}
	list := func(v types.List) []string { return expandStringList(ctx, v, &known, diags) }
	if s := m.Source; s != nil {
		j.Source.DatabaseURL, j.Source.DumpURL, j.Source.DumpFile = str(s.DatabaseURL), str(s.DumpURL), str(s.DumpFile)
		if b := s.HerokuBackup; b != nil && !b.App.IsNull() {
			j.Source.HerokuBackup = &pgrestore.HerokuBackup{App: str(b.App), Addon: str(b.Addon), Backup: str(b.Backup), Capture: b.Capture.ValueBool()}
		}
	}
	j.TargetURL = str(m.TargetURL)
	if !m.TargetURLWO.IsNull() {
		j.TargetURL = str(m.TargetURLWO)
	}
	j.Options = pgrestore.Options{
		Jobs: int(m.Jobs.ValueInt64()), NoOwner: m.NoOwner.ValueBool(), NoACL: m.NoACL.ValueBool(), Clean: m.Clean.ValueBool(),
		Schemas: list(m.Schemas), ExcludeSchemas: list(m.ExcludeSchemas), ExcludeTables: list(m.ExcludeTables),
		HerokuExt: str(m.HerokuExt), Extensions: list(m.Extensions), Analyze: m.Analyze.ValueBool(),
		PGBinDir: str(m.PGBinDir), Verify: str(m.Verify),
	}
	if m.Jobs.IsUnknown() || m.Jobs.IsNull() {
		j.Options.Jobs = 0
	}
	return j, known
}

// flattenResult copies a run's result into the model.
func flattenResult(m *pgRestoreJobModel, res *pgrestore.Result) {
	m.BackupID = optionalString(res.BackupID)
	if !res.StartedAt.IsZero() {
		m.StartedAt = types.StringValue(res.StartedAt.UTC().Format(time.RFC3339))
	}
	m.FinishedAt = types.StringNull()
	m.DurationSeconds = types.Float64Null()
	if !res.FinishedAt.IsZero() {
		m.FinishedAt = types.StringValue(res.FinishedAt.UTC().Format(time.RFC3339))
		m.DurationSeconds = types.Float64Value(float64(res.FinishedAt.Sub(res.StartedAt).Milliseconds()) / 1000)
	}
	m.BytesTransfer = types.Int64Value(res.BytesTransferred)
	m.TablesRestored = types.Int64Value(int64(res.TablesRestored))
	warnings := make([]attr.Value, 0, len(res.Warnings))
	for _, w := range res.Warnings {
		warnings = append(warnings, types.StringValue(pgrestore.RedactURL(w)))
	}
	m.Warnings = types.ListValueMust(types.StringType, warnings)
	tables := make([]attr.Value, 0, len(res.Tables))
	for _, t := range res.Tables {
		tables = append(tables, types.ObjectValueMust(tableAttrTypes, map[string]attr.Value{
			"schema": types.StringValue(t.Schema), "name": types.StringValue(t.Name),
			"source_rows": types.Int64Value(t.SourceRows), "target_rows": types.Int64Value(t.TargetRows), "match": types.BoolValue(t.Match),
		}))
	}
	m.Tables = types.ListValueMust(types.ObjectType{AttrTypes: tableAttrTypes}, tables)
}

var tableAttrTypes = map[string]attr.Type{
	"schema": types.StringType, "name": types.StringType, "source_rows": types.Int64Type,
	"target_rows": types.Int64Type, "match": types.BoolType,
}

const defaultRestoreTimeout = 2 * time.Hour

// sensitiveArgs are the job's sensitive arguments; addProblems reports a
// finding about one on its block (or the resource), never on the argument.
var sensitiveArgs = []string{"target_url", "target_url_wo", "source.database_url", "source.dump_url"}

// targetURLProblems points the findings about the target URL at
// target_url_wo when that is where the URL came from.
func targetURLProblems(m *pgRestoreJobModel, problems []problem.Problem) []problem.Problem {
	if m.TargetURLWO.IsNull() {
		return problems
	}
	for i := range problems {
		if problems[i].Attribute == "target_url" {
			problems[i].Attribute = "target_url_wo"
		}
	}
	return problems
}

func newRunID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "pgrestore-" + hex.EncodeToString(b)
}

// defaultJobs is pg_restore --jobs when unset: one per CPU.
func defaultJobs() int {
	return max(runtime.NumCPU(), 1)
}

func (r *pgRestoreJobResource) executor() pgrestore.Executor {
	cfg := pgrestore.LocalConfig{
		Heroku:  pgrestore.NewHerokuData(r.data.heroku, r.data.dataAPIURL),
		TempDir: os.TempDir(),
		Logger:  newLogger(),
	}
	if r.data.tweakRestore != nil {
		r.data.tweakRestore(&cfg)
	}
	return pgrestore.NewLocal(cfg)
}
