package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The schema of heroku2aws_app_freeze: what to freeze at the top level,
// the optional database block, and the computed record of exactly what
// the freeze changed (the rollback restores it).

// attachmentPattern is a Heroku add-on attachment name, such as DATABASE
// or HEROKU_POSTGRESQL_RED: upper-case letters, digits and underscores,
// starting with a letter (https://devcenter.heroku.com/articles/add-ons#attachment-names-aliases).
var attachmentPattern = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

func (r *appFreezeResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Freezes one Heroku app for a migration's cutover window: maintenance mode on, process " +
			"types scaled to zero in order (workers drain before web stops), and optionally the database made " +
			"read-only for new sessions. The state records exactly what the freeze changed; `enabled = false` or " +
			"destroying the resource restores it (the rollback), never touching a process type the freeze did not " +
			"change. Maintenance mode stops web traffic only: one-off dynos and Heroku Scheduler jobs keep running.",
		Attributes: map[string]schema.Attribute{
			"id": computedResourceID("Id of the Heroku app."),
			"app": schema.StringAttribute{
				MarkdownDescription: "Name or id of the Heroku app to freeze. Changing it lifts the freeze of the old " +
					"app and freezes the new one.",
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether the app is frozen. Defaults to `true`. Setting it to `false` restores " +
					"what the freeze changed (the rollback) and keeps the resource, so that `true` freezes again.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"maintenance": schema.BoolAttribute{
				MarkdownDescription: "Turn maintenance mode on: Heroku serves the maintenance page to web traffic. " +
					"Defaults to `true`. It does not stop worker, one-off or Scheduler dynos.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"process_types": schema.ListAttribute{
				MarkdownDescription: "Process types to scale to zero, in this order. When unset, every process type " +
					"of the formation but `web` and `release`, sorted by name; an empty list scales none. `web`, when " +
					"listed, is scaled down last, after `drain_wait`. `release` (the release phase) is never scaled.",
				Optional:    true,
				ElementType: types.StringType,
			},
			"drain_wait": schema.StringAttribute{
				MarkdownDescription: "How long to wait after scaling the non-web process types down, before web and " +
					"the database freeze, as a Go duration such as `30s` or `2m`. Defaults to `30s`, the time Heroku " +
					"gives a dyno between SIGTERM and SIGKILL. Skipped when nothing was scaled down.",
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(defaultDrainWait),
			},
			"in_effect": schema.BoolAttribute{
				MarkdownDescription: "Whether the live app is frozen as recorded. Refresh sets it to `false` when " +
					"something was undone during the window (a worker scaled up, maintenance turned off, the database " +
					"writable again); the plan sets it to `enabled`, so the drift shows as an update that freezes again.",
				Computed: true,
			},
			"generation": schema.Int64Attribute{
				MarkdownDescription: "Counts the freezes that started from an unfrozen app (or froze the database " +
					"again after it became writable); it never decreases while the resource exists. Known at plan time, so that " +
					"`heroku2aws_pg_restore_job.triggers` can use it to take the final copy after each new freeze. " +
					"Repairing other drift, lifting the freeze and changing `drain_wait` keep it.",
				Computed: true,
			},
			"frozen_at": computedResourceString("When the last freeze finished, RFC 3339; null while the app is not frozen."),
			"prior_maintenance": schema.BoolAttribute{
				MarkdownDescription: "Maintenance mode as it was before the freeze turned it on; null when the freeze " +
					"did not change it.",
				Computed: true,
			},
			"prior_formation": schema.ListNestedAttribute{
				MarkdownDescription: "The process types the freeze scaled down, with their prior quantity and size, " +
					"in the order they were scaled down. The rollback restores them in the reverse order.",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"type":     computedResourceString("Process type, such as `worker`."),
						"quantity": computedResourceInt64("Number of dynos before the freeze."),
						"size":     computedResourceString("Dyno size before the freeze, such as `Standard-1X`."),
					},
				},
			},
			"database_frozen": schema.BoolAttribute{
				MarkdownDescription: "Whether the database is recorded as frozen and, when refresh can check it, " +
					"still read-only for new sessions.",
				Computed: true,
			},
			"prior_database": schema.SingleNestedAttribute{
				MarkdownDescription: "The database the freeze made read-only, and its setting before; null when the " +
					"database is not frozen.",
				Computed: true,
				Attributes: map[string]schema.Attribute{
					"name": computedResourceString("Name of the database (`current_database()`)."),
					"default_transaction_read_only": computedResourceString("The database-level " +
						"`default_transaction_read_only` before the freeze; null when there was none (the rollback " +
						"then resets it)."),
				},
			},
			"timeouts": createUpdateDeleteTimeouts(ctx),
		},
		Blocks: map[string]schema.Block{
			"database": schema.SingleNestedBlock{
				MarkdownDescription: "Also freeze writes at the database: `ALTER DATABASE ... SET " +
					"default_transaction_read_only = on`, then end the sessions already open, so that every new " +
					"session starts read-only. Needs a credential that owns the database (Heroku's default one does). " +
					"A session can still run `SET default_transaction_read_only = off`: this stops the application, " +
					"not a determined user. Set exactly one of `url_wo` and `attachment`.",
				Attributes: map[string]schema.Attribute{
					"url_wo": schema.StringAttribute{
						MarkdownDescription: "Connection URL of the database, `postgres://user:password@host:5432/db`, " +
							"write-only: Terraform never stores it in the plan or the state. Requires Terraform 1.11 or " +
							"later and `url_wo_version`. Because destroy cannot read it, lift a database freeze with " +
							"`enabled = false` before destroying the resource, and refresh cannot check that the database " +
							"is still read-only.",
						Optional:  true,
						Sensitive: true,
						WriteOnly: true,
					},
					"url_wo_version": schema.Int64Attribute{
						MarkdownDescription: "Version of `url_wo`; change it when the URL changes. Required with `url_wo`.",
						Optional:            true,
					},
					"attachment": schema.StringAttribute{
						MarkdownDescription: "Name of the app's Heroku Postgres attachment, such as `DATABASE`: the URL " +
							"is read from the app's `<attachment>_URL` config var whenever it is needed (apply, refresh, " +
							"destroy) and never stored.",
						Optional: true,
						Validators: []validator.String{stringvalidator.RegexMatches(attachmentPattern,
							"must be an attachment name such as DATABASE or HEROKU_POSTGRESQL_RED (upper-case letters, digits and underscores)")},
					},
				},
			},
		},
	}
}
