package engine

import (
	"errors"
	"fmt"
	"net/netip"

	corev1 "k8s.io/api/core/v1"

	"github.com/cnpc-dev/cnpc/cases"
)

// universe indexes a topology once: every peer gets an index (pods first, then externals, the
// order of truth-table rows), every distinct served port a target index, and the sets the
// matchers need (pods of each namespace, peers serving each target, pods serving each named port)
// are built here so no matcher walks the topology per pair.
type universe struct {
	topo    cases.Topology
	peers   []cases.PeerKey
	index   map[cases.PeerKey]int
	nPods   int
	ips     []netip.Addr // per peer; invalid when the peer has no IP
	ports   [][]cases.Port
	targets []Target
	tindex  map[Target]int
	serves  []bitset // per target: the peers that serve it

	nsIndex  map[string]int
	nsLabels []map[string]string // effective labels, per namespace
	nsPods   []bitset            // per namespace: its pods
	podNS    []int               // per pod: its namespace index
	named    map[namedPort]bitset
}

// namedPort is one container port by name, protocol and number; named[...] is the set of pods
// that serve it.
type namedPort struct {
	name  string
	proto string
	port  int32
}

func newUniverse(t cases.Topology) (*universe, error) {
	u := &universe{
		topo:    t,
		peers:   t.Peers(),
		index:   map[cases.PeerKey]int{},
		nPods:   len(t.Pods),
		tindex:  map[Target]int{},
		nsIndex: map[string]int{},
		named:   map[namedPort]bitset{},
	}
	var errs []error
	for i, ns := range t.Namespaces {
		if _, dup := u.nsIndex[ns.Name]; dup {
			errs = append(errs, fmt.Errorf("topology.namespaces[%d]: namespace %q listed twice", i, ns.Name))
			continue
		}
		u.nsIndex[ns.Name] = i
		u.nsLabels = append(u.nsLabels, ns.EffectiveLabels())
		u.nsPods = append(u.nsPods, newBitset(len(u.peers)))
	}
	for i, k := range u.peers {
		if _, dup := u.index[k]; dup {
			errs = append(errs, fmt.Errorf("topology: peer %q listed twice", k))
		}
		u.index[k] = i
	}
	errs = append(errs, u.addPods()...)
	errs = append(errs, u.addExternals()...)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	u.indexTargets()
	return u, nil
}

func (u *universe) addPods() []error {
	var errs []error
	for i, p := range u.topo.Pods {
		ns, ok := u.nsIndex[p.Namespace]
		if !ok {
			errs = append(errs, fmt.Errorf("topology.pods[%d] %s: namespace %q is not in the topology", i, p.Key(), p.Namespace))
			ns = -1
		} else {
			u.nsPods[ns].set(i)
		}
		u.podNS = append(u.podNS, ns)
		ip, err := parseIP(p.IP)
		if err != nil {
			errs = append(errs, fmt.Errorf("topology.pods[%d] %s: %w", i, p.Key(), err))
		}
		u.ips = append(u.ips, ip)
		u.ports = append(u.ports, p.Ports)
	}
	return errs
}

func (u *universe) addExternals() []error {
	var errs []error
	for i, e := range u.topo.Externals {
		ip, err := parseIP(e.IP)
		if err != nil {
			errs = append(errs, fmt.Errorf("topology.externals[%d] %s: %w", i, e.Key(), err))
		}
		u.ips = append(u.ips, ip)
		u.ports = append(u.ports, e.Ports)
	}
	return errs
}

// parseIP accepts an empty IP (unknown before a live run: no ipBlock matches it).
func parseIP(s string) (netip.Addr, error) {
	if s == "" {
		return netip.Addr{}, nil
	}
	ip, err := cases.ParseIP(s)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("ip: %w", err)
	}
	return ip, nil
}

// indexTargets collects the distinct served targets in table order and who serves them.
func (u *universe) indexTargets() {
	for _, ports := range u.ports {
		for _, p := range ports {
			tg := portTarget(p)
			if _, ok := u.tindex[tg]; !ok {
				u.tindex[tg] = -1
				u.targets = append(u.targets, tg)
			}
		}
	}
	SortTargets(u.targets)
	for i, tg := range u.targets {
		u.tindex[tg] = i
		u.serves = append(u.serves, newBitset(len(u.peers)))
	}
	for i, ports := range u.ports {
		for _, p := range ports {
			tg := portTarget(p)
			u.serves[u.tindex[tg]].set(i)
			if i >= u.nPods || p.Name == "" {
				continue // externals have no named ports
			}
			k := namedPort{name: p.Name, proto: string(tg.Protocol), port: p.Port}
			if u.named[k] == nil {
				u.named[k] = newBitset(len(u.peers))
			}
			u.named[k].set(i)
		}
	}
}

// isPod reports whether peer index i is a pod (externals follow the pods).
func (u *universe) isPod(i int) bool { return i < u.nPods }

// portTarget is the target a served port answers on. A container port without a protocol is TCP,
// the API server's default (core/v1 ContainerPort.protocol).
func portTarget(p cases.Port) Target {
	if p.Protocol == "" {
		return Target{Protocol: corev1.ProtocolTCP, Port: p.Port}
	}
	return Target{Protocol: p.Protocol, Port: p.Port}
}

// anyPod reports whether b holds a pod.
func (u *universe) anyPod(b bitset) bool {
	for i := 0; i < u.nPods; i++ {
		if b.has(i) {
			return true
		}
	}
	return false
}
