package netpol

import (
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/cnpc-dev/cnpc/engine"
)

func TestImplementationDefinedCells(t *testing.T) {
	t.Parallel()
	topo := twoPods()
	topo.Pods[0].Labels = map[string]string{"app": "a"}
	egressExcept := func(cidr string, except []string, types ...networkingv1.PolicyType) networkingv1.NetworkPolicy {
		return networkingv1.NetworkPolicy{
			ObjectMeta: metav1.ObjectMeta{Namespace: "x", Name: "p"},
			Spec: networkingv1.NetworkPolicySpec{
				PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "a"}},
				PolicyTypes: types,
				Egress:      []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: cidr, Except: except}}}}},
			},
		}
	}
	egressTo := func(cidr string, types ...networkingv1.PolicyType) networkingv1.NetworkPolicy {
		return egressExcept(cidr, nil, types...)
	}
	eg := networkingv1.PolicyTypeEgress
	tcp80 := engine.Target{Protocol: "TCP", Port: 80}
	aToB := CellKey{From: "x/a", To: "x/b", Target: tcp80}
	bToA := CellKey{From: "x/b", To: "x/a", Target: tcp80}
	aToOut := CellKey{From: "x/a", To: "out", Target: tcp80}
	tests := []struct {
		name     string
		policies []networkingv1.NetworkPolicy
		key      CellKey
		api      bool // implementation-defined under --grading api
		upstream bool // and under --grading upstream
	}{
		{"self is always implementation-defined", nil, CellKey{From: "x/a", To: "x/a", Target: tcp80}, true, true},
		{"no policy", nil, aToB, false, false},
		{"only a cidr covering the destination pod admits it", []networkingv1.NetworkPolicy{egressTo("10.0.0.0/24", eg)}, aToB, true, false},
		{"an except carves the pod out: denied in both readings", []networkingv1.NetworkPolicy{egressExcept("0.0.0.0/0", []string{"10.0.0.2/32"}, eg)}, aToB, false, false},
		{"cidr does not cover it", []networkingv1.NetworkPolicy{egressTo("10.9.0.0/24", eg)}, aToB, false, false},
		{"policy without the Egress type", []networkingv1.NetworkPolicy{egressTo("10.0.0.0/24", networkingv1.PolicyTypeIngress)}, aToB, false, false},
		{"policy does not select the source", []networkingv1.NetworkPolicy{egressTo("10.0.0.0/24", eg)}, bToA, false, false},
		{"external destinations are what ipBlock is for", []networkingv1.NetworkPolicy{egressTo("0.0.0.0/0", eg)}, aToOut, false, false},
		{"0.0.0.0/0 beside ::/0 still tells pods from externals", []networkingv1.NetworkPolicy{egressTo("0.0.0.0/0", eg), egressTo("::/0", eg)}, aToB, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pred, err := engine.Predict(ModelTopology(topo), tt.policies)
			if err != nil {
				t.Fatal(err)
			}
			for g, want := range map[Grading]bool{GradingAPI: tt.api, GradingUpstream: tt.upstream} {
				if got := ImplementationDefinedCells(pred, g)(tt.key); got != want {
					t.Errorf("%s, grading %s: got %v, want %v", tt.key, g, got, want)
				}
			}
		})
	}
}

func TestNamespaceNamesCoverEveryCase(t *testing.T) {
	t.Parallel()
	cat, gen, err := builtinCases()
	if err != nil {
		t.Fatalf("load cases: %v", err)
	}
	cs := append(cat, gen...)
	names := map[string]bool{}
	for _, n := range namespaceNames(cs) {
		names[n] = true
	}
	for _, c := range cs {
		for _, ns := range c.BaseTopology().Namespaces {
			if !names[ns.Name] {
				t.Errorf("case %s: namespace %s missing from the ownership check", c.Name, ns.Name)
			}
		}
	}
	for _, ns := range []string{"default", "kube-system", "kube-public", "kube-node-lease"} {
		if names[ns] {
			t.Errorf("a case uses the system namespace %s: the suite would refuse to run", ns)
		}
	}
}
