package awsapi

import (
	"crypto/rand"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Route 53 speaks REST-XML: paths under /2013-04-01/, XML bodies in this
// namespace, errors in an <ErrorResponse>.
const (
	route53Namespace  = "https://route53.amazonaws.com/doc/2013-04-01/"
	route53PathPrefix = "/2013-04-01/"
	// route53Endpoint is the global endpoint named in Location headers.
	route53Endpoint = "https://route53.amazonaws.com"
	// route53SigningRegion is the region Route 53 requests are signed
	// for, whatever the client's region.
	route53SigningRegion = "us-east-1"
	// route53TimeFormat is SubmittedAt on the wire: ISO 8601 in UTC with
	// milliseconds.
	route53TimeFormat = "2006-01-02T15:04:05.000Z"
)

// --- requests ---

// xmlChangeRRSetsRequest is the body of ChangeResourceRecordSets. Every
// leaf is a *string so that absent, empty and malformed values can be told
// apart and reported the way Route 53 does.
type xmlChangeRRSetsRequest struct {
	XMLName     xml.Name
	ChangeBatch *struct {
		Comment *string `xml:"Comment"`
		Changes *struct {
			Change []xmlChangeIn `xml:"Change"`
		} `xml:"Changes"`
	} `xml:"ChangeBatch"`
}

type xmlChangeIn struct {
	Action            *string         `xml:"Action"`
	ResourceRecordSet *xmlRecordSetIn `xml:"ResourceRecordSet"`
}

type xmlRecordSetIn struct {
	Name             *string `xml:"Name"`
	Type             *string `xml:"Type"`
	SetIdentifier    *string `xml:"SetIdentifier"`
	Weight           *string `xml:"Weight"`
	Region           *string `xml:"Region"`
	GeoLocation      *xmlGeo `xml:"GeoLocation"`
	Failover         *string `xml:"Failover"`
	MultiValueAnswer *string `xml:"MultiValueAnswer"`
	TTL              *string `xml:"TTL"`
	ResourceRecords  *struct {
		ResourceRecord []struct {
			Value *string `xml:"Value"`
		} `xml:"ResourceRecord"`
	} `xml:"ResourceRecords"`
	AliasTarget *struct {
		HostedZoneID         *string `xml:"HostedZoneId"`
		DNSName              *string `xml:"DNSName"`
		EvaluateTargetHealth *string `xml:"EvaluateTargetHealth"`
	} `xml:"AliasTarget"`
	HealthCheckID           *string   `xml:"HealthCheckId"`
	TrafficPolicyInstanceID *string   `xml:"TrafficPolicyInstanceId"`
	CidrRoutingConfig       *struct{} `xml:"CidrRoutingConfig"`
	GeoProximityLocation    *struct{} `xml:"GeoProximityLocation"`
}

// xmlGeo is a GeoLocation, in requests and answers.
type xmlGeo struct {
	ContinentCode   string `xml:"ContinentCode,omitempty"`
	CountryCode     string `xml:"CountryCode,omitempty"`
	SubdivisionCode string `xml:"SubdivisionCode,omitempty"`
}

type xmlCreateHostedZoneRequest struct {
	XMLName          xml.Name
	Name             *string `xml:"Name"`
	CallerReference  *string `xml:"CallerReference"`
	HostedZoneConfig *struct {
		Comment     *string `xml:"Comment"`
		PrivateZone *string `xml:"PrivateZone"`
	} `xml:"HostedZoneConfig"`
	DelegationSetID *string   `xml:"DelegationSetId"`
	VPC             *struct{} `xml:"VPC"`
}

// decodeXMLInput decodes a request body into v, whose XMLName field is
// rootName, and checks that the root element is root. An empty body counts
// as an empty root element. Unknown elements are ignored.
func decodeXMLInput(body []byte, root string, v any, rootName *xml.Name) *awsError {
	if strings.TrimSpace(string(body)) == "" {
		return nil
	}
	if err := xml.Unmarshal(body, v); err != nil {
		return clientError("MalformedInput", "Could not parse the request body as XML: "+err.Error())
	}
	if rootName.Local != root {
		return clientError("MalformedInput", rootName.Local+" is not valid, expected "+root)
	}
	return nil
}

// long parses an optional integer member and checks its range.
func (v *validation) long(raw *string, member string, minV, maxV int64) *int64 {
	if raw == nil {
		return nil
	}
	s := strings.TrimSpace(*raw)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		v.add(&s, member, "Member must be a number")
		return nil
	}
	v.intRange(&n, member, minV, maxV)
	return &n
}

// boolean parses an optional boolean member.
func (v *validation) boolean(raw *string, member string) *bool {
	if raw == nil {
		return nil
	}
	s := strings.TrimSpace(*raw)
	if s != "true" && s != "false" {
		v.add(&s, member, "Member must be a boolean (true or false)")
		return nil
	}
	b := s == "true"
	return &b
}

// trimmed returns a copy of an optional member without surrounding
// whitespace.
func trimmed(p *string) *string {
	if p == nil {
		return nil
	}
	s := strings.TrimSpace(*p)
	return &s
}

// --- answers ---

type xmlChangeInfo struct {
	ID          string `xml:"Id"`
	Status      string `xml:"Status"`
	SubmittedAt string `xml:"SubmittedAt"`
	Comment     string `xml:"Comment,omitempty"`
}

type xmlHostedZone struct {
	ID              string `xml:"Id"`
	Name            string `xml:"Name"`
	CallerReference string `xml:"CallerReference"`
	Config          struct {
		Comment     string `xml:"Comment,omitempty"`
		PrivateZone bool   `xml:"PrivateZone"`
	} `xml:"Config"`
	ResourceRecordSetCount int64 `xml:"ResourceRecordSetCount"`
}

type xmlDelegationSet struct {
	NameServers []string `xml:"NameServers>NameServer"`
}

type xmlCreateHostedZoneResponse struct {
	XMLName       xml.Name         `xml:"https://route53.amazonaws.com/doc/2013-04-01/ CreateHostedZoneResponse"`
	HostedZone    xmlHostedZone    `xml:"HostedZone"`
	ChangeInfo    xmlChangeInfo    `xml:"ChangeInfo"`
	DelegationSet xmlDelegationSet `xml:"DelegationSet"`
}

type xmlGetHostedZoneResponse struct {
	XMLName       xml.Name         `xml:"https://route53.amazonaws.com/doc/2013-04-01/ GetHostedZoneResponse"`
	HostedZone    xmlHostedZone    `xml:"HostedZone"`
	DelegationSet xmlDelegationSet `xml:"DelegationSet"`
}

type xmlDeleteHostedZoneResponse struct {
	XMLName    xml.Name      `xml:"https://route53.amazonaws.com/doc/2013-04-01/ DeleteHostedZoneResponse"`
	ChangeInfo xmlChangeInfo `xml:"ChangeInfo"`
}

type xmlChangeRRSetsResponse struct {
	XMLName    xml.Name      `xml:"https://route53.amazonaws.com/doc/2013-04-01/ ChangeResourceRecordSetsResponse"`
	ChangeInfo xmlChangeInfo `xml:"ChangeInfo"`
}

type xmlGetChangeResponse struct {
	XMLName    xml.Name      `xml:"https://route53.amazonaws.com/doc/2013-04-01/ GetChangeResponse"`
	ChangeInfo xmlChangeInfo `xml:"ChangeInfo"`
}

type xmlListHostedZonesResponse struct {
	XMLName     xml.Name        `xml:"https://route53.amazonaws.com/doc/2013-04-01/ ListHostedZonesResponse"`
	HostedZones []xmlHostedZone `xml:"HostedZones>HostedZone"`
	Marker      string          `xml:"Marker"`
	IsTruncated bool            `xml:"IsTruncated"`
	NextMarker  string          `xml:"NextMarker,omitempty"`
	MaxItems    string          `xml:"MaxItems"`
}

type xmlListHostedZonesByNameResponse struct {
	XMLName          xml.Name        `xml:"https://route53.amazonaws.com/doc/2013-04-01/ ListHostedZonesByNameResponse"`
	HostedZones      []xmlHostedZone `xml:"HostedZones>HostedZone"`
	DNSName          string          `xml:"DNSName,omitempty"`
	HostedZoneID     string          `xml:"HostedZoneId,omitempty"`
	IsTruncated      bool            `xml:"IsTruncated"`
	NextDNSName      string          `xml:"NextDNSName,omitempty"`
	NextHostedZoneID string          `xml:"NextHostedZoneId,omitempty"`
	MaxItems         string          `xml:"MaxItems"`
}

type xmlListRRSetsResponse struct {
	XMLName              xml.Name          `xml:"https://route53.amazonaws.com/doc/2013-04-01/ ListResourceRecordSetsResponse"`
	ResourceRecordSets   []xmlRecordSetOut `xml:"ResourceRecordSets>ResourceRecordSet"`
	IsTruncated          bool              `xml:"IsTruncated"`
	NextRecordName       string            `xml:"NextRecordName,omitempty"`
	NextRecordType       string            `xml:"NextRecordType,omitempty"`
	NextRecordIdentifier string            `xml:"NextRecordIdentifier,omitempty"`
	MaxItems             string            `xml:"MaxItems"`
}

type xmlRecordSetOut struct {
	Name             string      `xml:"Name"`
	Type             string      `xml:"Type"`
	SetIdentifier    string      `xml:"SetIdentifier,omitempty"`
	Weight           *int64      `xml:"Weight,omitempty"`
	Region           string      `xml:"Region,omitempty"`
	GeoLocation      *xmlGeo     `xml:"GeoLocation,omitempty"`
	Failover         string      `xml:"Failover,omitempty"`
	MultiValueAnswer *bool       `xml:"MultiValueAnswer,omitempty"`
	TTL              *int64      `xml:"TTL,omitempty"`
	ResourceRecords  *xmlRecords `xml:"ResourceRecords,omitempty"`
	AliasTarget      *xmlAlias   `xml:"AliasTarget,omitempty"`
	HealthCheckID    string      `xml:"HealthCheckId,omitempty"`
}

type xmlRecords struct {
	ResourceRecord []xmlRecord `xml:"ResourceRecord"`
}

type xmlRecord struct {
	Value string `xml:"Value"`
}

type xmlAlias struct {
	HostedZoneID         string `xml:"HostedZoneId"`
	DNSName              string `xml:"DNSName"`
	EvaluateTargetHealth bool   `xml:"EvaluateTargetHealth"`
}

// --- errors ---

// xmlErrorResponse is the REST-XML error body:
//
//	<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
//	  <Error><Type>Sender</Type><Code>...</Code><Message>...</Message></Error>
//	  <RequestId>...</RequestId>
//	</ErrorResponse>
//
// InvalidChangeBatch also lists each problem in <Messages> inside <Error>,
// where the SDKs' generated deserializers read the members of the modeled
// error.
type xmlErrorResponse struct {
	XMLName xml.Name `xml:"https://route53.amazonaws.com/doc/2013-04-01/ ErrorResponse"`
	Error   struct {
		Type     string       `xml:"Type"`
		Code     string       `xml:"Code"`
		Message  string       `xml:"Message"`
		Messages *xmlMessages `xml:"Messages,omitempty"`
	} `xml:"Error"`
	RequestID string `xml:"RequestId"`
}

type xmlMessages struct {
	Message []string `xml:"Message"`
}

// xmlInvalidChangeBatch is the older InvalidChangeBatch body, rooted at
// <InvalidChangeBatch>, which the SDKs decode with a customization (see
// Options.Route53LegacyInvalidChangeBatch).
type xmlInvalidChangeBatch struct {
	XMLName   xml.Name    `xml:"https://route53.amazonaws.com/doc/2013-04-01/ InvalidChangeBatch"`
	Messages  xmlMessages `xml:"Messages"`
	RequestID string      `xml:"RequestId"`
}

// r53Answer is a successful Route 53 answer.
type r53Answer struct {
	status   int    // 200 when 0
	location string // the Location header, if any
	body     any    // marshalled as XML
	// name, when set, replaces Request.Name in the log (CreateHostedZone
	// only learns its zone ID when it runs).
	name string
}

// route53ErrorBody renders an error answer. Client errors have Type Sender,
// server errors Receiver.
func (s *Server) route53ErrorBody(e *awsError, requestID string) []byte {
	msgs := e.Messages
	if e.Code == codeInvalidChangeBatch && len(msgs) == 0 {
		msgs = []string{e.Message}
	}
	if e.Code == codeInvalidChangeBatch && s.r53.legacyBatchErrors {
		b, _ := xml.Marshal(xmlInvalidChangeBatch{Messages: xmlMessages{Message: msgs}, RequestID: requestID})
		return append([]byte(xml.Header), b...)
	}
	var out xmlErrorResponse
	out.Error.Type = "Sender"
	if e.Status >= 500 {
		out.Error.Type = "Receiver"
	}
	out.Error.Code = e.Code
	out.Error.Message = e.Message
	if e.Code == codeInvalidChangeBatch {
		out.Error.Message = "[" + strings.Join(msgs, ", ") + "]"
		out.Error.Messages = &xmlMessages{Message: msgs}
	}
	out.RequestID = requestID
	b, _ := xml.Marshal(out) // strings only: always marshals
	return append([]byte(xml.Header), b...)
}

// finishXML logs the request, then answers it in REST-XML.
func (s *Server) finishXML(w http.ResponseWriter, rec *Request, ans *r53Answer, apiErr *awsError) {
	h := w.Header()
	var body []byte
	status := http.StatusOK
	if apiErr == nil {
		b, err := xml.Marshal(ans.body)
		if err != nil {
			apiErr = &awsError{Status: http.StatusInternalServerError, Code: "InternalFailure", Message: "The request processing has failed because of an unknown error, exception or failure."}
		} else {
			body = append([]byte(xml.Header), b...)
			if ans.status != 0 {
				status = ans.status
			}
			if ans.location != "" {
				h.Set("Location", ans.location)
			}
			if ans.name != "" {
				rec.Name = ans.name
			}
		}
	}
	if apiErr != nil {
		status = apiErr.Status
		rec.ErrorCode = apiErr.Code
		body = s.route53ErrorBody(apiErr, h.Get("x-amzn-RequestId"))
	}
	rec.Status = status
	s.record(*rec)

	h.Set("Content-Type", "text/xml")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// route53AuthError translates a SigV4 problem into the codes of an XML
// service.
func route53AuthError(e *awsError) *awsError {
	out := *e
	switch e.Code {
	case "MissingAuthenticationTokenException":
		out.Code, out.Status = "MissingAuthenticationToken", http.StatusForbidden
	case "IncompleteSignatureException":
		out.Code = "IncompleteSignature"
	case "InvalidSignatureException":
		out.Code, out.Status = "SignatureDoesNotMatch", http.StatusForbidden
	case "UnrecognizedClientException":
		out.Code, out.Status = "InvalidClientTokenId", http.StatusForbidden
	}
	return &out
}

// --- names ---

// canonicalName normalises a DNS name as Route 53 stores it: surrounding
// spaces trimmed, \DDD escapes decoded, letters lowercased, a trailing dot
// added. problem is Route 53's complaint about a malformed name, empty when
// the name is fine.
func canonicalName(raw string) (name, problem string) {
	s := strings.TrimSpace(raw)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			if i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) {
				n, _ := strconv.ParseUint(s[i+1:i+4], 8, 8)
				c = byte(n)
				i += 3
			} else {
				i++
				c = s[i]
			}
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	name = b.String()
	if !strings.HasSuffix(name, ".") {
		name += "."
	}
	if name == "." {
		return name, fmt.Sprintf("FATAL problem: DomainLabelEmpty (Domain label is empty) encountered with '%s'", raw)
	}
	for label := range strings.SplitSeq(strings.TrimSuffix(name, "."), ".") {
		switch {
		case label == "":
			return name, fmt.Sprintf("FATAL problem: DomainLabelEmpty (Domain label is empty) encountered with '%s'", raw)
		case len(label) > 63:
			return name, fmt.Sprintf("FATAL problem: DomainLabelTooLong (Domain label is too long) encountered with '%s'", raw)
		}
	}
	if len(name) > 255 {
		return name, fmt.Sprintf("FATAL problem: DomainNameTooLong (Domain name is too long) encountered with '%s'", raw)
	}
	return name, ""
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// escapeName renders a canonical name as Route 53 returns it: characters
// other than a-z, 0-9, "-", "_" and "." as \DDD octal escapes ("*" is
// \052).
func escapeName(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "\\%03o", c)
	}
	return b.String()
}

// nameSortKey is the key Route 53 lists records by: the labels reversed,
// with the trailing dot ("api.acme.com." sorts as "com.acme.api.").
func nameSortKey(name string) string {
	labels := strings.Split(strings.TrimSuffix(name, "."), ".")
	for i, j := 0, len(labels)-1; i < j; i, j = i+1, j-1 {
		labels[i], labels[j] = labels[j], labels[i]
	}
	return strings.Join(labels, ".") + "."
}

// inZone reports whether the canonical name lies in the zone (the apex
// included).
func inZone(name, zone string) bool {
	return name == zone || strings.HasSuffix(name, "."+zone)
}

// route53ID returns prefix and n random uppercase letters and digits, the
// shape of hosted zone ("Z...") and change ("C...") IDs.
func route53ID(prefix string, n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	buf := make([]byte, n)
	_, _ = rand.Read(buf)
	for i := range buf {
		buf[i] = alphabet[int(buf[i])%len(alphabet)]
	}
	return prefix + string(buf)
}

// bareID strips the "/hostedzone/" or "/change/" prefix the API returns,
// as the SDKs do before sending an ID back.
func bareID(id string) string {
	return id[strings.LastIndex(id, "/")+1:]
}

func wireTime(t time.Time) string {
	return t.UTC().Format(route53TimeFormat)
}
