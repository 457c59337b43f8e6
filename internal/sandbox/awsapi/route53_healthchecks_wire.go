package awsapi

import "encoding/xml"

// The XML of the health check operations and of TestDNSAnswer. Element
// names and order are those of the Route 53 API reference
// (https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHealthCheck.html,
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html,
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_TestDNSAnswer.html),
// which aws-sdk-go-v2's route53 deserializers read.

// --- requests ---

// xmlHealthCheckConfigIn is a HealthCheckConfig in a request. Every leaf
// is a *string so that absent and malformed values can be told apart.
// UpdateHealthCheckRequest embeds it: Type, RequestInterval,
// MeasureLatency and RoutingControlArn are not members of an update and
// are ignored there, as unknown elements are.
type xmlHealthCheckConfigIn struct {
	IPAddress                *string `xml:"IPAddress"`
	Port                     *string `xml:"Port"`
	Type                     *string `xml:"Type"`
	ResourcePath             *string `xml:"ResourcePath"`
	FullyQualifiedDomainName *string `xml:"FullyQualifiedDomainName"`
	SearchString             *string `xml:"SearchString"`
	RequestInterval          *string `xml:"RequestInterval"`
	FailureThreshold         *string `xml:"FailureThreshold"`
	MeasureLatency           *string `xml:"MeasureLatency"`
	Inverted                 *string `xml:"Inverted"`
	Disabled                 *string `xml:"Disabled"`
	HealthThreshold          *string `xml:"HealthThreshold"`
	ChildHealthChecks        *struct {
		ChildHealthCheck []string `xml:"ChildHealthCheck"`
	} `xml:"ChildHealthChecks"`
	EnableSNI *string `xml:"EnableSNI"`
	Regions   *struct {
		Region []string `xml:"Region"`
	} `xml:"Regions"`
	AlarmIdentifier              *xmlAlarmIdentifier `xml:"AlarmIdentifier"`
	InsufficientDataHealthStatus *string             `xml:"InsufficientDataHealthStatus"`
	RoutingControlArn            *string             `xml:"RoutingControlArn"`
}

type xmlAlarmIdentifier struct {
	Region string `xml:"Region"`
	Name   string `xml:"Name"`
}

type xmlCreateHealthCheckRequest struct {
	XMLName           xml.Name
	CallerReference   *string                 `xml:"CallerReference"`
	HealthCheckConfig *xmlHealthCheckConfigIn `xml:"HealthCheckConfig"`
}

type xmlUpdateHealthCheckRequest struct {
	XMLName            xml.Name
	HealthCheckVersion *string `xml:"HealthCheckVersion"`
	xmlHealthCheckConfigIn
	ResetElements *struct {
		ResettableElementName []string `xml:"ResettableElementName"`
	} `xml:"ResetElements"`
}

// --- answers ---

type xmlHealthCheckConfigOut struct {
	IPAddress                    string              `xml:"IPAddress,omitempty"`
	Port                         *int64              `xml:"Port,omitempty"`
	Type                         string              `xml:"Type"`
	ResourcePath                 string              `xml:"ResourcePath,omitempty"`
	FullyQualifiedDomainName     string              `xml:"FullyQualifiedDomainName,omitempty"`
	SearchString                 string              `xml:"SearchString,omitempty"`
	RequestInterval              *int64              `xml:"RequestInterval,omitempty"`
	FailureThreshold             *int64              `xml:"FailureThreshold,omitempty"`
	MeasureLatency               *bool               `xml:"MeasureLatency,omitempty"`
	Inverted                     bool                `xml:"Inverted"`
	Disabled                     bool                `xml:"Disabled"`
	HealthThreshold              *int64              `xml:"HealthThreshold,omitempty"`
	ChildHealthChecks            *xmlChildChecks     `xml:"ChildHealthChecks,omitempty"`
	EnableSNI                    *bool               `xml:"EnableSNI,omitempty"`
	Regions                      *xmlRegions         `xml:"Regions,omitempty"`
	AlarmIdentifier              *xmlAlarmIdentifier `xml:"AlarmIdentifier,omitempty"`
	InsufficientDataHealthStatus string              `xml:"InsufficientDataHealthStatus,omitempty"`
}

type xmlChildChecks struct {
	ChildHealthCheck []string `xml:"ChildHealthCheck"`
}

type xmlRegions struct {
	Region []string `xml:"Region"`
}

type xmlHealthCheckOut struct {
	ID                 string                  `xml:"Id"`
	CallerReference    string                  `xml:"CallerReference"`
	HealthCheckConfig  xmlHealthCheckConfigOut `xml:"HealthCheckConfig"`
	HealthCheckVersion int64                   `xml:"HealthCheckVersion"`
}

type xmlCreateHealthCheckResponse struct {
	XMLName     xml.Name          `xml:"https://route53.amazonaws.com/doc/2013-04-01/ CreateHealthCheckResponse"`
	HealthCheck xmlHealthCheckOut `xml:"HealthCheck"`
}

type xmlGetHealthCheckResponse struct {
	XMLName     xml.Name          `xml:"https://route53.amazonaws.com/doc/2013-04-01/ GetHealthCheckResponse"`
	HealthCheck xmlHealthCheckOut `xml:"HealthCheck"`
}

type xmlUpdateHealthCheckResponse struct {
	XMLName     xml.Name          `xml:"https://route53.amazonaws.com/doc/2013-04-01/ UpdateHealthCheckResponse"`
	HealthCheck xmlHealthCheckOut `xml:"HealthCheck"`
}

type xmlDeleteHealthCheckResponse struct {
	XMLName xml.Name `xml:"https://route53.amazonaws.com/doc/2013-04-01/ DeleteHealthCheckResponse"`
}

type xmlListHealthChecksResponse struct {
	XMLName      xml.Name            `xml:"https://route53.amazonaws.com/doc/2013-04-01/ ListHealthChecksResponse"`
	HealthChecks []xmlHealthCheckOut `xml:"HealthChecks>HealthCheck"`
	Marker       string              `xml:"Marker"`
	IsTruncated  bool                `xml:"IsTruncated"`
	NextMarker   string              `xml:"NextMarker,omitempty"`
	MaxItems     string              `xml:"MaxItems"`
}

type xmlHealthCheckObservation struct {
	Region       string `xml:"Region"`
	IPAddress    string `xml:"IPAddress"`
	StatusReport struct {
		Status      string `xml:"Status"`
		CheckedTime string `xml:"CheckedTime"`
	} `xml:"StatusReport"`
}

type xmlGetHealthCheckStatusResponse struct {
	XMLName      xml.Name                    `xml:"https://route53.amazonaws.com/doc/2013-04-01/ GetHealthCheckStatusResponse"`
	Observations []xmlHealthCheckObservation `xml:"HealthCheckObservations>HealthCheckObservation"`
}

type xmlTestDNSAnswerResponse struct {
	XMLName      xml.Name `xml:"https://route53.amazonaws.com/doc/2013-04-01/ TestDNSAnswerResponse"`
	Nameserver   string   `xml:"Nameserver"`
	RecordName   string   `xml:"RecordName"`
	RecordType   string   `xml:"RecordType"`
	RecordData   []string `xml:"RecordData>RecordDataEntry"`
	ResponseCode string   `xml:"ResponseCode"`
	Protocol     string   `xml:"Protocol"`
}
