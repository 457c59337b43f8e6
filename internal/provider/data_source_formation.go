package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
)

type formationDataSource struct{ dataSourceBase }

type formationDataSourceModel struct {
	ID        types.String  `tfsdk:"id"`
	App       types.String  `tfsdk:"app"`
	Processes []processItem `tfsdk:"processes"`
}

type processItem struct {
	Type          types.String  `tfsdk:"type"`
	Command       types.String  `tfsdk:"command"`
	Quantity      types.Int64   `tfsdk:"quantity"`
	Size          types.String  `tfsdk:"size"`
	MemoryGB      types.Float64 `tfsdk:"memory_gb"`
	Compute       types.Int64   `tfsdk:"compute"`
	Dedicated     types.Bool    `tfsdk:"dedicated"`
	FargateCPU    types.Int64   `tfsdk:"fargate_cpu"`
	FargateMemory types.Int64   `tfsdk:"fargate_memory"`
}

var _ datasource.DataSourceWithConfigure = (*formationDataSource)(nil)

func newFormationDataSource() datasource.DataSource {
	return &formationDataSource{dataSourceBase: newDataSourceBase("heroku2aws_formation")}
}

func (d *formationDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_formation"
}

func (d *formationDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads an app's formation: every process type with its command, dyno count and dyno size, " +
			"the size's memory and compute, and a suggested AWS Fargate task size.",
		Attributes: map[string]schema.Attribute{
			"id":  computedString("The `app` value."),
			"app": requiredApp(),
			"processes": schema.ListNestedAttribute{
				MarkdownDescription: "The process types, sorted by type.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"type":     computedString("Process type from the Procfile, such as `web` or `worker`."),
						"command":  computedString("Command the dynos run."),
						"quantity": computedInt64("Number of dynos; 0 when the process type is scaled down."),
						"size":     computedString("Dyno size, such as `Standard-1X`."),
						"memory_gb": schema.Float64Attribute{
							MarkdownDescription: "RAM of the dyno size, in GB, as `GET /dyno-sizes` reports it.",
							Computed:            true,
						},
						"compute": computedInt64("Compute units of the dyno size, as `GET /dyno-sizes` reports it; 0 when Heroku does not list the size."),
						"dedicated": schema.BoolAttribute{
							MarkdownDescription: "Whether the dyno size has dedicated CPU.",
							Computed:            true,
						},
						"fargate_cpu": computedInt64("Suggested Fargate task CPU in CPU units (1024 = 1 vCPU), from the mapping table " +
							"on this page."),
						"fargate_memory": computedInt64("Suggested Fargate task memory in MiB: the smallest value Fargate allows " +
							"with `fargate_cpu` that holds the dyno's RAM."),
					},
				},
			},
		},
	}
}

func (d *formationDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m formationDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	app := m.App.ValueString()
	procs, err := d.data.inventory.Formation(ctx, app)
	if err != nil {
		addHerokuError(&resp.Diagnostics, "Error Reading Heroku Formation", "app", app, err)
		return
	}
	m.ID = types.StringValue(app)
	m.Processes = make([]processItem, 0, len(procs))
	for _, p := range procs {
		if !p.Fargate.Fits {
			resp.Diagnostics.AddWarning("Dyno Size Larger Than Fargate",
				fmt.Sprintf("Process type %q runs on %s dynos (%.0f GB), more than the largest Fargate task "+
					"(16 vCPU, 120 GB). The suggestion is capped at that size; consider ECS on EC2 for this process type.",
					p.Type, p.Size, p.MemoryGB))
		}
		m.Processes = append(m.Processes, flattenProcess(p))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func flattenProcess(p inventory.Process) processItem {
	return processItem{
		Type: types.StringValue(p.Type), Command: types.StringValue(p.Command),
		Quantity: types.Int64Value(int64(p.Quantity)), Size: types.StringValue(p.Size),
		MemoryGB: types.Float64Value(p.MemoryGB), Compute: types.Int64Value(int64(p.Compute)),
		Dedicated:  types.BoolValue(p.Dedicated),
		FargateCPU: types.Int64Value(int64(p.Fargate.CPU)), FargateMemory: types.Int64Value(int64(p.Fargate.Memory)),
	}
}
