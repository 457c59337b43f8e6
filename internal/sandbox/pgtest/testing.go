package pgtest

import (
	"context"
	"errors"
	"testing"
)

// StartT starts a cluster for a test or benchmark and stops it (removing
// its directory unless opts.Keep) when the test ends. It skips the test,
// saying why, when the PostgreSQL server binaries are not installed, and
// fails it on any other error.
func StartT(t testing.TB, opts Options) *Cluster {
	t.Helper()
	c, err := Start(context.Background(), opts)
	if errors.Is(err, ErrNotInstalled) {
		t.Skipf("%v (set PG_BIN_DIR, or install postgresql-15 as .ci/run does)", err)
	}
	if err != nil {
		t.Fatalf("pgtest.Start: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Errorf("pgtest: Stop: %v", err)
		}
	})
	return c
}
