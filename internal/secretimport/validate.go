package secretimport

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/problem"
)

// Service limits.
const (
	// An SSM parameter value holds up to 4 KB in the Standard tier and 8 KB
	// in the Advanced tier (https://docs.aws.amazon.com/general/latest/gr/ssm.html).
	SSMStandardMaxBytes = 4096
	SSMAdvancedMaxBytes = 8192
	// SSMMaxNameLength: AWS counts its 1,011-character name limit over the
	// full ARN (arn:aws:ssm:REGION:ACCOUNT:parameter/NAME), and a name has at
	// most 15 hierarchy levels
	// (https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-parameter-name-constraints.html).
	// The region is not known at plan time, so this assumes the longest
	// region name.
	SSMMaxNameLength = 1011 - len("arn:aws:ssm:ap-southeast-5:123456789012:parameter/")
	SSMMaxLevels     = 15
	// A secret value holds up to 65,536 bytes and a secret name up to 512
	// characters; a deleted secret stays recoverable for 7 to 30 days
	// (https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html).
	SecretMaxBytes        = 65536
	SecretMaxNameLength   = 512
	MinRecoveryWindowDays = 7
	MaxRecoveryWindowDays = 30
)

// The characters SSM parameter names and secret names may hold; see the
// links above.
var (
	ssmNameChars    = regexp.MustCompile(`^[a-zA-Z0-9_.\-/]+$`)
	secretNameChars = regexp.MustCompile(`^[a-zA-Z0-9/_+=.@\-]+$`)
	// A secret name must not end in a hyphen and six characters: that is the
	// shape of the suffix Secrets Manager appends to ARNs.
	secretARNSuffix = regexp.MustCompile(`-[a-zA-Z0-9/_+=.@\-]{6}$`)
)

// ValidateSSMName reports why name cannot be an SSM parameter name.
func ValidateSSMName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("the name is empty")
	case len(name) > SSMMaxNameLength:
		return fmt.Errorf("the name is %d characters long; SSM allows about %d (1,011 counted over the whole parameter ARN)", len(name), SSMMaxNameLength)
	case !ssmNameChars.MatchString(name):
		return fmt.Errorf("the name %q has characters SSM does not allow; use only a-z, A-Z, 0-9, _ . - and /", name)
	case strings.Contains(name, "/") && !strings.HasPrefix(name, "/"):
		return fmt.Errorf("the name %q is hierarchical but does not start with /", name)
	case strings.Contains(name, "//"):
		return fmt.Errorf("the name %q has an empty hierarchy level (//)", name)
	case strings.HasSuffix(name, "/"):
		return fmt.Errorf("the name %q ends with /", name)
	}
	if levels := strings.Count(name, "/"); levels > SSMMaxLevels {
		return fmt.Errorf("the name %q has %d hierarchy levels; SSM allows %d", name, levels, SSMMaxLevels)
	}
	first := strings.ToLower(strings.TrimPrefix(name, "/"))
	if strings.HasPrefix(first, "aws") || strings.HasPrefix(first, "ssm") {
		return fmt.Errorf("the name %q starts with \"aws\" or \"ssm\", which SSM reserves (case-insensitive)", name)
	}
	return nil
}

// ValidateSecretName reports why name cannot be a Secrets Manager secret
// name.
func ValidateSecretName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("the name is empty")
	case len(name) > SecretMaxNameLength:
		return fmt.Errorf("the name is %d characters long; Secrets Manager allows %d", len(name), SecretMaxNameLength)
	case !secretNameChars.MatchString(name):
		return fmt.Errorf("the name %q has characters Secrets Manager does not allow; use only letters, digits and /_+=.@-", name)
	case secretARNSuffix.MatchString(name):
		return fmt.Errorf("the name %q ends with a hyphen and six characters, which Secrets Manager confuses with the "+
			"random suffix of its ARNs; change the last part of the name", name)
	}
	return nil
}

// DesiredTier is the tier a value gets at an SSM destination: Auto picks
// Standard up to 4 KB and Advanced above, and keeps Advanced once a
// parameter has it (AWS cannot downgrade). Intelligent-Tiering is sent to
// AWS as such; AWS then picks by the same rule, and this is the tier
// expected.
func DesiredTier(configured string, value string, prior string) string {
	switch configured {
	case "", TierAuto, TierIntelligentTiering:
		if len(value) > SSMStandardMaxBytes || prior == TierAdvanced {
			return TierAdvanced
		}
		return TierStandard
	default:
		return configured
	}
}

// Validate checks shaped values against the destination's rules. prior is
// the state of an existing resource (nil on create). The problems name
// attributes as in the resource schema (ssm.path_prefix, ssm.tier, ...); a
// problem with a key's name points at the rename entry that produced the
// key, or else at the key in valuesAttr ("values" or "values_wo"), as does
// a problem with a value.
func Validate(d Destination, s Shape, valuesAttr string, values map[string]string, prior map[string]KeyState) []problem.Problem {
	return d.impl().validate(values, prior, where{shape: s, values: valuesAttr})
}

func validateSSMPrefix(prefix string) error {
	if prefix == "" {
		return fmt.Errorf("the path prefix is empty; use a prefix such as /acme-api/prod/")
	}
	if strings.Contains(prefix, "/") && !strings.HasPrefix(prefix, "/") {
		return fmt.Errorf("the path prefix %q must start with / (for example /acme-api/prod/)", prefix)
	}
	// The prefix is checked as the name of a key "X" under it.
	if err := ValidateSSMName(prefix + "X"); err != nil {
		return fmt.Errorf("the path prefix %q cannot start parameter names: %s", prefix, strings.TrimPrefix(err.Error(), "the name "))
	}
	return nil
}

// ValidateRecoveryWindow checks a Secrets Manager recovery window.
func ValidateRecoveryWindow(days int) error {
	if days == 0 || (days >= MinRecoveryWindowDays && days <= MaxRecoveryWindowDays) {
		return nil
	}
	return fmt.Errorf("%d days is not a recovery window Secrets Manager accepts: use 7 to 30 days, or 0 to delete without recovery", days)
}

func largestKey(values map[string]string) string {
	best, size := "", -1
	for _, k := range slices.Sorted(maps.Keys(values)) {
		if len(values[k]) > size {
			best, size = k, len(values[k])
		}
	}
	return fmt.Sprintf("%q at %d bytes", best, size)
}
