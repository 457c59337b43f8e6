package codegen

// This file writes migration/outputs.tf: what the migration did, per app.

// migrationOutputsFile writes outputs.tf from the per-app module outputs.
func migrationOutputsFile(configVars, restores, traffic, gates, freezes, windows []tfKV) *tfWriter {
	w := newTFWriter("What the migration did, per app.")
	output := func(name, desc string, value []tfKV) {
		b := w.block(false, "output", name)
		w.set(b, "description", tfLit(desc))
		w.set(b, "value", tfObj(value...))
	}
	output("config_vars_written", "Config vars written to SSM by the last apply, per app.", configVars)
	output("database_restores", "Per app and database: the backup, the duration, and rows per table (Heroku -> RDS).", restores)
	output("traffic", "Where each custom domain's traffic goes, per app.", traffic)
	output("dns_gates", "Per app and custom domain, the last health gate that let a shift to AWS through: requests, successes, success ratio, p95 latency (ms) and when it ran.", gates)
	output("freeze", "The cutover window on Heroku, per app: whether the freeze is on and still in effect, and what it changed (a rollback restores it).", freezes)
	output("window", "When the window's steps happened, per app (RFC 3339): the freeze, and each database's final copy with its verification.", windows)
	ph := w.block(false, "output", "phase")
	w.set(ph, "description", tfLit("The phase the last apply put every app in."))
	w.set(ph, "value", tfRef("var", "phase"))
	return w
}
