package codegen

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
)

func TestInventoryMarkdownGolden(t *testing.T) {
	t.Parallel()
	got := InventoryMarkdown(sampleInventory(), DefaultPrices())
	assertGolden(t, filepath.Join("testdata", "golden", "INVENTORY.sample.md"), got)
}

// appSection returns the "## name" section of an INVENTORY.md.
func appSection(t *testing.T, md, name string) string {
	t.Helper()
	start := strings.Index(md, "\n## "+mdInline(name)+"\n")
	if start < 0 {
		t.Fatalf("no section for app %s", name)
	}
	rest := md[start+1:]
	if end := strings.Index(rest[3:], "\n## "); end >= 0 {
		return rest[:end+4]
	}
	return rest
}

// subsection returns the "### title" part of an app section, "" if none.
func subsection(section, title string) string {
	start := strings.Index(section, "\n### "+title+"\n")
	if start < 0 {
		return ""
	}
	rest := section[start+1:]
	if end := strings.Index(rest[4:], "\n### "); end >= 0 {
		return rest[:end+5]
	}
	return rest
}

func TestInventoryMarkdownContent(t *testing.T) {
	t.Parallel()
	md := string(InventoryMarkdown(sampleInventory(), DefaultPrices()))

	api := appSection(t, md, "acme-api")
	vars := subsection(api, "Config vars")
	user, owned, ok := strings.Cut(vars, "**Add-on-owned**")
	if !ok {
		t.Fatalf("acme-api config vars have no add-on-owned part:\n%s", vars)
	}
	if !strings.Contains(user, "`SECRET_KEY_BASE`") || strings.Contains(owned, "SECRET_KEY_BASE") {
		t.Errorf("SECRET_KEY_BASE should be listed under user-set only:\n%s", vars)
	}
	if !strings.Contains(owned, "`DATABASE_URL`") || strings.Contains(user, "DATABASE_URL") {
		t.Errorf("DATABASE_URL should be listed under add-on-owned only:\n%s", vars)
	}
	if !strings.Contains(user, "`/acme-api/prod/NAME`") {
		t.Errorf("the user-set vars should name their SSM path:\n%s", user)
	}

	search := appSection(t, md, "acme-search")
	if dec := subsection(search, "Needs a decision"); !strings.Contains(dec, "`quotaguard-44444`") {
		t.Errorf("acme-search needs a decision on quotaguard-44444:\n%s", search)
	}
	if !strings.Contains(md, "[acme-search](#acme-search): decide what replaces `quotaguard-44444`") {
		t.Error("the checklist before the cutover does not list quotaguard-44444")
	}

	const schedNote = "Scheduler jobs must be copied by hand"
	for _, app := range []string{"acme-api", "acme-worker", "acme-search", "9lives.old-site"} {
		has := strings.Contains(appSection(t, md, app), schedNote)
		if has != (app == "acme-api") {
			t.Errorf("%s: scheduler note present = %v, want it for acme-api only", app, has)
		}
	}
	if !strings.Contains(subsection(api, "Needs a decision"), "`scheduler_jobs`") {
		t.Error("the scheduler note should name the target's scheduler_jobs variable")
	}

	// The shared Postgres ($50.00) is billed once, to acme-api.
	apiCost := subsection(api, "Monthly cost")
	if !strings.Contains(apiCost, "| Heroku | postgresql-curved-12345 (heroku-postgresql:standard-0) | \\$50.00 | billed price |") {
		t.Errorf("acme-api should carry the shared Postgres at $50.00:\n%s", apiCost)
	}
	worker := appSection(t, md, "acme-worker")
	if !strings.Contains(subsection(worker, "Add-ons"), "billed to [acme-api](#acme-api)") ||
		!strings.Contains(worker, "**Monthly cost:** Heroku \\$25.00,") {
		t.Errorf("acme-worker should not pay for the shared Postgres:\n%s", worker)
	}
	if strings.Contains(worker, "\\$50.00") {
		t.Errorf("acme-worker shows the shared Postgres price:\n%s", worker)
	}

	// acme-api by hand: web Standard-2X × 2 = $100, worker Standard-1X =
	// $25, add-ons 50 + 15 = $65: $190.00 a month.
	for _, want := range []string{
		"**Monthly cost:** Heroku \\$190.00,",
		"| Heroku | web: 2 × Standard-2X | \\$100.00 |",
		"| Heroku | worker: 1 × Standard-1X | \\$25.00 |",
		"| Heroku | redis-rugged-67890 (heroku-redis:premium-0) | \\$15.00 |",
		"| **Heroku** | **total** | **\\$190.00** |",
	} {
		if !strings.Contains(api, want) {
			t.Errorf("acme-api section lacks %q", want)
		}
	}
	if !strings.Contains(md, "| [acme-api](#acme-api) | web ×2, worker ×1 | 4 | 2 | \\$190.00 |") {
		t.Error("the summary row of acme-api is wrong")
	}

	if !strings.Contains(api, "- **Release phase:** `npm run migrate`") {
		t.Errorf("acme-api's release command is missing:\n%s", api)
	}
	if !strings.Contains(appSection(t, md, "acme-worker"), "- **Release phase:** none") {
		t.Error("acme-worker should say it has no release phase")
	}

	for _, want := range []string{
		"AWS figures are on-demand list prices for `us-east-1` as of 2026-11-01 from the table shipped in `internal/codegen`",
		"**verify before budgeting**",
		"| Shared: NAT gateway | — | \\$32.85 |",
		"[acme-api](#acme-api) maintenance mode on, `worker` scaled to 0, `DATABASE` made read-only",
		"[acme-worker](#acme-worker) maintenance mode on, `worker` scaled to 0",
		"set `phase = \"cutover\"`",
		"set `phase = \"rollback\"`",
		"heroku ps:scale worker=1 -a acme-worker",
		"terraform -chdir=target apply",
		"terraform -chdir=migration apply",
		"| `quotaguardstatic` add-on | none known: **needs a decision** | 1 add-on |",
		"| `bonsai` add-on | Amazon OpenSearch Service (`aws_opensearch_domain`) | 1 add-on |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("INVENTORY.md lacks %q", want)
		}
	}
	if strings.Contains(md, "actual prices in") {
		t.Error("the region note should only appear when the regions differ")
	}
	checkMermaid(t, md)
	checkAnchors(t, md)
	checkTables(t, md)
}

var mermaidID = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// checkMermaid asserts there is one Mermaid block whose node ids are
// [A-Za-z0-9_] only, whose labels are all quoted, and whose edges join
// declared nodes.
func checkMermaid(t *testing.T, md string) (nodes, subgraphs int) {
	t.Helper()
	_, rest, ok := strings.Cut(md, "```mermaid\n")
	if !ok {
		t.Fatal("no mermaid block")
	}
	block, _, ok := strings.Cut(rest, "\n```\n")
	if !ok {
		t.Fatal("unterminated mermaid block")
	}
	quoted := regexp.MustCompile(`"[^"]*"`)
	declared := map[string]bool{}
	var edges [][2]string
	lines := strings.Split(block, "\n")
	if lines[0] != "flowchart LR" {
		t.Errorf("the diagram starts with %q", lines[0])
	}
	for _, raw := range lines[1:] {
		l := strings.TrimSpace(quoted.ReplaceAllString(raw, "L"))
		switch {
		case l == "end":
		case strings.HasPrefix(l, "subgraph "):
			f := strings.Fields(l)
			if len(f) != 3 || f[2] != "[L]" {
				t.Errorf("subgraph line %q", raw)
			}
			declared[f[1]] = true
			subgraphs++
		case strings.Contains(l, " --> ") || strings.Contains(l, " -.-> "):
			f := strings.Fields(l)
			if len(f) != 3 {
				t.Errorf("edge line %q", raw)
				continue
			}
			edges = append(edges, [2]string{f[0], f[2]})
		default:
			i := strings.IndexAny(l, "[(")
			if i <= 0 {
				t.Errorf("unexpected diagram line %q", raw)
				continue
			}
			id, shape := l[:i], l[i:]
			switch shape {
			case "[L]", "((L))", "[(L)]", "([L])":
			default:
				t.Errorf("node %s has an unquoted label or an odd shape: %q", id, raw)
			}
			declared[id] = true
			nodes++
		}
	}
	for id := range declared {
		if !mermaidID.MatchString(id) {
			t.Errorf("mermaid id %q is not [A-Za-z0-9_]+", id)
		}
	}
	for _, e := range edges {
		for _, id := range e {
			if !declared[id] {
				t.Errorf("edge %s → %s uses an undeclared node %s", e[0], e[1], id)
			}
		}
	}
	return nodes, subgraphs
}

// checkAnchors asserts every in-page link points at a heading, with
// anchors computed the way GitHub does.
func checkAnchors(t *testing.T, md string) {
	t.Helper()
	s := newHeadingSlugger()
	anchors := map[string]bool{}
	inCode := false
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			inCode = !inCode
			continue
		}
		if inCode {
			continue
		}
		if h := strings.TrimLeft(l, "#"); len(h) < len(l) && strings.HasPrefix(h, " ") {
			text := strings.NewReplacer("\\", "", "`", "").Replace(strings.TrimSpace(h))
			anchors[s.add(text)] = true
		}
	}
	for _, m := range regexp.MustCompile(`\]\(#([^)]*)\)`).FindAllStringSubmatch(md, -1) {
		if !anchors[m[1]] {
			t.Errorf("link to #%s matches no heading", m[1])
		}
	}
}

// checkTables asserts every table row has as many cells as its header.
func checkTables(t *testing.T, md string) {
	t.Helper()
	cells := func(row string) int {
		row = strings.ReplaceAll(row, "\\|", "")
		return strings.Count(row, "|") - 1
	}
	want := -1
	for _, l := range strings.Split(md, "\n") {
		if !strings.HasPrefix(l, "|") {
			want = -1
			continue
		}
		if want < 0 {
			want = cells(l)
			continue
		}
		if got := cells(l); got != want {
			t.Errorf("table row has %d cells, header %d: %s", got, want, l)
		}
	}
}

func TestInventoryMarkdownDeterministic(t *testing.T) {
	t.Parallel()
	a := InventoryMarkdown(sampleInventory(), DefaultPrices())
	for range 5 {
		if b := InventoryMarkdown(sampleInventory(), DefaultPrices()); !bytes.Equal(a, b) {
			t.Fatal("two renderings of the same inventory differ")
		}
	}
}

func TestInventoryMarkdownRegionDiffers(t *testing.T) {
	t.Parallel()
	inv := sampleInventory()
	inv.AWSRegion = "eu-west-1"
	md := string(InventoryMarkdown(inv, DefaultPrices()))
	if !strings.Contains(md, "the estimate uses `us-east-1` prices: actual prices in `eu-west-1` differ") {
		t.Error("no note that the prices are for another region")
	}
	// 9lives.old-site runs in Heroku eu (eu-west-1): no region warning now,
	// but the us apps get one.
	if strings.Contains(appSection(t, md, "9lives.old-site"), "Heroku's `eu` region") {
		t.Error("9lives.old-site is already in eu-west-1")
	}
	if !strings.Contains(appSection(t, md, "acme-api"), "Heroku's `us` region") {
		t.Error("acme-api moves from us-east-1 to eu-west-1 and should say so")
	}
}

// Odd input renders without panicking: nil, empty, and apps with nothing.
func TestInventoryMarkdownOddInput(t *testing.T) {
	t.Parallel()
	for _, inv := range []*Inventory{nil, {}} {
		md := string(InventoryMarkdown(inv, DefaultPrices()))
		if !strings.Contains(md, "The inventory holds no apps.") {
			t.Errorf("empty inventory:\n%s", md)
		}
		checkMermaid(t, md)
	}
	inv := &Inventory{Apps: []App{
		{Name: "bare"},
		{Name: "summary"}, // collides with the Summary heading's anchor
		{Name: "pipes", Processes: []Process{{Process: inventory.Process{Type: "web", Command: "a | b `c` \n d", Quantity: 1, Size: "Shield-L"}}},
			Domains: []inventory.Domain{{Hostname: "*.pipes.example", CNAME: "x.herokudns.com"}}},
		{Name: "huge", Processes: []Process{{Process: inventory.Process{Type: "web", Quantity: 1, Size: "performance-2XL",
			Fargate: inventory.DynoSpec{MemoryGB: 126, VCPU: 16}.Fargate()}}}},
	}}
	inv.AssignIdents()
	md := string(InventoryMarkdown(inv, PriceTable{}))
	for _, want := range []string{
		"## bare\n", "[summary](#summary-1)", "``a \\| b `c`   d``", "**does not fit Fargate**",
		"Shield-L dynos", "None: the app has no formation",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("INVENTORY.md lacks %q", want)
		}
	}
	if strings.Contains(md, "--connect-to '*.pipes.example") {
		t.Error("a wildcard domain cannot be smoke-tested with curl")
	}
	checkMermaid(t, md)
	checkAnchors(t, md)
	checkTables(t, md)
}

func TestMarkdownEscaping(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"plain":       "plain",
		"a|b":         `a\|b`,
		"*x* _y_ $5":  `\*x\* \_y\_ \$5`,
		"<b>&amp;":    `\<b\>\&amp;`,
		"two\nlines":  "two lines",
		"[l](u) `c`":  "\\[l\\](u) \\`c\\`",
		`back\slash`:  `back\\slash`,
		"~strike~ ok": `\~strike\~ ok`,
	} {
		if got := mdInline(in); got != want {
			t.Errorf("mdInline(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"npm start":  "`npm start`",
		"a `b` c":    "``a `b` c``",
		"`x`":        "`` `x` ``",
		"a|b":        "`a|b`",
		"x\ny":       "`x y`",
		"":           "",
		" padded ":   "`  padded  `",
		"``double``": "``` ``double`` ```",
	} {
		if got := mdCode(in); got != want {
			t.Errorf("mdCode(%q) = %q, want %q", in, got, want)
		}
	}
	if got := mdCodeCell("a|b"); got != "`a\\|b`" {
		t.Errorf("mdCodeCell = %q", got)
	}
	if got := mermaidLabel(`say "hi"; <b>#1`, "x`y"); got != `"say #quot;hi#quot;#59; #lt;b#gt;#35;1<br/>x#96;y"` {
		t.Errorf("mermaidLabel = %s", got)
	}
	ids := newMermaidIDs("more")
	for _, c := range [][3]string{{"app", "acme-api", "app_acme_api"}, {"app", "acme_api", "app_acme_api_2"}, {"svc", "naïve.app", "svc_na_ve_app"}} {
		if got := ids.id(c[0], c[1]); got != c[2] || !mermaidID.MatchString(got) {
			t.Errorf("id(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
	s := newHeadingSlugger()
	for _, c := range [][2]string{{"Summary", "summary"}, {"summary", "summary-1"}, {"9lives.old-site", "9livesold-site"}, {"Heroku → AWS mapping", "heroku--aws-mapping"}, {"Summary", "summary-2"}} {
		if got := s.add(c[0]); got != c[1] {
			t.Errorf("slug(%q) = %q, want %q", c[0], got, c[1])
		}
	}
}

// bigInventory builds n apps: web and worker processes, a Postgres shared
// by every ten apps, Redis, a domain each and a few odd add-ons.
func bigInventory(n int) *Inventory {
	inv := &Inventory{Team: "big", AWSRegion: "us-east-1", Environment: "prod"}
	std1, _ := inventory.LookupDynoSpec("standard-1X")
	std2, _ := inventory.LookupDynoSpec("standard-2X")
	for i := range n {
		name := fmt.Sprintf("app-%04d", i)
		owner := fmt.Sprintf("app-%04d", i-i%10)
		pg := inventory.AddOn{Name: fmt.Sprintf("postgresql-%04d", i-i%10), App: owner, Service: "heroku-postgresql",
			Plan: "heroku-postgresql:standard-0", BilledPriceCents: 5000, ConfigVars: []string{"DATABASE_URL"},
			Attachments: []inventory.Attachment{{App: name, Name: "DATABASE"}},
			AWS:         inventory.SuggestAWS("heroku-postgresql", "heroku-postgresql:standard-0")}
		a := App{
			Name: name, HerokuRegion: "us", Stack: "heroku-24", Team: "big", CurrentRelease: i + 1,
			Processes: []Process{
				{Process: inventory.Process{Type: "web", Command: "bin/web", Quantity: 2, Size: "standard-2X", Fargate: std2.Fargate()}},
				{Process: inventory.Process{Type: "worker", Command: "bin/work", Quantity: 1, Size: "standard-1X", Fargate: std1.Fargate()}},
			},
			AddOns: []inventory.AddOn{pg, {Name: fmt.Sprintf("redis-%04d", i), App: name, Service: "heroku-redis", Plan: "heroku-redis:premium-0",
				BilledPriceCents: 1500, ConfigVars: []string{"REDIS_URL"}, AWS: inventory.SuggestAWS("heroku-redis", "heroku-redis:premium-0")}},
			UserConfigVars:  []string{"NODE_ENV", "SECRET_KEY_BASE"},
			AddOnConfigVars: []string{"DATABASE_URL", "REDIS_URL"},
			Domains:         []inventory.Domain{{Hostname: name + ".example.com", CNAME: name + ".herokudns.com", Status: "succeeded"}},
			Buildpacks:      []string{"heroku/nodejs"},
			ReleaseCommand:  "bin/migrate",
		}
		if i%100 == 0 {
			a.AddOns = append(a.AddOns, inventory.AddOn{Name: fmt.Sprintf("mystery-%04d", i), App: name, Service: "mystery", Plan: "mystery:big"},
				inventory.AddOn{Name: fmt.Sprintf("scheduler-%04d", i), App: name, Service: "scheduler", Plan: "scheduler:standard",
					AWS: inventory.SuggestAWS("scheduler", "scheduler:standard")})
		}
		inv.Apps = append(inv.Apps, a)
	}
	inv.AssignIdents()
	return inv
}

func TestInventoryMarkdown1500Apps(t *testing.T) {
	t.Parallel()
	inv := bigInventory(1500)
	start := time.Now()
	out := InventoryMarkdown(inv, DefaultPrices())
	elapsed := time.Since(start)
	// Logged, not asserted: timings belong to make bench.
	t.Logf("1,500 apps: %d bytes in %v", len(out), elapsed)
	md := string(out)
	headings := map[string]bool{}
	for _, l := range strings.Split(md, "\n") {
		if name, ok := strings.CutPrefix(l, "## "); ok {
			headings[name] = true
		}
	}
	for i := range inv.Apps {
		if !headings[inv.Apps[i].Name] {
			t.Fatalf("no section for %s", inv.Apps[i].Name)
		}
	}
	_, subgraphs := checkMermaid(t, md)
	if subgraphs > diagramMaxApps {
		t.Errorf("the diagram draws %d apps, more than the cap %d", subgraphs, diagramMaxApps)
	}
	if !strings.Contains(md, fmt.Sprintf("The diagram shows the first %d of 1500 apps by name", subgraphs)) ||
		!strings.Contains(md, fmt.Sprintf("… and %d more apps", 1500-subgraphs)) {
		t.Error("the diagram cap is not stated")
	}
	// 150 shared databases, each billed once: 1500 × (2 × $50 + $25 + $15)
	// + 150 × $50.
	if want := "| **Total** | **" + mdInline(FormatCents(1500*(10000+2500+1500)+150*5000)) + "** |"; !strings.Contains(md, want) {
		t.Errorf("the Heroku total is wrong; want %q", want)
	}
	if !strings.Contains(md, "<details><summary>") {
		t.Error("long command lists should be collapsed")
	}
	checkAnchors(t, md)
	checkTables(t, md)
	if !bytes.Equal(out, InventoryMarkdown(bigInventory(1500), DefaultPrices())) {
		t.Error("two renderings of the big inventory differ")
	}
}

func BenchmarkInventoryMarkdown1500(b *testing.B) {
	inv := bigInventory(1500)
	p := DefaultPrices()
	for b.Loop() {
		InventoryMarkdown(inv, p)
	}
}
