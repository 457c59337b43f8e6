package awsapi

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/uuid"
)

// State inspection for tests that need no SDK. None of these calls goes
// through quotas, faults or the request log.

// ParameterState is a parameter as the sandbox holds it.
type ParameterState struct {
	Name           string // as created
	ARN            string
	Type           string // String, StringList or SecureString
	Value          string // the plaintext, SecureString included
	KeyID          string // SecureString only
	Version        int64
	Tier           string // Standard or Advanced
	Description    string
	AllowedPattern string
	DataType       string
	LastModified   time.Time
	Tags           map[string]string
}

// Parameter returns a parameter's value, version and tier. A name matches
// with or without its leading slash, as in SSM.
func (s *Server) Parameter(name string) (value string, version int64, tier string, ok bool) {
	p, ok := s.ParameterInfo(name)
	return p.Value, p.Version, p.Tier, ok
}

// ParameterInfo returns everything the sandbox holds about a parameter.
func (s *Server) ParameterInfo(name string) (ParameterState, bool) {
	st := s.ssm
	st.mu.Lock()
	defer st.mu.Unlock()
	p := st.params[ssmKey(name)]
	if p == nil {
		return ParameterState{}, false
	}
	return ParameterState{
		Name: p.name, ARN: s.parameterARN(p.name), Type: p.typ, Value: p.value, KeyID: p.keyID,
		Version: p.version, Tier: p.tier, Description: p.description, AllowedPattern: p.allowedPattern,
		DataType: p.dataType, LastModified: p.lastModified, Tags: p.tags.toMap(),
	}, true
}

// ParameterNames returns the names of all parameters, sorted.
func (s *Server) ParameterNames() []string {
	st := s.ssm
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]string, 0, len(st.params))
	for _, p := range st.sortedParams() {
		out = append(out, p.name)
	}
	return out
}

// SecretState is a secret as the sandbox holds it.
type SecretState struct {
	Name        string
	ARN         string
	Description string
	KmsKeyID    string // empty for the default aws/secretsmanager key
	// SecretString and SecretBinary are the AWSCURRENT value; HasValue is
	// false while the secret has no AWSCURRENT version.
	SecretString string
	SecretBinary []byte
	HasValue     bool
	// VersionID is the AWSCURRENT version; Versions counts all versions.
	VersionID string
	Versions  int
	Tags      map[string]string
	Created   time.Time
	// DeletedDate and DeletionDate are set while the secret is scheduled
	// for deletion: when DeleteSecret was called, and when the recovery
	// window ends.
	DeletedDate  time.Time
	DeletionDate time.Time
}

// Secret returns a secret by name or ARN, scheduled for deletion or not.
// Secrets whose recovery window has ended (by Options.Clock) are gone.
func (s *Server) Secret(id string) (SecretState, bool) {
	defer s.lockSM()()
	sec := s.resolveSecret(id)
	if sec == nil {
		return SecretState{}, false
	}
	out := SecretState{
		Name: sec.name, ARN: sec.arn, Description: sec.description, KmsKeyID: sec.kmsKeyID,
		Versions: len(sec.versions), Tags: sec.tags.toMap(), Created: sec.created,
		DeletedDate: sec.deletedAt, DeletionDate: sec.purgeAt,
	}
	if v := sec.staged(stageCurrent); v != nil {
		out.HasValue = true
		out.VersionID = v.id
		if v.str != nil {
			out.SecretString = *v.str
		}
		out.SecretBinary = slices.Clone(v.bin)
	}
	return out, true
}

// SecretNames returns the names of all secrets, those scheduled for
// deletion included, sorted.
func (s *Server) SecretNames() []string {
	defer s.lockSM()()
	out := make([]string, 0, len(s.sm.byName))
	for name := range s.sm.byName {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// HostedZoneState is a Route 53 hosted zone as the sandbox holds it.
type HostedZoneState struct {
	ID              string // bare, without "/hostedzone/"
	Name            string // canonical: lowercase, with the trailing dot
	CallerReference string
	Comment         string
	NameServers     []string
	RecordSetCount  int
	Created         time.Time
}

// RecordSetState is a Route 53 resource record set as the sandbox holds
// it. Names are as ListResourceRecordSets returns them: lowercase, with
// the trailing dot, "*" as \052.
type RecordSetState struct {
	Name          string
	Type          string
	SetIdentifier string
	Weight        *int64 // weighted routing only
	Region        string // latency routing only
	Failover      string // PRIMARY or SECONDARY, failover routing only
	TTL           int64  // 0 for an alias (Alias != nil)
	Records       []string
	Alias         *AliasState
	HealthCheckID string
}

// AliasState is the alias target of a record set.
type AliasState struct {
	HostedZoneID         string
	DNSName              string
	EvaluateTargetHealth bool
}

// ValidateZoneName reports whether CreateHostedZone would accept name as a
// hosted zone name, with the problem Route 53 would name (InvalidDomainName)
// when not.
func ValidateZoneName(name string) error {
	canonical, problem := canonicalName(name)
	if problem == "" && strings.Contains(canonical, "*") {
		problem = "a hosted zone name cannot hold a wildcard"
	}
	if problem != "" {
		return fmt.Errorf("awsapi: invalid hosted zone name %q: %s", name, problem)
	}
	return nil
}

// CreateZone creates a public hosted zone, with its SOA and NS record
// sets, as CreateHostedZone would, but without quota, faults, log or
// change, and returns its ID (bare, without "/hostedzone/"). It panics on a
// malformed name, a programming error (see ValidateZoneName).
func (s *Server) CreateZone(name string) (zoneID string) {
	if err := ValidateZoneName(name); err != nil {
		panic(err)
	}
	canonical, _ := canonicalName(name)
	st := s.r53
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.addZone(canonical, "sandbox-"+uuid.NewString(), "", s.now()).id
}

// HostedZone returns a hosted zone by ID, with or without "/hostedzone/".
func (s *Server) HostedZone(id string) (HostedZoneState, bool) {
	st := s.r53
	st.mu.Lock()
	defer st.mu.Unlock()
	z := st.zones[bareID(id)]
	if z == nil {
		return HostedZoneState{}, false
	}
	return HostedZoneState{
		ID: z.id, Name: z.name, CallerReference: z.callerRef, Comment: z.comment,
		NameServers: slices.Clone(z.nameServers), RecordSetCount: len(z.sets), Created: z.created,
	}, true
}

// HostedZoneIDs returns the IDs of all hosted zones in creation order.
func (s *Server) HostedZoneIDs() []string {
	st := s.r53
	st.mu.Lock()
	defer st.mu.Unlock()
	return slices.Clone(st.order)
}

// RecordSets returns the record sets of a hosted zone (ID with or without
// "/hostedzone/") in ListResourceRecordSets order, SOA and NS included;
// nil when there is no such zone.
func (s *Server) RecordSets(zoneID string) []RecordSetState {
	st := s.r53
	st.mu.Lock()
	defer st.mu.Unlock()
	z := st.zones[bareID(zoneID)]
	if z == nil {
		return nil
	}
	sets := sortedSets(z.sets)
	out := make([]RecordSetState, 0, len(sets))
	for _, rs := range sets {
		r := RecordSetState{
			Name: escapeName(rs.name), Type: rs.typ, SetIdentifier: rs.setID, Weight: clonePtr(rs.weight),
			Region: rs.region, Failover: rs.failover, TTL: aws.ToInt64(rs.ttl), Records: slices.Clone(rs.records),
			HealthCheckID: rs.healthCheckID,
		}
		if a := rs.alias; a != nil {
			r.Alias = &AliasState{HostedZoneID: a.zoneID, DNSName: escapeName(a.dnsName), EvaluateTargetHealth: a.evaluate}
		}
		out = append(out, r)
	}
	return out
}

// ChangeStatus returns the status of a Route 53 change (ID with or without
// "/change/") by Options.Clock: PENDING or INSYNC.
func (s *Server) ChangeStatus(changeID string) (status string, ok bool) {
	st := s.r53
	st.mu.Lock()
	defer st.mu.Unlock()
	c := st.changes[bareID(changeID)]
	if c == nil {
		return "", false
	}
	return c.status(s.now()), true
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
