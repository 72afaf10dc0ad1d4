package netpol

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
	"github.com/cnpc-dev/cnpc/probes"
	"github.com/cnpc-dev/cnpc/reports"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	res := func(o cases.Outcome) probes.Result { return probes.Result{Outcome: o} }
	tests := []struct {
		name        string
		pred        engine.Verdict
		r           probes.Result
		found, impl bool
		want        reports.Class
	}{
		{"allowed and connected", engine.Allowed, res(cases.Connected), true, false, reports.Match},
		{"denied and timeout", engine.Denied, res(cases.Timeout), true, false, reports.Match},
		{"denied and refused", engine.Denied, res(cases.Refused), true, false, reports.Match},
		{"allowed but timeout", engine.Allowed, res(cases.Timeout), true, false, reports.Mismatch},
		{"allowed but refused", engine.Allowed, res(cases.Refused), true, false, reports.Mismatch},
		{"denied but connected", engine.Denied, res(cases.Connected), true, false, reports.Mismatch},
		{"denied but connected, implementation-defined", engine.Denied, res(cases.Connected), true, true, reports.ClassImplementationDefined},
		{"implementation-defined that matches stays a match", engine.Denied, res(cases.Timeout), true, true, reports.Match},
		{"unsupported is never a verdict", engine.Denied, res(cases.Unsupported), true, false, reports.ClassUnsupported},
		{"error is never denied", engine.Denied, res(cases.Error), true, false, reports.ClassError},
		{"missing result is an error", engine.Denied, probes.Result{}, false, false, reports.ClassError},
		{"flaky", engine.Allowed, probes.Result{Outcome: cases.Connected, Flaky: true}, true, false, reports.ClassFlaky},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := classify(tt.pred, tt.r, tt.found, tt.impl); got != tt.want {
				t.Errorf("classify(%s, %s, found=%v, impl=%v) = %s, want %s", tt.pred, tt.r.Outcome, tt.found, tt.impl, got, tt.want)
			}
		})
	}
}

func TestAgree(t *testing.T) {
	t.Parallel()
	tests := []struct {
		want, got engine.Cell
		agree     bool
	}{
		{engine.CellAllowed, engine.CellAllowed, true},
		{engine.CellAllowed, engine.CellDenied, false},
		{engine.CellAllowed, engine.CellRefused, false},
		{engine.CellAllowed, engine.CellError, false},
		{engine.CellDenied, engine.CellRefused, true},
		{engine.CellDenied, engine.CellDenied, true},
		{engine.CellDenied, engine.CellAllowed, false},
		{engine.CellDenied, engine.CellFlaky, false},
		{engine.CellDenied, engine.CellUnsupported, true},
	}
	for _, tt := range tests {
		if got := agree(tt.want, tt.got); got != tt.agree {
			t.Errorf("agree(%c, %c) = %v, want %v", tt.want, tt.got, got, tt.agree)
		}
	}
}

// TestCompareMarksImplementationDefined checks that a cell the API leaves open shows as '?' in the
// diff, apart from the true mismatch beside it, and is counted in its own class.
func TestCompareMarksImplementationDefined(t *testing.T) {
	t.Parallel()
	topo := twoPods()
	topo.Externals = nil
	denyA := networkingv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "deny-a", Namespace: "x"},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"pod": "a"}},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
		},
	}
	topo.Pods[0].Labels = map[string]string{"pod": "a"}
	pred, err := engine.Predict(topo, []networkingv1.NetworkPolicy{denyA})
	if err != nil {
		t.Fatal(err)
	}
	// Everything connects; x/b -> x/a TCP/80 is denied by the policy, and the test declares it
	// implementation-defined. No other cell is denied, so nothing else may differ.
	obs := &Observation{Table: engine.NewTable(pred.Peers(), pred.Targets()), Results: map[CellKey]probes.Result{}}
	for src, b := range Batches(topo, time.Second, 1) {
		for _, tg := range b.Targets {
			obs.record(src, probes.Result{Name: tg.Name, IP: tg.IP, Port: tg.Port, Protocol: tg.Protocol, Expect: tg.Expect, Identity: tg.Expect, Outcome: cases.Connected})
		}
	}
	open := CellKey{From: "x/b", To: "x/a", Target: engine.Target{Protocol: corev1.ProtocolTCP, Port: 80}}
	c, err := Compare(pred, obs, func(k CellKey) bool { return k == open })
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Diff.Get(open.From, open.To, open.Target)
	if err != nil {
		t.Fatal(err)
	}
	if got != engine.CellImplementationDefined {
		t.Errorf("diff cell %s = %q, want %q", open, got, engine.CellImplementationDefined)
	}
	if c.Counts[reports.ClassImplementationDefined] != 1 || c.Counts[reports.Mismatch] != 0 {
		t.Errorf("counts %v, want one implementation-defined cell and no mismatch", c.Counts)
	}
	if !c.Converged() {
		t.Error("an implementation-defined cell must not keep the step polling")
	}
}
