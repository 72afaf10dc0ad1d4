package reports

import (
	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
)

// Probing through Services (issue 16). A run made with Options.Via ViaBoth probes every pod twice:
// at its own IP (cells with an empty Via) and at the ClusterIP of the Service in front of it (Via
// ViaService, To the pod behind the Service). Only pods probe Services and only pods have one, so a
// step's Service cells have its pods as rows and columns (Step.ServicePeers).

// The values of Options.Via. An empty Via (a run made before Services were probed) is ViaPods.
const (
	// ViaPods: the probes dialled the pods' own IPs only.
	ViaPods = "pod"
	// ViaBoth: the probes dialled the pods' IPs and their Services' ClusterIPs.
	ViaBoth = "both"
)

// FeatureService is the last row of the per-feature counts, a run's (Summary.Features) and the
// support matrix's: the connections made through Services. No case is tagged with it (it is not in
// cases.Features): a case counts under it when it has Service cells, with its verdict on those
// cells alone (Case.ServiceVerdict).
const FeatureService cases.Feature = "service"

// serviceRowLegend is the one-line legend of FeatureService's row in a run's per-feature counts
// (Summary.RowLegends); the matrix explains the row at more length (Matrix.RowLegends).
const serviceRowLegend = "the cases probed through the pods' ClusterIP Services, each with its verdict on those connections alone: " +
	"a case can pass here and fail on the pods' own IPs, or the reverse. Not a feature of the catalog."

// ThroughService reports whether the connection was made to the destination's Service.
func (c Cell) ThroughService() bool { return c.Via == ViaService }

// HasServiceCells reports whether the step was also probed through Services.
func (s Step) HasServiceCells() bool {
	for _, c := range s.Cells {
		if c.ThroughService() {
			return true
		}
	}
	return false
}

// ServicePeers are the rows and columns of the step's Service tables: its pods, in topology order.
func (s Step) ServicePeers() []cases.PeerKey {
	var out []cases.PeerKey
	for _, k := range s.Peers {
		if k.IsPod() {
			out = append(out, k)
		}
	}
	return out
}

// HasServiceCells reports whether some step of the case was probed through Services.
func (c Case) HasServiceCells() bool {
	for _, s := range c.Steps {
		if s.HasServiceCells() {
			return true
		}
	}
	return false
}

// ServiceVerdict is the case's verdict on its Service cells alone, the one it counts with under
// FeatureService; ok is false when the case has no Service cell (it does not count there). It
// grades those cells as the suite grades a case (cases/README.md, "Grading"): a mismatch fails it,
// then a flaky cell makes it flaky and a probe error an error, as a step that could not be probed
// at all does (nothing says its Services behaved). Otherwise it passes when a deciding Service cell
// matched (one predicted denied in some step, or any when none is), whatever its
// implementation-defined, unsupported and not-graded cells; with none matched it is
// implementation-defined when some cell is, else unsupported.
func (c Case) ServiceVerdict() (v Verdict, ok bool) {
	if !c.HasServiceCells() {
		return "", false
	}
	deciding := serviceDeciding(c.Steps)
	n := map[Class]int{}
	decided, unprobed := false, false
	for _, s := range c.Steps {
		unprobed = unprobed || s.Verdict == Error && len(s.Cells) == 0
		for _, cell := range s.Cells {
			if cell.ThroughService() {
				n[cell.Class]++
				decided = decided || cell.Class == Match && deciding[cellKeyOf(cell)]
			}
		}
	}
	switch {
	case n[Mismatch] > 0:
		return Fail, true
	case n[ClassFlaky] > 0:
		return Flaky, true
	case n[ClassError] > 0 || unprobed:
		return Error, true
	case decided:
		return Pass, true
	case n[ClassImplementationDefined] > 0:
		return ImplementationDefined, true
	}
	return Unsupported, true
}

// ServicePartlyUnsupported reports whether the case passes under FeatureService with some of its
// graded Service cells unsupported here.
func (c Case) ServicePartlyUnsupported() bool {
	if v, _ := c.ServiceVerdict(); v != Pass {
		return false
	}
	for _, s := range c.Steps {
		for _, cell := range s.Cells {
			if cell.ThroughService() && cell.Class == ClassUnsupported {
				return true
			}
		}
	}
	return false
}

// serviceDeciding returns the deciding Service cells of the steps: the graded ones predicted
// denied in some step, or every graded one when none is.
func serviceDeciding(steps []Step) map[cellKey]bool {
	denied, graded := map[cellKey]bool{}, map[cellKey]bool{}
	for _, s := range steps {
		for _, c := range s.Cells {
			if !c.ThroughService() || c.Class == ClassNotGraded {
				continue
			}
			graded[cellKeyOf(c)] = true
			if c.Predicted == engine.Denied {
				denied[cellKeyOf(c)] = true
			}
		}
	}
	if len(denied) == 0 {
		return graded
	}
	return denied
}

// cellKey names a cell across the steps of a case: its connection, and how it was made.
type cellKey struct {
	from, to cases.PeerKey
	protocol string
	port     int32
	via      string
}

func cellKeyOf(c Cell) cellKey { return cellKey{c.From, c.To, c.Protocol, c.Port, c.Via} }

// String is "x/a>x/b TCP/80", with " via service" for a Service cell.
func (k cellKey) String() string {
	s := string(k.from) + ">" + string(k.to) + " " + k.protocol + "/" + itoa(k.port)
	if k.via != "" {
		s += " via " + k.via
	}
	return s
}
