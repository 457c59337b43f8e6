package codegen

// This file writes migration/variables.tf: the inputs of the migration
// root module, which carry the target's outputs.

import "github.com/hashicorp/hcl/v2/hclwrite"

// migrationVariablesFile writes variables.tf.
func migrationVariablesFile(inv *Inventory) *tfWriter {
	w := newTFWriter("Inputs. aws_targets is an output of ../target:",
		" terraform -chdir=../target output -json aws_targets",
		"database_target_urls is the target's database_target_urls with each password (from the secrets of its",
		"database_secret_arns output) filled in: an ephemeral variable, so the URLs never reach the plan or the state.",
		"INVENTORY.md's runbook builds it into TF_VAR_database_target_urls.")
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
	urls := variable("database_target_urls", "map(map(string))", "Target postgres://user:password@host:port/db URL per app and attachment: the target's database_target_urls output with the password of the matching database_secret_arns secret. Ephemeral: never stored in the plan or the state; the copies receive it write-only (target_url_wo).", tfObj(), true)
	w.set(urls, "ephemeral", tfBool(true))
	variable("database_target_urls_version", "number", "Bump to copy the databases again with new database_target_urls (a rotated password, a new endpoint): Terraform cannot see an ephemeral value change.", tfNum(1), false)
	variable("database_run", "string", "Change to copy the databases again in a rehearsal (rehearsal-2, ...). The cutover's final copy is triggered by the freeze; leave this alone from then on.", tfLit("rehearsal-1"), false)
	variable("freeze_databases", "bool", "Make each copied Heroku Postgres database read-only during the cutover window, through the app's DATABASE_URL-style config var (Heroku's owner credential).", tfBool(true), false)
	variable("dns_zone_ids", "map(string)", "Route 53 hosted zone id per custom domain to cut over, such as { \"api.example.com\" = \"Z0123...\" }.", tfObj(), false)
	weight := variable("aws_weight", "number", "Share of each domain's traffic sent to AWS, out of 100, in the rehearsal phase only (a canary such as 10), for the apps that aws_weights does not list. The other phases set it: cutover and done 100, rollback 0.", tfNum(0), false)
	v := w.nested(weight, "validation")
	w.set(v, "condition", tfSrc("var.aws_weight >= 0 && var.aws_weight <= 100"))
	w.set(v, "error_message", tfLit("aws_weight is a percentage: 0 to 100."))
	weights := variable("aws_weights", "map(number)", "Share of traffic sent to AWS per app, out of 100, in the rehearsal phase, such as { \"acme-api\" = 10 }, so that apps move one at a time; apps missing here get aws_weight.", tfObj(), false)
	v = w.nested(weights, "validation")
	w.set(v, "condition", tfSrc("alltrue([for app, weight in var.aws_weights : weight >= 0 && weight <= 100])"))
	w.set(v, "error_message", tfLit("aws_weights holds percentages: 0 to 100."))
	migrationGateVariables(variable)
	return w
}

// defaultGateRequests is gate_requests' default, the module's (and the
// resource's); the runbook quotes it.
const defaultGateRequests = 20

// migrationGateVariables writes the variables of the health gate: on by
// default, with the module's defaults, for every app's domains.
func migrationGateVariables(variable func(name string, typ tfSource, desc string, def tfExpr, sensitive bool) *hclwrite.Body) {
	null := tfSrc("null")
	variable("dns_gate", "bool", "Gate every DNS shift that raises the AWS weight (a canary, the cutover): the provider probes the AWS side of each domain on the app's health_path first, "+
		"with the domain as Host and TLS server name, and refuses the shift (the apply fails, the weights stay as they were) when it fails. Rolling back is never gated.", tfBool(true), false)
	variable("health_paths", "map(string)", "Path per app that answers 2xx or 3xx when the app is healthy, such as { \"acme-api\" = \"/health\" }: the gate requests it on AWS. "+
		"Apps missing here use the health_path written in their apps_<app>.tf.", tfObj(), false)
	variable("gate_scheme", "string", "How the gate connects to each load balancer: https (the listener of the custom domains) or http.", tfLit("https"), false)
	variable("gate_requests", "number", "Requests the gate sends to the AWS side of each domain before a shift, spread evenly over gate_duration.", tfNum(defaultGateRequests), false)
	variable("gate_duration", "string", "How long the gate's requests are spread over: the time a gated shift adds to the apply (domains are probed in parallel).", tfLit("30s"), false)
	variable("gate_min_success_ratio", "number", "Share of the gate's requests, 0 to 1, that must answer 2xx or 3xx for the shift to go ahead.", tfSrc("0.95"), false)
	variable("gate_max_p95_latency", "string", "Highest 95th percentile latency of the gate's requests for the shift to go ahead.", tfLit("2s"), false)
	variable("gate_addresses", "map(string)", "host:port per app the gate connects to instead of the app's load balancer (a private one); the Host header and TLS server name stay the domain. "+
		"Apps missing here are probed on their aws_targets entry.", tfObj(), false)
	variable("gate_insecure_skip_verify", "bool", "Let the gate accept any TLS certificate (a self-signed test stack); leave false in production.", tfBool(false), false)
	variable("dns_watch_duration", "string", "After a gated shift is INSYNC, keep probing the AWS side this long (such as 5m) and put the previous weights back in one batch if it fails. null: no watch.", null, false)
	variable("dns_health_checks", "bool", "Create and own a Route 53 HTTPS health check on both sides of every domain, on the app's health path, so that Route 53 answers from the healthy side between applies. AWS bills each health check.", tfBool(false), false)
}
