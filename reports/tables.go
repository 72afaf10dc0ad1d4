package reports

import (
	"fmt"

	"github.com/cnpc-dev/cnpc/engine"
)

// StepTables are a step's three truth tables, built from its cells so every writer renders the same
// tables with the engine's one renderer.
type StepTables struct {
	// Predicted shows the engine's verdicts: . allowed, X denied.
	Predicted *engine.Table
	// Observed shows the outcomes: . connected, R refused, X timeout, U unsupported, E error, ~ flaky.
	Observed *engine.Table
	// Diff shows the class of each cell: . match, ! mismatch, ? implementation-defined (the API
	// leaves the outcome open), U unsupported, E error, ~ flaky, _ not graded.
	Diff *engine.Table
}

// Tables builds the step's predicted, observed and diff tables. Cells of destinations that do not
// serve a target stay engine.CellNone.
func (s Step) Tables() (StepTables, error) {
	targets := make([]engine.Target, len(s.Targets))
	for i, t := range s.Targets {
		tg, err := engine.ParseTarget(t)
		if err != nil {
			return StepTables{}, fmt.Errorf("targets[%d]: %w", i, err)
		}
		targets[i] = tg
	}
	st := StepTables{
		Predicted: engine.NewTable(s.Peers, targets),
		Observed:  engine.NewTable(s.Peers, targets),
		Diff:      engine.NewTable(s.Peers, targets),
	}
	for i, c := range s.Cells {
		tg, err := c.Target()
		if err != nil {
			return StepTables{}, fmt.Errorf("cells[%d]: %w", i, err)
		}
		for _, set := range []struct {
			t    *engine.Table
			cell engine.Cell
		}{
			{st.Predicted, c.Predicted.Cell()},
			{st.Observed, observedCell(c)},
			{st.Diff, classCell(c.Class)},
		} {
			if err := set.t.Set(c.From, c.To, tg, set.cell); err != nil {
				return StepTables{}, fmt.Errorf("cells[%d]: %w", i, err)
			}
		}
	}
	return st, nil
}

// observedCell shows a flaky cell as flaky whatever its last outcome was: the attempts disagreed.
func observedCell(c Cell) engine.Cell {
	if c.Class == ClassFlaky {
		return engine.CellFlaky
	}
	return engine.OutcomeCell(c.Observed)
}

// classCell is the diff table's cell for a class.
func classCell(c Class) engine.Cell {
	switch c {
	case Match:
		return engine.CellAllowed
	case ClassImplementationDefined:
		return engine.CellImplementationDefined
	case Mismatch:
		return engine.CellMismatch
	case ClassUnsupported:
		return engine.CellUnsupported
	case ClassFlaky:
		return engine.CellFlaky
	case ClassError:
		return engine.CellError
	case ClassNotGraded:
		return engine.CellNotGraded
	}
	return engine.CellError
}
