package engine

import (
	"fmt"
	"strings"

	"github.com/cnpc-dev/cnpc/cases"
)

// Explanation says why one connection gets its verdict: for each side, which policies isolate
// the pod on that side and which rules allow the connection.
type Explanation struct {
	From, To cases.PeerKey
	Target   Target
	Verdict  Verdict
	// Self is set for a pod's connection to itself, which policies never block.
	Self bool
	// Provenance says whether the verdict rests on something the API leaves to the plugin.
	Provenance Provenance
	// Service is set for a connection made through a Service (ServicePrediction.Explain); Target
	// is then the backend's.
	Service *ServiceHop
	// Egress is the source's side, Ingress the destination's.
	Egress, Ingress Side
}

// Side is one direction of a connection as the policies see it.
type Side struct {
	Direction Direction
	// Peer is the end whose policies decide this side: the source for egress, the destination
	// for ingress.
	Peer cases.PeerKey
	// External is set when Peer is an external host: externals are not subject to policies.
	External bool
	// Isolating lists the policies that select Peer and isolate it in this direction, in the
	// order they were given. Empty means not isolated: everything is allowed.
	Isolating []cases.PolicyRef
	// Allowing lists every rule, peer and port that admits the connection.
	Allowing []RuleRef
	// Missed lists the rules of the isolating policies that do not admit it, and why.
	Missed  []RuleMiss
	Verdict Verdict
}

// RuleRef names the part of a policy that admitted a connection: rule Rule of the policy's
// ingress or egress list, its peer Peer and its port Port. Peer is -1 when the rule lists no
// peers (all peers), Port -1 when it lists no ports (all ports).
type RuleRef struct {
	Policy    cases.PolicyRef
	Direction Direction
	Rule      int
	Peer      int
	Port      int
}

func (r RuleRef) String() string {
	field := "from"
	if r.Direction == Egress {
		field = "to"
	}
	peer, port := fmt.Sprintf("%s[%d]", field, r.Peer), fmt.Sprintf("ports[%d]", r.Port)
	if r.Peer < 0 {
		peer = field + " (all peers)"
	}
	if r.Port < 0 {
		port = "ports (all)"
	}
	return fmt.Sprintf("%s %s[%d] %s %s", r.Policy, r.Direction, r.Rule, peer, port)
}

// RuleMiss is a rule that does not admit a connection: its peers do not select the other end,
// or its ports do not admit the target at the destination, or both.
type RuleMiss struct {
	Policy    cases.PolicyRef
	Direction Direction
	Rule      int
	PeerMiss  bool
	PortMiss  bool
}

// describe says why the rule missed other on target t, e.g. "to does not select x/b".
func (m RuleMiss) describe(other cases.PeerKey, t Target) string {
	field := "from"
	if m.Direction == Egress {
		field = "to"
	}
	var why []string
	if m.PeerMiss {
		why = append(why, fmt.Sprintf("%s does not select %s", field, other))
	}
	if m.PortMiss {
		why = append(why, fmt.Sprintf("ports do not admit %s", t))
	}
	return fmt.Sprintf("%s %s[%d]: %s", m.Policy, m.Direction, m.Rule, strings.Join(why, "; "))
}

// Explain explains one connection; the destination must serve the target. Its verdict is the
// prediction's, computed again from the same compiled rules, pair by pair.
func (p *Prediction) Explain(from, to cases.PeerKey, t Target) (Explanation, error) {
	s, d, ti, err := p.locate(from, to, t)
	if err != nil {
		return Explanation{}, err
	}
	e := Explanation{From: from, To: to, Target: t, Self: s == d}
	e.Egress = p.side(Egress, s, d, ti)
	e.Ingress = p.side(Ingress, s, d, ti)
	if e.Self {
		e.Egress.Verdict, e.Ingress.Verdict = Allowed, Allowed
	}
	e.Verdict = verdictOf(e.Egress.Verdict.IsAllowed() && e.Ingress.Verdict.IsAllowed())
	e.Provenance = p.provenance(s, d, ti)
	return e, nil
}

// side explains direction dir for the connection s -> d on target ti.
func (p *Prediction) side(dir Direction, s, d, ti int) Side {
	subject, other := d, s
	if dir == Egress {
		subject, other = s, d
	}
	out := Side{Direction: dir, Peer: p.u.peers[subject], External: !p.u.isPod(subject)}
	if out.External {
		out.Verdict = Allowed
		return out
	}
	for _, pi := range p.of[dir.index()][subject] {
		pol := p.policies[pi]
		out.Isolating = append(out.Isolating, pol.ref)
		for ri, r := range pol.rules[dir.index()] {
			parts := p.allowingParts(pol.ref, dir, ri, r, other, d, ti)
			out.Allowing = append(out.Allowing, parts...)
			if len(parts) == 0 {
				out.Missed = append(out.Missed, RuleMiss{
					Policy: pol.ref, Direction: dir, Rule: ri,
					PeerMiss: !r.peers.has(other),
					PortMiss: r.dest[ti] == nil || !r.dest[ti].has(d),
				})
			}
		}
	}
	out.Verdict = verdictOf(len(out.Isolating) == 0 || len(out.Allowing) > 0)
	return out
}

// allowingParts lists the (peer, port) entries of rule r that admit peer other with destination
// d on target ti.
func (p *Prediction) allowingParts(ref cases.PolicyRef, dir Direction, ri int, r rule, other, d, ti int) []RuleRef {
	peers := []int{-1}
	if r.peerSets != nil {
		peers = nil
		for j, b := range r.peerSets {
			if b.has(other) {
				peers = append(peers, j)
			}
		}
	}
	ports := []int{-1}
	if r.ports != nil {
		ports = nil
		for k, m := range r.ports {
			if p.u.serves[ti].has(d) && m.matches(p.u, d, p.u.targets[ti]) {
				ports = append(ports, k)
			}
		}
	}
	var out []RuleRef
	for _, j := range peers {
		for _, k := range ports {
			out = append(out, RuleRef{Policy: ref, Direction: dir, Rule: ri, Peer: j, Port: k})
		}
	}
	return out
}

// String renders the explanation for people, e.g.:
//
//	x/a -> y/b TCP/80: denied
//	  egress of x/a: not isolated: allowed
//	  ingress of y/b: isolated by y/deny-all; no rule admits x/a on TCP/80: denied
func (e Explanation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s -> %s %s: %s\n", e.From, e.To, e.Target, e.Verdict)
	if e.Service != nil {
		b.WriteString(e.Service.describe() + "\n")
	}
	if e.Self {
		b.WriteString("  a pod's traffic to itself is always allowed, whatever the policies below say\n")
	}
	for _, s := range []Side{e.Egress, e.Ingress} {
		other := e.To
		if s.Direction == Ingress {
			other = e.From
		}
		fmt.Fprintf(&b, "  %s of %s: %s\n", s.Direction, s.Peer, s.describe(other, e.Target, e.Self))
	}
	why := describeService(e.Provenance, e)
	if why == "" {
		why = e.Provenance.describe()
	}
	if why != "" {
		fmt.Fprintf(&b, "  %s\n", why)
	}
	return b.String()
}

func (s Side) describe(other cases.PeerKey, t Target, self bool) string {
	switch {
	case s.External:
		return "an external host, not subject to policies: allowed"
	case len(s.Isolating) == 0:
		return fmt.Sprintf("not isolated for %s (no policy of its namespace selects it with policyType %s): allowed", s.Direction, s.Direction.policyType())
	}
	names := make([]string, len(s.Isolating))
	for i, r := range s.Isolating {
		names[i] = r.String()
	}
	iso := "isolated by " + strings.Join(names, ", ")
	if len(s.Allowing) == 0 {
		var misses strings.Builder
		for _, m := range s.Missed {
			fmt.Fprintf(&misses, "\n    %s", m.describe(other, t))
		}
		if self {
			return fmt.Sprintf("%s; no rule admits %s on %s, but it is its own traffic: allowed%s", iso, other, t, misses.String())
		}
		return fmt.Sprintf("%s; no rule admits %s on %s: %s%s", iso, other, t, s.Verdict, misses.String())
	}
	rules := make([]string, len(s.Allowing))
	for i, r := range s.Allowing {
		rules[i] = r.String()
	}
	return fmt.Sprintf("%s; admitted by %s: allowed", iso, strings.Join(rules, "; "))
}
