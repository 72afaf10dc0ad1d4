package engine

import (
	"net"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/cnpc-dev/cnpc/cases"
)

// The reference evaluator judges one connection straight from the API reference, pair by pair,
// with no precomputation and none of the engine's code (net instead of netip, selectors parsed
// afresh each time). It is slow on purpose; the fuzz test checks that the engine agrees with it.

// refPeer is one end of a connection as the reference sees it.
type refPeer struct {
	pod      *cases.Pod
	external *cases.External
}

func refFind(t cases.Topology, k cases.PeerKey) refPeer {
	for i := range t.Pods {
		if t.Pods[i].Key() == k {
			return refPeer{pod: &t.Pods[i]}
		}
	}
	for i := range t.Externals {
		if t.Externals[i].Key() == k {
			return refPeer{external: &t.Externals[i]}
		}
	}
	return refPeer{}
}

func (p refPeer) ip() string {
	if p.pod != nil {
		return p.pod.IP
	}
	return p.external.IP
}

// referenceVerdicts returns whether the destination's ingress and the source's egress allow the
// connection from -> to on target.
func referenceVerdicts(t cases.Topology, pols []networkingv1.NetworkPolicy, from, to cases.PeerKey, target Target) (ingress, egress bool) {
	if from == to {
		return true, true // a pod's traffic to itself is always allowed
	}
	src, dst := refFind(t, from), refFind(t, to)
	return refSide(t, pols, dst, src, dst, target, networkingv1.PolicyTypeIngress),
		refSide(t, pols, src, dst, dst, target, networkingv1.PolicyTypeEgress)
}

// refSide decides direction dir for subject (whose policies apply); other is the far end and dst
// the destination, whose ports named ports refer to.
func refSide(t cases.Topology, pols []networkingv1.NetworkPolicy, subject, other, dst refPeer, target Target, dir networkingv1.PolicyType) bool {
	if subject.pod == nil {
		return true // externals are not subject to policies
	}
	isolated := false
	for _, np := range pols {
		if np.Namespace != subject.pod.Namespace || !refSelects(&np.Spec.PodSelector, subject.pod.Labels) || !refHasType(np.Spec, dir) {
			continue
		}
		isolated = true
		if dir == networkingv1.PolicyTypeIngress {
			for _, r := range np.Spec.Ingress {
				if refPeers(t, np.Namespace, r.From, other) && refPorts(r.Ports, dst, target) {
					return true
				}
			}
			continue
		}
		for _, r := range np.Spec.Egress {
			if refPeers(t, np.Namespace, r.To, other) && refPorts(r.Ports, dst, target) {
				return true
			}
		}
	}
	return !isolated
}

func refHasType(spec networkingv1.NetworkPolicySpec, dir networkingv1.PolicyType) bool {
	if len(spec.PolicyTypes) == 0 {
		return dir == networkingv1.PolicyTypeIngress || len(spec.Egress) > 0
	}
	for _, pt := range spec.PolicyTypes {
		if pt == dir {
			return true
		}
	}
	return false
}

func refSelects(s *metav1.LabelSelector, l map[string]string) bool {
	sel, err := metav1.LabelSelectorAsSelector(s)
	return err == nil && sel.Matches(labels.Set(l))
}

func refPeers(t cases.Topology, ns string, peers []networkingv1.NetworkPolicyPeer, x refPeer) bool {
	if len(peers) == 0 {
		return true
	}
	for _, p := range peers {
		if refPeerMatches(t, ns, p, x) {
			return true
		}
	}
	return false
}

func refPeerMatches(t cases.Topology, ns string, p networkingv1.NetworkPolicyPeer, x refPeer) bool {
	if p.IPBlock != nil {
		ip := net.ParseIP(x.ip())
		_, cidr, err := net.ParseCIDR(p.IPBlock.CIDR)
		if ip == nil || err != nil || !cidr.Contains(ip) {
			return false
		}
		for _, e := range p.IPBlock.Except {
			if _, ex, err := net.ParseCIDR(e); err == nil && ex.Contains(ip) {
				return false
			}
		}
		return true
	}
	if x.pod == nil {
		return false // selectors select pods only
	}
	if p.NamespaceSelector == nil {
		if x.pod.Namespace != ns {
			return false
		}
	} else {
		var nsLabels map[string]string
		for _, n := range t.Namespaces {
			if n.Name == x.pod.Namespace {
				nsLabels = n.EffectiveLabels()
			}
		}
		if !refSelects(p.NamespaceSelector, nsLabels) {
			return false
		}
	}
	return p.PodSelector == nil || refSelects(p.PodSelector, x.pod.Labels)
}

func refPorts(ports []networkingv1.NetworkPolicyPort, dst refPeer, target Target) bool {
	if len(ports) == 0 {
		return true
	}
	for _, p := range ports {
		proto := corev1.ProtocolTCP
		if p.Protocol != nil {
			proto = *p.Protocol
		}
		if proto != target.Protocol {
			continue
		}
		switch {
		case p.Port == nil:
			return true
		case p.Port.Type == intstr.Int:
			end := p.Port.IntVal
			if p.EndPort != nil {
				end = *p.EndPort
			}
			if p.Port.IntVal <= target.Port && target.Port <= end {
				return true
			}
		case dst.pod != nil:
			for _, cp := range dst.pod.Ports {
				if cp.Name == p.Port.StrVal && cp.Protocol == proto && cp.Port == target.Port {
					return true
				}
			}
		}
	}
	return false
}
