package cases

import (
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Target is one protocol and port a destination serves, written "TCP/80": the unit of a truth
// table and of a step's graded list.
type Target struct {
	Protocol corev1.Protocol
	Port     int32
}

func (t Target) String() string { return fmt.Sprintf("%s/%d", t.Protocol, t.Port) }

// ParseTarget parses "TCP/80"; the protocol is TCP, UDP or SCTP, in capitals as the API writes it.
// Errors say what is wrong with s without repeating it; callers name it.
func ParseTarget(s string) (Target, error) {
	proto, port, ok := strings.Cut(s, "/")
	if !ok {
		return Target{}, fmt.Errorf("expected PROTOCOL/PORT such as TCP/80")
	}
	p := corev1.Protocol(proto)
	switch p {
	case corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
	default:
		return Target{}, fmt.Errorf("protocol %q, expected TCP, UDP or SCTP", proto)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return Target{}, fmt.Errorf("port %q, expected 1-65535", port)
	}
	return Target{Protocol: p, Port: int32(n)}, nil
}

// Grades reports whether a step with this graded list grades target t: every target when the
// list is nil, else only the targets listed.
func Grades(graded []Target, t Target) bool {
	if graded == nil {
		return true
	}
	for _, g := range graded {
		if g == t {
			return true
		}
	}
	return false
}

// buildGraded parses a step's graded list at path. A list given but empty is an error: it would
// grade nothing, and a case must be judged on something.
func (r *reporter) buildGraded(in []string, path string) []Target {
	if in == nil {
		return nil
	}
	if len(in) == 0 {
		r.addf(path, "found an empty list, expected the targets the step grades (TCP/80, ...) or no graded field")
	}
	out := []Target{}
	for i, s := range in {
		t, err := ParseTarget(s)
		if err != nil {
			// Keep the place (a zero target, which validateGraded skips) so later messages name
			// the right index; the load fails anyway.
			r.addf(index(path, i), "found %q: %v", s, err)
		}
		out = append(out, t)
	}
	return out
}

// validateGraded checks a step's graded list against the topology of the step: each target once,
// and each served by some peer, so that a typo cannot leave a step grading nothing.
func validateGraded(r *reporter, graded []Target, topo *Topology, path string) {
	served := map[Target]bool{}
	for _, p := range topo.Pods {
		for _, pt := range p.Ports {
			served[Target{pt.Protocol, pt.Port}] = true
		}
	}
	for _, e := range topo.Externals {
		for _, pt := range e.Ports {
			served[Target{pt.Protocol, pt.Port}] = true
		}
	}
	seen := map[Target]bool{}
	for i, t := range graded {
		switch {
		case t == Target{}:
			continue // reported when parsed
		case seen[t]:
			r.addf(index(path, i), "found %s twice, expected each target once", t)
		case !served[t]:
			r.addf(index(path, i), "found %s, which no peer serves at this step, expected a served target", t)
		}
		seen[t] = true
	}
}
