package secretimport

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/smithy-go"
)

// The Secrets Manager calls that both secret destinations (jsonSecret and
// secretPerVar) make.

// putSecret writes a secret's value: PutSecretValue when it exists,
// CreateSecret otherwise, restoring a secret of that name that is
// scheduled for deletion (the name cannot be reused until then).
func (e *Engine) putSecret(ctx context.Context, d Destination, name, value string, exists bool) (KeyState, error) {
	lim := e.limits().SecretsWrite
	create := func() (KeyState, error) {
		if err := wait(ctx, lim); err != nil {
			return KeyState{}, err
		}
		out, err := e.Secrets.CreateSecret(ctx, smCreateInput(name, value, d.KeyID, d.Tags))
		if err != nil {
			return KeyState{}, err
		}
		return KeyState{Name: name, Version: aws.ToString(out.VersionId), ARN: aws.ToString(out.ARN)}, nil
	}
	update := func() (KeyState, error) {
		if err := wait(ctx, lim); err != nil {
			return KeyState{}, err
		}
		out, err := e.Secrets.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String(name), SecretString: aws.String(value)})
		if err != nil {
			return KeyState{}, err
		}
		return KeyState{Name: name, Version: aws.ToString(out.VersionId), ARN: aws.ToString(out.ARN)}, nil
	}
	restore := func() error {
		e.log().DebugContext(ctx, "Restoring a secret scheduled for deletion", "name", name)
		if err := wait(ctx, lim); err != nil {
			return err
		}
		_, err := e.Secrets.RestoreSecret(ctx, &secretsmanager.RestoreSecretInput{SecretId: &name})
		return err
	}

	if !exists {
		st, err := create()
		switch {
		case err == nil:
			return st, nil
		case isCode(err, "ResourceExistsException"):
			return update()
		case isScheduledForDeletion(err):
			if err := restore(); err != nil {
				return KeyState{}, err
			}
			return update()
		default:
			return KeyState{}, err
		}
	}
	st, err := update()
	switch {
	case err == nil:
		return st, nil
	case isCode(err, "ResourceNotFoundException"): // deleted out of band
		return create()
	case isScheduledForDeletion(err):
		if err := restore(); err != nil {
			return KeyState{}, err
		}
		return update()
	default:
		return KeyState{}, err
	}
}

// getSecret reads a secret's current value; found is false when it does
// not exist or is scheduled for deletion.
func (e *Engine) getSecret(ctx context.Context, name string) (string, KeyState, bool, error) {
	out, err := e.Secrets.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(name)})
	if isCode(err, "ResourceNotFoundException") || isScheduledForDeletion(err) {
		return "", KeyState{}, false, nil
	}
	if err != nil {
		return "", KeyState{}, false, fmt.Errorf("reading secret %s: %w", name, err)
	}
	return aws.ToString(out.SecretString), KeyState{Name: name, Version: aws.ToString(out.VersionId), ARN: aws.ToString(out.ARN)}, true, nil
}

// deleteSecret deletes a secret, with the destination's recovery window; a
// secret already gone or scheduled for deletion is no error.
func (e *Engine) deleteSecret(ctx context.Context, d Destination, name string) error {
	if err := wait(ctx, e.limits().SecretsWrite); err != nil {
		return err
	}
	in := &secretsmanager.DeleteSecretInput{SecretId: aws.String(name)}
	if d.RecoveryWindowDays == 0 {
		in.ForceDeleteWithoutRecovery = aws.Bool(true)
	} else {
		in.RecoveryWindowInDays = aws.Int64(int64(d.RecoveryWindowDays))
	}
	_, err := e.Secrets.DeleteSecret(ctx, in)
	if err != nil && !isCode(err, "ResourceNotFoundException") && !isScheduledForDeletion(err) {
		return fmt.Errorf("deleting secret %s: %w", name, err)
	}
	return nil
}

// retagSecrets brings the tags of every secret that keys name (by ARN) in
// line when they changed.
func (e *Engine) retagSecrets(ctx context.Context, keys map[string]KeyState, tags map[string]string, removed []string, changed bool) error {
	if !changed {
		return nil
	}
	arns := map[string]bool{}
	for _, st := range keys {
		arns[st.ARN] = true
	}
	for _, arn := range slices.Sorted(maps.Keys(arns)) {
		if arn == "" {
			continue
		}
		if len(tags) > 0 {
			if err := wait(ctx, e.limits().SecretsWrite); err != nil {
				return err
			}
			if _, err := e.Secrets.TagResource(ctx, &secretsmanager.TagResourceInput{SecretId: aws.String(arn), Tags: smTags(tags)}); err != nil {
				return fmt.Errorf("tagging %s: %w", arn, err)
			}
		}
		if len(removed) > 0 {
			if err := wait(ctx, e.limits().SecretsWrite); err != nil {
				return err
			}
			if _, err := e.Secrets.UntagResource(ctx, &secretsmanager.UntagResourceInput{SecretId: aws.String(arn), TagKeys: removed}); err != nil {
				return fmt.Errorf("untagging %s: %w", arn, err)
			}
		}
	}
	return nil
}

// secretMonthlyCost is the price of n secrets.
func secretMonthlyCost(n int) float64 {
	return round2(float64(n) * PriceSecretPerMonth)
}

func smTags(tags map[string]string) []smtypes.Tag {
	var out []smtypes.Tag
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, smtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

func smCreateInput(name, value, keyID string, tags map[string]string) *secretsmanager.CreateSecretInput {
	in := &secretsmanager.CreateSecretInput{
		Name: aws.String(name), SecretString: aws.String(value), Tags: smTags(tags),
		Description: aws.String("Imported from Heroku config vars by terraform-provider-heroku2aws."),
	}
	if keyID != "" {
		in.KmsKeyId = aws.String(keyID)
	}
	return in
}

// isScheduledForDeletion recognises Secrets Manager's refusal to touch a
// secret that is scheduled for deletion.
func isScheduledForDeletion(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode() == "InvalidRequestException" &&
		strings.Contains(strings.ToLower(apiErr.ErrorMessage()), "deletion")
}
