package inventory

import (
	"fmt"
	"path"
)

// ValidatePattern checks that p is an exact config var name or a valid
// path.Match glob.
func ValidatePattern(p string) error {
	if p == "" {
		return fmt.Errorf("empty name pattern")
	}
	if _, err := path.Match(p, ""); err != nil {
		return fmt.Errorf("malformed name pattern %q: use a name or a glob such as DATABASE_* (%w)", p, err)
	}
	return nil
}

func matchAny(patterns []string, name string) bool {
	for _, p := range patterns {
		if p == name {
			return true
		}
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}
