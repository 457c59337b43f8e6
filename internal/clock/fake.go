package clock

import (
	"context"
	"sync"
	"time"
)

// Fake is a Clock for tests: it advances only when someone sleeps or calls
// Advance. Sleep(d) moves the clock to at least (now at the call + d), so
// concurrent sleepers model one shared timeline that ends at the latest
// wake-up time. Every Sleep is recorded. It is safe for concurrent use.
//
// It lives in a non-test file so that tests of every package share it.
type Fake struct {
	mu     sync.Mutex
	start  time.Time
	now    time.Time
	sleeps []time.Duration
	// OnSleep, when set, runs after each Sleep has advanced the clock,
	// outside the lock (for example to cancel a context after the n-th
	// wait).
	OnSleep func(d time.Duration)
	// Tick, when positive, moves the clock forward by that much before
	// each Now, for code that measures elapsed time without sleeping
	// (such as a progress rate limit). Set it before the clock is shared.
	Tick time.Duration
}

// FakeEpoch is where a NewFake clock starts: a fixed instant, so that
// timestamps in tests are reproducible.
var FakeEpoch = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// NewFake returns a Fake clock at FakeEpoch.
func NewFake() *Fake { return NewFakeAt(FakeEpoch) }

// NewFakeAt returns a Fake clock at t.
func NewFakeAt(t time.Time) *Fake { return &Fake{start: t, now: t} }

// Now returns the fake time (after moving it by Tick, if set).
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(f.Tick)
	return f.now
}

// Sleep records d and advances the clock by it, without waiting. It
// returns ctx.Err() at once if ctx is already done.
func (f *Fake) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	if target := f.now.Add(d); target.After(f.now) {
		f.now = target
	}
	f.sleeps = append(f.sleeps, d)
	hook := f.OnSleep
	f.mu.Unlock()
	if hook != nil {
		hook(d)
	}
	return nil
}

// Advance moves the clock forward by d without recording a sleep.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

// Elapsed is how far the clock has moved since it was made.
func (f *Fake) Elapsed() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now.Sub(f.start)
}

// Sleeps returns a copy of every duration passed to Sleep, in order.
func (f *Fake) Sleeps() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.sleeps...)
}
