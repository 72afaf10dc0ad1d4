package netpol

import (
	"fmt"
	"strings"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
	"github.com/cnpc-dev/cnpc/reports"
)

// Cell-by-cell grading (cases/README.md, "Grading"). A case is judged on its graded cells, every
// cell of every step but those a step leaves out of its graded list (class not-graded). Among
// them, the deciding cells are those the case's policies deny in at least one step: a cell
// (source, destination, protocol and port) that is predicted denied in some step decides the
// case in every step, since its prediction differs between the case's states and the no-policy
// baseline, where everything served connects. A case that denies nothing anywhere (no policy,
// allow-all) claims that everything connects, so every graded cell decides it.
//
// Only a denied prediction tells a plugin that enforces policy from one that enforces nothing:
// a case whose probeable cells all read "allowed" would pass on flannel. So a case whose graded
// cells all matched where they could be probed passes only when at least one deciding cell was
// probed; when every deciding cell was unsupported here, the case is unsupported. A mismatch,
// flaky cell or error in any graded cell fails the case (or errs) as before, deciding or not.

// GradeCase decides a case that ran every step from its recorded steps. It returns the verdict,
// for a pass the graded cells that were unsupported here per protocol (reports.Case.
// UnsupportedCells, nil when none), and for an unsupported case the reason.
func GradeCase(steps []reports.Step) (reports.Verdict, map[string]int, string) {
	v := CaseVerdict(steps)
	if v != reports.Pass && v != reports.Unsupported {
		return v, nil, ""
	}
	deciding := decidingCells(steps)
	probed := false
	unsupported := map[string]int{}
	for _, s := range steps {
		for _, c := range s.Cells {
			switch {
			case c.Class == reports.ClassNotGraded:
			case c.Class == reports.ClassUnsupported:
				unsupported[c.Protocol]++
			case deciding(c):
				probed = true
			}
		}
	}
	if !probed {
		return reports.Unsupported, nil, fmt.Sprintf("every deciding cell is unsupported here (%s); the other cells matched", protocolList(unsupported))
	}
	if len(unsupported) == 0 {
		return reports.Pass, nil, ""
	}
	return reports.Pass, unsupported, ""
}

// cellID names a cell across the steps of a case.
type cellID struct {
	from, to cases.PeerKey
	protocol string
	port     int32
	via      string
}

func idOf(c reports.Cell) cellID { return cellID{c.From, c.To, c.Protocol, c.Port, c.Via} }

// decidingCells returns the predicate for the deciding cells of the steps: the graded cells
// denied in some step, or every graded cell when none is denied.
func decidingCells(steps []reports.Step) func(reports.Cell) bool {
	denied := map[cellID]bool{}
	for _, s := range steps {
		for _, c := range s.Cells {
			if c.Class != reports.ClassNotGraded && c.Predicted == engine.Denied {
				denied[idOf(c)] = true
			}
		}
	}
	if len(denied) == 0 {
		return func(c reports.Cell) bool { return c.Class != reports.ClassNotGraded }
	}
	return func(c reports.Cell) bool { return c.Class != reports.ClassNotGraded && denied[idOf(c)] }
}

// protocolList is "SCTP" or "UDP, SCTP", in table order.
func protocolList(n map[string]int) string {
	var out []string
	for _, p := range cases.Protocols {
		if n[string(p)] > 0 {
			out = append(out, string(p))
		}
	}
	return strings.Join(out, ", ")
}

// markNotGraded reclassifies the cells of targets the step does not grade as not-graded: they stay
// in the comparison (and the report) with their observations, but no longer count as matches,
// mismatches or errors, so they neither hold up convergence nor decide the step. The diff table
// shows them as engine.CellNotGraded. A nil graded list grades every target.
func (c *Comparison) markNotGraded(graded []cases.Target) error {
	if graded == nil {
		return nil
	}
	for i := range c.Cells {
		j := &c.Cells[i]
		if cases.Grades(graded, j.Key.Target) {
			continue
		}
		c.Counts[j.Class]--
		j.Class = reports.ClassNotGraded
		c.Counts[j.Class]++
		if err := c.diffOf(j.Key).Set(j.Key.From, j.Key.To, j.Key.Target, engine.CellNotGraded); err != nil {
			return err
		}
	}
	return nil
}
