package netpol

import (
	"fmt"
	"slices"

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
	// Services holds the tables of the connections made through Services, when the round
	// probed them (nil otherwise).
	Services *ServiceTables
	// Cells lists every served cell in report order (source, destination, target), the cells
	// made through Services after the others.
	Cells  []Judged
	Counts map[reports.Class]int
}

// ServiceTables are a round's connections through Services: the prediction they were judged
// against (for explanations), its tables, and the ClusterIPs by backend pod.
type ServiceTables struct {
	Pred                      *engine.ServicePrediction
	Predicted, Observed, Diff *engine.Table
	IPs                       map[cases.PeerKey]string
}

// diffOf returns the diff table a cell belongs to.
func (c *Comparison) diffOf(k CellKey) *engine.Table {
	if k.Service && c.Services != nil {
		return c.Services.Diff
	}
	return c.Diff
}

// ImplementationDefined says whether the API leaves a cell's outcome, as observed, to the plugin;
// such a cell that disagrees with the engine is reported as implementation-defined, never as a
// failure.
type ImplementationDefined func(CellKey) bool

// Compare judges every cell the prediction has. A cell whose probe is missing or failed is an
// error, an unsupported probe is unsupported, and neither is ever a match or a mismatch. Refused
// and timeout both mean denied: drop versus reject is the plugin's choice.
func Compare(pred *engine.Prediction, obs *Observation, implDefined ImplementationDefined) (*Comparison, error) {
	return CompareServices(pred, nil, nil, obs, implDefined, false)
}

// CompareServices is Compare for a round that also probed Services: svc predicts them and ips
// holds the ClusterIPs (for the report); nil svc judges the pod cells only. With skipHairpin the
// round did not probe a pod through its own Service (WithServices): those cells are left out of
// the tables and the judged cells, as cells that were never probed.
func CompareServices(pred *engine.Prediction, svc *engine.ServicePrediction, ips map[cases.PeerKey]string, obs *Observation, implDefined ImplementationDefined, skipHairpin bool) (*Comparison, error) {
	c := &Comparison{Predicted: pred.Table(), Observed: obs.Table, Counts: map[reports.Class]int{}}
	diff, _, err := engine.Diff(c.Predicted, c.Observed, agree)
	if err != nil {
		return nil, err
	}
	c.Diff = diff
	if err := c.judge(pred.Results(), false, obs, implDefined); err != nil {
		return nil, err
	}
	if svc == nil {
		return c, nil
	}
	if obs.Services == nil {
		return nil, fmt.Errorf("the round probed no Service")
	}
	st := &ServiceTables{Pred: svc, Predicted: svc.Table(), Observed: obs.Services, IPs: ips}
	results := svc.Results()
	if skipHairpin {
		results = slices.DeleteFunc(results, func(r engine.Result) bool { return r.From == r.To })
		for _, p := range svc.Peers() {
			for _, t := range svc.Targets() {
				if err := st.Predicted.Set(p, p, t, engine.CellNone); err != nil {
					return nil, err
				}
			}
		}
	}
	if st.Diff, _, err = engine.Diff(st.Predicted, st.Observed, agree); err != nil {
		return nil, err
	}
	c.Services = st
	return c, c.judge(results, true, obs, implDefined)
}

// diffMarks are the classes the diff shows apart from the mismatches they would otherwise read as.
var diffMarks = map[reports.Class]engine.Cell{reports.ClassImplementationDefined: engine.CellImplementationDefined, reports.ClassNotGraded: engine.CellNotGraded}

// judge classifies the predicted results (through Services or not) against the observation. A
// pod reaching itself through its own Service is hairpin traffic, which the Service proxy may
// masquerade or not route at all whatever the policies say (kube-router v1.3.2 here times it out
// with no policy in force): it is probed and shown, never graded, as the upstream e2e tests ignore
// loopback ("the semantics of the effect of network policies on loopback calls may be undefined").
func (c *Comparison) judge(results []engine.Result, service bool, obs *Observation, implDefined ImplementationDefined) error {
	for _, r := range results {
		key := CellKey{From: r.From, To: r.To, Target: r.Target, Service: service}
		res, found := obs.Results[key]
		j := Judged{Key: key, Predicted: r.Verdict, Result: res, Class: classify(r.Verdict, res, found, implDefined != nil && implDefined(key))}
		if service && key.From == key.To {
			j.Class = reports.ClassNotGraded
		}
		c.Cells = append(c.Cells, j)
		c.Counts[j.Class]++
		if cell, ok := diffMarks[j.Class]; ok {
			if err := c.diffOf(key).Set(key.From, key.To, key.Target, cell); err != nil {
				return err
			}
		}
	}
	return nil
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
