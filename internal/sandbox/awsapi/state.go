package awsapi

import (
	"slices"
	"time"
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
// Secrets whose recovery window has ended (by Options.Now) are gone.
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
