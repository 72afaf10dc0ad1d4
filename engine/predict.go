package engine

import (
	"errors"
	"fmt"
	"sync"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/cnpc-dev/cnpc/cases"
)

// Prediction holds the engine's verdict for every (source, destination, target) where the
// destination serves the target, and keeps the compiled policies to explain any of them.
type Prediction struct {
	u        *universe
	policies []policy
	// of[d][p] lists the policies selecting pod p that isolate it for direction d.
	of [2][][]int
	// flags holds, at (target*n+from)*n+to, which of flagServed, flagIngress and flagEgress hold.
	flags []uint8

	// blind is the prediction for a plugin whose ipBlocks match no pod (ExternalOnlyIPBlocks).
	blindOnce sync.Once
	blind     *Prediction
}

const (
	flagServed uint8 = 1 << iota
	flagIngress
	flagEgress
)

// Result is the prediction for one connection. Ingress says whether the destination's ingress
// side lets it in (always, when the destination is not isolated for ingress or is an external
// host); Egress whether the source's egress side lets it out. Verdict is Allowed exactly when both
// do. A pod's connection to itself is always allowed, on both sides.
type Result struct {
	From, To cases.PeerKey
	Target   Target
	Verdict  Verdict
	Ingress  Verdict
	Egress   Verdict
}

// Predict compiles policies against the topology and evaluates every connection. Policies are
// expected to be defaulted and validated (cases does it on load); anything the API server would
// reject, and anything that does not fit the topology, is returned as an error naming the policy
// and the field, never evaluated.
//
// Semantics the engine does not take from the API reference, by decision: external hosts are not
// subject to policies (only pods are isolated), so traffic between two externals is reported as
// allowed (it never enters the cluster; it is not ours to judge).
func Predict(t cases.Topology, policies []networkingv1.NetworkPolicy) (*Prediction, error) {
	u, err := newUniverse(t)
	if err != nil {
		return nil, fmt.Errorf("topology: %w", err)
	}
	c := &compiler{u: u, sel: newSelectors(u)}
	p := &Prediction{u: u}
	var errs []error
	for _, np := range policies {
		cp, e := c.compilePolicy(np)
		for _, err := range e {
			errs = append(errs, fmt.Errorf("policy %s/%s: %w", np.Namespace, np.Name, err))
		}
		p.policies = append(p.policies, cp)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	p.index()
	p.evaluate()
	return p, nil
}

// PredictState predicts one state of a case (cases.Case.States).
func PredictState(s cases.State) (*Prediction, error) { return Predict(s.Topology, s.Policies) }

// index lists, for every pod and direction, the policies that isolate it.
func (p *Prediction) index() {
	for d := range p.of {
		p.of[d] = make([][]int, p.u.nPods)
	}
	for i, pol := range p.policies {
		for _, pod := range pol.selected.members() {
			for d := range p.of {
				if pol.isolates[d] {
					p.of[d][pod] = append(p.of[d][pod], i)
				}
			}
		}
	}
}

// evaluate fills flags. For each isolated pod and target it ORs the sets of its rules once:
// ingress gives the sources a destination admits, egress the destinations a source may reach.
func (p *Prediction) evaluate() {
	u := p.u
	n, nt := len(u.peers), len(u.targets)
	p.flags = make([]uint8, nt*n*n)
	in := newBitset(n)
	eg := make([]bitset, n)
	for ti := 0; ti < nt; ti++ {
		for s := 0; s < u.nPods; s++ {
			eg[s] = p.egressAllowed(s, ti, eg[s])
		}
		for d := 0; d < n; d++ {
			if !u.serves[ti].has(d) {
				continue
			}
			ingressAll := p.ingressAllowed(d, ti, in)
			for s := 0; s < n; s++ {
				f := flagServed
				if s == d || ingressAll || in.has(s) {
					f |= flagIngress
				}
				if s == d || eg[s] == nil || eg[s].has(d) {
					f |= flagEgress
				}
				p.flags[(ti*n+s)*n+d] = f
			}
		}
	}
}

// ingressAllowed sets into the sources pod d admits on target ti, and reports true instead when d
// admits everything (it is an external host, or no policy isolates it for ingress).
func (p *Prediction) ingressAllowed(d, ti int, into bitset) bool {
	if !p.u.isPod(d) || len(p.of[0][d]) == 0 {
		return true
	}
	clear(into)
	for _, pi := range p.of[0][d] {
		for _, r := range p.policies[pi].rules[0] {
			if r.dest[ti] != nil && r.dest[ti].has(d) {
				into.or(r.peers)
			}
		}
	}
	return false
}

// egressAllowed returns the destinations pod s may reach on target ti (reusing buf), or nil when
// s is not isolated for egress.
func (p *Prediction) egressAllowed(s, ti int, buf bitset) bitset {
	if len(p.of[1][s]) == 0 {
		return nil
	}
	if buf == nil {
		buf = newBitset(len(p.u.peers))
	}
	clear(buf)
	for _, pi := range p.of[1][s] {
		for _, r := range p.policies[pi].rules[1] {
			if r.dest[ti] != nil {
				buf.orAnd(r.peers, r.dest[ti])
			}
		}
	}
	return buf
}
