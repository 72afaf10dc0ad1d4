package netpol

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
	"github.com/cnpc-dev/cnpc/probes"
)

// CellKey names one cell of a truth table.
type CellKey struct {
	From, To cases.PeerKey
	Target   engine.Target
}

func (k CellKey) String() string { return fmt.Sprintf("%s -> %s %s", k.From, k.To, k.Target) }

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
