package netpol

import (
	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
	"github.com/cnpc-dev/cnpc/probes"
	"github.com/cnpc-dev/cnpc/reports"
)

// Judged is one served cell: the prediction, what the probe returned, and the class of the two.
type Judged struct {
	Key       CellKey
	Predicted engine.Verdict
	Result    probes.Result
	Class     reports.Class
}

// Comparison is a round's observation judged against the prediction.
type Comparison struct {
	Predicted, Observed, Diff *engine.Table
	// Cells lists every served cell in report order (source, destination, target).
	Cells  []Judged
	Counts map[reports.Class]int
}

// ImplementationDefined says whether the API leaves a cell's outcome, as observed, to the plugin;
// such a cell that disagrees with the engine is reported as implementation-defined, never as a
// failure.
type ImplementationDefined func(CellKey) bool

// Compare judges every cell the prediction has. A cell whose probe is missing or failed is an
// error, an unsupported probe is unsupported, and neither is ever a match or a mismatch. Refused
// and timeout both mean denied: drop versus reject is the plugin's choice.
func Compare(pred *engine.Prediction, obs *Observation, implDefined ImplementationDefined) (*Comparison, error) {
	c := &Comparison{Predicted: pred.Table(), Observed: obs.Table, Counts: map[reports.Class]int{}}
	diff, _, err := engine.Diff(c.Predicted, c.Observed, agree)
	if err != nil {
		return nil, err
	}
	c.Diff = diff
	for _, r := range pred.Results() {
		key := CellKey{From: r.From, To: r.To, Target: r.Target}
		res, found := obs.Results[key]
		j := Judged{Key: key, Predicted: r.Verdict, Result: res, Class: classify(r.Verdict, res, found, implDefined != nil && implDefined(key))}
		c.Cells = append(c.Cells, j)
		c.Counts[j.Class]++
		if j.Class == reports.ClassImplementationDefined {
			// The diff shows it apart from the mismatches it would otherwise read as.
			if err := c.Diff.Set(key.From, key.To, key.Target, engine.CellImplementationDefined); err != nil {
				return nil, err
			}
		}
	}
	return c, nil
}

// Converged reports whether the round needs no further polling: no mismatch, no error and no
// flaky cell (implementation-defined and unsupported cells are settled as they are).
func (c *Comparison) Converged() bool {
	return c.Counts[reports.Mismatch] == 0 && c.Counts[reports.ClassError] == 0 && c.Counts[reports.ClassFlaky] == 0
}

// classify decides one cell's class. The order matters: "could not check" (missing, error,
// unsupported) is decided before anything is compared (STYLE.md §5).
func classify(pred engine.Verdict, r probes.Result, found, implDefined bool) reports.Class {
	switch {
	case !found:
		return reports.ClassError
	case r.Outcome == cases.Unsupported:
		return reports.ClassUnsupported
	case !r.Outcome.Conclusive():
		return reports.ClassError
	case r.Flaky:
		return reports.ClassFlaky
	case agrees(pred, r.Outcome):
		return reports.Match
	case implDefined:
		return reports.ClassImplementationDefined
	}
	return reports.Mismatch
}

func agrees(pred engine.Verdict, o cases.Outcome) bool {
	if pred.IsAllowed() {
		return o == cases.Connected
	}
	return o == cases.Refused || o == cases.Timeout
}

// agree compares a predicted and an observed cell for the diff table: unsupported is no
// disagreement (the observed table shows it as U), refused counts as denied.
func agree(want, got engine.Cell) bool {
	switch {
	case got == engine.CellUnsupported:
		return true
	case want == engine.CellAllowed:
		return got == engine.CellAllowed
	case want == engine.CellDenied:
		return got == engine.CellDenied || got == engine.CellRefused
	}
	return want == got
}
