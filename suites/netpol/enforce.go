package netpol

import (
	"sync"
	"time"

	"github.com/cnpc-dev/cnpc/reports"
)

// Enforcement records how long this CNI took, in this run, to enforce each change: the time
// from a step's policies being applied until its first matching round ended, for steps whose
// prediction differs from the step before (a step with nothing to enforce measures nothing).
// It sizes the stability window of the steps that follow.
type Enforcement struct {
	// Floor is the least window length, Longest the longest; Cap bounds the settle time.
	Floor, Longest, Cap time.Duration

	mu    sync.Mutex
	times []time.Duration
}

// Add records one step's time to enforce.
func (e *Enforcement) Add(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.times = append(e.times, d)
}

// Window returns the window for the next step. It lasts max(Floor, 2 x p95 of the times to
// enforce so far), at most Longest. A step with nothing to enforce (changed false: its prediction
// equals the step before) would match on the old state at once, so its window cannot close before
// the slowest enforcement seen so far (the CNI could still be acting until then); a step that
// changes the prediction shows by its first match that the CNI has acted, and its window counts
// from there.
func (e *Enforcement) Window(changed bool) Window {
	e.mu.Lock()
	defer e.mu.Unlock()
	st := reports.TimesToEnforce(e.times)
	w := Window{Length: max(e.Floor, 2*time.Duration(st.P95))}
	if e.Longest > 0 {
		w.Length = min(w.Length, max(e.Longest, e.Floor))
	}
	if !changed {
		w.Settle = time.Duration(st.Max)
		if e.Cap > 0 {
			w.Settle = min(w.Settle, e.Cap)
		}
	}
	return w
}
