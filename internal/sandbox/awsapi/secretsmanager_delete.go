package awsapi

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// --- DeleteSecret, RestoreSecret ---

func (s *Server) smDeleteSecret(in *deleteSecretInput) (any, *awsError) {
	var v validation
	validateSecretID(&v, in.SecretID)
	if err := v.err(); err != nil {
		return nil, err
	}
	force := aws.ToBool(in.ForceDeleteWithoutRecovery)
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
