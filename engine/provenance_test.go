package engine

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/cnpc-dev/cnpc/cases"
)

// TestProvenance pins the cells whose verdict rests on an ipBlock matching a pod's IP, derived by
// hand on smallTopology (x/a 10.0.0.1, y/b 10.0.1.2, ext 192.0.2.1).
func TestProvenance(t *testing.T) {
	t.Parallel()
	block := func(cidr string, except ...string) networkingv1.NetworkPolicyPeer {
		return networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: cidr, Except: except}}
	}
	podB := networkingv1.NetworkPolicyPeer{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"ns": "y"}}}
	egressOfA := func(peers ...networkingv1.NetworkPolicyPeer) []networkingv1.NetworkPolicy {
		return []networkingv1.NetworkPolicy{newPolicy("x", "p", networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
			Egress:      []networkingv1.NetworkPolicyEgressRule{{To: peers}},
		})}
	}
	ingressOfB := func(peers ...networkingv1.NetworkPolicyPeer) []networkingv1.NetworkPolicy {
		return []networkingv1.NetworkPolicy{newPolicy("y", "p", networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{},
			Ingress:     []networkingv1.NetworkPolicyIngressRule{{From: peers}},
		})}
	}
	tcp80 := Target{Protocol: corev1.ProtocolTCP, Port: 80}
	tests := []struct {
		name     string
		policies []networkingv1.NetworkPolicy
		from, to cases.PeerKey
		want     Provenance
	}{
		{"no policy", nil, "x/a", "y/b", Definite},
		{"a pod's traffic to itself", egressOfA(block("192.0.2.0/24")), "x/a", "x/a", SelfTraffic},
		{"egress: only an ipBlock admits the pod", egressOfA(block("10.0.1.0/24")), "x/a", "y/b", PodIPInIPBlock},
		{"ingress: only an ipBlock admits the source pod", ingressOfB(block("10.0.0.0/24")), "x/a", "y/b", PodIPInIPBlock},
		{"an ipBlock and a selector both admit it", egressOfA(block("10.0.1.0/24"), podB), "x/a", "y/b", Definite},
		{"an except carves the pod out: denied either way", egressOfA(block("10.0.0.0/8", "10.0.1.2/32")), "x/a", "y/b", Definite},
		{"an except beside the pod: still only the block admits it", egressOfA(block("10.0.0.0/8", "10.0.2.0/24")), "x/a", "y/b", PodIPInIPBlock},
		{"IPv4 beside ::/0: the pod", egressOfA(block("0.0.0.0/0"), block("::/0")), "x/a", "y/b", PodIPInIPBlock},
		{"IPv4 beside ::/0: the external host is what ipBlock is for", egressOfA(block("0.0.0.0/0"), block("::/0")), "x/a", "ext", Definite},
		{"a block that covers no pod", egressOfA(block("192.0.2.0/24")), "x/a", "ext", Definite},
		{"denied as written", egressOfA(block("192.0.2.0/24")), "x/a", "y/b", Definite},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := mustPredict(t, smallTopology(), tt.policies)
			got, err := p.Provenance(tt.from, tt.to, tcp80)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("%s -> %s: provenance %q, want %q", tt.from, tt.to, got, tt.want)
			}
			e, err := p.Explain(tt.from, tt.to, tcp80)
			if err != nil {
				t.Fatal(err)
			}
			if e.Provenance != got {
				t.Errorf("explanation's provenance %q, Provenance() %q", e.Provenance, got)
			}
			if mentions := strings.Contains(e.String(), string(PodIPInIPBlock)); mentions != (got == PodIPInIPBlock) {
				t.Errorf("explanation mentions %s: %v, want %v:\n%s", PodIPInIPBlock, mentions, got == PodIPInIPBlock, e)
			}
		})
	}
	if _, err := mustPredict(t, smallTopology(), nil).Provenance("x/a", "nobody", tcp80); err == nil {
		t.Error("Provenance of an unknown peer: no error")
	}
}

// checkExternalOnly checks the external-only reading against the reference evaluator run on the
// same topology with every pod moved to an address no ipBlock of the policies contains (when
// there is one): two independent derivations of "ipBlock never matches a pod".
func checkExternalOnly(t *testing.T, base *Prediction, topo cases.Topology, pols []networkingv1.NetworkPolicy) {
	t.Helper()
	blind := base.ExternalOnlyIPBlocks()
	for _, r := range blind.Results() {
		b, err := base.Result(r.From, r.To, r.Target)
		if err != nil {
			t.Fatal(err)
		}
		if r.Verdict.IsAllowed() && !b.Verdict.IsAllowed() {
			t.Fatalf("%s -> %s %s allowed when ipBlocks match no pod but denied as written", r.From, r.To, r.Target)
		}
	}
	moved, ok := podsOutsideBlocks(topo, pols)
	if !ok {
		return
	}
	for _, r := range blind.Results() {
		in, eg := referenceVerdicts(moved, pols, r.From, r.To, r.Target)
		want := Result{From: r.From, To: r.To, Target: r.Target, Verdict: verdictOf(in && eg), Ingress: verdictOf(in), Egress: verdictOf(eg)}
		if diff := cmp.Diff(want, r); diff != "" {
			t.Fatalf("external-only reading disagrees with the reference on moved pods (-reference +engine):\n%s\npolicies: %+v", diff, pols)
		}
	}
}

// podsOutsideBlocks gives every pod a fresh address of its family inside no cidr of the policies.
func podsOutsideBlocks(topo cases.Topology, pols []networkingv1.NetworkPolicy) (cases.Topology, bool) {
	var cidrs []netip.Prefix
	for _, np := range pols {
		var peers []networkingv1.NetworkPolicyPeer
		for _, r := range np.Spec.Ingress {
			peers = append(peers, r.From...)
		}
		for _, r := range np.Spec.Egress {
			peers = append(peers, r.To...)
		}
		for _, p := range peers {
			if p.IPBlock != nil {
				cidrs = append(cidrs, netip.MustParsePrefix(p.IPBlock.CIDR))
			}
		}
	}
	out := topo.Clone()
	next := map[bool]netip.Addr{true: netip.MustParseAddr("240.0.0.1"), false: netip.MustParseAddr("fc00::1")}
	for i, p := range out.Pods {
		v4 := netip.MustParseAddr(p.IP).Is4()
		a := next[v4]
		for _, c := range cidrs {
			if c.Contains(a) {
				return topo, false
			}
		}
		out.Pods[i].IP, next[v4] = a.String(), a.Next()
	}
	return out, true
}
