package codegen

// This file writes target/variables.tf: the inputs of the target root
// module and their validations.

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"
)

func (p *targetPlan) variablesFile() *tfWriter {
	w := newTFWriter("Inputs of the target. Defaults come from the Heroku inventory.")
	variable := func(name string, typ tfSource, desc string, def tfExpr) *hclwrite.Body {
		b := w.block(false, "variable", name)
		w.set(b, "description", tfLit(desc))
		w.set(b, "type", tfSrc(typ))
		if !def.isZero() {
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
	validation(b, tfSrc(`can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.aws_region))`), "aws_region must be a region name such as us-east-1.")

	b = variable("environment", "string", "Environment name in the SSM paths /<app>/<environment>/<NAME> that the migration writes the config vars to.", tfLit(p.inv.Env()))
	validation(b, tfSrc(`can(regex("^[A-Za-z0-9_.-]{1,64}$", var.environment))`), "environment must be 1 to 64 letters, digits, '.', '_' or '-'.")

	b = variable("vpc_cidr", "string", "CIDR block of the VPC: two public subnets take the first two sixteenths, two private subnets the second and third quarters.", tfLit("10.0.0.0/16"))
	validation(b, tfSrc(`can(cidrhost(var.vpc_cidr, 0)) && try(tonumber(split("/", var.vpc_cidr)[1]) <= 24, false)`), "vpc_cidr must be an IPv4 CIDR block of /24 or larger.")

	b = variable("image_tag", "string", "Tag of the images in the apps' ECR repositories that the task definitions run.", tfLit("latest"))
	validation(b, tfSrc(`can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag))`), "image_tag must be a valid image tag.")

	b = variable("postgres_engine_version", "string", "PostgreSQL version of the RDS instances, such as 16; match the Heroku databases' version (heroku pg:info).", tfLit("16"))
	validation(b, tfSrc(`can(regex("^[0-9]+(\\.[0-9]+)?$", var.postgres_engine_version))`), "postgres_engine_version must be a version such as 16 or 16.4.")

	b = variable("route53_zone_ids", "map(string)", "Route 53 hosted zone id per custom domain, such as { \"api.example.com\" = \"Z0123...\" }, for the DNS validation of the load balancers' certificates. Domains left out must be validated by hand (output certificate_validation_records).", tfObj())
	validation(b, tfCall("alltrue", tfSrc("[for d in keys(var.route53_zone_ids) : contains(%s, d)]", p.longList(p.certDomains))),
		"route53_zone_ids keys must be custom domains of the generated apps with a web process: "+tfListForMessage(p.certDomains)+".")
	validation(b, tfSrc(`alltrue([for z in values(var.route53_zone_ids) : can(regex("^Z[0-9A-Z]+$", z))])`), "route53_zone_ids values must be hosted zone ids such as Z0123456789ABCDEFGHIJ.")

	b = variable("scheduler_jobs", "map(object({\napp = string\nschedule = string\ncommand = string\nprocess = optional(string, \"\")\n}))",
		"Heroku Scheduler jobs to run with EventBridge Scheduler, by job name (up to 32 letters, digits, '.', '_' or '-'). "+
			"Heroku Scheduler's jobs are not exposed by the Platform API, so copy them by hand from the Scheduler dashboard (heroku addons:open scheduler --app APP): "+
			"app is the Heroku app, schedule an EventBridge Scheduler expression in UTC such as \"cron(0 3 * * ? *)\" (daily at 03:00) or \"rate(10 minutes)\", "+
			"command the job's command, and process the process type whose task definition runs it (empty: worker, else web, else the app's first process type).",
		tfObj())
	validation(b, tfSrc(`alltrue([for k in keys(var.scheduler_jobs) : can(regex("^[0-9A-Za-z_.-]{1,32}$", k))])`), "scheduler_jobs keys must be 1 to 32 letters, digits, '.', '_' or '-'.")
	var schedApps, schedProcs []string
	for _, ap := range p.scheduled {
		schedApps = append(schedApps, ap.app.Name)
		for _, pp := range ap.procs {
			schedProcs = append(schedProcs, ap.app.Name+":"+pp.proc.Type)
		}
	}
	if len(schedApps) == 0 {
		validation(b, tfSrc("length(var.scheduler_jobs) == 0"), "No generated app has a Heroku Scheduler add-on and a process type to run jobs with: leave scheduler_jobs empty.")
	} else {
		validation(b, tfCall("alltrue", tfSrc("[for j in values(var.scheduler_jobs) : contains(%s, j.app)]", p.longList(schedApps))),
			"Each scheduler job's app must be a generated app with a Heroku Scheduler add-on: "+tfListForMessage(schedApps)+".")
		validation(b, tfCall("alltrue", tfSrc("[for j in values(var.scheduler_jobs) : j.process == \"\" || contains(%s, \"${j.app}:${j.process}\")]", p.longList(schedProcs))),
			"Each scheduler job's process must be empty or a process type of its app.")
		validation(b, tfSrc(`alltrue([for j in values(var.scheduler_jobs) : can(regex("^(cron|rate|at)\\(.+\\)$", j.schedule)) && trimspace(j.command) != ""])`),
			"Each scheduler job needs a schedule such as \"cron(0 3 * * ? *)\" or \"rate(10 minutes)\" and a command.")
	}
	return w
}

// longList is a tuple of strings, one per line when there are many.
func (p *targetPlan) longList(items []string) tfExpr {
	if len(items) <= 4 {
		return tfStrings(items)
	}
	return tfLines(tfLits(items)...)
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
