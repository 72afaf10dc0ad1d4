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
	// Floor is the least window length; Cap bounds both the settle time and the length.
	Floor, Cap time.Duration

	mu    sync.Mutex
	times []time.Duration
}

// Add records one step's time to enforce.
func (e *Enforcement) Add(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.times = append(e.times, d)
}

// Window returns the window for the next step: it cannot close before the slowest enforcement
// seen so far (the CNI could still be acting until then), and it lasts max(Floor, 2 x p95).
func (e *Enforcement) Window() Window {
	e.mu.Lock()
	defer e.mu.Unlock()
	st := reports.TimesToEnforce(e.times)
	w := Window{Settle: time.Duration(st.Max), Length: max(e.Floor, 2*time.Duration(st.P95))}
	if e.Cap > 0 {
		w.Settle, w.Length = min(w.Settle, e.Cap), min(w.Length, e.Cap)
	}
	return w
}
