package awsapi

import (
	"crypto/rand"
	"fmt"
	mathrand "math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Route 53 limits and defaults.
const (
	// DefaultRoute53TPS is the request rate shared by all Route 53 API
	// calls: five requests per second per AWS account
	// (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DNSLimitations.html).
	DefaultRoute53TPS = 5
	// MaxHostedZones is the default hosted-zone quota of an account; one
	// more is TooManyHostedZones.
	MaxHostedZones = 500
	// MaxChangeBatchRecords is the number of ResourceRecord elements a
	// change batch may hold; an UPSERT counts twice.
	MaxChangeBatchRecords = 1000
	// MaxChangeBatchValueChars is the number of characters the Value
	// elements of a change batch may hold together; an UPSERT counts twice.
	MaxChangeBatchValueChars = 32000
	// MaxRecordSetsPerPage is the default and largest page of
	// ListResourceRecordSets.
	MaxRecordSetsPerPage = 300
	// MaxHostedZonesPerPage is the default and largest page of
	// ListHostedZones and ListHostedZonesByName.
	MaxHostedZonesPerPage = 100

	// ChangeStatusPending and ChangeStatusInsync are the states of a change.
	ChangeStatusPending = "PENDING"
	ChangeStatusInsync  = "INSYNC"
)

// Route 53 error codes and messages.
const (
	codeInvalidChangeBatch = "InvalidChangeBatch"
	codeInvalidInput       = "InvalidInput"

	msgR53PriorRequest  = "The request was rejected because Route 53 was still processing a prior request."
	msgR53ZoneExists    = "A hosted zone has already been created with the specified caller reference."
	msgR53ZoneNotEmpty  = "The specified hosted zone contains non-required resource record sets and so cannot be deleted."
	msgR53NoSuchChange  = "A change with the specified change ID does not exist."
	msgR53NoDelegation  = "A reusable delegation set with the specified ID does not exist."
	msgR53TooManyZones  = "This operation can't be completed either because the current account has reached the limit on the number of hosted zones or because you've reached the limit on the number of hosted zones that can be associated with a reusable delegation set."
	msgR53NeedNS        = "A HostedZone must contain at least one NS record for the zone itself."
	msgR53NeedSOA       = "A HostedZone must contain exactly one SOA record."
	msgR53RecordsLimit  = "Number of records limit of 1000 exceeded."
	msgR53CharsLimit    = "Number of characters limit of 32000 exceeded."
	msgR53PrivateZones  = "The sandbox does not support private hosted zones (VPC)."
	msgR53TrafficPolicy = "The sandbox does not support traffic policy instances."
	msgR53RoutingUnsupp = "The sandbox does not support GeoProximityLocation or CidrRoutingConfig routing."
)

// The apex records of a new hosted zone.
const (
	r53SOATTL        = 900
	r53NSTTL         = 172800
	r53SOAHostmaster = "awsdns-hostmaster.amazon.com."
)

var r53Types = []string{"SOA", "A", "TXT", "NS", "CNAME", "MX", "NAPTR", "PTR", "SRV", "SPF", "AAAA", "CAA", "DS", "TLSA", "SSHFP", "SVCB", "HTTPS"}

var r53Regions = []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "eu-north-1", "sa-east-1", "cn-north-1", "cn-northwest-1", "ap-east-1", "me-south-1", "me-central-1", "ap-south-1", "ap-south-2", "af-south-1", "eu-south-1", "eu-south-2", "ap-southeast-4", "il-central-1", "ca-west-1", "ap-southeast-5", "mx-central-1", "ap-southeast-7", "us-gov-east-1", "us-gov-west-1", "ap-east-2", "ap-southeast-6", "eusc-de-east-1"}

var route53Service = &awsService{signingName: "route53", internalCode: "InternalFailure"}

// --- state ---

type r53Store struct {
	mu      sync.Mutex
	zones   map[string]*r53Zone   // by bare ID
	order   []string              // zone IDs in creation order
	callers map[string]bool       // every CallerReference ever used
	changes map[string]*r53Change // by bare ID

	checks       map[string]*r53HealthCheck // by ID
	checkOrder   []string                   // health check IDs in creation order
	checkCallers map[string]r53Caller       // every health check CallerReference ever used
	answers      *mathrand.Rand             // TestDNSAnswer's weighted picks

	priorCheck        atomic.Bool
	refuseInUse       atomic.Bool
	syncDelay         atomic.Int64 // time.Duration
	legacyBatchErrors bool
}

type r53Zone struct {
	id, name, callerRef, comment string
	nameServers                  []string
	created                      time.Time
	sets                         map[rrKey]*rrSet
	// insyncAt is when the latest record change of the zone goes INSYNC;
	// until then another change is PriorRequestNotComplete (when enabled).
	insyncAt time.Time
}

type r53Change struct {
	id, zoneID, comment string
	submitted, insyncAt time.Time
}

// rrKey identifies a record set.
type rrKey struct{ name, typ, setID string }

// rrSet is a resource record set. Names are canonical (see canonicalName).
// Sets are never modified once stored: a change replaces them.
type rrSet struct {
	name, typ, setID string
	weight           *int64
	region, failover string
	geo              *xmlGeo
	multiValue       *bool
	ttl              *int64
	records          []string
	alias            *rrAlias
	healthCheckID    string
}

type rrAlias struct {
	zoneID, dnsName string
	evaluate        bool
}

func (rs *rrSet) key() rrKey { return rrKey{rs.name, rs.typ, rs.setID} }

// policy names the routing policy of a set; "" is simple routing.
func (rs *rrSet) policy() string {
	switch {
	case rs.weight != nil:
		return "weighted"
	case rs.region != "":
		return "latency"
	case rs.failover != "":
		return "failover"
	case rs.geo != nil:
		return "geolocation"
	case rs.multiValue != nil:
		return "multivalue answer"
	}
	return ""
}

func newR53Store(opts Options) *r53Store {
	st := &r53Store{
		zones:             map[string]*r53Zone{},
		callers:           map[string]bool{},
		changes:           map[string]*r53Change{},
		checks:            map[string]*r53HealthCheck{},
		checkCallers:      map[string]r53Caller{},
		answers:           newAnswerRand(opts.Route53AnswerSeed),
		legacyBatchErrors: opts.Route53LegacyInvalidChangeBatch,
	}
	st.priorCheck.Store(opts.Route53PriorRequestNotComplete)
	st.refuseInUse.Store(opts.Route53RefuseHealthCheckInUse)
	st.syncDelay.Store(int64(opts.Route53SyncDelay))
	return st
}

// SetPriorRequestNotComplete turns the PriorRequestNotComplete check on or
// off from now on (see Options.Route53PriorRequestNotComplete).
func (s *Server) SetPriorRequestNotComplete(on bool) {
	s.r53.priorCheck.Store(on)
}

// SetRoute53SyncDelay changes how long changes submitted from now on stay
// PENDING (see Options.Route53SyncDelay). A negative d counts as 0.
func (s *Server) SetRoute53SyncDelay(d time.Duration) {
	s.r53.syncDelay.Store(int64(max(d, 0)))
}

// newChange records a change submitted now. The caller holds st.mu.
func (st *r53Store) newChange(zoneID, comment string, now time.Time) *r53Change {
	c := &r53Change{
		id: route53ID("C", 20), zoneID: zoneID, comment: comment,
		submitted: now, insyncAt: now.Add(time.Duration(st.syncDelay.Load())),
	}
	st.changes[c.id] = c
	return c
}

func (c *r53Change) status(now time.Time) string {
	if now.Before(c.insyncAt) {
		return ChangeStatusPending
	}
	return ChangeStatusInsync
}

// info renders a change. A change is PENDING in the answer that submits
// it, as in Route 53, however short the sync delay.
func (c *r53Change) info(now time.Time, submitting bool) xmlChangeInfo {
	status := c.status(now)
	if submitting {
		status = ChangeStatusPending
	}
	return xmlChangeInfo{ID: "/change/" + c.id, Status: status, SubmittedAt: wireTime(c.submitted), Comment: c.comment}
}

// nameServers returns a delegation set shaped like Route 53's: one name
// server in each of .com, .net, .org and .co.uk.
func nameServers() []string {
	out := make([]string, 0, 4)
	for i, tld := range []string{"com", "net", "org", "co.uk"} {
		var b [2]byte
		_, _ = rand.Read(b[:])
		n := i*512 + (int(b[0])<<8|int(b[1]))%512
		out = append(out, fmt.Sprintf("ns-%d.awsdns-%02d.%s", n, (n/8)%64, tld))
	}
	return out
}

// addZone creates a hosted zone with its SOA and NS record sets. The
// caller holds st.mu and has validated name.
func (st *r53Store) addZone(name, callerRef, comment string, now time.Time) *r53Zone {
	z := &r53Zone{
		id: route53ID("Z", 20), name: name, callerRef: callerRef, comment: comment,
		nameServers: nameServers(), created: now, sets: map[rrKey]*rrSet{},
	}
	ns := make([]string, len(z.nameServers))
	for i, n := range z.nameServers {
		ns[i] = n + "."
	}
	soaTTL, nsTTL := int64(r53SOATTL), int64(r53NSTTL)
	soa := &rrSet{name: name, typ: "SOA", ttl: &soaTTL, records: []string{ns[0] + " " + r53SOAHostmaster + " 1 7200 900 1209600 86400"}}
	nsSet := &rrSet{name: name, typ: "NS", ttl: &nsTTL, records: ns}
	z.sets[soa.key()] = soa
	z.sets[nsSet.key()] = nsSet
	st.zones[z.id] = z
	st.order = append(st.order, z.id)
	st.callers[callerRef] = true
	return z
}

func (s *Server) hostedZoneOut(z *r53Zone) xmlHostedZone {
	out := xmlHostedZone{ID: "/hostedzone/" + z.id, Name: escapeName(z.name), CallerReference: z.callerRef, ResourceRecordSetCount: int64(len(z.sets))}
	out.Config.Comment = z.comment
	return out
}

// --- routing ---

// r53Request is what a Route 53 operation reads: the ID in its path, its
// query and its body.
type r53Request struct {
	id    string
	query url.Values
	body  []byte
}

type r53Route struct {
	method string
	path   []string // "*" matches the ID
	op     *operation
	// prepare decodes and validates the input, returns the names it
	// touches (for the log and injected failures) and the call itself.
	prepare func(r53Request) (names []string, run func() (*r53Answer, *awsError), err *awsError)
}

func (s *Server) registerRoute53() {
	add := func(method, name string, write bool, prepare func(r53Request) ([]string, func() (*r53Answer, *awsError), *awsError), path ...string) {
		s.r53Routes = append(s.r53Routes, &r53Route{
			method: method, path: path, prepare: prepare,
			op: &operation{service: route53Service, name: name, quota: QuotaRoute53, write: write},
		})
	}
	add(http.MethodPost, "CreateHostedZone", true, s.r53CreateHostedZone, "hostedzone")
	add(http.MethodGet, "ListHostedZones", false, s.r53ListHostedZones, "hostedzone")
	add(http.MethodGet, "GetHostedZone", false, s.r53GetHostedZone, "hostedzone", "*")
	add(http.MethodDelete, "DeleteHostedZone", true, s.r53DeleteHostedZone, "hostedzone", "*")
	add(http.MethodGet, "ListResourceRecordSets", false, s.r53ListRRSets, "hostedzone", "*", "rrset")
	add(http.MethodPost, "ChangeResourceRecordSets", true, s.r53ChangeRRSets, "hostedzone", "*", "rrset")
	add(http.MethodGet, "ListHostedZonesByName", false, s.r53ListHostedZonesByName, "hostedzonesbyname")
	add(http.MethodGet, "GetChange", false, s.r53GetChange, "change", "*")
	add(http.MethodPost, "CreateHealthCheck", true, s.r53CreateHealthCheck, "healthcheck")
	add(http.MethodGet, "ListHealthChecks", false, s.r53ListHealthChecks, "healthcheck")
	add(http.MethodGet, "GetHealthCheck", false, s.r53GetHealthCheck, "healthcheck", "*")
	add(http.MethodPost, "UpdateHealthCheck", true, s.r53UpdateHealthCheck, "healthcheck", "*")
	add(http.MethodDelete, "DeleteHealthCheck", true, s.r53DeleteHealthCheck, "healthcheck", "*")
	add(http.MethodGet, "GetHealthCheckStatus", false, s.r53GetHealthCheckStatus, "healthcheck", "*", "status")
	add(http.MethodGet, "TestDNSAnswer", false, s.r53TestDNSAnswer, "testdnsanswer")
}

// isRoute53Path reports whether a request without X-Amz-Target is for
// Route 53.
func isRoute53Path(path string) bool {
	return strings.HasPrefix(path, route53PathPrefix)
}

// matchRoute53 finds the operation of a Route 53 request and the ID in its
// path; nil when the sandbox knows no such operation. One trailing slash
// is allowed: the aws CLI posts to .../rrset/.
func (s *Server) matchRoute53(method, path string) (*r53Route, string) {
	rest := strings.TrimSuffix(strings.TrimPrefix(path, route53PathPrefix), "/")
	segs := strings.Split(rest, "/")
	for _, rt := range s.r53Routes {
		if rt.method != method || len(rt.path) != len(segs) {
			continue
		}
		id, ok := "", true
		for i, p := range rt.path {
			switch {
			case p == "*" && segs[i] != "":
				id = segs[i]
			case p != segs[i]:
				ok = false
			}
		}
		if ok {
			return rt, id
		}
	}
	return nil, ""
}

// serveRoute53 answers a REST-XML Route 53 call: authentication, its input,
// the quota, injected failures, then the operation.
func (s *Server) serveRoute53(w http.ResponseWriter, r *http.Request, rt *r53Route, id string, body []byte, readErr error, rec *Request) {
	cred, authErr := parseSigV4(r)
	if authErr != nil {
		s.finishXML(w, rec, nil, route53AuthError(authErr))
		return
	}
	if rt == nil {
		s.finishXML(w, rec, nil, &awsError{Status: http.StatusNotFound, Code: "UnknownOperationException",
			Message: "The sandbox does not implement " + r.Method + " " + r.URL.Path + "."})
		return
	}
	if err := s.checkScope(cred, route53Service.signingName); err != nil {
		s.finishXML(w, rec, nil, route53AuthError(err))
		return
	}
	if readErr != nil {
		s.finishXML(w, rec, nil, clientError("MalformedInput", "The request body could not be read."))
		return
	}
	if len(body) > maxBodyBytes {
		s.finishXML(w, rec, nil, &awsError{Status: http.StatusRequestEntityTooLarge, Code: "RequestEntityTooLarge", Message: "Request body too large."})
		return
	}
	rec.Name = id // logged even when the input is refused
	names, run, apiErr := rt.prepare(r53Request{id: id, query: r.URL.Query(), body: body})
	if len(names) == 1 {
		rec.Name = names[0]
	}
	if apiErr != nil {
		s.finishXML(w, rec, nil, apiErr)
		return
	}
	if !s.quotas[QuotaRoute53].take(s.now()) {
		s.finishXML(w, rec, nil, clientError("Throttling", "Rate exceeded"))
		return
	}
	if fe := s.takeFault(rt.op, names); fe != nil {
		if fe.Code == codeInternal {
			fe.Code = route53Service.internalCode
		}
		s.finishXML(w, rec, nil, fe)
		return
	}
	ans, apiErr := run()
	s.finishXML(w, rec, ans, apiErr)
}

func errNoSuchHostedZone(id string) *awsError {
	return &awsError{Status: http.StatusNotFound, Code: "NoSuchHostedZone", Message: "No hosted zone found with ID: " + id}
}

// zoneIDInput validates the hosted zone ID of a path.
func zoneIDInput(id, member string) *awsError {
	var v validation
	v.length(&id, member, 0, 32)
	return v.errCode(codeInvalidInput)
}

// maxItems reads a maxitems query parameter: a positive integer, capped at
// limit; empty means limit. It returns the value to echo too.
func maxItems(q url.Values, limit int) (n int, echo string, err *awsError) {
	raw := q.Get("maxitems")
	if raw == "" {
		return limit, strconv.Itoa(limit), nil
	}
	n, convErr := strconv.Atoi(raw)
	if convErr != nil || n < 1 {
		return 0, "", clientError(codeInvalidInput, "Invalid value for maxitems: '"+raw+"'. It must be a positive integer.")
	}
	return min(n, limit), raw, nil
}

// --- ListResourceRecordSets ---

func (s *Server) r53ListRRSets(req r53Request) ([]string, func() (*r53Answer, *awsError), *awsError) {
	if err := zoneIDInput(req.id, "hostedZoneId"); err != nil {
		return nil, nil, err
	}
	q := req.query
	limit, echo, err := maxItems(q, MaxRecordSetsPerPage)
	if err != nil {
		return nil, nil, err
	}
	startName, startType, startID := q.Get("name"), q.Get("type"), q.Get("identifier")
	var v validation
	if startType != "" {
		v.enum(&startType, "type", r53Types...)
	}
	if startID != "" {
		v.length(&startID, "identifier", 1, 128)
	}
	if err := v.errCode(codeInvalidInput); err != nil {
		return nil, nil, err
	}
	switch {
	case startType != "" && startName == "":
		return nil, nil, clientError(codeInvalidInput, "The input is not valid: if you specify type, you must also specify name.")
	case startID != "" && startType == "":
		return nil, nil, clientError(codeInvalidInput, "The input is not valid: if you specify identifier, you must also specify name and type.")
	}
	startKey := ""
	if startName != "" {
		name, problem := canonicalName(startName)
		if problem != "" {
			return nil, nil, clientError(codeInvalidInput, problem)
		}
		startKey = nameSortKey(name)
	}
	return []string{req.id}, func() (*r53Answer, *awsError) {
		st := s.r53
		st.mu.Lock()
		defer st.mu.Unlock()
		z := st.zones[req.id]
		if z == nil {
			return nil, errNoSuchHostedZone(req.id)
		}
		out := xmlListRRSetsResponse{MaxItems: echo, ResourceRecordSets: []xmlRecordSetOut{}}
		for _, rs := range sortedSets(z.sets) {
			if cmpStrings(nameSortKey(rs.name), startKey, rs.typ, startType, rs.setID, startID) < 0 {
				continue
			}
			if len(out.ResourceRecordSets) == limit {
				out.IsTruncated = true
				out.NextRecordName, out.NextRecordType, out.NextRecordIdentifier = escapeName(rs.name), rs.typ, rs.setID
				break
			}
			out.ResourceRecordSets = append(out.ResourceRecordSets, recordSetOut(rs))
		}
		return &r53Answer{body: out}, nil
	}, nil
}

// sortedSets returns record sets in Route 53's listing order: by name with
// the labels reversed, then type, then set identifier.
func sortedSets(sets map[rrKey]*rrSet) []*rrSet {
	type keyed struct {
		key string
		rs  *rrSet
	}
	tmp := make([]keyed, 0, len(sets))
	for _, rs := range sets {
		tmp = append(tmp, keyed{nameSortKey(rs.name), rs})
	}
	slices.SortFunc(tmp, func(a, b keyed) int {
		return cmpStrings(a.key, b.key, a.rs.typ, b.rs.typ, a.rs.setID, b.rs.setID)
	})
	out := make([]*rrSet, len(tmp))
	for i, k := range tmp {
		out[i] = k.rs
	}
	return out
}

func recordSetOut(rs *rrSet) xmlRecordSetOut {
	out := xmlRecordSetOut{
		Name: escapeName(rs.name), Type: rs.typ, SetIdentifier: rs.setID, Weight: rs.weight,
		Region: rs.region, GeoLocation: rs.geo, Failover: rs.failover, MultiValueAnswer: rs.multiValue,
		TTL: rs.ttl, HealthCheckID: rs.healthCheckID,
	}
	if len(rs.records) > 0 {
		out.ResourceRecords = &xmlRecords{}
		for _, v := range rs.records {
			out.ResourceRecords.ResourceRecord = append(out.ResourceRecords.ResourceRecord, xmlRecord{Value: v})
		}
	}
	if a := rs.alias; a != nil {
		out.AliasTarget = &xmlAlias{HostedZoneID: a.zoneID, DNSName: escapeName(a.dnsName), EvaluateTargetHealth: a.evaluate}
	}
	return out
}

// --- GetChange ---

func (s *Server) r53GetChange(req r53Request) ([]string, func() (*r53Answer, *awsError), *awsError) {
	return []string{req.id}, func() (*r53Answer, *awsError) {
		st := s.r53
		st.mu.Lock()
		defer st.mu.Unlock()
		c := st.changes[req.id]
		if c == nil {
			return nil, &awsError{Status: http.StatusNotFound, Code: "NoSuchChange", Message: msgR53NoSuchChange}
		}
		return &r53Answer{body: xmlGetChangeResponse{ChangeInfo: c.info(s.now(), false)}}, nil
	}, nil
}
