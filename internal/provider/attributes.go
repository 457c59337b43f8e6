package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// This file holds the attribute schemas and values that several objects
// share. Data sources and resources have distinct schema packages, so a
// read-only attribute has one helper for each: computedString for data
// sources, computedResourceString for resources.

// Data source attributes.

// computedString is a read-only string attribute of a data source.
func computedString(description string) dsschema.StringAttribute {
	return dsschema.StringAttribute{
		MarkdownDescription: description,
		Computed:            true,
	}
}

// computedInt64 is a read-only number attribute of a data source.
func computedInt64(description string) dsschema.Int64Attribute {
	return dsschema.Int64Attribute{
		MarkdownDescription: description,
		Computed:            true,
	}
}

// requiredApp is the `app` argument shared by the per-app data sources.
func requiredApp() dsschema.StringAttribute {
	return dsschema.StringAttribute{
		MarkdownDescription: "Name or id of the Heroku app, such as `data.heroku2aws_app.api.id`.",
		Required:            true,
		// An empty name would reach the Heroku client, which rejects it
		// without naming the attribute.
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
}

// Resource attributes.

// computedResourceID is the `id` of a resource: computed at create and
// kept from the state afterwards.
func computedResourceID(description string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description,
		Computed:            true,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

// computedResourceString is a read-only string attribute of a resource.
func computedResourceString(description string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description,
		Computed:            true,
	}
}

// computedResourceInt64 is a read-only number attribute of a resource.
func computedResourceInt64(description string) schema.Int64Attribute {
	return schema.Int64Attribute{
		MarkdownDescription: description,
		Computed:            true,
	}
}

// computedResourceFloat64 is a read-only fractional number attribute of a
// resource.
func computedResourceFloat64(description string) schema.Float64Attribute {
	return schema.Float64Attribute{
		MarkdownDescription: description,
		Computed:            true,
	}
}

// createUpdateDeleteTimeouts is the `timeouts` attribute of a resource whose
// create, update and delete each take a timeout.
func createUpdateDeleteTimeouts(ctx context.Context) schema.Attribute {
	return timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true})
}

// nullTimeouts is the value of createUpdateDeleteTimeouts when the
// configuration sets none, as after an import.
func nullTimeouts() timeouts.Value {
	return timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
		"create": types.StringType,
		"update": types.StringType,
		"delete": types.StringType,
	})}
}

// Values.

// expandStringList reads a list of strings. An unknown list reads as nil
// and sets *known to false.
func expandStringList(ctx context.Context, v types.List, known *bool, diags *diag.Diagnostics) []string {
	if v.IsUnknown() {
		*known = false
		return nil
	}
	var out []string
	diags.Append(v.ElementsAs(ctx, &out, false)...)
	return out
}

// optionalString maps "" to null.
func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
