package reports

import (
	"testing"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
)

// TestStepTablesDiff checks the diff table's cell for every class: an implementation-defined cell
// must read neither as a match nor as a mismatch.
func TestStepTablesDiff(t *testing.T) {
	t.Parallel()
	peers := []cases.PeerKey{"x/a", "x/b", "x/c"}
	cell := func(from, to cases.PeerKey, observed cases.Outcome, class Class) Cell {
		return Cell{From: from, To: to, Port: 80, Protocol: "TCP", Predicted: engine.Denied, Observed: observed, Class: class}
	}
	s := Step{Peers: peers, Targets: []string{"TCP/80"}, Cells: []Cell{
		cell("x/a", "x/b", cases.Timeout, Match),
		cell("x/a", "x/c", cases.Connected, Mismatch),
		cell("x/b", "x/a", cases.Connected, ClassImplementationDefined),
		cell("x/b", "x/c", cases.Unsupported, ClassUnsupported),
		cell("x/c", "x/a", cases.Error, ClassError),
		cell("x/c", "x/b", cases.Connected, ClassFlaky),
	}}
	st, err := s.Tables()
	if err != nil {
		t.Fatal(err)
	}
	tg := engine.Target{Protocol: "TCP", Port: 80}
	want := map[[2]cases.PeerKey]engine.Cell{
		{"x/a", "x/b"}: engine.CellAllowed,
		{"x/a", "x/c"}: engine.CellMismatch,
		{"x/b", "x/a"}: engine.CellImplementationDefined,
		{"x/b", "x/c"}: engine.CellUnsupported,
		{"x/c", "x/a"}: engine.CellError,
		{"x/c", "x/b"}: engine.CellFlaky,
		{"x/a", "x/a"}: engine.CellNone,
	}
	for k, w := range want {
		got, err := st.Diff.Get(k[0], k[1], tg)
		if err != nil {
			t.Fatal(err)
		}
		if got != w {
			t.Errorf("diff cell %s -> %s = %q, want %q", k[0], k[1], got, w)
		}
	}
}
