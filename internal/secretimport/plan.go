package secretimport

import (
	"maps"
	"slices"
)

// Op is what an apply does to one key.
type Op int

// The operations, in the order an apply performs them: writes first, then
// deletes, so that a failure never loses a value that has no replacement.
const (
	OpNone Op = iota
	OpCreate
	OpUpdate
	OpDelete
)

func (o Op) String() string {
	return [...]string{"none", "create", "update", "delete"}[o]
}

// Change is one key's operation.
type Change struct {
	Key string
	Op  Op
}

// Diff compares the desired values with what the state says was written,
// by fingerprint. rewriteAll turns every unchanged key into an update (the
// write-only version was bumped, or the KMS key changed). For SSM, a key
// whose tier must change is an update too. The result is sorted by key.
func Diff(d Destination, desired map[string]string, prior map[string]KeyState, salt string, rewriteAll bool) []Change {
	impl := d.impl()
	var changes []Change
	for _, key := range slices.Sorted(maps.Keys(desired)) {
		p, ok := prior[key]
		tier, _ := impl.plannedTier(desired[key], p)
		switch {
		case !ok:
			changes = append(changes, Change{key, OpCreate})
		case rewriteAll || p.Fingerprint != Fingerprint(salt, desired[key]) || p.Name != d.NameFor(key):
			changes = append(changes, Change{key, OpUpdate})
		case tier != "" && p.Tier != "" && tier != p.Tier:
			changes = append(changes, Change{key, OpUpdate})
		}
	}
	for _, key := range slices.Sorted(maps.Keys(prior)) {
		if _, ok := desired[key]; !ok {
			changes = append(changes, Change{key, OpDelete})
		}
	}
	return changes
}

// HasWrites reports whether changes write anything.
func HasWrites(changes []Change) bool {
	return slices.ContainsFunc(changes, func(c Change) bool { return c.Op != OpNone })
}

// PlannedKey is what a plan can tell of one key's state after the apply.
type PlannedKey struct {
	// State holds the fields that are known; the Unknown flags mark those
	// only the apply can tell.
	State                                   KeyState
	VersionUnknown, ARNUnknown, TierUnknown bool
}

// Plan is the outcome of an apply as far as it is known before it runs.
type Plan struct {
	Changes []Change
	Keys    map[string]PlannedKey
	// MonthlyCost is the storage price of the planned keys.
	MonthlyCost float64
}

// PlanApply plans an apply: Diff, and the state each desired key will
// have. An unchanged key keeps its state; a written one gets a new version,
// and keeps its ARN only when its name stays the same.
func PlanApply(d Destination, desired map[string]string, prior map[string]KeyState, salt string, rewriteAll bool) Plan {
	impl := d.impl()
	plan := Plan{Changes: Diff(d, desired, prior, salt, rewriteAll), Keys: make(map[string]PlannedKey, len(desired))}
	changed := map[string]bool{}
	for _, c := range plan.Changes {
		changed[c.Key] = true
	}
	// With one shared version, any change gives every key a new version.
	newVersions := len(plan.Changes) > 0 && impl.sharesVersion()
	priced := make(map[string]KeyState, len(desired))
	for key, value := range desired {
		st, had := prior[key]
		name := d.NameFor(key)
		fp := Fingerprint(salt, value)
		tier, tierKnown := impl.plannedTier(value, st)
		priced[key] = KeyState{Name: name, Fingerprint: fp, Tier: tier}
		if had && !changed[key] && !newVersions {
			plan.Keys[key] = PlannedKey{State: st}
			continue
		}
		pk := PlannedKey{State: KeyState{Name: name, Fingerprint: fp}, VersionUnknown: true, ARNUnknown: true, TierUnknown: !tierKnown}
		if had && st.Name == name && st.ARN != "" {
			pk.State.ARN, pk.ARNUnknown = st.ARN, false
		}
		if tierKnown {
			pk.State.Tier = tier
		}
		plan.Keys[key] = pk
	}
	plan.MonthlyCost = impl.monthlyCost(priced)
	return plan
}
