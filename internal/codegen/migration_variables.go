package codegen

// This file writes migration/variables.tf: the inputs of the migration
// root module, which carry the target's outputs.

import "github.com/hashicorp/hcl/v2/hclwrite"

// migrationVariablesFile writes variables.tf.
func migrationVariablesFile(inv *Inventory) *tfWriter {
	w := newTFWriter("Inputs. aws_targets and database_target_urls are outputs of ../target:",
		" terraform -chdir=../target output -json aws_targets",
		" terraform -chdir=../target output -json database_target_urls")
	variable := func(name string, typ tfSource, desc string, def tfExpr, sensitive bool) *hclwrite.Body {
		b := w.block(false, "variable", name)
		w.set(b, "description", tfLit(desc))
		w.set(b, "type", tfSrc(typ))
		w.set(b, "default", def)
		if sensitive {
			w.set(b, "sensitive", tfBool(true))
		}
		return b
	}
	phase := variable("phase", "string", "Where the migration stands, for every app: rehearsal (copy, Heroku serves), cutover (freeze Heroku, final copy verified, then DNS to AWS 100), rollback (lift the freeze, then DNS to Heroku 100) or done (stay frozen, DNS at AWS 100).", tfLit("rehearsal"), false)
	pv := w.nested(phase, "validation")
	w.set(pv, "condition", tfSrc(`contains(["rehearsal", "cutover", "rollback", "done"], var.phase)`))
	w.set(pv, "error_message", tfLit("phase must be one of rehearsal, cutover, rollback, done."))
	variable("freeze_drain_wait", "string", "How long the cutover's freeze waits after scaling each app's non-web processes to 0, before web and the database: Heroku gives a dyno 30 s between SIGTERM and SIGKILL.", tfLit("30s"), false)
	variable("aws_region", "string", "AWS region the parameters and DNS records live in.", tfLit(inv.Region()), false)
	variable("environment", "string", "Environment name in the SSM path /<app>/<environment>/<NAME>; the target's task definitions read the same path.", tfLit(inv.Env()), false)
	variable("config_vars_version", "number", "Bump to copy every config var again, for example after rotating secrets on Heroku.", tfNum(1), false)
	variable("aws_targets", "map(string)", "DNS name of each app's load balancer on AWS, by app name (the target's aws_targets output). Domains of apps missing here are not cut over.", tfObj(), false)
	variable("copy_databases", "bool", "Copy the Heroku Postgres databases into RDS. Set it once database_target_urls holds every database.", tfBool(false), false)
	variable("database_target_urls", "map(map(string))", "Target postgres:// URL per app and attachment (the target's database_target_urls output).", tfObj(), true)
	variable("database_run", "string", "Change to copy the databases again in a rehearsal (rehearsal-2, ...). The cutover's final copy is triggered by the freeze; leave this alone from then on.", tfLit("rehearsal-1"), false)
	variable("freeze_databases", "bool", "Make each copied Heroku Postgres database read-only during the cutover window, through the app's DATABASE_URL-style config var (Heroku's owner credential).", tfBool(true), false)
	variable("dns_zone_ids", "map(string)", "Route 53 hosted zone id per custom domain to cut over, such as { \"api.example.com\" = \"Z0123...\" }.", tfObj(), false)
	weight := variable("aws_weight", "number", "Share of each domain's traffic sent to AWS, out of 100, in the rehearsal phase only (a canary such as 10). The other phases set it: cutover and done 100, rollback 0.", tfNum(0), false)
	v := w.nested(weight, "validation")
	w.set(v, "condition", tfSrc("var.aws_weight >= 0 && var.aws_weight <= 100"))
	w.set(v, "error_message", tfLit("aws_weight is a percentage: 0 to 100."))
	return w
}
