// Package secretimport moves config vars into AWS SSM Parameter Store or
// Secrets Manager: it shapes and validates the values, diffs them against
// what was written before by keyed fingerprints (never by value), writes
// only what changed at the destination's quota, and records exactly what
// exists when a write fails for good.
//
// Each destination kind is a small type behind the destination interface:
// ssmParameters (ssm.go), jsonSecret (secret_json.go) and secretPerVar
// (secret_per_var.go). Destination is the configuration value callers
// build; Destination.impl picks its type once, so nothing else branches on
// the kind.
//
// It does not import terraform-plugin-framework; internal/provider's
// heroku2aws_secret_import resource is a thin layer over it.
package secretimport

import (
	"context"
	"fmt"
	"strings"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/problem"
)

// Kind is where the values go.
type Kind string

// The three destinations.
const (
	KindSSM                  Kind = "ssm"
	KindSecretsManager       Kind = "secretsmanager"
	KindSecretsManagerPerVar Kind = "secretsmanager_per_var"
)

// kinds maps each Kind to its implementation.
var kinds = map[Kind]func(Destination) destination{
	KindSSM:                  func(d Destination) destination { return ssmParameters{d} },
	KindSecretsManager:       func(d Destination) destination { return jsonSecret{d} },
	KindSecretsManagerPerVar: func(d Destination) destination { return secretPerVar{d} },
}

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

// destination is what differs between the kinds. The methods that call
// AWS take the Engine that holds the clients and limiters.
type destination interface {
	// name is the name in the import id: the SSM path prefix, the secret's
	// name or the secret name prefix; withName sets it.
	name() string
	withName(name string) Destination
	// nameFor is the destination name of a key.
	nameFor(key string) string
	// service names the AWS service, for messages.
	service() string
	// storesEmptyValues reports whether an empty value can be written (not
	// to a parameter or secret of its own).
	storesEmptyValues() bool
	// sharesVersion reports whether every key shares one version, so that
	// a change to any key gives every key a new version.
	sharesVersion() bool
	// plannedTier is the SSM tier a value will be written with (empty for
	// Secrets Manager); known is false while only the apply can tell.
	plannedTier(value string, prior KeyState) (tier string, known bool)
	// validate checks shaped values against the service's limits.
	validate(values map[string]string, prior map[string]KeyState, at where) []problem.Problem
	// monthlyCost is the storage price of keys.
	monthlyCost(keys map[string]KeyState) float64

	// write writes the keys in writes and deletes those in deletes,
	// recording in res what exists.
	write(ctx context.Context, e *Engine, in ApplyInput, writes, deletes []string, res *Result) error
	// remove deletes keys and returns those that are gone.
	remove(ctx context.Context, e *Engine, keys []string, states map[string]KeyState) ([]string, error)
	// retag applies tags (and removes the removed ones) when changed, and
	// completes what the writes did not return.
	retag(ctx context.Context, e *Engine, keys map[string]KeyState, tags map[string]string, removed []string, changed bool) error
	// read refreshes the keys of prior; keys that are gone are left out.
	read(ctx context.Context, e *Engine, prior map[string]KeyState, salt string) (map[string]KeyState, error)
	// discover adopts what exists, for import.
	discover(ctx context.Context, e *Engine, salt string) (map[string]KeyState, error)
}

// impl is the implementation of d's kind. An unknown kind (which ParseID
// rejects) behaves as secretsmanager_per_var.
func (d Destination) impl() destination {
	if f, ok := kinds[d.Kind]; ok {
		return f(d)
	}
	return secretPerVar{d}
}

// ID is the import id of the destination: ssm:/acme/prod/,
// secretsmanager:acme/prod or secretsmanager_per_var:acme/prod/.
func (d Destination) ID() string {
	return string(d.Kind) + ":" + d.impl().name()
}

// ParseID is the inverse of ID.
func ParseID(id string) (Destination, error) {
	kind, rest, ok := strings.Cut(id, ":")
	if !ok || rest == "" {
		return Destination{}, fmt.Errorf("import id %q is not KIND:NAME; use ssm:/path/prefix/, secretsmanager:secret-name "+
			"or secretsmanager_per_var:name/prefix/", id)
	}
	d := Destination{Kind: Kind(kind)}
	if _, known := kinds[d.Kind]; !known {
		return Destination{}, fmt.Errorf("import id %q names an unknown destination %q; use ssm, secretsmanager or secretsmanager_per_var", id, kind)
	}
	return d.impl().withName(rest), nil
}

// NameFor is the destination name of a key: the SSM parameter or the
// per-var secret. For the JSON secret it is the secret's name.
func (d Destination) NameFor(key string) string { return d.impl().nameFor(key) }

// Service names the destination's AWS service for messages, as the
// subject of a sentence ("SSM Parameter Store").
func (d Destination) Service() string { return d.impl().service() }

// stateName is the name a key was written under: the state's record when
// there is one (a prefix may have changed since), else the current one.
func (d Destination) stateName(key string, states map[string]KeyState) string {
	if st, ok := states[key]; ok && st.Name != "" {
		return st.Name
	}
	return d.NameFor(key)
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
