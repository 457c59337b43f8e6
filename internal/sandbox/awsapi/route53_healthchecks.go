package awsapi

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Health checks: CreateHealthCheck, GetHealthCheck, UpdateHealthCheck,
// DeleteHealthCheck, GetHealthCheckStatus and ListHealthChecks
// (https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHealthCheck.html
// and the pages beside it). The sandbox checks no endpoint: a check is
// healthy until a test says otherwise with SetHealthCheckStatus.

// Health check limits and defaults.
const (
	// MaxHealthChecks is the default quota of active health checks of an
	// account (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DNSLimitations.html).
	MaxHealthChecks = 200
	// DefaultHealthChecksPerPage and MaxHealthChecksPerPage are the default
	// and largest page of ListHealthChecks.
	DefaultHealthChecksPerPage = 100
	MaxHealthChecksPerPage     = 1000

	hcDefaultInterval  = 30
	hcDefaultThreshold = 3
)

// Health check error messages: the descriptions of the errors in the API
// reference, or the sandbox's own wording where it says so.
const (
	msgR53NoSuchHealthCheck  = "No health check exists with the specified ID."
	msgR53HealthCheckExists  = "A different health check has already been created with the specified caller reference."
	msgR53HealthCheckVersion = "The value of HealthCheckVersion in the request doesn't match the value of HealthCheckVersion in the health check."
	msgR53HealthCheckInUse   = "There are resource records associated with this health check. Before you can delete the health check, you must disassociate it from the resource record sets."
	msgR53TooManyChecks      = "This health check can't be created because the current account has reached the limit on the number of active health checks."
)

var (
	hcTypes         = []string{"HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP", "CALCULATED", "CLOUDWATCH_METRIC", "RECOVERY_CONTROL"}
	hcRegions       = []string{"us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1"}
	hcInsufficient  = []string{"Healthy", "Unhealthy", "LastKnownStatus"}
	hcResettable    = []string{"FullyQualifiedDomainName", "Regions", "ResourcePath", "ChildHealthChecks"}
	hcEndpointTypes = []string{"HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP"}
)

// hcConfig is the settings of a health check, defaults applied.
type hcConfig struct {
	typ, ip, fqdn, path, search string
	port                        int64 // 0 for CALCULATED and CLOUDWATCH_METRIC
	interval, failure           int64 // likewise
	measureLatency              bool
	inverted, disabled          bool
	enableSNI                   bool
	healthThreshold             *int64
	children, regions           []string
	alarm                       *xmlAlarmIdentifier
	insufficient                string
}

func (c *hcConfig) endpoint() bool { return slices.Contains(hcEndpointTypes, c.typ) }

type r53HealthCheck struct {
	id, callerRef string
	version       int64
	cfg           hcConfig
	// reported is the status the checkers report (SetHealthCheckStatus);
	// healthy until a test says otherwise.
	reported bool
}

// r53Caller remembers what a CallerReference created: it serves once,
// even after the check is deleted.
type r53Caller struct {
	id  string
	cfg hcConfig
}

// HealthCheckState is a health check as Route 53 holds it, for tests.
type HealthCheckState struct {
	ID, CallerReference, Type     string
	FQDN, IPAddress, ResourcePath string
	Port                          int
	RequestInterval               int
	FailureThreshold              int
	EnableSNI, Inverted, Disabled bool
	Version                       int64
	ChildHealthChecks, Regions    []string
	// Reported is the status last set with SetHealthCheckStatus (true
	// until then); Healthy is the status Route 53 acts on, after
	// Disabled, Inverted and, for CALCULATED, the children's.
	Reported, Healthy bool
	// References counts the record sets that name the check.
	References int
}

// SetHealthCheckStatus sets what the checkers of a health check report
// from now on: healthy or not. Answers (TestDNSAnswer, EligibleRecords)
// follow at once. A CALCULATED check's status derives from its children.
func (s *Server) SetHealthCheckStatus(id string, healthy bool) error {
	st := s.r53
	st.mu.Lock()
	defer st.mu.Unlock()
	hc := st.checks[id]
	switch {
	case hc == nil:
		return fmt.Errorf("awsapi: no health check %q", id)
	case hc.cfg.typ == "CALCULATED":
		return fmt.Errorf("awsapi: health check %q is CALCULATED: set its children's status", id)
	}
	hc.reported = healthy
	return nil
}

// SetRefuseHealthCheckInUse turns the HealthCheckInUse refusal on or off
// from now on (see Options.Route53RefuseHealthCheckInUse).
func (s *Server) SetRefuseHealthCheckInUse(on bool) {
	s.r53.refuseInUse.Store(on)
}

// HealthChecks returns every health check in creation order.
func (s *Server) HealthChecks() []HealthCheckState {
	st := s.r53
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]HealthCheckState, 0, len(st.checkOrder))
	for _, id := range st.checkOrder {
		hc := st.checks[id]
		c := hc.cfg
		out = append(out, HealthCheckState{
			ID: hc.id, CallerReference: hc.callerRef, Type: c.typ,
			FQDN: c.fqdn, IPAddress: c.ip, ResourcePath: c.path, Port: int(c.port),
			RequestInterval: int(c.interval), FailureThreshold: int(c.failure),
			EnableSNI: c.enableSNI, Inverted: c.inverted, Disabled: c.disabled, Version: hc.version,
			ChildHealthChecks: slices.Clone(c.children), Regions: slices.Clone(c.regions),
			Reported: hc.reported, Healthy: st.checkHealthy(hc, 0), References: st.references(hc.id),
		})
	}
	return out
}

// checkHealthy is the status Route 53 acts on: a disabled check is
// healthy, Inverted turns the status over, a CALCULATED check is healthy
// when at least HealthThreshold of its children are
// (https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html).
// The caller holds st.mu.
func (st *r53Store) checkHealthy(hc *r53HealthCheck, depth int) bool {
	c := &hc.cfg
	healthy := hc.reported
	switch {
	case c.disabled:
		healthy = true
	case c.typ == "CALCULATED":
		n := int64(0)
		for _, id := range c.children {
			if child := st.checks[id]; child != nil && depth < 4 && st.checkHealthy(child, depth+1) {
				n++
			}
		}
		healthy = n >= aws.ToInt64(c.healthThreshold)
	}
	return healthy != c.inverted
}

// references counts the record sets that name a health check. The caller
// holds st.mu.
func (st *r53Store) references(id string) int {
	n := 0
	for _, z := range st.zones {
		for _, rs := range z.sets {
			if rs.healthCheckID == id {
				n++
			}
		}
	}
	return n
}

// healthCheckID returns a new ID shaped like Route 53's, a UUID.
func healthCheckID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func errNoSuchHealthCheck() *awsError {
	return &awsError{Status: http.StatusNotFound, Code: "NoSuchHealthCheck", Message: msgR53NoSuchHealthCheck}
}

func healthCheckIDInput(id string) *awsError {
	var v validation
	v.length(&id, "healthCheckId", 0, 64)
	return v.errCode(codeInvalidInput)
}

// --- validation ---

// parseHealthCheckFields checks the members a create and an update share
// against the model, with member names under prefix, into c.
func parseHealthCheckFields(v *validation, in *xmlHealthCheckConfigIn, prefix string, c *hcConfig) {
	str := func(p *string, member string, maxLen int) *string {
		p = trimmed(p)
		v.length(p, prefix+member, 0, maxLen)
		return p
	}
	if p := str(in.IPAddress, "iPAddress", 45); p != nil {
		c.ip = *p
	}
	if p := str(in.FullyQualifiedDomainName, "fullyQualifiedDomainName", 255); p != nil {
		c.fqdn = *p
	}
	if p := str(in.ResourcePath, "resourcePath", 255); p != nil {
		c.path = *p
	}
	if p := str(in.SearchString, "searchString", 255); p != nil {
		c.search = *p
	}
	if n := v.long(in.Port, prefix+"port", 1, 65535); n != nil {
		c.port = *n
	}
	if n := v.long(in.FailureThreshold, prefix+"failureThreshold", 1, 10); n != nil {
		c.failure = *n
	}
	if n := v.long(in.HealthThreshold, prefix+"healthThreshold", 0, 256); n != nil {
		c.healthThreshold = n
	}
	if b := v.boolean(in.Inverted, prefix+"inverted"); b != nil {
		c.inverted = *b
	}
	if b := v.boolean(in.Disabled, prefix+"disabled"); b != nil {
		c.disabled = *b
	}
	if b := v.boolean(in.EnableSNI, prefix+"enableSNI"); b != nil {
		c.enableSNI = *b
	}
	if ch := in.ChildHealthChecks; ch != nil {
		if len(ch.ChildHealthCheck) > 256 {
			v.addRaw(fmt.Sprintf("Value '%s' at '%schildHealthChecks' failed to satisfy constraint: Member must have length less than or equal to 256", listString(ch.ChildHealthCheck), prefix))
		}
		c.children = make([]string, 0, len(ch.ChildHealthCheck))
		for i, id := range ch.ChildHealthCheck {
			id = strings.TrimSpace(id)
			v.length(&id, fmt.Sprintf("%schildHealthChecks.%d.member", prefix, i+1), 0, 64)
			c.children = append(c.children, id)
		}
	}
	if r := in.Regions; r != nil {
		if n := len(r.Region); n < 3 || n > 64 {
			v.addRaw(fmt.Sprintf("Value '%s' at '%sregions' failed to satisfy constraint: Member must have length between 3 and 64", listString(r.Region), prefix))
		}
		c.regions = make([]string, 0, len(r.Region))
		for i, region := range r.Region {
			region = strings.TrimSpace(region)
			v.enum(&region, fmt.Sprintf("%sregions.%d.member", prefix, i+1), hcRegions...)
			c.regions = append(c.regions, region)
		}
	}
	if a := in.AlarmIdentifier; a != nil {
		alarm := xmlAlarmIdentifier{Region: strings.TrimSpace(a.Region), Name: strings.TrimSpace(a.Name)}
		v.length(&alarm.Name, prefix+"alarmIdentifier.name", 1, 256)
		v.length(&alarm.Region, prefix+"alarmIdentifier.region", 1, 64)
		c.alarm = &alarm
	}
	if p := trimmed(in.InsufficientDataHealthStatus); p != nil {
		v.enum(p, prefix+"insufficientDataHealthStatus", hcInsufficient...)
		c.insufficient = *p
	}
}

// checkHealthCheckRules applies the rules Route 53 checks beyond the
// model. The texts are the sandbox's own, shaped like Route 53's
// "Invalid parameter : ..." messages. The caller holds st.mu (children
// must exist).
func (st *r53Store) checkHealthCheckRules(c *hcConfig) *awsError {
	bad := func(msg string) *awsError { return clientError(codeInvalidInput, "Invalid parameter : "+msg) }
	switch {
	case c.typ == "RECOVERY_CONTROL":
		return clientError(codeInvalidInput, "The sandbox does not support RECOVERY_CONTROL health checks.")
	case c.endpoint() && c.ip == "" && c.fqdn == "":
		return bad("An endpoint health check needs an IPAddress or a FullyQualifiedDomainName.")
	case c.endpoint() && c.interval != 10 && c.interval != 30:
		return bad("RequestInterval must be 10 or 30.")
	case c.endpoint() && c.alarm != nil:
		return bad("Basic health checks must not have an metric region specified.")
	case c.typ == "TCP" && c.port == 0:
		return bad("A TCP health check needs a Port.")
	case strings.HasSuffix(c.typ, "_STR_MATCH") && c.search == "":
		return bad("A " + c.typ + " health check needs a SearchString.")
	case !strings.HasSuffix(c.typ, "_STR_MATCH") && c.search != "":
		return bad("SearchString is only valid for HTTP_STR_MATCH and HTTPS_STR_MATCH health checks.")
	case c.typ == "CALCULATED" && c.healthThreshold == nil:
		return bad("A CALCULATED health check needs a HealthThreshold.")
	case c.typ == "CLOUDWATCH_METRIC" && c.alarm == nil:
		return bad("A CLOUDWATCH_METRIC health check needs an AlarmIdentifier.")
	}
	// CreateHealthCheck models no NoSuchHealthCheck: a missing child is
	// InvalidInput.
	for _, id := range c.children {
		if st.checks[id] == nil {
			return bad("The child health check " + id + " does not exist.")
		}
	}
	return nil
}

// --- CreateHealthCheck ---

func (s *Server) r53CreateHealthCheck(req r53Request) ([]string, func() (*r53Answer, *awsError), *awsError) {
	var in xmlCreateHealthCheckRequest
	if err := decodeXMLInput(req.body, "CreateHealthCheckRequest", &in, &in.XMLName); err != nil {
		return nil, nil, err
	}
	var v validation
	callerRef := in.CallerReference
	v.required(callerRef, "callerReference")
	v.length(callerRef, "callerReference", 1, 64)
	cfg := hcConfig{}
	if in.HealthCheckConfig == nil {
		v.add(nil, "healthCheckConfig", "Member must not be null")
	} else {
		hc := in.HealthCheckConfig
		typ := trimmed(hc.Type)
		v.required(typ, "healthCheckConfig.type")
		v.enum(typ, "healthCheckConfig.type", hcTypes...)
		cfg.typ = aws.ToString(typ)
		cfg.interval, cfg.failure = hcDefaultInterval, hcDefaultThreshold
		cfg.enableSNI = strings.HasPrefix(cfg.typ, "HTTPS")
		if n := v.long(hc.RequestInterval, "healthCheckConfig.requestInterval", 10, 30); n != nil {
			cfg.interval = *n
		}
		if b := v.boolean(hc.MeasureLatency, "healthCheckConfig.measureLatency"); b != nil {
			cfg.measureLatency = *b
		}
		parseHealthCheckFields(&v, hc, "healthCheckConfig.", &cfg)
	}
	if err := v.errCode(codeInvalidInput); err != nil {
		return nil, nil, err
	}
	if cfg.endpoint() {
		if cfg.port == 0 && cfg.typ != "TCP" {
			cfg.port = 80
			if strings.HasPrefix(cfg.typ, "HTTPS") {
				cfg.port = 443
			}
		}
	} else {
		cfg.port, cfg.interval, cfg.failure, cfg.enableSNI = 0, 0, 0, false
	}
	return nil, func() (*r53Answer, *awsError) {
		st := s.r53
		st.mu.Lock()
		defer st.mu.Unlock()
		if err := st.checkHealthCheckRules(&cfg); err != nil {
			return nil, err
		}
		// The same CallerReference and settings return the existing check;
		// other settings, or a deleted check, are HealthCheckAlreadyExists
		// (https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHealthCheck.html).
		if prior, used := st.checkCallers[*callerRef]; used {
			hc := st.checks[prior.id]
			if hc == nil || !reflect.DeepEqual(prior.cfg, cfg) {
				return nil, &awsError{Status: http.StatusConflict, Code: "HealthCheckAlreadyExists", Message: msgR53HealthCheckExists}
			}
			return healthCheckCreated(hc), nil
		}
		if len(st.checks) >= MaxHealthChecks {
			return nil, clientError("TooManyHealthChecks", msgR53TooManyChecks)
		}
		hc := &r53HealthCheck{id: healthCheckID(), callerRef: *callerRef, version: 1, cfg: cfg, reported: true}
		st.checks[hc.id] = hc
		st.checkOrder = append(st.checkOrder, hc.id)
		st.checkCallers[hc.callerRef] = r53Caller{id: hc.id, cfg: cfg}
		return healthCheckCreated(hc), nil
	}, nil
}

func healthCheckCreated(hc *r53HealthCheck) *r53Answer {
	return &r53Answer{
		status:   http.StatusCreated,
		location: route53Endpoint + route53PathPrefix + "healthcheck/" + hc.id,
		name:     hc.id,
		body:     xmlCreateHealthCheckResponse{HealthCheck: healthCheckOut(hc)},
	}
}

func healthCheckOut(hc *r53HealthCheck) xmlHealthCheckOut {
	c := hc.cfg
	out := xmlHealthCheckConfigOut{
		IPAddress: c.ip, Type: c.typ, ResourcePath: c.path, FullyQualifiedDomainName: c.fqdn,
		SearchString: c.search, Inverted: c.inverted, Disabled: c.disabled,
		HealthThreshold: c.healthThreshold, AlarmIdentifier: c.alarm, InsufficientDataHealthStatus: c.insufficient,
	}
	if c.endpoint() {
		out.RequestInterval, out.FailureThreshold, out.MeasureLatency = &c.interval, &c.failure, &c.measureLatency
		if c.port != 0 {
			out.Port = &c.port
		}
		if c.typ != "TCP" {
			out.EnableSNI = &c.enableSNI
		}
	}
	if c.children != nil {
		out.ChildHealthChecks = &xmlChildChecks{ChildHealthCheck: slices.Clone(c.children)}
	}
	if c.regions != nil {
		out.Regions = &xmlRegions{Region: slices.Clone(c.regions)}
	}
	return xmlHealthCheckOut{ID: hc.id, CallerReference: hc.callerRef, HealthCheckConfig: out, HealthCheckVersion: hc.version}
}

// --- GetHealthCheck, DeleteHealthCheck ---

// withHealthCheck prepares an operation on the health check in the path.
func (s *Server) withHealthCheck(req r53Request, run func(st *r53Store, hc *r53HealthCheck) (*r53Answer, *awsError)) ([]string, func() (*r53Answer, *awsError), *awsError) {
	if err := healthCheckIDInput(req.id); err != nil {
		return nil, nil, err
	}
	return []string{req.id}, func() (*r53Answer, *awsError) {
		st := s.r53
		st.mu.Lock()
		defer st.mu.Unlock()
		hc := st.checks[req.id]
		if hc == nil {
			return nil, errNoSuchHealthCheck()
		}
		return run(st, hc)
	}, nil
}

func (s *Server) r53GetHealthCheck(req r53Request) ([]string, func() (*r53Answer, *awsError), *awsError) {
	return s.withHealthCheck(req, func(_ *r53Store, hc *r53HealthCheck) (*r53Answer, *awsError) {
		return &r53Answer{body: xmlGetHealthCheckResponse{HealthCheck: healthCheckOut(hc)}}, nil
	})
}

// r53DeleteHealthCheck deletes a check even while record sets name it,
// as Route 53 does today
// (https://docs.aws.amazon.com/Route53/latest/APIReference/API_DeleteHealthCheck.html);
// with Options.Route53RefuseHealthCheckInUse it answers HealthCheckInUse
// instead, as Route 53 once did.
func (s *Server) r53DeleteHealthCheck(req r53Request) ([]string, func() (*r53Answer, *awsError), *awsError) {
	return s.withHealthCheck(req, func(st *r53Store, hc *r53HealthCheck) (*r53Answer, *awsError) {
		if st.refuseInUse.Load() && st.references(hc.id) > 0 {
			return nil, clientError("HealthCheckInUse", msgR53HealthCheckInUse)
		}
		delete(st.checks, hc.id)
		st.checkOrder = slices.DeleteFunc(st.checkOrder, func(id string) bool { return id == hc.id })
		return &r53Answer{body: xmlDeleteHealthCheckResponse{}}, nil
	})
}

// --- UpdateHealthCheck ---

func (s *Server) r53UpdateHealthCheck(req r53Request) ([]string, func() (*r53Answer, *awsError), *awsError) {
	if err := healthCheckIDInput(req.id); err != nil {
		return nil, nil, err
	}
	var in xmlUpdateHealthCheckRequest
	if err := decodeXMLInput(req.body, "UpdateHealthCheckRequest", &in, &in.XMLName); err != nil {
		return nil, nil, err
	}
	var v validation
	version := v.long(in.HealthCheckVersion, "healthCheckVersion", 1, 1<<62)
	var upd hcConfig // only to validate: applied to the current settings below
	parseHealthCheckFields(&v, &in.xmlHealthCheckConfigIn, "", &upd)
	var resets []string
	if r := in.ResetElements; r != nil {
		for i, name := range r.ResettableElementName {
			name = strings.TrimSpace(name)
			v.enum(&name, fmt.Sprintf("resetElements.%d.member", i+1), hcResettable...)
			resets = append(resets, name)
		}
	}
	if err := v.errCode(codeInvalidInput); err != nil {
		return nil, nil, err
	}
	return s.withHealthCheck(req, func(st *r53Store, hc *r53HealthCheck) (*r53Answer, *awsError) {
		if version != nil && *version != hc.version {
			return nil, &awsError{Status: http.StatusConflict, Code: "HealthCheckVersionMismatch", Message: msgR53HealthCheckVersion}
		}
		cfg := hc.cfg
		cfg.children, cfg.regions = slices.Clone(cfg.children), slices.Clone(cfg.regions)
		var discard validation // validated above
		parseHealthCheckFields(&discard, &in.xmlHealthCheckConfigIn, "", &cfg)
		for _, name := range resets {
			switch name {
			case "FullyQualifiedDomainName":
				cfg.fqdn = ""
			case "Regions":
				cfg.regions = nil
			case "ResourcePath":
				cfg.path = ""
			case "ChildHealthChecks":
				cfg.children = nil
			}
		}
		if err := st.checkHealthCheckRules(&cfg); err != nil {
			return nil, err
		}
		hc.cfg = cfg
		hc.version++
		return &r53Answer{body: xmlUpdateHealthCheckResponse{HealthCheck: healthCheckOut(hc)}}, nil
	})
}

// --- GetHealthCheckStatus ---

// r53GetHealthCheckStatus reports one observation per checker region
// (the check's Regions, else all of them), each saying what the checkers
// report (SetHealthCheckStatus). The status texts follow the shape of
// Route 53's ("Success: HTTP Status Code 200, OK"); the checker addresses
// are made up in 15.177.0.0/16, a range Route 53's checkers use.
func (s *Server) r53GetHealthCheckStatus(req r53Request) ([]string, func() (*r53Answer, *awsError), *awsError) {
	return s.withHealthCheck(req, func(_ *r53Store, hc *r53HealthCheck) (*r53Answer, *awsError) {
		c := hc.cfg
		if !c.endpoint() {
			return nil, clientError(codeInvalidInput, "Invalid parameter : GetHealthCheckStatus does not support "+c.typ+" health checks.")
		}
		status := "Success: HTTP Status Code 200, OK"
		switch {
		case c.typ == "TCP" && hc.reported:
			status = "Success: TCP connection established."
		case c.typ == "TCP":
			status = "Failure: Connection timed out."
		case !hc.reported:
			status = "Failure: HTTP Status Code 503, Service Unavailable"
		}
		regions := c.regions
		if len(regions) == 0 {
			regions = hcRegions
		}
		checked := wireTime(s.now().Add(-time.Duration(c.interval) * time.Second / 2))
		out := xmlGetHealthCheckStatusResponse{Observations: []xmlHealthCheckObservation{}}
		for i, region := range regions {
			o := xmlHealthCheckObservation{Region: region, IPAddress: fmt.Sprintf("15.177.%d.%d", slices.Index(hcRegions, region)*8, 10+i)}
			o.StatusReport.Status, o.StatusReport.CheckedTime = status, checked
			out.Observations = append(out.Observations, o)
		}
		return &r53Answer{body: out}, nil
	})
}

// --- ListHealthChecks ---

func (s *Server) r53ListHealthChecks(req r53Request) ([]string, func() (*r53Answer, *awsError), *awsError) {
	limit, echo := DefaultHealthChecksPerPage, fmt.Sprint(DefaultHealthChecksPerPage)
	if req.query.Get("maxitems") != "" {
		var err *awsError
		if limit, echo, err = maxItems(req.query, MaxHealthChecksPerPage); err != nil {
			return nil, nil, err
		}
	}
	marker := req.query.Get("marker")
	return nil, func() (*r53Answer, *awsError) {
		st := s.r53
		st.mu.Lock()
		defer st.mu.Unlock()
		start := 0
		if marker != "" {
			if start = slices.Index(st.checkOrder, marker); start < 0 {
				return nil, clientError(codeInvalidInput, "Invalid marker: "+marker)
			}
		}
		out := xmlListHealthChecksResponse{Marker: marker, MaxItems: echo, HealthChecks: []xmlHealthCheckOut{}}
		for i := start; i < len(st.checkOrder); i++ {
			if len(out.HealthChecks) == limit {
				out.IsTruncated, out.NextMarker = true, st.checkOrder[i]
				break
			}
			out.HealthChecks = append(out.HealthChecks, healthCheckOut(st.checks[st.checkOrder[i]]))
		}
		return &r53Answer{body: out}, nil
	}, nil
}
