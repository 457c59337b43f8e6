package codegen

// This file writes the "Rollback checklist" section of INVENTORY.md.

import "strconv"

func (d *invDoc) rollback() {
	apps := d.inv.Apps
	d.line("Until the decommission date, rolling back is a few commands. Tick them off in order.")
	d.line("")
	if d.domainCount > 0 {
		d.line("- [ ] **Move traffic back:** set `aws_weight = 0` in `migration/terraform.tfvars` and run `terraform -chdir=migration apply`. " +
			"Both records of each domain change in one batch, and Route 53 moves traffic back within the TTL (" + strconv.Itoa(dnsTTLSeconds) + " s).")
	}
	stop := "- [ ] **Stop the work on AWS** so that nothing runs on both sides: "
	if _, redis := d.storeCounts(); redis > 0 {
		stop += "let the AWS workers finish the jobs queued in ElastiCache (nothing copies it back to Heroku Redis), then "
	}
	stop += "scale the ECS services to 0 (`aws ecs update-service --desired-count 0`; the next target apply restores the Heroku quantities)"
	if len(d.schedApps) > 0 {
		stop += "; empty `scheduler_jobs` in `target/terraform.tfvars` and run `terraform -chdir=target apply` to stop the scheduled jobs"
	}
	d.line(stop + ".")
	if len(d.dbApps) > 0 {
		var dbs []string
		for _, s := range d.stores {
			if s.Service == "heroku-postgresql" && len(dbs) < nameListMax {
				dbs = append(dbs, mdCode(s.Name))
			}
		}
		pg, _ := d.storeCounts()
		d.line("- [ ] **Recover the writes made on RDS**, while Heroku is still in maintenance mode so that no new write conflicts with them. " +
			"Nothing copies RDS back to Heroku: rows written on AWS after the cutover copy exist only in RDS (" + mdJoinMore(dbs, pg) + "). " +
			"Find them by comparing each table's row count with the count the cutover copy verified (`terraform -chdir=migration output database_restores`), " +
			"and by selecting rows whose creation or update timestamp is later than the copy; copy them to Heroku by hand or, after many writes, " +
			"dump RDS and restore it into Heroku (see the *Moving the database* guide).")
	}
	var reopen, rescale []string
	for i := range apps {
		maintenance, scale := invHoldCommands(&apps[i], false)
		if maintenance != "" {
			reopen = append(reopen, maintenance)
		}
		if scale != "" {
			rescale = append(rescale, scale)
		}
	}
	if len(reopen) > 0 {
		d.line("- [ ] **Turn maintenance mode off** once the writes are back (at once if AWS took none):")
		d.line("")
		d.commands("  ", reopen, "commands")
		d.line("")
	}
	if len(rescale) > 0 {
		d.line("- [ ] **Scale Heroku back** to the quantities in this inventory:")
		d.line("")
		d.commands("  ", rescale, "commands")
		d.line("")
	}
	if len(d.schedApps) > 0 {
		d.line("- [ ] **Re-create the Heroku Scheduler jobs** of " + d.appLinks(d.schedApps) + " that you removed in step 6.")
	}
	d.line("- [ ] **Keep the Heroku apps, add-ons and databases until the decommission date:** once they are gone there is nothing to roll back to.")
	d.line("- [ ] Config vars changed in SSM after the import are not copied back to Heroku: re-apply such changes with `heroku config:set`.")
	d.line("")
}
