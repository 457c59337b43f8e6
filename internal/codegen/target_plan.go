package codegen

// This file plans the target module: every resource label and AWS name is
// chosen here, once and in a stable order, before any file is written.

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
)

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
	slices.SortFunc(apps, func(a, b *App) int { return cmp.Compare(a.Name, b.Name) })

	// Shared resources take their labels first, so that no app can take
	// them.
	for _, l := range []string{"aws_ecs_cluster.main", "aws_iam_role.task_execution", "aws_iam_role.scheduler",
		"aws_iam_role_policy.task_execution_db_secrets",
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
		// The release phase runs once per deploy, as one one-off task
		// (https://devcenter.heroku.com/articles/release-phase): a formation
		// entry of type release is never a service, and it only lends the
		// release task its command and size.
		var releaseProc *Process
		for i := range a.Processes {
			pr := &a.Processes[i]
			if pr.Type == "release" {
				releaseProc = pr
				continue
			}
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
		releaseCommand := a.ReleaseCommand
		if releaseProc != nil {
			releaseCommand = cmp.Or(releaseCommand, releaseProc.Command)
		}
		if releaseCommand != "" {
			ap.release = &procPlan{
				label:     p.label("aws_ecs_task_definition", a.Ident+"_release"),
				family:    awsName(a.Name+"-release", 255, ns("family")),
				container: "release",
				command:   releaseCommand,
			}
			ap.release.cpu, ap.release.memory, ap.release.note = targetReleaseSize(ap)
			if releaseProc != nil {
				ap.release.cpu, ap.release.memory, ap.release.note = targetTaskSize(releaseProc)
			}
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
	slices.Sort(p.certDomains)
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
			if slices.ContainsFunc(a.AddOns, func(own inventory.AddOn) bool { return own.Name == ad.Name }) {
				sp.apps = append(sp.apps, a.Name)
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
		i := slices.IndexFunc(a.AddOns, func(own inventory.AddOn) bool { return own.Name == sp.ad.Name })
		if i < 0 {
			continue
		}
		own := &a.AddOns[i]
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
		slices.Sort(vars)
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
	slices.SortFunc(ap.params, func(a, b *paramPlan) int { return cmp.Compare(a.varName, b.varName) })
}

// label returns a resource label (or local name, for typ "local") built
// from base, unique among the labels of typ.
func (p *targetPlan) label(typ, base string) string {
	l := base
	for i := 2; p.labels[typ+"."+l]; i++ {
		l = base + "_" + strconv.Itoa(i)
	}
	p.labels[typ+"."+l] = true
	return l
}

// store is the plan of the data store of the add-on named name, or nil.
func (p *targetPlan) store(name string) *storePlan {
	for _, sp := range p.stores {
		if sp.ad.Name == name {
			return sp
		}
	}
	return nil
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

// Common references.
var (
	refVarEnv       = tfRef("var", "environment")
	refVarRegion    = tfRef("var", "aws_region")
	refPrivateSubs  = tfSrc("aws_subnet.private[*].id")
	refPublicSubs   = tfSrc("aws_subnet.public[*].id")
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
