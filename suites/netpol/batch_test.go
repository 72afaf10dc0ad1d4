package netpol

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/probes"
)

func twoPods() cases.Topology {
	http := []cases.Port{{Name: "http", Port: 80, Protocol: corev1.ProtocolTCP}}
	return cases.Topology{
		Namespaces: []cases.Namespace{{Name: "x"}},
		Pods: []cases.Pod{
			{Namespace: "x", Name: "a", IP: "10.0.0.1", Ports: http},
			{Namespace: "x", Name: "b", IP: "10.0.0.2", Ports: append(http, cases.Port{Name: "dns", Port: 53, Protocol: corev1.ProtocolUDP})},
		},
		Externals: []cases.External{{Name: "out", IP: "172.18.0.9", Ports: []cases.Port{{Port: 80, Protocol: corev1.ProtocolTCP}}}},
	}
}

func TestBatches(t *testing.T) {
	t.Parallel()
	got := Batches(twoPods(), time.Second, 2)
	wantTargets := []probes.Target{
		{Name: "x/a", IP: "10.0.0.1", Port: 80, Protocol: corev1.ProtocolTCP, Expect: "x/a"},
		{Name: "x/b", IP: "10.0.0.2", Port: 80, Protocol: corev1.ProtocolTCP, Expect: "x/b"},
		{Name: "x/b", IP: "10.0.0.2", Port: 53, Protocol: corev1.ProtocolUDP, Expect: "x/b"},
		{Name: "out", IP: "172.18.0.9", Port: 80, Protocol: corev1.ProtocolTCP, Expect: "out"},
	}
	if len(got) != 3 {
		t.Fatalf("got batches for %d sources, want 3 (two pods and one external)", len(got))
	}
	for _, src := range []cases.PeerKey{"x/a", "x/b", "out"} {
		b := got[src]
		if diff := cmp.Diff(wantTargets, b.Targets); diff != "" {
			t.Errorf("batch of %s (-want +got):\n%s", src, diff)
		}
		if b.Attempts != 2 || time.Duration(b.Timeout) != time.Second {
			t.Errorf("batch of %s: attempts %d timeout %s, want 2 and 1s", src, b.Attempts, time.Duration(b.Timeout))
		}
		if err := b.Validate(); err != nil {
			t.Errorf("batch of %s does not validate: %v", src, err)
		}
	}
}

func TestDecodeResponse(t *testing.T) {
	t.Parallel()
	batch := Batches(twoPods(), time.Second, 1)["x/a"]
	batch.Round = "7"
	full := probes.Response{Round: "7"}
	for _, tg := range batch.Targets {
		full.Results = append(full.Results, probes.Result{Name: tg.Name, IP: tg.IP, Port: tg.Port, Protocol: tg.Protocol, Expect: tg.Expect, Outcome: cases.Connected, Identity: tg.Expect})
	}
	enc := func(r probes.Response) []byte {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	short := probes.Response{Round: "7", Results: full.Results[:3]}
	swapped := probes.Response{Round: "7", Results: append([]probes.Result(nil), full.Results...)}
	swapped.Results[1], swapped.Results[2] = swapped.Results[2], swapped.Results[1]
	bad := probes.Response{Round: "7", Results: append([]probes.Result(nil), full.Results...)}
	bad.Results[0].Outcome = "blocked"
	stale := full
	stale.Round = "6"
	tests := []struct {
		name, wantErr string
		out           []byte
	}{
		{"complete", "", enc(full)},
		{"missing result", "prober returned 3 results for 4 targets", enc(short)},
		{"reordered", "result 1 is for x/b UDP/53 at 10.0.0.2, expected x/b TCP/80 at 10.0.0.2", enc(swapped)},
		{"unknown outcome", `result 0 (x/a TCP/80): unknown outcome "blocked"`, enc(bad)},
		{"not json", "decode prober output", []byte("cnpc-probe: bad flag")},
		{"another round's response", `the response answers round "6", expected "7"`, enc(stale)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := decodeResponse(tt.out, batch)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestCheckIdentity(t *testing.T) {
	t.Parallel()
	r := checkIdentity(probes.Result{Outcome: cases.Connected, Expect: "x/b", Identity: "y/b"})
	if r.Outcome != cases.Error || !strings.Contains(r.Error, `answered by "y/b", expected "x/b"`) {
		t.Errorf("wrong identity: got %s %q, want error naming both", r.Outcome, r.Error)
	}
	r = checkIdentity(probes.Result{Outcome: cases.Connected, Expect: "x/b", Identity: "x/b"})
	if r.Outcome != cases.Connected {
		t.Errorf("right identity: got %s, want connected", r.Outcome)
	}
}

func TestLabelPatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		have, want map[string]string
		patch      map[string]any
	}{
		{"equal", map[string]string{"a": "1"}, map[string]string{"a": "1"}, nil},
		{"both empty", nil, nil, nil},
		{"add and change", map[string]string{"a": "1"}, map[string]string{"a": "2", "b": "3"}, map[string]any{"a": "2", "b": "3"}},
		{"remove", map[string]string{"a": "1", "b": "2"}, map[string]string{"a": "1"}, map[string]any{"b": nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.patch, labelPatch(tt.have, tt.want)); diff != "" {
				t.Errorf("labelPatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSourcePorts checks that consecutive rounds never share a UDP source port until the range
// wraps, that every block validates, and that the batches passed in are left alone.
func TestSourcePorts(t *testing.T) {
	t.Parallel()
	batches := Batches(cases.Standard(), time.Second, 3)
	span := 3 * len(batches["x/a"].Targets)
	var p SourcePorts
	rounds := (maxSourcePort - minSourcePort + 1) / span
	seen := map[int]int{}
	for round := range rounds + 1 {
		got := p.WithSourcePorts(batches)
		base := got["x/a"].UDPSourcePortBase
		for src, b := range got {
			if b.UDPSourcePortBase != base {
				t.Fatalf("round %d: %s starts at %d, x/a at %d; want one block per round", round, src, b.UDPSourcePortBase, base)
			}
			if err := b.Validate(); err != nil {
				t.Fatalf("round %d: batch of %s does not validate: %v", round, src, err)
			}
		}
		if round == rounds {
			if base != minSourcePort {
				t.Errorf("round %d: base %d, want the range to wrap to %d", round, base, minSourcePort)
			}
			break
		}
		for port := base; port < base+span; port++ {
			if r, ok := seen[port]; ok {
				t.Fatalf("round %d reuses port %d of round %d", round, port, r)
			}
			if port < minSourcePort || port > maxSourcePort {
				t.Fatalf("round %d: port %d outside %d-%d", round, port, minSourcePort, maxSourcePort)
			}
			seen[port] = round
		}
	}
	if rounds < 100 {
		t.Errorf("a port comes back after %d rounds; want at least 100 (conntrack keeps UDP flows ~2 min)", rounds)
	}
	if batches["x/a"].UDPSourcePortBase != 0 {
		t.Error("WithSourcePorts changed the batches passed in")
	}
	if got := p.Next(maxSourcePort); got != 0 {
		t.Errorf("Next(%d) = %d, want 0 (kernel-chosen ports) for a span larger than the range", maxSourcePort, got)
	}
}
