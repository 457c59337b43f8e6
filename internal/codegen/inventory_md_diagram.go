package codegen

// This file writes the "Target architecture" section of INVENTORY.md: a
// Mermaid diagram of the apps, their data stores and the shared network.

import (
	"strconv"
	"strings"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
)

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
