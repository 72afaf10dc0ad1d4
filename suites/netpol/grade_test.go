package netpol

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
	"github.com/cnpc-dev/cnpc/probes"
	"github.com/cnpc-dev/cnpc/reports"
)

// gradeCell is one recorded cell of a test step: x/b -> x/a on the target, predicted allowed or
// denied, with its class.
func gradeCell(target string, denied bool, class reports.Class) reports.Cell {
	tg, err := engine.ParseTarget(target)
	if err != nil {
		panic(err)
	}
	c := reports.Cell{From: "x/b", To: "x/a", Port: tg.Port, Protocol: string(tg.Protocol), Predicted: engine.Allowed, Class: class}
	if denied {
		c.Predicted = engine.Denied
	}
	return c
}

// gradeStep records a step from its cells, with the verdict StepVerdict gives them.
func gradeStep(cells ...reports.Cell) reports.Step {
	cmp := &Comparison{Cells: make([]Judged, len(cells)), Counts: map[reports.Class]int{}}
	for _, c := range cells {
		cmp.Counts[c.Class]++
	}
	return reports.Step{Cells: cells, Verdict: StepVerdict(Convergence{Final: cmp})}
}

func TestGradeCase(t *testing.T) {
	t.Parallel()
	const (
		match, mismatch, uns = reports.Match, reports.Mismatch, reports.ClassUnsupported
		notGraded, impl      = reports.ClassNotGraded, reports.ClassImplementationDefined
	)
	denied, allowed := true, false
	tests := []struct {
		name        string
		steps       []reports.Step
		verdict     reports.Verdict
		unsupported map[string]int
		reason      string
	}{
		{"TCP and UDP decide and match, SCTP unsupported: a pass with unsupported cells",
			[]reports.Step{gradeStep(gradeCell("TCP/80", denied, match), gradeCell("UDP/80", denied, match), gradeCell("SCTP/80", denied, uns), gradeCell("SCTP/81", allowed, uns))},
			reports.Pass, map[string]int{"SCTP": 2}, ""},
		{"only SCTP cells are denied, and they are unsupported: unsupported",
			[]reports.Step{gradeStep(gradeCell("TCP/80", allowed, match), gradeCell("UDP/80", allowed, match), gradeCell("SCTP/80", denied, uns))},
			reports.Unsupported, nil, "every deciding cell is unsupported here (SCTP); the other cells matched"},
		{"a probeable mismatch beside unsupported cells fails",
			[]reports.Step{gradeStep(gradeCell("TCP/80", denied, mismatch), gradeCell("UDP/80", denied, match), gradeCell("SCTP/80", denied, uns))},
			reports.Fail, nil, ""},
		{"a mismatch in a cell that decides nothing still fails",
			[]reports.Step{gradeStep(gradeCell("TCP/80", allowed, mismatch), gradeCell("SCTP/80", denied, uns))},
			reports.Fail, nil, ""},
		{"a case that denies nothing is decided by every cell",
			[]reports.Step{gradeStep(gradeCell("TCP/80", allowed, match), gradeCell("SCTP/80", allowed, uns))},
			reports.Pass, map[string]int{"SCTP": 1}, ""},
		{"every cell unsupported (an SCTP-only topology)",
			[]reports.Step{gradeStep(gradeCell("SCTP/80", denied, uns), gradeCell("SCTP/81", allowed, uns))},
			reports.Unsupported, nil, "every deciding cell is unsupported here (SCTP); the other cells matched"},
		{"a cell denied in a later step decides in every step",
			[]reports.Step{
				gradeStep(gradeCell("TCP/80", allowed, match), gradeCell("SCTP/80", allowed, uns)),
				gradeStep(gradeCell("TCP/80", denied, uns), gradeCell("SCTP/80", denied, uns)),
			},
			reports.Pass, map[string]int{"TCP": 1, "SCTP": 2}, ""},
		{"a step of unsupported cells does not hide a probed deciding cell in another",
			[]reports.Step{
				gradeStep(gradeCell("SCTP/80", denied, uns)),
				gradeStep(gradeCell("TCP/80", denied, match), gradeCell("SCTP/80", denied, uns)),
			},
			reports.Pass, map[string]int{"SCTP": 2}, ""},
		{"not-graded cells neither fail nor decide: only the graded SCTP cells count",
			[]reports.Step{gradeStep(gradeCell("TCP/80", denied, notGraded), gradeCell("TCP/81", allowed, notGraded), gradeCell("SCTP/81", denied, uns))},
			reports.Unsupported, nil, "every deciding cell is unsupported here (SCTP); the other cells matched"},
		{"graded TCP/81 decides and matches; not-graded cells are not counted as unsupported",
			[]reports.Step{gradeStep(gradeCell("TCP/81", denied, match), gradeCell("TCP/80", denied, notGraded), gradeCell("SCTP/80", allowed, notGraded))},
			reports.Pass, nil, ""},
		{"implementation-defined stays implementation-defined",
			[]reports.Step{gradeStep(gradeCell("TCP/80", denied, impl), gradeCell("SCTP/80", denied, uns))},
			reports.ImplementationDefined, nil, ""},
		{"a plain pass", []reports.Step{gradeStep(gradeCell("TCP/80", denied, match))}, reports.Pass, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, uns, reason := GradeCase(tt.steps)
			if v != tt.verdict || reason != tt.reason {
				t.Errorf("GradeCase() = %s (%q), want %s (%q)", v, reason, tt.verdict, tt.reason)
			}
			if diff := cmp.Diff(tt.unsupported, uns); diff != "" {
				t.Errorf("unsupported cells (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMarkNotGraded compares a round in which every connection succeeds against a policy that
// isolates x/a: x/b -> x/a TCP/80 mismatches. Grading only UDP/53 (served by x/b) leaves it shown
// but not-graded, so the round converges and the step passes; grading TCP/80 keeps the mismatch.
func TestMarkNotGraded(t *testing.T) {
	t.Parallel()
	topo := twoPods()
	topo.Externals = nil
	topo.Pods[0].Labels = map[string]string{"pod": "a"}
	deny := networkingv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "deny-a", Namespace: "x"},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"pod": "a"}},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
		},
	}
	pred, err := engine.Predict(topo, []networkingv1.NetworkPolicy{deny})
	if err != nil {
		t.Fatal(err)
	}
	round := func(graded []cases.Target) *Comparison {
		obs := &Observation{Table: engine.NewTable(pred.Peers(), pred.Targets()), Results: map[CellKey]probes.Result{}}
		for src, b := range Batches(topo, time.Second, 1) {
			for _, tg := range b.Targets {
				obs.record(src, probes.Result{Name: tg.Name, IP: tg.IP, Port: tg.Port, Protocol: tg.Protocol, Expect: tg.Expect, Identity: tg.Expect, Outcome: cases.Connected})
			}
		}
		c, err := Compare(pred, obs, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.markNotGraded(graded); err != nil {
			t.Fatal(err)
		}
		return c
	}
	tcp80 := engine.Target{Protocol: corev1.ProtocolTCP, Port: 80}
	key := CellKey{From: "x/b", To: "x/a", Target: tcp80}

	c := round([]cases.Target{{Protocol: corev1.ProtocolUDP, Port: 53}})
	if c.Counts[reports.Mismatch] != 0 || c.Counts[reports.ClassNotGraded] == 0 || !c.Converged() {
		t.Errorf("grading UDP/53 only: counts %v, converged %v; want no mismatch, some not-graded cells, converged", c.Counts, c.Converged())
	}
	if got, _ := c.Diff.Get(key.From, key.To, key.Target); got != engine.CellNotGraded {
		t.Errorf("diff cell %s = %q, want %q", key, got, engine.CellNotGraded)
	}
	if v := StepVerdict(Convergence{Final: c}); v != reports.Pass {
		t.Errorf("grading UDP/53 only: step verdict %s, want pass", v)
	}

	c = round([]cases.Target{{Protocol: corev1.ProtocolTCP, Port: 80}})
	if c.Counts[reports.Mismatch] == 0 || c.Converged() {
		t.Errorf("grading TCP/80: counts %v, converged %v; want its mismatches kept", c.Counts, c.Converged())
	}
	if v := StepVerdict(Convergence{Final: c}); v != reports.Fail {
		t.Errorf("grading TCP/80: step verdict %s, want fail", v)
	}

	c = round(nil)
	if c.Counts[reports.ClassNotGraded] != 0 {
		t.Errorf("no graded list: %d not-graded cells, want every cell graded", c.Counts[reports.ClassNotGraded])
	}
}
