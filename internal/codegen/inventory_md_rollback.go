package codegen

// This file writes the "Rollback checklist" section of INVENTORY.md: the
// rollback phase, and what it cannot do.

import "strconv"

func (d *invDoc) rollback() {
	apps := d.inv.Apps
	d.line("Until the decommission date, rolling back is one apply and a few checks. Tick them off in order.")
	d.line("")
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
		d.line("- [ ] **Recover the writes made on RDS** before the rollback apply, while Heroku is still frozen so that no new write conflicts with them. " +
			"Nothing copies RDS back to Heroku: rows written on AWS after the cutover copy exist only in RDS (" + mdJoinMore(dbs, pg) + "). " +
			"Find them by comparing each table's row count with the count the cutover copy verified (in `cutover-copy.json`, saved in step 6), " +
			"and by selecting rows whose creation or update timestamp is later than the copy; copy them to Heroku by hand or, after many writes, " +
			"dump RDS and restore it into Heroku (see the *Moving the database* guide). The database freeze makes the Heroku database read-only for new sessions: " +
			"run `SET default_transaction_read_only = off` in the session that copies them.")
	}
	writable := ""
	if len(d.dbApps) > 0 {
		writable = ", the database writable again"
	}
	roll := "- [ ] **Roll back:** set `phase = \"rollback\"` in `migration/terraform.tfvars` and run `terraform -chdir=migration apply`. " +
		"One apply lifts every app's freeze first (maintenance mode off, each process type back to the quantity and size the freeze recorded" + writable + "; " +
		"`terraform -chdir=migration output freeze` shows what will be restored), and copies nothing, even after a failed cutover"
	if d.domainCount > 0 {
		roll += "; then it moves every domain back to Heroku 100 %, both records of each domain in one batch (never gated: the health gate checks only shifts towards AWS), and Route 53 moves traffic back within the TTL (" + strconv.Itoa(dnsTTLSeconds) + " s)"
	}
	d.line(roll + ".")
	var reopen, rescale []string
	for i := range apps {
		maintenance, scale := invUnfreezeCommands(&apps[i])
		reopen = append(reopen, maintenance)
		if scale != "" {
			rescale = append(rescale, scale)
		}
	}
	if len(reopen)+len(rescale) > 0 {
		d.line("- [ ] **Check Heroku serves again** (`heroku ps`, `heroku apps:info`). Should the apply fail to reach Heroku, the same by hand, with the quantities of this inventory:")
		d.line("")
		d.commands("  ", append(reopen, rescale...), "commands")
		d.line("")
	}
	if len(d.schedApps) > 0 {
		d.line("- [ ] **Enable the Heroku Scheduler jobs** of " + d.appLinks(d.schedApps) + " again (`heroku addons:open scheduler -a APP`), that you disabled in step 6: no apply can.")
	}
	d.line("- [ ] **Keep the Heroku apps, add-ons and databases until the decommission date:** once they are gone there is nothing to roll back to. " +
		"To try again later, apply `phase = \"cutover\"`: it freezes Heroku anew and copies the databases again.")
	d.line("- [ ] Config vars changed in SSM after the import are not copied back to Heroku: re-apply such changes with `heroku config:set`.")
	d.line("")
}
