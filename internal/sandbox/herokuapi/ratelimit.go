package herokuapi

import (
	"math"
	"sync"
	"time"
)

// tokenBucket is the account's rate limit: a bucket of capacity tokens that
// refills continuously at rate tokens per second, which is how a GCRA limiter
// such as Heroku's behaves seen from outside. It is safe for concurrent use.
type tokenBucket struct {
	mu       sync.Mutex
	capacity float64
	rate     float64 // tokens per second
	tokens   float64
	last     time.Time
}

func newTokenBucket(capacity int, perMinute float64, now time.Time) *tokenBucket {
	return &tokenBucket{
		capacity: float64(capacity),
		rate:     perMinute / 60,
		tokens:   float64(capacity),
		last:     now,
	}
}

// refill adds the tokens earned since the last call. A clock that goes
// backwards earns nothing. The caller holds mu.
func (b *tokenBucket) refill(now time.Time) {
	if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = math.Min(b.capacity, b.tokens+elapsed.Seconds()*b.rate)
		b.last = now
	}
}

// take spends cost tokens if the bucket holds them. It returns whether it
// did, and the whole tokens left either way.
func (b *tokenBucket) take(now time.Time, cost float64) (ok bool, remaining int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(now)
	if b.tokens >= cost {
		b.tokens -= cost
		ok = true
	}
	return ok, int(math.Floor(b.tokens))
}

// remaining returns the whole tokens left, without spending any.
func (b *tokenBucket) remaining(now time.Time) int {
	_, n := b.take(now, 0)
	return n
}
