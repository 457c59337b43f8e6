package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
)

// regexValidator checks at plan time that a string compiles as a Go regular
// expression.
type regexValidator struct{}

var _ validator.String = regexValidator{}

func (regexValidator) Description(context.Context) string {
	return "value must be a valid Go regular expression"
}

func (v regexValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (regexValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Regular Expression",
			fmt.Sprintf("%q is not a valid Go regular expression: %s. Escape special characters such as . and ( with a backslash "+
				"(in HCL, write \\\\ for one backslash).", req.ConfigValue.ValueString(), err))
	}
}

// namePatternValidator checks at plan time that a config var filter entry is
// a name or a valid glob.
type namePatternValidator struct{}

var _ validator.String = namePatternValidator{}

func (namePatternValidator) Description(context.Context) string {
	return "value must be a config var name or a glob pattern such as `AWS_*`"
}

func (v namePatternValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (namePatternValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := inventory.ValidatePattern(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Config Var Name Pattern", err.Error()+".")
	}
}
