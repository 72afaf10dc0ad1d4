package engine

import (
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/cnpc-dev/cnpc/cases"
)

// policy is a compiled NetworkPolicy: the pods it selects, the directions it isolates, and its
// rules per direction (index 0 ingress, 1 egress; see Direction.index).
type policy struct {
	ref      cases.PolicyRef
	selected bitset
	isolates [2]bool
	rules    [2][]rule
}

// rule is a compiled ingress or egress rule.
type rule struct {
	// peers is the union of the rule's peers; every peer when from/to is absent or empty.
	peers bitset
	// peerSets holds each listed peer's set, for explanations; nil when from/to is empty.
	peerSets []bitset
	// ipBlock marks, per listed peer, the ipBlock peers; blocks holds their CIDRs (the zero
	// block for the other peers), for addresses that are no peer's, such as a Service's ClusterIP.
	ipBlock []bool
	blocks  []block
	// podBlock is set when an ipBlock peer of the rule matches some pod's IP: only then does the
	// rule read differently to a plugin that applies ipBlock to cluster-external addresses only.
	podBlock bool
	// ports holds the listed ports, for explanations; nil when ports is absent or empty.
	ports []portMatcher
	// dest holds, per target index, the destinations at which the ports admit that target (nil:
	// none). With no ports listed it is the universe's serves: every port of every protocol.
	dest []bitset
}

// compiler turns policies into targets and matchers once, so evaluation never looks at a
// selector again.
type compiler struct {
	u   *universe
	sel *selectors
}

// effectiveTypes applies the API server's policyTypes default (networking/v1
// NetworkPolicySpec.policyTypes): when absent, Ingress always, and Egress only when the policy has
// at least one egress rule. Policies loaded by cases are already defaulted; doing it again here
// is idempotent and keeps the verdict true for policies built in Go.
func effectiveTypes(spec networkingv1.NetworkPolicySpec) (ingress, egress bool, err error) {
	if len(spec.PolicyTypes) == 0 {
		return true, len(spec.Egress) > 0, nil
	}
	for _, t := range spec.PolicyTypes {
		switch t {
		case networkingv1.PolicyTypeIngress:
			ingress = true
		case networkingv1.PolicyTypeEgress:
			egress = true
		default:
			return false, false, fmt.Errorf("policyTypes: found %q, expected Ingress or Egress", t)
		}
	}
	return ingress, egress, nil
}

// compilePolicy compiles np; every problem is returned, each naming its field path.
func (c *compiler) compilePolicy(np networkingv1.NetworkPolicy) (policy, []error) {
	p := policy{ref: cases.PolicyRef{Namespace: np.Namespace, Name: np.Name}}
	if _, ok := c.u.nsIndex[np.Namespace]; !ok {
		return p, []error{fmt.Errorf("metadata.namespace: %q is not in the topology", np.Namespace)}
	}
	in, eg, err := effectiveTypes(np.Spec)
	if err != nil {
		return p, []error{fmt.Errorf("spec.%w", err)}
	}
	p.isolates = [2]bool{in, eg}
	pods, err := c.sel.podsMatching(&np.Spec.PodSelector)
	if err != nil {
		return p, []error{fmt.Errorf("spec.podSelector: %w", err)}
	}
	// A policy selects pods in its own namespace only.
	p.selected = pods.and(c.namespacePods(np.Namespace))
	var errs []error
	for i, r := range np.Spec.Ingress {
		cr, e := c.compileRule(np.Namespace, fmt.Sprintf("spec.ingress[%d].from", i), r.From, fmt.Sprintf("spec.ingress[%d].ports", i), r.Ports)
		errs = append(errs, e...)
		p.rules[0] = append(p.rules[0], cr)
	}
	for i, r := range np.Spec.Egress {
		cr, e := c.compileRule(np.Namespace, fmt.Sprintf("spec.egress[%d].to", i), r.To, fmt.Sprintf("spec.egress[%d].ports", i), r.Ports)
		errs = append(errs, e...)
		p.rules[1] = append(p.rules[1], cr)
	}
	return p, errs
}

// compileRule compiles one rule; peersPath and portsPath name its fields in errors.
func (c *compiler) compileRule(ns, peersPath string, peers []networkingv1.NetworkPolicyPeer, portsPath string, ports []networkingv1.NetworkPolicyPort) (rule, []error) {
	r := rule{peers: newBitset(len(c.u.peers))}
	var errs []error
	if len(peers) == 0 {
		// Absent or empty from/to: every peer, external hosts included.
		r.peers.fill(len(c.u.peers))
	}
	for j, p := range peers {
		b, blk, err := c.compilePeer(ns, p)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s[%d]: %w", peersPath, j, err))
			b = newBitset(len(c.u.peers))
		}
		r.peerSets = append(r.peerSets, b)
		r.ipBlock = append(r.ipBlock, p.IPBlock != nil)
		r.blocks = append(r.blocks, blk)
		r.podBlock = r.podBlock || p.IPBlock != nil && c.u.anyPod(b)
		r.peers.or(b)
	}
	if len(ports) == 0 {
		// Absent or empty ports: every port of every protocol.
		r.dest = c.u.serves
		return r, errs
	}
	r.dest = make([]bitset, len(c.u.targets))
	for k, p := range ports {
		m, err := compilePort(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s[%d].%w", portsPath, k, err))
		}
		r.ports = append(r.ports, m)
		m.destinations(c.u, r.dest)
	}
	return r, errs
}
