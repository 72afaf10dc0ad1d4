package engine

import (
	"fmt"

	"github.com/cnpc-dev/cnpc/cases"
)

// Provenance says what, beyond the API's definite semantics, the verdict of one connection rests
// on. The API reference leaves two things to the plugin: a pod's traffic to itself, and whether
// an ipBlock, "meant to select cluster-external IPs", matches a pod's IP at all (and whether
// service or NAT rewrites happen before or after policy). A plugin may answer either way, so a
// cell whose verdict rests on one of them is implementation-defined, and a disagreement there is
// not a failure unless the grading says otherwise.
type Provenance string

const (
	// Definite: every conformant plugin must give the engine's verdict.
	Definite Provenance = ""
	// SelfTraffic: a pod's connection to its own IP. The engine allows it; whether it loops back
	// inside the pod or passes the plugin's filters differs between plugins.
	SelfTraffic Provenance = "self-traffic"
	// PodIPInIPBlock: allowed only because ipBlock peers match the other end's pod IP. A plugin
	// that applies ipBlock to cluster-external addresses only (Cilium's default, for one) denies
	// it. The upstream e2e tests expect the engine's reading (grading "upstream").
	PodIPInIPBlock Provenance = "ipblock-pod-ip"
)

// Provenance returns what the verdict of one connection rests on; the destination must serve
// the target. PodIPInIPBlock is decided by the two readings, not by a second look at the
// policies: the connection is allowed as the API is written and denied when no ipBlock matches a
// pod (ExternalOnlyIPBlocks). A pod reached through an ipBlock and also through a selector is
// therefore definite, and so is a pod carved out by an except (both readings deny it).
func (p *Prediction) Provenance(from, to cases.PeerKey, t Target) (Provenance, error) {
	s, d, ti, err := p.locate(from, to, t)
	if err != nil {
		return Definite, err
	}
	return p.provenance(s, d, ti), nil
}

// ExternalOnlyIPBlocks returns the prediction of the same policies for a plugin whose ipBlock
// peers match cluster-external addresses only, never a pod's IP. It is the prediction itself when
// no ipBlock of the policies matches a pod.
func (p *Prediction) ExternalOnlyIPBlocks() *Prediction {
	p.blindOnce.Do(func() { p.blind = p.externalOnly() })
	return p.blind
}

func (p *Prediction) externalOnly() *Prediction {
	any := false
	policies := make([]policy, len(p.policies))
	for i, pol := range p.policies {
		policies[i] = pol
		for d := range pol.rules {
			if !hasPodBlock(pol.rules[d]) {
				continue
			}
			any = true
			rules := make([]rule, len(pol.rules[d]))
			for ri, r := range pol.rules[d] {
				rules[ri] = r
				if r.podBlock {
					rules[ri] = p.withoutPodBlocks(r)
				}
			}
			policies[i].rules[d] = rules
		}
	}
	if !any {
		return p
	}
	q := &Prediction{u: p.u, policies: policies, of: p.of}
	q.blind = q
	q.blindOnce.Do(func() {})
	q.evaluate()
	return q
}

func hasPodBlock(rules []rule) bool {
	for _, r := range rules {
		if r.podBlock {
			return true
		}
	}
	return false
}

// withoutPodBlocks returns r with its ipBlock peers restricted to external hosts.
func (p *Prediction) withoutPodBlocks(r rule) rule {
	out := r
	out.podBlock = false
	out.peers = newBitset(len(p.u.peers))
	out.peerSets = make([]bitset, len(r.peerSets))
	for j, b := range r.peerSets {
		if r.ipBlock[j] {
			b = append(bitset(nil), b...)
			b.clearBelow(p.u.nPods)
		}
		out.peerSets[j] = b
		out.peers.or(b)
	}
	return out
}

func (p *Prediction) provenance(s, d, ti int) Provenance {
	switch {
	case s == d && p.u.isPod(s):
		return SelfTraffic
	case p.result(s, d, ti).Verdict.IsAllowed() && !p.ExternalOnlyIPBlocks().result(s, d, ti).Verdict.IsAllowed():
		return PodIPInIPBlock
	}
	return Definite
}

// describe says why an ipBlock-on-pod-IP cell is implementation-defined, for explanations; ""
// for the others (self traffic has its own line).
func (v Provenance) describe() string {
	if v != PodIPInIPBlock {
		return ""
	}
	return fmt.Sprintf("implementation-defined (%s): only ipBlock peers matching a pod's IP admit it; ipBlock is meant for "+
		"cluster-external addresses, and a plugin that applies it to those only denies this connection", v)
}
