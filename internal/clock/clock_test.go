package clock

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestSleep(t *testing.T) {
	t.Parallel()
	start := time.Now()
	if err := Sleep(context.Background(), 20*time.Millisecond); err != nil || time.Since(start) < 20*time.Millisecond {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(10 * time.Millisecond); cancel() }()
	start = time.Now()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
		t.Fatalf("a cancelled sleep returned %v after %v", err, time.Since(start))
	}
	if err := Sleep(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("zero sleep on a done context: %v", err)
	}
}

func TestFake(t *testing.T) {
	t.Parallel()
	f := NewFake()
	var hooked []time.Duration
	f.OnSleep = func(d time.Duration) { hooked = append(hooked, d) }
	if err := f.Sleep(context.Background(), 3*time.Second); err != nil {
		t.Fatal(err)
	}
	f.Advance(time.Second)
	if err := f.Sleep(context.Background(), -time.Second); err != nil {
		t.Fatal(err)
	}
	if got := f.Elapsed(); got != 4*time.Second {
		t.Fatalf("elapsed %v, want 4s", got)
	}
	if got := f.Now(); !got.Equal(FakeEpoch.Add(4 * time.Second)) {
		t.Fatalf("now %v", got)
	}
	if got := f.Sleeps(); len(got) != 2 || got[0] != 3*time.Second || got[1] != -time.Second {
		t.Fatalf("sleeps %v", got)
	}
	if len(hooked) != 2 {
		t.Fatalf("OnSleep ran %d times, want 2", len(hooked))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := f.Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("sleep on a done context: %v", err)
	}
	if got := f.Elapsed(); got != 4*time.Second {
		t.Fatalf("a refused sleep moved the clock to %v", got)
	}
	if Or(nil) != Real || Or(f) != f {
		t.Fatal("Or does not default to Real")
	}
}

func TestFakeTick(t *testing.T) {
	t.Parallel()
	f := NewFake()
	f.Tick = time.Second
	a, b := f.Now(), f.Now()
	if b.Sub(a) != time.Second || f.Elapsed() != 2*time.Second {
		t.Fatalf("ticks: %v then %v, elapsed %v", a, b, f.Elapsed())
	}
}
