package awsapi

import (
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/uuid"
)

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
	token := aws.ToString(in.ClientRequestToken)
	if token == "" {
		token = uuid.NewString()
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
		seq: st.seq, name: name, description: aws.ToString(in.Description), kmsKeyID: aws.ToString(in.KmsKeyID),
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
		token = uuid.NewString()
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
	ver, err := s.putVersion(sec, aws.ToString(in.ClientRequestToken), in.SecretString, in.SecretBinary, in.VersionStages)
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
		ver, err := s.putVersion(sec, aws.ToString(in.ClientRequestToken), in.SecretString, in.SecretBinary, nil)
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
