package netpol

import (
	"net/netip"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
)

// ImplementationDefinedCells returns the predicate for the cells whose outcome the API leaves to
// the plugin (issue 5), given the topology with its real IPs and the policies in force:
//
//   - a pod's traffic to itself: the engine allows it, but whether it loops back inside the pod or
//     passes the plugin's filters differs between plugins;
//   - a pod-to-pod connection where an ipBlock of a policy selecting either end covers the other
//     pod's IP: the reference says ipBlock is meant for cluster-external IPs and that whether
//     rewrites happen before or after policy is not defined, so plugins differ on pod IPs
//     (https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource).
//     Such a cell is implementation-defined only when the observation is what a plugin that never
//     matches pod IPs against ipBlocks would show (the engine's prediction for the same policies
//     with every pod moved outside every cidr); anything else is still a mismatch, so a plugin that
//     enforces nothing cannot hide behind this rule.
//
// A matching observation in such a cell is still a match; only a disagreement changes class.
func ImplementationDefinedCells(topo cases.Topology, policies []networkingv1.NetworkPolicy) ImplementationDefined {
	pods := map[cases.PeerKey]cases.Pod{}
	for _, p := range topo.Pods {
		pods[p.Key()] = p
	}
	alt := blindPrediction(topo, policies)
	return func(k CellKey, observed cases.Outcome) bool {
		if k.From == k.To {
			return true
		}
		src, srcPod := pods[k.From]
		dst, dstPod := pods[k.To]
		if !srcPod || !dstPod || !coveredPair(policies, src, dst) {
			return false
		}
		if alt == nil {
			return true
		}
		r, err := alt.Result(k.From, k.To, k.Target)
		return err == nil && agrees(r.Verdict, observed)
	}
}

// coveredPair reports whether an ipBlock of a policy selecting one end covers the other end's IP.
func coveredPair(policies []networkingv1.NetworkPolicy, src, dst cases.Pod) bool {
	for i := range policies {
		np := &policies[i]
		if selects(np, dst) && ingressCIDRCovers(np, src.IP) {
			return true
		}
		if selects(np, src) && egressCIDRCovers(np, dst.IP) {
			return true
		}
	}
	return false
}

// blindPrediction predicts the policies for a plugin whose ipBlocks never match pod IPs: the same
// topology with every pod given an address no ipBlock cidr of the policies contains (from
// 240.0.0.0/4, else fd00::/8). It returns nil when no such addresses exist (both 0.0.0.0/0 and
// ::/0 are used) or the engine refuses the topology; callers then fall back to the broad rule.
func blindPrediction(topo cases.Topology, policies []networkingv1.NetworkPolicy) *engine.Prediction {
	var cidrs []netip.Prefix
	for i := range policies {
		forEachPeer(&policies[i], func(p networkingv1.NetworkPolicyPeer) {
			if p.IPBlock == nil {
				return
			}
			if pfx, err := netip.ParsePrefix(p.IPBlock.CIDR); err == nil {
				cidrs = append(cidrs, pfx)
			}
		})
	}
	out := ModelTopology(topo)
	for _, base := range []netip.Addr{netip.MustParseAddr("240.0.0.1"), netip.MustParseAddr("fd00::1")} {
		addr, ok := base, true
		for i := range out.Pods {
			if coveredBy(cidrs, addr) {
				ok = false
				break
			}
			out.Pods[i].IP = addr.String()
			addr = addr.Next()
		}
		if !ok {
			continue
		}
		pred, err := engine.Predict(out, policies)
		if err != nil {
			return nil
		}
		return pred
	}
	return nil
}

func coveredBy(cidrs []netip.Prefix, a netip.Addr) bool {
	for _, c := range cidrs {
		if c.Contains(a) {
			return true
		}
	}
	return false
}

// forEachPeer calls fn with every peer of every ingress and egress rule of np.
func forEachPeer(np *networkingv1.NetworkPolicy, fn func(networkingv1.NetworkPolicyPeer)) {
	for _, r := range np.Spec.Ingress {
		for _, p := range r.From {
			fn(p)
		}
	}
	for _, r := range np.Spec.Egress {
		for _, p := range r.To {
			fn(p)
		}
	}
}

// selects reports whether the policy's podSelector selects pod in the policy's namespace. An
// invalid selector selects nothing here; cases rejects such policies on load.
func selects(np *networkingv1.NetworkPolicy, pod cases.Pod) bool {
	if np.Namespace != pod.Namespace {
		return false
	}
	sel, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector)
	return err == nil && sel.Matches(labels.Set(pod.Labels))
}

func ingressCIDRCovers(np *networkingv1.NetworkPolicy, ip string) bool {
	if !hasType(np, networkingv1.PolicyTypeIngress) {
		return false
	}
	for _, r := range np.Spec.Ingress {
		if peersCover(r.From, ip) {
			return true
		}
	}
	return false
}

func egressCIDRCovers(np *networkingv1.NetworkPolicy, ip string) bool {
	if !hasType(np, networkingv1.PolicyTypeEgress) {
		return false
	}
	for _, r := range np.Spec.Egress {
		if peersCover(r.To, ip) {
			return true
		}
	}
	return false
}

// peersCover reports whether an ipBlock cidr among peers contains ip (except or not: an except
// that carves the pod out is as implementation-defined as the cidr that covers it).
func peersCover(peers []networkingv1.NetworkPolicyPeer, ip string) bool {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	for _, p := range peers {
		if p.IPBlock == nil {
			continue
		}
		if pfx, err := netip.ParsePrefix(p.IPBlock.CIDR); err == nil && pfx.Contains(addr) {
			return true
		}
	}
	return false
}

// hasType reports whether the (defaulted) policy governs direction t.
func hasType(np *networkingv1.NetworkPolicy, t networkingv1.PolicyType) bool {
	for _, pt := range np.Spec.PolicyTypes {
		if pt == t {
			return true
		}
	}
	return false
}
