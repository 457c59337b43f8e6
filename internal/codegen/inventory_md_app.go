package codegen

// This file writes the per-app sections of INVENTORY.md: processes,
// add-ons, config var names, domains and cost of each app.

import (
	"strconv"
	"strings"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
)

// invAppSubsections are the ### headings of an app's section, in order.
func invAppSubsections(a *App, awsRegion string) []string {
	subs := []string{}
	if a.HasScheduler() || len(invDecisions(a, awsRegion)) > 0 {
		subs = append(subs, "Needs a decision")
	}
	return append(subs, "Process types", "Add-ons", "Config vars", "Custom domains", "Monthly cost")
}

func (d *invDoc) app(i int) {
	a := &d.inv.Apps[i]
	c := &d.cost.Apps[i]
	d.line("## " + mdInline(a.Name))
	d.line("")
	d.line("- **Stack:** " + mdOrDash(mdInline(a.Stack)) + "; **Heroku region:** " + mdOrDash(mdInline(a.HerokuRegion)))
	team := "none"
	if a.Team != "" {
		team = mdInline(a.Team)
	}
	space := "none (Common Runtime)"
	if a.Space != "" {
		space = mdInline(a.Space)
	}
	d.line("- **Team:** " + team + "; **Private Space:** " + space)
	bps := "none recorded (Heroku detects them at build time)"
	if len(a.Buildpacks) > 0 {
		bps = mdCodeList(a.Buildpacks, false)
		if len(a.Buildpacks) > 1 {
			bps += ", in this order"
		}
	}
	if a.BuildpackDescription != "" {
		bps += "; detected: " + mdInline(a.BuildpackDescription)
	}
	d.line("- **Buildpacks:** " + bps)
	release := "unknown"
	if a.CurrentRelease > 0 {
		release = "v" + strconv.Itoa(a.CurrentRelease)
	}
	d.line("- **Current release:** " + release)
	if a.ReleaseCommand != "" {
		d.line("- **Release phase:** " + mdCode(a.ReleaseCommand) + ", run as a one-off ECS task before each deploy")
	} else {
		d.line("- **Release phase:** none")
	}
	d.line("- **Image:** " + mdCode(invBuildCommand(a, "<ECR repository URL>:latest")) + " (runbook step 2)")
	d.line("- **Monthly cost:** Heroku " + mdTotal(c.HerokuCents, c.HerokuUnpriced) + ", AWS estimate " + mdTotal(c.AWSCents, c.AWSUnpriced))
	d.line("")
	for _, sub := range invAppSubsections(a, d.region) {
		d.line("### " + sub)
		d.line("")
		switch sub {
		case "Needs a decision":
			d.appNeeds(a)
		case "Process types":
			d.appProcesses(a)
		case "Add-ons":
			d.appAddOns(a)
		case "Config vars":
			d.appConfigVars(a)
		case "Custom domains":
			d.appDomains(a)
		case "Monthly cost":
			d.appCost(c)
		}
	}
}

func (d *invDoc) appNeeds(a *App) {
	for _, dec := range invDecisions(a, d.region) {
		d.line("- " + dec.long)
	}
	for _, ad := range a.AddOns {
		switch ad.Service {
		case "scheduler", "advanced-scheduler", "cron-to-go":
			d.line("- **Scheduler jobs must be copied by hand.** The Platform API does not expose the jobs of " + mdCode(ad.Name) + " (" + mdCode(ad.Plan) + "). " +
				"Read each job's command and frequency from its dashboard (" + mdCode("heroku addons:open "+invShell(ad.Name)+" -a "+invShell(a.Name)) +
				") and, at runbook step 6, write it into the target's `scheduler_jobs` variable as " +
				mdCode("\"nightly-job\" = { app = "+invHCLString(a.Name)+", schedule = \"cron(0 2 * * ? *)\", command = \"...\" }") +
				"; EventBridge Scheduler then runs it as a one-off ECS task. Heroku's frequencies become `rate(10 minutes)`, " +
				"`cron(M * * * ? *)` (hourly at minute M) and `cron(M H * * ? *)` (daily at H:M UTC).")
		}
	}
	d.line("")
}

func (d *invDoc) appProcesses(a *App) {
	if len(a.Processes) == 0 {
		d.line("None: the app has no formation, so nothing runs on AWS either.")
		d.line("")
		return
	}
	d.line("| Type | Command | Quantity | Dyno size | Fargate `cpu` | Fargate `memory` | Note |")
	d.line("|---|---|---:|---|---:|---:|---|")
	for _, p := range a.Processes {
		cpu, mem := "", ""
		var notes []string
		if p.Fargate.CPU > 0 {
			cpu = strconv.Itoa(p.Fargate.CPU) + " (" + costNumber(float64(p.Fargate.CPU)/1024) + " vCPU)"
			mem = strconv.Itoa(p.Fargate.Memory) + " (" + costNumber(float64(p.Fargate.Memory)/1024) + " GB)"
			if !p.Fargate.Fits {
				notes = append(notes, "**does not fit Fargate**: capped at the largest task")
			}
		} else {
			notes = append(notes, "no Fargate size known for this dyno size")
		}
		if p.Type == "web" {
			notes = append(notes, "behind the load balancer")
		}
		if p.Quantity == 0 {
			notes = append(notes, "scaled to 0 on Heroku")
		}
		d.row(mdInline(p.Type), mdCodeCell(p.Command), strconv.Itoa(p.Quantity), mdInline(p.Size), cpu, mem, strings.Join(notes, "; "))
	}
	d.line("")
}

func (d *invDoc) appAddOns(a *App) {
	if len(a.AddOns) == 0 {
		d.line("None.")
		d.line("")
		return
	}
	d.line("| Add-on | Plan | Attached as | Heroku \\$/month | AWS equivalent | Size | Multi-AZ | Config vars |")
	d.line("|---|---|---|---:|---|---|---|---|")
	for _, ad := range a.AddOns {
		price := mdInline(FormatCents(int64(max(ad.BilledPriceCents, 0))))
		if owner := d.billed[ad.Name]; owner != a.Name {
			price = "billed to " + d.appLink(owner)
		}
		aws := "none known: **needs a decision**"
		if ad.AWS.Service != "" {
			aws = mdInline(ad.AWS.Service)
		}
		size, multi := "", ""
		if ad.AWS.InstanceClass != "" {
			size = mdCodeCell(ad.AWS.InstanceClass)
		}
		if ad.Service == "heroku-postgresql" || ad.Service == "heroku-redis" {
			multi = "no"
			if ad.AWS.MultiAZ {
				multi = "yes"
			}
		}
		d.row(mdInline(ad.Name), mdCodeCell(ad.Plan), mdCodeCell(a.AttachmentName(ad)), price, aws, size, multi, mdCodeList(ad.ConfigVars, true))
	}
	d.line("")
}

func (d *invDoc) appConfigVars(a *App) {
	if len(a.UserConfigVars) == 0 {
		d.line("**User-set:** none.")
	} else {
		d.line("**User-set** (" + strconv.Itoa(len(a.UserConfigVars)) + "), copied to SSM Parameter Store as SecureString parameters " +
			mdCode("/"+a.Name+"/"+d.env+"/NAME") + ":")
		d.line("")
		d.line(mdCodeList(a.UserConfigVars, false))
	}
	d.line("")
	if len(a.EmptyConfigVars) > 0 {
		d.line("**Empty** (" + strconv.Itoa(len(a.EmptyConfigVars)) + "), not copied: SSM cannot hold an empty value, so the task definitions set them as empty environment variables:")
		d.line("")
		d.line(mdCodeList(a.EmptyConfigVars, false))
		d.line("")
	}
	if len(a.AddOnConfigVars) == 0 {
		d.line("**Add-on-owned:** none.")
		d.line("")
		return
	}
	d.line("**Add-on-owned** (" + strconv.Itoa(len(a.AddOnConfigVars)) + "), not copied: the AWS data store or service that replaces the add-on provides them.")
	d.line("")
	owner := map[string]inventory.AddOn{}
	for _, ad := range a.AddOns {
		for _, v := range ad.ConfigVars {
			if _, ok := owner[v]; !ok {
				owner[v] = ad
			}
		}
		for _, att := range ad.Attachments {
			if att.App == a.Name {
				if _, ok := owner[att.Name+"_URL"]; !ok {
					owner[att.Name+"_URL"] = ad
				}
			}
		}
	}
	for _, v := range a.AddOnConfigVars {
		line := "- " + mdCode(v)
		if ad, ok := owner[v]; ok {
			to := "no AWS equivalent yet (needs a decision)"
			if ad.AWS.Service != "" {
				to = mdInline(ad.AWS.Service)
			}
			line += " from " + mdInline(ad.Name) + " → " + to
		}
		d.line(line)
	}
	d.line("")
}

func (d *invDoc) appDomains(a *App) {
	if len(a.Domains) == 0 {
		if a.Web() != nil {
			d.line("None: clients reach the app at its `herokuapp.com` name, which cannot point at AWS. On AWS it answers at its load balancer's name.")
		} else {
			d.line("None.")
		}
		d.line("")
		return
	}
	d.line("| Host name | Heroku DNS target (CNAME) | Status | ACM |")
	d.line("|---|---|---|---|")
	for _, dom := range a.Domains {
		acm := mdInline(dom.ACMStatus)
		if acm == "" {
			acm = "not managed by Heroku ACM"
		}
		d.row(mdCodeCell(dom.Hostname), mdCodeCell(dom.CNAME), mdInline(dom.Status), acm)
	}
	d.line("")
	if a.Web() == nil {
		d.line("The app has no `web` process, so nothing on AWS answers for these domains: decide where they should point.")
	} else {
		d.line("At cutover each host name becomes a Route 53 weighted pair: the Heroku target above and the app's load balancer, which serves an ACM certificate for it.")
	}
	d.line("")
}

func (d *invDoc) appCost(c *AppCost) {
	d.line("| Side | Item | \\$/month | Note |")
	d.line("|---|---|---:|---|")
	for _, l := range c.Heroku {
		d.row("Heroku", mdInline(l.Item), mdMoney(l), mdInline(l.Note))
	}
	for _, l := range c.AWS {
		d.row("AWS", mdInline(l.Item), mdMoney(l), mdInline(l.Note))
	}
	d.row("**Heroku**", "**total**", "**"+mdTotal(c.HerokuCents, c.HerokuUnpriced)+"**", "")
	d.row("**AWS**", "**estimate**", "**"+mdTotal(c.AWSCents, c.AWSUnpriced)+"**", "without the shared NAT gateway")
	d.line("")
}
