package netpol

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
	"github.com/cnpc-dev/cnpc/probes"
)

// Runner runs the prober as source src with stdin and returns what it printed. Pods run it through
// a Kubernetes exec, external hosts through docker exec.
type Runner func(ctx context.Context, src cases.PeerKey, stdin []byte) (ExecResult, error)

// Observation is one probe round: every source probed every target once (with the batch's
// attempts). Table holds the outcome cells in the shape of the prediction's table, Services
// (when the round probed them) those made through Services in the shape of the Service
// prediction's.
type Observation struct {
	Table    *engine.Table
	Services *engine.Table
	Results  map[CellKey]probes.Result
	Took     time.Duration
}

// Observe runs one round: one prober run per source, all sources at once, each carrying its whole
// batch. A source whose run fails turns every one of its cells into an error with the reason;
// it never reads as denied.
func Observe(ctx context.Context, run Runner, batches map[cases.PeerKey]probes.Batch, peers []cases.PeerKey, targets []engine.Target) *Observation {
	return ObserveServices(ctx, run, batches, peers, targets, nil)
}

// ObserveServices is Observe for batches that also probe Services (WithServices): their cells
// go to a table in the shape of svc's (nil: the batches probe none).
func ObserveServices(ctx context.Context, run Runner, batches map[cases.PeerKey]probes.Batch, peers []cases.PeerKey, targets []engine.Target, svc *engine.ServicePrediction) *Observation {
	start := time.Now()
	obs := &Observation{Table: engine.NewTable(peers, targets), Results: map[CellKey]probes.Result{}}
	if svc != nil {
		obs.Services = engine.NewTable(svc.Peers(), svc.Targets())
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, src := range peers {
		batch, ok := batches[src]
		if !ok {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			results := probeSource(ctx, run, src, batch)
			mu.Lock()
			defer mu.Unlock()
			for _, r := range results {
				obs.record(src, r)
			}
		}()
	}
	wg.Wait()
	obs.Took = time.Since(start)
	return obs
}

// rounds numbers every batch the suite sends, so that each response can be checked to answer it.
var rounds atomic.Uint64

// probeSource runs one source's batch and returns one result per target, errors included.
func probeSource(ctx context.Context, run Runner, src cases.PeerKey, batch probes.Batch) []probes.Result {
	batch.Round = strconv.FormatUint(rounds.Add(1), 10)
	stdin, err := json.Marshal(batch)
	var res ExecResult
	if err == nil {
		res, err = run(ctx, src, stdin)
	}
	var results []probes.Result
	if err == nil {
		results, err = decodeResponse(res.Stdout, batch)
		if err != nil {
			err = fmt.Errorf("%w%s", err, tail(res.Stderr))
		}
	}
	if err != nil {
		results = make([]probes.Result, len(batch.Targets))
		for i, t := range batch.Targets {
			results[i] = probes.Result{Name: t.Name, IP: t.IP, Port: t.Port, Protocol: t.Protocol, Expect: t.Expect,
				Outcome: cases.Error, Error: fmt.Sprintf("probe from %s: %v", src, err)}
		}
	}
	return results
}

func (o *Observation) record(src cases.PeerKey, r probes.Result) {
	r = checkIdentity(r)
	to, service := serviceTargetKey(r.Name)
	key := CellKey{From: src, To: to, Target: engine.Target{Protocol: r.Protocol, Port: r.Port}, Service: service}
	cell := engine.OutcomeCell(r.Outcome)
	if r.Flaky && r.Outcome.Conclusive() {
		cell = engine.CellFlaky
	}
	table := o.Table
	if service {
		table = o.Services
	}
	if table == nil {
		r.Outcome, r.Error = cases.Error, "a Service was probed in a round that probes none"
	} else if err := table.Set(key.From, key.To, key.Target, cell); err != nil {
		// A target outside the table's shape cannot be judged; keep it visible as an error result.
		r.Outcome, r.Error = cases.Error, err.Error()
	}
	o.Results[key] = r
}
