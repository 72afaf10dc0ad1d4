package netpol

import (
	"context"
	"fmt"
	"time"
)

// Poll checks cond at once, then every interval, until it returns true, returns an error, or
// timeout passes. It never sleeps for a fixed time before the first check (STYLE.md §5: wait by
// polling a condition, with an explicit deadline). The error of a timeout names what was awaited
// and wraps the last error cond returned, if any, so the caller can say why it never held.
func Poll(ctx context.Context, what string, interval, timeout time.Duration, cond func(context.Context) (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	var last error
	for {
		ok, err := cond(ctx)
		if ok && err == nil {
			return nil
		}
		last = err
		select {
		case <-ctx.Done():
			if last != nil {
				return fmt.Errorf("%s: not done after %s: %w", what, timeout, last)
			}
			return fmt.Errorf("%s: not done after %s", what, timeout)
		case <-tick.C:
		}
	}
}
