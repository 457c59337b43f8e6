package codegen

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// appFile writes app_<ident>.tf: the app's image repository, log group,
// task definitions and services, load balancer and schedule.
func (p *targetPlan) appFile(ap *appPlan) *tfWriter {
	a := ap.app
	parts := []string{"image repository", "logs", "task role"}
	if len(ap.procs) > 0 {
		parts = append(parts, "a task definition and service per process type")
	}
	if ap.release != nil {
		parts = append(parts, "the release task")
	}
	if ap.lb != nil {
		parts = append(parts, "load balancer")
	}
	if ap.sched != nil {
		parts = append(parts, "scheduled jobs")
	}
	w := newTFWriter(fmt.Sprintf("Heroku app %s: %s.", a.Name, strings.Join(parts, ", ")))
	w.comment(targetAppSummary(a)...)
	if notes := p.addonNotes(ap); len(notes) > 0 {
		w.comment(notes...)
	}

	b := w.block(false, "resource", "aws_ecr_repository", ap.ecr)
	w.set(b, "name", tfLit(ap.ecrName))
	w.set(b, "image_tag_mutability", tfLit("MUTABLE"))
	scan := w.nested(b, "image_scanning_configuration")
	w.set(scan, "scan_on_push", tfBool(true))

	b = w.block(false, "resource", "aws_cloudwatch_log_group", ap.logGroup)
	w.set(b, "name", tfLit("/ecs/"+a.Name))
	w.set(b, "retention_in_days", tfNum(30))

	w.comment("Task role: what the app's own code may do on AWS. Empty: add the permissions the app needs.")
	b = w.block(true, "resource", "aws_iam_role", ap.taskRole)
	w.set(b, "name", tfLit(ap.taskRoleName))
	w.set(b, "path", tfLit(p.rolePath))
	w.set(b, "assume_role_policy", refTasksTrust)

	if secrets := p.secrets(ap); len(secrets) > 0 {
		items := make([]tfExpr, len(secrets))
		for i, s := range secrets {
			items[i] = tfInline(tfField("name", tfLit(s.name)), tfField("valueFrom", s.from))
		}
		lines := []string{"Config vars of every container of the app: the migration's SSM parameters, and the data store URLs of data_stores.tf."}
		if p.hasPostgresParam(ap) {
			lines = append(lines,
				"The database URLs hold no password. Each one's password is <NAME>_PASSWORD (DATABASE_URL's is DATABASE_PASSWORD), "+
					"read by ECS from the RDS-managed secret when the task starts, and PGPASSWORD is DATABASE_URL's (or the first "+
					"database's): libpq and the drivers built on it use PGPASSWORD when the URL has none "+
					"(https://www.postgresql.org/docs/15/libpq-envars.html). An app whose driver does not builds its URL from both at start.")
		}
		w.comment(lines...)
		b = w.block(true, "locals")
		w.set(b, ap.secrets, tfLines(items...))
	}
	for _, pp := range ap.procs {
		p.taskDefinition(w, ap, pp)
		p.service(w, ap, pp)
	}
	if ap.release != nil {
		w.comment("Release phase: no service runs this task; the runbook runs it before each deploy and deploys only when it exits 0:",
			fmt.Sprintf("  aws ecs run-task --cluster <ecs_cluster_name> --launch-type FARGATE --task-definition %s \\", ap.release.family),
			"    --network-configuration 'awsvpcConfiguration={subnets=[<private_subnet_ids>],securityGroups=[<tasks_security_group_id>]}'")
		p.taskDefinition(w, ap, ap.release)
	}
	if ap.lb != nil {
		p.loadBalancer(w, ap)
	} else if len(a.Domains) > 0 {
		w.comment("The app has custom domains but no web process: no load balancer is generated for them.")
	}
	if ap.sched != nil {
		p.schedule(w, ap)
	} else if a.HasScheduler() {
		w.comment("The app has a Scheduler add-on but no process type to run its jobs with: no schedule is generated.")
	}
	return w
}

// targetAppSummary is the comment block that describes the Heroku app.
func targetAppSummary(a *App) []string {
	head := "Heroku app " + a.Name
	if a.ID != "" {
		head += " (" + a.ID + ")"
	}
	var facts []string
	for _, f := range [][2]string{{"stack", a.Stack}, {"region", a.HerokuRegion}, {"team", a.Team}, {"space", a.Space}} {
		if f[1] != "" {
			facts = append(facts, f[0]+" "+f[1])
		}
	}
	if len(facts) > 0 {
		head += ": " + strings.Join(facts, ", ")
	}
	lines := []string{head + "."}
	if len(a.Buildpacks) > 0 {
		bp := "Buildpacks: " + strings.Join(a.Buildpacks, ", ")
		if a.BuildpackDescription != "" {
			bp += " (" + a.BuildpackDescription + ")"
		}
		lines = append(lines, bp+".")
	}
	if a.ReleaseCommand != "" {
		lines = append(lines, "Release command: "+a.ReleaseCommand)
	}
	if a.CurrentRelease > 0 {
		lines = append(lines, fmt.Sprintf("Current release: v%d.", a.CurrentRelease))
	}
	if len(a.Processes) == 0 {
		lines = append(lines, "Formation: no process types, so no services.")
	}
	for _, pr := range a.Processes {
		lines = append(lines, fmt.Sprintf("Process %s: %d x %s, %s", pr.Type, pr.Quantity, cmp.Or(pr.Size, "unknown size"), cmp.Or(pr.Command, "(the image's default command)")))
	}
	if len(a.Domains) > 0 {
		hosts := make([]string, len(a.Domains))
		for i, d := range a.Domains {
			hosts[i] = d.Hostname
		}
		lines = append(lines, "Custom domains: "+strings.Join(hosts, ", ")+".")
	}
	return lines
}

// addonNotes says where each add-on went, and which ones are not
// generated.
func (p *targetPlan) addonNotes(ap *appPlan) []string {
	a := ap.app
	if len(a.AddOns) == 0 {
		return nil
	}
	stores := map[string]*storePlan{}
	for _, sp := range p.stores {
		stores[sp.ad.Name] = sp
	}
	lines := []string{"Add-ons:"}
	provided := map[string]bool{}
	for _, pp := range ap.params {
		provided[pp.varName] = true
	}
	for _, ad := range a.AddOns {
		what := fmt.Sprintf("- %s (%s): ", ad.Name, ad.Plan)
		switch {
		case stores[ad.Name] != nil && stores[ad.Name].postgres:
			what += fmt.Sprintf("%s, aws_db_instance.%s in data_stores.tf.", ad.AWS.Service, stores[ad.Name].label)
		case stores[ad.Name] != nil:
			what += fmt.Sprintf("%s, aws_elasticache_replication_group.%s in data_stores.tf.", ad.AWS.Service, stores[ad.Name].label)
		case ad.AWS.ResourceType == "aws_scheduler_schedule" && ap.sched != nil:
			what += fmt.Sprintf("%s, aws_scheduler_schedule.%s below; copy its jobs into var.scheduler_jobs.", ad.AWS.Service, ap.sched.label)
		case ad.AWS.ResourceType == "aws_cloudwatch_log_group":
			what += fmt.Sprintf("%s: the tasks log to the group /ecs/%s below.", ad.AWS.Service, a.Name)
		case ad.AWS.Service == "":
			what += "no known AWS equivalent — needs a decision: keep the vendor (its config vars are not copied to SSM) or replace it."
		default:
			what += fmt.Sprintf("%s (%s) — not generated, decide and add by hand.", ad.AWS.Service, ad.AWS.ResourceType)
		}
		lines = append(lines, what)
	}
	var missing []string
	for _, v := range a.AddOnConfigVars {
		if !provided[v] {
			missing = append(missing, v)
		}
	}
	if len(missing) > 0 {
		lines = append(lines, "Add-on config vars the tasks do not get on AWS: "+strings.Join(missing, ", ")+".")
	}
	return lines
}

// targetSecret is one entry of a container's secrets.
type targetSecret struct {
	name string
	from tfExpr
}

// secrets are the app's config vars as SSM parameter references: the ones
// the migration copies, and the data store URLs this module writes.
func (p *targetPlan) secrets(ap *appPlan) []targetSecret {
	byName := map[string]tfExpr{}
	for _, v := range ap.app.UserConfigVars {
		byName[v] = targetSSMParamARN(ap.app.Name, v)
	}
	pgPassword := ""
	for _, pp := range ap.params {
		byName[pp.varName] = tfRef("aws_ssm_parameter", pp.label, "arn")
		if !pp.store.postgres {
			continue
		}
		// ECS reads one JSON key of a Secrets Manager secret with
		// <arn>:<key>:: (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html).
		from := tfTmpl(targetDBSecretARN(pp.store), ":password::")
		byName[strings.TrimSuffix(pp.varName, "_URL")+"_PASSWORD"] = from
		if pgPassword == "" || pp.varName == "DATABASE_URL" {
			pgPassword = pp.varName
			byName["PGPASSWORD"] = from
		}
	}
	out := make([]targetSecret, 0, len(byName))
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		out = append(out, targetSecret{name, byName[name]})
	}
	return out
}

// hasPostgresParam is whether the app gets a Heroku Postgres URL.
func (p *targetPlan) hasPostgresParam(ap *appPlan) bool {
	return slices.ContainsFunc(ap.params, func(pp *paramPlan) bool { return pp.store.postgres })
}

// targetDBSecretARN is the ARN of the RDS-managed master secret of a
// Postgres store.
func targetDBSecretARN(sp *storePlan) tfExpr {
	return tfRef("aws_db_instance", sp.label, "master_user_secret").index(tfNum(0)).dot("secret_arn")
}

// taskDefinition writes the Fargate task definition of a process type or
// of the release phase.
func (p *targetPlan) taskDefinition(w *tfWriter, ap *appPlan, pp *procPlan) {
	web := pp == ap.web
	attached := ap.release == pp // the release comment precedes it
	if pp.note != "" {
		w.comment(pp.note)
		attached = true
	}
	b := w.block(attached, "resource", "aws_ecs_task_definition", pp.label)
	w.set(b, "family", tfLit(pp.family))
	w.set(b, "requires_compatibilities", tfStrings([]string{"FARGATE"}))
	w.set(b, "network_mode", tfLit("awsvpc"))
	w.set(b, "cpu", tfLit(strconv.Itoa(pp.cpu)))
	w.set(b, "memory", tfLit(strconv.Itoa(pp.memory)))
	w.set(b, "execution_role_arn", refExecRole.dot("arn"))
	w.set(b, "task_role_arn", tfRef("aws_iam_role", ap.taskRole, "arn"))
	rp := w.nested(b, "runtime_platform")
	w.set(rp, "operating_system_family", tfLit("LINUX"))
	w.set(rp, "cpu_architecture", tfLit("X86_64"))
	b.AppendNewline()

	c := []tfKV{
		tfField("name", tfLit(pp.container)),
		tfField("image", tfTmpl(tfRef("aws_ecr_repository", ap.ecr, "repository_url"), ":", tfRef("var", "image_tag"))),
		tfField("essential", tfBool(true)),
	}
	if pp.command != "" {
		c = append(c, tfField("command", tfStrings([]string{"/bin/sh", "-c", pp.command})))
	}
	var env []tfExpr
	if web {
		c = append(c,
			tfField("portMappings", tfList(tfInline(tfField("containerPort", tfNum(targetContainerPort)), tfField("protocol", tfLit("tcp"))))))
		env = append(env, tfInline(tfField("name", tfLit("PORT")), tfField("value", tfLit(strconv.Itoa(targetContainerPort)))))
	}
	// Empty config vars: SSM cannot hold them, so they are plain (and
	// harmless) empty environment variables.
	for _, name := range ap.app.EmptyConfigVars {
		env = append(env, tfInline(tfField("name", tfLit(name)), tfField("value", tfLit(""))))
	}
	if len(env) > 0 {
		c = append(c, tfField("environment", tfList(env...)))
	}
	if ap.secrets != "" {
		c = append(c, tfField("secrets", tfRef("local", ap.secrets)))
	}
	c = append(c, tfField("logConfiguration", tfObj(
		tfField("logDriver", tfLit("awslogs")),
		tfField("options", tfObj(
			tfEntry("awslogs-group", tfRef("aws_cloudwatch_log_group", ap.logGroup, "name")),
			tfEntry("awslogs-region", refVarRegion),
			tfEntry("awslogs-stream-prefix", tfLit(pp.container)),
		)),
	)))
	w.set(b, "container_definitions", tfCall("jsonencode", tfLines(tfObj(c...))))
}

// service writes the ECS service that keeps Quantity tasks of a process
// type running.
func (p *targetPlan) service(w *tfWriter, ap *appPlan, pp *procPlan) {
	web := pp == ap.web && ap.lb != nil
	b := w.block(false, "resource", "aws_ecs_service", pp.label)
	w.set(b, "name", tfLit(pp.family))
	w.set(b, "cluster", refCluster.dot("id"))
	w.set(b, "task_definition", tfRef("aws_ecs_task_definition", pp.label, "arn"))
	w.set(b, "desired_count", tfNum(pp.proc.Quantity))
	w.set(b, "launch_type", tfLit("FARGATE"))
	if web {
		w.set(b, "health_check_grace_period_seconds", tfNum(60))
	}
	nc := w.nested(b, "network_configuration")
	w.set(nc, "subnets", refPrivateSubs)
	w.set(nc, "security_groups", tfList(refTasksSG))
	w.set(nc, "assign_public_ip", tfBool(false))
	cb := w.nested(b, "deployment_circuit_breaker")
	w.set(cb, "enable", tfBool(true))
	w.set(cb, "rollback", tfBool(true))
	if !web {
		return
	}
	lb := w.nested(b, "load_balancer")
	w.set(lb, "target_group_arn", tfRef("aws_lb_target_group", ap.lb.label, "arn"))
	w.set(lb, "container_name", tfLit(pp.container))
	w.set(lb, "container_port", tfNum(targetContainerPort))
	b.AppendNewline()
	deps := []tfExpr{tfRef("aws_lb_listener", ap.lb.http)}
	if ap.lb.https != "" {
		deps = append(deps, tfRef("aws_lb_listener", ap.lb.https))
	}
	w.set(b, "depends_on", tfList(deps...))
}

// loadBalancer writes the app's ALB, target group and listeners, and with
// custom domains its certificate.
func (p *targetPlan) loadBalancer(w *tfWriter, ap *appPlan) {
	lb := ap.lb
	b := w.block(false, "resource", "aws_lb", lb.label)
	w.set(b, "name", tfLit(lb.name))
	w.set(b, "load_balancer_type", tfLit("application"))
	w.set(b, "internal", tfBool(false))
	w.set(b, "subnets", refPublicSubs)
	w.set(b, "security_groups", tfList(tfRef("aws_security_group", "alb", "id")))

	b = w.block(false, "resource", "aws_lb_target_group", lb.label)
	w.set(b, "name", tfLit(lb.tgName))
	w.set(b, "port", tfNum(targetContainerPort))
	w.set(b, "protocol", tfLit("HTTP"))
	w.set(b, "target_type", tfLit("ip"))
	w.set(b, "vpc_id", tfRef("aws_vpc", "main", "id"))
	w.set(b, "deregistration_delay", tfNum(30))
	hc := w.nested(b, "health_check")
	w.set(hc, "path", tfLit(ap.app.HealthPath()))
	w.set(hc, "matcher", tfLit("200-399"))

	b = w.block(false, "resource", "aws_lb_listener", lb.http)
	w.set(b, "load_balancer_arn", tfRef("aws_lb", lb.label, "arn"))
	w.set(b, "port", tfNum(80))
	w.set(b, "protocol", tfLit("HTTP"))
	da := w.nested(b, "default_action")
	if lb.https == "" {
		w.set(da, "type", tfLit("forward"))
		w.set(da, "target_group_arn", tfRef("aws_lb_target_group", lb.label, "arn"))
		return
	}
	w.set(da, "type", tfLit("redirect"))
	rd := w.nested(da, "redirect")
	w.set(rd, "port", tfLit("443"))
	w.set(rd, "protocol", tfLit("HTTPS"))
	w.set(rd, "status_code", tfLit("HTTP_301"))

	lines := []string{"Certificate for the custom domains, validated through DNS. Domains with a hosted zone in var.route53_zone_ids " +
		"get their validation records below; create the others' by hand (output certificate_validation_records, or the ACM console): " +
		"the apply waits until the certificate is issued."}
	if len(lb.domains) > maxCertificateNames {
		lines = append(lines, fmt.Sprintf("The app has %d domains, more than ACM's default quota of %d names per certificate: raise the quota or split the certificate.", len(lb.domains), maxCertificateNames))
	}
	w.comment(lines...)
	b = w.block(true, "resource", "aws_acm_certificate", lb.cert)
	w.set(b, "domain_name", tfLit(lb.domains[0]))
	if len(lb.domains) > 1 {
		w.set(b, "subject_alternative_names", tfStrings(lb.domains[1:]))
	}
	w.set(b, "validation_method", tfLit("DNS"))
	lc := w.nested(b, "lifecycle")
	w.set(lc, "create_before_destroy", tfBool(true))

	// The records' keys are the app's domains, known at plan time; the
	// validation options are only known once the certificate exists.
	w.comment("Validation options of the certificate by domain.")
	b = w.block(true, "locals")
	opts := tfRef("local", lb.options)
	w.set(b, lb.options, tfSrc("{ for o in %s : o.domain_name => o }", tfRef("aws_acm_certificate", lb.cert, "domain_validation_options")))

	b = w.block(false, "resource", "aws_route53_record", lb.records)
	w.set(b, "for_each", tfSrc("{ for domain, zone in var.route53_zone_ids : domain => zone if contains(%s, domain) }", tfStrings(lb.domains)))
	b.AppendNewline()
	w.set(b, "zone_id", tfRef("each", "value"))
	record := opts.index(tfRef("each", "key"))
	w.set(b, "name", record.dot("resource_record_name"))
	w.set(b, "type", record.dot("resource_record_type"))
	w.set(b, "records", tfList(record.dot("resource_record_value")))
	w.set(b, "ttl", tfNum(60))
	w.set(b, "allow_overwrite", tfBool(true))

	b = w.block(false, "resource", "aws_acm_certificate_validation", lb.validation)
	w.set(b, "certificate_arn", tfRef("aws_acm_certificate", lb.cert, "arn"))
	b.AppendNewline()
	w.set(b, "depends_on", tfList(tfRef("aws_route53_record", lb.records)))

	b = w.block(false, "resource", "aws_lb_listener", lb.https)
	w.set(b, "load_balancer_arn", tfRef("aws_lb", lb.label, "arn"))
	w.set(b, "port", tfNum(443))
	w.set(b, "protocol", tfLit("HTTPS"))
	w.set(b, "ssl_policy", tfLit("ELBSecurityPolicy-TLS13-1-2-2021-06"))
	w.set(b, "certificate_arn", tfRef("aws_acm_certificate_validation", lb.validation, "certificate_arn"))
	da = w.nested(b, "default_action")
	w.set(da, "type", tfLit("forward"))
	w.set(da, "target_group_arn", tfRef("aws_lb_target_group", lb.label, "arn"))
}

// schedule writes the EventBridge schedule that runs the app's entries of
// var.scheduler_jobs as one-off ECS tasks.
func (p *targetPlan) schedule(w *tfWriter, ap *appPlan) {
	s := ap.sched
	var procs []tfKV
	for _, pp := range ap.procs {
		procs = append(procs, tfEntry(pp.proc.Type, tfObj(
			tfField("task_definition_arn", tfRef("aws_ecs_task_definition", pp.label, "arn")),
			tfField("container", tfLit(pp.container)),
		)))
	}
	w.comment(fmt.Sprintf("Heroku Scheduler jobs: the entries of var.scheduler_jobs for this app, each run as a one-off task "+
		"of its process type (default %s) with the job's command.", s.defaultProc.proc.Type))
	b := w.block(true, "locals")
	w.set(b, s.local, tfObj(procs...))

	job := tfRef("local", s.local).index(tfCall("coalesce", tfRef("each", "value", "process"), tfLit(s.defaultProc.proc.Type)))
	b = w.block(false, "resource", "aws_scheduler_schedule", s.label)
	w.set(b, "for_each", tfSrc("{ for k, j in var.scheduler_jobs : k => j if j.app == %s }", tfLit(ap.app.Name)))
	b.AppendNewline()
	w.set(b, "name", tfTmpl(s.namePrefix+"_", tfRef("each", "key")))
	w.set(b, "schedule_expression", tfRef("each", "value", "schedule"))
	ftw := w.nested(b, "flexible_time_window")
	w.set(ftw, "mode", tfLit("OFF"))
	t := w.nested(b, "target")
	w.set(t, "arn", refCluster.dot("arn"))
	w.set(t, "role_arn", refSchedRole.dot("arn"))
	ecs := w.nested(t, "ecs_parameters")
	w.set(ecs, "task_definition_arn", job.dot("task_definition_arn"))
	w.set(ecs, "launch_type", tfLit("FARGATE"))
	nc := w.nested(ecs, "network_configuration")
	w.set(nc, "subnets", refPrivateSubs)
	w.set(nc, "security_groups", tfList(refTasksSG))
	w.set(nc, "assign_public_ip", tfBool(false))
	t.AppendNewline()
	w.set(t, "input", tfCall("jsonencode", tfObj(
		tfField("containerOverrides", tfLines(tfObj(
			tfField("name", job.dot("container")),
			tfField("command", tfList(tfLit("/bin/sh"), tfLit("-c"), tfRef("each", "value", "command"))),
		))),
	)))
}
