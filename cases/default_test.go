package cases

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

func TestDefaultPolicy(t *testing.T) {
	t.Parallel()
	ingress, egress := networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress
	tcp, udp := corev1.ProtocolTCP, corev1.ProtocolUDP
	rule := networkingv1.NetworkPolicyEgressRule{}
	tests := []struct {
		name string
		in   networkingv1.NetworkPolicySpec
		want networkingv1.NetworkPolicySpec
	}{
		{
			name: "no types, no egress: Ingress",
			in:   networkingv1.NetworkPolicySpec{},
			want: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{ingress}},
		},
		{
			name: "no types, empty egress list: Ingress only",
			in:   networkingv1.NetworkPolicySpec{Egress: []networkingv1.NetworkPolicyEgressRule{}},
			want: networkingv1.NetworkPolicySpec{Egress: []networkingv1.NetworkPolicyEgressRule{}, PolicyTypes: []networkingv1.PolicyType{ingress}},
		},
		{
			name: "no types, one egress rule: Ingress and Egress",
			in:   networkingv1.NetworkPolicySpec{Egress: []networkingv1.NetworkPolicyEgressRule{rule}},
			want: networkingv1.NetworkPolicySpec{Egress: []networkingv1.NetworkPolicyEgressRule{rule}, PolicyTypes: []networkingv1.PolicyType{ingress, egress}},
		},
		{
			name: "empty types list is defaulted too",
			in:   networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{}, Egress: []networkingv1.NetworkPolicyEgressRule{rule}},
			want: networkingv1.NetworkPolicySpec{Egress: []networkingv1.NetworkPolicyEgressRule{rule}, PolicyTypes: []networkingv1.PolicyType{ingress, egress}},
		},
		{
			name: "given types are kept, even Egress alone with ingress rules",
			in:   networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{egress}, Ingress: []networkingv1.NetworkPolicyIngressRule{{}}},
			want: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{egress}, Ingress: []networkingv1.NetworkPolicyIngressRule{{}}},
		},
		{
			name: "absent protocol is TCP in both directions, a given one is kept",
			in: networkingv1.NetworkPolicySpec{
				PolicyTypes: []networkingv1.PolicyType{ingress, egress},
				Ingress:     []networkingv1.NetworkPolicyIngressRule{{Ports: []networkingv1.NetworkPolicyPort{{Port: numPort(80)}, {Protocol: &udp}}}},
				Egress:      []networkingv1.NetworkPolicyEgressRule{{Ports: []networkingv1.NetworkPolicyPort{{}}}},
			},
			want: networkingv1.NetworkPolicySpec{
				PolicyTypes: []networkingv1.PolicyType{ingress, egress},
				Ingress:     []networkingv1.NetworkPolicyIngressRule{{Ports: []networkingv1.NetworkPolicyPort{{Port: numPort(80), Protocol: &tcp}, {Protocol: &udp}}}},
				Egress:      []networkingv1.NetworkPolicyEgressRule{{Ports: []networkingv1.NetworkPolicyPort{{Protocol: &tcp}}}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := networkingv1.NetworkPolicy{Spec: tt.in}
			DefaultPolicy(&p)
			if diff := cmp.Diff(tt.want, p.Spec); diff != "" {
				t.Errorf("DefaultPolicy (-want +got):\n%s", diff)
			}
			DefaultPolicy(&p)
			if diff := cmp.Diff(tt.want, p.Spec); diff != "" {
				t.Errorf("DefaultPolicy twice is not idempotent (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLoadDefaults checks that Load defaults what it loads: `egress: []` and an absent egress give
// the same policy types, and one egress rule adds Egress.
func TestLoadDefaults(t *testing.T) {
	t.Parallel()
	load := func(extra ...string) networkingv1.NetworkPolicySpec {
		t.Helper()
		c, err := Load("t.yaml", []byte(policyCase(okMeta, append([]string{"podSelector: {}"}, extra...)...)))
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		return c.Steps[0].Apply[0].Spec
	}
	absent, empty, one := load(), load("egress: []"), load("egress: [{ports: [{port: 53, protocol: UDP}, {port: 80}]}]")
	ingressOnly := []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
	if diff := cmp.Diff(absent, empty, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("egress absent vs [] (-absent +empty):\n%s", diff)
	}
	if diff := cmp.Diff(ingressOnly, absent.PolicyTypes); diff != "" {
		t.Errorf("policyTypes without egress (-want +got):\n%s", diff)
	}
	both := []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
	if diff := cmp.Diff(both, one.PolicyTypes); diff != "" {
		t.Errorf("policyTypes with one egress rule (-want +got):\n%s", diff)
	}
	udp, tcp := corev1.ProtocolUDP, corev1.ProtocolTCP
	wantPorts := []networkingv1.NetworkPolicyPort{{Port: numPort(53), Protocol: &udp}, {Port: numPort(80), Protocol: &tcp}}
	if diff := cmp.Diff(wantPorts, one.Egress[0].Ports); diff != "" {
		t.Errorf("egress ports (-want +got):\n%s", diff)
	}
}
