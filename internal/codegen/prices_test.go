package codegen

import (
	"strings"
	"testing"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
)

// Every size the mapping tables can produce has a price, so the price table
// cannot drift from them.
func TestDefaultPricesCoverTheMappingTables(t *testing.T) {
	t.Parallel()
	p := DefaultPrices()
	for _, row := range inventory.PostgresPlanSizes {
		if _, ok := p.RDSPostgresHour[row.InstanceClass]; !ok {
			t.Errorf("no RDS price for %s (Heroku Postgres tier %q)", row.InstanceClass, row.Tier)
		}
	}
	for _, row := range inventory.RedisPlanSizes {
		if _, ok := p.ElastiCacheHour[row.InstanceClass]; !ok {
			t.Errorf("no ElastiCache price for %s (Heroku Redis tier %q)", row.InstanceClass, row.Tier)
		}
	}
	for _, s := range inventory.DynoSpecs {
		if _, ok := p.HerokuDynoMonth[s.Name]; !ok {
			t.Errorf("no Heroku list price for dyno size %s", s.Name)
		}
	}
	if p.Region == "" || p.AsOf == "" || p.Source == "" || p.HoursPerMonth != 730 {
		t.Errorf("the table must state its region, date, source and 730 hours: %+v", p)
	}
	// Each call returns its own maps.
	p.RDSPostgresHour["db.t4g.micro"] = 99
	if DefaultPrices().RDSPostgresHour["db.t4g.micro"] != 0.016 {
		t.Error("DefaultPrices shares its maps between calls")
	}
}

func TestFormatCents(t *testing.T) {
	t.Parallel()
	for in, want := range map[int64]string{
		0: "$0.00", 5: "$0.05", 100: "$1.00", 123456: "$1,234.56", 100000000: "$1,000,000.00",
		99999: "$999.99", -5: "-$0.05", -123456: "-$1,234.56",
	} {
		if got := FormatCents(in); got != want {
			t.Errorf("FormatCents(%d) = %q, want %q", in, got, want)
		}
	}
	if got := FormatCents(-1 << 63); !strings.HasPrefix(got, "-$92,233,720,368,547,758.") {
		t.Errorf("FormatCents(MinInt64) = %q", got)
	}
}

func TestFormatDollars(t *testing.T) {
	t.Parallel()
	for in, want := range map[float64]string{
		0.5: "$0.50", 0.04048: "$0.04048", 0.004445: "$0.004445", 0.0225: "$0.0225", 1500: "$1,500.00", 5: "$5.00",
	} {
		if got := FormatDollars(in); got != want {
			t.Errorf("FormatDollars(%v) = %q, want %q", in, got, want)
		}
	}
}

func appCost(t *testing.T, r CostReport, name string) AppCost {
	t.Helper()
	for _, a := range r.Apps {
		if a.App == name {
			return a
		}
	}
	t.Fatalf("no cost for app %s", name)
	return AppCost{}
}

func TestEstimateSample(t *testing.T) {
	t.Parallel()
	r := DefaultPrices().Estimate(sampleInventory())

	// acme-api by hand. Heroku: web Standard-2X × 2 = $100, worker
	// Standard-1X = $25, add-ons Postgres $50 + Redis $15 (+ two free ones).
	api := appCost(t, r, "acme-api")
	if want := int64(2*5000 + 2500 + 5000 + 1500); api.HerokuCents != want {
		t.Errorf("acme-api Heroku = %s, want %s", FormatCents(api.HerokuCents), FormatCents(want))
	}
	// AWS: web 2 × (1 vCPU, 2 GB) = 2 × 730 × (0.04048 + 2 × 0.004445) =
	// 72.0802; worker (0.5 vCPU, 1 GB) = 730 × (0.02024 + 0.004445) =
	// 18.02005; ALB 730 × (0.0225 + 0.008) = 22.265; RDS db.t4g.medium
	// 730 × 0.065 = 47.45 plus 20 GB × 0.115 = 2.30; Redis premium-0 is
	// Multi-AZ: 2 × 730 × 0.016 = 23.36. Each line rounds half up.
	if want := int64(7208 + 1802 + 2227 + 4745 + 230 + 2336); api.AWSCents != want {
		t.Errorf("acme-api AWS = %s, want %s; lines %+v", FormatCents(api.AWSCents), FormatCents(want), api.AWS)
	}
	if api.AWSUnpriced != 0 {
		t.Errorf("acme-api has %d unpriced AWS lines; Scheduler and logs are usage-based, not unknown", api.AWSUnpriced)
	}

	// The shared database is billed to its owner only.
	worker := appCost(t, r, "acme-worker")
	if worker.HerokuCents != 2500 {
		t.Errorf("acme-worker Heroku = %s, want $25.00 (the shared Postgres is billed to acme-api)", FormatCents(worker.HerokuCents))
	}
	if worker.AWSCents != 1802 {
		t.Errorf("acme-worker AWS = %s, want $18.02 (the shared RDS is counted in acme-api)", FormatCents(worker.AWSCents))
	}

	// Unmapped add-ons are listed, not counted as zero.
	search := appCost(t, r, "acme-search")
	if search.AWSUnpriced != 2 {
		t.Errorf("acme-search: %d AWS lines not estimated, want 2 (bonsai, quotaguard): %+v", search.AWSUnpriced, search.AWS)
	}
	found := false
	for _, l := range search.AWS {
		if strings.Contains(l.Item, "quotaguard-44444") {
			found = l.Status == CostNotEstimated && l.Cents == 0
		}
	}
	if !found {
		t.Errorf("quotaguard-44444 is not listed as not estimated: %+v", search.AWS)
	}
	// premium-4: db.r6g.xlarge Multi-AZ = 2 × 730 × 0.45 = 657.00, storage
	// 2 × 2.30; 3 × (8 vCPU, 16 GB) = 3 × 730 × (0.32384 + 0.07112).
	if want := int64(65700 + 460 + 86496 + 2227); search.AWSCents != want {
		t.Errorf("acme-search AWS = %s, want %s", FormatCents(search.AWSCents), FormatCents(want))
	}

	// eco counts $5 once per app.
	old := appCost(t, r, "9lives.old-site")
	if want := int64(500 + 25000); old.HerokuCents != want {
		t.Errorf("9lives.old-site Heroku = %s, want %s", FormatCents(old.HerokuCents), FormatCents(want))
	}

	// The NAT gateway once, in the total.
	nat := 0
	var sum int64
	for _, a := range r.Apps {
		sum += a.AWSCents
	}
	for _, l := range r.Shared {
		if strings.Contains(l.Item, "NAT") {
			nat++
			if l.Cents != 3285 {
				t.Errorf("NAT gateway = %s, want $32.85", FormatCents(l.Cents))
			}
		}
	}
	if nat != 1 || r.AWSCents != sum+3285 {
		t.Errorf("%d NAT lines; AWS total %s, apps %s", nat, FormatCents(r.AWSCents), FormatCents(sum))
	}
	if r.HerokuCents != 19000+2500+25500+231900 {
		t.Errorf("Heroku total = %s", FormatCents(r.HerokuCents))
	}
}

func TestEstimateOddInput(t *testing.T) {
	t.Parallel()
	p := DefaultPrices()
	if r := p.Estimate(nil); len(r.Apps) != 0 || r.AWSCents != 0 || r.Region != "us-east-1" {
		t.Errorf("nil inventory: %+v", r)
	}
	if r := p.Estimate(&Inventory{}); len(r.Shared) != 0 || r.AWSCents != 0 {
		t.Errorf("empty inventory: %+v", r)
	}

	spec, _ := inventory.LookupDynoSpec("private-m")
	eco, _ := inventory.LookupDynoSpec("eco")
	shared := inventory.AddOn{Name: "pg-shared", App: "elsewhere", Service: "heroku-postgresql", Plan: "heroku-postgresql:standard-2",
		BilledPriceCents: 20000, AWS: inventory.SuggestAWS("heroku-postgresql", "heroku-postgresql:standard-2"),
		Attachments: []inventory.Attachment{{App: "zeta", Name: "DATABASE"}, {App: "beta", Name: "DATABASE"}}}
	inv := &Inventory{Apps: []App{
		{Name: "empty"},
		{Name: "zeta", Processes: []Process{
			{Process: inventory.Process{Type: "web", Quantity: 2, Size: "Private-M", Fargate: spec.Fargate()}},
			{Process: inventory.Process{Type: "odd", Quantity: -3, Size: "Mystery-9"}},
			{Process: inventory.Process{Type: "clock", Quantity: 1, Size: "eco", Fargate: eco.Fargate()}},
			{Process: inventory.Process{Type: "tick", Quantity: 1, Size: "ECO", Fargate: eco.Fargate()}},
		}, AddOns: []inventory.AddOn{shared}},
		{Name: "beta", AddOns: []inventory.AddOn{shared}},
	}}
	inv.AssignIdents()
	r := p.Estimate(inv)
	if e := appCost(t, r, "empty"); e.HerokuCents != 0 || e.AWSCents != 0 || len(e.Heroku)+len(e.AWS) != 0 {
		t.Errorf("empty app: %+v", e)
	}
	// The owner is not in the inventory: the first attached app by name pays.
	if b := appCost(t, r, "beta"); b.HerokuCents != 20000 {
		t.Errorf("beta should carry the shared add-on: %+v", b)
	}
	z := appCost(t, r, "zeta")
	if z.HerokuCents != 500 {
		t.Errorf("zeta Heroku = %s, want $5.00 (one eco pool; Private-M and Mystery-9 unknown): %+v", FormatCents(z.HerokuCents), z.Heroku)
	}
	if z.HerokuUnpriced != 2 {
		t.Errorf("zeta: %d Heroku lines not estimated, want 2: %+v", z.HerokuUnpriced, z.Heroku)
	}
	if z.AWSUnpriced != 1 { // Mystery-9 has no Fargate size
		t.Errorf("zeta: %d AWS lines not estimated, want 1: %+v", z.AWSUnpriced, z.AWS)
	}
	for _, l := range z.Heroku {
		if strings.HasPrefix(l.Item, "web") && (l.Status != CostNotEstimated || l.Note != "contract pricing") {
			t.Errorf("Private-M should be contract-priced: %+v", l)
		}
	}
}
