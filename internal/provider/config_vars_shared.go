package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
)

// Descriptions shared by the heroku2aws_config_vars data source and
// ephemeral resource, so the two stay worded alike.
const (
	descConfigVarsInclude = "Keep only config vars whose names match one of these entries. Each entry is a name or a " +
		"glob such as `AWS_*` (`*`, `?` and `[...]` as in Go's `path.Match`). Unset keeps every name."
	descConfigVarsExclude = "Drop config vars whose names match one of these entries (names or globs, as in `include`). " +
		"Applied after `include`."
	descConfigVarsValues = "Config var values by name. Heroku can report a config var as `null`; such values are " +
		"returned as empty strings. Values keep newlines, `=` and Unicode exactly."
	descConfigVarsNames      = "Names of the kept config vars, sorted."
	descConfigVarsAddonNames = "Kept names that attached add-ons set, such as `DATABASE_URL` and `REDIS_URL`: the names an " +
		"add-on lists in its `config_vars`, and `<ATTACHMENT>_URL` for each attachment to the app. After a migration " +
		"these come from AWS, so pass them to `exclude` of `heroku2aws_secret_import`."
	descConfigVarsUserNames = "Kept names that no add-on owns: the app's own settings."
)

// configVarsFilter is the include/exclude pair of both config var objects.
type configVarsFilter struct {
	Include types.List
	Exclude types.List
}

// readConfigVars reads and filters an app's config vars for the data source
// and the ephemeral resource.
func readConfigVars(ctx context.Context, pd *providerData, app string, f configVarsFilter, operation string) (*inventory.ConfigVars, diag.Diagnostics) {
	var diags diag.Diagnostics
	var filter inventory.Filter
	diags.Append(f.Include.ElementsAs(ctx, &filter.Include, false)...)
	diags.Append(f.Exclude.ElementsAs(ctx, &filter.Exclude, false)...)
	if diags.HasError() {
		return nil, diags
	}
	vars, err := pd.inventory.ConfigVars(ctx, app, filter)
	if err != nil {
		addHerokuError(&diags, operation, "app", app, err)
		return nil, diags
	}
	return vars, diags
}
