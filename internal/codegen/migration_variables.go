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
	variable("aws_region", "string", "AWS region the parameters and DNS records live in.", tfLit(inv.Region()), false)
	variable("environment", "string", "Environment name in the SSM path /<app>/<environment>/<NAME>; the target's task definitions read the same path.", tfLit(inv.Env()), false)
	variable("config_vars_version", "number", "Bump to copy every config var again, for example after rotating secrets on Heroku.", tfNum(1), false)
	variable("aws_targets", "map(string)", "DNS name of each app's load balancer on AWS, by app name (the target's aws_targets output). Domains of apps missing here are not cut over.", tfObj(), false)
	variable("copy_databases", "bool", "Copy the Heroku Postgres databases into RDS. Set it once database_target_urls holds every database.", tfBool(false), false)
	variable("database_target_urls", "map(map(string))", "Target postgres:// URL per app and attachment (the target's database_target_urls output).", tfObj(), true)
	variable("database_run", "string", "Change to copy the databases again: a rehearsal first, then \"cutover\" in the maintenance window.", tfLit("rehearsal-1"), false)
	variable("dns_zone_ids", "map(string)", "Route 53 hosted zone id per custom domain to cut over, such as { \"api.example.com\" = \"Z0123...\" }.", tfObj(), false)
	weight := variable("aws_weight", "number", "Share of each domain's traffic sent to AWS, out of 100: 0, then 10, 50, 100. Back to 0 rolls back.", tfNum(0), false)
	v := w.nested(weight, "validation")
	w.set(v, "condition", tfSrc("var.aws_weight >= 0 && var.aws_weight <= 100"))
	w.set(v, "error_message", tfLit("aws_weight is a percentage: 0 to 100."))
	return w
}
