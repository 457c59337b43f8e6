package codegen

// This file renders DIR/INVENTORY.md: what every app runs, where each piece
// lands on AWS, the monthly cost on both sides, the cutover runbook and the
// rollback checklist. It is written from the Inventory alone (names, never
// values) and is byte-for-byte the same for the same inventory.
//
// This file holds the document and its assembly; each section is written by
// inventory_md_<section>.go (overview, diagram, costs, runbook, rollback,
// app).

import (
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

// invShell quotes s for a POSIX shell when it needs it.
func invShell(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/:=@%+,-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}
