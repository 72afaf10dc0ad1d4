package clusters

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// condition checks something once. It returns done when the wait is over, a status describing
// what is still missing when not, and an error only when waiting longer cannot help.
type condition func(ctx context.Context) (done bool, status string, err error)

// poll checks cond at once, then every interval, until it is done, fails, or timeout passes.
// On timeout the error carries the last status, so the user sees what never became ready.
func poll(ctx context.Context, interval, timeout time.Duration, cond condition) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		done, status, err := cond(ctx)
		if err != nil {
			return err
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("not done after %s: %s", timeout, status)
			}
			return fmt.Errorf("%w (while waiting: %s)", ctx.Err(), status)
		case <-tick.C:
		}
	}
}
