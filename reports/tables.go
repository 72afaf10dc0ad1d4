package reports

import (
	"fmt"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
)

// StepTables are a step's three truth tables of one way of reaching the destinations, built from
// its cells so every writer renders the same tables with the engine's one renderer.
type StepTables struct {
	// Via is the Cell.Via of the tables' cells: empty for the connections to the destinations' own
	// IPs, ViaService for those through each pod's Service.
	Via string
	// Predicted shows the engine's verdicts: . allowed, X denied.
	Predicted *engine.Table
	// Observed shows the outcomes: . connected, R refused, X timeout, U unsupported, E error, ~ flaky.
	Observed *engine.Table
	// Diff shows the class of each cell: . match, ! mismatch, ? implementation-defined (the API
	// leaves the outcome open), U unsupported, E error, ~ flaky, _ not graded.
	Diff *engine.Table
}

// Title says which connections the tables show, for a step that has both kinds.
func (st StepTables) Title() string {
	if st.Via == ViaService {
		return "through each pod's Service (ClusterIP)"
	}
	return "to each destination's own IP"
}

// Tables builds the step's predicted, observed and diff tables of the connections to the
// destinations' own IPs (the cells with an empty Via). Cells of destinations that do not serve a
// target stay engine.CellNone.
func (s Step) Tables() (StepTables, error) { return s.tablesVia("", s.Peers) }

// ServiceTables builds the tables of the connections through each pod's Service: the step's pods
// as rows and columns (ServicePeers), its targets, and CellNone where no Service cell is.
func (s Step) ServiceTables() (StepTables, error) { return s.tablesVia(ViaService, s.ServicePeers()) }

// TableSets are the tables every writer shows for the step: Tables, then ServiceTables when the
// step has Service cells.
func (s Step) TableSets() ([]StepTables, error) {
	st, err := s.Tables()
	if err != nil || !s.HasServiceCells() {
		return []StepTables{st}, err
	}
	svc, err := s.ServiceTables()
	if err != nil {
		return nil, err
	}
	return []StepTables{st, svc}, nil
}

func (s Step) tablesVia(via string, peers []cases.PeerKey) (StepTables, error) {
	targets := make([]engine.Target, len(s.Targets))
	for i, t := range s.Targets {
		tg, err := engine.ParseTarget(t)
		if err != nil {
			return StepTables{}, fmt.Errorf("targets[%d]: %w", i, err)
		}
		targets[i] = tg
	}
	st := StepTables{
		Via:       via,
		Predicted: engine.NewTable(peers, targets),
		Observed:  engine.NewTable(peers, targets),
		Diff:      engine.NewTable(peers, targets),
	}
	for i, c := range s.Cells {
		if c.Via != via {
			continue
		}
		if err := st.set(c); err != nil {
			return StepTables{}, fmt.Errorf("cells[%d]: %w", i, err)
		}
	}
	return st, nil
}

// set writes cell c into the three tables.
func (st StepTables) set(c Cell) error {
	tg, err := c.Target()
	if err != nil {
		return err
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
			return err
		}
	}
	return nil
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
