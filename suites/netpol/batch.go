package netpol

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
	"github.com/cnpc-dev/cnpc/probes"
)

// CellKey names one cell of a truth table. Service is set for a connection made through the
// destination pod's Service; To is then the backend pod and Target the Service port.
type CellKey struct {
	From, To cases.PeerKey
	Target   engine.Target
	Service  bool
}

func (k CellKey) String() string {
	if k.Service {
		return fmt.Sprintf("%s -> %s %s via service", k.From, k.To, k.Target)
	}
	return fmt.Sprintf("%s -> %s %s", k.From, k.To, k.Target)
}

// servicePrefix starts the name of a probe target that is a Service: "service:x/a", the
// Service of pod x/a. Peer keys never contain a colon, so no pod or external host is named so.
const servicePrefix = "service:"

// serviceTargetKey reads a probe target's name back: the peer it names, and whether it names
// that pod's Service.
func serviceTargetKey(name string) (cases.PeerKey, bool) {
	if rest, ok := strings.CutPrefix(name, servicePrefix); ok {
		return cases.PeerKey(rest), true
	}
	return cases.PeerKey(name), false
}

// WithServices returns copies of batches in which every pod source also probes every Service
// port of svcs at its ClusterIP, expecting the backend pod's identity. External hosts probe no
// Service: a ClusterIP is served inside the cluster only. With skipHairpin a pod does not probe
// its own Service (Options.SkipHairpin).
func WithServices(batches map[cases.PeerKey]probes.Batch, svcs []cases.Service, skipHairpin bool) map[cases.PeerKey]probes.Batch {
	out := make(map[cases.PeerKey]probes.Batch, len(batches))
	for k, b := range batches {
		if k.IsPod() {
			b.Targets = slices.Clone(b.Targets)
			for _, svc := range svcs {
				if skipHairpin && svc.Backend() == k {
					continue
				}
				for _, p := range svc.Ports {
					t := p.Target()
					b.Targets = append(b.Targets, probes.Target{Name: servicePrefix + svc.Backend().String(), IP: svc.IP, Port: t.Port, Protocol: t.Protocol, Expect: svc.Backend().String()})
				}
			}
		}
		out[k] = b
	}
	return out
}

// Batches returns, for every peer of the topology (pods and externals), the one batch it probes per
// round: every peer, itself included, on every port that peer serves, each expecting that peer's
// identity. IPs must be the real ones (cases.Topology after Bind).
func Batches(topo cases.Topology, timeout time.Duration, attempts int) map[cases.PeerKey]probes.Batch {
	var targets []probes.Target
	add := func(key cases.PeerKey, ip string, ports []cases.Port) {
		for _, p := range ports {
			targets = append(targets, probes.Target{Name: key.String(), IP: ip, Port: p.Port, Protocol: p.Protocol, Expect: key.String()})
		}
	}
	for _, p := range topo.Pods {
		add(p.Key(), p.IP, p.Ports)
	}
	for _, e := range topo.Externals {
		add(e.Key(), e.IP, e.Ports)
	}
	out := make(map[cases.PeerKey]probes.Batch, len(topo.Pods)+len(topo.Externals))
	for _, src := range topo.Peers() {
		out[src] = probes.Batch{Timeout: probes.Duration(timeout), Attempts: attempts, Targets: targets}
	}
	return out
}

// decodeResponse reads the prober's output for batch and checks it answers every target, in
// order: a missing, extra or reordered result is an error of the whole batch, never a verdict.
func decodeResponse(out []byte, batch probes.Batch) ([]probes.Result, error) {
	var resp probes.Response
	if err := json.Unmarshal(out, &resp); err != nil {
		return nil, fmt.Errorf("decode prober output: %w", err)
	}
	if resp.Round != batch.Round {
		return nil, fmt.Errorf("the response answers round %q, expected %q", resp.Round, batch.Round)
	}
	if len(resp.Results) != len(batch.Targets) {
		return nil, fmt.Errorf("prober returned %d results for %d targets", len(resp.Results), len(batch.Targets))
	}
	for i, r := range resp.Results {
		t := batch.Targets[i]
		if r.Name != t.Name || r.Port != t.Port || r.Protocol != t.Protocol || r.IP != t.IP {
			return nil, fmt.Errorf("result %d is for %s %s/%d at %s, expected %s %s/%d at %s", i, r.Name, r.Protocol, r.Port, r.IP, t.Name, t.Protocol, t.Port, t.IP)
		}
		if !r.Outcome.Valid() {
			return nil, fmt.Errorf("result %d (%s %s/%d): unknown outcome %q", i, r.Name, r.Protocol, r.Port, r.Outcome)
		}
	}
	return resp.Results, nil
}

// checkIdentity turns a connected result answered by the wrong peer into an error: reaching a
// recycled IP is not reaching the destination. (The prober does the same with Expect; the suite
// checks again because it must never trust a verdict it cannot trace.)
func checkIdentity(r probes.Result) probes.Result {
	if r.Outcome == cases.Connected && r.Identity != r.Expect {
		r.Outcome = cases.Error
		r.Error = fmt.Sprintf("answered by %q, expected %q", r.Identity, r.Expect)
	}
	return r
}

// The UDP source ports the suite's probes send from: below the NodePort range (30000-32767) and
// the kernel's ephemeral range (32768 and up), above the ports cases serve.
const (
	minSourcePort = 10000
	maxSourcePort = 29999
)

// SourcePorts hands every probe round its own block of UDP source ports, moving on through
// minSourcePort-maxSourcePort and wrapping around. Conntrack keeps a UDP flow for up to two
// minutes after its last packet; a round that reused a recent 5-tuple could pass through a CNI
// that accepts established flows before its policy rules, and read "allowed" after a deny.
// With the standard topology a block is attempts*54 ports, so a port comes back after about 120
// rounds (minutes of probing). The zero value is ready to use and safe for concurrent use.
type SourcePorts struct {
	mu   sync.Mutex
	next int
}

// Next returns the first port of a block of span ports, or 0 (kernel-chosen ports) when span does
// not fit in the range at all.
func (p *SourcePorts) Next(span int) int {
	size := maxSourcePort - minSourcePort + 1
	if span <= 0 || span > size {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.next < minSourcePort || p.next+span-1 > maxSourcePort {
		p.next = minSourcePort
	}
	base := p.next
	p.next += span
	return base
}

// WithSourcePorts returns copies of batches that send UDP from the next block of ports. Every
// source gets the same block: a 5-tuple holds the source IP, so sources never collide.
func (p *SourcePorts) WithSourcePorts(batches map[cases.PeerKey]probes.Batch) map[cases.PeerKey]probes.Batch {
	span := 0
	for _, b := range batches {
		span = max(span, max(b.Attempts, 1)*len(b.Targets))
	}
	base := p.Next(span)
	out := make(map[cases.PeerKey]probes.Batch, len(batches))
	for k, b := range batches {
		b.UDPSourcePortBase = base
		out[k] = b
	}
	return out
}
