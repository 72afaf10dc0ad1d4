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

// Window is how long a step's observations must keep matching before the step can pass. Settle
// is the time after the step's change before which the CNI may still be acting (the window cannot
// end before Settle + Length, so a step whose prediction equals the state before it is not passed
// on the old state); Length is the window itself, counted from the first matching round or from
// Settle, whichever is later. The zero Window is the old rule: a match and one confirming round.
type Window struct {
	Settle, Length time.Duration
}

// End is when, counted from the step's start, the window closes for a step first matched at
// firstMatch.
func (w Window) End(firstMatch time.Duration) time.Duration {
	return max(firstMatch, w.Settle) + w.Length
}

// Convergence is how one step went: the comparison that decides the step (the last round of a
// stable window, the round that broke it, or the last round before the deadline), how many rounds
// it took, and how long until the observations first matched the prediction.
type Convergence struct {
	Final *Comparison
	Polls int
	// Converged is true when some round matched before the deadline; Stable when every round
	// from the first match to the window's end matched too (at least two rounds), which is what a
	// pass needs.
	Converged, Stable bool
	// Time is from the first round's start until the first matching round ended, or until the
	// deadline when none matched: the step's time to enforce, at the resolution of one round.
	Time time.Duration
	// Window is the stability window the step was held to.
	Window Window
	// Flipped holds the cells that disagreed in a round after the first match, with the
	// disagreeing result. A step with flipped cells is never a pass.
	Flipped map[CellKey]probes.Result
	// FlippedAt is when, from the step's start, the round that broke the window started.
	FlippedAt time.Duration
	// ErrorRounds counts the rounds after the first match that had probe errors and nothing
	// else wrong: each restarts the window.
	ErrorRounds int
}

// Converge polls rounds until every round within the stability window w matches the prediction,
// a round after the first match disagrees, or timeout passes with no match. A round after the
// first match whose only problem is probe errors (a probe server slow under load, an exec that
// failed) is no flip: it restarts the window, and the step is an error only when no full window
// of matching rounds fits before timeout plus one window. The first round
// starts at once: plugins that program their rules before the API call returns are measured at
// their real speed. Once a round matched, polling goes on until the window closes (which may be
// after timeout: the window is part of the step, not of its convergence), and the first round
// that disagrees ends the step with the cells that flipped. A UDP probe that rode an earlier
// probe's conntrack entry cannot cause a flip: every round uses fresh source ports (SourcePorts).
func Converge(ctx context.Context, timeout time.Duration, w Window, round func(context.Context) (*Comparison, error)) (Convergence, error) {
	return converge(ctx, realClock{}, timeout, w, round)
}

// clock is time as Converge sees it; tests use a simulated one.
type clock interface {
	Now() time.Time
	// Pause waits d (nothing when d <= 0), or returns ctx's error.
	Pause(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time                                   { return time.Now() }
func (realClock) Pause(ctx context.Context, d time.Duration) error { return pause(ctx, d) }

func converge(ctx context.Context, clk clock, timeout time.Duration, w Window, round func(context.Context) (*Comparison, error)) (Convergence, error) {
	start := clk.Now()
	deadline := start.Add(timeout)
	c := Convergence{Window: w, Flipped: map[CellKey]probes.Result{}}
	matches := 0
	// windowFrom is when, from start, the current window began: the first match, or the end of
	// the last round of probe errors after it.
	var windowFrom time.Duration
	for {
		began := clk.Now()
		cmp, err := round(ctx)
		if err != nil {
			return c, err
		}
		c.Polls++
		c.Final = cmp
		switch {
		case cmp.Converged():
			matches++
			if !c.Converged {
				c.Converged, c.Time = true, clk.Now().Sub(start)
				windowFrom = c.Time
			}
			if matches >= 2 && began.Sub(start) >= w.End(windowFrom) {
				c.Stable = true
				return c, nil
			}
		case c.Converged && cmp.Counts[reports.Mismatch] == 0 && cmp.Counts[reports.ClassFlaky] == 0:
			// Probe errors only: no evidence either way, so no flip, but no match either. The
			// window starts again after this round, and a window that cannot be completed by
			// the time a full window after the deadline ends the step as an error.
			c.ErrorRounds++
			matches, windowFrom = 0, clk.Now().Sub(start)
			if clk.Now().After(deadline.Add(w.End(0))) {
				return c, nil
			}
		case c.Converged:
			// The window broke: whatever disagrees now disagreed after a match.
			for _, j := range cmp.Cells {
				if j.Class == reports.Mismatch || j.Class == reports.ClassFlaky {
					c.Flipped[j.Key] = j.Result
				}
			}
			c.FlippedAt = began.Sub(start)
			return c, nil
		case clk.Now().After(deadline):
			c.Time = clk.Now().Sub(start)
			return c, nil
		}
		if err := clk.Pause(ctx, roundInterval-clk.Now().Sub(began)); err != nil {
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
