package engine

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/cnpc-dev/cnpc/cases"
)

// smallTopology: namespaces x and y, pods x/a (10.0.0.1) and y/b (10.0.1.2) serving TCP/80 named
// web and UDP/53 named dns, and the external ext (192.0.2.1) serving TCP/80.
func smallTopology() cases.Topology {
	ports := []cases.Port{{Name: "web", Port: 80, Protocol: corev1.ProtocolTCP}, {Name: "dns", Port: 53, Protocol: corev1.ProtocolUDP}}
	return cases.Topology{
		Namespaces: []cases.Namespace{{Name: "x", Labels: map[string]string{"ns": "x"}}, {Name: "y", Labels: map[string]string{"ns": "y"}}},
		Pods: []cases.Pod{
			{Namespace: "x", Name: "a", Labels: map[string]string{"pod": "a"}, IP: "10.0.0.1", Ports: ports},
			{Namespace: "y", Name: "b", Labels: map[string]string{"pod": "b"}, IP: "10.0.1.2", Ports: ports},
		},
		Externals: []cases.External{{Name: "ext", IP: "192.0.2.1", Ports: []cases.Port{{Port: 80, Protocol: corev1.ProtocolTCP}}}},
	}
}

func newPolicy(ns, name string, spec networkingv1.NetworkPolicySpec) networkingv1.NetworkPolicy {
	return networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Spec: spec}
}

func TestPredictErrors(t *testing.T) {
	t.Parallel()
	str := intstr.FromString("web")
	end := int32(90)
	bad := "ICMP"
	tests := []struct {
		name   string
		topo   func(*cases.Topology)
		spec   networkingv1.NetworkPolicySpec
		ns     string
		errors []string
	}{
		{
			name:   "policy in a namespace outside the topology",
			ns:     "q",
			errors: []string{`policy q/p: metadata.namespace: "q" is not in the topology`},
		},
		{
			name: "bad pod selector",
			spec: networkingv1.NetworkPolicySpec{
				PodSelector: metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "k", Operator: "Near"}}},
			},
			errors: []string{`policy x/p: spec.podSelector: invalid label selector: "Near" is not a valid label selector operator`},
		},
		{
			name: "every rule problem at once",
			spec: networkingv1.NetworkPolicySpec{
				Ingress: []networkingv1.NetworkPolicyIngressRule{{
					From: []networkingv1.NetworkPolicyPeer{
						{},
						{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/8"}, PodSelector: &metav1.LabelSelector{}},
						{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/33"}},
					},
					Ports: []networkingv1.NetworkPolicyPort{{Port: &str, EndPort: &end}, {Protocol: (*corev1.Protocol)(&bad)}},
				}},
			},
			errors: []string{
				"policy x/p: spec.ingress[0].from[0]: found an empty peer, expected podSelector, namespaceSelector or ipBlock",
				"policy x/p: spec.ingress[0].from[1]: ipBlock cannot be combined with podSelector or namespaceSelector",
				`policy x/p: spec.ingress[0].from[2]: ipBlock.cidr: found "10.0.0.0/33", expected a CIDR such as 10.0.0.0/24 or fd00::/64`,
				`policy x/p: spec.ingress[0].ports[0].endPort: found 90 with the named port "web", expected a numeric port`,
				`policy x/p: spec.ingress[0].ports[1].protocol: found "ICMP", expected TCP, UDP or SCTP`,
			},
		},
		{
			name:   "bad pod IP and unknown namespace of a pod",
			topo:   func(t *cases.Topology) { t.Pods[0].IP = "10.0.0.300"; t.Pods[1].Namespace = "w" },
			errors: []string{`topology: topology.pods[0] x/a: ip: found "10.0.0.300", expected an IPv4 or IPv6 address such as 10.244.1.10 or fd00::10`, `topology.pods[1] w/b: namespace "w" is not in the topology`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			topo := smallTopology()
			if tt.topo != nil {
				tt.topo(&topo)
			}
			ns := tt.ns
			if ns == "" {
				ns = "x"
			}
			_, err := Predict(topo, []networkingv1.NetworkPolicy{newPolicy(ns, "p", tt.spec)})
			if err == nil {
				t.Fatal("Predict succeeded, want an error")
			}
			got := strings.Split(err.Error(), "\n")
			if diff := cmp.Diff(tt.errors, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExplainStructure(t *testing.T) {
	t.Parallel()
	udp := corev1.ProtocolUDP
	dns, p80 := intstr.FromString("dns"), intstr.FromInt32(80)
	pols := []networkingv1.NetworkPolicy{
		newPolicy("y", "deny", networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}}),
		newPolicy("y", "allow", networkingv1.NetworkPolicySpec{
			Ingress: []networkingv1.NetworkPolicyIngressRule{
				{From: []networkingv1.NetworkPolicyPeer{
					{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"ns": "z"}}},
					{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{cases.LabelMetadataName: "x"}}},
				}, Ports: []networkingv1.NetworkPolicyPort{{Port: &p80}, {Protocol: &udp, Port: &dns}}},
				{},
			},
		}),
		newPolicy("y", "egress", networkingv1.NetworkPolicySpec{
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
			Egress: []networkingv1.NetworkPolicyEgressRule{{
				To:    []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{}}},
				Ports: []networkingv1.NetworkPolicyPort{{Port: &p80}},
			}},
		}),
	}
	p := mustPredict(t, smallTopology(), pols)
	tests := []struct {
		name     string
		from, to cases.PeerKey
		target   Target
		want     Explanation
	}{
		{
			name: "two rules admit, each part named",
			from: "x/a", to: "y/b", target: Target{Protocol: corev1.ProtocolUDP, Port: 53},
			want: Explanation{
				From: "x/a", To: "y/b", Target: Target{Protocol: corev1.ProtocolUDP, Port: 53}, Verdict: Allowed,
				Egress: Side{Direction: Egress, Peer: "x/a", Verdict: Allowed},
				Ingress: Side{
					Direction: Ingress, Peer: "y/b", Verdict: Allowed,
					Isolating: []cases.PolicyRef{{Namespace: "y", Name: "deny"}, {Namespace: "y", Name: "allow"}},
					Allowing: []RuleRef{
						{Policy: cases.PolicyRef{Namespace: "y", Name: "allow"}, Direction: Ingress, Rule: 0, Peer: 1, Port: 1},
						{Policy: cases.PolicyRef{Namespace: "y", Name: "allow"}, Direction: Ingress, Rule: 1, Peer: -1, Port: -1},
					},
				},
			},
		},
		{
			name: "a rule whose peers miss, beside one that admits",
			from: "ext", to: "y/b", target: Target{Protocol: corev1.ProtocolTCP, Port: 80},
			want: Explanation{
				From: "ext", To: "y/b", Target: Target{Protocol: corev1.ProtocolTCP, Port: 80}, Verdict: Allowed,
				Egress: Side{Direction: Egress, Peer: "ext", External: true, Verdict: Allowed},
				Ingress: Side{
					Direction: Ingress, Peer: "y/b", Verdict: Allowed,
					Isolating: []cases.PolicyRef{{Namespace: "y", Name: "deny"}, {Namespace: "y", Name: "allow"}},
					Allowing:  []RuleRef{{Policy: cases.PolicyRef{Namespace: "y", Name: "allow"}, Direction: Ingress, Rule: 1, Peer: -1, Port: -1}},
					Missed:    []RuleMiss{{Policy: cases.PolicyRef{Namespace: "y", Name: "allow"}, Direction: Ingress, Rule: 0, PeerMiss: true}},
				},
			},
		},
		{
			name: "port and peer both miss",
			from: "y/b", to: "x/a", target: Target{Protocol: corev1.ProtocolUDP, Port: 53},
			want: Explanation{
				From: "y/b", To: "x/a", Target: Target{Protocol: corev1.ProtocolUDP, Port: 53}, Verdict: Denied,
				Egress: Side{
					Direction: Egress, Peer: "y/b", Verdict: Denied,
					Isolating: []cases.PolicyRef{{Namespace: "y", Name: "egress"}},
					Missed:    []RuleMiss{{Policy: cases.PolicyRef{Namespace: "y", Name: "egress"}, Direction: Egress, Rule: 0, PeerMiss: true, PortMiss: true}},
				},
				Ingress: Side{Direction: Ingress, Peer: "x/a", Verdict: Allowed},
			},
		},
		{
			name: "external source, external destination",
			from: "ext", to: "ext", target: Target{Protocol: corev1.ProtocolTCP, Port: 80},
			want: Explanation{
				From: "ext", To: "ext", Target: Target{Protocol: corev1.ProtocolTCP, Port: 80}, Verdict: Allowed, Self: true,
				Egress:  Side{Direction: Egress, Peer: "ext", External: true, Verdict: Allowed},
				Ingress: Side{Direction: Ingress, Peer: "ext", External: true, Verdict: Allowed},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := p.Explain(tt.from, tt.to, tt.target)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("explanation (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResultErrors(t *testing.T) {
	t.Parallel()
	p := mustPredict(t, smallTopology(), nil)
	tests := []struct {
		from, to cases.PeerKey
		target   Target
		want     string
	}{
		{"x/q", "y/b", Target{Protocol: corev1.ProtocolTCP, Port: 80}, `source "x/q" is not in the topology`},
		{"x/a", "y/q", Target{Protocol: corev1.ProtocolTCP, Port: 80}, `destination "y/q" is not in the topology`},
		{"x/a", "ext", Target{Protocol: corev1.ProtocolUDP, Port: 53}, "destination ext does not serve UDP/53"},
		{"x/a", "ext", Target{Protocol: corev1.ProtocolSCTP, Port: 9}, "destination ext does not serve SCTP/9"},
	}
	for _, tt := range tests {
		if _, err := p.Result(tt.from, tt.to, tt.target); err == nil || err.Error() != tt.want {
			t.Errorf("Result(%s, %s, %s): error %v, want %q", tt.from, tt.to, tt.target, err, tt.want)
		}
		if _, err := p.Explain(tt.from, tt.to, tt.target); err == nil || err.Error() != tt.want {
			t.Errorf("Explain(%s, %s, %s): error %v, want %q", tt.from, tt.to, tt.target, err, tt.want)
		}
	}
}

// TestEffectiveTypes covers policyTypes defaulting for policies built in Go (cases defaults the
// ones it loads, so the golden cases never reach this path).
func TestEffectiveTypes(t *testing.T) {
	t.Parallel()
	in, eg := networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress
	tests := []struct {
		name            string
		spec            networkingv1.NetworkPolicySpec
		ingress, egress bool
		err             string
	}{
		{name: "absent, no egress field", ingress: true},
		{name: "absent, egress: []", spec: networkingv1.NetworkPolicySpec{Egress: []networkingv1.NetworkPolicyEgressRule{}}, ingress: true},
		{name: "absent, one egress rule", spec: networkingv1.NetworkPolicySpec{Egress: []networkingv1.NetworkPolicyEgressRule{{}}}, ingress: true, egress: true},
		{name: "Egress only, ingress rules present", spec: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{eg}, Ingress: []networkingv1.NetworkPolicyIngressRule{{}}}, egress: true},
		{name: "both", spec: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{in, eg}}, ingress: true, egress: true},
		{name: "unknown", spec: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{"Sideways"}}, err: `policyTypes: found "Sideways", expected Ingress or Egress`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			gotIn, gotEg, err := effectiveTypes(tt.spec)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || gotIn != tt.ingress || gotEg != tt.egress {
				t.Errorf("got ingress %v egress %v err %v, want %v %v", gotIn, gotEg, err, tt.ingress, tt.egress)
			}
		})
	}
}
