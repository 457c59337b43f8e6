// Package secretimport moves config vars into AWS SSM Parameter Store or
// Secrets Manager: it shapes and validates the values, diffs them against
// what was written before by keyed fingerprints (never by value), writes
// only what changed at the destination's quota, and records exactly what
// exists when a write fails for good.
//
// It does not import terraform-plugin-framework; internal/provider's
// heroku2aws_secret_import resource is a thin layer over it.
package secretimport

import (
	"fmt"
	"sort"
	"strings"
)

// Kind is where the values go.
type Kind string

// The three destinations.
const (
	KindSSM                  Kind = "ssm"
	KindSecretsManager       Kind = "secretsmanager"
	KindSecretsManagerPerVar Kind = "secretsmanager_per_var"
)

// SSM parameter tiers, plus Auto, which picks Standard or Advanced by size.
const (
	TierAuto               = "auto"
	TierStandard           = "Standard"
	TierAdvanced           = "Advanced"
	TierIntelligentTiering = "Intelligent-Tiering"
)

// Tiers are the values the ssm tier setting accepts.
var Tiers = []string{TierAuto, TierStandard, TierAdvanced, TierIntelligentTiering}

// Destination says where and how to write.
type Destination struct {
	Kind Kind
	// PathPrefix (ssm) and NamePrefix (secretsmanager_per_var) are prepended
	// to each key; Name (secretsmanager) names the one JSON secret.
	PathPrefix, NamePrefix, Name string
	// KeyID is a KMS key id, ARN or alias; empty uses the AWS managed key.
	KeyID string
	// Tier applies to ssm; empty means auto.
	Tier string
	// RecoveryWindowDays applies to Secrets Manager deletes: 7-30, or 0 to
	// delete without recovery.
	RecoveryWindowDays int
	Tags               map[string]string
}

// ID is the import id of the destination: ssm:/acme/prod/,
// secretsmanager:acme/prod or secretsmanager_per_var:acme/prod/.
func (d Destination) ID() string {
	switch d.Kind {
	case KindSSM:
		return string(d.Kind) + ":" + d.PathPrefix
	case KindSecretsManager:
		return string(d.Kind) + ":" + d.Name
	default:
		return string(d.Kind) + ":" + d.NamePrefix
	}
}

// ParseID is the inverse of ID.
func ParseID(id string) (Destination, error) {
	kind, rest, ok := strings.Cut(id, ":")
	if !ok || rest == "" {
		return Destination{}, fmt.Errorf("import id %q is not KIND:NAME; use ssm:/path/prefix/, secretsmanager:secret-name "+
			"or secretsmanager_per_var:name/prefix/", id)
	}
	d := Destination{Kind: Kind(kind)}
	switch d.Kind {
	case KindSSM:
		d.PathPrefix = rest
	case KindSecretsManager:
		d.Name = rest
	case KindSecretsManagerPerVar:
		d.NamePrefix = rest
	default:
		return Destination{}, fmt.Errorf("import id %q names an unknown destination %q; use ssm, secretsmanager or secretsmanager_per_var", id, kind)
	}
	return d, nil
}

// NameFor is the destination name of a key: the SSM parameter or the
// per-var secret. For the JSON secret it is the secret's name.
func (d Destination) NameFor(key string) string {
	switch d.Kind {
	case KindSSM:
		return d.PathPrefix + key
	case KindSecretsManagerPerVar:
		return d.NamePrefix + key
	default:
		return d.Name
	}
}

// KeyState is what the state records of one key: never its value.
type KeyState struct {
	// Name is the destination name (SSM parameter or secret).
	Name string
	// Version is the SSM parameter version, or the Secrets Manager version id.
	Version string
	// Fingerprint is the keyed fingerprint of the value (see Fingerprint).
	Fingerprint string
	ARN         string
	// Tier is the SSM tier actually in use (Standard, Advanced).
	Tier string
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
