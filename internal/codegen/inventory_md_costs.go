package codegen

// This file writes the "Monthly cost comparison" section of INVENTORY.md.

import (
	"strconv"
	"strings"
)

func (d *invDoc) costs() {
	d.line("AWS figures are on-demand list prices for " + mdCode(d.p.Region) + " as of " + mdInline(d.p.AsOf) +
		" from the table shipped in `internal/codegen` (source: " + mdInline(d.p.Source) + "), excluding data transfer, log volume, and taxes; **verify before budgeting**.")
	if d.inv.AWSRegion != "" && d.inv.AWSRegion != d.p.Region {
		d.line("The target is in " + mdCode(d.inv.AWSRegion) + ", but the estimate uses " + mdCode(d.p.Region) +
			" prices: actual prices in " + mdCode(d.inv.AWSRegion) + " differ.")
	}
	d.line("Heroku figures are the add-on prices the Platform API reports as billed, plus dyno list prices.")
	d.line("")
	d.line("| App | Heroku \\$/month | AWS estimate \\$/month | Not counted |")
	d.line("|---|---:|---:|---|")
	for i := range d.cost.Apps {
		c := &d.cost.Apps[i]
		var left []string
		for _, l := range c.Heroku {
			if l.Status != CostPriced {
				left = append(left, "Heroku "+mdInline(l.Item)+" ("+mdMoney(l)+")")
			}
		}
		for _, l := range c.AWS {
			if l.Status != CostPriced {
				left = append(left, mdInline(l.Item)+" ("+mdMoney(l)+")")
			}
		}
		d.row(d.appLink(c.App), mdTotal(c.HerokuCents, c.HerokuUnpriced), mdTotal(c.AWSCents, c.AWSUnpriced), strings.Join(left, "; "))
	}
	for _, l := range d.cost.Shared {
		d.row("Shared: "+mdInline(l.Item), "", mdMoney(l), mdInline(l.Note))
	}
	d.row("**Total**", "**"+mdInline(FormatCents(d.cost.HerokuCents))+"**", "**"+mdInline(FormatCents(d.cost.AWSCents))+"**", "")
	d.line("")
	if len(d.cost.Apps) > 0 {
		diff := d.cost.AWSCents - d.cost.HerokuCents
		verdict := "the same as on Heroku"
		switch {
		case diff < 0:
			verdict = mdInline(FormatCents(-diff)) + " a month less than on Heroku"
		case diff > 0:
			verdict = mdInline(FormatCents(diff)) + " a month more than on Heroku"
		}
		d.line("On the items priced, AWS would cost " + verdict + ". Items marked † or listed as not counted are left out of both totals.")
		d.line("")
	}
	p := d.p
	d.line("How the AWS estimate is built:")
	d.line("")
	d.line("- **Fargate:** " + mdInline(FormatDollars(p.FargateVCPUHour)) + " per vCPU-hour and " + mdInline(FormatDollars(p.FargateGBHour)) +
		" per GB-hour, for the task size in each process type's table, × quantity × " + strconv.Itoa(p.HoursPerMonth) + " hours.")
	d.line("- **RDS for PostgreSQL:** the Single-AZ hourly price of the instance class, twice that for Multi-AZ (premium, private and shield plans), plus " +
		strconv.Itoa(p.RDSStorageGB) + " GB of gp3 storage at " + mdInline(FormatDollars(p.RDSStorageGBMonth)) + " per GB-month (twice that for Multi-AZ).")
	d.line("- **ElastiCache (Redis OSS):** the hourly price of the node type per node: two nodes (primary and replica) for highly available plans, one otherwise.")
	d.line("- **Application Load Balancer:** one per app with a `web` process, " + mdInline(FormatDollars(p.ALBHour)) + " an hour plus " +
		mdPlural(p.ALBLCUs, "LCU", "LCUs") + " at " + mdInline(FormatDollars(p.ALBLCUHour)) + " per LCU-hour.")
	d.line("- **NAT gateway:** one for the landing zone, shared by all apps and counted once, " + mdInline(FormatDollars(p.NATGatewayHour)) + " an hour; data processing is left out.")
	d.line("- **CloudWatch Logs:** " + mdInline(FormatDollars(p.CloudWatchLogsGB)) + " per GB ingested; the volume is not estimated.")
	d.line("- **Heroku dynos:** list price per dyno × quantity; eco dynos share one account-wide plan, counted as " +
		mdInline(FormatDollars(p.HerokuDynoMonth["eco"])) + " per app that runs any; Private and Shield dynos are sold under contract and are not estimated.")
	d.line("")
}
