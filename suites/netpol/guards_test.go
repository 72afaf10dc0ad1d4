package netpol

// Guards: each test here fails when one of the suite's "could not check is never a verdict"
// guards is removed. They run the real Observe, Compare and StepVerdict over a fake runner (the
// cluster's exec, or docker's), so what they pin is the path a real round takes.

import (
	"context"
	"encoding/json"
	"errors"
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

// fakeRunner answers every batch as a prober would, each target with outcome(src, target),
// unless fail(src) returns an error for that source's exec.
type fakeRunner struct {
	outcome func(src cases.PeerKey, t probes.Target) (cases.Outcome, string)
	fail    func(ctx context.Context, src cases.PeerKey) error
	// drop removes the last result of every response (a prober that returns too few).
	drop bool
}

func (f fakeRunner) run(ctx context.Context, src cases.PeerKey, stdin []byte) (ExecResult, error) {
	if f.fail != nil {
		if err := f.fail(ctx, src); err != nil {
			return ExecResult{}, err
		}
	}
	var b probes.Batch
	if err := json.Unmarshal(stdin, &b); err != nil {
		return ExecResult{}, err
	}
	resp := probes.Response{Round: b.Round}
	for _, t := range b.Targets {
		o, identity := f.outcome(src, t)
		resp.Results = append(resp.Results, probes.Result{Name: t.Name, IP: t.IP, Port: t.Port, Protocol: t.Protocol,
			Expect: t.Expect, Outcome: o, Identity: identity, Attempts: []probes.Attempt{{Outcome: o}}})
	}
	if f.drop && len(resp.Results) > 0 {
		resp.Results = resp.Results[:len(resp.Results)-1]
	}
	out, err := json.Marshal(resp)
	return ExecResult{Stdout: out}, err
}

// connectedAll answers every probe as connected, by the expected peer.
func connectedAll(_ cases.PeerKey, t probes.Target) (cases.Outcome, string) {
	return cases.Connected, t.Expect
}

// roundWith runs one real round of the two-pod topology under no policy with the runner.
func roundWith(t *testing.T, ctx context.Context, f fakeRunner) *Comparison {
	t.Helper()
	topo := twoPods()
	topo.Externals = nil
	pred, err := engine.Predict(ModelTopology(topo), nil)
	if err != nil {
		t.Fatal(err)
	}
	obs := Observe(ctx, f.run, Batches(topo, time.Second, 1), pred.Peers(), pred.Targets())
	c, err := Compare(pred, obs, ImplementationDefinedCells(pred, GradingAPI))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestGuardExecFailureIsAnError(t *testing.T) {
	t.Parallel()
	boom := errors.New("exec: container not found")
	c := roundWith(t, context.Background(), fakeRunner{outcome: connectedAll, fail: func(_ context.Context, src cases.PeerKey) error {
		if src == "x/a" {
			return boom
		}
		return nil
	}})
	for _, j := range c.Cells {
		want := reports.Match
		if j.Key.From == "x/a" {
			want = reports.ClassError
		}
		if j.Class != want || (want == reports.ClassError && j.Result.Outcome != cases.Error) {
			t.Errorf("%s: class %s outcome %s, want %s (an exec failure is never a timeout)", j.Key, j.Class, j.Result.Outcome, want)
		}
	}
	if v := StepVerdict(Convergence{Final: c}); v != reports.Error {
		t.Errorf("step verdict %s, want error", v)
	}
}

func TestGuardCancelledProbeIsAnError(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := roundWith(t, ctx, fakeRunner{outcome: connectedAll, fail: func(ctx context.Context, _ cases.PeerKey) error { return ctx.Err() }})
	if c.Counts[reports.ClassError] != len(c.Cells) || len(c.Cells) == 0 {
		t.Errorf("counts %v over %d cells, want every cell an error", c.Counts, len(c.Cells))
	}
	if healthy(Convergence{Final: c}) {
		t.Error("a baseline whose probes were all cancelled is judged healthy")
	}
}

func TestGuardResultCount(t *testing.T) {
	t.Parallel()
	c := roundWith(t, context.Background(), fakeRunner{outcome: connectedAll, drop: true})
	if c.Counts[reports.ClassError] != len(c.Cells) {
		t.Errorf("counts %v: a prober that answers too few targets must make every cell of its source an error", c.Counts)
	}
}

func TestGuardIdentity(t *testing.T) {
	t.Parallel()
	// x/b's IP answers as someone else: a recycled IP is not the destination.
	c := roundWith(t, context.Background(), fakeRunner{outcome: func(_ cases.PeerKey, tg probes.Target) (cases.Outcome, string) {
		if tg.Name == "x/b" {
			return cases.Connected, "y/stranger"
		}
		return cases.Connected, tg.Expect
	}})
	for _, j := range c.Cells {
		if j.Key.To == "x/b" && j.Class != reports.ClassError {
			t.Errorf("%s answered by the wrong peer: class %s, want error", j.Key, j.Class)
		}
	}
}

func TestGuardMissingCell(t *testing.T) {
	t.Parallel()
	topo := twoPods()
	topo.Externals = nil
	pred, err := engine.Predict(ModelTopology(topo), nil)
	if err != nil {
		t.Fatal(err)
	}
	// An observation with no results at all: every predicted cell is missing.
	obs := &Observation{Table: engine.NewTable(pred.Peers(), pred.Targets()), Results: map[CellKey]probes.Result{}}
	c, err := Compare(pred, obs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Counts[reports.ClassError] != len(c.Cells) || c.Converged() {
		t.Errorf("counts %v, converged %v: a missing cell must be an error and keep the step polling", c.Counts, c.Converged())
	}
}

func TestGuardHealthyBaseline(t *testing.T) {
	t.Parallel()
	conv := func(counts map[reports.Class]int, flipped bool) Convergence {
		c := Convergence{Final: &Comparison{Counts: counts, Cells: make([]Judged, 4)}, Flipped: map[CellKey]probes.Result{}}
		if flipped {
			c.Flipped[CellKey{From: "x/a", To: "x/b"}] = probes.Result{}
		}
		return c
	}
	tests := []struct {
		name    string
		conv    Convergence
		healthy bool
	}{
		{"every cell matched", conv(map[reports.Class]int{reports.Match: 4}, false), true},
		{"an implementation-defined cell", conv(map[reports.Class]int{reports.Match: 3, reports.ClassImplementationDefined: 1}, false), true},
		{"SCTP unsupported here", conv(map[reports.Class]int{reports.Match: 2, reports.ClassUnsupported: 2}, false), true},
		{"a mismatch", conv(map[reports.Class]int{reports.Match: 3, reports.Mismatch: 1}, false), false},
		{"a probe error", conv(map[reports.Class]int{reports.Match: 3, reports.ClassError: 1}, false), false},
		{"a flaky cell", conv(map[reports.Class]int{reports.Match: 3, reports.ClassFlaky: 1}, false), false},
		{"a flip after matching", conv(map[reports.Class]int{reports.Match: 4}, true), false},
	}
	for _, tt := range tests {
		if got := healthy(tt.conv); got != tt.healthy {
			t.Errorf("%s: healthy %v, want %v", tt.name, got, tt.healthy)
		}
	}
}

func TestGuardUnsupportedProtocol(t *testing.T) {
	t.Parallel()
	cell := func(p corev1.Protocol, class reports.Class) Judged {
		return Judged{Key: CellKey{Target: engine.Target{Protocol: p, Port: 80}}, Class: class, Result: probes.Result{Error: "no " + string(p)}}
	}
	c := &Comparison{Cells: []Judged{
		cell(corev1.ProtocolTCP, reports.Match), cell(corev1.ProtocolTCP, reports.Match),
		cell(corev1.ProtocolSCTP, reports.ClassUnsupported), cell(corev1.ProtocolSCTP, reports.ClassUnsupported),
		cell(corev1.ProtocolUDP, reports.ClassUnsupported), cell(corev1.ProtocolUDP, reports.Match),
	}}
	got := UnsupportedProtocols(c)
	if _, ok := got[corev1.ProtocolSCTP]; !ok || len(got) != 1 {
		t.Errorf("unsupported %v, want SCTP only (every SCTP cell unsupported; UDP only partly)", got)
	}
}

// TestGuardPluginBlindToPodIPsInIPBlocks simulates a plugin that never matches a pod's IP
// against an ipBlock: under --grading api its denials of pod cells admitted only by an ipBlock
// are implementation-defined (and nothing else is), under --grading upstream they fail.
func TestGuardPluginBlindToPodIPsInIPBlocks(t *testing.T) {
	t.Parallel()
	topo := twoPods()
	topo.Externals = nil
	// x/a may send only to 10.0.0.0/24, which holds x/b's IP.
	policies := []networkingv1.NetworkPolicy{{
		ObjectMeta: metav1.ObjectMeta{Namespace: "x", Name: "to-block"},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "a"}},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
			Egress:      []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/24"}}}}},
		},
	}}
	topo.Pods[0].Labels = map[string]string{"app": "a"}
	pred, err := engine.Predict(ModelTopology(topo), policies)
	if err != nil {
		t.Fatal(err)
	}
	blind := pred.ExternalOnlyIPBlocks()
	plugin := fakeRunner{outcome: func(src cases.PeerKey, tg probes.Target) (cases.Outcome, string) {
		r, err := blind.Result(src, cases.PeerKey(tg.Name), engine.Target{Protocol: tg.Protocol, Port: tg.Port})
		if err != nil || !r.Verdict.IsAllowed() {
			return cases.Timeout, ""
		}
		return cases.Connected, tg.Expect
	}}
	for _, tt := range []struct {
		grading Grading
		want    reports.Verdict
	}{{GradingAPI, reports.ImplementationDefined}, {GradingUpstream, reports.Fail}} {
		obs := Observe(context.Background(), plugin.run, Batches(topo, time.Second, 1), pred.Peers(), pred.Targets())
		c, err := Compare(pred, obs, ImplementationDefinedCells(pred, tt.grading))
		if err != nil {
			t.Fatal(err)
		}
		if got := StepVerdict(Convergence{Final: c}); got != tt.want {
			t.Errorf("grading %s: %s (counts %v), want %s", tt.grading, got, c.Counts, tt.want)
		}
		if tt.grading == GradingAPI && c.Counts[reports.ClassImplementationDefined] == 0 {
			t.Errorf("grading api: no implementation-defined cell (counts %v)", c.Counts)
		}
	}
}
