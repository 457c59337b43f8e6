package secretimport

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/problem"
)

// ssmParameters is the ssm destination: one SecureString parameter per
// key, named PathPrefix + key.
type ssmParameters struct{ Destination }

// ssmBatch is how many names GetParameters and DeleteParameters take at
// once, and the most a GetParametersByPath page holds
// (https://docs.aws.amazon.com/general/latest/gr/ssm.html).
const ssmBatch = 10

func (d ssmParameters) name() string { return d.PathPrefix }

func (d ssmParameters) withName(name string) Destination {
	d.PathPrefix = name
	return d.Destination
}

func (d ssmParameters) nameFor(key string) string { return d.PathPrefix + key }

func (ssmParameters) service() string { return "SSM Parameter Store" }

func (ssmParameters) storesEmptyValues() bool { return false }

func (ssmParameters) sharesVersion() bool { return false }

// plannedTier: with Intelligent-Tiering, AWS picks the tier at the write.
func (d ssmParameters) plannedTier(value string, prior KeyState) (string, bool) {
	return DesiredTier(d.Tier, value, prior.Tier), d.Tier != TierIntelligentTiering
}

func (d ssmParameters) validate(values map[string]string, prior map[string]KeyState, at where) []problem.Problem {
	if err := validateSSMPrefix(d.PathPrefix); err != nil {
		return []problem.Problem{problem.Errorf("ssm.path_prefix", "Invalid SSM Path Prefix", "%s", err)}
	}
	var problems []problem.Problem
	for _, key := range slices.Sorted(maps.Keys(values)) {
		name := d.nameFor(key)
		if err := ValidateSSMName(name); err != nil {
			attr, mapKey := at.name(key)
			problems = append(problems, problem.Problem{Attribute: attr, Key: mapKey, Summary: "Invalid SSM Parameter Name",
				Detail: fmt.Sprintf("Config var %q would be written as %s: %s. Rename the key with rename, or change ssm.path_prefix.", key, name, err)})
			continue
		}
		size := len(values[key])
		priorTier := prior[key].Tier
		tier := DesiredTier(d.Tier, values[key], priorTier)
		switch {
		case size > SSMAdvancedMaxBytes:
			problems = append(problems, problem.Errorf("ssm", "Value Too Large for SSM",
				"Config var %q is %d bytes; SSM parameters hold at most %d bytes (Advanced tier). "+
					"Use the secretsmanager or secretsmanager_per_var destination (up to 64 KB), or exclude the key.", key, size, SSMAdvancedMaxBytes))
		case tier == TierStandard && size > SSMStandardMaxBytes:
			problems = append(problems, problem.Errorf("ssm.tier", "Value Too Large for the Standard Tier",
				"Config var %q is %d bytes; Standard parameters hold at most %d bytes. Set ssm.tier to \"auto\" "+
					"(Advanced for this key only, $0.05 a month) or \"Advanced\", or use a Secrets Manager destination.", key, size, SSMStandardMaxBytes))
		case tier == TierStandard && priorTier == TierAdvanced:
			problems = append(problems, problem.Errorf("ssm.tier", "Cannot Downgrade an Advanced Parameter",
				"Parameter %s is in the Advanced tier, and AWS cannot move a parameter back to Standard. Set "+
					"ssm.tier to \"auto\" or \"Advanced\", or delete the parameter by hand first.", name))
		}
	}
	return problems
}

func (ssmParameters) monthlyCost(keys map[string]KeyState) float64 {
	total := 0.0
	for _, k := range keys {
		if k.Tier == TierAdvanced {
			total += PriceSSMAdvanced
		} else {
			total += PriceSSMStandard
		}
	}
	return round2(total)
}

func (d ssmParameters) write(ctx context.Context, e *Engine, in ApplyInput, writes, deletes []string, res *Result) error {
	return e.applyPerKey(ctx, in, writes, deletes, res, func(ctx context.Context, key string, prior KeyState, exists bool) (KeyState, error) {
		return d.putParameter(ctx, e, key, in.Desired[key], prior, exists)
	})
}

// putParameter writes one SSM SecureString.
func (d ssmParameters) putParameter(ctx context.Context, e *Engine, key, value string, prior KeyState, exists bool) (KeyState, error) {
	name := d.nameFor(key)
	tier := DesiredTier(d.Tier, value, prior.Tier)
	if d.Tier == TierIntelligentTiering {
		tier = TierIntelligentTiering
	}
	put := func(overwrite bool) (*ssm.PutParameterOutput, error) {
		if err := wait(ctx, e.limits().SSMWrite); err != nil {
			return nil, err
		}
		input := &ssm.PutParameterInput{
			Name: aws.String(name), Value: aws.String(value), Type: ssmtypes.ParameterTypeSecureString,
			Overwrite: aws.Bool(overwrite), Tier: ssmtypes.ParameterTier(tier),
		}
		if d.KeyID != "" {
			input.KeyId = aws.String(d.KeyID)
		}
		if !overwrite {
			input.Tags = ssmTags(d.Tags)
		}
		return e.SSM.PutParameter(ctx, input)
	}
	out, err := put(exists)
	if err != nil && !exists && isCode(err, "ParameterAlreadyExists") {
		// Left over from an earlier failed apply, or created by hand: adopt
		// it. Tags cannot ride along with Overwrite, so they follow.
		e.log().DebugContext(ctx, "Adopting an existing parameter", "name", name)
		if out, err = put(true); err == nil && len(d.Tags) > 0 {
			err = e.tagParameter(ctx, name, d.Tags, nil)
		}
	}
	if err != nil {
		return KeyState{}, err
	}
	st := KeyState{Name: name, Version: strconv.FormatInt(out.Version, 10), Tier: string(out.Tier), ARN: prior.ARN}
	if prior.Name != name {
		st.ARN = ""
	}
	return st, nil
}

func (d ssmParameters) remove(ctx context.Context, e *Engine, keys []string, states map[string]KeyState) ([]string, error) {
	var deleted []string
	for batch := range slices.Chunk(keys, ssmBatch) {
		names := make([]string, len(batch))
		byName := map[string]string{}
		for i, k := range batch {
			names[i] = d.stateName(k, states)
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

// retag tags every parameter when the tags changed, and fills in the ARNs
// that PutParameter does not return.
func (ssmParameters) retag(ctx context.Context, e *Engine, keys map[string]KeyState, tags map[string]string, removed []string, changed bool) error {
	if changed {
		for _, key := range slices.Sorted(maps.Keys(keys)) {
			if err := e.tagParameter(ctx, keys[key].Name, tags, removed); err != nil {
				return fmt.Errorf("tagging %s: %w", keys[key].Name, err)
			}
		}
	}
	return e.fillARNs(ctx, keys)
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
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if keys[k].ARN == "" {
			missing = append(missing, k)
		}
	}
	for batch := range slices.Chunk(missing, ssmBatch) {
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
			if k, ok := byName[aws.ToString(p.Name)]; ok {
				st := keys[k]
				st.ARN = aws.ToString(p.ARN)
				keys[k] = st
			}
		}
	}
	return nil
}

func (d ssmParameters) read(ctx context.Context, e *Engine, prior map[string]KeyState, salt string) (map[string]KeyState, error) {
	out := map[string]KeyState{}
	for batch := range slices.Chunk(slices.Sorted(maps.Keys(prior)), ssmBatch) {
		byName := map[string]string{}
		names := make([]string, len(batch))
		for i, k := range batch {
			names[i] = d.stateName(k, prior)
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
			k, ok := byName[aws.ToString(p.Name)]
			if !ok {
				continue
			}
			st := prior[k]
			st.Version = strconv.FormatInt(p.Version, 10)
			st.Fingerprint = Fingerprint(salt, aws.ToString(p.Value))
			st.ARN = aws.ToString(p.ARN)
			out[k] = st
		}
	}
	return out, nil
}

// discover lists the parameters under the path prefix, ten a page.
func (d ssmParameters) discover(ctx context.Context, e *Engine, salt string) (map[string]KeyState, error) {
	if !strings.HasSuffix(d.PathPrefix, "/") || !strings.HasPrefix(d.PathPrefix, "/") {
		return nil, fmt.Errorf("import needs an SSM path prefix that starts and ends with /, such as ssm:/acme-api/prod/")
	}
	path := strings.TrimSuffix(d.PathPrefix, "/")
	if path == "" {
		path = "/"
	}
	out := map[string]KeyState{}
	pages := ssm.NewGetParametersByPathPaginator(e.SSM, &ssm.GetParametersByPathInput{
		Path: aws.String(path), WithDecryption: aws.Bool(true), MaxResults: aws.Int32(ssmBatch),
	})
	for pages.HasMorePages() {
		if err := wait(ctx, e.limits().SSMRead); err != nil {
			return nil, err
		}
		res, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing parameters under %s: %w", path, err)
		}
		for _, p := range res.Parameters {
			name := aws.ToString(p.Name)
			key := strings.TrimPrefix(name, d.PathPrefix)
			if key == name || key == "" {
				continue
			}
			out[key] = KeyState{Name: name, Version: strconv.FormatInt(p.Version, 10), ARN: aws.ToString(p.ARN),
				Fingerprint: Fingerprint(salt, aws.ToString(p.Value)), Tier: tierOf(aws.ToString(p.Value))}
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

func ssmTags(tags map[string]string) []ssmtypes.Tag {
	var out []ssmtypes.Tag
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, ssmtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}
