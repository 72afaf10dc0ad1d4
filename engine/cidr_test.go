package engine

import (
	"fmt"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/cnpc-dev/cnpc/cases"
)

// TestCIDRLoaderAndEngineAgree: a cidr the loader accepts the engine accepts too, with the same
// meaning; one the loader rejects the engine rejects. Both use cases.ParseCIDR; this keeps it so.
func TestCIDRLoaderAndEngineAgree(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		cidr string
		// admits says whether the egress rule to the cidr admits x/a -> y/b (10.0.1.2) on TCP/80.
		admits bool
	}{
		{"010.0.0.0/8", true},
		{"10.0.1.002/32", true},
		{"10.0.1.2/24", true},
		{"010.000.002.000/24", false},
		{"fd00::/8", false},
		{"10.0.0.0/33", false},
		{"10.0.1.2", false},
	} {
		t.Run(tt.cidr, func(t *testing.T) {
			t.Parallel()
			file := fmt.Sprintf(`name: c
topology:
  namespaces: [{name: x}, {name: y}]
  pods:
    - {namespace: x, name: a, ip: 10.0.0.1, ports: [{port: 80}]}
    - {namespace: y, name: b, ip: 10.0.1.2, ports: [{port: 80}]}
steps:
  - name: s
    apply:
      - apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: p, namespace: x}
        spec: {podSelector: {}, policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: %q}}]}]}
`, tt.cidr)
			c, loadErr := cases.Load("c.yaml", []byte(file))
			topo := cases.Topology{
				Namespaces: []cases.Namespace{{Name: "x"}, {Name: "y"}},
				Pods:       []cases.Pod{{Namespace: "x", Name: "a", IP: "10.0.0.1"}, {Namespace: "y", Name: "b", IP: "10.0.1.2"}},
			}
			pol := newPolicy("x", "p", networkingv1.NetworkPolicySpec{
				PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
				Egress:      []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: tt.cidr}}}}},
			})
			_, predictErr := Predict(topo, []networkingv1.NetworkPolicy{pol})
			if (loadErr == nil) != (predictErr == nil) {
				t.Fatalf("loader and engine disagree: load %v, predict %v", loadErr, predictErr)
			}
			if loadErr != nil {
				return
			}
			states, err := c.States()
			if err != nil {
				t.Fatal(err)
			}
			p, err := PredictState(states[0])
			if err != nil {
				t.Fatalf("a validated case does not predict: %v", err)
			}
			r, err := p.Result("x/a", "y/b", Target{Protocol: "TCP", Port: 80})
			if err != nil {
				t.Fatal(err)
			}
			if r.Verdict.IsAllowed() != tt.admits {
				t.Errorf("x/a -> y/b: %s, want allowed=%v", r.Verdict, tt.admits)
			}
		})
	}
}
