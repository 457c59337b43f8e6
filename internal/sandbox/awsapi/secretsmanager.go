package awsapi

import (
	"bytes"
	"crypto/rand"
	"slices"
	"strings"
	"sync"
	"time"
)

// Secrets Manager limits.
const (
	// MaxSecretValueBytes bounds SecretString and SecretBinary.
	MaxSecretValueBytes = 65536
	// MaxSecretNameLength bounds a secret name.
	MaxSecretNameLength = 512
	// DefaultRecoveryWindowDays is DeleteSecret's default recovery window.
	DefaultRecoveryWindowDays = 30
	// maxSecretVersions is how many versions a secret keeps; the oldest
	// versions without staging labels go first.
	maxSecretVersions = 100

	stageCurrent  = "AWSCURRENT"
	stagePrevious = "AWSPREVIOUS"
)

// Messages of the real service.
const (
	msgSMInvalidName     = "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!"
	msgSMNotFound        = "Secrets Manager can't find the specified secret."
	msgSMMarkedDeleted   = "You can't perform this operation on the secret because it was marked for deletion."
	msgSMCreateScheduled = "You can't create this secret because a secret with this name is already scheduled for deletion."
	msgSMBothValues      = "You can't specify both a binary secret value and a string secret value in the same secret."
	msgSMNoValue         = "You must provide either SecretString or SecretBinary."
	msgSMVersionExists   = "You can't modify an existing version, you can only create a new version."
	msgSMForceAndWindow  = "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays."
	msgSMWindowRange     = "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive)."
	msgSMInvalidToken    = "The NextToken value is invalid."
)

type smVersion struct {
	id      string
	str     *string
	bin     []byte
	stages  []string
	created time.Time
}

func (v *smVersion) sameValue(str *string, bin []byte) bool {
	if str != nil || v.str != nil {
		return str != nil && v.str != nil && *str == *v.str
	}
	return bytes.Equal(bin, v.bin)
}

type smSecret struct {
	seq          int64
	name         string
	arn          string
	description  string
	kmsKeyID     string // empty: the default aws/secretsmanager key
	created      time.Time
	lastChanged  time.Time
	lastAccessed time.Time
	deletedAt    time.Time // zero unless scheduled for deletion
	purgeAt      time.Time
	versions     []*smVersion // oldest first
	tags         tagList
}

func (sec *smSecret) scheduled() bool { return !sec.deletedAt.IsZero() }

func (sec *smSecret) version(id string) *smVersion {
	for _, v := range sec.versions {
		if v.id == id {
			return v
		}
	}
	return nil
}

func (sec *smSecret) staged(stage string) *smVersion {
	for _, v := range sec.versions {
		if slices.Contains(v.stages, stage) {
			return v
		}
	}
	return nil
}

// stagesMap maps the versions that carry staging labels to their labels.
func (sec *smSecret) stagesMap() map[string][]string {
	m := map[string][]string{}
	for _, v := range sec.versions {
		if len(v.stages) > 0 {
			m[v.id] = append([]string(nil), v.stages...)
		}
	}
	return m
}

// addVersion attaches a new version and moves its staging labels to it:
// when AWSCURRENT moves, the version that had it gets AWSPREVIOUS.
func (sec *smSecret) addVersion(v *smVersion) {
	for _, stage := range v.stages {
		for _, old := range sec.versions {
			if i := slices.Index(old.stages, stage); i >= 0 {
				old.stages = slices.Delete(old.stages, i, i+1)
				if stage == stageCurrent && !slices.Contains(v.stages, stagePrevious) {
					for _, o := range sec.versions {
						if j := slices.Index(o.stages, stagePrevious); j >= 0 {
							o.stages = slices.Delete(o.stages, j, j+1)
						}
					}
					old.stages = append(old.stages, stagePrevious)
				}
			}
		}
	}
	sec.versions = append(sec.versions, v)
	for len(sec.versions) > maxSecretVersions {
		i := slices.IndexFunc(sec.versions, func(v *smVersion) bool { return len(v.stages) == 0 })
		if i < 0 {
			break
		}
		sec.versions = slices.Delete(sec.versions, i, i+1)
	}
}

type smStore struct {
	mu     sync.Mutex
	byName map[string]*smSecret
	seq    int64
}

func newSMStore() *smStore {
	return &smStore{byName: map[string]*smSecret{}}
}

// purge drops the secrets whose recovery window has ended. The caller holds
// mu.
func (st *smStore) purge(now time.Time) {
	for name, sec := range st.byName {
		if sec.scheduled() && !now.Before(sec.purgeAt) {
			delete(st.byName, name)
		}
	}
}

// resolve finds a secret by name, complete ARN or partial ARN (the ARN
// without its random suffix). The caller holds mu.
func (s *Server) resolveSecret(id string) *smSecret {
	st := s.sm
	if sec := st.byName[id]; sec != nil {
		return sec
	}
	prefix := "arn:aws:secretsmanager:" + s.region + ":" + s.accountID + ":secret:"
	rest, ok := strings.CutPrefix(id, prefix)
	if !ok {
		return nil
	}
	if name, ok := cutARNSuffix(rest); ok {
		if sec := st.byName[name]; sec != nil && sec.arn == id {
			return sec
		}
	}
	if sec := st.byName[rest]; sec != nil {
		return sec
	}
	return nil
}

// cutARNSuffix splits "name-AbC123" into "name".
func cutARNSuffix(s string) (string, bool) {
	if len(s) < 8 || s[len(s)-7] != '-' {
		return "", false
	}
	for _, c := range s[len(s)-6:] {
		if !isAlnum(c) {
			return "", false
		}
	}
	return s[:len(s)-7], true
}

func isAlnum(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func validSecretName(name string) bool {
	for _, c := range name {
		if !isAlnum(c) && !strings.ContainsRune("/_+=.@-", c) {
			return false
		}
	}
	return true
}

// validSecretID accepts names (also the "!" of service-managed secrets)
// and ARNs.
func validSecretID(id string) bool {
	if strings.HasPrefix(id, "arn:") {
		return true
	}
	for _, c := range id {
		if !isAlnum(c) && !strings.ContainsRune("/_+=.@-!", c) {
			return false
		}
	}
	return true
}

func randomSuffix() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	var b [6]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:])
}

func (s *Server) registerSecretsManager() {
	register(s, smService, "CreateSecret", QuotaSecretsWrite, true,
		named(func(in *createSecretInput) *string { return in.Name }), s.smCreateSecret)
	register(s, smService, "PutSecretValue", QuotaSecretsWrite, true,
		named(func(in *putSecretValueInput) *string { return in.SecretID }), s.smPutSecretValue)
	register(s, smService, "UpdateSecret", QuotaSecretsWrite, true,
		named(func(in *updateSecretInput) *string { return in.SecretID }), s.smUpdateSecret)
	register(s, smService, "GetSecretValue", QuotaSecretsRead, false,
		named(func(in *getSecretValueInput) *string { return in.SecretID }), s.smGetSecretValue)
	register(s, smService, "DescribeSecret", QuotaSecretsRead, false,
		named(func(in *secretIDInput) *string { return in.SecretID }), s.smDescribeSecret)
	register(s, smService, "ListSecrets", QuotaSecretsList, false,
		nil, s.smListSecrets)
	register(s, smService, "DeleteSecret", QuotaSecretsWrite, true,
		named(func(in *deleteSecretInput) *string { return in.SecretID }), s.smDeleteSecret)
	register(s, smService, "RestoreSecret", QuotaSecretsWrite, true,
		named(func(in *secretIDInput) *string { return in.SecretID }), s.smRestoreSecret)
	register(s, smService, "TagResource", QuotaSecretsWrite, true,
		named(func(in *smTagsInput) *string { return in.SecretID }), s.smTagResource)
	register(s, smService, "UntagResource", QuotaSecretsWrite, true,
		named(func(in *smTagsInput) *string { return in.SecretID }), s.smUntagResource)
}

// --- validation helpers ---

func validateSecretValue(v *validation, str *string, bin []byte) {
	if str != nil && (len(*str) < 1 || len(*str) > MaxSecretValueBytes) {
		if len(*str) < 1 {
			v.addSensitive("secretString", "Member must have length greater than or equal to 1")
		} else {
			v.addSensitive("secretString", "Member must have length less than or equal to 65536")
		}
	}
	if bin != nil && (len(bin) < 1 || len(bin) > MaxSecretValueBytes) {
		if len(bin) < 1 {
			v.addSensitive("secretBinary", "Member must have length greater than or equal to 1")
		} else {
			v.addSensitive("secretBinary", "Member must have length less than or equal to 65536")
		}
	}
}

func validateSecretID(v *validation, id *string) {
	v.required(id, "secretId")
	v.length(id, "secretId", 1, 2048)
}

// checkSecretID rejects ids with characters no secret can have.
func checkSecretID(id string) *awsError {
	if !validSecretID(id) {
		return clientError("ValidationException", msgSMInvalidName)
	}
	return nil
}

// existingSecret resolves a SecretId, whether or not the secret is
// scheduled for deletion. The caller holds mu.
func (s *Server) existingSecret(id string) (*smSecret, *awsError) {
	if err := checkSecretID(id); err != nil {
		return nil, err
	}
	sec := s.resolveSecret(id)
	if sec == nil {
		return nil, clientError("ResourceNotFoundException", msgSMNotFound)
	}
	return sec, nil
}

// activeSecret resolves a SecretId for an operation that needs the secret
// not to be scheduled for deletion. The caller holds mu.
func (s *Server) activeSecret(id string) (*smSecret, *awsError) {
	sec, err := s.existingSecret(id)
	if err != nil {
		return nil, err
	}
	if sec.scheduled() {
		return nil, clientError("InvalidRequestException", msgSMMarkedDeleted)
	}
	return sec, nil
}

func (s *Server) lockSM() func() {
	s.sm.mu.Lock()
	s.sm.purge(s.now())
	return s.sm.mu.Unlock
}
