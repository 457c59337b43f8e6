package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
)

type addOnsDataSource struct{ dataSourceBase }

type addOnsDataSourceModel struct {
	ID                    types.String `tfsdk:"id"`
	App                   types.String `tfsdk:"app"`
	AddOns                []addOnItem  `tfsdk:"addons"`
	ConfigVarNames        []string     `tfsdk:"config_var_names"`
	TotalBilledPriceCents types.Int64  `tfsdk:"total_billed_price_cents"`
}

type addOnItem struct {
	ID               types.String     `tfsdk:"id"`
	Name             types.String     `tfsdk:"name"`
	Service          types.String     `tfsdk:"service"`
	Plan             types.String     `tfsdk:"plan"`
	State            types.String     `tfsdk:"state"`
	BilledPriceCents types.Int64      `tfsdk:"billed_price_cents"`
	ConfigVars       []string         `tfsdk:"config_vars"`
	Attachments      []attachmentItem `tfsdk:"attachments"`
	AWSService       types.String     `tfsdk:"aws_service"`
	AWSResourceType  types.String     `tfsdk:"aws_resource_type"`
	AWSInstanceClass types.String     `tfsdk:"aws_instance_class"`
	AWSMultiAZ       types.Bool       `tfsdk:"aws_multi_az"`
}

type attachmentItem struct {
	App       types.String `tfsdk:"app"`
	Name      types.String `tfsdk:"name"`
	Namespace types.String `tfsdk:"namespace"`
}

var _ datasource.DataSourceWithConfigure = (*addOnsDataSource)(nil)

func newAddOnsDataSource() datasource.DataSource {
	return &addOnsDataSource{dataSourceBase: newDataSourceBase("heroku2aws_addons")}
}

func (d *addOnsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_addons"
}

func (d *addOnsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads an app's add-ons with their plans, prices, config vars and attachments, and " +
			"suggests the AWS service each one moves to (the mapping tables are on this page).",
		Attributes: map[string]schema.Attribute{
			"id":  computedString("The `app` value."),
			"app": requiredApp(),
			"addons": schema.ListNestedAttribute{
				MarkdownDescription: "The add-ons, sorted by name.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":                 computedString("Unique identifier of the add-on."),
						"name":               computedString("Globally unique name of the add-on, such as `postgresql-curved-12345`."),
						"service":            computedString("Add-on service, such as `heroku-postgresql`."),
						"plan":               computedString("Plan, such as `heroku-postgresql:standard-0`."),
						"state":              computedString("Lifecycle state: `provisioning`, `provisioned` or `deprovisioned`."),
						"billed_price_cents": computedInt64("Price per month in US cents; 0 for free plans and contract pricing."),
						"config_vars": schema.ListAttribute{
							MarkdownDescription: "Names of the config vars the add-on sets on its owning app.",
							Computed:            true,
							ElementType:         types.StringType,
						},
						"attachments": schema.ListNestedAttribute{
							MarkdownDescription: "Attachments of the add-on to this app.",
							Computed:            true,
							NestedObject: schema.NestedAttributeObject{
								Attributes: map[string]schema.Attribute{
									"app":       computedString("App the add-on is attached to."),
									"name":      computedString("Attachment name, such as `DATABASE`; it prefixes the config vars (`DATABASE_URL`)."),
									"namespace": computedString("Attachment namespace; null for the default namespace."),
								},
							},
						},
						"aws_service": computedString("Suggested AWS service, such as `Amazon RDS for PostgreSQL`; null when " +
							"no managed equivalent is known (keep the vendor or decide by hand)."),
						"aws_resource_type": computedString("hashicorp/aws resource type that creates the suggested service, " +
							"such as `aws_db_instance`; null when `aws_service` is null."),
						"aws_instance_class": computedString("Suggested instance class or node type, sized to at least the " +
							"plan's memory; null when the plan implies none."),
						"aws_multi_az": schema.BoolAttribute{
							MarkdownDescription: "Whether the plan is highly available (premium, private and shield tiers), " +
								"so the AWS equivalent should be Multi-AZ.",
							Computed: true,
						},
					},
				},
			},
			"config_var_names": schema.ListAttribute{
				MarkdownDescription: "Every config var name that the app's add-ons set, sorted and de-duplicated. " +
					"Pass it to `exclude` of `heroku2aws_secret_import`: after the move these values come from AWS.",
				Computed:    true,
				ElementType: types.StringType,
			},
			"total_billed_price_cents": computedInt64("Sum of `billed_price_cents` over the add-ons, in US cents per month."),
		},
	}
}

func (d *addOnsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m addOnsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	app := m.App.ValueString()
	addons, err := d.data.inventory.AddOns(ctx, app)
	if err != nil {
		addHerokuError(&resp.Diagnostics, "Error Reading Heroku Add-ons", "app", app, err)
		return
	}
	m.ID = m.App
	m.AddOns = make([]addOnItem, 0, len(addons))
	var total int64
	for _, a := range addons {
		m.AddOns = append(m.AddOns, flattenAddOn(a))
		total += int64(a.BilledPriceCents)
	}
	m.ConfigVarNames = inventory.AddOnConfigVarNames(addons)
	if m.ConfigVarNames == nil {
		m.ConfigVarNames = []string{}
	}
	m.TotalBilledPriceCents = types.Int64Value(total)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func flattenAddOn(a inventory.AddOn) addOnItem {
	item := addOnItem{
		ID: types.StringValue(a.ID), Name: types.StringValue(a.Name), Service: types.StringValue(a.Service),
		Plan: types.StringValue(a.Plan), State: types.StringValue(a.State),
		BilledPriceCents: types.Int64Value(int64(a.BilledPriceCents)),
		ConfigVars:       a.ConfigVars,
		Attachments:      make([]attachmentItem, 0, len(a.Attachments)),
		AWSService:       optionalString(a.AWS.Service),
		AWSResourceType:  optionalString(a.AWS.ResourceType),
		AWSInstanceClass: optionalString(a.AWS.InstanceClass),
		AWSMultiAZ:       types.BoolValue(a.AWS.MultiAZ),
	}
	if item.ConfigVars == nil {
		item.ConfigVars = []string{}
	}
	for _, att := range a.Attachments {
		item.Attachments = append(item.Attachments, attachmentItem{
			App: types.StringValue(att.App), Name: types.StringValue(att.Name), Namespace: optionalString(att.Namespace),
		})
	}
	return item
}
