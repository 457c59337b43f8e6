package codegen

// This file writes the "Cutover runbook" section of INVENTORY.md: the
// steps from applying the target to decommissioning Heroku.

import (
	"strconv"
	"strings"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
)

func (d *invDoc) runbook() {
	d.line("Run every command from the directory that holds this file; the commands read the target's outputs with `terraform -chdir=target output` and `jq`. Fill in the values in angle brackets.")
	d.line("")
	d.runbookTarget()
	d.runbookImages()
	d.runbookMigration()
	d.runbookRelease()
	d.runbookSmoke()
	d.runbookWindow()
	d.runbookDNS()
	d.runbookWatch()
	d.runbookDecommission()
}

// runbookTarget is step 1 of the runbook: it creates the landing zone.
func (d *invDoc) runbookTarget() {
	var settings []string
	var vars []string
	if len(d.dbApps) > 0 {
		settings = append(settings, "the PostgreSQL major version of the Heroku databases (`heroku pg:info`)")
		vars = append(vars, `postgres_engine_version = "16" # match heroku pg:info`)
	}
	if d.domainCount > 0 {
		settings = append(settings, "the Route 53 hosted zone of each custom domain (the apply waits for the load balancers' ACM certificates and creates their DNS validation records there; "+
			"validate the domains left out by hand, from the output `certificate_validation_records`)")
		vars = append(vars, d.zoneMap("route53_zone_ids")...)
	}
	if len(d.schedApps) > 0 {
		vars = append(vars, "scheduler_jobs = {} # filled in step 6")
	}
	intro := "1. **Create the AWS side:** network, ECR repositories, ECS services, load balancers, RDS and ElastiCache."
	if len(vars) > 0 {
		intro += " First write `target/terraform.tfvars`"
		if len(settings) > 0 {
			intro += " with " + strings.Join(settings, ", and ")
		}
		intro += ":"
		d.line(intro)
		d.line("")
		d.tfvars("target/terraform.tfvars", vars)
		d.line("")
		d.line("   Then review the plan and apply:")
	} else {
		d.line(intro + " Review the plan and apply:")
	}
	d.line("")
	d.codeBlock("   ", "sh", []string{"terraform -chdir=target init", "terraform -chdir=target apply"})
	d.line("")
	caution := "   The ECS services start at the Heroku quantities as soon as their images exist (step 2), so from then on the AWS workers run beside Heroku's, on the rehearsal data: " +
		"mind side effects such as emails, payments or webhooks."
	if len(d.schedApps) > 0 {
		caution += " For the same reason `scheduler_jobs` stays empty until step 6."
	}
	d.line(caution)
	d.line("")
	d.line("   No database or cache password reaches the target's plan or state: " + d.secretsSentence())
	d.line("")
	d.line("   Hand the target's outputs to the migration:")
	d.line("")
	d.codeBlock("   ", "sh", []string{"terraform -chdir=target output -json \\",
		"  | jq '{aws_targets: .aws_targets.value}' > migration/target.auto.tfvars.json"})
	d.line("")
	if len(d.dbApps) == 0 {
		return
	}
	d.line("   The copies need each database's URL with its password. `database_target_urls` is an ephemeral variable, so the migration's " +
		"plan and state never hold it (the copies get it write-only, as `target_url_wo`); build it in the environment of the shell " +
		"that runs the migration, from the target's password-free URLs and the RDS-managed secrets (bash, the AWS CLI and jq; " +
		"the password goes through pipes, never a command line):")
	d.line("")
	d.codeBlock("   ", "sh", []string{
		`TF_VAR_database_target_urls=$(terraform -chdir=target output -json | jq -r '.database_secret_arns.value as $a`,
		`  | .database_target_urls.value | to_entries[] | .key as $app | .value | to_entries[]`,
		`  | [$app, .key, .value, $a[$app][.key]] | @tsv' |`,
		`  while IFS=$'\t' read -r app att url arn; do`,
		`    aws secretsmanager get-secret-value --secret-id "$arn" --query SecretString --output text |`,
		`      jq -c --arg app "$app" --arg att "$att" --arg url "$url" \`,
		`        '.password as $pw | {($app): {($att): ($url | sub("@"; ":" + ($pw | @uri) + "@"))}}'`,
		`  done | jq -cs 'reduce .[] as $x ({}; . * $x)')`,
		`export TF_VAR_database_target_urls`,
	})
	d.line("")
}

// zoneMap is an HCL map of every custom domain to a hosted zone
// placeholder, for a tfvars file.
func (d *invDoc) zoneMap(name string) []string {
	width := 0
	for i := range d.inv.Apps {
		for _, dom := range d.inv.Apps[i].Domains {
			width = max(width, len(invHCLString(dom.Hostname)))
		}
	}
	out := []string{name + " = {"}
	for i := range d.inv.Apps {
		for _, dom := range d.inv.Apps[i].Domains {
			q := invHCLString(dom.Hostname)
			out = append(out, "  "+q+strings.Repeat(" ", width-len(q))+` = "<hosted zone id>"`)
		}
	}
	return append(out, "}")
}

// tfvars writes the lines of a tfvars file, collapsed when long.
func (d *invDoc) tfvars(file string, lines []string) {
	if len(lines) <= inlineMax {
		d.codeBlock("   ", "hcl", lines)
		return
	}
	d.line("   <details><summary>" + file + "</summary>")
	d.line("")
	d.codeBlock("   ", "hcl", lines)
	d.line("")
	d.line("   </details>")
}

// runbookImages is step 2 of the runbook: it builds the images.
func (d *invDoc) runbookImages() {
	apps := d.inv.Apps
	if len(apps) == 0 {
		d.line("2. **Build the images:** there is no app.")
		d.line("")
		return
	}
	d.line("2. **Build and push an image per app** to its ECR repository, from a checkout of the commit its current release runs, " +
		"tagged as the target's `image_tag` variable says (`latest` unless you set it). Log in to ECR once, then build each app:")
	d.line("")
	builds := []string{
		`repo() { terraform -chdir=target output -json ecr_repository_urls | jq -r --arg app "$1" '.[$app]'; }`,
		"aws ecr get-login-password --region " + invShell(d.region) + " | docker login --username AWS --password-stdin \"$(repo " + invShell(apps[0].Name) + " | cut -d/ -f1)\"",
	}
	for i := range apps {
		comment := "  # " + apps[i].Name
		if apps[i].CurrentRelease > 0 {
			comment += ", release v" + strconv.Itoa(apps[i].CurrentRelease)
		}
		builds = append(builds, invBuildCommand(&apps[i], `"$(repo `+invShell(apps[i].Name)+`):latest"`)+comment)
	}
	d.commands("   ", builds, "commands")
	d.line("")
}

// runbookMigration is step 3 of the runbook: it copies the config vars,
// rehearses the database copy and measures the window.
func (d *invDoc) runbookMigration() {
	apps := d.inv.Apps
	step3 := "3. **Rehearse (`phase = \"rehearsal\"`): copy the config vars.**"
	if len(d.dbApps) > 0 {
		step3 = "3. **Rehearse (`phase = \"rehearsal\"`): copy the config vars and rehearse the database copy.**"
	}
	d.line(step3 + " Write `migration/terraform.tfvars` with the run settings (later steps change `phase` in this file):")
	d.line("")
	vars := []string{`phase          = "rehearsal"`, "copy_databases = true", `database_run   = "rehearsal-1"`, "aws_weight     = 0"}
	if d.domainCount > 0 {
		vars = append(vars, d.zoneMap("dns_zone_ids")...)
	}
	d.tfvars("migration/terraform.tfvars", vars)
	d.line("")
	d.codeBlock("   ", "sh", []string{"terraform -chdir=migration init", "time terraform -chdir=migration apply"})
	d.line("")
	d.line("   The apply writes the " + mdPlural(d.userVarCount, "user-set config var", "user-set config vars") +
		" of " + mdPlural(len(apps), "app", "apps") + " to SSM through the write-only path (the values never reach the plan or the state)" + d.dbCopySentence())
	d.line("")
	for _, s := range d.stores {
		if s.Service != "heroku-postgresql" {
			continue
		}
		d.line("   - " + d.storeLine(s))
	}
	for _, s := range d.stores {
		if s.Service == "heroku-redis" {
			d.line("   - " + d.storeLine(s) + ": **not copied**; ElastiCache starts empty. Caches refill by themselves; let workers drain any queue kept in it before step 6.")
		}
	}
	if len(d.stores) > 0 {
		d.line("")
	}
	d.line("   Nothing is frozen in a rehearsal: Heroku keeps serving, and every domain stays at Heroku 100 / AWS 0 (`aws_weight` can send a test share, " +
		"once the AWS side passes the health gate; its writes land in the rehearsal copy, which the cutover copy replaces).")
	d.line("")
	if len(d.dbApps) > 0 {
		d.line("   **Measure the window.** `terraform -chdir=migration output database_restores` shows how long each copy took. " +
			"The cutover window is the freeze (its drain wait, 30 s by default, after scaling the workers down), that copy, its verification, " +
			"and the DNS change (the apply waits for Route 53's `INSYNC`); announce it with a margin. Rehearse again by setting `database_run` to `\"rehearsal-2\"` and so on.")
		d.line("")
	}
}

// runbookRelease is step 4 of the runbook: it runs the release phase.
func (d *invDoc) runbookRelease() {
	apps := d.inv.Apps
	if len(d.releaseApps) == 0 {
		d.line("4. **Release phase:** no app has one; nothing to run.")
		d.line("")
		return
	}
	d.line("4. **Run the release phase** once on AWS before the services take traffic, as a one-off ECS task of the release task definition the target made for " +
		d.appLinks(d.releaseApps) + ":")
	d.line("")
	run := []string{
		"cluster=$(terraform -chdir=target output -raw ecs_cluster_name)",
		`subnets=$(terraform -chdir=target output -json private_subnet_ids | jq -r 'join(",")')`,
		"sg=$(terraform -chdir=target output -raw tasks_security_group_id)",
		`release() { terraform -chdir=target output -json release_task_families | jq -r --arg app "$1" '.[$app]'; }`,
	}
	for _, i := range d.releaseApps {
		run = append(run, `aws ecs run-task --cluster "$cluster" --launch-type FARGATE --task-definition "$(release `+invShell(apps[i].Name)+`)" `+
			`--network-configuration "awsvpcConfiguration={subnets=[$subnets],securityGroups=[$sg]}"  # `+apps[i].ReleaseCommand)
	}
	d.commands("   ", run, "commands")
	d.line("")
}

// runbookSmoke is step 5 of the runbook: it smoke-tests the AWS side.
func (d *invDoc) runbookSmoke() {
	apps := d.inv.Apps
	step5 := "5. **Smoke-test on AWS** through each load balancer, with the real host name so that TLS and routing are what clients will get."
	if len(d.dbApps) > 0 {
		step5 += " Writes made now land in the rehearsal copy, which the cutover copy replaces."
	}
	d.line(step5)
	d.line("")
	if len(d.webApps) == 0 {
		d.line("   No app has a `web` process: check the workers' logs in CloudWatch Logs instead.")
		d.line("")
		return
	}
	smoke := []string{`lb() { terraform -chdir=target output -json aws_targets | jq -r --arg app "$1" '.[$app]'; }`}
	const curl = `curl -sS -o /dev/null -w '%{http_code}\n' `
	for _, i := range d.webApps {
		a := &apps[i]
		lb := "$(lb " + invShell(a.Name) + ")"
		tested := false
		for _, dom := range a.Domains {
			if strings.HasPrefix(dom.Hostname, "*") || invShell(dom.Hostname) != dom.Hostname {
				continue // a wildcard, or a name no client sends
			}
			tested = true
			smoke = append(smoke, curl+`--connect-to "`+dom.Hostname+`:443:`+lb+`:443" https://`+dom.Hostname+`/`)
		}
		if !tested {
			smoke = append(smoke, curl+`"http://`+lb+`/"  # `+a.Name+`: no custom domain`)
		}
	}
	d.commands("   ", smoke, "requests")
	d.line("")
}

// runbookWindow is step 6 of the runbook: the cutover window, one apply.
func (d *invDoc) runbookWindow() {
	apps := d.inv.Apps
	intro := "6. **Cut over (`phase = \"cutover\"`).** Before the window, do by hand what a freeze cannot: stop the one-off dynos still running (`heroku ps -a APP`, then `heroku ps:stop`)"
	if len(d.schedApps) > 0 {
		intro += ", and move the scheduled jobs of " + d.appLinks(d.schedApps) + ": Heroku Scheduler's jobs cannot be paused through the Platform API, so note each job, " +
			"disable it in the dashboard (`heroku addons:open scheduler -a APP`; it would keep writing to the Heroku database), put it into `scheduler_jobs` in " +
			"`target/terraform.tfvars`, and run `terraform -chdir=target apply`: EventBridge Scheduler runs the jobs on AWS from now on"
	}
	d.line(intro + ". Then set `phase = \"cutover\"` in `migration/terraform.tfvars` and apply:")
	d.line("")
	d.codeBlock("   ", "sh", []string{"time terraform -chdir=migration apply"})
	d.line("")
	d.line("   The one apply runs the window in this order, each step only after the one before succeeded:")
	d.line("")
	var freezes []string
	for i := range apps {
		if len(freezes) < nameListMax {
			freezes = append(freezes, d.freezeLine(&apps[i]))
		}
	}
	if len(freezes) > 0 {
		d.line("   1. **Freeze Heroku:** " + strings.Join(freezes, "; ") + moreApps(len(apps), len(freezes)) + ".")
	} else {
		d.line("   1. **Freeze Heroku:** there is no app.")
	}
	if len(d.dbApps) > 0 {
		d.line("   2. **The final copy** of each database, triggered by the freeze, then **verified** table by table (row counts). A mismatch fails the copy and stops the apply here, before DNS moves: Heroku stays frozen, so fix the cause and apply again, or roll back.")
	} else {
		d.line("   2. **No final copy:** no app uses Heroku Postgres.")
	}
	if d.domainCount > 0 {
		d.line("   3. **DNS to AWS 100 %**, one Route 53 batch per domain; the apply waits for `INSYNC`. " +
			"**The health gate** (`dns_gate`, on by default) probes each domain's AWS side first: " + strconv.Itoa(defaultGateRequests) + " requests to the app's health path " +
			"(`health_paths`, else `/`) over `gate_duration` (30 s), with the domain as Host and TLS server name. If the AWS side fails it " +
			"(under 95 % answering 2xx or 3xx, or p95 latency over 2 s), the shift is refused: the apply fails with the figures and the first failing answers, " +
			"and the weights stay where they were. Heroku stays frozen, so fix the AWS side and apply again, or roll back. " +
			"`terraform -chdir=migration output dns_gates` shows the figures of the gates that passed.")
	} else {
		d.line("   3. **No DNS to move:** no app has a custom domain.")
	}
	d.line("")
	d.line("   `terraform -chdir=migration output freeze` shows, per app, whether the freeze is in effect and what it changed (the rollback restores exactly that). " +
		"If someone scales a dyno up on Heroku during the window, the next apply shows it as a change and freezes it again.")
	if len(d.dbApps) > 0 {
		d.line("   Save the copy report for a rollback (`terraform -chdir=migration output -json database_restores > cutover-copy.json`): the output is empty from the next phase on.")
	}
	d.line("")
}

// freezeLine says what the cutover's freeze does to app a, for the
// runbook's list.
func (d *invDoc) freezeLine(a *App) string {
	var steps []string
	steps = append(steps, "maintenance mode on")
	var scaled []string
	for _, p := range a.Processes {
		if p.Type != "web" && p.Type != "release" {
			scaled = append(scaled, mdCode(p.Type))
		}
	}
	if len(scaled) > 0 {
		steps = append(steps, strings.Join(scaled, ", ")+" scaled to 0")
	}
	for _, ad := range a.Postgres() {
		if d.inv.RestoringApp(ad) == a.Name {
			steps = append(steps, mdCode(a.AttachmentName(ad))+" made read-only")
			break // the module freezes the first database it copies
		}
	}
	return d.appLink(a.Name) + " " + strings.Join(steps, ", ")
}

// moreApps is ", and N more apps" when listed < total.
func moreApps(total, listed int) string {
	if listed >= total {
		return ""
	}
	return ", and " + mdPlural(total-listed, "more app", "more apps")
}

// runbookDNS is step 7 of the runbook: where the traffic goes after the cutover.
func (d *invDoc) runbookDNS() {
	apps := d.inv.Apps
	if d.domainCount == 0 {
		d.line("7. **Traffic:** no app has a custom domain, so there is no DNS to shift. Clients that use a `herokuapp.com` name must be given the load balancer's name.")
	} else {
		var hosts []string
		for i := range apps {
			for _, dom := range apps[i].Domains {
				if len(hosts) < nameListMax {
					hosts = append(hosts, mdCode(dom.Hostname))
				}
			}
		}
		d.line("7. **Traffic:** the cutover moved every custom domain (" + mdJoinMore(hosts, d.domainCount) + ") to AWS at once; " +
			"clients follow within the TTL (" + strconv.Itoa(dnsTTLSeconds) + " s). `terraform -chdir=migration output traffic` shows each domain's split.")
		var noDomain []int
		for _, i := range d.webApps {
			if len(apps[i].Domains) == 0 {
				noDomain = append(noDomain, i)
			}
		}
		if len(noDomain) > 0 {
			if len(noDomain) == 1 {
				d.line("   " + d.appLinks(noDomain) + " has no custom domain: clients reach it at its `herokuapp.com` name, which cannot point at AWS; give them the load balancer's name or add a domain.")
			} else {
				d.line("   " + d.appLinks(noDomain) + " have no custom domain: clients reach them at `herokuapp.com` names, which cannot point at AWS; give them the load balancers' names or add domains.")
			}
		}
	}
	d.line("")
}

// runbookWatch is step 8 of the runbook: it says what to watch.
func (d *invDoc) runbookWatch() {
	watch := []string{"load balancer 5xx and response times", "ECS service events and task restarts", "each service's CloudWatch Logs"}
	pg, redis := d.storeCounts()
	if pg > 0 {
		watch = append(watch, "RDS CPU, connections and free storage")
	}
	if redis > 0 {
		watch = append(watch, "ElastiCache memory")
	}
	d.line("8. **Watch** at 100 % for at least a day: " + strings.Join(watch, ", ") + ". Heroku stays frozen, so that rolling back stays one apply. " +
		"Set `phase = \"done\"` as soon as the cutover succeeded: from then on no apply copies the databases again (in `cutover`, an apply that finds a Heroku database writable again freezes it and copies it again, overwriting what AWS has written since).")
	d.line("")
}

// runbookDecommission is step 9 of the runbook: it finishes the migration
// and removes Heroku.
func (d *invDoc) runbookDecommission() {
	apps := d.inv.Apps
	pg, _ := d.storeCounts()
	var finish []string
	if d.domainCount > 0 {
		finish = append(finish, "replace each weighted pair with a plain record or an alias to the load balancer")
	}
	if pg > 0 {
		finish = append(finish, "keep a last Heroku backup of each database")
	}
	finish = append(finish, "then remove the Heroku apps")
	d.line("9. **Decommission** after " + strconv.Itoa(decommissionDays) + " days at 100 % without a rollback (choose your own period): " + strings.Join(finish, ", ") + ".")
	d.line("")
	var decom []string
	for _, s := range d.stores {
		if s.Service != "heroku-postgresql" {
			continue
		}
		app := d.billed[s.Name]
		decom = append(decom, "heroku pg:backups:capture "+invShell(s.Name)+" -a "+invShell(app),
			"heroku pg:backups:download -a "+invShell(app)+" --output "+invShell(s.Name+".dump"))
	}
	for i := range apps {
		decom = append(decom, "heroku apps:destroy -a "+invShell(apps[i].Name)+" --confirm "+invShell(apps[i].Name))
	}
	d.commands("   ", decom, "commands")
	d.line("")
}

// storeCounts counts the Heroku Postgres and Heroku Redis add-ons.
func (d *invDoc) storeCounts() (pg, redis int) {
	for _, s := range d.stores {
		if s.Service == "heroku-postgresql" {
			pg++
		} else {
			redis++
		}
	}
	return pg, redis
}

// secretsSentence says where the data stores' passwords are, and why
// the caches have none.
func (d *invDoc) secretsSentence() string {
	pg, redis := d.storeCounts()
	var parts []string
	if pg > 0 {
		parts = append(parts, "RDS generates each database's master password and keeps it in Secrets Manager (`manage_master_user_password`); "+
			"the URLs in SSM and the `database_target_urls` output hold none, and the tasks get it as `<NAME>_PASSWORD` and `PGPASSWORD` "+
			"from the secret (`database_secret_arns`). RDS rotates it every 7 days by default: restart the services after a rotation.")
	}
	if redis > 0 {
		parts = append(parts, "The ElastiCache groups have no AUTH token: the AWS provider has no write-only `auth_token` (nor a write-only "+
			"RBAC user password), so a token would be stored in the state. They take TLS only, from the tasks' security group only; "+
			"IAM authentication (an `aws_elasticache_user` with `authentication_mode { type = \"iam\" }`) adds authentication without a secret "+
			"if the apps can sign tokens.")
	}
	if len(parts) == 0 {
		return "the apps have no Heroku Postgres or Heroku Redis."
	}
	return strings.Join(parts, " ")
}

// dbCopySentence ends the sentence of step 3 about the databases.
func (d *invDoc) dbCopySentence() string {
	if len(d.dbApps) == 0 {
		return ". No app uses Heroku Postgres: there is no database to copy."
	}
	return ", and copies each Heroku Postgres database into its RDS instance as a rehearsal (the copy runs only with `copy_databases = true`):"
}

// storeLine describes a data store: name, plan, apps, AWS size.
func (d *invDoc) storeLine(s inventory.AddOn) string {
	line := mdCode(s.Name) + " (" + mdCode(s.Plan) + ") of " + d.appLink(d.billed[s.Name])
	var others []string
	for _, i := range d.attached[s.Name] {
		if n := d.inv.Apps[i].Name; n != d.billed[s.Name] {
			others = append(others, d.appLink(n))
		}
	}
	if len(others) > 0 {
		line += ", also attached to " + strings.Join(others, ", ")
	}
	kind := "RDS"
	if s.Service == "heroku-redis" {
		kind = "ElastiCache"
	}
	size := "a size to choose"
	if s.AWS.InstanceClass != "" {
		size = mdCode(s.AWS.InstanceClass)
	}
	line += " → " + kind + " " + size
	if s.AWS.MultiAZ {
		line += ", Multi-AZ"
	}
	return line
}

// invBuildCommand is the image build of one app, pushed as image (a
// shell word).
func invBuildCommand(a *App, image string) string {
	if a.Stack == "container" {
		return "docker build -t " + image + " . && docker push " + image
	}
	cmd := "pack build " + image + " --builder " + invBuilder(a.Stack)
	for _, bp := range a.Buildpacks {
		cmd += " --buildpack " + invShell(bp)
	}
	return cmd + " --publish"
}

// invBuilder picks the heroku/builder image that matches a Heroku stack.
func invBuilder(stack string) string {
	if n, ok := strings.CutPrefix(stack, "heroku-"); ok && n != "" && strings.Trim(n, "0123456789") == "" {
		return "heroku/builder:" + n
	}
	return "heroku/builder:24"
}

// invScaleArgs lists the non-web process types that run, as
// type=<quantity>; "" when there are none.
func invScaleArgs(a *App) string {
	var args []string
	for _, p := range a.Processes {
		if p.Type == "web" || p.Type == "release" || p.Quantity <= 0 {
			continue
		}
		args = append(args, invShell(p.Type+"="+strconv.Itoa(p.Quantity)))
	}
	return strings.Join(args, " ")
}

// invUnfreezeCommands are the heroku commands that undo the cutover's
// freeze of a by hand: maintenance mode off (the module turns it on for
// every app), and the non-web processes scaled back to the inventory's
// quantities; scale is "" when the app has none.
func invUnfreezeCommands(a *App) (maintenance, scale string) {
	maintenance = "heroku maintenance:off -a " + invShell(a.Name)
	if args := invScaleArgs(a); args != "" {
		scale = "heroku ps:scale " + args + " -a " + invShell(a.Name)
	}
	return maintenance, scale
}

// invHCLString quotes s as an HCL string literal.
func invHCLString(s string) string {
	q := strconv.Quote(s)
	q = strings.ReplaceAll(q, "${", "$${")
	return strings.ReplaceAll(q, "%{", "%%{")
}
