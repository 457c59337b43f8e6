package secretimport

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Service limits (FACTS.md).
const (
	SSMStandardMaxBytes = 4096
	SSMAdvancedMaxBytes = 8192
	// SSMMaxNameLength: AWS counts its 1,011-character name limit over the
	// full ARN (arn:aws:ssm:REGION:ACCOUNT:parameter/NAME). The region is not
	// known at plan time, so this assumes the longest region name.
	SSMMaxNameLength      = 1011 - len("arn:aws:ssm:ap-southeast-5:123456789012:parameter/")
	SSMMaxLevels          = 15
	SecretMaxBytes        = 65536
	SecretMaxNameLength   = 512
	MinRecoveryWindowDays = 7
	MaxRecoveryWindowDays = 30
)

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
// parameter has it (AWS cannot downgrade).
func DesiredTier(configured string, value string, prior string) string {
	switch configured {
	case "", TierAuto:
		if len(value) > SSMStandardMaxBytes || prior == TierAdvanced {
			return TierAdvanced
		}
		return TierStandard
	case TierIntelligentTiering:
		if len(value) > SSMStandardMaxBytes || prior == TierAdvanced {
			return TierAdvanced
		}
		return TierStandard
	default:
		return configured
	}
}

// Validate checks shaped values against the destination's rules. prior is
// the state of an existing resource (nil on create). Attributes are named
// as in the resource schema (values, ssm.path_prefix, ssm.tier, ...).
func Validate(d Destination, values map[string]string, prior map[string]KeyState) []Problem {
	var problems []Problem
	add := func(key, attr, summary, detail string) {
		problems = append(problems, Problem{Key: key, Attribute: attr, Summary: summary, Detail: detail})
	}
	switch d.Kind {
	case KindSSM:
		if err := validateSSMPrefix(d.PathPrefix); err != nil {
			add("", "ssm.path_prefix", "Invalid SSM Path Prefix", err.Error())
			return problems
		}
		for _, key := range sortedKeys(values) {
			name := d.NameFor(key)
			if err := ValidateSSMName(name); err != nil {
				add(key, "rename", "Invalid SSM Parameter Name",
					fmt.Sprintf("Config var %q would be written as %s: %s. Rename the key with rename, or change ssm.path_prefix.", key, name, err))
				continue
			}
			size := len(values[key])
			priorTier := prior[key].Tier
			tier := DesiredTier(d.Tier, values[key], priorTier)
			switch {
			case size > SSMAdvancedMaxBytes:
				add(key, "ssm", "Value Too Large for SSM",
					fmt.Sprintf("Config var %q is %d bytes; SSM parameters hold at most %d bytes (Advanced tier). "+
						"Use the secretsmanager or secretsmanager_per_var destination (up to 64 KB), or exclude the key.", key, size, SSMAdvancedMaxBytes))
			case tier == TierStandard && size > SSMStandardMaxBytes:
				add(key, "ssm.tier", "Value Too Large for the Standard Tier",
					fmt.Sprintf("Config var %q is %d bytes; Standard parameters hold at most %d bytes. Set ssm.tier to \"auto\" "+
						"(Advanced for this key only, $0.05 a month) or \"Advanced\", or use a Secrets Manager destination.", key, size, SSMStandardMaxBytes))
			case tier == TierStandard && priorTier == TierAdvanced:
				add(key, "ssm.tier", "Cannot Downgrade an Advanced Parameter",
					fmt.Sprintf("Parameter %s is in the Advanced tier, and AWS cannot move a parameter back to Standard. Set "+
						"ssm.tier to \"auto\" or \"Advanced\", or delete the parameter by hand first.", name))
			}
		}
	case KindSecretsManager:
		if err := ValidateSecretName(d.Name); err != nil {
			add("", "secretsmanager.name", "Invalid Secret Name", err.Error()+".")
		}
		blob, _ := json.Marshal(values)
		if len(blob) > SecretMaxBytes {
			add("", "secretsmanager", "Secret Too Large",
				fmt.Sprintf("The JSON secret would be %d bytes; a secret holds at most %d. Exclude large keys (the largest is %s), "+
					"or use secretsmanager_per_var to give each key its own secret.", len(blob), SecretMaxBytes, largestKey(values)))
		}
	case KindSecretsManagerPerVar:
		for _, key := range sortedKeys(values) {
			name := d.NameFor(key)
			if err := ValidateSecretName(name); err != nil {
				add(key, "rename", "Invalid Secret Name",
					fmt.Sprintf("Config var %q would be written as secret %s: %s. Rename the key with rename, or change "+
						"secretsmanager_per_var.name_prefix.", key, name, err))
				continue
			}
			if size := len(values[key]); size > SecretMaxBytes {
				add(key, "values", "Value Too Large for Secrets Manager",
					fmt.Sprintf("Config var %q is %d bytes; a secret holds at most %d. Exclude the key.", key, size, SecretMaxBytes))
			}
		}
	}
	return problems
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
	for _, k := range sortedKeys(values) {
		if len(values[k]) > size {
			best, size = k, len(values[k])
		}
	}
	return fmt.Sprintf("%q at %d bytes", best, size)
}
