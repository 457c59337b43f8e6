package dnscutover

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/problem"
)

func TestTrafficPercent(t *testing.T) {
	t.Parallel()
	cases := []struct {
		h, a         int64
		wantH, wantA float64
	}{
		{100, 0, 100, 0}, {90, 10, 90, 10}, {1, 2, 33.33, 66.67}, {0, 0, 50, 50}, {0, 255, 0, 100}, {255, 255, 50, 50},
	}
	for _, c := range cases {
		h, a := TrafficPercent(c.h, c.a)
		if h != c.wantH || a != c.wantA {
			t.Errorf("%d/%d: got %v/%v, want %v/%v", c.h, c.a, h, a, c.wantH, c.wantA)
		}
	}
}

func validPair() Pair {
	return Pair{ZoneID: "Z1", Name: "api.acme.com", TTL: 60,
		Heroku: Side{SetIdentifier: "heroku", Target: "deep-owl-1234.herokudns.com", Weight: 90},
		AWS:    Side{SetIdentifier: "aws", Target: "acme-alb-1.us-east-1.elb.amazonaws.com", Weight: 10}}
}

func problemsFor(p Pair, zone string) map[string]problem.Problem {
	out := map[string]problem.Problem{}
	for _, pr := range Validate(p, zone) {
		out[pr.Attribute+"/"+pr.Summary] = pr
	}
	return out
}

func TestValidate(t *testing.T) {
	t.Parallel()
	if got := Validate(validPair(), "acme.com."); len(got) != 0 {
		t.Fatalf("valid pair: %+v", got)
	}
	mutate := func(f func(*Pair)) Pair { p := validPair(); f(&p); return p }
	cases := []struct {
		name    string
		pair    Pair
		key     string
		warning bool
	}{
		{"weight high", mutate(func(p *Pair) { p.AWS.Weight = 256 }), "aws.weight/Invalid Weight", false},
		{"weight negative", mutate(func(p *Pair) { p.Heroku.Weight = -1 }), "heroku.weight/Invalid Weight", false},
		{"both zero", mutate(func(p *Pair) { p.Heroku.Weight, p.AWS.Weight = 0, 0 }), "aws.weight/Both Weights Are Zero", true},
		{"ttl zero", mutate(func(p *Pair) { p.TTL = 0 }), "ttl/Invalid TTL", false},
		{"ttl long", mutate(func(p *Pair) { p.TTL = 3600 }), "ttl/Long TTL Slows Rollback", true},
		{"same ids", mutate(func(p *Pair) { p.AWS.SetIdentifier = "heroku" }), "aws.set_identifier/Duplicate Set Identifier", false},
		{"apex", mutate(func(p *Pair) { p.Name = "ACME.com." }), "name/Name Is the Zone Apex", false},
		{"outside", mutate(func(p *Pair) { p.Name = "api.other.org" }), "name/Name Outside the Zone", false},
		{"ip target", mutate(func(p *Pair) { p.Heroku.Target = "203.0.113.9" }), "heroku.target/Invalid Heroku Target", false},
		{"alias elsewhere", mutate(func(p *Pair) {
			p.AWS.Target = ""
			p.AWS.Alias = &Alias{Name: "x.elb.amazonaws.com", ZoneID: "Z35SXDOTRQ7X7K"}
		}),
			"aws.alias.zone_id/Alias Needs Another Record Type", false},
		{"both targets", mutate(func(p *Pair) { p.AWS.Alias = &Alias{Name: "x.acme.com", ZoneID: "Z1"} }), "aws.alias/Conflicting AWS Targets", false},
		{"no aws target", mutate(func(p *Pair) { p.AWS.Target = "" }), "aws.target/Missing AWS Target", false},
	}
	for _, c := range cases {
		got := problemsFor(c.pair, "acme.com")
		pr, ok := got[c.key]
		if !ok || pr.Warning != c.warning || pr.Detail == "" {
			t.Errorf("%s: want %q (warning=%v), got %+v", c.name, c.key, c.warning, got)
		}
	}
	// A same-zone alias is a valid CNAME alias.
	p := mutate(func(p *Pair) { p.AWS.Target = ""; p.AWS.Alias = &Alias{Name: "green.acme.com", ZoneID: "Z1"} })
	if got := Validate(p, "acme.com"); len(got) != 0 {
		t.Fatalf("same-zone alias: %+v", got)
	}
	if !strings.Contains(problemsFor(mutate(func(p *Pair) { p.Name = "acme.com" }), "acme.com")["name/Name Is the Zone Apex"].Detail, "CloudFront") {
		t.Error("the apex diagnostic must suggest a subdomain or CloudFront")
	}
}

func TestIDs(t *testing.T) {
	t.Parallel()
	p := validPair()
	if p.ID() != "Z1_api.acme.com_CNAME" {
		t.Fatal(p.ID())
	}
	z, n, err := ParseID("Z1_api.acme.com_CNAME")
	if err != nil || z != "Z1" || n != "api.acme.com" {
		t.Fatal(z, n, err)
	}
	// A name with underscores round-trips (found by FuzzParseID).
	u := Pair{ZoneID: "Z1", Name: "_acme-challenge.my_app.acme.com"}
	if z, n, err := ParseID(u.ID()); err != nil || z != "Z1" || n != "_acme-challenge.my_app.acme.com" {
		t.Fatal(u.ID(), z, n, err)
	}
	for _, bad := range []string{"", "Z1", "Z1_api.acme.com", "Z1_api.acme.com_A", "_x_CNAME", "Z1__CNAME"} {
		if _, _, err := ParseID(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if FQDN(" API.Acme.COM ") != "api.acme.com." {
		t.Fatal(FQDN(" API.Acme.COM "))
	}
}

func TestBatches(t *testing.T) {
	t.Parallel()
	p := validPair()
	if b := CreateBatch(p); len(b.Changes) != 2 || b.Changes[0].Action != types.ChangeActionCreate {
		t.Fatalf("create: %+v", b)
	}
	cur := Current{Heroku: &Record{SetIdentifier: "heroku", Target: "old.herokudns.com", Weight: 100, TTL: 300},
		AWS: &Record{SetIdentifier: "blue", Target: "alb", Weight: 0, TTL: 300}}
	b := UpdateBatch(p, cur)
	var actions []string
	for _, c := range b.Changes {
		actions = append(actions, string(c.Action)+":"+aws.ToString(c.ResourceRecordSet.SetIdentifier))
	}
	if strings.Join(actions, ",") != "UPSERT:heroku,DELETE:blue,UPSERT:aws" {
		t.Fatalf("update batch: %v", actions)
	}
	// The DELETE carries the exact current values, as Route 53 requires.
	del := b.Changes[1].ResourceRecordSet
	if aws.ToInt64(del.TTL) != 300 || aws.ToString(del.ResourceRecords[0].Value) != "alb" {
		t.Fatalf("delete is not exact: %+v", del)
	}
	if d := DeleteBatch("api.acme.com", Current{AWS: cur.AWS}); len(d.Changes) != 1 {
		t.Fatalf("delete batch: %+v", d)
	}
}
