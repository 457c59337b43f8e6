package awsapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// SSM parameter tiers and their value limits in bytes.
const (
	TierStandard           = "Standard"
	TierAdvanced           = "Advanced"
	TierIntelligentTiering = "Intelligent-Tiering"

	MaxStandardValueBytes = 4096
	MaxAdvancedValueBytes = 8192

	// MaxParameterNameARNLength is the documented limit on a parameter
	// name: 1011 characters, counting the ARN prefix that precedes it
	// ("arn:aws:ssm:us-east-1:123456789012:parameter/", 45 characters).
	MaxParameterNameARNLength = 1011
	// MaxHierarchyLevels is the deepest parameter hierarchy.
	MaxHierarchyLevels = 15
	// MaxParameterTags is the number of tags a parameter can carry.
	MaxParameterTags = 50
	// DefaultParameterKeyID is the KMS key of SecureString parameters that
	// name none.
	DefaultParameterKeyID = "alias/aws/ssm"
)

// Messages of the real service.
const (
	msgSSMInvalidName    = `Parameter name: can't be prefixed with "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_`
	msgSSMInvalidPath    = `The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash "/". It can't be prefixed with "aws" or "ssm" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol "/". Valid example: /get/parameters2-/by1./path0_.`
	msgSSMStandardTooBig = "Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html"
	msgSSMAdvancedTooBig = "Advanced tier parameters support a maximum parameter value of 8192 characters."
	msgSSMDowngrade      = "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a standard parameter."
	msgSSMTagsOverwrite  = "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource."
	msgSSMAlreadyExists  = "The parameter already exists. To overwrite this value, set the overwrite option in the request to true."
	msgSSMLimitExceeded  = "You have exceeded the number of parameters for this AWS account. Delete unnecessary parameters and try again."
	msgSSMTypeRequired   = "A parameter type is required when you create a parameter."
	msgSSMTypeMismatch   = "Parameter Store does not support changing a parameter type in a hierarchy. For example, you can't change a parameter from a String type to a SecureString type. You must create a new, unique parameter."
	msgSSMHierarchyLevel = "A hierarchy can have a maximum of 15 levels. For more information, see Requirements and Constraints for Parameter Names in the AWS Systems Manager User Guide."
	msgSSMKeyIDNotSecure = "KeyId is required for SecureString type parameter only."
	msgSSMInvalidToken   = "The specified token isn't valid."
	msgSSMInvalidResID   = "The resource ID is not valid. Verify that you entered the correct ID and try again."
	msgSSMTooManyTags    = "You have exceeded the maximum number of tags (50) allowed for this resource."
	msgSSMFilterValue    = "The filter value is not valid. Verify the value and try again."
)

var (
	ssmTypes       = []string{"String", "StringList", "SecureString"}
	ssmTiers       = []string{TierStandard, TierAdvanced, TierIntelligentTiering}
	ssmDataTypes   = []string{"text", "aws:ec2:image", "aws:ssm:integration"}
	ssmTagTypes    = []string{"Document", "ManagedInstance", "MaintenanceWindow", "Parameter", "PatchBaseline", "OpsItem", "OpsMetadata", "Automation", "Association"}
	ssmKeyIDFormat = regexp.MustCompile(`^([a-zA-Z0-9:/_-]+)$`)
	kmsKeyFormat   = regexp.MustCompile(`^(alias/[a-zA-Z0-9/_-]+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|mrk-[0-9a-f]{32}|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key/[a-zA-Z0-9-]+|alias/[a-zA-Z0-9/_-]+))$`)
)

type ssmParameter struct {
	name           string // as created
	typ            string
	value          string
	keyID          string // SecureString only
	version        int64
	tier           string
	description    string
	allowedPattern string
	dataType       string
	lastModified   time.Time
	tags           tagList
}

type ssmStore struct {
	mu          sync.Mutex
	params      map[string]*ssmParameter // by ssmKey
	standard    int
	advanced    int
	maxStandard int
	maxAdvanced int
}

func newSSMStore(maxStandard, maxAdvanced int) *ssmStore {
	return &ssmStore{params: map[string]*ssmParameter{}, maxStandard: maxStandard, maxAdvanced: maxAdvanced}
}

// ssmKey identifies a parameter: SSM treats "/Name" and "Name" as the same
// parameter, and trims surrounding spaces.
func ssmKey(name string) string {
	return strings.TrimPrefix(strings.TrimSpace(name), "/")
}

func (st *ssmStore) count(tier string, delta int) {
	if tier == TierAdvanced {
		st.advanced += delta
	} else {
		st.standard += delta
	}
}

func (s *Server) registerSSM() {
	register(s, ssmService, "PutParameter", QuotaSSMPut, true,
		named(func(in *putParameterInput) *string { return in.Name }), s.ssmPutParameter)
	register(s, ssmService, "GetParameter", QuotaSSMGet, false,
		named(func(in *getParameterInput) *string { return in.Name }), s.ssmGetParameter)
	register(s, ssmService, "GetParameters", QuotaSSMGet, false,
		func(in *namesInput) []string { return in.Names }, s.ssmGetParameters)
	register(s, ssmService, "GetParametersByPath", QuotaSSMGet, false,
		named(func(in *getParametersByPathInput) *string { return in.Path }), s.ssmGetParametersByPath)
	register(s, ssmService, "DescribeParameters", QuotaSSMGet, false,
		nil, s.ssmDescribeParameters)
	register(s, ssmService, "DeleteParameter", QuotaSSMDelete, true,
		named(func(in *getParameterInput) *string { return in.Name }), s.ssmDeleteParameter)
	register(s, ssmService, "DeleteParameters", QuotaSSMDelete, true,
		func(in *namesInput) []string { return in.Names }, s.ssmDeleteParameters)
	register(s, ssmService, "AddTagsToResource", QuotaSSMDelete, true,
		named(func(in *ssmTagsInput) *string { return in.ResourceID }), s.ssmAddTags)
	register(s, ssmService, "RemoveTagsFromResource", QuotaSSMDelete, true,
		named(func(in *ssmTagsInput) *string { return in.ResourceID }), s.ssmRemoveTags)
	register(s, ssmService, "ListTagsForResource", QuotaSSMDelete, false,
		named(func(in *ssmTagsInput) *string { return in.ResourceID }), s.ssmListTags)
}

// --- names ---

// checkParameterName applies SSM's name rules to a trimmed name. Reads
// may name the public "aws" namespace; writes may not.
func (s *Server) checkParameterName(name string, write bool) *awsError {
	bare := strings.TrimPrefix(name, "/")
	if bare == "" || (strings.Contains(bare, "/") && !strings.HasPrefix(name, "/")) {
		return clientError("ValidationException", msgSSMInvalidName)
	}
	segments := strings.Split(bare, "/")
	for _, seg := range segments {
		if seg == "" || !validNameSegment(seg) {
			return clientError("ValidationException", msgSSMInvalidName)
		}
	}
	lower := strings.ToLower(bare)
	if strings.HasPrefix(lower, "ssm") {
		return clientError("ValidationException", msgSSMInvalidName)
	}
	if write && strings.HasPrefix(lower, "aws") {
		return clientError("AccessDeniedException", "No access to reserved parameter name: "+bare+".")
	}
	if len(segments) > MaxHierarchyLevels {
		return clientError("HierarchyLevelLimitExceededException", msgSSMHierarchyLevel)
	}
	return nil
}

// parameterName validates the Name member of a call on one parameter and
// returns it trimmed, as the parameter's name rules see it.
func (s *Server) parameterName(name *string, write bool) (string, *awsError) {
	var v validation
	v.required(name, "name")
	v.length(name, "name", 1, 2048)
	if err := v.err(); err != nil {
		return "", err
	}
	trimmed := strings.TrimSpace(*name)
	if err := s.checkParameterName(trimmed, write); err != nil {
		return "", err
	}
	return trimmed, nil
}

func validNameSegment(seg string) bool {
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		if !isAlnum(rune(c)) && c != '_' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

// checkPath applies the rules of a GetParametersByPath or Path-filter path.
func checkPath(path string) *awsError {
	if path == "/" {
		return nil
	}
	if !strings.HasPrefix(path, "/") {
		return clientError("ValidationException", msgSSMInvalidPath)
	}
	bare := strings.TrimSuffix(strings.TrimPrefix(path, "/"), "/")
	lower := strings.ToLower(bare)
	if strings.HasPrefix(lower, "ssm") {
		return clientError("ValidationException", msgSSMInvalidPath)
	}
	for seg := range strings.SplitSeq(bare, "/") {
		if seg == "" || !validNameSegment(seg) {
			return clientError("ValidationException", msgSSMInvalidPath)
		}
	}
	return nil
}

func (s *Server) parameterARN(name string) string {
	return "arn:aws:ssm:" + s.region + ":" + s.accountID + ":parameter/" + strings.TrimPrefix(name, "/")
}

// --- wire types ---

type putParameterInput struct {
	Name           *string   `json:"Name"`
	Description    *string   `json:"Description"`
	Value          *string   `json:"Value"`
	Type           *string   `json:"Type"`
	KeyID          *string   `json:"KeyId"`
	Overwrite      *bool     `json:"Overwrite"`
	AllowedPattern *string   `json:"AllowedPattern"`
	Tags           []tagJSON `json:"Tags"`
	Tier           *string   `json:"Tier"`
	Policies       *string   `json:"Policies"`
	DataType       *string   `json:"DataType"`
}

type putParameterOutput struct {
	Version int64  `json:"Version"`
	Tier    string `json:"Tier"`
}

type getParameterInput struct {
	Name           *string `json:"Name"`
	WithDecryption *bool   `json:"WithDecryption"`
}

type namesInput struct {
	Names          []string `json:"Names"`
	WithDecryption *bool    `json:"WithDecryption"`
}

type parameterStringFilter struct {
	Key    *string  `json:"Key"`
	Option *string  `json:"Option"`
	Values []string `json:"Values"`
}

type parametersFilter struct {
	Key    *string  `json:"Key"`
	Values []string `json:"Values"`
}

type getParametersByPathInput struct {
	Path             *string                 `json:"Path"`
	Recursive        *bool                   `json:"Recursive"`
	ParameterFilters []parameterStringFilter `json:"ParameterFilters"`
	WithDecryption   *bool                   `json:"WithDecryption"`
	MaxResults       *int64                  `json:"MaxResults"`
	NextToken        *string                 `json:"NextToken"`
}

type describeParametersInput struct {
	Filters          []parametersFilter      `json:"Filters"`
	ParameterFilters []parameterStringFilter `json:"ParameterFilters"`
	MaxResults       *int64                  `json:"MaxResults"`
	NextToken        *string                 `json:"NextToken"`
	Shared           *bool                   `json:"Shared"`
}

type ssmTagsInput struct {
	ResourceType *string   `json:"ResourceType"`
	ResourceID   *string   `json:"ResourceId"`
	Tags         []tagJSON `json:"Tags"`
	TagKeys      []string  `json:"TagKeys"`
}

type parameterJSON struct {
	Name             string `json:"Name"`
	Type             string `json:"Type"`
	Value            string `json:"Value"`
	Version          int64  `json:"Version"`
	LastModifiedDate *epoch `json:"LastModifiedDate,omitempty"`
	ARN              string `json:"ARN"`
	DataType         string `json:"DataType"`
}

type parameterMetadataJSON struct {
	Name             string     `json:"Name"`
	ARN              string     `json:"ARN"`
	Type             string     `json:"Type"`
	KeyID            string     `json:"KeyId,omitempty"`
	LastModifiedDate *epoch     `json:"LastModifiedDate,omitempty"`
	LastModifiedUser string     `json:"LastModifiedUser"`
	Description      string     `json:"Description,omitempty"`
	AllowedPattern   string     `json:"AllowedPattern,omitempty"`
	Version          int64      `json:"Version"`
	Tier             string     `json:"Tier"`
	Policies         []struct{} `json:"Policies"`
	DataType         string     `json:"DataType"`
}

func (s *Server) parameterOut(p *ssmParameter, decrypt bool) parameterJSON {
	value := p.value
	if p.typ == "SecureString" && !decrypt {
		value = s.ciphertext(p)
	}
	return parameterJSON{
		Name: p.name, Type: p.typ, Value: value, Version: p.version,
		LastModifiedDate: epochPtr(p.lastModified), ARN: s.parameterARN(p.name), DataType: p.dataType,
	}
}

// ciphertext stands in for the KMS ciphertext SSM returns for a
// SecureString read without decryption: opaque, stable per version, and
// free of the plaintext.
func (s *Server) ciphertext(p *ssmParameter) string {
	size := 128 + len(p.value)
	blob := []byte{0x01, 0x02, 0x02, 0x00, 0x78}
	for block := 0; len(blob) < size; block++ {
		mac := hmac.New(sha256.New, s.secretKey)
		fmt.Fprintf(mac, "%d\x00%s\x00%d\x00%s", block, ssmKey(p.name), p.version, p.value)
		blob = mac.Sum(blob)
	}
	return base64.StdEncoding.EncodeToString(blob[:size])
}

func (s *Server) metadataOut(p *ssmParameter) parameterMetadataJSON {
	return parameterMetadataJSON{
		Name: p.name, ARN: s.parameterARN(p.name), Type: p.typ, KeyID: p.keyID,
		LastModifiedDate: epochPtr(p.lastModified), LastModifiedUser: "arn:aws:iam::" + s.accountID + ":user/sandbox",
		Description: p.description, AllowedPattern: p.allowedPattern, Version: p.version, Tier: p.tier,
		Policies: []struct{}{}, DataType: p.dataType,
	}
}

// --- PutParameter ---

func (s *Server) ssmPutParameter(in *putParameterInput) (any, *awsError) {
	var v validation
	v.required(in.Name, "name")
	v.length(in.Name, "name", 1, 2048)
	if in.Value == nil {
		v.addSensitive("value", "Member must not be null")
	} else if *in.Value == "" {
		v.addSensitive("value", "Member must have length greater than or equal to 1")
	}
	v.length(in.Description, "description", 0, 1024)
	v.enum(in.Type, "type", ssmTypes...)
	v.length(in.KeyID, "keyId", 1, 256)
	if in.KeyID != nil && *in.KeyID != "" && !ssmKeyIDFormat.MatchString(*in.KeyID) {
		v.add(in.KeyID, "keyId", "Member must satisfy regular expression pattern: ^([a-zA-Z0-9:/_-]+)$")
	}
	v.length(in.AllowedPattern, "allowedPattern", 0, 1024)
	if len(in.Tags) > 1000 {
		v.addRaw(fmt.Sprintf("Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to %d", 1000))
	}
	validateTags(&v, in.Tags)
	v.enum(in.Tier, "tier", ssmTiers...)
	v.length(in.Policies, "policies", 1, 4096)
	v.length(in.DataType, "dataType", 0, 128)
	if err := v.err(); err != nil {
		return nil, err
	}
	name := strings.TrimSpace(*in.Name)
	if err := s.checkParameterName(name, true); err != nil {
		return nil, err
	}
	if arnLen := len(s.parameterARN(name)); arnLen > MaxParameterNameARNLength {
		return nil, clientError("ValidationException", fmt.Sprintf(
			"Parameter name: the maximum length of a parameter name is %d characters, including the %d characters of the ARN prefix %q.",
			MaxParameterNameARNLength, len(s.parameterARN("")), s.parameterARN("")))
	}
	overwrite := deref(in.Overwrite)
	if len(in.Tags) > 0 && overwrite {
		return nil, clientError("ValidationException", msgSSMTagsOverwrite)
	}
	dataType := deref(in.DataType)
	if dataType != "" && !slices.Contains(ssmDataTypes, dataType) {
		return nil, clientError("ValidationException", "The following data type is not supported: "+dataType+" (Data type names are all lowercase.)")
	}
	var pattern *regexp.Regexp
	if ap := deref(in.AllowedPattern); ap != "" {
		var err error
		if pattern, err = regexp.Compile(ap); err != nil {
			return nil, clientError("InvalidAllowedPatternException", "The allowed pattern "+ap+" is not a valid regular expression.")
		}
		if !pattern.MatchString(*in.Value) {
			return nil, clientError("ParameterPatternMismatchException", "Parameter value, cannot be validated against allowedPattern: "+ap)
		}
	}

	st := s.ssm
	st.mu.Lock()
	defer st.mu.Unlock()
	key := ssmKey(name)
	p := st.params[key]
	if p != nil && !overwrite {
		return nil, clientError("ParameterAlreadyExists", msgSSMAlreadyExists)
	}
	typ := deref(in.Type)
	switch {
	case p == nil && typ == "":
		return nil, clientError("ValidationException", msgSSMTypeRequired)
	case typ == "":
		typ = p.typ
	case p != nil && typ != p.typ && strings.Contains(name, "/"):
		return nil, clientError("HierarchyTypeMismatchException", msgSSMTypeMismatch)
	}
	keyID := ""
	if typ == "SecureString" {
		keyID = DefaultParameterKeyID
		if p != nil && p.keyID != "" {
			keyID = p.keyID
		}
		if k := deref(in.KeyID); k != "" {
			if !kmsKeyFormat.MatchString(k) {
				return nil, clientError("InvalidKeyId", "Invalid keyId "+k)
			}
			keyID = k
		}
	} else if deref(in.KeyID) != "" {
		return nil, clientError("ValidationException", msgSSMKeyIDNotSecure)
	}

	size := len(*in.Value)
	tier := TierStandard
	switch deref(in.Tier) {
	case "":
		if p != nil {
			tier = p.tier
		}
	case TierAdvanced:
		tier = TierAdvanced
	case TierIntelligentTiering:
		if size > MaxStandardValueBytes || (p != nil && p.tier == TierAdvanced) {
			tier = TierAdvanced
		}
	case TierStandard:
		if p != nil && p.tier == TierAdvanced {
			return nil, clientError("ValidationException", msgSSMDowngrade)
		}
	}
	if tier == TierStandard && size > MaxStandardValueBytes {
		return nil, clientError("ValidationException", msgSSMStandardTooBig)
	}
	if size > MaxAdvancedValueBytes {
		return nil, clientError("ValidationException", msgSSMAdvancedTooBig)
	}
	if p == nil || p.tier != tier {
		if tier == TierAdvanced && st.advanced >= st.maxAdvanced || tier == TierStandard && st.standard >= st.maxStandard {
			return nil, clientError("ParameterLimitExceeded", msgSSMLimitExceeded)
		}
	}

	if p == nil {
		p = &ssmParameter{name: name, dataType: "text"}
		for _, t := range in.Tags {
			p.tags = p.tags.set(*t.Key, *t.Value)
		}
		st.params[key] = p
	} else {
		st.count(p.tier, -1)
	}
	st.count(tier, 1)
	p.typ, p.value, p.keyID, p.tier = typ, *in.Value, keyID, tier
	p.version++
	p.lastModified = s.now()
	if in.Description != nil {
		p.description = *in.Description
	}
	if in.AllowedPattern != nil {
		p.allowedPattern = *in.AllowedPattern
	}
	if dataType != "" {
		p.dataType = dataType
	}
	return putParameterOutput{Version: p.version, Tier: p.tier}, nil
}

// --- reads ---

func (s *Server) ssmGetParameter(in *getParameterInput) (any, *awsError) {
	name, err := s.parameterName(in.Name, false)
	if err != nil {
		return nil, err
	}
	st := s.ssm
	st.mu.Lock()
	defer st.mu.Unlock()
	p := st.params[ssmKey(name)]
	if p == nil {
		return nil, clientError("ParameterNotFound", "")
	}
	return struct {
		Parameter parameterJSON `json:"Parameter"`
	}{s.parameterOut(p, deref(in.WithDecryption))}, nil
}

func validateNames(v *validation, names []string) {
	if names == nil {
		v.add(nil, "names", "Member must not be null")
		return
	}
	if len(names) < 1 || len(names) > 10 {
		l := listString(names)
		if len(names) < 1 {
			v.add(&l, "names", "Member must have length greater than or equal to 1")
		} else {
			v.add(&l, "names", "Member must have length less than or equal to 10")
		}
	}
	for i := range names {
		v.length(&names[i], "names."+strconv.Itoa(i+1)+".member", 1, 2048)
	}
}

func (s *Server) ssmGetParameters(in *namesInput) (any, *awsError) {
	var v validation
	validateNames(&v, in.Names)
	if err := v.err(); err != nil {
		return nil, err
	}
	out := struct {
		Parameters        []parameterJSON `json:"Parameters"`
		InvalidParameters []string        `json:"InvalidParameters"`
	}{Parameters: []parameterJSON{}, InvalidParameters: []string{}}
	st := s.ssm
	st.mu.Lock()
	defer st.mu.Unlock()
	seen := map[string]bool{}
	for _, raw := range in.Names {
		name := strings.TrimSpace(raw)
		if seen[name] {
			continue
		}
		seen[name] = true
		p := st.params[ssmKey(name)]
		if s.checkParameterName(name, false) != nil || p == nil {
			out.InvalidParameters = append(out.InvalidParameters, raw)
			continue
		}
		out.Parameters = append(out.Parameters, s.parameterOut(p, deref(in.WithDecryption)))
	}
	return out, nil
}

// sortedParams returns the parameters sorted by key. The caller holds mu.
func (st *ssmStore) sortedParams() []*ssmParameter {
	keys := make([]string, 0, len(st.params))
	for k := range st.params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]*ssmParameter, len(keys))
	for i, k := range keys {
		out[i] = st.params[k]
	}
	return out
}

// page selects up to limit parameters matching keep, after the key a
// NextToken names, and returns them with the next token ("" on the last
// page).
func (st *ssmStore) page(kind string, token *string, limit int, keep func(*ssmParameter) bool) ([]*ssmParameter, string, *awsError) {
	after := ""
	if token != nil {
		var ok bool
		if after, ok = parsePageToken(kind, *token); !ok {
			return nil, "", clientError("InvalidNextToken", msgSSMInvalidToken)
		}
	}
	var out []*ssmParameter
	for _, p := range st.sortedParams() {
		k := ssmKey(p.name)
		if token != nil && k <= after {
			continue
		}
		if !keep(p) {
			continue
		}
		if len(out) == limit {
			return out, pageToken(kind, ssmKey(out[len(out)-1].name)), nil
		}
		out = append(out, p)
	}
	return out, "", nil
}

// inPath reports whether a parameter lies under path: directly, or at any
// depth when recursive.
func inPath(p *ssmParameter, path string, recursive bool) bool {
	if !strings.HasPrefix(p.name, "/") {
		return false
	}
	prefix := strings.TrimSuffix(path, "/") + "/"
	rest, ok := strings.CutPrefix(p.name, prefix)
	if !ok || rest == "" {
		return false
	}
	return recursive || !strings.Contains(rest, "/")
}

func (s *Server) ssmGetParametersByPath(in *getParametersByPathInput) (any, *awsError) {
	var v validation
	v.required(in.Path, "path")
	v.length(in.Path, "path", 1, 2048)
	v.intRange(in.MaxResults, "maxResults", 1, 10)
	if err := v.err(); err != nil {
		return nil, err
	}
	path := strings.TrimSpace(*in.Path)
	if err := checkPath(path); err != nil {
		return nil, err
	}
	filters, err := compileFilters(in.ParameterFilters, true)
	if err != nil {
		return nil, err
	}
	limit := 10
	if in.MaxResults != nil {
		limit = int(*in.MaxResults)
	}
	st := s.ssm
	st.mu.Lock()
	defer st.mu.Unlock()
	page, next, err := st.page("ssm-path:"+path, in.NextToken, limit, func(p *ssmParameter) bool {
		return inPath(p, path, deref(in.Recursive)) && matchAll(filters, p)
	})
	if err != nil {
		return nil, err
	}
	out := struct {
		Parameters []parameterJSON `json:"Parameters"`
		NextToken  string          `json:"NextToken,omitempty"`
	}{Parameters: []parameterJSON{}, NextToken: next}
	for _, p := range page {
		out.Parameters = append(out.Parameters, s.parameterOut(p, deref(in.WithDecryption)))
	}
	return out, nil
}

func (s *Server) ssmDescribeParameters(in *describeParametersInput) (any, *awsError) {
	var v validation
	v.intRange(in.MaxResults, "maxResults", 1, 50)
	for i, f := range in.Filters {
		member := "filters." + strconv.Itoa(i+1) + ".member.key"
		v.required(f.Key, member)
		v.enum(f.Key, member, "Name", "Type", "KeyId")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if len(in.Filters) > 0 && len(in.ParameterFilters) > 0 {
		return nil, clientError("ValidationException", "You can use either Filters or ParameterFilters in a single request.")
	}
	stringFilters := in.ParameterFilters
	for _, f := range in.Filters {
		option := "Equals"
		if *f.Key == "Name" {
			option = "BeginsWith"
		}
		stringFilters = append(stringFilters, parameterStringFilter{Key: f.Key, Option: &option, Values: f.Values})
	}
	filters, err := compileFilters(stringFilters, false)
	if err != nil {
		return nil, err
	}
	limit := 50
	if in.MaxResults != nil {
		limit = int(*in.MaxResults)
	}
	shared := deref(in.Shared)
	st := s.ssm
	st.mu.Lock()
	defer st.mu.Unlock()
	page, next, err := st.page("ssm-describe", in.NextToken, limit, func(p *ssmParameter) bool {
		return !shared && matchAll(filters, p)
	})
	if err != nil {
		return nil, err
	}
	out := struct {
		Parameters []parameterMetadataJSON `json:"Parameters"`
		NextToken  string                  `json:"NextToken,omitempty"`
	}{Parameters: []parameterMetadataJSON{}, NextToken: next}
	for _, p := range page {
		out.Parameters = append(out.Parameters, s.metadataOut(p))
	}
	return out, nil
}

// --- filters ---

type paramFilter func(*ssmParameter) bool

func matchAll(filters []paramFilter, p *ssmParameter) bool {
	for _, f := range filters {
		if !f(p) {
			return false
		}
	}
	return true
}

// compileFilters turns ParameterFilters into predicates. GetParametersByPath
// accepts the keys Type, KeyId and Label; DescribeParameters accepts Name,
// Path, Type, KeyId, Tier, DataType and tag:<key>.
func compileFilters(in []parameterStringFilter, forPath bool) ([]paramFilter, *awsError) {
	var v validation
	for i, f := range in {
		prefix := "parameterFilters." + strconv.Itoa(i+1) + ".member."
		v.required(f.Key, prefix+"key")
		v.length(f.Key, prefix+"key", 1, 132)
		v.length(f.Option, prefix+"option", 1, 10)
		if len(f.Values) > 50 {
			v.addRaw("Value at '" + prefix + "values' failed to satisfy constraint: Member must have length less than or equal to 50")
		}
		for j := range f.Values {
			v.length(&f.Values[j], prefix+"values."+strconv.Itoa(j+1)+".member", 1, 1024)
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	validKeys := "[Name, Path, Type, KeyId, Tier, DataType, tag:<key>]"
	if forPath {
		validKeys = "[Type, KeyId, Label]"
	}
	var out []paramFilter
	for _, f := range in {
		key := *f.Key
		option := deref(f.Option)
		values := f.Values
		badKey := clientError("InvalidFilterKey", "The following filter key is not valid: "+key+". Valid filter keys include: "+validKeys+".")
		badOption := func(valid string) *awsError {
			return clientError("InvalidFilterOption", "The following filter option is not valid: "+option+". Valid options include: "+valid+".")
		}
		tagKey, isTag := strings.CutPrefix(key, "tag:")
		switch {
		case isTag:
			if forPath || tagKey == "" {
				return nil, badKey
			}
			if option != "" && option != "Equals" {
				return nil, badOption("[Equals]")
			}
			out = append(out, func(p *ssmParameter) bool {
				for _, t := range p.tags {
					if t.Key == tagKey && (len(values) == 0 || slices.Contains(values, t.Value)) {
						return true
					}
				}
				return false
			})
			continue
		case key == "Label":
			if !forPath {
				return nil, badKey
			}
			if option != "" && option != "Equals" {
				return nil, badOption("[Equals]")
			}
			if len(values) == 0 {
				return nil, clientError("InvalidFilterValue", msgSSMFilterValue)
			}
			out = append(out, func(*ssmParameter) bool { return false }) // the sandbox keeps no labels
			continue
		case key == "Path":
			if forPath {
				return nil, badKey
			}
			if option == "" {
				option = "OneLevel"
			}
			if option != "OneLevel" && option != "Recursive" {
				return nil, badOption("[Recursive, OneLevel]")
			}
			if len(values) == 0 {
				return nil, clientError("InvalidFilterValue", msgSSMFilterValue)
			}
			for _, path := range values {
				if checkPath(path) != nil {
					return nil, clientError("InvalidFilterValue", "The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash \"/\".")
				}
			}
			recursive := option == "Recursive"
			out = append(out, func(p *ssmParameter) bool {
				for _, path := range values {
					if inPath(p, path, recursive) {
						return true
					}
				}
				return false
			})
			continue
		}
		var field func(*ssmParameter) string
		options := "[Equals, BeginsWith]"
		switch key {
		case "Name":
			if forPath {
				return nil, badKey
			}
			field = func(p *ssmParameter) string { return p.name }
			options = "[Equals, BeginsWith, Contains]"
		case "Type":
			field = func(p *ssmParameter) string { return p.typ }
		case "KeyId":
			field = func(p *ssmParameter) string { return p.keyID }
		case "Tier":
			if forPath {
				return nil, badKey
			}
			field = func(p *ssmParameter) string { return p.tier }
		case "DataType":
			if forPath {
				return nil, badKey
			}
			field = func(p *ssmParameter) string { return p.dataType }
		default:
			return nil, badKey
		}
		if option == "" {
			option = "Equals"
		}
		var match func(have, want string) bool
		switch {
		case option == "Equals":
			match = func(have, want string) bool { return have == want }
		case option == "BeginsWith":
			match = strings.HasPrefix
		case option == "Contains" && key == "Name":
			match = strings.Contains
		default:
			return nil, badOption(options)
		}
		if len(values) == 0 {
			return nil, clientError("InvalidFilterValue", msgSSMFilterValue)
		}
		nameKey := key == "Name"
		out = append(out, func(p *ssmParameter) bool {
			have := field(p)
			for _, want := range values {
				if match(have, want) {
					return true
				}
				// Name filters ignore the leading slash of either side.
				if nameKey && option != "Contains" && match(ssmKey(have), ssmKey(want)) {
					return true
				}
			}
			return false
		})
	}
	return out, nil
}

// --- deletes ---

func (s *Server) ssmDeleteParameter(in *getParameterInput) (any, *awsError) {
	name, err := s.parameterName(in.Name, true)
	if err != nil {
		return nil, err
	}
	st := s.ssm
	st.mu.Lock()
	defer st.mu.Unlock()
	key := ssmKey(name)
	p := st.params[key]
	if p == nil {
		return nil, clientError("ParameterNotFound", "")
	}
	st.count(p.tier, -1)
	delete(st.params, key)
	return struct{}{}, nil
}

func (s *Server) ssmDeleteParameters(in *namesInput) (any, *awsError) {
	var v validation
	validateNames(&v, in.Names)
	if err := v.err(); err != nil {
		return nil, err
	}
	out := struct {
		DeletedParameters []string `json:"DeletedParameters"`
		InvalidParameters []string `json:"InvalidParameters"`
	}{DeletedParameters: []string{}, InvalidParameters: []string{}}
	st := s.ssm
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, raw := range in.Names {
		name := strings.TrimSpace(raw)
		key := ssmKey(name)
		p := st.params[key]
		if s.checkParameterName(name, true) != nil || p == nil {
			if !slices.Contains(out.InvalidParameters, raw) && !slices.Contains(out.DeletedParameters, raw) {
				out.InvalidParameters = append(out.InvalidParameters, raw)
			}
			continue
		}
		st.count(p.tier, -1)
		delete(st.params, key)
		out.DeletedParameters = append(out.DeletedParameters, raw)
	}
	return out, nil
}

// --- tags ---

// tagTarget validates a tagging request and returns its parameter. The
// caller holds st.mu.
func (s *Server) tagTarget(in *ssmTagsInput, extra func(*validation)) (*ssmParameter, *awsError) {
	var v validation
	v.required(in.ResourceType, "resourceType")
	v.enum(in.ResourceType, "resourceType", ssmTagTypes...)
	v.required(in.ResourceID, "resourceId")
	if extra != nil {
		extra(&v)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if *in.ResourceType != "Parameter" {
		return nil, clientError("InvalidResourceId", msgSSMInvalidResID)
	}
	p := s.ssm.params[ssmKey(*in.ResourceID)]
	if p == nil {
		return nil, clientError("InvalidResourceId", msgSSMInvalidResID)
	}
	return p, nil
}

func (s *Server) ssmAddTags(in *ssmTagsInput) (any, *awsError) {
	st := s.ssm
	st.mu.Lock()
	defer st.mu.Unlock()
	p, err := s.tagTarget(in, func(v *validation) {
		if in.Tags == nil {
			v.add(nil, "tags", "Member must not be null")
		}
		if len(in.Tags) > 1000 {
			v.addRaw("Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 1000")
		}
		validateTags(v, in.Tags)
	})
	if err != nil {
		return nil, err
	}
	tags := p.tags.clone()
	for _, t := range in.Tags {
		tags = tags.set(*t.Key, *t.Value)
	}
	if len(tags) > MaxParameterTags {
		return nil, clientError("TooManyTagsError", msgSSMTooManyTags)
	}
	p.tags = tags
	return struct{}{}, nil
}

func (s *Server) ssmRemoveTags(in *ssmTagsInput) (any, *awsError) {
	st := s.ssm
	st.mu.Lock()
	defer st.mu.Unlock()
	p, err := s.tagTarget(in, func(v *validation) {
		if in.TagKeys == nil {
			v.add(nil, "tagKeys", "Member must not be null")
		}
	})
	if err != nil {
		return nil, err
	}
	p.tags = p.tags.remove(in.TagKeys)
	return struct{}{}, nil
}

func (s *Server) ssmListTags(in *ssmTagsInput) (any, *awsError) {
	st := s.ssm
	st.mu.Lock()
	defer st.mu.Unlock()
	p, err := s.tagTarget(in, nil)
	if err != nil {
		return nil, err
	}
	out := struct {
		TagList []tagOut `json:"TagList"`
	}{TagList: append([]tagOut{}, p.tags...)}
	return out, nil
}
