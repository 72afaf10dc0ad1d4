package engine

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/cnpc-dev/cnpc/cases"
)

// FuzzEngine builds a random topology and policies from the input and checks the engine's
// invariants: it agrees with the reference evaluator on every connection, verdict = ingress AND
// egress, self-traffic is allowed, explanations agree with predictions, policy order does not
// matter, a policy selecting no pod changes nothing, a policy that isolates no new pod can only
// allow more, and deny-all in every namespace denies every connection that involves a pod, except
// self-traffic.
func FuzzEngine(f *testing.F) {
	for _, seed := range []string{
		"", "\x02\x02\x01\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a",
		"\x01\x02\x02\x01\x01\x00\x02\x03\x01\x02\x01\x01\x00\x00\x03\x01\x02\x01\x01\x02\x03\x00\x01",
		"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5\xf4\xf3\xf2\xf1\xf0\xef\xee\xed\xec\xeb\xea",
		"\x02\x01\x00\x02\x01\x03\x02\x00\x01\x03\x03\x03\x02\x01\x01\x00\x02\x01\x02\x03\x03\x01\x02\x00\x02\x01\x03\x02\x02",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		g := &gen{data: data}
		topo := g.topology()
		pols := g.policies(topo, g.pick(5))
		base := mustPredict(t, topo, pols)
		checkReference(t, base, topo, pols)
		checkExplanations(t, base)
		checkExternalOnly(t, base, topo, pols)
		checkPermutations(t, base, topo, pols)
		checkNonSelecting(t, base, topo, pols)
		checkMonotone(t, base, topo, pols, g.policy(topo, "extra"))
		checkDenyAll(t, topo, pols)
	})
}

func mustPredict(t *testing.T, topo cases.Topology, pols []networkingv1.NetworkPolicy) *Prediction {
	t.Helper()
	p, err := Predict(topo, pols)
	if err != nil {
		t.Fatalf("Predict: %v", err)
	}
	return p
}

func checkReference(t *testing.T, p *Prediction, topo cases.Topology, pols []networkingv1.NetworkPolicy) {
	t.Helper()
	for _, r := range p.Results() {
		in, eg := referenceVerdicts(topo, pols, r.From, r.To, r.Target)
		want := Result{From: r.From, To: r.To, Target: r.Target, Verdict: verdictOf(in && eg), Ingress: verdictOf(in), Egress: verdictOf(eg)}
		if diff := cmp.Diff(want, r); diff != "" {
			t.Fatalf("engine disagrees with the reference (-reference +engine):\n%s\npolicies: %+v", diff, pols)
		}
		if r.From == r.To && !r.Verdict.IsAllowed() {
			t.Fatalf("self-traffic %s denied", r.From)
		}
	}
}

func checkExplanations(t *testing.T, p *Prediction) {
	t.Helper()
	for _, r := range p.Results() {
		e, err := p.Explain(r.From, r.To, r.Target)
		if err != nil {
			t.Fatalf("Explain: %v", err)
		}
		got := Result{From: e.From, To: e.To, Target: e.Target, Verdict: e.Verdict, Ingress: e.Ingress.Verdict, Egress: e.Egress.Verdict}
		if diff := cmp.Diff(r, got); diff != "" {
			t.Fatalf("explanation disagrees with prediction (-prediction +explanation):\n%s\n%s", diff, e)
		}
	}
}

func checkPermutations(t *testing.T, base *Prediction, topo cases.Topology, pols []networkingv1.NetworkPolicy) {
	t.Helper()
	for shift := 1; shift < len(pols); shift++ {
		perm := append(append([]networkingv1.NetworkPolicy(nil), pols[shift:]...), pols[:shift]...)
		rev := make([]networkingv1.NetworkPolicy, len(perm))
		for i := range perm {
			rev[len(perm)-1-i] = perm[i]
		}
		for _, order := range [][]networkingv1.NetworkPolicy{perm, rev} {
			if diff := cmp.Diff(base.Results(), mustPredict(t, topo, order).Results()); diff != "" {
				t.Fatalf("policy order changed the prediction (-original +permuted):\n%s", diff)
			}
		}
	}
}

func checkNonSelecting(t *testing.T, base *Prediction, topo cases.Topology, pols []networkingv1.NetworkPolicy) {
	t.Helper()
	for _, ns := range topo.Namespaces {
		idle := networkingv1.NetworkPolicy{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns.Name, Name: "selects-nothing"},
			Spec: networkingv1.NetworkPolicySpec{
				PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"pod": "no-such-pod"}},
				PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
			},
		}
		if diff := cmp.Diff(base.Results(), mustPredict(t, topo, append(pols[:len(pols):len(pols)], idle)).Results()); diff != "" {
			t.Fatalf("a policy selecting no pod changed the prediction (-before +after):\n%s", diff)
		}
	}
}

// checkMonotone adds one policy and checks each side: where the pod on that side was already
// isolated in that direction (or is not isolated by the new policy), nothing allowed before may
// be denied after.
func checkMonotone(t *testing.T, base *Prediction, topo cases.Topology, pols []networkingv1.NetworkPolicy, extra networkingv1.NetworkPolicy) {
	t.Helper()
	after := mustPredict(t, topo, append(pols[:len(pols):len(pols)], extra))
	for _, r := range base.Results() {
		a, err := after.Result(r.From, r.To, r.Target)
		if err != nil {
			t.Fatal(err)
		}
		s, d := base.u.index[r.From], base.u.index[r.To]
		if sameIsolation(base, after, Ingress, d) && r.Ingress.IsAllowed() && !a.Ingress.IsAllowed() {
			t.Fatalf("adding a policy that does not newly isolate %s for ingress denied %s -> %s %s", r.To, r.From, r.To, r.Target)
		}
		if sameIsolation(base, after, Egress, s) && r.Egress.IsAllowed() && !a.Egress.IsAllowed() {
			t.Fatalf("adding a policy that does not newly isolate %s for egress denied %s -> %s %s", r.From, r.From, r.To, r.Target)
		}
		if a.Verdict.IsAllowed() != (a.Ingress.IsAllowed() && a.Egress.IsAllowed()) {
			t.Fatalf("verdict %s is not ingress %s AND egress %s", a.Verdict, a.Ingress, a.Egress)
		}
	}
}

func sameIsolation(a, b *Prediction, dir Direction, peer int) bool {
	if !a.u.isPod(peer) {
		return true
	}
	return (len(a.of[dir.index()][peer]) > 0) == (len(b.of[dir.index()][peer]) > 0)
}

func checkDenyAll(t *testing.T, topo cases.Topology, pols []networkingv1.NetworkPolicy) {
	t.Helper()
	all := append([]networkingv1.NetworkPolicy(nil), pols...)
	for _, ns := range topo.Namespaces {
		all = append(all, networkingv1.NetworkPolicy{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns.Name, Name: "deny-all"},
			Spec: networkingv1.NetworkPolicySpec{
				PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
			},
		})
	}
	// Deny-all alone (no other policy): every connection involving a pod is denied.
	p := mustPredict(t, topo, all[len(pols):])
	for _, r := range p.Results() {
		want := Denied
		if r.From == r.To || (!r.From.IsPod() && !r.To.IsPod()) {
			want = Allowed
		}
		if r.Verdict != want {
			t.Fatalf("deny-all everywhere: %s -> %s %s is %s, expected %s", r.From, r.To, r.Target, r.Verdict, want)
		}
	}
	// With the other policies too, the engine still agrees with the reference.
	checkReference(t, mustPredict(t, topo, all), topo, all)
}

// TestFuzzSeedsExercise guards against a generator that degenerates: over the seed corpus, the
// generated cases must produce both verdicts.
func TestFuzzSeedsExercise(t *testing.T) {
	counts := map[Verdict]int{}
	for i := 0; i < 200; i++ {
		data := []byte(fmt.Sprintf("%d-%d-%d-seed-%d-%d", i, i*7, i*13, i*31, i*17))
		g := &gen{data: data}
		topo := g.topology()
		p := mustPredict(t, topo, g.policies(topo, g.pick(5)))
		for _, r := range p.Results() {
			counts[r.Verdict]++
		}
	}
	if counts[Allowed] == 0 || counts[Denied] == 0 {
		t.Fatalf("generated cases give %v; expected both verdicts", counts)
	}
}
