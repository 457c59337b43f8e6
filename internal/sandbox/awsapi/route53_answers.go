package awsapi

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	mathrand "math/rand/v2"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// What Route 53 answers for a name and type: TestDNSAnswer
// (https://docs.aws.amazon.com/Route53/latest/APIReference/API_TestDNSAnswer.html)
// and EligibleRecords, by the rules of "How Amazon Route 53 chooses
// records when health checking is configured"
// (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-how-route-53-chooses-records.html)
// and of weighted routing
// (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-weighted.html):
//
//   - a record without a health check is always healthy; one whose check
//     is unhealthy is left out;
//   - if every record of the group is unhealthy, Route 53 answers as if
//     all were healthy;
//   - weighted records: Route 53 first considers the records of non-zero
//     weight, picked in proportion to their weights; only when all of
//     them are unhealthy does it consider the (healthy) records of weight
//     0; when every weight is 0, records are picked with equal
//     probability.
//
// A record that names a health check that no longer exists (Route 53
// lets you delete a check still in use, and cannot say what its status
// then is) counts as unhealthy here.

// EligibleRecord is a record set Route 53 would choose among for a name
// and type, and its chance of being the answer.
type EligibleRecord struct {
	// SetIdentifier is empty for simple routing.
	SetIdentifier string
	// Weight is the record's weight (0 when it is not weighted).
	Weight int64
	// Share is the probability that an answer is this record: its weight
	// over the eligible weights, or an equal share when they are all 0.
	Share float64
	// Values are the record's values, or the alias target's name.
	Values []string
	// HealthCheckID is the record's health check, if any; Healthy is
	// what Route 53 makes of it (a record without one is healthy).
	HealthCheckID string
	Healthy       bool
}

// answerCandidate is a record set of the group and its health.
type answerCandidate struct {
	set     *rrSet
	healthy bool
}

func newAnswerRand(seed uint64) *mathrand.Rand {
	if seed == 0 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		seed = binary.LittleEndian.Uint64(b[:])
	}
	return mathrand.New(mathrand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// EligibleRecords returns the record sets of a name and type that Route
// 53 would choose an answer among, with their weights and shares, in
// listing order; none when the zone holds no such sets. name may omit the
// trailing dot.
func (s *Server) EligibleRecords(zoneID, name, typ string) ([]EligibleRecord, error) {
	st := s.r53
	st.mu.Lock()
	defer st.mu.Unlock()
	z := st.zones[bareID(zoneID)]
	if z == nil {
		return nil, fmt.Errorf("awsapi: no hosted zone %q", zoneID)
	}
	canonical, problem := canonicalName(name)
	if problem != "" {
		return nil, fmt.Errorf("awsapi: %s", problem)
	}
	return st.eligible(z, canonical, typ), nil
}

// eligible applies the rules above to the sets of a name and type. The
// caller holds st.mu.
func (st *r53Store) eligible(z *r53Zone, name, typ string) []EligibleRecord {
	var group []answerCandidate
	for _, rs := range sortedSets(z.sets) {
		if rs.name == name && rs.typ == typ {
			group = append(group, answerCandidate{rs, st.setHealthy(rs)})
		}
	}
	chosen := chooseCandidates(group)
	out := make([]EligibleRecord, 0, len(chosen))
	total := int64(0)
	for _, c := range chosen {
		total += aws.ToInt64(c.set.weight)
	}
	for _, c := range chosen {
		rs := c.set
		share := 1 / float64(len(chosen))
		if total > 0 {
			share = float64(aws.ToInt64(rs.weight)) / float64(total)
		}
		values := slices.Clone(rs.records)
		if rs.alias != nil {
			values = []string{escapeName(rs.alias.dnsName)}
		}
		out = append(out, EligibleRecord{
			SetIdentifier: rs.setID, Weight: aws.ToInt64(rs.weight), Share: share,
			Values: values, HealthCheckID: rs.healthCheckID, Healthy: c.healthy,
		})
	}
	return out
}

// setHealthy is the health of a record set. The caller holds st.mu.
func (st *r53Store) setHealthy(rs *rrSet) bool {
	if rs.healthCheckID == "" {
		return true
	}
	hc := st.checks[rs.healthCheckID]
	return hc != nil && st.checkHealthy(hc, 0)
}

// chooseCandidates returns the sets of one group that Route 53 chooses
// among. Weighted groups follow the weighted rules; a failover group
// answers with its primary unless only the secondary is healthy; the
// other policies (simple, multivalue, and latency and geolocation, for
// which the sandbox has no resolver location) answer with the healthy
// sets.
func chooseCandidates(group []answerCandidate) []answerCandidate {
	if len(group) == 0 {
		return nil
	}
	pool := make([]answerCandidate, 0, len(group))
	for _, c := range group {
		if c.healthy {
			pool = append(pool, c)
		}
	}
	if len(pool) == 0 {
		pool = group // all unhealthy: as if all were healthy
	}
	switch group[0].set.policy() {
	case "weighted":
		nonZero := slices.DeleteFunc(slices.Clone(pool), func(c answerCandidate) bool { return aws.ToInt64(c.set.weight) == 0 })
		if len(nonZero) > 0 {
			return nonZero
		}
		return pool // the zero-weight records, equally
	case "failover":
		for _, c := range pool {
			if c.set.failover == "PRIMARY" {
				return []answerCandidate{c}
			}
		}
		return pool[:1]
	}
	return pool
}

// pick draws one record by share. The caller holds st.mu (st.answers is
// not safe for concurrent use).
func (st *r53Store) pick(records []EligibleRecord) EligibleRecord {
	if len(records) == 1 {
		return records[0]
	}
	x := st.answers.Float64()
	for _, r := range records {
		if x < r.Share {
			return r
		}
		x -= r.Share
	}
	return records[len(records)-1]
}

// --- TestDNSAnswer ---

// r53TestDNSAnswer answers as a Route 53 name server would: the values of
// one record picked by share among the eligible ones (every eligible
// value for simple and multivalue answer routing), NOERROR with no
// data when the name exists with other types only, NXDOMAIN when it does
// not exist. The resolver and EDNS0 client subnet parameters are
// accepted and ignored.
func (s *Server) r53TestDNSAnswer(req r53Request) ([]string, func() (*r53Answer, *awsError), *awsError) {
	q := req.query
	param := func(key string) *string {
		if !q.Has(key) {
			return nil
		}
		v := q.Get(key)
		return &v
	}
	zoneID, recordName, recordType := param("hostedzoneid"), param("recordname"), param("recordtype")
	var v validation
	v.required(zoneID, "hostedZoneId")
	v.length(zoneID, "hostedZoneId", 0, 32)
	v.required(recordName, "recordName")
	v.length(recordName, "recordName", 0, 1024)
	v.required(recordType, "recordType")
	v.enum(recordType, "recordType", r53Types...)
	if err := v.errCode(codeInvalidInput); err != nil {
		return nil, nil, err
	}
	name, problem := canonicalName(*recordName)
	if problem != "" {
		return nil, nil, clientError(codeInvalidInput, problem)
	}
	id := bareID(*zoneID)
	return []string{id}, func() (*r53Answer, *awsError) {
		st := s.r53
		st.mu.Lock()
		defer st.mu.Unlock()
		z := st.zones[id]
		if z == nil {
			return nil, errNoSuchHostedZone(id)
		}
		out := xmlTestDNSAnswerResponse{
			Nameserver: z.nameServers[0], RecordName: *recordName, RecordType: *recordType,
			ResponseCode: "NOERROR", Protocol: "UDP", RecordData: []string{},
		}
		records := st.eligible(z, name, *recordType)
		switch {
		case len(records) == 0:
			exists := false
			for k := range z.sets {
				exists = exists || k.name == name || inZone(k.name, name)
			}
			if !exists {
				out.ResponseCode = "NXDOMAIN"
			}
		case records[0].SetIdentifier == "" || len(records) == 1 || z.sets[rrKey{name, *recordType, records[0].SetIdentifier}].multiValue != nil:
			for _, r := range records {
				out.RecordData = append(out.RecordData, r.Values...)
			}
		default:
			out.RecordData = st.pick(records).Values
		}
		return &r53Answer{body: out}, nil
	}, nil
}
