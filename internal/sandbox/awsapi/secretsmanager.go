package awsapi

import (
	"bytes"
	"crypto/rand"
	"slices"
	"strconv"
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

// --- wire types ---

type createSecretInput struct {
	Name               *string   `json:"Name"`
	ClientRequestToken *string   `json:"ClientRequestToken"`
	Description        *string   `json:"Description"`
	KmsKeyID           *string   `json:"KmsKeyId"`
	SecretBinary       []byte    `json:"SecretBinary"`
	SecretString       *string   `json:"SecretString"`
	Tags               []tagJSON `json:"Tags"`
}

type putSecretValueInput struct {
	SecretID           *string  `json:"SecretId"`
	ClientRequestToken *string  `json:"ClientRequestToken"`
	SecretBinary       []byte   `json:"SecretBinary"`
	SecretString       *string  `json:"SecretString"`
	VersionStages      []string `json:"VersionStages"`
}

type updateSecretInput struct {
	SecretID           *string `json:"SecretId"`
	ClientRequestToken *string `json:"ClientRequestToken"`
	Description        *string `json:"Description"`
	KmsKeyID           *string `json:"KmsKeyId"`
	SecretBinary       []byte  `json:"SecretBinary"`
	SecretString       *string `json:"SecretString"`
}

type getSecretValueInput struct {
	SecretID     *string `json:"SecretId"`
	VersionID    *string `json:"VersionId"`
	VersionStage *string `json:"VersionStage"`
}

type secretIDInput struct {
	SecretID *string `json:"SecretId"`
}

type deleteSecretInput struct {
	SecretID                   *string `json:"SecretId"`
	RecoveryWindowInDays       *int64  `json:"RecoveryWindowInDays"`
	ForceDeleteWithoutRecovery *bool   `json:"ForceDeleteWithoutRecovery"`
}

type smTagsInput struct {
	SecretID *string   `json:"SecretId"`
	Tags     []tagJSON `json:"Tags"`
	TagKeys  []string  `json:"TagKeys"`
}

type smFilter struct {
	Key    *string  `json:"Key"`
	Values []string `json:"Values"`
}

type listSecretsInput struct {
	IncludePlannedDeletion *bool      `json:"IncludePlannedDeletion"`
	MaxResults             *int64     `json:"MaxResults"`
	NextToken              *string    `json:"NextToken"`
	Filters                []smFilter `json:"Filters"`
	SortOrder              *string    `json:"SortOrder"`
	SortBy                 *string    `json:"SortBy"`
}

type arnName struct {
	ARN  string `json:"ARN"`
	Name string `json:"Name"`
}

type versionOut struct {
	ARN           string   `json:"ARN"`
	Name          string   `json:"Name"`
	VersionID     string   `json:"VersionId,omitempty"`
	VersionStages []string `json:"VersionStages,omitempty"`
}

type secretValueOut struct {
	ARN           string   `json:"ARN"`
	Name          string   `json:"Name"`
	VersionID     string   `json:"VersionId"`
	SecretBinary  []byte   `json:"SecretBinary,omitempty"`
	SecretString  *string  `json:"SecretString,omitempty"`
	VersionStages []string `json:"VersionStages"`
	CreatedDate   *epoch   `json:"CreatedDate,omitempty"`
}

type secretMetaOut struct {
	ARN                    string              `json:"ARN"`
	Name                   string              `json:"Name"`
	Description            string              `json:"Description,omitempty"`
	KmsKeyID               string              `json:"KmsKeyId,omitempty"`
	LastChangedDate        *epoch              `json:"LastChangedDate,omitempty"`
	LastAccessedDate       *epoch              `json:"LastAccessedDate,omitempty"`
	DeletedDate            *epoch              `json:"DeletedDate,omitempty"`
	Tags                   []tagOut            `json:"Tags,omitempty"`
	VersionIdsToStages     map[string][]string `json:"VersionIdsToStages,omitempty"`
	SecretVersionsToStages map[string][]string `json:"SecretVersionsToStages,omitempty"`
	CreatedDate            *epoch              `json:"CreatedDate,omitempty"`
}

func (sec *smSecret) meta(list bool) secretMetaOut {
	out := secretMetaOut{
		ARN: sec.arn, Name: sec.name, Description: sec.description, KmsKeyID: sec.kmsKeyID,
		LastChangedDate: epochPtr(sec.lastChanged), LastAccessedDate: epochPtr(sec.lastAccessed),
		DeletedDate: epochPtr(sec.deletedAt), Tags: sec.tags.clone(), CreatedDate: epochPtr(sec.created),
	}
	if m := sec.stagesMap(); len(m) > 0 {
		if list {
			out.SecretVersionsToStages = m
		} else {
			out.VersionIdsToStages = m
		}
	}
	return out
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

// --- CreateSecret, PutSecretValue, UpdateSecret ---

func (s *Server) smCreateSecret(in *createSecretInput) (any, *awsError) {
	var v validation
	v.required(in.Name, "name")
	v.length(in.Name, "name", 1, MaxSecretNameLength)
	v.length(in.ClientRequestToken, "clientRequestToken", 32, 64)
	v.length(in.Description, "description", 0, 2048)
	v.length(in.KmsKeyID, "kmsKeyId", 0, 2048)
	validateSecretValue(&v, in.SecretString, in.SecretBinary)
	validateTags(&v, in.Tags)
	if err := v.err(); err != nil {
		return nil, err
	}
	name := *in.Name
	if !validSecretName(name) {
		return nil, clientError("ValidationException", msgSMInvalidName)
	}
	if in.SecretString != nil && in.SecretBinary != nil {
		return nil, clientError("InvalidParameterException", msgSMBothValues)
	}
	hasValue := in.SecretString != nil || in.SecretBinary != nil
	token := deref(in.ClientRequestToken)
	if token == "" {
		token = newUUID()
	}

	defer s.lockSM()()
	st := s.sm
	if sec := st.byName[name]; sec != nil {
		if sec.scheduled() {
			return nil, clientError("InvalidRequestException", msgSMCreateScheduled)
		}
		if old := sec.version(token); old != nil && hasValue {
			if !old.sameValue(in.SecretString, in.SecretBinary) {
				return nil, clientError("ResourceExistsException", msgSMVersionExists)
			}
			return versionOut{ARN: sec.arn, Name: sec.name, VersionID: old.id}, nil
		}
		return nil, clientError("ResourceExistsException", "The operation failed because the secret "+name+" already exists.")
	}
	now := s.now()
	st.seq++
	sec := &smSecret{
		seq: st.seq, name: name, description: deref(in.Description), kmsKeyID: deref(in.KmsKeyID),
		arn:     "arn:aws:secretsmanager:" + s.region + ":" + s.accountID + ":secret:" + name + "-" + randomSuffix(),
		created: now, lastChanged: now,
	}
	for _, t := range in.Tags {
		sec.tags = sec.tags.set(*t.Key, *t.Value)
	}
	out := versionOut{ARN: sec.arn, Name: name}
	if hasValue {
		sec.addVersion(&smVersion{id: token, str: in.SecretString, bin: in.SecretBinary, stages: []string{stageCurrent}, created: now})
		out.VersionID = token
	}
	st.byName[name] = sec
	return out, nil
}

// putVersion adds a version to an active secret, or recognises a retry of
// the same request. The caller holds mu.
func (s *Server) putVersion(sec *smSecret, token string, str *string, bin []byte, stages []string) (*smVersion, *awsError) {
	if token == "" {
		token = newUUID()
	}
	if old := sec.version(token); old != nil {
		if !old.sameValue(str, bin) {
			return nil, clientError("ResourceExistsException", msgSMVersionExists)
		}
		return old, nil
	}
	if len(stages) == 0 {
		stages = []string{stageCurrent}
	}
	now := s.now()
	v := &smVersion{id: token, str: str, bin: bin, stages: slices.Compact(slices.Clone(stages)), created: now}
	sec.addVersion(v)
	sec.lastChanged = now
	return v, nil
}

func (s *Server) smPutSecretValue(in *putSecretValueInput) (any, *awsError) {
	var v validation
	validateSecretID(&v, in.SecretID)
	v.length(in.ClientRequestToken, "clientRequestToken", 32, 64)
	validateSecretValue(&v, in.SecretString, in.SecretBinary)
	if in.VersionStages != nil && (len(in.VersionStages) < 1 || len(in.VersionStages) > 20) {
		l := listString(in.VersionStages)
		v.add(&l, "versionStages", "Member must have length between 1 and 20")
	}
	for i := range in.VersionStages {
		v.length(&in.VersionStages[i], "versionStages."+strconv.Itoa(i+1)+".member", 1, 256)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if in.SecretString != nil && in.SecretBinary != nil {
		return nil, clientError("InvalidParameterException", msgSMBothValues)
	}
	if in.SecretString == nil && in.SecretBinary == nil {
		return nil, clientError("InvalidParameterException", msgSMNoValue)
	}
	defer s.lockSM()()
	sec, err := s.activeSecret(*in.SecretID)
	if err != nil {
		return nil, err
	}
	ver, err := s.putVersion(sec, deref(in.ClientRequestToken), in.SecretString, in.SecretBinary, in.VersionStages)
	if err != nil {
		return nil, err
	}
	return versionOut{ARN: sec.arn, Name: sec.name, VersionID: ver.id, VersionStages: slices.Clone(ver.stages)}, nil
}

func (s *Server) smUpdateSecret(in *updateSecretInput) (any, *awsError) {
	var v validation
	validateSecretID(&v, in.SecretID)
	v.length(in.ClientRequestToken, "clientRequestToken", 32, 64)
	v.length(in.Description, "description", 0, 2048)
	v.length(in.KmsKeyID, "kmsKeyId", 0, 2048)
	validateSecretValue(&v, in.SecretString, in.SecretBinary)
	if err := v.err(); err != nil {
		return nil, err
	}
	if in.SecretString != nil && in.SecretBinary != nil {
		return nil, clientError("InvalidParameterException", msgSMBothValues)
	}
	defer s.lockSM()()
	sec, err := s.activeSecret(*in.SecretID)
	if err != nil {
		return nil, err
	}
	out := versionOut{ARN: sec.arn, Name: sec.name}
	if in.SecretString != nil || in.SecretBinary != nil {
		ver, err := s.putVersion(sec, deref(in.ClientRequestToken), in.SecretString, in.SecretBinary, nil)
		if err != nil {
			return nil, err
		}
		out.VersionID = ver.id
	}
	if in.Description != nil {
		sec.description = *in.Description
		sec.lastChanged = s.now()
	}
	if in.KmsKeyID != nil {
		sec.kmsKeyID = *in.KmsKeyID
		sec.lastChanged = s.now()
	}
	return out, nil
}

// --- reads ---

func (s *Server) smGetSecretValue(in *getSecretValueInput) (any, *awsError) {
	var v validation
	validateSecretID(&v, in.SecretID)
	v.length(in.VersionID, "versionId", 32, 64)
	v.length(in.VersionStage, "versionStage", 1, 256)
	if err := v.err(); err != nil {
		return nil, err
	}
	defer s.lockSM()()
	sec, err := s.activeSecret(*in.SecretID)
	if err != nil {
		return nil, err
	}
	var ver *smVersion
	switch {
	case in.VersionID != nil:
		ver = sec.version(*in.VersionID)
		if ver == nil || (in.VersionStage != nil && !slices.Contains(ver.stages, *in.VersionStage)) {
			return nil, clientError("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for VersionId: "+*in.VersionID)
		}
	default:
		stage := stageCurrent
		if in.VersionStage != nil {
			stage = *in.VersionStage
		}
		if ver = sec.staged(stage); ver == nil {
			return nil, clientError("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for staging label: "+stage)
		}
	}
	sec.lastAccessed = s.now().UTC().Truncate(24 * time.Hour)
	return secretValueOut{
		ARN: sec.arn, Name: sec.name, VersionID: ver.id, SecretString: ver.str, SecretBinary: ver.bin,
		VersionStages: slices.Clone(ver.stages), CreatedDate: epochPtr(ver.created),
	}, nil
}

func (s *Server) smDescribeSecret(in *secretIDInput) (any, *awsError) {
	var v validation
	validateSecretID(&v, in.SecretID)
	if err := v.err(); err != nil {
		return nil, err
	}
	defer s.lockSM()()
	sec, err := s.existingSecret(*in.SecretID)
	if err != nil {
		return nil, err
	}
	return sec.meta(false), nil
}

var (
	smFilterKeys = []string{"description", "name", "tag-key", "tag-value", "primary-region", "owning-service", "all"}
	smSortBy     = []string{"created-date", "last-accessed-date", "last-changed-date", "name"}
)

// smFilterMatch applies one ListSecrets filter: every value is a prefix
// (case-insensitive for names and descriptions); a value starting with "!"
// negates. Values of one filter are alternatives.
func smFilterMatch(sec *smSecret, key string, values []string) bool {
	fields := func(k string) ([]string, bool) {
		switch k {
		case "name":
			return []string{sec.name}, true
		case "description":
			return []string{sec.description}, true
		case "tag-key":
			keys := make([]string, len(sec.tags))
			for i, t := range sec.tags {
				keys[i] = t.Key
			}
			return keys, false
		case "tag-value":
			vals := make([]string, len(sec.tags))
			for i, t := range sec.tags {
				vals[i] = t.Value
			}
			return vals, false
		}
		return nil, false // primary-region, owning-service: never set here
	}
	matchKey := func(k, value string) bool {
		fs, fold := fields(k)
		for _, f := range fs {
			if fold && strings.HasPrefix(strings.ToLower(f), strings.ToLower(value)) || !fold && strings.HasPrefix(f, value) {
				return true
			}
		}
		return false
	}
	for _, value := range values {
		neg := strings.HasPrefix(value, "!")
		value = strings.TrimPrefix(value, "!")
		var hit bool
		if key == "all" {
			hit = matchKey("name", value) || matchKey("description", value) || matchKey("tag-key", value) || matchKey("tag-value", value)
		} else {
			hit = matchKey(key, value)
		}
		if hit != neg {
			return true
		}
	}
	return false
}

func (s *Server) smListSecrets(in *listSecretsInput) (any, *awsError) {
	var v validation
	v.intRange(in.MaxResults, "maxResults", 1, 100)
	v.length(in.NextToken, "nextToken", 1, 4096)
	v.enum(in.SortOrder, "sortOrder", "asc", "desc")
	v.enum(in.SortBy, "sortBy", smSortBy...)
	if len(in.Filters) > 10 {
		v.addRaw("Value at 'filters' failed to satisfy constraint: Member must have length less than or equal to 10")
	}
	for i, f := range in.Filters {
		prefix := "filters." + strconv.Itoa(i+1) + ".member."
		v.enum(f.Key, prefix+"key", smFilterKeys...)
		if len(f.Values) > 10 {
			v.addRaw("Value at '" + prefix + "values' failed to satisfy constraint: Member must have length less than or equal to 10")
		}
		for j := range f.Values {
			v.length(&f.Values[j], prefix+"values."+strconv.Itoa(j+1)+".member", 1, 512)
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	for _, f := range in.Filters {
		if f.Key == nil || len(f.Values) == 0 {
			return nil, clientError("InvalidParameterException", "Invalid filter: a filter must have a key and at least one value.")
		}
	}
	offset := 0
	if in.NextToken != nil {
		key, ok := parsePageToken("sm-list", *in.NextToken)
		n, err := strconv.Atoi(key)
		if !ok || err != nil || n < 0 {
			return nil, clientError("InvalidNextTokenException", msgSMInvalidToken)
		}
		offset = n
	}
	limit := 100
	if in.MaxResults != nil {
		limit = int(*in.MaxResults)
	}

	defer s.lockSM()()
	var all []*smSecret
	for _, sec := range s.sm.byName {
		if sec.scheduled() && !deref(in.IncludePlannedDeletion) {
			continue
		}
		keep := true
		for _, f := range in.Filters {
			if !smFilterMatch(sec, *f.Key, f.Values) {
				keep = false
				break
			}
		}
		if keep {
			all = append(all, sec)
		}
	}
	less := func(a, b *smSecret) int {
		var c int
		switch deref(in.SortBy) {
		case "name":
			c = strings.Compare(a.name, b.name)
		case "last-changed-date":
			c = a.lastChanged.Compare(b.lastChanged)
		case "last-accessed-date":
			c = a.lastAccessed.Compare(b.lastAccessed)
		}
		if c == 0 {
			c = int(a.seq - b.seq)
		}
		if deref(in.SortOrder) == "desc" {
			c = -c
		}
		return c
	}
	slices.SortFunc(all, less)
	out := struct {
		SecretList []secretMetaOut `json:"SecretList"`
		NextToken  string          `json:"NextToken,omitempty"`
	}{SecretList: []secretMetaOut{}}
	if offset < len(all) {
		end := min(offset+limit, len(all))
		for _, sec := range all[offset:end] {
			out.SecretList = append(out.SecretList, sec.meta(true))
		}
		if end < len(all) {
			out.NextToken = pageToken("sm-list", strconv.Itoa(end))
		}
	}
	return out, nil
}

// --- DeleteSecret, RestoreSecret ---

func (s *Server) smDeleteSecret(in *deleteSecretInput) (any, *awsError) {
	var v validation
	validateSecretID(&v, in.SecretID)
	if err := v.err(); err != nil {
		return nil, err
	}
	force := deref(in.ForceDeleteWithoutRecovery)
	if force && in.RecoveryWindowInDays != nil {
		return nil, clientError("InvalidParameterException", msgSMForceAndWindow)
	}
	days := int64(DefaultRecoveryWindowDays)
	if in.RecoveryWindowInDays != nil {
		days = *in.RecoveryWindowInDays
		if days < 7 || days > 30 {
			return nil, clientError("InvalidParameterException", msgSMWindowRange)
		}
	}
	if err := checkSecretID(*in.SecretID); err != nil {
		return nil, err
	}
	defer s.lockSM()()
	now := s.now()
	sec := s.resolveSecret(*in.SecretID)
	switch {
	case sec == nil && force:
		// Forcing the deletion of a missing secret is not an error.
		return struct {
			Name         string `json:"Name"`
			DeletionDate *epoch `json:"DeletionDate"`
		}{*in.SecretID, epochPtr(now)}, nil
	case sec == nil:
		return nil, clientError("ResourceNotFoundException", msgSMNotFound)
	case force:
		delete(s.sm.byName, sec.name)
		return deleteOut(sec, now), nil
	case sec.scheduled():
		return nil, clientError("InvalidRequestException", msgSMMarkedDeleted)
	}
	sec.deletedAt = now
	sec.purgeAt = now.Add(time.Duration(days) * 24 * time.Hour)
	return deleteOut(sec, sec.purgeAt), nil
}

func deleteOut(sec *smSecret, at time.Time) any {
	return struct {
		ARN          string `json:"ARN"`
		Name         string `json:"Name"`
		DeletionDate *epoch `json:"DeletionDate"`
	}{sec.arn, sec.name, epochPtr(at)}
}

func (s *Server) smRestoreSecret(in *secretIDInput) (any, *awsError) {
	var v validation
	validateSecretID(&v, in.SecretID)
	if err := v.err(); err != nil {
		return nil, err
	}
	defer s.lockSM()()
	sec, err := s.existingSecret(*in.SecretID)
	if err != nil {
		return nil, err
	}
	sec.deletedAt, sec.purgeAt = time.Time{}, time.Time{}
	return arnName{ARN: sec.arn, Name: sec.name}, nil
}

// --- tags ---

func (s *Server) smTagResource(in *smTagsInput) (any, *awsError) {
	var v validation
	validateSecretID(&v, in.SecretID)
	if in.Tags == nil {
		v.add(nil, "tags", "Member must not be null")
	}
	validateTags(&v, in.Tags)
	if err := v.err(); err != nil {
		return nil, err
	}
	defer s.lockSM()()
	sec, err := s.activeSecret(*in.SecretID)
	if err != nil {
		return nil, err
	}
	for _, t := range in.Tags {
		sec.tags = sec.tags.set(*t.Key, *t.Value)
	}
	return struct{}{}, nil
}

func (s *Server) smUntagResource(in *smTagsInput) (any, *awsError) {
	var v validation
	validateSecretID(&v, in.SecretID)
	if in.TagKeys == nil {
		v.add(nil, "tagKeys", "Member must not be null")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	defer s.lockSM()()
	sec, err := s.activeSecret(*in.SecretID)
	if err != nil {
		return nil, err
	}
	sec.tags = sec.tags.remove(in.TagKeys)
	return struct{}{}, nil
}
