package awsapi

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
)

// The rules of
// https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-how-route-53-chooses-records.html
// and https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-weighted.html.
func TestChooseCandidates(t *testing.T) {
	t.Parallel()
	cand := func(id string, weight int64, healthy bool) answerCandidate {
		return answerCandidate{set: &rrSet{typ: "CNAME", setID: id, weight: aws.Int64(weight)}, healthy: healthy}
	}
	for _, tc := range []struct {
		name  string
		group []answerCandidate
		want  string
	}{
		{"all healthy", []answerCandidate{cand("a", 70, true), cand("b", 30, true), cand("z", 0, true)}, "a,b"},
		{"one non-zero unhealthy", []answerCandidate{cand("a", 70, false), cand("b", 30, true), cand("z", 0, true)}, "b"},
		{"all non-zero unhealthy", []answerCandidate{cand("a", 70, false), cand("b", 30, false), cand("y", 0, true), cand("z", 0, false)}, "y"},
		{"all unhealthy", []answerCandidate{cand("a", 70, false), cand("b", 30, false), cand("z", 0, false)}, "a,b"},
		{"all unhealthy, all zero", []answerCandidate{cand("a", 0, false), cand("b", 0, false)}, "a,b"},
		{"all weights zero", []answerCandidate{cand("a", 0, true), cand("b", 0, true)}, "a,b"},
		{"all weights zero, one unhealthy", []answerCandidate{cand("a", 0, true), cand("b", 0, false)}, "a"},
		{"empty", nil, ""},
	} {
		var got []string
		for _, c := range chooseCandidates(tc.group) {
			got = append(got, c.set.setID)
		}
		if strings.Join(got, ",") != tc.want {
			t.Errorf("%s: chose %q, want %s", tc.name, got, tc.want)
		}
	}
	primary := answerCandidate{set: &rrSet{setID: "p", failover: "PRIMARY"}, healthy: false}
	secondary := answerCandidate{set: &rrSet{setID: "s", failover: "SECONDARY"}, healthy: true}
	if got := chooseCandidates([]answerCandidate{primary, secondary}); len(got) != 1 || got[0].set.setID != "s" {
		t.Errorf("failover chose %+v", got)
	}
}

func TestRoute53EligibleRecordsAndTestDNSAnswer(t *testing.T) {
	t.Parallel()
	srv, url := Start(t, unlimited(Options{Route53AnswerSeed: 42}))
	c := r53Client(t, url, false)
	zoneID := srv.CreateZone("acme.com")
	awsID := createCheck(t, c, "aws", httpsCheck("aws.example.com"))
	herokuID := createCheck(t, c, "heroku", httpsCheck("heroku.example.com"))
	awsSet, herokuSet := weighted("api.acme.com", "aws", 25, "aws.example.com"), weighted("api.acme.com", "heroku", 75, "heroku.example.com")
	awsSet.HealthCheckId, herokuSet.HealthCheckId = &awsID, &herokuID
	must[*route53.ChangeResourceRecordSetsOutput](t)(changeBatch(c, zoneID, change(types.ChangeActionCreate, awsSet), change(types.ChangeActionCreate, herokuSet),
		change(types.ChangeActionCreate, rr("www.acme.com", types.RRTypeA, 60, "192.0.2.1", "192.0.2.2"))))

	eligible := func() string {
		t.Helper()
		recs, err := srv.EligibleRecords(zoneID, "API.acme.com", "CNAME")
		if err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, r := range recs {
			parts = append(parts, r.SetIdentifier+"="+strings.Join(r.Values, "")+"@"+fmt.Sprintf("%g", r.Share))
		}
		return strings.Join(parts, " ")
	}
	if got := eligible(); got != "aws=aws.example.com@0.25 heroku=heroku.example.com@0.75" {
		t.Errorf("healthy: %s", got)
	}
	answer := func(name string, typ types.RRType) *route53.TestDNSAnswerOutput {
		t.Helper()
		return must[*route53.TestDNSAnswerOutput](t)(c.TestDNSAnswer(ctx, &route53.TestDNSAnswerInput{HostedZoneId: &zoneID, RecordName: aws.String(name), RecordType: typ}))
	}
	counts := map[string]int{}
	for range 200 {
		out := answer("api.acme.com", types.RRTypeCname)
		if *out.ResponseCode != "NOERROR" || *out.Protocol != "UDP" || len(out.RecordData) != 1 || *out.RecordName != "api.acme.com" || out.RecordType != types.RRTypeCname || !strings.HasPrefix(*out.Nameserver, "ns-") {
			t.Fatalf("answer %+v", out)
		}
		counts[out.RecordData[0]]++
	}
	if counts["aws.example.com"] < 25 || counts["heroku.example.com"] < 100 {
		t.Errorf("weighted picks: %v", counts)
	}

	// The heroku side fails: only aws is eligible and always answers.
	if err := srv.SetHealthCheckStatus(herokuID, false); err != nil {
		t.Fatal(err)
	}
	if got := eligible(); got != "aws=aws.example.com@1" {
		t.Errorf("heroku unhealthy: %s", got)
	}
	for range 20 {
		if out := answer("api.acme.com", types.RRTypeCname); out.RecordData[0] != "aws.example.com" {
			t.Fatalf("answered %q", out.RecordData)
		}
	}
	// Both fail: as if both were healthy.
	must[any](t)(nil, srv.SetHealthCheckStatus(awsID, false))
	if got := eligible(); got != "aws=aws.example.com@0.25 heroku=heroku.example.com@0.75" {
		t.Errorf("all unhealthy: %s", got)
	}

	// Simple records answer every value; other names and types.
	if out := answer("www.acme.com", types.RRTypeA); strings.Join(out.RecordData, ",") != "192.0.2.1,192.0.2.2" {
		t.Errorf("simple: %+v", out.RecordData)
	}
	if out := answer("www.acme.com", types.RRTypeAaaa); *out.ResponseCode != "NOERROR" || len(out.RecordData) != 0 {
		t.Errorf("other type: %+v", out)
	}
	if out := answer("nope.acme.com", types.RRTypeA); *out.ResponseCode != "NXDOMAIN" {
		t.Errorf("missing name: %+v", out)
	}

	// Errors.
	_, err := c.TestDNSAnswer(ctx, &route53.TestDNSAnswerInput{HostedZoneId: aws.String("ZNONE"), RecordName: aws.String("a.acme.com"), RecordType: types.RRTypeA})
	wantErr[*types.NoSuchHostedZone](t, err)
	_, err = c.TestDNSAnswer(ctx, &route53.TestDNSAnswerInput{HostedZoneId: &zoneID, RecordName: aws.String("a.acme.com"), RecordType: "BOGUS"})
	wantInvalidInput(t, err, "1 validation error detected: Value 'BOGUS' at 'recordType' failed to satisfy constraint: Member must satisfy enum value set: ["+strings.Join(r53Types, ", ")+"]")
	status, _, e, _ := rawR53(t, "GET", url+"/2013-04-01/testdnsanswer?hostedzoneid="+zoneID, sigV4("route53"), "")
	if status != 400 || e.Error.Code != "InvalidInput" || !strings.Contains(e.Error.Message, "2 validation errors detected: Value null at 'recordName'") {
		t.Errorf("missing parameters: %d %+v", status, e.Error)
	}
	if _, err := srv.EligibleRecords("ZNONE", "a.acme.com", "A"); err == nil {
		t.Error("EligibleRecords of a missing zone")
	}
	if recs, err := srv.EligibleRecords(zoneID, "none.acme.com", "A"); err != nil || len(recs) != 0 {
		t.Errorf("no sets: %v %v", recs, err)
	}
}

// The seed makes the weighted picks repeatable.
func TestRoute53AnswerSeed(t *testing.T) {
	t.Parallel()
	run := func() string {
		srv, c := startR53(t, Options{Route53AnswerSeed: 7})
		zoneID := srv.CreateZone("acme.com")
		must[*route53.ChangeResourceRecordSetsOutput](t)(changeBatch(c, zoneID,
			change(types.ChangeActionCreate, weighted("api.acme.com", "a", 1, "a.example.com")),
			change(types.ChangeActionCreate, weighted("api.acme.com", "b", 1, "b.example.com"))))
		var b strings.Builder
		for range 30 {
			out := must[*route53.TestDNSAnswerOutput](t)(c.TestDNSAnswer(ctx, &route53.TestDNSAnswerInput{HostedZoneId: &zoneID, RecordName: aws.String("api.acme.com"), RecordType: types.RRTypeCname}))
			b.WriteString(out.RecordData[0][:1])
		}
		return b.String()
	}
	first, second := run(), run()
	if first != second || !strings.Contains(first, "a") || !strings.Contains(first, "b") {
		t.Errorf("picks %s and %s", first, second)
	}
}

// A CALCULATED check is healthy when enough children are; Disabled and
// Inverted change what Route 53 makes of a status.
func TestRoute53HealthCheckStatusRules(t *testing.T) {
	t.Parallel()
	srv, c := startR53(t, Options{})
	a, b := createCheck(t, c, "a", httpsCheck("a.example.com")), createCheck(t, c, "b", httpsCheck("b.example.com"))
	calc := createCheck(t, c, "calc", &types.HealthCheckConfig{Type: types.HealthCheckTypeCalculated, ChildHealthChecks: []string{a, b}, HealthThreshold: aws.Int32(2)})
	healthy := func(id string) bool {
		for _, st := range srv.HealthChecks() {
			if st.ID == id {
				return st.Healthy
			}
		}
		t.Fatalf("no check %s", id)
		return false
	}
	if !healthy(calc) {
		t.Error("calculated unhealthy")
	}
	must[any](t)(nil, srv.SetHealthCheckStatus(b, false))
	if healthy(calc) {
		t.Error("calculated healthy with one child down")
	}
	if err := srv.SetHealthCheckStatus(calc, true); err == nil {
		t.Error("set the status of a calculated check")
	}
	_, err := c.GetHealthCheckStatus(ctx, &route53.GetHealthCheckStatusInput{HealthCheckId: &calc})
	wantErr[*types.InvalidInput](t, err)
	must[*route53.UpdateHealthCheckOutput](t)(c.UpdateHealthCheck(ctx, &route53.UpdateHealthCheckInput{HealthCheckId: &b, Disabled: aws.Bool(true)}))
	if !healthy(b) || !healthy(calc) {
		t.Error("a disabled check is healthy")
	}
	must[*route53.UpdateHealthCheckOutput](t)(c.UpdateHealthCheck(ctx, &route53.UpdateHealthCheckInput{HealthCheckId: &a, Inverted: aws.Bool(true)}))
	if healthy(a) {
		t.Error("inverted healthy check")
	}
}

// Health check calls share the Route 53 rate.
func TestRoute53HealthCheckQuota(t *testing.T) {
	t.Parallel()
	srv, url := Start(t, Options{Route53TPS: 2})
	c := r53Client(t, url, false)
	id := createCheck(t, c, "a", httpsCheck("a.example.com"))
	_, _ = c.GetHealthCheck(ctx, &route53.GetHealthCheckInput{HealthCheckId: &id})
	_, err := c.GetHealthCheckStatus(ctx, &route53.GetHealthCheckStatusInput{HealthCheckId: &id})
	if wantCode(t, err, "Throttling") != "Rate exceeded" {
		t.Errorf("throttled: %v", err)
	}
	wantRetryable(t, err)
	_, err = c.TestDNSAnswer(ctx, &route53.TestDNSAnswerInput{HostedZoneId: aws.String(srv.CreateZone("acme.com")), RecordName: aws.String("a.acme.com"), RecordType: types.RRTypeA})
	wantCode(t, err, "Throttling")
}
