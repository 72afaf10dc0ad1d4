package netpol

import (
	"context"
	"time"
)

// roundInterval is the least time between the starts of two probe rounds, so that a fast round
// (every target connecting in milliseconds) does not turn polling into a busy loop on the API
// server's exec endpoint.
const roundInterval = 200 * time.Millisecond

// Convergence is how one step went: the comparison that decides the step (the confirming round
// once the observations matched, else the last round before the deadline), how many rounds it
// took, and how long until the observations first matched the prediction.
type Convergence struct {
	Final *Comparison
	Polls int
	// Converged is true when a round matched before the deadline; Stable when the confirming
	// round after it matched too.
	Converged, Stable bool
	// Time is from the first round's start until the first matching round ended, or until the
	// deadline when none matched.
	Time time.Duration
}

// Converge polls rounds until one matches the prediction or timeout passes, then runs one more
// round to confirm the match holds. The first round starts at once: plugins that program their
// rules before the API call returns are measured at their real speed.
func Converge(ctx context.Context, timeout time.Duration, round func(context.Context) (*Comparison, error)) (Convergence, error) {
	start := time.Now()
	deadline := start.Add(timeout)
	var c Convergence
	for {
		began := time.Now()
		cmp, err := round(ctx)
		if err != nil {
			return c, err
		}
		c.Polls++
		c.Final = cmp
		if cmp.Converged() {
			c.Converged, c.Time = true, time.Since(start)
			break
		}
		if time.Now().After(deadline) {
			c.Time = time.Since(start)
			return c, nil
		}
		if err := pause(ctx, roundInterval-time.Since(began)); err != nil {
			return c, err
		}
	}
	cmp, err := round(ctx)
	if err != nil {
		return c, err
	}
	c.Polls++
	c.Final, c.Stable = cmp, cmp.Converged()
	return c, nil
}

func pause(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
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
