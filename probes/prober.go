package probes

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/internal/version"
)

// Probe probes every target of b concurrently, at most b.Concurrency at a time, making b.Attempts
// attempts of at most b.Timeout each, and returns one Result per target in b's order. It returns an
// error only for an invalid batch; a target that could not be probed gets outcome error.
func Probe(ctx context.Context, b Batch) (Response, error) {
	b.defaults()
	if err := b.Validate(); err != nil {
		return Response{}, fmt.Errorf("invalid batch: %w", err)
	}
	start := time.Now()
	results := make([]Result, len(b.Targets))
	slots := make(chan struct{}, b.Concurrency)
	var wg sync.WaitGroup
	for i, t := range b.Targets {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			results[i] = probeTarget(ctx, t, b.Attempts, time.Duration(b.Timeout), b.sourcePorts(i))
		})
	}
	wg.Wait()
	return Response{Version: version.Version, Round: b.Round, Elapsed: Duration(time.Since(start)), Results: results}, nil
}

// probeTarget makes every attempt in turn and summarises them.
func probeTarget(ctx context.Context, t Target, attempts int, timeout time.Duration, sourcePort func(attempt int) int) Result {
	start := time.Now()
	r := Result{Name: t.Name, IP: t.IP, Port: t.Port, Protocol: t.Protocol, Expect: t.Expect}
	for k := range attempts {
		r.Attempts = append(r.Attempts, probeOnce(ctx, t, timeout, sourcePort(k)))
	}
	r.Elapsed = Duration(time.Since(start))
	r.summarise()
	return r
}

// probeOnce makes one attempt and turns its error, or the identity that answered, into an outcome.
// sourcePort is the UDP source port to bind, 0 for one the kernel picks.
func probeOnce(ctx context.Context, t Target, timeout time.Duration, sourcePort int) Attempt {
	start := time.Now()
	id, err := dial(ctx, t, start.Add(timeout), sourcePort)
	a := Attempt{Elapsed: Duration(time.Since(start))}
	if id.Peer != "" {
		a.Identity = id.Peer.String()
	}
	switch {
	case ctx.Err() != nil:
		// The caller gave up; whatever the socket saw is not a verdict.
		a.Outcome, a.Error = cases.Error, fmt.Sprintf("batch cancelled: %v", context.Cause(ctx))
	case err != nil:
		a.Outcome, a.Error = classify(err), err.Error()
	case t.Expect != "" && a.Identity != t.Expect:
		a.Outcome, a.Error = cases.Error, fmt.Sprintf("answered by %s, expected %s", a.Identity, t.Expect)
	default:
		a.Outcome = cases.Connected
	}
	return a
}

func dial(ctx context.Context, t Target, deadline time.Time, sourcePort int) (Identity, error) {
	ip, err := netip.ParseAddr(t.IP)
	if err != nil {
		return Identity{}, fmt.Errorf("target ip %q: %w", t.IP, err)
	}
	switch t.Protocol {
	case corev1.ProtocolTCP:
		return dialTCP(ctx, hostPort(t.IP, t.Port), deadline)
	case corev1.ProtocolUDP:
		return dialUDP(ctx, hostPort(t.IP, t.Port), t.Name, deadline, sourcePort)
	case corev1.ProtocolSCTP:
		return dialSCTP(ip, t.Port, deadline)
	}
	return Identity{}, fmt.Errorf("found protocol %q, expected TCP, UDP or SCTP", t.Protocol)
}

// sourcePorts returns the UDP source port of each attempt at target i (see UDPSourcePortBase).
func (b Batch) sourcePorts(i int) func(attempt int) int {
	return func(attempt int) int {
		if b.UDPSourcePortBase == 0 {
			return 0
		}
		return b.UDPSourcePortBase + attempt*len(b.Targets) + i
	}
}
