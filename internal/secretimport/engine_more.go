package secretimport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"
)

// applyJSON writes every key of the one JSON secret in a single call.
func (e *Engine) applyJSON(ctx context.Context, in ApplyInput, writes, deletes []string, res *Result) error {
	if len(writes) == 0 && len(deletes) == 0 {
		return nil
	}
	blob, err := json.Marshal(in.Desired)
	if err != nil {
		return fmt.Errorf("encoding the secret: %w", err)
	}
	st, err := e.putSecret(ctx, in.Dest, in.Dest.Name, string(blob), len(in.Prior) > 0)
	if err != nil {
		return &PartialError{Failed: in.Dest.Name, NotWritten: writes, Cause: err}
	}
	res.Keys = map[string]KeyState{}
	for key, value := range in.Desired {
		k := st
		k.Fingerprint = Fingerprint(in.Salt, value)
		res.Keys[key] = k
	}
	res.Written = append(res.Written, writes...)
	res.Deleted = append(res.Deleted, deletes...)
	return nil
}

// deleteKeys removes keys that are no longer wanted.
func (e *Engine) deleteKeys(ctx context.Context, d Destination, keys []string, res *Result) error {
	if len(keys) == 0 {
		return nil
	}
	var err error
	var deleted []string
	if d.Kind == KindSSM {
		deleted, err = e.deleteParameters(ctx, d, keys, res.Keys)
	} else {
		deleted, err = e.deleteSecrets(ctx, d, keys, res.Keys)
	}
	for _, k := range deleted {
		delete(res.Keys, k)
	}
	res.Deleted = append(res.Deleted, deleted...)
	return err
}

func (e *Engine) deleteParameters(ctx context.Context, d Destination, keys []string, states map[string]KeyState) ([]string, error) {
	var deleted []string
	for start := 0; start < len(keys); start += 10 {
		batch := keys[start:min(start+10, len(keys))]
		names := make([]string, len(batch))
		byName := map[string]string{}
		for i, k := range batch {
			names[i] = stateName(d, k, states)
			byName[names[i]] = k
		}
		if err := wait(ctx, e.limits().SSMOther); err != nil {
			return deleted, err
		}
		out, err := e.SSM.DeleteParameters(ctx, &ssm.DeleteParametersInput{Names: names})
		if err != nil {
			return deleted, fmt.Errorf("deleting parameters %s: %w", strings.Join(names, ", "), err)
		}
		// InvalidParameters are already gone: deleted out of band.
		for _, n := range append(out.DeletedParameters, out.InvalidParameters...) {
			deleted = append(deleted, byName[n])
		}
	}
	return deleted, nil
}

func (e *Engine) deleteSecrets(ctx context.Context, d Destination, keys []string, states map[string]KeyState) ([]string, error) {
	var deleted []string
	names := keys
	if d.Kind == KindSecretsManager {
		names = []string{d.Name}
	}
	for _, k := range names {
		name := k
		if d.Kind == KindSecretsManagerPerVar {
			name = stateName(d, k, states)
		}
		if err := wait(ctx, e.limits().SecretsWrite); err != nil {
			return deleted, err
		}
		_, err := e.Secrets.DeleteSecret(ctx, smDeleteInput(name, d.RecoveryWindowDays))
		if err != nil && !isCode(err, "ResourceNotFoundException") && !isScheduledForDeletion(err) {
			return deleted, fmt.Errorf("deleting secret %s: %w", name, err)
		}
		if d.Kind == KindSecretsManager {
			return keys, nil
		}
		deleted = append(deleted, k)
	}
	return deleted, nil
}

// stateName is the name a key was written under: the state's record when
// there is one (a prefix may have changed since), else the current one.
func stateName(d Destination, key string, states map[string]KeyState) string {
	if st, ok := states[key]; ok && st.Name != "" {
		return st.Name
	}
	return d.NameFor(key)
}

// retag brings tags in line when they changed, and fills in ARNs that the
// write calls do not return (PutParameter).
func (e *Engine) retag(ctx context.Context, in ApplyInput, res *Result) error {
	changed := !equalTags(in.PriorTags, in.Dest.Tags) && in.Prior != nil
	var removed []string
	for k := range in.PriorTags {
		if _, ok := in.Dest.Tags[k]; !ok {
			removed = append(removed, k)
		}
	}
	sort.Strings(removed)
	if in.Dest.Kind == KindSSM {
		if changed {
			for _, key := range sortedKeys(res.Keys) {
				if err := e.tagParameter(ctx, res.Keys[key].Name, in.Dest.Tags, removed); err != nil {
					return fmt.Errorf("tagging %s: %w", res.Keys[key].Name, err)
				}
			}
		}
		return e.fillARNs(ctx, res.Keys)
	}
	if !changed {
		return nil
	}
	arns := map[string]bool{}
	for _, st := range res.Keys {
		arns[st.ARN] = true
	}
	for _, arn := range sortedKeys(arns) {
		if arn == "" {
			continue
		}
		if len(in.Dest.Tags) > 0 {
			if err := wait(ctx, e.limits().SecretsWrite); err != nil {
				return err
			}
			if _, err := e.Secrets.TagResource(ctx, &secretsmanager.TagResourceInput{SecretId: aws.String(arn), Tags: smTags(in.Dest.Tags)}); err != nil {
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

func (e *Engine) tagParameter(ctx context.Context, name string, tags map[string]string, removed []string) error {
	if len(tags) > 0 {
		if err := wait(ctx, e.limits().SSMOther); err != nil {
			return err
		}
		if _, err := e.SSM.AddTagsToResource(ctx, &ssm.AddTagsToResourceInput{
			ResourceType: ssmtypes.ResourceTypeForTaggingParameter, ResourceId: aws.String(name), Tags: ssmTags(tags),
		}); err != nil {
			return err
		}
	}
	if len(removed) > 0 {
		if err := wait(ctx, e.limits().SSMOther); err != nil {
			return err
		}
		if _, err := e.SSM.RemoveTagsFromResource(ctx, &ssm.RemoveTagsFromResourceInput{
			ResourceType: ssmtypes.ResourceTypeForTaggingParameter, ResourceId: aws.String(name), TagKeys: removed,
		}); err != nil {
			return err
		}
	}
	return nil
}

// fillARNs looks up, ten at a time, the ARNs of parameters that lack one.
func (e *Engine) fillARNs(ctx context.Context, keys map[string]KeyState) error {
	var missing []string
	for _, k := range sortedKeys(keys) {
		if keys[k].ARN == "" {
			missing = append(missing, k)
		}
	}
	for start := 0; start < len(missing); start += 10 {
		batch := missing[start:min(start+10, len(missing))]
		byName := map[string]string{}
		names := make([]string, len(batch))
		for i, k := range batch {
			names[i] = keys[k].Name
			byName[names[i]] = k
		}
		if err := wait(ctx, e.limits().SSMRead); err != nil {
			return err
		}
		out, err := e.SSM.GetParameters(ctx, &ssm.GetParametersInput{Names: names})
		if err != nil {
			return fmt.Errorf("reading parameter ARNs: %w", err)
		}
		for _, p := range out.Parameters {
			if k, ok := byName[deref(p.Name)]; ok {
				st := keys[k]
				st.ARN = deref(p.ARN)
				keys[k] = st
			}
		}
	}
	return nil
}

// Read refreshes the state of the keys in prior from the destination:
// versions and fingerprints of the values found there. Keys that no longer
// exist are left out, so the next plan writes them again.
func (e *Engine) Read(ctx context.Context, d Destination, prior map[string]KeyState, salt string) (map[string]KeyState, error) {
	out := map[string]KeyState{}
	switch d.Kind {
	case KindSSM:
		keys := sortedKeys(prior)
		for start := 0; start < len(keys); start += 10 {
			batch := keys[start:min(start+10, len(keys))]
			byName := map[string]string{}
			names := make([]string, len(batch))
			for i, k := range batch {
				names[i] = stateName(d, k, prior)
				byName[names[i]] = k
			}
			if err := wait(ctx, e.limits().SSMRead); err != nil {
				return nil, err
			}
			res, err := e.SSM.GetParameters(ctx, &ssm.GetParametersInput{Names: names, WithDecryption: aws.Bool(true)})
			if err != nil {
				return nil, fmt.Errorf("reading parameters: %w", err)
			}
			for _, p := range res.Parameters {
				k, ok := byName[deref(p.Name)]
				if !ok {
					continue
				}
				st := prior[k]
				st.Version = fmt.Sprint(p.Version)
				st.Fingerprint = Fingerprint(salt, deref(p.Value))
				st.ARN = deref(p.ARN)
				out[k] = st
			}
		}
	case KindSecretsManager:
		value, st, found, err := e.getSecret(ctx, d.Name)
		if err != nil || !found {
			return out, err
		}
		var values map[string]string
		if json.Unmarshal([]byte(value), &values) != nil {
			values = nil // not our JSON any more: every key reads as changed
		}
		for k, p := range prior {
			v, ok := values[k]
			switch {
			case values == nil:
				p.Fingerprint = "unreadable"
			case !ok:
				continue
			default:
				p.Fingerprint = Fingerprint(salt, v)
			}
			p.Version, p.ARN = st.Version, st.ARN
			out[k] = p
		}
	case KindSecretsManagerPerVar:
		for _, k := range sortedKeys(prior) {
			value, st, found, err := e.getSecret(ctx, stateName(d, k, prior))
			if err != nil {
				return nil, err
			}
			if !found {
				continue
			}
			st.Fingerprint = Fingerprint(salt, value)
			st.Name = stateName(d, k, prior)
			out[k] = st
		}
	}
	return out, nil
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
	return deref(out.SecretString), KeyState{Name: name, Version: deref(out.VersionId), ARN: deref(out.ARN)}, true, nil
}

// Discover adopts what already exists at a destination, for import.
func (e *Engine) Discover(ctx context.Context, d Destination, salt string) (map[string]KeyState, error) {
	out := map[string]KeyState{}
	switch d.Kind {
	case KindSSM:
		if !strings.HasSuffix(d.PathPrefix, "/") || !strings.HasPrefix(d.PathPrefix, "/") {
			return nil, fmt.Errorf("import needs an SSM path prefix that starts and ends with /, such as ssm:/acme-api/prod/")
		}
		path := strings.TrimSuffix(d.PathPrefix, "/")
		if path == "" {
			path = "/"
		}
		var token *string
		for {
			if err := wait(ctx, e.limits().SSMRead); err != nil {
				return nil, err
			}
			res, err := e.SSM.GetParametersByPath(ctx, &ssm.GetParametersByPathInput{
				Path: aws.String(path), WithDecryption: aws.Bool(true), MaxResults: aws.Int32(10), NextToken: token,
			})
			if err != nil {
				return nil, fmt.Errorf("listing parameters under %s: %w", path, err)
			}
			for _, p := range res.Parameters {
				key := strings.TrimPrefix(deref(p.Name), d.PathPrefix)
				if key == deref(p.Name) || key == "" {
					continue
				}
				out[key] = KeyState{Name: deref(p.Name), Version: fmt.Sprint(p.Version), ARN: deref(p.ARN),
					Fingerprint: Fingerprint(salt, deref(p.Value)), Tier: tierOf(deref(p.Value))}
			}
			if token = res.NextToken; token == nil || *token == "" {
				break
			}
		}
	case KindSecretsManager:
		value, st, found, err := e.getSecret(ctx, d.Name)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, fmt.Errorf("secret %s does not exist (or is scheduled for deletion)", d.Name)
		}
		var values map[string]string
		if err := json.Unmarshal([]byte(value), &values); err != nil {
			return nil, fmt.Errorf("secret %s does not hold a JSON object of strings, so it cannot be imported: %v", d.Name, err)
		}
		for k, v := range values {
			ks := st
			ks.Fingerprint = Fingerprint(salt, v)
			out[k] = ks
		}
	case KindSecretsManagerPerVar:
		var token *string
		for {
			res, err := e.Secrets.ListSecrets(ctx, &secretsmanager.ListSecretsInput{
				NextToken: token, MaxResults: aws.Int32(100),
				Filters: []smtypes.Filter{{Key: smtypes.FilterNameStringTypeName, Values: []string{d.NamePrefix}}},
			})
			if err != nil {
				return nil, fmt.Errorf("listing secrets named %s*: %w", d.NamePrefix, err)
			}
			for _, s := range res.SecretList {
				name := deref(s.Name)
				key, ok := strings.CutPrefix(name, d.NamePrefix)
				if !ok || key == "" || s.DeletedDate != nil {
					continue
				}
				value, st, found, err := e.getSecret(ctx, name)
				if err != nil {
					return nil, err
				}
				if found {
					st.Fingerprint = Fingerprint(salt, value)
					out[key] = st
				}
			}
			if token = res.NextToken; token == nil || *token == "" {
				break
			}
		}
	}
	return out, nil
}

// tierOf guesses the tier of an imported parameter from its size; the next
// write states it exactly.
func tierOf(value string) string {
	if len(value) > SSMStandardMaxBytes {
		return TierAdvanced
	}
	return TierStandard
}

// Destroy deletes everything the state says was written. It returns what
// is left when it fails part way.
func (e *Engine) Destroy(ctx context.Context, d Destination, prior map[string]KeyState) (map[string]KeyState, error) {
	left := map[string]KeyState{}
	for k, v := range prior {
		left[k] = v
	}
	res := &Result{Keys: left}
	err := e.deleteKeys(ctx, d, sortedKeys(prior), res)
	return res.Keys, err
}

func ssmPutInput(name, value, keyID, tier string, overwrite bool) *ssm.PutParameterInput {
	in := &ssm.PutParameterInput{
		Name: aws.String(name), Value: aws.String(value), Type: ssmtypes.ParameterTypeSecureString,
		Overwrite: aws.Bool(overwrite), Tier: ssmtypes.ParameterTier(tier),
	}
	if keyID != "" {
		in.KeyId = aws.String(keyID)
	}
	return in
}

func ssmTags(tags map[string]string) []ssmtypes.Tag {
	var out []ssmtypes.Tag
	for _, k := range sortedKeys(tags) {
		out = append(out, ssmtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

func smTags(tags map[string]string) []smtypes.Tag {
	var out []smtypes.Tag
	for _, k := range sortedKeys(tags) {
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

func smPutInput(name, value string) *secretsmanager.PutSecretValueInput {
	return &secretsmanager.PutSecretValueInput{SecretId: aws.String(name), SecretString: aws.String(value)}
}

func smDeleteInput(name string, windowDays int) *secretsmanager.DeleteSecretInput {
	in := &secretsmanager.DeleteSecretInput{SecretId: aws.String(name)}
	if windowDays == 0 {
		in.ForceDeleteWithoutRecovery = aws.Bool(true)
	} else {
		in.RecoveryWindowInDays = aws.Int64(int64(windowDays))
	}
	return in
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// isCode reports whether err is an AWS API error with this code.
func isCode(err error, code string) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode() == code
}

// isScheduledForDeletion recognises Secrets Manager's refusal to touch a
// secret that is scheduled for deletion.
func isScheduledForDeletion(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode() == "InvalidRequestException" &&
		strings.Contains(strings.ToLower(apiErr.ErrorMessage()), "deletion")
}

func equalTags(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
