package codegen

// This file renders DIR/INVENTORY.md: what every app runs, where each piece
// lands on AWS, the monthly cost on both sides, the cutover runbook and the
// rollback checklist. It is written from the Inventory alone (names, never
// values) and is byte-for-byte the same for the same inventory.

import (
	"sort"
	"strconv"
	"strings"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
)

const (
	// diagramMaxApps and diagramMaxEdges cap the Mermaid diagram so that
	// GitHub still draws it (Mermaid refuses more than 500 edges by
	// default); the other apps are summarised in one node.
	diagramMaxApps  = 50
	diagramMaxEdges = 400
	// inlineMax is how many per-app commands a runbook step shows before
	// the rest go into a collapsed block.
	inlineMax = 20
	// nameListMax is how many names a sentence lists before "and N more".
	nameListMax = 10
	// dnsTTLSeconds is the TTL of the weighted records.
	dnsTTLSeconds = 60
	// decommissionDays is the suggested wait before removing Heroku.
	decommissionDays = 14
)

// herokuAWSRegion is the AWS region each Heroku region (Common Runtime and
// Private Spaces) runs in.
var herokuAWSRegion = map[string]string{
	"us": "us-east-1", "virginia": "us-east-1", "eu": "eu-west-1", "dublin": "eu-west-1",
	"oregon": "us-west-2", "frankfurt": "eu-central-1", "london": "eu-west-2", "montreal": "ca-central-1",
	"mumbai": "ap-south-1", "singapore": "ap-southeast-1", "sydney": "ap-southeast-2", "tokyo": "ap-northeast-1",
}

// InventoryMarkdown renders INVENTORY.md for inv, with the monthly cost
// estimate priced from prices. The document is GitHub-flavoured Markdown;
// the same inventory and prices always give the same bytes. It lists
// config var names, never values.
func InventoryMarkdown(inv *Inventory, prices PriceTable) []byte {
	if inv == nil {
		inv = &Inventory{}
	}
	d := &invDoc{inv: inv, p: prices}
	d.b.Grow(8192 + 4096*len(inv.Apps))
	d.prepare()
	d.render()
	// One trailing newline, however the last section ended.
	return []byte(strings.TrimRight(d.b.String(), "\n") + "\n")
}

// invDoc is one rendering of INVENTORY.md.
type invDoc struct {
	inv  *Inventory
	p    PriceTable
	cost CostReport
	// billed maps each add-on name to the app billed for it.
	billed map[string]string
	// anchor is each app's heading anchor, by index; index by app name.
	anchor []string
	index  map[string]int
	env    string
	region string
	title  string
	// sections are the top-level sections before the app sections.
	sections []invSection
	b        strings.Builder

	// Facts gathered once over the inventory.
	stores       []inventory.AddOn // Postgres and Redis, once each, by name
	attached     map[string][]int  // add-on name → indexes of the apps listing it
	dbApps       []int             // apps that list a Heroku Postgres add-on
	maintApps    []int             // dbApps with a web process: maintenance mode
	webApps      []int
	releaseApps  []int
	schedApps    []int
	domainCount  int
	userVarCount int
	ownedVars    int
	otherProcs   int
	otherApps    int
}

type invSection struct {
	title  string
	render func()
}

func (d *invDoc) prepare() {
	d.env, d.region = d.inv.Env(), d.inv.Region()
	d.cost = d.p.Estimate(d.inv)
	d.billed = billedApps(d.inv)
	d.index = make(map[string]int, len(d.inv.Apps))
	d.attached = map[string][]int{}
	for i := range d.inv.Apps {
		a := &d.inv.Apps[i]
		if _, dup := d.index[a.Name]; !dup {
			d.index[a.Name] = i
		}
		if a.Web() != nil {
			d.webApps = append(d.webApps, i)
		}
		if a.ReleaseCommand != "" {
			d.releaseApps = append(d.releaseApps, i)
		}
		if a.HasScheduler() {
			d.schedApps = append(d.schedApps, i)
		}
		if len(a.Postgres()) > 0 {
			d.dbApps = append(d.dbApps, i)
			if a.Web() != nil {
				d.maintApps = append(d.maintApps, i)
			}
		}
		others := 0
		for _, p := range a.Processes {
			if p.Type != "web" {
				others++
			}
		}
		d.otherProcs += others
		if others > 0 {
			d.otherApps++
		}
		d.domainCount += len(a.Domains)
		d.userVarCount += len(a.UserConfigVars)
		d.ownedVars += len(a.AddOnConfigVars)
		for _, ad := range a.AddOns {
			if l := d.attached[ad.Name]; len(l) == 0 || l[len(l)-1] != i {
				d.attached[ad.Name] = append(l, i)
			}
		}
	}
	d.stores = d.inv.DataStores()

	d.title = "Heroku → AWS inventory"
	if d.inv.Team != "" {
		d.title += ": team " + d.inv.Team
	}
	d.sections = []invSection{{"Summary", d.summary}}
	if d.hasPrework() {
		d.sections = append(d.sections, invSection{"Before you start", d.prework})
	}
	d.sections = append(d.sections,
		invSection{"Heroku → AWS mapping", d.mapping},
		invSection{"Target architecture", d.diagram},
		invSection{"Monthly cost comparison", d.costs},
		invSection{"Cutover runbook", d.runbook},
		invSection{"Rollback checklist", d.rollback},
	)

	// Anchors as GitHub computes them, in document order.
	s := newHeadingSlugger()
	s.add(d.title)
	for _, sec := range d.sections {
		s.add(sec.title)
	}
	d.anchor = make([]string, len(d.inv.Apps))
	for i := range d.inv.Apps {
		a := &d.inv.Apps[i]
		d.anchor[i] = s.add(a.Name)
		for _, sub := range invAppSubsections(a, d.region) {
			s.add(sub)
		}
	}
}

func (d *invDoc) render() {
	d.intro()
	for _, sec := range d.sections {
		d.line("## " + sec.title)
		d.line("")
		sec.render()
	}
	for i := range d.inv.Apps {
		d.app(i)
	}
}

// line writes s and a newline.
func (d *invDoc) line(s string) {
	d.b.WriteString(s)
	d.b.WriteByte('\n')
}

// row writes one table row.
func (d *invDoc) row(cells ...string) {
	d.b.WriteString("|")
	for _, c := range cells {
		d.b.WriteByte(' ')
		if c == "" {
			c = "—"
		}
		d.b.WriteString(c)
		d.b.WriteString(" |")
	}
	d.b.WriteByte('\n')
}

// codeBlock writes a fenced code block whose fence no line of body can
// close.
func (d *invDoc) codeBlock(indent, lang string, lines []string) {
	longest := 0
	for _, l := range lines {
		run := 0
		for i := 0; i < len(l); i++ {
			if l[i] == '`' {
				run++
				longest = max(longest, run)
			} else {
				run = 0
			}
		}
	}
	fence := strings.Repeat("`", max(3, longest+1))
	d.line(indent + fence + lang)
	for _, l := range lines {
		d.line(indent + mdLineBreaks.Replace(l))
	}
	d.line(indent + fence)
}

// commands writes a shell block, collapsed under a summary when it holds
// more than inlineMax lines.
func (d *invDoc) commands(indent string, lines []string, what string) {
	if len(lines) <= inlineMax {
		d.codeBlock(indent, "sh", lines)
		return
	}
	d.line(indent + "<details><summary>" + strconv.Itoa(len(lines)) + " " + what + "</summary>")
	d.line("")
	d.codeBlock(indent, "sh", lines)
	d.line("")
	d.line(indent + "</details>")
}

// appLink links to an app's section.
func (d *invDoc) appLink(name string) string {
	if i, ok := d.index[name]; ok {
		return "[" + mdInline(name) + "](#" + d.anchor[i] + ")"
	}
	return mdInline(name)
}

// appLinks lists apps by index, the first nameListMax linked.
func (d *invDoc) appLinks(idx []int) string {
	names := make([]string, 0, min(len(idx), nameListMax))
	for j, i := range idx {
		if j == nameListMax {
			break
		}
		names = append(names, d.appLink(d.inv.Apps[i].Name))
	}
	return mdJoinMore(names, len(idx))
}

// mdJoinMore joins the shown items of all and says how many were left out.
func mdJoinMore(shown []string, all int) string {
	s := strings.Join(shown, ", ")
	if all > len(shown) {
		s += " and " + strconv.Itoa(all-len(shown)) + " more"
	}
	return s
}

// mdPlural renders a count with the singular or plural noun.
func mdPlural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// invShell quotes s for a POSIX shell when it needs it.
func invShell(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/:=@%+,-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

// mdMoney renders a cost line's amount for a table cell.
func mdMoney(l CostLine) string {
	switch l.Status {
	case CostUsageBased:
		return "usage-based"
	case CostNotEstimated:
		return "not estimated"
	}
	return mdInline(FormatCents(l.Cents))
}

// mdTotal renders a sum, marked † when some lines were not estimated.
func mdTotal(cents int64, unpriced int) string {
	s := mdInline(FormatCents(cents))
	if unpriced > 0 {
		s += " †"
	}
	return s
}

// ---- Title and intro ----

func (d *invDoc) intro() {
	d.line("# " + mdInline(d.title))
	d.line("")
	d.line("This file was generated by `terraform-provider-heroku2aws generate` from the Heroku Platform API. " +
		"It describes what each app runs (process types, add-ons, config vars, custom domains), where each piece lands on AWS, " +
		"what both sides cost a month, and how to cut over and roll back. " +
		"It lists config var names only, never their values. " +
		"Generating again from the same inventory gives the same file, so edits made here are lost.")
	d.line("")
	scope := mdPlural(len(d.inv.Apps), "app", "apps") + " chosen by name"
	if d.inv.Team != "" {
		scope = "team " + mdCode(d.inv.Team) + ", " + mdPlural(len(d.inv.Apps), "app", "apps")
	}
	d.line("- **Scope:** " + scope)
	region := mdCode(d.region)
	if d.inv.AWSRegion == "" {
		region += " (the default: no region was given)"
	}
	d.line("- **AWS region:** " + region)
	d.line("- **Environment:** " + mdCode(d.env) + ": config vars land in SSM Parameter Store under " + mdCode("/<app>/"+d.env+"/"))
	d.line("- **Beside this file:** `target/`, the AWS landing zone (hashicorp/aws), and `migration/`, the move itself (heroku2aws)")
	d.line("")
}

// ---- Summary ----

func (d *invDoc) summary() {
	if len(d.inv.Apps) == 0 {
		d.line("The inventory holds no apps.")
		d.line("")
		return
	}
	d.line("| App | Process types | Add-ons | Custom domains | Heroku \\$/month | AWS estimate \\$/month |")
	d.line("|---|---|---|---:|---:|---:|")
	marked := false
	for i := range d.inv.Apps {
		a := &d.inv.Apps[i]
		c := &d.cost.Apps[i]
		procs := make([]string, len(a.Processes))
		for j, p := range a.Processes {
			procs[j] = mdInline(p.Type) + " ×" + strconv.Itoa(p.Quantity)
		}
		addons := strconv.Itoa(len(a.AddOns))
		if n := len(a.NeedsDecision()); n > 0 {
			addons += " (" + strconv.Itoa(n) + " " + "needs a decision)"
		}
		marked = marked || c.HerokuUnpriced > 0 || c.AWSUnpriced > 0
		d.row(d.appLink(a.Name), strings.Join(procs, ", "), addons, strconv.Itoa(len(a.Domains)),
			mdTotal(c.HerokuCents, c.HerokuUnpriced), mdTotal(c.AWSCents, c.AWSUnpriced))
	}
	d.line("")
	note := "AWS figures are per app and leave out the landing zone's shared NAT gateway; see [Monthly cost comparison](#monthly-cost-comparison)."
	if marked {
		note = "† Some items of the app have no known price and are left out of the figure; its section lists them. " + note
	}
	d.line(note)
	d.line("")
}

// ---- Before you start ----

func (d *invDoc) hasPrework() bool {
	if d.domainCount > 0 || len(d.schedApps) > 0 {
		return true
	}
	for i := range d.inv.Apps {
		if len(invDecisions(&d.inv.Apps[i], d.region)) > 0 {
			return true
		}
	}
	return false
}

func (d *invDoc) prework() {
	d.line("Settle these before the cutover day; each app's section has the details.")
	d.line("")
	if d.domainCount > 0 {
		var hosts []string
		for i := range d.inv.Apps {
			for _, dom := range d.inv.Apps[i].Domains {
				if len(hosts) < nameListMax {
					hosts = append(hosts, mdCode(dom.Hostname))
				}
			}
		}
		d.line("- [ ] Lower the TTL of the existing DNS records of the " + mdPlural(d.domainCount, "custom domain", "custom domains") +
			" to " + strconv.Itoa(dnsTTLSeconds) + " seconds at least a day before the cutover, so that weight changes and rollbacks reach clients within a minute: " +
			mdJoinMore(hosts, d.domainCount) + ".")
	}
	for i := range d.inv.Apps {
		a := &d.inv.Apps[i]
		for _, dec := range invDecisions(a, d.region) {
			d.line("- [ ] " + d.appLink(a.Name) + ": " + dec.short)
		}
	}
	for _, i := range d.schedApps {
		d.line("- [ ] " + d.appLink(d.inv.Apps[i].Name) + ": write down the Heroku Scheduler jobs (command and frequency) from the dashboard; the Platform API does not expose them, and runbook step 6 moves them into the target's `scheduler_jobs` variable.")
	}
	d.line("")
}

// invDecision is something about an app that a person must decide or do by
// hand: short for the checklist, long for the app's section.
type invDecision struct{ short, long string }

// invDecisions lists what the generator could not map for an app: add-ons
// with no AWS equivalent, dynos larger than Fargate, contract-priced dynos,
// classic buildpacks, and a Heroku region far from the AWS region.
func invDecisions(a *App, awsRegion string) []invDecision {
	var out []invDecision
	for _, ad := range a.NeedsDecision() {
		what := mdCode(ad.Name) + " (" + mdCode(ad.Plan) + ")"
		vars := ""
		if len(ad.ConfigVars) > 0 {
			vars = " Its config vars (" + mdCodeList(ad.ConfigVars, false) + ") are add-on-owned, so the migration does not copy them: if you keep the vendor, put them into SSM by hand."
		}
		out = append(out, invDecision{
			short: "decide what replaces " + what + ": no AWS equivalent is known.",
			long:  what + " has no known AWS equivalent: keep the vendor, or replace it with an AWS service and add that to the target." + vars,
		})
	}
	for _, p := range a.Processes {
		if p.Fargate.CPU > 0 && !p.Fargate.Fits {
			what := "process type " + mdCode(p.Type) + " (" + mdInline(p.Size) + ")"
			out = append(out, invDecision{
				short: what + " is larger than the largest Fargate task.",
				long: what + " is larger than the largest Fargate task; the target gives it " + costFargateLabel(p.Fargate) +
					". Check that this is enough, or run it on ECS with EC2 capacity.",
			})
		}
		if size := strings.ToLower(p.Size); strings.HasPrefix(size, "private-") || strings.HasPrefix(size, "shield-") {
			what := "process type " + mdCode(p.Type) + " runs on " + mdInline(p.Size) + " dynos"
			out = append(out, invDecision{
				short: what + " (contract pricing): its Heroku cost is not estimated.",
				long:  what + ", sold under contract: its Heroku cost is not estimated. Shield apps may also carry compliance requirements (such as HIPAA or PCI) that the AWS side must meet.",
			})
		}
	}
	for _, bp := range a.Buildpacks {
		if !strings.HasPrefix(bp, "heroku/") {
			out = append(out, invDecision{
				short: "buildpack " + mdCode(bp) + " is a classic buildpack that `pack` cannot run.",
				long: "Buildpack " + mdCode(bp) + " is a classic Heroku buildpack: Cloud Native Buildpack builders such as `heroku/builder` cannot run it. " +
					"Port it to a Cloud Native Buildpack, or build the image from a Dockerfile.",
			})
		}
	}
	if aws, ok := herokuAWSRegion[strings.ToLower(a.HerokuRegion)]; ok && awsRegion != "" && aws != awsRegion {
		out = append(out, invDecision{
			short: "runs in Heroku's " + mdCode(a.HerokuRegion) + " region (AWS " + mdCode(aws) + "), the target is in " + mdCode(awsRegion) + ": check latency and data residency.",
			long: "The app runs in Heroku's " + mdCode(a.HerokuRegion) + " region, which is AWS " + mdCode(aws) + "; the target is in " + mdCode(awsRegion) +
				". Check the latency its users and its other services will see, and any data-residency requirement.",
		})
	}
	return out
}

// ---- Mapping ----

func (d *invDoc) mapping() {
	d.line("| Heroku | AWS | In this inventory |")
	d.line("|---|---|---|")
	releases := "none"
	if len(d.releaseApps) > 0 {
		releases = d.appLinks(d.releaseApps)
	}
	d.row("`web` process type", "ECS service on Fargate behind an Application Load Balancer", mdPlural(len(d.webApps), "app", "apps"))
	d.row("other process types (`worker`, …)", "ECS service on Fargate without a load balancer",
		mdPlural(d.otherProcs, "process type", "process types")+" in "+mdPlural(d.otherApps, "app", "apps"))
	d.row("release phase", "one-off ECS task run before each deploy", releases)
	d.row("Heroku Scheduler", "Amazon EventBridge Scheduler, starting one-off ECS tasks", mdPlural(len(d.schedApps), "app", "apps"))
	pg, redis := d.storeCounts()
	d.row("Heroku Postgres", "Amazon RDS for PostgreSQL", mdPlural(pg, "database", "databases"))
	d.row("Heroku Redis", "Amazon ElastiCache (Redis OSS)", mdPlural(redis, "instance", "instances"))
	d.row("config vars", "SSM Parameter Store, SecureString parameters under "+mdCodeCell("/<app>/"+d.env+"/"),
		mdPlural(d.userVarCount, "name", "names")+" set by people; "+strconv.Itoa(d.ownedVars)+" set by add-ons, which the AWS data stores replace")
	d.row("Logplex and log drains", "Amazon CloudWatch Logs", "every app")
	d.row("custom domains and ACM certificates", "Route 53 weighted records (Heroku ↔ AWS) and ACM certificates", mdPlural(d.domainCount, "domain", "domains"))

	// One row per other add-on service, with how many add-ons use it.
	type svc struct {
		aws   inventory.AWSEquivalent
		count int
	}
	services := map[string]*svc{}
	var names []string
	seen := map[string]bool{}
	for i := range d.inv.Apps {
		for _, ad := range d.inv.Apps[i].AddOns {
			switch ad.Service {
			case "heroku-postgresql", "heroku-redis", "scheduler":
				continue
			}
			if seen[ad.Name] {
				continue
			}
			seen[ad.Name] = true
			s := services[ad.Service]
			if s == nil {
				s = &svc{aws: ad.AWS}
				services[ad.Service] = s
				names = append(names, ad.Service)
			}
			s.count++
		}
	}
	sort.Strings(names)
	for _, n := range names {
		s := services[n]
		aws := "none known: **needs a decision**"
		if s.aws.Service != "" {
			aws = mdInline(s.aws.Service)
			if s.aws.ResourceType != "" {
				aws += " (" + mdCodeCell(s.aws.ResourceType) + ")"
			}
		}
		d.row(mdCodeCell(n)+" add-on", aws, mdPlural(s.count, "add-on", "add-ons"))
	}
	d.line("")
}

// ---- Diagram ----

func (d *invDoc) diagram() {
	text, shown := d.mermaid()
	n := len(d.inv.Apps)
	intro := "What the target builds, per app: Route 53 sends each custom domain to the app's load balancer, which serves the `web` service; " +
		"every process type is an ECS service; each data store is drawn once, with an edge from every service that uses it."
	if shown < n {
		intro += " The diagram shows the first " + strconv.Itoa(shown) + " of " + strconv.Itoa(n) + " apps by name (at most " +
			strconv.Itoa(diagramMaxApps) + " apps and " + strconv.Itoa(diagramMaxEdges) + " edges, so that GitHub can draw it); one node stands for the other " +
			strconv.Itoa(n-shown) + "."
	}
	d.line(intro)
	d.line("")
	d.b.WriteString(text)
	d.line("")
}

// mermaid renders the target as a Mermaid flowchart and says how many
// apps it shows.
func (d *invDoc) mermaid() (string, int) {
	ids := newMermaidIDs("clients", "dns", "ssm", "sched", "more")
	type appPart struct {
		nodes, edges []string
	}
	storeID := map[string]string{}
	var storeNodes []string
	var parts []appPart
	edges, anyDomain, anySched, anySSM := 0, false, false, false
	shown := 0
	for i := range d.inv.Apps {
		a := &d.inv.Apps[i]
		if shown == diagramMaxApps {
			break
		}
		// Count this app's edges first, to stay within the cap.
		var stores []inventory.AddOn
		for _, ad := range a.AddOns {
			if ad.Service == "heroku-postgresql" || ad.Service == "heroku-redis" {
				stores = append(stores, ad)
			}
		}
		svcCount := max(len(a.Processes), 1)
		need := svcCount * len(stores)
		if a.Web() != nil {
			need += 2
		}
		if len(a.UserConfigVars) > 0 {
			need++
		}
		if a.HasScheduler() {
			need++
		}
		if edges+need+2 > diagramMaxEdges {
			break
		}
		edges += need
		shown++

		var p appPart
		appID := ids.id("app", a.Ident)
		p.nodes = append(p.nodes, "  subgraph "+appID+" ["+mermaidLabel(a.Name)+"]")
		var svcIDs []string
		for _, proc := range a.Processes {
			id := ids.id("svc", a.Ident+"_"+proc.Ident)
			svcIDs = append(svcIDs, id)
			label := []string{proc.Type + " ×" + strconv.Itoa(proc.Quantity)}
			if proc.Fargate.CPU > 0 {
				label = append(label, costFargateLabel(proc.Fargate))
			}
			p.nodes = append(p.nodes, "    "+id+"["+mermaidLabel(label...)+"]")
		}
		if len(a.Processes) == 0 {
			id := ids.id("none", a.Ident)
			svcIDs = append(svcIDs, id)
			p.nodes = append(p.nodes, "    "+id+"["+mermaidLabel("no process types")+"]")
		}
		if web := a.Web(); web != nil {
			alb := ids.id("alb", a.Ident)
			p.nodes = append(p.nodes, "    "+alb+"["+mermaidLabel("Application Load Balancer")+"]")
			from := "clients"
			if len(a.Domains) > 0 {
				from, anyDomain = "dns", true
			}
			p.edges = append(p.edges, "  "+from+" --> "+alb)
			for j, proc := range a.Processes {
				if proc.Type == "web" {
					p.edges = append(p.edges, "  "+alb+" --> "+svcIDs[j])
				}
			}
		}
		if a.HasScheduler() {
			anySched = true
			jobs := ids.id("jobs", a.Ident)
			p.nodes = append(p.nodes, "    "+jobs+"["+mermaidLabel("scheduled tasks")+"]")
			p.edges = append(p.edges, "  sched -.-> "+jobs)
		}
		p.nodes = append(p.nodes, "  end")
		for _, ad := range stores {
			id, ok := storeID[ad.Name]
			if !ok {
				id = d.storeNode(ids, ad, &storeNodes)
				storeID[ad.Name] = id
			}
			for _, s := range svcIDs {
				p.edges = append(p.edges, "  "+s+" --> "+id)
			}
		}
		if len(a.UserConfigVars) > 0 {
			anySSM = true
			p.edges = append(p.edges, "  "+appID+" -.-> ssm")
		}
		parts = append(parts, p)
	}

	var b strings.Builder
	b.WriteString("```mermaid\nflowchart LR\n")
	b.WriteString("  clients((" + mermaidLabel("Clients") + "))\n")
	if anyDomain {
		b.WriteString("  dns[" + mermaidLabel("Route 53", "weighted records") + "]\n")
	}
	if anySSM {
		b.WriteString("  ssm[(" + mermaidLabel("SSM Parameter Store", "/<app>/"+d.env+"/") + ")]\n")
	}
	if anySched {
		b.WriteString("  sched([" + mermaidLabel("EventBridge Scheduler") + "])\n")
	}
	for _, n := range storeNodes {
		b.WriteString(n)
	}
	for _, p := range parts {
		for _, n := range p.nodes {
			b.WriteString(n + "\n")
		}
	}
	if more := len(d.inv.Apps) - shown; more > 0 {
		b.WriteString("  more[" + mermaidLabel("… and "+mdPlural(more, "more app", "more apps")) + "]\n")
	}
	if anyDomain {
		b.WriteString("  clients --> dns\n")
	}
	for _, p := range parts {
		for _, e := range p.edges {
			b.WriteString(e + "\n")
		}
	}
	if more := len(d.inv.Apps) - shown; more > 0 {
		b.WriteString("  clients -.-> more\n")
	}
	b.WriteString("```\n")
	return b.String(), shown
}

// storeNode declares the node of a Postgres or Redis add-on.
func (d *invDoc) storeNode(ids *mermaidIDs, ad inventory.AddOn, nodes *[]string) string {
	size := ad.AWS.InstanceClass
	if size == "" {
		size = "size to choose"
	}
	var id string
	var label []string
	if ad.Service == "heroku-postgresql" {
		id = ids.id("db", ad.Name)
		if ad.AWS.MultiAZ {
			size += ", Multi-AZ"
		}
		label = []string{"RDS for PostgreSQL", size, ad.Name}
	} else {
		id = ids.id("cache", ad.Name)
		if ad.AWS.MultiAZ {
			size += " ×2, Multi-AZ"
		}
		label = []string{"ElastiCache (Redis OSS)", size, ad.Name}
	}
	*nodes = append(*nodes, "  "+id+"[("+mermaidLabel(label...)+")]\n")
	return id
}

// ---- Costs ----

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

// ---- Runbook ----

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
	d.line("   Hand the target's outputs to the migration. The file holds database URLs; the generated `.gitignore` keeps `*.tfvars.json` out of git.")
	d.line("")
	d.codeBlock("   ", "sh", []string{"terraform -chdir=target output -json \\",
		"  | jq '{aws_targets: .aws_targets.value, database_target_urls: .database_target_urls.value}' \\",
		"  > migration/target.auto.tfvars.json"})
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

// runbookMigration is step 3 of the runbook: it copies the config vars and rehearses the database copy.
func (d *invDoc) runbookMigration() {
	apps := d.inv.Apps
	step3 := "3. **Copy the config vars.**"
	if len(d.dbApps) > 0 {
		step3 = "3. **Copy the config vars and rehearse the database copy.**"
	}
	d.line(step3 + " Write `migration/terraform.tfvars` with the run settings (later steps edit this file):")
	d.line("")
	vars := []string{"copy_databases = true", `database_run   = "rehearsal-1"`, "aws_weight     = 0"}
	if d.domainCount > 0 {
		vars = append(vars, d.zoneMap("dns_zone_ids")...)
	}
	d.tfvars("migration/terraform.tfvars", vars)
	d.line("")
	d.codeBlock("   ", "sh", []string{"terraform -chdir=migration init", "terraform -chdir=migration apply"})
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
	if len(d.dbApps) > 0 {
		d.line("   `terraform -chdir=migration output database_restores` shows how long each copy took: that, plus a margin, is the maintenance window. " +
			"Rehearse again by setting `database_run` to `\"rehearsal-2\"` and so on.")
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

// runbookWindow is step 6 of the runbook: it stops writes on Heroku and makes the final copy.
func (d *invDoc) runbookWindow() {
	apps := d.inv.Apps
	if len(d.dbApps) > 0 {
		d.line("6. **Maintenance window: the final copy.** Stop writes on Heroku: maintenance mode for the web apps that use a database, and every non-web process scaled to 0 (maintenance mode does not stop them).")
	} else {
		d.line("6. **Hand the background work over.** Scale every non-web process on Heroku to 0; their ECS services take over.")
	}
	d.line("")
	var stop []string
	for i := range apps {
		a := &apps[i]
		if len(a.Postgres()) > 0 && a.Web() != nil {
			stop = append(stop, "heroku maintenance:on -a "+invShell(a.Name))
		}
		if scale := invScaleArgs(a, true); scale != "" {
			stop = append(stop, "heroku ps:scale "+scale+" -a "+invShell(a.Name))
		}
	}
	if len(stop) > 0 {
		d.commands("   ", stop, "commands")
		d.line("")
	}
	if len(d.schedApps) > 0 {
		d.line("   Move the scheduled jobs of " + d.appLinks(d.schedApps) + ": note each Heroku Scheduler job, remove it (it would keep writing to the Heroku database), " +
			"put it into `scheduler_jobs` in `target/terraform.tfvars`, and run `terraform -chdir=target apply`: EventBridge Scheduler runs the jobs on AWS from now on.")
		d.line("")
	}
	if len(d.dbApps) > 0 {
		d.line("   Then set `database_run = \"cutover\"` in `migration/terraform.tfvars` and apply: it captures a last backup of each database, restores it into RDS and verifies every table.")
		d.line("")
		d.codeBlock("   ", "sh", []string{"terraform -chdir=migration apply"})
		d.line("")
		d.line("   Keep `database_run = \"cutover\"` from now on: any other value copies the databases again and overwrites what was written on RDS since.")
		if noDB := d.withoutDB(); len(noDB) > 0 {
			verb := " need"
			if len(noDB) == 1 {
				verb = " needs"
			}
			d.line("   " + d.appLinks(noDB) + verb + " no maintenance mode: no Heroku Postgres.")
		}
	} else {
		d.line("   No app uses Heroku Postgres: there is no database to copy, and no app needs maintenance mode.")
	}
	d.line("")
}

// runbookDNS is step 7 of the runbook: it moves traffic.
func (d *invDoc) runbookDNS() {
	apps := d.inv.Apps
	if d.domainCount == 0 {
		d.line("7. **Move traffic:** no app has a custom domain, so there is no DNS to shift. Clients that use a `herokuapp.com` name must be given the load balancer's name.")
	} else {
		var hosts []string
		for i := range apps {
			for _, dom := range apps[i].Domains {
				if len(hosts) < nameListMax {
					hosts = append(hosts, mdCode(dom.Hostname))
				}
			}
		}
		d.line("7. **Move traffic** with `aws_weight` in `migration/terraform.tfvars`: 10, then 50, then 100, applying after each change. " +
			"It applies to every custom domain at once (" + mdJoinMore(hosts, d.domainCount) + "); each apply changes both weighted records of a domain in one Route 53 batch.")
		d.line("")
		d.codeBlock("   ", "sh", []string{
			"terraform -chdir=migration apply   # aws_weight = 10",
			"terraform -chdir=migration apply   # aws_weight = 50",
			"terraform -chdir=migration apply   # aws_weight = 100",
		})
		d.line("")
		d.line("   Wait at least the TTL (" + strconv.Itoa(dnsTTLSeconds) + " s) and your own observation time between steps.")
		if len(d.maintApps) > 0 {
			d.line("   For an app in maintenance mode, the share of traffic still sent to Heroku sees the maintenance page (its Heroku database is now stale), so do not linger at 10 or 50.")
		}
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
	leave := "non-web processes at 0"
	if len(d.maintApps) > 0 {
		leave = "maintenance mode on, " + leave
	}
	d.line("8. **Watch** at 100 % for at least a day: " + strings.Join(watch, ", ") + ". Leave Heroku as it is (" + leave + ") so that rolling back stays quick.")
	d.line("")
}

// runbookDecommission is step 9 of the runbook: it removes Heroku.
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

// withoutDB lists the apps that use no Heroku Postgres.
func (d *invDoc) withoutDB() []int {
	var out []int
	j := 0
	for i := range d.inv.Apps {
		if j < len(d.dbApps) && d.dbApps[j] == i {
			j++
			continue
		}
		out = append(out, i)
	}
	return out
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

// invScaleArgs lists the non-web process types that run, as type=0 (stop)
// or type=<quantity> (restore); "" when there are none.
func invScaleArgs(a *App, stop bool) string {
	var args []string
	for _, p := range a.Processes {
		if p.Type == "web" || p.Quantity <= 0 {
			continue
		}
		n := "0"
		if !stop {
			n = strconv.Itoa(p.Quantity)
		}
		args = append(args, invShell(p.Type+"="+n))
	}
	return strings.Join(args, " ")
}

// invHCLString quotes s as an HCL string literal.
func invHCLString(s string) string {
	q := strconv.Quote(s)
	q = strings.ReplaceAll(q, "${", "$${")
	return strings.ReplaceAll(q, "%{", "%%{")
}

// ---- Rollback ----

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
		a := &apps[i]
		if len(a.Postgres()) > 0 && a.Web() != nil {
			reopen = append(reopen, "heroku maintenance:off -a "+invShell(a.Name))
		}
		if scale := invScaleArgs(a, false); scale != "" {
			rescale = append(rescale, "heroku ps:scale "+scale+" -a "+invShell(a.Name))
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

// ---- Per app ----

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

// mdOrDash renders an empty value as a dash.
func mdOrDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
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
