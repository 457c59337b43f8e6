package heroku

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
)

// pacer estimates the account's remaining Heroku rate-limit tokens and makes
// requests wait for a token instead of running into 429s.
//
// Heroku meters each account with a GCRA bucket (4500 tokens, refilled at
// about 75 per minute) and reports what is left in RateLimit-Remaining. The
// estimate is: the last reported value, minus the requests that were in
// flight when it was seen, plus the refill since, capped at the bucket size.
// A request takes a whole token before it is sent; without one, it waits
// for the refill. Waiting requests queue behind each other, so they are
// spread at the refill rate instead of bursting.
//
// The bucket, its refill and the header are described in
// https://devcenter.heroku.com/articles/platform-api-reference#rate-limits
//
// Until the first RateLimit-Remaining arrives the bucket is assumed full.
type pacer struct {
	clock    clock.Clock
	capacity float64
	perSec   float64 // refill rate

	mu        sync.Mutex
	tokens    float64   // estimate at time at
	at        time.Time // when tokens was last brought up to date
	inflight  int       // requests sent and not yet answered
	waiting   int       // requests waiting for a token
	remaining int64     // last RateLimit-Remaining seen, -1 if none
}

func newPacer(clk clock.Clock, rl RateLimit) *pacer {
	return &pacer{
		clock:     clk,
		capacity:  float64(rl.Bucket),
		perSec:    rl.RefillPerMinute / 60,
		tokens:    float64(rl.Bucket),
		at:        clk.Now(),
		remaining: -1,
	}
}

// refill brings the estimate up to now. Callers hold mu.
func (p *pacer) refill(now time.Time) {
	if dt := now.Sub(p.at); dt > 0 {
		p.tokens = math.Min(p.capacity, p.tokens+dt.Seconds()*p.perSec)
		p.at = now
	}
}

// durationFor is the time it takes to refill n tokens.
func (p *pacer) durationFor(n float64) time.Duration {
	if n <= 0 {
		return 0
	}
	d := n / p.perSec * float64(time.Second)
	if d > float64(math.MaxInt64/2) {
		return time.Duration(math.MaxInt64 / 2)
	}
	return time.Duration(math.Ceil(d))
}

// acquire waits (cancellable) until the estimate holds a whole token, takes
// it and marks the request as in flight. onWait is called before each wait.
//
// A waiter re-checks the estimate after every sleep rather than trusting the
// wait it computed: an answer that arrives meanwhile may lower the estimate
// (another client spent tokens), and the waiter must then wait longer.
func (p *pacer) acquire(ctx context.Context, onWait func(time.Duration)) error {
	for {
		p.mu.Lock()
		p.refill(p.clock.Now())
		if p.tokens >= 1 {
			p.tokens--
			p.inflight++
			p.mu.Unlock()
			return nil
		}
		// Queue behind the other waiters so that they are spread at the
		// refill rate instead of waking together.
		p.waiting++
		wait := p.durationFor(float64(p.waiting) - p.tokens)
		p.mu.Unlock()
		if onWait != nil {
			onWait(wait)
		}
		err := p.clock.Sleep(ctx, wait)
		p.mu.Lock()
		p.waiting--
		p.mu.Unlock()
		if err != nil {
			return err
		}
	}
}

// done marks a request as answered. remaining is the server's figure for the
// tokens left: the RateLimit-Remaining value of the response (header true),
// 0 for a 429 without that header (header false), or -1 when nothing is
// known (no header, or no response at all).
//
// The figure can only lower the estimate. Answers to concurrent requests
// arrive in no particular order, and the server may have counted requests
// that were answered before this one and are no longer in flight, so a
// figure above the estimate may be stale. One below it is news: someone
// else (another process on the same account) spent tokens, and the estimate
// follows. The estimate rises only through the refill.
func (p *pacer) done(remaining int64, header bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inflight--
	if remaining < 0 {
		return
	}
	now := p.clock.Now()
	p.refill(now)
	// The server has counted this request; the others still in flight may
	// not be in its figure yet.
	if est := float64(remaining) - float64(p.inflight); est < p.tokens {
		p.tokens = est
	}
	if float64(remaining) > p.capacity {
		p.capacity = float64(remaining)
	}
	if header {
		p.remaining = remaining
	}
}

// untilToken is how long until the estimate reaches one whole token.
func (p *pacer) untilToken() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refill(p.clock.Now())
	return p.durationFor(1 - p.tokens)
}

func (p *pacer) lastRemaining() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return int(p.remaining)
}
