package engine

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// portMatcher is one entry of a rule's ports list. Per the API reference (networking/v1
// NetworkPolicyPort): protocol defaults to TCP; an absent port matches every port of the
// protocol; a numeric port matches itself, or the inclusive range port..endPort; a named port
// matches the destination pod's container port of that name when its protocol is the rule's
// protocol. The destination is the pod being connected to in both directions, so an egress rule's
// named port is resolved on the destination too, and never matches an external host (externals
// have no container ports).
type portMatcher struct {
	protocol corev1.Protocol
	anyPort  bool
	name     string
	first    int32
	last     int32
}

func compilePort(p networkingv1.NetworkPolicyPort) (portMatcher, error) {
	m := portMatcher{protocol: corev1.ProtocolTCP}
	if p.Protocol != nil {
		m.protocol = *p.Protocol
	}
	switch m.protocol {
	case corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
	default:
		return m, fmt.Errorf("protocol: found %q, expected TCP, UDP or SCTP", m.protocol)
	}
	switch {
	case p.Port == nil:
		if p.EndPort != nil {
			return m, fmt.Errorf("endPort: found %d without a port", *p.EndPort)
		}
		m.anyPort = true
	case p.Port.Type == intstr.String:
		if p.EndPort != nil {
			return m, fmt.Errorf("endPort: found %d with the named port %q, expected a numeric port", *p.EndPort, p.Port.StrVal)
		}
		m.name = p.Port.StrVal
	default:
		m.first, m.last = p.Port.IntVal, p.Port.IntVal
		if p.EndPort != nil {
			if *p.EndPort < m.first {
				return m, fmt.Errorf("endPort: found %d, expected at least port %d", *p.EndPort, m.first)
			}
			m.last = *p.EndPort
		}
	}
	return m, nil
}

// matches reports whether the matcher admits target t on peer d (which serves t).
func (m portMatcher) matches(u *universe, d int, t Target) bool {
	if t.Protocol != m.protocol {
		return false
	}
	switch {
	case m.anyPort:
		return true
	case m.name != "":
		pods := u.named[namedPort{name: m.name, proto: string(t.Protocol), port: t.Port}]
		return pods != nil && pods.has(d)
	}
	return m.first <= t.Port && t.Port <= m.last
}

// destinations returns, per target index of the universe, the peers at which this matcher admits
// that target: every server of the target for a protocol-only or numeric match, and for a named
// port only the pods whose container port of that name and protocol has the target's number.
func (m portMatcher) destinations(u *universe, into []bitset) {
	for ti, t := range u.targets {
		if t.Protocol != m.protocol {
			continue
		}
		var add bitset
		switch {
		case m.name != "":
			add = u.named[namedPort{name: m.name, proto: string(t.Protocol), port: t.Port}]
		case m.anyPort || (m.first <= t.Port && t.Port <= m.last):
			add = u.serves[ti]
		}
		if add == nil {
			continue
		}
		if into[ti] == nil {
			into[ti] = newBitset(len(u.peers))
		}
		into[ti].or(add)
	}
}

func (m portMatcher) String() string {
	switch {
	case m.anyPort:
		return fmt.Sprintf("%s/any", m.protocol)
	case m.name != "":
		return fmt.Sprintf("%s/%s", m.protocol, m.name)
	case m.first != m.last:
		return fmt.Sprintf("%s/%d-%d", m.protocol, m.first, m.last)
	}
	return fmt.Sprintf("%s/%d", m.protocol, m.first)
}
