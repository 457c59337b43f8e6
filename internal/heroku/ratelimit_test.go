package heroku

import (
	"context"
	"testing"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
)

// A RateLimit-Remaining figure above the estimate may be stale (answers to
// concurrent requests arrive out of order), so it must not raise the
// estimate; one below it must lower it.
func TestPacerFiguresOnlyLowerTheEstimate(t *testing.T) {
	t.Parallel()
	p := newPacer(clock.NewFake(), RateLimit{Bucket: 10, RefillPerMinute: 60})
	for i := 0; i < 3; i++ {
		if err := p.acquire(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
	}
	// Estimate: 10 - 3 = 7, three in flight.
	p.done(2, true) // someone else spent tokens: 2 left, 2 still in flight → 0
	if p.tokens != 0 {
		t.Fatalf("a lower figure should lower the estimate to 0, got %.2f", p.tokens)
	}
	p.done(9, true) // stale: counted before the others
	if p.tokens != 0 {
		t.Fatalf("a higher figure raised the estimate to %.2f", p.tokens)
	}
	p.done(-1, false)
	if p.inflight != 0 {
		t.Fatalf("inflight = %d", p.inflight)
	}
	if got := p.untilToken(); got.Seconds() != 1 {
		t.Fatalf("one token at 1/s should take 1s, got %v", got)
	}
}
