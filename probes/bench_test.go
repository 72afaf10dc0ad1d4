package probes

import (
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/cnpc-dev/cnpc/cases"
)

// BenchmarkBatch500HalfDropped probes 500 targets (TCP and UDP alternating) from the client
// namespace, of which the server namespace DROPs every second one. One op is benchRepetitions
// whole batches, each a fresh prober process, so a plain `make bench` covers every repetition.
// It fails if any verdict is wrong or any batch (wall time of the exec, process start included)
// takes 2x the per-probe timeout or more: concurrency, not a loop of timeouts.
func BenchmarkBatch500HalfDropped(b *testing.B) {
	const (
		targets          = 500
		timeout          = time.Second
		benchRepetitions = 20
	)
	p := newNetnsPair(b)
	batch, ports, want := halfDroppedBatch(p.serverIP, targets, timeout)
	p.serve(b, ServerConfig{Identity: "y/b", Ports: ports})
	for _, proto := range []string{"tcp", "udp"} {
		p.iptables(b, p.server, "-A", "INPUT", "-p", proto, "--dport", "20000:29999", "-j", "DROP")
	}
	b.ResetTimer()
	var slowest, total, slowestProber time.Duration
	wrong, batches := 0, 0
	for range b.N {
		for range benchRepetitions {
			resp, wall := p.probeFromClient(b, batch)
			wrong += countWrong(b, resp, want)
			slowest, total, batches = max(slowest, wall), total+wall, batches+1
			slowestProber = max(slowestProber, time.Duration(resp.Elapsed))
		}
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(batches), "ms/batch")
	b.ReportMetric(float64(slowest.Milliseconds()), "max-ms/batch")
	b.ReportMetric(float64(slowestProber.Milliseconds()), "max-prober-ms/batch")
	b.ReportMetric(float64(wrong), "wrong-verdicts")
	b.ReportMetric(float64(batches), "batches")
	if wrong > 0 || slowest >= 2*timeout {
		b.Errorf("%d wrong verdicts in %d batches; slowest batch %s (limit %s)", wrong, batches, slowest, 2*timeout)
	}
}

// halfDroppedBatch returns n targets alternating TCP and UDP, the even ones on ports 10000+ that
// connect and the odd ones on ports 20000+ that the benchmark drops, every one of them served.
func halfDroppedBatch(ip string, n int, timeout time.Duration) (Batch, []cases.Port, []cases.Outcome) {
	b := Batch{Timeout: Duration(timeout), Attempts: 1}
	var ports []cases.Port
	var want []cases.Outcome
	for i := range n {
		proto := []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP}[i/2%2]
		port, outcome := int32(10000+i), cases.Connected
		if i%2 == 1 {
			port, outcome = int32(20000+i), cases.Timeout
		}
		b.Targets = append(b.Targets, Target{Name: fmt.Sprintf("y/b-%d", i), IP: ip, Port: port, Protocol: proto, Expect: "y/b"})
		ports = append(ports, cases.Port{Port: port, Protocol: proto})
		want = append(want, outcome)
	}
	return b, ports, want
}

func countWrong(b *testing.B, resp Response, want []cases.Outcome) int {
	wrong := 0
	for i, r := range resp.Results {
		if r.Outcome != want[i] {
			wrong++
			b.Logf("wrong verdict: %s %s/%d: got %s %q, want %s", r.Name, r.Protocol, r.Port, r.Outcome, r.Error, want[i])
		}
	}
	return wrong
}
