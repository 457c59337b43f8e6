package codegen

// This file writes migration/outputs.tf: what the migration did, per app.

// migrationOutputsFile writes outputs.tf from the per-app module outputs.
func migrationOutputsFile(configVars, restores, traffic []tfKV) *tfWriter {
	w := newTFWriter("What the migration did, per app.")
	output := func(name, desc string, value []tfKV) {
		b := w.block(false, "output", name)
		w.set(b, "description", tfLit(desc))
		w.set(b, "value", tfObj(value...))
	}
	output("config_vars_written", "Config vars written to SSM by the last apply, per app.", configVars)
	output("database_restores", "Per app and database: the backup, the duration, and rows per table (Heroku -> RDS).", restores)
	output("traffic", "Where each custom domain's traffic goes, per app.", traffic)
	return w
}
