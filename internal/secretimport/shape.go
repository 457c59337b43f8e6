package secretimport

import (
	"fmt"
	"maps"
	"slices"
	"strings"

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

// Apply returns the key → value map to write. Filters apply to the config
// var names; Rename then maps kept names to keys. Two names that end up as
// the same key are a problem on the rename entry that caused it (Attribute
// "rename", Key the entry's source name), in the order of the keys.
func (s Shape) Apply(values map[string]string) (map[string]string, []problem.Problem) {
	out := make(map[string]string, len(values))
	from := map[string]string{} // key → config var it came from
	type collision struct {
		key string
		problem.Problem
	}
	var collisions []collision
	for _, name := range slices.Sorted(maps.Keys(values)) {
		if !s.Keep(name) {
			continue
		}
		key := name
		if to, ok := s.Rename[name]; ok {
			key = to
		}
		if prev, dup := from[key]; dup {
			// At least one of the two is renamed: point at its entry.
			entry := name
			if _, renamed := s.Rename[name]; !renamed {
				entry = prev
			}
			collisions = append(collisions, collision{key, problem.Problem{
				Attribute: "rename", Key: entry, Summary: "Rename Collision",
				Detail: fmt.Sprintf("Config vars %q and %q would both be written as %q. Rename one of them to another key, "+
					"or exclude one with exclude.", prev, name, key),
			}})
			continue
		}
		from[key] = name
		out[key] = values[name]
	}
	// A rename whose source is absent is harmless but usually a typo; it is
	// reported by the caller as a warning if wanted.
	slices.SortStableFunc(collisions, func(a, b collision) int { return strings.Compare(a.key, b.key) })
	var problems []problem.Problem
	for _, c := range collisions {
		problems = append(problems, c.Problem)
	}
	return out, problems
}

// UnusedRenames lists rename entries whose source name is not among values.
func (s Shape) UnusedRenames(values map[string]string) []string {
	var unused []string
	for _, from := range slices.Sorted(maps.Keys(s.Rename)) {
		if _, ok := values[from]; !ok {
			unused = append(unused, from)
		}
	}
	return unused
}

// where says which attribute a finding about a key points at.
type where struct {
	shape Shape
	// values is the attribute that holds the values: "values" or
	// "values_wo".
	values string
}

// name locates a finding about the destination name of key: the rename
// entry that produced the key, or else the key in the values.
func (w where) name(key string) (attr, mapKey string) {
	for _, from := range slices.Sorted(maps.Keys(w.shape.Rename)) {
		if w.shape.Rename[from] == key {
			return "rename", from
		}
	}
	return w.values, key
}

// Prepare shapes values for a destination: Shape.Apply, then, for the
// destinations that store one value per key, drops empty values. SSM
// refuses empty parameter values, and an empty secret is no more use; such
// keys are returned in skipped so that the caller can warn (they belong in
// the task definition's plain environment). The JSON secret keeps them.
func Prepare(d Destination, s Shape, values map[string]string) (desired map[string]string, skipped []string, problems []problem.Problem) {
	desired, problems = s.Apply(values)
	if d.impl().storesEmptyValues() {
		return desired, nil, problems
	}
	for _, k := range slices.Sorted(maps.Keys(desired)) {
		if desired[k] == "" {
			skipped = append(skipped, k)
			delete(desired, k)
		}
	}
	return desired, skipped, problems
}
