package awsapi

import (
	"net/http"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// The hosted zone operations: CreateHostedZone, GetHostedZone,
// DeleteHostedZone, ListHostedZones and ListHostedZonesByName.

// --- CreateHostedZone ---

func (s *Server) r53CreateHostedZone(req r53Request) ([]string, func() (*r53Answer, *awsError), *awsError) {
	var in xmlCreateHostedZoneRequest
	if err := decodeXMLInput(req.body, "CreateHostedZoneRequest", &in, &in.XMLName); err != nil {
		return nil, nil, err
	}
	var v validation
	name, callerRef := trimmed(in.Name), in.CallerReference
	v.required(name, "name")
	v.length(name, "name", 0, 1024)
	v.required(callerRef, "callerReference")
	v.length(callerRef, "callerReference", 1, 128)
	comment, private := "", false
	if c := in.HostedZoneConfig; c != nil {
		v.length(c.Comment, "hostedZoneConfig.comment", 0, 256)
		comment = aws.ToString(c.Comment)
		private = aws.ToBool(v.boolean(c.PrivateZone, "hostedZoneConfig.privateZone"))
	}
	v.length(in.DelegationSetID, "delegationSetId", 0, 32)
	if err := v.errCode(codeInvalidInput); err != nil {
		return nil, nil, err
	}
	if in.VPC != nil || private {
		return nil, nil, clientError(codeInvalidInput, msgR53PrivateZones)
	}
	if in.DelegationSetID != nil {
		return nil, nil, &awsError{Status: http.StatusNotFound, Code: "NoSuchDelegationSet", Message: msgR53NoDelegation}
	}
	zoneName, problem := canonicalName(*name)
	if problem == "" && strings.Contains(zoneName, "*") {
		problem = "FATAL problem: InvalidDomainName (Wildcard characters are not permitted in a hosted zone name) encountered with '" + *name + "'"
	}
	if problem != "" {
		return nil, nil, clientError("InvalidDomainName", problem)
	}
	return nil, func() (*r53Answer, *awsError) {
		st := s.r53
		st.mu.Lock()
		defer st.mu.Unlock()
		if st.callers[*callerRef] {
			return nil, &awsError{Status: http.StatusConflict, Code: "HostedZoneAlreadyExists", Message: msgR53ZoneExists}
		}
		if len(st.zones) >= MaxHostedZones {
			return nil, clientError("TooManyHostedZones", msgR53TooManyZones)
		}
		now := s.now()
		z := st.addZone(zoneName, *callerRef, comment, now)
		ch := st.newChange(z.id, "", now)
		return &r53Answer{
			status:   http.StatusCreated,
			location: route53Endpoint + route53PathPrefix + "hostedzone/" + z.id,
			name:     z.id,
			body: xmlCreateHostedZoneResponse{
				HostedZone:    s.hostedZoneOut(z),
				ChangeInfo:    ch.info(now, true),
				DelegationSet: xmlDelegationSet{NameServers: slices.Clone(z.nameServers)},
			},
		}, nil
	}, nil
}

// --- GetHostedZone, DeleteHostedZone ---

func (s *Server) r53GetHostedZone(req r53Request) ([]string, func() (*r53Answer, *awsError), *awsError) {
	if err := zoneIDInput(req.id, "id"); err != nil {
		return nil, nil, err
	}
	return []string{req.id}, func() (*r53Answer, *awsError) {
		st := s.r53
		st.mu.Lock()
		defer st.mu.Unlock()
		z := st.zones[req.id]
		if z == nil {
			return nil, errNoSuchHostedZone(req.id)
		}
		return &r53Answer{body: xmlGetHostedZoneResponse{
			HostedZone:    s.hostedZoneOut(z),
			DelegationSet: xmlDelegationSet{NameServers: slices.Clone(z.nameServers)},
		}}, nil
	}, nil
}

func (s *Server) r53DeleteHostedZone(req r53Request) ([]string, func() (*r53Answer, *awsError), *awsError) {
	if err := zoneIDInput(req.id, "id"); err != nil {
		return nil, nil, err
	}
	return []string{req.id}, func() (*r53Answer, *awsError) {
		st := s.r53
		st.mu.Lock()
		defer st.mu.Unlock()
		z := st.zones[req.id]
		if z == nil {
			return nil, errNoSuchHostedZone(req.id)
		}
		now := s.now()
		if st.priorCheck.Load() && now.Before(z.insyncAt) {
			return nil, clientError("PriorRequestNotComplete", msgR53PriorRequest)
		}
		for k := range z.sets {
			if k.name != z.name || (k.typ != "SOA" && k.typ != "NS") {
				return nil, clientError("HostedZoneNotEmpty", msgR53ZoneNotEmpty)
			}
		}
		delete(st.zones, z.id)
		st.order = slices.DeleteFunc(st.order, func(id string) bool { return id == z.id })
		ch := st.newChange(z.id, "", now)
		return &r53Answer{body: xmlDeleteHostedZoneResponse{ChangeInfo: ch.info(now, true)}}, nil
	}, nil
}

// --- ListHostedZones, ListHostedZonesByName ---

func (s *Server) r53ListHostedZones(req r53Request) ([]string, func() (*r53Answer, *awsError), *awsError) {
	limit, echo, err := maxItems(req.query, MaxHostedZonesPerPage)
	if err != nil {
		return nil, nil, err
	}
	if req.query.Get("delegationsetid") != "" {
		return nil, nil, &awsError{Status: http.StatusNotFound, Code: "NoSuchDelegationSet", Message: msgR53NoDelegation}
	}
	marker := req.query.Get("marker")
	return nil, func() (*r53Answer, *awsError) {
		st := s.r53
		st.mu.Lock()
		defer st.mu.Unlock()
		start := 0
		if marker != "" {
			start = slices.Index(st.order, bareID(marker))
			if start < 0 {
				return nil, clientError(codeInvalidInput, "Invalid marker: "+marker)
			}
		}
		out := xmlListHostedZonesResponse{Marker: marker, MaxItems: echo, HostedZones: []xmlHostedZone{}}
		for i := start; i < len(st.order); i++ {
			if len(out.HostedZones) == limit {
				out.IsTruncated, out.NextMarker = true, st.order[i]
				break
			}
			out.HostedZones = append(out.HostedZones, s.hostedZoneOut(st.zones[st.order[i]]))
		}
		return &r53Answer{body: out}, nil
	}, nil
}

func (s *Server) r53ListHostedZonesByName(req r53Request) ([]string, func() (*r53Answer, *awsError), *awsError) {
	limit, echo, err := maxItems(req.query, MaxHostedZonesPerPage)
	if err != nil {
		return nil, nil, err
	}
	dnsName, zoneID := req.query.Get("dnsname"), bareID(req.query.Get("hostedzoneid"))
	if zoneID != "" && dnsName == "" {
		return nil, nil, clientError(codeInvalidInput, "If you specify hostedzoneid, you must also specify dnsname.")
	}
	startKey := ""
	if dnsName != "" {
		name, problem := canonicalName(dnsName)
		if problem != "" {
			return nil, nil, clientError("InvalidDomainName", problem)
		}
		startKey = nameSortKey(name)
		dnsName = escapeName(name)
	}
	var names []string
	if zoneID != "" {
		names = []string{zoneID}
	}
	return names, func() (*r53Answer, *awsError) {
		st := s.r53
		st.mu.Lock()
		defer st.mu.Unlock()
		zones := make([]*r53Zone, 0, len(st.zones))
		for _, z := range st.zones {
			zones = append(zones, z)
		}
		slices.SortFunc(zones, func(a, b *r53Zone) int {
			return cmpStrings(nameSortKey(a.name), nameSortKey(b.name), a.id, b.id)
		})
		out := xmlListHostedZonesByNameResponse{DNSName: dnsName, HostedZoneID: zoneID, MaxItems: echo, HostedZones: []xmlHostedZone{}}
		for _, z := range zones {
			if cmpStrings(nameSortKey(z.name), startKey, z.id, zoneID) < 0 {
				continue
			}
			if len(out.HostedZones) == limit {
				out.IsTruncated, out.NextDNSName, out.NextHostedZoneID = true, escapeName(z.name), z.id
				break
			}
			out.HostedZones = append(out.HostedZones, s.hostedZoneOut(z))
		}
		return &r53Answer{body: out}, nil
	}, nil
}

// cmpStrings compares pairs of strings in order.
func cmpStrings(pairs ...string) int {
	for i := 0; i+1 < len(pairs); i += 2 {
		if c := strings.Compare(pairs[i], pairs[i+1]); c != 0 {
			return c
		}
	}
	return 0
}
