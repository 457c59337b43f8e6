package secretimport

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
	var changes []Change
	for _, key := range sortedKeys(desired) {
		p, ok := prior[key]
		switch {
		case !ok:
			changes = append(changes, Change{key, OpCreate})
		case rewriteAll || p.Fingerprint != Fingerprint(salt, desired[key]) || p.Name != d.NameFor(key):
			changes = append(changes, Change{key, OpUpdate})
		case d.Kind == KindSSM && p.Tier != "" && DesiredTier(d.Tier, desired[key], p.Tier) != p.Tier:
			changes = append(changes, Change{key, OpUpdate})
		}
	}
	for _, key := range sortedKeys(prior) {
		if _, ok := desired[key]; !ok {
			changes = append(changes, Change{key, OpDelete})
		}
	}
	return changes
}

// HasWrites reports whether changes write anything.
func HasWrites(changes []Change) bool {
	for _, c := range changes {
		if c.Op != OpNone {
			return true
		}
	}
	return false
}
