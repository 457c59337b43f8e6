package problem

import (
	"errors"
	"testing"
)

func TestList(t *testing.T) {
	t.Parallel()
	l := List{
		Warnf("ttl", "Long TTL", "ttl is %d", 300),
		Errorf("ssm.tier", "Invalid Tier", "tier %q is not known", "Gold"),
		Errorf("", "Invalid Source", "set one"),
	}
	if !l.HasErrors() || len(l.Errors()) != 2 {
		t.Fatalf("errors: %v", l.Errors())
	}
	want := `ssm.tier: Invalid Tier: tier "Gold" is not known; Invalid Source: set one`
	if got := l.Error(); got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
	var target List
	if err := l.Err(); !errors.As(err, &target) || len(target) != 2 {
		t.Fatalf("Err() = %v", err)
	}
	if err := (List{Warnf("ttl", "Long TTL", "x")}).Err(); err != nil {
		t.Fatalf("warnings only: Err() = %v, want nil", err)
	}
}
