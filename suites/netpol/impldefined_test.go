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
	egressTo := func(cidr string, types ...networkingv1.PolicyType) networkingv1.NetworkPolicy {
		return networkingv1.NetworkPolicy{
			ObjectMeta: metav1.ObjectMeta{Namespace: "x", Name: "p"},
			Spec: networkingv1.NetworkPolicySpec{
				PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "a"}},
				PolicyTypes: types,
				Egress:      []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: cidr}}}}},
			},
		}
	}
	tcp80 := engine.Target{Protocol: "TCP", Port: 80}
	aToB := CellKey{From: "x/a", To: "x/b", Target: tcp80}
	bToA := CellKey{From: "x/b", To: "x/a", Target: tcp80}
	aToOut := CellKey{From: "x/a", To: "out", Target: tcp80}
	tests := []struct {
		name     string
		policies []networkingv1.NetworkPolicy
		key      CellKey
		want     bool
	}{
		{"self is always implementation-defined", nil, CellKey{From: "x/a", To: "x/a", Target: tcp80}, true},
		{"no policy", nil, aToB, false},
		{"egress cidr covers the destination pod", []networkingv1.NetworkPolicy{egressTo("10.0.0.0/24", networkingv1.PolicyTypeEgress)}, aToB, true},
		{"egress cidr does not cover it", []networkingv1.NetworkPolicy{egressTo("10.9.0.0/24", networkingv1.PolicyTypeEgress)}, aToB, false},
		{"policy without the Egress type", []networkingv1.NetworkPolicy{egressTo("10.0.0.0/24", networkingv1.PolicyTypeIngress)}, aToB, false},
		{"policy does not select the source", []networkingv1.NetworkPolicy{egressTo("10.0.0.0/24", networkingv1.PolicyTypeEgress)}, bToA, false},
		{"external destinations are what ipBlock is for", []networkingv1.NetworkPolicy{egressTo("0.0.0.0/0", networkingv1.PolicyTypeEgress)}, aToOut, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := ImplementationDefinedCells(topo, tt.policies)(tt.key); got != tt.want {
				t.Errorf("%s: got %v, want %v", tt.key, got, tt.want)
			}
		})
	}
}

func TestNamespaceNamesCoverEveryCase(t *testing.T) {
	t.Parallel()
	cs, err := allCases()
	if err != nil {
		t.Fatalf("load cases: %v", err)
	}
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
