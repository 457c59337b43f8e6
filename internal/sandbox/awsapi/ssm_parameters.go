package awsapi

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

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
	overwrite := aws.ToBool(in.Overwrite)
	if len(in.Tags) > 0 && overwrite {
		return nil, clientError("ValidationException", msgSSMTagsOverwrite)
	}
	dataType := aws.ToString(in.DataType)
	if dataType != "" && !slices.Contains(ssmDataTypes, dataType) {
		return nil, clientError("ValidationException", "The following data type is not supported: "+dataType+" (Data type names are all lowercase.)")
	}
	var pattern *regexp.Regexp
	if ap := aws.ToString(in.AllowedPattern); ap != "" {
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
	typ := aws.ToString(in.Type)
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
		if k := aws.ToString(in.KeyID); k != "" {
			if !kmsKeyFormat.MatchString(k) {
				return nil, clientError("InvalidKeyId", "Invalid keyId "+k)
			}
			keyID = k
		}
	} else if aws.ToString(in.KeyID) != "" {
		return nil, clientError("ValidationException", msgSSMKeyIDNotSecure)
	}

	size := len(*in.Value)
	tier := TierStandard
	switch aws.ToString(in.Tier) {
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
	}{s.parameterOut(p, aws.ToBool(in.WithDecryption))}, nil
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
		out.Parameters = append(out.Parameters, s.parameterOut(p, aws.ToBool(in.WithDecryption)))
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
