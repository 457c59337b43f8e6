package codegen

import (
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
)

// Target returns the files of the root module DIR/target/, the AWS landing
// zone for the inventory's apps, keyed by file name: versions.tf,
// variables.tf, providers.tf, network.tf, cluster.tf, data_stores.tf,
// outputs.tf and one app_<ident>.tf per app. Every file is formatted as
// terraform fmt formats it, and the same inventory always gives the same
// bytes. The inventory's identifiers must have been assigned with
// AssignIdents. Nothing in the output is a config var value: secrets are
// referenced by their SSM parameter ARNs.
func Target(inv *Inventory) (map[string][]byte, error) {
	if inv == nil {
		return nil, errors.New("no inventory")
	}
	if err := checkTargetInventory(inv); err != nil {
		return nil, err
	}
	p := newTargetPlan(inv)
	writers := map[string]*tfWriter{
		"versions.tf":    p.versionsFile(),
		"variables.tf":   p.variablesFile(),
		"providers.tf":   p.providersFile(),
		"network.tf":     p.networkFile(),
		"cluster.tf":     p.clusterFile(),
		"data_stores.tf": p.dataStoresFile(),
		"outputs.tf":     p.outputsFile(),
	}
	for _, a := range p.apps {
		writers[a.fileName] = p.appFile(a)
	}
	names := make([]string, 0, len(writers))
	for name := range writers {
		names = append(names, name)
	}
	sort.Strings(names)
	// Files render independently: format and check them in parallel.
	rendered := make([][]byte, len(names))
	errs := make([]error, len(names))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(names)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				rendered[i], errs[i] = writers[names[i]].render(names[i])
			}
		}()
	}
	for i := range names {
		next <- i
	}
	close(next)
	wg.Wait()
	out := make(map[string][]byte, len(names))
	for i, name := range names {
		if errs[i] != nil {
			return nil, errs[i]
		}
		out[name] = rendered[i]
	}
	return out, nil
}

// checkTargetInventory rejects inventories whose names would make two
// resources or files collide.
func checkTargetInventory(inv *Inventory) error {
	names, idents := map[string]bool{}, map[string]bool{}
	for i := range inv.Apps {
		a := &inv.Apps[i]
		if names[a.Name] {
			return fmt.Errorf("app %q appears twice in the inventory", a.Name)
		}
		names[a.Name] = true
		if !hclsyntax.ValidIdentifier(a.Ident) || idents[a.Ident] {
			return fmt.Errorf("app %q has no unique identifier (%q): call Inventory.AssignIdents first", a.Name, a.Ident)
		}
		idents[a.Ident] = true
		procs := map[string]bool{}
		for _, p := range a.Processes {
			if !hclsyntax.ValidIdentifier(p.Ident) || procs[p.Ident] {
				return fmt.Errorf("process %q of app %q has no unique identifier (%q): call Inventory.AssignIdents first", p.Type, a.Name, p.Ident)
			}
			procs[p.Ident] = true
		}
	}
	return nil
}

// Ports, sizes and limits of the generated target.
const (
	targetContainerPort = 8080
	// inlinePolicyBudget is how much of IAM's 10,240-character limit on a
	// role's inline policies a generated resource list may use before the
	// generator switches to a shorter wildcard.
	inlinePolicyBudget = 8000
	// maxCertificateNames is ACM's default quota of names per certificate.
	maxCertificateNames = 10
)

// targetPlan holds every name of the target module, chosen once, in a
// stable order, before any file is written.
type targetPlan struct {
	inv *Inventory
	// prefix starts the names of the shared AWS resources (the team, or
	// heroku2aws).
	prefix string
	// rolePath is the IAM path of every generated role.
	rolePath string
	labels   map[string]bool
	apps     []*appPlan
	stores   []*storePlan
	// scheduled are the apps that get an EventBridge schedule.
	scheduled []*appPlan
	// certDomains are the custom domains that get a certificate, sorted.
	certDomains []string
}

// appPlan is what the target builds for one app.
type appPlan struct {
	app      *App
	fileName string
	// Labels of the app's resources.
	ecr, logGroup, taskRole string
	// secrets is the local holding the containers' secrets; empty when
	// the app has none.
	secrets string
	// AWS names.
	ecrName, taskRoleName string
	procs                 []*procPlan
	release               *procPlan
	web                   *procPlan
	lb                    *lbPlan
	params                []*paramPlan
	sched                 *schedPlan
}

// procPlan is one task definition (a process type, or the release phase).
type procPlan struct {
	// proc is nil for the release task definition.
	proc                     *Process
	label, family, container string
	command                  string
	cpu, memory              int
	// note explains a size that is not the dyno's.
	note string
}

// lbPlan names the load balancer of an app with a web process.
type lbPlan struct {
	label, name, tgName string
	http, https         string
	cert, records       string
	options             string
	validation          string
	domains             []string
}

// storePlan is one Postgres or Redis add-on and its AWS replacement.
type storePlan struct {
	ad       inventory.AddOn
	label    string
	postgres bool
	// id is the RDS identifier or ElastiCache replication group id.
	id string
	// apps are the apps of the inventory the add-on is attached to.
	apps []string
}

// paramPlan is one SSM parameter holding a data store URL for an app.
type paramPlan struct {
	store   *storePlan
	varName string
	label   string
}

// schedPlan names the EventBridge schedule of an app.
type schedPlan struct {
	label, local, namePrefix string
	defaultProc              *procPlan
}

func newTargetPlan(inv *Inventory) *targetPlan {
	p := &targetPlan{inv: inv, labels: map[string]bool{}}
	p.prefix = "heroku2aws"
	if inv.Team != "" {
		p.prefix = strings.TrimRight(tfTruncate(awsClean(inv.Team), 24), "-")
	}
	p.rolePath = "/heroku2aws/" + p.prefix + "/"

	apps := make([]*App, len(inv.Apps))
	for i := range inv.Apps {
		apps[i] = &inv.Apps[i]
	}
	sort.Slice(apps, func(i, j int) bool { return apps[i].Name < apps[j].Name })

	// Shared resources take their labels first, so that no app can take
	// them.
	for _, l := range []string{"aws_ecs_cluster.main", "aws_iam_role.task_execution", "aws_iam_role.scheduler",
		"local.ssm_parameter_arn_prefix", "local.task_definition_arn_prefix", "local.data_store_urls", "local.ecs_tasks_assume_role_policy"} {
		p.labels[l] = true
	}
	p.planStores(apps)

	used := map[string]map[string]bool{}
	ns := func(kind string) map[string]bool {
		if used[kind] == nil {
			used[kind] = map[string]bool{}
		}
		return used[kind]
	}
	ns("iam")[p.prefix+"-ecs-task-execution"] = true
	ns("iam")[p.prefix+"-scheduler"] = true
	domains := map[string]bool{}
	for _, a := range apps {
		ap := &appPlan{app: a, fileName: "app_" + a.Ident + ".tf"}
		ap.ecr = p.label("aws_ecr_repository", a.Ident)
		ap.logGroup = p.label("aws_cloudwatch_log_group", a.Ident)
		ap.taskRole = p.label("aws_iam_role", a.Ident+"_task")
		ap.ecrName = awsName(a.Name, 200, ns("ecr"))
		ap.taskRoleName = awsName(a.Name+"-task", 64, ns("iam"))
		for i := range a.Processes {
			pr := &a.Processes[i]
			pp := &procPlan{
				proc:      pr,
				label:     p.label("aws_ecs_task_definition", a.Ident+"_"+pr.Ident),
				family:    awsName(a.Name+"-"+pr.Type, 255, ns("family")),
				container: targetContainerName(pr.Type),
				command:   pr.Command,
			}
			pp.cpu, pp.memory, pp.note = targetTaskSize(pr)
			p.labels["aws_ecs_service."+pp.label] = true
			ap.procs = append(ap.procs, pp)
			if pr.Type == "web" {
				ap.web = pp
			}
		}
		if a.ReleaseCommand != "" {
			ap.release = &procPlan{
				label:     p.label("aws_ecs_task_definition", a.Ident+"_release"),
				family:    awsName(a.Name+"-release", 255, ns("family")),
				container: "release",
				command:   a.ReleaseCommand,
			}
			ap.release.cpu, ap.release.memory, ap.release.note = targetReleaseSize(ap)
		}
		if ap.web != nil {
			lbBase := a.Name
			if strings.HasPrefix(awsClean(lbBase), "internal-") {
				lbBase = "lb-" + lbBase
			}
			ap.lb = &lbPlan{
				label:  p.label("aws_lb", a.Ident),
				name:   awsName(lbBase, 32, ns("alb")),
				tgName: awsName(a.Name, 32, ns("tg")),
				http:   p.label("aws_lb_listener", a.Ident+"_http"),
			}
			p.labels["aws_lb_target_group."+ap.lb.label] = true
			if len(a.Domains) > 0 {
				ap.lb.https = p.label("aws_lb_listener", a.Ident+"_https")
				ap.lb.cert = p.label("aws_acm_certificate", a.Ident)
				ap.lb.validation = p.label("aws_acm_certificate_validation", a.Ident)
				ap.lb.records = p.label("aws_route53_record", a.Ident+"_validation")
				ap.lb.options = p.label("local", a.Ident+"_validation_options")
				for _, d := range a.Domains {
					ap.lb.domains = append(ap.lb.domains, d.Hostname)
					if !domains[d.Hostname] {
						domains[d.Hostname] = true
						p.certDomains = append(p.certDomains, d.Hostname)
					}
				}
			}
		}
		if a.HasScheduler() && len(ap.procs) > 0 {
			ap.sched = &schedPlan{
				label:       p.label("aws_scheduler_schedule", a.Ident),
				local:       p.label("local", a.Ident+"_scheduled_processes"),
				namePrefix:  awsName(a.Name, 31, ns("schedule")),
				defaultProc: targetDefaultProcess(ap),
			}
			p.scheduled = append(p.scheduled, ap)
		}
		p.planParams(ap)
		if len(a.UserConfigVars) > 0 || len(ap.params) > 0 {
			ap.secrets = p.label("local", a.Ident+"_secrets")
		}
		p.apps = append(p.apps, ap)
	}
	sort.Strings(p.certDomains)
	return p
}

// planStores names the deduplicated Postgres and Redis add-ons.
func (p *targetPlan) planStores(apps []*App) {
	ids := map[string]bool{}
	rgIDs := map[string]bool{}
	for _, ad := range p.inv.DataStores() {
		sp := &storePlan{ad: ad, postgres: ad.Service == "heroku-postgresql"}
		// Every store has a password: its label is unique among all stores.
		sp.label = p.label("random_password", Identifier(ad.Name))
		if sp.postgres {
			p.labels["aws_db_instance."+sp.label] = true
			// The final snapshot identifier appends "-final".
			sp.id = awsName(ad.Name, 63-len("-final"), ids)
		} else {
			p.labels["aws_elasticache_replication_group."+sp.label] = true
			sp.id = awsName(ad.Name, 40, rgIDs)
		}
		for _, a := range apps {
			for _, own := range a.AddOns {
				if own.Name == ad.Name {
					sp.apps = append(sp.apps, a.Name)
					break
				}
			}
		}
		p.stores = append(p.stores, sp)
	}
}

// planParams names the SSM parameters that hold the data store URLs an app
// reads: one per attachment of the add-on to the app (DATABASE_URL,
// HEROKU_POSTGRESQL_ONYX_URL), or, for an add-on with no attachment
// recorded, the add-on's attachment-style name when the app has that config
// var.
func (p *targetPlan) planParams(ap *appPlan) {
	a := ap.app
	addonVars := map[string]bool{}
	for _, v := range a.AddOnConfigVars {
		addonVars[v] = true
	}
	seen := map[string]bool{}
	for _, sp := range p.stores {
		var own *inventory.AddOn
		for i := range a.AddOns {
			if a.AddOns[i].Name == sp.ad.Name {
				own = &a.AddOns[i]
				break
			}
		}
		if own == nil {
			continue
		}
		var vars []string
		for _, att := range own.Attachments {
			if att.App == a.Name && att.Name != "" {
				vars = append(vars, att.Name+"_URL")
			}
		}
		if len(vars) == 0 {
			if v := a.AttachmentName(*own) + "_URL"; addonVars[v] {
				vars = append(vars, v)
			}
		}
		sort.Strings(vars)
		for _, v := range vars {
			if seen[v] {
				continue
			}
			seen[v] = true
			ap.params = append(ap.params, &paramPlan{
				store:   sp,
				varName: v,
				label:   p.label("aws_ssm_parameter", a.Ident+"_"+Identifier(v)),
			})
		}
	}
	sort.Slice(ap.params, func(i, j int) bool { return ap.params[i].varName < ap.params[j].varName })
}

// label returns a resource label (or local name, for typ "local") built
// from base, unique among the labels of typ.
func (p *targetPlan) label(typ, base string) string {
	l := base
	for i := 2; p.labels[typ+"."+l]; i++ {
		l = fmt.Sprintf("%s_%d", base, i)
	}
	p.labels[typ+"."+l] = true
	return l
}

// targetTaskSize is the Fargate size of a process, with a note when it is not
// what the dyno has.
func targetTaskSize(pr *Process) (cpu, memory int, note string) {
	f := pr.Fargate
	switch {
	case f.CPU == 0 || f.Memory == 0:
		return 256, 512, fmt.Sprintf("The dyno size %q is unknown: this is the smallest Fargate task; size it by hand.", pr.Size)
	case !f.Fits:
		return f.CPU, f.Memory, fmt.Sprintf("The %s dyno is larger than the largest Fargate task: this is the largest (%d vCPU, %d GB). Consider ECS on EC2 for this process.",
			pr.Size, f.CPU/1024, f.Memory/1024)
	}
	return f.CPU, f.Memory, ""
}

// targetReleaseSize sizes the release task like the web process, or the first
// process when there is no web process.
func targetReleaseSize(ap *appPlan) (cpu, memory int, note string) {
	switch {
	case ap.web != nil:
		return ap.web.cpu, ap.web.memory, ""
	case len(ap.procs) > 0:
		return ap.procs[0].cpu, ap.procs[0].memory, ""
	}
	return 256, 512, "The app has no process types to size the release task from: this is the smallest Fargate task."
}

// targetDefaultProcess is the process whose task definition runs
// scheduled jobs that name no process: worker, else web, else the first.
func targetDefaultProcess(ap *appPlan) *procPlan {
	for _, want := range []string{"worker", "web"} {
		for _, pp := range ap.procs {
			if pp.proc.Type == want {
				return pp
			}
		}
	}
	return ap.procs[0]
}

// targetContainerName makes a process type a valid ECS container name: letters,
// digits, hyphens and underscores, at most 255.
func targetContainerName(typ string) string {
	var b strings.Builder
	for _, r := range typ {
		if (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r == '-' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	name := strings.Trim(b.String(), "-")
	if name == "" {
		return "app"
	}
	return tfTruncate(name, 255)
}

func tfTruncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// Common references.
var (
	refVarEnv       = tfRef("var", "environment")
	refVarRegion    = tfRef("var", "aws_region")
	refPrivateSubs  = tfExpr("aws_subnet.private[*].id")
	refPublicSubs   = tfExpr("aws_subnet.public[*].id")
	refTasksSG      = tfRef("aws_security_group", "tasks", "id")
	refCluster      = tfRef("aws_ecs_cluster", "main")
	refExecRole     = tfRef("aws_iam_role", "task_execution")
	refSchedRole    = tfRef("aws_iam_role", "scheduler")
	refSSMPrefix    = tfRef("local", "ssm_parameter_arn_prefix")
	refTaskDefPref  = tfRef("local", "task_definition_arn_prefix")
	refAccountID    = tfRef("data", "aws_caller_identity", "current", "account_id")
	refPartition    = tfRef("data", "aws_partition", "current", "partition")
	refDataStoreURL = tfRef("local", "data_store_urls")
	refTasksTrust   = tfRef("local", "ecs_tasks_assume_role_policy")
)

// targetSSMParamARN is the ARN of the SSM parameter name of app, at the path the
// migration writes it to: /<app>/<environment>/<name>.
func targetSSMParamARN(app, name string) tfExpr {
	return tfTmpl(refSSMPrefix, "/"+app+"/", refVarEnv, "/"+name)
}

func (p *targetPlan) versionsFile() *tfWriter {
	w := newTFWriter("Terraform and provider version constraints.")
	tf := w.block(false, "terraform")
	w.set(tf, "required_version", tfLit(">= 1.5"))
	rp := w.nested(tf, "required_providers")
	w.set(rp, "aws", tfObj(tfField("source", tfLit("hashicorp/aws")), tfField("version", tfLit(">= 5.40, < 7.0"))))
	w.set(rp, "random", tfObj(tfField("source", tfLit("hashicorp/random")), tfField("version", tfLit("~> 3.6"))))
	return w
}

func (p *targetPlan) providersFile() *tfWriter {
	w := newTFWriter("The AWS provider; every resource is tagged managed-by = heroku2aws.")
	b := w.block(false, "provider", "aws")
	w.set(b, "region", refVarRegion)
	dt := w.nested(b, "default_tags")
	w.set(dt, "tags", tfObj(tfEntry("managed-by", tfLit("heroku2aws")), tfField("environment", refVarEnv)))
	return w
}

func (p *targetPlan) variablesFile() *tfWriter {
	w := newTFWriter("Inputs of the target. Defaults come from the Heroku inventory.")
	variable := func(name, typ, desc string, def tfExpr) *hclwrite.Body {
		b := w.block(false, "variable", name)
		w.set(b, "description", tfLit(desc))
		w.set(b, "type", tfExpr(typ))
		if def != "" {
			w.set(b, "default", def)
		}
		return b
	}
	validation := func(b *hclwrite.Body, cond tfExpr, msg string) {
		v := w.nested(b, "validation")
		w.set(v, "condition", cond)
		w.set(v, "error_message", tfLit(msg))
	}

	b := variable("aws_region", "string", "AWS region of every resource.", tfLit(p.inv.Region()))
	validation(b, tfExpr(`can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.aws_region))`), "aws_region must be a region name such as us-east-1.")

	b = variable("environment", "string", "Environment name in the SSM paths /<app>/<environment>/<NAME> that the migration writes the config vars to.", tfLit(p.inv.Env()))
	validation(b, tfExpr(`can(regex("^[A-Za-z0-9_.-]{1,64}$", var.environment))`), "environment must be 1 to 64 letters, digits, '.', '_' or '-'.")

	b = variable("vpc_cidr", "string", "CIDR block of the VPC: two public subnets take the first two sixteenths, two private subnets the second and third quarters.", tfLit("10.0.0.0/16"))
	validation(b, tfExpr(`can(cidrhost(var.vpc_cidr, 0)) && try(tonumber(split("/", var.vpc_cidr)[1]) <= 24, false)`), "vpc_cidr must be an IPv4 CIDR block of /24 or larger.")

	b = variable("image_tag", "string", "Tag of the images in the apps' ECR repositories that the task definitions run.", tfLit("latest"))
	validation(b, tfExpr(`can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag))`), "image_tag must be a valid image tag.")

	b = variable("postgres_engine_version", "string", "PostgreSQL version of the RDS instances, such as 16; match the Heroku databases' version (heroku pg:info).", tfLit("16"))
	validation(b, tfExpr(`can(regex("^[0-9]+(\\.[0-9]+)?$", var.postgres_engine_version))`), "postgres_engine_version must be a version such as 16 or 16.4.")

	b = variable("route53_zone_ids", "map(string)", "Route 53 hosted zone id per custom domain, such as { \"api.example.com\" = \"Z0123...\" }, for the DNS validation of the load balancers' certificates. Domains left out must be validated by hand (output certificate_validation_records).", "{}")
	validation(b, tfCall("alltrue", tfExpr("[for d in keys(var.route53_zone_ids) : contains("+string(p.longList(p.certDomains))+", d)]")),
		"route53_zone_ids keys must be custom domains of the generated apps with a web process: "+tfListForMessage(p.certDomains)+".")
	validation(b, tfExpr(`alltrue([for z in values(var.route53_zone_ids) : can(regex("^Z[0-9A-Z]+$", z))])`), "route53_zone_ids values must be hosted zone ids such as Z0123456789ABCDEFGHIJ.")

	b = variable("scheduler_jobs", "map(object({\napp = string\nschedule = string\ncommand = string\nprocess = optional(string, \"\")\n}))",
		"Heroku Scheduler jobs to run with EventBridge Scheduler, by job name (up to 32 letters, digits, '.', '_' or '-'). "+
			"Heroku Scheduler's jobs are not exposed by the Platform API, so copy them by hand from the Scheduler dashboard (heroku addons:open scheduler --app APP): "+
			"app is the Heroku app, schedule an EventBridge Scheduler expression in UTC such as \"cron(0 3 * * ? *)\" (daily at 03:00) or \"rate(10 minutes)\", "+
			"command the job's command, and process the process type whose task definition runs it (empty: worker, else web, else the app's first process type).",
		"{}")
	validation(b, tfExpr(`alltrue([for k in keys(var.scheduler_jobs) : can(regex("^[0-9A-Za-z_.-]{1,32}$", k))])`), "scheduler_jobs keys must be 1 to 32 letters, digits, '.', '_' or '-'.")
	var schedApps, schedProcs []string
	for _, ap := range p.scheduled {
		schedApps = append(schedApps, ap.app.Name)
		for _, pp := range ap.procs {
			schedProcs = append(schedProcs, ap.app.Name+":"+pp.proc.Type)
		}
	}
	if len(schedApps) == 0 {
		validation(b, tfExpr("length(var.scheduler_jobs) == 0"), "No generated app has a Heroku Scheduler add-on and a process type to run jobs with: leave scheduler_jobs empty.")
	} else {
		validation(b, tfCall("alltrue", tfExpr("[for j in values(var.scheduler_jobs) : contains("+string(p.longList(schedApps))+", j.app)]")),
			"Each scheduler job's app must be a generated app with a Heroku Scheduler add-on: "+tfListForMessage(schedApps)+".")
		validation(b, tfCall("alltrue", tfExpr("[for j in values(var.scheduler_jobs) : j.process == \"\" || contains("+string(p.longList(schedProcs))+", \"${j.app}:${j.process}\")]")),
			"Each scheduler job's process must be empty or a process type of its app.")
		validation(b, tfExpr(`alltrue([for j in values(var.scheduler_jobs) : can(regex("^(cron|rate|at)\\(.+\\)$", j.schedule)) && trimspace(j.command) != ""])`),
			"Each scheduler job needs a schedule such as \"cron(0 3 * * ? *)\" or \"rate(10 minutes)\" and a command.")
	}
	return w
}

// longList is a tuple of strings, one per line when there are many.
func (p *targetPlan) longList(items []string) tfExpr {
	if len(items) <= 4 {
		return tfStrings(items)
	}
	e := make([]tfExpr, len(items))
	for i, s := range items {
		e[i] = tfLit(s)
	}
	return tfLines(e...)
}

// tfListForMessage lists up to ten names for an error message.
func tfListForMessage(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	if len(items) > 10 {
		return strings.Join(items[:10], ", ") + fmt.Sprintf(" and %d more", len(items)-10)
	}
	return strings.Join(items, ", ")
}

func tfOrDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (p *targetPlan) networkFile() *tfWriter {
	w := newTFWriter("The network: a VPC over two availability zones, public subnets for the load balancers, private subnets behind one NAT gateway for the tasks and data stores, and security groups.")
	b := w.block(false, "data", "aws_availability_zones", "available")
	w.set(b, "state", tfLit("available"))

	b = w.block(false, "resource", "aws_vpc", "main")
	w.set(b, "cidr_block", tfRef("var", "vpc_cidr"))
	w.set(b, "enable_dns_support", "true")
	w.set(b, "enable_dns_hostnames", "true")
	b.AppendNewline()
	w.set(b, "tags", tfObj(tfField("Name", tfLit(p.prefix))))

	b = w.block(false, "resource", "aws_internet_gateway", "main")
	w.set(b, "vpc_id", "aws_vpc.main.id")

	for _, s := range []struct {
		name, cidr string
		public     bool
	}{
		{"public", "cidrsubnet(var.vpc_cidr, 4, count.index)", true},
		{"private", "cidrsubnet(var.vpc_cidr, 2, count.index + 1)", false},
	} {
		b = w.block(false, "resource", "aws_subnet", s.name)
		w.set(b, "count", "2")
		b.AppendNewline()
		w.set(b, "vpc_id", "aws_vpc.main.id")
		w.set(b, "cidr_block", tfExpr(s.cidr))
		w.set(b, "availability_zone", "data.aws_availability_zones.available.names[count.index]")
		if s.public {
			w.set(b, "map_public_ip_on_launch", "true")
		}
		b.AppendNewline()
		w.set(b, "tags", tfObj(tfField("Name", tfTmpl(p.prefix+"-"+s.name+"-", tfExpr("count.index")))))
	}

	b = w.block(false, "resource", "aws_eip", "nat")
	w.set(b, "domain", tfLit("vpc"))

	b = w.block(false, "resource", "aws_nat_gateway", "main")
	w.set(b, "allocation_id", "aws_eip.nat.id")
	w.set(b, "subnet_id", "aws_subnet.public[0].id")
	b.AppendNewline()
	w.set(b, "depends_on", "[aws_internet_gateway.main]")

	for _, rt := range []struct{ name, target, ref string }{
		{"public", "gateway_id", "aws_internet_gateway.main.id"},
		{"private", "nat_gateway_id", "aws_nat_gateway.main.id"},
	} {
		b = w.block(false, "resource", "aws_route_table", rt.name)
		w.set(b, "vpc_id", "aws_vpc.main.id")
		r := w.nested(b, "route")
		w.set(r, "cidr_block", tfLit("0.0.0.0/0"))
		w.set(r, rt.target, tfExpr(rt.ref))

		b = w.block(false, "resource", "aws_route_table_association", rt.name)
		w.set(b, "count", "2")
		b.AppendNewline()
		w.set(b, "subnet_id", tfExpr("aws_subnet."+rt.name+"[count.index].id"))
		w.set(b, "route_table_id", tfRef("aws_route_table", rt.name, "id"))
	}

	rule := func(b *hclwrite.Body, typ, desc string, port int, protocol string, cidr, sg tfExpr) {
		r := w.nested(b, typ)
		w.set(r, "description", tfLit(desc))
		w.set(r, "from_port", tfNum(port))
		w.set(r, "to_port", tfNum(port))
		w.set(r, "protocol", tfLit(protocol))
		if cidr != "" {
			w.set(r, "cidr_blocks", cidr)
		}
		if sg != "" {
			w.set(r, "security_groups", sg)
		}
	}
	sg := func(name, desc string) *hclwrite.Body {
		b := w.block(false, "resource", "aws_security_group", name)
		w.set(b, "name", tfLit(p.prefix+"-"+name))
		w.set(b, "description", tfLit(desc))
		w.set(b, "vpc_id", "aws_vpc.main.id")
		return b
	}
	anywhere := tfStrings([]string{"0.0.0.0/0"})

	b = sg("alb", "Load balancers: HTTP and HTTPS from anywhere.")
	rule(b, "ingress", "HTTP", 80, "tcp", anywhere, "")
	rule(b, "ingress", "HTTPS", 443, "tcp", anywhere, "")
	rule(b, "egress", "To the tasks", targetContainerPort, "tcp", tfList(tfRef("var", "vpc_cidr")), "")

	b = sg("tasks", "ECS tasks: the container port from the load balancers; any egress.")
	rule(b, "ingress", "From the load balancers", targetContainerPort, "tcp", "", tfList(tfRef("aws_security_group", "alb", "id")))
	rule(b, "egress", "Anywhere", 0, "-1", anywhere, "")

	if len(p.stores) > 0 {
		b = sg("databases", "RDS and ElastiCache: PostgreSQL and Redis from the tasks.")
		rule(b, "ingress", "PostgreSQL from the tasks", 5432, "tcp", "", tfList(refTasksSG))
		rule(b, "ingress", "Redis from the tasks", 6379, "tcp", "", tfList(refTasksSG))
	}
	return w
}

func (p *targetPlan) clusterFile() *tfWriter {
	w := newTFWriter("The ECS cluster, the task execution role shared by every task, and the role EventBridge Scheduler runs jobs with. Each app's task role is in its app_*.tf.")
	w.block(false, "data", "aws_caller_identity", "current")
	w.block(false, "data", "aws_partition", "current")

	b := w.block(false, "locals")
	w.set(b, "ssm_parameter_arn_prefix", tfTmpl("arn:", refPartition, ":ssm:", refVarRegion, ":", refAccountID, ":parameter"))
	w.set(b, "task_definition_arn_prefix", tfTmpl("arn:", refPartition, ":ecs:", refVarRegion, ":", refAccountID, ":task-definition"))
	w.set(b, "ecs_tasks_assume_role_policy", tfAssumeRolePolicy("ecs-tasks.amazonaws.com", false))

	b = w.block(false, "resource", "aws_ecs_cluster", "main")
	w.set(b, "name", tfLit(p.prefix))
	s := w.nested(b, "setting")
	w.set(s, "name", tfLit("containerInsights"))
	w.set(s, "value", tfLit("enabled"))

	b = w.block(false, "resource", "aws_iam_role", "task_execution")
	w.set(b, "name", tfLit(p.prefix+"-ecs-task-execution"))
	w.set(b, "path", tfLit(p.rolePath))
	w.set(b, "assume_role_policy", refTasksTrust)

	b = w.block(false, "resource", "aws_iam_role_policy_attachment", "task_execution")
	w.set(b, "role", tfRef("aws_iam_role", "task_execution", "name"))
	w.set(b, "policy_arn", tfTmpl("arn:", refPartition, ":iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"))

	// The execution role reads each app's parameters. Past IAM's size
	// limit, one wildcard over the environment replaces the list.
	var paths []tfExpr
	size := 0
	for _, ap := range p.apps {
		paths = append(paths, tfTmpl(refSSMPrefix, "/"+ap.app.Name+"/", refVarEnv, "/*"))
		size += 140 + len(ap.app.Name)
	}
	var ssmResource tfExpr
	switch {
	case len(paths) == 0:
		ssmResource = tfTmpl(refSSMPrefix, "/*/", refVarEnv, "/*")
	case size > inlinePolicyBudget:
		w.comment(fmt.Sprintf("The %d apps' parameter paths do not fit IAM's inline policy size limit: the policy below allows /*/<environment>/* instead.", len(p.apps)))
		ssmResource = tfTmpl(refSSMPrefix, "/*/", refVarEnv, "/*")
	default:
		ssmResource = tfLines(paths...)
	}
	b = w.block(size > inlinePolicyBudget, "resource", "aws_iam_role_policy", "task_execution_ssm")
	w.set(b, "name", tfLit("read-config-vars"))
	w.set(b, "role", tfRef("aws_iam_role", "task_execution", "id"))
	w.set(b, "policy", tfCall("jsonencode", tfObj(
		tfField("Version", tfLit("2012-10-17")),
		tfField("Statement", tfLines(
			tfObj(
				tfField("Sid", tfLit("ReadConfigVars")),
				tfField("Effect", tfLit("Allow")),
				tfField("Action", tfStrings([]string{"ssm:GetParameters"})),
				tfField("Resource", ssmResource),
			),
			tfObj(
				tfField("Sid", tfLit("DecryptConfigVars")),
				tfField("Effect", tfLit("Allow")),
				tfField("Action", tfStrings([]string{"kms:Decrypt"})),
				tfField("Resource", tfLit("*")),
				tfField("Condition", tfObj(tfField("StringEquals", tfObj(tfEntry("kms:ViaService", tfTmpl("ssm.", refVarRegion, ".amazonaws.com")))))),
			),
		)),
	)))

	if len(p.scheduled) > 0 {
		p.schedulerRole(w)
	}
	return w
}

// schedulerRole writes the role EventBridge Scheduler assumes to run the
// scheduled jobs' tasks.
func (p *targetPlan) schedulerRole(w *tfWriter) {
	var families, roles []tfExpr
	size := 0
	for _, ap := range p.scheduled {
		for _, pp := range ap.procs {
			families = append(families, tfTmpl(refTaskDefPref, "/"+pp.family+":*"))
			size += 100 + len(pp.family)
		}
		roles = append(roles, tfRef("aws_iam_role", ap.taskRole, "arn"))
		size += 80 + len(ap.taskRoleName) + len(p.rolePath)
	}
	w.comment("Role EventBridge Scheduler assumes to run the Heroku Scheduler jobs (var.scheduler_jobs) as ECS tasks.")
	b := w.block(true, "resource", "aws_iam_role", "scheduler")
	w.set(b, "name", tfLit(p.prefix+"-scheduler"))
	w.set(b, "path", tfLit(p.rolePath))
	w.set(b, "assume_role_policy", tfAssumeRolePolicy("scheduler.amazonaws.com", true))

	runTask := tfObj(
		tfField("Sid", tfLit("RunScheduledTasks")),
		tfField("Effect", tfLit("Allow")),
		tfField("Action", tfStrings([]string{"ecs:RunTask"})),
		tfField("Resource", tfLines(families...)),
		tfField("Condition", tfObj(tfField("ArnEquals", tfObj(tfEntry("ecs:cluster", refCluster+".arn"))))),
	)
	passRole := tfObj(
		tfField("Sid", tfLit("PassTaskRoles")),
		tfField("Effect", tfLit("Allow")),
		tfField("Action", tfStrings([]string{"iam:PassRole"})),
		tfField("Resource", tfLines(append([]tfExpr{refExecRole + ".arn"}, roles...)...)),
		tfField("Condition", tfObj(tfField("StringEquals", tfObj(tfEntry("iam:PassedToService", tfLit("ecs-tasks.amazonaws.com")))))),
	)
	attached := false
	if size > inlinePolicyBudget {
		w.comment(fmt.Sprintf("The %d scheduled apps' task definitions and roles do not fit IAM's inline policy size limit: the policy below allows every task definition in the cluster and every role under %s.", len(p.scheduled), p.rolePath))
		attached = true
		runTask = tfObj(
			tfField("Sid", tfLit("RunScheduledTasks")),
			tfField("Effect", tfLit("Allow")),
			tfField("Action", tfStrings([]string{"ecs:RunTask"})),
			tfField("Resource", tfList(tfTmpl(refTaskDefPref, "/*"))),
			tfField("Condition", tfObj(tfField("ArnEquals", tfObj(tfEntry("ecs:cluster", refCluster+".arn"))))),
		)
		passRole = tfObj(
			tfField("Sid", tfLit("PassTaskRoles")),
			tfField("Effect", tfLit("Allow")),
			tfField("Action", tfStrings([]string{"iam:PassRole"})),
			tfField("Resource", tfList(tfTmpl("arn:", refPartition, ":iam::", refAccountID, ":role"+p.rolePath+"*"))),
			tfField("Condition", tfObj(tfField("StringEquals", tfObj(tfEntry("iam:PassedToService", tfLit("ecs-tasks.amazonaws.com")))))),
		)
	}
	b = w.block(attached, "resource", "aws_iam_role_policy", "scheduler")
	w.set(b, "name", tfLit("run-scheduled-tasks"))
	w.set(b, "role", refSchedRole+".id")
	w.set(b, "policy", tfCall("jsonencode", tfObj(
		tfField("Version", tfLit("2012-10-17")),
		tfField("Statement", tfLines(runTask, passRole)),
	)))
}

// tfAssumeRolePolicy lets service assume a role; sameAccount limits it to
// calls on behalf of this account.
func tfAssumeRolePolicy(service string, sameAccount bool) tfExpr {
	stmt := []tfKV{
		tfField("Effect", tfLit("Allow")),
		tfField("Principal", tfObj(tfField("Service", tfLit(service)))),
		tfField("Action", tfLit("sts:AssumeRole")),
	}
	if sameAccount {
		stmt = append(stmt, tfField("Condition", tfObj(tfField("StringEquals", tfObj(tfEntry("aws:SourceAccount", refAccountID))))))
	}
	return tfCall("jsonencode", tfObj(
		tfField("Version", tfLit("2012-10-17")),
		tfField("Statement", tfLines(tfObj(stmt...))),
	))
}

func (p *targetPlan) dataStoresFile() *tfWriter {
	w := newTFWriter("The data stores: one RDS instance per Heroku Postgres add-on and one ElastiCache replication group per Heroku Redis add-on (a shared add-on once), and the SSM parameters that hand their URLs to the apps.")
	if len(p.stores) == 0 {
		w.comment("The apps have no Heroku Postgres or Heroku Redis add-on.")
		return w
	}
	var hasPG, hasRedis bool
	for _, sp := range p.stores {
		hasPG = hasPG || sp.postgres
		hasRedis = hasRedis || !sp.postgres
	}
	if hasPG {
		b := w.block(false, "resource", "aws_db_subnet_group", "main")
		w.set(b, "name", tfLit(p.prefix))
		w.set(b, "subnet_ids", refPrivateSubs)
	}
	if hasRedis {
		b := w.block(false, "resource", "aws_elasticache_subnet_group", "main")
		w.set(b, "name", tfLit(p.prefix))
		w.set(b, "subnet_ids", refPrivateSubs)
	}

	var urls []tfKV
	for _, sp := range p.stores {
		if sp.postgres {
			db := tfRef("aws_db_instance", sp.label)
			urls = append(urls, tfEntry(sp.ad.Name, tfTmpl("postgres://heroku2aws:", tfRef("random_password", sp.label, "result"), "@", db+".address", ":", db+".port", "/app")))
		} else {
			rg := tfRef("aws_elasticache_replication_group", sp.label)
			urls = append(urls, tfEntry(sp.ad.Name, tfTmpl("rediss://:", tfRef("random_password", sp.label, "result"), "@", rg+".primary_endpoint_address", ":6379")))
		}
	}
	w.comment("Connection URLs by Heroku add-on name. They hold passwords: keep state private.")
	b := w.block(true, "locals")
	w.set(b, "data_store_urls", tfObj(urls...))

	for _, sp := range p.stores {
		p.dataStore(w, sp)
		for _, ap := range p.apps {
			for _, pp := range ap.params {
				if pp.store != sp {
					continue
				}
				w.comment(fmt.Sprintf("%s of %s; the app's task definitions read it as a secret.", pp.varName, ap.app.Name))
				b := w.block(true, "resource", "aws_ssm_parameter", pp.label)
				w.set(b, "name", tfTmpl("/"+ap.app.Name+"/", refVarEnv, "/"+pp.varName))
				w.set(b, "type", tfLit("SecureString"))
				w.set(b, "value", tfExpr(string(refDataStoreURL)+"["+string(tfLit(sp.ad.Name))+"]"))
			}
		}
	}
	return w
}

// dataStore writes the password and the RDS instance or ElastiCache
// replication group of one add-on.
func (p *targetPlan) dataStore(w *tfWriter, sp *storePlan) {
	ad := sp.ad
	owner := ""
	if ad.App != "" {
		owner = ", owned by " + ad.App
	}
	attached := ""
	if len(sp.apps) > 0 {
		attached = "; attached to " + strings.Join(sp.apps, ", ")
	}
	w.comment(fmt.Sprintf("Heroku add-on %s (%s)%s%s.", ad.Name, ad.Plan, owner, attached))
	b := w.block(true, "resource", "random_password", sp.label)
	w.set(b, "length", "32")
	w.set(b, "special", "false")

	if sp.postgres {
		class := tfOrDefault(ad.AWS.InstanceClass, "db.t4g.micro")
		lines := []string{fmt.Sprintf("%s: %s on Heroku; %s%s.", ad.Name, ad.Plan, class, map[bool]string{true: ", Multi-AZ", false: ""}[ad.AWS.MultiAZ])}
		if ad.AWS.InstanceClass == "" {
			lines = append(lines, "The plan's size is unknown: db.t4g.micro is a placeholder; size it by hand.")
		}
		w.comment(lines...)
		b = w.block(true, "resource", "aws_db_instance", sp.label)
		w.set(b, "identifier", tfLit(sp.id))
		w.set(b, "engine", tfLit("postgres"))
		w.set(b, "engine_version", tfRef("var", "postgres_engine_version"))
		w.set(b, "instance_class", tfLit(class))
		w.set(b, "multi_az", tfBool(ad.AWS.MultiAZ))
		b.AppendNewline()
		w.set(b, "allocated_storage", "20")
		w.set(b, "max_allocated_storage", "1000")
		w.set(b, "storage_type", tfLit("gp3"))
		w.set(b, "storage_encrypted", "true")
		b.AppendNewline()
		w.set(b, "db_name", tfLit("app"))
		w.set(b, "username", tfLit("heroku2aws"))
		w.set(b, "password", tfRef("random_password", sp.label, "result"))
		b.AppendNewline()
		w.set(b, "db_subnet_group_name", "aws_db_subnet_group.main.name")
		w.set(b, "vpc_security_group_ids", "[aws_security_group.databases.id]")
		b.AppendNewline()
		w.set(b, "backup_retention_period", "7")
		w.set(b, "deletion_protection", "true")
		w.set(b, "skip_final_snapshot", "false")
		w.set(b, "final_snapshot_identifier", tfLit(sp.id+"-final"))
		return
	}

	node := tfOrDefault(ad.AWS.InstanceClass, "cache.t4g.micro")
	clusters, ha := 1, ad.AWS.MultiAZ
	if ha {
		clusters = 2
	}
	lines := []string{fmt.Sprintf("%s: %s on Heroku; %d x %s%s.", ad.Name, ad.Plan, clusters, node, map[bool]string{true: ", Multi-AZ with automatic failover", false: ""}[ha])}
	if ad.AWS.InstanceClass == "" {
		lines = append(lines, "The plan's size is unknown: cache.t4g.micro is a placeholder; size it by hand.")
	}
	w.comment(lines...)
	b = w.block(true, "resource", "aws_elasticache_replication_group", sp.label)
	w.set(b, "replication_group_id", tfLit(sp.id))
	w.set(b, "description", tfLit(tfOneLine(fmt.Sprintf("Heroku Redis %s (%s)", ad.Name, ad.Plan))))
	w.set(b, "engine", tfLit("redis"))
	w.set(b, "node_type", tfLit(node))
	w.set(b, "num_cache_clusters", tfNum(clusters))
	w.set(b, "automatic_failover_enabled", tfBool(ha))
	w.set(b, "multi_az_enabled", tfBool(ha))
	w.set(b, "port", "6379")
	b.AppendNewline()
	w.set(b, "transit_encryption_enabled", "true")
	w.set(b, "at_rest_encryption_enabled", "true")
	w.set(b, "auth_token", tfRef("random_password", sp.label, "result"))
	b.AppendNewline()
	w.set(b, "subnet_group_name", "aws_elasticache_subnet_group.main.name")
	w.set(b, "security_group_ids", "[aws_security_group.databases.id]")
}

func (p *targetPlan) outputsFile() *tfWriter {
	w := newTFWriter("Outputs. aws_targets and database_target_urls feed the migration module (../migration).")
	output := func(name, desc string, value tfExpr, sensitive bool) {
		b := w.block(false, "output", name)
		w.set(b, "description", tfLit(desc))
		w.set(b, "value", value)
		if sensitive {
			w.set(b, "sensitive", "true")
		}
	}
	var targets, dbURLs, repos, logs, releases, validations []tfKV
	for _, ap := range p.apps {
		a := ap.app
		if ap.lb != nil {
			targets = append(targets, tfEntry(a.Name, tfRef("aws_lb", ap.lb.label, "dns_name")))
			if ap.lb.cert != "" {
				validations = append(validations, tfEntry(a.Name, tfExpr(
					"{ for o in aws_acm_certificate."+ap.lb.cert+".domain_validation_options : o.domain_name => { name = o.resource_record_name, type = o.resource_record_type, value = o.resource_record_value } if !contains(keys(var.route53_zone_ids), o.domain_name) }")))
			}
		}
		var urls []tfKV
		for _, ad := range a.Postgres() {
			if p.inv.RestoringApp(ad) == a.Name {
				urls = append(urls, tfEntry(a.AttachmentName(ad), tfExpr(string(refDataStoreURL)+"["+string(tfLit(ad.Name))+"]")))
			}
		}
		sort.Slice(urls, func(i, j int) bool { return urls[i].key < urls[j].key })
		if len(urls) > 0 {
			dbURLs = append(dbURLs, tfEntry(a.Name, tfObj(urls...)))
		}
		repos = append(repos, tfEntry(a.Name, tfRef("aws_ecr_repository", ap.ecr, "repository_url")))
		logs = append(logs, tfEntry(a.Name, tfRef("aws_cloudwatch_log_group", ap.logGroup, "name")))
		if ap.release != nil {
			releases = append(releases, tfEntry(a.Name, tfRef("aws_ecs_task_definition", ap.release.label, "family")))
		}
	}
	output("aws_targets", "DNS name of each app's load balancer, by Heroku app name (apps with a web process only). The migration's weighted DNS records point the custom domains here.", tfObj(targets...), false)
	output("database_target_urls", "postgres:// URL of the RDS instance per app and Heroku Postgres attachment name, for the app that copies each database (a shared database is copied once). Holds passwords.", tfObj(dbURLs...), true)
	output("ecs_cluster_name", "Name of the ECS cluster every service and task runs in.", refCluster+".name", false)
	output("ecr_repository_urls", "ECR repository URL per app: push each app's image here, tagged var.image_tag.", tfObj(repos...), false)
	output("log_group_names", "CloudWatch Logs group per app.", tfObj(logs...), false)
	output("release_task_families", "Task definition family of each app's release phase: run it with aws ecs run-task before each deploy.", tfObj(releases...), false)
	output("private_subnet_ids", "Private subnets, for aws ecs run-task --network-configuration.", refPrivateSubs, false)
	output("tasks_security_group_id", "Security group of the tasks, for aws ecs run-task --network-configuration.", refTasksSG, false)
	output("certificate_validation_records", "DNS validation records to create by hand, per app and custom domain, for the domains that have no hosted zone in route53_zone_ids.", tfObj(validations...), false)
	return w
}
