package secretimport

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/problem"
)

// secretPerVar is the secretsmanager_per_var destination: one secret per
// key, named NamePrefix + key.
type secretPerVar struct{ Destination }

// listSecretsPage is the page size of ListSecrets, its maximum
// (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_ListSecrets.html).
const listSecretsPage = 100

func (d secretPerVar) name() string { return d.NamePrefix }

func (d secretPerVar) withName(name string) Destination {
	d.NamePrefix = name
	return d.Destination
}

func (d secretPerVar) nameFor(key string) string { return d.NamePrefix + key }

func (secretPerVar) service() string { return "A Secrets Manager secret per var" }

func (secretPerVar) storesEmptyValues() bool { return false }

func (secretPerVar) sharesVersion() bool { return false }

func (secretPerVar) plannedTier(string, KeyState) (string, bool) { return "", true }

func (d secretPerVar) validate(values map[string]string, _ map[string]KeyState, at where) []problem.Problem {
	var problems []problem.Problem
	for _, key := range slices.Sorted(maps.Keys(values)) {
		name := d.nameFor(key)
		if err := ValidateSecretName(name); err != nil {
			attr, mapKey := at.name(key)
			problems = append(problems, problem.Problem{Attribute: attr, Key: mapKey, Summary: "Invalid Secret Name",
				Detail: fmt.Sprintf("Config var %q would be written as secret %s: %s. Rename the key with rename, or change "+
					"secretsmanager_per_var.name_prefix.", key, name, err)})
			continue
		}
		if size := len(values[key]); size > SecretMaxBytes {
			problems = append(problems, problem.Problem{Attribute: at.values, Key: key, Summary: "Value Too Large for Secrets Manager",
				Detail: fmt.Sprintf("Config var %q is %d bytes; a secret holds at most %d. Exclude the key.", key, size, SecretMaxBytes)})
		}
	}
	return problems
}

func (secretPerVar) monthlyCost(keys map[string]KeyState) float64 {
	return secretMonthlyCost(len(keys))
}

func (d secretPerVar) write(ctx context.Context, e *Engine, in ApplyInput, writes, deletes []string, res *Result) error {
	return e.applyPerKey(ctx, in, writes, deletes, res, func(ctx context.Context, key string, _ KeyState, exists bool) (KeyState, error) {
		return e.putSecret(ctx, d.Destination, d.nameFor(key), in.Desired[key], exists)
	})
}

func (d secretPerVar) remove(ctx context.Context, e *Engine, keys []string, states map[string]KeyState) ([]string, error) {
	var deleted []string
	for _, k := range keys {
		if err := e.deleteSecret(ctx, d.Destination, d.stateName(k, states)); err != nil {
			return deleted, err
		}
		deleted = append(deleted, k)
	}
	return deleted, nil
}

func (secretPerVar) retag(ctx context.Context, e *Engine, keys map[string]KeyState, tags map[string]string, removed []string, changed bool) error {
	return e.retagSecrets(ctx, keys, tags, removed, changed)
}

func (d secretPerVar) read(ctx context.Context, e *Engine, prior map[string]KeyState, salt string) (map[string]KeyState, error) {
	out := map[string]KeyState{}
	for _, k := range slices.Sorted(maps.Keys(prior)) {
		name := d.stateName(k, prior)
		value, st, found, err := e.getSecret(ctx, name)
		if err != nil {
			return nil, err
		}
		if !found {
			continue
		}
		st.Fingerprint = Fingerprint(salt, value)
		st.Name = name
		out[k] = st
	}
	return out, nil
}

// discover lists the secrets whose names start with the prefix, and reads
// each one that is not scheduled for deletion.
func (d secretPerVar) discover(ctx context.Context, e *Engine, salt string) (map[string]KeyState, error) {
	out := map[string]KeyState{}
	pages := secretsmanager.NewListSecretsPaginator(e.Secrets, &secretsmanager.ListSecretsInput{
		MaxResults: aws.Int32(listSecretsPage),
		Filters:    []smtypes.Filter{{Key: smtypes.FilterNameStringTypeName, Values: []string{d.NamePrefix}}},
	})
	for pages.HasMorePages() {
		res, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing secrets named %s*: %w", d.NamePrefix, err)
		}
		for _, s := range res.SecretList {
			name := aws.ToString(s.Name)
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
	}
	return out, nil
}
