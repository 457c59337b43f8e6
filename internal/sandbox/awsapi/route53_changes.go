package awsapi

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// r53ChangeIn is one validated change of a batch.
type r53ChangeIn struct {
	action string
	set    *rrSet
	in     *xmlRecordSetIn
	// rawName is the name as sent; problem is what Route 53 says about a
	// malformed name (see canonicalName).
	rawName, problem string
}

// ChangeResourceRecordSets is transactional: the batch is validated as a
// whole (model constraints, then the shape of each change, then its size),
// then its changes are applied in order to a copy of the zone; the copy
// replaces the zone only when every change succeeded. Route 53 reports
// every failed change of the batch in one InvalidChangeBatch.
func (s *Server) r53ChangeRRSets(req r53Request) ([]string, func() (*r53Answer, *awsError), *awsError) {
	if err := zoneIDInput(req.id, "hostedZoneId"); err != nil {
		return nil, nil, err
	}
	var in xmlChangeRRSetsRequest
	if err := decodeXMLInput(req.body, "ChangeResourceRecordSetsRequest", &in, &in.XMLName); err != nil {
		return nil, nil, err
	}
	changes, comment, apiErr := parseChangeBatch(&in)
	if apiErr != nil {
		return nil, nil, apiErr
	}
	return []string{req.id}, func() (*r53Answer, *awsError) {
		return s.applyChangeBatch(req.id, comment, changes)
	}, nil
}

// parseChangeBatch checks a batch against the model (InvalidInput, worded
// like the AWS validator), then each change's shape (InvalidInput, with
// Route 53's "Invalid request" texts), then the batch size
// (InvalidChangeBatch).
func parseChangeBatch(in *xmlChangeRRSetsRequest) ([]r53ChangeIn, string, *awsError) {
	var v validation
	cb := in.ChangeBatch
	if cb == nil {
		v.add(nil, "changeBatch", "Member must not be null")
		return nil, "", v.errCode(codeInvalidInput)
	}
	v.length(cb.Comment, "changeBatch.comment", 0, 256)
	var raw []xmlChangeIn
	switch {
	case cb.Changes == nil:
		v.add(nil, "changeBatch.changes", "Member must not be null")
	case len(cb.Changes.Change) == 0:
		v.addRaw("Value '[]' at 'changeBatch.changes' failed to satisfy constraint: Member must have length greater than or equal to 1")
	default:
		raw = cb.Changes.Change
	}
	changes := make([]r53ChangeIn, 0, len(raw))
	for i, c := range raw {
		p := fmt.Sprintf("changeBatch.changes.%d.member.", i+1)
		action := trimmed(c.Action)
		v.required(action, p+"action")
		v.enum(action, p+"action", "CREATE", "DELETE", "UPSERT")
		rsIn := c.ResourceRecordSet
		if rsIn == nil {
			v.add(nil, p+"resourceRecordSet", "Member must not be null")
			continue
		}
		p += "resourceRecordSet."
		name, typ, setID := trimmed(rsIn.Name), trimmed(rsIn.Type), rsIn.SetIdentifier
		v.required(name, p+"name")
		v.length(name, p+"name", 0, 1024)
		v.required(typ, p+"type")
		v.enum(typ, p+"type", r53Types...)
		v.length(setID, p+"setIdentifier", 1, 128)
		rs := &rrSet{typ: aws.ToString(typ), setID: aws.ToString(setID), healthCheckID: aws.ToString(trimmed(rsIn.HealthCheckID))}
		rs.weight = v.long(rsIn.Weight, p+"weight", 0, 255)
		region, failover := trimmed(rsIn.Region), trimmed(rsIn.Failover)
		v.enum(region, p+"region", r53Regions...)
		v.enum(failover, p+"failover", "PRIMARY", "SECONDARY")
		rs.region, rs.failover = aws.ToString(region), aws.ToString(failover)
		rs.multiValue = v.boolean(rsIn.MultiValueAnswer, p+"multiValueAnswer")
		if g := rsIn.GeoLocation; g != nil {
			geo := xmlGeo{ContinentCode: strings.TrimSpace(g.ContinentCode), CountryCode: strings.TrimSpace(g.CountryCode), SubdivisionCode: strings.TrimSpace(g.SubdivisionCode)}
			v.length(&geo.ContinentCode, p+"geoLocation.continentCode", 0, 2)
			v.length(&geo.CountryCode, p+"geoLocation.countryCode", 0, 2)
			v.length(&geo.SubdivisionCode, p+"geoLocation.subdivisionCode", 0, 3)
			rs.geo = &geo
		}
		rs.ttl = v.long(rsIn.TTL, p+"tTL", 0, 2147483647)
		if rr := rsIn.ResourceRecords; rr != nil {
			if len(rr.ResourceRecord) == 0 {
				v.addRaw("Value '[]' at '" + p + "resourceRecords' failed to satisfy constraint: Member must have length greater than or equal to 1")
			}
			rs.records = make([]string, 0, len(rr.ResourceRecord))
			for j, r := range rr.ResourceRecord {
				vp := fmt.Sprintf("%sresourceRecords.%d.member.value", p, j+1)
				val := trimmed(r.Value)
				v.required(val, vp)
				v.length(val, vp, 0, 4000)
				rs.records = append(rs.records, aws.ToString(val))
			}
		}
		if a := rsIn.AliasTarget; a != nil {
			zoneID, dnsName := trimmed(a.HostedZoneID), trimmed(a.DNSName)
			v.required(zoneID, p+"aliasTarget.hostedZoneId")
			v.length(zoneID, p+"aliasTarget.hostedZoneId", 0, 32)
			v.required(dnsName, p+"aliasTarget.dNSName")
			v.length(dnsName, p+"aliasTarget.dNSName", 0, 1024)
			if a.EvaluateTargetHealth == nil {
				v.add(nil, p+"aliasTarget.evaluateTargetHealth", "Member must not be null")
			}
			evaluate := v.boolean(a.EvaluateTargetHealth, p+"aliasTarget.evaluateTargetHealth")
			rs.alias = &rrAlias{zoneID: bareID(aws.ToString(zoneID)), dnsName: aws.ToString(dnsName), evaluate: aws.ToBool(evaluate)}
		}
		v.length(trimmed(rsIn.HealthCheckID), p+"healthCheckId", 0, 64)
		v.length(trimmed(rsIn.TrafficPolicyInstanceID), p+"trafficPolicyInstanceId", 1, 36)
		changes = append(changes, r53ChangeIn{action: aws.ToString(action), set: rs, in: rsIn, rawName: aws.ToString(name)})
	}
	if err := v.errCode(codeInvalidInput); err != nil {
		return nil, "", err
	}

	records, chars := 0, 0
	for i, c := range changes {
		if err := checkChangeShape(c); err != nil {
			return nil, "", err
		}
		rs := c.set
		if rs.alias != nil {
			name, problem := canonicalName(rs.alias.dnsName)
			rs.alias.dnsName = name
			if problem != "" {
				changes[i].problem = problem
			}
		}
		name, problem := canonicalName(c.rawName)
		rs.name = name
		if problem != "" {
			changes[i].problem = problem
		}
		weight := 1
		if c.action == "UPSERT" {
			weight = 2
		}
		records += weight * len(rs.records)
		for _, r := range rs.records {
			chars += weight * len(r)
		}
	}
	switch {
	case records > MaxChangeBatchRecords:
		return nil, "", invalidChangeBatch(msgR53RecordsLimit)
	case chars > MaxChangeBatchValueChars:
		return nil, "", invalidChangeBatch(msgR53CharsLimit)
	}
	return changes, aws.ToString(cb.Comment), nil
}

// checkChangeShape applies Route 53's rules on which members a record set
// carries: exactly one of an alias, TTL and records, or a traffic policy
// instance; exactly one routing policy with a SetIdentifier, none without.
func checkChangeShape(c r53ChangeIn) *awsError {
	rs, raw := c.set, c.in
	setID := "null"
	if raw.SetIdentifier != nil {
		setID = rs.setID
	}
	where := fmt.Sprintf("in Change with [Action=%s, Name=%s, Type=%s, SetIdentifier=%s]", c.action, c.rawName, rs.typ, setID)

	hasTTL, hasRecords := raw.TTL != nil, raw.ResourceRecords != nil
	shapes := 0
	for _, present := range []bool{raw.AliasTarget != nil, hasTTL && hasRecords, raw.TrafficPolicyInstanceID != nil} {
		if present {
			shapes++
		}
	}
	if shapes == 1 && hasTTL != hasRecords {
		shapes++ // an alias with a TTL, say
	}
	const shapeList = "Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found "
	switch {
	case shapes == 0:
		return clientError(codeInvalidInput, shapeList+"none "+where)
	case shapes > 1:
		return clientError(codeInvalidInput, shapeList+"more than one "+where)
	case raw.TrafficPolicyInstanceID != nil:
		return clientError(codeInvalidInput, msgR53TrafficPolicy)
	}

	policies := 0
	for _, present := range []bool{raw.Weight != nil, raw.Region != nil, raw.Failover != nil, raw.GeoLocation != nil,
		raw.MultiValueAnswer != nil, raw.GeoProximityLocation != nil, raw.CidrRoutingConfig != nil} {
		if present {
			policies++
		}
	}
	const policyList = "Invalid request: Expected exactly one of [Weight, Region, Failover, GeoLocation, MultiValueAnswer, GeoProximityLocation, or CidrRoutingConfig], but found "
	switch {
	case policies > 1:
		return clientError(codeInvalidInput, policyList+"more than one "+where)
	case policies == 1 && raw.SetIdentifier == nil:
		return clientError(codeInvalidInput, "Invalid request: Missing field 'SetIdentifier' "+where)
	case policies == 0 && raw.SetIdentifier != nil:
		return clientError(codeInvalidInput, policyList+"none "+where)
	case raw.GeoProximityLocation != nil || raw.CidrRoutingConfig != nil:
		return clientError(codeInvalidInput, msgR53RoutingUnsupp)
	}
	return nil
}

func invalidChangeBatch(msgs ...string) *awsError {
	return &awsError{Status: 400, Code: codeInvalidChangeBatch, Message: "[" + strings.Join(msgs, ", ") + "]", Messages: msgs}
}

// applyChangeBatch applies a validated batch to a zone, all or nothing.
func (s *Server) applyChangeBatch(zoneID, comment string, changes []r53ChangeIn) (*r53Answer, *awsError) {
	st := s.r53
	st.mu.Lock()
	defer st.mu.Unlock()
	z := st.zones[zoneID]
	if z == nil {
		return nil, errNoSuchHostedZone(zoneID)
	}
	now := s.now()
	if st.priorCheck.Load() && now.Before(z.insyncAt) {
		return nil, clientError("PriorRequestNotComplete", msgR53PriorRequest)
	}
	// A record set must name a health check that exists
	// (https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html
	// lists NoSuchHealthCheck among its errors).
	for _, c := range changes {
		if id := c.set.healthCheckID; c.action != "DELETE" && id != "" && st.checks[id] == nil {
			return nil, errNoSuchHealthCheck()
		}
	}
	work := maps.Clone(z.sets)
	var msgs []string
	for _, c := range changes {
		if msg := st.applyChange(z, work, c); msg != "" {
			msgs = append(msgs, msg)
		}
	}
	if len(msgs) > 0 {
		return nil, invalidChangeBatch(msgs...)
	}
	z.sets = work
	ch := st.newChange(z.id, comment, now)
	z.insyncAt = ch.insyncAt
	return &r53Answer{body: xmlChangeRRSetsResponse{ChangeInfo: ch.info(now, true)}}, nil
}

// describe names a record set in Route 53's messages:
// [name='api.acme.com.', type='CNAME', set-identifier='aws'].
func (rs *rrSet) describe() string {
	d := fmt.Sprintf("[name='%s', type='%s'", escapeName(rs.name), rs.typ)
	if rs.setID != "" {
		d += fmt.Sprintf(", set-identifier='%s'", rs.setID)
	}
	return d + "]"
}

// applyChange applies one change to work, the zone's record sets being
// changed, and returns Route 53's message when the change fails. The
// caller holds st.mu.
func (st *r53Store) applyChange(z *r53Zone, work map[rrKey]*rrSet, c r53ChangeIn) string {
	rs := c.set
	if c.problem != "" {
		return c.problem
	}
	if !inZone(rs.name, z.name) {
		return fmt.Sprintf("RRSet with DNS name %s is not permitted in zone %s", escapeName(rs.name), escapeName(z.name))
	}
	key := rs.key()
	apex := rs.name == z.name
	if c.action == "DELETE" {
		cur := work[key]
		switch {
		case cur == nil:
			return "Tried to delete resource record set " + rs.describe() + " but it was not found"
		case !cur.equal(rs):
			return "Tried to delete resource record set " + rs.describe() + " but the values provided do not match the current values"
		case apex && rs.typ == "NS":
			return msgR53NeedNS
		case apex && rs.typ == "SOA":
			return msgR53NeedSOA
		}
		delete(work, key)
		return ""
	}

	if msg := checkRecordValues(rs); msg != "" {
		return msg
	}
	switch {
	case rs.typ == "CNAME" && apex:
		return fmt.Sprintf("RRSet of type CNAME with DNS name %s is not permitted at apex in zone %s", escapeName(rs.name), escapeName(z.name))
	case rs.typ == "SOA" && !apex:
		return fmt.Sprintf("RRSet of type SOA with DNS name %s is not permitted because SOA records are only permitted at apex in zone %s", escapeName(rs.name), escapeName(z.name))
	case c.action == "CREATE" && work[key] != nil:
		return "Tried to create resource record set " + rs.describe() + " but it already exists"
	}
	if msg := conflicts(z, work, rs); msg != "" {
		return msg
	}
	if msg := st.checkAlias(z, work, rs); msg != "" {
		return msg
	}
	work[key] = rs
	return ""
}

// conflicts checks a new set against the others at its name: a CNAME
// stands alone, and the sets of one name and type share one routing
// policy.
func conflicts(z *r53Zone, work map[rrKey]*rrSet, rs *rrSet) string {
	var otherTypes, cname bool
	var otherPolicy string
	policyClash := false
	for k, o := range work {
		if k.name != rs.name || k == rs.key() {
			continue
		}
		switch {
		case rs.typ == "CNAME" && o.typ != "CNAME":
			otherTypes = true
		case rs.typ != "CNAME" && o.typ == "CNAME":
			cname = true
		case o.typ == rs.typ && o.policy() != rs.policy():
			if !policyClash || o.policy() < otherPolicy {
				otherPolicy = o.policy()
			}
			policyClash = true
		}
	}
	name, zone := escapeName(rs.name), escapeName(z.name)
	switch {
	case otherTypes:
		return fmt.Sprintf("RRSet of type CNAME with DNS name %s is not permitted as it conflicts with other records with the same DNS name in zone %s", name, zone)
	case cname:
		return fmt.Sprintf("RRSet of type %s with DNS name %s is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone %s", rs.typ, name, zone)
	case !policyClash:
		return ""
	case rs.policy() == "":
		return fmt.Sprintf("RRSet with DNS name %s, type %s cannot be created as %s sets exist with the same name and type.", name, rs.typ, otherPolicy)
	}
	return fmt.Sprintf("RRSet with DNS name %s, type %s, SetIdentifier %s cannot be created as a non-%s set exists with the same name and type.", name, rs.typ, rs.setID, rs.policy())
}

// checkAlias checks an alias whose target is a hosted zone of this
// sandbox: the target name lies in that zone and has records of the
// alias's type. Targets in other zones (load balancers, CloudFront, S3...)
// are accepted as they are.
func (st *r53Store) checkAlias(z *r53Zone, work map[rrKey]*rrSet, rs *rrSet) string {
	a := rs.alias
	if a == nil {
		return ""
	}
	tz := st.zones[a.zoneID]
	if tz == nil {
		return ""
	}
	sets := tz.sets
	if tz == z {
		sets = work
	}
	prefix := fmt.Sprintf("Tried to create an alias that targets %s, type %s in zone %s, but ", escapeName(a.dnsName), rs.typ, a.zoneID)
	if !inZone(a.dnsName, tz.name) {
		return prefix + "the alias target name does not lie within the target zone"
	}
	for k := range sets {
		if k.name == a.dnsName && k.typ == rs.typ && k != rs.key() {
			return ""
		}
	}
	return prefix + "that target was not found"
}

// checkRecordValues applies the rules on record values that Route 53
// checks with its RDATA parser: IPv4 and IPv6 addresses, quoted TXT
// strings, a single CNAME value, no duplicates.
func checkRecordValues(rs *rrSet) string {
	invalid := func(problem, value string) string {
		return fmt.Sprintf("Invalid Resource Record: 'FATAL problem: %s encountered with '%s''", problem, value)
	}
	seen := map[string]bool{}
	for _, v := range rs.records {
		switch rs.typ {
		case "A":
			if a, err := netip.ParseAddr(v); err != nil || !a.Is4() {
				return invalid("ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address)", v)
			}
		case "AAAA":
			if a, err := netip.ParseAddr(v); err != nil || !a.Is6() || a.Zone() != "" {
				return invalid("AAAARRDATAIllegalIPv6Address (Value is not a valid IPv6 address)", v)
			}
		case "TXT", "SPF":
			if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
				return invalid("InvalidCharacterString (Value should be enclosed in quotation marks)", v)
			}
		}
		if seen[v] {
			return fmt.Sprintf("Duplicate Resource Record: '%s'", v)
		}
		seen[v] = true
	}
	if rs.typ == "CNAME" && len(rs.records) > 1 {
		return fmt.Sprintf("RRSet of type CNAME with DNS name %s has more than one value; a CNAME record set holds exactly one", escapeName(rs.name))
	}
	return ""
}

// equal reports whether two sets hold the same values: what a DELETE must
// match. Record order does not matter.
func (rs *rrSet) equal(o *rrSet) bool {
	a, b := slices.Clone(rs.records), slices.Clone(o.records)
	slices.Sort(a)
	slices.Sort(b)
	return rs.key() == o.key() && slices.Equal(a, b) &&
		eqPtr(rs.ttl, o.ttl) && eqPtr(rs.weight, o.weight) && eqPtr(rs.multiValue, o.multiValue) &&
		eqPtr(rs.geo, o.geo) && eqPtr(rs.alias, o.alias) &&
		rs.region == o.region && rs.failover == o.failover && rs.healthCheckID == o.healthCheckID
}

func eqPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
