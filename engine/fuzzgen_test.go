package engine

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/cnpc-dev/cnpc/cases"
)

// gen turns fuzz bytes into small, valid topologies and policies. Vocabularies are tiny on
// purpose so that selectors, names and CIDRs collide often. Past the end of the input it reads
// zeros, so every input is a valid case.
type gen struct {
	data []byte
	pos  int
}

func (g *gen) byte() byte {
	if g.pos >= len(g.data) {
		return 0
	}
	b := g.data[g.pos]
	g.pos++
	return b
}

// pick returns a number in [0, n).
func (g *gen) pick(n int) int { return int(g.byte()) % n }

var (
	genNamespaces = []string{"x", "y", "z"}
	genPodNames   = []string{"a", "b", "c"}
	genLabelVals  = []string{"a", "b", "c"}
	genProtocols  = []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP}
	genPortNums   = []int32{80, 81, 82}
	genPortNames  = []string{"web", "dns", "serve-80-tcp"}
)

func (g *gen) topology() cases.Topology {
	var t cases.Topology
	for i, ns := range genNamespaces[:1+g.pick(3)] {
		labels := map[string]string{"ns": ns}
		if g.pick(2) == 0 {
			labels["team"] = genLabelVals[g.pick(2)]
		}
		t.Namespaces = append(t.Namespaces, cases.Namespace{Name: ns, Labels: labels})
		for j, name := range genPodNames[:1+g.pick(3)] {
			t.Pods = append(t.Pods, cases.Pod{
				Namespace: ns, Name: name,
				Labels: map[string]string{"pod": genLabelVals[g.pick(3)]},
				IP:     g.ip(fmt.Sprintf("10.%d.0.%d", i, j+1), fmt.Sprintf("fd00::%d:%d", i, j+1)),
				Ports:  g.ports(true),
			})
		}
	}
	for i := 0; i < g.pick(3); i++ {
		t.Externals = append(t.Externals, cases.External{
			Name:  fmt.Sprintf("ext%d", i),
			IP:    g.ip(fmt.Sprintf("192.0.2.%d", i+1), fmt.Sprintf("2001:db8::%d", i+1)),
			Ports: g.ports(false),
		})
	}
	return t
}

func (g *gen) ip(v4, v6 string) string {
	if g.pick(4) == 0 {
		return v6
	}
	return v4
}

// ports returns 1-3 distinct served ports; pods name theirs from a pool that reuses names across
// numbers and protocols, so a named port resolves differently per destination.
func (g *gen) ports(named bool) []cases.Port {
	seen := map[Target]bool{}
	var out []cases.Port
	for i := 0; i <= g.pick(3); i++ {
		p := cases.Port{Port: genPortNums[g.pick(3)], Protocol: genProtocols[g.pick(3)]}
		if seen[portTarget(p)] {
			continue
		}
		seen[portTarget(p)] = true
		if named {
			p.Name = genPortNames[g.pick(3)]
		}
		out = append(out, p)
	}
	return out
}

func (g *gen) policies(t cases.Topology, n int) []networkingv1.NetworkPolicy {
	var out []networkingv1.NetworkPolicy
	for i := 0; i < n; i++ {
		out = append(out, g.policy(t, fmt.Sprintf("p%d", i)))
	}
	return out
}

func (g *gen) policy(t cases.Topology, name string) networkingv1.NetworkPolicy {
	np := networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: t.Namespaces[g.pick(len(t.Namespaces))].Name}}
	np.Spec.PodSelector = g.selector("pod")
	switch g.pick(4) {
	case 1:
		np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
	case 2:
		np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
	case 3:
		np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
	}
	for i := 0; i < g.pick(3); i++ {
		np.Spec.Ingress = append(np.Spec.Ingress, networkingv1.NetworkPolicyIngressRule{From: g.peers(), Ports: g.rulePorts()})
	}
	for i := 0; i < g.pick(3); i++ {
		np.Spec.Egress = append(np.Spec.Egress, networkingv1.NetworkPolicyEgressRule{To: g.peers(), Ports: g.rulePorts()})
	}
	if g.pick(4) == 0 && np.Spec.Egress == nil {
		np.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{} // present but empty: still not egress-isolating by default
	}
	return np
}

func (g *gen) selector(key string) metav1.LabelSelector {
	switch g.pick(5) {
	case 0:
		return metav1.LabelSelector{}
	case 1:
		return metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: key, Operator: metav1.LabelSelectorOpNotIn, Values: []string{genLabelVals[g.pick(3)]}}}}
	case 2:
		return metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "team", Operator: metav1.LabelSelectorOpExists}}}
	}
	return metav1.LabelSelector{MatchLabels: map[string]string{key: genLabelVals[g.pick(3)]}}
}

func (g *gen) peers() []networkingv1.NetworkPolicyPeer {
	var out []networkingv1.NetworkPolicyPeer
	for i := 0; i < g.pick(3); i++ {
		var p networkingv1.NetworkPolicyPeer
		switch g.pick(4) {
		case 0:
			s := g.selector("pod")
			p.PodSelector = &s
		case 1:
			s := g.selector("ns")
			if g.pick(2) == 0 {
				s = metav1.LabelSelector{MatchLabels: map[string]string{cases.LabelMetadataName: genNamespaces[g.pick(3)]}}
			}
			p.NamespaceSelector = &s
		case 2:
			s, n := g.selector("pod"), g.selector("ns")
			p.PodSelector, p.NamespaceSelector = &s, &n
		case 3:
			p.IPBlock = g.ipBlock()
		}
		out = append(out, p)
	}
	return out
}

var genBlocks = []struct{ cidr, except string }{
	{"10.0.0.0/8", "10.1.0.0/16"},
	{"10.0.0.0/16", "10.0.0.1/32"},
	{"192.0.2.0/24", "192.0.2.2/32"},
	{"0.0.0.0/0", "10.0.0.0/8"},
	{"fd00::/16", "fd00::1:0/112"},
	{"::/0", "2001:db8::1/128"},
}

func (g *gen) ipBlock() *networkingv1.IPBlock {
	b := genBlocks[g.pick(len(genBlocks))]
	out := &networkingv1.IPBlock{CIDR: b.cidr}
	if g.pick(2) == 0 {
		out.Except = []string{b.except}
	}
	return out
}

func (g *gen) rulePorts() []networkingv1.NetworkPolicyPort {
	var out []networkingv1.NetworkPolicyPort
	for i := 0; i < g.pick(3); i++ {
		var p networkingv1.NetworkPolicyPort
		if k := g.pick(4); k < 3 {
			proto := genProtocols[k]
			p.Protocol = &proto
		}
		switch g.pick(4) {
		case 1:
			v := intstr.FromInt32(genPortNums[g.pick(3)])
			p.Port = &v
		case 2:
			v := intstr.FromString(genPortNames[g.pick(3)])
			p.Port = &v
		case 3:
			v := intstr.FromInt32(genPortNums[g.pick(2)])
			end := v.IntVal + int32(g.pick(2))
			p.Port, p.EndPort = &v, &end
		}
		out = append(out, p)
	}
	return out
}
