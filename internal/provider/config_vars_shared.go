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

// configVarsModel holds the attributes that the data source and the
// ephemeral resource share; the data source's model embeds it.
type configVarsModel struct {
	App                 types.String      `tfsdk:"app"`
	Include             types.List        `tfsdk:"include"`
	Exclude             types.List        `tfsdk:"exclude"`
	Values              map[string]string `tfsdk:"values"`
	Names               []string          `tfsdk:"names"`
	AddonConfigVarNames []string          `tfsdk:"addon_config_var_names"`
	UserConfigVarNames  []string          `tfsdk:"user_config_var_names"`
}

// read reads and filters the app's config vars into m.
func (m *configVarsModel) read(ctx context.Context, pd *providerData, operation string) diag.Diagnostics {
	var diags diag.Diagnostics
	var filter inventory.Filter
	diags.Append(m.Include.ElementsAs(ctx, &filter.Include, false)...)
	diags.Append(m.Exclude.ElementsAs(ctx, &filter.Exclude, false)...)
	if diags.HasError() {
		return diags
	}
	app := m.App.ValueString()
	vars, err := pd.inventory.ConfigVars(ctx, app, filter)
	if err != nil {
		addHerokuError(&diags, operation, "app", app, err)
		return diags
	}
	m.Values, m.Names = vars.Values, vars.Names
	m.AddonConfigVarNames, m.UserConfigVarNames = vars.AddOnNames, vars.UserNames
	return diags
}
