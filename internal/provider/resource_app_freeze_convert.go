package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/appfreeze"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/heroku"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/problem"
)

// The conversions of heroku2aws_app_freeze between its model and
// appfreeze (expand…, flatten…), its planning rules, and the lookups its
// operations share.

var (
	priorProcessAttrTypes = map[string]attr.Type{
		"type":     types.StringType,
		"quantity": types.Int64Type,
		"size":     types.StringType,
	}
	priorDatabaseAttrTypes = map[string]attr.Type{
		"name":                          types.StringType,
		"default_transaction_read_only": types.StringType,
	}
)

// expandAppFreezeSpec converts the model into what to freeze, without the
// database URL of an attachment (resolved at apply time). known is false
// while an argument is unknown.
func expandAppFreezeSpec(ctx context.Context, m *appFreezeModel, diags *diag.Diagnostics) (appfreeze.Spec, bool) {
	known := !m.App.IsUnknown() && !m.Maintenance.IsUnknown() && !m.DrainWait.IsUnknown()
	spec := appfreeze.Spec{
		App:         m.App.ValueString(),
		Maintenance: m.Maintenance.ValueBool(),
	}
	if !m.ProcessTypes.IsNull() {
		spec.ProcessTypes = expandStringList(ctx, m.ProcessTypes, &known, diags)
		if spec.ProcessTypes == nil && known {
			spec.ProcessTypes = []string{} // listed as empty: scale none
		}
	}
	if !m.DrainWait.IsNull() && !m.DrainWait.IsUnknown() {
		d, err := time.ParseDuration(m.DrainWait.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("drain_wait"), "Invalid Drain Wait",
				fmt.Sprintf("drain_wait %q is not a duration. Give a number with a unit, such as \"30s\", \"90s\" or \"2m\".",
					m.DrainWait.ValueString()))
		}
		spec.DrainWait = d
	}
	if m.Database != nil {
		spec.Database = &appfreeze.Database{URL: m.Database.URLWO.ValueString()}
	}
	return spec, known
}

// validateFreezeDatabase checks the database block's arguments: exactly
// one of url_wo and attachment, and url_wo_version with url_wo. Findings
// about url_wo are reported on the block (its line would show the URL).
func validateFreezeDatabase(db *appFreezeDatabaseModel, diags *diag.Diagnostics) {
	if db == nil {
		return
	}
	// A value known only at apply (from a module variable, say) is checked
	// again once it is known: an unknown is neither set nor unset.
	if db.URLWO.IsUnknown() || db.Attachment.IsUnknown() || db.URLWOVersion.IsUnknown() {
		return
	}
	hasURL, hasAttachment := !db.URLWO.IsNull(), !db.Attachment.IsNull()
	switch {
	case hasURL && hasAttachment:
		diags.AddAttributeError(path.Root("database"), "Conflicting Database Arguments",
			"The database block sets both url_wo and attachment. Set url_wo (with url_wo_version) for a URL you pass in, "+
				"or attachment to read the URL from the app's config vars, not both.")
	case !hasURL && !hasAttachment:
		diags.AddAttributeError(path.Root("database"), "Missing Database Argument",
			"The database block needs url_wo (with url_wo_version) or attachment, such as attachment = \"DATABASE\".")
	case hasURL && db.URLWOVersion.IsNull():
		diags.AddAttributeError(path.Root("database").AtName("url_wo_version"), "Missing url_wo_version",
			"database.url_wo is write-only, so Terraform cannot tell when it changes. Add url_wo_version = 1, and "+
				"change it whenever the URL changes.")
	case !hasURL && !db.URLWOVersion.IsNull():
		diags.AddAttributeError(path.Root("database").AtName("url_wo_version"), "url_wo_version Without url_wo",
			"database.url_wo_version versions database.url_wo, which is not set. Remove url_wo_version, or set url_wo.")
	}
}

// expandRecord is what the model records the freeze changed.
func expandRecord(m *appFreezeModel) appfreeze.Record {
	rec := appfreeze.Record{Generation: m.Generation.ValueInt64()}
	if !m.PriorMaintenance.IsNull() && !m.PriorMaintenance.IsUnknown() {
		rec.Maintenance = new(m.PriorMaintenance.ValueBool())
	}
	if !m.PriorFormation.IsNull() && !m.PriorFormation.IsUnknown() {
		for _, v := range m.PriorFormation.Elements() {
			obj, ok := v.(types.Object)
			if !ok {
				continue
			}
			a := obj.Attributes()
			typ, _ := a["type"].(types.String)
			qty, _ := a["quantity"].(types.Int64)
			size, _ := a["size"].(types.String)
			rec.Processes = append(rec.Processes, appfreeze.ProcessPrior{
				Type:     typ.ValueString(),
				Quantity: int(qty.ValueInt64()),
				Size:     size.ValueString(),
			})
		}
	}
	if !m.PriorDatabase.IsNull() && !m.PriorDatabase.IsUnknown() {
		a := m.PriorDatabase.Attributes()
		name, _ := a["name"].(types.String)
		setting, _ := a["default_transaction_read_only"].(types.String)
		rec.Database = &appfreeze.DatabasePrior{Name: name.ValueString(), PriorSetting: setting.ValueString()}
	}
	if t, err := time.Parse(time.RFC3339, m.FrozenAt.ValueString()); err == nil {
		rec.FrozenAt = t
	}
	return rec
}

// flattenAppFreezeRecord copies a record into the model: frozen_at, the
// priors and database_frozen. The generation is the provider's (see
// planComputed), not the record's.
func flattenAppFreezeRecord(m *appFreezeModel, rec appfreeze.Record) {
	m.FrozenAt = types.StringNull()
	if !rec.FrozenAt.IsZero() {
		m.FrozenAt = types.StringValue(rec.FrozenAt.UTC().Format(time.RFC3339))
	}
	m.PriorMaintenance = types.BoolNull()
	if rec.Maintenance != nil {
		m.PriorMaintenance = types.BoolValue(*rec.Maintenance)
	}
	procs := make([]attr.Value, 0, len(rec.Processes))
	for _, p := range rec.Processes {
		procs = append(procs, types.ObjectValueMust(priorProcessAttrTypes, map[string]attr.Value{
			"type":     types.StringValue(p.Type),
			"quantity": types.Int64Value(int64(p.Quantity)),
			"size":     types.StringValue(p.Size),
		}))
	}
	m.PriorFormation = types.ListValueMust(types.ObjectType{AttrTypes: priorProcessAttrTypes}, procs)
	m.PriorDatabase = types.ObjectNull(priorDatabaseAttrTypes)
	if rec.Database != nil {
		m.PriorDatabase = types.ObjectValueMust(priorDatabaseAttrTypes, map[string]attr.Value{
			"name":                          types.StringValue(rec.Database.Name),
			"default_transaction_read_only": optionalString(rec.Database.PriorSetting),
		})
	}
	m.DatabaseFrozen = types.BoolValue(rec.Database != nil)
}

// freezeRuns reports whether applying plan over prior runs a freeze: the
// freeze is enabled and the resource is new, was not enabled, is not in
// effect (drift, or a failed apply), or freezes something else now.
func freezeRuns(prior, plan *appFreezeModel) bool {
	if plan.Enabled.IsUnknown() {
		return true
	}
	if !plan.Enabled.ValueBool() {
		return false
	}
	if prior == nil || !prior.Enabled.ValueBool() || !prior.InEffect.ValueBool() {
		return true
	}
	return !prior.Maintenance.Equal(plan.Maintenance) || !prior.ProcessTypes.Equal(plan.ProcessTypes) ||
		!prior.DrainWait.Equal(plan.DrainWait) || databaseChanged(prior.Database, plan.Database)
}

func databaseChanged(a, b *appFreezeDatabaseModel) bool {
	if a == nil || b == nil {
		return (a == nil) != (b == nil)
	}
	return !a.Attachment.Equal(b.Attachment) || !a.URLWOVersion.Equal(b.URLWOVersion)
}

// planComputed plans the computed attributes. in_effect is planned as
// enabled. The generation goes up by one when a freeze runs on an app that
// was not frozen (a new resource, enabled false → true, a freeze after a
// failed or started rollback: frozen_at is null then) or when it freezes
// the database again after it was found writable (or is newly
// configured): then writes may have reached the database since the last
// copy. Repairing other drift (a worker scaled up, maintenance off) keeps
// it: the database freeze, or the copy already taken, is not affected by
// which dynos ran, and a new copy after the cutover would overwrite what
// AWS has taken since.
func planComputed(prior, plan *appFreezeModel, run bool) {
	plan.InEffect = plan.Enabled
	gen := int64(0)
	if prior != nil {
		gen = prior.Generation.ValueInt64()
	}
	switch {
	case plan.Enabled.IsUnknown():
		plan.Generation = types.Int64Unknown()
		unknownFreezeResult(plan)
		plan.DatabaseFrozen = types.BoolUnknown()
	case !plan.Enabled.ValueBool():
		plan.Generation = types.Int64Value(gen)
		flattenAppFreezeRecord(plan, appfreeze.Record{})
	case run:
		bump := prior == nil || prior.FrozenAt.IsNull() || (plan.Database != nil && !prior.DatabaseFrozen.ValueBool())
		if bump {
			gen++
		}
		plan.Generation = types.Int64Value(gen)
		unknownFreezeResult(plan)
		plan.DatabaseFrozen = types.BoolValue(plan.Database != nil)
	default:
		plan.Generation = prior.Generation
		plan.FrozenAt, plan.PriorMaintenance, plan.PriorFormation = prior.FrozenAt, prior.PriorMaintenance, prior.PriorFormation
		plan.PriorDatabase, plan.DatabaseFrozen = prior.PriorDatabase, prior.DatabaseFrozen
	}
}

func unknownFreezeResult(m *appFreezeModel) {
	m.FrozenAt = types.StringUnknown()
	m.PriorMaintenance = types.BoolUnknown()
	m.PriorFormation = types.ListUnknown(types.ObjectType{AttrTypes: priorProcessAttrTypes})
	m.PriorDatabase = types.ObjectUnknown(priorDatabaseAttrTypes)
}

// validateLive checks spec against the live app: process types it lacks,
// web in a Private Space, Heroku Scheduler, an unknown attachment. The
// findings that need no live data were reported by ValidateConfig. A read
// that fails for another reason than a missing app is left to the apply.
func (r *appFreezeResource) validateLive(ctx context.Context, spec appfreeze.Spec, plan *appFreezeModel, diags *diag.Diagnostics) {
	const operation = "Error Planning Heroku App Freeze"
	h := r.data.heroku
	app, err := h.App(ctx, spec.App)
	if heroku.IsNotFound(err) {
		addHerokuError(diags, operation, "app", spec.App, err)
		return
	}
	skip := func(what string, err error) {
		tflog.Warn(ctx, "app freeze: "+what+" could not be read at plan time", map[string]any{"error": err.Error()})
	}
	if err != nil {
		skip("the app", err)
		return
	}
	if plan.ID.IsUnknown() {
		plan.ID = types.StringValue(app.ID)
	}
	formation, err := h.Formation(ctx, spec.App)
	if err != nil {
		skip("the formation", err)
		return
	}
	addons, err := h.AddOns(ctx, spec.App)
	if err != nil {
		skip("the add-ons", err)
		addons = nil
	}
	static := map[[2]string]bool{}
	for _, p := range appfreeze.Validate(spec, nil, nil, nil) {
		static[[2]string{p.Attribute, p.Summary}] = true
	}
	var live []problem.Problem
	for _, p := range appfreeze.Validate(spec, app, formation, addons) {
		if !static[[2]string{p.Attribute, p.Summary}] {
			live = append(live, p)
		}
	}
	addProblems(diags, live, appFreezeSensitive...)

	if db := plan.Database; db != nil && !db.Attachment.IsNull() && !db.Attachment.IsUnknown() {
		attachments, err := h.AddOnAttachments(ctx, spec.App)
		if err != nil {
			skip("the add-on attachments", err)
			return
		}
		want := db.Attachment.ValueString()
		var names []string
		for _, a := range attachments {
			if a.Name == want {
				return
			}
			names = append(names, a.Name)
		}
		diags.AddAttributeError(path.Root("database").AtName("attachment"), "Unknown Database Attachment",
			fmt.Sprintf("The app %s has no add-on attachment %q (its attachments: %s). Use the name `heroku addons -a %s` "+
				"shows for the database, such as DATABASE.", spec.App, want, listOrNone(names), spec.App))
	}
}

// databaseURL is the URL of the database to freeze or to restore:
// url_wo from the configuration (Create and Update only: it is never
// stored), or the app's <attachment>_URL config var.
func (r *appFreezeResource) databaseURL(ctx context.Context, app string, db, configDB *appFreezeDatabaseModel) (string, error) {
	if configDB != nil && !configDB.URLWO.IsNull() && !configDB.URLWO.IsUnknown() {
		return configDB.URLWO.ValueString(), nil
	}
	if db != nil && !db.Attachment.IsNull() {
		return r.attachmentURL(ctx, app, db.Attachment.ValueString())
	}
	return "", errors.New("database.url_wo is write-only, so Terraform keeps it nowhere and it is not available " +
		"to this operation (destroy, or an apply without the block). Apply with enabled = false and the database " +
		"block as it was to lift the freeze, then destroy, or use database.attachment")
}

// attachmentURL reads the app's <attachment>_URL config var. The value
// is a secret: it is returned, never logged or put in an error.
func (r *appFreezeResource) attachmentURL(ctx context.Context, app, attachment string) (string, error) {
	vars, err := r.data.heroku.ConfigVars(ctx, app)
	if err != nil {
		return "", fmt.Errorf("reading the config vars of %s: %w", app, err)
	}
	name := attachment + "_URL"
	v, ok := vars[name]
	if !ok || v == nil || *v == "" {
		return "", fmt.Errorf("the app %s has no config var %s: check database.attachment (the database's "+
			"attachment name, such as DATABASE)", app, name)
	}
	return *v, nil
}

func (r *appFreezeResource) engine() *appfreeze.Engine {
	return &appfreeze.Engine{Heroku: r.data.heroku, Logger: newLogger()}
}

// herokuErrorText is an operation's error, with the advice for an
// exhausted rate limit.
func herokuErrorText(err error) string {
	if heroku.IsRateLimited(err) {
		return err.Error() + "\n\n" + detailRateLimit
	}
	return err.Error()
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return fmt.Sprint(names)
}
