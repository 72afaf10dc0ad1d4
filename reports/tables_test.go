package reports

import (
	"testing"

	"github.com/google/go-cmp/cmp"

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

// TestStepTablesByVia checks that a step's pod-IP cells and its Service cells of the same
// connection land in their own tables, that the Service tables have only the step's pods, and that
// a step without Service cells has one set of tables.
func TestStepTablesByVia(t *testing.T) {
	t.Parallel()
	tg := engine.Target{Protocol: "TCP", Port: 80}
	pod := Cell{From: "x/a", To: "x/b", Port: 80, Protocol: "TCP", Predicted: engine.Denied, Observed: cases.Timeout, Class: Match}
	svc := pod
	svc.Via, svc.Observed, svc.Class = ViaService, cases.Connected, Mismatch
	external := Cell{From: "x/a", To: "host-1", Port: 80, Protocol: "TCP", Predicted: engine.Allowed, Observed: cases.Connected, Class: Match}
	s := Step{Peers: []cases.PeerKey{"x/a", "x/b", "host-1"}, Targets: []string{"TCP/80"}, Cells: []Cell{pod, svc, external}}
	sets, err := s.TableSets()
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != 2 || sets[0].Via != "" || sets[1].Via != ViaService {
		t.Fatalf("TableSets() = %d sets, want the pod-IP tables then the Service tables", len(sets))
	}
	if got, want := sets[1].Title(), "through each pod's Service (ClusterIP)"; got != want {
		t.Errorf("Service tables titled %q, want %q", got, want)
	}
	if diff := cmp.Diff([]cases.PeerKey{"x/a", "x/b"}, sets[1].Diff.Peers); diff != "" {
		t.Errorf("Service table peers (-want +got):\n%s", diff)
	}
	for _, tt := range []struct {
		name     string
		table    *engine.Table
		from, to cases.PeerKey
		want     engine.Cell
	}{
		{"pod diff keeps the pod cell", sets[0].Diff, "x/a", "x/b", engine.CellAllowed},
		{"pod observed keeps the pod cell", sets[0].Observed, "x/a", "x/b", engine.CellDenied},
		{"pod table has the external host", sets[0].Diff, "x/a", "host-1", engine.CellAllowed},
		{"Service diff has the Service cell", sets[1].Diff, "x/a", "x/b", engine.CellMismatch},
		{"Service observed has the Service cell", sets[1].Observed, "x/a", "x/b", engine.CellAllowed},
		{"no Service cell is not served", sets[1].Diff, "x/b", "x/a", engine.CellNone},
	} {
		got, err := tt.table.Get(tt.from, tt.to, tg)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got != tt.want {
			t.Errorf("%s: %s -> %s = %q, want %q", tt.name, tt.from, tt.to, got, tt.want)
		}
	}
	s.Cells = []Cell{pod, external}
	if sets, err := s.TableSets(); err != nil || len(sets) != 1 {
		t.Errorf("a step without Service cells: %d sets (%v), want 1", len(sets), err)
	}
}
