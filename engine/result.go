package engine

import (
	"fmt"

	"github.com/cnpc-dev/cnpc/cases"
)

// Peers returns every peer in table order: pods in topology order, then externals.
func (p *Prediction) Peers() []cases.PeerKey { return append([]cases.PeerKey(nil), p.u.peers...) }

// Targets returns every target some peer serves, in table order.
func (p *Prediction) Targets() []Target { return append([]Target(nil), p.u.targets...) }

// Served returns the targets peer k serves, in table order.
func (p *Prediction) Served(k cases.PeerKey) ([]Target, error) {
	i, ok := p.u.index[k]
	if !ok {
		return nil, fmt.Errorf("peer %q is not in the topology", k)
	}
	var out []Target
	for ti, t := range p.u.targets {
		if p.u.serves[ti].has(i) {
			out = append(out, t)
		}
	}
	return out, nil
}

// locate returns the indexes of a connection, or an error naming what is unknown or not served.
func (p *Prediction) locate(from, to cases.PeerKey, t Target) (s, d, ti int, err error) {
	s, ok := p.u.index[from]
	if !ok {
		return 0, 0, 0, fmt.Errorf("source %q is not in the topology", from)
	}
	d, ok = p.u.index[to]
	if !ok {
		return 0, 0, 0, fmt.Errorf("destination %q is not in the topology", to)
	}
	ti, ok = p.u.tindex[t]
	if !ok || !p.u.serves[ti].has(d) {
		return 0, 0, 0, fmt.Errorf("destination %s does not serve %s", to, t)
	}
	return s, d, ti, nil
}

// Result returns the prediction for one connection; the destination must serve the target.
func (p *Prediction) Result(from, to cases.PeerKey, t Target) (Result, error) {
	s, d, ti, err := p.locate(from, to, t)
	if err != nil {
		return Result{}, err
	}
	return p.result(s, d, ti), nil
}

func (p *Prediction) result(s, d, ti int) Result {
	f := p.flags[(ti*len(p.u.peers)+s)*len(p.u.peers)+d]
	in, eg := f&flagIngress != 0, f&flagEgress != 0
	return Result{
		From:    p.u.peers[s],
		To:      p.u.peers[d],
		Target:  p.u.targets[ti],
		Verdict: verdictOf(in && eg),
		Ingress: verdictOf(in),
		Egress:  verdictOf(eg),
	}
}

// Results returns every connection in report order: by source, then destination, then target,
// each in table order. It allocates one Result per verdict; hot paths use Table.
func (p *Prediction) Results() []Result {
	n := len(p.u.peers)
	var out []Result
	for s := 0; s < n; s++ {
		for d := 0; d < n; d++ {
			for ti := range p.u.targets {
				if p.flags[(ti*n+s)*n+d]&flagServed != 0 {
					out = append(out, p.result(s, d, ti))
				}
			}
		}
	}
	return out
}

// Table returns the prediction as a truth table: CellAllowed, CellDenied, or CellNone where the
// destination does not serve the target.
func (p *Prediction) Table() *Table {
	t := NewTable(p.u.peers, p.u.targets)
	for i, f := range p.flags {
		switch {
		case f&flagServed == 0:
		case f&flagIngress != 0 && f&flagEgress != 0:
			t.cells[i] = CellAllowed
		default:
			t.cells[i] = CellDenied
		}
	}
	return t
}
