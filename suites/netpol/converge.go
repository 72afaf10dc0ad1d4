package netpol

import (
	"context"
	"time"

	"github.com/cnpc-dev/cnpc/probes"
	"github.com/cnpc-dev/cnpc/reports"
)

// roundInterval is the least time between the starts of two probe rounds, so that a fast round
// (every target connecting in milliseconds) does not turn polling into a busy loop on the API
// server's exec endpoint.
const roundInterval = 200 * time.Millisecond

// Convergence is how one step went: the comparison that decides the step (the confirming round
// once two consecutive rounds matched, else the last round before the deadline), how many rounds
// it took, and how long until the observations first matched the prediction.
type Convergence struct {
	Final *Comparison
	Polls int
	// Converged is true when some round matched before the deadline; Stable when the round after
	// a matching round matched too, which is what ends the polling.
	Converged, Stable bool
	// Time is from the first round's start until the first matching round ended, or until the
	// deadline when none matched.
	Time time.Duration
	// Flipped holds the cells that disagreed in a confirming round after a matching one, with
	// the disagreeing result: kept for the report even when a later pair of rounds matched.
	Flipped map[CellKey]probes.Result
}

// Converge polls rounds until two consecutive rounds match the prediction (a match, then its
// confirmation) or timeout passes. The first round starts at once: plugins that program their
// rules before the API call returns are measured at their real speed. A confirmation that fails
// does not end the step: polling goes on, and the cells that flipped are recorded. (A UDP probe
// that reuses the 5-tuple of an earlier allowed probe can ride the conntrack entry that probe left,
// which is the plugin's "existing flow", not a verdict about the new policy.)
func Converge(ctx context.Context, timeout time.Duration, round func(context.Context) (*Comparison, error)) (Convergence, error) {
	start := time.Now()
	deadline := start.Add(timeout)
	c := Convergence{Flipped: map[CellKey]probes.Result{}}
	var matched *Comparison
	for {
		began := time.Now()
		cmp, err := round(ctx)
		if err != nil {
			return c, err
		}
		c.Polls++
		c.Final = cmp
		switch {
		case cmp.Converged() && matched != nil:
			c.Stable = true
			return c, nil
		case cmp.Converged():
			matched = cmp
			if !c.Converged {
				c.Converged, c.Time = true, time.Since(start)
			}
			continue
		case matched != nil:
			for _, j := range cmp.Cells {
				if j.Class == reports.Mismatch || j.Class == reports.Flaky {
					c.Flipped[j.Key] = j.Result
				}
			}
			matched = nil
		}
		if time.Now().After(deadline) {
			if !c.Converged {
				c.Time = time.Since(start)
			}
			return c, nil
		}
		if err := pause(ctx, roundInterval-time.Since(began)); err != nil {
			return c, err
		}
	}
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
