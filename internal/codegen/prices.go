package codegen

// This file holds the price table shipped with the generator and the
// monthly cost estimate that INVENTORY.md shows. Money is computed in
// integer micro-dollars and rounded once per line to cents, so the same
// inventory always gives the same figures.

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
)

// PriceTable is a dated snapshot of the list prices the cost estimate uses:
// AWS on-demand prices for one region and Heroku dyno list prices. The
// figures are approximate; verify them before budgeting.
type PriceTable struct {
	// Region is the AWS region the AWS prices are for ("us-east-1").
	Region string
	// AsOf is the date the figures were read, as YYYY-MM-DD.
	AsOf string
	// Source says where the AWS figures come from.
	Source string
	// HerokuSource says where the Heroku dyno figures come from.
	HerokuSource string
	// HoursPerMonth turns hourly prices into monthly ones (730 = 8,760 / 12).
	HoursPerMonth int

	// FargateVCPUHour and FargateGBHour are the Linux/x86 Fargate prices
	// per vCPU-hour and per GB of memory per hour.
	FargateVCPUHour, FargateGBHour float64
	// RDSPostgresHour is the Single-AZ hourly price of RDS for PostgreSQL
	// per instance class; Multi-AZ costs twice as much.
	RDSPostgresHour map[string]float64
	// RDSStorageGBMonth is the Single-AZ gp3 storage price per GB-month;
	// Multi-AZ storage costs twice as much.
	RDSStorageGBMonth float64
	// RDSStorageGB is the storage assumed for every database, in GB.
	RDSStorageGB int
	// ElastiCacheHour is the hourly price of one ElastiCache (Redis OSS)
	// node per node type.
	ElastiCacheHour map[string]float64
	// ALBHour is the hourly price of an Application Load Balancer and
	// ALBLCUHour the price of one LCU-hour; ALBLCUs is the LCU count
	// assumed for every load balancer.
	ALBHour, ALBLCUHour float64
	ALBLCUs             int
	// NATGatewayHour is the hourly price of a NAT gateway. The landing zone
	// has one, shared by all apps.
	NATGatewayHour float64
	// CloudWatchLogsGB is the price per GB of logs ingested. The volume is
	// not estimated.
	CloudWatchLogsGB float64

	// HerokuDynoMonth is the monthly list price of one dyno per dyno size,
	// keyed as inventory.DynoSpecs spells the sizes (matched ignoring case).
	HerokuDynoMonth map[string]float64
	// HerokuPoolSizes are sizes priced per account rather than per dyno
	// (eco: a pool of hours for every eco app). The estimate charges their
	// price once per app that runs any of them.
	HerokuPoolSizes []string
	// HerokuContractPrefixes mark dyno sizes sold under contract (Private
	// and Shield Spaces); they have no list price and are not estimated.
	HerokuContractPrefixes []string
}

// DefaultPrices returns the price table shipped with the generator:
// approximate on-demand list prices for us-east-1 and Heroku's dyno list
// prices, read on the date in AsOf. Each call returns fresh maps, so
// callers may change them.
func DefaultPrices() PriceTable {
	return PriceTable{
		Region:        "us-east-1",
		AsOf:          "2026-11-01",
		Source:        "AWS public on-demand price list, Linux, us-east-1",
		HerokuSource:  "Heroku dyno list prices (heroku.com/pricing); add-ons at the price the Platform API reports as billed",
		HoursPerMonth: 730,

		FargateVCPUHour: 0.04048,
		FargateGBHour:   0.004445,
		RDSPostgresHour: map[string]float64{
			"db.t4g.micro":    0.016,
			"db.t4g.small":    0.032,
			"db.t4g.medium":   0.065,
			"db.m6g.large":    0.152,
			"db.r6g.large":    0.225,
			"db.r6g.xlarge":   0.45,
			"db.r6g.2xlarge":  0.899,
			"db.r6g.4xlarge":  1.798,
			"db.r6g.8xlarge":  3.597,
			"db.r6g.16xlarge": 7.194,
			"db.x2g.12xlarge": 6.006,
		},
		RDSStorageGBMonth: 0.115,
		RDSStorageGB:      20,
		ElastiCacheHour: map[string]float64{
			"cache.t4g.micro":   0.016,
			"cache.t4g.small":   0.032,
			"cache.t4g.medium":  0.065,
			"cache.r7g.large":   0.219,
			"cache.r7g.xlarge":  0.437,
			"cache.r7g.2xlarge": 0.873,
			"cache.r7g.4xlarge": 1.747,
		},
		ALBHour:          0.0225,
		ALBLCUHour:       0.008,
		ALBLCUs:          1,
		NATGatewayHour:   0.045,
		CloudWatchLogsGB: 0.50,

		HerokuDynoMonth: map[string]float64{
			"eco":               5,
			"basic":             7,
			"standard-1X":       25,
			"standard-2X":       50,
			"performance-M":     250,
			"performance-L":     500,
			"performance-L-RAM": 500,
			"performance-XL":    750,
			"performance-2XL":   1500,
		},
		HerokuPoolSizes:        []string{"eco"},
		HerokuContractPrefixes: []string{"private-", "shield-"},
	}
}

// CostStatus says whether a cost line is counted in the totals.
type CostStatus int

const (
	// CostPriced lines have a monthly amount that the totals include.
	CostPriced CostStatus = iota
	// CostUsageBased lines depend on usage the inventory cannot know (log
	// volume, scheduled invocations); they are listed, not counted.
	CostUsageBased
	// CostNotEstimated lines have no known price (contract-priced dynos,
	// add-ons without a priced AWS equivalent); they are listed, not
	// counted.
	CostNotEstimated
)

// CostLine is one item of a monthly cost estimate.
type CostLine struct {
	// Item says what is priced, e.g. "web: 2 × Standard-2X".
	Item string
	// Cents is the monthly amount; 0 unless Status is CostPriced.
	Cents int64
	// Status says whether the line is counted.
	Status CostStatus
	// Note explains the figure or why there is none; may be empty.
	Note string
}

// AppCost is one app's monthly cost on Heroku and estimate on AWS.
type AppCost struct {
	// App is the app's name.
	App string
	// Heroku and AWS are the lines of each side, processes first.
	Heroku, AWS []CostLine
	// HerokuCents and AWSCents sum the CostPriced lines.
	HerokuCents, AWSCents int64
	// HerokuUnpriced and AWSUnpriced count the CostNotEstimated lines.
	HerokuUnpriced, AWSUnpriced int
}

// CostReport is the monthly cost comparison of an inventory.
type CostReport struct {
	// Region, AsOf and Source describe the price table used.
	Region, AsOf, Source string
	// Apps are in inventory order.
	Apps []AppCost
	// Shared are the AWS costs of the landing zone that all apps share
	// (the NAT gateway, log ingestion), counted once.
	Shared []CostLine
	// HerokuCents and AWSCents are the totals: every app plus Shared.
	HerokuCents, AWSCents int64
}

// Estimate prices every app of inv on Heroku and on AWS. A shared add-on
// is counted once, in the app that is billed for it (its owning app, or the
// first app by name it is attached to when the owner is not in the
// inventory). Items with no known price are listed with CostNotEstimated
// rather than counted as zero.
func (p PriceTable) Estimate(inv *Inventory) CostReport {
	r := CostReport{Region: p.Region, AsOf: p.AsOf, Source: p.Source}
	if inv == nil {
		return r
	}
	e := newCostEstimator(p, inv)
	r.Apps = make([]AppCost, 0, len(inv.Apps))
	for i := range inv.Apps {
		ac := e.app(&inv.Apps[i])
		r.HerokuCents += ac.HerokuCents
		r.AWSCents += ac.AWSCents
		r.Apps = append(r.Apps, ac)
	}
	if len(inv.Apps) > 0 {
		r.Shared = []CostLine{
			{Item: "NAT gateway", Cents: e.hourly(p.NATGatewayHour, 1), Note: "one per landing zone, shared by all apps"},
			{Item: "CloudWatch Logs ingestion", Status: CostUsageBased, Note: FormatDollars(p.CloudWatchLogsGB) + " per GB ingested, all apps"},
		}
	}
	for _, l := range r.Shared {
		if l.Status == CostPriced {
			r.AWSCents += l.Cents
		}
	}
	return r
}

// billedApps returns, for every add-on name in inv, the app whose Heroku
// bill (and whose AWS estimate) carries it: the owning app when the
// inventory lists the add-on under it, otherwise the first app by name it is
// attached to, otherwise the first app that lists it.
func billedApps(inv *Inventory) map[string]string {
	out := map[string]string{}
	if inv == nil {
		return out
	}
	in := make(map[string]bool, len(inv.Apps))
	for _, a := range inv.Apps {
		in[a.Name] = true
	}
	lists := map[string]bool{} // app + "\x00" + add-on
	first := map[string]string{}
	byName := map[string]inventory.AddOn{}
	var names []string
	for _, a := range inv.Apps {
		for _, ad := range a.AddOns {
			lists[a.Name+"\x00"+ad.Name] = true
			if _, ok := first[ad.Name]; !ok {
				first[ad.Name] = a.Name
				byName[ad.Name] = ad
				names = append(names, ad.Name)
			}
		}
	}
	for _, n := range names {
		ad := byName[n]
		owner := ""
		if in[ad.App] && lists[ad.App+"\x00"+n] {
			owner = ad.App
		} else {
			for _, att := range ad.Attachments {
				if in[att.App] && lists[att.App+"\x00"+n] && (owner == "" || att.App < owner) {
					owner = att.App
				}
			}
		}
		if owner == "" {
			owner = first[n]
		}
		out[n] = owner
	}
	return out
}

type costEstimator struct {
	p       PriceTable
	billed  map[string]string
	dyno    map[string]float64
	pool    map[string]bool
	rds     map[string]float64
	cache   map[string]float64
	hours   int64
	storage int64
}

func newCostEstimator(p PriceTable, inv *Inventory) *costEstimator {
	e := &costEstimator{
		p:       p,
		billed:  billedApps(inv),
		dyno:    costLowerKeys(p.HerokuDynoMonth),
		pool:    map[string]bool{},
		rds:     costLowerKeys(p.RDSPostgresHour),
		cache:   costLowerKeys(p.ElastiCacheHour),
		hours:   int64(max(p.HoursPerMonth, 0)),
		storage: int64(max(p.RDSStorageGB, 0)),
	}
	for _, s := range p.HerokuPoolSizes {
		e.pool[strings.ToLower(s)] = true
	}
	return e
}

// costLowerKeys indexes m by lower-cased key; of keys equal but for case, the
// smallest wins, so the result does not depend on map order.
func costLowerKeys(m map[string]float64) map[string]float64 {
	keys := slices.Sorted(maps.Keys(m))
	out := make(map[string]float64, len(m))
	for _, k := range slices.Backward(keys) {
		out[strings.ToLower(k)] = m[k]
	}
	return out
}

func (e *costEstimator) app(a *App) AppCost {
	ac := AppCost{App: a.Name}
	poolCharged := false
	for _, proc := range a.Processes {
		qty := max(proc.Quantity, 0)
		ac.Heroku = append(ac.Heroku, e.herokuDyno(proc.Process, qty, &poolCharged))
		ac.AWS = append(ac.AWS, e.fargate(proc.Process, qty))
	}
	if a.Web() != nil {
		alb := costMicros(e.p.ALBHour) + int64(max(e.p.ALBLCUs, 0))*costMicros(e.p.ALBLCUHour)
		ac.AWS = append(ac.AWS, CostLine{
			Item:  "Application Load Balancer",
			Cents: costRoundDiv(alb*e.hours, 10000),
			Note:  strconv.Itoa(e.p.ALBLCUs) + " LCU assumed",
		})
	}
	for _, ad := range a.AddOns {
		label := ad.Name + " (" + ad.Plan + ")"
		if owner := e.billed[ad.Name]; owner != a.Name {
			ac.Heroku = append(ac.Heroku, CostLine{Item: label, Note: "shared: billed to " + owner})
			ac.AWS = append(ac.AWS, CostLine{Item: ad.Name, Note: "shared: counted in " + owner})
			continue
		}
		h := CostLine{Item: label, Cents: int64(max(ad.BilledPriceCents, 0)), Note: "billed price"}
		if ad.BilledPriceCents <= 0 {
			h.Note = "no billed price reported (free plan or contract)"
		}
		ac.Heroku = append(ac.Heroku, h)
		ac.AWS = append(ac.AWS, e.addOn(ad)...)
	}
	for _, l := range ac.Heroku {
		switch l.Status {
		case CostPriced:
			ac.HerokuCents += l.Cents
		case CostNotEstimated:
			ac.HerokuUnpriced++
		}
	}
	for _, l := range ac.AWS {
		switch l.Status {
		case CostPriced:
			ac.AWSCents += l.Cents
		case CostNotEstimated:
			ac.AWSUnpriced++
		}
	}
	return ac
}

func (e *costEstimator) herokuDyno(proc inventory.Process, qty int, poolCharged *bool) CostLine {
	l := CostLine{Item: proc.Type + ": " + strconv.Itoa(qty) + " × " + costSize(proc.Size)}
	size := strings.ToLower(strings.TrimSpace(proc.Size))
	for _, prefix := range e.p.HerokuContractPrefixes {
		if strings.HasPrefix(size, strings.ToLower(prefix)) {
			l.Status, l.Note = CostNotEstimated, "contract pricing"
			return l
		}
	}
	price, ok := e.dyno[size]
	switch {
	case !ok:
		l.Status, l.Note = CostNotEstimated, "no list price for this dyno size"
	case e.pool[size]:
		l.Note = proc.Size + " is an account-wide pool: " + FormatDollars(price) + " counted once per app"
		if qty > 0 && !*poolCharged {
			*poolCharged = true
			l.Cents = costRoundDiv(costMicros(price), 10000)
		} else if qty > 0 {
			l.Note = "in the " + proc.Size + " pool counted above"
		}
	default:
		l.Cents = costRoundDiv(costMicros(price)*int64(qty), 10000)
		l.Note = FormatDollars(price) + " per dyno"
	}
	return l
}

func (e *costEstimator) fargate(proc inventory.Process, qty int) CostLine {
	f := proc.Fargate
	l := CostLine{Item: proc.Type + ": " + strconv.Itoa(qty) + " × Fargate " + costFargateLabel(f)}
	if f.CPU <= 0 || f.Memory <= 0 {
		l.Item = proc.Type + ": " + strconv.Itoa(qty) + " × Fargate task"
		l.Status, l.Note = CostNotEstimated, "no Fargate size for dyno size "+proc.Size
		return l
	}
	perHour := int64(f.CPU)*costMicros(e.p.FargateVCPUHour) + int64(f.Memory)*costMicros(e.p.FargateGBHour) // micro-dollars × 1024
	l.Cents = costRoundDiv(perHour*e.hours*int64(qty), 1024*10000)
	if !f.Fits {
		l.Note = "capped: the dyno is larger than any Fargate task"
	}
	return l
}

func (e *costEstimator) addOn(ad inventory.AddOn) []CostLine {
	switch {
	case ad.AWS.Service == "":
		return []CostLine{{Item: ad.Name + " (" + ad.Plan + ")", Status: CostNotEstimated, Note: "no AWS equivalent: needs a decision"}}
	case ad.Service == "heroku-postgresql":
		return e.postgres(ad)
	case ad.Service == "heroku-redis":
		return e.redis(ad)
	}
	l := CostLine{Item: ad.AWS.Service + " for " + ad.Name, Status: CostNotEstimated, Note: "not in the price table"}
	switch ad.AWS.Service {
	case "Amazon CloudWatch Logs":
		l.Status, l.Note = CostUsageBased, FormatDollars(e.p.CloudWatchLogsGB)+" per GB ingested"
	case "Amazon EventBridge Scheduler", "Amazon SES", "Amazon S3":
		l.Status, l.Note = CostUsageBased, "priced per use"
	}
	return []CostLine{l}
}

func (e *costEstimator) postgres(ad inventory.AddOn) []CostLine {
	class := ad.AWS.InstanceClass
	price, ok := e.rds[strings.ToLower(class)]
	if class == "" || !ok {
		return []CostLine{{Item: "RDS for PostgreSQL for " + ad.Name, Status: CostNotEstimated, Note: "no priced instance class for plan " + ad.Plan}}
	}
	n, az := int64(1), "Single-AZ"
	if ad.AWS.MultiAZ {
		n, az = 2, "Multi-AZ"
	}
	storageNote := strconv.FormatInt(e.storage, 10) + " GB assumed"
	if n == 2 {
		storageNote += "; Multi-AZ doubles the price"
	}
	return []CostLine{
		{Item: "RDS " + class + " " + az + " for " + ad.Name, Cents: costRoundDiv(costMicros(price)*n*e.hours, 10000), Note: costNoteIf(n == 2, "Multi-AZ: twice the Single-AZ price")},
		{Item: "RDS gp3 storage for " + ad.Name, Cents: costRoundDiv(costMicros(e.p.RDSStorageGBMonth)*e.storage*n, 10000), Note: storageNote},
	}
}

func (e *costEstimator) redis(ad inventory.AddOn) []CostLine {
	node := ad.AWS.InstanceClass
	price, ok := e.cache[strings.ToLower(node)]
	if node == "" || !ok {
		return []CostLine{{Item: "ElastiCache for " + ad.Name, Status: CostNotEstimated, Note: "no priced node type for plan " + ad.Plan}}
	}
	n := int64(1)
	if ad.AWS.MultiAZ {
		n = 2
	}
	return []CostLine{{
		Item:  "ElastiCache " + strconv.FormatInt(n, 10) + " × " + node + " for " + ad.Name,
		Cents: costRoundDiv(costMicros(price)*n*e.hours, 10000),
		Note:  costNoteIf(n == 2, "Multi-AZ: primary and replica"),
	}}
}

// hourly returns the monthly cents of n units priced per hour.
func (e *costEstimator) hourly(perHour float64, n int64) int64 {
	return costRoundDiv(costMicros(perHour)*n*e.hours, 10000)
}

// costSize names a dyno size, or says it is unknown.
func costSize(s string) string {
	if strings.TrimSpace(s) == "" {
		return "unknown size"
	}
	return s
}

// costNoteIf returns note when cond holds.
func costNoteIf(cond bool, note string) string {
	if cond {
		return note
	}
	return ""
}

// costFargateLabel renders a Fargate size as "1 vCPU / 2 GB".
func costFargateLabel(f inventory.FargateSize) string {
	return costNumber(float64(f.CPU)/1024) + " vCPU / " + costNumber(float64(f.Memory)/1024) + " GB"
}

// costNumber renders f with at most two decimals and no trailing zeros.
func costNumber(f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// costMicros converts dollars to integer micro-dollars. The table's prices have
// at most six decimals, so this is exact for them.
func costMicros(dollars float64) int64 {
	return int64(math.Round(dollars * 1e6))
}

// costRoundDiv divides and rounds half away from zero.
func costRoundDiv(num, den int64) int64 {
	if den <= 0 {
		return 0
	}
	if num < 0 {
		return -((-num + den/2) / den)
	}
	return (num + den/2) / den
}

// FormatCents renders an amount of cents as dollars with thousands
// separators: 123456 → "$1,234.56", -5 → "-$0.05".
func FormatCents(cents int64) string {
	sign := ""
	u := uint64(cents)
	if cents < 0 {
		sign = "-"
		u = uint64(-(cents + 1)) + 1 // no overflow for math.MinInt64
	}
	whole := strconv.FormatUint(u/100, 10)
	frac := u % 100
	var b strings.Builder
	b.WriteString(sign)
	b.WriteByte('$')
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	b.WriteByte('.')
	b.WriteByte(byte('0' + frac/10))
	b.WriteByte(byte('0' + frac%10))
	return b.String()
}

// FormatDollars renders a price in dollars with as many decimals as it
// needs, at least two: 0.5 → "$0.50", 0.04048 → "$0.04048", 1500 →
// "$1,500.00".
func FormatDollars(d float64) string {
	m := costMicros(d)
	if m%10000 == 0 {
		return FormatCents(m / 10000)
	}
	cents := FormatCents(m / 10000) // sign and whole cents
	rest := strconv.FormatInt(costAbs(m)%10000+10000, 10)[1:]
	rest = strings.TrimRight(rest, "0")
	if m < 0 && m/10000 == 0 {
		cents = "-" + cents
	}
	return cents + rest
}

func costAbs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
