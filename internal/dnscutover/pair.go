// Package dnscutover owns a weighted Route 53 record pair that moves
// traffic from a Heroku app to AWS: validation, Route 53's traffic rule,
// change batches that change both records at once, and waiting for
// INSYNC (pair.go, engine.go); the health gate that probes the AWS side
// before its weight rises and the watch after (gate.go, probe.go,
// shift.go); and the Route 53 health checks a side may own
// (healthcheck.go). It does not import terraform-plugin-framework.
package dnscutover

import (
	"fmt"
	"math"
	"net"
	"regexp"
	"strings"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/problem"
)

// RecordType is the type of both records of the pair. Heroku's DNS target
// is an external hostname, and Route 53 alias records can only point at
// AWS resources or at records in the same hosted zone, so the Heroku side
// must be a CNAME; the records of a weighted set share one name and type,
// so the AWS side is a CNAME too. A CNAME cannot be created at the zone
// apex. See
// https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-choosing-alias-non-alias.html
// and https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-weighted.html .
const RecordType = "CNAME"

// Weight bounds of a weighted record.
const (
	MinWeight = 0
	MaxWeight = 255
)

// Alias is an alias target: another record in the same hosted zone.
type Alias struct {
	Name                 string
	ZoneID               string
	EvaluateTargetHealth bool
}

// Side is one record of the pair.
type Side struct {
	SetIdentifier string
	// Target is the CNAME value; empty when Alias is set (AWS side only).
	Target        string
	Alias         *Alias
	Weight        int64
	HealthCheckID string
}

// Pair is the weighted pair as configured.
type Pair struct {
	ZoneID string
	Name   string
	TTL    int64
	Heroku Side
	AWS    Side
}

// FQDN normalises a DNS name the way Route 53 stores it: lower case with a
// trailing dot.
func FQDN(name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	if !strings.HasSuffix(name, ".") {
		name += "."
	}
	return name
}

// ID is the resource id and import id: ZONEID_name_TYPE, the name without
// its trailing dot.
func (p Pair) ID() string {
	return p.ZoneID + "_" + strings.TrimSuffix(FQDN(p.Name), ".") + "_" + RecordType
}

// ParseID splits an import id ZONEID_name_TYPE. A zone id never holds an
// underscore, but a record name may (_acme-challenge.acme.com): the zone
// ends at the first underscore and the type starts after the last.
func ParseID(id string) (zoneID, name string, err error) {
	zoneID, rest, ok := strings.Cut(id, "_")
	i := strings.LastIndexByte(rest, '_')
	if !ok || i <= 0 || zoneID == "" {
		return "", "", fmt.Errorf("import id %q is not ZONEID_name_TYPE, such as Z0123456789ABC_api.acme.com_CNAME", id)
	}
	name, typ := rest[:i], rest[i+1:]
	if !strings.EqualFold(typ, RecordType) {
		return "", "", fmt.Errorf("import id %q names type %s; a Heroku/AWS weighted pair is always CNAME", id, typ)
	}
	return zoneID, name, nil
}

// TrafficPercent applies Route 53's rule to the weights: a record's share
// is its weight over the sum; if every weight is 0, traffic is spread
// evenly. Health checks can change this at run time; the rule here is the
// one for healthy records.
func TrafficPercent(heroku, aws int64) (herokuPct, awsPct float64) {
	sum := heroku + aws
	if sum == 0 {
		return 50, 50
	}
	h := math.Round(float64(heroku)*10000/float64(sum)) / 100
	return h, math.Round((100-h)*100) / 100
}

var hostnameLabel = regexp.MustCompile(`^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$`)

// ValidHostname reports whether s is a DNS hostname (not an IP address).
func ValidHostname(s string) error {
	name := strings.TrimSuffix(strings.ToLower(s), ".")
	if name == "" {
		return fmt.Errorf("the hostname is empty")
	}
	if net.ParseIP(name) != nil {
		return fmt.Errorf("%q is an IP address; a CNAME must point at a hostname", s)
	}
	if len(name) > 253 {
		return fmt.Errorf("%q is longer than 253 characters", s)
	}
	for _, label := range strings.Split(name, ".") {
		if !hostnameLabel.MatchString(label) {
			return fmt.Errorf("%q is not a valid hostname (label %q)", s, label)
		}
	}
	return nil
}

// Validate checks a pair without calling AWS. zoneName, when known (from
// GetHostedZone), enables the apex and in-zone checks. Attributes are
// dotted schema paths such as "aws.alias.zone_id".
func Validate(p Pair, zoneName string) problem.List {
	var out problem.List
	errorf := func(attr, summary, format string, args ...any) {
		out = append(out, problem.Errorf(attr, summary, format, args...))
	}
	for _, s := range []struct {
		attr string
		side Side
	}{{"heroku", p.Heroku}, {"aws", p.AWS}} {
		if s.side.Weight < MinWeight || s.side.Weight > MaxWeight {
			errorf(s.attr+".weight", "Invalid Weight",
				"%s.weight is %d; Route 53 weights run from %d to %d. A record's share of traffic is its weight over the sum of both.",
				s.attr, s.side.Weight, MinWeight, MaxWeight)
		}
	}
	if p.TTL <= 0 {
		errorf("ttl", "Invalid TTL", "ttl is %d; it must be greater than 0 seconds. Use 60 around a cutover.", p.TTL)
	} else if p.TTL > 300 {
		out = append(out, problem.Warnf("ttl", "Long TTL Slows Rollback",
			"ttl is %d seconds. Resolvers cache each answer that long, so a weight change, and a "+
				"rollback to Heroku, takes up to %d seconds to reach every client. Lower it to 60 a day before the cutover.", p.TTL, p.TTL))
	}
	// Route 53 answers evenly when every record of a weighted set has weight
	// 0: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-weighted.html
	if p.Heroku.Weight == 0 && p.AWS.Weight == 0 {
		out = append(out, problem.Warnf("aws.weight", "Both Weights Are Zero", "%s",
			"With both weights at 0 Route 53 splits traffic evenly (50/50), not 0/0. To send everything to one side, "+
				"give it a weight above 0 and the other side 0."))
	}
	if p.Heroku.SetIdentifier == p.AWS.SetIdentifier {
		errorf("aws.set_identifier", "Duplicate Set Identifier",
			"heroku.set_identifier and aws.set_identifier are both %q. The two records of a weighted set need different identifiers.",
			p.AWS.SetIdentifier)
	}
	for _, s := range []struct {
		attr string
		id   string
	}{{"heroku.set_identifier", p.Heroku.SetIdentifier}, {"aws.set_identifier", p.AWS.SetIdentifier}} {
		if s.id == "" || len(s.id) > 128 {
			errorf(s.attr, "Invalid Set Identifier", "%s must be 1 to 128 characters.", s.attr)
		}
	}
	if err := ValidHostname(p.Heroku.Target); err != nil {
		errorf("heroku.target", "Invalid Heroku Target",
			"heroku.target must be the app's DNS target, the cname of heroku2aws_domains (such as example-1234.herokudns.com): %s.", err)
	}
	switch {
	case p.AWS.Alias == nil && p.AWS.Target == "":
		errorf("aws.target", "Missing AWS Target", "Set aws.target (for example the ALB's DNS name) or aws.alias.")
	case p.AWS.Alias != nil && p.AWS.Target != "":
		errorf("aws.alias", "Conflicting AWS Targets", "Set either aws.target or aws.alias, not both.")
	case p.AWS.Alias != nil:
		if p.AWS.Alias.ZoneID != p.ZoneID {
			errorf("aws.alias.zone_id", "Alias Needs Another Record Type",
				"An alias record takes the type of the pair, CNAME, and a CNAME alias can only point at another record in the "+
					"same hosted zone (%s). An alias to a load balancer or CloudFront (zone %s) needs type A or AAAA, which "+
					"cannot share a weighted set with Heroku's CNAME. Set aws.target to the load balancer's DNS name instead.",
				p.ZoneID, p.AWS.Alias.ZoneID)
		}
		if err := ValidHostname(p.AWS.Alias.Name); err != nil {
			errorf("aws.alias.name", "Invalid Alias Name", "aws.alias.name: %s.", err)
		}
	default:
		if err := ValidHostname(p.AWS.Target); err != nil {
			errorf("aws.target", "Invalid AWS Target", "aws.target: %s.", err)
		}
	}
	if zoneName != "" {
		zone, name := FQDN(zoneName), FQDN(p.Name)
		switch {
		case name == zone:
			errorf("name", "Name Is the Zone Apex",
				"%s is the apex of the hosted zone. Heroku's DNS target is an external hostname, so the pair must be CNAMEs, "+
					"and a CNAME is not allowed at the apex. Use a subdomain or put CloudFront in front of Heroku.", strings.TrimSuffix(name, "."))
		case !strings.HasSuffix(name, "."+zone):
			errorf("name", "Name Outside the Zone", "%s is not in the hosted zone %s. Use a name under %s, or another zone_id.",
				strings.TrimSuffix(name, "."), strings.TrimSuffix(zone, "."), strings.TrimSuffix(zone, "."))
		}
	}
	return out
}
