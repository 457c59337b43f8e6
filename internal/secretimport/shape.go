package secretimport

import (
	"fmt"
	"sort"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/problem"
)

// Shape selects and renames config vars before they are written.
type Shape struct {
	// Filter's Include keeps only matching names (exact or path.Match
	// globs), and its Exclude drops matching names after Include: the same
	// rules as the heroku2aws_config_vars filters.
	inventory.Filter
	// Rename maps a config var name to the key written for it.
	Rename map[string]string
}

// Problem is a plan-time finding about one key, for a diagnostic that
// names the key and the attribute to fix.
//
// Key is the config var (or destination key) concerned, and may be empty;
// Attribute is the configuration attribute to fix, e.g. "rename" or
// "ssm.tier".
type Problem = problem.Problem

// Apply returns the key → value map to write. Filters apply to the config
// var names; Rename then maps kept names to keys. Two names that end up as
// the same key are a Problem.
func (s Shape) Apply(values map[string]string) (map[string]string, []Problem) {
	out := make(map[string]string, len(values))
	from := map[string]string{} // key → config var it came from
	var problems []Problem
	for _, name := range sortedKeys(values) {
		if !s.Keep(name) {
			continue
		}
		key := name
		if to, ok := s.Rename[name]; ok {
			key = to
		}
		if prev, dup := from[key]; dup {
			problems = append(problems, Problem{
				Key: key, Attribute: "rename", Summary: "Rename Collision",
				Detail: fmt.Sprintf("Config vars %q and %q would both be written as %q. Rename one of them to another key, "+
					"or exclude one with exclude.", prev, name, key),
			})
			continue
		}
		from[key] = name
		out[key] = values[name]
	}
	// A rename whose source is absent is harmless but usually a typo; it is
	// reported by the caller as a warning if wanted.
	sort.Slice(problems, func(i, j int) bool { return problems[i].Key < problems[j].Key })
	return out, problems
}

// UnusedRenames lists rename entries whose source name is not among values.
func (s Shape) UnusedRenames(values map[string]string) []string {
	var unused []string
	for _, from := range sortedKeys(s.Rename) {
		if _, ok := values[from]; !ok {
			unused = append(unused, from)
		}
	}
	return unused
}

// Prepare shapes values for a destination: Shape.Apply, then, for the
// destinations that store one value per key, drops empty values. SSM
// refuses empty parameter values, and an empty secret is no more use; such
// keys are returned in skipped so that the caller can warn (they belong in
// the task definition's plain environment). The JSON secret keeps them.
func Prepare(d Destination, s Shape, values map[string]string) (desired map[string]string, skipped []string, problems []Problem) {
	desired, problems = s.Apply(values)
	if d.Kind == KindSecretsManager {
		return desired, nil, problems
	}
	for _, k := range sortedKeys(desired) {
		if desired[k] == "" {
			skipped = append(skipped, k)
			delete(desired, k)
		}
	}
	return desired, skipped, problems
}
