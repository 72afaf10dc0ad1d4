package reports

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// EnforceStats is the distribution of a CNI's times to enforce in one run: for every step whose
// prediction differs from the step before, the time from its policies being applied until its
// first matching round ended (Step.ConvergeTime of a Step.Changed step that matched). The
// resolution is one probe round.
type EnforceStats struct {
	N      int      `json:"n"`
	Median Duration `json:"median"`
	P95    Duration `json:"p95"`
	Max    Duration `json:"max"`
}

// TimesToEnforce summarizes ds by nearest rank (the p95 of fewer than 20 values is the maximum).
func TimesToEnforce(ds []time.Duration) EnforceStats {
	if len(ds) == 0 {
		return EnforceStats{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := func(q float64) Duration {
		i := int(q*float64(len(s))+0.999999) - 1
		return Duration(s[min(max(i, 0), len(s)-1)])
	}
	return EnforceStats{N: len(s), Median: rank(0.5), P95: rank(0.95), Max: Duration(s[len(s)-1])}
}

// Enforcement returns the run's times to enforce, from its steps.
func (r *Run) Enforcement() EnforceStats {
	var ds []time.Duration
	for _, c := range r.Cases {
		for _, s := range c.Steps {
			if s.Changed && s.Verdict != Error && s.Polls > 0 && s.Matched {
				ds = append(ds, time.Duration(s.ConvergeTime))
			}
		}
	}
	return TimesToEnforce(ds)
}

// Judging is how a run judged its cells: the grading, the least stability window, the CNI's
// times to enforce, and how many cells and cases the API left to the plugin. Every report shows
// it beside the pass rate, so that implementation-defined cells are never hidden inside it.
type Judging struct {
	Grading          string
	Window, Longest  Duration
	Enforce          EnforceStats
	ImplDefinedCells int
	ImplDefinedCases int
}

// Judging returns how r judged.
func (r *Run) Judging() Judging {
	j := Judging{Grading: r.Options.Grading, Window: r.Options.StabilityWindow, Longest: r.Options.LongestWindow, Enforce: r.Enforcement()}
	if j.Grading == "" {
		j.Grading = "api"
	}
	for _, c := range r.Cases {
		n := 0
		for _, s := range c.Steps {
			for _, cell := range s.Cells {
				if cell.Class == ClassImplementationDefined {
					n++
				}
			}
		}
		j.ImplDefinedCells += n
		if n > 0 {
			j.ImplDefinedCases++
		}
	}
	return j
}

// String is one line, e.g. "grading api · stability window at least 2s · time to enforce: median
// 420ms, p95 1.1s, max 2.3s (96 changes) · 12 implementation-defined cells in 4 cases".
func (j Judging) String() string {
	parts := []string{"grading " + j.Grading}
	if j.Window > 0 {
		w := "stability window at least " + time.Duration(j.Window).String()
		if j.Longest > 0 {
			w += ", at most " + time.Duration(j.Longest).String()
		}
		parts = append(parts, w)
	} else {
		parts = append(parts, "no stability window (a match and one confirming round)")
	}
	parts = append(parts, "time to enforce: "+j.Enforce.String())
	parts = append(parts, fmt.Sprintf("%d implementation-defined cells in %d cases", j.ImplDefinedCells, j.ImplDefinedCases))
	return strings.Join(parts, " · ")
}

// String is "median 420ms, p95 1.1s, max 2.3s (96 changes)", or "not measured".
func (s EnforceStats) String() string {
	if s.N == 0 {
		return "not measured"
	}
	r := func(d Duration) time.Duration { return time.Duration(d).Round(10 * time.Millisecond) }
	return fmt.Sprintf("median %s, p95 %s, max %s (%d changes)", r(s.Median), r(s.P95), r(s.Max), s.N)
}
