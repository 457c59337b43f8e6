// Package clock is the one time source of the provider. Every package that
// waits or reads the time (the Heroku client's pacing and backoff, the DNS
// cutover's INSYNC wait, the restore job's polling) takes a Clock, so that
// Ctrl-C or a timeout ends any wait at once and tests need no real sleeps.
//
// Real is the production clock; Fake (fake.go) is the one test clock.
package clock

import (
	"context"
	"time"
)

// Clock tells the time and waits.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// Sleep waits for d, or returns ctx.Err() as soon as ctx is done. A
	// non-positive d returns at once (with ctx.Err() if ctx is already
	// done).
	Sleep(ctx context.Context, d time.Duration) error
}

// Real is the wall clock.
var Real Clock = realClock{}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error { return Sleep(ctx, d) }

// Or returns c, or Real when c is nil: the default for an optional Clock
// field.
func Or(c Clock) Clock {
	if c == nil {
		return Real
	}
	return c
}

// Sleep waits for d on the wall clock, or returns ctx.Err() as soon as ctx
// is done. A non-positive d returns at once (with ctx.Err() if ctx is
// already done).
func Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
