package netpol

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
	"github.com/cnpc-dev/cnpc/probes"
	"github.com/cnpc-dev/cnpc/reports"
)

// simulated answers a probe of a simulated plugin: the outcome of one cell, given its prediction.
type simulated func(k CellKey, predicted engine.Verdict) cases.Outcome

// noSCTP enforces every policy exactly on a kernel without SCTP.
func noSCTP(k CellKey, predicted engine.Verdict) cases.Outcome {
	switch {
	case k.Target.Protocol == corev1.ProtocolSCTP:
		return cases.Unsupported
	case predicted.IsAllowed():
		return cases.Connected
	}
	return cases.Timeout
}

// noPolicyNoSCTP enforces nothing (flannel) on a kernel without SCTP.
func noPolicyNoSCTP(k CellKey, _ engine.Verdict) cases.Outcome {
	if k.Target.Protocol == corev1.ProtocolSCTP {
		return cases.Unsupported
	}
	return cases.Connected
}

// gradeSimulated runs a case's steps through the suite's own comparison, recording and grading
// against a simulated plugin, with no cluster: Compare, markNotGraded, StepRecord and GradeCase.
func gradeSimulated(t *testing.T, c *cases.Case, sim simulated) (reports.Verdict, map[string]int) {
	t.Helper()
	states, err := c.States()
	if err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	var steps []reports.Step
	for i, st := range states {
		pred, err := engine.Predict(st.Topology, st.Policies)
		if err != nil {
			t.Fatalf("%s step %d: %v", c.Name, i, err)
		}
		obs := &Observation{Table: engine.NewTable(pred.Peers(), pred.Targets()), Results: map[CellKey]probes.Result{}}
		for src, b := range Batches(st.Topology, time.Second, 1) {
			for _, tg := range b.Targets {
				k := CellKey{From: src, To: cases.PeerKey(tg.Name), Target: engine.Target{Protocol: tg.Protocol, Port: tg.Port}}
				r, err := pred.Result(k.From, k.To, k.Target)
				if err != nil {
					t.Fatalf("%s step %d: %v", c.Name, i, err)
				}
				obs.record(src, probes.Result{Name: tg.Name, IP: tg.IP, Port: tg.Port, Protocol: tg.Protocol, Expect: tg.Expect,
					Identity: tg.Expect, Outcome: sim(k, r.Verdict)})
			}
		}
		cmp, err := Compare(pred, obs, ImplementationDefinedCells(pred, GradingAPI))
		if err == nil {
			err = cmp.markNotGraded(c.Steps[i].Graded)
		}
		if err != nil {
			t.Fatalf("%s step %d: %v", c.Name, i, err)
		}
		steps = append(steps, StepRecord(i, st.Name, st.Policies, pred, Convergence{Final: cmp}))
	}
	v, uns, _ := GradeCase(steps)
	return v, uns
}

// TestGradeCatalogWithoutSCTP grades every catalog and generated case against a plugin that
// enforces every policy exactly on a kernel without SCTP (what issue 17 expects of kube-router
// v1.3.2), and against one that enforces nothing there. With exact enforcement nothing fails; the
// cases upstream runs on TCP alone pass as upstream's do; the SCTP-only contexts are unsupported;
// and every other case with SCTP cells passes with them unsupported. A plugin that enforces
// nothing never passes a case that denies something.
func TestGradeCatalogWithoutSCTP(t *testing.T) {
	t.Parallel()
	catalog, err := cases.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	all := append(catalog, cases.Generated()...)
	want := map[string]reports.Verdict{
		"upstream-sctp-isolates": reports.Pass, "upstream-sctp-not-tcp": reports.Pass, "upstream-udp-not-tcp": reports.Pass,
		"upstream-sctp-default-deny-ingress": reports.Unsupported, "upstream-sctp-pod-in-other-namespace": reports.Unsupported,
		"upstream-sctp-ports": reports.Unsupported, "upstream-udp-default-deny-ingress": reports.Pass,
	}
	partly, unsupported := 0, 0
	for _, c := range all {
		v, uns := gradeSimulated(t, c, noSCTP)
		switch {
		case want[c.Name] != "" && v != want[c.Name]:
			t.Errorf("%s: %s, want %s", c.Name, v, want[c.Name])
		case v != reports.Pass && v != reports.Unsupported && v != reports.ImplementationDefined:
			t.Errorf("%s: %s with every policy enforced exactly", c.Name, v)
		}
		if uns != nil {
			partly++
		}
		if v == reports.Unsupported {
			unsupported++
		}
		if denies(t, c) {
			if fv, _ := gradeSimulated(t, c, noPolicyNoSCTP); fv == reports.Pass {
				t.Errorf("%s denies something, yet a plugin that enforces nothing passes it", c.Name)
			}
		}
	}
	t.Logf("%d cases: %d pass with unsupported cells, %d unsupported", len(all), partly, unsupported)
	if partly == 0 {
		t.Error("no case passed with unsupported cells")
	}
}

// denies reports whether the engine denies some cell of some step of the case.
func denies(t *testing.T, c *cases.Case) bool {
	t.Helper()
	states, err := c.States()
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range states {
		pred, err := engine.Predict(st.Topology, st.Policies)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range pred.Results() {
			if !r.Verdict.IsAllowed() {
				return true
			}
		}
	}
	return false
}
