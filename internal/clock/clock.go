// Package clock holds the one context-aware sleep that every long-running
// package (the Heroku client, the DNS cutover, the restore job) waits with,
// so that Ctrl-C or a timeout ends any wait at once.
package clock

import (
	"context"
	"time"
)

// Sleep waits for d, or returns ctx.Err() as soon as ctx is done. A
// non-positive d returns at once (with ctx.Err() if ctx is already done).
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
