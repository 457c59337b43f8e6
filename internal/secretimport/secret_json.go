package secretimport

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/problem"
)

// jsonSecret is the secretsmanager destination: every key in one secret,
// Name, that holds a JSON object of strings, written in a single call.
type jsonSecret struct{ Destination }

func (d jsonSecret) name() string { return d.Name }

func (d jsonSecret) withName(name string) Destination {
	d.Name = name
	return d.Destination
}

func (d jsonSecret) nameFor(string) string { return d.Name }

func (jsonSecret) service() string { return "One Secrets Manager secret" }

// storesEmptyValues: an empty string is a fine JSON value.
func (jsonSecret) storesEmptyValues() bool { return true }

func (jsonSecret) sharesVersion() bool { return true }

func (jsonSecret) plannedTier(string, KeyState) (string, bool) { return "", true }

func (d jsonSecret) validate(values map[string]string, _ map[string]KeyState, _ where) []problem.Problem {
	var problems []problem.Problem
	if err := ValidateSecretName(d.Name); err != nil {
		problems = append(problems, problem.Errorf("secretsmanager.name", "Invalid Secret Name", "%s.", err))
	}
	blob, _ := json.Marshal(values)
	if len(blob) > SecretMaxBytes {
		problems = append(problems, problem.Errorf("secretsmanager", "Secret Too Large",
			"The JSON secret would be %d bytes; a secret holds at most %d. Exclude large keys (the largest is %s), "+
				"or use secretsmanager_per_var to give each key its own secret.", len(blob), SecretMaxBytes, largestKey(values)))
	}
	return problems
}

func (jsonSecret) monthlyCost(keys map[string]KeyState) float64 {
	if len(keys) == 0 {
		return 0
	}
	return PriceSecretPerMonth
}

// write writes every key of the one JSON secret in a single call, which
// also drops the deleted keys.
func (d jsonSecret) write(ctx context.Context, e *Engine, in ApplyInput, writes, deletes []string, res *Result) error {
	if len(writes) == 0 && len(deletes) == 0 {
		return nil
	}
	blob, err := json.Marshal(in.Desired)
	if err != nil {
		return fmt.Errorf("encoding the secret: %w", err)
	}
	st, err := e.putSecret(ctx, d.Destination, d.Name, string(blob), len(in.Prior) > 0)
	if err != nil {
		return &PartialError{Failed: d.Name, NotWritten: writes, Cause: err}
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

// remove deletes the secret, and with it every key.
func (d jsonSecret) remove(ctx context.Context, e *Engine, keys []string, _ map[string]KeyState) ([]string, error) {
	if err := e.deleteSecret(ctx, d.Destination, d.Name); err != nil {
		return nil, err
	}
	return keys, nil
}

func (jsonSecret) retag(ctx context.Context, e *Engine, keys map[string]KeyState, tags map[string]string, removed []string, changed bool) error {
	return e.retagSecrets(ctx, keys, tags, removed, changed)
}

// read decodes the secret; a secret that no longer holds a JSON object of
// strings reads as every key changed.
func (d jsonSecret) read(ctx context.Context, e *Engine, prior map[string]KeyState, salt string) (map[string]KeyState, error) {
	out := map[string]KeyState{}
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
	return out, nil
}

func (d jsonSecret) discover(ctx context.Context, e *Engine, salt string) (map[string]KeyState, error) {
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
	out := map[string]KeyState{}
	for k, v := range values {
		ks := st
		ks.Fingerprint = Fingerprint(salt, v)
		out[k] = ks
	}
	return out, nil
}
